//! The HTML report: one self-contained page for a whole `bivalent check`,
//! and the trace files it links to.
//!
//! The page needs nothing but itself: the stylesheet and a few KB of plain
//! JavaScript are inline, the charts are inline SVG drawn by [`crate::svg`], and
//! a Content-Security-Policy allows exactly that script and stylesheet (by
//! their SHA-256) and no loads at all, so it works from `file://` and never
//! touches the network. Every string from a model or a spec is escaped; none
//! reaches the script, which reads only the page's structure.
//!
//! What it shows: the totals and a table of every spec; then per spec its
//! model, constants, expectation, counts, depth, time, threads and collision
//! probability, a verdict per checked item, and per-action coverage with the
//! actions that never fired highlighted. Each counterexample (and witness) is
//! a section, open when it is an unexpected failure, holding the message
//! sequence chart and the state graph side by side above a table of steps:
//! the action with its parameters and messages, the variables that changed
//! with the changed parts marked, and the unchanged ones folded away (a
//! "Show full state" toggle unfolds them all). Clicking a step anywhere, or
//! stepping with the arrow keys or `j`/`k`, highlights it in all three.
//!
//! Beside a spec's verdicts is the spec's text as read, with line numbers.
//! The lines naming the selected check (its `INVARIANT` or `PROPERTY` line,
//! and its `EXPECT VIOLATION` line) are highlighted: at first those of the
//! first unexpected failure, then those of the verdict clicked or the
//! counterexample clicked or moved to. Which lines name which check is
//! written into the page (`data-checks` holds indices into the spec's
//! checks), so the script still reads only the page's structure.

#[cfg(test)]
mod tests;

use std::fmt::Write;

use checker::{Check, CheckKind, Expect, StopReason, Verdict};

use crate::diff::{before, changed, lookup, value_html};
use crate::markup::escape;
use crate::svg::{graph::graph, msc::msc, Ending};
use crate::text::{plural, scientific, thousands};
use crate::{check_traces, dot, expect_text, is_expected, itf, status, CheckTrace, SpecError, SpecRun, Status};

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// The report: the page, and the trace files it links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// `index.html`.
    pub index: String,
    /// Trace files, with paths relative to the page's folder
    /// (`traces/twophase-bug-3.TCConsistent.itf.json`).
    pub files: Vec<ReportFile>,
}

/// A file beside the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    /// Path relative to the page's folder, with `/` separators.
    pub path: String,
    /// The file's text.
    pub contents: String,
}

/// What made the report, for its header.
#[derive(Clone, Copy, Debug)]
pub struct Invocation<'a> {
    /// bivalent's version.
    pub version: &'a str,
    /// The command line, as a shell would take it.
    pub command_line: &'a str,
    /// When the run ended: `2026-12-03 13:47 UTC`.
    pub date: &'a str,
}

/// The report for `runs`, listing the specs in `errors` that could not be
/// checked, and apart from them those that were not run.
pub fn report(runs: &[SpecRun], errors: &[SpecError]) -> Report {
    report_for(runs, errors, None)
}

/// [`report`], with a header saying which bivalent ran which command when.
pub fn report_for(runs: &[SpecRun], errors: &[SpecError], invocation: Option<&Invocation>) -> Report {
    let mut files = Vec::new();
    let mut stems: Vec<String> = Vec::new();
    let mut body = String::new();
    summary(&mut body, runs, errors, invocation);
    for (r, run) in runs.iter().enumerate() {
        let mut traces = Vec::new();
        for shown in check_traces(run) {
            let stem = unique(&mut stems, &format!("{}.{}", file_stem(run.spec), sanitize(&shown.check.name)));
            let itf_path = format!("traces/{stem}.itf.json");
            let dot_path = format!("traces/{stem}.dot");
            files.push(ReportFile { path: itf_path.clone(), contents: itf::itf(run, &shown) });
            files.push(ReportFile { path: dot_path.clone(), contents: dot::dot(run, &shown) });
            traces.push((shown, itf_path, dot_path));
        }
        spec_section(&mut body, r, run, &traces);
    }
    let page = page(runs, &body);
    Report { index: page, files }
}

/// The most bytes of a check spec's text the page shows. A longer spec (one
/// a program wrote, say) is not shown, so that the page stays small.
const SOURCE_BYTES_MAX: usize = 64 << 10;

