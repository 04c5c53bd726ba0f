//! `Saga`: a saga with compensating transactions (Garcia-Molina and Salem,
//! "Sagas", SIGMOD 1987), run by an orchestrator (a saga execution
//! coordinator) over the shared network and fault layer
//! ([`crate::common::net`]), as microservice sagas run today.
//!
//! # The protocol
//!
//! A saga is a sequence of local transactions `T1 .. Tn`, one per
//! participant (the constant `Step`, in name order), each with a
//! compensating transaction `Ci` that semantically undoes it. The
//! orchestrator (network node 0, `SEC`) sends `Execute` to the first
//! participant; a participant runs its transaction and answers `Done`
//! (`ExecuteStep`: it committed) or `Failed` (`FailStep`: it aborted, so
//! nothing to undo). On `Done` the orchestrator moves to the next step, and
//! after the last the saga has committed. On `Failed` it compensates every
//! step that committed before: it sends `Compensate` to each and waits for
//! every `Compensated` acknowledgement, and the saga has aborted.
//!
//! The orchestrator may also give up waiting (`Timeout`, at any time: the
//! network is asynchronous). It then does not know whether the step it waits
//! for ran, or will run when a late `Execute` arrives, so it compensates that
//! step too. A participant therefore handles:
//!
//! - `Compensate` after its transaction: undo it, once. A duplicated
//!   `Compensate` finds the step compensated and only acknowledges again
//!   (compensation is idempotent).
//! - `Compensate` before its transaction: it records the cancellation (a
//!   tombstone) and acknowledges; an `Execute` that arrives later is
//!   ignored, so the late transaction never runs.
//! - `Execute` again (a duplicate), or after a cancellation: ignored.
//!
//! Each participant's *effect* counts what its transactions did: +1 for a
//! committed `Ti`, -1 for each compensation applied.
//!
//! # Constants
//!
//! - `Step`: the participants, 1 to [`STEP_MAX`] model values, in saga order.
//! - `Bug`: `"None"` (default), `"NonIdempotentCompensation"` or
//!   `"NoCompensateOnTimeout"`.
//! - The network constants `Fifo`, `MaxInFlight`, `Loss`, `Duplication` and
//!   `Partitions` (nothing crashes: `MaxCrashes` and `Restart` are not read).
//!
//! # What is checked
//!
//! - `EffectBounded`: every participant's effect is 0 or 1 (no compensation
//!   applied twice, none without its transaction).
//! - `SagaAtomic`: a committed saga has every step's effect 1, an aborted
//!   saga every step's effect 0 (all committed or all compensated), also
//!   after late messages arrive.
//! - `SagaEnds`: `<>(the saga committed or aborted)`, under fair delivery.
//! - `SomeCommit` and `SomeAbort`: reachability witnesses.
//!
//! # Seeded bugs
//!
//! - `Bug = "NonIdempotentCompensation"`: a compensated participant that
//!   receives `Compensate` again undoes again (a refund paid twice). With one
//!   duplication, the shortest violation of `EffectBounded` takes 6 steps,
//!   for one step or more: `Begin` (1), the first participant commits (2),
//!   the orchestrator times out and sends `Compensate` (3), the network
//!   duplicates it (4), the participant compensates (5) and compensates again
//!   (6), effect -1. A duplicate needs a `Compensate` in flight (3 steps
//!   after a commit), the duplication, and both deliveries.
//! - `Bug = "NoCompensateOnTimeout"`: a timeout compensates only the steps
//!   that answered `Done`, not the one it waited for. The shortest violation
//!   of `SagaAtomic` takes 3 steps: `Begin` (1), the first participant
//!   commits, its `Done` still in flight (2), and the orchestrator times out
//!   with nothing to compensate: the saga aborted while the step committed
//!   (3; or the timeout first and the late `Execute` after). The late
//!   `Done` arrives to an orchestrator that has moved on.
//!
//! # Counts
//!
//! `saga.py` next to this file is an independent transcription in Python;
//! the unit tests pin its counts (distinct / generated / depth): 1 step 22 /
//! 30 / 7, 2 steps 76 / 134 / 11, 3 steps 232 / 534 / 15; with one
//! duplication, 2 steps 556 / 1,405 / 13 and 3 steps 2,459 / 7,850 / 17;
//! with one duplication and one loss, 2 steps 1,357 / 4,188 / 13 and 3 steps
//! 7,466 / 28,160 / 17. It finds the seeded bugs' violations at the lengths
//! above.
//!
//! # Message sequence charts
//!
//! The orchestrator and the participants are nodes.

