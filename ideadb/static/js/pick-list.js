/* Long lists of checkboxes: "select all" (of the rows shown) and a text filter.
   Markup: a [data-pick-list] container with hidden .pick-tools holding [data-pick-all] and
   optionally [data-pick-filter]; each row is [data-pick-item] with one checkbox. Without
   JavaScript the tools stay hidden and the plain checkboxes (or the "add all" button) work. */
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("[data-pick-list]").forEach(function (list) {
    var tools = list.querySelector(".pick-tools");
    var all = list.querySelector("[data-pick-all]");
    var filter = list.querySelector("[data-pick-filter]");
    var count = list.querySelector("[data-pick-count]");
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-pick-item]"));
    if (tools) { tools.hidden = false; }
    function boxes(visibleOnly) {
      return items.filter(function (i) { return !visibleOnly || !i.hidden; })
        .map(function (i) { return i.querySelector("input[type=checkbox]"); })
        .filter(Boolean);
    }
    function refresh() {
      var shown = boxes(true);
      var ticked = shown.filter(function (b) { return b.checked; }).length;
      if (all) {
        all.checked = shown.length > 0 && ticked === shown.length;
        all.indeterminate = ticked > 0 && ticked < shown.length;
      }
      if (count) {
        var total = boxes(false).filter(function (b) { return b.checked; }).length;
        count.textContent = count.getAttribute("data-template").replace("{n}", total);
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes(true).forEach(function (b) { b.checked = all.checked; });
        refresh();
      });
    }
    if (filter) {
      filter.addEventListener("input", function () {
        var words = fold(filter.value).split(/\s+/).filter(Boolean);
        items.forEach(function (item) {
          var text = fold(item.textContent);
          item.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
        });
        refresh();
      });
    }
    items.forEach(function (item) {
      var box = item.querySelector("input[type=checkbox]");
      if (box) { box.addEventListener("change", refresh); }
    });
    refresh();
  });
})();
