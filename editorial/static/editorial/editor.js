// The article editor: live preview and word count as the text changes, and autosave of what
// is not saved yet (every few seconds while typing, and as the tab is hidden or closed).
// Without this script the form still saves and previews (its Preview button).
(function () {
  "use strict";
  var form = document.getElementById("ed-form");
  if (!form) return;
  var body = form.querySelector("textarea[name=body]");
  var previewBox = document.getElementById("ed-preview-body");
  var words = document.getElementById("ed-words");
  var status = document.getElementById("ed-autosave");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var fields = ["title", "lead", "body", "slug"];
  var dirty = false, previewTimer = null, saveTimer = null, lastPreview = null;

  function draftData() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("article", form.dataset.article || "");
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) data.append(name, el.value);
    });
    return data;
  }

  function refreshPreview() {
    if (body.value === lastPreview) return;
    lastPreview = body.value;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("article", form.dataset.article || "");
    data.append("body", body.value);
    fetch(form.dataset.preview, {method: "POST", body: data, credentials: "same-origin",
                                 headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) {
        if (!json) return;
        // The server's sanitised rendering, the same the published page stores.
        previewBox.innerHTML = json.html;
        if (words) words.textContent = json.words_text;  // in the page's language, plural included
      })
      .catch(function () {});
  }

  function autosave(beacon) {
    if (!dirty) return;
    var data = draftData();
    if (beacon && navigator.sendBeacon) {
      if (navigator.sendBeacon(form.dataset.autosave, data)) dirty = false;
      return;
    }
    fetch(form.dataset.autosave, {method: "POST", body: data, credentials: "same-origin",
                                  headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (r.ok) { dirty = false; status.textContent = form.dataset.savedText + " " + new Date().toLocaleTimeString(); }
        else status.textContent = form.dataset.failedText;
      })
      .catch(function () { status.textContent = form.dataset.failedText; });
  }

  form.addEventListener("input", function (e) {
    if (fields.indexOf(e.target.name) < 0) return;
    dirty = true;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 400);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { autosave(false); }, 3000);
  });
  form.addEventListener("submit", function () { dirty = false; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") autosave(true);
  });
  window.addEventListener("pagehide", function () { autosave(true); });
})();
