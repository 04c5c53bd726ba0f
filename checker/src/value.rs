//! TLA+-shaped values, used for constants in check specs and for showing states.
//!
//! A model renders each state as named variables holding [`Value`]s
//! ([`crate::Model::variables`]); reports diff them step by step and write them
//! as ITF JSON. The same type carries the `CONSTANTS` of a check spec.

use std::fmt;

/// A TLA+ value.
///
/// Sets and maps are kept in the order the model produced them; [`Value::set`]
/// and [`Value::map`] sort them so that equal values print equally.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Value {
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A TLA+ string, shown quoted: `"working"`.
    Str(String),
    /// A TLC model value, shown bare: `r1`.
    ModelValue(String),
    /// A set: `{r1, r2}`.
    Set(Vec<Value>),
    /// A sequence or tuple: `<<1, 2>>`.
    Seq(Vec<Value>),
    /// A record: `[type |-> "Commit"]`.
    Record(Vec<(String, Value)>),
    /// A function: `(r1 :> "working" @@ r2 :> "prepared")`.
    Map(Vec<(Value, Value)>),
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// A model value such as `r1`.
    pub fn model_value(s: impl Into<String>) -> Value {
        Value::ModelValue(s.into())
    }

    /// A set; elements are sorted and deduplicated.
    pub fn set(elements: impl IntoIterator<Item = Value>) -> Value {
        let mut elements: Vec<Value> = elements.into_iter().collect();
        elements.sort();
        elements.dedup();
        Value::Set(elements)
    }

    /// A function from keys to values; pairs are sorted by key.
    pub fn map(pairs: impl IntoIterator<Item = (Value, Value)>) -> Value {
        let mut pairs: Vec<(Value, Value)> = pairs.into_iter().collect();
        pairs.sort();
        Value::Map(pairs)
    }

    /// A record with the given fields, in the given order.
    pub fn record<K: Into<String>>(fields: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Record(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// What kind of value this is, for error messages: "an integer", "a set".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Str(_) => "a string",
            Value::ModelValue(_) => "a model value",
            Value::Set(_) => "a set",
            Value::Seq(_) => "a sequence",
            Value::Record(_) => "a record",
            Value::Map(_) => "a function",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(f: &mut fmt::Formatter<'_>, items: &[Value]) -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        }
        match self {
            Value::Bool(true) => f.write_str("TRUE"),
            Value::Bool(false) => f.write_str("FALSE"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::ModelValue(s) => f.write_str(s),
            Value::Set(items) => {
                f.write_str("{")?;
                list(f, items)?;
                f.write_str("}")
            }
            Value::Seq(items) => {
                f.write_str("<<")?;
                list(f, items)?;
                f.write_str(">>")
            }
            Value::Record(fields) => {
                f.write_str("[")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} |-> {v}")?;
                }
                f.write_str("]")
            }
            Value::Map(pairs) if pairs.is_empty() => f.write_str("<<>>"),
            Value::Map(pairs) => {
                f.write_str("(")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" @@ ")?;
                    }
                    write!(f, "{k} :> {v}")?;
                }
                f.write_str(")")
            }
        }
    }
}
