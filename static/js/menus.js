// The header's <details> menus work without this file; it only closes an open dropdown when
// the pointer or the keyboard moves on (a click elsewhere, Escape), as people expect of a menu.
(function () {
  "use strict";
  function openMenus() {
    return document.querySelectorAll("details.dropdown[open], details.site-menu[open]");
  }
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    openMenus().forEach(function (menu) {
      if (menu.contains(document.activeElement)) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
})();
