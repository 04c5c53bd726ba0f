//! The state graph of a trace: its distinct states as boxes, top to bottom in
//! the order the trace first reaches them, and its steps as arrows labelled
//! with their actions.
//!
//! A step to the next new state is a straight arrow down; a step that changes
//! nothing is a loop on the right of its box; a step back to an earlier state
//! (a DFS or simulation trace can revisit one) runs up a lane on the left. A
//! lasso's closing step is such a back edge, highlighted with the states of
//! the cycle. Each box shows what changed on the way in (the initial state
//! shows everything), cut to fit; its tooltip has the lines in full.

use std::fmt::Write;

use checker::{Trace, Value};

use super::{arrowhead, open, text, title, Ending, CHAR};
use crate::diff::{before, change_lines};
use crate::markup::{chars, escape, truncate};

/// Longest line in a box, in characters.
const LINE_MAX: usize = 46;
/// Most lines in a box; the rest are counted.
const LINES_MAX: usize = 6;
/// Longest edge label, in characters.
const LABEL_MAX: usize = 34;
/// Height of a line of text in a box.
const LINE: i32 = 14;
/// Vertical gap between boxes, where the forward arrows and labels go.
const GAP: i32 = 30;
/// Horizontal distance between the lanes of back edges.
const LANE: i32 = 14;

/// A state of the graph.
pub(crate) struct Node<'a> {
    /// The trace steps at this state.
    pub steps: Vec<usize>,
    /// Changes on the way in (every variable for the first state), at most
    /// [`LINES_MAX`] lines.
    pub lines: Vec<String>,
    /// The state's variables.
    pub state: &'a [(&'static str, Value)],
}

/// A step, or several steps with the same action between the same states.
pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub steps: Vec<usize>,
    /// The closing step of a lasso.
    pub closes_loop: bool,
}

/// A trace as a graph: distinct states in order of first appearance, and steps.
pub(crate) struct Structure<'a> {
    pub nodes: Vec<Node<'a>>,
    /// The node of each step of the trace.
    pub node_of: Vec<usize>,
    pub edges: Vec<Edge>,
    /// The nodes on a lasso's cycle.
    pub loop_states: Vec<usize>,
}

/// The graph of `trace`, shared with the DOT renderer.
pub(crate) fn structure(trace: &Trace, ending: Ending) -> Structure<'_> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut node_of: Vec<usize> = Vec::new();
    for (i, step) in trace.steps.iter().enumerate() {
        match nodes.iter().position(|n| n.state == step.state.as_slice()) {
            Some(k) => {
                nodes[k].steps.push(i);
                node_of.push(k);
            }
            None => {
                let mut lines = change_lines(before(&trace.steps, i), &step.state);
                if lines.len() > LINES_MAX {
                    let more = lines.len() - (LINES_MAX - 1);
                    lines.truncate(LINES_MAX - 1);
                    lines.push(format!("… {more} more"));
                }
                if lines.is_empty() {
                    lines.push("(no variable)".to_string());
                }
                nodes.push(Node { steps: vec![i], lines, state: &step.state });
                node_of.push(nodes.len() - 1);
            }
        }
    }
    let mut edges: Vec<Edge> = Vec::new();
    let mut add = |from: usize, to: usize, label: String, step: Option<usize>, closes_loop: bool| match edges
        .iter_mut()
        .find(|e| e.from == from && e.to == to && e.label == label && !closes_loop)
    {
        Some(edge) => edge.steps.extend(step),
        None => edges.push(Edge { from, to, label, steps: step.into_iter().collect(), closes_loop }),
    };
    for (i, step) in trace.steps.iter().enumerate().skip(1) {
        let label = step.action.as_ref().map_or(String::new(), |a| a.label.clone());
        add(node_of[i - 1], node_of[i], label, Some(i), false);
    }
    let loop_states: Vec<usize> = match ending {
        Ending::Loop(start) if start < trace.steps.len() => {
            add(node_of[trace.steps.len() - 1], node_of[start], "loop".to_string(), None, true);
            let mut states: Vec<usize> = node_of[start..].to_vec();
            states.sort_unstable();
            states.dedup();
            states
        }
        _ => Vec::new(),
    };
    Structure { nodes, node_of, edges, loop_states }
}

