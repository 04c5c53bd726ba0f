//! The five state-based CRDTs (Shapiro, Preguiça, Baquero and Zawirski, "A
//! comprehensive study of Convergent and Commutative Replicated Data Types",
//! INRIA RR-7506, 2011, specifications 6 to 15): each type's payload, its
//! update operations, its merge (least upper bound), its partial order, and
//! its sequential specification as a check on the updates a replica has
//! received.

use std::fmt::Debug;
use std::hash::Hash;

use checker::spec::{ConfigError, Constants, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Layout, UpdateId};

/// A state-based CRDT type: what [`super::Crdt`] replicates.
///
/// The payload is what a replica holds and what a message carries; `Op` is an
/// update as the model's history records it (the ghost variable the
/// sequential specification is checked against), with whatever the update
/// observed when it was made.
pub trait CrdtType: Clone + Debug + Send + Sync + 'static {
    /// One replica's state. `Default` is the initial state.
    type Payload: Copy + Eq + Ord + Hash + Debug + Default + Send + Sync + Serialize + DeserializeOwned;
    /// One update as recorded in the history. `Default` fills the slots of
    /// updates not made yet.
    type Op: Copy + Eq + Ord + Hash + Debug + Default + Send + Sync + Serialize + DeserializeOwned;

    /// The name check specs use in `MODEL`.
    const MODEL: &'static str;
    /// The names of the update actions, in the order the source lists them.
    const OPERATIONS: &'static [&'static str];
    /// The name of the invariant that checks the type's sequential
    /// specification ([`CrdtType::satisfies_spec`]).
    const SPEC: &'static str;
    /// The type's own constants (besides those every CRDT model reads).
    const CONSTANTS: &'static [&'static str];

    /// The type from a check spec's constants.
    fn from_constants(constants: &Constants) -> Result<Self, ConfigError>;

    /// The largest `Replica` set the payload holds.
    fn replicas_max(&self) -> usize {
        super::REPLICAS_MAX
    }

    /// The most updates (replicas times `MaxUpdates`) the payload can tag.
    fn updates_max(&self) -> usize {
        super::UPDATES_MAX
    }

    /// The name of `op`'s action, one of [`CrdtType::OPERATIONS`].
    fn operation_name(&self, op: &Self::Op) -> &'static str;

    /// The operation's arguments, for traces: `v2` in `Write(r1, v2)`.
    fn operation_arguments(&self, op: &Self::Op) -> Vec<String>;

    /// Every update replica `replica` may make next on `payload`, as
    /// `(op, new payload)`; `id` is the update's unique id.
    fn updates(
        &self,
        layout: &Layout,
        replica: u8,
        id: UpdateId,
        payload: &Self::Payload,
        out: &mut Vec<(Self::Op, Self::Payload)>,
    );

    /// The merge function: the least upper bound of `local` and `remote`
    /// (unless a seeded bug says otherwise).
    fn merge(&self, local: &Self::Payload, remote: &Self::Payload) -> Self::Payload;

    /// The partial order (`compare` in the paper): `a <= b`.
    fn le(&self, a: &Self::Payload, b: &Self::Payload) -> bool;

    /// Whether `payload`, at a replica that has received exactly the updates in
    /// `known` (with `history[id]` the update `id`), is what the type's
    /// sequential specification says those updates produce.
    fn satisfies_spec(&self, layout: &Layout, payload: &Self::Payload, known: u32, history: &[Self::Op]) -> bool;

    /// The payload as a TLA+ value, for traces. Update `id` is named
    /// [`Layout::id_name`].
    fn payload_value(&self, replicas: &[String], layout: &Layout, payload: &Self::Payload) -> Value;
}

/// The ids in `mask`, in increasing order.
fn ids(mask: u32) -> impl Iterator<Item = UpdateId> {
    (0..32u8).filter(move |id| mask & (1 << id) != 0)
}

