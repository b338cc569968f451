// The page's live socket. htmx's ws extension connects, reconnects and swaps what arrives; this
// only reloads the page when the server ends the session (signed out elsewhere, account
// disabled), so that the page stops showing what the account could see.
(function () {
  "use strict";
  document.addEventListener("htmx:wsClose", function (event) {
    var close = event.detail && event.detail.event;
    if (close && close.code === 1008 && close.reason === "session ended") {
      window.location.reload();
    }
  });
})();
