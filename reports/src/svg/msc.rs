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
//! where they were lost.
//!
//! Faults that change who can act and who can reach whom: a crash is a cross
//! on the lifeline and a restart a ring, and between them the lifeline is
//! drawn as down (to the end of the trace if the node never restarts). A
//! partition tints each side's lifelines as a group, from the row of the step
//! that splits the network to the row of the step that heals it (or the end
//! of the trace), with a label naming the sides where it starts and `heal`
//! where it ends.
//!
//! Layout: the left gutter holds the state number and the action of each row,
//! the lifelines are evenly spaced columns, and a lasso's loop is a bracket on
//! the right from its last row back to its first. Each label goes to the first
//! of a list of candidate spots that covers nothing drawn or placed before it:
//! the notes of faults first (crash, restart, duplication, partition, heal),
//! then the message labels in arrow order. Covered means overlapping a label,
//! an activation box, a fault mark or a node's name, or crossing an arrow
//! other than the label's own; a note also stays off the chart's margins.
//! Where every spot is covered, the least covered one wins.

use std::fmt::Write;

use checker::spec::{Envelope, Partition};
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
/// Longest partition label (`partition {a, b} | {c}`), in characters.
const PARTITION_MAX: usize = 40;
/// Where along its arrow a message label may sit, in twentieths of the way
/// from the sender, best first.
const ALONG: [i32; 15] = [12, 11, 13, 10, 14, 9, 15, 8, 16, 7, 17, 6, 18, 5, 4];
/// How much wider each try makes the columns, when labels need room.
const WIDEN: i32 = 2 * CHAR;
/// How many times the columns may widen.
const WIDENINGS: i32 = 8;
/// The most arrows a chart may have for its columns to widen.
const WIDEN_ARROWS_MAX: usize = 100;
/// Width of the right margin, where a lasso's loop bracket goes.
const RIGHT: i32 = 44;

/// The sequence chart of `trace`, or `None` when the model names no nodes
/// (it does not implement [`checker::spec::Model::nodes`]).
pub fn msc(trace: &Trace, ending: Ending) -> Option<String> {
    draw(trace, ending).map(|chart| chart.svg)
}

/// A chart, with where its labels and arrows went (for the layout tests).
pub(crate) struct Drawn {
    pub(crate) svg: String,
    /// How many times a label covers another or crosses an arrow not its
    /// own: 0 when the layout is clean.
    pub(crate) covered: usize,
    /// How many partition labels say only `partition`, for want of room
    /// to name the sides.
    shortened: usize,
    /// Every label the layout placed: the notes of faults, then the
    /// message labels.
    #[cfg(test)]
    pub(crate) labels: Vec<Placed>,
    /// The straight pieces of every arrow and of the loop bracket.
    #[cfg(test)]
    pub(crate) segments: Vec<Segment>,
}

/// A label where the layout put it.
#[cfg(test)]
pub(crate) struct Placed {
    pub(crate) text: String,
    pub(crate) area: Area,
    /// The arrow the label names (an index into the arrows), which it may sit on.
    pub(crate) arrow: Option<usize>,
}

/// Draws the chart; see [`msc`]. Columns are as narrow as the nodes' names
/// allow, and wider when labels need the room: a label between two
/// lifelines has little room beside an arrow that crosses its own, and a
/// partition's label names its sides only where they fit. So the columns
/// widen step by step until every label is clear and whole, or else the
/// try that leaves the fewest covered (then the fewest cut short) wins.
pub(crate) fn draw(trace: &Trace, ending: Ending) -> Option<Drawn> {
    let nodes = nodes(trace);
    if nodes.is_empty() || trace.steps.is_empty() {
        return None;
    }
    let narrowest =
        nodes.iter().map(|name| chars(&truncate(name, NODE_MAX)) as i32 * CHAR + 24).max().unwrap_or(0).max(104);
    // A chart of many arrows is laid out once: each try costs more than
    // the room it could win.
    let widenings = if arrows(trace).len() <= WIDEN_ARROWS_MAX { WIDENINGS } else { 0 };
    let mut best: Option<Drawn> = None;
    for column in (0..=widenings).map(|k| narrowest + k * WIDEN) {
        let drawn = draw_with(trace, ending, &nodes, column);
        let clear = drawn.covered == 0 && drawn.shortened == 0;
        if best.as_ref().is_none_or(|best| (drawn.covered, drawn.shortened) < (best.covered, best.shortened)) {
            best = Some(drawn);
        }
        if clear {
            break;
        }
    }
    best
}

