use checker::Expect;

use super::{render_json_line, spec_json};
use crate::fixtures::{expect_violation, incomplete, invariant_violation, lasso, pass, witness};
use crate::SpecRun;

fn pretty(run: &SpecRun) -> String {
    serde_json::to_string_pretty(&spec_json(run)).unwrap()
}

#[test]
fn json_of_a_pass() {
    insta::assert_snapshot!(pretty(&pass().run()));
}

#[test]
fn json_of_an_invariant_violation_carries_the_whole_trace() {
    insta::assert_snapshot!(pretty(&invariant_violation(expect_violation("TCConsistent")).run()));
}

#[test]
fn json_of_a_lasso_gives_the_loop_start_from_zero() {
    insta::assert_snapshot!(pretty(&lasso().run()));
}

#[test]
fn json_of_an_incomplete_run_names_the_limit() {
    insta::assert_snapshot!(pretty(&incomplete().run()));
}

#[test]
fn json_of_a_witness_puts_the_trace_under_witness() {
    insta::assert_snapshot!(pretty(&witness().run()));
}

#[test]
fn json_line_is_one_compact_line_with_the_same_content() {
    for fixture in [pass(), invariant_violation(Expect::Ok), lasso(), incomplete(), witness()] {
        let run = fixture.run();
        let line = render_json_line(&run);
        assert!(!line.contains('\n'));
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        let expected: serde_json::Value = serde_json::from_str(&pretty(&run)).unwrap();
        assert_eq!(parsed, expected);
    }
}

#[test]
fn json_line_starts_with_the_spec_and_keeps_key_order() {
    let line = render_json_line(&lasso().run());
    insta::assert_snapshot!(line, @r#"{"spec":"specs/tokenring-3.cfg","title":null,"model":"TokenRing","constants":{"N":"{n1, n2, n3}","Rounds":"2"},"verdict":"fail","verdict_detail":"property EventuallyDone is violated","expect":"OK","initial_states":1,"distinct_states":7,"generated_states":10,"depth":4,"queue_states":0,"seconds":0.004,"states_per_second":1750.0,"threads":1,"processes":1,"strategy":"bfs","collision_probability":0.0,"fingerprint_bits":64,"store_bytes":168,"bytes_per_state":24.0,"stopped":null,"checks":[{"name":"EventuallyDone","kind":"property","verdict":"violated","reason":null,"counterexample_length":3,"counterexample":{"states":[{"action":null,"action_name":null,"vars":{"holder":"n1","done":"FALSE"}},{"action":"Pass(n1, n2)","action_name":"Pass","vars":{"holder":"n2","done":"FALSE"}},{"action":"Pass(n2, n3)","action_name":"Pass","vars":{"holder":"n3","done":"FALSE"}}],"loop_start":1,"notes":["WF(Pass): taken on the cycle"]},"witness":null}],"coverage":[{"action":"Pass","steps":6,"distinct_states":3},{"action":"Finish","steps":3,"distinct_states":3}]}"#);
}

#[test]
fn json_of_a_spec_with_no_outcome_is_its_error_and_exit_code() {
    let error = crate::SpecError {
        spec: "specs/bad.cfg".into(),
        message: "specs/bad.cfg:2:1: error: syntax error".into(),
        exit_code: 150,
        not_run: false,
    };
    insta::assert_snapshot!(super::render_unchecked_line(&error), @r#"{"spec":"specs/bad.cfg","verdict":"error","message":"specs/bad.cfg:2:1: error: syntax error","exit_code":150}"#);
    let later = crate::SpecError::not_run("specs/later.cfg".into());
    insta::assert_snapshot!(super::render_unchecked_line(&later), @r#"{"spec":"specs/later.cfg","verdict":"not_checked","message":"not checked: the run was interrupted before this spec started","exit_code":3}"#);
}
