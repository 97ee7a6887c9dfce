/* The register's queue of attendance batches, in IndexedDB: used by the page and by the service
   worker (Background Sync). A batch: {key, url, records, state: waiting|sent|refused, detail, at}.
   Its key is the Idempotency-Key, so a batch sent twice (page and worker, or a lost answer) is
   applied once by bimbingan. */
var BapasQueue = (function () {
  "use strict";
  var DB = "bapas-presensi", STORE = "batches";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        work(tx.objectStore(STORE), function (value) { result = value; });
      });
    });
  }

  function all() {
    return run("readonly", function (store, done) {
      var request = store.getAll();
      request.onsuccess = function () {
        done(request.result.sort(function (a, b) { return a.at - b.at; }));
      };
    });
  }

  function put(batch) {
    return run("readwrite", function (store) { store.put(batch); });
  }

  function remove(key) {
    return run("readwrite", function (store) { store.delete(key); });
  }

  function newKey() {
    if (self.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var KEEP_DONE_MS = 24 * 3600 * 1000;

  /* Send every waiting batch, oldest first (answers how many were sent); a sent or refused batch is
     shown for a day, then forgotten. A batch the portal refuses (4xx other than 401/408/429)
     is kept as refused with the reason; no answer, 401 (signed out), or 5xx: it keeps waiting. */
  /* One sender at a time across the page and the worker (Web Locks), so a batch is never sent twice
     at once; whoever comes second reads the queue after the first has finished. */
  function sync(csrf) {
    var work = function () { return syncNow(csrf); };
    return self.navigator && navigator.locks ? navigator.locks.request("bapas-presensi-sync", work) : work();
  }

  function syncNow(csrf) {
    return all().then(function (batches) {
      var now = Date.now(), sent = 0;
      var old = batches.filter(function (b) { return b.state !== "waiting" && now - (b.sentAt || b.at) > KEEP_DONE_MS; });
      var waiting = batches.filter(function (b) { return b.state === "waiting"; });
      return Promise.all(old.map(function (b) { return remove(b.key); })).then(function () {
        return waiting.reduce(function (previous, batch) {
          if (csrf) { batch.csrf = csrf; }
          return previous.then(function () { return send(batch); }).then(function () {
            if (batch.state === "sent") { sent += 1; }
          });
        }, Promise.resolve());
      }).then(function () { return sent; });
    });
  }

  function send(batch) {
    return fetch(batch.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": batch.csrf, "Idempotency-Key": batch.key },
      body: JSON.stringify({ records: batch.records })
    }).then(function (answer) {
      if (answer.ok) {
        batch.state = "sent"; batch.sentAt = Date.now();
        return put(batch);
      }
      var json = (answer.headers.get("Content-Type") || "").indexOf("json") >= 0;
      /* 401, or a 400 that is the portal's CSRF page (a sign-in newer than the batch): sent again
         with the token of the next page opened after signing in. */
      if ([401, 408, 429].indexOf(answer.status) >= 0 || answer.status >= 500 || (answer.status === 400 && !json)) {
        batch.detail = answer.status === 401 || answer.status === 400 ? "signed-out" : "";
        return put(batch);
      }
      return answer.json().catch(function () { return {}; }).then(function (body) {
        batch.state = "refused"; batch.detail = body.detail || String(answer.status); batch.sentAt = Date.now();
        return put(batch);
      });
    }, function () { return undefined; });
  }

  return { all: all, put: put, sync: sync, newKey: newKey };
}());
