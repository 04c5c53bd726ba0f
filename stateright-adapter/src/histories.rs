//! Random concurrent register histories, told both to bivalent's history
//! checkers (`models::common::linearizability`) and to one of stateright's
//! consistency testers, independently written checkers of the same
//! conditions; `linearizability_tests.rs` and
//! `sequential_consistency_tests.rs` require equal verdicts.
//!
//! Each history is built as a sequence of invocations and returns
//! ([`Event`]s), recorded into bivalent's [`History`] as it is generated and
//! replayed into stateright's tester by [`replay`]. The histories stay where
//! the two sides describe the same object and the same history:
//!
//! - One register. stateright's `Register` has no keys; bivalent's object is
//!   a map of registers, so every call is on key 0.
//! - The initial value is [`INIT`] on both sides (`linearizable(h, INIT)`,
//!   `Register(INIT)`).
//! - A write returns `WriteOk` to stateright; bivalent records the value
//!   written as its result and never looks at it.
//! - Clients are sequential (a client invokes only with nothing pending),
//!   which both require: bivalent gives each client's operations fixed slots,
//!   and stateright rejects a second invocation in flight on one thread.
//!   Client `c` is stateright's thread `c`.
//! - Each client's last invoked operation may never return (the generator
//!   usually cuts the last few events).
//! - Values need not be unique for either side. Half the histories draw
//!   written values from {0, 1, 2}, so that duplicate writes and writes of
//!   the initial value occur: the cases a checker that identified a write by
//!   its value would get wrong.
//!
//! stateright's testers have no memoization (they try interleavings depth
//! first), so histories are kept to at most [`OPS_MAX`] operations.

use models::common::linearizability::{Call, History, Val};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use stateright::semantics::register::{Register, RegisterOp, RegisterRet};
use stateright::semantics::ConsistencyTester;

/// How many histories a comparison tries; [`Tally::assert_not_vacuous`]'s
/// bounds are counts out of this many.
pub(crate) const HISTORIES: usize = 4000;

/// The register's initial value, on both sides.
pub(crate) const INIT: Val = 0;

/// A value no write ever writes, for reads that return garbage.
const NEVER_WRITTEN: Val = 99;

/// The most clients a history has.
const CLIENTS_MAX: usize = 4;

/// The most operations a history holds.
const OPS_MAX: usize = 12;

/// One step of a history, as both checkers are told it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// The client invokes a call.
    Invoke(usize, Call),
    /// The client's pending call returns: the value read, or for a write the
    /// value written.
    Return(usize, Val),
}

/// A random history of 2 to [`CLIENTS_MAX`] sequential clients on one
/// register, and the events that built it. Clients act in a random
/// interleaving; a read returns a value some write invoked so far wrote, the
/// initial value, or (rarely) a value nobody wrote, so that both verdicts are
/// common. The last few events are usually cut, leaving operations pending
/// or never invoked.
pub(crate) fn random_history(rng: &mut ChaCha8Rng) -> (History, Vec<Event>) {
    let clients = rng.gen_range(2..=CLIENTS_MAX);
    let per_client = rng.gen_range(1..=OPS_MAX / clients);
    let distinct = rng.gen_bool(0.5);
    let mut history = History::new(clients, per_client);
    let mut events = Vec::new();
    let mut written = vec![INIT];
    let events_max = 2 * clients * per_client - rng.gen_range(0..=3);
    while events.len() < events_max {
        let ready: Vec<usize> =
            (0..clients).filter(|&c| history.pending(c).is_some() || history.can_invoke(c)).collect();
        if ready.is_empty() {
            break;
        }
        let client = ready[rng.gen_range(0..ready.len())];
        let event = match history.pending(client) {
            Some((_, Call::Write(_, v))) => Event::Return(client, v),
            Some((_, Call::Read(_))) if rng.gen_ratio(1, 10) => Event::Return(client, NEVER_WRITTEN),
            Some((_, Call::Read(_))) => Event::Return(client, written[rng.gen_range(0..written.len())]),
            None if rng.gen_bool(0.5) => {
                let v = if distinct { written.len() as Val } else { rng.gen_range(0..=2) };
                written.push(v);
                Event::Invoke(client, Call::Write(0, v))
            }
            None => Event::Invoke(client, Call::Read(0)),
        };
        match event {
            Event::Invoke(c, call) => {
                history.invoke(c, call);
            }
            Event::Return(c, v) => history.respond(c, v),
        }
        events.push(event);
    }
    (history, events)
}

/// stateright's verdict on the events: `tester`, fresh, is told them in
/// order and asked whether the history it recorded is consistent.
pub(crate) fn replay(mut tester: impl ConsistencyTester<usize, Register<Val>>, events: &[Event]) -> bool {
    // The call each client has pending, to turn its return into a `RegisterRet`.
    let mut pending = [None; CLIENTS_MAX];
    for &event in events {
        let step = match event {
            Event::Invoke(c, call) => {
                pending[c] = Some(call);
                let op = match call {
                    Call::Read(_) => RegisterOp::Read,
                    Call::Write(_, v) => RegisterOp::Write(v),
                };
                tester.on_invoke(c, op)
            }
            Event::Return(c, v) => {
                let ret = match pending[c].take() {
                    Some(Call::Read(_)) => RegisterRet::ReadOk(v),
                    Some(Call::Write(..)) => RegisterRet::WriteOk,
                    None => unreachable!("the generator returns only pending calls"),
                };
                tester.on_return(c, ret)
            }
        };
        step.expect("a well-formed history");
    }
    tester.is_consistent()
}

/// What a comparison of [`HISTORIES`] histories saw, so that
/// [`Tally::assert_not_vacuous`] can show agreement was not vacuous: how
/// often each verdict came up, and how many histories had the features that
/// make checkers differ.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Histories both sides accepted.
    pub(crate) accepted: usize,
    /// Histories both sides rejected.
    pub(crate) rejected: usize,
    /// Histories with an operation invoked and not returned.
    pub(crate) with_pending: usize,
    /// Histories where a write writes the initial value or a value written before.
    pub(crate) with_duplicates: usize,
}

impl Tally {
    /// Counts `history`, on which both sides gave `verdict`.
    pub(crate) fn add(&mut self, history: &History, verdict: bool) {
        if verdict {
            self.accepted += 1;
        } else {
            self.rejected += 1;
        }
        let ops = history.ops();
        if ops.iter().any(|op| op.call.is_some() && op.ret.is_none()) {
            self.with_pending += 1;
        }
        let writes: Vec<Val> =
            ops.iter().filter_map(|op| if let Some(Call::Write(_, v)) = op.call { Some(v) } else { None }).collect();
        if (0..writes.len()).any(|i| writes[i] == INIT || writes[..i].contains(&writes[i])) {
            self.with_duplicates += 1;
        }
    }

    /// Panics unless both verdicts, pending operations and repeated values
    /// were common.
    pub(crate) fn assert_not_vacuous(&self) {
        assert!(self.accepted > 1000 && self.rejected > 1000, "{self:?}");
        assert!(self.with_pending > 1500 && self.with_duplicates > 1000, "{self:?}");
    }
}
