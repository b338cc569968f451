// On a phone a table becomes a stack of cards (summit.css), where each cell says which column
// it belongs to: its heading is copied into data-label, which the stylesheet shows before the
// cell. Tables swapped in by htmx are labelled too (htmx:load fires for each new piece).
(function () {
  "use strict";
  function label(root) {
    var tables = Array.prototype.slice.call(root.querySelectorAll("table.table"));
    var around = root.closest && root.closest("table.table");
    if (around) { tables.push(around); }
    tables.forEach(function (table) {
      var headings = Array.prototype.map.call(
        table.querySelectorAll("thead th"),
        function (th) { return th.textContent.trim(); }
      );
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (headings[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
    });
  }
  label(document);
  document.addEventListener("htmx:load", function (event) { label(event.target); });
})();
