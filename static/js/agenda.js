// My agenda, kept in order as it changes live. The socket swaps each changed session's entry in
// place (the same HTML for everyone who follows it), removes entries of sessions that left the
// programme or were unfollowed, and adds sessions followed on another page. Each entry carries
// its day (in the viewer's zone), its order, its times and its status as data, so this puts
// every entry in its day and in programme order again, and marks the ones that overlap, as the
// server does when it renders the page.
(function () {
  "use strict";

  function slice(list) { return Array.prototype.slice.call(list); }

  function data(entry) {
    var session = entry.querySelector(".agenda-session");
    return session ? session.dataset : null;
  }

  function daySection(day, label) {
    var section = document.createElement("section");
    section.className = "programme-day";
    section.dataset.day = day;
    var heading = document.createElement("h2");
    heading.textContent = label;
    var list = document.createElement("div");
    list.className = "session-list";
    section.appendChild(heading);
    section.appendChild(list);
    return section;
  }

  // Moves nodes only when their order changed: moving one loses the focus inside it.
  function placeInOrder(parent, children) {
    children.forEach(function (child, index) {
      if (parent.children[index] !== child) {
        parent.insertBefore(child, parent.children[index] || null);
      }
    });
  }

  function byOrder(first, second) {
    var a = data(first).order, b = data(second).order;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function markOverlaps(entries) {
    var active = entries.filter(function (entry) { return data(entry).status !== "cancelled"; })
      .map(function (entry) {
        return { entry: entry, start: Date.parse(data(entry).start), end: Date.parse(data(entry).end) };
      })
      .sort(function (a, b) { return a.start - b.start; });
    var clashing = [];
    active.forEach(function (item, index) {
      for (var next = index + 1; next < active.length; next++) {
        if (active[next].start >= item.end) { break; }
        clashing.push(item.entry, active[next].entry);
      }
    });
    entries.forEach(function (entry) {
      var flag = entry.querySelector(".conflict-flag");
      if (flag) { flag.hidden = clashing.indexOf(entry) === -1; }
    });
    var summary = document.querySelector(".agenda__clashes");
    if (summary) { summary.hidden = clashing.length === 0; }
  }

  function arrange() {
    var days = document.getElementById("agenda-days");
    var arrivals = document.querySelector(".agenda-arrivals");
    if (!days || !arrivals) { return; }
    // An arrival replaces the entry of the same session, if the page shows it already (the
    // follow was replayed after a reconnection).
    slice(arrivals.children).forEach(function (arrival) {
      slice(days.querySelectorAll(".agenda-entry")).forEach(function (shown) {
        if (shown.id === arrival.id) { shown.remove(); }
      });
    });
    var entries = slice(days.querySelectorAll(".agenda-entry"))
      .concat(slice(arrivals.children))
      .filter(function (entry) { return data(entry) !== null; });
    var wanted = {};
    entries.forEach(function (entry) {
      var day = data(entry).day;
      wanted[day] = wanted[day] || { label: data(entry).dayLabel, entries: [] };
      wanted[day].entries.push(entry);
    });
    var sections = {};
    slice(days.children).forEach(function (section) { sections[section.dataset.day] = section; });
    var ordered = Object.keys(wanted).sort().map(function (day) {
      var section = sections[day] || daySection(day, wanted[day].label);
      delete sections[day];
      placeInOrder(section.querySelector(".session-list"), wanted[day].entries.sort(byOrder));
      return section;
    });
    Object.keys(sections).forEach(function (day) { sections[day].remove(); });
    placeInOrder(days, ordered);
    var empty = document.querySelector(".agenda__empty");
    if (empty) { empty.hidden = entries.length > 0; }
    markOverlaps(entries);
  }

  document.addEventListener("htmx:wsAfterMessage", arrange);
})();
