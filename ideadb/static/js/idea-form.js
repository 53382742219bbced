// Registration form: add and remove author rows in place and show the running share total.
// Without JavaScript the same buttons post the form and the server adds or removes the row.
(function () {
  "use strict";
  var form = document.getElementById("idea-form");
  if (!form) { return; }
  var rows = document.getElementById("author-rows");
  var template = document.getElementById("author-row-template");
  var total = document.getElementById("share-total");
  var sum = document.getElementById("share-sum");
  var addButton = document.getElementById("add-author");

  function updateTotal() {
    var value = 0;
    rows.querySelectorAll(".author-share").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (!isNaN(n)) { value += n; }
    });
    sum.textContent = String(value);
    total.hidden = false;
    total.classList.toggle("is-wrong", value !== 100);
    total.classList.toggle("text-success", value === 100);
  }

  function removeRow(row) {
    if (rows.querySelectorAll("[data-author-row]").length <= 1) {
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    } else {
      row.remove();
    }
    updateTotal();
  }

  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-author");
    if (!button) { return; }
    event.preventDefault();
    removeRow(button.closest("[data-author-row]"));
  });

  if (addButton && template) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(rows.getAttribute("data-next-index"), 10) || 0;
      var html = template.innerHTML.replace(/__i__/g, String(index));
      rows.setAttribute("data-next-index", String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      row.querySelector("input").focus();
      updateTotal();
    });
  }

  rows.addEventListener("input", function (event) {
    if (event.target.classList.contains("author-share")) { updateTotal(); }
  });
  updateTotal();
})();
