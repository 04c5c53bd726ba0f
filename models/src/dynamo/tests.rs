//! Unit tests: counts from the independent transcription `dynamo.py`, the
//! shortest counterexamples of the configurations that give up consistency,
//! and convergence.

use checker::spec::{Model, Partition, StepMessages};

use super::*;
use crate::common::cluster::testing::{after_first_write, names};
use crate::common::net::Faults;
use crate::naive::explore;

fn dynamo(n: usize, c: usize, ops: usize, r: usize, w: usize, available: bool, faults: Faults) -> Dynamo {
    Dynamo::new(names("r", n), names("c", c), ops, r, w, available, faults)
}

// Linearizability implies causal consistency: where the first two hold, so must the third.
const INVARIANTS: &[&str] = &["NoStaleRead", "Linearizable", "CausallyConsistent"];

// dynamo.py 3 2 1: 13650 distinct states, 68999 generated, depth 13; both
// invariants hold, every final state is converged.
#[test]
fn three_replicas_two_clients_one_op_each_match_the_python_transcription() {
    let model = dynamo(3, 2, 1, 2, 2, false, Faults::reliable(5));
    let explored = explore(&model, INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (13650, 68999, 13));
    let last = explored.deadlock.expect("finished runs have no successor");
    let end = last.last().expect("a trace");
    assert!(model.all_done(end) && model.converged(end) && end.net.is_empty());
}

// dynamo.py 3 1 2: 925 distinct, 3478 generated, depth 13.
#[test]
fn one_client_two_ops_match_the_python_transcription() {
    let explored = explore(&dynamo(3, 1, 2, 2, 2, false, Faults::reliable(4)), INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (925, 3478, 13));
}

// dynamo.py 3 1 2 Loss=1: 2466 distinct, 11276 generated, depth 14: a lost
// message costs neither quorum, and anti-entropy repairs the replica that
// missed a put.
#[test]
fn a_lost_message_keeps_reads_fresh_and_matches_the_python_transcription() {
    let faults = Faults { loss: 1, ..Faults::reliable(4) };
    let explored = explore(&dynamo(3, 1, 2, 2, 2, false, faults), INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (2466, 11276, 14));
}

// dynamo.py 3 2 1 1 1: R = W = 1 of 3 replicas: the first violation has a
// trace of 7 states (6 steps). Hand count: Write(c1) (1), r1 stores it and
// acks, the write returns (3), Read(c2) (4), r2 answers 0 and the read
// returns it (6).
#[test]
fn quorums_that_do_not_intersect_give_a_stale_read() {
    let model = dynamo(3, 2, 1, 1, 1, false, Faults::reliable(5));
    let explored = explore(&model, &["NoStaleRead"], &[], None);
    let (name, trace) = explored.violation.expect("R + W <= N allows a stale read");
    assert_eq!(name, "NoStaleRead");
    assert_eq!(trace.len(), 7);
    assert!(!model.is_linearizable(trace.last().expect("a trace")));
    let explored = explore(&model, &["Linearizable"], &[], None);
    assert_eq!(explored.violation.expect("not linearizable either").1.len(), 7);
}

// dynamo.py 2 2 1 Available Partitions=1: the CAP counterexample, a trace of
// 10 states (9 steps). Hand count: the partition {r1, c1} | {r2, c2} (1),
// Write(c1) (2), r1 stores and acks (4), c1 times out and returns (5),
// Read(c2) (6), r2 answers 0 (8), c2 times out and returns 0 (9).
#[test]
fn an_available_store_under_a_partition_is_not_linearizable() {
    let faults = Faults { partitions: 1, ..Faults::reliable(4) };
    let model = dynamo(2, 2, 1, 2, 2, true, faults);
    let explored = explore(&model, &["Linearizable"], &[], None);
    let (name, trace) = explored.violation.expect("availability under a partition costs consistency");
    assert_eq!(name, "Linearizable");
    assert_eq!(trace.len(), 10);
    assert!(trace.last().expect("a trace").net.partition().is_some());
    // Its chart: one step splits the four nodes in two sides, none heals.
    let charts: Vec<StepMessages> = trace
        .windows(2)
        .map(|pair| {
            let mut steps = Vec::new();
            model.next(&pair[0], &mut steps);
            let (action, _) = steps.iter().find(|(_, to)| *to == pair[1]).expect("a step of the trace");
            model.step_messages(&pair[0], action, &pair[1])
        })
        .collect();
    let changes: Vec<&Partition> = charts.iter().filter_map(|c| c.partition.as_ref()).collect();
    let [Partition::Split(sides)] = changes[..] else { panic!("{changes:?}") };
    let mut nodes: Vec<&str> = sides.iter().flatten().map(String::as_str).collect();
    nodes.sort();
    assert_eq!((sides.len(), nodes), (2, vec!["c1", "c2", "r1", "r2"]));
    // Without Available, the same partition keeps reads fresh (operations block).
    let strict = dynamo(2, 2, 1, 2, 2, false, Faults { partitions: 1, ..Faults::reliable(4) });
    assert_eq!(explore(&strict, INVARIANTS, &[], None).violation, None);
}

