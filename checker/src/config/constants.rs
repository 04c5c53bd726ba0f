//! Accessors for constants of more shapes than one number: sequences,
//! functions and records, and an element of a set the spec also gives. Each
//! error points at the constant's assignment, says the shape expected and,
//! where there are any, the valid choices.
//!
//! An element of a sequence or a function is read by a closure, usually one
//! of the `Value::read_*` readers, whose error says what the element must be;
//! the accessor adds which element it is (`Weight[n2]`, `Limit.depth`,
//! `Order[3]`).

use std::ops::RangeInclusive;

use super::{Constant, Constants};
use crate::error::{nearest, ConfigError};
use crate::value::Value;

impl Value {
    /// This value as an integer in `range`; the error says what it must be.
    pub fn read_int(&self, range: RangeInclusive<i64>) -> Result<i64, String> {
        match self {
            Value::Int(i) if range.contains(i) => Ok(*i),
            _ => Err(format!("must be an integer in {}..{}, not {}", range.start(), range.end(), self.shown())),
        }
    }

    /// This value as a boolean.
    pub fn read_bool(&self) -> Result<bool, String> {
        match self {
            Value::Bool(b) => Ok(*b),
            _ => Err(format!("must be TRUE or FALSE, not {}", self.shown())),
        }
    }

    /// This value as a model value's name (`r1`).
    pub fn read_model_value(&self) -> Result<&str, String> {
        match self {
            Value::ModelValue(name) => Ok(name),
            _ => Err(format!("must be a model value such as r1, not {}", self.shown())),
        }
    }

    /// The position in `set` of this value, an element of the set the spec
    /// names `set_name`.
    pub fn read_element_of(&self, set_name: &str, set: &[String]) -> Result<usize, String> {
        if let Value::ModelValue(name) | Value::Str(name) = self {
            if let Some(index) = set.iter().position(|element| element == name) {
                return Ok(index);
            }
        }
        let mut message = format!("must be an element of {set_name} = {{{}}}, not {}", set.join(", "), self.shown());
        if let Some(near) = key_name(self).and_then(|name| nearest(name, set)) {
            message.push_str(&format!("; did you mean {near}?"));
        }
        Err(message)
    }

    /// `"x" (a string)`: the value and its kind, for error messages.
    fn shown(&self) -> String {
        format!("{self} ({})", self.kind())
    }
}

/// A record constant with the fields a model asked for
/// ([`Constants::record`]); [`RecordConstant::field`] reads one.
#[derive(Debug)]
pub struct RecordConstant<'a> {
    constant: &'a Constant,
    fields: Vec<(String, &'a Value)>,
}

impl RecordConstant<'_> {
    /// The field `field` (one the model asked for), read by `read`.
    pub fn field<T>(&self, field: &str, read: impl FnOnce(&Value) -> Result<T, String>) -> Result<T, ConfigError> {
        let Some((_, value)) = self.fields.iter().find(|(name, _)| name == field) else {
            panic!("field {field} was not asked of record {}", self.constant.name)
        };
        read(value).map_err(|why| Constants::bad(self.constant, format!("{}.{field} {why}", self.constant.name)))
    }
}

