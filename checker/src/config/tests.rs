//! Unit tests for the check spec parser: every keyword, every value form,
//! comments, spans, and every error with its exact message and position.

use super::{parse_spec, Constant, Constants, Expect, FairArguments, FairnessSpec, Formula, Named, Span, SpecFile};
use crate::error::ConfigError;
use crate::model::Strength;
use crate::value::Value;

fn span(line: u32, column: u32) -> Span {
    Span { line, column }
}

fn named(name: &str, line: u32, column: u32) -> Named {
    Named { name: name.to_string(), span: span(line, column) }
}

fn parse(text: &str) -> SpecFile {
    parse_spec(text).unwrap_or_else(|e| panic!("{}:{}: {e}", e.span().line, e.span().column))
}

/// The error for `text` as a user sees it: `line:column: message`.
fn error(text: &str) -> String {
    match parse_spec(text) {
        Ok(spec) => panic!("expected an error, parsed {spec:?}"),
        Err(e) => format!("{}:{}: {e}", e.span().line, e.span().column),
    }
}

/// The value of `C` in a spec whose line 2 is `CONSTANT C = {value}`.
fn value(value: &str) -> Value {
    parse(&format!("MODEL M\nCONSTANT C = {value}")).constants.items[0].value.clone()
}

/// The error for a spec whose line 2 is `CONSTANT C = {value}`; `C =` ends at column 13.
fn value_error(value: &str) -> String {
    error(&format!("MODEL M\nCONSTANT C = {value}"))
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

fn mv(name: &str) -> Value {
    Value::model_value(name)
}

const TWO_PHASE: &str = r"\* Two-phase commit, 3 resource managers (Gray & Lamport)
MODEL TwoPhase
CONSTANTS RM = {r1, r2, r3}
INVARIANTS TPTypeOK TCConsistent
PROPERTIES Termination
FAIRNESS WF(TMCommit) WF(TMAbort) \A r : WF(RMPrepare(r))
SYMMETRY RM
CHECK_DEADLOCK FALSE
EXPECT OK
";

#[test]
fn the_two_phase_commit_example_parses_completely() {
    let expected = SpecFile {
        model: named("TwoPhase", 2, 7),
        constants: Constants {
            items: vec![Constant {
                name: "RM".to_string(),
                value: Value::set([mv("r1"), mv("r2"), mv("r3")]),
                span: span(3, 11),
            }],
            model_span: span(2, 7),
        },
        invariants: vec![named("TPTypeOK", 4, 12), named("TCConsistent", 4, 21)],
        properties: vec![named("Termination", 5, 12)],
        formulas: vec![],
        constraints: vec![],
        action_constraints: vec![],
        symmetry: Some(named("RM", 7, 10)),
        fairness: vec![
            FairnessSpec::on(Strength::Weak, named("TMCommit", 6, 13)),
            FairnessSpec::on(Strength::Weak, named("TMAbort", 6, 26)),
            FairnessSpec { per_instance: true, ..FairnessSpec::on(Strength::Weak, named("RMPrepare", 6, 45)) },
        ],
        model_fairness: true,
        check_deadlock: false,
        expect: Expect::Ok,
        expect_span: span(9, 1),
        expect_written: true,
        title: Some("Two-phase commit, 3 resource managers (Gray & Lamport)".to_string()),
    };
    assert_eq!(parse(TWO_PHASE), expected);
}

#[test]
fn a_spec_with_only_a_model_gets_tlc_defaults() {
    let spec = parse("\n  MODEL Counter\n");
    assert_eq!(spec.model, named("Counter", 2, 9));
    assert_eq!(spec.constants, Constants { items: vec![], model_span: span(2, 9) });
    assert!(spec.invariants.is_empty());
    assert!(spec.properties.is_empty());
    assert!(spec.constraints.is_empty());
    assert!(spec.action_constraints.is_empty());
    assert_eq!(spec.symmetry, None);
    assert!(spec.fairness.is_empty());
    assert!(spec.check_deadlock, "TLC checks deadlock unless told not to");
    assert_eq!(spec.expect, Expect::Ok);
    assert_eq!(spec.expect_span, span(2, 3), "without EXPECT, the span is the MODEL keyword's");
    assert!(!spec.expect_written, "OK is the default, not written");
    assert_eq!(spec.title, None);
}

#[test]
fn the_model_line_may_come_anywhere() {
    let spec = parse("INVARIANT Safe\nMODEL M\n");
    assert_eq!(spec.model, named("M", 2, 7));
    assert_eq!(spec.invariants, vec![named("Safe", 1, 11)]);
}

// ---------------------------------------------------------------------------
// Keywords
// ---------------------------------------------------------------------------

#[test]
fn singular_and_plural_keywords_are_both_accepted() {
    let spec = parse(
        "MODEL M
CONSTANT A = 1
CONSTANTS B = 2
INVARIANT I1
INVARIANTS I2
PROPERTY P1
PROPERTIES P2
CONSTRAINT C1
CONSTRAINTS C2
ACTION_CONSTRAINT AC1
ACTION_CONSTRAINTS AC2
",
    );
    let names = |items: &[Named]| items.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
    let constants: Vec<_> = spec.constants.items.iter().map(|c| (c.name.as_str(), c.value.clone())).collect();
    assert_eq!(constants, vec![("A", int(1)), ("B", int(2))]);
    assert_eq!(names(&spec.invariants), ["I1", "I2"]);
    assert_eq!(names(&spec.properties), ["P1", "P2"]);
    assert_eq!(names(&spec.constraints), ["C1", "C2"]);
    assert_eq!(names(&spec.action_constraints), ["AC1", "AC2"]);
}

#[test]
fn every_list_keyword_records_each_name_with_its_span() {
    let spec = parse(
        "MODEL M
INVARIANTS Inv1
  Inv2 Inv3
PROPERTIES Live
CONSTRAINTS Bound
ACTION_CONSTRAINTS Step
",
    );
    assert_eq!(spec.invariants, vec![named("Inv1", 2, 12), named("Inv2", 3, 3), named("Inv3", 3, 8)]);
    assert_eq!(spec.properties, vec![named("Live", 4, 12)]);
    assert_eq!(spec.constraints, vec![named("Bound", 5, 13)]);
    assert_eq!(spec.action_constraints, vec![named("Step", 6, 20)]);
}

#[test]
fn constants_may_share_a_line_or_span_several() {
    let spec = parse(
        "MODEL M
CONSTANTS N = 3 Mode = fast
  Nodes =
    {n1,
     n2}
CONSTANT Extra = TRUE",
    );
    let expected = vec![
        Constant { name: "N".into(), value: int(3), span: span(2, 11) },
        Constant { name: "Mode".into(), value: mv("fast"), span: span(2, 17) },
        Constant { name: "Nodes".into(), value: Value::set([mv("n1"), mv("n2")]), span: span(3, 3) },
        Constant { name: "Extra".into(), value: Value::Bool(true), span: span(6, 10) },
    ];
    assert_eq!(spec.constants.items, expected);
    assert_eq!(spec.constants.model_span, span(1, 7));
}

#[test]
fn symmetry_names_one_symmetry() {
    assert_eq!(parse("MODEL M\nSYMMETRY Perms").symmetry, Some(named("Perms", 2, 10)));
}

#[test]
fn check_deadlock_takes_true_or_false() {
    assert!(parse("MODEL M\nCHECK_DEADLOCK TRUE").check_deadlock);
    assert!(!parse("MODEL M\nCHECK_DEADLOCK FALSE").check_deadlock);
}

#[test]
fn expect_accepts_ok_violation_and_deadlock() {
    let spec = parse("MODEL M\nEXPECT OK");
    assert!(spec.expect_written);
    assert_eq!((spec.expect, spec.expect_span), (Expect::Ok, span(2, 1)));

    let spec = parse("MODEL M\nINVARIANT Safe\n  EXPECT VIOLATION Safe");
    assert_eq!((spec.expect, spec.expect_span), (Expect::Violation(named("Safe", 3, 20)), span(3, 3)));

    let spec = parse("MODEL M\nPROPERTY Live\nEXPECT VIOLATION Live");
    assert_eq!(spec.expect, Expect::Violation(named("Live", 3, 18)));

    let spec = parse("MODEL M\nEXPECT DEADLOCK");
    assert_eq!((spec.expect, spec.expect_span), (Expect::Deadlock, span(2, 1)));
}

#[test]
fn fairness_accepts_weak_strong_and_per_instance_conditions() {
    let spec = parse(
        r"MODEL M
FAIRNESS WF(A) SF(B)
  \A x : WF(C(x))
  \A y \in Nodes : SF(D(y))
  \forall z: WF(E(z))
",
    );
    let fair = |strength, name, line, column, per_instance| FairnessSpec {
        per_instance,
        ..FairnessSpec::on(strength, named(name, line, column))
    };
    assert_eq!(
        spec.fairness,
        vec![
            fair(Strength::Weak, "A", 2, 13, false),
            fair(Strength::Strong, "B", 2, 19, false),
            fair(Strength::Weak, "C", 3, 13, true),
            fair(Strength::Strong, "D", 4, 23, true),
            fair(Strength::Weak, "E", 5, 17, true),
        ]
    );
}

#[test]
fn fairness_accepts_unions_and_splits_by_selected_parameters() {
    let spec = parse(
        r"MODEL M
FAIRNESS WF(A \/ B) SF(C \/ D \/ E)
  \A i : WF(\E m : Receive(i, m))
  \A r \in RM : WF(Commit(r) \/ Abort(r))
  \A i, j \in S : SF(\exists m \in Msgs : Send(m, j, i))
",
    );
    let arguments = |count, selected: &[usize], line, column| FairArguments {
        count,
        selected: selected.to_vec(),
        span: span(line, column),
    };
    assert_eq!(
        spec.fairness,
        vec![
            FairnessSpec { or: vec![named("B", 2, 18)], ..FairnessSpec::on(Strength::Weak, named("A", 2, 13)) },
            FairnessSpec {
                or: vec![named("D", 2, 29), named("E", 2, 34)],
                ..FairnessSpec::on(Strength::Strong, named("C", 2, 24))
            },
            FairnessSpec {
                arguments: vec![arguments(2, &[0], 3, 20)],
                ..FairnessSpec::on(Strength::Weak, named("Receive", 3, 20))
            },
            FairnessSpec {
                or: vec![named("Abort", 4, 33)],
                arguments: vec![arguments(1, &[0], 4, 20), arguments(1, &[0], 4, 33)],
                ..FairnessSpec::on(Strength::Weak, named("Commit", 4, 20))
            },
            FairnessSpec {
                arguments: vec![arguments(3, &[2, 1], 5, 43)],
                ..FairnessSpec::on(Strength::Strong, named("Send", 5, 43))
            },
        ]
    );
}

#[test]
fn model_fairness_is_on_unless_a_spec_turns_it_off() {
    assert!(parse("MODEL M").model_fairness);
    assert!(parse("MODEL M\nMODEL_FAIRNESS TRUE").model_fairness);
    assert!(!parse("MODEL M\nMODEL_FAIRNESS FALSE\nFAIRNESS WF(A)").model_fairness);
    assert_eq!(
        error("MODEL M\nMODEL_FAIRNESS NONE"),
        "2:16: unsupported: bivalent's MODEL_FAIRNESS takes TRUE or FALSE, not `NONE`, since it evaluates no TLA+ \
         expressions"
    );
    assert_eq!(
        error("MODEL M\nMODEL_FAIRNESS"),
        "2:15: syntax error: expected TRUE or FALSE after MODEL_FAIRNESS, found the end of the file"
    );
    assert_eq!(
        error("MODEL M\nMODEL_FAIRNESS FALSE\nMODEL_FAIRNESS FALSE"),
        "3:1: syntax error: expected at most one MODEL_FAIRNESS line, found a second one; the first is on line 2"
    );
    assert_eq!(
        error("MODEL M\nMODEL_FAIRNESS FALSE WF"),
        "2:22: syntax error: expected a keyword after `MODEL_FAIRNESS FALSE`, found `WF`; MODEL_FAIRNESS takes only \
         TRUE or FALSE"
    );
}

#[test]
fn malformed_unions_and_splits_are_syntax_errors() {
    assert_eq!(
        error("MODEL M\nFAIRNESS WF(A \\/)"),
        "2:17: syntax error: expected an action name after `WF(A \\/`, found `)`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS WF(A \\/ B(r))"),
        "2:19: syntax error: expected `)` after `WF(A \\/ B`, found `(`; to make each instance of B fair, write \
         `\\A x : WF(B(x))`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS WF(\\E m : A(m))"),
        "2:13: syntax error: expected an action name after `WF(`, found `\\E`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(A(r) \\/ B)"),
        "2:29: syntax error: expected `(` after `WF(A(r) \\/ B`, found `)`; per-instance fairness applies the action \
         to the bound variable, as in `\\A r : WF(B(r))`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(A(r) \\/ B(s))"),
        "2:30: syntax error: expected a bound variable (r) as an argument of B, found `s`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(\\E m : A(r, r))"),
        "2:32: syntax error: expected each bound variable once in A(...), found r twice"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(\\E m : A(m))"),
        "2:27: syntax error: expected every variable of `\\A r` among the arguments of each action, found no r \
         here; a condition that does not depend on it needs no `\\A` for it"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r, r : WF(A(r))"),
        "2:16: syntax error: expected distinct bound variables after `\\A`, found r twice"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(A(r m))"),
        "2:24: syntax error: expected `,` or `)` after `WF(A(r`, found `m`"
    );
}

