//! Unit tests: counts from the independent transcription `abd.py`, the
//! seeded bugs' shortest counterexamples, and the faults ABD tolerates.

use checker::spec::Model;

use super::*;
use crate::common::cluster;
use crate::common::cluster::testing::{after_first_write, names};
use crate::common::net::Faults;
use crate::naive::explore;

fn abd(n: usize, c: usize, ops: usize, r: usize, w: usize, bug: Bug, faults: Faults) -> Abd {
    Abd::new(names("r", n), names("c", c), ops, r, w, bug, faults)
}

fn majority(n: usize, c: usize, ops: usize, bug: Bug) -> Abd {
    abd(n, c, ops, cluster::majority(n), cluster::majority(n), bug, Faults::reliable(n + c))
}

const INVARIANTS: &[&str] = &["Linearizable", "SequentiallyConsistent", "CausallyConsistent"];

// abd.py 3 2 1: 18481 distinct states, 74313 generated, depth 21.
#[test]
fn three_replicas_two_clients_one_op_each_match_the_python_transcription() {
    let model = majority(3, 2, 1, Bug::None);
    let explored = explore(&model, INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (18481, 74313, 21));
    // Every behaviour ends with both operations done and nothing in flight.
    let last = explored.deadlock.expect("finished runs have no successor");
    let end = last.last().expect("a trace");
    assert!(model.all_done(end) && end.net.is_empty());
}

// abd.py 3 1 2: one client, two operations: 1555 distinct, 4627 generated, depth 21.
#[test]
fn one_client_two_ops_match_the_python_transcription() {
    let explored = explore(&majority(3, 1, 2, Bug::None), INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (1555, 4627, 21));
}

// abd.py 3 2 2 SkipWriteBack: the first violation in BFS order has a trace of
// 17 states (16 steps). The shape: c2's write of 3 queries two replicas and
// its store reaches one, r2; c1 reads 3 from r2 (and r3) and returns without
// writing back, then reads again from r1 and r3, which still hold 0. (The
// classic three-client inversion, where the second reader is another client
// and the history stays sequentially consistent, needs a third client: abd.py
// 3 3 1 SkipWriteBack finds it at the same length, after 625817 states.)
#[test]
fn skipping_the_write_back_gives_a_new_old_inversion() {
    let model = majority(3, 2, 2, Bug::SkipWriteBack);
    let explored = explore(&model, &["Linearizable"], &[], None);
    let (name, trace) = explored.violation.expect("SkipWriteBack breaks linearizability");
    assert_eq!(name, "Linearizable");
    assert_eq!(trace.len(), 17);
    let end = trace.last().expect("a trace");
    // One reader sees the new value, then the old one: not linearizable, and
    // not even sequentially consistent, since both reads are c2's; nor
    // causally consistent: the write of 3 is in the second read's causal past.
    assert!(!model.is_linearizable(end));
    assert!(!model.is_sequentially_consistent(end));
    assert!(!model.is_causally_consistent(end));
}

// abd.py 3 2 1 1 1: quorums of one with three replicas (R + W = 2 <= N): the
// first violation has a trace of 11 states (10 steps): a write stored at one
// replica returns, and a read queries another.
#[test]
fn quorums_that_do_not_intersect_give_a_stale_read() {
    let model = abd(3, 2, 1, 1, 1, Bug::None, Faults::reliable(5));
    let explored = explore(&model, &["Linearizable"], &[], None);
    let (name, trace) = explored.violation.expect("R + W <= N allows a stale read");
    assert_eq!(name, "Linearizable");
    assert_eq!(trace.len(), 11);
    // A stale read after a completed write is not even sequentially consistent
    // when the reader is the writer; here they are different clients, so it is,
    // and causally consistent too: nothing puts the write before the read.
    assert!(model.is_sequentially_consistent(trace.last().expect("a trace")));
    assert!(model.is_causally_consistent(trace.last().expect("a trace")));
}

// ABD tolerates a minority of crashed replicas, lost messages (it only
// waits longer) and duplicated ones.
#[test]
fn crashes_losses_and_duplicates_keep_abd_linearizable() {
    let faults = Faults { max_crashes: 1, loss: 1, duplication: 1, max_in_flight: Some(3), ..Faults::reliable(4) };
    let model = abd(3, 1, 2, 2, 2, Bug::None, faults);
    let explored = explore(&model, INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    assert!(explored.distinct > 1555, "faults add states");
}

// A replica that restarts with amnesia forgets a write it acknowledged, so a
// later read quorum can miss it.
#[test]
fn amnesia_breaks_linearizability() {
    let faults = Faults { max_crashes: 1, restart: crate::common::net::Restart::Amnesia, ..Faults::reliable(4) };
    let model = abd(3, 1, 2, 2, 2, Bug::None, faults);
    let explored = explore(&model, &["Linearizable"], &[], None);
    let (name, trace) = explored.violation.expect("amnesia loses a stored write");
    assert_eq!(name, "Linearizable");
    // Hand count of the shortest: Write (1), two query deliveries and two
    // replies (5), two store deliveries and two acks, the write returns (9),
    // Crash and Restart of a replica that stored it (11), Read (12), two
    // query deliveries and two replies, both from replicas holding 0 (16),
    // then the write-back of 0: two store deliveries and two acks, and the
    // read returns 0 (20): 20 steps, 21 states.
    assert_eq!(trace.len(), 21);
}

#[test]
fn actions_are_named_and_formatted() {
    let model = majority(3, 1, 1, Bug::None);
    let (labels, after, next) = after_first_write(&model);
    assert_eq!(labels, vec!["Read(c1)", "Write(c1, 1)"]);
    let (deliver, to) = &next[0];
    assert_eq!(model.format_action(deliver), "ReceiveQuery(r1 <- c1: Query)");
    assert_eq!(model.action_name(deliver), "ReceiveQuery");
    let chart = model.step_messages(&after, deliver, to);
    assert_eq!(chart.actor.as_deref(), Some("r1"));
    assert_eq!(chart.delivered.len(), 1);
    assert_eq!(chart.sent.len(), 1);
    assert_eq!(chart.sent[0].label, "QueryReply(<<0,0>>, 0)");
}