impl Constants {
    /// An integer in `range`, or `default` when the spec does not set it.
    pub fn int_or(&self, name: &str, range: RangeInclusive<i64>, default: i64) -> Result<i64, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(_) => self.int(name, *range.start(), *range.end()),
        }
    }

    /// An element of the set `set` that the spec names `set_name`
    /// (`Leader = n2` with `Node = {n1, n2, n3}`): its position in `set`.
    pub fn element_of(&self, name: &str, set_name: &str, set: &[String]) -> Result<usize, ConfigError> {
        let c = self.required(name)?;
        c.value.read_element_of(set_name, set).map_err(|why| Self::bad(c, format!("{name} {why}")))
    }

    /// A sequence `<<a, b, c>>` with a length in `lengths`, each element read
    /// by `read` (a `Value::read_*` reader, or one of the model's own).
    pub fn seq<T>(
        &self,
        name: &str,
        lengths: RangeInclusive<usize>,
        read: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<Vec<T>, ConfigError> {
        let c = self.required(name)?;
        let Value::Seq(items) = &c.value else {
            return Err(Self::bad(c, format!("{name} must be a sequence such as <<1, 2>>, not {}", c.value.shown())));
        };
        if !lengths.contains(&items.len()) {
            return Err(Self::bad(
                c,
                format!(
                    "{name} has {} elements; this model supports {} to {}",
                    items.len(),
                    lengths.start(),
                    lengths.end()
                ),
            ));
        }
        let read_one = |(i, item): (usize, &Value)| read(item).map_err(|why| format!("{name}[{}] {why}", i + 1));
        items.iter().enumerate().map(read_one).collect::<Result<_, _>>().map_err(|message| Self::bad(c, message))
    }

    /// A function over the set `domain` that the spec names `domain_name`,
    /// each value read by `read`; the values in the order of `domain`. The
    /// spec writes it as a set of pairs, `{<<n1, 2>>, <<n2, 3>>}` (TLC's
    /// configuration files have no function syntax); a [`Value::Map`] or a
    /// [`Value::Record`] given in code is read alike.
    pub fn function<T>(
        &self,
        name: &str,
        domain_name: &str,
        domain: &[String],
        read: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<Vec<T>, ConfigError> {
        let c = self.required(name)?;
        let shape = || {
            let example: Vec<String> = domain.iter().take(2).map(|d| format!("<<{d}, ...>>")).collect();
            format!("{name} must be a function over {domain_name}, a set of pairs such as {{{}}}", example.join(", "))
        };
        let pairs = pairs(&c.value).map_err(|not| Self::bad(c, format!("{}, not {not}", shape())))?;
        let mut values: Vec<Option<&Value>> = vec![None; domain.len()];
        for (key, value) in pairs {
            let Some(index) = key_name(&key).and_then(|k| domain.iter().position(|d| d == k)) else {
                return Err(Self::bad(
                    c,
                    format!("{name} maps {key}, which is not in {domain_name} = {{{}}}", domain.join(", ")),
                ));
            };
            if values[index].is_some() {
                return Err(Self::bad(c, format!("{name} maps {key} twice; a function has one value per argument")));
            }
            values[index] = Some(value);
        }
        let mut read_values = Vec::with_capacity(domain.len());
        for (key, value) in domain.iter().zip(values) {
            let Some(value) = value else {
                return Err(Self::bad(
                    c,
                    format!("{name} has no value for {key}; it must map every element of {domain_name}"),
                ));
            };
            read_values.push(read(value).map_err(|why| Self::bad(c, format!("{name}[{key}] {why}")))?);
        }
        Ok(read_values)
    }

    /// A record with exactly the fields `fields`, written as a function over
    /// the field names (`{<<"depth", 3>>, <<"width", 2>>}`, see
    /// [`Constants::function`]) or given as a [`Value::Record`] in code;
    /// [`RecordConstant::field`] reads each.
    pub fn record(&self, name: &str, fields: &[&str]) -> Result<RecordConstant<'_>, ConfigError> {
        let c = self.required(name)?;
        let shape = || {
            let example: Vec<String> = fields.iter().map(|f| format!("<<\"{f}\", ...>>")).collect();
            format!("{name} must be a record with the fields {}, such as {{{}}}", fields.join(", "), example.join(", "))
        };
        let pairs = pairs(&c.value).map_err(|not| Self::bad(c, format!("{}, not {not}", shape())))?;
        let mut found = Vec::with_capacity(fields.len());
        for (key, value) in pairs {
            let Some(field) = key_name(&key).filter(|k| fields.contains(k)) else {
                let valid: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
                let mut message = format!("{name} has the field {key}, which this model does not read");
                if let Some(near) = key_name(&key).and_then(|k| nearest(k, &valid)) {
                    message.push_str(&format!("; did you mean {near}?"));
                }
                message.push_str(&format!(" (valid fields: {})", fields.join(", ")));
                return Err(Self::bad(c, message));
            };
            if found.iter().any(|(f, _)| f == field) {
                return Err(Self::bad(c, format!("{name} gives the field {field} twice")));
            }
            found.push((field.to_string(), value));
        }
        if let Some(missing) = fields.iter().find(|f| !found.iter().any(|(k, _)| k == *f)) {
            return Err(Self::bad(c, format!("{name} has no field {missing}; it needs {}", fields.join(", "))));
        }
        Ok(RecordConstant { constant: c, fields: found })
    }
}

