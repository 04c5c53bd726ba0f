//! Trace files for Graphviz: the state graph of a trace in DOT.
//!
//! The same graph as the report's [`crate::svg::graph`]: one box per distinct
//! state, showing what changed on the way in (the initial state shows every
//! variable), an edge per step labelled with its action, and for a lasso a
//! bold edge back to where the cycle starts. `dot -Tsvg trace.dot` draws it.

#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::svg::graph::{heading, structure, Structure};
use crate::svg::Ending;
use crate::{CheckTrace, SpecRun};

/// The DOT file of one trace of `run`.
pub fn dot(run: &SpecRun, shown: &CheckTrace) -> String {
    let Structure { nodes, node_of, edges, loop_states } = structure(shown.trace, shown.ending);
    let mut out = String::new();
    let title = format!("{}: {} ({})", shown.heading(), run.spec, run.model);
    let _ = writeln!(out, "digraph trace {{");
    let _ = writeln!(out, "  graph [label={}, labelloc=t, fontname=\"Helvetica\", rankdir=TB];", quote(&title));
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Courier\", fontsize=10];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    for (k, node) in nodes.iter().enumerate() {
        let mut label = heading(node);
        for line in &node.lines {
            label.push('\n');
            label.push_str(line);
        }
        let last = node_of.last() == Some(&k);
        let fill = match shown.ending {
            Ending::Violation if last => Some("#ffe3e3"),
            Ending::Witness if last => Some("#d3f9d8"),
            _ if loop_states.contains(&k) => Some("#fff4e6"),
            _ if k == 0 => Some("#e7f5ff"),
            _ => None,
        };
        let fill = fill.map_or(String::new(), |color| format!(", fillcolor=\"{color}\""));
        let _ = writeln!(out, "  s{} [label={}{fill}];", k + 1, left_justified(&label));
    }
    for edge in &edges {
        let style = if edge.closes_loop { ", color=\"#d9480f\", fontcolor=\"#d9480f\", style=bold" } else { "" };
        let _ = writeln!(out, "  s{} -> s{} [label={}{style}];", edge.from + 1, edge.to + 1, quote(&edge.label));
    }
    out.push_str("}\n");
    out
}

/// A DOT string: quotes and backslashes escaped, newlines as `\n` (centred lines).
fn quote(text: &str) -> String {
    escaped(text, "\\n", "")
}

/// A DOT string whose lines are left-justified: each ends with `\l`.
fn left_justified(text: &str) -> String {
    escaped(text, "\\l", "\\l")
}

fn escaped(text: &str, newline: &str, end: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str(newline),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push_str(end);
    out.push('"');
    out
}
