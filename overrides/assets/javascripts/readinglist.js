// The tab of the page a reader is on, and the paper maps. No dependencies, no network.
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
