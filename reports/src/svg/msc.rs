//! The message sequence chart of a trace: one lifeline per node, one row per
//! state, and an arrow from each send to its delivery.
//!
//! What the model says about each step ([`checker::spec::Model::step_messages`])
//! is all the chart uses: the acting node gets a box on its lifeline, and a
//! delivery is matched to the earliest undelivered send of the same envelope
//! (sender, receiver, message), so the arrow slants down from the send's row
//! to the delivery's. A delivery of an envelope already delivered is a
//! duplicate (drawn in the duplicate style from the original send); one that
//! matches no send in the trace comes from above the first row. Sends never
//! delivered end, dashed, below the last row; dropped messages end in a cross
//! where they were lost; crashes are a cross on the lifeline.
//!
//! Layout: the left gutter holds the state number and the action of each row,
//! the lifelines are evenly spaced columns, and a lasso's loop is a bracket on
//! the right from its last row back to its first.

use std::fmt::Write;

use checker::spec::Envelope;
use checker::Trace;

use super::{arrowhead, open, text, title, Ending, CHAR, ROW};
use crate::markup::{chars, escape, truncate};

/// Top margin, where the nodes' names stand.
const HEAD: i32 = 36;
/// Space below the last row, where undelivered messages end.
const FOOT: i32 = 24;
/// Longest action label in the gutter, in characters.
const ACTION_MAX: usize = 34;
/// Longest message label on an arrow, in characters.
const MESSAGE_MAX: usize = 14;
/// Longest node name, in characters.
const NODE_MAX: usize = 14;
/// Width of the right margin, where a lasso's loop bracket goes.
const RIGHT: i32 = 44;

