use checker::spec::{Envelope, StepMessages};
use checker::{Counterexample, Trace, Value, Verdict};

use super::graph::graph;
use super::msc::msc;
use super::Ending;
use crate::fixtures::{expect_violation, invariant_violation, lasso, message_trace, step, well_formed, witness};

fn violation_trace() -> Trace {
    let fixture = invariant_violation(expect_violation("TCConsistent"));
    let Verdict::Violated(Counterexample::Trace(trace)) = &fixture.outcome.checks[2].verdict else { unreachable!() };
    trace.clone()
}

fn lasso_trace() -> (Trace, usize) {
    let fixture = lasso();
    let Verdict::Violated(Counterexample::Lasso(lasso)) = &fixture.outcome.checks[0].verdict else { unreachable!() };
    (lasso.trace.clone(), lasso.loop_start)
}

/// One element a line, so that snapshots diff well.
fn lines(svg: &str) -> String {
    svg.replace("><", ">\n<")
}

#[test]
fn sequence_chart_of_a_broadcast_delivered_to_one_receiver() {
    let svg = msc(&violation_trace(), Ending::Violation).unwrap();
    well_formed(&svg).unwrap();
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn sequence_chart_marks_losses_duplicates_crashes_and_undelivered_messages() {
    let svg = msc(&message_trace(), Ending::Violation).unwrap();
    well_formed(&svg).unwrap();
    // Request to s1 delivered; to s2 lost; to s3 never delivered. The reply is
    // duplicated and delivered twice; the timer goes to s3 itself; Hello was
    // sent before the trace; s3 crashes.
    assert_eq!(svg.matches(r#"<g class="msg">"#).count(), 3, "{svg}");
    assert_eq!(svg.matches(r#"<g class="msg dup">"#).count(), 1);
    assert_eq!(svg.matches(r#"<g class="msg drop">"#).count(), 1);
    assert_eq!(svg.matches(r#"<g class="msg pending">"#).count(), 1);
    assert_eq!(svg.matches(r#"<g class="msg early">"#).count(), 1);
    assert_eq!(svg.matches(r#"<g class="crash">"#).count(), 1);
    assert_eq!(svg.matches(r#"<g class="dupmark">"#).count(), 1);
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn sequence_chart_of_a_lasso_draws_the_loop_back() {
    let (mut trace, loop_start) = lasso_trace();
    let nodes: Vec<String> = ["n1", "n2", "n3"].map(String::from).to_vec();
    for (i, step) in trace.steps.iter_mut().enumerate() {
        step.nodes = nodes.clone();
        if i > 0 {
            let (from, to) = (format!("n{i}"), format!("n{}", i + 1));
            let token = Envelope::new(from.clone(), to, Value::str("token")).labelled("Token");
            step.messages = StepMessages { sent: vec![token], ..StepMessages::by(from) };
        }
    }
    let svg = msc(&trace, Ending::Loop(loop_start)).unwrap();
    well_formed(&svg).unwrap();
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn a_model_without_nodes_has_no_sequence_chart() {
    let (trace, loop_start) = lasso_trace();
    assert_eq!(msc(&trace, Ending::Loop(loop_start)), None);
    assert_eq!(msc(&Trace::default(), Ending::Violation), None);
}

#[test]
fn state_graph_of_a_counterexample_shows_what_changed_in_each_state() {
    let svg = graph(&violation_trace(), Ending::Violation);
    well_formed(&svg).unwrap();
    assert_eq!(svg.matches(r#"<g class="state"#).count(), 4);
    assert!(svg.contains(r#"<g class="state bad" data-step="3">"#), "{svg}");
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn state_graph_of_a_lasso_draws_the_cycle_back_to_its_start() {
    let (trace, loop_start) = lasso_trace();
    let svg = graph(&trace, Ending::Loop(loop_start));
    well_formed(&svg).unwrap();
    assert!(svg.contains(r#"<g class="edge loop" data-step="">"#), "{svg}");
    assert_eq!(svg.matches(r#"<g class="state loop""#).count(), 2, "states 2 and 3 form the cycle");
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn state_graph_merges_repeated_states_into_loops_and_back_edges() {
    // a -> b -> b (stutter) -> a -> b: a self-loop on b, a back edge b -> a,
    // and the repeated a -> b step drawn once for both steps.
    let state = |x: i64| vec![("x", Value::Int(x))];
    let trace = Trace {
        steps: vec![
            step(None, state(0)),
            step(Some(("Inc", "Inc")), state(1)),
            step(Some(("Stay", "Stay")), state(1)),
            step(Some(("Reset", "Reset")), state(0)),
            step(Some(("Inc", "Inc")), state(1)),
        ],
    };
    let svg = graph(&trace, Ending::Violation);
    well_formed(&svg).unwrap();
    assert_eq!(svg.matches(r#"<g class="state"#).count(), 2);
    assert!(svg.contains(r#"<g class="edge" data-step="1 4">"#), "{svg}");
    assert!(svg.contains(r#"data-step="0 3""#), "{svg}");
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn a_witness_marks_its_goal_state() {
    let fixture = witness();
    let Verdict::Witnessed(trace) = &fixture.outcome.checks[1].verdict else { unreachable!() };
    let svg = graph(trace, Ending::Witness);
    assert_eq!(svg.matches("state goal").count(), 1);
}

#[test]
fn charts_escape_every_string_from_the_model() {
    let hostile = r#"</script><svg onload=alert(1)>&"'"#;
    let mut trace = message_trace();
    for step in &mut trace.steps {
        step.nodes.push(hostile.to_string());
        step.state.push(("text", Value::str(hostile)));
        if let Some(action) = &mut step.action {
            action.label = format!("{}{hostile}", action.label);
        }
    }
    trace.steps[1].messages.sent.push(Envelope::new("c", hostile, Value::str(hostile)).labelled(hostile));
    for svg in [msc(&trace, Ending::Violation).unwrap(), graph(&trace, Ending::Loop(1))] {
        well_formed(&svg).unwrap();
        assert!(!svg.contains("<svg onload"), "{svg}");
        assert!(!svg.contains("</script>"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }
}

#[test]
fn seven_nodes_and_forty_steps_fit_without_overlap() {
    // A token passes round a ring of seven nodes: 40 steps, each a send and
    // a delivery in the next step.
    let nodes: Vec<String> = (1..=7).map(|n| format!("node{n}")).collect();
    let mut trace = Trace { steps: vec![step(None, vec![("hop", Value::Int(0))])] };
    for hop in 1..=40i64 {
        let from = nodes[(hop as usize - 1) % 7].clone();
        let to = nodes[hop as usize % 7].clone();
        let token = Envelope::new(from.clone(), to.clone(), Value::Int(hop)).labelled(format!("Token({hop})"));
        let mut next = step(Some(("Pass", "Pass")), vec![("hop", Value::Int(hop))]);
        next.action.as_mut().unwrap().label = format!("Pass({from}, {to})");
        next.messages = StepMessages { sent: vec![token.clone()], ..StepMessages::by(from.clone()) };
        if let Some(previous) = trace.steps.last().unwrap().messages.sent.first() {
            next.messages.delivered.push(previous.clone());
        }
        trace.steps.push(next);
    }
    for step in &mut trace.steps {
        step.nodes = nodes.clone();
    }
    let svg = msc(&trace, Ending::Violation).unwrap();
    well_formed(&svg).unwrap();
    // 41 rows of 28 px; 7 columns wide enough for the widest node name.
    assert!(svg.contains(r#"width="944" height="1208""#), "{}", &svg[..200]);
    assert_eq!(svg.matches(r#"<g class="row""#).count(), 41);
    assert_eq!(svg.matches(r#"<g class="msg">"#).count(), 39);
    assert_eq!(svg.matches(r#"<g class="msg pending">"#).count(), 1);
    // Each delivery is one row below its send: arrows do not cross rows, so
    // their labels (three fifths of the way) sit in distinct rows.
    let graph = graph(&trace, Ending::Violation);
    well_formed(&graph).unwrap();
    assert_eq!(graph.matches(r#"<g class="state"#).count(), 41);
}
