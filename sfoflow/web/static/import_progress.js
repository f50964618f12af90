// Follows a background import: moves the progress bars, and shows the result when it is done.
(function () {
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "yes") { return; }
  var url = box.dataset.statusUrl;
  var live = document.getElementById("import-live");
  var number = function (n) { return n.toLocaleString("en-GB"); };
  var lastSaid = "";
  function show(job) {
    ["checked", "written"].forEach(function (what) {
      var bar = document.getElementById("progress-" + what);
      var value = job["rows_" + what];
      bar.max = Math.max(job.total_rows, 1);
      bar.value = value;
      bar.textContent = number(value) + " of " + number(job.total_rows);
      document.getElementById("text-" + what).textContent =
        number(value) + " of " + number(job.total_rows) + " rows " + (what === "checked" ? "checked" : "imported");
    });
    var tag = document.querySelector("#import-status .govuk-tag");
    tag.textContent = job.status_label;
    var said = job.status_label + ": " + number(job.rows_written) + " of " + number(job.total_rows) + " imported";
    // Say it aloud only when the stage changes, not at every step of the bar.
    if (job.status_label !== lastSaid.split(":")[0]) { live.textContent = said; }
    lastSaid = said;
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 700); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
