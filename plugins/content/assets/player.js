// The player of an uploaded video on the learner's view page (views/view.hbs): as the video plays it
// reports the share watched (the played stretches, not the furthest point reached) to the watched API,
// which completes the item once enough is watched. A file served from /assets/content/, because the
// Content-Security-Policy runs no inline script; the page passes the URL and CSRF token in data-*.
(function () {
  'use strict';
  var video = document.getElementById('content-video');
  var state = document.getElementById('completion-state');
  if (!video) return;
  var STEP = 5;
  var reported = 0;
  var sending = false;

  function watchedPercent() {
    var seconds = 0;
    for (var i = 0; i < video.played.length; i += 1) seconds += video.played.end(i) - video.played.start(i);
    return video.duration > 0 ? Math.min(100, Math.round((seconds / video.duration) * 100)) : 0;
  }

  function report(always) {
    var percent = watchedPercent();
    if (sending || percent <= reported || (!always && percent < reported + STEP)) return;
    sending = true;
    var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (video.dataset.csrf) headers['X-CSRF-Token'] = video.dataset.csrf;
    fetch(video.dataset.watchedUrl, { method: 'POST', credentials: 'same-origin', headers: headers, body: JSON.stringify({ percent: percent }) })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (done) {
        if (!done) return;
        reported = done.watchedPercent;
        if (done.completedAt && state) state.textContent = 'Done: you have watched enough of this video.';
      })
      .catch(function () { /* tried again on the next report */ })
      .then(function () { sending = false; });
  }

  video.addEventListener('timeupdate', function () { report(false); });
  video.addEventListener('pause', function () { report(true); });
  video.addEventListener('ended', function () { report(true); });
})();