#[cfg(test)]
mod tests;

use checker::spec::{ConfigError, Constants, Invariant, Model, Property, StateCodec, StepMessages, Value};

use crate::common::net::{Chart, Fault, Faults, Network, NodeId, Packet};

/// The most participants.
pub const STEP_MAX: usize = 6;

/// The orchestrator's node and name.
const SEC: NodeId = 0;
const SEC_NAME: &str = "SEC";

/// Which protocol to run: the saga, or a seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// As described.
    None,
    /// A duplicated `Compensate` undoes twice. Violates `EffectBounded`.
    NonIdempotentCompensation,
    /// A timeout does not compensate the step it waited for. Violates `SagaAtomic`.
    NoCompensateOnTimeout,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "NonIdempotentCompensation", "NoCompensateOnTimeout"];
}

/// Where the orchestrator is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// Not begun.
    #[default]
    Init,
    /// Waiting for step `i`'s answer.
    Running(u8),
    /// Waiting for the acknowledgements of the steps left in the set (bit `i`).
    Compensating(u8),
    /// Every step committed.
    Committed,
    /// Every committed step was compensated.
    Aborted,
}

/// Where a participant is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Step {
    /// Its transaction has not run.
    #[default]
    Idle,
    /// Its transaction committed.
    Done,
    /// Its transaction aborted.
    Failed,
    /// Its transaction committed and was compensated.
    Compensated,
    /// Compensated before its transaction ran: a late `Execute` is ignored.
    Cancelled,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Idle => "idle",
            Step::Done => "done",
            Step::Failed => "failed",
            Step::Compensated => "compensated",
            Step::Cancelled => "cancelled",
        }
    }
}

/// A message between the orchestrator and a participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// Orchestrator to participant: run your transaction.
    Execute,
    /// Participant: my transaction committed.
    Done,
    /// Participant: my transaction aborted.
    Failed,
    /// Orchestrator to participant: compensate.
    Compensate,
    /// Participant: compensated (or nothing to compensate).
    Compensated,
}

impl Message {
    fn name(self) -> &'static str {
        match self {
            Message::Execute => "Execute",
            Message::Done => "Done",
            Message::Failed => "Failed",
            Message::Compensate => "Compensate",
            Message::Compensated => "Compensated",
        }
    }
}

/// A state: the orchestrator, the participants and the network.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SagaState {
    /// The orchestrator.
    pub phase: Phase,
    /// Each participant.
    pub step: [Step; STEP_MAX],
    /// Each participant's effect: +1 per commit, -1 per compensation applied.
    pub effect: [i8; STEP_MAX],
    /// Messages in flight.
    pub net: Network<Message>,
}

/// One step of the model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SagaAction {
    /// The orchestrator starts the saga.
    Begin,
    /// The orchestrator stops waiting for the current step and compensates.
    Timeout,
    /// A participant receives `Execute` and its transaction commits.
    ExecuteStep(Packet<Message>),
    /// A participant receives `Execute` and its transaction aborts.
    FailStep(Packet<Message>),
    /// Any other delivery: `ReceiveDone`, `ReceiveFailed`, `ReceiveCompensate`, `ReceiveCompensated`.
    Deliver(Packet<Message>),
    /// A fault of the network layer.
    Fault(Fault<Message>),
}

/// A saga of `Step` participants run by an orchestrator.
#[derive(Clone, Debug)]
pub struct Saga {
    /// The model values of `Step`; participant `i` is node `i + 1`.
    steps: Vec<String>,
    /// The seeded bug.
    bug: Bug,
    /// The network; nothing crashes.
    faults: Faults,
}

