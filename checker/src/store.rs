//! The fingerprint store: for every distinct state, its fingerprint and the
//! fingerprint of its parent on a shortest path (one word each).
//!
//! During a BFS level, several workers may discover the same new state from
//! different parents. The store keeps the *smallest* parent fingerprint, so the
//! parent (and therefore every trace) is the same for any thread count and any
//! interleaving. When the level ends the engine *seals* each new state; a
//! sealed parent never changes again.
//!
//! [`Table`] is a purpose-built lock-free open-addressing table for 64-bit
//! fingerprints (16 bytes a slot, linear probing, grown only between segments
//! of a level). [`ShardedStore`] keeps the same contract on a `DashMap`; it
//! serves 128-bit fingerprints and is the baseline the table was measured
//! against (see `bench/`).

use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;
use rayon::prelude::*;

use crate::fingerprint::Fingerprint;

/// What an insertion found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Insert {
    /// The state was not there; it is now, with the given parent.
    New,
    /// The state was found earlier in this level, and the given parent is
    /// smaller than the one it had: it is its parent now.
    Lowered,
    /// The state was already known with a parent at least as small.
    Seen,
    /// The table had no room within its probe limit; grow and retry.
    Full,
}

/// A concurrent fingerprint store. Insertions and seals may run concurrently
/// with each other only within the rules of one BFS level: `insert` during
/// expansion, `seal` after it, `grow` when no other call is running.
pub(crate) trait Store<F: Fingerprint>: Send + Sync + Sized {
    /// An empty store sized for about `states` states.
    fn with_capacity(states: usize) -> Self;
    /// Inserts `fp` (unsealed) or lowers its parent if it is unsealed.
    fn insert(&self, fp: F, parent: F) -> Insert;
    /// Inserts `fp` sealed, keeping an existing entry as it is. Returns whether it was new.
    fn insert_sealed(&self, fp: F, parent: F) -> Option<bool>;
    /// Seals `fp` and returns its final parent.
    fn seal(&self, fp: F) -> F;
    /// The parent of a sealed `fp`.
    fn parent(&self, fp: F) -> Option<F>;
    /// Makes room for `additional` more states beyond the `len` held now.
    fn reserve(&mut self, len: u64, additional: u64);
    /// The bytes that [`Store::reserve`] with the same arguments would
    /// allocate (while still holding what it holds now): 0 when there is room.
    fn growth_bytes(&self, len: u64, additional: u64) -> u64;
    /// Bytes held.
    fn bytes(&self) -> u64;
    /// Hints that `fp` will be inserted soon.
    #[inline]
    fn prefetch(&self, _fp: F) {}
    /// Calls `visit(fingerprint, parent, sealed)` on every entry, for checkpoints.
    fn entries(&self, visit: &mut dyn FnMut(F, F, bool));
    /// Puts back an entry that [`Store::entries`] gave; [`Store::reserve`] room
    /// first. Returns whether `fp` was new (a checkpoint lists each state
    /// once), or `None` if the table had no room within its probe limit.
    fn restore(&self, fp: F, parent: F, sealed: bool) -> Option<bool>;
    /// The parent of `fp` and whether it is sealed, sealed or not: for
    /// checking a checkpoint that was just restored.
    fn lookup(&self, fp: F) -> Option<(F, bool)>;
}

const SEALED: u64 = 1 << 63;
const LOW: u64 = !SEALED;
/// Longest probe sequence before an insertion reports [`Insert::Full`].
const PROBE_MAX: usize = 2048;
/// Grow when the load factor would pass this: linear probing with uniform
/// fingerprints still averages under four probes per hit here.
const LOAD_MAX: f64 = 0.85;
/// Growth factor; with `LOAD_MAX` it keeps the load in 0.68..0.85, i.e.
/// 18.8 to 23.5 bytes per state.
const GROWTH: f64 = 1.25;

/// A lock-free open-addressing table of 64-bit fingerprints.
///
/// Each slot is two words: the key (0 = empty) and the parent word. The parent
/// word stores `!parent & LOW`, so that an empty word means "largest possible
/// parent" and lowering the parent is an atomic `fetch_max`; the top bit marks
/// the entry sealed, which makes the word larger than any unsealed value so
/// a late `fetch_max` can never change a sealed parent.
pub(crate) struct Table {
    /// `[key, parent word]` pairs.
    words: Box<[AtomicU64]>,
}

