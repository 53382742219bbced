/* Criteria sets: the live weight total of the editor and the live total of a score sheet.
   Everything also works without this file (the server computes both on submit). */
(function () {
  "use strict";

  function parse(text) {
    var value = String(text || "").trim().replace(/\s/g, "").replace(",", ".");
    if (value === "") { return null; }
    if (!/^-?\d+(\.\d+)?$/.test(value)) { return NaN; }
    return parseFloat(value);
  }

  // Vietnamese number format: 1.234,5; ``trim`` drops zero decimals (weights: 100, 12,5).
  function show(number, digits, trim) {
    var fixed = number.toFixed(digits);
    if (trim && fixed.indexOf(".") >= 0) {
      fixed = fixed.replace(/\.?0+$/, "");
    }
    var parts = fixed.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return parts.join(",");
  }

  function round2(number) {
    // Half away from zero at two decimals, as the server shows scores.
    return Math.sign(number) * Math.round((Math.abs(number) + Number.EPSILON) * 100) / 100;
  }

  function setupEditor(form) {
    var output = document.getElementById("weight-total");
    var note = document.getElementById("weight-note");
    if (!output) { return; }
    function update() {
      var total = 0;
      var broken = false;
      form.querySelectorAll("input[name$='-weight']").forEach(function (input) {
        if (!/^criteria-\d+-weight$/.test(input.name)) { return; }
        var value = parse(input.value);
        if (value === null) { return; }
        if (isNaN(value)) { broken = true; return; }
        total += value;
      });
      total = Math.round(total * 100) / 100;
      output.textContent = broken ? "—" : show(total, 2, true);
      var ok = !broken && total === 100;
      output.classList.toggle("weight-off", !ok);
      if (note) { note.textContent = ok ? note.dataset.ok : note.dataset.off; }
    }
    form.addEventListener("input", update);
    update();
  }

  function setupSheet(sheet) {
    var output = sheet.querySelector("#sheet-total");
    var totalWeight = parse(sheet.dataset.totalWeight);
    if (!output || !totalWeight) { return; }
    function update() {
      var sum = 0;
      var any = false;
      var broken = false;
      sheet.querySelectorAll("input[data-max]").forEach(function (input) {
        var value = parse(input.value);
        var max = parse(input.dataset.max);
        var step = parse(input.dataset.step);
        var bad = value !== null && (isNaN(value) || value < 0 || value > max ||
          (step && Math.abs(value / step - Math.round(value / step)) > 1e-9));
        input.classList.toggle("is-invalid", Boolean(bad));
        input.setAttribute("aria-invalid", bad ? "true" : "false");
        if (value === null) { return; }
        if (bad) { broken = true; return; }
        any = true;
        sum += value / max * parse(input.dataset.weight);
      });
      output.textContent = (!any || broken) ? output.dataset.empty : show(round2(sum * 100 / totalWeight), 2, false);
    }
    sheet.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("[data-criteria-editor]").forEach(setupEditor);
  document.querySelectorAll("[data-score-sheet]").forEach(setupSheet);
})();
