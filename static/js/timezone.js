// Tells the server the browser's time zone once, so times render in the viewer's zone.
// A choice made on the page (?tz=…) sets the same cookie and wins.
(function () {
  "use strict";
  if (document.cookie.split("; ").some(function (c) { return c.indexOf("summit_tz=") === 0; })) {
    return;
  }
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) {
    return;
  }
  document.cookie = "summit_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
  if (document.body && document.body.dataset.viewerTimezone !== zone) {
    window.location.reload();
  }
})();
