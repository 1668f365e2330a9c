// The site's search: the index of generator/site/search.py, loaded shard by shard as
// scripts from the first keystroke on (a page opened from disk may load scripts, not
// fetch files). Results are built from text nodes: nothing in the index becomes markup.
(function () {
  "use strict";

  var SHOWN = 20;          // results shown, and documents loaded for them
  var PAUSE = 100;         // ms without a keystroke before results are ranked and shown
  var MAX_DEEPER = 3;      // a prefix loads at most this many longer shards
  var PREFIX_FACTOR = 0.8; // a completion of the word being typed counts a little less
  var folder = new URL("../../search-index/", document.currentScript.src);
  var loaded = {};
  var pending = {};

  window.__rlSearch = {
    add: function (name, data) { loaded[name] = data; },
    terms: allTerms  // for the tests: the browser must split text as search.py does
  };

  function load(name) {
    if (!pending[name]) {
      pending[name] = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = new URL(name + ".js", folder).href;
        script.onload = function () { resolve(loaded[name] || null); };
        script.onerror = function () { resolve(null); };
        document.head.appendChild(script);
      });
    }
    return pending[name];
  }

  // The same terms as search.py's `terms`, for one whitespace-separated word.
  function fold(text) {
    return text.normalize("NFKD").toLowerCase().replace(/[\u0300-\u036f]/g, "");
  }
  function termsOf(word) {
    var parts = fold(word).match(/[a-z0-9]+/g) || [];
    if (parts.length > 1 && parts.length <= 3) parts.push(parts.join(""));
    return parts;
  }
  function allTerms(text) {
    return text.split(/\s+/).filter(Boolean).map(termsOf).reduce(function (a, b) {
      return a.concat(b);
    }, []);
  }

  // What a query asks for: per word, its terms; the last word's are prefixes while typed.
  function parse(query, manifest) {
    var common = new Set(manifest.common);
    var words = query.split(/\s+/).filter(Boolean);
    var typing = !/\s$/.test(query);
    var asked = [];
    words.forEach(function (word, i) {
      var prefix = typing && i === words.length - 1;
      var wanted = termsOf(word).filter(function (t) { return !common.has(t); });
      if (wanted.length) {
        asked.push(wanted.map(function (t) { return { term: t, prefix: prefix && t.length > 1 }; }));
      }
    });
    return asked;
  }

  // The shards that hold a term: the one with the longest key it starts with, and for a
  // prefix, those whose longer keys start with it, when they are few. (Long keys exist
  // only in large sites; a short prefix there completes from its own shard until the
  // next keystrokes reach a longer key.)
  function shardsFor(want, manifest, keys) {
    var found = [];
    for (var n = Math.min(want.term.length, 4); n > 0; n--) {
      if (keys.has(want.term.slice(0, n))) { found.push(want.term.slice(0, n)); break; }
    }
    if (want.prefix) {
      var deeper = manifest.shards.filter(function (k) {
        return k.length > want.term.length && k.startsWith(want.term);
      });
      if (deeper.length <= MAX_DEEPER) found = found.concat(deeper);
    }
    return found;
  }

  // doc -> [weight, in title] for one term: the best of its completions.
  function postingsOf(want, shards) {
    var best = new Map();
    shards.forEach(function (shard) {
      if (!shard) return;
      Object.keys(shard).forEach(function (term) {
        var exact = term === want.term;
        if (!exact && !(want.prefix && term.startsWith(want.term))) return;
        var factor = exact ? 1 : PREFIX_FACTOR;
        var list = shard[term];
        for (var i = 0; i < list.length; i += 2) {
          var weight = (list[i + 1] >> 1) * factor;
          var seen = best.get(list[i]);
          if (!seen || seen[0] < weight) best.set(list[i], [weight, list[i + 1] & 1]);
        }
      });
    });
    return best;
  }

  // While someone types, only the shards of terms load: documents wait for a pause.
  async function prefetch(query) {
    var manifest = await load("manifest");
    if (!manifest) return;
    var keys = new Set(manifest.shards);
    parse(query, manifest).forEach(function (word) {
      word.forEach(function (want) {
        shardsFor(want, manifest, keys).forEach(function (k) { load("t/" + k); });
      });
    });
  }

  // Documents that match more words come first, then those with more of them in the
  // title, then by weight; among the first, an exact title (or one the query begins).
  async function run(query) {
    var manifest = await load("manifest");
    if (!manifest) return null;
    var asked = parse(query, manifest);
    if (!asked.length) return { docs: [], count: 0, asked: asked };
    var keys = new Set(manifest.shards);
    var names = new Set();
    asked.forEach(function (word) {
      word.forEach(function (want) {
        shardsFor(want, manifest, keys).forEach(function (k) { names.add("t/" + k); });
      });
    });
    await Promise.all(Array.from(names).map(load));
    var scores = new Map();
    asked.forEach(function (word) {
      var perWord = new Map();
      word.forEach(function (want) {
        var shards = shardsFor(want, manifest, keys).map(function (k) { return loaded["t/" + k]; });
        postingsOf(want, shards).forEach(function (hit, doc) {
          var s = perWord.get(doc) || [0, 0];
          perWord.set(doc, [s[0] + hit[0], s[1] | hit[1]]);
        });
      });
      perWord.forEach(function (hit, doc) {
        var s = scores.get(doc) || { doc: doc, words: 0, titled: 0, weight: 0 };
        s.words += 1; s.titled += hit[1]; s.weight += hit[0];
        scores.set(doc, s);
      });
    });
    var ranked = Array.from(scores.values()).sort(function (a, b) {
      return b.words - a.words || b.titled - a.titled || b.weight - a.weight || a.doc - b.doc;
    });
    var all = ranked.filter(function (s) { return s.words === asked.length; }).length;
    var top = ranked.slice(0, SHOWN);
    var chunks = new Set(top.map(function (s) { return Math.floor(s.doc / manifest.chunk); }));
    await Promise.all(Array.from(chunks).map(function (c) { return load("d/" + c); }));
    var wanted = allTerms(query).join(" ");
    // An arXiv id or a DOI, as people paste them (`arXiv:2211.17192`, a doi.org URL).
    var id = query.trim().toLowerCase().replace(/^(arxiv:|https?:\/\/(dx\.)?doi\.org\/|doi:)/, "");
    top.forEach(function (s, i) {
      var chunk = loaded["d/" + Math.floor(s.doc / manifest.chunk)] || [];
      s.entry = chunk[s.doc % manifest.chunk] || ["", "", "", "", ""];
      var title = allTerms(s.entry[0]).join(" ");
      var ids = (s.entry[4] || "").split(" ");
      s.exact = id && ids.indexOf(id) >= 0 ? 3 : title === wanted ? 2 :
        wanted && title.startsWith(wanted) ? 1 : 0;
      s.order = i;
    });
    top.sort(function (a, b) { return b.exact - a.exact || a.order - b.order; });
    return { docs: top, count: all || ranked.length, asked: asked };
  }

  // Text with the words that match the query marked, as DOM nodes.
  function marked(text, asked) {
    var exact = new Set(), prefixes = [];
    asked.forEach(function (word) {
      word.forEach(function (w) { (w.prefix ? prefixes : []).push(w.term); exact.add(w.term); });
    });
    var matches = function (run) {
      return termsOf(run).some(function (t) {
        return exact.has(t) || prefixes.some(function (p) { return t.startsWith(p); });
      });
    };
    var out = document.createDocumentFragment();
    var at = 0;
    text.replace(/[\p{L}\p{N}]+/gu, function (run, index) {
      if (matches(run)) {
        out.appendChild(document.createTextNode(text.slice(at, index)));
        var mark = document.createElement("mark");
        mark.textContent = run;
        out.appendChild(mark);
        at = index + run.length;
      }
      return run;
    });
    out.appendChild(document.createTextNode(text.slice(at)));
    return { nodes: out, first: firstMatch(text, matches) };
  }

  function firstMatch(text, matches) {
    var re = /[\p{L}\p{N}]+/gu, m;
    while ((m = re.exec(text))) if (matches(m[0])) return m.index;
    return -1;
  }

  // About two lines of the abstract, around its first match.
  function snippet(text, asked) {
    var at = marked(text, asked).first;
    var start = at < 60 ? 0 : text.indexOf(" ", at - 60) + 1;
    var end = Math.min(text.length, start + 220);
    if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), start + 1);
    var piece = (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
    return marked(piece, asked).nodes;
  }

  function item(s, asked) {
    var entry = s.entry;
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = new URL(entry[1] || "./", new URL("../", folder)).href;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h1");
    h.appendChild(marked(entry[0], asked).nodes);
    article.appendChild(h);
    if (entry[2]) {
      var themes = document.createElement("p");
      themes.className = "rl-search-themes";
      themes.textContent = entry[2];
      article.appendChild(themes);
    }
    if (entry[3]) {
      var p = document.createElement("p");
      p.appendChild(snippet(entry[3], asked));
      article.appendChild(p);
    }
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function setup() {
    var input = document.querySelector("input.md-search__input");
    var list = document.querySelector(".md-search-result__list");
    var meta = document.querySelector(".md-search-result__meta");
    var toggle = document.getElementById("__search");
    if (!input || !list || !meta || !toggle) return;
    var latest = 0;
    var timer = 0;

    function show(query, found) {
      list.replaceChildren();
      if (!query.trim()) {
        meta.textContent = "Type to start searching";
      } else if (!found) {
        meta.textContent = "Search is not available: its index did not load";
      } else if (!found.docs.length) {
        meta.textContent = "No matching documents";
      } else {
        meta.textContent = found.count === 1 ? "1 matching document" : found.count + " matching documents";
        found.docs.forEach(function (s) { list.appendChild(item(s, found.asked)); });
      }
      list.dataset.rlQuery = query;
    }

    async function update() {
      var query = input.value;
      var ticket = ++latest;
      var found = query.trim() ? await run(query) : null;
      if (ticket === latest) show(query, found);
    }

    function links() { return Array.from(list.querySelectorAll("a.md-search-result__link")); }
    function close() { toggle.checked = false; input.blur(); }

    input.addEventListener("input", function () {
      prefetch(input.value);
      clearTimeout(timer);
      timer = setTimeout(update, PAUSE);
    });
    input.addEventListener("focus", function () { toggle.checked = true; });
    toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    input.form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      var ready = list.dataset.rlQuery === input.value ? Promise.resolve() : update();
      ready.then(function () { if (links()[0]) links()[0].click(); });
    });
    input.form.addEventListener("reset", function () {
      setTimeout(function () { show("", null); input.focus(); });
    });
    // Arrow keys move between the box and the results, Escape closes, as in Material.
    input.form.parentNode.addEventListener("keydown", function (e) {
      var all = [input].concat(links());
      var here = all.indexOf(document.activeElement);
      if (e.key === "Escape") { close(); e.preventDefault(); }
      if (here < 0 || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
      all[(here + (e.key === "ArrowDown" ? 1 : all.length - 1)) % all.length].focus();
      e.preventDefault();
    });
    document.addEventListener("keydown", function (e) {
      var typing = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "/" || e.key === "s" || e.key === "f") { input.focus(); e.preventDefault(); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