/// Draws the chart with columns `column` wide.
fn draw_with(trace: &Trace, ending: Ending, nodes: &[String], column: i32) -> Drawn {
    let n = trace.steps.len() as i32;
    let labels: Vec<String> = trace
        .steps
        .iter()
        .map(|s| s.action.as_ref().map_or("Initial state".to_string(), |a| a.label.clone()))
        .collect();
    let number_width = CHAR * chars(&n.to_string()) as i32;
    let action_width = labels.iter().map(|l| chars(&truncate(l, ACTION_MAX))).max().unwrap_or(0) as i32 * CHAR;
    let gutter = 8 + number_width + 8 + action_width + 16;
    let width = gutter + column * nodes.len() as i32 + RIGHT;
    let height = HEAD + n * ROW + FOOT;
    // Where the lifelines end, and with them what lasts to the end of the trace.
    let bottom = height - 6;
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

    // Partitions: each side's lifelines tinted as a group while it lasts, a
    // tint per side; a side whose lifelines are not adjacent is several bands.
    let splits = splits(trace, nodes.len(), &index);
    for split in &splits {
        let (top, end) = (y(split.start), split.end.map_or(bottom, y));
        let _ = write!(out, r#"<g class="part" data-from="{}">"#, split.start);
        for (k, runs) in split.runs.iter().enumerate() {
            for &(first, last) in runs {
                let _ = write!(
                    out,
                    r#"<rect class="side s{}" x="{}" y="{top}" width="{}" height="{}" rx="6"/>"#,
                    k % 3,
                    gutter + column * first as i32 + 6,
                    column * (last - first + 1) as i32 - 12,
                    end - top
                );
            }
        }
        out.push_str("</g>");
    }

    // Lifelines, down from a crash to the restart after it, and the nodes' names.
    let downs = downs(trace, nodes.len(), &index);
    for (j, name) in nodes.iter().enumerate() {
        let cx = x(j);
        let mut from = HEAD - 6;
        for &(crash, restart) in &downs[j] {
            let (down, up) = (y(crash), restart.map_or(bottom, y));
            let _ = write!(out, r#"<line class="life" x1="{cx}" y1="{from}" x2="{cx}" y2="{down}"/>"#);
            let _ = write!(out, r#"<line class="life down" x1="{cx}" y1="{down}" x2="{cx}" y2="{up}"/>"#);
            from = up;
        }
        if from < bottom {
            let _ = write!(out, r#"<line class="life" x1="{cx}" y1="{from}" x2="{cx}" y2="{bottom}"/>"#);
        }
        let shown = truncate(name, NODE_MAX);
        let box_width = node_box(&shown);
        let _ = write!(
            out,
            r#"<rect class="node" x="{}" y="6" width="{box_width}" height="22" rx="4"/>"#,
            cx - box_width / 2
        );
        let _ = write!(out, r#"<text class="nn" x="{cx}" y="21">{}</text>"#, escape(&shown));
    }

    // What labels keep clear of: the activation boxes, fault marks and
    // nodes' names, the loop bracket, and every arrow but their own.
    let mut taken: Vec<Area> = trace
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| step.messages.actor.as_ref().map(|actor| (i, x(index(actor)))))
        .map(|(i, cx)| Area { left: cx - 5, right: cx + 5, top: y(i) - 8, bottom: y(i) + 8 })
        .collect();
    for (i, step) in trace.steps.iter().enumerate() {
        for node in step.messages.crashed.iter().chain(&step.messages.restarted) {
            let (cx, cy) = (x(index(node)), y(i));
            taken.push(Area { left: cx - 8, right: cx + 8, top: cy - 8, bottom: cy + 8 });
        }
    }
    for (j, name) in nodes.iter().enumerate() {
        let half = node_box(&truncate(name, NODE_MAX)) / 2;
        taken.push(Area { left: x(j) - half, right: x(j) + half, top: 6, bottom: 28 });
    }
    let mut segments = Vec::new();
    if let Ending::Loop(start) = ending {
        let (area, bracket) = loop_bracket(&mut out, width, y(start), y(trace.steps.len() - 1), start);
        taken.push(area);
        segments.extend(bracket);
    }
    let arrows = arrows(trace);
    let lines: Vec<Line> = arrows
        .iter()
        .map(|arrow| {
            let x1 = x(index(&arrow.envelope.from));
            let y1 = arrow.sent.map_or(HEAD + 2, y);
            let to = x(index(&arrow.envelope.to));
            match arrow.end {
                End::Delivered(step) => Line { x1, y1, x2: to, y2: y(step) },
                // Lost three quarters of the way, past any lifeline in between.
                End::Dropped(step) => Line { x1, y1, x2: x1 + (to - x1) * 3 / 4, y2: y(step) },
                End::Pending => Line { x1, y1, x2: to, y2: height - FOOT + 8 },
            }
        })
        .collect();
    for (k, (arrow, line)) in arrows.iter().zip(&lines).enumerate() {
        line.segments(k, &arrow.end, &mut segments);
    }
    let chart = Area { left: 0, right: width, top: 0, bottom: height };
    let mut layout = Layout {
        taken,
        segments,
        chart,
        covered: 0,
        #[cfg(test)]
        placed: Vec::new(),
    };

    // The notes of faults, placed before the message labels, which move off
    // them. A note stays out of the gutter and the right margin.
    let margins = Area { left: gutter, right: width - RIGHT, top: 0, bottom: height };
    let mut notes: Vec<(usize, Mark, Note)> = Vec::new();
    let mut shortened = 0;
    for (i, step) in trace.steps.iter().enumerate() {
        let m = &step.messages;
        let ly = y(i) + 4;
        for node in &m.crashed {
            let restarts = m.restarted.contains(node);
            let text = if restarts { "crash, restart" } else { "crash" };
            let note = layout.place(&beside(x(index(node)), ly, "cl", text), &margins, None);
            notes.push((i, Mark::Crash { node, restarts }, note));
        }
        for node in m.restarted.iter().filter(|node| !m.crashed.contains(*node)) {
            let note = layout.place(&beside(x(index(node)), ly, "rl", "restart"), &margins, None);
            notes.push((i, Mark::Restart { node }, note));
        }
        for envelope in &m.duplicated {
            // Beside the sender's lifeline, on the side away from the
            // receiver, where the message's arrows are not; then on the
            // other side, a little above or below.
            let (from, to) = (x(index(&envelope.from)), x(index(&envelope.to)));
            let text = format!("2× {}", truncate(&envelope.label, MESSAGE_MAX));
            let right = Note::new("dl", from + 9, ly, Anchor::Start, &text);
            let left = Note::new("dl", from - 9, ly, Anchor::End, &text);
            let sides = if to < from { [right, left] } else { [left, right] };
            // Failing those, beside the receiver's, away from the sender.
            let receiver = if to < from {
                Note::new("dl", to - 9, ly, Anchor::End, &text)
            } else {
                Note::new("dl", to + 9, ly, Anchor::Start, &text)
            };
            let candidates: Vec<Note> = [0, -14, 14, -28, 28]
                .into_iter()
                .flat_map(|dy| sides.iter().map(move |note| note.moved(dy)))
                .chain([0, -14, 14].map(|dy| receiver.moved(dy)))
                .collect();
            notes.push((i, Mark::Duplicate { envelope }, layout.place(&candidates, &margins, None)));
        }
        if m.partition == Some(Partition::Heal) {
            // Where the sides of the partition it ends were, else anywhere.
            let starts = splits.iter().find(|s| s.end == Some(i)).map_or_else(Vec::new, |s| s.starts(gutter, column));
            let note = layout.place(&along(&starts, nodes.len(), &x, ly, "pl", "heal"), &margins, None);
            notes.push((i, Mark::Heal, note));
        }
        if let Some(split) = splits.iter().find(|s| s.start == i) {
            // The sides, cut to fit the chart; where no spot is clear for
            // them, just `partition` (its prefix, so never more covered).
            // The tooltip names the sides whole.
            let longest = ((column * nodes.len() as i32 - 20) / CHAR).max(1) as usize;
            let text = truncate(&split.label, PARTITION_MAX.min(longest));
            let starts = split.starts(gutter, column);
            let mut candidates = along(&starts, nodes.len(), &x, ly, "pl", &text);
            if layout.clear(&candidates, &margins, None) == 0 {
                candidates = along(&starts, nodes.len(), &x, ly, "pl", "partition");
                shortened += 1;
            }
            notes.push((i, Mark::Split { split }, layout.place(&candidates, &margins, None)));
        }
    }

    // Message labels: each one's spots, best first, within its bounds, and
    // where it goes if none is inside them.
    let spots: Vec<(Vec<Note>, Area, Note)> = arrows
        .iter()
        .zip(&lines)
        .map(|(arrow, line)| {
            let label = truncate(&arrow.envelope.label, MESSAGE_MAX);
            let half = chars(&label) as i32 * CHAR / 2;
            let at = |lx: i32, ly: i32| Note::new("ml", lx, ly, Anchor::Middle, &label);
            let Line { x1, y1, x2, y2 } = *line;
            if x1 == x2 {
                // To itself: right of the loop, or left of the lifeline when
                // the chart's edge is near, moving up or down off other
                // labels; failing all, left of the lifeline.
                let middle = (y1 + y2) / 2 + 4;
                let sides = [x1 + 40 + half, x1 - 10 - half];
                let candidates: Vec<Note> = [0, -12, 12, -24, 24, -36, 36]
                    .into_iter()
                    .flat_map(|dy| sides.map(|lx| at(lx, middle + dy)))
                    .collect();
                let inside = Area { left: gutter, right: width - 2, top: 0, bottom: height };
                (candidates, inside, at(x1 - 10 - half, middle))
            } else {
                // Three fifths of the way, nearer the receiver, so that the
                // arrows of a broadcast spread their labels apart; else
                // sliding along the arrow, then along just below or above
                // it, then beside it (left or right), then a row's height
                // off it. Failing all, the least covered spot.
                let spot = |((dx, dy), twentieths): ((i32, i32), i32)| {
                    at(x1 + (x2 - x1) * twentieths / 20 + dx, y1 + (y2 - y1) * twentieths / 20 - 4 + dy)
                };
                let aside = half + 6;
                let offsets =
                    [(0, 0), (0, 14), (0, -14), (-aside, 0), (aside, 0), (0, 28), (0, -28), (-aside, 14), (aside, 14)];
                let candidates: Vec<Note> = offsets
                    .into_iter()
                    .chain([(-aside, -14), (aside, -14)])
                    .flat_map(|offset| ALONG.map(|twentieths| (offset, twentieths)))
                    .map(spot)
                    .collect();
                (candidates, chart, spot(((0, 0), ALONG[0])))
            }
        })
        .collect();
    // The labels with the fewest clear spots are placed first, so that a
    // label with room to spare does not take the one spot of another; ties
    // in the arrows' order.
    let mut order: Vec<usize> = (0..arrows.len()).collect();
    order.sort_by_cached_key(|&k| layout.clear(&spots[k].0, &spots[k].1, Some(k)));
    let mut message_labels: Vec<Option<Note>> = vec![None; arrows.len()];
    for k in order {
        let (candidates, bounds, fallback) = &spots[k];
        message_labels[k] = Some(layout.place_or(candidates, bounds, Some(k), fallback.clone()));
    }

    // Messages.
    for (k, ((arrow, line), label)) in arrows.iter().zip(&lines).zip(message_labels).enumerate() {
        let Line { x1, y1, x2, y2 } = *line;
        let class = match arrow.end {
            End::Delivered(_) if arrow.duplicate => "msg dup",
            End::Delivered(_) if arrow.sent.is_none() => "msg early",
            End::Delivered(_) => "msg",
            End::Dropped(_) => "msg drop",
            End::Pending => "msg pending",
        };
        let _ = write!(out, r#"<g class="{class}">"#);
        title(&mut out, &arrow.describe());
        if x1 == x2 {
            // To itself: a loop out to the right of the lifeline.
            let _ = write!(out, r#"<path d="M{x1} {y1}C{} {y1} {} {y2} {} {y2}"/>"#, x1 + 36, x1 + 36, x2 + 6);
            arrowhead(&mut out, "head", f64::from(x2 + 6), f64::from(y2), -1.0, 0.0);
        } else {
            // Stop short of the activation box on the receiving lifeline.
            let (dx, dy) = (f64::from(x2 - x1), f64::from(y2 - y1));
            let (tx, ty) = line.tip(&arrow.end);
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
        }
        label.unwrap_or_else(|| panic!("reports bug: the label of arrow {k} was never placed")).write(&mut out);
        out.push_str("</g>");
    }

    // What each node does in each step: an activation box; then the notes
    // of faults with their marks.
    for (i, step) in trace.steps.iter().enumerate() {
        if let Some(actor) = &step.messages.actor {
            let _ = write!(
                out,
                r#"<rect class="act" data-step="{i}" x="{}" y="{}" width="10" height="16" rx="2">"#,
                x(index(actor)) - 5,
                y(i) - 8
            );
            title(&mut out, &format!("{}: {}", actor, labels[i]));
            out.push_str("</rect>");
        }
    }
    for (i, mark, note) in &notes {
        let (i, cy) = (*i, y(*i));
        match mark {
            Mark::Crash { node, restarts } => {
                let cx = x(index(node));
                let until = downs[index(node)].iter().find(|(crash, _)| *crash == i).map(|&(_, restart)| restart);
                let tooltip = match until {
                    _ if *restarts => format!("{node} crashes and restarts in state {}", i + 1),
                    Some(Some(up)) => format!("{node} crashes in state {}, down until state {}", i + 1, up + 1),
                    _ => format!("{node} crashes in state {} and stays down", i + 1),
                };
                out.push_str(r#"<g class="crash">"#);
                title(&mut out, &tooltip);
                let _ = write!(out, r#"<path d="M{} {}l14 14m0 -14l-14 14"/>"#, cx - 7, cy - 7);
                if *restarts {
                    let _ = write!(out, r#"<circle cx="{cx}" cy="{cy}" r="7"/>"#);
                }
            }
            Mark::Restart { node } => {
                let cx = x(index(node));
                out.push_str(r#"<g class="restart">"#);
                title(&mut out, &format!("{node} restarts in state {}", i + 1));
                let _ = write!(out, r#"<circle cx="{cx}" cy="{cy}" r="7"/>"#);
            }
            Mark::Duplicate { envelope } => {
                out.push_str(r#"<g class="dupmark">"#);
                title(&mut out, &format!("the network duplicates {}", describe(envelope)));
            }
            Mark::Split { split } => {
                let _ = write!(out, r#"<g class="partmark" data-from="{}">"#, split.start);
                let lasts = match split.end {
                    Some(end) => format!("until state {}", end + 1),
                    None => "to the end of the trace".to_string(),
                };
                title(&mut out, &format!("the network is split {} from state {} {lasts}", split.sides, i + 1));
            }
            Mark::Heal => {
                out.push_str(r#"<g class="partmark heal">"#);
                title(&mut out, &format!("the partition heals in state {}", i + 1));
            }
        }
        note.write(&mut out);
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    Drawn {
        svg: out,
        covered: layout.covered,
        shortened,
        #[cfg(test)]
        labels: layout.placed,
        #[cfg(test)]
        segments: layout.segments,
    }
}

/// The width of a node's name box.
fn node_box(shown: &str) -> i32 {
    (chars(shown) as i32 * CHAR + 16).max(36)
}

/// The chart's nodes: those the steps name, in order of first appearance,
/// then any node a step's messages or faults mention that no step lists.
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
        m.actor.iter().chain(&m.crashed).chain(&m.restarted).for_each(&mut add);
        for envelope in m.sent.iter().chain(&m.delivered).chain(&m.dropped).chain(&m.duplicated) {
            add(&envelope.from);
            add(&envelope.to);
        }
        if let Some(Partition::Split(sides)) = &m.partition {
            sides.iter().flatten().for_each(&mut add);
        }
    }
    nodes
}

/// For each node (by index), when it is down: `(crash, restart)` steps, in
/// order, `None` for a node still down at the end of the trace. A crash and a
/// restart in the same step leave the node up; a crash of a node already
/// down and a restart of one that is up say nothing new.
fn downs(trace: &Trace, nodes: usize, index: &dyn Fn(&str) -> usize) -> Vec<Vec<(usize, Option<usize>)>> {
    let mut downs: Vec<Vec<(usize, Option<usize>)>> = vec![Vec::new(); nodes];
    for (i, step) in trace.steps.iter().enumerate() {
        let m = &step.messages;
        for node in m.crashed.iter().filter(|node| !m.restarted.contains(*node)) {
            let spans = &mut downs[index(node)];
            if !matches!(spans.last(), Some((_, None))) {
                spans.push((i, None));
            }
        }
        for node in m.restarted.iter().filter(|node| !m.crashed.contains(*node)) {
            if let Some((_, up @ None)) = downs[index(node)].last_mut() {
                *up = Some(i);
            }
        }
    }
    downs
}

/// A partition of the chart: from the step that split the network to the
/// step that healed it or split it anew (`None`: the end of the trace).
struct Split {
    start: usize,
    end: Option<usize>,
    /// Each side's lifelines as runs of adjacent columns `(first, last)`,
    /// sides in the model's order; a node is in the first side that lists it.
    runs: Vec<Vec<(usize, usize)>>,
    /// The sides as the label shows them: `{r1, c1} | {r2, c2}`.
    sides: String,
    /// `partition {r1, c1} | {r2, c2}`.
    label: String,
}

impl Split {
    /// Where a label may start in each of the partition's bands.
    fn starts(&self, gutter: i32, column: i32) -> Vec<i32> {
        self.runs.iter().flatten().map(|&(first, _)| gutter + column * first as i32 + 10).collect()
    }
}

/// The partitions of the trace, in order.
fn splits(trace: &Trace, nodes: usize, index: &dyn Fn(&str) -> usize) -> Vec<Split> {
    let mut splits: Vec<Split> = Vec::new();
    for (i, step) in trace.steps.iter().enumerate() {
        let Some(change) = &step.messages.partition else { continue };
        if let Some(open) = splits.last_mut().filter(|s| s.end.is_none()) {
            open.end = Some(i);
        }
        let Partition::Split(sides) = change else { continue };
        let mut side_of: Vec<Option<usize>> = vec![None; nodes];
        for (k, side) in sides.iter().enumerate() {
            for node in side {
                side_of[index(node)].get_or_insert(k);
            }
        }
        let runs = (0..sides.len())
            .map(|k| {
                let mut runs: Vec<(usize, usize)> = Vec::new();
                for j in (0..nodes).filter(|&j| side_of[j] == Some(k)) {
                    match runs.last_mut() {
                        Some((_, last)) if *last + 1 == j => *last = j,
                        _ => runs.push((j, j)),
                    }
                }
                runs
            })
            .collect();
        let shown: Vec<String> = sides.iter().map(|side| format!("{{{}}}", side.join(", "))).collect();
        let sides = shown.join(" | ");
        splits.push(Split { start: i, end: None, runs, label: format!("partition {sides}"), sides });
    }
    splits
}

/// What a note of a fault marks.
enum Mark<'a> {
    Crash { node: &'a str, restarts: bool },
    Restart { node: &'a str },
    Duplicate { envelope: &'a Envelope },
    Split { split: &'a Split },
    Heal,
}

/// The spots for a note about the lifeline at `cx` on the baseline `ly`:
/// right of the lifeline, then left of it, then a little above or below.
fn beside(cx: i32, ly: i32, class: &'static str, text: &str) -> Vec<Note> {
    let right = Note::new(class, cx + 10, ly, Anchor::Start, text);
    let left = Note::new(class, cx - 10, ly, Anchor::End, text);
    [0, -14, 14].into_iter().flat_map(|dy| [right.moved(dy), left.moved(dy)]).collect()
}

/// The spots for a note across the lifelines on the baseline `ly`: starting
/// at each of `starts` (inside a partition's bands), then right of each
/// lifeline; on the row, then a little above or below.
fn along(
    starts: &[i32],
    nodes: usize,
    x: &dyn Fn(usize) -> i32,
    ly: i32,
    class: &'static str,
    text: &str,
) -> Vec<Note> {
    let lefts: Vec<i32> = starts.iter().copied().chain((0..nodes).map(|j| x(j) + 10)).collect();
    [0, -14, 14]
        .into_iter()
        .flat_map(|dy| lefts.iter().map(move |&lx| Note::new(class, lx, ly + dy, Anchor::Start, text)))
        .collect()
}

/// The labels placed so far and what they keep clear of.
struct Layout {
    /// Areas no label may cover: activation boxes, marks, names, placed labels.
    taken: Vec<Area>,
    /// Pieces of arrows no label may cross, but its own arrow's.
    segments: Vec<Segment>,
    /// The whole chart, which no label leaves unless it must.
    chart: Area,
    /// The sum of what each placed label covered.
    covered: usize,
    #[cfg(test)]
    placed: Vec<Placed>,
}

impl Layout {
    /// The first of `candidates` inside `bounds` that covers the least,
    /// else the first inside the chart that does, else the first.
    fn place(&mut self, candidates: &[Note], bounds: &Area, arrow: Option<usize>) -> Note {
        self.place_or(candidates, bounds, arrow, candidates[0].clone())
    }

    /// [`Layout::place`], with `fallback` if no candidate is inside the chart.
    fn place_or(&mut self, candidates: &[Note], bounds: &Area, arrow: Option<usize>, fallback: Note) -> Note {
        let best = |within: &Area| {
            let inside: Vec<&Note> = candidates.iter().filter(|note| note.area.inside(within)).collect();
            let near = self.near(&inside, arrow);
            inside.into_iter().min_by_key(|note| near.cost(&note.area)).cloned()
        };
        let best = best(bounds).or_else(|| best(&self.chart)).unwrap_or(fallback);
        self.covered += self.near(&[&best], arrow).cost(&best.area);
        self.taken.push(best.area);
        #[cfg(test)]
        self.placed.push(Placed { text: best.text.clone(), area: best.area, arrow });
        best
    }

    /// How many of `candidates` inside `bounds` would cover nothing now.
    fn clear(&self, candidates: &[Note], bounds: &Area, arrow: Option<usize>) -> usize {
        let inside: Vec<&Note> = candidates.iter().filter(|note| note.area.inside(bounds)).collect();
        let near = self.near(&inside, arrow);
        inside.iter().filter(|note| near.cost(&note.area) == 0).count()
    }

    /// What a label at any of `spots` could cover: the areas and the pieces
    /// of arrows other than its own that reach the rectangle around them,
    /// so that a long trace's far rows cost nothing per spot.
    fn near(&self, spots: &[&Note], arrow: Option<usize>) -> Near<'_> {
        let reach = Area {
            left: spots.iter().map(|n| n.area.left).min().unwrap_or(0),
            right: spots.iter().map(|n| n.area.right).max().unwrap_or(0),
            top: spots.iter().map(|n| n.area.top).min().unwrap_or(0),
            bottom: spots.iter().map(|n| n.area.bottom).max().unwrap_or(0),
        };
        Near {
            areas: self.taken.iter().filter(|t| t.overlaps(&reach)).collect(),
            segments: self.segments.iter().filter(|s| Some(s.arrow) != arrow && s.near(&reach)).collect(),
        }
    }
}

/// The obstacles near a label's spots ([`Layout::near`]).
struct Near<'a> {
    areas: Vec<&'a Area>,
    segments: Vec<&'a Segment>,
}

impl Near<'_> {
    /// How much a label over `area` would cover: areas overlapped and
    /// pieces of other arrows crossed.
    fn cost(&self, area: &Area) -> usize {
        let areas = self.areas.iter().filter(|t| t.overlaps(area)).count();
        let arrows = self.segments.iter().filter(|s| s.crosses(area)).count();
        areas + arrows
    }
}

/// How a note's text stands on its `x`.
#[derive(Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// A label at one spot: where its text is anchored, and the area it covers.
#[derive(Clone)]
struct Note {
    class: &'static str,
    x: i32,
    y: i32,
    anchor: Anchor,
    text: String,
    area: Area,
}

impl Note {
    fn new(class: &'static str, x: i32, y: i32, anchor: Anchor, text: &str) -> Note {
        let length = chars(text) as i32 * CHAR;
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - length / 2,
            Anchor::End => x - length,
        };
        // The font's ascent above the baseline and its descent below.
        let area = Area { left, right: left + length, top: y - 11, bottom: y + 3 };
        Note { class, x, y, anchor, text: text.to_string(), area }
    }

    fn moved(&self, dy: i32) -> Note {
        Note::new(self.class, self.x, self.y + dy, self.anchor, &self.text)
    }

    /// The `<text>` element. The stylesheet centres message labels (`ml`)
    /// and starts other text at its `x`; the element says so otherwise.
    fn write(&self, out: &mut String) {
        let anchor = match (self.class == "ml", self.anchor) {
            (true, Anchor::Middle) | (false, Anchor::Start) => "",
            (_, Anchor::Start) => r#" text-anchor="start""#,
            (_, Anchor::Middle) => r#" text-anchor="middle""#,
            (_, Anchor::End) => r#" text-anchor="end""#,
        };
        let _ = write!(
            out,
            r#"<text class="{}" x="{}" y="{}"{anchor}>{}</text>"#,
            self.class,
            self.x,
            self.y,
            escape(&self.text)
        );
    }
}

/// The loop of a lasso: a bracket in the right margin from the last row back
/// up to the first row of the cycle. Returns the area of its label and the
/// pieces of the bracket.
fn loop_bracket(out: &mut String, width: i32, top: i32, bottom: i32, start: usize) -> (Area, [Segment; 3]) {
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
    // Turned a quarter left, the label reads upwards from its baseline point,
    // its ascent to the left.
    let area = Area { left: lx - 11, right: lx + 3, top: ly - 4 * CHAR, bottom: ly };
    let piece = |x1: i32, y1: i32, x2: i32, y2: i32| Segment::new(usize::MAX, x1, y1, x2, y2);
    (area, [piece(near, bottom, far, bottom), piece(far, bottom, far, top), piece(far, top, near, top)])
}

/// A rectangle of the chart that a label covers or must not cover.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Area {
    pub(crate) left: i32,
    pub(crate) right: i32,
    pub(crate) top: i32,
    pub(crate) bottom: i32,
}

impl Area {
    pub(crate) fn overlaps(&self, other: &Area) -> bool {
        self.left < other.right && other.left < self.right && self.top < other.bottom && other.top < self.bottom
    }

    fn inside(&self, bounds: &Area) -> bool {
        self.left >= bounds.left && self.right <= bounds.right && self.top >= bounds.top && self.bottom <= bounds.bottom
    }
}

/// A straight piece of an arrow (or of the loop bracket, arrow
/// `usize::MAX`), which labels other than the arrow's own keep off.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segment {
    pub(crate) arrow: usize,
    pub(crate) from: (f64, f64),
    pub(crate) to: (f64, f64),
}

impl Segment {
    fn new(arrow: usize, x1: i32, y1: i32, x2: i32, y2: i32) -> Segment {
        Segment { arrow, from: (f64::from(x1), f64::from(y1)), to: (f64::from(x2), f64::from(y2)) }
    }

    /// Whether the piece's bounding box meets `area`: it may cross it.
    fn near(&self, area: &Area) -> bool {
        let ((x1, y1), (x2, y2)) = (self.from, self.to);
        x1.min(x2) <= f64::from(area.right)
            && x1.max(x2) >= f64::from(area.left)
            && y1.min(y2) <= f64::from(area.bottom)
            && y1.max(y2) >= f64::from(area.top)
    }

    /// Whether the piece passes through the inside of `area` (touching its
    /// edge does not count): Liang and Barsky's clipping.
    pub(crate) fn crosses(&self, area: &Area) -> bool {
        let ((x1, y1), (x2, y2)) = (self.from, self.to);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let (mut enter, mut leave) = (0.0f64, 1.0f64);
        let edges = [
            (-dx, x1 - f64::from(area.left)),
            (dx, f64::from(area.right) - x1),
            (-dy, y1 - f64::from(area.top)),
            (dy, f64::from(area.bottom) - y1),
        ];
        for (p, q) in edges {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    enter = enter.max(t);
                } else {
                    leave = leave.min(t);
                }
            }
        }
        // A piece that only grazes a corner or an edge covers nothing.
        let inside = (leave - enter) * (dx * dx + dy * dy).sqrt();
        enter < leave && inside > 0.5
    }
}

/// Where an arrow runs: from its send to its end.
#[derive(Clone, Copy)]
struct Line {
    x1: i32,
    y1: i32,
    x2: i32,
    y2: i32,
}

impl Line {
    /// Where the arrow's line ends: a delivery stops short of the
    /// activation box on the receiving lifeline.
    fn tip(&self, end: &End) -> (f64, f64) {
        let Line { x1, y1, x2, y2 } = *self;
        let (dx, dy) = (f64::from(x2 - x1), f64::from(y2 - y1));
        let length = (dx * dx + dy * dy).sqrt();
        let inset = if matches!(end, End::Delivered(_)) { 6.0 } else { 0.0 };
        (f64::from(x2) - dx / length * inset, f64::from(y2) - dy / length * inset)
    }

    /// The arrow's pieces: its line, or its loop to itself in short
    /// chords, and its head or the cross of a lost message.
    fn segments(&self, arrow: usize, end: &End, out: &mut Vec<Segment>) {
        let Line { x1, y1, x2, y2 } = *self;
        if x1 == x2 {
            // The cubic of the loop, from (x1, y1) through two controls 36 to
            // the right, to just right of the lifeline at y2.
            let point = |t: f64| {
                let u = 1.0 - t;
                let (cx, ex) = (f64::from(x1 + 36), f64::from(x2 + 6));
                let px = u * u * u * f64::from(x1) + 3.0 * u * u * t * cx + 3.0 * u * t * t * cx + t * t * t * ex;
                let py = (u * u * u + 3.0 * u * u * t) * f64::from(y1) + (3.0 * u * t * t + t * t * t) * f64::from(y2);
                (px, py)
            };
            for piece in 0..12 {
                let (from, to) = (point(f64::from(piece) / 12.0), point(f64::from(piece + 1) / 12.0));
                out.push(Segment { arrow, from, to });
            }
            out.extend(head(arrow, (f64::from(x2 + 6), f64::from(y2)), (-1.0, 0.0)));
        } else {
            let tip = self.tip(end);
            out.push(Segment { arrow, from: (f64::from(x1), f64::from(y1)), to: tip });
            if !matches!(end, End::Dropped(_)) {
                out.extend(head(arrow, tip, (f64::from(x2 - x1), f64::from(y2 - y1))));
            }
        }
        if matches!(end, End::Dropped(_)) {
            out.push(Segment::new(arrow, x2 - 5, y2 - 5, x2 + 5, y2 + 5));
            out.push(Segment::new(arrow, x2 + 5, y2 - 5, x2 - 5, y2 + 5));
        }
    }
}

/// The sides of an arrowhead with its tip at `tip`, pointing along
/// `(dx, dy)`, as [`arrowhead`] draws it.
fn head(arrow: usize, (x, y): (f64, f64), (dx, dy): (f64, f64)) -> [Segment; 3] {
    let length = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (dx / length, dy / length);
    let (bx, by) = (x - 8.0 * ux, y - 8.0 * uy);
    let (px, py) = (-uy * 4.0, ux * 4.0);
    let corners = [(x, y), (bx + px, by + py), (bx - px, by - py)];
    [0, 1, 2].map(|k| Segment { arrow, from: corners[k], to: corners[(k + 1) % 3] })
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
