// The scoresheet's autosave swaps each field's error in beside it, never the field itself (the
// juror may be typing in it): mark the fields whose error shows, for assistive technology.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("[data-error-for]").forEach(function (error) {
      var field = document.getElementById(error.getAttribute("data-error-for"));
      if (!field) {
        return;
      }
      if (error.hidden) {
        field.removeAttribute("aria-invalid");
      } else {
        field.setAttribute("aria-invalid", "true");
      }
    });
  }
  document.addEventListener("htmx:afterSettle", mark);
})();