impl Table {
    fn zeroed(slots: usize) -> Table {
        let slots = slots.max(64);
        // Written, not calloc'ed: a calloc'ed page that is read first maps the
        // shared zero page, and the first write to it then needs a TLB
        // shootdown on every core running a worker, which cost more than all
        // the probing on two threads. Writing in parallel faults the pages in
        // once, on the cores that will use them.
        let words: Vec<AtomicU64> =
            (0..slots * 2).into_par_iter().with_min_len(1 << 16).map(|_| AtomicU64::new(0)).collect();
        Table { words: words.into_boxed_slice() }
    }

    fn slots(&self) -> usize {
        self.words.len() / 2
    }

    /// The slots of the table [`Store::reserve`] builds for `needed` states,
    /// or `None` when this one has room.
    fn grown_slots(&self, needed: u64) -> Option<usize> {
        if (needed as f64) <= LOAD_MAX * self.slots() as f64 {
            return None;
        }
        Some(((needed as f64 / LOAD_MAX).max(self.slots() as f64 * GROWTH)) as usize + 1)
    }

    /// Maps a fingerprint to its home slot (Lemire's multiply-shift range
    /// reduction, so the capacity need not be a power of two).
    #[inline]
    fn home(&self, fp: u64) -> usize {
        (((fp << 1) as u128 * self.slots() as u128) >> 64) as usize
    }

    #[inline]
    fn find(&self, fp: u64) -> Option<usize> {
        let slots = self.slots();
        let mut i = self.home(fp);
        for _ in 0..slots.min(PROBE_MAX) {
            match self.words[2 * i].load(Ordering::Acquire) {
                0 => return None,
                k if k == fp => return Some(i),
                _ => {}
            }
            i += 1;
            if i == slots {
                i = 0;
            }
        }
        None
    }

    /// Claims the slot of `fp` (existing or new); `None` when full.
    #[inline]
    fn claim(&self, fp: u64) -> Option<(usize, bool)> {
        debug_assert!(fp != 0 && fp & SEALED == 0);
        let slots = self.slots();
        let mut i = self.home(fp);
        for _ in 0..slots.min(PROBE_MAX) {
            let key = &self.words[2 * i];
            let mut k = key.load(Ordering::Acquire);
            if k == 0 {
                match key.compare_exchange(0, fp, Ordering::AcqRel, Ordering::Acquire) {
                    Ok(_) => return Some((i, true)),
                    Err(actual) => k = actual,
                }
            }
            if k == fp {
                return Some((i, false));
            }
            i += 1;
            if i == slots {
                i = 0;
            }
        }
        None
    }
}

#[inline]
fn encode(parent: u64) -> u64 {
    !parent & LOW
}

#[inline]
fn decode(word: u64) -> u64 {
    !word & LOW
}

impl Store<u64> for Table {
    fn with_capacity(states: usize) -> Table {
        Table::zeroed((states as f64 / LOAD_MAX) as usize + 1)
    }

    #[inline]
    fn insert(&self, fp: u64, parent: u64) -> Insert {
        let Some((i, new)) = self.claim(fp) else { return Insert::Full };
        let word = &self.words[2 * i + 1];
        if !new && word.load(Ordering::Acquire) & SEALED != 0 {
            return Insert::Seen;
        }
        let before = word.fetch_max(encode(parent), Ordering::AcqRel);
        match (new, before & SEALED != 0 || before >= encode(parent)) {
            (true, _) => Insert::New,
            (false, true) => Insert::Seen,
            (false, false) => Insert::Lowered,
        }
    }

    fn insert_sealed(&self, fp: u64, parent: u64) -> Option<bool> {
        let (i, new) = self.claim(fp)?;
        if new {
            self.words[2 * i + 1].store(encode(parent) | SEALED, Ordering::Release);
        }
        Some(new)
    }

    fn seal(&self, fp: u64) -> u64 {
        let i = self.find(fp).expect("checker bug: sealing a fingerprint that is not in the store");
        let word = self.words[2 * i + 1].fetch_or(SEALED, Ordering::AcqRel);
        decode(word)
    }

    fn parent(&self, fp: u64) -> Option<u64> {
        let word = self.words[2 * self.find(fp)? + 1].load(Ordering::Acquire);
        debug_assert!(word & SEALED != 0, "checker bug: reading the parent of an unsealed state");
        Some(decode(word))
    }

    fn reserve(&mut self, len: u64, additional: u64) {
        let Some(target) = self.grown_slots(len + additional) else { return };
        let bigger = Table::zeroed(target);
        self.words.par_chunks(2).for_each(|pair| {
            let key = pair[0].load(Ordering::Relaxed);
            if key != 0 {
                let (i, new) = bigger.claim(key).expect("checker bug: a grown table cannot be full");
                debug_assert!(new);
                bigger.words[2 * i + 1].store(pair[1].load(Ordering::Relaxed), Ordering::Relaxed);
            }
        });
        *self = bigger;
    }

