//! States as [`Value`]s through serde: [`Value::from_serialize`] and
//! [`variables_of`], so that a model whose state derives `Serialize` shows
//! readable traces, ITF files and reports without writing
//! [`crate::spec::Model::variables`] by hand.
//!
//! The shapes, chosen to read like TLA+:
//!
//! | Rust (serde)                          | [`Value`]                                   |
//! |---------------------------------------|---------------------------------------------|
//! | `bool`                                | `Bool`                                      |
//! | integers (in `i64`'s range)           | `Int`                                       |
//! | `char`, `String`, `&str`              | `Str`                                       |
//! | `Vec`, arrays, slices, tuples, sets   | `Seq`, in iteration order                   |
//! | maps (`BTreeMap`, `HashMap`)          | `Map`, sorted by key                        |
//! | structs                               | `Record`, fields in declaration order       |
//! | unit variants, unit structs           | `Str` of the (serde) name: `"working"`      |
//! | other variants                        | `Record` `[tag \|-> "Name", value \|-> ...]` |
//! | newtype structs                       | the inner value                             |
//! | `None`, `Some(x)`, `()`               | `<<>>`, `<<x>>`, `<<>>`                     |
//!
//! Floats and integers outside `i64` have no value: [`Value::from_serialize`]
//! returns an error, and [`variables_of`] panics with it (a model error).
//! A `HashSet` is a `Seq` in its random iteration order: use a `BTreeSet`.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::value::Value;

impl Value {
    /// The value of `data` through its `Serialize` implementation, in the
    /// shapes of the module documentation; an error for a float or an integer
    /// outside `i64`.
    ///
    /// ```
    /// use checker::Value;
    ///
    /// #[derive(serde::Serialize)]
    /// struct Node { role: Role, log: Vec<u8> }
    /// #[derive(serde::Serialize)]
    /// enum Role { Follower, Leader { term: u8 } }
    ///
    /// let node = Node { role: Role::Leader { term: 2 }, log: vec![1, 1] };
    /// assert_eq!(
    ///     Value::from_serialize(&node).unwrap().to_string(),
    ///     r#"[role |-> [tag |-> "Leader", value |-> [term |-> 2]], log |-> <<1, 1>>]"#
    /// );
    /// ```
    pub fn from_serialize<T: Serialize + ?Sized>(data: &T) -> Result<Value, String> {
        data.serialize(ValueSerializer { fields: None }).map_err(|e| e.0)
    }
}

/// A state as named variables, for [`crate::spec::Model::variables`]: each
/// field of a state struct is a variable named like the field (serde's name
/// for it), holding [`Value::from_serialize`] of it. A state that is not a
/// struct is one variable, `state`.
///
/// ```
/// use checker::spec::variables_of;
/// use checker::Value;
///
/// #[derive(serde::Serialize)]
/// struct State { turn: u8, flag: [bool; 2] }
///
/// assert_eq!(
///     variables_of(&State { turn: 1, flag: [true, false] }),
///     [("turn", Value::Int(1)), ("flag", Value::Seq(vec![Value::Bool(true), Value::Bool(false)]))]
/// );
/// ```
///
/// # Panics
///
/// On a float or an integer outside `i64` in the state: called from
/// `Model::variables`, the panic is reported as a model error naming it.
pub fn variables_of<T: Serialize + ?Sized>(state: &T) -> Vec<(&'static str, Value)> {
    let mut names = Vec::new();
    let value = state
        .serialize(ValueSerializer { fields: Some(&mut names) })
        .unwrap_or_else(|e| panic!("the state cannot be shown as TLA+ values: {}", e.0));
    match value {
        Value::Record(fields) if fields.len() == names.len() => {
            names.into_iter().zip(fields).map(|(name, (_, value))| (name, value)).collect()
        }
        value => vec![("state", value)],
    }
}

/// Why a value could not be converted.
#[derive(Debug)]
struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

/// Serializes into a [`Value`]. At the top of [`variables_of`], `fields`
/// collects the static names of the state struct's fields.
struct ValueSerializer<'a> {
    fields: Option<&'a mut Vec<&'static str>>,
}

