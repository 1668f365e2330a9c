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

  function makeFilterable(table) {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "rl-filter";
    input.placeholder = "Filter papers by title or theme";
    input.setAttribute("aria-label", "Filter papers");
    const wrapper = table.closest(".md-typeset__scrollwrap") || table;
    wrapper.parentNode.insertBefore(input, wrapper);
    input.addEventListener("input", function () {
      const query = input.value.trim().toLowerCase();
      Array.from(table.tBodies[0].rows).forEach(function (row) {
        row.hidden = query !== "" && !row.textContent.toLowerCase().includes(query);
      });
    });
  }

  function setup() {
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
