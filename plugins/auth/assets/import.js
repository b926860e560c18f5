// The user import page (views/admin/import.hbs): sends the chosen CSV file to POST /api/v1/users/import
// and follows the import job until it is done. A file served from /assets/auth/, because the
// Content-Security-Policy runs no inline script.
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  var status = document.getElementById('import-status');
  var state = document.getElementById('import-state');
  var bar = document.getElementById('import-progress');
  var result = document.getElementById('import-result');
  var failed = document.getElementById('import-failed');
  var button = form.querySelector('button');
  form.hidden = false;

  function say(text) { state.textContent = text; }
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  async function problemOf(res) {
    try { var p = await res.json(); return p.detail || p.title || String(res.status); } catch (e) { return 'the server answered ' + res.status; }
  }

  function show(outcome) {
    bar.value = 100;
    say('The import is finished.');
    document.getElementById('import-counts').textContent =
      outcome.created + ' created, ' + outcome.updated + ' updated, ' + outcome.failed.length + ' not imported.';
    var rows = failed.tBodies[0];
    rows.replaceChildren();
    outcome.failed.forEach(function (f) {
      var tr = rows.insertRow();
      tr.insertCell().textContent = f.line;
      tr.insertCell().textContent = f.error;
    });
    failed.hidden = outcome.failed.length === 0;
    result.hidden = false;
  }

  /** The job's own page, which keeps its result after this page is left. */
  function link(id) {
    var note = document.getElementById('import-job') || document.createElement('p');
    var a = document.createElement('a');
    note.id = 'import-job';
    a.href = '/jobs/' + encodeURIComponent(id);
    a.textContent = 'see its status';
    note.replaceChildren('Import job ' + id + ': ', a, ' (its page keeps the result).');
    state.after(note);
  }

  async function follow(url) {
    for (;;) {
      var res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!res.ok) return say('The import could not be followed: ' + await problemOf(res));
      var job = await res.json();
      bar.value = job.progress || 0;
      if (job.state === 'completed') return show(job.result);
      if (job.state === 'failed') return say('The import failed: ' + (job.error || 'no reason given'));
      say('Importing… ' + (job.progress || 0) + '%');
      await wait(1000);
    }
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var file = document.getElementById('import-file').files[0];
    if (!file) return;
    status.hidden = false;
    result.hidden = true;
    bar.value = 0;
    if (file.size > Number(form.dataset.maxBytes)) return say('The file is larger than ' + form.dataset.maxSize + '.');
    button.disabled = true;
    say('Sending ' + file.name + '…');
    try {
      var headers = { 'Content-Type': 'text/csv', Accept: 'application/json' };
      if (form.dataset.csrf) headers['X-CSRF-Token'] = form.dataset.csrf;
      var res = await fetch('/api/v1/users/import', { method: 'POST', credentials: 'same-origin', headers: headers, body: file });
      if (res.status !== 202) return say('The import was refused: ' + await problemOf(res));
      var job = (await res.json()).job;
      link(job.id);
      await follow(res.headers.get('Location') || '/api/v1/jobs/' + encodeURIComponent(job.id));
    } catch (e) {
      say('The import could not be sent: ' + e.message);
    } finally {
      button.disabled = false;
    }
  });
})();