fn nested() -> ValueSerializer<'static> {
    ValueSerializer { fields: None }
}

fn int(value: impl TryInto<i64> + fmt::Display + Copy) -> Result<Value, Error> {
    value.try_into().map(Value::Int).map_err(|_| Error(format!("the integer {value} is outside the range of i64")))
}

fn tagged(variant: &str, value: Value) -> Value {
    Value::Record(vec![("tag".to_string(), Value::str(variant)), ("value".to_string(), value)])
}

/// Collects the elements of a sequence, tuple or the fields of a variant.
struct Elements {
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl Elements {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(nested())?);
        Ok(())
    }

    fn done(self) -> Value {
        let seq = Value::Seq(self.items);
        match self.variant {
            Some(variant) => tagged(variant, seq),
            None => seq,
        }
    }
}

/// Collects the fields of a struct or struct variant.
struct Fields<'a> {
    fields: Vec<(String, Value)>,
    names: Option<&'a mut Vec<&'static str>>,
    variant: Option<&'static str>,
}

impl Fields<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.fields.push((key.to_string(), value.serialize(nested())?));
        if let Some(names) = &mut self.names {
            names.push(key);
        }
        Ok(())
    }

    fn done(self) -> Value {
        let record = Value::Record(self.fields);
        match self.variant {
            Some(variant) => tagged(variant, record),
            None => record,
        }
    }
}

/// Collects the pairs of a map.
struct Pairs {
    pairs: Vec<(Value, Value)>,
    key: Option<Value>,
}

