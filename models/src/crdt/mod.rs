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
//! Messages are a bag (a multiset): any message in it may be delivered next,
//! so the network reorders freely. `Send(r, s)` puts a copy of `r`'s payload
//! (and the ids of the updates it has received, see below) in the bag for
//! `s`; `Receive(m)` takes one copy out and merges it into the receiver. With
//! `Loss`, `Drop(m)` takes a copy out undelivered; with `Duplication`,
//! `Duplicate(m)` adds a copy. `Send` and `Duplicate` are enabled while fewer
//! than `MaxInFlight` messages are in flight, so the state space is finite.
//!
//! # What is abstracted
//!
//! Replicas never crash (a state-based CRDT replica that restarts from its
//! last payload is one that was slow). Each replica makes at most
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
//! - `MaxUpdates`: the most updates each replica makes, 0 to 8 (the total,
//!   `|Replica| * MaxUpdates`, is at most 24; for the OR-Set, times
//!   `|Element|`, at most 64).
//! - `MaxInFlight`: the most messages in the bag, counting copies, 1 to 8.
//! - `Loss`, `Duplication`: `TRUE` (default) lets the network drop and
//!   duplicate messages.
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
//!   or `RemoveWins` (see [`types`]).
//! - `EventualConvergence`, `<>[]Converged` (every replica has the same
//!   delivered updates and payload): it needs fair delivery, which check
//!   specs state as `\A p : SF(Send(p))` (a replica that can send keeps
//!   sending) and `\A m : SF(Receive(m))` (a message that keeps being
//!   deliverable is delivered). Without strong fairness the network may drop
//!   every copy forever.
//! - `Converged` is also a named predicate, and `FullyReplicated` a
//!   reachability witness: some state has every update made and delivered
//!   everywhere.
//!
//! # Seeded bugs
//!
//! - `GCounter`, `Bug = "SumMerge"`: merge adds the vectors instead of taking
//!   the maximum. Receiving a state twice (a duplicate, or an echo of a state
//!   sent back) counts its increments twice: `StrongConvergence` fails.
//! - `LWWRegister`, `Bug = "NoTieBreak"`: merge compares timestamps only and
//!   keeps the local write on a tie; concurrent writes with equal timestamps
//!   never converge: `StrongConvergence` fails.
//! - `ORSet`, `Bug = "RemoveConcurrentAdds"`: merge lets a remove delete the
//!   adds of the same element that it had not observed, so a concurrent add
//!   loses, not wins as documented: `AddWins` fails.
//!
//! No symmetry is declared: the LWW tie-break and the update ids order the
//! replicas.

mod types;

#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::marker::PhantomData;

use checker::spec::{ConfigError, Constants, Envelope, Invariant, Model, Predicate, Property, StepMessages, Value};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Replica<P> {
    /// The CRDT payload.
    pub payload: P,
    /// Ghost: the ids of the updates this replica has received (its own included).
    pub delivered: u32,
}

/// A message in flight: a copy of the sender's payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message<P> {
    /// The sending replica.
    pub from: u8,
    /// The receiving replica.
    pub to: u8,
    /// The sender's payload when it sent.
    pub payload: P,
    /// Ghost: the sender's delivered updates when it sent.
    pub delivered: u32,
}

/// A state of a CRDT model.
///
/// The bag keeps one entry per distinct message with its number of copies,
/// sorted, so that equal bags are equal vectors.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CrdtState<P, O> {
    /// Replica `r` is `replicas[r]`.
    pub replicas: Vec<Replica<P>>,
    /// The messages in flight, sorted, each with its number of copies (>= 1).
    pub network: Vec<(Message<P>, u8)>,
    /// Ghost: `history[id]` is update `id` as made (the default when not yet made).
    pub history: Vec<O>,
}

