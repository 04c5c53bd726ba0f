//! State-based CRDTs (convergent replicated data types) over a faulty
//! network, after Shapiro, Preguiça, Baquero and Zawirski, "A comprehensive
//! study of Convergent and Commutative Replicated Data Types" (INRIA RR-7506,
//! 2011) and "Conflict-free Replicated Data Types" (SSS 2011). The G-Counter
//! is also the subject of `CRDT.tla` in tlaplus/Examples
//! (`specifications/FiniteMonotonic/`), which gossips whole counter vectors
//! between nodes directly; here the gossip goes through a network.
//!
//! # The protocol
//!
//! Each replica holds a *payload* and applies updates to it locally, at once,
//! without coordination. From time to time a replica sends its whole payload
//! to another replica, which *merges* it into its own. A state-based CRDT's
//! payloads form a join semilattice: merge is the least upper bound, so it is
//! commutative, associative and idempotent, and every update inflates the
//! payload (moves it up the order). Then any two replicas that have received
//! the same updates, directly or through any chain of merges, in any order and
//! any number of times, hold equal payloads: *strong eventual consistency*,
//! whatever the network does short of losing every message forever.
//!
//! One generic model, [`Crdt`], runs any [`CrdtType`]; five are registered,
//! each under its own name because each has its own operations, constants,
//! sequential specification and bugs (a `Type` constant would make every
//! other constant's meaning depend on it):
//!
//! | model | type | updates | specification invariant |
//! |---|---|---|---|
//! | `GCounter` | [`GCounter`] | `Increment` | `CounterValue` |
//! | `PNCounter` | [`PNCounter`] | `Increment`, `Decrement` | `CounterValue` |
//! | `LWWRegister` | [`LWWRegister`] | `Write(v)` | `LastWriterWins` |
//! | `ORSet` | [`ORSet`] | `Add(e)`, `Remove(e)` | `AddWins` |
//! | `TwoPSet` | [`TwoPSet`] | `Add(e)`, `Remove(e)` | `RemoveWins` |
//!
//! # The network
//!
//! The network is the shared fault layer, [`crate::common::net`]: a bag of
//! messages (any message in flight may be delivered next, so the network
//! reorders freely) or FIFO links, with fault budgets. `Send(r, s)` puts a
//! copy of `r`'s payload (and the ids of the updates it has received, see
//! below) in flight to `s`; `Receive(m)` takes one copy out and merges it into
//! the receiver. The faults are the layer's named actions: `Drop(m)` and
//! `Duplicate(m)` (up to `Loss` and `Duplication` times in a behaviour),
//! `Crash(r)` and `Restart(r)` (up to `MaxCrashes`; a crashed replica neither
//! updates, sends nor receives), `Partition` and `Heal`. `Send` and
//! `Duplicate` are enabled while fewer than `MaxInFlight` messages are in
//! flight, so the state space is finite.
//!
//! # What is abstracted
//!
//! A replica that restarts keeps its payload (`Restart = "Persistent"`, or
//! `"Never"`); `"Amnesia"` is refused, since a replica that forgets its own
//! updates would reuse their ids, and the paper's replicas keep their
//! payload in stable storage. Each replica makes at most
//! `MaxUpdates` updates. Update `k` of replica `r` has the unique id
//! `r * MaxUpdates + k`; it is the OR-Set's tag, and the model keeps, as ghost
//! state, the set of update ids each replica and each message has seen (its
//! *delivered updates*) and the `history` of every update made (the operation
//! and what it observed). Neither is read by the protocol: they exist to state
//! the properties.
//!
//! # Constants
//!
//! - `Replica`: the replicas, a set of 2 to 4 model values (`{r1, r2, r3}`).
//! - `MaxUpdates`: the most updates each replica makes (the total,
//!   `|Replica| * MaxUpdates`, is at most 24; for the OR-Set, times
//!   `|Element|`, at most 64).
//! - `MaxInFlight`: the most messages in flight, counting copies; required.
//! - `Loss`, `Duplication`, `MaxCrashes`, `Partitions`: fault budgets, 0 by
//!   default; `Restart` and `Fifo`: as [`crate::common::net`] documents them.
//! - `Value` (`LWWRegister`): the values a write may write (`{v1, v2}`).
//! - `Element` (`ORSet`, `TwoPSet`): the elements (`{e1, e2}`).
//! - `Bug`: a seeded bug, below; `"None"` by default.
//!
//! # What is checked
//!
//! - `TypeOK`: no replica or message knows an update before it is made, and
//!   the bag holds at most `MaxInFlight` messages.
//! - `StrongConvergence`: any two replicas whose delivered updates are equal
//!   hold equal payloads.
//! - The semilattice laws, on every reachable state, over the payloads of
//!   every replica and every message in flight: `MergeCommutative`
//!   (`merge(a, b) = merge(b, a)`), `MergeAssociative` (for every triple) and
//!   `MergeIdempotent` (`merge(a, a) = a`); and `MonotonicInflation`, a step
//!   invariant: every step leaves each replica's payload `<=` (the type's
//!   order) its new one, and merge results are upper bounds of both sides.
//! - The type's sequential specification, as an invariant on each replica and
//!   the updates it has received: `CounterValue`, `LastWriterWins`, `AddWins`
//!   or `RemoveWins` (see [`GCounter`], [`PNCounter`], [`LWWRegister`],
//!   [`ORSet`] and [`TwoPSet`]).
//! - `EventualConvergence`, `<>[]Converged` (every replica has the same
//!   delivered updates and payload): it needs fair delivery, which check
//!   specs state as `\A p : SF(Send(p))` (a replica that can send again and
//!   again does send; strong, because a full network disables `Send` now and
//!   then) and `\A m : WF(Receive(m))` (a message in flight is eventually
//!   delivered). Faults have budgets, so they stop; a crash without restart
//!   or a partition that never heals defeats convergence, as it should.
//! - `Converged` is also a named predicate, and `FullyReplicated` a
//!   reachability witness: some state has every update made and delivered
//!   everywhere.
//!
//! # Seeded bugs
//!
//! - `GCounter`, `Bug = "SumMerge"`: merge adds the vectors instead of taking
//!   the maximum. Receiving a state twice (a duplicate, or an echo of a state
//!   sent back) counts its increments twice: `StrongConvergence` fails after
//!   five steps (`MergeIdempotent` after one).
//! - `LWWRegister`, `Bug = "NoTieBreak"`: the register keeps no writer id,
//!   merge compares timestamps only and keeps the local write on a tie;
//!   concurrent writes of different values with equal timestamps
//!   never converge: `StrongConvergence` fails after six steps, two writes,
//!   two sends and two receipts (`MergeCommutative` after the two writes).
//! - `ORSet`, `Bug = "RemoveConcurrentAdds"`: merge lets a remove delete the
//!   adds of the same element that it had not observed, so a concurrent add
//!   loses, not wins as documented: `AddWins` fails after five steps (add,
//!   remove, a concurrent add, send, receive), while the merge still obeys
//!   the semilattice laws on the instances checked: only the specification
//!   catches it.
//!
//! No symmetry is declared: the LWW tie-break and the update ids order the
//! replicas.

