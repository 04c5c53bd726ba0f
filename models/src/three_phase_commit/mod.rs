//! `ThreePhase`: Skeen's three-phase commit ("Nonblocking Commit Protocols",
//! SIGMOD 1981; Skeen and Stonebraker, "A Formal Model of Crash Recovery in a
//! Distributed System", IEEE TSE 1983), the central-site version with its
//! termination protocol, over the shared network and fault layer
//! ([`crate::common::net`]). With `Phases = 2` the same model runs two-phase
//! commit with the cooperative termination protocol, for contrast.
//!
//! # The protocol
//!
//! A coordinator (the TM, network node 0) and the resource managers (RMs,
//! nodes 1 to N) decide whether a transaction commits:
//!
//! 1. `TMBegin`: the TM sends `CanCommit` to every RM. An RM still working
//!    votes `Yes` and becomes *uncertain*; an RM that chose to abort
//!    (`RMChooseToAbort`, before it voted) answers `No`.
//! 2. On the last `Yes` the TM sends `PreCommit` to every RM: everyone voted
//!    yes, so the outcome will be commit. An RM that receives it becomes
//!    *precommitted* and acknowledges (`Ack`). On a `No` the TM aborts and
//!    sends `Abort`.
//! 3. On the last `Ack` the TM commits and sends `DoCommit`; an RM that
//!    receives it commits.
//!
//! The extra round is what makes 3PC non-blocking: no RM commits while
//! another is still uncertain, so an RM that loses the TM can ask the others
//! and decide alone. Timeouts stand in for a failure detector: a node
//! *suspects* another when it is down or unreachable (on the other side of a
//! partition). Then:
//!
//! - `TMAbort`: the TM, waiting for votes, suspects an RM that has not voted
//!   yes, and aborts.
//! - `TMCommit`: the TM, waiting for acknowledgements, has one from every RM
//!   it does not suspect, and commits (the silent RMs were told `PreCommit`,
//!   and a recovering RM would commit).
//! - `Terminate(r)`: RM `r` suspects the TM and is the lowest-numbered RM
//!   it can reach, so it is the group's backup coordinator (decided or not),
//!   and some RM of the group is undecided. It collects the states of the RMs it reaches and decides for
//!   the undecided ones among them (Skeen's termination rule): commit if one
//!   committed, abort if one aborted or never voted, commit if one is
//!   precommitted, and abort if all are uncertain. The last rule is sound
//!   only because no one can have committed while everyone is uncertain.
//!
//! With `Phases = 2` there is no `PreCommit`: the TM commits on the last
//! `Yes`, and the termination rule has no answer when every RM it reaches is
//! uncertain (one may have committed, or the TM may have aborted): the group
//! blocks until the TM is back, which a crashed TM never is.
//!
//! # What the model abstracts
//!
//! The termination protocol is one atomic step, as the backup TM of
//! `2PCwithBTM.tla` (tlaplus/Examples) reads the RMs' states directly: what
//! matters is which states the backup sees, not the messages that carry them.
//! Only the TM crashes, and it never restarts (crash-stop; recovery would
//! need a recovery protocol of its own), so the constant `Restart` is not
//! read. RMs never crash. The failure detector is perfect without partitions
//! (a suspected TM is down) and wrong under one: a node cut off is suspected
//! though it is alive. That is the whole classic story: 3PC assumes a
//! synchronous network where timeouts mean crashes.
//!
//! # Constants
//!
//! - `RM`: the resource managers, 1 to [`RM_MAX`] model values.
//! - `Phases`: 3 (default) or 2.
//! - The network constants of [`crate::common::net`] except `Restart`:
//!   `Fifo`, `MaxInFlight`, `Loss`, `Duplication`, `MaxCrashes` (TM crashes,
//!   at most one matters), `Partitions`.
//!
//! # What is checked
//!
//! - `Consistency`: no RM committed while another aborted (`TCConsistent`).
//! - `Termination`, `<>(every RM committed or aborted)`, under weak fairness
//!   of the protocol's steps (specs list them).
//! - `SomeCommit`, a reachability witness that commit is possible.
//!
//! The contrast the specs show, with 3 RMs unless said otherwise:
//!
//! | protocol | TM crash (`MaxCrashes = 1`) | partition (`Partitions = 1`) |
//! |----------|-----------------------------|------------------------------|
//! | 3PC      | `Termination` holds: the RMs terminate without the TM | `Consistency` fails: one side commits, the other aborts |
//! | 2PC      | `Termination` fails: uncertain RMs block | `Consistency` holds: the uncertain side waits |
//!
//! # The partition counterexample
//!
//! With 2 RMs and one partition, the shortest violation of `Consistency`
//! takes 11 steps, for example: `TMBegin`; both RMs receive `CanCommit` and
//! vote yes (3); the TM receives both votes and sends `PreCommit` (5); `r1`
//! receives it and acknowledges (6); the network splits into
//! `{TM, r1} | {r2}` (7); `r2` suspects the TM and, uncertain, aborts
//! (`Terminate(r2)`, 8); the TM receives `r1`'s `Ack` (9), suspects `r2` and
//! commits (`TMCommit`, 10); `r1` receives `DoCommit` and commits (11). The
//! partition may also come earlier, between the votes. No shorter trace
//! exists: a commit needs every vote at the TM (5 steps), a `PreCommit`
//! received (6), its `Ack` received and the TM's commit (8), and the
//! `DoCommit` received (9); the other side needs the partition and its
//! termination step, which cannot replace any of these. With 3 RMs it takes
//! 13 steps (one more vote sent and received), and with a coordinator crash
//! as well 12: the split falls between RMs, one precommitted RM terminates
//! alone and commits while the other two, uncertain, abort.

