// Asks before an action that cannot simply be undone, in the page's own <dialog id="confirm-dialog">
// (templates/_confirm_dialog.html), never in the browser's confirm().
// - htmx elements say data-hx-confirm="<question>"; htmx fires htmx:confirm, and the request goes
//   only once the dialog is confirmed;
// - plain forms say data-confirm="<question>"; their submission waits for the dialog.
// Either may add data-confirm-detail (the exact consequence), data-confirm-button (the words on
// the confirming button) and data-confirm-list (the id of an element, such as a list of
// conflicts, shown in the dialog). Focus moves into the dialog (on "Cancel") and back to the
// button that asked; Escape cancels.
(function () {
  "use strict";
  var box = document.getElementById("confirm-dialog");
  if (!box || typeof box.showModal !== "function") { return; }
  var title = document.getElementById("confirm-dialog-title");
  var detail = document.getElementById("confirm-dialog-detail");
  var confirmButton = document.getElementById("confirm-dialog-confirm");
  var opener = null;
  var proceed = null;

  function ask(source, question, onConfirm) {
    title.textContent = question;
    detail.textContent = "";
    var text = source.getAttribute("data-confirm-detail");
    if (text) {
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      detail.appendChild(paragraph);
    }
    var listId = source.getAttribute("data-confirm-list");
    var list = listId && document.getElementById(listId);
    if (list) {
      var copy = list.cloneNode(true);
      copy.removeAttribute("id");
      Array.prototype.slice.call(copy.querySelectorAll("[id]")).forEach(function (element) {
        element.removeAttribute("id");
      });
      detail.appendChild(copy);
    }
    confirmButton.textContent = source.getAttribute("data-confirm-button") || question;
    opener = document.activeElement;
    proceed = onConfirm;
    box.returnValue = "";
    box.showModal();
  }

  box.addEventListener("close", function () {
    var go = box.returnValue === "confirm" ? proceed : null;
    proceed = null;
    if (opener && document.contains(opener)) { opener.focus(); }
    opener = null;
    if (go) { go(); }
  });

  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question) { return; }  // htmx asks about every request; only data-hx-confirm ones wait
    event.preventDefault();
    ask(event.detail.elt, question, function () { event.detail.issueRequest(true); });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    ask(form, form.getAttribute("data-confirm"), function () {
      form.dataset.confirmed = "yes";
      form.requestSubmit(submitter);
    });
  });
})();
