"use strict";
// Filters: show the findings whose severity is ticked, whose factor is picked and that concern the picked
// process; hide emptied groups.
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll("main .finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".file-group, .factor-group"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card.has-findings"));
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=severity]"));
  var factor = document.getElementById("factor-filter");
  var shown = document.getElementById("shown-count");
  var process = document.getElementById("process-filter");

  function apply() {
    var ticked = boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var count = 0;
    findings.forEach(function (row) {
      var visible = ticked.indexOf(row.dataset.severity) !== -1 && (!factor.value || row.dataset.factor === factor.value) &&
        (!process || !process.value || row.dataset.processes.split(" ").indexOf(process.value) !== -1);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    groups.forEach(function (group) { group.hidden = !group.querySelector(".finding:not([hidden])"); });
    cards.forEach(function (card) { card.classList.toggle("selected", card.dataset.factor === factor.value); });
    shown.textContent = String(count);
  }

  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  factor.addEventListener("change", apply);
  if (process) { process.addEventListener("change", apply); }
  cards.forEach(function (card) {
    card.addEventListener("click", function () {
      factor.value = factor.value === card.dataset.factor ? "" : card.dataset.factor;
      apply();
      form.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });
  document.getElementById("reset").addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = true; });
    factor.value = "";
    if (process) { process.value = ""; }
    apply();
  });
  apply();
})();
