//! Fixed-capacity collections kept inline in a state: the fast path for
//! states that hold sequences, sets, bags and maps.
//!
//! A `Vec`, `BTreeSet` or `BTreeMap` in a state costs an allocation each
//! time a successor is built, a pointer chase each time it is hashed and a
//! free each time a successor is found already seen (most of them are), and
//! a second checker thread mostly adds contention on the allocator. These
//! collections keep their elements in an array of `N` slots inside the
//! state, so building a successor is a copy: a state made of them and of
//! `Copy` elements is itself `Copy`, allocates nothing and hashes one flat
//! piece of memory.
//!
//! | TLA+ | here | kept as |
//! |---|---|---|
//! | `Seq(T)` with `Len(s) <= N` | [`Seq<T, N>`] | the elements in order |
//! | `SUBSET T`, at most `N` elements | [`Set<T, N>`] | sorted, no duplicates |
//! | a bag (multiset) of at most `N` copies | [`Bag<T, N>`] | sorted, duplicates adjacent |
//! | a function with at most `N` keys | [`Map<K, V, N>`] | pairs sorted by key |
//!
//! Sets, bags and maps are kept sorted, so two equal values are equal slot
//! for slot, whatever order they were built in: equality and hashing need no
//! normalization, and a state has one fingerprint per value.
//!
//! The capacity is part of the type and must bound what the model can
//! reach: pushing past it panics, which the checker reports as a model
//! error with the trace that reached the full collection (as `BoundedNetwork`
//! in a spec would). Unused slots hold `T::default()`, so elements need
//! `Default`; a slot is never observable through the API.
//!
//! ```
//! use checker::collections::{Seq, Set};
//!
//! #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
//! struct State {
//!     queue: Seq<u8, 3>, // a FIFO channel of at most three messages
//!     acked: Set<u8, 4>, // a subset of four processes
//! }
//!
//! let mut s = State::default();
//! s.queue.push(7);
//! s.queue.push(9);
//! s.acked.insert(2);
//! s.acked.insert(0);
//! let t = s; // a copy: no allocation
//! assert_eq!(s.queue.pop_front(), Some(7));
//! assert_eq!(t.queue.as_slice(), &[7, 9]);
//! assert_eq!(t.acked.as_slice(), &[0, 2]);
//! ```

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

#[cfg(test)]
mod tests;

/// A sequence of at most `N` elements (`N` at most 255), kept inline.
///
/// Equality, order and hashing are those of the slice of its elements (as a
/// `Vec`'s), so unused slots never matter. `Copy` when `T` is.
#[derive(Clone, Copy)]
pub struct Seq<T, const N: usize> {
    len: u8,
    items: [T; N],
}

impl<T: Default, const N: usize> Seq<T, N> {
    /// Rejects capacities a `u8` length cannot count, at compile time.
    const FITS: () = assert!(N <= u8::MAX as usize, "a Seq holds at most 255 elements");

    /// The empty sequence.
    pub fn new() -> Self {
        let () = Self::FITS;
        Seq { len: 0, items: std::array::from_fn(|_| T::default()) }
    }

    /// Appends `item` (`Append(s, item)`).
    ///
    /// # Panics
    /// When the sequence already holds `N` elements: the model's bound on it
    /// does not hold (the checker reports this as a model error).
    #[track_caller]
    pub fn push(&mut self, item: T) {
        if self.try_push(item).is_err() {
            panic!("a Seq of capacity {N} is full: the model's bound on it does not hold");
        }
    }

    /// Appends `item`, or gives it back when the sequence is full.
    pub fn try_push(&mut self, item: T) -> Result<(), T> {
        match self.items.get_mut(self.len as usize) {
            Some(slot) => {
                *slot = item;
                self.len += 1;
                Ok(())
            }
            None => Err(item),
        }
    }

    /// Removes and returns the last element.
    pub fn pop(&mut self) -> Option<T> {
        let last = (self.len as usize).checked_sub(1)?;
        self.len -= 1;
        Some(std::mem::take(&mut self.items[last]))
    }

    /// Removes and returns the first element (`Head(s)`, leaving `Tail(s)`).
    pub fn pop_front(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        Some(self.remove(0))
    }

    /// Inserts `item` at `index`, shifting the later elements up.
    ///
    /// # Panics
    /// When `index > len` or the sequence is full.
    #[track_caller]
    pub fn insert(&mut self, index: usize, item: T) {
        let len = self.len as usize;
        assert!(index <= len, "Seq::insert at {index}, past the length {len}");
        self.push(item);
        self.items[index..=len].rotate_right(1);
    }

    /// Removes and returns the element at `index`, shifting the later ones down.
    ///
    /// # Panics
    /// When `index >= len`.
    #[track_caller]
    pub fn remove(&mut self, index: usize) -> T {
        let len = self.len as usize;
        assert!(index < len, "Seq::remove at {index}, past the length {len}");
        self.items[index..len].rotate_left(1);
        self.len -= 1;
        std::mem::take(&mut self.items[len - 1])
    }

