//! A causally consistent key-value store over causal broadcast with vector
//! clocks: Ahamad, Neiger, Burns, Kohli and Hutto, "Causal memory:
//! definitions, implementation, and programming" (Distributed Computing 9,
//! 1995), with the delivery rule of Birman, Schiper and Stephenson's causal
//! broadcast ("Lightweight causal and atomic group multicast", TOCS 1991) and
//! vector clocks (Fidge 1988, Mattern 1989).
//!
//! # The protocol
//!
//! Each replica holds a full copy of the store and serves one client session
//! (the client is the replica's own process, as in Ahamad et al.). Reads and
//! writes are local and return at once: a `Read(r, k)` returns `r`'s copy of
//! key `k`; a `Write(r, k)` updates `r`'s copy, ticks `r`'s entry of its
//! vector clock and broadcasts an `Update(k, v, stamp)` carrying the clock to
//! every other replica. Replica `j` delivers an update from `i` with stamp
//! `t` only when it is the next one from `i` (`t[i] = vc_j[i] + 1`) and `j`
//! has delivered everything `i` had delivered when it wrote (`t[m] <=
//! vc_j[m]` for every other `m`); until then the update waits in the network.
//! Delivering applies the write to `j`'s copy and sets `vc_j[i] = t[i]`. An
//! update already delivered (`t[i] <= vc_j[i]`: a duplicate) is consumed and
//! ignored. So every replica applies the writes in an order that extends the
//! causal order, and every read is explained by its causal past: the clients'
//! history is causally consistent.
//!
//! Concurrent writes of one key may be applied in different orders at
//! different replicas, which then disagree for ever: causal consistency does
//! not promise convergence (that is causal+ consistency, COPS's, which adds a
//! last-writer-wins rule). The model does not claim it.
//!
//! Write `k` of replica `r` writes the value `r * Ops + k + 1`, so every write
//! is distinct and a read names the write it saw. Values and clock entries
//! stay below `Ops + 1`, so the state space is finite without a constraint.
//!
//! # The network
//!
//! The shared fault layer, [`crate::common::net`]: by default a bag (any
//! update in flight may arrive next, so they overtake each other) with the
//! layer's fault knobs. A lost update blocks every later update of its sender
//! at every replica that missed it (causal broadcast assumes reliable
//! channels): nothing unsafe, but `EventualDelivery` fails. A duplicate is
//! ignored. A crashed replica keeps its state (`Restart = "Amnesia"` is
//! refused: a replica would reuse its clock entries).
//!
//! # Constants
//!
//! - `Replica`: the replicas, 2 to 4 model values (`{r1, r2, r3}`).
//! - `Key`: the keys, 1 to 4 model values (`{x, y}`).
//! - `Ops`: the operations (reads or writes) each replica's client does, 1 to 8
//!   (at most 32 in all).
//! - `Bug`: `"None"`, `"LamportClocks"` or `"NoDependencyCheck"`, below.
//! - The network's: `Fifo`, `MaxInFlight`, `Loss`, `Duplication`,
//!   `MaxCrashes`, `Restart`, `Partitions`.
//!
//! # What is checked
//!
//! - `CausallyConsistent`: the clients' history is causally consistent,
//!   checked by [`crate::common::causal`] from the history alone.
//! - `EventualDelivery`, `<>[]` no update in flight, under `\A m :
//!   WF(Receive(m))`: no update waits for ever for one it depends on.
//! - `AllDelivered`, a reachability witness: every client has done all its
//!   operations, each has written at least once, and every update has been
//!   delivered.
//!
//! # Seeded bugs
//!
//! - `"NoDependencyCheck"`: a replica applies an update as soon as it
//!   arrives, merging the clocks. With two replicas and a bag, `r1` writes
//!   `x` then `y`; the update of `y` overtakes that of `x`; `r2` reads the new
//!   `y` and then the initial `x`, a write its read of `y` depends on:
//!   `CausallyConsistent` fails after 5 steps.
//! - `"LamportClocks"`: one Lamport timestamp in place of the vector. A
//!   write ticks it, a delivery takes the maximum, and a replica delivers an
//!   update stamped `t` once its own clock is at least `t - 1`, the scalar
//!   form of "the next one". A timestamp cannot tell a missing causal
//!   predecessor from a concurrent write: `r1` writes `x` (stamp 1) and `y`
//!   (stamp 2); `r2` writes `y` concurrently, which takes its clock to 1, so
//!   `y`'s update stamped 2 looks next and is delivered before `x`'s; `r2`
//!   reads `y = 2`, then the initial `x`: `CausallyConsistent` fails after 6
//!   steps.

