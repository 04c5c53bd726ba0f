//! GitHub Actions outputs: workflow commands that annotate the check spec
//! where a failed item is named, and a Markdown job summary.
//!
//! [`annotations`] gives one `::error` line per failure: an unexpected
//! violation points at the `INVARIANT` or `PROPERTY` line naming the item, an
//! `EXPECT`ed violation that was not found at the `EXPECT` line; an incomplete
//! run is one `::warning`. The CLI prints them when `GITHUB_ACTIONS=true`, and
//! appends [`step_summary`] to the file `GITHUB_STEP_SUMMARY` names.

#[cfg(test)]
mod tests;

use std::fmt::Write;

use checker::{judge, CheckKind, Counterexample, Expect, Failure, Judgement, Span, StopReason, Verdict};

use crate::markup::escape;
use crate::text::{printable, printable_lines, steps, thousands};
use crate::{is_expected, status, SpecRun, Status};

/// The workflow commands for `runs`, one a line.
pub fn annotations(runs: &[SpecRun]) -> String {
    let mut out = String::new();
    for run in runs {
        for check in &run.outcome.checks {
            let Verdict::Violated(cex) = &check.verdict else { continue };
            if is_expected(run.expect, &check.name) {
                continue;
            }
            let what = match (check.kind, cex.is_empty()) {
                (CheckKind::Deadlock, _) => "deadlock reached".to_string(),
                (CheckKind::Sometimes, true) => format!("sometimes {} is never witnessed", check.name),
                (kind, _) => format!("{} {} is violated", kind.name(), check.name),
            };
            let message = if cex.is_empty() { what.clone() } else { format!("{what} after {}", short_trace(cex)) };
            command(&mut out, "error", run.spec, run.location(&check.name), &format!("bivalent: {what}"), &message);
        }
        match judge(run.outcome, run.expect, run.expect_written) {
            Judgement::Failed(Failure::ExpectedViolationNotFound(name)) => {
                let at = match run.expect {
                    Expect::Violation(named) => Some(named.span),
                    _ => run.location(&name),
                };
                let what = if name == "Deadlock" {
                    "expected deadlock not found".to_string()
                } else {
                    format!("expected violation of {name} not found")
                };
                let message = format!("{what}: the run explored every reachable state");
                command(&mut out, "error", run.spec, at, &format!("bivalent: {what}"), &message);
            }
            Judgement::Incomplete(reason) => {
                let advice = match reason {
                    StopReason::NothingChecked => "",
                    _ => "; raise the limit or check a smaller instance",
                };
                let message = format!("no verdict: {}{advice}", reason.describe());
                command(&mut out, "warning", run.spec, None, "bivalent: incomplete", &message);
            }
            Judgement::Met | Judgement::Failed(_) => {}
        }
    }
    out
}

/// `6 states: Init -> RMPrepare(r1) -> ...`, with the loop of a lasso.
fn short_trace(cex: &Counterexample) -> String {
    let trace = cex.trace();
    let actions: Vec<&str> =
        trace.steps.iter().map(|s| s.action.as_ref().map_or("Init", |a| a.label.as_str())).collect();
    let shape = match cex {
        Counterexample::Trace(_) => String::new(),
        Counterexample::Lasso(lasso) => format!(", then back to state {} forever", lasso.loop_start + 1),
    };
    format!("{} states: {}{shape}", trace.steps.len(), actions.join(" -> "))
}

/// One workflow command. Properties escape `%`, newlines, `:` and `,`; the
/// message escapes `%` and newlines (GitHub's encoding, which GitHub decodes).
/// Other control characters, which that encoding leaves raw in the log, are
/// written as escapes (`\u{1b}`), as in the text output.
fn command(out: &mut String, level: &str, file: &str, at: Option<Span>, title: &str, message: &str) {
    let mut properties = vec![format!("file={}", property(file))];
    if let Some(span) = at.filter(|s| s.line > 0) {
        properties.push(format!("line={}", span.line));
        properties.push(format!("col={}", span.column));
    }
    properties.push(format!("title={}", property(title)));
    let _ = writeln!(out, "::{level} {}::{}", properties.join(","), data(message));
}

fn data(text: &str) -> String {
    let encoded = text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    printable(&encoded).into_owned()
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The Markdown job summary: a table of the specs, then each unexpected
/// counterexample step by step. `report` is where the HTML report was written.
pub fn step_summary(runs: &[SpecRun], report: Option<&str>) -> String {
    let mut out = String::new();
    let statuses: Vec<Status> = runs.iter().map(status).collect();
    let passed = statuses.iter().filter(|s| s.passed()).count();
    let failed = statuses.iter().filter(|s| matches!(s, Status::Fail(_))).count();
    let incomplete = runs.len() - passed - failed;
    let specs = if runs.len() == 1 { "spec" } else { "specs" };
    let _ = writeln!(
        out,
        "## bivalent: {} {specs}, {passed} passed, {failed} failed, {incomplete} incomplete\n",
        runs.len()
    );
    out.push_str("| spec | model | verdict | distinct states | generated | depth | seconds |\n");
    out.push_str("|---|---|---|--:|--:|--:|--:|\n");
    for (run, status) in runs.iter().zip(&statuses) {
        let icon = match status {
            Status::Pass | Status::ExpectedViolationFound(_) => "✅",
            Status::Fail(_) => "❌",
            Status::Incomplete(_) => "⚠️",
        };
        let stats = &run.outcome.stats;
        let _ = writeln!(
            out,
            "| {} | {} | {icon} {} | {} | {} | {} | {:.2} |",
            cell(&format!("`{}`", run.spec)),
            cell(run.model),
            cell(&status.to_string()),
            thousands(stats.distinct_states),
            thousands(stats.generated_states),
            stats.depth,
            run.seconds
        );
    }
    for run in runs {
        for check in &run.outcome.checks {
            let Verdict::Violated(cex) = &check.verdict else { continue };
            if is_expected(run.expect, &check.name) || cex.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n### ❌ {}: {} {} is violated\n",
                escape(&printable(run.spec)),
                check.kind.name(),
                escape(&printable(&check.name))
            );
            let loop_start = match cex {
                Counterexample::Trace(_) => None,
                Counterexample::Lasso(lasso) => Some(lasso.loop_start),
            };
            let mut text = String::new();
            steps(&mut text, cex.trace(), loop_start);
            let fence = "`".repeat(3.max(longest_backtick_run(&text) + 1));
            let _ = writeln!(
                out,
                "<details><summary>Counterexample ({} states)</summary>\n\n{fence}text\n{text}{fence}\n\n</details>",
                cex.len()
            );
        }
    }
    if let Some(report) = report {
        let _ =
            writeln!(out, "\nThe HTML report with every trace and chart: `{}`", printable(report).replace('`', "'"));
    }
    // Every field is printable already; this keeps it so whatever is added later.
    printable_lines(&out).into_owned()
}

/// A table cell: control characters as escapes, HTML escaped, pipes escaped.
fn cell(text: &str) -> String {
    escape(&printable(text)).replace('|', "\\|")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