//! # Counts
//!
//! `three_phase.py` next to this file is an independent transcription in
//! Python (a plain breadth-first search over tuples); the unit tests pin the
//! counts it prints (distinct / generated / depth): 3PC with 2 RMs 84 / 155
//! / 12, with 3 RMs 894 / 2,742 / 17, with 3 RMs and a coordinator crash
//! 2,105 / 6,768 / 18 (5 RMs, `bench/specs/threephase-crash-5.cfg`:
//! 348,809 / 1,954,946 / 28); 2PC with 3 RMs and a crash 1,982 / 6,576 / 13,
//! with 2 RMs and a partition 640 / 1,718 / 11.

//! # Message sequence charts
//!
//! The TM and the RMs are nodes; each broadcast is one envelope per RM, each
//! vote and acknowledgement one back; a termination step is drawn by its
//! backup and sends nothing.

#[cfg(test)]
mod tests;

use checker::spec::{ConfigError, Constants, Invariant, Model, Property, StateCodec, StepMessages, Value};

use crate::common::net::{self, Chart, Fault, Faults, Network, NodeId, Packet, Restart};

/// The most RMs.
pub const RM_MAX: usize = 7;

/// The TM's node, and its name in traces and charts.
const TM: NodeId = 0;
const TM_NAME: &str = "TM";

/// Where an RM is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum RmState {
    /// It has not voted.
    #[default]
    Working,
    /// It voted yes and waits.
    Uncertain,
    /// It received `PreCommit` (3PC only).
    PreCommitted,
    /// Decided: committed.
    Committed,
    /// Decided: aborted.
    Aborted,
}

impl RmState {
    fn decided(self) -> bool {
        matches!(self, RmState::Committed | RmState::Aborted)
    }

    fn name(self) -> &'static str {
        match self {
            RmState::Working => "working",
            RmState::Uncertain => "uncertain",
            RmState::PreCommitted => "precommitted",
            RmState::Committed => "committed",
            RmState::Aborted => "aborted",
        }
    }
}

/// Where the TM is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum TmPhase {
    /// It has not begun.
    #[default]
    Init,
    /// It sent `CanCommit` and waits for votes.
    Wait,
    /// It sent `PreCommit` and waits for acknowledgements (3PC only).
    PreCommit,
    /// It decided commit.
    Committed,
    /// It decided abort.
    Aborted,
}

impl TmPhase {
    fn name(self) -> &'static str {
        match self {
            TmPhase::Init => "init",
            TmPhase::Wait => "wait",
            TmPhase::PreCommit => "precommit",
            TmPhase::Committed => "committed",
            TmPhase::Aborted => "aborted",
        }
    }
}

/// A message between the TM and an RM; the sender is the packet's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// TM to RM: can you commit?
    CanCommit,
    /// RM to TM: yes.
    Yes,
    /// RM to TM: no.
    No,
    /// TM to RM: everyone voted yes.
    PreCommit,
    /// RM to TM: precommitted.
    Ack,
    /// TM to RM: commit.
    DoCommit,
    /// TM to RM: abort.
    Abort,
}

