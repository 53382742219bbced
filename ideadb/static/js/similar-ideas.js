// Registration form: while the title and summary are typed, show ideas that already exist
// and look alike, so that a duplicate is noticed before it is registered. Only an aid: the
// form works the same without it.
(function () {
  "use strict";
  var panel = document.getElementById("similar-ideas");
  if (!panel || !window.fetch) { return; }
  var title = document.getElementById("title");
  var summary = document.getElementById("summary");
  if (!title) { return; }
  var list = panel.querySelector("ul");
  // Editing a dossier: the dossier itself is not a duplicate of itself.
  var form = document.getElementById("idea-form");
  var self = form && form.dataset.ideaId ? Number(form.dataset.ideaId) : null;
  var timer = null;
  var last = "";
  var pending = null;

  function show(items) {
    list.textContent = "";
    items = items.filter(function (item) { return item.id !== self; }).slice(0, 5);
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = (item.code ? item.code + " — " : "") + item.title;
      li.appendChild(link);
      var score = document.createElement("span");
      score.className = "text-muted ms-1";
      score.textContent = "(" + panel.dataset.like.replace("%s", String(Math.round(item.score * 100))) + ")";
      li.appendChild(score);
      list.appendChild(li);
    });
    panel.hidden = items.length === 0;
  }

  function check() {
    var text = title.value.trim() + "\n" + (summary ? summary.value.trim() : "");
    if (title.value.trim().length < 8) { show([]); return; }
    if (text === last) { return; }
    last = text;
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var url = panel.dataset.url + "?limit=" + (self === null ? 5 : 6) + "&title=" + encodeURIComponent(title.value.trim()) +
      "&summary=" + encodeURIComponent(summary ? summary.value.trim().slice(0, 2000) : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, signal: pending.signal })
      .then(function (resp) { return resp.ok ? resp.json() : { items: [] }; })
      .then(function (body) { show(body.items || []); })
      .catch(function () { /* aborted or offline: keep what is shown */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  }

  title.addEventListener("input", later);
  if (summary) { summary.addEventListener("input", later); }
  title.addEventListener("blur", check);
  check();
})();