/// A function from replicas to integers, `[r1 |-> 1, r2 |-> 0]`.
fn per_replica(replicas: &[String], counts: &[u8]) -> Value {
    Value::map(replicas.iter().zip(counts).map(|(r, &c)| (Value::model_value(r.as_str()), Value::Int(c.into()))))
}

/// The model values of a set constant, with between 1 and `max` elements.
fn names(constants: &Constants, name: &str, max: usize) -> Result<Vec<String>, ConfigError> {
    constants.model_values(name, 1, max)
}

// ---------------------------------------------------------------------------
// G-Counter
// ---------------------------------------------------------------------------

/// Seeded bugs of the G-Counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GCounterBug {
    /// The published merge: the pointwise maximum.
    None,
    /// Merge sums the two vectors pointwise (saturating at 255). Commutative
    /// and associative but not idempotent: a state received twice, or sent
    /// back to where it came from, counts twice, violating `StrongConvergence`.
    SumMerge,
}

/// The grow-only counter (specification 6 of the report; `CRDT.tla` in
/// tlaplus/Examples, `specifications/FiniteMonotonic/`): each replica counts
/// its own increments in its slot of a vector; merge takes the pointwise
/// maximum; the value is the sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GCounter {
    /// The seeded bug, or [`GCounterBug::None`].
    pub bug: GCounterBug,
}

/// `Increment`, the G-Counter's only update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Increment;

impl CrdtType for GCounter {
    /// `counter[r]`: the increments of replica `r` this replica has seen.
    type Payload = [u8; super::REPLICAS_MAX];
    type Op = Increment;

    const MODEL: &'static str = "GCounter";
    const OPERATIONS: &'static [&'static str] = &["Increment"];
    const SPEC: &'static str = "CounterValue";
    const CONSTANTS: &'static [&'static str] = &["Bug"];

    fn from_constants(constants: &Constants) -> Result<Self, ConfigError> {
        let bug = match constants.choice_or("Bug", &["None", "SumMerge"], "None")? {
            "SumMerge" => GCounterBug::SumMerge,
            _ => GCounterBug::None,
        };
        Ok(GCounter { bug })
    }

    fn operation_name(&self, _: &Increment) -> &'static str {
        "Increment"
    }

    fn operation_arguments(&self, _: &Increment) -> Vec<String> {
        Vec::new()
    }

    fn updates(
        &self,
        _: &Layout,
        replica: u8,
        _: UpdateId,
        payload: &Self::Payload,
        out: &mut Vec<(Increment, Self::Payload)>,
    ) {
        let mut next = *payload;
        next[usize::from(replica)] += 1;
        out.push((Increment, next));
    }

    fn merge(&self, local: &Self::Payload, remote: &Self::Payload) -> Self::Payload {
        let mut merged = *local;
        for (m, &r) in merged.iter_mut().zip(remote) {
            *m = match self.bug {
                GCounterBug::None => (*m).max(r),
                GCounterBug::SumMerge => m.saturating_add(r),
            };
        }
        merged
    }

    fn le(&self, a: &Self::Payload, b: &Self::Payload) -> bool {
        a.iter().zip(b).all(|(x, y)| x <= y)
    }

    /// `CounterValue`: the value (the sum) is the number of increments received.
    fn satisfies_spec(&self, _: &Layout, payload: &Self::Payload, known: u32, _: &[Increment]) -> bool {
        payload.iter().map(|&c| u32::from(c)).sum::<u32>() == known.count_ones()
    }

    fn payload_value(&self, replicas: &[String], _: &Layout, payload: &Self::Payload) -> Value {
        per_replica(replicas, payload)
    }
}

// ---------------------------------------------------------------------------
// PN-Counter
// ---------------------------------------------------------------------------

/// The positive-negative counter (specification 7): two G-Counters, one of
/// increments (`P`) and one of decrements (`N`); the value is `sum(P) - sum(N)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PNCounter;