impl Message {
    fn name(self) -> &'static str {
        match self {
            Message::CanCommit => "CanCommit",
            Message::Yes => "Yes",
            Message::No => "No",
            Message::PreCommit => "PreCommit",
            Message::Ack => "Ack",
            Message::DoCommit => "DoCommit",
            Message::Abort => "Abort",
        }
    }
}

/// A state: the TM, the RMs and the network. Slots beyond the instance's
/// RMs stay `Working`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ThreePhaseState {
    /// The TM's phase.
    pub tm: TmPhase,
    /// The RMs whose `Yes` the TM received (bit `r`).
    pub yes: u8,
    /// The RMs whose `Ack` the TM received (bit `r`).
    pub acked: u8,
    /// Each RM's state.
    pub rm: [RmState; RM_MAX],
    /// Messages in flight, the crashed TM, partitions.
    pub net: Network<Message>,
}

/// One step of the model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThreePhaseAction {
    /// The TM sends `CanCommit` to every RM.
    TMBegin,
    /// The TM, waiting for acknowledgements, commits without those of RMs it suspects.
    TMCommit,
    /// The TM, waiting for votes, aborts because it suspects an RM that has not voted yes.
    TMAbort,
    /// RM `r` aborts before voting.
    RMChooseToAbort(u8),
    /// RM `r`, suspecting the TM, runs the termination protocol for the RMs it reaches.
    Terminate(u8),
    /// A message is delivered; named by the message and receiver: `RMRcvCanCommit`, `TMRcvYes`, ...
    Deliver(Packet<Message>),
    /// A fault of the network layer.
    Fault(Fault<Message>),
}

/// Three-phase (or two-phase) commit over the named RMs.
#[derive(Clone, Debug)]
pub struct ThreePhase {
    /// The model values of `RM`, sorted; RM `r` is node `r + 1`.
    rm: Vec<String>,
    /// `Phases`: 3, or 2 for two-phase commit.
    phases: u8,
    /// The network; only the TM crashes, and never restarts.
    faults: Faults,
}

