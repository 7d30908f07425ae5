extension BrowserTag {
    /// The tag's JavaScript, served as it is written here (no build step, no dependencies).
    ///
    /// `window.barista`: `init`, `page`, `track`, `identify`, `consent`, `flush`, `anonymousId`,
    /// `recommendations`, `decide` (API.md), and `render`, which fills a container with
    /// recommended products and reports their impressions and clicks with the `recommendation_id`.
    static let source = #"""
/* Barista browser tag. <script src="HOST/sdk/barista.js"></script> then barista.init({key: "pk_…", host: "HOST"}). */
(function (w, d) {
  "use strict";
  if (w.barista && w.barista.version) return;
  var STORE = "barista:", MAX_BATCH = 100, MAX_QUEUE = 1000;
  var s = { key: null, host: "", queue: [], userId: null, userHash: null, aid: null, waiting: false, timer: null, backoff: 0,
            sending: null, interval: 2000, debug: false };

  function store(name, value) {
    try {
      if (value === undefined) return JSON.parse(w.localStorage.getItem(STORE + name));
      if (value === null) w.localStorage.removeItem(STORE + name); else w.localStorage.setItem(STORE + name, JSON.stringify(value));
    } catch (e) { return null; }
  }
  function uuid() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    var b = new Uint8Array(16); w.crypto.getRandomValues(b); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function log() { if (s.debug && w.console) w.console.log.apply(w.console, ["[barista]"].concat([].slice.call(arguments))); }
  function context() {
    var c = { channel: "web", page: { url: w.location.href, path: w.location.pathname, referrer: d.referrer, title: d.title },
              user_agent: w.navigator.userAgent, locale: w.navigator.language };
    try { c.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
    return c;
  }
  function user() {
    var u = { anonymous_id: s.aid };
    if (s.userId) u.user_id = s.userId;
    if (s.userId && s.userHash) u.user_hash = s.userHash;
    return u;
  }
  function enqueue(event) {
    if (!s.key) throw new Error("barista.init({key, host}) first");
    event.message_id = uuid();
    event.timestamp = new Date().toISOString();
    event.anonymous_id = s.aid;
    if (s.userId && !event.user_id) event.user_id = s.userId;
    if (s.userHash && event.user_id === s.userId) event.user_hash = s.userHash;
    event.context = context();
    s.queue.push(event);
    if (s.queue.length > MAX_QUEUE) s.queue.splice(0, s.queue.length - MAX_QUEUE);
    store("queue", s.queue);
    schedule(s.interval);
  }
  function schedule(delay) {
    if (s.waiting || s.timer) return;
    s.timer = w.setTimeout(function () { s.timer = null; send().catch(function () {}); }, delay);
  }
  function request(method, path, body) {
    return w.fetch(s.host + path, {
      method: method, keepalive: true, credentials: "omit",
      headers: { "Authorization": "Bearer " + s.key, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (t) {
        var json = null; try { json = t ? JSON.parse(t) : null; } catch (e) {}
        if (!r.ok) { var err = new Error((json && json.detail) || ("HTTP " + r.status)); err.status = r.status; err.problem = json; throw err; }
        return json;
      });
    });
  }
  // Sends what is queued, a batch at a time; on a network error, a 5xx or a 429 it keeps the
  // events and tries again later, doubling the wait up to a minute.
  function send() {
    if (s.sending) return s.sending;
    if (s.waiting || !s.queue.length) return Promise.resolve();
    var batch = s.queue.slice(0, MAX_BATCH);
    s.sending = request("POST", "/v1/events", { batch: batch }).then(function (answer) {
      var sent = {}; batch.forEach(function (e) { sent[e.message_id] = true; });
      s.queue = s.queue.filter(function (e) { return !sent[e.message_id]; });
      store("queue", s.queue);
      if (answer && answer.rejected && answer.rejected.length) log("rejected", answer.rejected);
      s.backoff = 0;
      s.sending = null;
      return send();
    }, function (error) {
      s.sending = null;
      var transient = !error.status || error.status >= 500 || error.status === 429;
      if (!transient) {
        // The server refused the batch as a whole (a bad key, say): sending it again would not help.
        s.queue = s.queue.slice(batch.length); store("queue", s.queue); throw error;
      }
      s.backoff = Math.min(60000, s.backoff ? s.backoff * 2 : 1000);
      schedule(s.backoff * (0.5 + Math.random() / 2));
      throw error;
    });
    return s.sending;
  }
  function beacon() {
    if (s.waiting || !s.queue.length || !w.navigator.sendBeacon) return;
    var body = JSON.stringify({ batch: s.queue.slice(0, MAX_BATCH) });
    // text/plain keeps the beacon a simple request (no preflight); the key rides in the query.
    if (w.navigator.sendBeacon(s.host + "/v1/events?key=" + encodeURIComponent(s.key), new Blob([body], { type: "text/plain" }))) {
      s.queue = s.queue.slice(MAX_BATCH); store("queue", s.queue);
    }
  }

  var barista = {
    version: "1",
    init: function (options) {
      options = options || {};
      if (!options.key || options.key.indexOf("pk_") !== 0) throw new Error("barista.init needs a publishable key (pk_…)");
      s.key = options.key;
      var script = d.currentScript || d.querySelector("script[src*='/sdk/barista.js']");
      s.host = (options.host || (script ? new URL(script.src).origin : "")).replace(/\/+$/, "");
      s.interval = options.flushInterval || 2000;
      s.debug = !!options.debug;
      s.aid = store("aid") || uuid(); store("aid", s.aid);
      s.userId = store("uid");
      s.userHash = store("uhash");
      s.queue = store("queue") || [];
      s.waiting = !!options.waitForConsent && !store("consented");
      d.addEventListener("visibilitychange", function () { if (d.visibilityState === "hidden") beacon(); });
      w.addEventListener("pagehide", beacon);
      if (s.queue.length) schedule(0);
      return barista;
    },
    page: function (name, properties) {
      var p = Object.assign({ url: w.location.href, path: w.location.pathname, referrer: d.referrer, title: d.title }, properties || {});
      enqueue({ type: "page", name: name || d.title, properties: p });
    },
    track: function (event, properties) { enqueue({ type: "track", event: event, properties: properties || {} }); },
    // With require_user_hash on, pass {userHash}: hex HMAC-SHA256(identity_secret, userId) from your server.
    identify: function (userId, traits, options) {
      if (userId) { s.userId = String(userId); store("uid", s.userId); }
      if (options && options.userHash) { s.userHash = String(options.userHash); store("uhash", s.userHash); }
      enqueue({ type: "identify", user_id: s.userId || undefined, traits: traits || {} });
    },
    // Gives (or withdraws) consent; while waiting for it, nothing is sent. Recorded on the
    // browser's own profile, so it holds on the server too.
    consent: function (purposes) {
      purposes = purposes || {};
      var allowed = purposes.analytics !== false;
      store("consented", allowed ? true : null);
      s.waiting = !allowed;
      if (!allowed) { s.queue = []; store("queue", null); }
      var path = "/v1/profiles/" + encodeURIComponent(s.aid) + "/consent?by=anonymous_id";
      return request("PUT", path, purposes).then(function (answer) { if (allowed) schedule(0); return answer; });
    },
    flush: function () {
      if (s.timer) { w.clearTimeout(s.timer); s.timer = null; }
      return send().then(function () { return s.queue.length ? barista.flush() : undefined; });
    },
    anonymousId: function () { return s.aid; },
    // Recommendations and decisions see every event sent before them: the queue is flushed first.
    recommendations: function (options) {
      options = options || {};
      var body = { user: user(), strategy: options.strategy || "for_you", limit: options.limit || 10 };
      if (options.context) body.context = options.context;
      if (options.filters) body.filters = options.filters;
      if (options.exclude) body.exclude = options.exclude;
      return barista.flush().catch(function () {}).then(function () { return request("POST", "/v1/recommendations", body); });
    },
    decide: function (placements, context) {
      var body = { user: user(), placements: placements };
      if (context) body.context = context;
      return barista.flush().catch(function () {}).then(function () { return request("POST", "/v1/decide", body); });
    },
    // Fills `container` with recommended products: `options.template(item, position)` returns
    // HTML (the default shows the image, title and price). Reports the list's impression once it
    // is half visible and each click, with the recommendation_id.
    render: function (container, options) {
      options = options || {};
      var element = typeof container === "string" ? d.querySelector(container) : container;
      var template = options.template || function (item) {
        var it = item.item || {};
        return '<a href="' + esc(it.url || "#") + '"><img alt="" src="' + esc(it.image_url || "") + '"><span>' + esc(it.title || item.item_id) +
          "</span>" + (it.price != null ? "<b>" + esc(String(it.price)) + " " + esc(it.currency || "") + "</b>" : "") + "</a>";
      };
      return barista.recommendations(options).then(function (answer) {
        var id = answer.recommendation_id;
        element.innerHTML = answer.items.map(function (item, i) {
          return '<div class="barista-item" data-barista-item="' + esc(item.item_id) + '" data-barista-position="' + (i + 1) + '">' +
            template(item, i + 1) + "</div>";
        }).join("");
        element.setAttribute("data-barista-recommendation", id);
        var products = answer.items.map(function (item, i) { return { product_id: item.item_id, position: i + 1 }; });
        var seen = false;
        function impression() { if (!seen) { seen = true; barista.track("Product List Viewed", { recommendation_id: id, list_id: options.strategy || "for_you", products: products }); } }
        if (w.IntersectionObserver) {
          var observer = new IntersectionObserver(function (entries) {
            if (entries.some(function (e) { return e.intersectionRatio >= 0.5; })) { impression(); observer.disconnect(); }
          }, { threshold: [0.5] });
          observer.observe(element);
        } else impression();
        element.addEventListener("click", function (event) {
          var node = event.target.closest && event.target.closest("[data-barista-item]");
          if (!node) return;
          barista.track("Product Clicked", { product_id: node.getAttribute("data-barista-item"), recommendation_id: id,
            position: Number(node.getAttribute("data-barista-position")) });
          beacon();
        });
        return answer;
      });
    }
  };
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  w.barista = barista;
})(window, document);
"""#
}