    fn growth_bytes(&self, len: u64, additional: u64) -> u64 {
        self.grown_slots(len + additional)
            .map_or(0, |slots| (slots.max(64) * 2 * std::mem::size_of::<AtomicU64>()) as u64)
    }

    fn bytes(&self) -> u64 {
        (self.words.len() * std::mem::size_of::<AtomicU64>()) as u64
    }

    fn entries(&self, visit: &mut dyn FnMut(u64, u64, bool)) {
        for pair in self.words.chunks(2) {
            let key = pair[0].load(Ordering::Acquire);
            if key != 0 {
                let word = pair[1].load(Ordering::Acquire);
                visit(key, decode(word), word & SEALED != 0);
            }
        }
    }

    fn restore(&self, fp: u64, parent: u64, sealed: bool) -> Option<bool> {
        let (i, new) = self.claim(fp)?;
        let flag = if sealed { SEALED } else { 0 };
        self.words[2 * i + 1].store(encode(parent) | flag, Ordering::Release);
        Some(new)
    }

    fn lookup(&self, fp: u64) -> Option<(u64, bool)> {
        let word = self.words[2 * self.find(fp)? + 1].load(Ordering::Acquire);
        Some((decode(word), word & SEALED != 0))
    }

    #[inline]
    fn prefetch(&self, fp: u64) {
        prefetch(&self.words[2 * self.home(fp)]);
    }
}

/// Hints that `value` will be read soon, so that the cache misses of several
/// lookups overlap instead of queueing (the fingerprint tables' `prefetch`).
#[inline]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint and never faults; the address is a reference's.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The same contract on a sharded `DashMap`: the baseline, and the store for
/// 128-bit fingerprints.
pub(crate) struct ShardedStore<F: Fingerprint> {
    map: DashMap<F, (F, bool), foldhash::fast::FixedState>,
}

impl<F: Fingerprint> Store<F> for ShardedStore<F> {
    fn with_capacity(states: usize) -> Self {
        ShardedStore { map: DashMap::with_capacity_and_hasher(states, foldhash::fast::FixedState::with_seed(1)) }
    }

    fn insert(&self, fp: F, parent: F) -> Insert {
        match self.map.entry(fp) {
            dashmap::Entry::Vacant(v) => {
                v.insert((parent, false));
                Insert::New
            }
            dashmap::Entry::Occupied(mut o) => {
                let (current, sealed) = o.get_mut();
                if !*sealed && parent < *current {
                    *current = parent;
                    Insert::Lowered
                } else {
                    Insert::Seen
                }
            }
        }
    }

    fn insert_sealed(&self, fp: F, parent: F) -> Option<bool> {
        match self.map.entry(fp) {
            dashmap::Entry::Vacant(v) => {
                v.insert((parent, true));
                Some(true)
            }
            dashmap::Entry::Occupied(_) => Some(false),
        }
    }

    fn seal(&self, fp: F) -> F {
        let mut entry = self.map.get_mut(&fp).expect("checker bug: sealing a fingerprint that is not in the store");
        entry.1 = true;
        entry.0
    }

    fn parent(&self, fp: F) -> Option<F> {
        self.map.get(&fp).map(|e| e.0)
    }

    fn reserve(&mut self, _len: u64, _additional: u64) {}

    /// The map grows by itself, one shard at a time, on insertion: when
    /// `len + additional` comes near its capacity (7/8 of it, as shards fill
    /// unevenly), expect its tables to double.
    fn growth_bytes(&self, len: u64, additional: u64) -> u64 {
        let capacity = self.map.capacity() as u64;
        if (len + additional) * 8 <= capacity * 7 {
            0
        } else {
            self.bytes()
        }
    }

    fn bytes(&self) -> u64 {
        (self.map.capacity() * (std::mem::size_of::<(F, (F, bool))>() + 1)) as u64
    }

    fn entries(&self, visit: &mut dyn FnMut(F, F, bool)) {
        for entry in self.map.iter() {
            let (parent, sealed) = *entry.value();
            visit(*entry.key(), parent, sealed);
        }
    }

    fn restore(&self, fp: F, parent: F, sealed: bool) -> Option<bool> {
        Some(self.map.insert(fp, (parent, sealed)).is_none())
    }

    fn lookup(&self, fp: F) -> Option<(F, bool)> {
        self.map.get(&fp).map(|e| *e)
    }
}

#[cfg(test)]
mod tests;
