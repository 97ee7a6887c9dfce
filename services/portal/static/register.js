/* The offline attendance register (progressive: without this script the register is a plain form).
   Marks are queued in IndexedDB and sent when there is a network; the service worker keeps the
   register and the session list openable offline. Every text comes from the page (the catalogues). */
(function () {
  "use strict";
  var root = document.getElementById("offline");
  if (!root || !("indexedDB" in window) || !("serviceWorker" in navigator)) { return; }
  var text = root.dataset;

  navigator.serviceWorker.register(text.worker, { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (!navigator.serviceWorker.controller && registration.active) {
      registration.active.postMessage("claim");    /* a page that loaded while the worker was installing */
    }
    if (navigator.onLine) {                         /* this page, for opening it again offline */
      fetch(location.pathname, { credentials: "same-origin" }).then(function (answer) {
        if (answer.ok && !answer.redirected) {
          return caches.open("bapas-pages").then(function (cache) { return cache.put(location.pathname, answer); });
        }
        return undefined;
      }).catch(function () { return undefined; });
    }
    return registration;
  }).catch(function () { return undefined; });

  /* Signing out clears the queue (Clear-Site-Data): the first press says what would be lost. */
  var signOut = document.querySelector("form[action='" + text.signOut + "']"), warned = false;
  if (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (warned) { return; }
      event.preventDefault();
      BapasQueue.all().then(function (batches) {
        var waiting = batches.filter(function (b) { return b.state === "waiting"; }).length;
        if (!waiting) { warned = true; signOut.submit(); return; }
        warned = true;
        var note = document.getElementById("keluar-peringatan");
        note.textContent = text.unsent.replace("{count}", waiting);
        note.hidden = false;
        note.focus();
      });
    });
  }

  var form = document.querySelector("form.register");
  if (!form) { return; }
  var session = text.session, list = document.getElementById("antrian");

  function recordsOf() {
    var records = [];
    form.querySelectorAll("fieldset[data-enrollment]").forEach(function (fieldset) {
      var id = fieldset.dataset.enrollment;
      var checked = fieldset.querySelector("input[type=radio]:checked");
      if (!checked) { return; }
      var record = { enrollment_id: id, attendance: checked.value };
      var note = fieldset.querySelector("input[name^='note-']").value.trim();
      if (note) { record.note = note.slice(0, 2000); }
      var behaviour = fieldset.querySelector("input[name^='behaviour-']").value.trim();
      if (behaviour) { record.behaviour_note = behaviour.slice(0, 500); }
      record.pk_should_know = fieldset.querySelector("input[name^='flag-']").checked;
      records.push(record);
    });
    return records;
  }

  function label(batch) {
    var count = batch.records.length;
    if (batch.state === "sent") { return text.sent.replace("{count}", count); }
    if (batch.state === "refused") { return text.refused.replace("{count}", count).replace("{detail}", batch.detail); }
    if (batch.detail === "signed-out") { return text.signedOut.replace("{count}", count); }
    return text.waiting.replace("{count}", count);
  }

  function show() {
    return BapasQueue.all().then(function (batches) {
      var mine = batches.filter(function (b) { return b.session === session; });
      list.innerHTML = "";
      mine.forEach(function (batch) {
        var item = document.createElement("li");
        item.className = "queue__item queue__item--" + batch.state;
        item.dataset.key = batch.key;
        item.dataset.state = batch.state;
        item.textContent = label(batch);
        list.appendChild(item);
        if (batch.state === "waiting") { restore(batch); }
      });
      root.hidden = mine.length === 0;
    });
  }

  function restore(batch) {
    batch.records.forEach(function (record) {
      var radio = form.querySelector("input[name='mark-" + record.enrollment_id + "'][value='" + record.attendance + "']");
      if (radio) { radio.checked = true; }
      var flag = form.querySelector("input[name='flag-" + record.enrollment_id + "']");
      if (flag) { flag.checked = Boolean(record.pk_should_know); }
    });
  }

  function sync() {
    return BapasQueue.sync(text.csrf).then(function (sent) {
      if (sent > 0 && navigator.onLine) {           /* show the marks as the service now has them */
        location.reload();
        return undefined;
      }
      return show();
    }).then(function () {
      if ("serviceWorker" in navigator && navigator.onLine === false) {
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.sync ? registration.sync.register("presensi") : undefined;
        }).catch(function () { return undefined; });
      }
      return undefined;
    });
  }

  form.addEventListener("submit", function (event) {
    var records = recordsOf();
    if (!records.length) { return; }                 /* the server says what is missing */
    event.preventDefault();
    var batch = { key: BapasQueue.newKey(), session: session, url: text.sync, csrf: text.csrf,
                  records: records, state: "waiting", at: Date.now() };
    BapasQueue.put(batch).then(show).then(sync);
  });
  window.addEventListener("online", sync);
  show().then(sync);
}());
