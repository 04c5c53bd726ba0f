//! Unit tests of the network layer on its own: canonical bags, FIFO links,
//! each fault's enabling condition and budget, and the chart helpers.

use std::collections::HashSet;

use checker::spec::{Constant, Constants, Span, Value};

use super::*;

fn constants(items: &[(&str, Value)]) -> Constants {
    Constants {
        items: items
            .iter()
            .map(|(name, value)| Constant { name: name.to_string(), value: value.clone(), span: Span::default() })
            .collect(),
        model_span: Span::default(),
    }
}

fn faults_of(fault: &Fault<u8>) -> &'static str {
    fault.name()
}

#[test]
fn a_bag_is_canonical_whatever_the_send_order() {
    let faults = Faults::reliable(3);
    let mut a = Network::new();
    a.send(&faults, Packet::new(0, 1, 7u8));
    a.send(&faults, Packet::new(2, 1, 3));
    a.send(&faults, Packet::new(0, 1, 5));
    let mut b = Network::new();
    b.send(&faults, Packet::new(0, 1, 5u8));
    b.send(&faults, Packet::new(0, 1, 7));
    b.send(&faults, Packet::new(2, 1, 3));
    assert_eq!(a, b);
    // Any packet may be delivered next: reordering.
    assert_eq!(a.deliverable(&faults).count(), 3);
}

#[test]
fn copies_of_one_packet_are_offered_once_and_counted_twice() {
    let faults = Faults::reliable(2);
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 1u8));
    net.send(&faults, Packet::new(0, 1, 1));
    assert_eq!(net.in_flight().len(), 2);
    assert_eq!(net.deliverable(&faults).count(), 1);
    let (i, _) = net.deliverable(&faults).next().expect("one packet is deliverable");
    let p = net.receive(i);
    assert_eq!(p, Packet::new(0, 1, 1));
    assert_eq!(net.in_flight(), &[Packet::new(0, 1, 1)]);
}

#[test]
fn fifo_links_deliver_in_send_order_and_links_are_independent() {
    let faults = Faults { fifo: true, ..Faults::reliable(3) };
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 9u8));
    net.send(&faults, Packet::new(0, 1, 2));
    net.send(&faults, Packet::new(2, 1, 5));
    net.send(&faults, Packet::new(0, 2, 4));
    let heads: Vec<Packet<u8>> = net.deliverable(&faults).map(|(_, p)| *p).collect();
    assert_eq!(heads, vec![Packet::new(0, 1, 9), Packet::new(0, 2, 4), Packet::new(2, 1, 5)]);
    let (i, _) = net.deliverable(&faults).next().expect("a head");
    net.receive(i);
    assert_eq!(net.deliverable(&faults).next().map(|(_, p)| *p), Some(Packet::new(0, 1, 2)));
}

#[test]
fn a_reliable_network_has_no_fault_steps() {
    let faults = Faults::reliable(3);
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 1u8));
    let mut out = Vec::new();
    net.faults(&faults, &mut out);
    assert!(out.is_empty());
    assert!(net.faults_over(&faults));
    assert!(!faults.any());
}

#[test]
fn loss_and_duplication_are_bounded_by_their_budgets() {
    let faults = Faults { loss: 1, duplication: 2, ..Faults::reliable(2) };
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 1u8));
    net.send(&faults, Packet::new(1, 0, 2));
    // Explore every fault-only behaviour: at most one drop and two duplicates.
    let mut seen = HashSet::new();
    let mut stack = vec![net];
    let mut out = Vec::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        out.clear();
        n.faults(&faults, &mut out);
        for (f, next) in out.drain(..) {
            assert!(matches!(f, Fault::Drop(_) | Fault::Duplicate(_)), "{f:?}");
            stack.push(next);
        }
    }
    for n in &seen {
        let (dropped, duplicated, _, _) = n.faults_taken();
        assert!(dropped <= 1 && duplicated <= 2);
        assert_eq!(n.in_flight().len(), 2 - usize::from(dropped) + usize::from(duplicated));
    }
    // No network with a spent budget offers that fault again, and every
    // network with budget left offers it while a message is in flight.
    for n in &seen {
        out.clear();
        n.faults(&faults, &mut out);
        let (dropped, duplicated, _, _) = n.faults_taken();
        assert_eq!(out.iter().any(|(f, _)| faults_of(f) == "Drop"), dropped < 1 && !n.is_empty());
        assert_eq!(out.iter().any(|(f, _)| faults_of(f) == "Duplicate"), duplicated < 2 && !n.is_empty());
    }
}

