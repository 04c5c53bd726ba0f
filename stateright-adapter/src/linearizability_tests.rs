//! bivalent's linearizability checker (`models::common::linearizability`)
//! against stateright's `LinearizabilityTester`, an independently written
//! checker of the same property: on thousands of random concurrent register
//! histories, each fed to both as the same sequence of invocations and
//! returns, the two verdicts must be equal.
//!
//! The histories stay where the two define linearizability identically:
//!
//! - One register. stateright's `Register` has no keys; bivalent's object is
//!   a map of registers, so every call is on key 0.
//! - The initial value is 0 on both sides (`linearizable(h, 0)`,
//!   `Register(0)`).
//! - A write returns `WriteOk` to stateright; bivalent records the value
//!   written as its result and never looks at it.
//! - Pending operations. Each client's last invoked operation may never
//!   return. bivalent may linearize a pending write or not, and leaves a
//!   pending read out; stateright may linearize any pending operation or not,
//!   a pending read returning whatever the register holds. A read changes
//!   nothing and its result is not checked, so the two coincide.
//! - Real-time order. bivalent records at each invocation the set of
//!   operations returned so far; stateright records, for every other thread,
//!   the index of its last completed operation. These say the same for
//!   sequential clients, which both require and the generator respects.
//! - Values need not be unique for either checker. Half the histories draw
//!   written values from {0, 1, 2}, so that duplicate writes and writes of
//!   the initial value occur: the cases a checker that identified a write by
//!   its value would get wrong.
//!
//! stateright's search has no memoization (it tries interleavings depth
//! first), so histories are kept to at most [`OPS_MAX`] operations.

use models::common::linearizability::{linearizable, Call, History, Val};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use stateright::semantics::register::{Register, RegisterOp, RegisterRet};
use stateright::semantics::{ConsistencyTester, LinearizabilityTester};

/// The register's initial value, on both sides.
const INIT: Val = 0;

/// A value no write ever writes, for reads that return garbage.
const NEVER_WRITTEN: Val = 99;

/// The most clients a history has.
const CLIENTS_MAX: usize = 4;

/// The most operations a history holds.
const OPS_MAX: usize = 12;

/// One step of a history, as both checkers are told it.
#[derive(Clone, Copy, Debug)]
enum Event {
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
fn random_history(rng: &mut ChaCha8Rng) -> (History, Vec<Event>) {
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

/// stateright's verdict on the events.
fn stateright_linearizable(events: &[Event]) -> bool {
    let mut tester = LinearizabilityTester::<usize, Register<Val>>::new(Register(INIT));
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
    tester.serialized_history().is_some()
}

#[test]
fn the_search_agrees_with_stateright_on_random_register_histories() {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let (mut yes, mut no, mut with_pending, mut with_duplicates) = (0, 0, 0, 0);
    for _ in 0..4000 {
        let (history, events) = random_history(&mut rng);
        let ours = linearizable(&history, INIT);
        let theirs = stateright_linearizable(&events);
        // The events give the interleaving, which `describe` leaves out.
        assert_eq!(ours, theirs, "bivalent {ours}, stateright {theirs}: {events:?}");
        if ours {
            yes += 1;
        } else {
            no += 1;
        }
        let ops = history.ops();
        if ops.iter().any(|op| op.call.is_some() && op.ret.is_none()) {
            with_pending += 1;
        }
        let writes: Vec<Val> =
            ops.iter().filter_map(|op| if let Some(Call::Write(_, v)) = op.call { Some(v) } else { None }).collect();
        if (0..writes.len()).any(|i| writes[i] == INIT || writes[..i].contains(&writes[i])) {
            with_duplicates += 1;
        }
    }
    // Both verdicts, pending operations and repeated values are common, so
    // agreement is not vacuous.
    assert!(yes > 1000 && no > 1000, "{yes} linearizable, {no} not");
    assert!(with_pending > 1500 && with_duplicates > 1000, "{with_pending} with pending, {with_duplicates} repeating");
}