/// The `(argument, value)` pairs of a function-like value: a set of pairs,
/// a map or a record; otherwise the value as an error shows it.
fn pairs(value: &Value) -> Result<Vec<(Value, &Value)>, String> {
    match value {
        Value::Map(pairs) => Ok(pairs.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Value::Record(fields) => Ok(fields.iter().map(|(k, v)| (Value::ModelValue(k.clone()), v)).collect()),
        Value::Set(items) => items
            .iter()
            .map(|item| match item {
                Value::Seq(pair) if pair.len() == 2 => Ok((pair[0].clone(), &pair[1])),
                other => Err(format!("a set holding {}", other.shown())),
            })
            .collect(),
        other => Err(other.shown()),
    }
}

/// The name a key spells: a model value or a string.
fn key_name(key: &Value) -> Option<&str> {
    match key {
        Value::ModelValue(name) | Value::Str(name) => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_spec;

    /// The constants of a spec whose line 2 is `CONSTANTS` and line 3 the constant.
    fn constants(assignment: &str) -> Constants {
        parse_spec(&format!("MODEL M\nCONSTANTS Node = {{n1, n2, n3}}\n  {assignment}\n")).unwrap().constants
    }

    /// The error's line and message.
    fn error<T: std::fmt::Debug>(result: Result<T, ConfigError>) -> (u32, String) {
        let e = result.unwrap_err();
        (e.span().line, e.to_string())
    }

    fn nodes() -> Vec<String> {
        ["n1", "n2", "n3"].map(String::from).to_vec()
    }

    #[test]
    fn a_sequence_is_read_element_by_element() {
        let c = constants("Order = <<3, 1, 2>>");
        assert_eq!(c.seq("Order", 1..=3, |v| v.read_int(1..=3)).unwrap(), [3, 1, 2]);
        let c = constants("Order = <<n2, n1>>");
        assert_eq!(c.seq("Order", 0..=3, |v| v.read_element_of("Node", &nodes())).unwrap(), [1, 0]);
    }

    #[test]
    fn a_sequence_of_the_wrong_shape_length_or_element_says_which() {
        let c = constants("Order = {1, 2}");
        let expected = "bad constant: Order must be a sequence such as <<1, 2>>, not {1, 2} (a set)";
        assert_eq!(error(c.seq("Order", 1..=3, |v| v.read_int(1..=3))), (3, expected.to_string()));
        let c = constants("Order = <<1, 2, 3, 1>>");
        let expected = "bad constant: Order has 4 elements; this model supports 1 to 3";
        assert_eq!(error(c.seq("Order", 1..=3, |v| v.read_int(1..=3))), (3, expected.to_string()));
        let c = constants("Order = <<1, \"two\">>");
        let expected = "bad constant: Order[2] must be an integer in 1..3, not \"two\" (a string)";
        assert_eq!(error(c.seq("Order", 1..=3, |v| v.read_int(1..=3))), (3, expected.to_string()));
        let c = constants("Order = <<TRUE, 1>>");
        let expected = "bad constant: Order[2] must be TRUE or FALSE, not 1 (an integer)";
        assert_eq!(error(c.seq("Order", 1..=3, Value::read_bool)), (3, expected.to_string()));
    }

    #[test]
    fn a_missing_constant_points_at_the_model_line() {
        let c = constants("Other = 1");
        let expected = "bad constant: the model needs a value for constant Order, and the spec gives none";
        assert_eq!(error(c.seq("Order", 1..=3, |v| v.read_int(1..=3))), (1, expected.to_string()));
    }

    #[test]
    fn a_function_is_read_in_the_order_of_its_domain() {
        let c = constants("Weight = {<<n3, 1>>, <<n1, 5>>, <<n2, 0>>}");
        assert_eq!(c.function("Weight", "Node", &nodes(), |v| v.read_int(0..=9)).unwrap(), [5, 0, 1]);
        // A map built in code reads the same.
        let mut c = Constants::default();
        let map = Value::map(nodes().into_iter().zip([7, 8, 9]).map(|(n, w)| (Value::model_value(n), Value::Int(w))));
        c.items.push(Constant { name: "Weight".into(), value: map, span: Default::default() });
        assert_eq!(c.function("Weight", "Node", &nodes(), |v| v.read_int(0..=9)).unwrap(), [7, 8, 9]);
    }

    #[test]
    fn a_function_with_a_wrong_shape_argument_or_value_says_which() {
        let read = |c: &Constants| c.function("Weight", "Node", &nodes(), |v| v.read_int(0..=9));
        let shape =
            "bad constant: Weight must be a function over Node, a set of pairs such as {<<n1, ...>>, <<n2, ...>>}";
        assert_eq!(error(read(&constants("Weight = 3"))), (3, format!("{shape}, not 3 (an integer)")));
        assert_eq!(
            error(read(&constants("Weight = {n1, n2}"))),
            (3, format!("{shape}, not a set holding n1 (a model value)"))
        );
        let expected = "bad constant: Weight maps n4, which is not in Node = {n1, n2, n3}";
        assert_eq!(error(read(&constants("Weight = {<<n4, 1>>}"))), (3, expected.to_string()));
        let expected = "bad constant: Weight maps n1 twice; a function has one value per argument";
        assert_eq!(error(read(&constants("Weight = {<<n1, 1>>, <<n1, 2>>}"))), (3, expected.to_string()));
        let expected = "bad constant: Weight has no value for n2; it must map every element of Node";
        assert_eq!(error(read(&constants("Weight = {<<n1, 1>>, <<n3, 2>>}"))), (3, expected.to_string()));
        let expected = "bad constant: Weight[n2] must be an integer in 0..9, not 10 (an integer)";
        assert_eq!(error(read(&constants("Weight = {<<n1, 1>>, <<n2, 10>>, <<n3, 2>>}"))), (3, expected.to_string()));
    }

    #[test]
    fn a_record_gives_each_field_it_was_asked_for() {
        let c = constants("Limit = {<<\"depth\", 3>>, <<\"mode\", fast>>}");
        let limit = c.record("Limit", &["depth", "mode"]).unwrap();
        assert_eq!(limit.field("depth", |v| v.read_int(1..=5)).unwrap(), 3);
        assert_eq!(limit.field("mode", |v| v.read_model_value().map(String::from)).unwrap(), "fast");
        let expected = "bad constant: Limit.depth must be an integer in 4..5, not 3 (an integer)";
        assert_eq!(error(limit.field("depth", |v| v.read_int(4..=5))), (3, expected.to_string()));
    }

    #[test]
    fn a_record_with_a_wrong_shape_or_fields_says_which_fields_are_valid() {
        let read = |c: &Constants| c.record("Limit", &["depth", "mode"]).map(|_| ());
        let expected = "bad constant: Limit must be a record with the fields depth, mode, such as \
                        {<<\"depth\", ...>>, <<\"mode\", ...>>}, not <<3>> (a sequence)";
        assert_eq!(error(read(&constants("Limit = <<3>>"))), (3, expected.to_string()));
        let expected = "bad constant: Limit has the field \"dept\", which this model does not read; did you mean \
                        depth? (valid fields: depth, mode)";
        assert_eq!(error(read(&constants("Limit = {<<\"dept\", 3>>}"))), (3, expected.to_string()));
        let expected = "bad constant: Limit has no field mode; it needs depth, mode";
        assert_eq!(error(read(&constants("Limit = {<<\"depth\", 3>>}"))), (3, expected.to_string()));
        let expected = "bad constant: Limit gives the field depth twice";
        assert_eq!(error(read(&constants("Limit = {<<depth, 3>>, <<\"depth\", 4>>}"))), (3, expected.to_string()));
    }

    #[test]
    fn an_element_of_a_set_is_its_position_and_a_stranger_names_the_set() {
        let c = constants("Leader = n2");
        assert_eq!(c.element_of("Leader", "Node", &nodes()).unwrap(), 1);
        let c = constants("Leader = n4");
        let expected = "bad constant: Leader must be an element of Node = {n1, n2, n3}, not n4 (a model value); \
                        did you mean n1?";
        assert_eq!(error(c.element_of("Leader", "Node", &nodes())), (3, expected.to_string()));
        let c = constants("Leader = 2");
        let expected = "bad constant: Leader must be an element of Node = {n1, n2, n3}, not 2 (an integer)";
        assert_eq!(error(c.element_of("Leader", "Node", &nodes())), (3, expected.to_string()));
    }

    #[test]
    fn an_optional_integer_takes_its_default_or_is_checked() {
        assert_eq!(constants("N = 2").int_or("Max", 0..=3, 1).unwrap(), 1);
        assert_eq!(constants("Max = 2").int_or("Max", 0..=3, 1).unwrap(), 2);
        let expected = "bad constant: Max = 7 is out of range; this model supports 0 to 3";
        assert_eq!(error(constants("Max = 7").int_or("Max", 0..=3, 1)), (3, expected.to_string()));
    }
}