fn page(runs: &[SpecRun], body: &str) -> String {
    let policy = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; connect-src 'none'; \
         base-uri 'none'; form-action 'none'",
        csp_source(CSS),
        csp_source(JS)
    );
    let failed = runs.iter().filter(|r| matches!(status(r), Status::Fail(_))).count();
    let title = match failed {
        0 => format!("bivalent: {}", plural(runs.len() as u64, "spec")),
        n => format!("bivalent: {n} of {} failed", plural(runs.len() as u64, "spec")),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\
         <footer>Generated by bivalent. Keys work without a click: ↑/↓ (or j/k), Home and End step through the \
         current trace, n and p move to the next or previous counterexample, f shows the full state; a, x, e, s \
         and i show all specs, failures, expected violations, passes or incomplete runs. Click a verdict to \
         find the line of the spec that names it.</footer>\n<script>{JS}</script>\n</body>\n</html>\n",
        escape(&title)
    )
}

/// The heading, the totals and one row per spec.
fn summary(out: &mut String, runs: &[SpecRun], errors: &[SpecError], invocation: Option<&Invocation>) {
    let statuses: Vec<Status> = runs.iter().map(status).collect();
    let passed = statuses.iter().filter(|s| s.passed()).count();
    let failed = statuses.iter().filter(|s| matches!(s, Status::Fail(_))).count();
    let incomplete = runs.len() - passed - failed;
    out.push_str("<header>\n<h1>bivalent report</h1>\n");
    if let Some(invocation) = invocation {
        let _ = writeln!(
            out,
            "<p class=\"run muted\">bivalent {} · <code class=\"cmd\">{}</code> · {}</p>",
            escape(invocation.version),
            escape(invocation.command_line),
            escape(invocation.date)
        );
    }
    let _ = write!(
        out,
        "<p class=\"totals\">{}: <span class=\"badge {}\">{passed} passed</span> \
         <span class=\"badge {}\">{failed} failed</span> <span class=\"badge {}\">{incomplete} incomplete</span>",
        plural(runs.len() as u64, "spec"),
        if passed > 0 { "pass" } else { "muted" },
        if failed > 0 { "fail" } else { "muted" },
        if incomplete > 0 { "incomplete" } else { "muted" },
    );
    let (not_run, errors): (Vec<&SpecError>, Vec<&SpecError>) = errors.iter().partition(|e| e.not_run);
    if !errors.is_empty() {
        let _ = write!(out, " <span class=\"badge fail\">{} could not be checked</span>", errors.len());
    }
    if !not_run.is_empty() {
        let _ = write!(out, " <span class=\"badge incomplete\">{} not checked</span>", not_run.len());
    }
    out.push_str("</p>\n");
    let count = |kind: &str| statuses.iter().filter(|s| verdict_kind(s) == kind).count();
    out.push_str("<div class=\"filters\" role=\"group\" aria-label=\"Show\">");
    let filters = [
        ("all", "All", "a", runs.len()),
        ("fail", "Failures", "x", count("fail")),
        ("expected", "Expected violations", "e", count("expected")),
        ("pass", "Passes", "s", count("pass")),
        ("incomplete", "Incomplete", "i", count("incomplete")),
    ];
    for (kind, label, key, n) in filters {
        let pressed = if kind == "all" { "true" } else { "false" };
        let _ = write!(
            out,
            "<button type=\"button\" data-filter=\"{kind}\" aria-pressed=\"{pressed}\" aria-keyshortcuts=\"{key}\" \
             title=\"key {key}\">{label} ({n})</button>"
        );
    }
    out.push_str("</div>\n</header>\n<main>\n");
    out.push_str(
        "<div class=\"wide\"><table class=\"specs\">\n<thead><tr><th>Spec</th><th>Model</th><th>Verdict</th><th class=\"num\">Distinct \
         states</th><th class=\"num\">Generated</th><th class=\"num\">Depth</th><th class=\"num\">Seconds</th>\
         <th class=\"num\">Threads</th></tr></thead>\n<tbody>\n",
    );
    for (r, (run, status)) in runs.iter().zip(&statuses).enumerate() {
        let stats = &run.outcome.stats;
        let _ = writeln!(
            out,
            "<tr data-verdict=\"{}\"><td><a href=\"#spec-{r}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{}</td></tr>",
            verdict_kind(status),
            escape(run.spec),
            escape(run.model),
            badge(status),
            thousands(stats.distinct_states),
            thousands(stats.generated_states),
            stats.depth,
            run.seconds,
            run.threads,
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    for (heading, list) in [("Specs that could not be checked", &errors), ("Specs not checked", &not_run)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{heading}</h2>\n<ul class=\"errors\">");
        for error in list {
            let _ = writeln!(out, "<li><code>{}</code>: {}</li>", escape(&error.spec), escape(&error.message));
        }
        out.push_str("</ul>\n");
    }
}

/// Which summary filter shows a spec: `pass`, `expected`, `fail` or `incomplete`.
fn verdict_kind(status: &Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::ExpectedViolationFound(_) => "expected",
        Status::Fail(_) => "fail",
        Status::Incomplete(_) => "incomplete",
    }
}

