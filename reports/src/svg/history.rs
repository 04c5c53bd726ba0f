//! The history lane of a trace whose state records clients' operations (a
//! variable `history`: one record per invoked operation, `[id |-> "c1#1", op
//! |-> "Write", key |-> 0, value |-> 3, ret |-> "ok", after |-> {...}]`, as
//! `models/src/common/linearizability.rs` writes it): one row per client, each
//! operation an interval from the state where it was invoked to the state
//! where it returned, as Jepsen and Porcupine draw histories.
//!
//! When the history breaks a register's rules in one of two plain ways, the
//! operations involved are highlighted and a sentence says why:
//! - a read returned a value older than a write that had completed before the
//!   read was invoked ("stale read");
//! - a read returned an older value than a read that had completed before it
//!   was invoked ("new-old inversion").

use std::fmt::Write;

use checker::{Trace, Value};

use super::{open, title, CHAR};
use crate::markup::{escape, truncate};

/// Width of one state on the time axis.
const STEP: i32 = 30;
/// Height of one client's row.
const LANE: i32 = 30;
/// Top margin, where the state numbers stand.
const TOP: i32 = 22;

/// One operation of the history, as the trace shows it.
#[derive(Clone, Debug)]
struct Op {
    id: String,
    client: String,
    kind: String,
    key: Value,
    value: Option<Value>,
    /// What it returned, once it has.
    ret: Option<Value>,
    /// The operations that had returned when it was invoked.
    after: Vec<String>,
    /// The state where it first appears, and where it returned.
    invoked: usize,
    returned: Option<usize>,
}

impl Op {
    /// `Write(k0, 3)`, `Read(k0)`: an integer key is `k<key>`, as the models print it.
    fn call(&self) -> String {
        let key = match &self.key {
            Value::Int(k) => format!("k{k}"),
            other => other.to_string(),
        };
        match &self.value {
            Some(v) => format!("{}({key}, {v})", self.kind),
            None => format!("{}({key})", self.kind),
        }
    }

    fn describe(&self) -> String {
        match &self.ret {
            Some(Value::Str(ret)) => format!("{}: {} -> {ret}", self.id, self.call()),
            Some(ret) => format!("{}: {} -> {ret}", self.id, self.call()),
            None => format!("{}: {} (pending)", self.id, self.call()),
        }
    }

    fn is_read(&self) -> bool {
        self.kind == "Read"
    }
}

fn field<'a>(record: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    record.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn text_of(value: &Value) -> Option<&str> {
    match value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// The operations of the trace's `history` variable, with when each was
/// invoked and returned; `None` if the trace has no such variable.
fn operations(trace: &Trace) -> Option<Vec<Op>> {
    let mut ops: Vec<Op> = Vec::new();
    let mut seen = false;
    for (i, step) in trace.steps.iter().enumerate() {
        let Some((_, Value::Seq(records))) = step.state.iter().find(|(name, _)| *name == "history") else {
            continue;
        };
        seen = true;
        for record in records {
            let Value::Record(fields) = record else { return None };
            let id = text_of(field(fields, "id")?)?.to_string();
            let ret = field(fields, "ret")?;
            let ret = (text_of(ret) != Some("pending")).then(|| ret.clone());
            match ops.iter_mut().find(|op| op.id == id) {
                Some(op) => {
                    if op.returned.is_none() && ret.is_some() {
                        op.returned = Some(i);
                        op.ret = ret;
                    }
                }
                None => {
                    let after = match field(fields, "after") {
                        Some(Value::Set(ids)) => ids.iter().filter_map(text_of).map(str::to_string).collect(),
                        _ => Vec::new(),
                    };
                    ops.push(Op {
                        client: id.split('#').next().unwrap_or(&id).to_string(),
                        kind: text_of(field(fields, "op")?)?.to_string(),
                        key: field(fields, "key")?.clone(),
                        value: field(fields, "value").cloned(),
                        returned: ret.is_some().then_some(i),
                        ret,
                        after,
                        invoked: i,
                        id,
                    });
                }
            }
        }
    }
    (seen && !ops.is_empty()).then_some(ops)
}

