//! The result of a run, as plain data: statistics, one verdict per checked item,
//! and coverage. Traces hold states as named [`Value`]s, so renderers need no
//! knowledge of the model's Rust types.

use crate::model::StepMessages;
use crate::value::Value;

/// Everything a run found.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Counts, as TLC defines them.
    pub stats: Stats,
    /// One entry per checked item, in the order: deadlock, invariants, properties.
    pub checks: Vec<Check>,
    /// Per-action coverage, in the model's `action_names` order.
    pub coverage: Vec<ActionCoverage>,
    /// Why the run ended early, if it did (a limit, or a violation found).
    pub stopped: Option<StopReason>,
}

impl Outcome {
    /// The check with the given name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// Statistics, as TLC defines them.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Initial states (distinct).
    pub initial_states: u64,
    /// Every state computed: initial states plus every successor `next` emitted,
    /// duplicates included.
    pub generated_states: u64,
    /// Distinct states found (after symmetry reduction).
    pub distinct_states: u64,
    /// Length of the longest shortest path, counting initial states as depth 1
    /// (TLC's "depth of the complete state graph search"). For DFS, the deepest
    /// stack; for simulation, the longest walk.
    pub depth: u32,
    /// States found but not yet expanded when the run ended.
    pub queue_states: u64,
    /// Estimated probability that a fingerprint collision hid a state:
    /// `n * (generated - n) / 2^bits` for `n` distinct states, TLC's "optimistic" estimate.
    /// With liveness, the behaviour graph's estimate (its states among its
    /// fingerprint lookups) is added.
    pub collision_probability: f64,
    /// Bytes of the fingerprint store when the run ended.
    pub store_bytes: u64,
    /// Fingerprint width in bits.
    pub fingerprint_bits: u32,
    /// Random walks started (simulation only; 0 for the searches). The steps
    /// the walks took are the actions' coverage steps, summed.
    pub walks: u64,
}

impl Stats {
    /// Engine memory per distinct state (the store; the frontier is excluded).
    pub fn bytes_per_state(&self) -> f64 {
        if self.distinct_states == 0 {
            0.0
        } else {
            self.store_bytes as f64 / self.distinct_states as f64
        }
    }
}

/// One checked item and its verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The name from the spec (`TCConsistent`), or `Deadlock`.
    pub name: String,
    /// What kind of item.
    pub kind: CheckKind,
    /// What the run established.
    pub verdict: Verdict,
}

/// The kinds of checked items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// Freedom from deadlock.
    Deadlock,
    /// A state invariant `[]P`.
    Invariant,
    /// A step invariant `[][A]_vars`.
    StepInvariant,
    /// A reachability witness `Sometimes P`.
    Sometimes,
    /// A temporal property.
    Liveness,
}

impl CheckKind {
    /// A short noun for outputs.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Deadlock => "deadlock",
            CheckKind::Invariant => "invariant",
            CheckKind::StepInvariant => "step invariant",
            CheckKind::Sometimes => "sometimes",
            CheckKind::Liveness => "property",
        }
    }
}

/// What a run established about one item.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Holds on the whole reachable state space.
    Holds,
    /// Violated; the counterexample has been replayed through `next`.
    Violated(Counterexample),
    /// A `Sometimes` witness: a trace to a state satisfying the predicate.
    Witnessed(Trace),
    /// Not established: the run stopped before it could tell.
    Unknown(StopReason),
}

/// A counterexample.
#[derive(Clone, Debug, PartialEq)]
pub enum Counterexample {
    /// A finite trace ending in the violating state (or step).
    Trace(Trace),
    /// A lasso: a finite prefix, then a cycle back to the state `cycle_start`.
    Lasso(Lasso),
}

impl Counterexample {
    /// The number of states shown.
    pub fn len(&self) -> usize {
        match self {
            Counterexample::Trace(t) => t.steps.len(),
            Counterexample::Lasso(l) => l.trace.steps.len(),
        }
    }

    /// Whether the counterexample has no states (never, for a real one).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The steps shown.
    pub fn trace(&self) -> &Trace {
        match self {
            Counterexample::Trace(t) => t,
            Counterexample::Lasso(l) => &l.trace,
        }
    }
}

/// A behaviour ending in a cycle: `trace.steps[loop_start..]` repeats forever,
/// the last step leading back to `trace.steps[loop_start]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lasso {
    /// Prefix and cycle, as one list of steps.
    pub trace: Trace,
    /// Index of the first state of the cycle.
    pub loop_start: usize,
    /// How the cycle meets each fairness condition, and the actions it never
    /// takes: why this behaviour is fair and still violates the property.
    pub notes: Vec<String>,
}

/// A finite behaviour: an initial state then one state per step.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Trace {
    /// The states; the first has no action.
    pub steps: Vec<TraceStep>,
}

/// One state of a trace and the action that led to it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStep {
    /// The action taken to reach this state; `None` for the initial state.
    pub action: Option<TraceAction>,
    /// The state's variables.
    pub state: Vec<(&'static str, Value)>,
    /// The action's parameters by name ([`crate::spec::Model::action_parameters`]);
    /// empty for the initial state.
    pub parameters: Vec<(&'static str, Value)>,
    /// The nodes in this state ([`crate::spec::Model::nodes`]), the lifelines
    /// of a message sequence chart; empty when the model names none.
    pub nodes: Vec<String>,
    /// Who took the step to this state and which messages it sent and
    /// delivered ([`crate::spec::Model::step_messages`]); empty for the initial state.
    pub messages: StepMessages,
}

/// An action as shown in a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceAction {
    /// The `Next` disjunct: `RMPrepare`.
    pub name: &'static str,
    /// With parameters: `RMPrepare(r2)`.
    pub label: String,
}

