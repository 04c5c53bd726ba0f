//! Trace files in the Informal Trace Format (ITF), the JSON traces of
//! Apalache's ADR-015 that Apalache, Quint and the `itf` crate read.
//!
//! ```json
//! {
//!   "#meta": {"format": "ITF", "source": "specs/twophase-bug-3.cfg", "check": "TCConsistent", ...},
//!   "vars": ["rmState", "tmState", "tmPrepared", "msgs"],
//!   "states": [
//!     {"#meta": {"index": 0}, "rmState": {"#map": [["r1", "working"], ...]}, ...},
//!     {"#meta": {"index": 1, "action": "RMPrepare", "label": "RMPrepare(r1)", "parameters": "[rm |-> r1]"}, ...}
//!   ],
//!   "loop": 2
//! }
//! ```
//!
//! Values map as ADR-015 says: booleans, strings and sequences are JSON's own;
//! integers are JSON numbers when a double holds them exactly (|n| < 2^53) and
//! `{"#bigint": "..."}` otherwise; sets are `{"#set": [...]}`, functions
//! `{"#map": [[key, value], ...]}`, records JSON objects. A sequence whose
//! elements are of different kinds cannot be a typed sequence, so it is a tuple,
//! `{"#tup": [...]}`. Model values (`r1`) are strings, as Apalache writes
//! uninterpreted constants.
//!
//! Metadata values are strings, as the `itf` crate requires: each state's
//! `#meta` holds its `index`, and for a step the `action` (the `Next`
//! disjunct), its `label` with parameters, and the `parameters` as a TLA+
//! record when the model names them. A lasso's `loop` is the index of the state
//! the last state steps back to.

#[cfg(test)]
mod tests;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use checker::{TraceStep, Value};

use crate::svg::Ending;
use crate::{is_expected, CheckTrace, SpecRun};

/// Where ADR-015 is published; ITF files name it as their format's description.
const FORMAT_DESCRIPTION: &str = "https://apalache-mc.org/docs/adr/015adr-trace.html";

/// The ITF file of one trace of `run`, as pretty JSON with one state a line.
pub fn itf(run: &SpecRun, shown: &CheckTrace) -> String {
    let check = shown.check;
    let steps = &shown.trace.steps;
    let constants: Vec<String> = run.constants.iter().map(|(name, value)| format!("{name} = {value}")).collect();
    let mut meta: Vec<(&str, String)> = vec![
        ("format", "ITF".to_string()),
        ("format-description", FORMAT_DESCRIPTION.to_string()),
        ("source", run.spec.to_string()),
        ("description", format!("{} ({} states)", shown.heading(), steps.len())),
        ("model", run.model.to_string()),
        ("constants", constants.join(", ")),
        ("check", check.name.clone()),
        ("kind", check.kind.name().to_string()),
    ];
    let role = match shown.ending {
        Ending::Witness => "witness",
        _ if is_expected(run.expect, &check.name) => "expected counterexample",
        _ => "counterexample",
    };
    meta.push(("trace", role.to_string()));
    meta.push(("generated-by", "bivalent".to_string()));

    let mut out = String::from("{\n");
    out.push_str(&format!("  \"#meta\": {},\n", json(&MetaPairs(&meta))));
    let vars: Vec<&str> = steps.first().map(|s| s.state.iter().map(|(name, _)| *name).collect()).unwrap_or_default();
    out.push_str(&format!("  \"vars\": {},\n", json(&vars)));
    out.push_str("  \"states\": [\n");
    for (i, step) in steps.iter().enumerate() {
        let separator = if i + 1 < steps.len() { "," } else { "" };
        out.push_str(&format!("    {}{separator}\n", json(&State { index: i, step })));
    }
    out.push_str("  ]");
    if let Ending::Loop(start) = shown.ending {
        out.push_str(&format!(",\n  \"loop\": {start}"));
    }
    out.push_str("\n}\n");
    out
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("reports bug: ITF values always serialize")
}

/// String pairs as a JSON object in their order.
struct MetaPairs<'a>(&'a [(&'a str, String)]);

impl Serialize for MetaPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// One state: `#meta`, then the variables in the model's order.
struct State<'a> {
    index: usize,
    step: &'a TraceStep,
}

impl Serialize for State<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.step.state.len() + 1))?;
        map.serialize_entry("#meta", &StateMeta(self))?;
        for (name, value) in &self.step.state {
            map.serialize_entry(name, &Itf(value))?;
        }
        map.end()
    }
}

struct StateMeta<'a>(&'a State<'a>);

impl Serialize for StateMeta<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let State { index, step } = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("index", index)?;
        if let Some(action) = &step.action {
            map.serialize_entry("action", action.name)?;
            map.serialize_entry("label", &action.label)?;
            if !step.parameters.is_empty() {
                let record = Value::record(step.parameters.iter().map(|(name, value)| (*name, value.clone())));
                map.serialize_entry("parameters", &record.to_string())?;
            }
        }
        map.end()
    }
}

/// A value in ITF's JSON encoding.
pub struct Itf<'a>(pub &'a Value);

/// The largest integer a JSON reader holding numbers as doubles reads exactly.
const EXACT_MAX: i64 = (1 << 53) - 1;

impl Serialize for Itf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tagged = |serializer: S, tag: &str, items: &[Value]| {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(tag, &Items(items))?;
            map.end()
        };
        match self.0 {
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) if i.unsigned_abs() <= EXACT_MAX as u64 => serializer.serialize_i64(*i),
            Value::Int(i) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("#bigint", &i.to_string())?;
                map.end()
            }
            Value::Str(s) | Value::ModelValue(s) => serializer.serialize_str(s),
            Value::Set(items) => tagged(serializer, "#set", items),
            Value::Seq(items) if is_tuple(items) => tagged(serializer, "#tup", items),
            Value::Seq(items) => Items(items).serialize(serializer),
            Value::Record(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (name, value) in fields {
                    map.serialize_entry(name, &Itf(value))?;
                }
                map.end()
            }
            Value::Map(pairs) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("#map", &FunctionPairs(pairs))?;
                map.end()
            }
            // `Value` is non-exhaustive: a kind added later is written as ITF's
            // escape hatch until it gets its own encoding.
            other => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("#unserializable", &other.to_string())?;
                map.end()
            }
        }
    }
}

/// A sequence is a tuple when its elements are not all of one kind.
fn is_tuple(items: &[Value]) -> bool {
    items.windows(2).any(|pair| pair[0].kind() != pair[1].kind())
}

struct Items<'a>(&'a [Value]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&Itf(item))?;
        }
        seq.end()
    }
}

/// A function's pairs as `[[key, value], ...]`.
struct FunctionPairs<'a>(&'a [(Value, Value)]);

impl Serialize for FunctionPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (key, value) in self.0 {
            seq.serialize_element(&[Itf(key), Itf(value)])?;
        }
        seq.end()
    }
}
