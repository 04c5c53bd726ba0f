use checker::{Trace, Value};

use super::{dot, left_justified, quote};
use crate::fixtures::{expect_violation, invariant_violation, lasso, step};
use crate::{check_traces, svg::Ending, CheckTrace};

macro_rules! snapshot {
    ($value:expr, @$snapshot:literal) => {
        insta::assert_snapshot!($value, @$snapshot)
    };
}

#[test]
fn dot_of_an_invariant_violation() {
    let fixture = invariant_violation(expect_violation("TCConsistent"));
    let run = fixture.run();
    insta::assert_snapshot!(dot(&run, &check_traces(&run)[0]));
}

#[test]
fn dot_of_a_lasso_has_a_bold_edge_back() {
    let fixture = lasso();
    let run = fixture.run();
    let text = dot(&run, &check_traces(&run)[0]);
    assert!(text.contains("  s3 -> s2 [label=\"loop\", color=\"#d9480f\""), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn dot_strings_escape_quotes_backslashes_and_newlines() {
    snapshot!(quote(r#"a "b" \l"#), @r#""a \"b\" \\l""#);
    snapshot!(left_justified("x = \"1\"\ny"), @r#""x = \"1\"\ly\l""#);
}

#[test]
fn dot_of_hostile_strings_stays_one_statement_a_line() {
    let fixture = lasso();
    let run = fixture.run();
    let hostile = "\"]; evil [label=\"\\\n";
    let trace = Trace {
        steps: vec![
            step(None, vec![("s", Value::str(hostile))]),
            step(Some(("A", hostile)), vec![("s", Value::str("x"))]),
        ],
    };
    let check = &run.outcome.checks[0];
    let text = dot(&run, &CheckTrace { check, trace: &trace, ending: Ending::Violation });
    for line in text.lines().skip(5).filter(|l| *l != "}") {
        assert!(line.ends_with("];"), "{line}");
        // The label is one string, closed right before the next attribute.
        let label = line.split_once("[label=").unwrap().1;
        let close = closing_quote(label).unwrap_or_else(|| panic!("{line}"));
        assert!(matches!(&label[close + 1..close + 2], "," | "]"), "{line}");
    }
}

/// The byte index of the quote that closes the string `text` starts with.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}
