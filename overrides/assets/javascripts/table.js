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

  // A row's values are named by part 0's `fields` (table.py's FIELDS): `f.title` is
  // where a row holds its title. Each column has its heading, how a row sorts by it
  // ("" sorts last either way), how it fills its cell and whether a row has a value.
  function columnsOf(head, f) {
    function names(list, indexes) {
      return indexes.map(function (i) { return list[i][0]; }).join(", ").toLowerCase();
    }
    return {
      title: {
        label: "Title",
        key: function (r) { return r[f.title].toLowerCase(); },
        fill: function (td, r) { td.appendChild(link(r[f.title], r[f.url])); },
      },
      authors: {
        label: "Authors",
        key: function (r) { return r[f.authors].toLowerCase(); },
        fill: function (td, r) { td.textContent = r[f.authors]; },
        has: function (r) { return r[f.authors] !== ""; },
      },
      year: {
        label: "Year",
        number: true,
        key: function (r) { return r[f.year] === "" ? "" : Number(r[f.year]) || r[f.year]; },
        fill: function (td, r) { td.textContent = r[f.year]; },
        has: function (r) { return r[f.year] !== ""; },
      },
      venue: {
        label: "Venue",
        key: function (r) { return r[f.venue] < 0 ? "" : head.venues[r[f.venue]].toLowerCase(); },
        fill: function (td, r) { if (r[f.venue] >= 0) td.textContent = head.venues[r[f.venue]]; },
        has: function (r) { return r[f.venue] >= 0; },
      },
      themes: {
        label: "Themes",
        key: function (r) { return names(head.themes, r[f.themes]); },
        fill: function (td, r) { links(td, head.themes, r[f.themes], ", "); },
      },
      tags: {
        label: "Tags",
        key: function (r) { return names(head.tags, r[f.tags]); },
        fill: function (td, r) {
          if (r[f.tags].length) links(td.appendChild(element("span", "rl-tags")), head.tags, r[f.tags]);
        },
        has: function (r) { return r[f.tags].length > 0; },
      },
      listed: {
        label: "Listed",
        number: true,
        key: function (r) { return r[f.listed]; },
        fill: function (td, r) { td.textContent = r[f.listed]; },
      },
      code: {
        label: "Code",
        key: function (r) { return r[f.code] ? 0 : ""; },
        fill: function (td, r) {
          if (/^https?:\/\//i.test(r[f.code])) td.appendChild(link("code", r[f.code]));
        },
        has: function (r) { return r[f.code] !== ""; },
      },
    };
  }

  function select(className, label, all, options) {
    var box = element("select", className);
    box.setAttribute("aria-label", label);
    box.appendChild(new Option(all, ""));
    options.forEach(function (o, i) { box.appendChild(new Option(o, String(i))); });
    return box;
  }

  function yearBox(className, label, placeholder) {
    var box = element("input", className);
    box.type = "number";
    box.inputMode = "numeric";
    box.placeholder = placeholder;
    box.setAttribute("aria-label", label);
    return box;
  }

  // The view lives in the address after `#` (a page opened from disk may change it
  // too): `#q=sparse&theme=llm-serving&from=2020&sort=year&dir=desc&page=2`. A link
  // reproduces the view, and Back goes to the one before.
  function readHash() {
    var view = {};
    new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) { view[k] = v; });
    return view;
  }

  function build(holder, head, rows) {
    var f = {};
    head.fields.forEach(function (name, i) { f[name] = i; });
    var columns = columnsOf(head, f);
    var names = head.columns;
    var shown = names.map(function (name) { return columns[name]; });
    var state = { sort: "", ascending: true, page: 0, author: "" };
    var order = rows.map(function (_, i) { return i; });
    var texts = null; // each row's words, lower-cased, on the first filter

    var controls = element("div", "rl-table-controls");
    var words = element("input", "rl-filter");
    words.type = "search";
    words.placeholder = "Filter by title, author, venue, theme or tag";
    words.setAttribute("aria-label", "Filter papers");
    var theme = select("rl-theme-filter", "Filter papers by theme", "All themes",
      head.themes.map(function (t) { return t[0]; }));
    var tag = select("rl-tag-filter", "Filter papers by tag", "All tags",
      head.tags.map(function (t) { return t[0]; }));
    var venue = select("rl-venue-filter", "Filter papers by venue", "All venues", head.venues);
    var from = yearBox("rl-year-from", "Published in or after the year", "From year");
    var to = yearBox("rl-year-to", "Published in or before the year", "To year");
    var author = element("button", "rl-author-filter");
    author.type = "button";
    author.hidden = true;
    controls.append(words);
    if (head.themes.length) controls.append(theme);
    if (head.tags.length) controls.append(tag);
    if (head.venues.length) controls.append(venue);
    if (names.indexOf("year") >= 0) controls.append(from, to);
    controls.append(author);
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

    // A column that nine papers in ten leave empty takes no room on a phone.
    var sparse = shown.map(function (column) {
      if (!column.has || !rows.length) return false;
      return rows.filter(column.has).length < rows.length / 10;
    });
    var ths = shown.map(function (column, n) {
      var th = element("th", (column.number ? "rl-number" : "") + (sparse[n] ? " rl-sparse" : ""));
      var button = element("button", "", column.label);
      button.type = "button";
      button.addEventListener("click", function () {
        var name = names[n];
        var ascending = state.sort !== name || !state.ascending;
        show({ sort: name, dir: ascending ? "asc" : "desc", page: "1" }, true);
      });
      th.appendChild(button);
      headings.appendChild(th);
      return th;
    });

    function sortBy(name, ascending) {
      var column = columns[name];
      if (!column || (state.sort === name && state.ascending === ascending)) return;
      state.sort = name;
      state.ascending = ascending;
      ths.forEach(function (th, n) {
        if (names[n] === name) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      var keys = rows.map(column.key);
      var direction = ascending ? 1 : -1;
      order = rows.map(function (_, i) { return i; });
      order.sort(function (i, j) {
        var x = keys[i], y = keys[j];
        if (x === y) return i - j;
        if (x === "" || y === "") return x === "" ? 1 : -1;
        return (x < y ? -1 : 1) * direction;
      });
    }

    function unsorted() {
      state.sort = "";
      state.ascending = true;
      ths.forEach(function (th) { th.removeAttribute("aria-sort"); });
      order = rows.map(function (_, i) { return i; });
    }

    function matching() {
      var query = words.value.toLowerCase().split(/\s+/).filter(Boolean);
      var t = theme.value === "" ? -1 : Number(theme.value);
      var g = tag.value === "" ? -1 : Number(tag.value);
      var v = venue.value === "" ? -1 : Number(venue.value);
      var low = Number(from.value) || 0, high = Number(to.value) || 0;
      var who = state.author.toLowerCase();
      if (!query.length && t < 0 && g < 0 && v < 0 && !low && !high && !who) return order;
      if (query.length && !texts) {
        texts = rows.map(function (r) {
          return [r[f.title], r[f.names].join(" "), columns.venue.key(r),
            columns.themes.key(r), columns.tags.key(r)].join(" ").toLowerCase();
        });
      }
      return order.filter(function (i) {
        var r = rows[i];
        var year = Number(r[f.year]) || 0;
        return (t < 0 || r[f.themes].indexOf(t) >= 0) && (g < 0 || r[f.tags].indexOf(g) >= 0) &&
          (v < 0 || r[f.venue] === v) &&
          (!low || (year && year >= low)) && (!high || (year && year <= high)) &&
          (!who || r[f.names].some(function (n) { return n.toLowerCase() === who; })) &&
          query.every(function (w) { return texts[i].indexOf(w) >= 0; });
      });
    }

    function render() {
      var found = matching();
      var pages = Math.max(1, Math.ceil(found.length / PAGE));
      state.page = Math.max(0, Math.min(state.page, pages - 1));
      var first = state.page * PAGE;
      var body = element("tbody");
      found.slice(first, first + PAGE).forEach(function (i) {
        var tr = body.insertRow();
        shown.forEach(function (column, n) {
          var td = tr.insertCell();
          td.className = (column.number ? "rl-number" : "") + (sparse[n] ? " rl-sparse" : "");
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

    function indexOf(list, id) {
      for (var i = 0; i < list.length; i++) if (list[i][2] === id) return String(i);
      return "";
    }

    // Puts a view on the page; `remember` also writes it to the address (a new entry
    // in the history, but for typing, which replaces the last one).
    function show(change, remember, typing) {
      var view = Object.assign(readHash(), change || {});
      // A box being typed in keeps what it holds (a trailing space, say).
      if (words.value.trim() !== (view.q || "")) words.value = view.q || "";
      theme.value = indexOf(head.themes, view.theme || "");
      tag.value = indexOf(head.tags, view.tag || "");
      venue.value = view.venue ? String(head.venues.indexOf(view.venue)) : "";
      if (venue.value === "-1") venue.value = "";
      if (from.value !== (view.from || "")) from.value = view.from || "";
      if (to.value !== (view.to || "")) to.value = view.to || "";
      state.author = view.author || "";
      author.hidden = !state.author;
      author.textContent = "Author: " + state.author + " \u00d7";
      author.setAttribute("aria-label", "Show papers by any author, not only " + state.author);
      if (columns[view.sort]) sortBy(view.sort, view.dir !== "desc");
      else if (state.sort) unsorted();
      state.page = (Number(view.page) || 1) - 1;
      render();
      if (remember) write(view, typing);
    }

    function write(view, typing) {
      var keep = new URLSearchParams();
      ["q", "theme", "tag", "venue", "from", "to", "author", "sort", "dir", "page"].forEach(function (k) {
        if (view[k] && !(k === "page" && view[k] === "1")) keep.set(k, view[k]);
      });
      var hash = keep.toString();
      var target = location.pathname + location.search + (hash ? "#" + hash : "");
      if (("#" + hash) === location.hash || (!hash && !location.hash)) return;
      if (typing) history.replaceState(null, "", target);
      else history.pushState(null, "", target);
    }

    function current() {
      return {
        q: words.value.trim(),
        theme: theme.value === "" ? "" : head.themes[Number(theme.value)][2],
        tag: tag.value === "" ? "" : head.tags[Number(tag.value)][2],
        venue: venue.value === "" ? "" : head.venues[Number(venue.value)],
        from: from.value, to: to.value, author: state.author,
        sort: state.sort, dir: state.sort ? (state.ascending ? "asc" : "desc") : "",
        page: String(state.page + 1),
      };
    }

    function turn(by) {
      show({ page: String(state.page + 1 + by) }, true);
      status.scrollIntoView({ block: "nearest" });
    }
    previous.addEventListener("click", function () { turn(-1); });
    next.addEventListener("click", function () { turn(1); });
    author.addEventListener("click", function () { show(Object.assign(current(), { author: "", page: "1" }), true); });
    [words, from, to].forEach(function (box) {
      box.addEventListener("input", function () {
        show(Object.assign(current(), { page: "1" }), true, true);
      });
    });
    [theme, tag, venue].forEach(function (box) {
      box.addEventListener("change", function () { show(Object.assign(current(), { page: "1" }), true); });
    });
    window.addEventListener("popstate", function () { show(null, false); });
    window.addEventListener("hashchange", function () { show(null, false); });
    show(null, false);
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
