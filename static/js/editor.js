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

  // The editor is swapped whole after each change: focus goes back to the card that changed
  // (its menu button), so a keyboard user can move it again at once.
  var changed = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var card = event.detail.elt.closest && event.detail.elt.closest("#schedule-editor [data-session-id]");
    if (card) { changed = card.dataset.sessionId; }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!changed) { return; }
    var card = document.getElementById("draft-" + changed);
    changed = null;
    var button = card && card.querySelector(".editor-session__menu-button");
    if (button) { button.focus(); }
  });

  // Where a session lands: a slot of the grid or the unscheduled shelf; the server decides.
  function place(id, target) {
    var editor = document.getElementById("schedule-editor");
    if (!editor || !target) { return false; }
    var slot = target.closest(".slot");
    var shelf = target.closest(".unscheduled-drop");
    if (!slot && !shelf) { return false; }
    var options = { source: slot || shelf, target: "#schedule-editor", swap: "outerHTML" };
    changed = id;
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
    if (event.target.closest && event.target.closest(".editor-session__resize")) { return; }
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

  // Resizing: the card's end edge follows the pointer; on release the session ends at the
  // quarter hour nearest the pointer, through the same resize the menu's buttons post.
  var resizing = null;
  function minutes(clock) {
    var parts = clock.split(":");
    return Number(parts[0]) * 60 + Number(parts[1]);
  }
  function endUnder(event) {
    // The slot in the card's own column at the pointer's height (cards let the pointer
    // through while dragging, so the slot under them is found).
    var slot = document.elementFromPoint(resizing.x, event.clientY);
    slot = slot && slot.closest && slot.closest(".slot");
    if (!slot) { return null; }
    var box = slot.getBoundingClientRect();
    var start = minutes(slot.dataset.start);
    return { slot: slot, end: event.clientY > box.top + box.height / 2 ? start + 15 : start };
  }
  document.addEventListener("pointerdown", function (event) {
    var edge = event.target.closest && event.target.closest(".editor-session__resize");
    if (!edge) { return; }
    var card = edge.closest("[data-session-id]");
    var box = card.getBoundingClientRect();
    resizing = { card: card, pointer: event.pointerId, x: box.left + box.width / 2 };
    edge.setPointerCapture(event.pointerId);
    document.body.classList.add("is-dragging");
    event.preventDefault();
  });
  document.addEventListener("pointermove", function (event) {
    if (!resizing || event.pointerId !== resizing.pointer) { return; }
    var found = endUnder(event);
    mark(found && found.slot);
  });
  function finish(event, apply) {
    if (!resizing || event.pointerId !== resizing.pointer) { return; }
    var card = resizing.card;
    var found = apply ? endUnder(event) : null;
    resizing = null;
    document.body.classList.remove("is-dragging");
    mark(null);
    var editor = document.getElementById("schedule-editor");
    if (!found || !editor) { return; }
    var delta = found.end - minutes(card.dataset.end);
    if (delta === 0) { return; }
    changed = card.dataset.sessionId;
    htmx.ajax("POST", editor.dataset.resizeUrl.replace(/\/0\/resize$/, "/" + card.dataset.sessionId + "/resize"), {
      source: card, target: "#schedule-editor", swap: "outerHTML",
      values: { delta: delta, day: editor.dataset.day }
    });
  }
  document.addEventListener("pointerup", function (event) { finish(event, true); });
  document.addEventListener("pointercancel", function (event) { finish(event, false); });
})();
