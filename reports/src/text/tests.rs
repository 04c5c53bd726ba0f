use checker::{Counterexample, Expect, Trace, Verdict};

use super::{report, summary, thousands};
use crate::fixtures::{every_kind, expect_violation, incomplete, invariant_violation, lasso, pass, witness};

macro_rules! snapshot {
    ($value:expr, @$snapshot:literal) => {
        insta::assert_snapshot!($value, @$snapshot)
    };
}

#[test]
fn thousands_groups_digits_by_three() {
    let all = [0, 7, 999, 1_000, 65_536, 1_745_408, u64::MAX].map(thousands).join(" ");
    snapshot!(all, @"0 7 999 1,000 65,536 1,745,408 18,446,744,073,709,551,615");
}

#[test]
fn summary_has_one_aligned_row_per_spec() {
    let fixtures = every_kind();
    let runs: Vec<_> = fixtures.iter().map(|f| f.run()).collect();
    insta::assert_snapshot!(summary(&runs));
}

#[test]
fn summary_of_no_specs_is_just_the_heading() {
    snapshot!(summary(&[]), @r"
    SPEC  MODEL  VERDICT  DISTINCT  GENERATED  DEPTH  SECONDS  STATES/S
    ----  -----  -------  --------  ---------  -----  -------  --------
    0 specs: 0 passed, 0 failed, 0 incomplete
    ");
}

#[test]
fn report_of_a_pass() {
    insta::assert_snapshot!(report(&pass().run()));
}

#[test]
fn report_of_an_invariant_violation_shows_only_changed_variables() {
    insta::assert_snapshot!(report(&invariant_violation(expect_violation("TCConsistent")).run()));
}

#[test]
fn report_of_a_lasso_marks_the_loop() {
    insta::assert_snapshot!(report(&lasso().run()));
}

#[test]
fn report_of_an_incomplete_run_says_why() {
    insta::assert_snapshot!(report(&incomplete().run()));
}

#[test]
fn report_of_a_witness_labels_it_as_one() {
    insta::assert_snapshot!(report(&witness().run()));
}

#[test]
fn reports_have_no_trailing_spaces() {
    for fixture in [pass(), invariant_violation(Expect::Ok), lasso(), incomplete(), witness()] {
        let run = fixture.run();
        for text in [report(&run), summary(std::slice::from_ref(&run))] {
            for line in text.lines() {
                assert_eq!(line, line.trim_end(), "trailing space in {:?}", run.spec);
            }
        }
    }
}

/// The text after the last blank line: the last counterexample or witness.
fn last_block(text: &str) -> &str {
    text.rsplit("\n\n").next().unwrap()
}

#[test]
fn report_of_a_deadlock_shows_the_trace_to_it() {
    let mut fixture = invariant_violation(Expect::Deadlock);
    let Verdict::Violated(cex) = fixture.outcome.checks.remove(2).verdict else { unreachable!() };
    let mut trace = cex.trace().clone();
    trace.steps.truncate(3);
    fixture.outcome.checks[0].verdict = Verdict::Violated(Counterexample::Trace(trace));
    let text = report(&fixture.run());
    assert!(text.contains("Result:     PASS (expected deadlock)\n"));
    assert!(text.contains("deadlock   violated (3 states)\n"));
    snapshot!(last_block(&text), @r#"
    Deadlock reached (3 states):
    1: <Initial state>
      rmState = (r1 :> "working" @@ r2 :> "working")
      tmState = "init"
      tmPrepared = {}
      msgs = {}
    2: RMChooseToAbort(r2)
      rmState = (r1 :> "working" @@ r2 :> "aborted")
    3: TMCommit
      tmState = "committed"
      msgs = {[type |-> "Commit"]}
    "#);
}

#[test]
fn report_of_a_sometimes_never_witnessed_says_so() {
    let mut fixture = witness();
    fixture.outcome.checks[1].verdict = Verdict::Violated(Counterexample::Trace(Trace::default()));
    let text = report(&fixture.run());
    assert!(text.contains("  SomeoneCommits  sometimes  violated: never witnessed\n"));
    snapshot!(last_block(&text), @"No reachable state satisfies sometimes SomeoneCommits.");
}

#[test]
fn a_step_that_changes_nothing_says_so() {
    let mut fixture = lasso();
    let Verdict::Violated(Counterexample::Lasso(lasso)) = &mut fixture.outcome.checks[0].verdict else {
        unreachable!()
    };
    lasso.trace.steps.truncate(2);
    let mut stutter = lasso.trace.steps[1].clone();
    stutter.action.as_mut().unwrap().label = "Pass(n2, n2)".to_string();
    lasso.trace.steps.push(stutter);
    lasso.loop_start = 2;
    snapshot!(last_block(&report(&fixture.run())), @"
    Counterexample to property EventuallyDone (3 states, loop back to state 3):
    1: <Initial state>
      holder = n1
      done = FALSE
    2: Pass(n1, n2)
      holder = n2
    3: Pass(n2, n2)   <-- loop starts here
      (no variable changed)
    Back to state 3
    Why the cycle is fair:
      WF(Pass): taken on the cycle
    ");
}

#[test]
fn printable_escapes_control_characters_newlines_and_bidi_overrides() {
    assert_eq!(super::printable("plain: é, ü, 日本, tab-free"), "plain: é, ü, 日本, tab-free");
    assert_eq!(
        super::printable("a\nb\rc\td\u{1b}[31me\u{7}f\u{7f}g\u{9b}h\u{202e}i\u{2028}j"),
        "a\\nb\\rc\\td\\u{1b}[31me\\u{7}f\\u{7f}g\\u{9b}h\\u{202e}i\\u{2028}j"
    );
    assert_eq!(super::printable_lines("one\u{1b}\ntwo\r\n"), "one\\u{1b}\ntwo\\r\n");
}

#[test]
fn hostile_names_titles_and_values_print_escaped() {
    let mut fixture = invariant_violation(Expect::Ok);
    fixture.spec = "specs/evil\n::add-mask::secret\u{1b}[31m.cfg";
    fixture.title = Some("Title \u{1b}]0;pwned\u{7}\r::error::forged");
    fixture.constants = vec![("Bug".into(), "\"x\u{1b}[2J\ny\"".into())];
    let violated = fixture.outcome.checks.iter_mut().find(|c| c.name == "TCConsistent").unwrap();
    violated.name = "TCConsistent\u{1b}[31m\n::warning::x".into();
    let text = format!("{}{}", report(&fixture.run()), summary(&[fixture.run()]));
    let raw: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n').collect();
    assert!(raw.is_empty(), "{raw:?}\n{text}");
    assert!(text.lines().all(|line| !line.trim_start().starts_with("::")), "{text}");
    assert!(text.contains("Spec:       specs/evil\\n::add-mask::secret\\u{1b}[31m.cfg\n"), "{text}");
    assert!(text.contains("Title:      Title \\u{1b}]0;pwned\\u{7}\\r::error::forged\n"), "{text}");
    assert!(text.contains("Constants:  Bug = \"x\\u{1b}[2J\\ny\"\n"), "{text}");
    assert!(text.contains("TCConsistent\\u{1b}[31m\\n::warning::x"), "{text}");
}