#[cfg(test)]
mod tests;

use checker::spec::{ConfigError, Constants, Invariant, Model, Predicate, Property, StateCodec, StepMessages, Value};

use crate::common::causal::causally_consistent;
use crate::common::linearizability::{Call, History, Key, Memo, Val, KEYS_MAX, OPS_MAX};
use crate::common::net::{Chart, Fault, Faults, Network, NodeId, Packet, Restart};

/// The most replicas.
pub const REPLICAS_MAX: usize = 4;

/// A vector clock, one entry per replica; a Lamport clock uses entry 0 only.
pub type Clock = [u8; REPLICAS_MAX];

/// A seeded bug (constant `Bug`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// The protocol as documented.
    None,
    /// A scalar Lamport clock instead of a vector clock.
    LamportClocks,
    /// Updates are applied on arrival, without waiting for their dependencies.
    NoDependencyCheck,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "LamportClocks", "NoDependencyCheck"];
}

/// A replica's copy of the store and its clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Replica {
    /// The value of each key (the slots beyond `|Key|` stay 0).
    pub store: [Val; KEYS_MAX],
    /// `vc[i]`: how many of `i`'s writes this replica has delivered (its own
    /// included); under `LamportClocks`, `vc[0]` is the Lamport clock.
    pub vc: Clock,
}

/// The broadcast of one write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Update {
    /// The key written.
    pub key: Key,
    /// The value written.
    pub value: Val,
    /// The writer's clock just after the write.
    pub stamp: Clock,
}

/// A state of the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CausalState {
    /// Replica `r` is `replicas[r]`, for `r` below `|Replica|`.
    pub replicas: [Replica; REPLICAS_MAX],
    /// The updates in flight and the faults' state.
    pub network: Network<Update>,
    /// The clients' operations; client `r` is replica `r`'s session.
    pub history: History,
}

/// One step of `Next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CausalAction {
    /// `Read(r, k)`: `r`'s client reads `k` from `r`'s copy.
    Read {
        /// The replica.
        replica: u8,
        /// The key.
        key: Key,
    },
    /// `Write(r, k)`: `r`'s client writes its next value to `k`, and `r` broadcasts it.
    Write {
        /// The replica.
        replica: u8,
        /// The key.
        key: Key,
    },
    /// `Receive(m)`: `m.to` delivers the update `m`, or ignores it as a duplicate.
    Receive(Packet<Update>),
    /// A fault step of the network.
    Fault(Fault<Update>),
}

/// The causally consistent store over `|Replica|` replicas.
#[derive(Debug)]
pub struct CausalStore {
    replicas: Vec<String>,
    keys: Vec<String>,
    ops: u8,
    bug: Bug,
    faults: Faults,
    verdicts: Memo,
}