impl ThreePhase {
    /// The constants this model reads besides the network's.
    pub const CONSTANTS: &'static [&'static str] = &["RM", "Phases"];

    /// The network constants it reads: all but `Restart`.
    const NETWORK: &'static [&'static str] =
        &["Fifo", "MaxInFlight", "Loss", "Duplication", "MaxCrashes", "Partitions"];

    /// The protocol with `phases` (2 or 3) over the named RMs (sorted), on a
    /// network with `faults` (its node count must be RMs + 1). Panics on
    /// constants `from_constants` rejects.
    pub fn new(rm: Vec<String>, phases: u8, faults: Faults) -> ThreePhase {
        assert!((1..=RM_MAX).contains(&rm.len()), "ThreePhase supports 1 to {RM_MAX} RMs");
        assert!(phases == 2 || phases == 3, "Phases is 2 or 3");
        assert_eq!(usize::from(faults.nodes), rm.len() + 1, "the network holds the TM and the RMs");
        let faults = Faults { restart: Restart::Never, ..faults.with_crashable(1 << TM) };
        ThreePhase { rm, phases, faults }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<ThreePhase, ConfigError> {
        let mut declared = Self::CONSTANTS.to_vec();
        declared.extend_from_slice(Self::NETWORK);
        constants.expect_only(&declared)?;
        let rm = constants.model_values("RM", 1, RM_MAX)?;
        let phases = match constants.get("Phases") {
            None => 3,
            Some(_) => constants.int("Phases", 2, 3)? as u8,
        };
        let faults = Faults::from_constants(constants, rm.len() + 1)?;
        Ok(ThreePhase::new(rm, phases, faults))
    }

    /// The network configuration.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    fn rms(&self) -> usize {
        self.rm.len()
    }

    fn all_rms(&self) -> u8 {
        ((1u16 << self.rms()) - 1) as u8
    }

    /// Every RM's node, as a set.
    fn rm_nodes(&self) -> net::NodeSet {
        net::all_nodes(self.rms() + 1) & !(1 << TM)
    }

    fn node(r: usize) -> NodeId {
        (r + 1) as NodeId
    }

    /// Whether node `a` suspects node `b`: `b` is down, or cut off from `a`.
    fn suspects(s: &ThreePhaseState, a: NodeId, b: NodeId) -> bool {
        !s.net.is_up(b) || !s.net.connected(a, b)
    }

    /// The TM sends `message` to every RM, if there is room.
    fn broadcast(&self, to: &mut ThreePhaseState, message: Message) -> Option<()> {
        if to.net.room(&self.faults) < self.rms() {
            return None;
        }
        to.net.broadcast(&self.faults, TM, self.rm_nodes(), &message);
        Some(())
    }

    /// The state after `to.net` delivered `p`, or `None` when handling it
    /// would send more than `MaxInFlight` allows.
    fn handle(&self, to: &mut ThreePhaseState, p: &Packet<Message>) -> Option<()> {
        if p.to == TM {
            let bit = 1u8 << (p.from - 1);
            match (to.tm, p.message) {
                (TmPhase::Wait, Message::Yes) => {
                    to.yes |= bit;
                    if to.yes == self.all_rms() {
                        if self.phases == 3 {
                            to.tm = TmPhase::PreCommit;
                            self.broadcast(to, Message::PreCommit)?;
                        } else {
                            to.tm = TmPhase::Committed;
                            self.broadcast(to, Message::DoCommit)?;
                        }
                    }
                }
                (TmPhase::Wait, Message::No) => {
                    to.tm = TmPhase::Aborted;
                    self.broadcast(to, Message::Abort)?;
                }
                (TmPhase::PreCommit, Message::Ack) => {
                    to.acked |= bit;
                    if to.acked == self.all_rms() {
                        to.tm = TmPhase::Committed;
                        self.broadcast(to, Message::DoCommit)?;
                    }
                }
                // Late or duplicated: ignored.
                _ => {}
            }
            return Some(());
        }
        let r = usize::from(p.to) - 1;
        let reply = match (to.rm[r], p.message) {
            (RmState::Working, Message::CanCommit) => {
                to.rm[r] = RmState::Uncertain;
                Some(Message::Yes)
            }
            (RmState::Aborted, Message::CanCommit) => Some(Message::No),
            (RmState::Uncertain, Message::PreCommit) => {
                to.rm[r] = RmState::PreCommitted;
                Some(Message::Ack)
            }
            (RmState::Uncertain | RmState::PreCommitted, Message::DoCommit) => {
                to.rm[r] = RmState::Committed;
                None
            }
            (RmState::Working | RmState::Uncertain | RmState::PreCommitted, Message::Abort) => {
                to.rm[r] = RmState::Aborted;
                None
            }
            // A decided RM keeps its decision; anything else is late or duplicated.
            _ => None,
        };
        if let Some(reply) = reply {
            if to.net.room(&self.faults) == 0 {
                return None;
            }
            to.net.send(&self.faults, Packet::new(p.to, TM, reply));
        }
        Some(())
    }

    /// The termination protocol run by RM `r`, if it is enabled: the state
    /// after it decides for the undecided RMs it reaches.
    fn terminate(&self, s: &ThreePhaseState, r: usize) -> Option<ThreePhaseState> {
        let me = Self::node(r);
        if !Self::suspects(s, me, TM) {
            return None;
        }
        let group: Vec<usize> = (0..self.rms()).filter(|&g| s.net.connected(me, Self::node(g))).collect();
        // Only the group's lowest RM is its backup coordinator (decided or
        // not: a decided backup tells the others), and only while some RM of
        // the group is undecided.
        if group[0] != r || group.iter().all(|&g| s.rm[g].decided()) {
            return None;
        }
        let states = || group.iter().map(|&g| s.rm[g]);
        let commit = if states().any(|x| x == RmState::Committed) {
            true
        } else if states().any(|x| matches!(x, RmState::Aborted | RmState::Working)) {
            false
        } else if states().any(|x| x == RmState::PreCommitted) {
            true
        } else if self.phases == 3 {
            // Everyone uncertain: no one can have committed.
            false
        } else {
            // 2PC: the TM may have committed or aborted; the group blocks.
            return None;
        };
        let mut to = s.clone();
        for &g in &group {
            if !to.rm[g].decided() {
                to.rm[g] = if commit { RmState::Committed } else { RmState::Aborted };
            }
        }
        Some(to)
    }

    /// `Consistency`: no RM committed while another aborted.
    pub fn consistent(&self, s: &ThreePhaseState) -> bool {
        let rms = &s.rm[..self.rms()];
        !(rms.contains(&RmState::Committed) && rms.contains(&RmState::Aborted))
    }

    /// Some RM committed, for `SomeCommit`.
    pub fn some_committed(&self, s: &ThreePhaseState) -> bool {
        s.rm[..self.rms()].contains(&RmState::Committed)
    }

    /// Every RM decided, for `Termination`.
    pub fn all_decided(&self, s: &ThreePhaseState) -> bool {
        s.rm[..self.rms()].iter().all(|x| x.decided())
    }

    fn node_name(&self, n: NodeId) -> String {
        if n == TM {
            TM_NAME.to_string()
        } else {
            self.rm[usize::from(n) - 1].clone()
        }
    }

    fn with_chart<T>(&self, f: impl FnOnce(&Chart<'_, Message>) -> T) -> T {
        let node = |n: NodeId| self.node_name(n);
        let message = |m: &Message| Value::record([("type", Value::str(m.name()))]);
        let label = |m: &Message| m.name().to_string();
        f(&Chart { node: &node, message: &message, label: &label })
    }

    fn receive_name(p: &Packet<Message>) -> &'static str {
        match p.message {
            Message::CanCommit => "RMRcvCanCommit",
            Message::Yes => "TMRcvYes",
            Message::No => "TMRcvNo",
            Message::PreCommit => "RMRcvPreCommit",
            Message::Ack => "TMRcvAck",
            Message::DoCommit => "RMRcvDoCommit",
            Message::Abort => "RMRcvAbort",
        }
    }

    fn rm_set(&self, set: u8) -> Value {
        Value::set((0..self.rms()).filter(|r| set >> r & 1 == 1).map(|r| Value::model_value(&self.rm[r])))
    }
}

