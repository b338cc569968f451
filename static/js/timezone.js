// Tells the server the browser's time zone once, so times render in the viewer's zone.
// It is a guess (summit_browser_tz): a zone chosen on the page (?tz=…, the preferences page;
// summit_tz) and a signed-in account's own zone both win over it.
(function () {
  "use strict";
  var known = document.cookie.split("; ").some(function (c) {
    return c.indexOf("summit_tz=") === 0 || c.indexOf("summit_browser_tz=") === 0;
  });
  if (known) {
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
  document.cookie = "summit_browser_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  // Reload once to show the right times, unless the page already shows the account's own zone;
  // never loop if the server does not take the zone.
  var marker = "summit_tz_reloaded";
  var body = document.body;
  if (body && !body.hasAttribute("data-zone-settled")
      && body.dataset.viewerTimezone !== zone
      && window.sessionStorage.getItem(marker) !== zone) {
    window.sessionStorage.setItem(marker, zone);
    window.location.reload();
  }
})();
