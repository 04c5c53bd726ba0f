//! A worker's part of the fingerprint table: open addressing with linear
//! probing, each entry inline (fingerprint, parent, position, action), so
//! that looking up a fingerprint costs one cache miss where `HashMap`'s
//! separate control bytes cost two (Paxos 0..3 on 2 workers: 7.9 s against
//! 8.9 s, bench/runs/2026-12-03-distributed/engine-changes.md). Fingerprints are never 0 (`Fingerprint::of`), so 0
//! marks an empty entry; they are uniform hashes, so their low bits index
//! the entries directly (the high bits pick the owner, [`super::owner`]).

/// An entry: a state of the table, or one that arrived in the level under way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Slot {
    /// 0 for an empty entry.
    pub fp: u64,
    pub parent: u64,
    /// [`SEALED`] once the state is stored (at the end of its level).
    pub position: u32,
    pub action: u32,
}

/// The position of a state stored in an earlier level: no arrival wins over it.
pub(super) const SEALED: u32 = u32::MAX;

/// The table of one worker.
pub(super) struct Owned {
    slots: Vec<Slot>,
    len: usize,
}

impl Owned {
    pub(super) fn new() -> Owned {
        Owned { slots: vec![Slot::default(); 1 << 10], len: 0 }
    }

    /// Bytes the entries take.
    pub(super) fn bytes(&self) -> u64 {
        (self.slots.len() * std::mem::size_of::<Slot>()) as u64
    }

    /// Where `fp` is, or the empty entry where it would go.
    #[inline]
    fn index(&self, fp: u64) -> usize {
        debug_assert_ne!(fp, 0, "fingerprints are never 0");
        let mask = self.slots.len() - 1;
        let mut i = fp as usize & mask;
        loop {
            let at = self.slots[i].fp;
            if at == fp || at == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Hints that `fp`'s entry will be looked at soon.
    #[inline]
    pub(super) fn prefetch(&self, fp: u64) {
        crate::store::prefetch(&self.slots[fp as usize & (self.slots.len() - 1)]);
    }

    /// The entry of `fp`, if it has one (never for 0, the empty entries' mark).
    pub(super) fn get(&self, fp: u64) -> Option<&Slot> {
        if fp == 0 {
            return None;
        }
        let slot = &self.slots[self.index(fp)];
        (slot.fp == fp).then_some(slot)
    }

    pub(super) fn get_mut(&mut self, fp: u64) -> Option<&mut Slot> {
        if fp == 0 {
            return None;
        }
        let i = self.index(fp);
        let slot = &mut self.slots[i];
        (slot.fp == fp).then_some(slot)
    }

    /// The entry of `fp`, and whether it is new: a new one has `fp` set and
    /// the rest zero, for the caller to fill.
    #[inline]
    pub(super) fn entry(&mut self, fp: u64) -> (&mut Slot, bool) {
        let mut i = self.index(fp);
        if self.slots[i].fp == fp {
            return (&mut self.slots[i], false);
        }
        // At most three quarters full, so that probes stay short.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
            i = self.index(fp);
        }
        self.len += 1;
        let slot = &mut self.slots[i];
        *slot = Slot { fp, ..Slot::default() };
        (slot, true)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for slot in old.into_iter().filter(|s| s.fp != 0) {
            let i = self.index(slot.fp);
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn entries_agree_with_a_hash_map_through_growth_and_clustered_keys() {
        let mut table = Owned::new();
        let mut oracle: HashMap<u64, u64> = HashMap::new();
        // Uniform keys, and keys sharing their low bits (one probe chain).
        let keys =
            (1..20_000u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 1 | 1).chain((1..300).map(|i| i << 40));
        for (n, fp) in keys.enumerate() {
            let (slot, new) = table.entry(fp);
            assert_eq!(new, !oracle.contains_key(&fp));
            if new {
                slot.parent = n as u64;
                oracle.insert(fp, n as u64);
            }
            // Again: found, unchanged.
            let (slot, new) = table.entry(fp);
            assert!(!new);
            assert_eq!(slot.parent, oracle[&fp]);
        }
        assert_eq!(table.len, oracle.len());
        for (&fp, &parent) in &oracle {
            assert_eq!(table.get(fp).map(|s| s.parent), Some(parent));
        }
        assert_eq!(table.get(12345 << 20), None);
        assert_eq!(table.get(0), None);
        table.get_mut(1 << 40).expect("present").position = SEALED;
        assert_eq!(table.get(1 << 40).map(|s| s.position), Some(SEALED));
        assert!(table.slots.len() * 3 >= table.len * 4);
    }
}