/// The operations no linearization can order, and why; `None` if the
/// history breaks neither rule this lane explains.
fn explain(ops: &[Op]) -> Option<(Vec<usize>, String)> {
    let by_id = |id: &str| ops.iter().position(|op| op.id == id);
    // The write that wrote `value` to `key`, if any (else the value is the initial one).
    let writer = |key: &Value, value: &Value| {
        ops.iter().position(|op| !op.is_read() && &op.key == key && op.value.as_ref() == Some(value))
    };
    // Whether the value `older` must precede the write `w`: it is the initial
    // value, or its write had returned before `w` was invoked.
    let older_than = |key: &Value, older: &Value, w: usize| match writer(key, older) {
        None => true,
        Some(o) => ops[w].after.contains(&ops[o].id),
    };
    for (r, read) in ops.iter().enumerate() {
        let Some(got) = read.ret.as_ref().filter(|_| read.is_read()) else { continue };
        for earlier in read.after.iter().filter_map(|id| by_id(id)) {
            let before = &ops[earlier];
            if before.key != read.key {
                continue;
            }
            if !before.is_read() {
                let Some(written) = &before.value else { continue };
                if written != got && older_than(&read.key, got, earlier) {
                    let why = format!(
                        "{} {} returned {got} after {} {} had completed; {got} is older than {written}, so no \
                         linearization can order the read after the write.",
                        read.id,
                        read.call(),
                        before.id,
                        before.call()
                    );
                    return Some((vec![earlier, r], why));
                }
            } else if let (Some(newer), Some(w)) = (&before.ret, before.ret.as_ref().and_then(|v| writer(&read.key, v)))
            {
                if newer != got && older_than(&read.key, got, w) {
                    let why = format!(
                        "{} {} returned {got} after the read {} {} had returned {newer} and completed; {got} is \
                         older than {newer}, so no linearization can order the second read after the first.",
                        read.id,
                        read.call(),
                        before.id,
                        before.call()
                    );
                    return Some((vec![earlier, r], why));
                }
            }
        }
    }
    None
}

