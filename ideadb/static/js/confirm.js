/* Ask before what cannot be undone: a button (or form) with data-confirm="…" opens a dialog;
   on "OK" the form is sent with confirmed=1, so the server does not ask again. Without
   JavaScript the server shows a confirmation page instead (ideadb/core/confirm.py). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!message) {
      return;
    }
    var flag = form.querySelector('input[name="confirmed"]');
    if (flag && flag.value === "1") {
      return;
    }
    if (!window.confirm(message)) {
      event.preventDefault();
      return;
    }
    if (!flag) {
      flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      form.appendChild(flag);
    }
    flag.value = "1";
  });
})();
