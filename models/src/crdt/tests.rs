//! Unit tests: state counts and shortest counterexamples through the naive
//! explorer, against the independent Python transcription `crdt.py` in this
//! folder (its command line is quoted above each number), and the merge
//! laws of every type checked directly on hand-made payloads.

use checker::spec::{Constant, Constants, Model, Span, Value};

use super::*;
use crate::naive::explore;

fn replicas(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("r{i}")).collect()
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

fn g_counter(bug: GCounterBug) -> GCounter {
    GCounter { bug }
}

fn lww(bug: LWWBug) -> LWWRegister {
    LWWRegister { values: names("v", 2), bug }
}

fn or_set(elements: usize, bug: ORSetBug) -> ORSet {
    ORSet { elements: names("e", elements), bug }
}

fn two_p_set(elements: usize) -> TwoPSet {
    TwoPSet { elements: names("e", elements) }
}

/// Every invariant that holds on a correct type: all of them.
fn all_invariants<T: CrdtType>() -> Vec<&'static str> {
    vec![
        "TypeOK",
        "StrongConvergence",
        "MergeCommutative",
        "MergeAssociative",
        "MergeIdempotent",
        "MonotonicInflation",
        T::SPEC,
    ]
}

/// `(distinct, generated, depth)` with every invariant checked, none violated.
fn counts<T: CrdtType>(model: &Crdt<T>) -> (u64, u64, u32) {
    let explored = explore(model, &all_invariants::<T>(), &[], None);
    assert_eq!(explored.violation.as_ref().map(|v| v.0), None);
    assert_eq!(explored.deadlock, None, "a CRDT model never deadlocks: Send or Receive is always enabled");
    (explored.distinct, explored.generated, explored.depth)
}

/// The first invariant violated among `invariants`, and the length of its
/// shortest counterexample in states.
fn violation<T: CrdtType>(model: &Crdt<T>, invariants: &[&str]) -> (&'static str, Vec<StateOf<T>>) {
    explore(model, invariants, &[], None).violation.expect("the bug is found")
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
            model.action_name(action).to_string()
        })
        .collect()
}

// crdt.py GCounter 2 1 2 --check ...: distinct 147 generated 591 depth 9
// crdt.py GCounter 2 2 2: distinct 1196 generated 5275 depth 13
// crdt.py GCounter 3 1 2: distinct 18443 generated 88357 depth 14
#[test]
fn g_counter_counts_match_the_python_transcription() {
    let model = |n, u| Crdt::new(g_counter(GCounterBug::None), replicas(n), u, 2);
    assert_eq!(counts(&model(2, 1)), (147, 591, 9));
    assert_eq!(counts(&model(2, 2)), (1196, 5275, 13));
    assert_eq!(counts(&model(3, 1)), (18443, 88357, 14));
}

// crdt.py PNCounter 2 1 2: distinct 474 generated 1937 depth 9
// crdt.py PNCounter 2 2 1: distinct 1343 generated 4123 depth 10
#[test]
fn pn_counter_counts_match_the_python_transcription() {
    assert_eq!(counts(&Crdt::new(PNCounter, replicas(2), 1, 2)), (474, 1937, 9));
    assert_eq!(counts(&Crdt::new(PNCounter, replicas(2), 2, 1)), (1343, 4123, 10));
}

// crdt.py LWWRegister 2 1 2: distinct 730 generated 2857 depth 9
// crdt.py LWWRegister 2 2 1: distinct 4255 generated 11323 depth 14
#[test]
fn lww_register_counts_match_the_python_transcription() {
    assert_eq!(counts(&Crdt::new(lww(LWWBug::None), replicas(2), 1, 2)), (730, 2857, 9));
    assert_eq!(counts(&Crdt::new(lww(LWWBug::None), replicas(2), 2, 1)), (4255, 11323, 14));
}

// crdt.py ORSet 2 1 2: distinct 642 generated 2605 depth 9
// crdt.py ORSet 2 2 1 --elements 1: distinct 766 generated 2127 depth 14
// crdt.py ORSet 2 2 2 --elements 1: distinct 7043 generated 30183 depth 15
#[test]
fn or_set_counts_match_the_python_transcription() {
    assert_eq!(counts(&Crdt::new(or_set(2, ORSetBug::None), replicas(2), 1, 2)), (642, 2605, 9));
    assert_eq!(counts(&Crdt::new(or_set(1, ORSetBug::None), replicas(2), 2, 1)), (766, 2127, 14));
    assert_eq!(counts(&Crdt::new(or_set(1, ORSetBug::None), replicas(2), 2, 2)), (7043, 30183, 15));
}

