//! Unit tests: counts from the independent transcription `three_phase.py`,
//! the partition counterexample's length, and 2PC's contrast.

use checker::spec::Model;

use super::*;
use crate::common::cluster::testing::names;
use crate::common::net::Faults;
use crate::naive::explore;

fn model(rms: usize, phases: u8, crashes: u8, partitions: u8) -> ThreePhase {
    let faults = Faults { max_crashes: crashes, partitions, ..Faults::reliable(rms + 1) };
    ThreePhase::new(names("r", rms), phases, faults)
}

fn counts(m: &ThreePhase) -> (u64, u64, u32) {
    let explored = explore(m, &["Consistency"], &[], None);
    assert_eq!(explored.violation, None);
    (explored.distinct, explored.generated, explored.depth)
}

// three_phase.py 2: 84 155 12; three_phase.py 3: 894 2742 17.
#[test]
fn reliable_three_phase_commit_matches_the_python_transcription() {
    assert_eq!(counts(&model(2, 3, 0, 0)), (84, 155, 12));
    assert_eq!(counts(&model(3, 3, 0, 0)), (894, 2742, 17));
}

// three_phase.py 3 3 1: 2105 6768 18. A crashed TM is replaced by the
// termination protocol, and no crash makes the RMs disagree.
#[test]
fn a_coordinator_crash_keeps_three_phase_commit_consistent() {
    assert_eq!(counts(&model(3, 3, 1, 0)), (2105, 6768, 18));
}

// three_phase.py 3 2 1: 1982 6576 13; three_phase.py 2 2 0 1: 640 1718 11.
// 2PC is consistent under a crash and under a partition: uncertain RMs wait.
#[test]
fn two_phase_commit_stays_consistent_under_crash_and_partition() {
    assert_eq!(counts(&model(3, 2, 1, 0)), (1982, 6576, 13));
    assert_eq!(counts(&model(2, 2, 0, 1)), (640, 1718, 11));
}

// three_phase.py 2 3 0 1: the first violation has a trace of 12 states (11
// steps). By hand (mod.rs, "The partition counterexample"): TMBegin, two
// CanCommit receipts, two Yes receipts (5), r1 receives PreCommit (6),
// Partition({TM, r1} | {r2}) (7), Terminate(r2) aborts r2 (8), the TM
// receives r1's Ack (9), TMCommit (10), r1 receives DoCommit (11).
#[test]
fn a_partition_makes_one_side_commit_and_the_other_abort() {
    let m = model(2, 3, 0, 1);
    let explored = explore(&m, &["Consistency"], &[], None);
    let (name, trace) = explored.violation.expect("3PC is unsafe under a partition");
    assert_eq!(name, "Consistency");
    assert_eq!(trace.len(), 12);
    let end = trace.last().expect("a trace");
    assert_eq!(&end.rm[..2], &[RmState::Committed, RmState::Aborted]);
    assert!(end.net.partition().is_some());
}

// three_phase.py 3 3 1 1: 13 states (12 steps). With a crash as well, the
// split can fall between RMs: TMBegin, three CanCommit and three Yes receipts
// (7), r1 receives PreCommit (8), Crash(TM) (9), Partition({TM, r1} | {r2,
// r3}) (10), Terminate(r1) commits r1, who is precommitted (11), and
// Terminate(r2) aborts r2 and r3, who are uncertain (12).
#[test]
fn a_crash_then_a_partition_between_rms_splits_the_decision() {
    let m = model(3, 3, 1, 1);
    let explored = explore(&m, &["Consistency"], &[], None);
    let (_, trace) = explored.violation.expect("3PC is unsafe under a partition");
    assert_eq!(trace.len(), 13);
}

/// Whether some reachable state with every RM undecided and the TM crashed
/// has no step that decides an RM: the RMs block.
fn blocks(m: &ThreePhase) -> bool {
    let explored = explore(m, &["Consistency"], &[], None);
    explored.states.iter().any(|s| {
        let mut steps = Vec::new();
        m.next(s, &mut steps);
        !s.net.is_up(0) && !m.all_decided(s) && steps.iter().all(|(_, t)| !m.all_decided(t) && t.rm == s.rm)
    })
}

#[test]
fn two_phase_commit_blocks_after_a_coordinator_crash_and_three_phase_does_not() {
    assert!(blocks(&model(2, 2, 1, 0)));
    assert!(!blocks(&model(2, 3, 1, 0)));
}

#[test]
fn actions_are_named_and_charted() {
    let m = model(2, 3, 0, 0);
    let mut init = Vec::new();
    m.init(&mut init);
    let mut steps = Vec::new();
    m.next(&init[0], &mut steps);
    let labels: Vec<String> = steps.iter().map(|(a, _)| m.format_action(a)).collect();
    assert_eq!(labels, ["TMBegin", "RMChooseToAbort(r1)", "RMChooseToAbort(r2)"]);
    let chart = m.step_messages(&init[0], &steps[0].0, &steps[0].1);
    assert_eq!(chart.actor.as_deref(), Some("TM"));
    assert_eq!(chart.sent.len(), 2);
    let mut next = Vec::new();
    m.next(&steps[0].1, &mut next);
    let deliver = next.iter().find(|(a, _)| matches!(a, ThreePhaseAction::Deliver(_))).expect("a delivery");
    assert_eq!(m.format_action(&deliver.0), "RMRcvCanCommit(r1 <- TM: CanCommit)");
    assert_eq!(m.nodes(&init[0]), ["TM", "r1", "r2"]);
}
