// The session's room. The player comes with the session's block (pushed live when the session
// starts or ends), in the channel of the page's language; the channel buttons switch it here,
// without a reload, and the choice holds for this session in this tab, across pushes of the
// block. An HLS stream is played by hls.js, loaded only when a page has one (Safari plays HLS
// itself). Before the session, a countdown in the page's language.
(function () {
  "use strict";

  function storageKey(player) { return "summit-channel-" + player.getAttribute("data-player"); }

  function remembered(player) {
    try { return window.sessionStorage.getItem(storageKey(player)); } catch (error) { return null; }
  }

  function remember(player, channel) {
    try { window.sessionStorage.setItem(storageKey(player), channel); } catch (error) { /* private mode */ }
  }

  var hlsLoading = null;

  function withHls(player, done) {
    if (window.Hls) { done(); return; }
    if (!hlsLoading) {
      hlsLoading = [];
      var script = document.createElement("script");
      script.src = player.getAttribute("data-hls-script");
      script.onload = function () { hlsLoading.forEach(function (callback) { callback(); }); };
      document.head.appendChild(script);
    }
    hlsLoading.push(done);
  }

  function playHls(player, video, source) {
    if (video.canPlayType("application/vnd.apple.mpegurl")) { video.src = source; return; }
    withHls(player, function () {
      if (!window.Hls.isSupported()) { return; }
      if (video.summitHls) { video.summitHls.destroy(); }
      // No worker: the CSP allows none.
      var hls = new window.Hls({ enableWorker: false });
      hls.loadSource(source);
      hls.attachMedia(video);
      video.summitHls = hls;
    });
  }

  function show(player, button) {
    var frame = player.querySelector(".player__frame");
    if (!frame) { return; }
    var source = button.getAttribute("data-src");
    var kind = button.getAttribute("data-kind");
    var wanted = kind === "hls" ? "VIDEO" : "IFRAME";
    if (frame.tagName !== wanted) {
      var replacement = document.createElement(wanted.toLowerCase());
      replacement.className = frame.className;
      if (wanted === "VIDEO") {
        replacement.controls = true;
        replacement.setAttribute("playsinline", "");
        replacement.setAttribute("aria-label", frame.getAttribute("title") || "");
      } else {
        replacement.setAttribute("title", frame.getAttribute("aria-label") || "");
        replacement.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
        replacement.setAttribute("allowfullscreen", "");
        replacement.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      }
      frame.replaceWith(replacement);
      frame = replacement;
    }
    if (kind === "hls") {
      frame.setAttribute("data-hls-src", source);
      playHls(player, frame, source);
    } else if (frame.getAttribute("src") !== source) {
      frame.setAttribute("src", source);
    }
    Array.prototype.slice.call(player.querySelectorAll("[data-channel]")).forEach(function (each) {
      each.setAttribute("aria-pressed", each === button ? "true" : "false");
    });
    var now = player.querySelector("[data-channel-now]");
    if (now) { now.textContent = button.textContent; }
  }

  function setUp() {
    Array.prototype.slice.call(document.querySelectorAll("[data-player]")).forEach(function (player) {
      var chosen = remembered(player);
      var button = chosen && player.querySelector('[data-channel="' + chosen + '"]');
      if (button && button.getAttribute("aria-pressed") !== "true") {
        show(player, button);
      } else {
        var video = player.querySelector("video[data-hls-src]");
        if (video && !video.summitHls && !video.src) { playHls(player, video, video.getAttribute("data-hls-src")); }
      }
    });
    Array.prototype.slice.call(document.querySelectorAll("[data-countdown]")).forEach(tick);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-player] [data-channel]");
    if (!button) { return; }
    event.preventDefault();
    var player = button.closest("[data-player]");
    remember(player, button.getAttribute("data-channel"));
    show(player, button);
  });

  function tick(element) {
    // The app's clock: a demo's runs shifted from the real one (data-clock-offset, in seconds).
    var now = Date.now() + 1000 * Number(element.getAttribute("data-clock-offset") || 0);
    var minutes = Math.round((Date.parse(element.getAttribute("data-countdown")) - now) / 60000);
    if (minutes <= 0) { element.textContent = element.getAttribute("data-started"); return; }
    var language = document.documentElement.lang || "en";
    var format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
    var text;
    if (minutes < 60) {
      text = format.format(minutes, "minute");
    } else if (minutes < 48 * 60) {
      text = format.format(Math.round(minutes / 60), "hour");
    } else {
      text = format.format(Math.round(minutes / 1440), "day");
    }
    element.textContent = "(" + text + ")";
  }

  window.setInterval(function () {
    Array.prototype.slice.call(document.querySelectorAll("[data-countdown]")).forEach(tick);
  }, 30000);
  document.addEventListener("htmx:afterSettle", setUp);
  document.addEventListener("htmx:oobAfterSwap", setUp);
  document.addEventListener("htmx:wsAfterMessage", setUp);
  document.addEventListener("DOMContentLoaded", setUp);
})();
