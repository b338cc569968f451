// The presenter's view: a button that puts the questions full screen (the page's own element,
// so the header and footer stay out of the screen share).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fullscreen]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-fullscreen"));
    if (target && target.requestFullscreen) { target.requestFullscreen(); }
  });
})();