/// The sequence chart of `trace`, or `None` when the model names no nodes
/// (it does not implement [`checker::spec::Model::nodes`]).
pub fn msc(trace: &Trace, ending: Ending) -> Option<String> {
    let nodes = nodes(trace);
    if nodes.is_empty() || trace.steps.is_empty() {
        return None;
    }
    let n = trace.steps.len() as i32;
    let labels: Vec<String> = trace
        .steps
        .iter()
        .map(|s| s.action.as_ref().map_or("Initial state".to_string(), |a| a.label.clone()))
        .collect();
    let number_width = CHAR * chars(&n.to_string()) as i32;
    let action_width = labels.iter().map(|l| chars(&truncate(l, ACTION_MAX))).max().unwrap_or(0) as i32 * CHAR;
    let gutter = 8 + number_width + 8 + action_width + 16;
    let column =
        nodes.iter().map(|name| chars(&truncate(name, NODE_MAX)) as i32 * CHAR + 24).max().unwrap_or(0).max(104);
    let width = gutter + column * nodes.len() as i32 + RIGHT;
    let height = HEAD + n * ROW + FOOT;
    let x = |node: usize| gutter + column * node as i32 + column / 2;
    let y = |step: usize| HEAD + step as i32 * ROW + ROW / 2;
    let index = |name: &str| nodes.iter().position(|n| n == name).expect("reports bug: a node outside the chart");

    let mut out = String::new();
    let label = format!("Message sequence chart: {} nodes, {} states", nodes.len(), n);
    open(&mut out, "msc", width, height, &label);

    // Rows: a band per state, with its number and action in the gutter.
    out.push_str(r#"<g class="rows">"#);
    for (i, label) in labels.iter().enumerate() {
        let top = HEAD + i as i32 * ROW;
        let _ = write!(out, r#"<g class="row" data-step="{i}"><rect x="0" y="{top}" width="{width}" height="{ROW}"/>"#);
        text(&mut out, "n", 8 + number_width, y(i) + 4, &(i + 1).to_string());
        let shown = truncate(label, ACTION_MAX);
        text(&mut out, "a", 8 + number_width + 8, y(i) + 4, &shown);
        if shown != label.as_str() {
            title(&mut out, label);
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");

    // Lifelines and the nodes' names.
    for (j, name) in nodes.iter().enumerate() {
        let cx = x(j);
        let _ = write!(out, r#"<line class="life" x1="{cx}" y1="{}" x2="{cx}" y2="{}"/>"#, HEAD - 6, height - 6);
        let shown = truncate(name, NODE_MAX);
        let box_width = (chars(&shown) as i32 * CHAR + 16).max(36);
        let _ = write!(
            out,
            r#"<rect class="node" x="{}" y="6" width="{box_width}" height="22" rx="4"/>"#,
            cx - box_width / 2
        );
        let _ = write!(out, r#"<text class="nn" x="{cx}" y="21">{}</text>"#, escape(&shown));
    }

    if let Ending::Loop(start) = ending {
        loop_bracket(&mut out, width, y(start), y(trace.steps.len() - 1), start);
    }

    // Messages. Their labels keep clear of each other and of the activation boxes.
    let mut taken: Vec<Area> = trace
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| step.messages.actor.as_ref().map(|actor| (i, x(index(actor)))))
        .map(|(i, cx)| Area { left: cx - 5, right: cx + 5, top: y(i) - 8, bottom: y(i) + 8 })
        .collect();
    // The crash marks and duplication notes, drawn later, are known already.
    for (i, step) in trace.steps.iter().enumerate() {
        for node in &step.messages.crashed {
            let (cx, cy) = (x(index(node)), y(i));
            taken.push(Area { left: cx - 8, right: cx + 10 + 5 * CHAR, top: cy - 8, bottom: cy + 8 });
        }
        for envelope in &step.messages.duplicated {
            let (from, to) = (x(index(&envelope.from)), x(index(&envelope.to)));
            let width = (chars(&truncate(&envelope.label, MESSAGE_MAX)) as i32 + 3) * CHAR;
            let (left, right) = if to < from { (from + 9, from + 9 + width) } else { (from - 9 - width, from - 9) };
            taken.push(Area { left, right, top: y(i) - 6, bottom: y(i) + 6 });
        }
    }
    for arrow in arrows(trace) {
        let (x1, y1) = match arrow.sent {
            Some(step) => (x(index(&arrow.envelope.from)), y(step)),
            None => (x(index(&arrow.envelope.from)), HEAD + 2),
        };
        let to = x(index(&arrow.envelope.to));
        let (x2, y2, class) = match arrow.end {
            End::Delivered(step) if arrow.duplicate => (to, y(step), "msg dup"),
            End::Delivered(step) if arrow.sent.is_none() => (to, y(step), "msg early"),
            End::Delivered(step) => (to, y(step), "msg"),
            // Lost three quarters of the way, past any lifeline in between.
            End::Dropped(step) => (x1 + (to - x1) * 3 / 4, y(step), "msg drop"),
            End::Pending => (to, height - FOOT + 8, "msg pending"),
        };
        let _ = write!(out, r#"<g class="{class}">"#);
        title(&mut out, &arrow.describe());
        if x1 == x2 {
            // To itself: a loop out to the right of the lifeline.
            let _ = write!(out, r#"<path d="M{x1} {y1}C{} {y1} {} {y2} {} {y2}"/>"#, x1 + 36, x1 + 36, x2 + 6);
            arrowhead(&mut out, "head", f64::from(x2 + 6), f64::from(y2), -1.0, 0.0);
            // The label goes right of the loop, or left of the lifeline when
            // the chart's edge is near, moving up or down off other labels.
            let label = truncate(&arrow.envelope.label, MESSAGE_MAX);
            let half = chars(&label) as i32 * CHAR / 2;
            let middle = (y1 + y2) / 2 + 4;
            let sides = [x1 + 40 + half, x1 - 10 - half];
            let (lx, ly, area) = [0, -12, 12, -24, 24, -36, 36]
                .into_iter()
                .flat_map(|dy| sides.map(|lx| (lx, middle + dy)))
                .map(|(lx, ly)| (lx, ly, label_area(lx, ly, half)))
                .filter(|(_, _, area)| area.left >= gutter && area.right <= width - 2 && area.top >= 0)
                .min_by_key(|(_, _, area)| taken.iter().filter(|t| t.overlaps(area)).count())
                .unwrap_or_else(|| {
                    let lx = x1 - 10 - half;
                    (lx, middle, label_area(lx, middle, half))
                });
            taken.push(area);
            text(&mut out, "ml", lx, ly, &label);
        } else {
            // Stop short of the activation box on the receiving lifeline.
            let (dx, dy) = (f64::from(x2 - x1), f64::from(y2 - y1));
            let length = (dx * dx + dy * dy).sqrt();
            let inset = if matches!(arrow.end, End::Delivered(_)) { 6.0 } else { 0.0 };
            let (tx, ty) = (f64::from(x2) - dx / length * inset, f64::from(y2) - dy / length * inset);
            let _ = write!(
                out,
                r#"<line x1="{x1}" y1="{y1}" x2="{}" y2="{}"/>"#,
                super::coordinate(tx),
                super::coordinate(ty)
            );
            if matches!(arrow.end, End::Dropped(_)) {
                let _ = write!(out, r#"<path class="x" d="M{} {}l10 10m0 -10l-10 10"/>"#, x2 - 5, y2 - 5);
            } else {
                arrowhead(&mut out, "head", tx, ty, dx, dy);
            }
            // The label sits three fifths of the way, nearer the receiver, so
            // that the arrows of a broadcast spread their labels apart; if
            // that spot is taken it slides along the arrow to a free one.
            let label = truncate(&arrow.envelope.label, MESSAGE_MAX);
            let half = chars(&label) as i32 * CHAR / 2;
            let at = |(tenths, dy): (i32, i32)| {
                let (lx, ly) = (x1 + (x2 - x1) * tenths / 10, y1 + (y2 - y1) * tenths / 10 - 4 + dy);
                (lx, ly, label_area(lx, ly, half))
            };
            // Tenths of the way, best first, on the arrow and then just below
            // or above it; failing all, the least covered spot.
            let spots = [0, 14, -14].into_iter().flat_map(|dy| [6, 5, 7, 4, 8, 3, 9, 2].map(|tenths| (tenths, dy)));
            let (lx, ly, area) = spots
                .map(at)
                .filter(|(_, _, area)| area.top >= 0 && area.bottom <= height)
                .min_by_key(|(_, _, area)| taken.iter().filter(|t| t.overlaps(area)).count())
                .unwrap_or_else(|| at((6, 0)));
            taken.push(area);
            let _ = write!(out, r#"<text class="ml" x="{lx}" y="{ly}">{}</text>"#, escape(&label));
        }
        out.push_str("</g>");
    }

    // What each node does in each step: an activation box, crashes, duplications.
    for (i, step) in trace.steps.iter().enumerate() {
        let m = &step.messages;
        if let Some(actor) = &m.actor {
            let _ = write!(
                out,
                r#"<rect class="act" data-step="{i}" x="{}" y="{}" width="10" height="16" rx="2">"#,
                x(index(actor)) - 5,
                y(i) - 8
            );
            title(&mut out, &format!("{}: {}", actor, labels[i]));
            out.push_str("</rect>");
        }
        for node in &m.crashed {
            let (cx, cy) = (x(index(node)), y(i));
            let _ = write!(out, r#"<g class="crash"><path d="M{} {}l14 14m0 -14l-14 14"/>"#, cx - 7, cy - 7);
            text(&mut out, "cl", cx + 10, cy + 4, "crash");
            out.push_str("</g>");
        }
        for envelope in &m.duplicated {
            // Beside the sender's lifeline, on the side away from the
            // receiver, where the message's arrows are not.
            let (from, to) = (x(index(&envelope.from)), x(index(&envelope.to)));
            let (lx, anchor) = if to < from { (from + 9, "start") } else { (from - 9, "end") };
            let _ = write!(out, r#"<g class="dupmark">"#);
            title(&mut out, &format!("the network duplicates {}", describe(envelope)));
            let label = escape(&truncate(&envelope.label, MESSAGE_MAX)).into_owned();
            let _ =
                write!(out, r#"<text class="dl" x="{lx}" y="{}" text-anchor="{anchor}">2× {label}</text>"#, y(i) + 4);
            out.push_str("</g>");
        }
    }
    out.push_str("</svg>");
    Some(out)
}

/// The chart's nodes: those the steps name, in order of first appearance,
/// then any node a step's messages mention that no step lists.
fn nodes(trace: &Trace) -> Vec<String> {
    let mut nodes: Vec<String> = Vec::new();
    let mut add = |name: &String| {
        if !nodes.contains(name) {
            nodes.push(name.clone());
        }
    };
    for step in &trace.steps {
        step.nodes.iter().for_each(&mut add);
    }
    for step in &trace.steps {
        let m = &step.messages;
        m.actor.iter().chain(&m.crashed).for_each(&mut add);
        for envelope in m.sent.iter().chain(&m.delivered).chain(&m.dropped).chain(&m.duplicated) {
            add(&envelope.from);
            add(&envelope.to);
        }
    }
    nodes
}

/// The loop of a lasso: a bracket in the right margin from the last row back
/// up to the first row of the cycle.
fn loop_bracket(out: &mut String, width: i32, top: i32, bottom: i32, start: usize) {
    let (near, far) = (width - RIGHT + 6, width - RIGHT + 18);
    // A cycle of one state still gets a visible bracket, within its row.
    let (top, bottom) = if top == bottom { (top - 6, bottom + 6) } else { (top, bottom) };
    out.push_str(r#"<g class="loop">"#);
    title(out, &format!("the states from {} on repeat forever", start + 1));
    let _ = write!(out, r#"<path d="M{near} {bottom}H{far}V{top}H{}"/>"#, near + 8);
    arrowhead(out, "head", f64::from(near), f64::from(top), -1.0, 0.0);
    let (lx, ly) = (far + 12, (top + bottom) / 2);
    let _ = write!(out, r#"<text class="ll" x="{lx}" y="{ly}" transform="rotate(-90 {lx} {ly})">loop</text>"#);
    out.push_str("</g>");
}

/// Where a message label centred at `lx` on the baseline `ly` is drawn: the
/// font's ascent and descent included.
fn label_area(lx: i32, ly: i32, half: i32) -> Area {
    Area { left: lx - half, right: lx + half, top: ly - 11, bottom: ly + 3 }
}

/// A rectangle of the chart that a label must not cover.
struct Area {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
}

impl Area {
    fn overlaps(&self, other: &Area) -> bool {
        self.left < other.right && other.left < self.right && self.top < other.bottom && other.top < self.bottom
    }
}

/// An arrow of the chart.
struct Arrow<'a> {
    envelope: &'a Envelope,
    /// The step that sent it, or `None` if no step of the trace did.
    sent: Option<usize>,
    end: End,
    /// A second delivery of the same envelope.
    duplicate: bool,
}

enum End {
    Delivered(usize),
    Dropped(usize),
    /// Not delivered by the end of the trace.
    Pending,
}

impl Arrow<'_> {
    fn describe(&self) -> String {
        let sent = match self.sent {
            Some(step) => format!("sent in state {}", step + 1),
            None => "sent before the trace".to_string(),
        };
        let end = match self.end {
            End::Delivered(step) if self.duplicate => format!("delivered again in state {}", step + 1),
            End::Delivered(step) => format!("delivered in state {}", step + 1),
            End::Dropped(step) => format!("lost in state {}", step + 1),
            End::Pending => "not delivered by the end of the trace".to_string(),
        };
        format!("{}, {sent}, {end}", describe(self.envelope))
    }
}

fn describe(envelope: &Envelope) -> String {
    format!("{} from {} to {}", envelope.message, envelope.from, envelope.to)
}

fn same(a: &Envelope, b: &Envelope) -> bool {
    a.from == b.from && a.to == b.to && a.message == b.message
}

/// Matches deliveries and losses to sends, step by step. Within a step,
/// losses come first, then duplications, deliveries and sends, so a step
/// that receives a request and sends the reply is drawn as it reads.
fn arrows(trace: &Trace) -> Vec<Arrow<'_>> {
    struct InFlight<'a> {
        envelope: &'a Envelope,
        sent: Option<usize>,
        copy: bool,
    }
    /// Takes the earliest copy of `envelope` still in flight.
    fn take<'a>(in_flight: &mut Vec<InFlight<'a>>, envelope: &Envelope) -> Option<InFlight<'a>> {
        in_flight.iter().position(|f| same(f.envelope, envelope)).map(|at| in_flight.remove(at))
    }
    let mut in_flight: Vec<InFlight> = Vec::new();
    let mut delivered: Vec<(&Envelope, Option<usize>)> = Vec::new();
    let mut arrows = Vec::new();
    for (i, step) in trace.steps.iter().enumerate() {
        let m = &step.messages;
        for envelope in &m.dropped {
            let (sent, copy) = take(&mut in_flight, envelope).map_or((None, false), |f| (f.sent, f.copy));
            arrows.push(Arrow { envelope, sent, end: End::Dropped(i), duplicate: copy });
        }
        for envelope in &m.duplicated {
            let sent = in_flight
                .iter()
                .find(|f| same(f.envelope, envelope))
                .map(|f| f.sent)
                .or_else(|| delivered.iter().rev().find(|(e, _)| same(e, envelope)).map(|(_, s)| *s))
                .flatten();
            in_flight.push(InFlight { envelope, sent, copy: true });
        }
        for envelope in &m.delivered {
            let arrow = match take(&mut in_flight, envelope) {
                Some(f) => Arrow { envelope, sent: f.sent, end: End::Delivered(i), duplicate: f.copy },
                None => match delivered.iter().rev().find(|(e, _)| same(e, envelope)) {
                    Some(&(_, sent)) => Arrow { envelope, sent, end: End::Delivered(i), duplicate: true },
                    None => Arrow { envelope, sent: None, end: End::Delivered(i), duplicate: false },
                },
            };
            delivered.push((envelope, arrow.sent));
            arrows.push(arrow);
        }
        for envelope in &m.sent {
            in_flight.push(InFlight { envelope, sent: Some(i), copy: false });
        }
    }
    for f in in_flight {
        arrows.push(Arrow { envelope: f.envelope, sent: f.sent, end: End::Pending, duplicate: f.copy });
    }
    arrows
}
