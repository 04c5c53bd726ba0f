//! Unit tests: counts from the independent transcription `saga.py`, and the
//! seeded bugs' shortest counterexamples (lengths argued by hand in mod.rs,
//! "Seeded bugs").

use checker::spec::Model;

use super::*;
use crate::common::cluster::testing::names;
use crate::common::net::Faults;
use crate::naive::explore;

fn saga(n: usize, duplication: u8, loss: u8, bug: Bug) -> Saga {
    Saga::new(names("s", n), bug, Faults { duplication, loss, ..Faults::reliable(n + 1) })
}

const INVARIANTS: &[&str] = &["EffectBounded", "SagaAtomic"];

fn counts(m: &Saga) -> (u64, u64, u32) {
    let explored = explore(m, INVARIANTS, &[], None);
    assert_eq!(explored.violation, None);
    (explored.distinct, explored.generated, explored.depth)
}

// saga.py 1: 22 30 7; saga.py 2: 76 134 11; saga.py 3: 232 534 15.
#[test]
fn a_saga_over_a_reliable_network_matches_the_python_transcription() {
    assert_eq!(counts(&saga(1, 0, 0, Bug::None)), (22, 30, 7));
    assert_eq!(counts(&saga(2, 0, 0, Bug::None)), (76, 134, 11));
    assert_eq!(counts(&saga(3, 0, 0, Bug::None)), (232, 534, 15));
}

// saga.py 2 1: 556 1405 13; saga.py 3 1: 2459 7850 17; saga.py 2 1 1: 1357
// 4188 13; saga.py 3 1 1 (specs/saga-faults-3.cfg): 7466 28160 17. Duplicated and lost messages, late replies and timeouts leave
// every saga all committed or all compensated.
#[test]
fn duplicates_losses_and_timeouts_keep_the_saga_atomic() {
    assert_eq!(counts(&saga(2, 1, 0, Bug::None)), (556, 1405, 13));
    assert_eq!(counts(&saga(3, 1, 0, Bug::None)), (2459, 7850, 17));
    assert_eq!(counts(&saga(2, 1, 1, Bug::None)), (1357, 4188, 13));
    assert_eq!(counts(&saga(3, 1, 1, Bug::None)), (7466, 28160, 17));
}

// saga.py 1 1 0 NonIdempotentCompensation and saga.py 3 1 0
// NonIdempotentCompensation: 7 states (6 steps), whatever the saga's length.
#[test]
fn a_duplicated_compensation_that_is_not_idempotent_undoes_twice() {
    for n in [1, 3] {
        let m = saga(n, 1, 0, Bug::NonIdempotentCompensation);
        let explored = explore(&m, INVARIANTS, &[], None);
        let (name, trace) = explored.violation.expect("the duplicate undoes again");
        assert_eq!(name, "EffectBounded");
        assert_eq!(trace.len(), 7);
        assert_eq!(trace.last().expect("a trace").effect[0], -1);
    }
    // Without duplication, the bug cannot show.
    assert_eq!(explore(&saga(2, 0, 0, Bug::NonIdempotentCompensation), INVARIANTS, &[], None).violation, None);
}

// saga.py 3 0 0 NoCompensateOnTimeout: 4 states (3 steps).
#[test]
fn a_timeout_that_forgets_the_step_it_waited_for_leaves_it_committed() {
    let m = saga(3, 0, 0, Bug::NoCompensateOnTimeout);
    let explored = explore(&m, INVARIANTS, &[], None);
    let (name, trace) = explored.violation.expect("the late step stays committed");
    assert_eq!(name, "SagaAtomic");
    assert_eq!(trace.len(), 4);
    let end = trace.last().expect("a trace");
    assert_eq!((end.phase, end.effect[0]), (Phase::Aborted, 1));
}

#[test]
fn actions_are_named_and_charted() {
    let m = saga(2, 0, 0, Bug::None);
    let mut init = Vec::new();
    m.init(&mut init);
    let mut steps = Vec::new();
    m.next(&init[0], &mut steps);
    assert_eq!(m.format_action(&steps[0].0), "Begin");
    let mut next = Vec::new();
    m.next(&steps[0].1, &mut next);
    let labels: Vec<String> = next.iter().map(|(a, _)| m.format_action(a)).collect();
    assert_eq!(labels, ["Timeout", "ExecuteStep(s1 <- SEC: Execute)", "FailStep(s1 <- SEC: Execute)"]);
    let chart = m.step_messages(&steps[0].1, &next[1].0, &next[1].1);
    assert_eq!(chart.actor.as_deref(), Some("s1"));
    assert_eq!(chart.sent[0].label, "Done");
    assert_eq!(m.nodes(&init[0]), ["SEC", "s1", "s2"]);
}
