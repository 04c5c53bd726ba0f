// The HTML report in a real browser: Debian's Chromium, driven by
// playwright-core, opens the report from file:// with every network request
// blocked and recorded, clicks through a counterexample and checks what it
// shows. Screenshots go to tests/browser/artifacts/.
//
// Reports under test: the one `bivalent check specs/` writes (report/index.html
// at the repository root by default; scripts/test runs it first and passes its
// path in BIVALENT_REPORT, relative to this folder), and
// two that the Rust tests in tests/report.rs write under tests/browser/out/:
// `escaping` (a model whose strings are hostile markup) and `ring` (seven
// nodes, 45 states, every kind of arrow).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const reportPath = path.resolve(here, process.env.BIVALENT_REPORT || path.join(root, "report/index.html"));
const escapingPath = path.join(here, "out/escaping/index.html");
const ringPath = path.join(here, "out/ring/index.html");
const artifacts = path.join(here, "artifacts");

let context;
let profile;
const requests = [];
const blocked = [];
const problems = [];

before(async () => {
  for (const file of [reportPath, escapingPath, ringPath]) {
    assert.ok(existsSync(file), `${file} is missing: run scripts/test (or bivalent check specs/ and cargo test) first`);
  }
  mkdirSync(artifacts, { recursive: true });
  profile = mkdtempSync(path.join(os.tmpdir(), "bivalent-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Only the report's own file may load; anything else is recorded and refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  context.on("request", (request) => requests.push(request.url()));
  context.on("weberror", (error) => problems.push(`page error: ${error.error().message}`));
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(file) {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console: ${message.text()}`);
  });
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    return dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  return page;
}

// A screenshot of the viewport with `element` scrolled to its top (element
// screenshots misplace the sticky chart pane).
async function shot(page, element, name) {
  await element.evaluate((e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

// The counterexample section of the spec whose path ends in `spec`.
function counterexample(page, spec) {
  return page.locator("section.spec", { has: page.locator(`h2 code:text-is("specs/${spec}")`) }).locator("details.cex").first();
}

test("the report loads from file:// with a policy that forbids network loads", async () => {
  const page = await open(reportPath);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'sha256-/);
  assert.doesNotMatch(policy, /unsafe-inline/);
  assert.match(await page.title(), /^bivalent: /);
  const specs = await page.locator("section.spec").count();
  assert.ok(specs >= 5, `${specs} specs`);
  assert.equal(await page.locator("table.specs tbody tr").count(), specs);
  await page.screenshot({ path: path.join(artifacts, "summary.png") });
  await page.close();
});

test("a counterexample opens with its steps, sequence chart and state graph", async () => {
  const page = await open(reportPath);
  const cex = counterexample(page, "twophase-bug-3.cfg");
  assert.equal(await cex.getAttribute("open"), null, "an expected violation starts closed");
  await cex.locator(":scope > summary").click();
  assert.equal(await cex.getAttribute("open"), "");
  await assert.doesNotReject(cex.locator("h3", { hasText: "Counterexample to invariant TCConsistent" }).waitFor());
  const steps = cex.locator("tr.step");
  assert.equal(await steps.count(), 6);
  assert.match(await steps.nth(5).innerText(), /RMRcvCommitMsg\(r1\)[\s\S]*violates TCConsistent/);
  // One lifeline per node (the TM and three RMs), arrows for the messages.
  const chart = cex.locator("svg.msc");
  assert.deepEqual(await chart.locator("text.nn").allTextContents(), ["TM", "r1", "r2", "r3"]);
  assert.ok((await chart.locator("g.msg").count()) >= 4);
  assert.equal(await chart.locator("g.msg.pending").count(), 2, "Commit to r2 and r3 is never delivered");
  assert.equal(await cex.locator("svg.graph g.state").count(), 6);
  assert.equal(await cex.locator("svg.graph g.state.bad").count(), 1);
  await shot(page, cex, "counterexample");
  await page.close();
});

test("the full-state toggle unfolds the unchanged variables", async () => {
  const page = await open(reportPath);
  const cex = counterexample(page, "twophase-bug-3.cfg");
  await cex.locator(":scope > summary").click();
  const unchanged = cex.locator("tr.step").nth(2).locator("details.rest .var").first();
  assert.equal(await unchanged.isVisible(), false);
  await cex.locator("input.full").check();
  assert.equal(await unchanged.isVisible(), true);
  assert.equal(await cex.locator("details.rest:not([open])").count(), 0);
  await shot(page, cex, "full-state");
  await cex.locator("input.full").uncheck();
  assert.equal(await unchanged.isVisible(), false);
  await page.close();
});

test("keys and clicks step through the trace in the table and both charts", async () => {
  const page = await open(reportPath);
  const cex = counterexample(page, "twophase-bug-3.cfg");
  await cex.locator(":scope > summary").click();
  const selected = async () => ({
    row: await cex.locator("tr.step.sel").getAttribute("data-step"),
    chart: await cex.locator("svg.msc g.row.sel").getAttribute("data-step"),
    graph: await cex.locator("svg.graph g.state.sel").getAttribute("data-step"),
    position: await cex.locator(".pos").innerText(),
  });
  assert.deepEqual(await selected(), { row: "0", chart: "0", graph: "0", position: "state 1 of 6" });
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("j");
  assert.deepEqual(await selected(), { row: "2", chart: "2", graph: "2", position: "state 3 of 6" });
  await page.keyboard.press("End");
  assert.equal((await selected()).row, "5");
  await page.keyboard.press("ArrowDown");
  assert.equal((await selected()).row, "5", "stepping stops at the last state");
  await page.keyboard.press("k");
  assert.equal((await selected()).row, "4");
  await page.keyboard.press("Home");
  assert.equal((await selected()).row, "0");
  await page.keyboard.press("f");
  assert.equal(await cex.locator("input.full").isChecked(), true);
  await cex.locator("svg.msc g.row[data-step='3'] text.a").click();
  assert.deepEqual(await selected(), { row: "3", chart: "3", graph: "3", position: "state 4 of 6" });
  await cex.locator("svg.graph g.state[data-step='1'] rect").click();
  assert.equal((await selected()).row, "1");
  await cex.locator("tr.step").nth(4).click();
  assert.equal((await selected()).chart, "4");
  await shot(page, cex, "stepping");
  await page.close();
});

test("selecting a counterexample or a verdict highlights the lines of the spec that name its check", async () => {
  const page = await open(reportPath);
  const section = page.locator("section.spec", { has: page.locator('h2 code:text-is("specs/twophase-bug-3.cfg")') });
  const source = section.locator("figure.source pre.src");
  // The spec's text as read, one numbered line each.
  const spec = readFileSync(path.join(root, "specs/twophase-bug-3.cfg"), "utf8").replace(/\n$/, "").split("\n");
  const shown = await source.locator(".l").evaluateAll((lines) => lines.map((l) => {
    const n = l.querySelector(".n").textContent;
    return [n, l.textContent.slice(n.length).replace(/\n$/, "")];
  }));
  assert.deepEqual(shown, spec.map((text, i) => [String(i + 1), text]));
  // One line box after another, no empty line between them.
  const gaps = await source.locator(".l").evaluateAll((lines) => lines.slice(1).map((l, i) => l.getBoundingClientRect().top - lines[i].getBoundingClientRect().bottom));
  assert.ok(gaps.every((gap) => Math.abs(gap) < 1), `gaps between lines: ${gaps}`);
  const highlighted = async () => ({
    lines: await source.locator(".l.hl .n").allTextContents(),
    names: await source.locator(".item.hl").allTextContents(),
    rows: await section.locator("table.checks tr.hl td:first-child").allTextContents(),
  });
  // The violation is expected, so nothing is highlighted until something is selected.
  assert.deepEqual(await highlighted(), { lines: [], names: [], rows: [] });
  // Opening the counterexample selects TCConsistent: its INVARIANTS and EXPECT lines.
  const cex = counterexample(page, "twophase-bug-3.cfg");
  await cex.locator(":scope > summary").click();
  assert.deepEqual(await highlighted(), { lines: ["7", "8"], names: ["TCConsistent", "TCConsistent"], rows: ["TCConsistent"] });
  const line = source.locator(".l.hl").first();
  const [lineBox, sourceBox] = [await line.boundingBox(), await source.boundingBox()];
  assert.ok(lineBox.y >= sourceBox.y && lineBox.y + lineBox.height <= sourceBox.y + sourceBox.height + 1, "the line shows in its pane");
  const colors = await line.evaluate((l) => [getComputedStyle(l).backgroundColor, getComputedStyle(l.parentElement).backgroundColor]);
  assert.notEqual(colors[0], colors[1], "the highlight has a background of its own");
  await shot(page, section, "spec-text");
  // Another verdict moves the highlight: TPTypeOK shares line 7; the
  // deadlock check points at the MODEL line.
  await section.locator("table.checks button.item", { hasText: /^TPTypeOK$/ }).click();
  assert.deepEqual(await highlighted(), { lines: ["7"], names: ["TPTypeOK"], rows: ["TPTypeOK"] });
  await section.locator("table.checks tr", { hasText: "Deadlock" }).click();
  assert.deepEqual(await highlighted(), { lines: ["2"], names: [], rows: ["Deadlock"] });
  // A step of the counterexample brings it back, and the trace links to its line.
  await cex.locator("tr.step").nth(2).click();
  assert.deepEqual((await highlighted()).lines, ["7", "8"]);
  await cex.locator(".tools a", { hasText: "Spec line 7" }).click();
  assert.match(page.url(), /#spec-\d+-line-7$/);
  assert.ok(await source.locator(".l.hl").first().isVisible());
  await page.close();
});

test("a liveness counterexample draws its loop", async () => {
  const page = await open(reportPath);
  const cex = counterexample(page, "twophase-tmcrash-3.cfg");
  await cex.locator(":scope > summary").click();
  assert.ok((await cex.locator("svg.graph g.edge.loop").count()) === 1, "the lasso's closing edge");
  assert.ok((await cex.locator("svg.graph g.state.loop").count()) >= 1);
  assert.equal(await cex.locator("tr.loopstart").count(), 1);
  assert.match(await cex.locator("tr.back").innerText(), /back to state \d+/);
  await shot(page, cex, "lasso");
  await page.close();
});

test("every chart is well-formed SVG, and hostile strings stay inert", async () => {
  const page = await open(escapingPath);
  const cex = page.locator("details.cex").first();
  assert.equal(await cex.getAttribute("open"), "", "an unexpected violation starts open");
  await cex.locator("input.full").check();
  // Exactly the report's own script and no injected element or handler.
  assert.equal(await page.locator("script").count(), 1);
  assert.equal(await page.locator("[onload], [onerror], [onclick], iframe, object, embed, img").count(), 0);
  assert.equal(await page.locator("svg svg").count(), 0, "no SVG was injected into a chart");
  const shown = await page.locator("table.steps").first().innerText();
  assert.ok(shown.includes('</script><svg onload=alert(1)>'), "the hostile text is shown as text");
  // So is the spec's text, whose comment is hostile; the unexpected
  // violation's INVARIANT line is highlighted from the start.
  const source = page.locator("pre.src");
  assert.ok((await source.innerText()).includes('</script><svg onload=alert(1)>'), "the spec's text is shown as text");
  assert.deepEqual(await source.locator(".l.hl").allTextContents(), ["4INVARIANT BeforeTheEnd\n"]);
  await page.screenshot({ path: path.join(artifacts, "escaping.png"), fullPage: true });
  for (const file of [reportPath, escapingPath, ringPath]) {
    const svgs = readFileSync(file, "utf8").match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    assert.ok(svgs.length > 0, `${file} has charts`);
    const errors = await page.evaluate((sources) => sources.map((source) => {
      const doc = new DOMParser().parseFromString(source, "image/svg+xml");
      const error = doc.querySelector("parsererror");
      return error ? error.textContent : null;
    }).filter((e) => e !== null), svgs);
    assert.deepEqual(errors, [], `${file}: every <svg> parses as XML`);
  }
  await page.close();
});

test("seven nodes and 45 states: the charts scroll and no labels overlap", async () => {
  const page = await open(ringPath);
  const cex = page.locator("details.cex").first();
  assert.equal(await cex.getAttribute("open"), "", "an unexpected violation starts open");
  assert.equal(await cex.locator("tr.step").count(), 45);
  assert.equal(await cex.locator("svg.msc text.nn").count(), 7);
  // Labels drawn in the browser's own font: none covers another.
  const overlaps = await cex.evaluate((root) => {
    const found = [];
    for (const svg of root.querySelectorAll("svg")) {
      const boxes = [...svg.querySelectorAll("text")].map((t) => ({ text: t.textContent, box: t.getBBox() }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].box, b = boxes[j].box;
          const x = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
          const y = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
          if (x > 1 && y > 1) found.push(`${boxes[i].text} / ${boxes[j].text}`);
        }
      }
    }
    return found;
  });
  assert.deepEqual(overlaps, []);
  // The charts scroll inside their pane; stepping to the end brings the last
  // row of the sequence chart into view.
  const figure = cex.locator(".charts figure").first();
  assert.ok(await figure.evaluate((f) => f.scrollHeight > f.clientHeight), "the chart pane scrolls");
  await cex.locator("tr.step").first().click();
  await page.keyboard.press("End");
  const visible = await figure.evaluate((f) => {
    const row = f.querySelector(".row.sel").getBoundingClientRect(), pane = f.getBoundingClientRect();
    return row.top >= pane.top && row.bottom <= pane.bottom;
  });
  assert.ok(visible, "the selected row is scrolled into the chart pane");
  await page.screenshot({ path: path.join(artifacts, "ring-end.png") });
  await page.keyboard.press("Home");
  await page.screenshot({ path: path.join(artifacts, "ring-start.png") });
  await page.close();
});

// Label boxes of every chart under `root` that overlap another label, or
// stick out of their chart: [] when the layout is clean.
async function labelProblems(root) {
  return root.evaluate((root) => {
    const found = [];
    for (const svg of root.querySelectorAll("svg")) {
      const view = svg.viewBox.baseVal;
      const boxes = [...svg.querySelectorAll("text")].map((t) => ({ text: t.textContent, box: t.getBBox() }));
      for (const { text, box } of boxes) {
        if (box.x < view.x - 1 || box.y < view.y - 1 || box.x + box.width > view.x + view.width + 1 || box.y + box.height > view.y + view.height + 1) {
          found.push(`${text} is clipped`);
        }
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].box, b = boxes[j].box;
          const x = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
          const y = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
          if (x > 1 && y > 1) found.push(`${boxes[i].text} / ${boxes[j].text}`);
        }
      }
    }
    return found;
  });
}

// The labels of every sequence chart under `root` that an arrow other than
// their own runs through, in the browser's own font: each line and path of
// a message (and the loop bracket) walked a pixel at a time. [] when clear.
async function arrowCrossings(root) {
  return root.evaluate((root) => {
    const found = [];
    for (const svg of root.querySelectorAll("svg.msc")) {
      const labels = [...svg.querySelectorAll("text.ml, text.cl, text.dl, text.rl, text.pl")].map((t) => ({
        text: t.textContent,
        group: t.closest("g.msg"),
        box: t.getBBox(),
      }));
      for (const piece of svg.querySelectorAll("g.msg line, g.msg path, g.loop path")) {
        const group = piece.closest("g.msg");
        const length = piece.getTotalLength();
        for (const label of labels.filter((l) => l.group === null || l.group !== group)) {
          const b = label.box;
          for (let at = 0; at <= length; at += 1) {
            const p = piece.getPointAtLength(at);
            if (p.x > b.x + 1 && p.x < b.x + b.width - 1 && p.y > b.y + 1 && p.y < b.y + b.height - 1) {
              found.push(`${label.text} / ${group ? group.querySelector("title").textContent : "the loop"}`);
              break;
            }
          }
        }
      }
    }
    return found;
  });
}

test("the bundled message-passing counterexamples have no overlapping or clipped labels, nor labels on other arrows", async () => {
  const page = await open(reportPath);
  for (const spec of [
    "raft-election-liveness-split-vote-2.cfg",
    "abd-bug-skip-write-back-3x2x2.cfg",
    "dynamo-partition-2x2x1.cfg",
    "threephase-partition-2.cfg",
  ]) {
    const cex = counterexample(page, spec);
    await cex.locator(":scope > summary").click();
    assert.ok((await cex.locator("svg.msc").count()) === 1, `${spec} has a sequence chart`);
    assert.deepEqual(await labelProblems(cex), [], spec);
    assert.deepEqual(await arrowCrossings(cex), [], spec);
  }
  await page.close();
});

test("a partition counterexample draws each side as a band behind its lifelines, named where it starts", async () => {
  const page = await open(reportPath);
  for (const [spec, sides] of [
    ["dynamo-partition-2x2x1.cfg", [["r1", "c2"], ["r2", "c1"]]],
    ["threephase-partition-2.cfg", [["TM", "r2"], ["r1"]]],
  ]) {
    const cex = counterexample(page, spec);
    await cex.locator(":scope > summary").click();
    const chart = cex.locator("svg.msc");
    assert.equal(await chart.locator("g.part").count(), 1, `${spec}: one partition, never healed`);
    assert.equal(await chart.locator("text.pl").textContent(), `partition {${sides[0].join(", ")}} | {${sides[1].join(", ")}}`);
    // Which lifelines each tint holds, as drawn: the nodes of each side.
    const held = await chart.evaluate((svg) => {
      const lifelines = [...svg.querySelectorAll("text.nn")].map((t) => [t.textContent, t.getBBox().x + t.getBBox().width / 2]);
      const bands = { s0: [], s1: [] };
      for (const band of svg.querySelectorAll("g.part rect.side")) {
        const box = band.getBBox();
        const side = band.classList.contains("s0") ? "s0" : "s1";
        bands[side].push(...lifelines.filter(([, x]) => x > box.x && x < box.x + box.width).map(([name]) => name));
      }
      return [bands.s0.sort(), bands.s1.sort()];
    });
    assert.deepEqual(held, sides.map((side) => [...side].sort()), spec);
    // The bands sit behind the rows' clicks: a click inside one still selects its row.
    const band = chart.locator("g.part rect.side").first();
    const box = await band.boundingBox();
    await page.mouse.click(box.x + 4, box.y + box.height - 4);
    assert.equal(await cex.locator("tr.step.sel").count(), 1);
    if (spec.startsWith("dynamo")) await shot(page, chart, "partition");
  }
  await page.close();
});

test("full message payloads show on hover and in the step's detail; long collections show what changed", async () => {
  const page = await open(reportPath);
  const cex = counterexample(page, "abd-bug-skip-write-back-3x2x2.cfg");
  await cex.locator(":scope > summary").click();
  // Each arrow's tooltip (its <title>) holds the whole message, not the short label.
  const arrow = cex.locator("svg.msc g.msg").first();
  const label = await arrow.locator("text.ml").textContent();
  const tooltip = await arrow.locator("title").textContent();
  assert.ok(tooltip.length > label.length && /\[.*\|->/.test(tooltip), `${label} / ${tooltip}`);
  await arrow.locator("line, path").first().hover({ force: true });
  // The selected step lists its messages in full.
  const step = cex.locator("tr.step").nth(2);
  await step.click();
  const payloads = step.locator("details.payloads");
  assert.equal(await payloads.count(), 1);
  await payloads.locator("summary").click();
  assert.match(await payloads.innerText(), /→ .*: \[.*\|->/);
  // The network is long: a later step shows the messages added or removed, the whole value folded.
  const delta = cex.locator("tr.step .var.delta").first();
  assert.ok(await delta.isVisible());
  assert.ok((await delta.locator(".added, .removed").count()) >= 1);
  assert.equal(await delta.locator("details.whole").getAttribute("open"), null);
  await cex.locator("input.full").check();
  assert.equal(await delta.locator("details.whole").getAttribute("open"), "");
  await shot(page, step, "payloads");
  await page.close();
});

test("a linearizability counterexample shows each client's operations and says why", async () => {
  const page = await open(reportPath);
  const cex = counterexample(page, "abd-bug-skip-write-back-3x2x2.cfg");
  await cex.locator(":scope > summary").click();
  const lane = cex.locator("figure.lane");
  assert.ok(await lane.isVisible());
  // Client = {c1, c2}: one row each.
  assert.deepEqual((await lane.locator("svg.history text.hc").allTextContents()).sort(), ["c1", "c2"]);
  assert.ok((await lane.locator("svg.history g.op").count()) >= 3);
  assert.equal(await lane.locator("svg.history g.op.bad").count(), 2);
  assert.match(await lane.locator("p.why").innerText(), /returned \d+ after the read .* had returned \d+ and completed/);
  assert.deepEqual(await labelProblems(lane), []);
  await shot(page, lane, "history");
  await page.close();
});

test("the summary filter shows one kind of spec, by click or by key", async () => {
  const page = await open(reportPath);
  const rows = page.locator("table.specs tbody tr");
  const visible = async () => (await rows.evaluateAll((trs) => trs.filter((tr) => tr.offsetParent !== null).map((tr) => tr.getAttribute("data-verdict"))));
  const all = await visible();
  assert.ok(all.includes("pass") && all.includes("expected"), `${all}`);
  await page.locator('.filters button[data-filter="expected"]').click();
  const expected = await visible();
  assert.ok(expected.length > 0 && expected.every((v) => v === "expected"), `${expected}`);
  assert.equal(await page.locator('section.spec[data-verdict="pass"]').first().isVisible(), false);
  assert.equal(await page.locator('.filters button[data-filter="expected"]').getAttribute("aria-pressed"), "true");
  await page.locator("h1").click();
  await page.keyboard.press("s");
  const passes = await visible();
  assert.ok(passes.length > 0 && passes.every((v) => v === "pass"), `${passes}`);
  await page.keyboard.press("a");
  assert.deepEqual(await visible(), all);
  await page.close();
});

test("keys work without a click, and n and p move between counterexamples", async () => {
  const page = await open(reportPath);
  await page.keyboard.press("x");
  await page.keyboard.press("a");
  // No click anywhere: n opens the first counterexample and j steps through it.
  await page.keyboard.press("n");
  const first = page.locator("details.cex[open]").first();
  assert.equal(await page.locator("details.cex[open]").count(), 1);
  assert.equal(await first.locator("tr.step.sel").getAttribute("data-step"), "0");
  await page.keyboard.press("j");
  assert.equal(await first.locator("tr.step.sel").getAttribute("data-step"), "1");
  const heading = await first.locator("h3").innerText();
  await page.keyboard.press("n");
  assert.equal(await page.locator("details.cex[open]").count(), 2);
  const second = page.locator("details.cex[open]").nth(1);
  assert.notEqual(await second.locator("h3").innerText() + (await second.getAttribute("id")), heading + (await first.getAttribute("id")));
  await page.keyboard.press("j");
  assert.equal(await second.locator("tr.step.sel").getAttribute("data-step"), "1", "keys act on the counterexample moved to");
  assert.equal(await first.locator("tr.step.sel").getAttribute("data-step"), "1", "and leave the other alone");
  await page.keyboard.press("p");
  await page.keyboard.press("j");
  assert.equal(await first.locator("tr.step.sel").getAttribute("data-step"), "2");
  await page.close();
});

test("the header names the version, the command line and the date", async () => {
  const page = await open(reportPath);
  const run = await page.locator("header .run").innerText();
  assert.match(run, /^bivalent \S+ · bivalent check specs\/ .* · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await page.close();
});

test("dark mode follows prefers-color-scheme", async () => {
  const page = await open(reportPath);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  assert.equal(await background(), "rgb(255, 255, 255)");
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await background();
  const [r, g, b] = dark.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 150, `a dark background, not ${dark}`);
  const text = await page.evaluate(() => getComputedStyle(document.body).color);
  assert.ok(text.match(/\d+/g).map(Number).reduce((x, y) => x + y) > 500, `light text, not ${text}`);
  const source = await page.locator("pre.src").first().evaluate((pre) => getComputedStyle(pre).backgroundColor);
  assert.ok(source.match(/\d+/g).map(Number).reduce((x, y) => x + y) < 150, `the spec's text on a dark background, not ${source}`);
  await page.screenshot({ path: path.join(artifacts, "dark.png") });
  await page.close();
});

test("at phone width the page does not scroll sideways; charts scroll in their pane", async () => {
  const page = await open(reportPath);
  await page.setViewportSize({ width: 390, height: 844 });
  const cex = counterexample(page, "abd-bug-skip-write-back-3x2x2.cfg");
  await cex.locator(":scope > summary").click();
  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert.ok(width.page <= width.view, `the page is ${width.page} px wide in a ${width.view} px view`);
  const figure = cex.locator(".charts figure").first();
  const box = await figure.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `the chart pane fits: ${JSON.stringify(box)}`);
  // The spec's text stacks below the verdicts and fits too.
  const section = page.locator("section.spec", { has: page.locator('h2 code:text-is("specs/abd-bug-skip-write-back-3x2x2.cfg")') });
  const [checks, source] = [await section.locator("table.checks").boundingBox(), await section.locator("figure.source").boundingBox()];
  assert.ok(source.y >= checks.y + checks.height, "the spec's text is below the verdicts");
  assert.ok(source.x >= 0 && source.x + source.width <= 390, `the spec's text fits: ${JSON.stringify(source)}`);
  await shot(page, cex, "phone");
  await page.close();
});

test("nothing was loaded from the network, and no page reported an error", () => {
  assert.deepEqual(blocked, [], "requests that would have left the machine");
  const foreign = requests.filter((url) => !url.startsWith("file:"));
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
