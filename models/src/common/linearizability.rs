//! A linearizability checker for histories of register and key-value
//! operations, kept in a model's state and checked as the state invariant
//! `Linearizable`; and the weaker sequential consistency.
//!
//! # Histories
//!
//! A [`History`] records what the clients of a replicated object asked and
//! what they were told: each operation's call (a read of a key, or a write of
//! a value to a key) and, once it has returned, its result (the value read).
//! Clients are sequential (a client invokes its next operation only after its
//! previous one returned) and do at most `per_client` operations, so each
//! operation has a fixed *slot*, `client * per_client + k` for the client's
//! `k`-th operation. Time is not recorded; only what linearizability needs
//! of it: for each operation, the set of operations that had already
//! returned when it was invoked ([`Op::after`]), which is the real-time
//! order. This keeps equal histories equal however the model interleaved
//! the clients' steps, and keeps the model's state space small.
//!
//! A key-value map is a set of registers, one per key (keys below
//! [`KEYS_MAX`]); a register is a map with the one key 0. Every key starts
//! with the same initial value (the model's "nil", usually 0).
//!
//! # Linearizability (Herlihy and Wing, 1990)
//!
//! A history is linearizable when there is a total order of its operations
//! (every returned one, and any subset of those still pending) that respects
//! the real-time order (an operation that returned before another was
//! invoked comes first) and is a legal sequential history of the object:
//! each read returns the value of the latest write to its key before it, or
//! the initial value if there is none. A pending write may have taken effect
//! or not; a pending read has no result to explain and is left out.
//!
//! [`linearizable`] searches for such an order in the manner of Wing and
//! Gong ("Testing and verifying concurrent objects", 1993) with Lowe's
//! memoization ("Testing for linearizability", 2017): a depth-first search
//! over (set of operations linearized so far, object state), taking next any
//! unlinearized operation whose real-time predecessors are all linearized
//! and whose result agrees with the object state, and remembering every
//! configuration already explored, since the search's outcome from one
//! depends on nothing else. The search succeeds once every returned
//! operation is linearized. It uses an explicit stack, no recursion, and at
//! most `2^ops * values^keys` configurations, which for the bounded
//! histories of a model is a few thousand.
//!
//! [`sequentially_consistent`] (Lamport, 1979) is the same search with the
//! real-time order replaced by program order: each client's operations stay
//! in the order it issued them, but operations of different clients may be
//! reordered freely, even when one returned before the other began.
//!
//! The classic *new-old inversion* separates the two: a write of 1 is in
//! progress, one reader sees 1 and returns, then another reader starts and
//! sees the old value 0. No linearization exists (the second read must come
//! after the first, which must come after the write), but the history is
//! sequentially consistent (put the second read before the write).
//!
//! # Cost
//!
//! The invariant is evaluated on every state, but a model's states share few
//! histories, so [`Memo`] caches the verdict per history (a sharded table,
//! safe to share between the checker's threads).

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use checker::spec::Value;

/// A key of the map; below [`KEYS_MAX`].
pub type Key = u8;

/// A value of a register.
pub type Val = u8;

/// A set of operations, bit `i` for slot `i`.
pub type OpSet = u32;

/// The most keys a history's object has.
pub const KEYS_MAX: usize = 4;

/// The most operations a history holds.
pub const OPS_MAX: usize = 32;

/// What a client asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Call {
    /// Read the value of a key.
    Read(Key),
    /// Write a value to a key.
    Write(Key, Val),
}

impl Call {
    /// The key the call reads or writes.
    pub fn key(self) -> Key {
        match self {
            Call::Read(k) | Call::Write(k, _) => k,
        }
    }
}

/// One operation of a history, in its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Op {
    /// The call, or `None` while the slot's operation has not been invoked.
    pub call: Option<Call>,
    /// `None` while pending (or not invoked); once returned, the value a read
    /// returned, or for a write the value written.
    pub ret: Option<Val>,
    /// The operations that had returned when this one was invoked: each must
    /// be linearized before it.
    pub after: OpSet,
}

impl Op {
    const IDLE: Op = Op { call: None, ret: None, after: 0 };
}

/// The operations of sequential clients, each in its fixed slot (see the
/// module docs). Equal histories have equal representations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// The most operations each client does.
    per_client: u8,
    /// Slot `client * per_client + k` holds the client's `k`-th operation.
    ops: Vec<Op>,
}

impl History {
    /// An empty history of `clients` clients doing at most `per_client`
    /// operations each (at most [`OPS_MAX`] in all).
    pub fn new(clients: usize, per_client: usize) -> History {
        assert!(clients * per_client <= OPS_MAX, "a history holds at most {OPS_MAX} operations");
        History { per_client: per_client as u8, ops: vec![Op::IDLE; clients * per_client] }
    }

