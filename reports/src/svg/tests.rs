use checker::spec::{Envelope, Partition, StepMessages};
use checker::{Counterexample, Trace, Value, Verdict};

use super::graph::graph;
use super::msc::{draw, msc};
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

/// A token passes round a ring of seven nodes: 40 steps, each a send and
/// a delivery in the next step.
fn ring() -> Trace {
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
    trace
}

#[test]
fn seven_nodes_and_forty_steps_fit_without_overlap() {
    let trace = ring();
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

/// Every label of the chart of `trace` that leaves the chart, overlaps
/// another label or crosses an arrow other than its own: `[]` when the
/// layout is clean.
fn layout_problems(trace: &Trace, ending: Ending) -> Vec<String> {
    let drawn = draw(trace, ending).unwrap();
    let size = |name: &str| -> i32 {
        let at = drawn.svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        drawn.svg[at..][..drawn.svg[at..].find('"').unwrap()].parse().unwrap()
    };
    let (width, height) = (size("width"), size("height"));
    let mut problems = Vec::new();
    for (i, a) in drawn.labels.iter().enumerate() {
        let area = &a.area;
        if area.left < 0 || area.top < 0 || area.right > width || area.bottom > height {
            problems.push(format!("{} is clipped", a.text));
        }
        for b in &drawn.labels[i + 1..] {
            if a.area.overlaps(&b.area) {
                problems.push(format!("{} overlaps {}", a.text, b.text));
            }
        }
        for s in drawn.segments.iter().filter(|s| Some(s.arrow) != a.arrow && s.crosses(area)) {
            problems.push(format!("{} crosses arrow {}", a.text, s.arrow));
        }
    }
    problems
}

/// Attribute `name` of each element that starts with `start` (`<rect class="side`).
fn attributes(svg: &str, start: &str, name: &str) -> Vec<String> {
    svg.match_indices(start)
        .map(|(at, _)| {
            let tag = &svg[at..][..svg[at..].find('>').unwrap()];
            let from =
                tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("{tag} has no {name}")) + name.len() + 3;
            tag[from..][..tag[from..].find('"').unwrap()].to_string()
        })
        .collect()
}

/// Four nodes through every fault the chart draws: `c` broadcasts a request;
/// the network splits `{c, s1} | {s2, s3}`; s1 answers; s2 crashes; c reads
/// the answer; s2 restarts; the network heals; s3 reads its request; s1
/// crashes and restarts at once (as Raft's `Restart`); the network splits
/// again, `{c, s2} | {s1, s3}`, to the end of the trace.
fn fault_trace() -> Trace {
    let nodes: Vec<String> = ["c", "s1", "s2", "s3"].map(String::from).to_vec();
    let envelope = |from: &str, to: &str, kind: &str| Envelope::new(from, to, Value::str(kind)).labelled(kind);
    let request = |to: &str| envelope("c", to, "Request");
    let sides = |sides: &[&[&str]]| {
        Some(Partition::Split(sides.iter().map(|side| side.iter().map(|n| n.to_string()).collect()).collect()))
    };
    let steps: Vec<(&'static str, &'static str, StepMessages)> = vec![
        (
            "Broadcast",
            "Broadcast(c)",
            StepMessages { sent: vec![request("s1"), request("s2"), request("s3")], ..StepMessages::by("c") },
        ),
        (
            "Partition",
            "Partition({c, s1} | {s2, s3})",
            StepMessages { partition: sides(&[&["c", "s1"], &["s2", "s3"]]), ..StepMessages::default() },
        ),
        (
            "Receive",
            "Receive(s1)",
            StepMessages {
                delivered: vec![request("s1")],
                sent: vec![envelope("s1", "c", "Reply")],
                ..StepMessages::by("s1")
            },
        ),
        ("Crash", "Crash(s2)", StepMessages { crashed: vec!["s2".into()], ..StepMessages::default() }),
        (
            "Receive",
            "Receive(c)",
            StepMessages { delivered: vec![envelope("s1", "c", "Reply")], ..StepMessages::by("c") },
        ),
        ("Restart", "Restart(s2)", StepMessages { restarted: vec!["s2".into()], ..StepMessages::default() }),
        ("Heal", "Heal", StepMessages { partition: Some(Partition::Heal), ..StepMessages::default() }),
        ("Receive", "Receive(s3)", StepMessages { delivered: vec![request("s3")], ..StepMessages::by("s3") }),
        (
            "Reboot",
            "Reboot(s1)",
            StepMessages { crashed: vec!["s1".into()], restarted: vec!["s1".into()], ..StepMessages::by("s1") },
        ),
        (
            "Partition",
            "Partition({c, s2} | {s1, s3})",
            StepMessages { partition: sides(&[&["c", "s2"], &["s1", "s3"]]), ..StepMessages::default() },
        ),
    ];
    let mut trace = Trace { steps: vec![step(None, vec![("n", Value::Int(0))])] };
    for (n, (name, label, messages)) in steps.into_iter().enumerate() {
        let mut next = step(Some((name, label)), vec![("n", Value::Int(n as i64 + 1))]);
        next.messages = messages;
        trace.steps.push(next);
    }
    for step in &mut trace.steps {
        step.nodes = nodes.clone();
    }
    trace
}

