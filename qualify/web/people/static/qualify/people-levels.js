// A person's page: the level strip links to a level's section; open it when it is folded.
// Loaded as a file: the pages allow no inline script (Content-Security-Policy).
(function () {
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