    /// The slots, in order: client 0's operations, then client 1's, ...
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The number of clients.
    pub fn clients(&self) -> usize {
        self.ops.len() / usize::from(self.per_client.max(1))
    }

    /// The most operations each client does.
    pub fn per_client(&self) -> usize {
        usize::from(self.per_client)
    }

    /// The client of slot `i`.
    pub fn client_of(&self, i: usize) -> usize {
        i / usize::from(self.per_client)
    }

    fn slots(&self, client: usize) -> std::ops::Range<usize> {
        let n = usize::from(self.per_client);
        client * n..(client + 1) * n
    }

    /// How many operations `client` has invoked.
    pub fn invoked(&self, client: usize) -> usize {
        self.ops[self.slots(client)].iter().filter(|op| op.call.is_some()).count()
    }

    /// The call `client` is waiting on, if any, with its slot.
    pub fn pending(&self, client: usize) -> Option<(usize, Call)> {
        self.slots(client).find_map(|i| match self.ops[i] {
            Op { call: Some(call), ret: None, .. } => Some((i, call)),
            _ => None,
        })
    }

    /// Whether `client` may invoke an operation: none pending, and fewer than
    /// `per_client` done.
    pub fn can_invoke(&self, client: usize) -> bool {
        self.pending(client).is_none() && self.invoked(client) < self.per_client()
    }

    /// `client` invokes `call`; returns its slot. Panics unless [`History::can_invoke`].
    pub fn invoke(&mut self, client: usize, call: Call) -> usize {
        assert!(self.can_invoke(client), "model bug: client {client} invoked with an operation pending or none left");
        assert!(usize::from(call.key()) < KEYS_MAX, "keys are below {KEYS_MAX}");
        let slot = self.slots(client).start + self.invoked(client);
        self.ops[slot] = Op { call: Some(call), ret: None, after: self.returned() };
        slot
    }

    /// `client` invokes `call` without recording real time: the operation's
    /// [`Op::after`] stays empty. For models whose invariants ignore real
    /// time (causal consistency, [`super::causal`]), so that interleavings of
    /// independent sessions do not multiply the states. Returns its slot.
    pub fn invoke_untimed(&mut self, client: usize, call: Call) -> usize {
        let slot = self.invoke(client, call);
        self.ops[slot].after = 0;
        slot
    }

    /// `client`'s pending operation returns `value` (the value read, or for a
    /// write the value written). Panics if none is pending.
    pub fn respond(&mut self, client: usize, value: Val) {
        let (slot, _) = self.pending(client).expect("model bug: a response with no operation pending");
        self.ops[slot].ret = Some(value);
    }

    /// The operations that have returned.
    pub fn returned(&self) -> OpSet {
        self.ops.iter().enumerate().filter(|(_, op)| op.ret.is_some()).fold(0, |set, (i, _)| set | 1 << i)
    }

    /// Whether every client has done all its operations.
    pub fn complete(&self) -> bool {
        self.ops.iter().all(|op| op.ret.is_some())
    }

    /// Program order: the slots of the same client before slot `i`.
    fn program_order(&self, i: usize) -> OpSet {
        let start = self.slots(self.client_of(i)).start;
        ((1 << i) - 1) & !((1 << start) - 1)
    }

    /// The history as a trace variable: one record per invoked operation,
    /// `[client |-> c1, op |-> "Write", key |-> 0, value |-> 1, ret |-> "ok", after |-> {...}]`
    /// (`ret` is `"pending"` until it returns); `client` names each client.
    pub fn value(&self, client: impl Fn(usize) -> String) -> Value {
        let name = |i: usize| format!("{}#{}", client(self.client_of(i)), i % usize::from(self.per_client) + 1);
        let records = self.ops.iter().enumerate().filter_map(|(i, op)| {
            let call = op.call?;
            let (kind, key, value) = match call {
                Call::Read(k) => ("Read", k, None),
                Call::Write(k, v) => ("Write", k, Some(v)),
            };
            let ret = match (call, op.ret) {
                (_, None) => Value::str("pending"),
                (Call::Read(_), Some(v)) => Value::Int(i64::from(v)),
                (Call::Write(..), Some(_)) => Value::str("ok"),
            };
            let after = (0..self.ops.len()).filter(|j| op.after >> j & 1 == 1).map(|j| Value::str(name(j)));
            let mut fields =
                vec![("id", Value::str(name(i))), ("op", Value::str(kind)), ("key", Value::Int(key.into()))];
            if let Some(v) = value {
                fields.push(("value", Value::Int(v.into())));
            }
            fields.push(("ret", ret));
            fields.push(("after", Value::set(after)));
            Some(Value::record(fields))
        });
        Value::Seq(records.collect())
    }

