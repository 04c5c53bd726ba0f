//! `LamportMutex`: Lamport's distributed mutual exclusion, transcribed from
//! `LamportMutex.tla` (Merz; tlaplus/Examples, `specifications/lamport_mutex/`),
//! the algorithm of "Time, Clocks, and the Ordering of Events in a
//! Distributed System" (CACM 21(7), 1978).
//!
//! `N` processes keep logical clocks. A process that wants the critical
//! section records its request with its clock (`req[p][p]`) and broadcasts it;
//! every other process records the request, advances its clock past the
//! request's and acknowledges. A process enters once every process has
//! acknowledged and its request beats every request it knows of (smaller
//! clock, ties broken by process number); on exit it broadcasts a release,
//! which deletes its request everywhere. Channels are FIFO, one per ordered
//! pair of processes. `ClockConstraint` (`clock[p] <= maxClock`) keeps the
//! space finite, as `MCLamportMutex.cfg` does.
//!
//! Checked: `TypeOK`, `BoundedNetwork` (no channel holds more than three
//! messages) and `Mutex` (at most one process in the critical section).
//!
//! The model is written once over [`Repr`], the state's representation, and
//! comes in two: [`VecState`], what one writes first (`Vec`s, `BTreeSet`s and
//! a `Vec` per channel, every one on the heap), and [`InlineState`], the same
//! variables in `checker::collections` (a `Copy` state that allocates
//! nothing). The constant `State` picks one; the benchmark runs both on the
//! instance of `MCLamportMutex.cfg` (`N = 3`, `maxClock = 6`), whose counts
//! TLC publishes in the examples' manifest: 724,274 distinct states, 2,729,079
//! generated, depth 61.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::hash::Hash;

use checker::collections::{Seq, Set};
use checker::spec::{ConfigError, Constants, Constraint, Invariant, Model, StateCodec, Value};
use serde::{Deserialize, Serialize};

/// A message: `ReqMessage(c)`, `AckMessage` or `RelMessage`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Message {
    /// `[type |-> "req", clock |-> c]`.
    Req(u8),
    /// `[type |-> "ack", clock |-> 0]`.
    #[default]
    Ack,
    /// `[type |-> "rel", clock |-> 0]`.
    Rel,
}

/// What the model needs of a state, so that the two representations share
/// one transcription of the spec. Processes are `0..n`.
pub trait Repr: Clone + Eq + Hash + Debug + Send + Sync + Serialize + for<'de> Deserialize<'de> + 'static {
    /// The most processes the representation holds.
    const N_MAX: usize;
    /// `Init` for `n` processes.
    fn init(n: usize) -> Self;
    /// `clock[p]`.
    fn clock(&self, p: usize) -> u8;
    /// `clock'[p] = c`.
    fn set_clock(&mut self, p: usize, c: u8);
    /// `req[p][q]`.
    fn req(&self, p: usize, q: usize) -> u8;
    /// `req'[p][q] = c`.
    fn set_req(&mut self, p: usize, q: usize, c: u8);
    /// `q \in ack[p]`.
    fn acked(&self, p: usize, q: usize) -> bool;
    /// `Cardinality(ack[p])`.
    fn acks(&self, p: usize) -> usize;
    /// `ack'[p] = ack[p] \union {q}`.
    fn add_ack(&mut self, p: usize, q: usize);
    /// `ack'[p] = {}`.
    fn clear_acks(&mut self, p: usize);
    /// `network[p][q]`, the channel from `p` to `q`.
    fn channel(&self, p: usize, q: usize) -> &[Message];
    /// `network'[p][q] = Append(network[p][q], m)`.
    fn send(&mut self, p: usize, q: usize, m: Message);
    /// `network'[p][q] = Tail(network[p][q])`.
    fn receive(&mut self, p: usize, q: usize);
    /// `p \in crit`.
    fn in_crit(&self, p: usize) -> bool;
    /// `Cardinality(crit)`.
    fn crit_len(&self) -> usize;
    /// `crit' = crit \union {p}` or `crit \ {p}`.
    fn set_crit(&mut self, p: usize, inside: bool);
}

/// The state as one writes it first: every variable on the heap.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VecState {
    clock: Vec<u8>,
    req: Vec<Vec<u8>>,
    ack: Vec<BTreeSet<u8>>,
    network: Vec<Vec<Vec<Message>>>,
    crit: BTreeSet<u8>,
}

