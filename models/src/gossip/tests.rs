//! Unit tests: counts from the independent transcription `gossip.py` in this
//! folder (its command line is quoted above each number), the seeded bug's
//! shortest counterexample, worked out by hand, and the rendering.

use checker::spec::Model;

use super::*;
use crate::naive::explore;

fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("n{i}")).collect()
}

fn gossip(n: usize, updates: usize, in_flight: u16, mode: Mode, bug: Bug, loss: u8) -> Gossip {
    let faults = Faults { max_in_flight: Some(in_flight), loss, ..Faults::reliable(n) };
    Gossip::new(names(n), updates, mode, bug, faults)
}

fn counts(model: &Gossip) -> (u64, u64, u32) {
    let explored = explore(model, &["RumorAlive"], &[], None);
    assert_eq!(explored.violation.map(|v| v.0), None);
    (explored.distinct, explored.generated, explored.depth)
}

// gossip.py 3 1 2 Push: 168 489 7
// gossip.py 3 1 2 Pull: 273 753 10
// gossip.py 3 1 2 PushPull: 273 753 8
// gossip.py 3 1 2 Rumor: 4037 9523 21
// gossip.py 3 2 2 PushPull: 1289 3387 12
// gossip.py 4 1 2 PushPull: 2012 5965 10
#[test]
fn counts_match_the_python_transcription() {
    assert_eq!(counts(&gossip(3, 1, 2, Mode::Push, Bug::None, 0)), (168, 489, 7));
    assert_eq!(counts(&gossip(3, 1, 2, Mode::Pull, Bug::None, 0)), (273, 753, 10));
    assert_eq!(counts(&gossip(3, 1, 2, Mode::PushPull, Bug::None, 0)), (273, 753, 8));
    assert_eq!(counts(&gossip(3, 1, 2, Mode::Rumor, Bug::None, 0)), (4037, 9523, 21));
    assert_eq!(counts(&gossip(3, 2, 2, Mode::PushPull, Bug::None, 0)), (1289, 3387, 12));
    assert_eq!(counts(&gossip(4, 1, 2, Mode::PushPull, Bug::None, 0)), (2012, 5965, 10));
}

// gossip.py 3 1 2 PushPull --loss 1: 546 1969 10
// gossip.py 3 1 2 Rumor --loss 1: 11686 35073 23
// A lost push leaves the rumor hot at its sender, which pushes again.
#[test]
fn loss_counts_match_the_python_transcription() {
    assert_eq!(counts(&gossip(3, 1, 2, Mode::PushPull, Bug::None, 1)), (546, 1969, 10));
    assert_eq!(counts(&gossip(3, 1, 2, Mode::Rumor, Bug::None, 1)), (11686, 35073, 23));
}

// gossip.py 3 1 2 Rumor LoseInterest: a trace of 9 states. By hand: n2 must
// learn the rumor first (Gossip(n1, n2), Receive: 2 steps); then n1 and n2
// must each lose interest, which takes a push to a node that knows the rumor,
// its receipt and the feedback's receipt (3 steps each); the rumor dies
// only when both have: 8 steps, and no shorter order saves a step, since
// each of the 8 is a distinct message event. The third node never hears it.
#[test]
fn losing_interest_on_the_first_duplicate_lets_a_rumor_die() {
    let model = gossip(3, 1, 2, Mode::Rumor, Bug::LoseInterest, 0);
    let (name, trace) = explore(&model, &["RumorAlive"], &[], None).violation.expect("the rumor dies");
    assert_eq!(name, "RumorAlive");
    assert_eq!(trace.len(), 9);
    let end = trace.last().expect("a trace");
    assert!(end.nodes[..3].iter().any(|n| n.known == 0), "a node never heard the rumor");
    assert!(end.nodes.iter().all(|n| n.hot == 0));
}

#[test]
fn actions_charts_and_variables_are_named() {
    let model = gossip(3, 1, 2, Mode::Rumor, Bug::None, 0);
    let mut init = Vec::new();
    model.init(&mut init);
    let mut steps = Vec::new();
    model.next(&init[0], &mut steps);
    let labels: Vec<String> = steps.iter().map(|(a, _)| model.format_action(a)).collect();
    assert_eq!(labels, ["Gossip(n1, n2)", "Gossip(n1, n3)"]);
    let (round, after) = &steps[0];
    let chart = model.step_messages(&init[0], round, after);
    assert_eq!(chart.actor.as_deref(), Some("n1"));
    assert_eq!(chart.sent[0].label, "Push({\"u1\"})");
    let mut replies = Vec::new();
    model.next(after, &mut replies);
    let (receive, answered) = replies.iter().find(|(a, _)| model.action_name(a) == "Receive").expect("a delivery");
    assert_eq!(model.format_action(receive), "Receive(n1 -> n2: Push({\"u1\"}))");
    assert_eq!(model.step_messages(after, receive, answered).sent[0].label, "Feedback({\"u1\"}, {})");
    let variables: Vec<&str> = model.variables(after).iter().map(|(name, _)| *name).collect();
    assert_eq!(variables, ["known", "hot", "confirmed", "network"]);
}