/// A PN-Counter payload: the two vectors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct PNPayload {
    /// `P[r]`: replica `r`'s increments seen here.
    pub p: [u8; super::REPLICAS_MAX],
    /// `N[r]`: replica `r`'s decrements seen here.
    pub n: [u8; super::REPLICAS_MAX],
}

/// A PN-Counter update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum PNOp {
    /// `increment()`.
    #[default]
    Increment,
    /// `decrement()`.
    Decrement,
}

impl CrdtType for PNCounter {
    type Payload = PNPayload;
    type Op = PNOp;

    const MODEL: &'static str = "PNCounter";
    const OPERATIONS: &'static [&'static str] = &["Increment", "Decrement"];
    const SPEC: &'static str = "CounterValue";
    const CONSTANTS: &'static [&'static str] = &[];

    fn from_constants(_: &Constants) -> Result<Self, ConfigError> {
        Ok(PNCounter)
    }

    fn operation_name(&self, op: &PNOp) -> &'static str {
        match op {
            PNOp::Increment => "Increment",
            PNOp::Decrement => "Decrement",
        }
    }

    fn operation_arguments(&self, _: &PNOp) -> Vec<String> {
        Vec::new()
    }

    fn updates(&self, _: &Layout, replica: u8, _: UpdateId, payload: &PNPayload, out: &mut Vec<(PNOp, PNPayload)>) {
        let r = usize::from(replica);
        let mut inc = *payload;
        inc.p[r] += 1;
        out.push((PNOp::Increment, inc));
        let mut dec = *payload;
        dec.n[r] += 1;
        out.push((PNOp::Decrement, dec));
    }

    fn merge(&self, local: &PNPayload, remote: &PNPayload) -> PNPayload {
        let mut merged = *local;
        for r in 0..super::REPLICAS_MAX {
            merged.p[r] = merged.p[r].max(remote.p[r]);
            merged.n[r] = merged.n[r].max(remote.n[r]);
        }
        merged
    }

    fn le(&self, a: &PNPayload, b: &PNPayload) -> bool {
        (0..super::REPLICAS_MAX).all(|r| a.p[r] <= b.p[r] && a.n[r] <= b.n[r])
    }

    /// `CounterValue`: the value is the increments received minus the decrements received.
    fn satisfies_spec(&self, _: &Layout, payload: &PNPayload, known: u32, history: &[PNOp]) -> bool {
        let sum = |v: &[u8]| v.iter().map(|&c| i64::from(c)).sum::<i64>();
        let expected: i64 = ids(known).map(|id| if history[usize::from(id)] == PNOp::Increment { 1 } else { -1 }).sum();
        sum(&payload.p) - sum(&payload.n) == expected
    }

    fn payload_value(&self, replicas: &[String], _: &Layout, payload: &PNPayload) -> Value {
        Value::record([("P", per_replica(replicas, &payload.p)), ("N", per_replica(replicas, &payload.n))])
    }
}

// ---------------------------------------------------------------------------
// LWW-Register
// ---------------------------------------------------------------------------

/// Seeded bugs of the LWW-Register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LWWBug {
    /// Timestamps ordered by `(timestamp, writer)`: the writer's id breaks ties.
    None,
    /// The register keeps no writer id: merge compares timestamps alone and
    /// keeps the local write on a tie. Two concurrent writes of different
    /// values with equal timestamps then stay where they were made, violating
    /// `StrongConvergence`.
    NoTieBreak,
}

/// The last-writer-wins register (specification 8): a value with a
/// timestamp; a write takes a Lamport timestamp one above the one it replaces
/// (so timestamps follow causality), and merge keeps the write with the
/// greater `(timestamp, writer)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LWWRegister {
    /// The model values of `Value`, sorted; value `v` is `values[v - 1]`.
    pub values: Vec<String>,
    /// The seeded bug, or [`LWWBug::None`].
    pub bug: LWWBug,
}