impl Repr for VecState {
    const N_MAX: usize = 8;
    fn init(n: usize) -> Self {
        VecState {
            clock: vec![1; n],
            req: vec![vec![0; n]; n],
            ack: vec![BTreeSet::new(); n],
            network: vec![vec![Vec::new(); n]; n],
            crit: BTreeSet::new(),
        }
    }
    fn clock(&self, p: usize) -> u8 {
        self.clock[p]
    }
    fn set_clock(&mut self, p: usize, c: u8) {
        self.clock[p] = c;
    }
    fn req(&self, p: usize, q: usize) -> u8 {
        self.req[p][q]
    }
    fn set_req(&mut self, p: usize, q: usize, c: u8) {
        self.req[p][q] = c;
    }
    fn acked(&self, p: usize, q: usize) -> bool {
        self.ack[p].contains(&(q as u8))
    }
    fn acks(&self, p: usize) -> usize {
        self.ack[p].len()
    }
    fn add_ack(&mut self, p: usize, q: usize) {
        self.ack[p].insert(q as u8);
    }
    fn clear_acks(&mut self, p: usize) {
        self.ack[p].clear();
    }
    fn channel(&self, p: usize, q: usize) -> &[Message] {
        &self.network[p][q]
    }
    fn send(&mut self, p: usize, q: usize, m: Message) {
        self.network[p][q].push(m);
    }
    fn receive(&mut self, p: usize, q: usize) {
        self.network[p][q].remove(0);
    }
    fn in_crit(&self, p: usize) -> bool {
        self.crit.contains(&(p as u8))
    }
    fn crit_len(&self) -> usize {
        self.crit.len()
    }
    fn set_crit(&mut self, p: usize, inside: bool) {
        if inside {
            self.crit.insert(p as u8);
        } else {
            self.crit.remove(&(p as u8));
        }
    }
}

/// At most this many processes in an [`InlineState`].
const INLINE_N: usize = 4;
/// `BoundedNetwork`: a channel never holds more than three messages (proved
/// in `LamportMutex_proofs.tla`); a fourth would panic, a model error.
const CHANNEL: usize = 3;

/// The same variables in fixed-capacity inline collections: a `Copy` state
/// of 115 bytes that building, hashing and dropping never allocate for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InlineState {
    clock: [u8; INLINE_N],
    req: [[u8; INLINE_N]; INLINE_N],
    ack: [Set<u8, INLINE_N>; INLINE_N],
    network: [[Seq<Message, CHANNEL>; INLINE_N]; INLINE_N],
    crit: Set<u8, INLINE_N>,
}

impl Repr for InlineState {
    const N_MAX: usize = INLINE_N;
    fn init(n: usize) -> Self {
        let mut clock = [0; INLINE_N];
        clock[..n].fill(1);
        InlineState {
            clock,
            req: [[0; INLINE_N]; INLINE_N],
            ack: [Set::new(); INLINE_N],
            network: [[Seq::new(); INLINE_N]; INLINE_N],
            crit: Set::new(),
        }
    }
    fn clock(&self, p: usize) -> u8 {
        self.clock[p]
    }
    fn set_clock(&mut self, p: usize, c: u8) {
        self.clock[p] = c;
    }
    fn req(&self, p: usize, q: usize) -> u8 {
        self.req[p][q]
    }
    fn set_req(&mut self, p: usize, q: usize, c: u8) {
        self.req[p][q] = c;
    }
    fn acked(&self, p: usize, q: usize) -> bool {
        self.ack[p].contains(&(q as u8))
    }
    fn acks(&self, p: usize) -> usize {
        self.ack[p].len()
    }
    fn add_ack(&mut self, p: usize, q: usize) {
        self.ack[p].insert(q as u8);
    }
    fn clear_acks(&mut self, p: usize) {
        self.ack[p].clear();
    }
    fn channel(&self, p: usize, q: usize) -> &[Message] {
        &self.network[p][q]
    }
    fn send(&mut self, p: usize, q: usize, m: Message) {
        self.network[p][q].push(m);
    }
    fn receive(&mut self, p: usize, q: usize) {
        self.network[p][q].pop_front();
    }
    fn in_crit(&self, p: usize) -> bool {
        self.crit.contains(&(p as u8))
    }
    fn crit_len(&self) -> usize {
        self.crit.len()
    }
    fn set_crit(&mut self, p: usize, inside: bool) {
        if inside {
            self.crit.insert(p as u8);
        } else {
            self.crit.remove(&(p as u8));
        }
    }
}

/// One step of `Next`, named as in `LamportMutex.tla`; processes are
/// numbered from 0 here and from 1 in the spec and in traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `Request(p)`.
    Request(u8),
    /// `Enter(p)`.
    Enter(u8),
    /// `Exit(p)`.
    Exit(u8),
    /// `ReceiveRequest(p, q)`: `p` receives `q`'s request.
    ReceiveRequest(u8, u8),
    /// `ReceiveAck(p, q)`.
    ReceiveAck(u8, u8),
    /// `ReceiveRelease(p, q)`.
    ReceiveRelease(u8, u8),
}

