use checker::Expect;

use super::{annotations, step_summary};
use crate::fixtures::{every_kind, expect_violation, incomplete, invariant_violation, pass};

#[test]
fn annotations_point_at_the_line_naming_each_failed_item() {
    let mut fixtures = every_kind();
    fixtures.push(pass().with_expect(expect_violation("TCConsistent")));
    let runs: Vec<_> = fixtures.iter().map(|f| f.run()).collect();
    insta::assert_snapshot!(annotations(&runs), @"
    ::error file=specs/twophase-broken-2.cfg,line=4,col=21,title=bivalent%3A invariant TCConsistent is violated::invariant TCConsistent is violated after 4 states: Init -> RMChooseToAbort(r2) -> TMCommit -> RMRcvCommitMsg(r1)
    ::error file=specs/tokenring-3.cfg,line=3,col=10,title=bivalent%3A property EventuallyDone is violated::property EventuallyDone is violated after 3 states: Init -> Pass(n1, n2) -> Pass(n2, n3), then back to state 2 forever
    ::warning file=specs/raft-3.cfg,title=bivalent%3A incomplete::no verdict: state limit reached; raise the limit or check a smaller instance
    ::error file=specs/twophase-8.cfg,title=bivalent%3A expected violation of TCConsistent not found::expected violation of TCConsistent not found: the run explored every reachable state
    ");
}

#[test]
fn annotation_data_escapes_percent_and_newlines() {
    assert_eq!(super::data("100%\nnext\r"), "100%25%0Anext%0D");
    assert_eq!(super::property("a:b,c%"), "a%3Ab%2Cc%25");
    // What GitHub's encoding leaves raw is escaped as in the text output.
    assert_eq!(super::data("a\u{1b}[31m\tb\u{9b}"), "a\\u{1b}[31m\\tb\\u{9b}");
    assert_eq!(super::property("x\n::add-mask::y"), "x%0A%3A%3Aadd-mask%3A%3Ay");
}

#[test]
fn a_hostile_spec_name_and_item_name_forge_no_command_in_annotations_or_the_summary() {
    let mut fixture = invariant_violation(Expect::Ok);
    fixture.spec = "specs/evil\n::add-mask::secret\u{1b}[31m|.cfg";
    let violated = fixture.outcome.checks.iter_mut().find(|c| c.name == "TCConsistent").unwrap();
    violated.name = "TCConsistent\r\n::warning::x".into();
    let runs = [fixture.run()];
    let annotated = annotations(&runs);
    assert!(
        annotated.starts_with("::error file=specs/evil%0A%3A%3Aadd-mask%3A%3Asecret\\u{1b}[31m|.cfg,title="),
        "{annotated}"
    );
    assert!(annotated.contains("invariant TCConsistent%0D%0A::warning::x is violated"), "{annotated}");
    for text in [annotations(&runs), step_summary(&runs, Some("report\n::error::x/index.html"))] {
        let raw: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n').collect();
        assert!(raw.is_empty(), "{raw:?}\n{text}");
        for line in text.lines().map(str::trim_start) {
            assert!(!line.starts_with("::") || line.starts_with("::error file=specs/evil%0A"), "{line:?}\n{text}");
        }
    }
}

#[test]
fn step_summary_has_a_table_and_each_unexpected_counterexample() {
    let fixtures =
        [pass(), invariant_violation(expect_violation("TCConsistent")), invariant_violation(Expect::Ok), incomplete()];
    let runs: Vec<_> = fixtures.iter().map(|f| f.run()).collect();
    insta::assert_snapshot!(step_summary(&runs, Some("report/index.html")));
}