impl<P, O> CrdtState<P, O> {
    /// The messages in flight, copies counted.
    pub fn in_flight(&self) -> usize {
        self.network.iter().map(|&(_, copies)| usize::from(copies)).sum()
    }
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
    /// `Duplicate(m)`: the network adds a copy of `m`.
    Duplicate(Message<P>),
    /// `Drop(m)`: the network loses a copy of `m`.
    Drop(Message<P>),
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
    /// `MaxInFlight`.
    in_flight_max: usize,
    /// `Loss`: `Drop` is enabled.
    loss: bool,
    /// `Duplication`: `Duplicate` is enabled.
    duplication: bool,
    _type: PhantomData<T>,
}

/// The constants every CRDT model reads.
const COMMON_CONSTANTS: &[&str] = &["Replica", "MaxUpdates", "MaxInFlight", "Loss", "Duplication"];

impl<T: CrdtType> Crdt<T> {
    /// The most messages in flight a check spec may allow.
    pub const IN_FLIGHT_MAX: usize = 8;

    /// A model of `kind` over the named replicas (2 to [`REPLICAS_MAX`]), each
    /// making at most `updates` updates, with at most `in_flight_max` messages
    /// in flight, and a network that loses and duplicates messages.
    pub fn new(kind: T, replicas: Vec<String>, updates: u8, in_flight_max: usize) -> Crdt<T> {
        assert!((2..=kind.replicas_max()).contains(&replicas.len()), "a CRDT model has 2 to {REPLICAS_MAX} replicas");
        assert!(replicas.len() * usize::from(updates) <= kind.updates_max(), "too many updates for the payload");
        assert!((1..=Self::IN_FLIGHT_MAX).contains(&in_flight_max), "MaxInFlight must be 1 to 8");
        let layout = Layout { replicas: replicas.len() as u8, updates };
        Crdt { kind, replicas, layout, in_flight_max, loss: true, duplication: true, _type: PhantomData }
    }

    /// The same model with the network's faults set: `loss` enables `Drop`,
    /// `duplication` enables `Duplicate`.
    pub fn with_faults(self, loss: bool, duplication: bool) -> Crdt<T> {
        Crdt { loss, duplication, ..self }
    }

    /// Every constant the model reads: the common ones and the type's.
    pub fn constant_names() -> Vec<&'static str> {
        COMMON_CONSTANTS.iter().chain(T::CONSTANTS).copied().collect()
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Crdt<T>, ConfigError> {
        constants.expect_only(&Self::constant_names())?;
        let kind = T::from_constants(constants)?;
        let replicas = constants.model_values("Replica", 2, kind.replicas_max())?;
        let updates_max = kind.updates_max() / replicas.len();
        let updates = constants.int("MaxUpdates", 0, updates_max as i64)? as u8;
        let in_flight_max = constants.int("MaxInFlight", 1, Self::IN_FLIGHT_MAX as i64)? as usize;
        let loss = constants.bool_or("Loss", true)?;
        let duplication = constants.bool_or("Duplication", true)?;
        Ok(Crdt::new(kind, replicas, updates, in_flight_max).with_faults(loss, duplication))
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

    /// The state with message `message` added to the bag.
    fn with_message(state: &StateOf<T>, message: Message<T::Payload>) -> StateOf<T> {
        let mut next = state.clone();
        match next.network.binary_search_by(|(m, _)| m.cmp(&message)) {
            Ok(i) => next.network[i].1 += 1,
            Err(i) => next.network.insert(i, (message, 1)),
        }
        next
    }

    /// The state with one copy of the message at `network[i]` taken out.
    fn without_message(state: &StateOf<T>, i: usize) -> StateOf<T> {
        let mut next = state.clone();
        if next.network[i].1 == 1 {
            next.network.remove(i);
        } else {
            next.network[i].1 -= 1;
        }
        next
    }

    /// Every payload in the state: the replicas' and the messages', each once.
    fn payloads(&self, s: &StateOf<T>) -> Vec<T::Payload> {
        let mut payloads: Vec<T::Payload> = s.replicas.iter().map(|r| r.payload).collect();
        payloads.extend(s.network.iter().map(|(m, _)| m.payload));
        payloads.sort_unstable();
        payloads.dedup();
        payloads
    }

    /// The ids of the updates made so far: a prefix of each replica's own ids.
    pub fn made(&self, s: &StateOf<T>) -> u32 {
        self.replica_ids().fold(0, |made, r| made | (s.replicas[usize::from(r)].delivered & self.layout.own(r)))
    }

    /// `TypeOK`.
    pub fn type_ok(&self, s: &StateOf<T>) -> bool {
        let made = self.made(s);
        let prefix = |r: u8| {
            let own = (s.replicas[usize::from(r)].delivered & self.layout.own(r)) >> (r * self.layout.updates);
            own & (own + 1) == 0
        };
        s.replicas.len() == usize::from(self.layout.replicas)
            && self.replica_ids().all(prefix)
            && s.replicas.iter().all(|r| r.delivered & !made == 0)
            && s.network.iter().all(|(m, copies)| {
                *copies >= 1 && m.from != m.to && m.to < self.layout.replicas && m.delivered & !made == 0
            })
            && s.in_flight() <= self.in_flight_max
    }

    /// `StrongConvergence`.
    pub fn strong_convergence(&self, s: &StateOf<T>) -> bool {
        s.replicas
            .iter()
            .enumerate()
            .all(|(i, a)| s.replicas[i + 1..].iter().all(|b| a.delivered != b.delivered || a.payload == b.payload))
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
            CrdtAction::Receive(m) => k.le(&m.payload, &to.replicas[usize::from(m.to)].payload),
            _ => true,
        };
        inflates && upper_bound
    }

