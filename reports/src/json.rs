//! The `--json` output: one object per checked spec, a stable interface for CI.
//! A spec with no outcome is a shorter object ([`Unchecked`]): its path,
//! `"verdict":"error"` or `"not_checked"`, the message and its exit code.
//!
//! The serde types live here, not in `checker` (its types do not derive
//! `Serialize`). Objects keep a fixed key order: struct fields in declaration
//! order, and constants and state variables in the order the spec and the model
//! give them. Values are printed as in TLA+ (`Value`'s `Display`), so every
//! variable is a JSON string. Non-finite numbers (an unmeasured rate) become `null`.
//!
//! ```json
//! {"spec":"specs/twophase-3.cfg","title":"Two-phase commit","model":"TwoPhase",
//!  "constants":{"RM":"{r1, r2, r3}"},"verdict":"pass","verdict_detail":null,"expect":"OK",
//!  "initial_states":1,"distinct_states":288,"generated_states":1146,"depth":11, ...,
//!  "checks":[{"name":"TCConsistent","kind":"invariant","verdict":"holds","reason":null,
//!             "counterexample_length":null,"counterexample":null,"witness":null}],
//!  "coverage":[{"action":"TMCommit","steps":12,"distinct_states":4}]}
//! ```

#[cfg(test)]
mod tests;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use checker::{CheckKind, Counterexample, StopReason, Verdict};

use crate::{expect_text, status, SpecError, SpecRun};

/// One checked spec.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    /// The check spec's path as given.
    pub spec: String,
    /// The spec's first comment line, or `null`.
    pub title: Option<String>,
    /// The `MODEL` name.
    pub model: String,
    /// The `CONSTANTS`: name to value as printed in TLA+, in file order.
    pub constants: Fields,
    /// `pass` (the `EXPECT` is met), `fail` or `incomplete`.
    pub verdict: &'static str,
    /// What qualifies the verdict, or `null` for a plain pass:
    /// `expected violation of TCConsistent`, `invariant Inv is violated`, `state limit reached`.
    pub verdict_detail: Option<String>,
    /// The spec's `EXPECT`: `OK`, `VIOLATION TCConsistent` or `DEADLOCK`.
    pub expect: String,
    /// Initial states (distinct).
    pub initial_states: u64,
    /// Distinct states found.
    pub distinct_states: u64,
    /// States generated, duplicates included (TLC's count).
    pub generated_states: u64,
    /// Depth of the state graph search, initial states at depth 1.
    pub depth: u32,
    /// States found but not expanded when the run ended.
    pub queue_states: u64,
    /// Wall-clock duration of the run.
    pub seconds: f64,
    /// Distinct states per second, or `null` when no time was measured.
    pub states_per_second: Option<f64>,
    /// Worker threads (in each process of a distributed run).
    pub threads: usize,
    /// Processes of a distributed run; 1 on one machine.
    pub processes: usize,
    /// `bfs`, `dfs` or `simulate`.
    pub strategy: String,
    /// Estimated probability that a fingerprint collision hid a state.
    pub collision_probability: f64,
    /// Fingerprint width in bits.
    pub fingerprint_bits: u32,
    /// Bytes of the fingerprint store.
    pub store_bytes: u64,
    /// Store bytes per distinct state.
    pub bytes_per_state: f64,
    /// Why the run ended early (see [`stop_reason`]), or `null`.
    pub stopped: Option<&'static str>,
    /// One entry per checked item: deadlock, invariants, properties.
    pub checks: Vec<Check>,
    /// Per-action coverage, in the model's action order.
    pub coverage: Vec<Coverage>,
}

/// One checked item and its verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// The name from the spec, or `Deadlock`.
    pub name: String,
    /// `deadlock`, `invariant`, `step_invariant`, `sometimes` or `property`.
    pub kind: &'static str,
    /// `holds`, `violated`, `witnessed` or `unknown`.
    pub verdict: &'static str,
    /// For `unknown`, why (see [`stop_reason`]); otherwise `null`.
    pub reason: Option<&'static str>,
    /// For `violated`, the number of states in the counterexample; otherwise `null`.
    pub counterexample_length: Option<usize>,
    /// For `violated`, the counterexample; otherwise `null`.
    pub counterexample: Option<Trace>,
    /// For `witnessed`, the trace to a state satisfying the predicate; otherwise `null`.
    pub witness: Option<Trace>,
}

/// A counterexample or witness.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    /// The states, initial state first; every variable of every state is given.
    pub states: Vec<State>,
    /// For a lasso, the index in `states` (from 0, as ITF's `loop`) where the
    /// cycle starts: the last state steps back to it. `null` for a finite trace.
    pub loop_start: Option<usize>,
    /// For a lasso, how its cycle meets each fairness condition and the
    /// actions it never takes; empty for a finite trace.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One state of a trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct State {
    /// The action that led here, with parameters (`RMPrepare(r2)`); `null` for the initial state.
    pub action: Option<String>,
    /// The `Next` disjunct (`RMPrepare`); `null` for the initial state.
    pub action_name: Option<&'static str>,
    /// Every variable, in the model's order, printed in TLA+.
    pub vars: Fields,
}

/// How often one `Next` disjunct fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The disjunct.
    pub action: &'static str,
    /// Steps generated from expanded states.
    pub steps: u64,
    /// Distinct states first reached by this action.
    pub distinct_states: u64,
    /// Present and true when the spec's constants switch the action off.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

