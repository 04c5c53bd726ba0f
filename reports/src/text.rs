//! Plain-text outputs for the terminal: a summary table over many specs, and
//! the per-spec report with counts, checks, coverage and counterexamples.
//!
//! Everything is ASCII apart from what the model puts in names and values.
//! Counts carry thousands separators (`1,745,408`); lines have no trailing spaces.
//! Control characters in names, titles, paths and values are escaped
//! ([`printable`]): a newline in a file name cannot start a line of its own,
//! and ESC cannot drive the terminal.

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt::Write;

use checker::{CheckKind, Counterexample, StopReason, Trace, Value, Verdict};

use crate::{expect_text, states_per_second, status, SpecRun, Status};

/// Whether `c` must not reach a terminal or a CI log as it is: a control
/// character (C0, DEL, C1; among them newlines and ESC, which starts
/// terminal escape sequences), a line or paragraph separator, or a
/// bidirectional override that reorders what is shown.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [unprintable](is_unprintable) character written as an
/// escape: `\n`, `\r`, `\t`, or `\u{1b}` for the others. Names, titles,
/// paths and values go through it before they are printed, so that none can
/// start a line of its own (a forged CI command) or drive the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape_unprintable(text, false)
}

/// [`printable`] for a whole block of text: its newlines stay line breaks.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape_unprintable(text, true)
}

