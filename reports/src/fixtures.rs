//! Hand-built runs shared by the renderer tests: a pass, an invariant violation
//! with a three-step trace, a lasso, an incomplete run and a `Sometimes` witness.
//! Seconds are fixed, so rendered rates are stable.

use checker::{
    ActionCoverage, Check, CheckKind, Counterexample, Expect, Lasso, Named, Outcome, Span, Stats, StopReason, Trace,
    TraceAction, TraceStep, Value, Verdict,
};

use crate::SpecRun;

/// Owns what a [`SpecRun`] borrows.
pub(crate) struct Fixture {
    pub spec: &'static str,
    pub title: Option<&'static str>,
    pub model: &'static str,
    pub constants: Vec<(String, String)>,
    pub expect: Expect,
    pub strategy: &'static str,
    pub threads: usize,
    pub seconds: f64,
    pub outcome: Outcome,
}

impl Fixture {
    pub fn run(&self) -> SpecRun<'_> {
        SpecRun {
            spec: self.spec,
            title: self.title,
            model: self.model,
            constants: self.constants.clone(),
            expect: &self.expect,
            strategy: self.strategy,
            threads: self.threads,
            seconds: self.seconds,
            outcome: &self.outcome,
        }
    }

    pub fn with_expect(self, expect: Expect) -> Fixture {
        Fixture { expect, ..self }
    }
}

pub(crate) fn expect_violation(name: &str) -> Expect {
    Expect::Violation(Named { name: name.to_string(), span: Span::default() })
}

fn check(name: &str, kind: CheckKind, verdict: Verdict) -> Check {
    Check { name: name.to_string(), kind, verdict }
}

