//! Each check spec through the library, as `cargo run -- check specs/` runs
//! it, with the figures of the independent Python transcription
//! (`peterson.py`) and the hand count of the seeded bug's counterexample.

use bivalent::{check, judge, parse_spec, CheckConfig, Counterexample, Judgement, Outcome, SpecFile, Value, Verdict};
use peterson::Peterson;

fn run(text: &str, threads: usize) -> (SpecFile, Outcome) {
    let spec = parse_spec(text).expect("the spec parses");
    let model = Peterson::from_constants(&spec.constants).expect("the constants are valid");
    let outcome = check(&model, &CheckConfig::builder().spec(&spec).threads(threads).build()).expect("no model error");
    (spec, outcome)
}

fn counterexample<'a>(outcome: &'a Outcome, name: &str) -> &'a Counterexample {
    match &outcome.check(name).expect("checked").verdict {
        Verdict::Violated(counterexample) => counterexample,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn peterson_is_safe_and_starvation_free_over_the_states_python_counts() {
    for threads in [1, 2] {
        let (spec, outcome) = run(include_str!("../specs/peterson.cfg"), threads);
        assert_eq!(judge(&outcome, &spec.expect, spec.expect_written), Judgement::Met);
        let stats = &outcome.stats;
        // python3 peterson.py: Peterson (58, 117, 12)
        assert_eq!((stats.distinct_states, stats.generated_states, stats.depth), (58, 117, 12));
        assert_eq!(outcome.check("StarvationFree").expect("checked").verdict, Verdict::Holds);
    }
}

#[test]
fn without_fairness_a_process_that_stops_starves_the_other() {
    let (spec, outcome) = run(include_str!("../specs/peterson-unfair.cfg"), 2);
    assert_eq!(judge(&outcome, &spec.expect, spec.expect_written), Judgement::Met);
    assert!(matches!(counterexample(&outcome, "StarvationFree"), Counterexample::Lasso(_)));
}

#[test]
fn turn_first_breaks_mutual_exclusion_in_nine_steps() {
    for threads in [1, 2] {
        let (spec, outcome) = run(include_str!("../specs/peterson-bug-turn-first.cfg"), threads);
        assert_eq!(judge(&outcome, &spec.expect, spec.expect_written), Judgement::Met);
        let trace = counterexample(&outcome, "MutualExclusion");
        // Hand count (src/model.rs): 4 steps for the first process to enter,
        // 5 for the second, which must pass a3b; 9 steps, 10 states.
        assert_eq!(trace.len(), 10);
        let last = &trace.trace().steps.last().expect("a state").state;
        let pc = &last.iter().find(|(name, _)| *name == "pc").expect("pc").1;
        let both_in_cs = Value::Seq(vec![Value::str("cs"), Value::str("cs")]);
        assert_eq!(*pc, both_in_cs);
    }
}