/// Names and printed values, serialized as a JSON object that keeps this order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The JSON object for one checked spec.
pub fn spec_json(run: &SpecRun) -> Spec {
    let stats = &run.outcome.stats;
    let status = status(run);
    Spec {
        spec: run.spec.to_string(),
        title: run.title.map(str::to_string),
        model: run.model.to_string(),
        constants: Fields(run.constants.clone()),
        verdict: status.word(),
        verdict_detail: status.detail(),
        expect: expect_text(run.expect),
        initial_states: stats.initial_states,
        distinct_states: stats.distinct_states,
        generated_states: stats.generated_states,
        depth: stats.depth,
        queue_states: stats.queue_states,
        seconds: run.seconds,
        states_per_second: crate::states_per_second(run),
        threads: run.threads,
        processes: run.processes,
        strategy: run.strategy.to_string(),
        collision_probability: stats.collision_probability,
        fingerprint_bits: stats.fingerprint_bits,
        store_bytes: stats.store_bytes,
        bytes_per_state: stats.bytes_per_state(),
        stopped: run.outcome.stopped.map(stop_reason),
        checks: run.outcome.checks.iter().map(check_json).collect(),
        coverage: run
            .outcome
            .coverage
            .iter()
            .map(|c| Coverage {
                action: c.name,
                steps: c.steps,
                distinct_states: c.distinct_states,
                disabled: c.disabled,
            })
            .collect(),
    }
}

/// [`spec_json`] as one compact line, without the trailing newline.
pub fn render_json_line(run: &SpecRun) -> String {
    serde_json::to_string(&spec_json(run)).expect("reports bug: plain data always serializes to JSON")
}

/// A spec with no outcome: it could not be checked, or was not run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unchecked {
    /// The check spec's path as given.
    pub spec: String,
    /// `error` (it could not be checked) or `not_checked` (an interrupt kept it from starting).
    pub verdict: &'static str,
    /// The error as printed, or why the spec was not checked.
    pub message: String,
    /// The exit code the spec alone gives: 150 for a syntax error, 3 for a spec not checked.
    pub exit_code: i32,
}

/// The JSON object for a spec with no outcome.
pub fn unchecked_json(error: &SpecError) -> Unchecked {
    Unchecked {
        spec: error.spec.clone(),
        verdict: if error.not_run { "not_checked" } else { "error" },
        message: error.message.clone(),
        exit_code: error.exit_code,
    }
}

/// [`unchecked_json`] as one compact line, without the trailing newline.
pub fn render_unchecked_line(error: &SpecError) -> String {
    serde_json::to_string(&unchecked_json(error)).expect("reports bug: plain data always serializes to JSON")
}

/// A stop reason as a stable identifier: `states_limit`, `depth_limit`,
/// `time_limit`, `memory_limit`, `stopped_at_violation`, `simulation`, `interrupted`, `vacuous`,
/// `nothing_checked`.
pub fn stop_reason(reason: StopReason) -> &'static str {
    match reason {
        StopReason::StatesLimit => "states_limit",
        StopReason::DepthLimit => "depth_limit",
        StopReason::TimeLimit => "time_limit",
        StopReason::MemoryLimit => "memory_limit",
        StopReason::StoppedAtViolation => "stopped_at_violation",
        StopReason::Simulation => "simulation",
        StopReason::Interrupted => "interrupted",
        StopReason::Vacuous => "vacuous",
        StopReason::NothingChecked => "nothing_checked",
        // `StopReason` is `#[non_exhaustive]`; a new reason needs a name here.
        _ => "other",
    }
}

fn check_json(check: &checker::Check) -> Check {
    let kind = match check.kind {
        CheckKind::Deadlock => "deadlock",
        CheckKind::Invariant => "invariant",
        CheckKind::StepInvariant => "step_invariant",
        CheckKind::Sometimes => "sometimes",
        CheckKind::Liveness => "property",
    };
    let mut json = Check {
        name: check.name.clone(),
        kind,
        verdict: "",
        reason: None,
        counterexample_length: None,
        counterexample: None,
        witness: None,
    };
    match &check.verdict {
        Verdict::Holds => json.verdict = "holds",
        Verdict::Violated(cex) => {
            json.verdict = "violated";
            json.counterexample_length = Some(cex.len());
            json.counterexample = Some(match cex {
                Counterexample::Trace(trace) => trace_json(trace, None),
                Counterexample::Lasso(lasso) => {
                    Trace { notes: lasso.notes.clone(), ..trace_json(&lasso.trace, Some(lasso.loop_start)) }
                }
            });
        }
        Verdict::Witnessed(trace) => {
            json.verdict = "witnessed";
            json.witness = Some(trace_json(trace, None));
        }
        Verdict::Unknown(reason) => {
            json.verdict = "unknown";
            json.reason = Some(stop_reason(*reason));
        }
    }
    json
}

fn trace_json(trace: &checker::Trace, loop_start: Option<usize>) -> Trace {
    let states = trace
        .steps
        .iter()
        .map(|step| State {
            action: step.action.as_ref().map(|a| a.label.clone()),
            action_name: step.action.as_ref().map(|a| a.name),
            vars: Fields(step.state.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()),
        })
        .collect();
    Trace { states, loop_start, notes: Vec::new() }
}
