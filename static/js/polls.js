// Live polls. The polls are the same HTML for everyone (live pushes are shared), so the choices
// of the person looking are ticked here, from the panel's own "data-my-choices" element, and
// their polls say that they voted. When the live socket says too much was missed, the polls
// are fetched again (static/js/live.js).
(function () {
  "use strict";

  function markChoices() {
    Array.prototype.slice.call(document.querySelectorAll("[data-my-choices]")).forEach(function (holder) {
      var mine = holder.getAttribute("data-my-choices").split(" ");
      var panel = holder.closest(".polls");
      if (!panel) { return; }
      Array.prototype.slice.call(panel.querySelectorAll("[data-poll]")).forEach(function (poll) {
        var voted = false;
        Array.prototype.slice.call(poll.querySelectorAll("[data-poll-option]")).forEach(function (input) {
          var chosen = mine.indexOf(input.value) !== -1;
          input.checked = chosen;
          voted = voted || chosen;
        });
        poll.classList.toggle("poll--voted", voted);
      });
    });
  }

  document.addEventListener("htmx:wsAfterMessage", markChoices);
  document.addEventListener("htmx:afterSettle", markChoices);
  document.addEventListener("htmx:oobAfterSwap", markChoices);
  document.addEventListener("DOMContentLoaded", markChoices);
})();