impl CausalStore {
    /// The constants the model reads besides the network's.
    const CONSTANTS: &'static [&'static str] = &["Replica", "Key", "Ops", "Bug"];

    /// A store over the named replicas and keys, each client doing `ops`
    /// operations, over the network `faults` describes (one node per replica).
    pub fn new(replicas: Vec<String>, keys: Vec<String>, ops: usize, bug: Bug, faults: Faults) -> CausalStore {
        assert!((2..=REPLICAS_MAX).contains(&replicas.len()), "2 to {REPLICAS_MAX} replicas");
        assert!((1..=KEYS_MAX).contains(&keys.len()), "1 to {KEYS_MAX} keys");
        assert!((1..=8).contains(&ops) && replicas.len() * ops <= OPS_MAX, "1 to 8 operations each, {OPS_MAX} in all");
        assert_eq!(usize::from(faults.nodes), replicas.len(), "one network node per replica");
        assert!(faults.restart != Restart::Amnesia, "replicas keep their state across restarts");
        CausalStore { replicas, keys, ops: ops as u8, bug, faults, verdicts: Memo::new() }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<CausalStore, ConfigError> {
        let declared: Vec<&str> = Self::CONSTANTS.iter().chain(Faults::CONSTANTS).copied().collect();
        constants.expect_only(&declared)?;
        let replicas = constants.model_values("Replica", 2, REPLICAS_MAX)?;
        let keys = constants.model_values("Key", 1, KEYS_MAX)?;
        let ops = constants.int("Ops", 1, (OPS_MAX / replicas.len()).min(8) as i64)? as usize;
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "LamportClocks" => Bug::LamportClocks,
            "NoDependencyCheck" => Bug::NoDependencyCheck,
            _ => Bug::None,
        };
        let faults = Faults::from_constants(constants, replicas.len())?;
        if let (Restart::Amnesia, Some(restart)) = (faults.restart, constants.get("Restart")) {
            return Err(ConfigError::BadConstant {
                span: restart.span,
                name: restart.name.clone(),
                message: "replicas keep their store and clock across a restart (\"Persistent\" or \"Never\"); with \
                          \"Amnesia\" a replica would reuse its clock entries"
                    .to_string(),
            });
        }
        Ok(CausalStore::new(replicas, keys, ops, bug, faults))
    }

    fn replica_ids(&self) -> impl Iterator<Item = u8> {
        0..self.replicas.len() as u8
    }

    fn replica_name(&self, r: NodeId) -> &str {
        &self.replicas[usize::from(r)]
    }

    fn key_ids(&self) -> impl Iterator<Item = Key> {
        0..self.keys.len() as Key
    }

    /// Whether replica `to` may deliver `update` from `from` now: `Some(true)`
    /// to apply it, `Some(false)` to consume it as a duplicate, `None` while
    /// it must wait.
    fn delivery(&self, vc: &Clock, from: u8, update: &Update) -> Option<bool> {
        let t = &update.stamp;
        let i = usize::from(from);
        match self.bug {
            Bug::None if t[i] <= vc[i] => Some(false),
            Bug::None => {
                let next = t[i] == vc[i] + 1;
                let deps = (0..self.replicas.len()).all(|m| m == i || t[m] <= vc[m]);
                (next && deps).then_some(true)
            }
            Bug::LamportClocks => (t[0] <= vc[0] + 1).then_some(true),
            Bug::NoDependencyCheck => Some(true),
        }
    }

    /// `CausallyConsistent`.
    pub fn is_causally_consistent(&self, s: &CausalState) -> bool {
        self.verdicts.get(&s.history, |h| causally_consistent(h, 0))
    }

    /// Every client done, each having written at least once, and no update
    /// in flight.
    pub fn all_delivered(&self, s: &CausalState) -> bool {
        let wrote = |c: usize| {
            let slots = c * usize::from(self.ops)..(c + 1) * usize::from(self.ops);
            s.history.ops()[slots].iter().any(|op| matches!(op.call, Some(Call::Write(..))))
        };
        s.history.complete() && s.network.is_empty() && (0..self.replicas.len()).all(wrote)
    }

    fn clock_value(&self, vc: &Clock) -> Value {
        match self.bug {
            Bug::LamportClocks => Value::Int(i64::from(vc[0])),
            _ => Value::Seq(vc[..self.replicas.len()].iter().map(|&c| Value::Int(i64::from(c))).collect()),
        }
    }

    fn update_value(&self, u: &Update) -> Value {
        Value::record([
            ("key", Value::model_value(self.keys[usize::from(u.key)].as_str())),
            ("value", Value::Int(i64::from(u.value))),
            ("stamp", self.clock_value(&u.stamp)),
        ])
    }

    fn update_label(&self, u: &Update) -> String {
        format!("Update({}, {}, {})", self.keys[usize::from(u.key)], u.value, self.clock_value(&u.stamp))
    }

    fn with_chart<R>(&self, f: impl FnOnce(&Chart<'_, Update>) -> R) -> R {
        let node = |n: NodeId| self.replica_name(n).to_string();
        let message = |u: &Update| self.update_value(u);
        let label = |u: &Update| self.update_label(u);
        f(&Chart { node: &node, message: &message, label: &label })
    }
}

