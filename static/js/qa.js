// Live Q&A. The list of questions is the same HTML for everyone (live pushes are shared), so the
// votes of the person looking are marked here, from the panel's own "data-my-votes" element:
// their vote buttons are pressed, and pressing one again takes the vote back; and the vote
// buttons of their own questions ("data-my-questions") are not offered. When the live
// socket says too much was missed, the lists are fetched again (each names its address:
// static/js/live.js).
(function () {
  "use strict";

  function markVotes() {
    Array.prototype.slice.call(document.querySelectorAll("[data-my-votes]")).forEach(function (holder) {
      var mine = holder.getAttribute("data-my-votes").split(" ");
      var asked = (holder.getAttribute("data-my-questions") || "").split(" ");
      var panel = holder.closest(".qa");
      if (!panel) { return; }
      Array.prototype.slice.call(panel.querySelectorAll("[data-vote-for]")).forEach(function (button) {
        var question = button.getAttribute("data-vote-for");
        var pressed = mine.indexOf(question) !== -1;
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
        var field = button.form && button.form.querySelector("input[name=vote]");
        if (field) { field.value = pressed ? "0" : "1"; }
        // Nobody votes for their own question (the server refuses it too).
        if (button.form) { button.form.hidden = asked.indexOf(question) !== -1; }
      });
    });
  }

  document.addEventListener("htmx:wsAfterMessage", markVotes);
  document.addEventListener("htmx:afterSettle", markVotes);
  document.addEventListener("htmx:oobAfterSwap", markVotes);
  document.addEventListener("DOMContentLoaded", markVotes);
})();