mod types;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::marker::PhantomData;

use checker::spec::{ConfigError, Constants, Invariant, Model, Predicate, Property, StateCodec, StepMessages, Value};

use crate::common::net::{Chart, Fault, Faults, Network, Packet, Restart};
pub use types::{
    CrdtType, GCounter, GCounterBug, Increment, LWWBug, LWWPayload, LWWRegister, ORPayload, ORSet, ORSetBug, ORSetOp,
    PNCounter, PNOp, PNPayload, TwoPOp, TwoPPayload, TwoPSet, Write,
};

/// The most replicas a payload holds.
pub const REPLICAS_MAX: usize = 4;

/// The most updates (over all replicas) the delivered-update sets hold.
pub const UPDATES_MAX: usize = 24;

/// An update's id: update `k` of replica `r` is `r * MaxUpdates + k`.
pub type UpdateId = u8;

/// How update ids are laid out over the replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `|Replica|`.
    pub replicas: u8,
    /// `MaxUpdates`.
    pub updates: u8,
}

impl Layout {
    /// The replica that made update `id`.
    pub fn replica_of(&self, id: UpdateId) -> u8 {
        id / self.updates
    }

    /// The ids of every update replica `r` may make.
    pub fn own(&self, r: u8) -> u32 {
        ((1u32 << self.updates) - 1) << (r * self.updates)
    }