#[test]
fn sequence_chart_draws_partitions_as_groups_and_restarts_on_the_lifeline() {
    let trace = fault_trace();
    let svg = msc(&trace, Ending::Violation).unwrap();
    well_formed(&svg).unwrap();
    let row = |state: usize| (36 + 28 * state + 14).to_string();
    let lifeline: Vec<i32> = attributes(&svg, r#"<text class="nn""#, "x").iter().map(|x| x.parse().unwrap()).collect();
    assert_eq!(lifeline.len(), 4, "c, s1, s2, s3");
    // The first partition lasts from the row of state 3 (its step) to the
    // row of state 8 (the heal); the second from state 11 to the end.
    assert_eq!(attributes(&svg, r#"<g class="part""#, "data-from"), ["2", "10"]);
    assert_eq!(attributes(&svg, r#"<g class="partmark""#, "data-from"), ["2", "10"]);
    let bands = |attribute: &str| attributes(&svg, r#"<rect class="side"#, attribute);
    assert_eq!(bands("class"), ["side s0", "side s1", "side s0", "side s0", "side s1", "side s1"]);
    assert_eq!(bands("y"), [row(2), row(2), row(10), row(10), row(10), row(10)]);
    let bottom: i32 = attributes(&svg, "<svg ", "height")[0].parse::<i32>().unwrap() - 6;
    let heights: Vec<i32> = bands("height").iter().map(|h| h.parse().unwrap()).collect();
    assert_eq!(heights[..2], [28 * 5, 28 * 5]);
    assert!(heights[2..].iter().all(|&h| h == bottom - (36 + 28 * 10 + 14)), "{heights:?}");
    // Which lifelines each band holds: {c, s1} | {s2, s3}, then c, s2 | s1, s3
    // (neither side adjacent: two bands each).
    let held: Vec<Vec<usize>> = bands("x")
        .iter()
        .zip(bands("width"))
        .map(|(x, w)| {
            let (left, right) = (x.parse::<i32>().unwrap(), x.parse::<i32>().unwrap() + w.parse::<i32>().unwrap());
            (0..4).filter(|&j| left < lifeline[j] && lifeline[j] < right).collect()
        })
        .collect();
    assert_eq!(held, [vec![0, 1], vec![2, 3], vec![0], vec![2], vec![1], vec![3]]);
    // The labels: the sides where each partition starts, `heal` where the first ends.
    let notes = attributes(&svg, r#"<text class="pl""#, "y");
    assert_eq!(notes.len(), 3);
    assert!(svg.contains(">partition {c, s1} | {s2, s3}</text>"), "{svg}");
    assert!(svg.contains(">heal</text>"));
    assert!(svg.contains(">partition {c, s2} | {s1, s3}</text>"));
    assert!(svg.contains("<title>the network is split {c, s1} | {s2, s3} from state 3 until state 8</title>"));
    assert!(
        svg.contains("<title>the network is split {c, s2} | {s1, s3} from state 11 to the end of the trace</title>")
    );
    // s2 crashes in state 5 and restarts in state 7: its lifeline is down
    // between the two rows, and a ring marks the restart.
    assert_eq!(attributes(&svg, r#"<line class="life down""#, "x1"), [lifeline[2].to_string()]);
    assert_eq!(attributes(&svg, r#"<line class="life down""#, "y1"), [row(4)]);
    assert_eq!(attributes(&svg, r#"<line class="life down""#, "y2"), [row(6)]);
    assert_eq!(svg.matches(r#"<g class="restart">"#).count(), 1);
    assert_eq!(attributes(&svg, "<circle ", "cy"), [row(6), row(9)], "the restart of s2, the reboot of s1");
    assert_eq!(attributes(&svg, "<circle ", "cx"), [lifeline[2].to_string(), lifeline[1].to_string()]);
    assert!(svg.contains(">restart</text>"));
    // s1 crashes and restarts in one step: a cross and a ring, never down.
    assert_eq!(svg.matches(r#"<g class="crash">"#).count(), 2);
    assert!(svg.contains(">crash, restart</text>"));
    assert!(svg.contains("<title>s1 crashes and restarts in state 10</title>"));
    assert!(svg.contains("<title>s2 crashes in state 5, down until state 7</title>"));
    assert_eq!(layout_problems(&trace, Ending::Violation), Vec::<String>::new());
    insta::assert_snapshot!(lines(&svg));
}

#[test]
fn a_node_that_never_restarts_is_down_to_the_end_of_the_trace() {
    let svg = msc(&message_trace(), Ending::Violation).unwrap();
    // s3 crashes in the last state, 10.
    let bottom: i32 = attributes(&svg, "<svg ", "height")[0].parse::<i32>().unwrap() - 6;
    assert_eq!(attributes(&svg, r#"<line class="life down""#, "y1"), [(36 + 28 * 9 + 14).to_string()]);
    assert_eq!(attributes(&svg, r#"<line class="life down""#, "y2"), [bottom.to_string()]);
    assert!(svg.contains("<title>s3 crashes in state 10 and stays down</title>"), "{svg}");
}

#[test]
fn a_heal_without_a_partition_in_the_trace_is_still_marked() {
    let mut trace = fault_trace();
    trace.steps.truncate(8);
    trace.steps.remove(2);
    let svg = msc(&trace, Ending::Violation).unwrap();
    well_formed(&svg).unwrap();
    assert_eq!(svg.matches(r#"<g class="part""#).count(), 0);
    assert_eq!(svg.matches(r#"<g class="partmark heal">"#).count(), 1);
}

#[test]
fn no_chart_label_overlaps_another_or_an_arrow_or_leaves_the_chart() {
    let (mut lasso, loop_start) = lasso_trace();
    let nodes: Vec<String> = ["n1", "n2", "n3"].map(String::from).to_vec();
    for step in &mut lasso.steps {
        step.nodes = nodes.clone();
    }
    for (name, trace, ending) in [
        ("broadcast", violation_trace(), Ending::Violation),
        ("every arrow", message_trace(), Ending::Violation),
        ("faults", fault_trace(), Ending::Violation),
        ("faults in a loop", fault_trace(), Ending::Loop(3)),
        ("lasso", lasso, Ending::Loop(loop_start)),
        ("ring", ring(), Ending::Violation),
    ] {
        assert_eq!(layout_problems(&trace, ending), Vec::<String>::new(), "{name}");
    }
}
