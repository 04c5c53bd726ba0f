use checker::{Check, CheckKind, Counterexample, Expect, Trace, Verdict};

use crate::fixtures::{expect_violation, incomplete, invariant_violation, lasso, pass, witness};
use crate::{status, Status};

macro_rules! snapshot {
    ($value:expr, @$snapshot:literal) => {
        insta::assert_snapshot!($value, @$snapshot)
    };
}

#[test]
fn a_run_where_every_check_holds_passes() {
    let status = status(&pass().run());
    assert_eq!(status, Status::Pass);
    assert!(status.passed());
    snapshot!(status, @"PASS");
}

#[test]
fn a_run_that_finds_the_expected_violation_passes() {
    let status = status(&invariant_violation(expect_violation("TCConsistent")).run());
    assert_eq!(status, Status::ExpectedViolationFound("TCConsistent".to_string()));
    assert!(status.passed());
    snapshot!(status, @"PASS (expected violation of TCConsistent)");
}

#[test]
fn an_unexpected_invariant_violation_fails() {
    let status = status(&invariant_violation(Expect::Ok).run());
    assert!(!status.passed());
    snapshot!(status, @"FAIL: invariant TCConsistent is violated");
}

#[test]
fn a_violation_of_another_item_than_the_expected_one_fails() {
    let status = status(&invariant_violation(expect_violation("TPTypeOK")).run());
    snapshot!(status, @"FAIL: invariant TCConsistent is violated");
}

#[test]
fn an_expected_violation_that_is_not_found_fails() {
    let not_found = status(&pass().with_expect(expect_violation("TCConsistent")).run());
    snapshot!(not_found, @"FAIL: expected violation of TCConsistent not found");
    let no_deadlock = status(&pass().with_expect(Expect::Deadlock).run());
    snapshot!(no_deadlock, @"FAIL: expected deadlock not found");
}

#[test]
fn a_liveness_violation_fails() {
    snapshot!(status(&lasso().run()), @"FAIL: property EventuallyDone is violated");
}

#[test]
fn a_sometimes_never_witnessed_fails() {
    let mut fixture = witness();
    fixture.outcome.checks[1].verdict = Verdict::Violated(Counterexample::Trace(Trace::default()));
    snapshot!(status(&fixture.run()), @"FAIL: sometimes SomeoneCommits is never witnessed");
}

#[test]
fn an_expected_deadlock_passes() {
    let mut fixture = invariant_violation(Expect::Deadlock);
    fixture.outcome.checks.retain(|c| c.name != "TCConsistent");
    let trace = Trace::default();
    fixture.outcome.checks[0] = Check {
        name: "Deadlock".into(),
        kind: CheckKind::Deadlock,
        verdict: Verdict::Violated(Counterexample::Trace(trace)),
    };
    snapshot!(status(&fixture.run()), @"PASS (expected deadlock)");
}

#[test]
fn a_run_stopped_at_a_limit_is_incomplete() {
    let status = status(&incomplete().run());
    assert!(!status.passed());
    assert_eq!(status.word(), "incomplete");
    snapshot!(status, @"INCOMPLETE: state limit reached");
}

#[test]
fn a_witnessed_sometimes_passes() {
    assert_eq!(status(&witness().run()), Status::Pass);
}

#[test]
fn a_distributed_run_names_its_processes_and_the_threads_of_each() {
    let fixture = pass();
    let mut run = fixture.run();
    run.threads = 1;
    assert_eq!(run.workers(), "1 thread");
    run.processes = 3;
    assert_eq!(run.workers(), "3 processes x 1 thread");
    let text = crate::text::report(&run);
    assert!(text.contains(&format!("{}, 3 processes x 1 thread\n", run.strategy)), "{text}");
    let json = crate::json::render_json_line(&run);
    assert!(json.contains("\"threads\":1,\"processes\":3,"), "{json}");
}
