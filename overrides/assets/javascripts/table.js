// The All papers table: the rows that generator/site/table.py writes, loaded as scripts
// (a page opened from disk may load scripts, not fetch files), shown a page at a time,
// and sorted and filtered over all of them. Cells are built from text nodes: nothing
// in the rows becomes markup.
(function () {
  "use strict";

  var PAGE = 50; // rows shown at once: each costs the phone about 2 ms of layout
  var root = new URL("../../", document.currentScript.src);
  var parts = {};
  window.__rlTable = function (n, data) { parts[n] = data; };

  function load(n) {
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = new URL("all-papers/" + n + ".js", root).href;
      script.onload = function () { resolve(parts[n] || null); };
      script.onerror = function () { resolve(null); };
      document.head.appendChild(script);
    });
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function count(n) { return n.toLocaleString("en"); }

  // A link, or the text alone when the URL is not one a browser can parse (a code
  // link's host may hold characters that the record's check lets through).
  function link(text, url) {
    var a = element("a", "", text);
    try {
      a.href = new URL(url, root).href;
    } catch (e) {
      return document.createTextNode(text);
    }
    return a;
  }

  // Links to a list of [name, url] pairs, by index, into a cell.
  function links(cell, list, indexes, separator) {
    indexes.forEach(function (i, n) {
      if (n && separator) cell.appendChild(document.createTextNode(separator));
      cell.appendChild(link(list[i][0], list[i][1]));
    });
  }

  // A row is [title, url, authors, year, [theme], [tag], listings, code] (see table.py).
  // Each column has its heading, how a row sorts by it ("" sorts last either way) and
  // how it fills its cell.
  function columnsOf(head) {
    function names(list, indexes) {
      return indexes.map(function (i) { return list[i][0]; }).join(", ").toLowerCase();
    }
    return {
      title: {
        label: "Title",
        key: function (r) { return r[0].toLowerCase(); },
        fill: function (td, r) { td.appendChild(link(r[0], r[1])); },
      },
      authors: {
        label: "Authors",
        key: function (r) { return r[2].toLowerCase(); },
        fill: function (td, r) { td.textContent = r[2]; },
      },
      year: {
        label: "Year",
        number: true,
        key: function (r) { return r[3] === "" ? "" : Number(r[3]) || r[3]; },
        fill: function (td, r) { td.textContent = r[3]; },
      },
      themes: {
        label: "Themes",
        key: function (r) { return names(head.themes, r[4]); },
        fill: function (td, r) { links(td, head.themes, r[4], ", "); },
      },
      tags: {
        label: "Tags",
        key: function (r) { return names(head.tags, r[5]); },
        fill: function (td, r) {
          if (r[5].length) links(td.appendChild(element("span", "rl-tags")), head.tags, r[5]);
        },
      },
      listed: {
        label: "Listed",
        number: true,
        key: function (r) { return r[6]; },
        fill: function (td, r) { td.textContent = r[6]; },
      },
      code: {
        label: "Code",
        key: function (r) { return r[7] ? 0 : ""; },
        fill: function (td, r) { if (/^https?:\/\//i.test(r[7])) td.appendChild(link("code", r[7])); },
      },
    };
  }

  function select(className, label, all, options) {
    var box = element("select", className);
    box.setAttribute("aria-label", label);
    box.appendChild(new Option(all, ""));
    options.forEach(function (o, i) { box.appendChild(new Option(o[0], String(i))); });
    return box;
  }

  function build(holder, head, rows) {
    var columns = columnsOf(head);
    var shown = head.columns.map(function (name) { return columns[name]; });
    var state = { sort: null, ascending: true, page: 0 };
    var order = rows.map(function (_, i) { return i; });
    var texts = null; // each row's words, lower-cased, on the first filter

    var controls = element("div", "rl-table-controls");
    var words = element("input", "rl-filter");
    words.type = "search";
    words.placeholder = "Filter by title, author, theme or tag";
    words.setAttribute("aria-label", "Filter papers");
    var theme = select("rl-theme-filter", "Filter papers by theme", "All themes", head.themes);
    var tag = select("rl-tag-filter", "Filter papers by tag", "All tags", head.tags);
    controls.append(words);
    if (head.themes.length) controls.append(theme);
    if (head.tags.length) controls.append(tag);
    var status = element("p", "rl-table-status");
    status.setAttribute("role", "status");
    var table = element("table");
    var headings = table.createTHead().insertRow();
    table.appendChild(element("tbody"));
    var pager = element("nav", "rl-pager");
    pager.setAttribute("aria-label", "Pages of the table");
    var previous = element("button", "", "Previous");
    var where = element("span");
    var next = element("button", "", "Next");
    pager.append(previous, where, next);
    var scroll = element("div", "rl-table-scroll");
    scroll.appendChild(table);
    holder.append(controls, status, scroll, pager);

    shown.forEach(function (column) {
      var th = element("th", column.number ? "rl-number" : "");
      var button = element("button", "", column.label);
      button.type = "button";
      button.addEventListener("click", function () {
        state.ascending = state.sort !== column || !state.ascending;
        state.sort = column;
        headings.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.ascending ? "ascending" : "descending");
        var keys = rows.map(column.key);
        var direction = state.ascending ? 1 : -1;
        order.sort(function (i, j) {
          var x = keys[i], y = keys[j];
          if (x === y) return i - j;
          if (x === "" || y === "") return x === "" ? 1 : -1;
          return (x < y ? -1 : 1) * direction;
        });
        state.page = 0;
        render();
      });
      th.appendChild(button);
      headings.appendChild(th);
    });

    function matching() {
      var query = words.value.toLowerCase().split(/\s+/).filter(Boolean);
      var t = theme.value === "" ? -1 : Number(theme.value);
      var g = tag.value === "" ? -1 : Number(tag.value);
      if (!query.length && t < 0 && g < 0) return order;
      if (query.length && !texts) {
        texts = rows.map(function (r) {
          return [r[0], r[2], columns.themes.key(r), columns.tags.key(r)].join(" ").toLowerCase();
        });
      }
      return order.filter(function (i) {
        var r = rows[i];
        return (t < 0 || r[4].indexOf(t) >= 0) && (g < 0 || r[5].indexOf(g) >= 0) &&
          query.every(function (w) { return texts[i].indexOf(w) >= 0; });
      });
    }

    function render() {
      var found = matching();
      var pages = Math.max(1, Math.ceil(found.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      var first = state.page * PAGE;
      var body = element("tbody");
      found.slice(first, first + PAGE).forEach(function (i) {
        var tr = body.insertRow();
        shown.forEach(function (column) {
          var td = tr.insertCell();
          if (column.number) td.className = "rl-number";
          column.fill(td, rows[i]);
        });
      });
      table.replaceChild(body, table.tBodies[0]);
      var of = found.length === rows.length ? "" : " (of " + count(rows.length) + ")";
      status.textContent = found.length
        ? "Papers " + count(first + 1) + "–" + count(first + body.rows.length) + " of " +
          count(found.length) + of
        : rows.length ? "No paper matches." : "No papers yet.";
      where.textContent = "Page " + count(state.page + 1) + " of " + count(pages);
      previous.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      pager.hidden = pages === 1;
    }

    function turn(by) {
      state.page += by;
      render();
      status.scrollIntoView({ block: "nearest" });
    }
    previous.addEventListener("click", function () { turn(-1); });
    next.addEventListener("click", function () { turn(1); });
    [words, theme, tag].forEach(function (control) {
      control.addEventListener(control === words ? "input" : "change", function () {
        state.page = 0;
        render();
      });
    });
    render();
  }

  function setup() {
    document.querySelectorAll(".rl-table[data-parts]").forEach(function (holder) {
      if (holder.dataset.rlReady) return;
      holder.dataset.rlReady = "1";
      var status = holder.appendChild(element("p", "rl-table-status", "Loading the papers…"));
      var count = Number(holder.dataset.parts);
      var wanted = [];
      for (var n = 0; n < count; n++) wanted.push(load(n));
      Promise.all(wanted).then(function (loaded) {
        if (loaded.indexOf(null) >= 0) {
          status.textContent = "The table's rows could not be loaded.";
          return;
        }
        status.remove();
        var rows = [].concat.apply([], loaded.map(function (part) { return part.rows; }));
        build(holder, loaded[0], rows);
      });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
