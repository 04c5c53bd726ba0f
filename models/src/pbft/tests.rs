//! Unit tests: counts from the independent transcription `pbft.py` in this
//! folder (its command line is quoted above each number; `0` is r1 and `-`
//! no byzantine replica), and the seeded bugs' shortest counterexamples,
//! worked out by hand.

use checker::spec::Model;

use super::*;
use crate::naive::explore;

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

/// `n` replicas tolerating one fault, `byzantine` a bit set, two requests.
fn pbft(n: usize, byzantine: u8, max_view: u8, bug: Bug) -> Pbft {
    Pbft::new(names("r", n), 1, byzantine, names("v", 2), max_view, bug)
}

/// `(distinct, generated, depth)` of the whole state space, checking nothing.
fn counts(model: &Pbft) -> (u64, u64, u32) {
    let explored = explore(model, &[], &[], None);
    (explored.distinct, explored.generated, explored.depth)
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

// pbft.py 4 0 2 0: 376 1037 13 (a byzantine primary, the normal case)
// pbft.py 4 0 2 0 --byzantine-budget 2: 244 599 12
// pbft.py 4 0 2 0 SmallPreparedCertificate: 700 2135 13, no violation: in
//   one view, commit quorums still intersect in a correct replica
// pbft.py 4 - 2 1 --no-check: 33268 112639 25 (the view change, no byzantine replica)
#[test]
fn counts_match_the_python_transcription_and_agreement_holds_with_3f_plus_1() {
    let normal = explore(&pbft(4, 1, 0, Bug::None), &["Agreement"], &[], None);
    assert_eq!(normal.violation.map(|v| v.0), None);
    assert_eq!((normal.distinct, normal.generated, normal.depth), (376, 1037, 13));
    assert_eq!(counts(&pbft(4, 1, 0, Bug::None).with_byzantine_budget(Some(2))), (244, 599, 12));
    let small = explore(&pbft(4, 1, 0, Bug::SmallPreparedCertificate), &["Agreement"], &[], None);
    assert_eq!(small.violation.map(|v| v.0), None);
    assert_eq!((small.distinct, small.generated, small.depth), (700, 2135, 13));
    let view_change = explore(&pbft(4, 0, 1, Bug::None), &["Agreement"], &[], None);
    assert_eq!(view_change.violation.map(|v| v.0), None);
    assert_eq!((view_change.distinct, view_change.generated, view_change.depth), (33268, 112639, 25));
}

// pbft.py 3 0 2 0: a trace of 11 states (and 158 373 11 with --no-check).
// By hand: quorums and certificates are n - f = 2. Each correct replica
// prepares, commits and executes its own request (3 steps each, 6); the
// byzantine primary pre-prepares both requests and commits both (4), since
// each request needs 2 commits and each correct replica commits one: 10
// steps, and none can be left out.
#[test]
fn three_replicas_for_one_fault_let_an_equivocating_primary_split_them() {
    let model = pbft(3, 1, 0, Bug::None);
    assert_eq!(counts(&model), (158, 373, 11));
    let (name, trace) = explore(&model, &["Agreement"], &[], None).violation.expect("n = 3f breaks agreement");
    assert_eq!(name, "Agreement");
    assert_eq!(trace.len(), 11);
    let steps = actions(&model, &trace);
    assert_eq!(steps.iter().filter(|s| s.starts_with("Byzantine(r1, PrePrepare")).count(), 2, "{steps:?}");
}

// pbft.py 4 - 2 1 IgnorePreparedCertificates: a trace of 18 states. By hand,
// with no byzantine replica: view 0: the pre-prepare (1), 2 prepares (3),
// 3 commits (6) and an execution (7); the view change needs 3 replicas in
// view 1, the new primary r2 among them (10), its new-view for the other
// request (11), 2 prepares (13), 3 commits (16) and an execution (17): 17
// steps. Each is needed: every quorum is 3 of 4.
#[test]
fn a_view_change_that_ignores_prepared_certificates_loses_an_executed_request() {
    let model = pbft(4, 0, 1, Bug::IgnorePreparedCertificates);
    let (name, trace) = explore(&model, &["Agreement"], &[], None).violation.expect("the new view forgets v1");
    assert_eq!(name, "Agreement");
    assert_eq!(trace.len(), 18);
    let steps = actions(&model, &trace);
    assert_eq!(steps.iter().filter(|s| s.starts_with("NewView(r2")).count(), 1, "{steps:?}");
}

#[test]
fn messages_are_numbered_one_to_one() {
    for model in [
        pbft(4, 1, 1, Bug::None),
        pbft(3, 1, 0, Bug::None),
        Pbft::new(names("r", 4), 1, 1, names("v", 2), 2, Bug::None),
    ] {
        for i in 0..model.messages() {
            assert_eq!(model.index(model.message(i)), i, "{:?}", model.message(i));
        }
    }
}

#[test]
fn actions_charts_and_variables_are_named() {
    let model = pbft(4, 1, 0, Bug::None);
    let mut init = Vec::new();
    model.init(&mut init);
    let mut steps = Vec::new();
    model.next(&init[0], &mut steps);
    let labels: Vec<String> = steps.iter().map(|(a, _)| model.format_action(a)).collect();
    assert_eq!(labels, ["Byzantine(r1, PrePrepare(0, v1))", "Byzantine(r1, PrePrepare(0, v2))"]);
    let (step, after) = &steps[0];
    let chart = model.step_messages(&init[0], step, after);
    assert_eq!(chart.actor.as_deref(), Some("r1"));
    assert_eq!(chart.sent.len(), 3);
    assert_eq!(chart.sent[0].label, "PrePrepare(0, v1)");
    let variables: Vec<&str> = model.variables(after).iter().map(|(name, _)| *name).collect();
    assert_eq!(variables, ["view", "executed", "msgs"]);
}
