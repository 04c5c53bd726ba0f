//! bivalent's linearizability checker (`models::common::linearizability`)
//! against stateright's `LinearizabilityTester`: on thousands of random
//! concurrent register histories (`histories.rs`, which says how both sides
//! are told them), the two verdicts must be equal.
//!
//! Where the two could differ, they define linearizability identically:
//!
//! - Pending operations. bivalent may linearize a pending write or not, and
//!   leaves a pending read out; stateright may linearize any pending
//!   operation or not, a pending read returning whatever the register holds.
//!   A read changes nothing and its result is not checked, so the two
//!   coincide.
//! - Real-time order. bivalent records at each invocation the set of
//!   operations returned so far; stateright records, for every other thread,
//!   the index of its last completed operation. These say the same for
//!   sequential clients, which both require and the generator respects.

use models::common::linearizability::linearizable;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use stateright::semantics::register::Register;
use stateright::semantics::LinearizabilityTester;

use crate::histories::{random_history, replay, Tally, HISTORIES, INIT};

#[test]
fn the_search_agrees_with_stateright_on_random_register_histories() {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut tally = Tally::default();
    for _ in 0..HISTORIES {
        let (history, events) = random_history(&mut rng);
        let ours = linearizable(&history, INIT);
        let theirs = replay(LinearizabilityTester::new(Register(INIT)), &events);
        // The events give the interleaving, which `describe` leaves out.
        assert_eq!(ours, theirs, "bivalent {ours}, stateright {theirs}: {events:?}");
        tally.add(&history, ours);
    }
    tally.assert_not_vacuous();
}