fn escape_unprintable(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let escaped = |c: char| is_unprintable(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !escaped(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

/// A fixed-width table with one row per spec: spec, model, verdict, distinct
/// states, generated states, depth, seconds and distinct states per second,
/// then a line counting passes, failures and incomplete runs.
pub fn summary(runs: &[SpecRun]) -> String {
    let mut table = Table::new(&[
        ("SPEC", Align::Left),
        ("MODEL", Align::Left),
        ("VERDICT", Align::Left),
        ("DISTINCT", Align::Right),
        ("GENERATED", Align::Right),
        ("DEPTH", Align::Right),
        ("SECONDS", Align::Right),
        ("STATES/S", Align::Right),
    ]);
    let (mut passed, mut failed, mut incomplete) = (0, 0, 0);
    for run in runs {
        let status = status(run);
        match status {
            Status::Pass | Status::ExpectedViolationFound(_) => passed += 1,
            Status::Fail(_) => failed += 1,
            Status::Incomplete(_) => incomplete += 1,
        }
        let stats = &run.outcome.stats;
        table.row(vec![
            printable(run.spec).into_owned(),
            printable(run.model).into_owned(),
            printable(&status.to_string()).into_owned(),
            thousands(stats.distinct_states),
            thousands(stats.generated_states),
            thousands(u64::from(stats.depth)),
            format!("{:.2}", run.seconds),
            rate(run),
        ]);
    }
    let mut out = table.render(true);
    let specs = if runs.len() == 1 { "spec" } else { "specs" };
    let _ = writeln!(out, "{} {specs}: {passed} passed, {failed} failed, {incomplete} incomplete", runs.len());
    // Every field is printable already; this keeps it so whatever is added later.
    printable_lines(&out).into_owned()
}

/// The block printed after one run with `--verbose`: what was checked and
/// how, the counts, one line per check, per-action coverage, then each
/// counterexample (and each `Sometimes` witness) step by step, showing only
/// the variables that changed.
pub fn report(run: &SpecRun) -> String {
    report_with(run, Detail::Full)
}

/// The block printed after one run by default. A spec that met its
/// `EXPECT` gets a few lines: its verdict, model and constants, the counts,
/// one line per check and the actions that never fired. Any other gets
/// [`report`] without the coverage table, without witnesses, and with a
/// one-line pointer in place of each counterexample the spec expects; the
/// counterexamples of unexpected failures are printed in full, since they
/// are what the user has to read.
pub fn brief(run: &SpecRun) -> String {
    let status = status(run);
    if !status.passed() {
        return report_with(run, Detail::Brief);
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", printable(run.spec), printable(&status.to_string()));
    let mut setting = run.model.to_string();
    for (name, value) in &run.constants {
        let _ = write!(setting, ", {name} = {value}");
    }
    let _ = writeln!(out, "  {}; {}, {}", printable(&setting), run.strategy, run.workers());
    let stats = &run.outcome.stats;
    let found = if run.strategy == "simulate" {
        let steps: u64 = run.outcome.coverage.iter().map(|action| action.steps).sum();
        format!(
            "{}, {}, {} visited",
            plural(stats.walks, "random walk"),
            plural(steps, "step"),
            plural(stats.distinct_states, "distinct state")
        )
    } else {
        format!(
            "{}, {} generated, depth {}",
            plural(stats.distinct_states, "distinct state"),
            thousands(stats.generated_states),
            stats.depth
        )
    };
    let _ = writeln!(out, "  {found}, {:.2} s", run.seconds);
    let mut table = Table::new(&[("", Align::Left), ("", Align::Left), ("", Align::Left)]);
    for check in &run.outcome.checks {
        let mut verdict = verdict(check);
        if matches!(check.verdict, Verdict::Violated(_)) && crate::is_expected(run.expect, &check.name) {
            verdict.push_str(", as expected");
        }
        table.row(vec![printable(&check.name).into_owned(), check.kind.name().to_string(), verdict]);
    }
    out.push_str(&indent(&table.render(false)));
    let (never, disabled) = never_fired_and_disabled(run);
    if !never.is_empty() {
        let _ = writeln!(out, "  never fired: {}", never.join(", "));
    }
    if !disabled.is_empty() {
        let _ = writeln!(out, "  disabled by configuration: {}", disabled.join(", "));
    }
    printable_lines(&out).into_owned()
}

/// How much [`report_with`] prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every trace and the coverage table ([`report`]).
    Full,
    /// Unexpected counterexamples only ([`brief`]).
    Brief,
}

/// [`report`] or [`brief`].
pub fn report_with(run: &SpecRun, detail: Detail) -> String {
    let mut out = String::new();
    header(&mut out, run);
    out.push('\n');
    counts(&mut out, run);
    checks(&mut out, run);
    match detail {
        Detail::Full => coverage(&mut out, run),
        Detail::Brief => never_fired(&mut out, run),
    }
    for check in &run.outcome.checks {
        let mut notes: &[String] = &[];
        let (heading, trace, loop_start) = match &check.verdict {
            Verdict::Violated(cex) => {
                let (trace, loop_start) = match cex {
                    Counterexample::Trace(trace) => (trace, None),
                    Counterexample::Lasso(lasso) => {
                        notes = &lasso.notes;
                        (&lasso.trace, Some(lasso.loop_start))
                    }
                };
                let heading = match (check.kind, trace.steps.is_empty()) {
                    (CheckKind::Sometimes, true) => {
                        let _ = writeln!(out, "\nNo reachable state satisfies sometimes {}.", printable(&check.name));
                        continue;
                    }
                    (CheckKind::Deadlock, _) => "Deadlock reached".to_string(),
                    (kind, _) => format!("Counterexample to {} {}", kind.name(), printable(&check.name)),
                };
                (heading, trace, loop_start)
            }
            Verdict::Witnessed(_) if detail == Detail::Brief => continue,
            Verdict::Witnessed(trace) => {
                (format!("Witness for {} {}", check.kind.name(), printable(&check.name)), trace, None)
            }
            Verdict::Holds | Verdict::Unknown(_) => continue,
        };
        let length = match loop_start {
            Some(start) => format!("{}, loop back to state {}", plural(trace.steps.len() as u64, "state"), start + 1),
            None => plural(trace.steps.len() as u64, "state"),
        };
        if detail == Detail::Brief && crate::is_expected(run.expect, &check.name) {
            let _ =
                writeln!(out, "\n{heading} ({length}), as expected: printed with --verbose and in the HTML report.");
            continue;
        }
        let _ = writeln!(out, "\n{heading} ({length}):");
        steps(&mut out, trace, loop_start);
        if !notes.is_empty() {
            out.push_str("Why the cycle is fair:\n");
            for note in notes {
                let _ = writeln!(out, "  {}", printable(note));
            }
        }
    }
    printable_lines(&out).into_owned()
}

fn header(out: &mut String, run: &SpecRun) {
    let mut fields: Vec<(&str, String)> = vec![("Spec", run.spec.to_string())];
    if let Some(title) = run.title {
        fields.push(("Title", title.to_string()));
    }
    fields.push(("Model", run.model.to_string()));
    if run.constants.is_empty() {
        fields.push(("Constants", "(none)".to_string()));
    }
    for (i, (name, value)) in run.constants.iter().enumerate() {
        fields.push((if i == 0 { "Constants" } else { "" }, format!("{name} = {value}")));
    }
    fields.push(("Strategy", format!("{}, {}", run.strategy, run.workers())));
    fields.push(("Expect", expect_text(run.expect)));
    fields.push(("Result", status(run).to_string()));
    for (label, value) in fields {
        let label = if label.is_empty() { String::new() } else { format!("{label}:") };
        let _ = writeln!(out, "{label:<11} {}", printable(&value));
    }
}

fn counts(out: &mut String, run: &SpecRun) {
    let stats = &run.outcome.stats;
    if run.strategy == "simulate" {
        simulation_counts(out, run);
        return;
    }
    let initial = plural(stats.initial_states, "distinct state");
    let _ = writeln!(out, "Finished computing initial states: {initial} generated.");
    let _ = writeln!(
        out,
        "{} generated, {} found, {} left on queue.",
        plural(stats.generated_states, "state"),
        plural(stats.distinct_states, "distinct state"),
        plural(stats.queue_states, "state"),
    );
    let _ = writeln!(out, "The depth of the complete state graph search is {}.", stats.depth);
    let _ = writeln!(
        out,
        "The probability of a fingerprint collision is {} (optimistic estimate, {}-bit fingerprints).",
        scientific(stats.collision_probability),
        stats.fingerprint_bits,
    );
    let _ = writeln!(
        out,
        "Fingerprint store: {} bytes, {:.1} bytes per distinct state.",
        thousands(stats.store_bytes),
        stats.bytes_per_state(),
    );
    match states_per_second(run) {
        Some(_) => {
            let _ = writeln!(out, "Finished in {:.2} s ({} distinct states/s).", run.seconds, rate(run));
        }
        None => {
            let _ = writeln!(out, "Finished in {:.2} s.", run.seconds);
        }
    }
    match run.outcome.stopped {
        None => {}
        Some(StopReason::StoppedAtViolation) => out.push_str("Stopped at the first violation.\n"),
        Some(reason) => {
            let _ = writeln!(out, "Stopped early: {}.", reason.describe());
        }
    }
}

/// A simulation's counts: its walks and steps, and the distinct states they
/// visited. The searches' figures (the depth of the state graph, the states
/// left on the queue, the store's bytes per state) mean nothing here.
fn simulation_counts(out: &mut String, run: &SpecRun) {
    let stats = &run.outcome.stats;
    let steps: u64 = run.outcome.coverage.iter().map(|action| action.steps).sum();
    let _ = writeln!(
        out,
        "Simulation: {}, {} in all; the longest walk was {}.",
        plural(stats.walks, "random walk"),
        plural(steps, "step"),
        plural(u64::from(stats.depth), "state"),
    );
    let _ = writeln!(
        out,
        "{} generated, {} visited (of {} initial).",
        plural(stats.generated_states, "state"),
        plural(stats.distinct_states, "distinct state"),
        thousands(stats.initial_states),
    );
    match states_per_second(run) {
        Some(_) => {
            let _ = writeln!(out, "Finished in {:.2} s ({} distinct states/s).", run.seconds, rate(run));
        }
        None => {
            let _ = writeln!(out, "Finished in {:.2} s.", run.seconds);
        }
    }
    match run.outcome.stopped {
        None => {}
        Some(StopReason::Simulation) => {
            out.push_str("Random walks prove nothing: what they did not violate is unknown.\n");
        }
        Some(StopReason::StoppedAtViolation) => out.push_str("Stopped at the first violation.\n"),
        Some(reason) => {
            let _ = writeln!(out, "Stopped early: {}.", reason.describe());
        }
    }
}

fn checks(out: &mut String, run: &SpecRun) {
    if run.outcome.checks.is_empty() {
        return;
    }
    let mut table = Table::new(&[("", Align::Left), ("", Align::Left), ("", Align::Left)]);
    for check in &run.outcome.checks {
        table.row(vec![printable(&check.name).into_owned(), check.kind.name().to_string(), verdict(check)]);
    }
    out.push_str("\nChecks:\n");
    out.push_str(&indent(&table.render(false)));
}

/// A check's verdict in a few words: `holds`, `violated (6 states)`.
fn verdict(check: &checker::Check) -> String {
    match &check.verdict {
        Verdict::Holds => "holds".to_string(),
        Verdict::Violated(cex) if cex.is_empty() && check.kind == CheckKind::Sometimes => {
            "violated: never witnessed".to_string()
        }
        Verdict::Violated(cex) => format!("violated ({})", plural(cex.len() as u64, "state")),
        Verdict::Witnessed(trace) => format!("witnessed ({})", plural(trace.steps.len() as u64, "state")),
        Verdict::Unknown(reason) => format!("unknown: {}", reason.describe()),
    }
}

fn coverage(out: &mut String, run: &SpecRun) {
    if run.outcome.coverage.is_empty() {
        return;
    }
    let mut table =
        Table::new(&[("ACTION", Align::Left), ("STEPS", Align::Right), ("DISTINCT", Align::Right), ("", Align::Left)]);
    for action in &run.outcome.coverage {
        let note = match (action.steps, action.disabled) {
            (0, true) => "disabled by configuration",
            (0, false) => "never fired",
            _ => "",
        };
        table.row(vec![
            printable(action.name).into_owned(),
            thousands(action.steps),
            thousands(action.distinct_states),
            note.to_string(),
        ]);
    }
    out.push_str("\nCoverage:\n");
    out.push_str(&indent(&table.render(true)));
}

/// The actions that never fired, on one line, in place of the coverage table.
fn never_fired(out: &mut String, run: &SpecRun) {
    let (never, disabled) = never_fired_and_disabled(run);
    if !never.is_empty() {
        let _ = writeln!(out, "\nNever fired: {} (coverage table with --verbose).", never.join(", "));
    }
    if !disabled.is_empty() {
        let _ = writeln!(out, "Disabled by configuration: {}.", disabled.join(", "));
    }
}

/// The actions that never fired though they could, and those the spec's
/// constants switch off.
fn never_fired_and_disabled(run: &SpecRun) -> (Vec<String>, Vec<String>) {
    let names = |disabled: bool| -> Vec<String> {
        let actions = run.outcome.coverage.iter().filter(|a| a.steps == 0 && a.disabled == disabled);
        actions.map(|a| printable(a.name).into_owned()).collect()
    };
    (names(false), names(true))
}

/// Writes a trace TLC-style: state 1 in full, then for each step the action
/// label and the variables whose value differs from the previous state.
pub(crate) fn steps(out: &mut String, trace: &Trace, loop_start: Option<usize>) {
    let mut previous: Option<&[(&'static str, Value)]> = None;
    for (i, step) in trace.steps.iter().enumerate() {
        let label = match &step.action {
            Some(action) => action.label.as_str(),
            None => "<Initial state>",
        };
        let mark = if loop_start == Some(i) { "   <-- loop starts here" } else { "" };
        let _ = writeln!(out, "{}: {}{mark}", i + 1, printable(label));
        let mut changed = 0;
        for (name, value) in &step.state {
            let before = previous.and_then(|vars| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v));
            if before != Some(value) {
                changed += 1;
                let _ = writeln!(out, "  {} = {}", printable(name), printable(&value.to_string()));
            }
        }
        if changed == 0 {
            out.push_str("  (no variable changed)\n");
        }
        previous = Some(&step.state);
    }
    if let Some(start) = loop_start {
        let _ = writeln!(out, "Back to state {}", start + 1);
    }
}

/// `1745408` as `1,745,408`.
pub fn thousands(n: u64) -> String {
    let mut groups = vec![n % 1000];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut out = String::new();
    for (i, group) in groups.iter().rev().enumerate() {
        if i == 0 {
            let _ = write!(out, "{group}");
        } else {
            let _ = write!(out, ",{group:03}");
        }
    }
    out
}

/// `1 state`, `2,048 states`.
pub(crate) fn plural(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", thousands(n))
}

/// TLC's notation for probabilities: `1.9E-15`, and `0` for zero.
pub(crate) fn scientific(p: f64) -> String {
    if p == 0.0 {
        "0".to_string()
    } else {
        format!("{p:.1E}")
    }
}

/// Distinct states per second, rounded, or `-` when no time was measured.
fn rate(run: &SpecRun) -> String {
    match states_per_second(run) {
        Some(rate) => thousands(rate.round() as u64),
        None => "-".to_string(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// Columns separated by two spaces, each as wide as its widest cell.
struct Table {
    headers: Vec<(&'static str, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(headers: &[(&'static str, Align)]) -> Table {
        Table { headers: headers.to_vec(), rows: Vec::new() }
    }

    fn row(&mut self, cells: Vec<String>) {
        assert_eq!(cells.len(), self.headers.len(), "reports bug: table row of the wrong width");
        self.rows.push(cells);
    }

    /// With `headings`, a heading line (and a dashed rule under it) comes first.
    fn render(&self, headings: bool) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|(h, _)| if headings { h.len() } else { 0 }).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
            let mut line = String::new();
            for (i, ((cell, width), (_, align))) in cells.zip(&widths).zip(&self.headers).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let _ = match align {
                    Align::Left => write!(line, "{cell:<width$}"),
                    Align::Right => write!(line, "{cell:>width$}"),
                };
            }
            format!("{}\n", line.trim_end())
        };
        let mut out = String::new();
        if headings {
            out.push_str(&line(&mut self.headers.iter().map(|(h, _)| *h)));
            let rule: Vec<String> = widths
                .iter()
                .zip(&self.headers)
                .map(|(w, (h, _))| if h.is_empty() { String::new() } else { "-".repeat(*w) })
                .collect();
            out.push_str(&line(&mut rule.iter().map(String::as_str)));
        }
        for row in &self.rows {
            out.push_str(&line(&mut row.iter().map(String::as_str)));
        }
        out
    }
}
