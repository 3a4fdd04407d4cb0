// A screening run's page while the run is queued or running: poll its status, move the bar, and
// reload the page once the run has finished (done or failed). Loaded as a file: the pages allow no
// inline script (Content-Security-Policy).
(function () {
  var box = document.getElementById("run-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (run) {
        if (!run) { return setTimeout(poll, 4000); }
        document.getElementById("run-bar").value = run.progress;
        document.getElementById("run-percent").textContent = run.progress;
        if (run.status === "done" || run.status === "failed") { window.location.reload(); return; }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 1000);
})();
