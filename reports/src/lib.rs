//! Renderers for bivalent's outputs: pure functions from a checked spec to text.
//!
//! Only this crate knows output formats, and it does no IO: `cli` decides where
//! the strings go. Each renderer takes a [`SpecRun`], one checked spec described
//! as plain data (the spec's path, model, constants, expectation, how it ran, and
//! the [`checker::Outcome`]), and returns a `String` or a serializable value.
//!
//! - [`status`]: whether the run met the spec's `EXPECT` (a [`Status`]).
//! - [`text::summary`]: one aligned table row per spec; [`text::report`]: the
//!   block printed after one run, with counts, checks, coverage and counterexamples.
//! - [`json::spec_json`] and [`json::render_json_line`]: one JSON object per spec,
//!   the stable interface for CI. The serde types live here; `checker`'s types
//!   do not derive `Serialize`.
//! - [`html::report`]: the self-contained HTML report (summary, coverage, and
//!   for each counterexample its steps, [`svg::msc`] sequence chart and
//!   [`svg::graph`] state graph), with the trace files it links to:
//!   [`itf::itf`] (Apalache's Informal Trace Format) and [`dot::dot`] (Graphviz).
//! - [`junit::junit`]: JUnit XML, one test case per checked item.
//! - [`github::annotations`] and [`github::step_summary`]: GitHub Actions
//!   workflow commands and the Markdown job summary.
//!
//! ```
//! use checker::{Check, CheckKind, Expect, Outcome, Stats, Verdict};
//! use reports::{status, SpecRun, Status};
//!
//! let outcome = Outcome {
//!     stats: Stats {
//!         initial_states: 1,
//!         generated_states: 4,
//!         distinct_states: 3,
//!         depth: 3,
//!         queue_states: 0,
//!         collision_probability: 0.0,
//!         store_bytes: 72,
//!         fingerprint_bits: 64,
//!         walks: 0,
//!     },
//!     checks: vec![Check { name: "BelowThree".into(), kind: CheckKind::Invariant, verdict: Verdict::Holds }],
//!     coverage: vec![],
//!     stopped: None,
//! };
//! let run = SpecRun {
//!     spec: "specs/counter.cfg",
//!     source: "\\* A counter that wraps at 3\nMODEL Counter\nCONSTANTS N = 3\nINVARIANT BelowThree\nEXPECT OK\n",
//!     title: Some("A counter that wraps at 3"),
//!     model: "Counter",
//!     constants: vec![("N".into(), "3".into())],
//!     expect: &Expect::Ok,
//!     expect_written: true,
//!     strategy: "bfs",
//!     threads: 1,
//!     processes: 1,
//!     seconds: 0.5,
//!     outcome: &outcome,
//!     locations: vec![("BelowThree".into(), checker::Span { line: 4, column: 11 })],
//! };
//! assert_eq!(status(&run), Status::Pass);
//! assert!(reports::text::report(&run).contains("4 states generated, 3 distinct states found"));
//! assert!(reports::json::render_json_line(&run).starts_with(r#"{"spec":"specs/counter.cfg","#));
//! ```
#![warn(missing_docs)]

pub mod dot;
pub mod github;
pub mod html;
pub mod itf;
pub mod json;
pub mod junit;
pub mod svg;
pub mod text;

mod diff;
mod markup;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use std::fmt;

use checker::{
    judge, Check, CheckKind, Counterexample, Expect, Failure, Judgement, Outcome, Span, StopReason, Trace, Verdict,
};

use crate::svg::Ending;

/// One checked spec, as plain data: what was checked, how, and what the run found.
#[derive(Clone, Debug)]
pub struct SpecRun<'a> {
    /// The check spec's path as given on the command line: `specs/twophase-3.cfg`.
    pub spec: &'a str,
    /// The check spec's text as read, which the HTML report shows beside the
    /// verdicts; empty when it is not at hand, and then not shown.
    pub source: &'a str,
    /// The spec's first comment line, if it has one.
    pub title: Option<&'a str>,
    /// The `MODEL` name.
    pub model: &'a str,
    /// The `CONSTANTS`, in file order: name and value as printed by `Value`'s `Display`.
    pub constants: Vec<(String, String)>,
    /// The spec's `EXPECT`.
    pub expect: &'a Expect,
    /// Whether the spec writes its `EXPECT` line; a run that checks nothing
    /// passes only under a written `EXPECT OK` (see [`checker::judge`]).
    pub expect_written: bool,
    /// The exploration strategy: `bfs`, `dfs` or `simulate`.
    pub strategy: &'a str,
    /// Worker threads used (in each process of a distributed run).
    pub threads: usize,
    /// Processes of a distributed run (`--processes`); 1 on one machine.
    pub processes: usize,
    /// Wall-clock duration of the run.
    pub seconds: f64,
    /// What the run found.
    pub outcome: &'a Outcome,
    /// Where the spec names each checked item (`INVARIANT TCConsistent`), so
    /// that annotations point at the line; `Deadlock` points where the spec
    /// asks for it, or at its `MODEL` line. Items not listed have no location.
    pub locations: Vec<(String, Span)>,
}

