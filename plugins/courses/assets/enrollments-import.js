// The enrollment import form of a course's enrollments page (views/admin/enrollments.hbs): sends the
// chosen CSV file to the form's data-action and links the import job. A file served from
// /assets/courses/, because the Content-Security-Policy runs no inline script.
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  var state = document.getElementById('import-state');
  form.hidden = false;
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var file = document.getElementById('import-file').files[0];
    if (!file) return;
    if (file.size > Number(form.dataset.maxBytes)) { state.textContent = 'The file is larger than ' + form.dataset.maxSize + '.'; return; }
    state.textContent = 'Sending ' + file.name + '…';
    var headers = { 'Content-Type': 'text/csv', Accept: 'application/json' };
    if (form.dataset.csrf) headers['X-CSRF-Token'] = form.dataset.csrf;
    try {
      var res = await fetch(form.dataset.action, { method: 'POST', credentials: 'same-origin', headers: headers, body: file });
      var body = await res.json().catch(function () { return {}; });
      if (res.status !== 202) { state.textContent = 'The import was refused: ' + (body.detail || body.title || res.status); return; }
      var link = document.createElement('a');
      link.href = '/jobs/' + encodeURIComponent(body.job.id);
      link.textContent = 'see its status';
      state.replaceChildren('Import started as job ', body.job.id, ': ', link, '. Reload this page when it is done to see who was enrolled.');
    } catch (e) {
      state.textContent = 'The file could not be sent: ' + e.message;
    }
  });
})();