// Hand count for one packet, one drop and two duplicates allowed: a state is
// (copies, drops, duplicates) with copies = 1 - drops + duplicates:
// (1,0,0) -> (2,0,1), (0,1,0); (2,0,1) -> (3,0,2), (1,1,1); (3,0,2) -> (2,1,2);
// (1,1,1) -> (2,1,2). Six networks.
#[test]
fn one_packet_with_one_loss_and_two_duplicates_has_six_networks() {
    let faults = Faults { loss: 1, duplication: 2, ..Faults::reliable(2) };
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 1u8));
    let mut seen = HashSet::new();
    let mut stack = vec![net];
    let mut out = Vec::new();
    while let Some(n) = stack.pop() {
        if seen.insert(n.clone()) {
            out.clear();
            n.faults(&faults, &mut out);
            stack.extend(out.drain(..).map(|(_, next)| next));
        }
    }
    assert_eq!(seen.len(), 6);
}

#[test]
fn max_in_flight_disables_duplication_and_limits_room() {
    let faults = Faults { duplication: 3, max_in_flight: Some(2), ..Faults::reliable(2) };
    let mut net = Network::new();
    assert_eq!(net.room(&faults), 2);
    net.send(&faults, Packet::new(0, 1, 1u8));
    net.send(&faults, Packet::new(0, 1, 2));
    assert_eq!(net.room(&faults), 0);
    let mut out = Vec::new();
    net.faults(&faults, &mut out);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_crashed_node_receives_nothing_until_it_restarts() {
    let faults = Faults { max_crashes: 1, ..Faults::reliable(3) };
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 1u8));
    let mut out = Vec::new();
    net.faults(&faults, &mut out);
    let crashes: Vec<_> = out.iter().map(|(f, _)| *f).collect();
    assert_eq!(crashes, vec![Fault::Crash(0), Fault::Crash(1), Fault::Crash(2)]);
    let down = out.into_iter().find(|(f, _)| *f == Fault::Crash(1)).map(|(_, n)| n).expect("crash of node 1");
    assert!(!down.is_up(1));
    assert_eq!(down.deliverable(&faults).count(), 0);
    // The message waits; the budget is spent; Restart is the only fault left.
    let mut out = Vec::new();
    down.faults(&faults, &mut out);
    assert_eq!(out.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec![Fault::Restart(1)]);
    assert!(!down.faults_over(&faults));
    let up = &out[0].1;
    assert!(up.is_up(1));
    assert_eq!(up.deliverable(&faults).count(), 1);
    assert!(up.faults_over(&faults));
}

#[test]
fn crash_stop_nodes_never_restart_and_only_crashable_nodes_crash() {
    let faults = Faults { max_crashes: 2, restart: Restart::Never, ..Faults::reliable(3) }.with_crashable(0b110);
    let net: Network<u8> = Network::new();
    let mut out = Vec::new();
    net.faults(&faults, &mut out);
    assert_eq!(out.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec![Fault::Crash(1), Fault::Crash(2)]);
    let mut after = Vec::new();
    out[0].1.faults(&faults, &mut after);
    assert_eq!(after.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec![Fault::Crash(2)]);
    assert!(out[0].1.faults_over(&Faults { max_crashes: 1, ..faults }));
}

#[test]
fn a_partition_blocks_delivery_across_groups_until_it_heals() {
    let faults = Faults { partitions: 1, ..Faults::reliable(3) };
    let mut net = Network::new();
    net.send(&faults, Packet::new(0, 1, 1u8));
    net.send(&faults, Packet::new(0, 2, 1));
    let mut out = Vec::new();
    net.faults(&faults, &mut out);
    // Splits into two non-empty groups, named by node 0's: {0}, {0,1}, {0,2}.
    let groups: Vec<_> = out.iter().map(|(f, _)| *f).collect();
    assert_eq!(groups, vec![Fault::Partition(0b001), Fault::Partition(0b011), Fault::Partition(0b101)]);
    let split = &out[1].1;
    assert!(split.connected(0, 1) && !split.connected(0, 2) && !split.connected(1, 2));
    assert_eq!(split.deliverable(&faults).map(|(_, p)| p.to).collect::<Vec<_>>(), vec![1]);
    let mut after = Vec::new();
    split.faults(&faults, &mut after);
    assert_eq!(after.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec![Fault::Heal]);
    let healed = &after[0].1;
    assert_eq!(healed.deliverable(&faults).count(), 2);
    assert!(healed.faults_over(&faults));
    // The budget is spent: no second partition.
    let mut again = Vec::new();
    healed.faults(&faults, &mut again);
    assert!(again.is_empty());
}