impl SpecRun<'_> {
    /// Who ran the search: `2 threads`, or `2 processes x 1 thread` for a
    /// distributed run.
    pub fn workers(&self) -> String {
        let threads = text::plural(self.threads as u64, "thread");
        if self.processes > 1 {
            format!("{} processes x {threads}", text::thousands(self.processes as u64))
        } else {
            threads
        }
    }

    /// Where the spec names the item `name`, if it says.
    pub fn location(&self, name: &str) -> Option<Span> {
        self.locations.iter().find(|(n, _)| n == name).map(|(_, span)| *span)
    }
}

/// A trace a run produced for one check: a counterexample or a witness.
#[derive(Clone, Copy, Debug)]
pub struct CheckTrace<'a> {
    /// The check.
    pub check: &'a Check,
    /// Its trace (never empty).
    pub trace: &'a Trace,
    /// How the trace ends: a violation, a witness, or a lasso's loop.
    pub ending: Ending,
}

impl CheckTrace<'_> {
    /// A heading: `Counterexample to invariant TCConsistent`, `Deadlock reached`,
    /// `Witness for sometimes SomeCommit`.
    pub fn heading(&self) -> String {
        match (self.ending, self.check.kind) {
            (Ending::Witness, kind) => format!("Witness for {} {}", kind.name(), self.check.name),
            (_, CheckKind::Deadlock) => "Deadlock reached".to_string(),
            (_, kind) => format!("Counterexample to {} {}", kind.name(), self.check.name),
        }
    }
}

/// Every trace of a run, in the order of its checks. A `Sometimes` never
/// witnessed is violated without a trace, and so has none here.
pub fn check_traces<'a>(run: &SpecRun<'a>) -> Vec<CheckTrace<'a>> {
    let outcome: &'a Outcome = run.outcome;
    outcome
        .checks
        .iter()
        .filter_map(|check| {
            let (trace, ending) = match &check.verdict {
                Verdict::Violated(Counterexample::Trace(trace)) => (trace, Ending::Violation),
                Verdict::Violated(Counterexample::Lasso(lasso)) => (&lasso.trace, Ending::Loop(lasso.loop_start)),
                Verdict::Witnessed(trace) => (trace, Ending::Witness),
                Verdict::Holds | Verdict::Unknown(_) => return None,
            };
            (!trace.steps.is_empty()).then_some(CheckTrace { check, trace, ending })
        })
        .collect()
}

/// A spec with no outcome, for the outputs that list every spec: one that
/// could not be checked (a syntax error, an unknown model, a model error), or
/// one an interrupt kept from starting (`not_run`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The check spec's path as given.
    pub spec: String,
    /// What went wrong, as printed; for a spec not run, why.
    pub message: String,
    /// The exit code the spec alone gives (150 for a syntax error, 3 for a
    /// spec not run).
    pub exit_code: i32,
    /// Whether the spec was never started, rather than failed.
    pub not_run: bool,
}

impl SpecError {
    /// A spec an interrupt kept from starting.
    pub fn not_run(spec: String) -> SpecError {
        SpecError {
            spec,
            message: "not checked: the run was interrupted before this spec started".to_string(),
            exit_code: 3,
            not_run: true,
        }
    }
}

/// Whether the spec expects the check named `name` to be violated.
pub fn is_expected(expect: &Expect, name: &str) -> bool {
    match expect {
        Expect::Ok => false,
        Expect::Violation(named) => named.name == name,
        Expect::Deadlock => name == DEADLOCK,
    }
}