    /// The id of replica `r`'s update number `k` (from 0).
    pub fn id(&self, r: u8, k: u8) -> UpdateId {
        r * self.updates + k
    }

    /// The name of update `id` in traces: `r1.2` for replica `r1`'s second update.
    pub fn id_name(&self, replicas: &[String], id: UpdateId) -> String {
        let r = self.replica_of(id);
        format!("{}.{}", replicas[usize::from(r)], id - r * self.updates + 1)
    }

    /// Every id.
    pub fn all(&self) -> u32 {
        let n = u32::from(self.replicas) * u32::from(self.updates);
        if n == 32 {
            u32::MAX
        } else {
            (1u32 << n) - 1
        }
    }
}

/// What one replica holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Replica<P> {
    /// The CRDT payload.
    pub payload: P,
    /// Ghost: the ids of the updates this replica has received (its own included).
    pub delivered: u32,
}

/// A message: a copy of the sender's payload, sent from one replica to
/// another as a [`Packet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Snapshot<P> {
    /// The sender's payload when it sent.
    pub payload: P,
    /// Ghost: the sender's delivered updates when it sent.
    pub delivered: u32,
}

/// A message in flight.
pub type Message<P> = Packet<Snapshot<P>>;

/// A state of a CRDT model.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CrdtState<P, O> {
    /// Replica `r` is `replicas[r]`, for `r` below `|Replica|`; the slots
    /// beyond stay at their default. A fixed array, so that a successor costs
    /// no allocation for the replicas.
    pub replicas: [Replica<P>; REPLICAS_MAX],
    /// The messages in flight and the faults' state.
    pub network: Network<Snapshot<P>>,
    /// Ghost: `history[id]` is update `id` as made (the default when not yet made).
    pub history: Vec<O>,
}

/// One step of `Next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CrdtAction<P, O> {
    /// An update at a replica (`Increment(r1)`, `Add(r2, e1)`): the operation as recorded in the history.
    Update {
        /// The replica.
        replica: u8,
        /// The update.
        op: O,
    },
    /// `Send(r, s)`: `r` sends its payload to `s`.
    Send {
        /// The sender.
        from: u8,
        /// The receiver.
        to: u8,
    },
    /// `Receive(m)`: `m.to` merges `m` into its payload.
    Receive(Message<P>),
    /// A step of the network's faults: `Drop`, `Duplicate`, `Crash`, `Restart`, `Partition`, `Heal`.
    Fault(Fault<Snapshot<P>>),
}

/// The state of a model over type `T`.
pub type StateOf<T> = CrdtState<<T as CrdtType>::Payload, <T as CrdtType>::Op>;
/// The action of a model over type `T`.
pub type ActionOf<T> = CrdtAction<<T as CrdtType>::Payload, <T as CrdtType>::Op>;

/// A state-based CRDT of type `T` replicated over a lossy, duplicating,
/// reordering network.
#[derive(Clone, Debug)]
pub struct Crdt<T: CrdtType> {
    /// The type, with its own constants and seeded bug.
    pub kind: T,
    /// The model values of `Replica`, sorted; replica `r` is `replicas[r]`.
    replicas: Vec<String>,
    /// Update ids.
    layout: Layout,
    /// The network's delivery discipline and fault budgets; `MaxInFlight` is always set.
    faults: Faults,
    _type: PhantomData<T>,
}

/// The constants every CRDT model reads besides the network's.
const COMMON_CONSTANTS: &[&str] = &["Replica", "MaxUpdates"];
impl<T: CrdtType> Crdt<T> {
    /// A model of `kind` over the named replicas (2 to [`REPLICAS_MAX`]), each
    /// making at most `updates` updates, over a reliable network with at most
    /// `in_flight_max` messages in flight.
    pub fn new(kind: T, replicas: Vec<String>, updates: u8, in_flight_max: u16) -> Crdt<T> {
        let mut faults = Faults::reliable(replicas.len());
        faults.max_in_flight = Some(in_flight_max);
        Crdt::with_network(kind, replicas, updates, faults)
    }

