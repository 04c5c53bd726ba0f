use checker::Value;

use super::{change_lines, value_html};

macro_rules! snapshot {
    ($value:expr, @$snapshot:literal) => {
        insta::assert_snapshot!($value, @$snapshot)
    };
}

fn rm_state(r1: &str, r2: &str) -> Value {
    Value::map([(Value::model_value("r1"), Value::str(r1)), (Value::model_value("r2"), Value::str(r2))])
}

fn msg(kind: &str) -> Value {
    Value::record([("type", Value::str(kind))])
}

#[test]
fn an_initial_state_lists_every_variable() {
    let state = [("rmState", rm_state("working", "working")), ("msgs", Value::set([]))];
    snapshot!(change_lines(None, &state).join("\n"), @r#"
    rmState = (r1 :> "working" @@ r2 :> "working")
    msgs = {}
    "#);
}

#[test]
fn changes_name_the_entry_field_or_elements_that_changed() {
    let before = [
        ("rmState", rm_state("working", "working")),
        ("msgs", Value::set([msg("Prepared"), msg("Abort")])),
        ("last", Value::record([("type", Value::str("none")), ("term", Value::Int(1))])),
        ("count", Value::Int(1)),
        ("same", Value::Bool(true)),
    ];
    let after = [
        ("rmState", rm_state("working", "prepared")),
        ("msgs", Value::set([msg("Prepared"), msg("Commit")])),
        ("last", Value::record([("type", Value::str("none")), ("term", Value::Int(2))])),
        ("count", Value::Int(2)),
        ("same", Value::Bool(true)),
    ];
    snapshot!(change_lines(Some(&before), &after).join("\n"), @r#"
    rmState[r2] = "prepared"
    msgs += {[type |-> "Commit"]}
    msgs -= {[type |-> "Abort"]}
    last.term = 2
    count = 2
    "#);
}

#[test]
fn a_function_whose_domain_changed_shows_new_and_removed_entries() {
    let before = [("f", Value::map([(Value::Int(1), Value::Int(1)), (Value::Int(3), Value::Int(3))]))];
    let after = [("f", Value::map([(Value::Int(2), Value::Int(1)), (Value::Int(3), Value::Int(3))]))];
    snapshot!(change_lines(Some(&before), &after).join(" | "), @"f[2] = 1 | f[1] removed");
    snapshot!(value_html(Some(&before[0].1), &after[0].1), @"(<mark>2 :&gt; 1</mark> @@ 3 :&gt; 3) <del>1 :&gt; 1</del>");
}

#[test]
fn html_values_mark_what_changed_and_escape_everything() {
    let html = value_html(Some(&rm_state("working", "<b>&")), &rm_state("working", "</script>"));
    snapshot!(html, @r#"(r1 :&gt; &quot;working&quot; @@ <mark>r2 :&gt; &quot;&lt;/script&gt;&quot;</mark>)"#);
    let html = value_html(Some(&Value::set([msg("A"), msg("B")])), &Value::set([msg("B"), msg("C")]));
    snapshot!(html, @r#"{[type |-&gt; &quot;B&quot;], <mark>[type |-&gt; &quot;C&quot;]</mark>} <del>[type |-&gt; &quot;A&quot;]</del>"#);
    snapshot!(value_html(None, &Value::Int(3)), @"3");
}

#[test]
fn a_collection_delta_is_what_was_gained_and_lost() {
    use super::collection_delta;
    let int = Value::Int;
    // A bag as a sequence: one of two copies of 1 delivered, 3 sent.
    let before = Value::Seq(vec![int(1), int(1), int(2)]);
    let after = Value::Seq(vec![int(1), int(2), int(3)]);
    assert_eq!(collection_delta(&before, &after), Some((vec!["3".to_string()], vec!["1".to_string()])));
    let before = Value::Set(vec![int(1), int(2)]);
    let after = Value::Set(vec![int(2), int(5)]);
    assert_eq!(collection_delta(&before, &after), Some((vec!["5".to_string()], vec!["1".to_string()])));
    // A function: a changed entry is lost with its old value and gained with its new.
    let before = Value::Map(vec![(int(1), int(10)), (int(2), int(20))]);
    let after = Value::Map(vec![(int(1), int(11)), (int(2), int(20)), (int(3), int(30))]);
    assert_eq!(
        collection_delta(&before, &after),
        Some((vec!["1 :> 11".to_string(), "3 :> 30".to_string()], vec!["1 :> 10".to_string()]))
    );
    assert_eq!(collection_delta(&int(1), &Value::Set(vec![])), None);
}