/// The processes `1..N` and the clock bound, over a state representation.
#[derive(Clone, Debug)]
pub struct LamportMutex<S> {
    n: usize,
    max_clock: u8,
    _state: std::marker::PhantomData<S>,
}

/// The most processes either representation is checked with.
pub const N_MAX: usize = INLINE_N;
/// The largest `maxClock`: clocks stay below `u8::MAX`.
pub const MAX_CLOCK_MAX: i64 = 100;

impl<S: Repr> LamportMutex<S> {
    /// `N` processes (1 to [`Repr::N_MAX`]), `ClockConstraint` at `max_clock`.
    pub fn new(n: usize, max_clock: u8) -> Self {
        assert!((1..=S::N_MAX).contains(&n), "LamportMutex holds 1 to {} processes", S::N_MAX);
        LamportMutex { n, max_clock, _state: std::marker::PhantomData }
    }

    /// `beats(p, q)`.
    fn beats(s: &S, p: usize, q: usize) -> bool {
        let (mine, theirs) = (s.req(p, p), s.req(p, q));
        theirs == 0 || mine < theirs || (mine == theirs && p < q)
    }

    /// `Broadcast(p, m)`: `m` on every channel from `p` but its own.
    fn broadcast(&self, s: &mut S, p: usize, m: Message) {
        for r in (0..self.n).filter(|&r| r != p) {
            s.send(p, r, m);
        }
    }

    /// `MaxNat` of `MCLamportMutex`: clocks and requests stay in `0..MaxNat`.
    fn max_nat(&self) -> u8 {
        self.max_clock + 1
    }
}

/// The constants a `LamportMutex` check spec gives.
pub const CONSTANTS: &[(&str, &str)] = &[
    ("N", "the number of processes, 1 to 4; required"),
    ("maxClock", "CONSTRAINT ClockConstraint: every clock[p] <= maxClock (1 to 100); required"),
    (
        "State",
        "the state's representation: \"Vec\" (default; Vecs and BTreeSets on the heap) or \"Inline\" \
         (checker::collections, a Copy state); the same states either way",
    ),
];

/// Which representation the constant `State` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateKind {
    /// [`VecState`].
    Vec,
    /// [`InlineState`].
    Inline,
}

/// What a check spec's constants say: `N`, `maxClock` and the representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `N`.
    pub n: usize,
    /// `maxClock`.
    pub max_clock: u8,
    /// `State`.
    pub state: StateKind,
}

/// Reads and checks the constants of a `LamportMutex` check spec.
pub fn settings(constants: &Constants) -> Result<Settings, ConfigError> {
    constants.expect_only(&CONSTANTS.iter().map(|(name, _)| *name).collect::<Vec<_>>())?;
    let n = constants.int("N", 1, N_MAX as i64)? as usize;
    let max_clock = constants.int("maxClock", 1, MAX_CLOCK_MAX)? as u8;
    let state = match constants.choice_or("State", &["Vec", "Inline"], "Vec")? {
        "Inline" => StateKind::Inline,
        _ => StateKind::Vec,
    };
    Ok(Settings { n, max_clock, state })
}

/// A `LamportMutex` of the representation the constant `State` names.
pub fn from_constants(constants: &Constants) -> Result<Box<dyn checker::DynModel>, ConfigError> {
    let Settings { n, max_clock, state } = settings(constants)?;
    Ok(match state {
        StateKind::Inline => Box::new(LamportMutex::<InlineState>::new(n, max_clock)),
        StateKind::Vec => Box::new(LamportMutex::<VecState>::new(n, max_clock)),
    })
}

impl<S: Repr> Model for LamportMutex<S> {
    type State = S;
    type Action = Action;

    fn init(&self, states: &mut Vec<S>) {
        states.push(S::init(self.n));
    }