/// An LWW-Register payload. The initial payload, all zero, is the register
/// before any write (`NoValue`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct LWWPayload {
    /// The write's timestamp; 0 before any write.
    pub timestamp: u8,
    /// The replica that wrote it (its index; 0 with [`LWWBug::NoTieBreak`]).
    pub writer: u8,
    /// The value, `1..=|Value|`; 0 before any write.
    pub value: u8,
}

/// `Write(v)` with the timestamp it took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Write {
    /// The value written, `1..=|Value|`.
    pub value: u8,
    /// The write's timestamp.
    pub timestamp: u8,
}

impl LWWRegister {
    /// The most values a check spec may give.
    pub const VALUES_MAX: usize = 4;

    fn value_name(&self, value: u8) -> &str {
        match value {
            0 => "NoValue",
            v => &self.values[usize::from(v) - 1],
        }
    }

    /// Whether `b` replaces `a` in a merge.
    fn wins(&self, b: &LWWPayload, a: &LWWPayload) -> bool {
        match self.bug {
            LWWBug::None => (b.timestamp, b.writer) > (a.timestamp, a.writer),
            LWWBug::NoTieBreak => b.timestamp > a.timestamp,
        }
    }
}

impl CrdtType for LWWRegister {
    type Payload = LWWPayload;
    type Op = Write;

    const MODEL: &'static str = "LWWRegister";
    const OPERATIONS: &'static [&'static str] = &["Write"];
    const SPEC: &'static str = "LastWriterWins";
    const CONSTANTS: &'static [&'static str] = &["Value", "Bug"];

    fn from_constants(constants: &Constants) -> Result<Self, ConfigError> {
        let values = names(constants, "Value", Self::VALUES_MAX)?;
        let bug = match constants.choice_or("Bug", &["None", "NoTieBreak"], "None")? {
            "NoTieBreak" => LWWBug::NoTieBreak,
            _ => LWWBug::None,
        };
        Ok(LWWRegister { values, bug })
    }

    fn operation_name(&self, _: &Write) -> &'static str {
        "Write"
    }

    fn operation_arguments(&self, op: &Write) -> Vec<String> {
        vec![self.value_name(op.value).to_string()]
    }

    fn updates(&self, _: &Layout, replica: u8, _: UpdateId, payload: &LWWPayload, out: &mut Vec<(Write, LWWPayload)>) {
        let timestamp = payload.timestamp + 1;
        // Without a tie-breaker the register has no use for the writer's id.
        let writer = if self.bug == LWWBug::NoTieBreak { 0 } else { replica };
        for value in 1..=self.values.len() as u8 {
            out.push((Write { value, timestamp }, LWWPayload { timestamp, writer, value }));
        }
    }

    fn merge(&self, local: &LWWPayload, remote: &LWWPayload) -> LWWPayload {
        if self.wins(remote, local) {
            *remote
        } else {
            *local
        }
    }

    fn le(&self, a: &LWWPayload, b: &LWWPayload) -> bool {
        (a.timestamp, a.writer) <= (b.timestamp, b.writer)
    }

    /// `LastWriterWins`: the register holds the value and timestamp of the
    /// received write that is greatest by `(timestamp, writer)`, or no value
    /// if none was received.
    fn satisfies_spec(&self, layout: &Layout, payload: &LWWPayload, known: u32, history: &[Write]) -> bool {
        let last = ids(known)
            .map(|id| (history[usize::from(id)], layout.replica_of(id)))
            .max_by_key(|(w, writer)| (w.timestamp, *writer))
            .map(|(w, _)| w);
        let expected = last.unwrap_or_default();
        (payload.timestamp, payload.value) == (expected.timestamp, expected.value)
    }

    fn payload_value(&self, replicas: &[String], _: &Layout, payload: &LWWPayload) -> Value {
        // Without a tie-breaker the register records no writer.
        let writer = if payload.timestamp == 0 || self.bug == LWWBug::NoTieBreak {
            "none"
        } else {
            &replicas[usize::from(payload.writer)]
        };
        Value::record([
            ("value", Value::model_value(self.value_name(payload.value))),
            ("timestamp", Value::Int(payload.timestamp.into())),
            ("writer", Value::model_value(writer)),
        ])
    }
}

