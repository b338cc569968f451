// The reveal banner (an award's place, an election's results) arrives on every open page of
// the summit. A reader may dismiss it; this browser then keeps it hidden, here and in its other
// tabs, even when the page replays the event after reconnecting.
(function () {
  "use strict";
  var KEY = "summit.dismissedReveals";
  var KEPT = 50;

  function dismissed() {
    try {
      var found = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(found) ? found : [];
    } catch (error) {
      return [];  // storage refused (private mode) or unreadable: nothing was dismissed
    }
  }

  function remember(key) {
    var keys = dismissed().filter(function (each) { return each !== key; });
    keys.push(key);
    try {
      window.localStorage.setItem(KEY, JSON.stringify(keys.slice(-KEPT)));
    } catch (error) {
      // Without storage the banner is still hidden on this page.
    }
  }

  function apply() {
    var banner = document.getElementById("award-reveal");
    if (banner && banner.dataset.reveal) {
      banner.hidden = dismissed().indexOf(banner.dataset.reveal) !== -1;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-dismiss-reveal]");
    if (!button) { return; }
    var banner = button.closest("#award-reveal");
    if (!banner) { return; }
    remember(banner.dataset.reveal);
    banner.hidden = true;
  });

  // The live socket replaces the banner's element: look again whenever the body's children change.
  document.addEventListener("DOMContentLoaded", function () {
    apply();
    new MutationObserver(apply).observe(document.body, { childList: true });
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { apply(); }
  });
})();