fn coverage(actions: &[(&'static str, u64, u64)]) -> Vec<ActionCoverage> {
    actions.iter().map(|&(name, steps, distinct_states)| ActionCoverage { name, steps, distinct_states }).collect()
}

fn step(action: Option<(&'static str, &str)>, state: Vec<(&'static str, Value)>) -> TraceStep {
    TraceStep { action: action.map(|(name, label)| TraceAction { name, label: label.to_string() }), state }
}

fn rm(name: &str) -> Value {
    Value::model_value(name)
}

/// TwoPhase's variables: each RM's state, the TM's state, the prepared RMs and the messages.
fn two_phase(r1: &str, r2: &str, tm: &str, prepared: &[&str], msgs: Vec<Value>) -> Vec<(&'static str, Value)> {
    vec![
        ("rmState", Value::map([(rm("r1"), Value::str(r1)), (rm("r2"), Value::str(r2))])),
        ("tmState", Value::str(tm)),
        ("tmPrepared", Value::set(prepared.iter().map(|r| rm(r)))),
        ("msgs", Value::set(msgs)),
    ]
}

fn msg(kind: &str, from: Option<&str>) -> Value {
    let mut fields = vec![("type", Value::str(kind))];
    if let Some(r) = from {
        fields.push(("rm", rm(r)));
    }
    Value::record(fields)
}

const TWO_PHASE_ACTIONS: [&str; 7] =
    ["TMRcvPrepared", "TMCommit", "TMAbort", "RMPrepare", "RMChooseToAbort", "RMRcvCommitMsg", "RMRcvAbortMsg"];

/// TwoPhase with 8 RMs: every check holds.
pub(crate) fn pass() -> Fixture {
    let steps = [2_365_440, 128, 1, 3_932_160, 3_932_160, 1_048_576, 1_048_576];
    let distinct = [573_440, 128, 1, 458_752, 458_752, 127_166, 127_168];
    Fixture {
        spec: "specs/twophase-8.cfg",
        title: Some("Two-phase commit, 8 resource managers (Gray & Lamport)"),
        model: "TwoPhase",
        constants: vec![("RM".to_string(), "{r1, r2, r3, r4, r5, r6, r7, r8}".to_string())],
        expect: Expect::Ok,
        strategy: "bfs",
        threads: 2,
        seconds: 1.25,
        outcome: Outcome {
            stats: Stats {
                initial_states: 1,
                generated_states: 12_327_042,
                distinct_states: 1_745_408,
                depth: 26,
                queue_states: 0,
                collision_probability: 1.1e-6,
                store_bytes: 41_889_792,
                fingerprint_bits: 64,
            },
            checks: vec![
                check("TPTypeOK", CheckKind::Invariant, Verdict::Holds),
                check("TCConsistent", CheckKind::Invariant, Verdict::Holds),
                check("Termination", CheckKind::Liveness, Verdict::Holds),
            ],
            coverage: TWO_PHASE_ACTIONS
                .iter()
                .zip(steps.iter().zip(distinct))
                .map(|(&name, (&steps, distinct_states))| ActionCoverage { name, steps, distinct_states })
                .collect(),
            stopped: None,
        },
    }
}

/// A broken TwoPhase whose TM commits without waiting for every RM to prepare:
/// TCConsistent fails after three steps. `expect` decides whether that is a pass.
pub(crate) fn invariant_violation(expect: Expect) -> Fixture {
    let trace = Trace {
        steps: vec![
            step(None, two_phase("working", "working", "init", &[], vec![])),
            step(
                Some(("RMChooseToAbort", "RMChooseToAbort(r2)")),
                two_phase("working", "aborted", "init", &[], vec![]),
            ),
            step(
                Some(("TMCommit", "TMCommit")),
                two_phase("working", "aborted", "committed", &[], vec![msg("Commit", None)]),
            ),
            step(
                Some(("RMRcvCommitMsg", "RMRcvCommitMsg(r1)")),
                two_phase("committed", "aborted", "committed", &[], vec![msg("Commit", None)]),
            ),
        ],
    };
    Fixture {
        spec: "specs/twophase-broken-2.cfg",
        title: Some("Two-phase commit with a TM that commits too early (seeded bug)"),
        model: "TwoPhaseBroken",
        constants: vec![("RM".to_string(), "{r1, r2}".to_string())],
        expect,
        strategy: "bfs",
        threads: 4,
        seconds: 0.02,
        outcome: Outcome {
            stats: Stats {
                initial_states: 1,
                generated_states: 41,
                distinct_states: 17,
                depth: 4,
                queue_states: 6,
                collision_probability: 3.0e-18,
                store_bytes: 408,
                fingerprint_bits: 64,
            },
            checks: vec![
                check("Deadlock", CheckKind::Deadlock, Verdict::Holds),
                check("TPTypeOK", CheckKind::Invariant, Verdict::Holds),
                check("TCConsistent", CheckKind::Invariant, Verdict::Violated(Counterexample::Trace(trace))),
                check("Termination", CheckKind::Liveness, Verdict::Unknown(StopReason::StoppedAtViolation)),
            ],
            coverage: coverage(&[
                ("TMRcvPrepared", 4, 3),
                ("TMCommit", 5, 4),
                ("TMAbort", 0, 0),
                ("RMPrepare", 14, 5),
                ("RMChooseToAbort", 12, 3),
                ("RMRcvCommitMsg", 5, 1),
                ("RMRcvAbortMsg", 0, 0),
            ]),
            stopped: Some(StopReason::StoppedAtViolation),
        },
    }
}

/// A token ring without fairness: the token can circle forever, so
/// `EventuallyDone` fails on a lasso that loops back to state 2.
pub(crate) fn lasso() -> Fixture {
    let ring = |holder: &str, done: bool| vec![("holder", rm(holder)), ("done", Value::Bool(done))];
    let trace = Trace {
        steps: vec![
            step(None, ring("n1", false)),
            step(Some(("Pass", "Pass(n1, n2)")), ring("n2", false)),
            step(Some(("Pass", "Pass(n2, n3)")), ring("n3", false)),
        ],
    };
    Fixture {
        spec: "specs/tokenring-3.cfg",
        title: None,
        model: "TokenRing",
        constants: vec![("N".to_string(), "{n1, n2, n3}".to_string()), ("Rounds".to_string(), "2".to_string())],
        expect: Expect::Ok,
        strategy: "bfs",
        threads: 1,
        seconds: 0.004,
        outcome: Outcome {
            stats: Stats {
                initial_states: 1,
                generated_states: 10,
                distinct_states: 7,
                depth: 4,
                queue_states: 0,
                collision_probability: 0.0,
                store_bytes: 168,
                fingerprint_bits: 64,
            },
            checks: vec![check(
                "EventuallyDone",
                CheckKind::Liveness,
                Verdict::Violated(Counterexample::Lasso(Lasso { trace, loop_start: 1 })),
            )],
            coverage: coverage(&[("Pass", 6, 3), ("Finish", 3, 3)]),
            stopped: None,
        },
    }
}

/// A DFS run stopped by its state limit: nothing is established.
pub(crate) fn incomplete() -> Fixture {
    Fixture {
        spec: "specs/raft-3.cfg",
        title: Some("Raft leader election, 3 servers"),
        model: "Raft",
        constants: vec![("Server".to_string(), "{s1, s2, s3}".to_string()), ("MaxTerm".to_string(), "3".to_string())],
        expect: Expect::Ok,
        strategy: "dfs",
        threads: 1,
        seconds: 8.0,
        outcome: Outcome {
            stats: Stats {
                initial_states: 1,
                generated_states: 3_521_004,
                distinct_states: 1_000_000,
                depth: 41,
                queue_states: 37,
                collision_probability: 1.3e-7,
                store_bytes: 24_000_000,
                fingerprint_bits: 64,
            },
            checks: vec![
                check("Deadlock", CheckKind::Deadlock, Verdict::Unknown(StopReason::StatesLimit)),
                check("ElectionSafety", CheckKind::Invariant, Verdict::Unknown(StopReason::StatesLimit)),
            ],
            coverage: coverage(&[("Timeout", 1_200_000, 400_000), ("RequestVote", 2_321_003, 599_999)]),
            stopped: Some(StopReason::StatesLimit),
        },
    }
}

/// A passing run whose `Sometimes` check found a witness; no time was measured.
pub(crate) fn witness() -> Fixture {
    let trace = Trace {
        steps: vec![
            step(None, two_phase("working", "working", "init", &[], vec![])),
            step(
                Some(("RMPrepare", "RMPrepare(r1)")),
                two_phase("prepared", "working", "init", &[], vec![msg("Prepared", Some("r1"))]),
            ),
            step(
                Some(("TMRcvPrepared", "TMRcvPrepared(r1)")),
                two_phase("prepared", "working", "init", &["r1"], vec![msg("Prepared", Some("r1"))]),
            ),
            step(
                Some(("RMPrepare", "RMPrepare(r2)")),
                two_phase(
                    "prepared",
                    "prepared",
                    "init",
                    &["r1"],
                    vec![msg("Prepared", Some("r1")), msg("Prepared", Some("r2"))],
                ),
            ),
            step(
                Some(("TMRcvPrepared", "TMRcvPrepared(r2)")),
                two_phase(
                    "prepared",
                    "prepared",
                    "init",
                    &["r1", "r2"],
                    vec![msg("Prepared", Some("r1")), msg("Prepared", Some("r2"))],
                ),
            ),
            step(
                Some(("TMCommit", "TMCommit")),
                two_phase(
                    "prepared",
                    "prepared",
                    "committed",
                    &["r1", "r2"],
                    vec![msg("Prepared", Some("r1")), msg("Prepared", Some("r2")), msg("Commit", None)],
                ),
            ),
        ],
    };
    Fixture {
        spec: "specs/twophase-2.cfg",
        title: Some("Two-phase commit, 2 resource managers"),
        model: "TwoPhase",
        constants: vec![("RM".to_string(), "{r1, r2}".to_string())],
        expect: Expect::Ok,
        strategy: "bfs",
        threads: 1,
        seconds: 0.0,
        outcome: Outcome {
            stats: Stats {
                initial_states: 1,
                generated_states: 135,
                distinct_states: 34,
                depth: 8,
                queue_states: 0,
                collision_probability: 4.2e-18,
                store_bytes: 816,
                fingerprint_bits: 64,
            },
            checks: vec![
                check("TCConsistent", CheckKind::Invariant, Verdict::Holds),
                check("SomeoneCommits", CheckKind::Sometimes, Verdict::Witnessed(trace)),
            ],
            coverage: coverage(&[
                ("TMRcvPrepared", 20, 8),
                ("TMCommit", 4, 4),
                ("TMAbort", 16, 7),
                ("RMPrepare", 22, 8),
                ("RMChooseToAbort", 22, 4),
                ("RMRcvCommitMsg", 8, 1),
                ("RMRcvAbortMsg", 42, 1),
            ]),
            stopped: None,
        },
    }
}