fn badge(status: &Status) -> String {
    let (class, word) = match status {
        Status::Pass => ("pass", "PASS"),
        Status::ExpectedViolationFound(_) => ("pass", "PASS"),
        Status::Fail(_) => ("fail", "FAIL"),
        Status::Incomplete(_) => ("incomplete", "INCOMPLETE"),
    };
    match status.detail() {
        Some(detail) => format!("<span class=\"badge {class}\">{word}</span> {}", escape(&detail)),
        None => format!("<span class=\"badge {class}\">{word}</span>"),
    }
}

/// One spec: facts, checks, coverage, traces.
fn spec_section(out: &mut String, r: usize, run: &SpecRun, traces: &[(CheckTrace, String, String)]) {
    let status = status(run);
    let failed = if matches!(status, Status::Fail(_)) { " failed" } else { "" };
    let _ =
        writeln!(out, "<section class=\"spec{failed}\" id=\"spec-{r}\" data-verdict=\"{}\">", verdict_kind(&status));
    let _ = writeln!(out, "<h2><code>{}</code> {}</h2>", escape(run.spec), badge(&status));
    if let Some(title) = run.title {
        let _ = writeln!(out, "<p class=\"muted\">{}</p>", escape(title));
    }
    let stats = &run.outcome.stats;
    out.push_str("<dl class=\"facts\">");
    let mut fact = |name: &str, html: String| {
        let _ = write!(out, "<dt>{name}</dt><dd>{html}</dd>");
    };
    fact("Model", escape(run.model).into_owned());
    let constants: Vec<String> = run
        .constants
        .iter()
        .map(|(name, value)| format!("<code>{} = {}</code>", escape(name), escape(value)))
        .collect();
    fact("Constants", if constants.is_empty() { "(none)".to_string() } else { constants.join("<br>") });
    fact("Expect", format!("<code>{}</code>", escape(&expect_text(run.expect))));
    fact("Run", format!("{}, {}, {:.2} s", escape(run.strategy), run.workers(), run.seconds));
    if run.strategy == "simulate" {
        let steps: u64 = run.outcome.coverage.iter().map(|action| action.steps).sum();
        fact(
            "Walks",
            format!(
                "{}, {}; {} distinct states visited, {} generated; the longest walk {}",
                plural(stats.walks, "random walk"),
                plural(steps, "step"),
                thousands(stats.distinct_states),
                thousands(stats.generated_states),
                plural(u64::from(stats.depth), "state")
            ),
        );
    } else {
        fact(
            "States",
            format!(
                "{} distinct, {} generated, {} initial, {} left on queue; depth {}",
                thousands(stats.distinct_states),
                thousands(stats.generated_states),
                thousands(stats.initial_states),
                thousands(stats.queue_states),
                stats.depth
            ),
        );
    }
    fact(
        "Fingerprints",
        format!(
            "{}-bit; collision probability {} (optimistic estimate)",
            stats.fingerprint_bits,
            scientific(stats.collision_probability)
        ),
    );
    match run.outcome.stopped {
        None => {}
        Some(StopReason::StoppedAtViolation) => fact("Stopped", "at the first violation".to_string()),
        Some(reason) => fact("Stopped", escape(reason.describe()).into_owned()),
    }
    out.push_str("</dl>\n");

    let lines = source_lines(run);
    let mentions = mentions(run, lines.as_ref().map_or(0, Vec::len));
    // At first, the lines of the first unexpected failure are highlighted.
    let selected = run.outcome.checks.iter().position(|check| verdict(run, check).0 == "fail");
    out.push_str("<div class=\"verdicts\">\n");
    checks(out, r, run, traces, &mentions, selected);
    source(out, r, run, lines.as_deref(), &mentions, selected);
    out.push_str("</div>\n");
    coverage(out, run);
    for (t, (shown, itf_path, dot_path)) in traces.iter().enumerate() {
        let c = check_index(run, shown.check);
        let line = mentions.iter().find(|m| m.check == c).map(|m| (format!("spec-{r}-line-{}", m.line), m.line));
        trace_section(out, &format!("spec-{r}-trace-{t}"), run, (c, shown), line, itf_path, dot_path);
    }
    out.push_str("</section>\n");
}

