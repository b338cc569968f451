// The page's live socket. htmx's ws extension connects, reconnects and swaps what arrives (each
// top-level element replaces the element with its id). This adds four things:
// - a filter ("summit-live" extension) that drops pushed elements this page does not show, so
//   that htmx has nothing to complain about;
// - the id of the last event seen, put into each (re)connection's address, so that a reconnect
//   replays exactly what was missed;
// - a refresh of the page's live region, and of each list that names its own address
//   ("data-live-src": a session's questions and polls), when the server says too much was
//   missed;
// - notices about followed sessions, kept few and dismissable;
// and it reloads the page when the server ends the session (signed out elsewhere).
(function () {
  "use strict";

  // Reconnect sooner than htmx's default (up to 64 s): after a restart, pages should catch up
  // within seconds. Still jittered, so that thousands of pages do not all come back at once.
  htmx.config.wsReconnectDelay = function (retryCount) {
    var ceiling = Math.min(1000 * Math.pow(2, retryCount), 8000);
    return ceiling / 2 + Math.random() * ceiling / 2;
  };

  htmx.defineExtension("summit-live", {
    transformResponse: function (text) {
      var holder = document.createElement("template");
      holder.innerHTML = text;
      Array.prototype.slice.call(holder.content.children).forEach(function (element) {
        var current = element.id && document.getElementById(element.id);
        if (!current) {
          element.remove();
        } else if (element.id === "live-last-event" &&
                   Number(element.dataset.eventId) < Number(current.dataset.eventId)) {
          // An event whose transaction committed late: replay must still start from the newest.
          element.remove();
        }
      });
      return holder.innerHTML;
    }
  });

  // The ws extension keeps the address it first read, reconnects included; this hook of htmx's
  // puts the newest event id seen into each (re)connection's address, so that the server
  // replays exactly what was missed.
  htmx.createWebSocket = function (url) {
    var marker = document.getElementById("live-last-event");
    var last = marker && marker.dataset.eventId;
    if (last) {
      var address = new URL(url);
      address.searchParams.set("last", last);
      url = address.toString();
    }
    var socket = new WebSocket(url, []);
    socket.binaryType = htmx.config.wsBinaryType;
    return socket;
  };

  // Each request's source is the element it replaces: without one, htmx makes every request
  // from the body, and keeps only the last of those waiting, so all but two would be lost.
  function refreshRegions() {
    var refresh = document.getElementById("live-refresh");
    if (!refresh || !refresh.dataset.refresh) { return; }
    refresh.removeAttribute("data-refresh");
    Array.prototype.slice.call(document.querySelectorAll("[data-live-region]")).forEach(function (region) {
      htmx.ajax("GET", window.location.href, { source: region, target: region, swap: "outerHTML" });
    });
    Array.prototype.slice.call(document.querySelectorAll("[data-live-src]")).forEach(function (list) {
      htmx.ajax("GET", list.dataset.liveSrc, { source: list, target: list, swap: "outerHTML" });
    });
  }

  document.addEventListener("htmx:wsAfterMessage", function (event) {
    refreshRegions();
    trimNotices();
  });

  // Notices pile up in the aria-live region; only the newest few stay, and each can be dismissed.
  var KEPT_NOTICES = 4;

  function trimNotices() {
    var region = document.getElementById("live-notices");
    if (!region) { return; }
    while (region.children.length > KEPT_NOTICES) {
      region.removeChild(region.firstElementChild);
    }
  }

  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest && event.target.closest(".live-notice__dismiss");
    if (dismiss) {
      dismiss.parentElement.remove();
    }
  });

  // Whether the page is connected, on the root element: styles can show it, and tests wait for
  // it rather than for time.
  document.addEventListener("htmx:wsOpen", function () {
    document.documentElement.setAttribute("data-live", "open");
  });

  document.addEventListener("htmx:wsClose", function (event) {
    document.documentElement.setAttribute("data-live", "closed");
    var close = event.detail && event.detail.event;
    if (close && close.code === 1008 && close.reason === "session ended") {
      window.location.reload();
    }
  });
})();