impl Model for ThreePhase {
    type State = ThreePhaseState;
    type Action = ThreePhaseAction;

    fn init(&self, states: &mut Vec<ThreePhaseState>) {
        states.push(ThreePhaseState {
            tm: TmPhase::Init,
            yes: 0,
            acked: 0,
            rm: [RmState::Working; RM_MAX],
            net: Network::new(),
        });
    }

    fn next(&self, s: &ThreePhaseState, steps: &mut Vec<(ThreePhaseAction, ThreePhaseState)>) {
        let tm_up = s.net.is_up(TM);
        if tm_up && s.tm == TmPhase::Init {
            let mut to = s.clone();
            to.tm = TmPhase::Wait;
            if self.broadcast(&mut to, Message::CanCommit).is_some() {
                steps.push((ThreePhaseAction::TMBegin, to));
            }
        }
        let suspected = |r: usize| Self::suspects(s, TM, Self::node(r));
        if tm_up && s.tm == TmPhase::PreCommit {
            let all = (0..self.rms()).all(|r| s.acked >> r & 1 == 1 || suspected(r));
            let mut to = s.clone();
            to.tm = TmPhase::Committed;
            if all && self.broadcast(&mut to, Message::DoCommit).is_some() {
                steps.push((ThreePhaseAction::TMCommit, to));
            }
        }
        if tm_up && s.tm == TmPhase::Wait {
            let any = (0..self.rms()).any(|r| s.yes >> r & 1 == 0 && suspected(r));
            let mut to = s.clone();
            to.tm = TmPhase::Aborted;
            if any && self.broadcast(&mut to, Message::Abort).is_some() {
                steps.push((ThreePhaseAction::TMAbort, to));
            }
        }
        for r in 0..self.rms() {
            if s.rm[r] == RmState::Working {
                let mut to = s.clone();
                to.rm[r] = RmState::Aborted;
                steps.push((ThreePhaseAction::RMChooseToAbort(r as u8), to));
            }
        }
        for r in 0..self.rms() {
            if let Some(to) = self.terminate(s, r) {
                steps.push((ThreePhaseAction::Terminate(r as u8), to));
            }
        }
        for (i, p) in s.net.deliverable(&self.faults) {
            let mut to = s.clone();
            to.net.receive(i);
            if self.handle(&mut to, p).is_some() {
                steps.push((ThreePhaseAction::Deliver(*p), to));
            }
        }
        let mut faults = Vec::new();
        s.net.faults(&self.faults, &mut faults);
        for (f, net) in faults {
            let mut to = s.clone();
            to.net = net;
            steps.push((ThreePhaseAction::Fault(f), to));
        }
    }

