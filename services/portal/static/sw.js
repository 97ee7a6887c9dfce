/* The register's service worker: keeps the attendance register and the session list openable
   without a network (network first, the last copy when offline), and sends queued marks when the
   browser reports the network back (Background Sync). Other pages are never stored. Signing out
   answers Clear-Site-Data, which removes these caches, the queue and this worker. */
importScripts("/static/queue.js");
var PAGES = "bapas-pages", ASSETS = "bapas-assets";
var ASSET_FILES = ["/static/portal.css", "/static/register.js", "/static/queue.js"];
var KEPT = /^\/(sesi\/[0-9a-f-]{36}\/presensi)?$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) { return cache.addAll(ASSET_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", function (event) {
  if (event.data === "claim") { event.waitUntil(self.clients.claim()); }
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) { return; }
  if (ASSET_FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(fetch(request).then(function (answer) {
      var copy = answer.clone();
      caches.open(ASSETS).then(function (cache) { cache.put(url.pathname, copy); });
      return answer;
    }).catch(function () { return caches.match(url.pathname); }));
    return;
  }
  if (request.mode === "navigate" && KEPT.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (answer) {
      if (answer.ok && !answer.redirected) {
        var copy = answer.clone();
        caches.open(PAGES).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return answer;
    }).catch(function () {
      return caches.match(url.pathname).then(function (kept) { return kept || Response.error(); });
    }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "presensi") { event.waitUntil(BapasQueue.sync()); }
});
