use super::junit;
use crate::fixtures::{every_kind, expect_violation, pass, well_formed};
use crate::SpecError;

#[test]
fn junit_has_a_case_per_check_with_failures_and_skips() {
    let mut fixtures = every_kind();
    fixtures.push(pass().with_expect(expect_violation("TCConsistent")));
    let runs: Vec<_> = fixtures.iter().map(|f| f.run()).collect();
    let errors = [SpecError {
        spec: "specs/bad & <broken>.cfg".to_string(),
        message:
            "specs/bad.cfg:3:1: error: syntax error: expected `,` or `}` after a set element, found \"INVARIANTS\""
                .to_string(),
        exit_code: 150,
        not_run: false,
    }];
    let xml = junit(&runs, &errors);
    well_formed(&xml).unwrap();
    insta::assert_snapshot!(xml);
}

#[test]
fn junit_of_nothing_is_an_empty_suite_list() {
    let xml = junit(&[], &[]);
    well_formed(&xml).unwrap();
    insta::assert_snapshot!(xml, @r#"
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="bivalent" tests="0" failures="0" errors="0" skipped="0" time="0.000">
    </testsuites>
    "#);
}

#[test]
fn a_spec_not_run_is_a_skipped_case() {
    let xml = junit(&[], &[SpecError::not_run("specs/later.cfg".to_string())]);
    well_formed(&xml).unwrap();
    insta::assert_snapshot!(xml, @r#"
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="bivalent" tests="1" failures="0" errors="0" skipped="1" time="0.000">
      <testsuite name="specs/later.cfg" tests="1" failures="0" errors="0" skipped="1" time="0.000">
        <testcase name="check spec" classname="specs/later.cfg">
          <skipped message="not checked: the run was interrupted before this spec started" type="interrupted"/>
        </testcase>
      </testsuite>
    </testsuites>
    "#);
}
