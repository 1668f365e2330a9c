// Web workers for pages opened from disk.
//
// Chromium refuses `new Worker("file:///...")`, so Material's search cannot start in
// an offline copy. Opened from file:, this replaces Worker with one that runs the
// worker script inside a hidden same-origin iframe and passes messages across.
// Served over http(s) it does nothing. It is loaded from the site itself: the offline
// bundle must not request anything from another host.
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function IframeWorker(url) {
    var self = this;
    this.onmessage = null;
    this.onerror = null;
    this._listeners = { message: [], error: [] };
    this._queue = [];
    this._ready = false;

    var iframe = document.createElement("iframe");
    iframe.hidden = true;
    iframe.setAttribute("aria-hidden", "true");
    iframe.tabIndex = -1;
    (document.body || document.documentElement).appendChild(iframe);
    this._iframe = iframe;

    var scope = iframe.contentWindow;
    // Inside the worker, postMessage sends to the page. Delivery is asynchronous in
    // both directions, as with a real worker: callers are not ready for re-entry.
    scope.postMessage = function (data) {
      var copy = structuredClone(data);
      setTimeout(function () { self._emit("message", { data: copy }); }, 0);
    };
    scope.importScripts = function () {
      throw new Error("importScripts is not available to workers opened from disk");
    };
    var script = scope.document.createElement("script");
    script.src = new URL(url, document.baseURI).href;
    script.onload = function () {
      self._ready = true;
      self._queue.splice(0).forEach(function (data) { self.postMessage(data); });
    };
    script.onerror = function () {
      self._emit("error", { message: "could not load worker script " + script.src });
    };
    scope.document.head.appendChild(script);
  }

  IframeWorker.prototype.postMessage = function (data) {
    if (!this._ready) {
      this._queue.push(data);
      return;
    }
    var scope = this._iframe.contentWindow;
    var copy = scope.structuredClone(data);
    setTimeout(function () {
      scope.dispatchEvent(new scope.MessageEvent("message", { data: copy }));
    }, 0);
  };

  IframeWorker.prototype._emit = function (type, event) {
    var handler = type === "message" ? this.onmessage : this.onerror;
    if (handler) handler.call(this, event);
    this._listeners[type].forEach(function (listener) { listener(event); });
  };

  IframeWorker.prototype.addEventListener = function (type, listener) {
    if (this._listeners[type]) this._listeners[type].push(listener);
  };

  IframeWorker.prototype.removeEventListener = function (type, listener) {
    if (!this._listeners[type]) return;
    this._listeners[type] = this._listeners[type].filter(function (l) { return l !== listener; });
  };

  IframeWorker.prototype.terminate = function () {
    this._iframe.remove();
  };

  window.Worker = IframeWorker;
})();