/// A check's verdict as the table shows it: the badge's class and its words.
fn verdict(run: &SpecRun, check: &Check) -> (&'static str, String) {
    let expected = is_expected(run.expect, &check.name);
    match &check.verdict {
        Verdict::Holds if expected => ("fail", "holds, but a violation was expected".to_string()),
        Verdict::Holds => ("pass", "holds".to_string()),
        Verdict::Witnessed(_) => ("pass", "witnessed".to_string()),
        Verdict::Violated(cex) if cex.is_empty() => ("fail", "never witnessed".to_string()),
        Verdict::Violated(_) if expected => ("exp", "violated, as expected".to_string()),
        Verdict::Violated(_) => ("fail", "VIOLATED".to_string()),
        Verdict::Unknown(reason) => ("incomplete", format!("unknown: {}", reason.describe())),
    }
}

/// The index of `check` among the run's checks.
fn check_index(run: &SpecRun, check: &Check) -> usize {
    let found = run.outcome.checks.iter().position(|c| std::ptr::eq(c, check));
    found.expect("reports bug: a trace of a check the outcome does not hold")
}

fn checks(
    out: &mut String,
    r: usize,
    run: &SpecRun,
    traces: &[(CheckTrace, String, String)],
    mentions: &[Mention],
    selected: Option<usize>,
) {
    if run.outcome.checks.is_empty() {
        return;
    }
    out.push_str(
        "<div class=\"wide\"><table class=\"checks\">\n<thead><tr><th>Check</th><th>Kind</th><th>Verdict</th></tr></thead>\n<tbody>\n",
    );
    for (c, check) in run.outcome.checks.iter().enumerate() {
        let (class, verdict) = verdict(run, check);
        let link = traces
            .iter()
            .position(|(shown, _, _)| std::ptr::eq(shown.check, check))
            .map(|t| {
                let length = plural(traces[t].0.trace.steps.len() as u64, "state");
                let what = if matches!(check.verdict, Verdict::Witnessed(_)) { "witness" } else { "trace" };
                format!(" <a href=\"#spec-{r}-trace-{t}\">{what}, {length}</a>")
            })
            .unwrap_or_default();
        // A check the spec's text names is a button that finds its lines.
        let name = if mentions.iter().any(|m| m.check == c) {
            format!("<button type=\"button\" class=\"item\">{}</button>", escape(&check.name))
        } else {
            escape(&check.name).into_owned()
        };
        let on = if selected == Some(c) { " class=\"hl\"" } else { "" };
        let _ = writeln!(
            out,
            "<tr data-check=\"{c}\"{on}><td>{name}</td><td>{}</td><td><span class=\"badge {class}\">{}</span>{link}</td></tr>",
            check.kind.name(),
            escape(&verdict)
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// Where the spec's text names a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Mention {
    /// Line, from 1.
    line: u32,
    /// Column in characters, from 1.
    column: u32,
    /// The check, as an index into the outcome's checks.
    check: usize,
}

/// The lines of the spec's text the page shows, or `None` when it shows
/// none: the text is not at hand, or too long.
fn source_lines<'a>(run: &SpecRun<'a>) -> Option<Vec<&'a str>> {
    if run.source.is_empty() || run.source.len() > SOURCE_BYTES_MAX {
        return None;
    }
    // As the spec's parser reads it: without a byte-order mark, lines ended by `\n`.
    let text = run.source.strip_prefix('\u{feff}').unwrap_or(run.source);
    let text = text.strip_suffix('\n').unwrap_or(text);
    Some(text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect())
}