    /// The same over the network `faults` describes, whose `max_in_flight`
    /// must be set and whose `restart` must not be `Amnesia`.
    pub fn with_network(kind: T, replicas: Vec<String>, updates: u8, faults: Faults) -> Crdt<T> {
        assert!((2..=kind.replicas_max()).contains(&replicas.len()), "a CRDT model has 2 to {REPLICAS_MAX} replicas");
        assert!(replicas.len() * usize::from(updates) <= kind.updates_max(), "too many updates for the payload");
        assert!(faults.max_in_flight.is_some_and(|max| max >= 1), "a CRDT model needs MaxInFlight");
        assert!(faults.restart != Restart::Amnesia, "CRDT replicas keep their payload across restarts");
        assert_eq!(usize::from(faults.nodes), replicas.len(), "one network node per replica");
        let layout = Layout { replicas: replicas.len() as u8, updates };
        Crdt { kind, replicas, layout, faults, _type: PhantomData }
    }

    /// The same model over the network `faults` describes.
    pub fn with_faults(self, faults: Faults) -> Crdt<T> {
        Crdt::with_network(self.kind, self.replicas, self.layout.updates, faults)
    }

    /// The network's configuration.
    pub fn faults(&self) -> Faults {
        self.faults
    }

    /// Every constant the model reads: the common ones, the network's and the type's.
    pub fn constant_names() -> Vec<&'static str> {
        COMMON_CONSTANTS.iter().chain(Faults::CONSTANTS).chain(T::CONSTANTS).copied().collect()
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Crdt<T>, ConfigError> {
        constants.expect_only(&Self::constant_names())?;
        let kind = T::from_constants(constants)?;
        let replicas = constants.model_values("Replica", 2, kind.replicas_max())?;
        let updates_max = kind.updates_max() / replicas.len();
        let updates = constants.int("MaxUpdates", 0, updates_max as i64)? as u8;
        // Required: without a bound, Send makes the state space infinite.
        constants.int("MaxInFlight", 1, 1000)?;
        let faults = Faults::from_constants(constants, replicas.len())?;
        if let (Restart::Amnesia, Some(restart)) = (faults.restart, constants.get("Restart")) {
            return Err(ConfigError::BadConstant {
                span: restart.span,
                name: restart.name.clone(),
                message: "CRDT replicas keep their payload across a restart (\"Persistent\"); with \"Amnesia\" a \
                          replica would reuse the ids of its own updates"
                    .to_string(),
            });
        }
        Ok(Crdt::with_network(kind, replicas, updates, faults))
    }

    /// The update-id layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The model value naming replica `r`.
    pub fn replica_name(&self, r: u8) -> &str {
        &self.replicas[usize::from(r)]
    }

    fn replica_ids(&self) -> impl Iterator<Item = u8> {
        0..self.layout.replicas
    }

    /// Every payload in the state: the replicas' and the messages', each once.
    fn payloads(&self, s: &StateOf<T>) -> Vec<T::Payload> {
        let mut payloads: Vec<T::Payload> = self.live(s).iter().map(|r| r.payload).collect();
        payloads.extend(s.network.in_flight().iter().map(|p| p.message.payload));
        payloads.sort_unstable();
        payloads.dedup();
        payloads
    }

    /// The ids of the updates made so far: a prefix of each replica's own ids.
    pub fn made(&self, s: &StateOf<T>) -> u32 {
        self.replica_ids().fold(0, |made, r| made | (s.replicas[usize::from(r)].delivered & self.layout.own(r)))
    }