impl Saga {
    /// The constants this model reads besides the network's.
    pub const CONSTANTS: &'static [&'static str] = &["Step", "Bug"];

    const NETWORK: &'static [&'static str] = &["Fifo", "MaxInFlight", "Loss", "Duplication", "Partitions"];

    /// A saga over the named participants (in order), on a network with
    /// `faults` (participants + 1 nodes; crashes are ignored). Panics on
    /// constants `from_constants` rejects.
    pub fn new(steps: Vec<String>, bug: Bug, faults: Faults) -> Saga {
        assert!((1..=STEP_MAX).contains(&steps.len()), "Saga supports 1 to {STEP_MAX} steps");
        assert_eq!(usize::from(faults.nodes), steps.len() + 1, "the network holds the orchestrator and the steps");
        Saga { steps, bug, faults: Faults { max_crashes: 0, ..faults.with_crashable(0) } }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Saga, ConfigError> {
        let mut declared = Self::CONSTANTS.to_vec();
        declared.extend_from_slice(Self::NETWORK);
        constants.expect_only(&declared)?;
        let steps = constants.model_values("Step", 1, STEP_MAX)?;
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "NonIdempotentCompensation" => Bug::NonIdempotentCompensation,
            "NoCompensateOnTimeout" => Bug::NoCompensateOnTimeout,
            _ => Bug::None,
        };
        let faults = Faults::from_constants(constants, steps.len() + 1)?;
        Ok(Saga::new(steps, bug, faults))
    }

    /// The network configuration.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    fn n(&self) -> usize {
        self.steps.len()
    }

    fn node(i: usize) -> NodeId {
        (i + 1) as NodeId
    }

    fn send(&self, to: &mut SagaState, packet: Packet<Message>) -> Option<()> {
        if to.net.room(&self.faults) == 0 {
            return None;
        }
        to.net.send(&self.faults, packet);
        Some(())
    }

    /// The orchestrator compensates the steps of `set`; with none, the saga has aborted.
    fn compensate(&self, to: &mut SagaState, set: u8) -> Option<()> {
        if set == 0 {
            to.phase = Phase::Aborted;
            return Some(());
        }
        to.phase = Phase::Compensating(set);
        for i in 0..self.n() {
            if set >> i & 1 == 1 {
                self.send(to, Packet::new(SEC, Self::node(i), Message::Compensate))?;
            }
        }
        Some(())
    }

    /// The state after `to.net` delivered `p` (for `Execute`, with the
    /// transaction committing if `commit`), or `None` without room.
    fn handle(&self, to: &mut SagaState, p: &Packet<Message>, commit: bool) -> Option<()> {
        if p.to == SEC {
            let i = usize::from(p.from) - 1;
            match (to.phase, p.message) {
                (Phase::Running(r), Message::Done) if usize::from(r) == i => {
                    if i + 1 == self.n() {
                        to.phase = Phase::Committed;
                    } else {
                        to.phase = Phase::Running(r + 1);
                        self.send(to, Packet::new(SEC, Self::node(i + 1), Message::Execute))?;
                    }
                }
                (Phase::Running(r), Message::Failed) if usize::from(r) == i => {
                    // The steps before it committed; it did not.
                    self.compensate(to, ((1u16 << i) - 1) as u8)?;
                }
                (Phase::Compensating(left), Message::Compensated) => {
                    let left = left & !(1 << i);
                    to.phase = if left == 0 { Phase::Aborted } else { Phase::Compensating(left) };
                }
                // Late or duplicated: ignored.
                _ => {}
            }
            return Some(());
        }
        let i = usize::from(p.to) - 1;
        let reply = match (to.step[i], p.message) {
            (Step::Idle, Message::Execute) if commit => {
                to.step[i] = Step::Done;
                to.effect[i] += 1;
                Some(Message::Done)
            }
            (Step::Idle, Message::Execute) => {
                to.step[i] = Step::Failed;
                Some(Message::Failed)
            }
            (Step::Done, Message::Compensate) => {
                to.step[i] = Step::Compensated;
                to.effect[i] -= 1;
                Some(Message::Compensated)
            }
            (Step::Compensated, Message::Compensate) => {
                if self.bug == Bug::NonIdempotentCompensation {
                    to.effect[i] -= 1;
                }
                Some(Message::Compensated)
            }
            (Step::Idle, Message::Compensate) => {
                to.step[i] = Step::Cancelled;
                Some(Message::Compensated)
            }
            (Step::Failed | Step::Cancelled, Message::Compensate) => Some(Message::Compensated),
            // A duplicated or late Execute: ignored.
            _ => None,
        };
        match reply {
            Some(m) => self.send(to, Packet::new(p.to, SEC, m)),
            None => Some(()),
        }
    }

    /// `EffectBounded`.
    pub fn effect_bounded(&self, s: &SagaState) -> bool {
        s.effect[..self.n()].iter().all(|e| (0..=1).contains(e))
    }

    /// `SagaAtomic`.
    pub fn saga_atomic(&self, s: &SagaState) -> bool {
        let effects = &s.effect[..self.n()];
        match s.phase {
            Phase::Committed => effects.iter().all(|&e| e == 1),
            Phase::Aborted => effects.iter().all(|&e| e == 0),
            _ => true,
        }
    }

    /// Whether the saga ended.
    pub fn ended(&self, s: &SagaState) -> bool {
        matches!(s.phase, Phase::Committed | Phase::Aborted)
    }

    fn node_name(&self, n: NodeId) -> String {
        if n == SEC {
            SEC_NAME.to_string()
        } else {
            self.steps[usize::from(n) - 1].clone()
        }
    }

    fn with_chart<T>(&self, f: impl FnOnce(&Chart<'_, Message>) -> T) -> T {
        let node = |n: NodeId| self.node_name(n);
        let message = |m: &Message| Value::record([("type", Value::str(m.name()))]);
        let label = |m: &Message| m.name().to_string();
        f(&Chart { node: &node, message: &message, label: &label })
    }

    fn receive_name(m: &Message) -> &'static str {
        match m {
            Message::Execute => "ReceiveExecute",
            Message::Done => "ReceiveDone",
            Message::Failed => "ReceiveFailed",
            Message::Compensate => "ReceiveCompensate",
            Message::Compensated => "ReceiveCompensated",
        }
    }

    fn phase_value(&self, phase: Phase) -> Value {
        match phase {
            Phase::Init => Value::str("init"),
            Phase::Running(i) => Value::record([
                ("phase", Value::str("running")),
                ("step", Value::model_value(&self.steps[usize::from(i)])),
            ]),
            Phase::Compensating(left) => Value::record([
                ("phase", Value::str("compensating")),
                (
                    "waiting",
                    Value::set(
                        (0..self.n()).filter(|i| left >> i & 1 == 1).map(|i| Value::model_value(&self.steps[i])),
                    ),
                ),
            ]),
            Phase::Committed => Value::str("committed"),
            Phase::Aborted => Value::str("aborted"),
        }
    }
}

