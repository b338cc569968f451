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
  // IANA names use only letters, digits, "/", "_", "+" and "-": safe in a cookie as they are.
  if (!zone || !/^[A-Za-z0-9_+\/-]+$/.test(zone)) {
    return;
  }
  document.cookie = "summit_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  // Reload once to show the right times; never loop if the server does not take the zone.
  var marker = "summit_tz_reloaded";
  if (document.body && document.body.dataset.viewerTimezone !== zone
      && window.sessionStorage.getItem(marker) !== zone) {
    window.sessionStorage.setItem(marker, zone);
    window.location.reload();
  }
})();