/// The history lane of `trace` and, when it can say, why the history is not
/// linearizable; `None` when the trace records no operations.
pub fn history(trace: &Trace) -> Option<(String, Option<String>)> {
    let ops = operations(trace)?;
    let (bad, why) = match explain(&ops) {
        Some((bad, why)) => (bad, Some(why)),
        None => (Vec::new(), None),
    };
    let mut clients: Vec<&str> = Vec::new();
    for op in &ops {
        if !clients.contains(&op.client.as_str()) {
            clients.push(&op.client);
        }
    }
    let several_keys = ops.iter().any(|op| op.key != ops[0].key);
    let n = trace.steps.len() as i32;
    let gutter = clients.iter().map(|c| c.chars().count() as i32).max().unwrap_or(0) * CHAR + 16;
    let width = gutter + n * STEP + 8;
    let height = TOP + clients.len() as i32 * LANE + 6;
    let x = |step: usize| gutter + step as i32 * STEP + STEP / 2;
    let mut out = String::new();
    open(&mut out, "history", width, height, &format!("History: {} operations", ops.len()));
    for i in 0..trace.steps.len() {
        let _ = write!(out, r#"<text class="hn" data-step="{i}" x="{}" y="14">{}</text>"#, x(i), i + 1);
    }
    for (c, client) in clients.iter().enumerate() {
        let y = TOP + c as i32 * LANE;
        let _ = write!(out, r#"<text class="hc" x="8" y="{}">{}</text>"#, y + LANE / 2 + 4, escape(client));
    }
    for (o, op) in ops.iter().enumerate() {
        let c = clients.iter().position(|c| *c == op.client).expect("a client of the history") as i32;
        let y = TOP + c * LANE + 6;
        let end = op.returned.unwrap_or(trace.steps.len() - 1);
        let (left, right) = (x(op.invoked) - STEP / 2 + 2, x(end) + STEP / 2 - 2);
        let mut class = String::from("op");
        if op.returned.is_none() {
            class.push_str(" pending");
        }
        if bad.contains(&o) {
            class.push_str(" bad");
        }
        let _ = write!(out, r#"<g class="{class}">"#);
        title(&mut out, &op.describe());
        let _ = write!(out, r#"<rect x="{left}" y="{y}" width="{}" height="{}" rx="3"/>"#, right - left, LANE - 10);
        // As Jepsen draws them: `w 3`, `r 0`, `r ?` while pending; the key
        // too when the history has several.
        let key = if several_keys {
            format!("{} ", op.call().split(['(', ',', ')']).nth(1).unwrap_or(""))
        } else {
            String::new()
        };
        let short = match (&op.ret, &op.value) {
            (_, Some(v)) if !op.is_read() => format!("w {key}{v}"),
            (Some(ret), _) => format!("r {key}{ret}"),
            (None, _) => format!("r {key}?"),
        };
        let fits = ((right - left - 6) / CHAR).max(1) as usize;
        let _ = write!(
            out,
            r#"<text class="ol" x="{}" y="{}">{}</text>"#,
            left + 3,
            y + (LANE - 10) / 2 + 4,
            escape(&truncate(&short, fits))
        );
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    Some((out, why))
}

#[cfg(test)]
mod tests {
    use checker::{Trace, Value};

    use super::history;
    use crate::fixtures::step;

    /// `[id, op, key, value, ret, after]` as the models write a history entry.
    fn op(id: &str, kind: &str, value: Option<i64>, ret: &str, after: &[&str]) -> Value {
        let mut fields = vec![("id", Value::str(id)), ("op", Value::str(kind)), ("key", Value::Int(0))];
        if let Some(v) = value {
            fields.push(("value", Value::Int(v)));
        }
        let ret = ret.parse::<i64>().map_or_else(|_| Value::str(ret), Value::Int);
        fields.push(("ret", ret));
        fields.push(("after", Value::set(after.iter().map(|a| Value::str(*a)))));
        Value::record(fields)
    }

    fn trace(states: Vec<Vec<Value>>) -> Trace {
        let steps = states
            .into_iter()
            .enumerate()
            .map(|(i, ops)| step((i > 0).then_some(("Step", "Step")), vec![("history", Value::Seq(ops))]))
            .collect();
        Trace { steps }
    }

    #[test]
    fn a_read_after_a_completed_write_that_returns_the_older_value_is_explained() {
        // c1 writes 1 (states 2 to 3); then c2 reads 0 (states 4 to 5).
        let write = |ret| op("c1#1", "Write", Some(1), ret, &[]);
        let read = |ret| op("c2#1", "Read", None, ret, &["c1#1"]);
        let (lane, why) = history(&trace(vec![
            vec![],
            vec![write("pending")],
            vec![write("ok")],
            vec![write("ok"), read("pending")],
            vec![write("ok"), read("0")],
        ]))
        .expect("a history");
        assert_eq!(
            why.as_deref(),
            Some(
                "c2#1 Read(k0) returned 0 after c1#1 Write(k0, 1) had completed; 0 is older than 1, so no \
                 linearization can order the read after the write."
            )
        );
        assert_eq!(lane.matches("<g class=\"op bad\">").count(), 2);
        // The write spans states 2 to 3, the read 4 to 5: 30 px a state after the gutter.
        // c1's row starts below the state numbers (22 px) and a 6 px margin.
        assert!(lane.contains(r#"<rect x="62" y="28" width="56" height="20" rx="3"/>"#), "{lane}");
        assert!(lane.contains(r#"<text class="ol" x="65" y="42">w 1</text>"#), "{lane}");
        assert!(lane.contains(r#">r 0</text>"#), "{lane}");
        assert!(lane.contains("<title>c1#1: Write(k0, 1) -&gt; ok</title>"), "{lane}");
    }

    #[test]
    fn a_linearizable_history_is_drawn_without_a_verdict_and_overlapping_operations_allowed() {
        // The read overlaps the write and returns the new value: linearizable.
        let write = |ret| op("c1#1", "Write", Some(1), ret, &[]);
        let read = |ret| op("c2#1", "Read", None, ret, &[]);
        let (lane, why) =
            history(&trace(vec![vec![], vec![write("pending"), read("pending")], vec![write("ok"), read("1")]]))
                .expect("a history");
        assert_eq!(why, None);
        assert!(!lane.contains("bad"));
        assert_eq!(lane.matches("<g class=\"op\">").count(), 2);
        assert!(history(&Trace { steps: vec![step(None, vec![("x", Value::Int(1))])] }).is_none());
    }
}