    fn next(&self, s: &S, steps: &mut Vec<(Action, S)>) {
        let n = self.n;
        for p in 0..n {
            let id = p as u8;
            // Request(p)
            if s.req(p, p) == 0 {
                let mut t = s.clone();
                t.set_req(p, p, s.clock(p));
                self.broadcast(&mut t, p, Message::Req(s.clock(p)));
                t.clear_acks(p);
                t.add_ack(p, p);
                steps.push((Action::Request(id), t));
            }
            // Enter(p)
            if s.acks(p) == n && (0..n).filter(|&q| q != p).all(|q| Self::beats(s, p, q)) {
                let mut t = s.clone();
                t.set_crit(p, true);
                steps.push((Action::Enter(id), t));
            }
            // Exit(p)
            if s.in_crit(p) {
                let mut t = s.clone();
                t.set_crit(p, false);
                self.broadcast(&mut t, p, Message::Rel);
                t.set_req(p, p, 0);
                t.clear_acks(p);
                steps.push((Action::Exit(id), t));
            }
        }
        for p in 0..n {
            for q in (0..n).filter(|&q| q != p) {
                // The head of network[q][p] says which of the three receives is enabled.
                let Some(&head) = s.channel(q, p).first() else { continue };
                let mut t = s.clone();
                t.receive(q, p);
                let action = match head {
                    Message::Req(c) => {
                        t.set_req(p, q, c);
                        t.set_clock(p, if c > s.clock(p) { c + 1 } else { s.clock(p) + 1 });
                        t.send(p, q, Message::Ack);
                        Action::ReceiveRequest(p as u8, q as u8)
                    }
                    Message::Ack => {
                        t.add_ack(p, q);
                        Action::ReceiveAck(p as u8, q as u8)
                    }
                    Message::Rel => {
                        t.set_req(p, q, 0);
                        Action::ReceiveRelease(p as u8, q as u8)
                    }
                };
                steps.push((action, t));
            }
        }
    }

    fn action_name(&self, action: &Action) -> &'static str {
        match action {
            Action::Request(_) => "Request",
            Action::Enter(_) => "Enter",
            Action::Exit(_) => "Exit",
            Action::ReceiveRequest(..) => "ReceiveRequest",
            Action::ReceiveAck(..) => "ReceiveAck",
            Action::ReceiveRelease(..) => "ReceiveRelease",
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Request", "Enter", "Exit", "ReceiveRequest", "ReceiveAck", "ReceiveRelease"]
    }

    fn format_action(&self, action: &Action) -> String {
        let name = self.action_name(action);
        match *action {
            Action::Request(p) | Action::Enter(p) | Action::Exit(p) => format!("{name}({})", p + 1),
            Action::ReceiveRequest(p, q) | Action::ReceiveAck(p, q) | Action::ReceiveRelease(p, q) => {
                format!("{name}({}, {})", p + 1, q + 1)
            }
        }
    }

    fn variables(&self, s: &S) -> Vec<(&'static str, Value)> {
        let procs = 0..self.n;
        let int = |i: u8| Value::Int(i64::from(i));
        let set = |member: &dyn Fn(usize) -> bool| {
            Value::Set(procs.clone().filter(|&q| member(q)).map(|q| Value::Int(q as i64 + 1)).collect())
        };
        let message = |m: &Message| match *m {
            Message::Req(c) => Value::Str(format!("req {c}")),
            Message::Ack => Value::Str("ack".into()),
            Message::Rel => Value::Str("rel".into()),
        };
        vec![
            ("clock", Value::Seq(procs.clone().map(|p| int(s.clock(p))).collect())),
            (
                "req",
                Value::Seq(
                    procs.clone().map(|p| Value::Seq(procs.clone().map(|q| int(s.req(p, q))).collect())).collect(),
                ),
            ),
            ("ack", Value::Seq(procs.clone().map(|p| set(&|q| s.acked(p, q))).collect())),
            (
                "network",
                Value::Seq(
                    procs
                        .clone()
                        .map(|p| {
                            Value::Seq(
                                procs
                                    .clone()
                                    .map(|q| Value::Seq(s.channel(p, q).iter().map(message).collect()))
                                    .collect(),
                            )
                        })
                        .collect(),
                ),
            ),
            ("crit", set(&|p| s.in_crit(p))),
        ]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("TypeOK", |m: &Self, s: &S| {
                let procs = 0..m.n;
                procs.clone().all(|p| {
                    (1..=m.max_nat()).contains(&s.clock(p))
                        && procs.clone().all(|q| {
                            s.req(p, q) <= m.max_nat()
                                && s.channel(p, q)
                                    .iter()
                                    .all(|msg| !matches!(msg, Message::Req(c) if !(1..=m.max_nat()).contains(c)))
                        })
                })
            }),
            Invariant::state("BoundedNetwork", |m: &Self, s: &S| {
                (0..m.n).all(|p| (0..m.n).all(|q| s.channel(p, q).len() <= CHANNEL))
            }),
            Invariant::state("Mutex", |_, s: &S| s.crit_len() <= 1),
        ]
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![Constraint::state("ClockConstraint", |m: &Self, s: &S| (0..m.n).all(|p| s.clock(p) <= m.max_clock))]
    }

    fn state_codec(&self) -> Option<StateCodec<S>> {
        Some(StateCodec::serde())
    }
}

#[cfg(test)]
mod tests;