    fn action_name(&self, action: &ThreePhaseAction) -> &'static str {
        match action {
            ThreePhaseAction::TMBegin => "TMBegin",
            ThreePhaseAction::TMCommit => "TMCommit",
            ThreePhaseAction::TMAbort => "TMAbort",
            ThreePhaseAction::RMChooseToAbort(_) => "RMChooseToAbort",
            ThreePhaseAction::Terminate(_) => "Terminate",
            ThreePhaseAction::Deliver(p) => Self::receive_name(p),
            ThreePhaseAction::Fault(f) => f.name(),
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        let mut names = vec!["TMBegin", "TMCommit", "TMAbort", "RMChooseToAbort", "Terminate", "RMRcvCanCommit"];
        names.extend(["TMRcvYes", "TMRcvNo"]);
        if self.phases == 3 {
            names.extend(["RMRcvPreCommit", "TMRcvAck"]);
        }
        names.extend(["RMRcvDoCommit", "RMRcvAbort"]);
        if self.faults.any() {
            names.extend_from_slice(Fault::<Message>::NAMES);
        }
        names
    }

    fn format_action(&self, action: &ThreePhaseAction) -> String {
        match action {
            ThreePhaseAction::RMChooseToAbort(r) => format!("RMChooseToAbort({})", self.rm[usize::from(*r)]),
            ThreePhaseAction::Terminate(r) => format!("Terminate({})", self.rm[usize::from(*r)]),
            ThreePhaseAction::Deliver(p) => format!(
                "{}({} <- {}: {})",
                Self::receive_name(p),
                self.node_name(p.to),
                self.node_name(p.from),
                p.message.name()
            ),
            ThreePhaseAction::Fault(f) => {
                f.format(usize::from(self.faults.nodes), |n| self.node_name(n), |m| m.name().to_string())
            }
            other => self.action_name(other).to_string(),
        }
    }

    fn action_parameters(&self, action: &ThreePhaseAction) -> Vec<(&'static str, Value)> {
        match action {
            ThreePhaseAction::RMChooseToAbort(r) | ThreePhaseAction::Terminate(r) => {
                vec![("r", Value::model_value(&self.rm[usize::from(*r)]))]
            }
            ThreePhaseAction::Deliver(p) => vec![
                ("from", Value::model_value(self.node_name(p.from))),
                ("to", Value::model_value(self.node_name(p.to))),
                ("msg", Value::record([("type", Value::str(p.message.name()))])),
            ],
            _ => Vec::new(),
        }
    }

    /// The TM, then the RMs.
    fn nodes(&self, _: &ThreePhaseState) -> Vec<String> {
        std::iter::once(TM_NAME.to_string()).chain(self.rm.iter().cloned()).collect()
    }

    fn step_messages(&self, from: &ThreePhaseState, action: &ThreePhaseAction, to: &ThreePhaseState) -> StepMessages {
        self.with_chart(|chart| match action {
            ThreePhaseAction::TMBegin | ThreePhaseAction::TMCommit | ThreePhaseAction::TMAbort => {
                chart.step(Some(TM), None, &from.net, &to.net)
            }
            ThreePhaseAction::RMChooseToAbort(r) | ThreePhaseAction::Terminate(r) => {
                chart.step(Some(Self::node(usize::from(*r))), None, &from.net, &to.net)
            }
            ThreePhaseAction::Deliver(p) => chart.step(Some(p.to), Some(p), &from.net, &to.net),
            ThreePhaseAction::Fault(f) => chart.fault(&self.faults, f),
        })
    }

    fn variables(&self, s: &ThreePhaseState) -> Vec<(&'static str, Value)> {
        let rm_state =
            Value::map((0..self.rms()).map(|r| (Value::model_value(&self.rm[r]), Value::str(s.rm[r].name()))));
        let mut vars = vec![("rmState", rm_state), ("tmState", Value::str(s.tm.name())), ("tmYes", self.rm_set(s.yes))];
        if self.phases == 3 {
            vars.push(("tmAcked", self.rm_set(s.acked)));
        }
        self.with_chart(|chart| vars.extend(chart.variables(&self.faults, &s.net)));
        vars
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("Consistency", |m, s| m.consistent(s))]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually("Termination", |m, s| m.all_decided(s)),
            Property::sometimes("SomeCommit", |m, s| m.some_committed(s)),
        ]
    }
}
