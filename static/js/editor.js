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

  // Where a session lands: a slot of the grid or the unscheduled shelf; the server decides.
  function place(id, target) {
    var editor = document.getElementById("schedule-editor");
    if (!editor || !target) { return false; }
    var slot = target.closest(".slot");
    var shelf = target.closest(".unscheduled-drop");
    if (!slot && !shelf) { return false; }
    var options = { source: slot || shelf, target: "#schedule-editor", swap: "outerHTML" };
    if (slot) {
      options.values = { stream_id: slot.dataset.streamId, start_time: slot.dataset.start, day: editor.dataset.day };
      htmx.ajax("POST", editor.dataset.moveUrl.replace(/\/0\/move$/, "/" + id + "/move"), options);
    } else {
      options.values = { day: editor.dataset.day };
      htmx.ajax("POST", editor.dataset.unscheduleUrl.replace(/\/0\/unschedule$/, "/" + id + "/unschedule"), options);
    }
    return true;
  }

  document.addEventListener("drop", function (event) {
    if (!dragged || !event.target.closest) { return; }
    if (place(dragged, event.target)) { event.preventDefault(); }
  });

  // Touch screens have no HTML5 drag and drop: each card's handle follows the finger (or any
  // pointer) with pointer events instead. The handle alone takes the gesture (touch-action:
  // none in summit.css), so a finger elsewhere on the grid still scrolls it.
  var held = null;
  var over = null;
  function mark(target) {
    var found = target && target.closest && target.closest(".slot, .unscheduled-drop");
    if (found === over) { return; }
    if (over) { over.classList.remove("is-drop-target"); }
    over = found || null;
    if (over) { over.classList.add("is-drop-target"); }
  }
  document.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest && event.target.closest(".editor-session__handle");
    if (!handle) { return; }
    var item = handle.closest("[data-session-id]");
    held = { id: item.dataset.sessionId, pointer: event.pointerId };
    handle.setPointerCapture(event.pointerId);
    document.body.classList.add("is-dragging");
    event.preventDefault();
  });
  document.addEventListener("pointermove", function (event) {
    if (!held || event.pointerId !== held.pointer) { return; }
    mark(document.elementFromPoint(event.clientX, event.clientY));
  });
  function release(event, drop) {
    if (!held || event.pointerId !== held.pointer) { return; }
    var id = held.id;
    held = null;
    document.body.classList.remove("is-dragging");
    var target = drop ? document.elementFromPoint(event.clientX, event.clientY) : null;
    mark(null);
    if (target) { place(id, target); }
  }
  document.addEventListener("pointerup", function (event) { release(event, true); });
  document.addEventListener("pointercancel", function (event) { release(event, false); });
  // A drag begun on the handle is the pointer's, not the browser's own drag and drop.
  document.addEventListener("dragstart", function (event) {
    if (held) { event.preventDefault(); }
  }, true);
})();