#[test]
fn fault_constants_parse_with_defaults_and_reject_bad_values() {
    let none = Faults::from_constants(&constants(&[]), 4).expect("defaults");
    assert_eq!(none, Faults::reliable(4));
    let all = Faults::from_constants(
        &constants(&[
            ("Fifo", Value::Bool(true)),
            ("MaxInFlight", Value::Int(6)),
            ("Loss", Value::Int(1)),
            ("Duplication", Value::Int(2)),
            ("MaxCrashes", Value::Int(1)),
            ("Restart", Value::model_value("Amnesia")),
            ("Partitions", Value::Int(1)),
        ]),
        4,
    )
    .expect("valid faults");
    assert_eq!(
        all,
        Faults {
            nodes: 4,
            fifo: true,
            max_in_flight: Some(6),
            loss: 1,
            duplication: 2,
            max_crashes: 1,
            restart: Restart::Amnesia,
            partitions: 1,
            crashable: 0b1111,
        }
    );
    assert!(Faults::from_constants(&constants(&[("Loss", Value::Int(-1))]), 2).is_err());
    assert!(Faults::from_constants(&constants(&[("Restart", Value::model_value("Sometimes"))]), 2).is_err());
    assert!(Faults::from_constants(&constants(&[("MaxInFlight", Value::Int(0))]), 2).is_err());
}

#[test]
fn charts_show_sends_deliveries_and_faults() {
    let faults = Faults::reliable(2);
    let names = |n: NodeId| format!("n{n}");
    let message = |m: &u8| Value::Int(i64::from(*m));
    let label = |m: &u8| format!("m{m}");
    let chart = Chart { node: &names, message: &message, label: &label };
    let mut before = Network::new();
    before.send(&faults, Packet::new(0, 1, 1u8));
    let mut after = before.clone();
    let (i, _) = after.deliverable(&faults).next().expect("deliverable");
    let p = after.receive(i);
    after.send(&faults, Packet::new(1, 0, 2));
    after.send(&faults, Packet::new(1, 0, 2));
    let step = chart.step(Some(1), Some(&p), &before, &after);
    assert_eq!(step.actor.as_deref(), Some("n1"));
    assert_eq!(step.delivered.len(), 1);
    assert_eq!((step.delivered[0].from.as_str(), step.delivered[0].label.as_str()), ("n0", "m1"));
    assert_eq!(step.sent.len(), 2, "two copies sent are two envelopes");
    assert!(step.sent.iter().all(|e| e.from == "n1" && e.to == "n0" && e.label == "m2"));
    let dropped = chart.fault(&faults, &Fault::Drop(Packet::new(0, 1, 1)));
    assert_eq!(dropped.dropped.len(), 1);
    assert_eq!(chart.fault(&faults, &Fault::Crash(1)).crashed, vec!["n1".to_string()]);
    assert_eq!(Fault::<u8>::Partition(0b01).format(2, names, |m| m.to_string()), "Partition({n0} | {n1})".to_string());
    let vars = chart.variables(&Faults { loss: 1, ..faults }, &after);
    assert_eq!(vars.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec!["network", "down", "partition", "faults"]);
}

#[test]
fn charts_show_restarts_partitions_and_heals_as_the_environment_steps() {
    let faults = Faults::reliable(4);
    let names = |n: NodeId| format!("n{n}");
    let message = |m: &u8| Value::Int(i64::from(*m));
    let label = |m: &u8| format!("m{m}");
    let chart = Chart { node: &names, message: &message, label: &label };
    let restart = chart.fault(&faults, &Fault::Restart(2));
    assert_eq!(restart.restarted, vec!["n2".to_string()]);
    assert_eq!(restart.actor, None, "the environment restarts a node");
    assert!(restart.crashed.is_empty() && restart.partition.is_none());
    // {n0, n3} | {n1, n2}: the group of node 0 first, each side in node order.
    let split = chart.fault(&faults, &Fault::Partition(0b1001));
    let sides = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(split.partition, Some(Partition::Split(vec![sides(&["n0", "n3"]), sides(&["n1", "n2"])])));
    assert_eq!(split.actor, None);
    assert!(split.restarted.is_empty() && split.crashed.is_empty());
    let heal = chart.fault(&faults, &Fault::Heal);
    assert_eq!(heal, StepMessages { partition: Some(Partition::Heal), ..StepMessages::default() });
    // Every split the network offers has two non-empty sides covering every node once.
    let mut steps = Vec::new();
    let network: Network<u8> = Network::new();
    network.faults(&Faults { partitions: 1, ..faults }, &mut steps);
    let splits: Vec<StepMessages> = steps.iter().map(|(f, _)| chart.fault(&faults, f)).collect();
    assert_eq!(splits.len(), 7, "2^4 / 2 - 1 ways to split four nodes in two");
    for step in splits {
        let Some(Partition::Split(split)) = step.partition else { panic!("{step:?}") };
        assert_eq!(split.len(), 2);
        assert!(split.iter().all(|side| !side.is_empty()), "{split:?}");
        let mut all: Vec<String> = split.concat();
        all.sort();
        assert_eq!(all, sides(&["n0", "n1", "n2", "n3"]));
    }
}