/// Where the spec names each check (its locations, and the `EXPECT
/// VIOLATION` line for the check it expects to fail), within the first
/// `lines` lines, in order.
fn mentions(run: &SpecRun, lines: usize) -> Vec<Mention> {
    let mut found = Vec::new();
    for (check, c) in run.outcome.checks.iter().zip(0..) {
        let expected = match run.expect {
            Expect::Violation(named) if named.name == check.name => Some(named.span),
            _ => None,
        };
        let spans = run.locations.iter().filter(|(name, _)| *name == check.name).map(|(_, span)| *span);
        for span in spans.chain(expected) {
            if span.line >= 1 && span.line as usize <= lines {
                found.push(Mention { line: span.line, column: span.column, check: c });
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The spec's text with line numbers. A line naming checks lists them in
/// `data-checks` and has an id the traces link to; the name itself, where
/// the text has it at the mention's column, is marked with its check.
fn source(
    out: &mut String,
    r: usize,
    run: &SpecRun,
    lines: Option<&[&str]>,
    mentions: &[Mention],
    selected: Option<usize>,
) {
    if run.source.is_empty() {
        return;
    }
    let _ =
        write!(out, "<figure class=\"source\"><figcaption>Check spec <code>{}</code></figcaption>", escape(run.spec));
    let Some(lines) = lines else {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Its text, {} bytes, is too long to show here.</p></figure>",
            thousands(run.source.len() as u64)
        );
        return;
    };
    out.push_str("<pre class=\"src\">");
    for (text, n) in lines.iter().zip(1u32..) {
        let here: Vec<&Mention> = mentions.iter().filter(|m| m.line == n).collect();
        let on = if here.iter().any(|m| Some(m.check) == selected) { " hl" } else { "" };
        let _ = write!(out, "<span class=\"l{on}\"");
        if !here.is_empty() {
            let mut checks: Vec<usize> = here.iter().map(|m| m.check).collect();
            checks.sort_unstable();
            checks.dedup();
            let checks: Vec<String> = checks.iter().map(usize::to_string).collect();
            let _ = write!(out, " id=\"spec-{r}-line-{n}\" data-checks=\"{}\"", checks.join(" "));
        }
        let _ = write!(out, "><span class=\"n\">{n}</span>");
        // The names, left to right; the text between them as it is.
        let mut done = 0;
        for mention in here {
            let name = run.outcome.checks[mention.check].name.as_str();
            let column = (mention.column as usize).checked_sub(1);
            let at = column.and_then(|column| text.char_indices().nth(column)).map(|(at, _)| at);
            let Some(at) = at.filter(|&at| at >= done && text[at..].starts_with(name) && !name.is_empty()) else {
                continue;
            };
            let on = if Some(mention.check) == selected { " hl" } else { "" };
            let _ = write!(
                out,
                "{}<span class=\"item{on}\" data-check=\"{}\">{}</span>",
                source_html(&text[done..at]),
                mention.check,
                source_html(name)
            );
            done = at + name.len();
        }
        // The newline inside the line's box, so that copied text keeps it and
        // no empty line shows between the boxes.
        let _ = write!(out, "{}\n</span>", source_html(&text[done..]));
    }
    out.push_str("</pre></figure>\n");
}

/// A piece of a spec's line, escaped. A carriage return inside a line would
/// break it in two on the page, shifting the line numbers, so it shows as
/// U+FFFD.
fn source_html(text: &str) -> String {
    escape(&text.replace('\r', "\u{FFFD}")).into_owned()
}

fn coverage(out: &mut String, run: &SpecRun) {
    let actions = &run.outcome.coverage;
    if actions.is_empty() {
        return;
    }
    let never = actions.iter().filter(|a| a.steps == 0 && !a.disabled).count();
    let disabled = actions.iter().filter(|a| a.disabled).count();
    let open = if never > 0 { " open" } else { "" };
    let mut note = match never {
        0 => "every action fired".to_string(),
        n => format!("<span class=\"badge fail\">{n} never fired</span>"),
    };
    if disabled > 0 {
        let _ = write!(note, ", <span class=\"badge muted\">{disabled} disabled by configuration</span>");
    }
    if never == 0 && disabled > 0 {
        note = format!(
            "every enabled action fired, <span class=\"badge muted\">{disabled} disabled by configuration</span>"
        );
    }
    let _ = writeln!(
        out,
        "<details class=\"coverage\"{open}><summary>Coverage: {}, {note}</summary>",
        plural(actions.len() as u64, "action")
    );
    out.push_str(
        "<div class=\"wide\"><table>\n<thead><tr><th>Action</th><th class=\"num\">Steps</th><th class=\"num\">Distinct states \
         first reached</th><th></th></tr></thead>\n<tbody>\n",
    );
    for action in actions {
        let (class, note) = match (action.steps, action.disabled) {
            (0, true) => (" class=\"disabled\"", "disabled by configuration"),
            (0, false) => (" class=\"never\"", "never fired"),
            _ => ("", ""),
        };
        let _ = writeln!(
            out,
            "<tr{class}><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{note}</td></tr>",
            escape(action.name),
            thousands(action.steps),
            thousands(action.distinct_states)
        );
    }
    out.push_str("</tbody>\n</table></div>\n</details>\n");
}

/// One counterexample or witness (of the `c`th check, named on `line` of
/// the spec's text, which has the id given): heading, tools, charts, steps.
fn trace_section(
    out: &mut String,
    id: &str,
    run: &SpecRun,
    (c, shown): (usize, &CheckTrace),
    line: Option<(String, u32)>,
    itf_path: &str,
    dot_path: &str,
) {
    let expected = is_expected(run.expect, &shown.check.name);
    let (class, word, open) = match shown.ending {
        Ending::Witness => ("pass", "witness", ""),
        _ if expected => ("exp", "expected", ""),
        _ => ("fail", "violation", " open"),
    };
    let steps = &shown.trace.steps;
    let length = match shown.ending {
        Ending::Loop(start) => {
            format!("{}, then back to state {} forever", plural(steps.len() as u64, "state"), start + 1)
        }
        _ => plural(steps.len() as u64, "state"),
    };
    let _ = writeln!(
        out,
        "<details class=\"cex\" id=\"{id}\" data-check=\"{c}\"{open}>\n<summary><span class=\"badge {class}\">{word}</span> <h3>{}</h3> \
         <span class=\"muted\">{length}</span></summary>",
        escape(&shown.heading())
    );
    let named = match line {
        Some((target, n)) => format!("<span><a href=\"#{target}\">Spec line {n}</a></span>"),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<div class=\"tools\"><label><input type=\"checkbox\" class=\"full\"> Show full state</label>\
         <span class=\"pos\" aria-live=\"polite\"></span><span class=\"keys\">↑/↓ or j/k: step</span>{named}\
         <span>Trace files: <a href=\"{}\">ITF</a> · <a href=\"{}\">DOT</a></span></div>",
        escape(itf_path),
        escape(dot_path)
    );
    if let checker::Verdict::Violated(checker::Counterexample::Lasso(lasso)) = &shown.check.verdict {
        if !lasso.notes.is_empty() {
            out.push_str("<details class=\"fair\"><summary>Why the cycle is fair</summary><ul>");
            for note in &lasso.notes {
                let _ = write!(out, "<li>{}</li>", escape(note));
            }
            out.push_str("</ul></details>\n");
        }
    }
    // The history first: for a consistency violation it is the explanation.
    if let Some((lane, why)) = crate::svg::history::history(shown.trace) {
        out.push_str("<figure class=\"lane\"><figcaption>History: each client's operations, from invocation to response</figcaption>");
        if let Some(why) = why {
            let _ = write!(out, "<p class=\"why\">{}</p>", escape(&why));
        }
        let _ = writeln!(out, "{lane}</figure>");
    }
    out.push_str("<div class=\"charts\">");
    if let Some(chart) = msc(shown.trace, shown.ending) {
        let _ = write!(out, "<figure><figcaption>Message sequence chart</figcaption>{chart}</figure>");
    }
    let _ = write!(out, "<figure><figcaption>State graph</figcaption>{}</figure>", graph(shown.trace, shown.ending));
    out.push_str("</div>\n");

    out.push_str(
        "<table class=\"steps\" tabindex=\"0\">\n<thead><tr><th>#</th><th>Action</th><th>Variables</th></tr></thead>\n<tbody>\n",
    );
    for (i, step) in steps.iter().enumerate() {
        let mut classes = vec!["step"];
        if shown.ending == Ending::Loop(i) {
            classes.push("loopstart");
        }
        let _ = write!(
            out,
            "<tr class=\"{}\" data-step=\"{i}\"><th scope=\"row\">{}</th><td class=\"act\">",
            classes.join(" "),
            i + 1
        );
        match &step.action {
            Some(action) => {
                let _ = write!(out, "<code>{}</code>", escape(&action.label));
            }
            None => out.push_str("<i>Initial state</i>"),
        }
        if shown.ending == Ending::Loop(i) {
            out.push_str("<span class=\"tag incomplete\">loop starts here</span>");
        }
        if i + 1 == steps.len() {
            let tag = match (shown.ending, shown.check.kind) {
                (Ending::Witness, _) => Some(("pass", format!("witnesses {}", shown.check.name))),
                (Ending::Violation, CheckKind::Deadlock) => Some(("fail", "deadlock: no step is enabled".to_string())),
                (Ending::Violation, CheckKind::StepInvariant) => {
                    Some(("fail", format!("this step violates {}", shown.check.name)))
                }
                (Ending::Violation, _) => Some(("fail", format!("violates {}", shown.check.name))),
                (Ending::Loop(_), _) => None,
            };
            if let Some((class, text)) = tag {
                let _ = write!(out, "<span class=\"tag {class}\">{}</span>", escape(&text));
            }
        }
        messages(out, step);
        out.push_str("</td><td class=\"vars\">");
        variables(out, steps, i);
        out.push_str("</td></tr>\n");
    }
    if let Ending::Loop(start) = shown.ending {
        let _ = writeln!(
            out,
            "<tr class=\"back\"><td></td><td colspan=\"2\">↩ back to state {}: the states from there on repeat forever</td></tr>",
            start + 1
        );
    }
    out.push_str("</tbody>\n</table>\n</details>\n");
}

/// What the step's node did, under its action: `r1 sends Prepared to TM`.
fn messages(out: &mut String, step: &checker::TraceStep) {
    let m = &step.messages;
    if m.is_empty() {
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut grouped = |verb: &str,
                       preposition: &str,
                       envelopes: &[checker::spec::Envelope],
                       far: fn(&checker::spec::Envelope) -> &str| {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for e in envelopes {
            match groups.iter_mut().find(|(label, _)| *label == e.label) {
                Some((_, nodes)) => nodes.push(far(e)),
                None => groups.push((&e.label, vec![far(e)])),
            }
        }
        for (label, nodes) in groups {
            parts.push(format!("{verb} <code>{}</code> {preposition} {}", escape(label), escape(&nodes.join(", "))));
        }
    };
    grouped("receives", "from", &m.delivered, |e| &e.from);
    grouped("sends", "to", &m.sent, |e| &e.to);
    grouped("loses", "to", &m.dropped, |e| &e.to);
    grouped("duplicates", "to", &m.duplicated, |e| &e.to);
    // The messages in full, since the labels above (and on the chart's
    // arrows) are short names.
    let mut payloads = String::new();
    for (verb, envelopes) in
        [("received", &m.delivered), ("sent", &m.sent), ("lost", &m.dropped), ("duplicated", &m.duplicated)]
    {
        // A message whose label is the message says nothing more in full.
        for e in envelopes.iter().filter(|e| e.label != e.message.to_string()) {
            let _ = write!(
                payloads,
                "<div>{verb}: {} → {}: <code>{}</code></div>",
                escape(&e.from),
                escape(&e.to),
                escape(&e.message.to_string())
            );
        }
    }
    for (verb, nodes) in [("crashes", &m.crashed), ("restarts", &m.restarted)] {
        for node in nodes {
            if m.actor.as_ref() == Some(node) {
                parts.push(format!("<b>{verb}</b>"));
            } else {
                parts.push(format!("<b>{} {verb}</b>", escape(node)));
            }
        }
    }
    match &m.partition {
        Some(checker::spec::Partition::Split(sides)) => {
            let sides: Vec<String> = sides.iter().map(|side| format!("{{{}}}", side.join(", "))).collect();
            parts.push(format!("<b>the network splits into {}</b>", escape(&sides.join(" | "))));
        }
        Some(checker::spec::Partition::Heal) => parts.push("<b>the network heals</b>".to_string()),
        None => {}
    }
    let line = match (&m.actor, parts.is_empty()) {
        (Some(actor), true) => format!("by {}", escape(actor)),
        (Some(actor), false) => format!("{} {}", escape(actor), parts.join(" · ")),
        (None, _) => parts.join(" · "),
    };
    let _ = write!(out, "<div class=\"msgs\">{line}</div>");
    if !payloads.is_empty() {
        let _ = write!(out, "<details class=\"payloads\"><summary>messages in full</summary>{payloads}</details>");
    }
}

/// The variables of state `i`: the changed ones, then the rest folded.
fn variables(out: &mut String, steps: &[checker::TraceStep], i: usize) {
    let previous = before(steps, i);
    let state = &steps[i].state;
    let mut unchanged = Vec::new();
    for (name, value) in state {
        if previous.is_none() || changed(previous, name, value) {
            let class = if previous.is_some() { "var ch" } else { "var" };
            let old = previous.and_then(|vars| lookup(vars, name));
            let delta = old
                .filter(|_| value.to_string().chars().count() > crate::diff::LONG)
                .and_then(|old| crate::diff::collection_delta(old, value));
            match delta {
                // A long collection: what it gained and lost, the whole on demand.
                Some((added, removed)) => {
                    let _ = write!(out, "<div class=\"{class} delta\"><span class=\"vn\">{}</span>", escape(name));
                    for (sign, class, items) in [("+", "added", added), ("−", "removed", removed)] {
                        if !items.is_empty() {
                            let _ = write!(
                                out,
                                " <span class=\"{class}\">{sign} <code>{}</code></span>",
                                escape(&items.join(", "))
                            );
                        }
                    }
                    let _ = write!(
                        out,
                        "<details class=\"whole\"><summary>full value</summary><code>{}</code></details></div>",
                        value_html(old, value)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<div class=\"{class}\"><span class=\"vn\">{}</span> = <code>{}</code></div>",
                        escape(name),
                        value_html(old, value)
                    );
                }
            }
        } else {
            unchanged.push((name, value));
        }
    }
    if previous.is_some() && unchanged.len() == state.len() {
        out.push_str("<div class=\"muted\">(no variable changed)</div>");
    }
    if !unchanged.is_empty() {
        let _ = write!(out, "<details class=\"rest\"><summary>{} unchanged</summary>", unchanged.len());
        for (name, value) in unchanged {
            let _ = write!(
                out,
                "<div class=\"var\"><span class=\"vn\">{}</span> = <code>{}</code></div>",
                escape(name),
                escape(&value.to_string())
            );
        }
        out.push_str("</details>");
    }
}

/// A file name part: letters, digits, `-`, `_` and `.` kept, the rest `_`.
///
/// At most [`NAME_PART_MAX`] characters are kept, so that a trace file's name
/// (spec, check, a `-N` to make it unique and the extension) stays well below
/// the 255 bytes file systems allow, however long the names are.
fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .take(NAME_PART_MAX)
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "_".to_string()
    } else {
        cleaned
    }
}

/// The most characters of a spec's or a check's name kept in a file name.
const NAME_PART_MAX: usize = 100;

/// `twophase-bug-3` for `specs/twophase-bug-3.cfg`.
fn file_stem(spec: &str) -> String {
    let name = spec.rsplit(['/', '\\']).next().unwrap_or(spec);
    sanitize(name.strip_suffix(".cfg").unwrap_or(name))
}

/// `stem`, or `stem-2`, `stem-3`... if taken; records the result.
fn unique(taken: &mut Vec<String>, stem: &str) -> String {
    let mut candidate = stem.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{stem}-{n}");
    }
    taken.push(candidate.clone());
    candidate
}

/// The CSP source that allows exactly the inline element whose text is `text`:
/// `'sha256-<base64 digest>'`.
pub(crate) fn csp_source(text: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}