    /// The replicas of `Replica`: the slots of `s.replicas` in use.
    pub fn live<'a>(&self, s: &'a StateOf<T>) -> &'a [Replica<T::Payload>] {
        &s.replicas[..usize::from(self.layout.replicas)]
    }

    /// `TypeOK`.
    pub fn type_ok(&self, s: &StateOf<T>) -> bool {
        let made = self.made(s);
        let prefix = |r: u8| {
            let own = (s.replicas[usize::from(r)].delivered & self.layout.own(r)) >> (r * self.layout.updates);
            own & (own + 1) == 0
        };
        s.replicas[usize::from(self.layout.replicas)..].iter().all(|r| *r == Replica::default())
            && self.replica_ids().all(prefix)
            && s.replicas.iter().all(|r| r.delivered & !made == 0)
            && s.network
                .in_flight()
                .iter()
                .all(|p| p.from != p.to && p.to < self.layout.replicas && p.message.delivered & !made == 0)
            && self.faults.max_in_flight.is_some_and(|max| s.network.in_flight().len() <= usize::from(max))
    }

    /// `StrongConvergence`.
    pub fn strong_convergence(&self, s: &StateOf<T>) -> bool {
        let live = self.live(s);
        live.iter()
            .enumerate()
            .all(|(i, a)| live[i + 1..].iter().all(|b| a.delivered != b.delivered || a.payload == b.payload))
    }

    /// `MergeCommutative`.
    pub fn merge_commutative(&self, s: &StateOf<T>) -> bool {
        let payloads = self.payloads(s);
        payloads
            .iter()
            .enumerate()
            .all(|(i, a)| payloads[i + 1..].iter().all(|b| self.kind.merge(a, b) == self.kind.merge(b, a)))
    }

    /// `MergeAssociative`.
    pub fn merge_associative(&self, s: &StateOf<T>) -> bool {
        let payloads = self.payloads(s);
        let k = &self.kind;
        payloads.iter().all(|a| {
            payloads.iter().all(|b| {
                let ab = k.merge(a, b);
                payloads.iter().all(|c| k.merge(&ab, c) == k.merge(a, &k.merge(b, c)))
            })
        })
    }

    /// `MergeIdempotent`.
    pub fn merge_idempotent(&self, s: &StateOf<T>) -> bool {
        self.payloads(s).iter().all(|a| self.kind.merge(a, a) == *a)
    }

    /// `MonotonicInflation`: every replica's payload inflates, and a merge's
    /// result is an upper bound of both its inputs.
    pub fn monotonic_inflation(&self, from: &StateOf<T>, action: &ActionOf<T>, to: &StateOf<T>) -> bool {
        let k = &self.kind;
        let inflates = from.replicas.iter().zip(&to.replicas).all(|(a, b)| k.le(&a.payload, &b.payload));
        let upper_bound = match action {
            CrdtAction::Receive(m) => k.le(&m.message.payload, &to.replicas[usize::from(m.to)].payload),
            _ => true,
        };
        inflates && upper_bound
    }

    /// The type's sequential specification at every replica.
    pub fn satisfies_spec(&self, s: &StateOf<T>) -> bool {
        self.live(s).iter().all(|r| self.kind.satisfies_spec(&self.layout, &r.payload, r.delivered, &s.history))
    }

    /// `Converged`: every replica has the same delivered updates and payload.
    pub fn converged(&self, s: &StateOf<T>) -> bool {
        self.live(s).windows(2).all(|w| w[0] == w[1])
    }

    /// `FullyReplicated`: every update made and delivered everywhere.
    pub fn fully_replicated(&self, s: &StateOf<T>) -> bool {
        self.live(s).iter().all(|r| r.delivered == self.layout.all())
    }

    fn update_id_name(&self, id: UpdateId) -> String {
        self.layout.id_name(&self.replicas, id)
    }

    fn delivered_value(&self, delivered: u32) -> Value {
        let ids = (0..32u8).filter(|id| delivered & (1 << id) != 0);
        Value::set(ids.map(|id| Value::str(self.update_id_name(id))))
    }

    /// A message's contents as a record, for traces and charts.
    fn snapshot_value(&self, m: &Snapshot<T::Payload>) -> Value {
        Value::record([
            ("payload", self.kind.payload_value(&self.replicas, &self.layout, &m.payload)),
            ("delivered", self.delivered_value(m.delivered)),
        ])
    }

    /// A packet as a record: sender, receiver and contents.
    fn message_value(&self, p: &Message<T::Payload>) -> Value {
        Value::record([
            ("from", Value::model_value(self.replica_name(p.from))),
            ("to", Value::model_value(self.replica_name(p.to))),
            ("msg", self.snapshot_value(&p.message)),
        ])
    }

    fn format_snapshot(&self, m: &Snapshot<T::Payload>) -> String {
        self.kind.payload_value(&self.replicas, &self.layout, &m.payload).to_string()
    }

    fn with_chart<R>(&self, f: impl FnOnce(&Chart<'_, Snapshot<T::Payload>>) -> R) -> R {
        let node = |n: u8| self.replica_name(n).to_string();
        let message = |m: &Snapshot<T::Payload>| self.snapshot_value(m);
        let label = |_: &Snapshot<T::Payload>| "State".to_string();
        f(&Chart { node: &node, message: &message, label: &label })
    }
}

impl<T: CrdtType> Model for Crdt<T> {
    type State = StateOf<T>;
    type Action = ActionOf<T>;