// ---------------------------------------------------------------------------
// OR-Set
// ---------------------------------------------------------------------------

/// Seeded bugs of the OR-Set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ORSetBug {
    /// The published OR-Set: a remove deletes only the tags it observed (add wins).
    None,
    /// Merge also deletes, for an element the other side has removed, the tags
    /// of that element the other side has not seen: adds concurrent with the
    /// remove are lost. Violates `AddWins`.
    RemoveConcurrentAdds,
}

/// The observed-remove set (specification 15, add-wins, unique tags): an add
/// of `e` creates the pair `(e, tag)` with a fresh tag (here the update's
/// id); a remove of `e` tombstones every pair of `e` the replica has
/// observed; merge takes the union of pairs and of tombstones; `e` is in the
/// set while some pair of `e` is not tombstoned. A remove therefore cancels
/// the adds it has seen and no others: a concurrent add wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ORSet {
    /// The model values of `Element`, sorted.
    pub elements: Vec<String>,
    /// The seeded bug, or [`ORSetBug::None`].
    pub bug: ORSetBug,
}

/// An OR-Set payload: pair `(e, tag)` is bit `tag * |Element| + e`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct ORPayload {
    /// The pairs added (`E` in the report, with tombstoned ones kept).
    pub added: u64,
    /// The pairs tombstoned (`T`).
    pub removed: u64,
}

/// An OR-Set update as the history records it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum ORSetOp {
    /// No update (unused history slots).
    #[default]
    NoOp,
    /// `add(e)`; its tag is the update's id.
    Add(u8),
    /// `remove(e)`, with the ids (tags) of the adds of `e` it observed.
    Remove(u8, u32),
}

impl ORSet {
    /// The most elements a check spec may give.
    pub const ELEMENTS_MAX: usize = 4;

    fn width(&self) -> u32 {
        self.elements.len() as u32
    }

    /// Every pair of element `e`, over all tags.
    fn pairs_of(&self, e: u8) -> u64 {
        let mut mask = 0;
        let mut bit = u32::from(e);
        while bit < 64 {
            mask |= 1 << bit;
            bit += self.width();
        }
        mask
    }

    /// The tags of the pairs in `pairs`, as a set of update ids.
    fn tags(&self, pairs: u64) -> u32 {
        (0..64).filter(|bit| pairs & (1 << bit) != 0).fold(0, |tags, bit| tags | 1 << (bit / self.width()))
    }

    /// `lookup(e)` for every element, as a bit set of elements.
    pub fn present(&self, payload: &ORPayload) -> u8 {
        let live = payload.added & !payload.removed;
        (0..self.elements.len() as u8).filter(|&e| live & self.pairs_of(e) != 0).fold(0, |set, e| set | 1 << e)
    }
}

impl CrdtType for ORSet {
    type Payload = ORPayload;
    type Op = ORSetOp;