    /// Keeps only the elements for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let len = self.len as usize;
        let mut kept = 0;
        for i in 0..len {
            if keep(&self.items[i]) {
                self.items.swap(kept, i);
                kept += 1;
            }
        }
        for slot in &mut self.items[kept..len] {
            *slot = T::default();
        }
        self.len = kept as u8;
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        for slot in &mut self.items[..self.len as usize] {
            *slot = T::default();
        }
        self.len = 0;
    }
}

impl<T, const N: usize> Seq<T, N> {
    /// The most elements it can hold.
    pub const CAPACITY: usize = N;

    /// The elements, in order.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        &self.items[..self.len as usize]
    }

    /// The elements, in order, to change in place.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.items[..self.len as usize]
    }

    /// Whether it holds `N` elements.
    pub fn is_full(&self) -> bool {
        self.len as usize == N
    }
}

impl<T: Default, const N: usize> Default for Seq<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> Deref for Seq<T, N> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: PartialEq, const N: usize> PartialEq for Seq<T, N> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq, const N: usize> Eq for Seq<T, N> {}

impl<T: Hash, const N: usize> Hash for Seq<T, N> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: PartialOrd, const N: usize> PartialOrd for Seq<T, N> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.as_slice().partial_cmp(other.as_slice())
    }
}

impl<T: Ord, const N: usize> Ord for Seq<T, N> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for Seq<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<'a, T, const N: usize> IntoIterator for &'a Seq<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: Default, const N: usize> FromIterator<T> for Seq<T, N> {
    /// # Panics
    /// When the iterator yields more than `N` elements.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut seq = Seq::new();
        for item in iter {
            seq.push(item);
        }
        seq
    }
}

impl<T: Default, const N: usize> Extend<T> for Seq<T, N> {
    /// # Panics
    /// When the sequence overflows.
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for item in iter {
            self.push(item);
        }
    }
}

impl<T: serde::Serialize, const N: usize> serde::Serialize for Seq<T, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

impl<'de, T: serde::Deserialize<'de> + Default, const N: usize> serde::Deserialize<'de> for Seq<T, N> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T, const N: usize>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de> + Default, const N: usize> serde::de::Visitor<'de> for Visit<T, N> {
            type Value = Seq<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a sequence of at most {N} elements")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut seq = Seq::new();
                while let Some(item) = access.next_element()? {
                    if seq.try_push(item).is_err() {
                        return Err(serde::de::Error::invalid_length(N + 1, &self));
                    }
                }
                Ok(seq)
            }
        }
        deserializer.deserialize_seq(Visit::<T, N>(std::marker::PhantomData))
    }
}

/// A set of at most `N` elements, kept sorted inline (`SUBSET T` with a
/// small bound). `Copy` when `T` is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Set<T, const N: usize> {
    items: Seq<T, N>,
}

impl<T: Ord + Default, const N: usize> Set<T, N> {
    /// The empty set.
    pub fn new() -> Self {
        Set { items: Seq::new() }
    }

    /// Adds `item`; returns whether it was absent.
    ///
    /// # Panics
    /// When `item` is absent and the set already holds `N` elements.
    #[track_caller]
    pub fn insert(&mut self, item: T) -> bool {
        match self.items.binary_search(&item) {
            Ok(_) => false,
            Err(at) => {
                self.items.insert(at, item);
                true
            }
        }
    }

    /// Removes `item`; returns whether it was present.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.items.binary_search_by(|x| x.borrow().cmp(item)) {
            Ok(at) => {
                self.items.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.items.clear();
    }
}

impl<T: Ord, const N: usize> Set<T, N> {
    /// `item \in set`.
    #[inline]
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|x| x.borrow().cmp(item)).is_ok()
    }

    /// `self \subseteq other`.
    pub fn is_subset<const M: usize>(&self, other: &Set<T, M>) -> bool {
        self.iter().all(|x| other.contains(x))
    }
}

impl<T, const N: usize> Set<T, N> {
    /// The elements in increasing order.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        self.items.as_slice()
    }
}

impl<T, const N: usize> Deref for Set<T, N> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.items.as_slice()
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for Set<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.as_slice()).finish()
    }
}

impl<'a, T, const N: usize> IntoIterator for &'a Set<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: Ord + Default, const N: usize> FromIterator<T> for Set<T, N> {
    /// # Panics
    /// When the iterator yields more than `N` distinct elements.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Set::new();
        for item in iter {
            set.insert(item);
        }
        set
    }
}

impl<T: serde::Serialize, const N: usize> serde::Serialize for Set<T, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de, T: serde::Deserialize<'de> + Ord + Default, const N: usize> serde::Deserialize<'de> for Set<T, N> {
    /// Refuses elements out of order or repeated, so a decoded set is sorted
    /// as one the API built.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Seq::<T, N>::deserialize(deserializer)?;
        if items.windows(2).any(|w| w[0] >= w[1]) {
            return Err(serde::de::Error::custom("set elements out of order or repeated"));
        }
        Ok(Set { items })
    }
}