    /// `c1#2: Write(k0, 1) -> ok` lines, one per invoked operation, for messages.
    pub fn describe(&self, client: impl Fn(usize) -> String) -> String {
        let mut lines = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            let Some(call) = op.call else { continue };
            let who = format!("{}#{}", client(self.client_of(i)), i % usize::from(self.per_client) + 1);
            let call = match call {
                Call::Read(k) => format!("Read(k{k})"),
                Call::Write(k, v) => format!("Write(k{k}, {v})"),
            };
            let ret = match (op.call, op.ret) {
                (_, None) => "pending".to_string(),
                (Some(Call::Read(_)), Some(v)) => v.to_string(),
                _ => "ok".to_string(),
            };
            lines.push(format!("{who}: {call} -> {ret}"));
        }
        lines.join("; ")
    }
}

/// The object's state during the search: the value of each key.
type Object = [Val; KEYS_MAX];

/// Whether `history` is linearizable for a map whose keys all start at `init`.
pub fn linearizable(history: &History, init: Val) -> bool {
    search(history, init, |i| history.ops[i].after)
}

/// Whether `history` is sequentially consistent for a map whose keys all
/// start at `init`: linearizable with program order in place of real time.
pub fn sequentially_consistent(history: &History, init: Val) -> bool {
    search(history, init, |i| history.program_order(i))
}

/// Wing and Gong's search with Lowe's memoization: is there an order of the
/// returned operations, plus any pending writes, in which each operation
/// comes after its `before(i)` and every read returns the latest write?
fn search(history: &History, init: Val, before: impl Fn(usize) -> OpSet) -> bool {
    let ops = &history.ops;
    let returned = history.returned();
    // Pending reads are never linearized: they change nothing and explain nothing.
    let candidates = ops.iter().enumerate().fold(0 as OpSet, |set, (i, op)| match (op.call, op.ret) {
        (Some(Call::Write(..)), _) | (Some(Call::Read(_)), Some(_)) => set | 1 << i,
        _ => set,
    });
    let mut seen: HashSet<(OpSet, Object)> = HashSet::new();
    let mut stack: Vec<(OpSet, Object)> = vec![(0, [init; KEYS_MAX])];
    seen.insert(stack[0]);
    while let Some((done, object)) = stack.pop() {
        if done & returned == returned {
            return true;
        }
        let mut left = candidates & !done;
        while left != 0 {
            let i = left.trailing_zeros() as usize;
            left &= left - 1;
            if before(i) & !done != 0 {
                continue;
            }
            let mut next = object;
            match (ops[i].call, ops[i].ret) {
                (Some(Call::Read(k)), Some(v)) => {
                    if object[usize::from(k)] != v {
                        continue;
                    }
                }
                (Some(Call::Write(k, v)), _) => next[usize::from(k)] = v,
                _ => unreachable!("only invoked writes and returned reads are candidates"),
            }
            let config = (done | 1 << i, next);
            if seen.insert(config) {
                stack.push(config);
            }
        }
    }
    false
}

/// A cache of verdicts per history, shared by the checker's threads: a
/// model's states share few histories, and the invariant is evaluated on
/// every state. Sharded to keep contention low; each shard is emptied when
/// it reaches [`Memo::SHARD_MAX`] entries, which bounds its memory.
#[derive(Debug)]
pub struct Memo {
    shards: Vec<Mutex<HashMap<History, bool>>>,
}

impl Memo {
    /// The most histories a shard remembers before it starts over.
    pub const SHARD_MAX: usize = 1 << 16;
    const SHARDS: usize = 64;

    /// An empty cache.
    pub fn new() -> Memo {
        Memo { shards: (0..Self::SHARDS).map(|_| Mutex::new(HashMap::new())).collect() }
    }

    /// The verdict of `check` on `history`, computed once per history.
    pub fn get(&self, history: &History, check: impl FnOnce(&History) -> bool) -> bool {
        // A fixed-key hasher picks the shard, so one history always lands in one shard.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        history.hash(&mut hasher);
        let shard = &self.shards[hasher.finish() as usize % Self::SHARDS];
        if let Some(&verdict) = shard.lock().unwrap_or_else(|e| e.into_inner()).get(history) {
            return verdict;
        }
        let verdict = check(history);
        let mut table = shard.lock().unwrap_or_else(|e| e.into_inner());
        if table.len() >= Self::SHARD_MAX {
            table.clear();
        }
        table.insert(history.clone(), verdict);
        verdict
    }
}

impl Default for Memo {
    fn default() -> Self {
        Memo::new()
    }
}

impl Clone for Memo {
    /// A clone starts with an empty cache: verdicts are cheap to recompute.
    fn clone(&self) -> Self {
        Memo::new()
    }
}

#[cfg(test)]
#[path = "linearizability_tests.rs"]
mod tests;
