//! Unit tests: counts from the independent transcription `causal.py` in this
//! folder (its command line is quoted above each number), the seeded bugs'
//! shortest counterexamples, worked out by hand, and the rendering.

use checker::spec::Model;

use super::*;
use crate::common::causal::{bad_pattern, BadPattern};
use crate::naive::explore;

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

fn store(replicas: usize, keys: usize, ops: usize, bug: Bug, faults: Faults) -> CausalStore {
    CausalStore::new(names("r", replicas), names("k", keys), ops, bug, faults)
}

fn reliable(replicas: usize, keys: usize, ops: usize, bug: Bug) -> CausalStore {
    store(replicas, keys, ops, bug, Faults::reliable(replicas))
}

/// The actions of a trace, found by replaying `next`.
fn actions<M: Model>(model: &M, trace: &[M::State]) -> Vec<String> {
    let mut steps = Vec::new();
    trace
        .windows(2)
        .map(|pair| {
            steps.clear();
            model.next(&pair[0], &mut steps);
            let (action, _) = steps.iter().find(|(_, to)| *to == pair[1]).expect("the trace is a behaviour");
            model.format_action(action)
        })
        .collect()
}

// causal.py 2 2 2: 3731 6805 9
// causal.py 3 2 1: 4297 10381 10
#[test]
fn counts_match_the_python_transcription() {
    for ((n, keys, ops), expected) in [((2, 2, 2), (3731, 6805, 9)), ((3, 2, 1), (4297, 10381, 10))] {
        let explored = explore(&reliable(n, keys, ops, Bug::None), &["CausallyConsistent"], &[], None);
        assert_eq!(explored.violation.map(|v| v.0), None);
        assert_eq!((explored.distinct, explored.generated, explored.depth), expected, "{n} {keys} {ops}");
    }
}

// causal.py 2 1 2 --duplication 1: 1677 3425 11. A duplicate is recognised
// by its stamp and ignored.
#[test]
fn duplicates_are_ignored_and_counts_match_the_python_transcription() {
    let faults = Faults { duplication: 1, ..Faults::reliable(2) };
    let explored = explore(&store(2, 1, 2, Bug::None, faults), &["CausallyConsistent"], &[], None);
    assert_eq!(explored.violation.map(|v| v.0), None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (1677, 3425, 11));
}

// causal.py 2 2 2 NoDependencyCheck: a trace of 6 states. By hand: a
// violation needs a read whose causal past holds a write it missed; r2's
// own writes are applied at once, so the missed write is r1's and must reach
// r2's past through a read of a later r1 write (r1 writes twice: 2 steps),
// which r2 must receive (1) and read (1), before reading the missed key (1):
// 5 steps, the fewest possible. With the check, y's update waits for x's.
#[test]
fn delivering_without_the_dependency_check_breaks_causality_in_five_steps() {
    let model = reliable(2, 2, 2, Bug::NoDependencyCheck);
    let (name, trace) = explore(&model, &["CausallyConsistent"], &[], None).violation.expect("a violation");
    assert_eq!(name, "CausallyConsistent");
    assert_eq!(trace.len(), 6);
    let end = trace.last().expect("a trace");
    assert_eq!(bad_pattern(&end.history, 0), Some(BadPattern::WriteCOInitRead));
    let steps = actions(&model, &trace);
    assert_eq!(steps[2], "Receive(r1 -> r2: Update(k2, 2, <<2, 0>>))");
    assert_eq!(steps[4], "Read(r2, k1)");
}

// causal.py 2 2 3 LamportClocks: a trace of 7 states. By hand: as above, r1
// writes twice and r2 receives the second write, reads it and misses the
// first (5 steps); but the second update is stamped 2 and r2 delivers it only
// once its own clock is 1, which takes one more step, a write of its own:
// 6 steps. (Receiving r1's first update would deliver the dependency.)
#[test]
fn lamport_clocks_let_a_concurrent_write_hide_a_missing_dependency() {
    let model = reliable(2, 2, 3, Bug::LamportClocks);
    let (name, trace) = explore(&model, &["CausallyConsistent"], &[], None).violation.expect("a violation");
    assert_eq!(name, "CausallyConsistent");
    assert_eq!(trace.len(), 7);
    let steps = actions(&model, &trace);
    assert_eq!(steps.iter().filter(|s| s.starts_with("Write(r2")).count(), 1, "{steps:?}");
    assert_eq!(steps.iter().filter(|s| s.starts_with("Receive")).count(), 1, "{steps:?}");
}

// The Lamport bug's scenario needs three operations at r2; with two, the
// scalar clock still finds no violation (r2 cannot both advance its clock
// and read twice), which shows the 7-state trace above is the bug's, not
// the instance's. causal.py 2 2 2 LamportClocks finds none either: 4983 8957 9.
#[test]
fn lamport_clocks_need_a_concurrent_write_to_go_wrong() {
    let explored = explore(&reliable(2, 2, 2, Bug::LamportClocks), &["CausallyConsistent"], &[], None);
    assert_eq!(explored.violation.map(|v| v.0), None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (4983, 8957, 9));
}

#[test]
fn actions_charts_and_variables_are_named() {
    let model = reliable(2, 1, 1, Bug::None);
    let mut init = Vec::new();
    model.init(&mut init);
    let mut steps = Vec::new();
    model.next(&init[0], &mut steps);
    let labels: Vec<String> = steps.iter().map(|(a, _)| model.format_action(a)).collect();
    assert_eq!(labels, ["Read(r1, k1)", "Write(r1, k1)", "Read(r2, k1)", "Write(r2, k1)"]);
    let (write, after) = &steps[1];
    let chart = model.step_messages(&init[0], write, after);
    assert_eq!(chart.actor.as_deref(), Some("r1"));
    assert_eq!(chart.sent.len(), 1);
    assert_eq!(chart.sent[0].label, "Update(k1, 1, <<1, 0>>)");
    let variables: Vec<&str> = model.variables(after).iter().map(|(name, _)| *name).collect();
    assert_eq!(variables, ["store", "vc", "history", "network"]);
}