// crdt.py TwoPSet 2 2 1: distinct 2041 generated 5731 depth 12
// crdt.py TwoPSet 2 2 2: distinct 18190 generated 77985 depth 15
#[test]
fn two_p_set_counts_match_the_python_transcription() {
    assert_eq!(counts(&Crdt::new(two_p_set(2), replicas(2), 2, 1)), (2041, 5731, 12));
    assert_eq!(counts(&Crdt::new(two_p_set(2), replicas(2), 2, 2)), (18190, 77985, 15));
}

// crdt.py GCounter 2 1 2 --bug SumMerge --check StrongConvergence: 6 states.
// By hand: r1 increments and sends to r2, r2 merges and sends back, r1 merges
// its own increment a second time: five steps. Merging a state with itself
// already doubles it, so MergeIdempotent fails on the first increment
// (crdt.py --check MergeIdempotent: 2 states).
#[test]
fn summing_g_counter_diverges_in_five_steps() {
    let model = Crdt::new(g_counter(GCounterBug::SumMerge), replicas(2), 1, 2);
    let (name, trace) = violation(&model, &["TypeOK", "StrongConvergence"]);
    assert_eq!((name, trace.len()), ("StrongConvergence", 6));
    let network = actions(&model, &trace).into_iter().filter(|a| a == "Send" || a == "Receive").count();
    assert_eq!(network, 4, "two sends and two receipts");
    let (name, trace) = violation(&model, &["MergeIdempotent"]);
    assert_eq!((name, trace.len()), ("MergeIdempotent", 2));
    let (name, trace) = violation(&model, &["CounterValue"]);
    assert_eq!((name, trace.len()), ("CounterValue", 6));
}

// crdt.py LWWRegister 2 1 2 --bug NoTieBreak --check StrongConvergence: 7 states.
// By hand: both replicas write (timestamp 1 each), each sends to the other,
// each receives and keeps its own write: six steps. MergeCommutative fails as
// soon as both writes exist (3 states); LastWriterWins once the replica with
// the smaller id receives (5 states); MonotonicInflation on that receipt (5).
#[test]
fn lww_register_without_a_tie_break_diverges_in_six_steps() {
    let model = Crdt::new(lww(LWWBug::NoTieBreak), replicas(2), 1, 2);
    let (name, trace) = violation(&model, &["TypeOK", "StrongConvergence"]);
    assert_eq!((name, trace.len()), ("StrongConvergence", 7));
    let mut taken = actions(&model, &trace);
    taken.sort();
    assert_eq!(taken, ["Receive", "Receive", "Send", "Send", "Write", "Write"]);
    assert_eq!(violation(&model, &["MergeCommutative"]).1.len(), 3);
    assert_eq!(violation(&model, &["LastWriterWins"]).1.len(), 5);
    assert_eq!(violation(&model, &["MonotonicInflation"]).1.len(), 5);
}

// crdt.py ORSet 2 2 2 --elements 1 --bug RemoveConcurrentAdds --check Spec: 6 states.
// By hand: r1 adds and removes e1, r2 adds e1 concurrently, r1 sends, r2
// merges and loses its own add: five steps. StrongConvergence fails later
// (crdt.py --check StrongConvergence: 8 states); the merge stays associative
// and inflationary on this instance (crdt.py finds no violation).
#[test]
fn or_set_whose_remove_deletes_concurrent_adds_breaks_add_wins_in_five_steps() {
    let model = Crdt::new(or_set(1, ORSetBug::RemoveConcurrentAdds), replicas(2), 2, 2);
    let (name, trace) = violation(&model, &["TypeOK", "AddWins"]);
    assert_eq!((name, trace.len()), ("AddWins", 6));
    let mut taken = actions(&model, &trace);
    taken.sort();
    assert_eq!(taken, ["Add", "Add", "Receive", "Remove", "Send"]);
    assert_eq!(violation(&model, &["StrongConvergence"]).1.len(), 8);
    let explored = explore(&model, &["MergeAssociative", "MonotonicInflation"], &[], None);
    assert_eq!(explored.violation.map(|v| v.0), None);
    assert_eq!(explored.distinct, 9857);
}