/// Why a run ended before exploring everything, or why a verdict is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopReason {
    /// `states_max` distinct states reached.
    StatesLimit,
    /// States at `depth_max` were not expanded.
    DepthLimit,
    /// The deadline passed.
    TimeLimit,
    /// Memory (the resident set the probe reads, or the engine's estimate)
    /// passed `memory_bytes_max`, or a growth would have.
    MemoryLimit,
    /// Another item was violated and the run stopped there (TLC's default).
    StoppedAtViolation,
    /// Random simulation never proves an item.
    Simulation,
    /// The caller raised the interrupt flag (Ctrl-C).
    Interrupted,
    /// The constraints cut every fair behaviour, so liveness would hold vacuously.
    Vacuous,
    /// The spec checks nothing (no invariant, no property, no deadlock check)
    /// and does not say `EXPECT OK`: a run that establishes nothing is no pass.
    NothingChecked,
}

impl StopReason {
    /// A sentence fragment for outputs: "state limit reached".
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::StatesLimit => "state limit reached",
            StopReason::DepthLimit => "depth limit reached",
            StopReason::TimeLimit => "time limit reached",
            StopReason::MemoryLimit => "memory limit reached",
            StopReason::StoppedAtViolation => "run stopped at another violation",
            StopReason::Simulation => "simulation does not explore every state",
            StopReason::Interrupted => "interrupted",
            StopReason::Vacuous => "the constraints cut every fair behaviour, so liveness would hold vacuously",
            StopReason::NothingChecked => "the spec checks nothing: add INVARIANTS or PROPERTIES, or write EXPECT OK",
        }
    }
}

/// How often one `Next` disjunct fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionCoverage {
    /// The disjunct.
    pub name: &'static str,
    /// Steps of this action generated from expanded states (TLC's "generated").
    pub steps: u64,
    /// Distinct states first reached by this action (TLC's "distinct").
    pub distinct_states: u64,
    /// Whether the spec's constants switch the action off
    /// ([`crate::spec::Model::disabled_actions`]), so that it cannot fire.
    pub disabled: bool,
}

/// How an outcome compares with what the check spec expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Every expectation met: exit code 0.
    Met,
    /// Something other than what was expected happened.
    Failed(Failure),
    /// The run stopped before it could tell.
    Incomplete(StopReason),
}

/// The ways a run can fail its expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An unexpected deadlock.
    Deadlock,
    /// An unexpected invariant or step-invariant violation.
    Invariant(String),
    /// An unexpected property violation (temporal, or a `Sometimes` never witnessed).
    Property(String),
    /// The expected violation was not found: the item holds.
    ExpectedViolationNotFound(String),
}

/// Judges `outcome` against the spec's `EXPECT`; `expect_written` says whether
/// the spec writes its `EXPECT` line ([`crate::SpecFile::expect_written`]).
///
/// An expected violation is met only when that item is violated and no other
/// item is: a seeded-bug spec that trips a second invariant is a failure. A
/// run that checks nothing (no invariant, no property, no deadlock check) is
/// [`StopReason::NothingChecked`] unless the spec writes `EXPECT OK`, since a
/// spec that proves nothing must not pass silently.
pub fn judge(outcome: &Outcome, expect: &crate::config::Expect, expect_written: bool) -> Judgement {
    use crate::config::Expect;
    let expected: Option<&str> = match expect {
        Expect::Ok => None,
        Expect::Violation(named) => Some(named.name.as_str()),
        Expect::Deadlock => Some("Deadlock"),
    };
    let mut expected_found = false;
    let mut unknown = None;
    for check in &outcome.checks {
        match &check.verdict {
            Verdict::Violated(_) if Some(check.name.as_str()) == expected => expected_found = true,
            Verdict::Violated(_) => {
                return Judgement::Failed(match check.kind {
                    CheckKind::Deadlock => Failure::Deadlock,
                    CheckKind::Invariant | CheckKind::StepInvariant => Failure::Invariant(check.name.clone()),
                    CheckKind::Sometimes | CheckKind::Liveness => Failure::Property(check.name.clone()),
                })
            }
            Verdict::Unknown(reason) if Some(check.name.as_str()) == expected || expected.is_none() => {
                unknown = unknown.or(Some(*reason))
            }
            Verdict::Holds | Verdict::Witnessed(_) | Verdict::Unknown(_) => {}
        }
    }
    // A run that a limit stopped proved nothing, even when it checked nothing
    // (no invariant, no property, no deadlock check) that could say unknown.
    let stopped_early = outcome.stopped.filter(|reason| *reason != StopReason::StoppedAtViolation);
    match (expected, expected_found, unknown.or(stopped_early)) {
        (Some(_), true, _) => Judgement::Met,
        (_, _, Some(reason)) => Judgement::Incomplete(reason),
        (Some(name), false, None) => Judgement::Failed(Failure::ExpectedViolationNotFound(name.to_string())),
        (None, _, None) if outcome.checks.is_empty() && !expect_written => {
            Judgement::Incomplete(StopReason::NothingChecked)
        }
        (None, _, None) => Judgement::Met,
    }
}