/// A bag (multiset) of at most `N` copies in all, kept sorted inline, so
/// that a bag of messages in flight has one form whatever the order of
/// sends. `Copy` when `T` is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bag<T, const N: usize> {
    items: Seq<T, N>,
}

impl<T: Ord + Default, const N: usize> Bag<T, N> {
    /// The empty bag.
    pub fn new() -> Self {
        Bag { items: Seq::new() }
    }

    /// Adds one copy of `item`.
    ///
    /// # Panics
    /// When the bag already holds `N` copies in all.
    #[track_caller]
    pub fn insert(&mut self, item: T) {
        let at = self.items.partition_point(|x| *x <= item);
        self.items.insert(at, item);
    }

    /// Removes one copy of `item`; returns whether there was one.
    pub fn remove_one<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.items.binary_search_by(|x| x.borrow().cmp(item)) {
            Ok(at) => {
                self.items.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes every copy.
    pub fn clear(&mut self) {
        self.items.clear();
    }
}

impl<T: Ord, const N: usize> Bag<T, N> {
    /// How many copies of `item` it holds.
    pub fn count<Q: Ord + ?Sized>(&self, item: &Q) -> usize
    where
        T: Borrow<Q>,
    {
        let start = self.items.partition_point(|x| x.borrow() < item);
        let end = self.items.partition_point(|x| x.borrow() <= item);
        end - start
    }

    /// Whether it holds a copy of `item`.
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|x| x.borrow().cmp(item)).is_ok()
    }

    /// Each distinct element once, in increasing order, with its count.
    pub fn distinct(&self) -> impl Iterator<Item = (&T, usize)> {
        self.items.chunk_by(|a, b| a == b).map(|run| (&run[0], run.len()))
    }
}

impl<T, const N: usize> Bag<T, N> {
    /// Every copy, in increasing order.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        self.items.as_slice()
    }
}

impl<T, const N: usize> Deref for Bag<T, N> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.items.as_slice()
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for Bag<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<T: Ord + Default, const N: usize> FromIterator<T> for Bag<T, N> {
    /// # Panics
    /// When the iterator yields more than `N` elements.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut bag = Bag::new();
        for item in iter {
            bag.insert(item);
        }
        bag
    }
}

impl<T: serde::Serialize, const N: usize> serde::Serialize for Bag<T, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de, T: serde::Deserialize<'de> + Ord + Default, const N: usize> serde::Deserialize<'de> for Bag<T, N> {
    /// Refuses elements out of order.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Seq::<T, N>::deserialize(deserializer)?;
        if items.windows(2).any(|w| w[0] > w[1]) {
            return Err(serde::de::Error::custom("bag elements out of order"));
        }
        Ok(Bag { items })
    }
}

/// A map of at most `N` keys, kept sorted by key inline (a TLA+ function
/// over a small domain that grows). `Copy` when `K` and `V` are.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Map<K, V, const N: usize> {
    entries: Seq<(K, V), N>,
}

impl<K: Ord + Default, V: Default, const N: usize> Map<K, V, N> {
    /// The empty map.
    pub fn new() -> Self {
        Map { entries: Seq::new() }
    }

    /// Maps `key` to `value`; returns the value it replaced.
    ///
    /// # Panics
    /// When `key` is new and the map already holds `N` keys.
    #[track_caller]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => Some(std::mem::replace(&mut self.entries.as_mut_slice()[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let at = self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K: Ord, V, const N: usize> Map<K, V, N> {
    /// The value of `key`.
    #[inline]
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
        Some(&self.entries[at].1)
    }

    /// The value of `key`, to change in place.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let at = self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
        Some(&mut self.entries.as_mut_slice()[at].1)
    }

    /// Whether `key` is in the domain.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.get(key).is_some()
    }
}

impl<K, V, const N: usize> Map<K, V, N> {
    /// The `(key, value)` pairs in increasing key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in increasing order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in increasing key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<K: fmt::Debug, V: fmt::Debug, const N: usize> fmt::Debug for Map<K, V, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord + Default, V: Default, const N: usize> FromIterator<(K, V)> for Map<K, V, N> {
    /// # Panics
    /// When the iterator yields more than `N` distinct keys.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K: serde::Serialize, V: serde::Serialize, const N: usize> serde::Serialize for Map<K, V, N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(serializer)
    }
}

impl<'de, K, V, const N: usize> serde::Deserialize<'de> for Map<K, V, N>
where
    K: serde::Deserialize<'de> + Ord + Default,
    V: serde::Deserialize<'de> + Default,
{
    /// Refuses keys out of order or repeated.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = Seq::<(K, V), N>::deserialize(deserializer)?;
        if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(serde::de::Error::custom("map keys out of order or repeated"));
        }
        Ok(Map { entries })
    }
}