#[test]
fn correct_types_satisfy_the_merge_laws_on_hand_made_payloads() {
    let g = g_counter(GCounterBug::None);
    let (a, b, c) = ([1, 0, 2, 0], [0, 3, 1, 0], [2, 2, 2, 1]);
    assert_eq!(g.merge(&a, &b), [1, 3, 2, 0]);
    assert_eq!(g.merge(&g.merge(&a, &b), &c), g.merge(&a, &g.merge(&b, &c)));
    assert!(g.le(&a, &g.merge(&a, &b)) && !g.le(&c, &a));
    let sum = g_counter(GCounterBug::SumMerge);
    assert_eq!(sum.merge(&a, &a), [2, 0, 4, 0], "the seeded bug is not idempotent");

    let l = lww(LWWBug::None);
    let w1 = LWWPayload { timestamp: 1, writer: 0, value: 1 };
    let w2 = LWWPayload { timestamp: 1, writer: 1, value: 2 };
    assert_eq!((l.merge(&w1, &w2), l.merge(&w2, &w1)), (w2, w2), "the writer breaks the tie");
    let bad = lww(LWWBug::NoTieBreak);
    assert_eq!((bad.merge(&w1, &w2), bad.merge(&w2, &w1)), (w1, w2), "without it, each side keeps its own");

    let s = or_set(1, ORSetBug::None);
    // r1 added tag 0 and removed it; r2 added tag 2 (pair bits are tag * 1 + 0).
    let removed = ORPayload { added: 0b001, removed: 0b001 };
    let concurrent = ORPayload { added: 0b100, removed: 0 };
    assert_eq!(s.present(&s.merge(&removed, &concurrent)), 1, "the concurrent add wins");
    let bad = or_set(1, ORSetBug::RemoveConcurrentAdds);
    assert_eq!(bad.present(&bad.merge(&removed, &concurrent)), 0, "the seeded bug loses it");

    let t = two_p_set(2);
    let x = TwoPPayload { added: 0b11, removed: 0b01 };
    let y = TwoPPayload { added: 0b10, removed: 0b10 };
    assert_eq!(t.merge(&x, &y), TwoPPayload { added: 0b11, removed: 0b11 });
}

fn constants(items: &[(&str, Value)]) -> Constants {
    Constants {
        items: items
            .iter()
            .map(|(name, value)| Constant { name: name.to_string(), value: value.clone(), span: Span::default() })
            .collect(),
        model_span: Span::default(),
    }
}

fn set(names: &[&str]) -> Value {
    Value::set(names.iter().map(|n| Value::model_value(*n)))
}

#[test]
fn constants_are_read_and_checked() {
    let base = [("Replica", set(&["r1", "r2"])), ("MaxUpdates", Value::Int(1)), ("MaxInFlight", Value::Int(2))];
    let model = Crdt::<GCounter>::from_constants(&constants(&base)).expect("valid constants");
    assert_eq!(model.layout(), Layout { replicas: 2, updates: 1 });
    assert_eq!(model.action_names(), ["Increment", "Send", "Receive", "Duplicate", "Drop"]);

    let mut faults = base.to_vec();
    faults.extend([("Loss", Value::Bool(false)), ("Duplication", Value::Bool(false))]);
    let model = Crdt::<PNCounter>::from_constants(&constants(&faults)).expect("valid constants");
    assert_eq!(model.action_names(), ["Increment", "Decrement", "Send", "Receive"]);

    // Value belongs to the LWW-Register only; a missing one is an error too.
    let mut with_value = base.to_vec();
    with_value.push(("Value", set(&["v1"])));
    assert!(Crdt::<GCounter>::from_constants(&constants(&with_value)).is_err());
    assert!(Crdt::<LWWRegister>::from_constants(&constants(&base)).is_err());
    assert!(Crdt::<LWWRegister>::from_constants(&constants(&with_value)).is_ok());

    let mut one_replica = base.to_vec();
    one_replica[0] = ("Replica", set(&["r1"]));
    assert!(Crdt::<GCounter>::from_constants(&constants(&one_replica)).is_err());
    let mut too_many = base.to_vec();
    too_many[1] = ("MaxUpdates", Value::Int(13));
    assert!(Crdt::<GCounter>::from_constants(&constants(&too_many)).is_err(), "2 * 13 ids exceed 24");
}

// crdt.py GCounter 2 1 2 --no-loss --no-duplication: distinct 131 generated 335 depth 9
#[test]
fn without_faults_the_network_only_reorders() {
    // Loss and duplication off: every message sent is received exactly once.
    let model = Crdt::new(g_counter(GCounterBug::None), replicas(2), 1, 2).with_faults(false, false);
    let explored = explore(&model, &all_invariants::<GCounter>(), &[], None);
    assert_eq!(explored.violation.map(|v| v.0), None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (131, 335, 9));
    assert!(explored.states.iter().any(|s| model.fully_replicated(s)));
}
