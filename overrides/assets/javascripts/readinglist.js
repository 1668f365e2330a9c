// Sortable, filterable tables for the "All papers" page. No dependencies, no network.
(function () {
  "use strict";

  function cellValue(row, index) {
    const text = row.cells[index].textContent.trim();
    const number = Number(text);
    return text !== "" && !Number.isNaN(number) ? number : text.toLowerCase();
  }

  function makeSortable(table) {
    const headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.from(headers).forEach(function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      const sort = function () {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.from(headers).forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a, index), y = cellValue(b, index);
          const order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }

  // A row's tags, by the page they link to: spellings of one tag share a page.
  function tagsOf(row) {
    return Array.from(row.querySelectorAll(".rl-tags a")).map(function (a) {
      return a.getAttribute("href");
    });
  }

  // A text box filters by any words in a row; a list of the tags, when there are any,
  // keeps the rows with the chosen tag.
  function makeFilterable(table) {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "rl-filter";
    input.placeholder = "Filter papers by title, author or theme";
    input.setAttribute("aria-label", "Filter papers");
    const wrapper = table.closest(".md-typeset__scrollwrap") || table;
    wrapper.parentNode.insertBefore(input, wrapper);
    const rows = Array.from(table.tBodies[0].rows);
    const names = new Map();
    table.querySelectorAll(".rl-tags a").forEach(function (a) {
      if (!names.has(a.getAttribute("href"))) names.set(a.getAttribute("href"), a.textContent);
    });
    const tags = Array.from(names.keys()).sort(function (a, b) {
      return names.get(a).localeCompare(names.get(b));
    });
    const select = document.createElement("select");
    if (tags.length) {
      select.className = "rl-tag-filter";
      select.setAttribute("aria-label", "Filter papers by tag");
      select.appendChild(new Option("All tags", ""));
      tags.forEach(function (tag) { select.appendChild(new Option(names.get(tag), tag)); });
      input.after(select);
    }
    const apply = function () {
      const query = input.value.trim().toLowerCase();
      const tag = select.value;
      rows.forEach(function (row) {
        const text = query === "" || row.textContent.toLowerCase().includes(query);
        row.hidden = !(text && (tag === "" || tagsOf(row).includes(tag)));
      });
    };
    input.addEventListener("input", apply);
    select.addEventListener("change", apply);
  }

  // Paper and tag pages are not in the navigation, so Material marks no tab for them:
  // mark the tab of the list they belong to (All papers, or Tags).
  var SECTIONS = [
    [/\/paper\/[^/]+(\/|\.html)$/, /\/papers(\/|\.html)$/],
    [/\/tag\/[^/]+(\/|\.html)$/, /\/tags(\/|\.html)$/],
  ];

  function markTab() {
    if (document.querySelector(".md-tabs__item--active")) return;
    var path = location.pathname;
    SECTIONS.forEach(function (section) {
      if (!section[0].test(path)) return;
      document.querySelectorAll(".md-tabs__link").forEach(function (link) {
        if (section[1].test(new URL(link.href).pathname)) {
          link.parentElement.classList.add("md-tabs__item--active");
        }
      });
    });
  }

  // Paper maps: pointing at, tabbing to or tapping a dot writes its title under the
  // map (a live region, so screen readers hear it). On a touch screen the first tap on
  // a dot shows its title and the second opens it.
  function setupMap(svg) {
    var now = document.createElement("p");
    now.className = "rl-map-now";
    now.setAttribute("aria-live", "polite");
    svg.after(now);
    var current = null, touchedAgain = false;
    function dotOf(event) { return event.target.closest && event.target.closest(".rl-dot"); }
    function show(dot) {
      current = dot;
      now.textContent = dot.querySelector("title").textContent;
    }
    svg.addEventListener("pointerdown", function (e) {
      touchedAgain = e.pointerType !== "touch" || dotOf(e) === current;
    });
    ["focusin", "mouseover"].forEach(function (name) {
      svg.addEventListener(name, function (e) { var dot = dotOf(e); if (dot) show(dot); });
    });
    svg.addEventListener("click", function (e) {
      var dot = dotOf(e);
      if (dot && !touchedAgain) { e.preventDefault(); show(dot); }
      touchedAgain = true;
    });
  }

  function setup() {
    markTab();
    document.querySelectorAll("svg.rl-paper-map").forEach(function (svg) {
      if (svg.dataset.rlReady) return;
      svg.dataset.rlReady = "1";
      setupMap(svg);
    });
    document.querySelectorAll(".rl-table table").forEach(function (table) {
      if (table.dataset.rlReady) return;
      table.dataset.rlReady = "1";
      makeSortable(table);
      makeFilterable(table);
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
