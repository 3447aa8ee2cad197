"use strict";
// The heatmap: filter rows by name and status, sort by any column (click again to reverse).
(function () {
  var table = document.getElementById("heatmap");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var name = document.getElementById("repo-filter");
  var status = document.getElementById("status-filter");
  var shown = document.getElementById("shown-count");

  function visible(row) {
    var wanted = status.value;
    if (name.value && row.dataset.name.indexOf(name.value.toLowerCase()) === -1) { return false; }
    if (wanted === "findings") { return Number(row.dataset.findings) > 0; }
    if (wanted === "ok") { return row.dataset.status === "ok"; }
    if (wanted === "unaudited") { return row.dataset.status !== "ok"; }
    if (wanted === "better" || wanted === "worse") { return row.dataset.change === wanted; }
    return true;
  }

  function filter() {
    var count = 0;
    rows.forEach(function (row) {
      row.hidden = !visible(row);
      if (!row.hidden) { count += 1; }
    });
    shown.textContent = String(count);
  }

  function value(row, key) {
    if (key === "name") { return row.dataset.name; }
    if (key === "findings" || key === "delta") { return Number(row.dataset[key] || 0); }
    return Number(row.querySelector("[data-" + key + "]").dataset[key]);
  }

  var buttons = Array.prototype.slice.call(table.querySelectorAll("thead button[data-sort]"));
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.sort;
      var ascending = button.getAttribute("aria-sort") === "descending" || (key === "name" && !button.hasAttribute("aria-sort"));
      buttons.forEach(function (other) { other.removeAttribute("aria-sort"); });
      button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = value(a, key), y = value(b, key);
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (!ascending) { order = -order; }
        return order || (a.dataset.name < b.dataset.name ? -1 : 1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  name.addEventListener("input", filter);
  status.addEventListener("change", filter);
  filter();
})();
