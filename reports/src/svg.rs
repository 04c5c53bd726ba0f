//! The charts of the HTML report, drawn as SVG by hand: the message sequence
//! chart of a trace ([`msc::msc`]) and the trace's state graph ([`graph::graph`]).
//!
//! Both are pure functions of a [`checker::Trace`] with a deterministic layout
//! on integer coordinates in a monospace font, so snapshots are stable and
//! labels never overlap. They carry classes, not colors: the report's
//! stylesheet paints them. Every name and value is escaped, so a chart is
//! well-formed XML whatever the model puts in its states.

pub mod graph;
pub mod history;
pub mod msc;

#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::markup::escape;

/// How a trace ends, which the charts mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The last state (or the step to it) violates the check.
    Violation,
    /// The last state witnesses a `Sometimes`.
    Witness,
    /// A lasso: the last state steps back to the state with this index, and
    /// the states from it on repeat forever.
    Loop(usize),
}

/// Height of one trace step in the sequence chart.
pub(crate) const ROW: i32 = 28;
/// Advance of one character of the charts' 11px monospace font, rounded up,
/// so that a label of `n` characters fits in `n * CHAR` pixels.
pub(crate) const CHAR: i32 = 7;

/// The opening tag of a chart of the given size, with an accessible name.
fn open(out: &mut String, class: &str, width: i32, height: i32, label: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="{class}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(label)
    );
}

/// A `<text>` element.
fn text(out: &mut String, class: &str, x: i32, y: i32, content: &str) {
    let _ = write!(out, r#"<text class="{class}" x="{x}" y="{y}">{}</text>"#, escape(content));
}

/// A `<title>` element: the tooltip of its parent.
fn title(out: &mut String, content: &str) {
    let _ = write!(out, "<title>{}</title>", escape(content));
}

/// An arrowhead with its tip at `(x, y)`, pointing along `(dx, dy)`.
fn arrowhead(out: &mut String, class: &str, x: f64, y: f64, dx: f64, dy: f64) {
    let length = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if length > 0.0 { (dx / length, dy / length) } else { (1.0, 0.0) };
    let (bx, by) = (x - 8.0 * ux, y - 8.0 * uy);
    let (px, py) = (-uy * 4.0, ux * 4.0);
    let _ = write!(
        out,
        r#"<path class="{class}" d="M{} {}L{} {}L{} {}Z"/>"#,
        coordinate(x),
        coordinate(y),
        coordinate(bx + px),
        coordinate(by + py),
        coordinate(bx - px),
        coordinate(by - py),
    );
}

/// A coordinate with at most one decimal, without a trailing `.0`.
fn coordinate(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}
