//! Hand-built runs shared by the renderer tests: a pass, an invariant violation
//! with a three-step trace, a lasso, an incomplete run and a `Sometimes` witness.
//! Seconds are fixed, so rendered rates are stable.

use checker::spec::{Envelope, StepMessages};
use checker::{
    ActionCoverage, Check, CheckKind, Counterexample, Expect, Lasso, Named, Outcome, Span, Stats, StopReason, Trace,
    TraceAction, TraceStep, Value, Verdict,
};

use crate::SpecRun;

/// Owns what a [`SpecRun`] borrows.
pub(crate) struct Fixture {
    pub spec: &'static str,
    /// The spec's text, consistent with `title`, `model`, `constants` and `locations`.
    pub source: String,
    pub title: Option<&'static str>,
    pub model: &'static str,
    pub constants: Vec<(String, String)>,
    pub expect: Expect,
    pub strategy: &'static str,
    pub threads: usize,
    pub seconds: f64,
    pub outcome: Outcome,
    pub locations: Vec<(String, Span)>,
}

impl Fixture {
    pub fn run(&self) -> SpecRun<'_> {
        SpecRun {
            spec: self.spec,
            source: &self.source,
            title: self.title,
            model: self.model,
            constants: self.constants.clone(),
            expect: &self.expect,
            expect_written: true,
            strategy: self.strategy,
            threads: self.threads,
            processes: 1,
            seconds: self.seconds,
            outcome: &self.outcome,
            locations: self.locations.clone(),
        }
    }

    pub fn with_expect(self, expect: Expect) -> Fixture {
        Fixture { expect, ..self }
    }
}

fn loc(name: &str, line: u32, column: u32) -> (String, Span) {
    (name.to_string(), Span { line, column })
}

pub(crate) fn expect_violation(name: &str) -> Expect {
    Expect::Violation(Named { name: name.to_string(), span: Span::default() })
}

fn check(name: &str, kind: CheckKind, verdict: Verdict) -> Check {
    Check { name: name.to_string(), kind, verdict }
}