    const MODEL: &'static str = "ORSet";
    const OPERATIONS: &'static [&'static str] = &["Add", "Remove"];
    const SPEC: &'static str = "AddWins";
    const CONSTANTS: &'static [&'static str] = &["Element", "Bug"];

    fn from_constants(constants: &Constants) -> Result<Self, ConfigError> {
        let elements = names(constants, "Element", Self::ELEMENTS_MAX)?;
        let bug = match constants.choice_or("Bug", &["None", "RemoveConcurrentAdds"], "None")? {
            "RemoveConcurrentAdds" => ORSetBug::RemoveConcurrentAdds,
            _ => ORSetBug::None,
        };
        Ok(ORSet { elements, bug })
    }

    /// Pairs are `tag * |Element| + e` bits of a `u64`.
    fn updates_max(&self) -> usize {
        super::UPDATES_MAX.min(64 / self.elements.len())
    }

    fn operation_name(&self, op: &ORSetOp) -> &'static str {
        match op {
            ORSetOp::Add(_) | ORSetOp::NoOp => "Add",
            ORSetOp::Remove(..) => "Remove",
        }
    }

    fn operation_arguments(&self, op: &ORSetOp) -> Vec<String> {
        match *op {
            ORSetOp::NoOp => Vec::new(),
            ORSetOp::Add(e) | ORSetOp::Remove(e, _) => vec![self.elements[usize::from(e)].clone()],
        }
    }

    fn updates(&self, _: &Layout, _: u8, id: UpdateId, payload: &ORPayload, out: &mut Vec<(ORSetOp, ORPayload)>) {
        let present = self.present(payload);
        for e in 0..self.elements.len() as u8 {
            let pair = 1u64 << (u32::from(id) * self.width() + u32::from(e));
            out.push((ORSetOp::Add(e), ORPayload { added: payload.added | pair, ..*payload }));
            // remove(e) has the precondition lookup(e).
            if present & (1 << e) != 0 {
                let observed = payload.added & self.pairs_of(e);
                out.push((
                    ORSetOp::Remove(e, self.tags(observed)),
                    ORPayload { removed: payload.removed | observed, ..*payload },
                ));
            }
        }
    }

    fn merge(&self, local: &ORPayload, remote: &ORPayload) -> ORPayload {
        let mut removed = local.removed | remote.removed;
        if self.bug == ORSetBug::RemoveConcurrentAdds {
            for e in 0..self.elements.len() as u8 {
                let pairs = self.pairs_of(e);
                if remote.removed & pairs != 0 {
                    removed |= local.added & !remote.added & pairs;
                }
                if local.removed & pairs != 0 {
                    removed |= remote.added & !local.added & pairs;
                }
            }
        }
        ORPayload { added: local.added | remote.added, removed }
    }

    fn le(&self, a: &ORPayload, b: &ORPayload) -> bool {
        a.added & !b.added == 0 && a.removed & !b.removed == 0
    }

    /// `AddWins`: `e` is in the set iff the replica has received an add of `e`
    /// that no remove it has received observed.
    fn satisfies_spec(&self, _: &Layout, payload: &ORPayload, known: u32, history: &[ORSetOp]) -> bool {
        let mut cancelled = 0u32;
        for id in ids(known) {
            if let ORSetOp::Remove(_, observed) = history[usize::from(id)] {
                cancelled |= observed;
            }
        }
        let mut expected = 0u8;
        for id in ids(known & !cancelled) {
            if let ORSetOp::Add(e) = history[usize::from(id)] {
                expected |= 1 << e;
            }
        }
        self.present(payload) == expected
    }

    /// Pairs as `<<e1, "r1.1">>`: the element and its tag, the id of the add.
    fn payload_value(&self, replicas: &[String], layout: &Layout, payload: &ORPayload) -> Value {
        let pairs = |mask: u64| {
            Value::set((0..64).filter(|bit| mask & (1 << bit) != 0).map(|bit| {
                Value::Seq(vec![
                    Value::model_value(self.elements[(bit % self.width()) as usize].as_str()),
                    Value::str(layout.id_name(replicas, (bit / self.width()) as UpdateId)),
                ])
            }))
        };
        let present = self.present(payload);
        let elements = (0..self.elements.len()).filter(|e| present & (1 << e) != 0);
        Value::record([
            ("elements", Value::set(elements.map(|e| Value::model_value(self.elements[e].as_str())))),
            ("added", pairs(payload.added)),
            ("removed", pairs(payload.removed)),
        ])
    }
}

// ---------------------------------------------------------------------------
// 2P-Set
// ---------------------------------------------------------------------------

