"use strict";
// Step navigation in each trace: click a step (table row, chart row, graph
// state) or use the keys; everything showing that step is highlighted.
(function () {
  function rows(cex) { return cex.querySelectorAll("tr.step"); }
  function reveal(box, el) {
    var b = box.getBoundingClientRect(), e = el.getBoundingClientRect();
    if (e.top < b.top + 24 || e.bottom > b.bottom) box.scrollTop += e.top - b.top - b.height / 3;
  }
  function select(cex, i, scroll) {
    var n = rows(cex).length;
    if (!n) return;
    i = Math.max(0, Math.min(n - 1, i));
    cex.setAttribute("data-at", i);
    cex.querySelectorAll(".sel").forEach(function (e) { e.classList.remove("sel"); });
    cex.querySelectorAll('[data-step~="' + i + '"]').forEach(function (e) { e.classList.add("sel"); });
    var pos = cex.querySelector(".pos");
    if (pos) pos.textContent = "state " + (i + 1) + " of " + n;
    if (!scroll) return;
    cex.querySelectorAll(".charts figure").forEach(function (f) {
      var el = f.querySelector('.row.sel, .state.sel');
      if (el) reveal(f, el);
    });
    var row = cex.querySelector("tr.step.sel");
    if (row) row.scrollIntoView({ block: "nearest" });
  }
  function full(cex, on) {
    var box = cex.querySelector("input.full");
    if (box) box.checked = on;
    cex.querySelectorAll("details.rest").forEach(function (d) { d.open = on; });
  }
  document.querySelectorAll("details.cex").forEach(function (cex) {
    cex.addEventListener("toggle", function () {
      if (cex.open && !cex.hasAttribute("data-at")) select(cex, 0, false);
    });
    cex.addEventListener("click", function (ev) {
      var t = ev.target.closest("[data-step]");
      if (!t || ev.target.closest("summary")) return;
      select(cex, parseInt(t.getAttribute("data-step"), 10), true);
      cex.querySelector("table.steps").focus({ preventScroll: true });
    });
    var box = cex.querySelector("input.full");
    if (box) box.addEventListener("change", function () { full(cex, box.checked); });
    cex.addEventListener("keydown", function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey || !cex.open) return;
      var i = parseInt(cex.getAttribute("data-at") || "0", 10), k = ev.key;
      if (k === "ArrowDown" || k === "j") i += 1;
      else if (k === "ArrowUp" || k === "k") i -= 1;
      else if (k === "Home") i = 0;
      else if (k === "End") i = rows(cex).length - 1;
      else if (k === "f") { full(cex, !cex.querySelector("input.full").checked); ev.preventDefault(); return; }
      else return;
      ev.preventDefault();
      select(cex, i, true);
    });
    if (cex.open) select(cex, 0, false);
  });
})();
