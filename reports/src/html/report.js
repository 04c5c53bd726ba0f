"use strict";
// Step navigation in each trace: click a step (table row, chart row, graph
// state) or use the keys; everything showing that step is highlighted. Keys
// work without a click: they act on the current trace (the last one opened,
// clicked or moved to, else the first open one on screen). The summary's
// filter buttons (or their keys) show one kind of spec. Beside a spec's
// verdicts, its text highlights the lines naming the check of the verdict
// clicked, or of the trace last clicked or moved to.
(function () {
  var current = null;
  function rows(cex) { return cex.querySelectorAll("tr.step"); }
  function reveal(box, el) {
    var b = box.getBoundingClientRect(), e = el.getBoundingClientRect();
    if (e.top < b.top + 24 || e.bottom > b.bottom) box.scrollTop += e.top - b.top - b.height / 3;
  }
  function select(cex, i, scroll) {
    var n = rows(cex).length;
    if (!n) return;
    current = cex;
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
  function point(spec, c) {
    if (!spec || c === null) return;
    spec.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    var q = '="' + c + '"]';
    spec.querySelectorAll("tr[data-check" + q + ", .src [data-check" + q + ", .src [data-checks~" + q).forEach(function (e) { e.classList.add("hl"); });
    var box = spec.querySelector(".src"), line = box && box.querySelector(".l.hl");
    if (line) reveal(box, line);
  }
  function pointAt(cex) { point(cex.closest("section.spec"), cex.getAttribute("data-check")); }
  function full(cex, on) {
    var box = cex.querySelector("input.full");
    if (box) box.checked = on;
    cex.querySelectorAll("details.rest, details.whole, details.payloads").forEach(function (d) { d.open = on; });
  }
  function shown(el) { return el.offsetParent !== null || el.getClientRects().length > 0; }
  function traces() { return Array.prototype.filter.call(document.querySelectorAll("details.cex"), shown); }
  // The counterexamples (not witnesses) in page order, as `n`/`p` visit them.
  function counterexamples() {
    return traces().filter(function (c) { return !c.querySelector("summary .badge.pass"); });
  }
  function target() {
    if (current && current.open && shown(current)) return current;
    var open = traces().filter(function (c) { return c.open; });
    var onScreen = open.filter(function (c) {
      var r = c.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    });
    return onScreen[0] || open[0] || null;
  }
  function move(step) {
    var all = counterexamples();
    if (!all.length) return;
    var at = all.indexOf(current);
    var next = all[at < 0 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length];
    next.open = true;
    select(next, parseInt(next.getAttribute("data-at") || "0", 10), false);
    pointAt(next);
    next.scrollIntoView({ block: "start" });
  }
  function filter(kind) {
    document.querySelectorAll(".filters button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-filter") === kind ? "true" : "false");
    });
    document.querySelectorAll("[data-verdict]").forEach(function (el) {
      if (kind === "all" || el.getAttribute("data-verdict") === kind) el.removeAttribute("data-hidden");
      else el.setAttribute("data-hidden", "");
    });
  }
  document.querySelectorAll(".filters button").forEach(function (b) {
    b.addEventListener("click", function () { filter(b.getAttribute("data-filter")); });
  });
  document.querySelectorAll("table.checks tr[data-check]").forEach(function (tr) {
    tr.addEventListener("click", function () { point(tr.closest("section.spec"), tr.getAttribute("data-check")); });
  });
  document.querySelectorAll("details.cex").forEach(function (cex) {
    cex.addEventListener("toggle", function () {
      if (cex.open && !cex.hasAttribute("data-at")) select(cex, 0, false);
      if (cex.open) current = cex;
    });
    cex.addEventListener("click", function (ev) {
      pointAt(cex);
      var t = ev.target.closest("[data-step]");
      if (!t || ev.target.closest("summary")) return;
      select(cex, parseInt(t.getAttribute("data-step"), 10), true);
      cex.querySelector("table.steps").focus({ preventScroll: true });
    });
    var box = cex.querySelector("input.full");
    if (box) box.addEventListener("change", function () { full(cex, box.checked); });
  });
  var filterKeys = { a: "all", x: "fail", e: "expected", s: "pass", i: "incomplete" };
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.target.closest && ev.target.closest("input, textarea, select, button")) return;
    var k = ev.key;
    if (filterKeys[k]) { filter(filterKeys[k]); ev.preventDefault(); return; }
    if (k === "n" || k === "p") { move(k === "n" ? 1 : -1); ev.preventDefault(); return; }
    var cex = (ev.target.closest && ev.target.closest("details.cex[open]")) || target();
    if (!cex) return;
    var i = parseInt(cex.getAttribute("data-at") || "0", 10);
    if (k === "ArrowDown" || k === "j") i += 1;
    else if (k === "ArrowUp" || k === "k") i -= 1;
    else if (k === "Home") i = 0;
    else if (k === "End") i = rows(cex).length - 1;
    else if (k === "f") { full(cex, !cex.querySelector("input.full").checked); ev.preventDefault(); return; }
    else return;
    ev.preventDefault();
    select(cex, i, true);
    pointAt(cex);
  });
  document.querySelectorAll("details.cex[open]").forEach(function (cex) { select(cex, 0, false); });
  current = null;
})();