/// The state graph of `trace`.
pub fn graph(trace: &Trace, ending: Ending) -> String {
    let Structure { nodes, node_of, edges, loop_states } = structure(trace, ending);

    // Geometry: boxes in one column, lanes for back edges on their left.
    let backs: Vec<usize> = (0..edges.len()).filter(|&e| edges[e].to < edges[e].from).collect();
    let left = 12 + LANE * backs.len() as i32;
    let box_width = nodes
        .iter()
        .flat_map(|n| n.lines.iter().map(|l| chars(&truncate(l, LINE_MAX))).chain([chars(&heading(n))]))
        .chain([12])
        .max()
        .unwrap_or(0) as i32
        * CHAR
        + 16;
    let box_height = |node: &Node| 20 + LINE * node.lines.len() as i32 + 4;
    let mut tops = Vec::new();
    let mut y = 8;
    for node in &nodes {
        tops.push(y);
        y += box_height(node) + GAP;
    }
    let height = y - GAP + 8;
    let self_labels = |k: usize| -> Vec<&Edge> { edges.iter().filter(|e| e.from == k && e.to == k).collect() };
    let right = (0..nodes.len())
        .map(|k| self_labels(k).iter().map(|e| chars(&truncate(&e.label, LABEL_MAX)) as i32 * CHAR + 8).sum::<i32>())
        .max()
        .unwrap_or(0);
    let forward_labels = edges
        .iter()
        .filter(|e| e.to == e.from + 1)
        .map(|e| chars(&truncate(&e.label, LABEL_MAX)) as i32 * CHAR)
        .max()
        .unwrap_or(0);
    let width = (left + box_width + 40 + right).max(left + 36 + forward_labels + 12);

    let mut out = String::new();
    open(
        &mut out,
        "graph",
        width,
        height,
        &format!("State graph: {} states, {} steps", nodes.len(), trace.steps.len() - 1),
    );

    // Edges first, boxes over them.
    let mut lane = 0;
    for edge in &edges {
        let steps: Vec<String> = edge.steps.iter().map(|s| s.to_string()).collect();
        let class = if edge.closes_loop { "edge loop" } else { "edge" };
        let _ = write!(out, r#"<g class="{class}" data-step="{}">"#, steps.join(" "));
        let tooltip = if edge.closes_loop {
            format!("the behaviour repeats from state {} forever", nodes[edge.to].steps[0] + 1)
        } else {
            edge.label.clone()
        };
        title(&mut out, &tooltip);
        let label = truncate(&edge.label, LABEL_MAX);
        let (from_top, to_top) = (tops[edge.from], tops[edge.to]);
        if edge.from == edge.to {
            // A step that changes nothing: a loop on the right of the box.
            let others: i32 = self_labels(edge.from)
                .iter()
                .take_while(|e| !std::ptr::eq(**e, edge))
                .map(|e| chars(&truncate(&e.label, LABEL_MAX)) as i32 * CHAR + 8)
                .sum();
            let (x, y1, y2) = (left + box_width, from_top + 6, from_top + 18);
            let _ = write!(out, r#"<path d="M{x} {y1}C{} {y1} {} {y2} {} {y2}"/>"#, x + 26, x + 26, x + 6);
            arrowhead(&mut out, "head", f64::from(x), f64::from(y2), -1.0, 0.0);
            text(&mut out, "el", x + 32 + others, y1 + 10, &label);
        } else if edge.to > edge.from {
            let x = left + 18;
            let (y1, y2) = (from_top + box_height(&nodes[edge.from]), to_top);
            let _ = write!(out, r#"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"/>"#);
            arrowhead(&mut out, "head", f64::from(x), f64::from(y2), 0.0, 1.0);
            if edge.to == edge.from + 1 {
                text(&mut out, "el", x + 12, (y1 + y2) / 2 + 4, &label);
            } else {
                // Forward past other states: impossible when states are
                // numbered by first appearance; drawn plainly all the same.
                text(&mut out, "el", x + 12, y1 + 14, &label);
            }
        } else {
            // Back up a lane on the left, into the earlier box's side.
            let x = left - LANE * (lane + 1);
            lane += 1;
            let (y1, y2) = (from_top + box_height(&nodes[edge.from]) / 2, to_top + box_height(&nodes[edge.to]) / 2);
            let _ = write!(out, r#"<path d="M{left} {y1}H{x}V{y2}H{}"/>"#, left - 1);
            arrowhead(&mut out, "head", f64::from(left), f64::from(y2), 1.0, 0.0);
            let (lx, ly) = (x - 3, (y1 + y2) / 2);
            let _ = write!(
                out,
                r#"<text class="el" x="{lx}" y="{ly}" text-anchor="middle" transform="rotate(-90 {lx} {ly})">{}</text>"#,
                escape(&label)
            );
        }
        out.push_str("</g>");
    }

    for (k, node) in nodes.iter().enumerate() {
        let mut class = vec!["state"];
        if k == 0 {
            class.push("init");
        }
        if loop_states.contains(&k) {
            class.push("loop");
        }
        let last = node_of.last() == Some(&k);
        match ending {
            Ending::Violation if last => class.push("bad"),
            Ending::Witness if last => class.push("goal"),
            _ => {}
        }
        let steps: Vec<String> = node.steps.iter().map(|s| s.to_string()).collect();
        let _ = write!(out, r#"<g class="{}" data-step="{}">"#, class.join(" "), steps.join(" "));
        // The box's lines untruncated; the full state is in the table of steps.
        let changes = change_lines(before(&trace.steps, node.steps[0]), node.state);
        title(&mut out, &format!("{}\n{}", heading(node), changes.join("\n")));
        let top = tops[k];
        let _ = write!(out, r#"<rect x="{left}" y="{top}" width="{box_width}" height="{}" rx="5"/>"#, box_height(node));
        text(&mut out, "sh", left + 8, top + 15, &heading(node));
        for (l, line) in node.lines.iter().enumerate() {
            text(&mut out, "sv", left + 8, top + 15 + LINE * (l as i32 + 1), &truncate(line, LINE_MAX));
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// `state 3`, or `states 2, 5` for a state the trace reaches twice.
pub(crate) fn heading(node: &Node) -> String {
    let numbers: Vec<String> = node.steps.iter().map(|s| (s + 1).to_string()).collect();
    let noun = if numbers.len() == 1 { "state" } else { "states" };
    format!("{noun} {}", numbers.join(", "))
}
