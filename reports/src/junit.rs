//! JUnit XML, the test report format CI systems display: one `<testsuite>` per
//! check spec and one `<testcase>` per checked item.
//!
//! A case passes when the item does what the spec expects: it holds, or it is
//! the `EXPECT`ed violation. An unexpected violation is a `<failure>` whose
//! message is the short trace (the actions in order) and whose text is the
//! counterexample with the variables that changed at each step. An item the
//! run could not decide is `<skipped>` with the reason; a spec that checks no
//! item is one case, `check spec`, skipped when its run proved nothing. A spec that could not
//! be checked at all (a syntax error, an unknown model) is one case with an
//! `<error>`, and one an interrupt kept from starting one `<skipped>` case. The output has no timestamps, so equal runs give equal files
//! apart from the times.

#[cfg(test)]
mod tests;

use std::fmt::Write;

use checker::{CheckKind, Counterexample, Verdict};

use crate::json::stop_reason;
use crate::markup::escape;
use crate::text::steps;
use crate::{is_expected, SpecError, SpecRun};

/// The JUnit XML document for `runs`, then the specs in `errors`.
pub fn junit(runs: &[SpecRun], errors: &[SpecError]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut skipped, mut seconds) = (0, 0, 0, 0.0);
    for run in runs {
        let mut cases = String::new();
        let (mut suite_failures, mut suite_skipped) = (0, 0);
        for check in &run.outcome.checks {
            let expected = is_expected(run.expect, &check.name);
            let name = format!("{} {}", check.kind.name(), check.name);
            let _ = write!(cases, r#"    <testcase name="{}" classname="{}""#, escape(&name), escape(run.spec));
            match (&check.verdict, expected) {
                (Verdict::Holds | Verdict::Witnessed(_), false) => cases.push_str("/>\n"),
                (Verdict::Violated(cex), true) => {
                    let _ = writeln!(
                        cases,
                        ">\n      <system-out>expected violation found ({} states)</system-out>\n    </testcase>",
                        cex.len()
                    );
                }
                (Verdict::Holds | Verdict::Witnessed(_), true) => {
                    suite_failures += 1;
                    let message = format!("expected violation of {} not found: it holds", check.name);
                    let _ = writeln!(
                        cases,
                        ">\n      <failure message=\"{}\" type=\"expected violation\"/>\n    </testcase>",
                        escape(&message)
                    );
                }
                (Verdict::Violated(cex), false) => {
                    suite_failures += 1;
                    let (message, body) = failure(check.kind, &check.name, cex);
                    let _ = writeln!(
                        cases,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        escape(&message),
                        check.kind.name(),
                        escape(&body)
                    );
                }
                (Verdict::Unknown(reason), _) => {
                    suite_skipped += 1;
                    let _ = writeln!(
                        cases,
                        ">\n      <skipped message=\"{}\" type=\"{}\"/>\n    </testcase>",
                        escape(reason.describe()),
                        stop_reason(*reason)
                    );
                }
            }
        }
        // A run with no checked item is still one case, so that the spec
        // shows: skipped when it proved nothing (see `checker::judge`).
        if run.outcome.checks.is_empty() {
            let _ = write!(cases, r#"    <testcase name="check spec" classname="{}""#, escape(run.spec));
            match crate::status(run) {
                crate::Status::Incomplete(reason) => {
                    suite_skipped += 1;
                    let _ = writeln!(
                        cases,
                        ">\n      <skipped message=\"{}\" type=\"{}\"/>\n    </testcase>",
                        escape(reason.describe()),
                        stop_reason(reason)
                    );
                }
                _ => cases.push_str("/>\n"),
            }
        }
        let count = run.outcome.checks.len().max(1);
        let _ = writeln!(
            suites,
            r#"  <testsuite name="{}" tests="{count}" failures="{suite_failures}" errors="0" skipped="{suite_skipped}" time="{:.3}">"#,
            escape(run.spec),
            run.seconds
        );
        let _ = writeln!(suites, "    <properties>");
        let mut properties = vec![("model".to_string(), run.model.to_string())];
        properties.extend(run.constants.iter().map(|(name, value)| (format!("constant {name}"), value.clone())));
        properties.push(("expect".to_string(), crate::expect_text(run.expect)));
        properties.push(("strategy".to_string(), format!("{}, {}", run.strategy, run.workers())));
        let stats = &run.outcome.stats;
        properties.push(("distinct states".to_string(), stats.distinct_states.to_string()));
        properties.push(("generated states".to_string(), stats.generated_states.to_string()));
        properties.push(("depth".to_string(), stats.depth.to_string()));
        for (name, value) in properties {
            let _ = writeln!(suites, r#"      <property name="{}" value="{}"/>"#, escape(&name), escape(&value));
        }
        let _ = writeln!(suites, "    </properties>");
        suites.push_str(&cases);
        suites.push_str("  </testsuite>\n");
        tests += count;
        failures += suite_failures;
        skipped += suite_skipped;
        seconds += run.seconds;
    }
    let mut error_count = 0;
    for error in errors {
        let (errors, skips, case) = if error.not_run {
            (0, 1, format!(r#"<skipped message="{}" type="interrupted"/>"#, escape(&error.message)))
        } else {
            (1, 0, format!(r#"<error message="{}" type="error"/>"#, escape(&error.message)))
        };
        let _ = writeln!(
            suites,
            r#"  <testsuite name="{spec}" tests="1" failures="0" errors="{errors}" skipped="{skips}" time="0.000">
    <testcase name="check spec" classname="{spec}">
      {case}
    </testcase>
  </testsuite>"#,
            spec = escape(&error.spec),
        );
        tests += 1;
        error_count += errors;
        skipped += skips;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bivalent\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{error_count}\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n{suites}</testsuites>\n"
    )
}

/// A failure's message (what failed, and the actions of the trace) and text
/// (the trace step by step).
fn failure(kind: CheckKind, name: &str, cex: &Counterexample) -> (String, String) {
    let trace = cex.trace();
    if trace.steps.is_empty() {
        return (format!("{} {name} is never witnessed", kind.name()), String::new());
    }
    let what = match kind {
        CheckKind::Deadlock => "deadlock reached".to_string(),
        kind => format!("{} {name} is violated", kind.name()),
    };
    let actions: Vec<&str> =
        trace.steps.iter().map(|step| step.action.as_ref().map_or("Init", |a| a.label.as_str())).collect();
    let (shape, loop_start) = match cex {
        Counterexample::Trace(_) => (String::new(), None),
        Counterexample::Lasso(lasso) => {
            (format!(", then back to state {} forever", lasso.loop_start + 1), Some(lasso.loop_start))
        }
    };
    let message = format!("{what} after {} states: {}{shape}", trace.steps.len(), actions.join(" -> "));
    let mut body = String::new();
    steps(&mut body, trace, loop_start);
    (message, body)
}
