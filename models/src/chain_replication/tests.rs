//! Unit tests: counts from the independent transcription `chain.py`, the
//! seeded bugs' shortest counterexamples (lengths argued by hand in mod.rs,
//! "Seeded bugs"), and what a crash does to a correct chain.

use checker::spec::Model;

use super::*;
use crate::common::cluster::testing::names;
use crate::common::net::Faults;
use crate::naive::explore;

fn chain(n: usize, c: usize, ops: usize, crashes: u8, bug: Bug) -> ChainReplication {
    let faults = Faults { max_crashes: crashes, ..Faults::reliable(n + c) };
    ChainReplication::new(names("r", n), names("c", c), ops, bug, faults)
}

const INVARIANTS: &[&str] = &["Linearizable", "UpdatePropagation"];

fn counts(m: &ChainReplication) -> (u64, u64, u32) {
    let explored = explore(m, INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    (explored.distinct, explored.generated, explored.depth)
}

// chain.py 2 2 1: 105 145 9; chain.py 3 2 1: 127 181 11; chain.py 3 2 2: 5605 7957 21.
#[test]
fn a_reliable_chain_matches_the_python_transcription() {
    assert_eq!(counts(&chain(2, 2, 1, 0, Bug::None)), (105, 145, 9));
    assert_eq!(counts(&chain(3, 2, 1, 0, Bug::None)), (127, 181, 11));
    assert_eq!(counts(&chain(3, 2, 2, 0, Bug::None)), (5605, 7957, 21));
}

// chain.py 3 2 1 1: 1344 2581 13; chain.py 2 1 2 1: 140 203 11. The master
// removes the crashed server (head, middle or tail) and the chain stays
// linearizable, its histories prefixes of each other.
#[test]
fn a_crash_and_its_removal_keep_the_chain_linearizable() {
    assert_eq!(counts(&chain(3, 2, 1, 1, Bug::None)), (1344, 2581, 13));
    assert_eq!(counts(&chain(2, 1, 2, 1, Bug::None)), (140, 203, 11));
}

// chain.py 2 2 2 0 ReadAnyNode: a trace of 9 states (8 steps): one client's
// write reaches the head, the other reads its value from the head and then 0
// from the tail (BFS meets c2 writing 3 and c1 reading first).
#[test]
fn reading_from_the_head_gives_a_new_old_inversion() {
    let m = chain(2, 2, 2, 0, Bug::ReadAnyNode);
    let explored = explore(&m, INVARIANTS, &[], None);
    let (name, trace) = explored.violation.expect("a read before the tail sees uncommitted updates");
    assert_eq!(name, "Linearizable");
    assert_eq!(trace.len(), 9);
    // The reads went to the head and to the tail, and the write is pending.
    let end = trace.last().expect("a trace");
    assert_eq!(
        end.history.describe(|c| format!("c{}", c + 1)),
        "c1#1: Read(k0) -> 3; c1#2: Read(k0) -> 0; c2#1: Write(k0, 3) -> pending"
    );
}

// chain.py 3 2 1 1 DropInFlight: 8 states (7 steps): update 1 in flight to
// the crashed middle server is never resent, and update 2 reaches the tail.
#[test]
fn a_reconfiguration_that_drops_an_in_flight_update_breaks_update_propagation() {
    let m = chain(3, 2, 1, 1, Bug::DropInFlight);
    let explored = explore(&m, INVARIANTS, &[], None);
    let (name, trace) = explored.violation.expect("the dropped update leaves a hole at the tail");
    assert_eq!(name, "UpdatePropagation");
    assert_eq!(trace.len(), 8);
    let end = trace.last().expect("a trace");
    assert_eq!((end.updates_of(0), end.updates_of(2)), (&[1, 2][..], &[2][..]));
    // Reads from the tail are still linearizable: the lost write is pending forever.
    assert!(m.is_linearizable(end));
}

#[test]
fn actions_are_named_and_charted() {
    let m = chain(3, 1, 1, 0, Bug::None);
    let mut init = Vec::new();
    m.init(&mut init);
    let mut steps = Vec::new();
    m.next(&init[0], &mut steps);
    let labels: Vec<String> = steps.iter().map(|(a, _)| m.format_action(a)).collect();
    assert_eq!(labels, ["Read(c1, r3)", "Write(c1, 1)"]);
    let chart = m.step_messages(&init[0], &steps[1].0, &steps[1].1);
    assert_eq!(chart.actor.as_deref(), Some("c1"));
    assert_eq!(chart.sent[0].to, "r1");
    let mut next = Vec::new();
    m.next(&steps[1].1, &mut next);
    let (deliver, to) = next.iter().find(|(a, _)| matches!(a, ChainAction::Deliver(_))).expect("a delivery");
    assert_eq!(m.format_action(deliver), "ReceiveWrite(r1 <- c1: Write(1))");
    assert_eq!(m.step_messages(&steps[1].1, deliver, to).sent[0].label, "Forward(1, 1)");
}
