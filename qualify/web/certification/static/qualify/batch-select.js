// The "select all" box of a cycle's applications (HR's batch work): ticks or clears every row's box.
(function () {
  "use strict";
  var all = document.querySelector("input[data-select-all]");
  if (!all) { return; }
  var form = document.getElementById(all.getAttribute("data-select-all"));
  all.hidden = false;
  all.addEventListener("change", function () {
    form.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = all.checked; });
  });
})();
