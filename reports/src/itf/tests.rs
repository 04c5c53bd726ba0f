use checker::{Counterexample, Expect, Value, Verdict};

use super::{itf, Itf};
use crate::fixtures::{expect_violation, invariant_violation, lasso};
use crate::{check_traces, CheckTrace};

macro_rules! snapshot {
    ($value:expr, @$snapshot:literal) => {
        insta::assert_snapshot!($value, @$snapshot)
    };
}

fn json(value: &Value) -> String {
    serde_json::to_string(&Itf(value)).unwrap()
}

#[test]
fn itf_of_an_invariant_violation() {
    let fixture = invariant_violation(expect_violation("TCConsistent"));
    let run = fixture.run();
    let traces = check_traces(&run);
    insta::assert_snapshot!(itf(&run, &traces[0]));
}

#[test]
fn itf_of_a_lasso_gives_the_loop_index() {
    let fixture = lasso();
    let run = fixture.run();
    let text = itf(&run, &check_traces(&run)[0]);
    assert!(text.ends_with("  ],\n  \"loop\": 1\n}\n"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn values_use_the_encodings_of_adr_015() {
    snapshot!(json(&Value::Bool(true)), @"true");
    snapshot!(json(&Value::Int(-42)), @"-42");
    snapshot!(json(&Value::Int((1 << 53) - 1)), @"9007199254740991");
    snapshot!(json(&Value::Int(1 << 53)), @r##"{"#bigint":"9007199254740992"}"##);
    snapshot!(json(&Value::Int(i64::MIN)), @r##"{"#bigint":"-9223372036854775808"}"##);
    snapshot!(json(&Value::str("a \"quoted\" </script>")), @r#""a \"quoted\" </script>""#);
    snapshot!(json(&Value::model_value("r1")), @r#""r1""#);
    snapshot!(json(&Value::set([Value::Int(2), Value::Int(1)])), @r##"{"#set":[1,2]}"##);
    snapshot!(json(&Value::Seq(vec![Value::Int(1), Value::Int(2)])), @"[1,2]");
    snapshot!(json(&Value::Seq(vec![Value::Int(1), Value::str("a")])), @r##"{"#tup":[1,"a"]}"##);
    snapshot!(json(&Value::Seq(vec![])), @"[]");
    snapshot!(json(&Value::record([("type", Value::str("Commit")), ("n", Value::Int(1))])), @r#"{"type":"Commit","n":1}"#);
    let map =
        Value::map([(Value::model_value("r1"), Value::str("working")), (Value::model_value("r2"), Value::Bool(false))]);
    snapshot!(json(&map), @r##"{"#map":[["r1","working"],["r2",false]]}"##);
}

#[test]
fn itf_files_parse_with_the_itf_crate() {
    for fixture in [invariant_violation(Expect::Ok), lasso()] {
        let run = fixture.run();
        for shown in check_traces(&run) {
            let text = itf(&run, &shown);
            let trace: itf::Trace<itf::Value> = itf::trace_from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(trace.states.len(), shown.trace.steps.len());
            assert_eq!(trace.vars.len(), shown.trace.steps[0].state.len());
            assert_eq!(trace.meta.format.as_deref(), Some("ITF"));
            assert_eq!(trace.meta.other.get("check"), Some(&shown.check.name));
            for (i, (state, step)) in trace.states.iter().zip(&shown.trace.steps).enumerate() {
                assert_eq!(state.meta.index, Some(i as u64));
                let label = step.action.as_ref().map(|a| &a.label);
                assert_eq!(state.meta.other.get("label"), label);
            }
            let loop_start = match &shown.check.verdict {
                Verdict::Violated(Counterexample::Lasso(lasso)) => Some(lasso.loop_start as u64),
                _ => None,
            };
            assert_eq!(trace.loop_index, loop_start);
        }
    }
}

#[test]
fn every_trace_of_a_run_gets_a_file_but_a_sometimes_never_witnessed_does_not() {
    let fixture = invariant_violation(Expect::Ok);
    let run = fixture.run();
    let names: Vec<&str> = check_traces(&run).iter().map(|t: &CheckTrace| t.check.name.as_str()).collect();
    assert_eq!(names, ["TCConsistent"]);
    let mut fixture = crate::fixtures::witness();
    fixture.outcome.checks[1].verdict = Verdict::Violated(Counterexample::Trace(checker::Trace::default()));
    assert!(check_traces(&fixture.run()).is_empty());
}