impl Model for CausalStore {
    type State = CausalState;
    type Action = CausalAction;

    /// Every key 0 everywhere, every clock zero, nothing in flight.
    fn init(&self, states: &mut Vec<CausalState>) {
        states.push(CausalState {
            replicas: [Replica::default(); REPLICAS_MAX],
            network: Network::new(),
            history: History::new(self.replicas.len(), usize::from(self.ops)),
        });
    }

    /// `Next`: each up replica's reads and writes (a write only with room
    /// for its broadcast), then each deliverable update, then the faults.
    fn next(&self, s: &CausalState, steps: &mut Vec<(CausalAction, CausalState)>) {
        let others = self.replicas.len() - 1;
        for r in self.replica_ids().filter(|&r| s.network.is_up(r)) {
            let client = usize::from(r);
            if !s.history.can_invoke(client) {
                continue;
            }
            let replica = &s.replicas[client];
            for key in self.key_ids() {
                let mut next = s.clone();
                let value = replica.store[usize::from(key)];
                next.history.invoke_untimed(client, Call::Read(key));
                next.history.respond(client, value);
                steps.push((CausalAction::Read { replica: r, key }, next));
            }
            if s.network.room(&self.faults) < others {
                continue;
            }
            for key in self.key_ids() {
                let mut next = s.clone();
                let value = r * self.ops + s.history.invoked(client) as u8 + 1;
                next.history.invoke_untimed(client, Call::Write(key, value));
                next.history.respond(client, value);
                let writer = &mut next.replicas[client];
                writer.store[usize::from(key)] = value;
                match self.bug {
                    Bug::LamportClocks => writer.vc[0] += 1,
                    _ => writer.vc[client] += 1,
                }
                let update = Update { key, value, stamp: writer.vc };
                let all = (1 << self.replicas.len()) - 1;
                next.network.broadcast(&self.faults, r, all, &update);
                steps.push((CausalAction::Write { replica: r, key }, next));
            }
        }
        for (index, packet) in s.network.deliverable(&self.faults) {
            let to = usize::from(packet.to);
            let Some(apply) = self.delivery(&s.replicas[to].vc, packet.from, &packet.message) else { continue };
            let mut next = s.clone();
            next.network.receive(index);
            if apply {
                let u = &packet.message;
                let receiver = &mut next.replicas[to];
                receiver.store[usize::from(u.key)] = u.value;
                for (mine, theirs) in receiver.vc.iter_mut().zip(u.stamp) {
                    *mine = (*mine).max(theirs);
                }
            }
            steps.push((CausalAction::Receive(*packet), next));
        }
        let mut faults = Vec::new();
        s.network.faults(&self.faults, &mut faults);
        for (fault, network) in faults {
            steps.push((CausalAction::Fault(fault), CausalState { network, ..s.clone() }));
        }
    }

