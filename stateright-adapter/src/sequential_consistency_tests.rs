//! bivalent's sequential-consistency checker
//! (`models::common::linearizability::sequentially_consistent`) against
//! stateright's `SequentialConsistencyTester`: on thousands of random
//! concurrent register histories (`histories.rs`, which says how both sides
//! are told them), the two verdicts must be equal.
//!
//! The two implementations differ in form, not in what they accept:
//!
//! - Program order. bivalent's search places an operation only after the
//!   earlier slots of its client; stateright keeps each thread's completed
//!   operations in a queue and serializes them from its front. Neither looks
//!   at real time (bivalent records it in `Op::after` but only
//!   `linearizable` reads it), so both accept the new-old inversion and a
//!   read that misses another client's write that returned before the read
//!   began; both reject a client's stale read of its own write.
//! - Pending operations. bivalent may place a pending write or not, and
//!   leaves a pending read out; stateright may place a thread's in-flight
//!   operation or not, and only once the thread's completed operations are
//!   all placed, a read returning whatever the register holds. bivalent's
//!   pending write comes after its client's returned operations too
//!   (program order), and a read changes nothing and its result is not
//!   checked, so the two coincide.
//! - Where the history is taken. stateright's documentation warns that a
//!   history recorded at the system's edges, rather than at its clients,
//!   lets more anomalies through; here both are told the same client-side
//!   history, so that does not arise.
//! - The search. bivalent memoizes (operations placed, register value), as
//!   for linearizability; stateright tries interleavings depth first with no
//!   memoization and returns the first serialization it finds. Without real
//!   time to prune them, a rejected history of 4 clients can cost stateright
//!   hundreds of milliseconds in a debug build, where bivalent needs well
//!   under one; nearly all of this test's time is stateright's.
//!
//! Sequential consistency is weaker than linearizability, so the test also
//! counts the histories it accepts and linearizability rejects: they must be
//! common, or the comparison could not tell the two conditions apart.

use models::common::linearizability::{linearizable, sequentially_consistent};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use stateright::semantics::register::Register;
use stateright::semantics::SequentialConsistencyTester;

use crate::histories::{random_history, replay, Tally, HISTORIES, INIT};

#[test]
fn the_search_agrees_with_stateright_on_sequential_consistency() {
    let mut rng = ChaCha8Rng::seed_from_u64(1979);
    let mut tally = Tally::default();
    let mut not_linearizable = 0;
    for _ in 0..HISTORIES {
        let (history, events) = random_history(&mut rng);
        let ours = sequentially_consistent(&history, INIT);
        let theirs = replay(SequentialConsistencyTester::new(Register(INIT)), &events);
        // The events give the interleaving, which `describe` leaves out.
        assert_eq!(ours, theirs, "bivalent {ours}, stateright {theirs}: {events:?}");
        tally.add(&history, ours);
        if ours && !linearizable(&history, INIT) {
            not_linearizable += 1;
        }
    }
    tally.assert_not_vacuous();
    assert!(not_linearizable > 250, "{not_linearizable} sequentially consistent but not linearizable");
}