// With several operations per client, read repair is asynchronous: a reader
// can see a write in progress, then not see it. Dynamo is not linearizable
// even without faults, though no read is stale.
#[test]
fn asynchronous_read_repair_allows_a_new_old_inversion() {
    let model = dynamo(3, 2, 2, 2, 2, false, Faults::reliable(5));
    let explored = explore(&model, &["Linearizable"], &[], None);
    let (_, trace) = explored.violation.expect("a new-old inversion");
    assert!(model.no_stale_read(trace.last().expect("a trace")));
}

#[test]
fn actions_are_named_and_formatted() {
    let model = dynamo(3, 1, 1, 2, 2, false, Faults::reliable(4));
    let (labels, after, next) = after_first_write(&model);
    assert_eq!(labels, vec!["Read(c1)", "Write(c1, 1)"]);
    let (deliver, to) = &next[0];
    assert_eq!(model.format_action(deliver), "ReceivePut(r1 <- c1: Put(<<1,1>>, 1))");
    assert_eq!(model.action_name(deliver), "ReceivePut");
    let chart = model.step_messages(&after, deliver, to);
    assert_eq!(chart.actor.as_deref(), Some("r1"));
    assert_eq!(chart.sent.len(), 1);
    assert_eq!(chart.sent[0].label, "PutAck");
    // r1 now holds the new version: r2 and r3 may pull it by anti-entropy.
    let mut later = Vec::new();
    model.next(to, &mut later);
    let pulls: Vec<String> = later
        .iter()
        .filter(|(a, _)| model.action_name(a) == "AntiEntropy")
        .map(|(a, _)| model.format_action(a))
        .collect();
    assert_eq!(pulls, vec!["AntiEntropy(r2 <- r1)", "AntiEntropy(r3 <- r1)"]);
}

// With one operation per client, a read's causal past is the write it
// returns and nothing else, so no read can miss a write in it: causal
// consistency holds where linearizability fails (the stale read across
// clients, and the CAP counterexample above).
#[test]
fn one_operation_per_client_is_causally_consistent_where_linearizability_fails() {
    let partitioned = Faults { partitions: 1, ..Faults::reliable(4) };
    for model in [dynamo(3, 2, 1, 1, 1, false, Faults::reliable(5)), dynamo(2, 2, 1, 2, 2, true, partitioned)] {
        assert!(explore(&model, &["Linearizable"], &[], None).violation.is_some());
        let explored = explore(&model, &["CausallyConsistent"], &[], None);
        assert_eq!(explored.violation.map(|(name, _)| name), None);
    }
}

// R = W = 1, one client doing two operations: it can miss its own write
// (read-your-writes). Hand count, as for the stale read above: Write(c1)
// (1), r1 stores it and acks, the write returns (3), Read(c1) (4), r2
// answers 0 and the read returns it (6): a trace of 7 states.
#[test]
fn a_client_can_miss_its_own_write_when_quorums_do_not_intersect() {
    let model = dynamo(3, 1, 2, 1, 1, false, Faults::reliable(4));
    let explored = explore(&model, &["CausallyConsistent"], &[], None);
    let (name, trace) = explored.violation.expect("read-your-writes fails");
    assert_eq!(name, "CausallyConsistent");
    assert_eq!(trace.len(), 7);
    let end = trace.last().expect("a trace");
    assert!(!model.is_linearizable(end) && !model.no_stale_read(end));
    // With intersecting quorums the same client reads its write.
    let explored = explore(&dynamo(3, 1, 2, 2, 2, false, Faults::reliable(4)), &["CausallyConsistent"], &[], None);
    assert_eq!(explored.violation.map(|(name, _)| name), None);
}