    fn action_name(&self, action: &CausalAction) -> &'static str {
        match action {
            CausalAction::Read { .. } => "Read",
            CausalAction::Write { .. } => "Write",
            CausalAction::Receive(_) => "Receive",
            CausalAction::Fault(fault) => fault.name(),
        }
    }

    /// `Read`, `Write`, `Receive`, then the faults whose budget is not zero.
    fn action_names(&self) -> Vec<&'static str> {
        let f = &self.faults;
        let mut names = vec!["Read", "Write", "Receive"];
        let enabled = [
            f.loss > 0,
            f.duplication > 0,
            f.max_crashes > 0,
            f.max_crashes > 0 && f.restart != Restart::Never,
            f.partitions > 0,
            f.partitions > 0,
        ];
        names.extend(Fault::<Update>::NAMES.iter().zip(enabled).filter(|(_, on)| *on).map(|(n, _)| *n));
        names
    }

    fn format_action(&self, action: &CausalAction) -> String {
        match action {
            CausalAction::Read { replica, key } | CausalAction::Write { replica, key } => {
                format!(
                    "{}({}, {})",
                    self.action_name(action),
                    self.replica_name(*replica),
                    self.keys[usize::from(*key)]
                )
            }
            CausalAction::Receive(p) => {
                format!(
                    "Receive({} -> {}: {})",
                    self.replica_name(p.from),
                    self.replica_name(p.to),
                    self.update_label(&p.message)
                )
            }
            CausalAction::Fault(fault) => {
                fault.format(self.replicas.len(), |n| self.replica_name(n).to_string(), |u| self.update_label(u))
            }
        }
    }

    fn action_parameters(&self, action: &CausalAction) -> Vec<(&'static str, Value)> {
        let packet = |p: &Packet<Update>| {
            Value::record([
                ("from", Value::model_value(self.replica_name(p.from))),
                ("to", Value::model_value(self.replica_name(p.to))),
                ("msg", self.update_value(&p.message)),
            ])
        };
        match action {
            CausalAction::Read { replica, key } | CausalAction::Write { replica, key } => vec![
                ("replica", Value::model_value(self.replica_name(*replica))),
                ("key", Value::model_value(self.keys[usize::from(*key)].as_str())),
            ],
            CausalAction::Receive(p) => vec![("message", packet(p))],
            CausalAction::Fault(Fault::Drop(p) | Fault::Duplicate(p)) => vec![("message", packet(p))],
            CausalAction::Fault(Fault::Crash(n) | Fault::Restart(n)) => {
                vec![("replica", Value::model_value(self.replica_name(*n)))]
            }
            CausalAction::Fault(Fault::Partition(_) | Fault::Heal) => Vec::new(),
        }
    }

    fn nodes(&self, _: &CausalState) -> Vec<String> {
        self.replicas.clone()
    }

    fn step_messages(&self, from: &CausalState, action: &CausalAction, to: &CausalState) -> StepMessages {
        self.with_chart(|chart| match action {
            CausalAction::Read { replica, .. } => StepMessages::by(self.replica_name(*replica)),
            CausalAction::Write { replica, .. } => chart.step(Some(*replica), None, &from.network, &to.network),
            CausalAction::Receive(p) => chart.step(Some(p.to), Some(p), &from.network, &to.network),
            CausalAction::Fault(fault) => chart.fault(&self.faults, fault),
        })
    }

    fn variables(&self, s: &CausalState) -> Vec<(&'static str, Value)> {
        let live = &s.replicas[..self.replicas.len()];
        let per_replica = |value: &dyn Fn(&Replica) -> Value| {
            Value::map(
                live.iter()
                    .enumerate()
                    .map(|(r, replica)| (Value::model_value(self.replicas[r].as_str()), value(replica))),
            )
        };
        let store = |replica: &Replica| {
            Value::map(self.key_ids().map(|k| {
                (
                    Value::model_value(self.keys[usize::from(k)].as_str()),
                    Value::Int(i64::from(replica.store[usize::from(k)])),
                )
            }))
        };
        let mut variables = vec![
            ("store", per_replica(&store)),
            (if self.bug == Bug::LamportClocks { "lamport" } else { "vc" }, per_replica(&|r| self.clock_value(&r.vc))),
            ("history", s.history.value(|c| self.replicas[c].clone())),
        ];
        variables.extend(self.with_chart(|chart| chart.variables(&self.faults, &s.network)));
        variables
    }

    fn state_codec(&self) -> Option<StateCodec<CausalState>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("CausallyConsistent", |m, s| m.is_causally_consistent(s))]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually_always("EventualDelivery", |_, s: &CausalState| s.network.is_empty()),
            Property::sometimes("AllDelivered", |m, s| m.all_delivered(s)),
        ]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![Predicate::new("AllDelivered", |m, s| m.all_delivered(s))]
    }
}
