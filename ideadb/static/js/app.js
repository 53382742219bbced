/* Small progressive enhancements shared by every page; everything works without them. */
(function () {
  "use strict";
  // A form sent back with errors: move the focus to its error summary at the top
  // (the summary also carries autofocus, for when this script does not run).
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
  // Tables shown as cards on phones: label each cell with its column header when the template
  // did not (CSS prints data-label before the cell's content).
  document.querySelectorAll("main table").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var i = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var head = heads[i];
        if (head && !cell.hasAttribute("data-label")) {
          var text = head.textContent.trim();
          if (text) { cell.setAttribute("data-label", text); }
        }
        i += cell.colSpan || 1;
      });
    });
  });
  // Disclosures that stay open on wide screens (the catalogue's filters).
  if (window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
})();
