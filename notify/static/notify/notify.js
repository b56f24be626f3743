/* Veche notifications: the header's unread count kept live, and logins completed as you type
   an @mention in a comment form. Without this file the count shows on the next page and a
   typed @login still works. */
(function () {
  "use strict";
  var link = document.querySelector("a.notify-link[data-unread-url]");
  function refresh() {
    if (!link) return;
    fetch(link.dataset.unreadUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        var badge = link.querySelector(".badge");
        if (!j.unread) { if (badge) badge.remove(); return; }
        if (!badge) { badge = document.createElement("span"); badge.className = "badge"; link.append(" ", badge); }
        badge.textContent = j.unread;
        badge.removeAttribute("aria-label");  // the server's words (with plurals) come with the next page
      })
      .catch(function () {});
  }
  window.addEventListener("veche:notify", refresh);

  /* Completing logins. */
  var section = document.getElementById("comments");
  var story = section ? document.querySelector("[data-article]") : null;
  var articleId = story ? story.dataset.article : "";
  var TYPED = /(^|[^\w@&])@(?:"([^"\n]{0,32})|([\w.\-]{1,32}))$/u;
  var box = null, options = [], active = -1, target = null, timer = null, typed = null;

  function close() { if (box) box.remove(); box = null; options = []; active = -1; }
  function choose(i) {
    if (!target || !typed || !options[i]) return;
    var ta = target, end = ta.selectionStart, start = end - typed.length;
    var insert = options[i].insert + " ";
    ta.value = ta.value.slice(0, start) + insert + ta.value.slice(end);
    ta.setSelectionRange(start + insert.length, start + insert.length);
    close();
    ta.focus();
  }
  function show(list) {
    close();
    if (!list.length) return;
    options = list;
    box = document.createElement("ul");
    box.className = "mention-complete";
    box.setAttribute("role", "listbox");
    list.forEach(function (o, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.textContent = "@" + o.login;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      box.appendChild(li);
    });
    target.insertAdjacentElement("afterend", box);
  }
  function highlight(i) {
    if (!box) return;
    active = (i + options.length) % options.length;
    box.querySelectorAll("li").forEach(function (li, n) { li.setAttribute("aria-selected", n === active ? "true" : "false"); });
  }
  document.addEventListener("input", function (e) {
    var ta = e.target;
    if (!(ta instanceof HTMLTextAreaElement) || !ta.closest("form.comment-form")) return;
    var m = TYPED.exec(ta.value.slice(0, ta.selectionStart));
    clearTimeout(timer);
    if (!m || !(m[2] || m[3])) { close(); return; }
    target = ta;
    typed = "@" + (m[2] !== undefined ? '"' + m[2] : m[3]);
    var q = m[2] !== undefined ? m[2] : m[3];
    timer = setTimeout(function () {
      fetch("/api/v1/logins/?q=" + encodeURIComponent(q) + "&article=" + encodeURIComponent(articleId),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { logins: [] }; })
        .then(function (j) { if (target === ta) show(j.logins || []); })
        .catch(function () {});
    }, 200);
  });
  document.addEventListener("keydown", function (e) {
    if (!box || e.target !== target) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
    else if ((e.key === "Enter" || e.key === "Tab") && active >= 0) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { close(); }
  });
  document.addEventListener("focusout", function (e) { if (e.target === target) setTimeout(close, 150); });
})();
