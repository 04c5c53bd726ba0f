//! What changed from one state of a trace to the next, for every renderer
//! that shows traces: the names of the changed variables, compact one-line
//! descriptions of each change (`rmState[r2] = "prepared"`, `msgs += {...}`)
//! for charts and DOT, and values with the changed parts marked for HTML.
//!
//! Only the top level of a function, record or set is looked into: that is
//! where protocol states change (one RM's entry, one new message), and deeper
//! diffs would be harder to read than the value itself.

#[cfg(test)]
mod tests;

use std::fmt::Write;

use checker::{TraceStep, Value};

use crate::markup::escape;

/// The variables of a state, as a trace holds them.
pub(crate) type Vars = [(&'static str, Value)];

/// The value of variable `name` in `vars`.
pub(crate) fn lookup<'a>(vars: &'a Vars, name: &str) -> Option<&'a Value> {
    vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// The state before step `i` of `steps`, if there is one.
pub(crate) fn before(steps: &[TraceStep], i: usize) -> Option<&Vars> {
    i.checked_sub(1).map(|b| steps[b].state.as_slice())
}

/// Whether variable `name` with value `value` differs from `before` (every
/// variable of an initial state counts as changed).
pub(crate) fn changed(before: Option<&Vars>, name: &str, value: &Value) -> bool {
    before.is_none_or(|vars| lookup(vars, name) != Some(value))
}

/// One line per change from `before` to `after`, in the order of `after`'s
/// variables: `name = value` for a whole value (and for every variable of an
/// initial state), `name[key] = value` for an entry of a function that is new
/// or changed and `name[key] removed` for one that is gone, `name.field = value`
/// for a record field, `name += {x}` and `name -= {y}` for the elements a set
/// gained and lost.
pub(crate) fn change_lines(before: Option<&Vars>, after: &Vars) -> Vec<String> {
    let mut lines = Vec::new();
    for (name, value) in after {
        let Some(old) = before.map(|vars| lookup(vars, name)) else {
            lines.push(format!("{name} = {value}"));
            continue;
        };
        if old == Some(value) {
            continue;
        }
        match (old, value) {
            (Some(Value::Map(old)), Value::Map(new)) => {
                for (key, value) in new {
                    if lookup_key(old, key) != Some(value) {
                        lines.push(format!("{name}[{key}] = {value}"));
                    }
                }
                for (key, _) in old.iter().filter(|(key, _)| lookup_key(new, key).is_none()) {
                    lines.push(format!("{name}[{key}] removed"));
                }
            }
            (Some(Value::Record(old)), Value::Record(new)) if same_keys(old, new) => {
                for ((field, a), (_, b)) in old.iter().zip(new) {
                    if a != b {
                        lines.push(format!("{name}.{field} = {b}"));
                    }
                }
            }
            (Some(Value::Set(old)), Value::Set(new)) => {
                let added: Vec<&Value> = new.iter().filter(|v| !old.contains(v)).collect();
                let removed: Vec<&Value> = old.iter().filter(|v| !new.contains(v)).collect();
                if !added.is_empty() {
                    lines.push(format!("{name} += {}", braces(&added)));
                }
                if !removed.is_empty() {
                    lines.push(format!("{name} -= {}", braces(&removed)));
                }
            }
            _ => lines.push(format!("{name} = {value}")),
        }
    }
    lines
}

/// The printed length past which a changed collection is shown by what it
/// gained and lost rather than whole, in the step table.
pub(crate) const LONG: usize = 80;

/// What a collection gained and lost from `before` to `after`, printed: the
/// elements of a set; the elements of a sequence, counted as a bag (a
/// network's messages), so that a message sent twice and delivered once
/// shows once; the entries of a function (an entry whose value changed is
/// lost with its old value and gained with its new). `None` for values of
/// other or different shapes.
pub(crate) fn collection_delta(before: &Value, after: &Value) -> Option<(Vec<String>, Vec<String>)> {
    fn bag_difference<'a>(a: &'a [Value], b: &[Value]) -> Vec<&'a Value> {
        let mut rest: Vec<&Value> = b.iter().collect();
        let mut only = Vec::new();
        for v in a {
            match rest.iter().position(|r| *r == v) {
                Some(at) => {
                    rest.swap_remove(at);
                }
                None => only.push(v),
            }
        }
        only
    }
    let printed = |values: Vec<&Value>| values.into_iter().map(Value::to_string).collect::<Vec<_>>();
    match (before, after) {
        (Value::Set(old), Value::Set(new)) | (Value::Seq(old), Value::Seq(new)) => {
            Some((printed(bag_difference(new, old)), printed(bag_difference(old, new))))
        }
        (Value::Map(old), Value::Map(new)) => {
            let entry = |(k, v): &(Value, Value)| format!("{k} :> {v}");
            let added = new.iter().filter(|(k, v)| lookup_key(old, k) != Some(v)).map(entry).collect();
            let removed = old.iter().filter(|(k, v)| lookup_key(new, k) != Some(v)).map(entry).collect();
            Some((added, removed))
        }
        _ => None,
    }
}

/// The value a function maps `key` to.
fn lookup_key<'a>(pairs: &'a [(Value, Value)], key: &Value) -> Option<&'a Value> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn same_keys<K: PartialEq, V>(a: &[(K, V)], b: &[(K, V)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y)
}

fn braces(items: &[&Value]) -> String {
    let items: Vec<String> = items.iter().map(|v| v.to_string()).collect();
    format!("{{{}}}", items.join(", "))
}

/// `value` as escaped HTML, printed as in TLA+, with what changed since
/// `before` wrapped in `<mark>`: the entries of a function that are new or
/// differ, the fields of a record that differ, the elements a set gained; the
/// entries and elements lost follow in `<del>`. A value of another shape, or a
/// record whose fields changed, is not marked inside (the caller marks the
/// whole variable).
pub(crate) fn value_html(before: Option<&Value>, value: &Value) -> String {
    let mut out = String::new();
    match (before, value) {
        (Some(Value::Map(old)), Value::Map(new)) if !new.is_empty() => {
            out.push('(');
            for (i, (key, value)) in new.iter().enumerate() {
                if i > 0 {
                    out.push_str(" @@ ");
                }
                marked(&mut out, lookup_key(old, key) != Some(value), &format!("{key} :> {value}"));
            }
            out.push(')');
            for (key, value) in old.iter().filter(|(key, _)| lookup_key(new, key).is_none()) {
                let _ = write!(out, " <del>{}</del>", escape(&format!("{key} :> {value}")));
            }
        }
        (Some(Value::Record(old)), Value::Record(new)) if same_keys(old, new) => {
            out.push('[');
            for (i, ((field, a), (_, b))) in old.iter().zip(new).enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                marked(&mut out, a != b, &format!("{field} |-> {b}"));
            }
            out.push(']');
        }
        (Some(Value::Set(old)), Value::Set(new)) => {
            out.push('{');
            for (i, element) in new.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                marked(&mut out, !old.contains(element), &element.to_string());
            }
            out.push('}');
            for element in old.iter().filter(|v| !new.contains(v)) {
                let _ = write!(out, " <del>{}</del>", escape(&element.to_string()));
            }
        }
        _ => out.push_str(&escape(&value.to_string())),
    }
    out
}

fn marked(out: &mut String, changed: bool, text: &str) {
    if changed {
        let _ = write!(out, "<mark>{}</mark>", escape(text));
    } else {
        out.push_str(&escape(text));
    }
}