impl<'a> ser::Serializer for ValueSerializer<'a> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Elements;
    type SerializeTuple = Elements;
    type SerializeTupleStruct = Elements;
    type SerializeTupleVariant = Elements;
    type SerializeMap = Pairs;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Fields<'static>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        int(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Err(Error(format!("the float {v} has no TLA+ value; use an integer")))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Err(Error(format!("the float {v} has no TLA+ value; use an integer")))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(Value::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(Value::str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        Ok(Value::Seq(v.iter().map(|&b| Value::Int(b.into())).collect()))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Seq(Vec::new()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        Ok(Value::Seq(vec![value.serialize(nested())?]))
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Seq(Vec::new()))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, Error> {
        Ok(Value::str(name))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Value, Error> {
        Ok(Value::str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Value, Error> {
        // Transparent, also at the top: a newtype around the state struct
        // still shows the struct's fields as variables.
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        Ok(tagged(variant, value.serialize(nested())?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Elements, Error> {
        Ok(Elements { items: Vec::with_capacity(len.unwrap_or(0)), variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<Elements, Error> {
        Ok(Elements { items: Vec::with_capacity(len), variant: None })
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Elements, Error> {
        Ok(Elements { items: Vec::with_capacity(len), variant: None })
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Elements, Error> {
        Ok(Elements { items: Vec::with_capacity(len), variant: Some(variant) })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Pairs, Error> {
        Ok(Pairs { pairs: Vec::with_capacity(len.unwrap_or(0)), key: None })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Fields<'a>, Error> {
        Ok(Fields { fields: Vec::with_capacity(len), names: self.fields, variant: None })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Fields<'static>, Error> {
        Ok(Fields { fields: Vec::with_capacity(len), names: None, variant: Some(variant) })
    }
}

impl ser::SerializeSeq for Elements {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

impl ser::SerializeTuple for Elements {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

impl ser::SerializeTupleStruct for Elements {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

impl ser::SerializeTupleVariant for Elements {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

impl ser::SerializeMap for Pairs {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(nested())?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or_else(|| Error("a map value came without its key".to_string()))?;
        self.pairs.push((key, value.serialize(nested())?));
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(Value::map(self.pairs))
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.push(key, value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

impl ser::SerializeStructVariant for Fields<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.push(key, value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde::Serialize;

    use super::variables_of;
    use crate::value::Value;

    #[derive(Serialize)]
    enum Phase {
        #[serde(rename = "working")]
        Working,
        Voted(u8),
        Pair(u8, bool),
        Leader {
            term: u8,
        },
    }

    #[derive(Serialize)]
    struct Id(u8);

    #[derive(Serialize)]
    struct Done;

    #[derive(Serialize)]
    struct State {
        phase: [Phase; 4],
        votes: BTreeMap<u8, BTreeSet<u8>>,
        leader: Option<Id>,
        next: Option<u8>,
        name: String,
        done: Done,
        pair: (i64, char),
        #[serde(skip)]
        _cache: u64,
    }

    fn record(fields: Vec<(&str, Value)>) -> Value {
        Value::Record(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn each_shape_of_a_state_becomes_its_value() {
        let state = State {
            phase: [Phase::Working, Phase::Voted(3), Phase::Pair(1, true), Phase::Leader { term: 2 }],
            votes: BTreeMap::from([(2, BTreeSet::from([7, 5])), (1, BTreeSet::new())]),
            leader: None,
            next: Some(4),
            name: "n1".to_string(),
            done: Done,
            pair: (-1, 'x'),
            _cache: 99,
        };
        let phase = Value::Seq(vec![
            Value::str("working"),
            record(vec![("tag", Value::str("Voted")), ("value", Value::Int(3))]),
            record(vec![("tag", Value::str("Pair")), ("value", Value::Seq(vec![Value::Int(1), Value::Bool(true)]))]),
            record(vec![("tag", Value::str("Leader")), ("value", record(vec![("term", Value::Int(2))]))]),
        ]);
        let votes = Value::Map(vec![
            (Value::Int(1), Value::Seq(vec![])),
            (Value::Int(2), Value::Seq(vec![Value::Int(5), Value::Int(7)])),
        ]);
        let expected = vec![
            ("phase", phase),
            ("votes", votes),
            ("leader", Value::Seq(vec![])),
            ("next", Value::Seq(vec![Value::Int(4)])),
            ("name", Value::str("n1")),
            ("done", Value::str("Done")),
            ("pair", Value::Seq(vec![Value::Int(-1), Value::str("x")])),
        ];
        assert_eq!(variables_of(&state), expected);
    }

    #[test]
    fn a_newtype_is_its_inner_value_and_a_state_that_is_no_struct_is_one_variable() {
        assert_eq!(Value::from_serialize(&Some(Id(3))), Ok(Value::Seq(vec![Value::Int(3)])));
        assert_eq!(variables_of(&Id(3)), [("state", Value::Int(3))]);
        assert_eq!(variables_of(&vec![true]), [("state", Value::Seq(vec![Value::Bool(true)]))]);
        #[derive(Serialize)]
        struct Wrapper(State2);
        #[derive(Serialize)]
        struct State2 {
            x: u8,
        }
        assert_eq!(variables_of(&Wrapper(State2 { x: 1 })), [("x", Value::Int(1))]);
    }

    #[test]
    fn a_map_is_sorted_by_key_whatever_the_iteration_order() {
        let map = std::collections::HashMap::from([(3u8, "c"), (1, "a"), (2, "b")]);
        let expected = Value::Map(vec![
            (Value::Int(1), Value::str("a")),
            (Value::Int(2), Value::str("b")),
            (Value::Int(3), Value::str("c")),
        ]);
        assert_eq!(Value::from_serialize(&map), Ok(expected));
    }

    #[test]
    fn floats_and_integers_beyond_i64_are_errors() {
        assert_eq!(Value::from_serialize(&1.5f64), Err("the float 1.5 has no TLA+ value; use an integer".to_string()));
        assert_eq!(
            Value::from_serialize(&u64::MAX),
            Err("the integer 18446744073709551615 is outside the range of i64".to_string())
        );
        assert_eq!(Value::from_serialize(&(i64::MAX as u64)), Ok(Value::Int(i64::MAX)));
    }

    #[test]
    #[should_panic(expected = "the state cannot be shown as TLA+ values: the float 0.5 has no TLA+ value")]
    fn variables_of_a_state_with_a_float_panics_with_the_reason() {
        #[derive(Serialize)]
        struct Bad {
            x: f32,
        }
        variables_of(&Bad { x: 0.5 });
    }
}
