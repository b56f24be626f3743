/* Veche discussion: inline reply, quote by selection, votes, edit and delete in place, live
   updates over Server-Sent Events. Every action also works without this file, as a form. */
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section) return;
  var thread = document.getElementById("thread");
  var me = section.dataset.me || "";
  var signedIn = section.dataset.signedIn === "1";
  var maxIndent = parseInt(section.dataset.maxIndent || "6", 10);
  var postUrl = section.dataset.post;
  // The page's words in its language (newsroom's article view writes them, translated).
  var words = {};
  try { words = JSON.parse((document.getElementById("veche-words") || {}).textContent || "{}"); } catch (e) { words = {}; }
  function w(key, fallback) { return words[key] || fallback; }
  function plural(key, n, one, other) {
    var forms = words[key], cat = "other";
    try { cat = new Intl.PluralRules(document.documentElement.lang || "en").select(n); } catch (e) { cat = n === 1 ? "one" : "other"; }
    var form = forms ? (forms[cat] || forms.other) : (n === 1 ? one : other);
    return form.replace("{n}", String(n));
  }

  function token() {
    var el = document.querySelector("input[name=csrfmiddlewaretoken][value]:not([value=''])");
    return el ? el.value : "";
  }
  function fillTokens(root) {
    var t = token();
    root.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (i) { if (!i.value) i.value = t; });
  }
  function send(url, data) {
    var body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token(), "X-Requested-With": "fetch" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { j._status = r.status; return j; });
    });
  }
  function fromHtml(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }
  function li(id) { return document.getElementById("c" + id); }
  /* Bring a comment into view and keep it there. Comments off screen are laid out only as the
     reader nears them (content-visibility), with a guessed height until then: those a jump
     brings near the screen take their real heights after it and would push the one jumped to
     away. While the discussion's height still changes (two seconds at most, and not once the
     reader scrolls or types), it is brought back. */
  var landing = null;
  function land(el, block) {
    var how = { block: block || "start" };  // "start", "center" or "nearest"
    if (landing) landing();
    el.scrollIntoView(how);
    if (!window.ResizeObserver) return;
    var events = ["wheel", "touchstart", "keydown", "mousedown"];
    var watch = new ResizeObserver(function () { el.scrollIntoView(how); });
    var done = function () {
      watch.disconnect(); clearTimeout(timer); landing = null;
      events.forEach(function (n) { window.removeEventListener(n, done, true); });
    };
    var timer = setTimeout(done, 2000);
    events.forEach(function (n) { window.addEventListener(n, done, true); });
    watch.observe(section);
    landing = done;
  }
  function idOf(el) { return el.id.slice(1); }  // li#c123: the comment's id
  /* A comment's own parts are the <li>'s children but its replies and an open reply form. */
  function ownParts(el) {
    return Array.prototype.filter.call(el.childNodes, function (n) {
      return !(n.nodeType === 1 && (n.matches("ol.replies") || n.matches("form.inline-form")));
    });
  }
  function replaceOwn(el, parts) {
    var anchor = el.querySelector(":scope > form.inline-form, :scope > ol.replies");
    ownParts(el).forEach(function (n) { n.remove(); });
    parts.forEach(function (n) { el.insertBefore(n, anchor); });
  }
  function link(href, act, text) {
    var a = document.createElement("a");
    a.href = href; a.dataset.act = act; a.textContent = text;
    return a;
  }
  /* The member's own comments get Edit (while its window lasts, by the server's clock) and
     Delete in place of the vote buttons; the comment's action page has them too. */
  var editSeconds = words.edit_seconds || 900;
  function markMine(el) {
    if (!el || !me || el.dataset.author !== me) return;
    el.classList.add("mine");
    var more = el.querySelector(":scope > .more");
    if (!more || el.classList.contains("gone") || el.querySelector(":scope > a[data-act=delete]")) return;
    var id = idOf(el), time = el.querySelector(":scope > header time");
    var made = time ? Date.parse(time.getAttribute("datetime")) / 1000 : 0;
    if (made && serverNow() - made < editSeconds) {
      more.before(link("/comments/" + id + "/edit/", "edit", w("edit_link", "Edit")), " ");
    }
    more.before(link("/comments/" + id + "/delete/", "delete", w("delete_link", "Delete")), " ");
  }
  /* A comment with replies can be folded away with them; a comment without any has nothing
     to fold (a button each would be a thousand more elements on a long page). A reply that
     arrives later gives its parent the button (place). */
  function addCollapse(el) {
    var head = el.querySelector(":scope > header");
    if (!head || head.querySelector(".collapse") || !el.querySelector(":scope > ol.replies")) return;
    var b = document.createElement("button");
    b.type = "button"; b.className = "collapse";
    function show(closed) {  // (a comment re-drawn while folded keeps its state)
      b.textContent = closed ? "+" : "−";
      b.setAttribute("aria-expanded", closed ? "false" : "true");
      b.setAttribute("aria-label", closed ? w("expand", "Expand this comment and its replies") : w("collapse", "Collapse this comment and its replies"));
    }
    show(el.classList.contains("collapsed"));
    b.addEventListener("click", function () { show(el.classList.toggle("collapsed")); });
    head.insertBefore(b, head.firstChild);
  }
  /* A comment taken off the page; a list of replies it leaves empty goes too, and with it its
     parent's collapse button (nothing left to fold). */
  function drop(el) {
    var ol = el.parentElement;
    el.remove();
    if (!ol || !ol.matches("ol.replies") || ol.children.length) return;
    var parent = ol.parentElement;
    ol.remove();
    var b = parent && parent.querySelector(":scope > header .collapse");
    if (b) { b.remove(); parent.classList.remove("collapsed"); }
  }
  function enhance(root) {
    root.querySelectorAll("li.comment").forEach(function (el) { addCollapse(el); markMine(el); });
    if (root.matches && root.matches("li.comment")) { addCollapse(root); markMine(root); }
    fillTokens(root);
  }

  /* Placing a comment where the server's tree puts it. */
  var unseen = [];
  var otherPage = 0;
  var notice = document.getElementById("new-comments");
  function place(ev) {
    if (li(ev.comment)) return li(ev.comment);
    var el = fromHtml(ev.html);
    if (!el) return null;
    var after = ev.depth >= maxIndent ? (ev.after || lastDescendant(ev.parent)) : null;
    if (after && li(after)) {
      li(after).after(el);
    } else if (ev.parent && li(ev.parent)) {
      var p = li(ev.parent);
      var ol = p.querySelector(":scope > ol.replies");
      if (!ol) { ol = document.createElement("ol"); ol.className = "replies"; p.appendChild(ol); }
      ol.appendChild(el);
      addCollapse(p);
    } else if (!ev.parent) {
      // A top-level comment belongs at the end (oldest first) or the start (newest first) of
      // the whole discussion: on another page of a long one, only the notice tells of it.
      var order = section.dataset.order || "oldest";
      var page = section.dataset.page || "1", pages = section.dataset.pages || "1";
      if (order === "newest" && page === "1") thread.insertBefore(el, thread.firstChild);
      else if (order === "oldest" && page === pages) thread.appendChild(el);
      else if (order === "best" && page === pages) thread.appendChild(el);
      else { otherPage += 1; showNotice(); return null; }
    } else {
      return null;
    }
    enhance(el);
    var empty = section.querySelector(".empty-thread");
    if (empty) empty.remove();
    return el;
  }
  function bumpCount(delta) {
    section.querySelectorAll(".discussion-head .count").forEach(function (c) {
      c.textContent = String(Math.max(0, (parseInt(c.textContent, 10) || 0) + delta));
    });
  }
  function inView(el) {
    // A comment in a part the browser skips (content-visibility) is off screen, its box empty.
    if (el.checkVisibility && !el.checkVisibility({ contentVisibilityAuto: true })) return false;
    var r = el.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  }
  function showNotice() {
    unseen = unseen.filter(function (el) { return document.body.contains(el) && !inView(el); });
    var n = unseen.length + otherPage;
    if (!n) { notice.hidden = true; return; }
    notice.hidden = false;
    notice.querySelector("button").textContent = plural(otherPage && !unseen.length ? "new_elsewhere" : "new_comments", n,
      "{n} new comment", "{n} new comments") + (otherPage && !unseen.length && !words.new_elsewhere ? " on another page" : "");
  }
  if (notice) {
    notice.querySelector("button").addEventListener("click", function () {
      if (!unseen.length && otherPage) {
        var last = (section.dataset.order || "oldest") === "newest" ? 1 : section.dataset.pages;
        location.href = "?order=" + (section.dataset.order || "oldest") + "&p=" + last + "#comments";
        return;
      }
      var el = unseen.shift();
      if (el) { land(el, "center"); flash(el); }
      showNotice();
    });
    window.addEventListener("scroll", function () { if (!notice.hidden) showNotice(); }, { passive: true });
  }
  function flash(el) {
    el.classList.add("highlight");
    setTimeout(function () { el.classList.remove("highlight"); }, 2500);
  }
  function replaceBody(id, html) {
    var old = li(id);
    if (!old) return;
    if (!html) {
      if (!old.querySelector(":scope > ol.replies")) drop(old);
      return;
    }
    var fresh = fromHtml(html);
    replaceOwn(old, ownParts(fresh));
    old.className = fresh.className + (old.classList.contains("mine") ? " mine" : "");
    enhance(old);
  }

  /* What the page has applied, per comment, so that each change counts once whichever comes
     first: the member's own answer, or its echo on the live stream. A comment is counted in
     the discussion's number or not; a change to the state it is already in changes nothing
     (the number moves only when the state does). The member's own changes also wait in `own`
     for their echo: an echo of a change that a later one of theirs has superseded is skipped,
     so an old state never comes back over a newer one. Stream events applied lately are kept
     in `seen`, for an answer that arrives after its own echo. */
  var counted = {}, own = {}, seen = {};
  var ECHO_MS = 15000;  // an echo that has not come by then will not come (a lost event resyncs)
  function isCounted(id) {
    if (!(id in counted)) {
      var el = li(id);
      if (!el) return null;  // not on this page: unknown
      counted[id] = !(el.classList.contains("gone") || el.classList.contains("held"));
    }
    return counted[id];
  }
  function setCounted(id, now) {
    var was = isCounted(id);
    counted[id] = now;
    // Unknown means a comment elsewhere: made public it was not counted, hidden it was.
    if (now && was !== true) bumpCount(1);
    else if (!now && was !== false) bumpCount(-1);
  }
  function recent(list) {
    var t = Date.now();
    return (list || []).filter(function (e) { return t - e.at < ECHO_MS; });
  }
  function signature(kind, data) {
    if (kind === "comment.vote") return data.plus + "/" + data.minus;
    if (kind === "comment.edit") {
      var el = data.html ? fromHtml(data.html) : null, text = el && el.querySelector(".c-text");
      return text ? text.innerHTML : "";
    }
    return "";
  }
  function fromStream(kind, ev, apply) {
    var id = String(ev.comment), sig = signature(kind, ev), mine = recent(own[id]);
    for (var i = 0; i < mine.length; i++) {
      if (mine[i].kind === kind && mine[i].sig === sig) {
        own[id] = mine.slice(i + 1);
        if (own[id].length) return;  // our own change, superseded by a later one of ours
        apply(ev);  // our own latest state: changes nothing, or restores it over an older event
        return;
      }
    }
    own[id] = mine;
    seen[id] = recent(seen[id]).concat([{ kind: kind, sig: sig, at: Date.now() }]);
    apply(ev);
  }
  function fromAnswer(kind, id, data, echoed, apply) {
    id = String(id);
    var sig = signature(kind, data), list = recent(seen[id]);
    seen[id] = list;
    for (var i = 0; i < list.length; i++) {
      if (!list[i].claimed && list[i].kind === kind && list[i].sig === sig) {
        list[i].claimed = true;  // its echo came first and was applied
        if (i === list.length - 1) apply(data);
        return;  // else newer events are on the page already
      }
    }
    apply(data);
    if (echoed) own[id] = recent(own[id]).concat([{ kind: kind, sig: sig, at: Date.now() }]);
  }
  function forgetShown() {
    // A comment the reloaded thread shows is in the state it shows; one it does not show
    // keeps what the page knew (deleted here, or on another page), so a late echo of its
    // change still changes nothing.
    thread.querySelectorAll("li.comment").forEach(function (el) { delete counted[idOf(el)]; });
  }

  function showNew(ev) {
    var id = ev.comment, was = isCounted(id), el = li(id);
    setCounted(id, true);
    if (el) {
      if (was === false) { replaceBody(id, ev.html); flash(el); }  // a placeholder or held comment shown again
      return el;
    }
    el = place(ev);
    if (!el) { if (ev.parent && !li(ev.parent)) return null; /* a reply on another page */ if (!otherPage) resync(); return null; }
    if (!inView(el)) { unseen.push(el); showNotice(); } else { flash(el); }
    return el;
  }
  function showGone(id, html) {
    setCounted(id, false);
    replaceBody(id, html);
  }
  function showEdit(id, html) {
    if (isCounted(id) === false) return;  // an edit never brings back a deleted or removed comment
    replaceBody(id, html);
  }

  /* Live updates. */
  var handlers = {
    "comment.new": function (ev) { fromStream("comment.new", ev, showNew); },
    "comment.edit": function (ev) { fromStream("comment.edit", ev, function () { showEdit(ev.comment, ev.html); }); },
    "comment.remove": function (ev) { fromStream("comment.remove", ev, function () { showGone(ev.comment, ev.html); }); },
    "comment.vote": function (ev) { fromStream("comment.vote", ev, function () { setCounts(ev.comment, ev.plus, ev.minus); }); },
    "presence": function (ev) { setPresence(ev.member, ev.online ? ev.until : 0); },
    "resync": function () { resync(); },
    /* notify/notify.js asks for the count: the stream sends this event to the member it
       concerns only (live.stream.for_reader), with no names and no count */
    "notify.unread": function () {
      if (me) window.dispatchEvent(new CustomEvent("veche:notify"));
    }
  };
  function resync() {
    var order = new URLSearchParams(location.search).get("order") || "oldest";
    fetch(section.dataset.thread + "?order=" + encodeURIComponent(order) + "&p=" + (section.dataset.page || "1"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var fresh = fromHtml(j.html);  // the <ol>: the page's vote form stays around it
        if (fresh.id !== "thread") fresh = fresh.querySelector("#thread");
        thread.replaceWith(fresh);
        thread = fresh;
        forgetShown();  // the page is the server's state again
        enhance(thread);
        section.querySelectorAll(".discussion-head .count").forEach(function (c) { c.textContent = j.count; });
        showPicks(j.picks);
      });
  }
  /* The editors' picks strip as the server draws it now ("" when none is left): a pick or an
     unpick sends a resync, and the strip follows it with the thread. */
  function showPicks(html) {
    if (typeof html !== "string") return;
    var old = section.querySelector("#picks"), strip = html ? fromHtml(html) : null;
    if (old && strip) old.replaceWith(strip);
    else if (old) old.remove();
    else if (strip) section.querySelector(".discussion-head").after(strip);
  }
  if (window.EventSource && section.dataset.events) {
    var source = new EventSource(section.dataset.events);
    Object.keys(handlers).forEach(function (type) {
      source.addEventListener(type, function (e) {
        try { handlers[type](JSON.parse(e.data)); } catch (err) { if (window.console) console.error(err); }
      });
    });
    source.addEventListener("open", function () { section.dataset.live = "1"; });
  }

  /* Presence: Online lapses at its data-until (server time); the page re-asks every minute. */
  var skew = (parseInt(section.dataset.now || "0", 10) || Date.now() / 1000) - Date.now() / 1000;
  function serverNow() { return Date.now() / 1000 + skew; }
  function setPresence(member, until) {
    section.querySelectorAll('li[data-author="' + member + '"] > header .presence').forEach(function (p) {
      var on = until && until > serverNow();
      p.textContent = on ? w("online", "Online") : w("offline", "Offline");
      p.title = p.textContent;
      p.classList.toggle("on", !!on);
      if (on) p.dataset.until = String(until); else delete p.dataset.until;
    });
  }
  setInterval(function () {
    section.querySelectorAll(".presence.on[data-until]").forEach(function (p) {
      if (parseInt(p.dataset.until, 10) <= serverNow()) {
        var li = p.closest("li.comment");
        if (li) setPresence(li.dataset.author, 0);
      }
    });
  }, 10000);
  setInterval(function () {
    var ids = {};
    section.querySelectorAll("li.comment[data-author]").forEach(function (li) { ids[li.dataset.author] = 1; });
    var list = Object.keys(ids).slice(0, 500);
    if (!list.length || !section.dataset.presence) return;
    fetch(section.dataset.presence + "?ids=" + list.join(","), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        skew = j.now - Date.now() / 1000;
        list.forEach(function (id) { setPresence(id, j.online[id] || 0); });
      }).catch(function () {});
  }, 60000);

  /* Votes. */
  function setCounts(id, plus, minus) {
    var el = li(id);
    if (!el) return;
    // The buttons' text is the count: "+3", "−1".
    var p = el.querySelector(":scope > .plus"), m = el.querySelector(":scope > .minus");
    if (p) p.textContent = "+" + plus;
    if (m) m.textContent = "\u2212" + minus;
  }
  function shownCounts(id) {
    var el = li(id);
    var p = el && el.querySelector(":scope > .plus"), m = el && el.querySelector(":scope > .minus");
    return p && m ? parseInt(p.textContent.slice(1), 10) + "/" + parseInt(m.textContent.slice(1), 10) : "";
  }
  function deletedInPlace(el) {
    if (!document.body.contains(el) || el.classList.contains("gone")) return;
    if (!el.querySelector(":scope > ol.replies")) { drop(el); return; }
    // With replies it stays, as the server shows it: a placeholder keeping its number.
    var head = el.querySelector(":scope > header");
    var num = head && head.querySelector(".num"), time = head && head.querySelector("time");
    var gone = document.createElement("header");
    if (num) gone.append(num.cloneNode(true), " ");
    var em = document.createElement("em"); em.textContent = w("deleted", "Comment deleted by its author.");
    gone.append(em);
    if (time) gone.append(" ", time.cloneNode(true));
    replaceOwn(el, [gone]);
    el.classList.add("gone");
    addCollapse(el);  // its replies stay: they can still be folded
  }
  function setMine(id, value) {
    var el = li(id);
    if (!el) return;
    var p = el.querySelector(":scope > .plus"), m = el.querySelector(":scope > .minus");
    if (p) p.setAttribute("aria-pressed", value === 1 ? "true" : "false");
    if (m) m.setAttribute("aria-pressed", value === -1 ? "true" : "false");
  }
  (function markVotes() {
    var data = document.getElementById("my-votes");
    if (!data) return;
    var votes = JSON.parse(data.textContent);
    Object.keys(votes).forEach(function (id) { setMine(id, votes[id]); });
  })();

  /* Caught on the way down: the reply and edit forms opened in a comment are inside the
     thread's vote form, and Chromium stops a nested form's submit event at the outer form. */
  section.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id === "vote-form") {
      if (!signedIn) return;
      e.preventDefault();
      var button = e.submitter;
      if (!button) return;
      var id = idOf(button.closest("li.comment"));
      var pressed = button.getAttribute("aria-pressed") === "true";
      var value = pressed ? 0 : parseInt(button.value, 10);
      send(button.formAction, { value: value, mode: "set" }).then(function (j) {
        if (j._status === 200) {
          // An echo comes when the counts moved; they may have moved through its echo already.
          var moved = signature("comment.vote", j) !== shownCounts(id);
          fromAnswer("comment.vote", id, j, moved, function () { setCounts(id, j.plus, j.minus); });
          setMine(id, j.mine);
        }
        else { alertIn(button.closest("li.comment"), j.message || w("vote_failed", "The vote was not counted.")); }
      });
    } else if (form.classList.contains("comment-form") && e.submitter && e.submitter.name === "preview") {
      e.preventDefault();
      showPreview(form, true);
    } else if (form.classList.contains("comment-form") && !form.classList.contains("edit-inline")) {
      e.preventDefault();
      var data = new FormData(form);
      var submit = form.querySelector("button[type=submit]");
      if (submit) submit.disabled = true;
      send(form.action, data).then(function (j) {
        if (submit) submit.disabled = false;
        if (j._status === 201) {
          var ev = { comment: j.id, parent: j.parent, html: j.html, depth: j.depth || 0 };
          var el = null;
          if (j.status === "visible") {
            fromAnswer("comment.new", j.id, ev, true, function () { setCounted(j.id, true); place(ev); });
            el = li(j.id);
          } else {
            el = place(ev);  // held: only its author sees it, and it is not counted
          }
          if (el) { el.classList.add("mine"); land(el, "nearest"); flash(el); }
          form.reset();
          var shown = form.querySelector(".preview-panel");
          if (shown) { shown.hidden = true; shown.textContent = ""; }
          form.querySelector("input[name=idempotency_key]").value = newKey();
          if (form.classList.contains("inline-form")) form.remove();
          clearError(form);
        } else if (j._status === 401) {
          location.href = "/signin/?next=" + encodeURIComponent(location.pathname + "#comment-form");
        } else {
          alertIn(form, j.message || w("post_failed", "The comment could not be published."));
          if (j._status === 429 && j.retry_after && submit) holdUntil(form, submit, Date.now() / 1000 + j.retry_after);
        }
      }).catch(function () { if (submit) submit.disabled = false; alertIn(form, w("network", "The network failed; your text is still here. Try again.")); });
    } else if (form.classList.contains("edit-inline")) {
      e.preventDefault();
      var cid = form.dataset.id;
      send("/comments/" + cid + "/edit/", { body: form.querySelector("textarea").value }).then(function (j) {
        if (j._status === 200) {
          if (j.status === "visible") fromAnswer("comment.edit", cid, j, true, function () { showEdit(cid, j.html); });
          else replaceBody(cid, j.html);  // held: no one else sees it, no echo comes
        } else { alertIn(form, j.message || w("not_saved", "Not saved.")); }
      });
    }
  }, true);
  // Preview: the server renders what is typed exactly as it will show (one small endpoint,
  // its own rate limit), asked at most once per PREVIEW_MS of quiet typing.
  var PREVIEW_MS = 800;
  function showPreview(form, now) {
    var panel = form.querySelector(".preview-panel");
    var area = form.querySelector("textarea[name=body]");
    if (!panel || !area || !form.dataset.preview) return;
    clearTimeout(form._previewTimer);
    form._previewTimer = setTimeout(function () {
      if (!area.value.trim()) { panel.hidden = true; panel.textContent = ""; return; }
      send(form.dataset.preview, { body: area.value }).then(function (j) {
        if (j._status === 200) { panel.innerHTML = j.html; panel.hidden = false; }
        else if (now) { alertIn(form, j.message || "No preview now."); }
      });
    }, now ? 0 : PREVIEW_MS);
  }
  section.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form.comment-form");
    if (form && signedIn && e.target.name === "body" && !form.classList.contains("edit-inline")) showPreview(form, false);
  });
  function lastDescendant(parentId) {
    var p = li(parentId);
    if (!p) return null;
    var all = p.querySelectorAll("li.comment");
    var last = all.length ? all[all.length - 1] : p;
    var sib = p.nextElementSibling;
    while (sib && parseInt(sib.dataset.depth, 10) > parseInt(p.dataset.depth, 10)) { last = sib; sib = sib.nextElementSibling; }
    return idOf(last);
  }
  function newKey() {
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  /* Over a rate limit the Publish button rests until the time the answer (or the page's
     data-retry-at) names, so the next press is not refused again. */
  function holdUntil(form, button, at) {
    form.dataset.retryAt = String(Math.ceil(at));
    button.disabled = true;
    setTimeout(function () { button.disabled = false; delete form.dataset.retryAt; },
               Math.max(0, at * 1000 - Date.now()));
  }
  document.querySelectorAll("form.comment-form[data-retry-at]").forEach(function (f) {
    var b = f.querySelector("button[type=submit]");
    if (b) holdUntil(f, b, parseInt(f.dataset.retryAt, 10));
  });
  function clearError(form) { var e = form.querySelector(".form-error"); if (e) e.remove(); }
  function alertIn(form, message) {
    clearError(form);
    var p = document.createElement("p");
    p.className = "form-error"; p.setAttribute("role", "alert"); p.textContent = message;
    form.insertBefore(p, form.firstChild);
  }

  /* Reply, quote, edit, delete in place. */
  function replyForm(parentId) {
    var existing = document.getElementById("reply-form-" + parentId);
    if (existing) return existing;
    var main = document.getElementById("comment-form");
    if (!main) return null;
    var f = main.cloneNode(true);
    f.id = "reply-form-" + parentId;
    f.classList.add("inline-form");
    f.querySelectorAll("[id]").forEach(function (n) { n.id = n.id.replace("comment-form", f.id); });
    var label = f.querySelector("label");
    label.htmlFor = f.id + "-body";
    var who = li(parentId).querySelector(":scope > header .login");
    // The login alone (the link's text adds the real name): from its profile's address.
    var login = who && who.getAttribute("href") ? decodeURIComponent(who.getAttribute("href").split("/")[2]) : (who ? who.textContent : "");
    label.textContent = who ? w("reply_to", "Your reply to {login}").replace("{login}", login) : w("reply_this", "Your reply to this comment");
    var ta = f.querySelector("textarea"); ta.value = "";
    var hidden = f.querySelector("input[name=parent]");
    if (!hidden) { hidden = document.createElement("input"); hidden.type = "hidden"; hidden.name = "parent"; f.appendChild(hidden); }
    hidden.value = parentId;
    f.querySelector("input[name=idempotency_key]").value = newKey();
    clearError(f);
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "linklike"; cancel.textContent = w("cancel", "Cancel");
    cancel.addEventListener("click", function () { f.remove(); });
    // Quoting the comment replied to (what is selected in it, else all of it): one button in
    // the open form rather than a link on every comment.
    var quote = document.createElement("button");
    quote.type = "button"; quote.className = "linklike"; quote.dataset.quote = parentId;
    quote.textContent = w("quote_comment", "Quote the comment");
    quote.addEventListener("click", function () { quoteComment(parentId, ta); });
    f.append(quote, " ", cancel);
    var p = li(parentId);
    p.insertBefore(f, p.querySelector(":scope > ol.replies"));
    return f;
  }
  function quoteInto(textarea, ref, text) {
    var lines = text.trim().split(/\n+/).map(function (l) { return "> " + l.trim(); });
    var block = "> [quote=" + ref + "]\n" + lines.join("\n") + "\n\n";
    textarea.value = (textarea.value ? textarea.value.replace(/\s*$/, "\n\n") : "") + block;
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }
  var lastSelection = {};  // the text last selected in each comment (a click on a button loses it)
  function quoteComment(id, textarea) {
    var text = textOf(id);
    var sel = lastSelection.id === id ? lastSelection.text : "";
    quoteInto(textarea, "c" + id, sel || text);
  }
  function textOf(id) {
    var t = li(id) && li(id).querySelector(":scope > .c-text");
    return t ? t.innerText : "";
  }
  section.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-act]");
    if (!a || !signedIn) return;
    var el = a.closest("li.comment");
    var id = idOf(el);
    var act = a.dataset.act;
    if (act === "reply") {
      e.preventDefault();
      var f = replyForm(id);
      if (f) f.querySelector("textarea").focus();
    } else if (act === "quote") {
      e.preventDefault();
      var sel = selectedIn(el.querySelector(":scope > .c-text"));
      var text = sel || el.querySelector(":scope > .c-text").innerText;
      var rf = replyForm(id);
      if (rf) quoteInto(rf.querySelector("textarea"), "c" + id, text);
    } else if (act === "edit") {
      e.preventDefault();
      fetch("/comments/" + id + "/edit/", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { j._status = r.status; return j; }); })
        .then(function (j) {
          if (j._status !== 200) { alert(j.message || w("no_edit", "This comment can no longer be edited.")); return; }
          var form = document.createElement("form");
          form.className = "edit-inline comment-form"; form.dataset.id = id;
          var label = document.createElement("label"); label.textContent = w("edit", "Edit your comment"); label.htmlFor = "edit-" + id;
          var ta = document.createElement("textarea"); ta.id = "edit-" + id; ta.value = j.body; ta.rows = 5; ta.maxLength = 10000;
          var save = document.createElement("button"); save.className = "button"; save.textContent = w("save", "Save");
          form.append(label, ta, save);
          el.querySelector(":scope > .c-text").replaceWith(form);
          ta.focus();
        });
    } else if (act === "delete") {
      e.preventDefault();
      if (!window.confirm(w("confirm_delete", "Delete your comment? If it has replies, it stays as a placeholder."))) return;
      send("/comments/" + id + "/delete/", {}).then(function (j) {
        if (j._status === 200) {
          var wasCounted = isCounted(id) !== false;
          fromAnswer("comment.remove", id, j, wasCounted, function () {
            setCounted(id, false);
            deletedInPlace(el);
          });
        } else alert(j.message || w("not_deleted", "Not deleted."));
      });
    }
  });

  /* Quote by selection: select text in the article or a comment, press "Quote". */
  function selectedIn(container) {
    var s = window.getSelection();
    if (!s || s.isCollapsed || !container) return "";
    if (!container.contains(s.anchorNode) || !container.contains(s.focusNode)) return "";
    return s.toString().trim();
  }
  var pop = document.createElement("button");
  pop.type = "button"; pop.className = "quote-pop"; pop.textContent = w("quote", "Quote"); pop.hidden = true;
  document.body.appendChild(pop);
  var pending = null;
  document.addEventListener("selectionchange", function () {
    var s = window.getSelection();
    if (!signedIn || !s || s.isCollapsed || !s.rangeCount) {
      // Hide a little later (a click on the button collapses the selection first), and only
      // if the selection is still empty by then.
      setTimeout(function () {
        var now = window.getSelection();
        if (document.activeElement !== pop && (!now || now.isCollapsed)) pop.hidden = true;
      }, 200);
      return;
    }
    var node = s.anchorNode.nodeType === 1 ? s.anchorNode : s.anchorNode.parentElement;
    var para = node.closest("#story-body [id]");
    var comment = node.closest("li.comment");
    var text = s.toString().trim();
    if (!text) { pop.hidden = true; return; }
    if (para) pending = { ref: para.id, text: text, target: null };
    else if (comment && node.closest(".c-text")) {
      pending = { ref: "c" + idOf(comment), text: text, target: idOf(comment) };
      lastSelection = { id: idOf(comment), text: text };
    }
    else { pop.hidden = true; return; }
    var rect = s.getRangeAt(0).getBoundingClientRect();
    pop.style.top = (window.scrollY + rect.bottom + 6) + "px";
    pop.style.left = (window.scrollX + rect.left) + "px";
    pop.hidden = false;
  });
  pop.addEventListener("mousedown", function (e) { e.preventDefault(); });
  pop.addEventListener("click", function () {
    if (!pending) return;
    var form = pending.target ? replyForm(pending.target) : document.getElementById("comment-form");
    if (form) { quoteInto(form.querySelector("textarea"), pending.ref, pending.text); form.scrollIntoView({ block: "center" }); }
    pop.hidden = true;
  });

  /* New since the last visit: the link (the member's `new` slot) goes to the first new
     comment; with this script it steps to the next new one below where the reader is. */
  var nextNew = document.getElementById("next-new");
  if (nextNew) {
    var newIds = (nextNew.dataset.new || "").split(",").filter(Boolean);
    var at = -1;  // the new comment last jumped to; first, the first one below the reader
    /* Below the reader: after, in the page, the comment at the top of the screen (by the page's
       order: comments off screen have no place measured, see land). */
    var below = function (here) {
      return function (el) {
        return !here || (el !== here && !!(here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
      };
    };
    var atTop = function () {  // under whatever sticks to the top of the screen (this very link)
      var here = null;
      document.elementsFromPoint(window.innerWidth / 2, 8).some(function (n) { return (here = n.closest("#thread li.comment")); });
      return here;
    };
    nextNew.addEventListener("click", function (e) {
      var els = newIds.map(li).filter(Boolean);
      if (!els.length) return;
      e.preventDefault();
      if (at < 0) at = Math.max(0, els.findIndex(below(atTop())));
      else at = (at + 1) % els.length;
      var target = els[at];
      land(target);
      history.replaceState(null, "", "#" + target.id);
      flash(target);
      nextNew.href = "#" + els[(at + 1) % els.length].id;
      nextNew.textContent = nextNew.dataset.nextLabel;
    });
  }

  enhance(section);
  // A reload keeps where the reader had scrolled to (the browser restores it); a link lands.
  var reloaded = (performance.getEntriesByType && (performance.getEntriesByType("navigation")[0] || {}).type) === "reload";
  if (location.hash && /^#c\d+$/.test(location.hash)) { var t = document.querySelector(location.hash); if (t) { if (!reloaded) land(t); flash(t); } }
  window.addEventListener("hashchange", function () {
    if (/^#c\d+$/.test(location.hash)) { var t = document.querySelector(location.hash); if (t) land(t); }
  });
})();