fn coverage(actions: &[(&'static str, u64, u64)]) -> Vec<ActionCoverage> {
    actions
        .iter()
        .map(|&(name, steps, distinct_states)| ActionCoverage { name, steps, distinct_states, disabled: false })
        .collect()
}

pub(crate) fn step(action: Option<(&'static str, &str)>, state: Vec<(&'static str, Value)>) -> TraceStep {
    TraceStep {
        action: action.map(|(name, label)| TraceAction { name, label: label.to_string() }),
        state,
        parameters: Vec::new(),
        nodes: Vec::new(),
        messages: StepMessages::default(),
    }
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
/// One run of every kind: a pass, an expected and an unexpected invariant
/// violation, a lasso, an incomplete run and a witness.
pub(crate) fn every_kind() -> Vec<Fixture> {
    vec![
        pass(),
        invariant_violation(expect_violation("TCConsistent")),
        invariant_violation(Expect::Ok),
        lasso(),
        incomplete(),
        witness(),
    ]
}

pub(crate) fn pass() -> Fixture {
    let steps = [2_365_440, 128, 1, 3_932_160, 3_932_160, 1_048_576, 1_048_576];
    let distinct = [573_440, 128, 1, 458_752, 458_752, 127_166, 127_168];
    Fixture {
        spec: "specs/twophase-8.cfg",
        source: "\\* Two-phase commit, 8 resource managers (Gray & Lamport)\n\
                 MODEL TwoPhase\n\
                 CONSTANTS RM = {r1, r2, r3, r4, r5, r6, r7, r8}\n\
                 INVARIANTS TPTypeOK TCConsistent\n\
                 PROPERTIES Termination\n\
                 EXPECT OK\n"
            .to_string(),
        title: Some("Two-phase commit, 8 resource managers (Gray & Lamport)"),
        model: "TwoPhase",
        constants: vec![("RM".to_string(), "{r1, r2, r3, r4, r5, r6, r7, r8}".to_string())],
        expect: Expect::Ok,
        strategy: "bfs",
        threads: 2,
        seconds: 1.25,
        locations: vec![loc("TPTypeOK", 4, 12), loc("TCConsistent", 4, 21), loc("Termination", 5, 12)],
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
                walks: 0,
            },
            checks: vec![
                check("TPTypeOK", CheckKind::Invariant, Verdict::Holds),
                check("TCConsistent", CheckKind::Invariant, Verdict::Holds),
                check("Termination", CheckKind::Liveness, Verdict::Holds),
            ],
            coverage: TWO_PHASE_ACTIONS
                .iter()
                .zip(steps.iter().zip(distinct))
                .map(|(&name, (&steps, distinct_states))| ActionCoverage {
                    name,
                    steps,
                    distinct_states,
                    disabled: false,
                })
                .collect(),
            stopped: None,
        },
    }
}

/// A broken TwoPhase whose TM commits without waiting for every RM to prepare:
/// TCConsistent fails after three steps. `expect` decides whether that is a pass.
pub(crate) fn invariant_violation(expect: Expect) -> Fixture {
    let mut trace = Trace {
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
    // What TwoPhase says about its steps: the TM broadcasts Commit, r1 receives it.
    let commit = |to: &str| Envelope::new("TM", to, msg("Commit", None)).labelled("Commit");
    let nodes: Vec<String> = ["TM", "r1", "r2"].map(String::from).to_vec();
    let messages = [
        StepMessages::default(),
        StepMessages::by("r2"),
        StepMessages { sent: vec![commit("r1"), commit("r2")], ..StepMessages::by("TM") },
        StepMessages { delivered: vec![commit("r1")], ..StepMessages::by("r1") },
    ];
    for (step, messages) in trace.steps.iter_mut().zip(messages) {
        step.nodes = nodes.clone();
        step.messages = messages;
    }
    trace.steps[1].parameters = vec![("rm", rm("r2"))];
    trace.steps[3].parameters = vec![("rm", rm("r1"))];
    Fixture {
        spec: "specs/twophase-broken-2.cfg",
        source: format!(
            "\\* Two-phase commit with a TM that commits too early (seeded bug)\n\
             MODEL TwoPhaseBroken\n\
             CONSTANTS RM = {{r1, r2}}\n\
             INVARIANTS TPTypeOK TCConsistent\n\
             PROPERTIES Termination\n\
             EXPECT {}\n",
            crate::expect_text(&expect)
        ),
        title: Some("Two-phase commit with a TM that commits too early (seeded bug)"),
        model: "TwoPhaseBroken",
        constants: vec![("RM".to_string(), "{r1, r2}".to_string())],
        expect,
        strategy: "bfs",
        threads: 4,
        seconds: 0.02,
        locations: vec![
            loc("Deadlock", 2, 7),
            loc("TPTypeOK", 4, 12),
            loc("TCConsistent", 4, 21),
            loc("Termination", 5, 12),
        ],
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
                walks: 0,
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
        source: "MODEL TokenRing\nCONSTANTS N = {n1, n2, n3} Rounds = 2\nPROPERTY EventuallyDone\nEXPECT OK\n"
            .to_string(),
        title: None,
        model: "TokenRing",
        constants: vec![("N".to_string(), "{n1, n2, n3}".to_string()), ("Rounds".to_string(), "2".to_string())],
        expect: Expect::Ok,
        strategy: "bfs",
        threads: 1,
        seconds: 0.004,
        locations: vec![loc("EventuallyDone", 3, 10)],
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
                walks: 0,
            },
            checks: vec![check(
                "EventuallyDone",
                CheckKind::Liveness,
                Verdict::Violated(Counterexample::Lasso(Lasso {
                    trace,
                    loop_start: 1,
                    notes: vec!["WF(Pass): taken on the cycle".to_string()],
                })),
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
        source: "\\* Raft leader election, 3 servers\n\
                 MODEL Raft\n\
                 CONSTANTS\n\
                 \x20   Server = {s1, s2, s3}\n\
                 \x20   MaxTerm = 3\n\
                 INVARIANT ElectionSafety\n"
            .to_string(),
        title: Some("Raft leader election, 3 servers"),
        model: "Raft",
        constants: vec![("Server".to_string(), "{s1, s2, s3}".to_string()), ("MaxTerm".to_string(), "3".to_string())],
        expect: Expect::Ok,
        strategy: "dfs",
        threads: 1,
        seconds: 8.0,
        locations: Vec::new(),
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
                walks: 0,
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
        source: "\\* Two-phase commit, 2 resource managers\n\
                 MODEL TwoPhase\n\
                 INVARIANT TCConsistent\n\
                 PROPERTY SomeoneCommits\n\
                 CONSTANTS RM = {r1, r2}\n"
            .to_string(),
        title: Some("Two-phase commit, 2 resource managers"),
        model: "TwoPhase",
        constants: vec![("RM".to_string(), "{r1, r2}".to_string())],
        expect: Expect::Ok,
        strategy: "bfs",
        threads: 1,
        seconds: 0.0,
        locations: vec![loc("TCConsistent", 3, 11), loc("SomeoneCommits", 4, 10)],
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
                walks: 0,
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

/// Checks that `xml` is one well-formed XML element (after an optional
/// declaration): tags nest and match, attribute values are quoted and hold no
/// `<`, every `&` starts a known entity or a character reference, and text
/// holds no `<`. Enough to catch a renderer that forgets to escape.
pub(crate) fn well_formed(xml: &str) -> Result<(), String> {
    let mut rest = xml.trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        rest = after.split_once("?>").ok_or("unterminated declaration")?.1;
    }
    let mut open: Vec<&str> = Vec::new();
    let mut seen_root = false;
    loop {
        let (text, after) = match rest.find('<') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        entities(text)?;
        if open.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root element: {text:?}"));
        }
        if after.is_empty() {
            break;
        }
        let end = after.find('>').ok_or("unterminated tag")?;
        let tag = &after[1..end];
        rest = &after[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let expected = open.pop().ok_or_else(|| format!("closing </{name}> with nothing open"))?;
            if name.trim() != expected {
                return Err(format!("</{name}> closes <{expected}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_')) {
            return Err(format!("bad tag name in <{tag}>"));
        }
        attributes(&tag[name_end..])?;
        if open.is_empty() && seen_root {
            return Err(format!("a second root element <{name}>"));
        }
        seen_root = true;
        if !self_closing {
            open.push(name);
        }
    }
    match open.last() {
        Some(name) => Err(format!("<{name}> is never closed")),
        None if !seen_root => Err("no element".to_string()),
        None => Ok(()),
    }
}

fn attributes(mut text: &str) -> Result<(), String> {
    let mut names = Vec::new();
    loop {
        text = text.trim_start();
        if text.is_empty() {
            return Ok(());
        }
        let (name, after) = text.split_once('=').ok_or_else(|| format!("attribute without a value: {text:?}"))?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) || names.contains(&name) {
            return Err(format!("bad or repeated attribute name {name:?}"));
        }
        names.push(name);
        let quote = after.chars().next().filter(|c| matches!(c, '"' | '\'')).ok_or("unquoted attribute")?;
        let (value, after) = after[1..].split_once(quote).ok_or("unterminated attribute value")?;
        if value.contains('<') {
            return Err(format!("`<` in attribute {name}"));
        }
        entities(value)?;
        text = after;
    }
}

fn entities(text: &str) -> Result<(), String> {
    for (at, _) in text.match_indices('&') {
        let reference = &text[at + 1..];
        let end = reference.find(';').ok_or_else(|| format!("bare & in {text:?}"))?;
        let name = &reference[..end];
        let known = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name.strip_prefix('#').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !known {
            return Err(format!("unknown entity &{name};"));
        }
    }
    Ok(())
}

/// A chart fixture: four nodes, and every kind of arrow the sequence chart
/// draws: a delivery, a broadcast partly delivered, a loss, a duplication
/// delivered twice, a message to itself, one from before the trace, and a
/// crash. The states are only a step counter.
pub(crate) fn message_trace() -> Trace {
    let nodes: Vec<String> = ["c", "s1", "s2", "s3"].map(String::from).to_vec();
    let envelope = |from: &str, to: &str, kind: &str, n: i64| {
        Envelope::new(from, to, Value::record([("type", Value::str(kind)), ("n", Value::Int(n))])).labelled(kind)
    };
    let request = |to: &str| envelope("c", to, "Request", 1);
    let steps: Vec<(&'static str, String, StepMessages)> = vec![
        (
            "Broadcast",
            "Broadcast(c)".into(),
            StepMessages { sent: vec![request("s1"), request("s2"), request("s3")], ..StepMessages::by("c") },
        ),
        (
            "Receive",
            "Receive(s1)".into(),
            StepMessages {
                delivered: vec![request("s1")],
                sent: vec![envelope("s1", "c", "Reply", 1)],
                ..StepMessages::by("s1")
            },
        ),
        ("Lose", "Lose(c, s2)".into(), StepMessages { dropped: vec![request("s2")], ..StepMessages::default() }),
        (
            "Duplicate",
            "Duplicate(s1, c)".into(),
            StepMessages { duplicated: vec![envelope("s1", "c", "Reply", 1)], ..StepMessages::default() },
        ),
        (
            "Receive",
            "Receive(c)".into(),
            StepMessages { delivered: vec![envelope("s1", "c", "Reply", 1)], ..StepMessages::by("c") },
        ),
        (
            "Receive",
            "Receive(c)".into(),
            StepMessages { delivered: vec![envelope("s1", "c", "Reply", 1)], ..StepMessages::by("c") },
        ),
        (
            "Tick",
            "Tick(s3)".into(),
            StepMessages { sent: vec![envelope("s3", "s3", "Timer", 0)], ..StepMessages::by("s3") },
        ),
        (
            "Receive",
            "Receive(s3)".into(),
            StepMessages {
                delivered: vec![envelope("s3", "s3", "Timer", 0), envelope("s2", "s3", "Hello", 0)],
                ..StepMessages::by("s3")
            },
        ),
        ("Crash", "Crash(s3)".into(), StepMessages { crashed: vec!["s3".into()], ..StepMessages::by("s3") }),
    ];
    let mut trace = Trace { steps: vec![step(None, vec![("n", Value::Int(0))])] };
    for (n, (name, label, messages)) in steps.into_iter().enumerate() {
        let mut next = step(Some((name, &label)), vec![("n", Value::Int(n as i64 + 1))]);
        next.messages = messages;
        trace.steps.push(next);
    }
    for step in &mut trace.steps {
        step.nodes = nodes.clone();
    }
    trace
}