    /// Every replica holds the initial payload and has received nothing; the
    /// network is empty.
    fn init(&self, states: &mut Vec<StateOf<T>>) {
        let replica = Replica { payload: T::Payload::default(), delivered: 0 };
        let updates = usize::from(self.layout.replicas) * usize::from(self.layout.updates);
        states.push(CrdtState {
            replicas: [replica; REPLICAS_MAX],
            network: Network::new(),
            history: vec![T::Op::default(); updates],
        });
    }

    /// `Next`: each replica's updates, then `Send`, then `Receive` for each
    /// deliverable message, then the network's faults. A replica that is down
    /// takes no step; a message to it stays in flight.
    fn next(&self, s: &StateOf<T>, steps: &mut Vec<(ActionOf<T>, StateOf<T>)>) {
        let mut updates = Vec::new();
        for r in self.replica_ids().filter(|&r| s.network.is_up(r)) {
            let replica = &s.replicas[usize::from(r)];
            let made = (replica.delivered & self.layout.own(r)).count_ones() as u8;
            if made == self.layout.updates {
                continue;
            }
            let id = self.layout.id(r, made);
            updates.clear();
            self.kind.updates(&self.layout, r, id, &replica.payload, &mut updates);
            for &(op, payload) in &updates {
                let mut next = s.clone();
                next.replicas[usize::from(r)] = Replica { payload, delivered: replica.delivered | 1 << id };
                next.history[usize::from(id)] = op;
                steps.push((CrdtAction::Update { replica: r, op }, next));
            }
        }
        if s.network.room(&self.faults) > 0 {
            for from in self.replica_ids().filter(|&r| s.network.is_up(r)) {
                let sender = &s.replicas[usize::from(from)];
                let snapshot = Snapshot { payload: sender.payload, delivered: sender.delivered };
                for to in self.replica_ids().filter(|&to| to != from) {
                    let mut next = s.clone();
                    next.network.send(&self.faults, Packet::new(from, to, snapshot));
                    steps.push((CrdtAction::Send { from, to }, next));
                }
            }
        }
        for (i, packet) in s.network.deliverable(&self.faults) {
            let mut next = s.clone();
            next.network.receive(i);
            let receiver = &mut next.replicas[usize::from(packet.to)];
            receiver.payload = self.kind.merge(&receiver.payload, &packet.message.payload);
            receiver.delivered |= packet.message.delivered;
            steps.push((CrdtAction::Receive(*packet), next));
        }
        let mut faults = Vec::new();
        s.network.faults(&self.faults, &mut faults);
        for (fault, network) in faults {
            // Restart is Persistent (Amnesia is refused): the replica keeps its state.
            steps.push((CrdtAction::Fault(fault), CrdtState { network, ..s.clone() }));
        }
    }

