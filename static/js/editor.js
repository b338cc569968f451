// Drag and drop in the schedule editor. Every drag has a form next to it (each session's edit
// page, the +/- buttons), so this script only adds a faster path; the server decides everything.
(function () {
  "use strict";
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-session-id]");
    if (!item) { return; }
    dragged = item.dataset.sessionId;
    event.dataTransfer.setData("text/plain", dragged);
    event.dataTransfer.effectAllowed = "move";
    document.body.classList.add("is-dragging");
  });

  document.addEventListener("dragend", function () {
    dragged = null;
    document.body.classList.remove("is-dragging");
  });

  document.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest && event.target.closest(".slot, .unscheduled-drop")) {
      event.preventDefault();
    }
  });

  document.addEventListener("drop", function (event) {
    var editor = document.getElementById("schedule-editor");
    if (!dragged || !editor || !event.target.closest) { return; }
    var slot = event.target.closest(".slot");
    var shelf = event.target.closest(".unscheduled-drop");
    if (!slot && !shelf) { return; }
    event.preventDefault();
    var id = dragged;
    var options = { source: slot || shelf, target: "#schedule-editor", swap: "outerHTML" };
    if (slot) {
      options.values = { stream_id: slot.dataset.streamId, start_time: slot.dataset.start, day: editor.dataset.day };
      htmx.ajax("POST", editor.dataset.moveUrl.replace(/\/0\/move$/, "/" + id + "/move"), options);
    } else {
      options.values = { day: editor.dataset.day };
      htmx.ajax("POST", editor.dataset.unscheduleUrl.replace(/\/0\/unschedule$/, "/" + id + "/unschedule"), options);
    }
  });
})();