impl Model for Saga {
    type State = SagaState;
    type Action = SagaAction;

    fn init(&self, states: &mut Vec<SagaState>) {
        states.push(SagaState {
            phase: Phase::Init,
            step: [Step::Idle; STEP_MAX],
            effect: [0; STEP_MAX],
            net: Network::new(),
        });
    }

    fn next(&self, s: &SagaState, steps: &mut Vec<(SagaAction, SagaState)>) {
        if s.phase == Phase::Init {
            let mut to = s.clone();
            to.phase = Phase::Running(0);
            if self.send(&mut to, Packet::new(SEC, Self::node(0), Message::Execute)).is_some() {
                steps.push((SagaAction::Begin, to));
            }
        }
        if let Phase::Running(r) = s.phase {
            // The steps before `r` answered Done; `r` may have run, unless the bug forgets it.
            let before = ((1u16 << r) - 1) as u8;
            let set = if self.bug == Bug::NoCompensateOnTimeout { before } else { before | 1 << r };
            let mut to = s.clone();
            if self.compensate(&mut to, set).is_some() {
                steps.push((SagaAction::Timeout, to));
            }
        }
        for (i, p) in s.net.deliverable(&self.faults) {
            let execute = p.message == Message::Execute && s.step[usize::from(p.to) - 1] == Step::Idle;
            for commit in if execute { &[true, false][..] } else { &[true][..] } {
                let mut to = s.clone();
                to.net.receive(i);
                if self.handle(&mut to, p, *commit).is_some() {
                    let action = match (execute, commit) {
                        (true, true) => SagaAction::ExecuteStep(*p),
                        (true, false) => SagaAction::FailStep(*p),
                        _ => SagaAction::Deliver(*p),
                    };
                    steps.push((action, to));
                }
            }
        }
        let mut faults = Vec::new();
        s.net.faults(&self.faults, &mut faults);
        for (f, net) in faults {
            let mut to = s.clone();
            to.net = net;
            steps.push((SagaAction::Fault(f), to));
        }
    }

