// The tab of the page a reader is on, the paper maps and Cite. No dependencies, no network.
(function () {
  "use strict";

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

  // Cite: a paper page's button, and each card's, open a dialog with the paper's
  // BibTeX and a button that copies it. The text is in the page (a card's button
  // holds it; on a paper page, its Cite section): nothing is fetched.
  var dialog = null;
  function citeDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "rl-cite-dialog";
    dialog.setAttribute("aria-labelledby", "rl-cite-title");
    dialog.innerHTML =
      '<h2 id="rl-cite-title">Cite</h2><pre><code></code></pre>' +
      '<p><button type="button" class="rl-copy">Copy BibTeX</button> ' +
      '<button type="button" class="rl-close">Close</button> ' +
      '<span class="rl-copied" role="status"></span></p>';
    document.body.appendChild(dialog);
    dialog.querySelector(".rl-close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".rl-copy").addEventListener("click", function () {
      copy(dialog.querySelector("code").textContent);
    });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    return dialog;
  }

  function copy(text) {
    var status = dialog.querySelector(".rl-copied");
    function done() { status.textContent = "Copied."; }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      dialog.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      status.textContent = ok ? "Copied." : "Select the text and copy it.";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function openCite(button) {
    var text = button.dataset.bibtex;
    if (!text) {
      var block = document.querySelector("pre.rl-bibtex code");
      text = block ? block.textContent : "";
    }
    var box = citeDialog();
    box.querySelector("code").textContent = text;
    box.querySelector(".rl-copied").textContent = "";
    box.showModal();
    box.querySelector(".rl-copy").focus();
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.rl-cite");
    if (button) openCite(button);
  });

  function setup() {
    markTab();
    document.querySelectorAll("svg.rl-paper-map").forEach(function (svg) {
      if (svg.dataset.rlReady) return;
      svg.dataset.rlReady = "1";
      setupMap(svg);
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