/// The two-phase set (specification 12): a set of added elements and a set
/// of removed ones (tombstones), each grow-only; an element is in the set once
/// added and until removed, and a removed element can never come back.
/// `add(e)` is offered while `e` is not yet added here, `remove(e)` (as in the
/// report) while `lookup(e)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoPSet {
    /// The model values of `Element`, sorted.
    pub elements: Vec<String>,
}

/// A 2P-Set payload: bit `e` of each set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct TwoPPayload {
    /// `A`, the elements added.
    pub added: u8,
    /// `R`, the elements removed.
    pub removed: u8,
}

/// A 2P-Set update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum TwoPOp {
    /// No update (unused history slots).
    #[default]
    NoOp,
    /// `add(e)`.
    Add(u8),
    /// `remove(e)`.
    Remove(u8),
}

impl TwoPSet {
    /// The most elements a check spec may give.
    pub const ELEMENTS_MAX: usize = 8;
}

impl CrdtType for TwoPSet {
    type Payload = TwoPPayload;
    type Op = TwoPOp;

    const MODEL: &'static str = "TwoPSet";
    const OPERATIONS: &'static [&'static str] = &["Add", "Remove"];
    const SPEC: &'static str = "RemoveWins";
    const CONSTANTS: &'static [&'static str] = &["Element"];

    fn from_constants(constants: &Constants) -> Result<Self, ConfigError> {
        Ok(TwoPSet { elements: names(constants, "Element", Self::ELEMENTS_MAX)? })
    }

    fn operation_name(&self, op: &TwoPOp) -> &'static str {
        match op {
            TwoPOp::Add(_) | TwoPOp::NoOp => "Add",
            TwoPOp::Remove(_) => "Remove",
        }
    }

    fn operation_arguments(&self, op: &TwoPOp) -> Vec<String> {
        match *op {
            TwoPOp::NoOp => Vec::new(),
            TwoPOp::Add(e) | TwoPOp::Remove(e) => vec![self.elements[usize::from(e)].clone()],
        }
    }

    fn updates(&self, _: &Layout, _: u8, _: UpdateId, payload: &TwoPPayload, out: &mut Vec<(TwoPOp, TwoPPayload)>) {
        for e in 0..self.elements.len() as u8 {
            let bit = 1 << e;
            if payload.added & bit == 0 {
                out.push((TwoPOp::Add(e), TwoPPayload { added: payload.added | bit, ..*payload }));
            } else if payload.removed & bit == 0 {
                out.push((TwoPOp::Remove(e), TwoPPayload { removed: payload.removed | bit, ..*payload }));
            }
        }
    }

    fn merge(&self, local: &TwoPPayload, remote: &TwoPPayload) -> TwoPPayload {
        TwoPPayload { added: local.added | remote.added, removed: local.removed | remote.removed }
    }

    fn le(&self, a: &TwoPPayload, b: &TwoPPayload) -> bool {
        a.added & !b.added == 0 && a.removed & !b.removed == 0
    }

    /// `RemoveWins`: `e` is in the set iff the replica has received an add of
    /// `e` and no remove of `e`.
    fn satisfies_spec(&self, _: &Layout, payload: &TwoPPayload, known: u32, history: &[TwoPOp]) -> bool {
        let (mut added, mut removed) = (0u8, 0u8);
        for id in ids(known) {
            match history[usize::from(id)] {
                TwoPOp::Add(e) => added |= 1 << e,
                TwoPOp::Remove(e) => removed |= 1 << e,
                TwoPOp::NoOp => {}
            }
        }
        payload.added & !payload.removed == added & !removed
    }

    fn payload_value(&self, _: &[String], _: &Layout, payload: &TwoPPayload) -> Value {
        let set = |mask: u8| {
            Value::set(
                (0..self.elements.len())
                    .filter(|e| mask & (1 << e) != 0)
                    .map(|e| Value::model_value(self.elements[e].as_str())),
            )
        };
        Value::record([("added", set(payload.added)), ("removed", set(payload.removed))])
    }
}