/// How a run compares with its spec's `EXPECT`, ready for display.
///
/// A spec passes when [`checker::judge`] says [`Judgement::Met`]: either
/// [`Status::Pass`] or [`Status::ExpectedViolationFound`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every check holds, as expected.
    Pass,
    /// The spec expected a violation of this item (`Deadlock` for a deadlock),
    /// and it was found: a pass.
    ExpectedViolationFound(String),
    /// The run found something other than what was expected; a sentence fragment
    /// such as `invariant TCConsistent is violated`.
    Fail(String),
    /// The run stopped before it could tell.
    Incomplete(StopReason),
}

impl Status {
    /// Whether the spec passes (its expectation is met).
    pub fn passed(&self) -> bool {
        matches!(self, Status::Pass | Status::ExpectedViolationFound(_))
    }

    /// One lowercase word: `pass`, `fail` or `incomplete`.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Pass | Status::ExpectedViolationFound(_) => "pass",
            Status::Fail(_) => "fail",
            Status::Incomplete(_) => "incomplete",
        }
    }

    /// What qualifies the word, if anything: `expected violation of X`, the
    /// failure, or why the run stopped.
    pub fn detail(&self) -> Option<String> {
        match self {
            Status::Pass => None,
            Status::ExpectedViolationFound(name) => Some(expected_violation(name)),
            Status::Fail(description) => Some(description.clone()),
            Status::Incomplete(reason) => Some(reason.describe().to_string()),
        }
    }
}

/// `PASS`, `PASS (expected violation of TCConsistent)`, `FAIL: ...` or `INCOMPLETE: ...`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Pass => f.write_str("PASS"),
            Status::ExpectedViolationFound(name) => write!(f, "PASS ({})", expected_violation(name)),
            Status::Fail(description) => write!(f, "FAIL: {description}"),
            Status::Incomplete(reason) => write!(f, "INCOMPLETE: {}", reason.describe()),
        }
    }
}

/// Judges the run against its spec's `EXPECT` (see [`checker::judge`]).
pub fn status(run: &SpecRun) -> Status {
    match judge(run.outcome, run.expect, run.expect_written) {
        Judgement::Met => match run.expect {
            Expect::Ok => Status::Pass,
            Expect::Violation(named) => Status::ExpectedViolationFound(named.name.clone()),
            Expect::Deadlock => Status::ExpectedViolationFound(DEADLOCK.to_string()),
        },
        Judgement::Failed(failure) => Status::Fail(describe_failure(run.outcome, &failure)),
        Judgement::Incomplete(reason) => Status::Incomplete(reason),
    }
}

/// The name of the deadlock check in `Outcome::checks` and `judge`.
const DEADLOCK: &str = "Deadlock";

fn expected_violation(name: &str) -> String {
    if name == DEADLOCK {
        "expected deadlock".to_string()
    } else {
        format!("expected violation of {name}")
    }
}

fn describe_failure(outcome: &Outcome, failure: &Failure) -> String {
    let kind = |name: &str| outcome.check(name).map(|c| c.kind);
    match failure {
        Failure::Deadlock => "deadlock reached".to_string(),
        Failure::Invariant(name) => match kind(name) {
            Some(CheckKind::StepInvariant) => format!("step invariant {name} is violated"),
            _ => format!("invariant {name} is violated"),
        },
        Failure::Property(name) => match kind(name) {
            Some(CheckKind::Sometimes) => format!("sometimes {name} is never witnessed"),
            _ => format!("property {name} is violated"),
        },
        Failure::ExpectedViolationNotFound(name) if name == DEADLOCK => "expected deadlock not found".to_string(),
        Failure::ExpectedViolationNotFound(name) => format!("expected violation of {name} not found"),
    }
}

/// The spec's `EXPECT` line as written: `OK`, `VIOLATION TCConsistent` or `DEADLOCK`.
pub fn expect_text(expect: &Expect) -> String {
    match expect {
        Expect::Ok => "OK".to_string(),
        Expect::Violation(named) => format!("VIOLATION {}", named.name),
        Expect::Deadlock => "DEADLOCK".to_string(),
    }
}

/// Distinct states per second, or `None` when no time was measured.
pub fn states_per_second(run: &SpecRun) -> Option<f64> {
    (run.seconds > 0.0).then(|| run.outcome.stats.distinct_states as f64 / run.seconds)
}