    /// The type's sequential specification at every replica.
    pub fn satisfies_spec(&self, s: &StateOf<T>) -> bool {
        s.replicas.iter().all(|r| self.kind.satisfies_spec(&self.layout, &r.payload, r.delivered, &s.history))
    }

    /// `Converged`: every replica has the same delivered updates and payload.
    pub fn converged(&self, s: &StateOf<T>) -> bool {
        s.replicas.windows(2).all(|w| w[0] == w[1])
    }

    /// `FullyReplicated`: every update made and delivered everywhere.
    pub fn fully_replicated(&self, s: &StateOf<T>) -> bool {
        s.replicas.iter().all(|r| r.delivered == self.layout.all())
    }

    fn update_id_name(&self, id: UpdateId) -> String {
        let r = self.layout.replica_of(id);
        format!("{}.{}", self.replica_name(r), id - r * self.layout.updates + 1)
    }

    fn delivered_value(&self, delivered: u32) -> Value {
        let ids = (0..32u8).filter(|id| delivered & (1 << id) != 0);
        Value::set(ids.map(|id| Value::str(self.update_id_name(id))))
    }

    /// A message as a record, for traces and charts.
    fn message_value(&self, m: &Message<T::Payload>) -> Value {
        Value::record([
            ("from", Value::model_value(self.replica_name(m.from))),
            ("to", Value::model_value(self.replica_name(m.to))),
            ("payload", self.kind.payload_value(&self.replicas, &m.payload)),
            ("delivered", self.delivered_value(m.delivered)),
        ])
    }

    fn format_message(&self, m: &Message<T::Payload>) -> String {
        format!(
            "{} -> {}, {}",
            self.replica_name(m.from),
            self.replica_name(m.to),
            self.kind.payload_value(&self.replicas, &m.payload)
        )
    }

