//! TLC parity: the faithful transcriptions of public TLA+ specs reproduce
//! TLC's distinct and generated state counts and search depth, as published in
//! tlaplus/Examples (`specifications/transaction_commit/manifest.json`) and in
//! the issue that set the targets (TwoPhase with 5 RMs).

use checker::Strategy;

use crate::{config_of, outcome_of, parse, root};

fn assert_tlc_counts(spec: &str, distinct: u64, generated: u64, depth: u32) {
    let spec = parse(&root().join(spec));
    for threads in [1, 2] {
        let stats = outcome_of(&spec, &config_of(&spec, Strategy::Bfs, threads)).stats;
        assert_eq!((stats.distinct_states, stats.generated_states, stats.depth), (distinct, generated, depth));
    }
}

#[test]
fn tcommit_with_three_rms_matches_tlc() {
    assert_tlc_counts("specs/tcommit-3.cfg", 34, 94, 7);
}

#[test]
fn two_phase_with_three_rms_matches_tlc() {
    assert_tlc_counts("specs/twophase-3.cfg", 288, 1146, 11);
}

#[test]
fn two_phase_with_five_rms_matches_tlc() {
    assert_tlc_counts("specs/twophase-5.cfg", 8832, 58146, 17);
}