    fn action_name(&self, action: &SagaAction) -> &'static str {
        match action {
            SagaAction::Begin => "Begin",
            SagaAction::Timeout => "Timeout",
            SagaAction::ExecuteStep(_) => "ExecuteStep",
            SagaAction::FailStep(_) => "FailStep",
            SagaAction::Deliver(p) => Self::receive_name(&p.message),
            SagaAction::Fault(f) => f.name(),
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        let mut names = vec!["Begin", "Timeout", "ExecuteStep", "FailStep", "ReceiveExecute", "ReceiveDone"];
        names.extend(["ReceiveFailed", "ReceiveCompensate", "ReceiveCompensated"]);
        if self.faults.any() {
            names.extend_from_slice(Fault::<Message>::NAMES);
        }
        names
    }

    fn format_action(&self, action: &SagaAction) -> String {
        let packet = |name: &str, p: &Packet<Message>| {
            format!("{name}({} <- {}: {})", self.node_name(p.to), self.node_name(p.from), p.message.name())
        };
        match action {
            SagaAction::ExecuteStep(p) => packet("ExecuteStep", p),
            SagaAction::FailStep(p) => packet("FailStep", p),
            SagaAction::Deliver(p) => packet(Self::receive_name(&p.message), p),
            SagaAction::Fault(f) => {
                f.format(usize::from(self.faults.nodes), |n| self.node_name(n), |m| m.name().to_string())
            }
            other => self.action_name(other).to_string(),
        }
    }

    fn action_parameters(&self, action: &SagaAction) -> Vec<(&'static str, Value)> {
        match action {
            SagaAction::ExecuteStep(p) | SagaAction::FailStep(p) | SagaAction::Deliver(p) => vec![
                ("from", Value::model_value(self.node_name(p.from))),
                ("to", Value::model_value(self.node_name(p.to))),
                ("msg", Value::record([("type", Value::str(p.message.name()))])),
            ],
            _ => Vec::new(),
        }
    }

    /// The orchestrator, then the participants.
    fn nodes(&self, _: &SagaState) -> Vec<String> {
        std::iter::once(SEC_NAME.to_string()).chain(self.steps.iter().cloned()).collect()
    }

    fn step_messages(&self, from: &SagaState, action: &SagaAction, to: &SagaState) -> StepMessages {
        self.with_chart(|chart| match action {
            SagaAction::Begin | SagaAction::Timeout => chart.step(Some(SEC), None, &from.net, &to.net),
            SagaAction::ExecuteStep(p) | SagaAction::FailStep(p) | SagaAction::Deliver(p) => {
                chart.step(Some(p.to), Some(p), &from.net, &to.net)
            }
            SagaAction::Fault(f) => chart.fault(&self.faults, f),
        })
    }

    fn variables(&self, s: &SagaState) -> Vec<(&'static str, Value)> {
        let each =
            |f: &dyn Fn(usize) -> Value| Value::map((0..self.n()).map(|i| (Value::model_value(&self.steps[i]), f(i))));
        let mut vars = vec![
            ("sec", self.phase_value(s.phase)),
            ("step", each(&|i| Value::str(s.step[i].name()))),
            ("effect", each(&|i| Value::Int(s.effect[i].into()))),
        ];
        self.with_chart(|chart| vars.extend(chart.variables(&self.faults, &s.net)));
        vars
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("EffectBounded", |m, s| m.effect_bounded(s)),
            Invariant::state("SagaAtomic", |m, s| m.saga_atomic(s)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually("SagaEnds", |m, s| m.ended(s)),
            Property::sometimes("SomeCommit", |_, s: &SagaState| s.phase == Phase::Committed),
            Property::sometimes("SomeAbort", |_, s: &SagaState| s.phase == Phase::Aborted),
        ]
    }
}