    fn envelope(&self, m: &Message<T::Payload>) -> Envelope {
        Envelope::new(self.replica_name(m.from), self.replica_name(m.to), self.message_value(m)).labelled("State")
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
            replicas: vec![replica; usize::from(self.layout.replicas)],
            network: Vec::new(),
            history: vec![T::Op::default(); updates],
        });
    }

    /// `Next`: each replica's updates, then `Send`, then per message in the
    /// bag `Receive`, `Duplicate` and `Drop`.
    fn next(&self, s: &StateOf<T>, steps: &mut Vec<(ActionOf<T>, StateOf<T>)>) {
        let mut updates = Vec::new();
        for r in self.replica_ids() {
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
        let room = s.in_flight() < self.in_flight_max;
        if room {
            for from in self.replica_ids() {
                let sender = &s.replicas[usize::from(from)];
                for to in self.replica_ids().filter(|&to| to != from) {
                    let message = Message { from, to, payload: sender.payload, delivered: sender.delivered };
                    steps.push((CrdtAction::Send { from, to }, Self::with_message(s, message)));
                }
            }
        }
        for (i, &(m, _)) in s.network.iter().enumerate() {
            let mut next = Self::without_message(s, i);
            let receiver = &mut next.replicas[usize::from(m.to)];
            receiver.payload = self.kind.merge(&receiver.payload, &m.payload);
            receiver.delivered |= m.delivered;
            steps.push((CrdtAction::Receive(m), next));
            if self.duplication && room {
                steps.push((CrdtAction::Duplicate(m), Self::with_message(s, m)));
            }
            if self.loss {
                steps.push((CrdtAction::Drop(m), Self::without_message(s, i)));
            }
        }
    }

    fn action_name(&self, action: &ActionOf<T>) -> &'static str {
        match action {
            CrdtAction::Update { op, .. } => self.kind.operation_name(op),
            CrdtAction::Send { .. } => "Send",
            CrdtAction::Receive(_) => "Receive",
            CrdtAction::Duplicate(_) => "Duplicate",
            CrdtAction::Drop(_) => "Drop",
        }
    }

    /// The type's updates, then the network's actions (`Drop` and `Duplicate`
    /// only when the network may lose and duplicate messages).
    fn action_names(&self) -> Vec<&'static str> {
        let mut names = T::OPERATIONS.to_vec();
        names.extend(["Send", "Receive"]);
        if self.duplication {
            names.push("Duplicate");
        }
        if self.loss {
            names.push("Drop");
        }
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
            CrdtAction::Receive(m) | CrdtAction::Duplicate(m) | CrdtAction::Drop(m) => {
                format!("{name}({})", self.format_message(m))
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
            CrdtAction::Receive(m) | CrdtAction::Duplicate(m) | CrdtAction::Drop(m) => {
                vec![("message", self.message_value(m))]
            }
        }
    }

    fn nodes(&self, _: &StateOf<T>) -> Vec<String> {
        self.replicas.clone()
    }

    fn step_messages(&self, _: &StateOf<T>, action: &ActionOf<T>, to: &StateOf<T>) -> StepMessages {
        match action {
            CrdtAction::Update { replica, .. } => StepMessages::by(self.replica_name(*replica)),
            CrdtAction::Send { from, to: receiver } => {
                let sender = &to.replicas[usize::from(*from)];
                let m = Message { from: *from, to: *receiver, payload: sender.payload, delivered: sender.delivered };
                StepMessages { sent: vec![self.envelope(&m)], ..StepMessages::by(self.replica_name(*from)) }
            }
            CrdtAction::Receive(m) => {
                StepMessages { delivered: vec![self.envelope(m)], ..StepMessages::by(self.replica_name(m.to)) }
            }
            CrdtAction::Duplicate(m) => StepMessages { duplicated: vec![self.envelope(m)], ..StepMessages::default() },
            CrdtAction::Drop(m) => StepMessages { dropped: vec![self.envelope(m)], ..StepMessages::default() },
        }
    }

    fn variables(&self, s: &StateOf<T>) -> Vec<(&'static str, Value)> {
        let per_replica = |value: &dyn Fn(&Replica<T::Payload>) -> Value| {
            Value::map(
                s.replicas
                    .iter()
                    .enumerate()
                    .map(|(r, replica)| (Value::model_value(self.replicas[r].as_str()), value(replica))),
            )
        };
        let network =
            s.network.iter().map(|(m, copies)| Value::Seq(vec![self.message_value(m), Value::Int(i64::from(*copies))]));
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
        vec![
            ("payload", per_replica(&|r| self.kind.payload_value(&self.replicas, &r.payload))),
            ("delivered", per_replica(&|r| self.delivered_value(r.delivered))),
            ("network", Value::set(network)),
            ("history", Value::map(history)),
        ]
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