    fn action_name(&self, action: &ActionOf<T>) -> &'static str {
        match action {
            CrdtAction::Update { op, .. } => self.kind.operation_name(op),
            CrdtAction::Send { .. } => "Send",
            CrdtAction::Receive(_) => "Receive",
            CrdtAction::Fault(fault) => fault.name(),
        }
    }

    /// The type's updates, `Send` and `Receive`, then the faults whose budget
    /// is not zero.
    fn action_names(&self) -> Vec<&'static str> {
        let f = &self.faults;
        let mut names = T::OPERATIONS.to_vec();
        names.extend(["Send", "Receive"]);
        let enabled = [
            f.loss > 0,
            f.duplication > 0,
            f.max_crashes > 0,
            f.max_crashes > 0 && f.restart != Restart::Never,
            f.partitions > 0,
            f.partitions > 0,
        ];
        names.extend(Fault::<Snapshot<T::Payload>>::NAMES.iter().zip(enabled).filter(|(_, on)| *on).map(|(n, _)| *n));
        names
    }

    fn format_action(&self, action: &ActionOf<T>) -> String {
        let name = self.action_name(action);
        match action {
            CrdtAction::Update { replica, op } => {
                let mut text = format!("{name}({}", self.replica_name(*replica));
                for argument in self.kind.operation_arguments(op) {
                    let _ = write!(text, ", {argument}");
                }
                text.push(')');
                text
            }
            CrdtAction::Send { from, to } => {
                format!("{name}({}, {})", self.replica_name(*from), self.replica_name(*to))
            }
            CrdtAction::Receive(p) => format!(
                "{name}({} -> {}: {})",
                self.replica_name(p.from),
                self.replica_name(p.to),
                self.format_snapshot(&p.message)
            ),
            CrdtAction::Fault(fault) => {
                fault.format(self.replicas.len(), |n| self.replica_name(n).to_string(), |m| self.format_snapshot(m))
            }
        }
    }

    fn action_parameters(&self, action: &ActionOf<T>) -> Vec<(&'static str, Value)> {
        match action {
            CrdtAction::Update { replica, op } => {
                let mut parameters = vec![("replica", Value::model_value(self.replica_name(*replica)))];
                if let Some(argument) = self.kind.operation_arguments(op).pop() {
                    parameters.push(("argument", Value::model_value(argument)));
                }
                parameters
            }
            CrdtAction::Send { from, to } => vec![
                ("from", Value::model_value(self.replica_name(*from))),
                ("to", Value::model_value(self.replica_name(*to))),
            ],
            CrdtAction::Receive(p) => vec![("message", self.message_value(p))],
            CrdtAction::Fault(Fault::Drop(p) | Fault::Duplicate(p)) => vec![("message", self.message_value(p))],
            CrdtAction::Fault(Fault::Crash(n) | Fault::Restart(n)) => {
                vec![("replica", Value::model_value(self.replica_name(*n)))]
            }
            CrdtAction::Fault(Fault::Partition(_) | Fault::Heal) => Vec::new(),
        }
    }

    fn nodes(&self, _: &StateOf<T>) -> Vec<String> {
        self.replicas.clone()
    }

    fn step_messages(&self, from: &StateOf<T>, action: &ActionOf<T>, to: &StateOf<T>) -> StepMessages {
        self.with_chart(|chart| match action {
            CrdtAction::Update { replica, .. } => StepMessages::by(self.replica_name(*replica)),
            CrdtAction::Send { from: sender, .. } => chart.step(Some(*sender), None, &from.network, &to.network),
            CrdtAction::Receive(p) => chart.step(Some(p.to), Some(p), &from.network, &to.network),
            CrdtAction::Fault(fault) => chart.fault(&self.faults, fault),
        })
    }

    fn variables(&self, s: &StateOf<T>) -> Vec<(&'static str, Value)> {
        let per_replica = |value: &dyn Fn(&Replica<T::Payload>) -> Value| {
            Value::map(
                self.live(s)
                    .iter()
                    .enumerate()
                    .map(|(r, replica)| (Value::model_value(self.replicas[r].as_str()), value(replica))),
            )
        };
        let made = self.made(s);
        let history = (0..s.history.len() as u8).filter(|id| made & (1 << id) != 0).map(|id| {
            let op = &s.history[usize::from(id)];
            let mut text = self.kind.operation_name(op).to_string();
            let arguments = self.kind.operation_arguments(op);
            if !arguments.is_empty() {
                let _ = write!(text, "({})", arguments.join(", "));
            }
            (Value::str(self.update_id_name(id)), Value::str(text))
        });
        let mut variables = vec![
            ("payload", per_replica(&|r| self.kind.payload_value(&self.replicas, &self.layout, &r.payload))),
            ("delivered", per_replica(&|r| self.delivered_value(r.delivered))),
            ("history", Value::map(history)),
        ];
        variables.extend(self.with_chart(|chart| chart.variables(&self.faults, &s.network)));
        variables
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("TypeOK", |m, s| m.type_ok(s)),
            Invariant::state("StrongConvergence", |m, s| m.strong_convergence(s)),
            Invariant::state("MergeCommutative", |m, s| m.merge_commutative(s)),
            Invariant::state("MergeAssociative", |m, s| m.merge_associative(s)),
            Invariant::state("MergeIdempotent", |m, s| m.merge_idempotent(s)),
            Invariant::step("MonotonicInflation", |m, from, a, to| m.monotonic_inflation(from, a, to)),
            Invariant::state(T::SPEC, |m, s| m.satisfies_spec(s)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually_always("EventualConvergence", |m, s| m.converged(s)),
            Property::sometimes("FullyReplicated", |m, s| m.fully_replicated(s)),
        ]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![
            Predicate::new("Converged", |m, s| m.converged(s)),
            Predicate::new("FullyReplicated", |m, s| m.fully_replicated(s)),
        ]
    }
}