#[test]
fn fairness_lines_accumulate() {
    let spec = parse("MODEL M\nFAIRNESS WF(A)\nINVARIANT I\nFAIRNESS SF(B)");
    let actions: Vec<_> = spec.fairness.iter().map(|f| f.action.name.as_str()).collect();
    assert_eq!(actions, ["A", "B"]);
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

#[test]
fn integers_may_be_negative_and_span_the_whole_i64_range() {
    assert_eq!(value("42"), int(42));
    assert_eq!(value("-7"), int(-7));
    assert_eq!(value("007"), int(7));
    assert_eq!(value("9223372036854775807"), int(i64::MAX));
    assert_eq!(value("-9223372036854775808"), int(i64::MIN));
}

#[test]
fn an_integer_too_large_for_i64_is_a_syntax_error() {
    assert_eq!(
        value_error("9223372036854775808"),
        "2:14: syntax error: expected an integer from -9223372036854775808 to 9223372036854775807, found \
         `9223372036854775808`"
    );
    assert_eq!(
        value_error("{1, -99999999999999999999999}"),
        "2:18: syntax error: expected an integer from -9223372036854775808 to 9223372036854775807, found \
         `-99999999999999999999999`"
    );
}

#[test]
fn booleans_strings_and_model_values_are_distinct_values() {
    assert_eq!(value("TRUE"), Value::Bool(true));
    assert_eq!(value("FALSE"), Value::Bool(false));
    assert_eq!(value(r#""working""#), Value::str("working"));
    assert_eq!(value("r1"), mv("r1"));
    assert_eq!(value("working"), mv("working"));
    assert_eq!(value("true"), mv("true"), "TLA+ is case-sensitive: only TRUE is a boolean");
}

#[test]
fn string_escapes_are_resolved() {
    assert_eq!(value(r#""a\"b\\c\nd\te""#), Value::str("a\"b\\c\nd\te"));
    assert_eq!(value(r#""""#), Value::str(""));
    assert_eq!(value(r#""héllo, wörld (* not a comment *)""#), Value::str("héllo, wörld (* not a comment *)"));
}

#[test]
fn sets_are_sorted_and_deduplicated() {
    assert_eq!(value("{r3, r1, r2, r1}"), Value::Set(vec![mv("r1"), mv("r2"), mv("r3")]));
    assert_eq!(value("{3, 1, 2, 1}"), Value::Set(vec![int(1), int(2), int(3)]));
    assert_eq!(value("{}"), Value::Set(vec![]));
}

#[test]
fn sequences_keep_their_order_and_duplicates() {
    assert_eq!(value("<<3, 1, 3>>"), Value::Seq(vec![int(3), int(1), int(3)]));
    assert_eq!(value("<<>>"), Value::Seq(vec![]));
    assert_eq!(value(r#"<<"a", b, TRUE>>"#), Value::Seq(vec![Value::str("a"), mv("b"), Value::Bool(true)]));
}

#[test]
fn integer_ranges_are_sets_of_integers() {
    assert_eq!(value("1..3"), Value::Set(vec![int(1), int(2), int(3)]));
    assert_eq!(value("-1..1"), Value::Set(vec![int(-1), int(0), int(1)]));
    assert_eq!(value("-3..-2"), Value::Set(vec![int(-3), int(-2)]));
    assert_eq!(value("2 .. 2"), Value::Set(vec![int(2)]));
    assert_eq!(value("3..1"), Value::Set(vec![]), "as in TLA+, a range whose end is below its start is empty");
    assert_eq!(value("{0..1, 5}"), Value::set([Value::set([int(0), int(1)]), int(5)]));
}

#[test]
fn ranges_beyond_the_element_budget_are_a_syntax_error() {
    assert_eq!(value("1..1000000"), Value::set((1..=1_000_000).map(int)));
    assert_eq!(
        value_error("{1..600000, 1..600000}"),
        "2:26: syntax error: expected integer ranges with at most 1000000 elements in all, found 1..600000, which \
         brings the total to 1200000"
    );
    assert_eq!(
        value_error("-9223372036854775808..9223372036854775807"),
        "2:14: syntax error: expected integer ranges with at most 1000000 elements in all, found \
         -9223372036854775808..9223372036854775807, which brings the total to 18446744073709551615"
    );
}

#[test]
fn a_range_needs_integers_on_both_sides() {
    assert_eq!(value_error("1..n"), "2:17: syntax error: expected an integer after `1..`, found `n`");
    assert_eq!(
        value_error("a..3"),
        "2:15: syntax error: expected integers on both sides of `..`, found a model value before it"
    );
    assert_eq!(value_error("1..99999999999999999999"), value_error("99999999999999999999").replace("2:14", "2:17"));
}

#[test]
fn values_nest() {
    assert_eq!(
        value(r#"{<<1, {a}>>, <<>>, {"s"}}"#),
        Value::set([
            Value::Seq(vec![int(1), Value::set([mv("a")])]),
            Value::Seq(vec![]),
            Value::set([Value::str("s")]),
        ])
    );
}

#[test]
fn values_nested_64_levels_deep_are_accepted() {
    let text = format!("{}{}", "{".repeat(64), "}".repeat(64));
    let mut expected = Value::Set(vec![]);
    for _ in 1..64 {
        expected = Value::Set(vec![expected]);
    }
    assert_eq!(value(&text), expected);
}

#[test]
fn values_nested_65_levels_deep_are_a_syntax_error() {
    let text = format!("{}{}", "<<{".repeat(32), "{");
    assert_eq!(
        value_error(&text),
        "2:110: syntax error: expected values nested at most 64 levels deep, found a set at level 65"
    );
}

#[test]
fn very_deep_nesting_is_rejected_without_exhausting_the_stack() {
    let text = format!("{}{}", "{".repeat(100_000), "}".repeat(100_000));
    assert_eq!(
        value_error(&text),
        "2:78: syntax error: expected values nested at most 64 levels deep, found a set at level 65"
    );
}

#[test]
fn the_deepest_values_and_formulas_parse_compare_print_and_drop_on_a_small_stack() {
    // A recursion per level of nesting would overflow 256 KiB in a debug build.
    let run = || {
        let text = format!(
            "MODEL M\nCONSTANT C = {}1{}\nPROPERTY F == {}P{}\n",
            "{<<".repeat(32),
            ">>}".repeat(32),
            "<>~(".repeat(32),
            ")".repeat(32)
        );
        let spec = parse(&text);
        assert!(format!("{spec:?}").contains("Seq([Int(1)])"));
        assert_eq!(spec.clone(), spec);
        assert!(spec.constants.items[0].value.to_string().starts_with("{<<{<<"));
        drop(spec);
        assert!(parse_spec(&format!("MODEL M\nCONSTANT C = {}\n", "{".repeat(100_000))).is_err());
        assert!(parse_spec(&format!("MODEL M\nPROPERTY F == {}P\n", "<>".repeat(100_000))).is_err());
    };
    let thread = std::thread::Builder::new().stack_size(256 << 10).spawn(run).expect("a thread");
    thread.join().expect("no panic, no overflow");
}

/// The formula of a spec whose line 2 is `PROPERTY F == {formula}`; the
/// formula starts at column 15.
fn formula(formula: &str) -> Formula {
    parse(&format!("MODEL M\nPROPERTY F == {formula}")).formulas.remove(0).1
}

fn formula_error(formula: &str) -> String {
    error(&format!("MODEL M\nPROPERTY F == {formula}"))
}

fn name(name: &str, column: u32) -> Formula {
    Formula::Name(named(name, 2, column))
}

#[test]
fn chains_of_and_and_or_are_flat_whatever_their_length() {
    // `/\` binds tighter than `\/`, and a chain of either is one node.
    assert_eq!(
        formula("A /\\ B \\/ C /\\ D /\\ E \\/ F"),
        Formula::Or(vec![
            Formula::And(vec![name("A", 15), name("B", 20)]),
            Formula::And(vec![name("C", 25), name("D", 30), name("E", 35)]),
            name("F", 40),
        ])
    );
    // Parentheses make a nested chain, as written.
    assert_eq!(
        formula("(A \\/ B) \\/ C"),
        Formula::Or(vec![Formula::Or(vec![name("A", 16), name("B", 21)]), name("C", 27)])
    );
    let long = formula(&vec!["A"; 50_001].join(" /\\ "));
    let Formula::And(conjuncts) = long else { panic!("not a conjunction") };
    assert_eq!(conjuncts.len(), 50_001);
    assert_eq!(conjuncts[50_000], name("A", 15 + 50_000 * 5));
}

#[test]
fn formulas_64_operators_deep_are_accepted() {
    // `<>` and 63 `~`: 64 operators on the path down to P.
    let mut expected = name("P", 15 + 2 + 63);
    for _ in 0..63 {
        expected = Formula::Not(Box::new(expected));
    }
    assert_eq!(formula(&format!("<>{}P", "~".repeat(63))), Formula::Eventually(Box::new(expected)));
    // 64 `=>`, right-associative: each is the right side of the one before.
    let implications = formula(&format!("{}P", "P => ".repeat(64)));
    let mut depth = 0;
    let mut inner = &implications;
    while let Formula::Implies(_, right) = inner {
        depth += 1;
        inner = right;
    }
    assert_eq!((depth, inner), (64, &name("P", 15 + 64 * 5)));
    // Parentheses are no operators, and a chain is one however long.
    assert_eq!(formula(&format!("{}P{}", "(".repeat(10_000), ")".repeat(10_000))), name("P", 15 + 10_000));
    let chains = format!("{}P{}", "(P \\/ P /\\ ".repeat(32), ")".repeat(32));
    assert!(matches!(formula(&chains), Formula::Or(_)));
}

#[test]
fn a_formula_65_operators_deep_is_a_syntax_error_at_the_65th_from_the_names() {
    let message = "syntax error: expected a formula nested at most 64 operators deep (a chain of `/\\` or `\\/` \
                   counts once), found 65 here";
    // `<>` at column 15 is the 65th operator above P.
    assert_eq!(formula_error(&format!("<>{}P", "~".repeat(64))), format!("2:15: {message}"));
    // 66 prefix operators: the second, `<>` at column 17, is the 65th from P.
    assert_eq!(formula_error(&format!("{}P", "[]<>~".repeat(22))), format!("2:17: {message}"));
    // 65 `=>`: the first, at column 17, is the 65th from the innermost.
    assert_eq!(formula_error(&format!("{}P", "P => ".repeat(65))), format!("2:17: {message}"));
    // 33 nested levels of `\/` over `/\`: the outer `/\` chain is the 65th operator.
    let chains = format!("{}P{}", "(P \\/ P /\\ ".repeat(33), ")".repeat(33));
    assert_eq!(formula_error(&chains), format!("2:23: {message}"));
}

#[test]
fn very_deep_formulas_are_rejected_without_exhausting_the_stack() {
    let message = "syntax error: expected a formula nested at most 64 operators deep (a chain of `/\\` or `\\/` \
                   counts once), found 65 here";
    // The k-th `~` is at column 14 + k, with 100,001 - k operators below it.
    assert_eq!(formula_error(&format!("{}P", "~".repeat(100_000))), format!("2:{}: {message}", 14 + 99_936));
}

// ---------------------------------------------------------------------------
// Comments, spans and the title
// ---------------------------------------------------------------------------

#[test]
fn line_comments_run_to_the_end_of_the_line() {
    let spec = parse("MODEL M \\* INVARIANT Hidden\nINVARIANT Shown \\* (* not a block comment\n");
    assert_eq!(spec.invariants, vec![named("Shown", 2, 11)]);
}

#[test]
fn block_comments_may_span_lines_and_nest() {
    let spec = parse(
        "(* a block comment
   (* that nests *) and still continues
   INVARIANT Hidden *)
MODEL (* between tokens *) M
INVARIANT (*(**)*) Shown (* \\* a line comment marker inside a block comment changes nothing *)",
    );
    assert_eq!(spec.model, named("M", 4, 28));
    assert_eq!(spec.invariants, vec![named("Shown", 5, 20)]);
}

#[test]
fn unterminated_block_comment_points_at_its_opening() {
    assert_eq!(
        error("MODEL M\n  (* never closed\nINVARIANT I\n"),
        "2:3: syntax error: expected `*)` to close the block comment opened here, found the end of the file"
    );
}

#[test]
fn unterminated_nested_block_comment_points_at_the_innermost_open_comment() {
    assert_eq!(
        error("MODEL M\n(* outer (* closed *)\n   (* inner\n *)"),
        "2:1: syntax error: expected `*)` to close the block comment opened here, found the end of the file"
    );
    assert_eq!(
        error("MODEL M\n(* outer\n   (* inner"),
        "3:4: syntax error: expected `*)` to close the block comment opened here, found the end of the file"
    );
}

#[test]
fn spans_count_columns_in_characters_not_bytes() {
    let spec = parse("(* é — ü *) MODEL M\n\\* ñ\nCONSTANT S = \"→\" T = 1");
    assert_eq!(spec.model, named("M", 1, 19));
    assert_eq!(spec.constants.items[1].span, span(3, 18));
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let spec = parse("\u{feff}\\* Title\nMODEL M");
    assert_eq!(spec.model, named("M", 2, 7));
    assert_eq!(spec.title.as_deref(), Some("Title"));
    assert_eq!(parse("\u{feff}MODEL M").model, named("M", 1, 7));
}

#[test]
fn windows_line_endings_are_accepted() {
    let spec = parse("\\* Title \r\nMODEL M\r\nINVARIANTS A\r\n  B\r\n");
    assert_eq!(spec.title.as_deref(), Some("Title"));
    assert_eq!(spec.invariants, vec![named("A", 3, 12), named("B", 4, 3)]);
}

#[test]
fn the_title_is_the_first_line_comment() {
    assert_eq!(parse("\n  \n  \\*   Paxos, 3 acceptors  \nMODEL M").title.as_deref(), Some("Paxos, 3 acceptors"));
    assert_eq!(parse("\\*Tight\n\\* Second line\nMODEL M").title.as_deref(), Some("Tight"));
}

#[test]
fn a_spec_whose_first_line_is_not_a_line_comment_has_no_title() {
    assert_eq!(parse("MODEL M \\* not a title").title, None);
    assert_eq!(parse("(* block *)\n\\* not first\nMODEL M").title, None);
    assert_eq!(parse("\\*\nMODEL M").title, None, "an empty comment is no title");
}

// ---------------------------------------------------------------------------
// Errors: missing, duplicate and unknown keywords
// ---------------------------------------------------------------------------

#[test]
fn a_spec_without_a_model_is_a_syntax_error_at_its_start() {
    let missing = "1:1: syntax error: expected a `MODEL Name` line naming the model to check, found none";
    assert_eq!(error(""), missing);
    assert_eq!(error("\n\n  \\* only a comment\n"), missing);
    assert_eq!(error("CONSTANT N = 3\nINVARIANT I"), missing);
}

#[test]
fn duplicate_single_valued_keywords_name_the_line_of_the_first() {
    assert_eq!(
        error("MODEL A\n\nMODEL B"),
        "3:1: syntax error: expected exactly one MODEL line, found a second one; the first is on line 1"
    );
    assert_eq!(
        error("MODEL M\nSYMMETRY S\n SYMMETRY S"),
        "3:2: syntax error: expected at most one SYMMETRY line, found a second one; the first is on line 2"
    );
    assert_eq!(
        error("MODEL M\nEXPECT OK\nEXPECT DEADLOCK"),
        "3:1: syntax error: expected at most one EXPECT line, found a second one; the first is on line 2"
    );
    assert_eq!(
        error("CHECK_DEADLOCK TRUE\nMODEL M\nCHECK_DEADLOCK TRUE"),
        "3:1: syntax error: expected at most one CHECK_DEADLOCK line, found a second one; the first is on line 1"
    );
}

#[test]
fn a_constant_given_twice_names_the_line_of_the_first() {
    assert_eq!(
        error("MODEL M\nCONSTANTS N = 1\nCONSTANTS X = 2 N = 3"),
        "3:17: syntax error: expected each constant to be given one value, found a second value for N; the first is \
         on line 2"
    );
}

#[test]
fn a_hundred_thousand_constants_parse_in_file_order_and_a_repeat_names_the_first() {
    // Looking each name up among the earlier ones took minutes for this many.
    const COUNT: usize = 100_000;
    let mut text = String::from("MODEL M\nCONSTANTS\n");
    for i in 0..COUNT {
        text.push_str(&format!("C{i} = {i}\n"));
    }
    let spec = parse(&text);
    assert_eq!(spec.constants.items.len(), COUNT);
    for (i, constant) in spec.constants.items.iter().enumerate() {
        assert_eq!((constant.name.as_str(), &constant.value), (format!("C{i}").as_str(), &Value::Int(i as i64)));
    }
    // C50000 is on line 3 + 50000; the repeat is on the line after the last one.
    text.push_str("C50000 = 0\n");
    assert_eq!(
        error(&text),
        "100003:1: syntax error: expected each constant to be given one value, found a second value for C50000; the \
         first is on line 50003"
    );
}

#[test]
fn an_unknown_keyword_suggests_the_nearest_supported_one() {
    let valid = "valid keywords: MODEL, CONSTANT, CONSTANTS, INVARIANT, INVARIANTS, PROPERTY, PROPERTIES, CONSTRAINT, \
                 CONSTRAINTS, ACTION_CONSTRAINT, ACTION_CONSTRAINTS, SYMMETRY, FAIRNESS, MODEL_FAIRNESS, CHECK_DEADLOCK, EXPECT";
    assert_eq!(
        error("MODEL M\nINVARIENTS I"),
        format!("2:1: unknown keyword `INVARIENTS`; did you mean `INVARIANTS`? ({valid})")
    );
    assert_eq!(error("model M"), format!("1:1: unknown keyword `model`; did you mean `MODEL`? ({valid})"));
    assert_eq!(error("MODEL M\nSTATES 100"), format!("2:1: unknown keyword `STATES` ({valid})"));
    assert!(matches!(parse_spec("MODEL M\nINVARIENTS I"), Err(ConfigError::UnknownName { kind: "keyword", .. })));
}

#[test]
fn tlc_keywords_bivalent_does_not_support_are_explained() {
    let cases = [
        ("INIT", "bivalent models define Init in Rust; remove INIT"),
        ("NEXT", "bivalent models define Next in Rust; remove NEXT"),
        (
            "SPECIFICATION",
            "bivalent models define Init and Next in Rust and take fairness from FAIRNESS; remove SPECIFICATION",
        ),
        (
            "VIEW",
            "bivalent fingerprints whole states, so VIEW is not supported; remove it and leave out of the model's \
             state what the view would hide",
        ),
        (
            "ALIAS",
            "bivalent shows the variables a model renders, so ALIAS is not supported; remove it and change how the \
             model renders its state",
        ),
        (
            "POSTCONDITION",
            "bivalent does not evaluate postconditions; remove POSTCONDITION and check the condition as an invariant \
             or property",
        ),
        ("TYPE", "TYPE is an obsolete TLC keyword that bivalent does not support; remove it"),
        ("TYPE_CONSTRAINT", "TYPE_CONSTRAINT is an obsolete TLC keyword that bivalent does not support; remove it"),
    ];
    for (keyword, why) in cases {
        assert_eq!(error(&format!("MODEL M\n  {keyword} Spec")), format!("2:3: unsupported: {why}"));
    }
}

#[test]
fn tlc_keywords_end_a_name_list_before_they_are_refused() {
    assert_eq!(
        error("MODEL M\nINVARIANTS A B\nSPECIFICATION Spec"),
        "3:1: unsupported: bivalent models define Init and Next in Rust and take fairness from FAIRNESS; remove \
         SPECIFICATION"
    );
}

#[test]
fn anything_but_a_word_where_a_keyword_is_expected_is_a_syntax_error() {
    assert_eq!(error("MODEL M\n{a}"), "2:1: syntax error: expected a keyword such as MODEL or CONSTANTS, found `{`");
    assert_eq!(error("MODEL M 3"), "1:9: syntax error: expected a keyword such as MODEL or CONSTANTS, found `3`");
}

// ---------------------------------------------------------------------------
// Errors: sections
// ---------------------------------------------------------------------------

#[test]
fn a_keyword_followed_by_no_name_is_a_syntax_error() {
    assert_eq!(error("MODEL"), "1:6: syntax error: expected a model name after MODEL, found the end of the file");
    assert_eq!(
        error("MODEL M\nINVARIANTS\nPROPERTIES P"),
        "3:1: syntax error: expected an invariant name after INVARIANTS, found `PROPERTIES`"
    );
    assert_eq!(
        error("MODEL M\nPROPERTY \\* nothing here\n"),
        "2:9: syntax error: expected a property name or `Name == formula` after PROPERTY, found the end of the file"
    );
    assert_eq!(
        error("MODEL M\nCONSTRAINTS 3"),
        "2:13: syntax error: expected a constraint name after CONSTRAINTS, found `3`"
    );
    assert_eq!(
        error("MODEL M\nACTION_CONSTRAINT\nEXPECT OK"),
        "3:1: syntax error: expected an action constraint name after ACTION_CONSTRAINT, found `EXPECT`"
    );
    assert_eq!(
        error("MODEL M\nSYMMETRY\nEXPECT OK"),
        "3:1: syntax error: expected a symmetry name after SYMMETRY, found `EXPECT`"
    );
    assert_eq!(
        error("MODEL M\nCONSTANTS\nINVARIANT I"),
        "3:1: syntax error: expected a constant assignment such as `N = 3` after CONSTANTS, found `INVARIANT`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS"),
        "2:9: syntax error: expected WF(Action), SF(Action) or \\A x : WF(Action(x)) after FAIRNESS, found the end \
         of the file"
    );
    assert_eq!(
        error("MODEL M\nCHECK_DEADLOCK"),
        "2:15: syntax error: expected TRUE or FALSE after CHECK_DEADLOCK, found the end of the file"
    );
    assert_eq!(
        error("MODEL M\nEXPECT\n"),
        "2:7: syntax error: expected OK, VIOLATION Name or DEADLOCK after EXPECT, found the end of the file"
    );
    assert_eq!(
        error("MODEL M\nEXPECT VIOLATION"),
        "2:17: syntax error: expected an invariant or property name after EXPECT VIOLATION, found the end of the file"
    );
}

#[test]
fn commas_between_names_are_explained() {
    assert_eq!(
        error("MODEL M\nINVARIANTS A, B"),
        "2:13: syntax error: expected an invariant name or a keyword, found `,`; separate names with spaces"
    );
}

#[test]
fn a_stray_token_in_a_name_list_is_a_syntax_error() {
    assert_eq!(
        error("MODEL M\nPROPERTIES A ("),
        "2:14: syntax error: expected a property name or `Name == formula` or a keyword, found `(`"
    );
}

#[test]
fn a_second_name_on_a_single_name_line_is_a_syntax_error() {
    assert_eq!(
        error("MODEL A B"),
        "1:9: syntax error: expected a keyword after `MODEL A`, found `B`; MODEL takes one name"
    );
    assert_eq!(
        error("MODEL M\nSYMMETRY S T"),
        "2:12: syntax error: expected a keyword after `SYMMETRY S`, found `T`; SYMMETRY takes one name"
    );
    assert_eq!(
        error("MODEL M\nCHECK_DEADLOCK FALSE x"),
        "2:22: syntax error: expected a keyword after `CHECK_DEADLOCK FALSE`, found `x`; CHECK_DEADLOCK takes only \
         TRUE or FALSE"
    );
    assert_eq!(
        error("MODEL M\nEXPECT OK Inv"),
        "2:11: syntax error: expected a keyword after `EXPECT OK`, found `Inv`; EXPECT OK and EXPECT DEADLOCK take \
         no name"
    );
    assert_eq!(
        error("MODEL M\nINVARIANTS A B\nEXPECT VIOLATION A B"),
        "3:20: syntax error: expected a keyword after `EXPECT VIOLATION A`, found `B`; EXPECT VIOLATION takes one name"
    );
}

#[test]
fn a_misspelt_keyword_on_the_line_after_a_single_name_is_an_unknown_keyword() {
    let text = error("MODEL M\nSYMMETRI S");
    assert!(text.starts_with("2:1: unknown keyword `SYMMETRI`; did you mean `SYMMETRY`?"), "{text}");
}

#[test]
fn a_missing_equals_sign_says_what_was_found() {
    assert_eq!(
        error("MODEL M\nCONSTANTS RM {r1, r2}"),
        "2:14: syntax error: expected `=` after constant name RM, found `{`"
    );
    assert_eq!(
        error("MODEL M\nCONSTANTS RM = r1 r2"),
        "2:21: syntax error: expected `=` after constant name r2, found the end of the file"
    );
}

#[test]
fn tlc_substitution_is_unsupported() {
    assert_eq!(
        error("MODEL M\nCONSTANTS Nat <- MCNat"),
        "2:15: unsupported: constants must be given values in bivalent, as in `Nat = {a, b}`, but `Nat <- ...` \
         substitutes a TLA+ definition, which only TLC can do"
    );
}

#[test]
fn a_value_missing_before_the_next_keyword_is_a_syntax_error() {
    assert_eq!(
        error("MODEL M\nCONSTANT N =\nINVARIANT I"),
        "3:1: syntax error: expected a value for constant N, found `INVARIANT`"
    );
    assert_eq!(value_error(""), "2:13: syntax error: expected a value for constant C, found the end of the file");
}

#[test]
fn a_stray_token_after_a_constant_value_names_the_constant() {
    assert_eq!(
        error("MODEL M\nCONSTANTS N = 3 }"),
        "2:17: syntax error: expected a constant name or a keyword after the value of N, found `}`"
    );
}

#[test]
fn errors_inside_sets_and_sequences_say_which_bracket_was_expected() {
    assert_eq!(value_error("{a b}"), "2:17: syntax error: expected `,` or `}` after a set element, found `b`");
    assert_eq!(value_error("{a,}"), "2:17: syntax error: expected a set element after `,`, found `}`");
    assert_eq!(value_error("{,}"), "2:15: syntax error: expected a set element or `}`, found `,`");
    assert_eq!(value_error("<<1, 2}"), "2:20: syntax error: expected `,` or `>>` after a sequence element, found `}`");
    assert_eq!(
        value_error("{<<1>>"),
        "2:20: syntax error: expected `,` or `}` after a set element, found the end of the file"
    );
}

#[test]
fn unexpected_characters_are_reported_in_context() {
    assert_eq!(value_error("[a |-> 1]"), "2:14: syntax error: expected a value for constant C, found `[`");
    assert_eq!(value_error("{1, é}"), "2:18: syntax error: expected a set element after `,`, found `é`");
    assert_eq!(
        value_error("1.5"),
        "2:15: syntax error: expected a constant name or a keyword after the value of C, found `.`"
    );
    assert_eq!(
        error("MODEL M\n\u{0}"),
        "2:1: syntax error: expected a keyword such as MODEL or CONSTANTS, found `\\0`"
    );
}

#[test]
fn malformed_numbers_are_syntax_errors() {
    assert_eq!(value_error("-3x"), "2:14: syntax error: expected a number after `-`, found `-3x`");
    assert_eq!(
        value_error("1_000"),
        "2:14: syntax error: expected a number or a name, found `1_000`, which has neither a letter nor only digits"
    );
    assert_eq!(value("1a"), mv("1a"), "TLA+ names may start with digits");
}

#[test]
fn unterminated_string_points_at_its_opening_quote() {
    assert_eq!(
        value_error("{\"abc}\nINVARIANT I"),
        "2:15: syntax error: expected `\"` to close the string opened here, found the end of the line"
    );
    assert_eq!(
        value_error("\"abc"),
        "2:14: syntax error: expected `\"` to close the string opened here, found the end of the file"
    );
}

#[test]
fn an_unknown_string_escape_is_a_syntax_error() {
    assert_eq!(
        value_error(r#""a\qb""#),
        "2:16: syntax error: expected an escape such as `\\\"`, `\\\\` or `\\n` in a string, found `\\q`"
    );
    assert_eq!(
        value_error("\"a\\"),
        "2:16: syntax error: expected an escape such as `\\\"`, `\\\\` or `\\n` in a string, found the end of the file"
    );
}

#[test]
fn check_deadlock_with_another_value_is_unsupported() {
    assert_eq!(
        error("MODEL M\nCHECK_DEADLOCK Deadlocks"),
        "2:16: unsupported: bivalent's CHECK_DEADLOCK takes TRUE or FALSE, not `Deadlocks`, since it evaluates no \
         TLA+ expressions"
    );
    assert!(matches!(parse_spec("MODEL M\nCHECK_DEADLOCK false"), Err(ConfigError::Unsupported { .. })));
}

// ---------------------------------------------------------------------------
// Errors: FAIRNESS
// ---------------------------------------------------------------------------

#[test]
fn per_instance_fairness_must_apply_the_action_to_the_bound_variable() {
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(RMPrepare(s))"),
        "2:30: syntax error: expected a bound variable (r) as an argument of RMPrepare, found `s`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(RMPrepare)"),
        "2:29: syntax error: expected `(` after `WF(RMPrepare`, found `)`; per-instance fairness applies the action \
         to the bound variable, as in `\\A r : WF(RMPrepare(r))`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r \\in RM : WF(RMPrepare(r, s))"),
        "2:40: syntax error: expected a bound variable (r) as an argument of RMPrepare, found `s`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : WF(RMPrepare(r)"),
        "2:32: syntax error: expected `)` after `WF(RMPrepare(r)`, found the end of the file"
    );
}

#[test]
fn fairness_on_an_instance_without_a_binder_is_a_syntax_error() {
    assert_eq!(
        error("MODEL M\nFAIRNESS WF(RMPrepare(r))"),
        "2:22: syntax error: expected `)` after `WF(RMPrepare`, found `(`; to make each instance of RMPrepare fair, \
         write `\\A x : WF(RMPrepare(x))`"
    );
}

#[test]
fn fairness_with_a_subscript_is_explained() {
    assert_eq!(
        error("MODEL M\nFAIRNESS WF_vars(Next)"),
        "2:10: syntax error: expected WF(Action) or SF(Action), found `WF_vars`; bivalent's fairness is always over \
         all variables, so write it without the subscript"
    );
}

#[test]
fn malformed_fairness_conditions_are_syntax_errors() {
    assert_eq!(error("MODEL M\nFAIRNESS WF A"), "2:13: syntax error: expected `(` after WF, found `A`");
    assert_eq!(error("MODEL M\nFAIRNESS SF()"), "2:13: syntax error: expected an action name after `SF(`, found `)`");
    assert_eq!(error("MODEL M\nFAIRNESS WF(A B)"), "2:15: syntax error: expected `)` after `WF(A`, found `B`");
    assert_eq!(
        error("MODEL M\nFAIRNESS \\E r : WF(A(r))"),
        "2:10: syntax error: expected WF(Action), SF(Action) or \\A x : WF(Action(x)) after FAIRNESS, found `\\E`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS WF(A) Stray"),
        "2:16: syntax error: expected WF(Action), SF(Action) or \\A x : WF(Action(x)) or a keyword, found `Stray`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A : WF(A(r))"),
        "2:13: syntax error: expected a bound variable after `\\A`, found `:`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r, s : WF(A(r))"),
        "2:23: syntax error: expected every variable of `\\A r, s` among the arguments of each action, found no s \
         here; a condition that does not depend on it needs no `\\A` for it"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r \\in : WF(A(r))"),
        "2:19: syntax error: expected a set name after `\\A r \\in`, found `:`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r \\in RM WF(A(r))"),
        "2:22: syntax error: expected `:` after `\\A r \\in RM`, found `WF`"
    );
    assert_eq!(
        error("MODEL M\nFAIRNESS \\A r : A(r)"),
        "2:17: syntax error: expected WF or SF after `\\A r :`, found `A`"
    );
}

// ---------------------------------------------------------------------------
// Errors: EXPECT
// ---------------------------------------------------------------------------

#[test]
fn an_unknown_expectation_suggests_the_nearest() {
    assert_eq!(
        error("MODEL M\nEXPECT VIOLATED Safe"),
        "2:8: unknown expectation `VIOLATED`; did you mean `VIOLATION`? (valid expectations: OK, VIOLATION, DEADLOCK)"
    );
}

#[test]
fn an_expected_violation_must_be_checked_by_the_spec() {
    assert_eq!(
        error("MODEL M\nINVARIANTS TypeOK Consistent\nPROPERTY Done\nEXPECT VIOLATION Consistant"),
        "4:18: unknown expected violation `Consistant`; did you mean `Consistent`? (valid expected violations: \
         TypeOK, Consistent, Done)"
    );
    assert_eq!(
        error("MODEL M\nEXPECT VIOLATION Safe"),
        "2:18: syntax error: expected EXPECT VIOLATION to name an invariant or property that this spec checks, found \
         `Safe`, but the spec lists no INVARIANTS or PROPERTIES"
    );
}

#[test]
fn a_deadlock_is_expected_with_expect_deadlock() {
    assert_eq!(
        error("MODEL M\nINVARIANT I\nEXPECT VIOLATION Deadlock"),
        "3:18: syntax error: expected EXPECT DEADLOCK for a deadlock, found EXPECT VIOLATION Deadlock"
    );
}

#[test]
fn expect_deadlock_contradicts_check_deadlock_false() {
    assert_eq!(
        error("MODEL M\nCHECK_DEADLOCK FALSE\nEXPECT DEADLOCK"),
        "3:1: unsupported: EXPECT DEADLOCK needs deadlock checking, which CHECK_DEADLOCK FALSE on line 2 turns off"
    );
    assert!(parse("MODEL M\nCHECK_DEADLOCK TRUE\nEXPECT DEADLOCK").check_deadlock);
}

// ---------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------

/// A spec that uses every construct, so that its prefixes and mutations reach
/// every branch of the lexer and parser.
const EVERYTHING: &str = r#"\* Everything (* at once *)
(* a (* nested *) block
   comment *)
MODEL Everything
CONSTANTS RM = {r1, r2} N = -3 Range = 1..4 S = "a\"b" Seq = <<TRUE, FALSE, {<<>>}>>
CONSTANT Mode = fast
INVARIANTS A B
INVARIANT C
PROPERTIES P
PROPERTY Q
CONSTRAINTS K
ACTION_CONSTRAINT AK
SYMMETRY RM
FAIRNESS WF(X) SF(Y) \A r : WF(Z(r)) \A r \in RM : SF(W(r))
CHECK_DEADLOCK TRUE
EXPECT VIOLATION A
"#;

#[test]
fn the_everything_spec_parses() {
    let spec = parse(EVERYTHING);
    assert_eq!(spec.title.as_deref(), Some("Everything (* at once *)"));
    assert_eq!(spec.constants.items.len(), 6);
    assert_eq!(spec.fairness.len(), 4);
    assert_eq!(spec.expect, Expect::Violation(named("A", 16, 18)));
}

#[test]
fn no_prefix_or_mutation_of_a_valid_spec_makes_the_parser_panic() {
    let chars: Vec<char> = EVERYTHING.chars().collect();
    for end in 0..=chars.len() {
        let prefix: String = chars[..end].iter().collect();
        let _ = parse_spec(&prefix);
    }
    let replacements = ['{', '}', '<', '>', '(', ')', '*', '\\', '"', '-', '.', ' ', '\n', 'é', '\u{0}'];
    for at in 0..chars.len() {
        let mut mutated = chars.clone();
        mutated.remove(at);
        let _ = parse_spec(&mutated.iter().collect::<String>());
        for replacement in replacements {
            mutated = chars.clone();
            mutated[at] = replacement;
            let _ = parse_spec(&mutated.iter().collect::<String>());
        }
    }
}

#[test]
fn random_token_soup_never_makes_the_parser_panic() {
    let pieces = [
        "MODEL",
        "CONSTANTS",
        "INVARIANT",
        "PROPERTIES",
        "SYMMETRY",
        "FAIRNESS",
        "CHECK_DEADLOCK",
        "EXPECT",
        "OK",
        "VIOLATION",
        "DEADLOCK",
        "TRUE",
        "FALSE",
        "INIT",
        "WF",
        "SF",
        "\\A",
        "\\in",
        "\\E",
        "x",
        "r1",
        "1",
        "-1",
        "99999999999999999999",
        "..",
        "=",
        "<-",
        "{",
        "}",
        "<<",
        ">>",
        "(",
        ")",
        ":",
        ",",
        "\"s\"",
        "\"",
        "(*",
        "*)",
        "\\*",
        "\n",
        " ",
        "é",
        "\u{feff}",
        "\t",
        "\r\n",
        "1_0",
        "[",
    ];
    // A fixed-seed xorshift keeps the test deterministic without a dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let length = next() % 40;
        let text: String =
            (0..length).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect::<Vec<_>>().join(" ");
        if let Err(e) = parse_spec(&text) {
            // Every error points inside the text (or just after its end).
            let span = e.span();
            assert!(span.line >= 1 && span.column >= 1, "{text:?}: {e} at {span:?}");
            assert!(span.line as usize <= text.split('\n').count(), "{text:?}: {e} at {span:?}");
        }
    }
}

#[test]
fn a_string_or_keyword_where_a_name_is_expected_is_shown_as_found() {
    assert_eq!(
        error("MODEL \"TwoPhase\""),
        "1:7: syntax error: expected a model name after MODEL, found the string \"TwoPhase\""
    );
    assert_eq!(
        error("MODEL M\nCHECK_DEADLOCK EXPECT OK"),
        "2:16: syntax error: expected TRUE or FALSE after CHECK_DEADLOCK, found `EXPECT`"
    );
    assert_eq!(
        error("MODEL M\nEXPECT <<"),
        "2:8: syntax error: expected OK, VIOLATION Name or DEADLOCK after EXPECT, found `<<`"
    );
}

#[test]
fn an_escape_at_the_end_of_a_line_is_a_syntax_error() {
    assert_eq!(
        value_error("\"a\\\n\""),
        "2:16: syntax error: expected an escape such as `\\\"`, `\\\\` or `\\n` in a string, found the end of the line"
    );
}

#[test]
fn a_tla_expression_in_a_formula_is_refused_as_such_at_the_operator() {
    // Each was a bare "expected `)`" error, or an error at the next line.
    for (text, found, after, column) in [
        ("<>(x = 3)", "`=`", "x", 20),
        ("[](Len(log) => <>Done)", "`(`", "Len", 21),
        ("<>(r \\in S)", "`\\in`", "r", 20),
        ("x = 3 ~> Done", "`=`", "x", 17),
        ("<>[](pc = \"done\")", "`=`", "pc", 23),
    ] {
        let message = formula_error(text);
        assert!(message.contains("evaluates no TLA+ expression"), "{text}: {message}");
        assert!(message.contains(&format!("found {found} after `{after}`")), "{text}: {message}");
        assert!(message.starts_with(&format!("2:{column}: ")), "{text}: {message}");
    }
    // What may follow a name still parses.
    formula("(A) /\\ B \\/ C ~> D => E");
}
