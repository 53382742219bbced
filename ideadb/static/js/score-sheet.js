// Live weighted total of the score sheet: Σ points / max × weight, scaled to 0–100.
// The page works without it: the server shows the total after saving.
(function () {
  "use strict";
  function parse(text) {
    var value = String(text || "").trim().replace(",", ".");
    if (value === "" || isNaN(Number(value))) { return null; }
    return Number(value);
  }
  function format(value) {
    return value.toLocaleString("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function setup(sheet) {
    var inputs = sheet.querySelectorAll(".sheet-points");
    var output = sheet.querySelector("#sheet-total");
    var totalWeight = Number(sheet.getAttribute("data-total-weight")) || 100;
    function update() {
      var sum = 0, any = false, invalid = false;
      inputs.forEach(function (input) {
        var points = parse(input.value);
        var max = Number(input.getAttribute("data-max"));
        if (points === null) {
          input.classList.toggle("is-invalid", String(input.value).trim() !== "");
          invalid = invalid || String(input.value).trim() !== "";
          return;
        }
        var bad = points < 0 || points > max;
        input.classList.toggle("is-invalid", bad);
        invalid = invalid || bad;
        any = true;
        if (!bad) { sum += points / max * Number(input.getAttribute("data-weight")); }
      });
      if (!output) { return; }
      output.textContent = any ? format(sum * 100 / totalWeight) : output.getAttribute("data-empty");
      output.classList.toggle("text-danger", invalid);
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }
  document.querySelectorAll("[data-score-sheet]").forEach(setup);
})();
