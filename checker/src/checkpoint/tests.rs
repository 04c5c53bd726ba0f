//! Crafted checkpoints: each one is built from a real checkpoint of a grid
//! search, changed in one way, given fresh checksums (so that only the
//! consistency checks can refuse it) and resumed. Every one must be refused as
//! a checkpoint error, never resumed, never a panic.
//!
//! The format is parsed and written here independently of the module, from its
//! documentation, so these tests also pin the format.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Header, MAGIC};
use crate::config::CheckConfig;
use crate::error::CheckError;
use crate::fixtures::{config, Grid};
use crate::outcome::StopReason;
use crate::{check, CheckpointStorage, Checkpointing, Outcome};

/// A checkpoint held in memory.
#[derive(Default)]
struct Memory(Mutex<Option<Vec<u8>>>);

impl CheckpointStorage for Memory {
    fn save(&self, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        *self.0.lock().unwrap() = Some(bytes);
        Ok(())
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn Read>>> {
        Ok(self.0.lock().unwrap().clone().map(|b| Box::new(std::io::Cursor::new(b)) as Box<dyn Read>))
    }

    fn location(&self) -> String {
        "memory".into()
    }
}

const GRID: Grid = Grid { n: 4 };

/// The grid, checking a state invariant first violated at depth 5 and a
/// step invariant first violated at depth 3, going on after violations.
fn grid_config(storage: &Arc<Memory>, resume: bool) -> CheckConfig {
    let mut config = config(&["SumBelowFour", "NoIncXOntoDiagonal"], 1);
    config.continue_after_violation = true;
    config.checkpoint = Some(Checkpointing {
        storage: storage.clone(),
        every: Duration::from_secs(3600),
        resume,
        identity: vec![("model".into(), "Grid".into())],
    });
    config
}

/// The checkpoint of a grid search stopped by `limit`.
fn written(limit: impl Fn(&mut CheckConfig)) -> Vec<u8> {
    let storage = Arc::new(Memory::default());
    let mut config = grid_config(&storage, false);
    limit(&mut config);
    let outcome = check(&GRID, &config).unwrap();
    assert!(outcome.stopped.is_some());
    let bytes = storage.0.lock().unwrap().clone();
    bytes.expect("a stopped run writes a checkpoint")
}

/// Stopped before expanding level 4: its 4 states are unexpanded, nothing of
/// level 5 is found, and the step invariant's violation at depth 3 is recorded.
fn at_depth_limit() -> Vec<u8> {
    written(|c| c.limits.depth_max = 4)
}

/// Stopped after expanding level 4 (10 states before it, 5 found in it):
/// level 5's entries are unsealed, and both violations are recorded.
fn at_states_limit() -> Vec<u8> {
    written(|c| c.limits.states_max = 12)
}

fn resume(bytes: Vec<u8>) -> Result<Outcome, CheckError> {
    let storage = Arc::new(Memory(Mutex::new(Some(bytes))));
    check(&GRID, &grid_config(&storage, true))
}

fn uninterrupted() -> Outcome {
    let mut outcome = check(&GRID, &grid_config(&Arc::new(Memory::default()), false)).unwrap();
    outcome.stats.store_bytes = 0;
    outcome
}

/// Resuming `bytes` is refused with a message containing `expected`.
#[track_caller]
fn refused(bytes: Vec<u8>, expected: &str) {
    match resume(bytes) {
        Err(CheckError::Checkpoint(message)) => assert!(message.contains(expected), "{message}"),
        Err(e) => panic!("refused as another kind of error: {e}"),
        Ok(outcome) => panic!("resumed: {:?}", outcome.stats),
    }
}

/// A checkpoint in parts (64-bit fingerprints).
#[derive(Clone)]
struct Raw {
    header: Header,
    /// `(fingerprint, parent, sealed byte)`.
    store: Vec<(u64, u64, u8)>,
    current: Vec<RawEntry>,
    next: Vec<RawEntry>,
}

#[derive(Clone)]
struct RawEntry {
    fp: u64,
    parent: u64,
    action: u32,
    state: Vec<u8>,
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().unwrap())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().unwrap())
    }
    fn entry(&mut self) -> RawEntry {
        let (fp, parent, action) = (self.u64(), self.u64(), self.u32());
        let length = self.u32() as usize;
        RawEntry { fp, parent, action, state: self.take(length).to_vec() }
    }
}

fn parse(bytes: &[u8]) -> Raw {
    let mut c = Cursor(bytes);
    assert_eq!(c.take(MAGIC.len()), MAGIC);
    let length = c.u64() as usize;
    let header: Header = postcard::from_bytes(c.take(length)).unwrap();
    let crc = c.u32();
    assert_eq!(crc, crc32fast::hash(&bytes[..MAGIC.len() + 8 + length]));
    let store = (0..header.store_entries).map(|_| (c.u64(), c.u64(), c.take(1)[0])).collect();
    let current = (0..header.current).map(|_| c.entry()).collect();
    let next = (0..header.next).map(|_| c.entry()).collect();
    assert_eq!(c.take(4), b"end\n");
    assert_eq!(c.u32(), crc32fast::hash(&bytes[..bytes.len() - 4]));
    assert!(c.0.is_empty());
    Raw { header, store, current, next }
}

/// Writes `raw` with its counts of entries as they are, and fresh checksums.
fn encode(raw: &Raw) -> Vec<u8> {
    let mut header = postcard::to_stdvec(&raw.header).unwrap();
    let mut out = MAGIC.to_vec();
    out.extend((header.len() as u64).to_le_bytes());
    out.append(&mut header);
    out.extend(crc32fast::hash(&out).to_le_bytes());
    for &(fp, parent, sealed) in &raw.store {
        out.extend(fp.to_le_bytes());
        out.extend(parent.to_le_bytes());
        out.push(sealed);
    }
    for entry in raw.current.iter().chain(&raw.next) {
        out.extend(entry.fp.to_le_bytes());
        out.extend(entry.parent.to_le_bytes());
        out.extend(entry.action.to_le_bytes());
        out.extend((entry.state.len() as u32).to_le_bytes());
        out.extend(&entry.state);
    }
    out.extend(b"end\n");
    out.extend(crc32fast::hash(&out).to_le_bytes());
    out
}

/// `change` applied to a parsed checkpoint, written back with fresh checksums.
fn crafted(bytes: &[u8], change: impl FnOnce(&mut Raw)) -> Vec<u8> {
    let mut raw = parse(bytes);
    change(&mut raw);
    encode(&raw)
}

fn grid_state(x: u32, y: u32) -> Vec<u8> {
    postcard::to_stdvec(&(x, y)).unwrap()
}

/// The fingerprint the store lists for grid state `(x, y)`, found through a
/// checkpoint's frontier entries.
fn fp_of(raw: &Raw, x: u32, y: u32) -> u64 {
    let state = grid_state(x, y);
    raw.current.iter().chain(&raw.next).find(|e| e.state == state).expect("a frontier state").fp
}

#[test]
fn the_test_format_reads_and_writes_real_checkpoints_unchanged() {
    for bytes in [at_depth_limit(), at_states_limit()] {
        let raw = parse(&bytes);
        assert_eq!(encode(&raw), bytes);
        let mut resumed = resume(bytes).unwrap();
        resumed.stats.store_bytes = 0;
        assert_eq!(resumed, uninterrupted());
    }
    // The shapes the tests below rely on.
    let raw = parse(&at_depth_limit());
    assert_eq!((raw.header.level, raw.header.distinct, raw.current.len(), raw.next.len()), (4, 10, 4, 0));
    assert_eq!(raw.header.found.iter().flatten().count(), 1);
    let raw = parse(&at_states_limit());
    assert_eq!((raw.header.level, raw.header.distinct, raw.header.found_in_level), (4, 10, 5));
    assert!(raw.current.is_empty());
    assert!(raw.next.len() >= 5);
    assert_eq!(raw.header.found.iter().flatten().count(), 2);
}

#[test]
fn edited_counters_are_refused_by_the_checksum() {
    let bytes = at_states_limit();
    let raw = parse(&bytes);
    let mut edited = raw.clone();
    edited.header.generated += 1;
    let mut changed = encode(&edited);
    // The old checksums over the new header.
    let at = MAGIC.len() + 8 + postcard::to_stdvec(&edited.header).unwrap().len();
    changed[at..at + 4].copy_from_slice(&bytes[at..at + 4]);
    refused(changed, "the checksum of its header does not match");

    let mut changed = bytes.clone();
    let last = changed.len() - 10;
    changed[last] ^= 1;
    refused(changed, "the checksum of its contents does not match");
}

#[test]
fn counters_that_disagree_are_refused() {
    let bytes = at_states_limit();
    refused(crafted(&bytes, |r| r.header.generated = 3), "states generated, fewer than");
    refused(crafted(&bytes, |r| r.header.distinct += 1), "distinct states, but");
    refused(crafted(&bytes, |r| r.header.distinct_steps[0] = u64::MAX), "more than can be counted");
    refused(crafted(&bytes, |r| r.header.expanded = 11), "states expanded of 10");
    refused(crafted(&bytes, |r| r.header.store_entries += 1), "stored states, but");
    refused(crafted(&bytes, |r| r.header.steps.push(0)), "its actions or checks are not this run's");
    refused(crafted(&bytes, |r| r.header.found.truncate(1)), "its actions or checks are not this run's");
    refused(crafted(&bytes, |r| r.header.level = u32::MAX), "level 4294967295");
    refused(crafted(&bytes, |r| r.header.depth = 5), "depth 5 at level 4");
    // One more initial state, taken from the states of level 1's successors.
    refused(
        crafted(&bytes, |r| {
            r.header.initial_states += 1;
            r.header.generated += 1;
            r.header.distinct_steps[0] -= 1;
        }),
        "1 of them initial",
    );
}

#[test]
fn lengths_beyond_the_file_end_it_early_without_allocating_them() {
    let bytes = at_depth_limit();
    let mut huge = bytes.clone();
    huge[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    refused(huge, "its header claims 18446744073709551615 bytes");
    // Claims that pass the counters' checks, with fresh checksums: each must
    // run into what follows or the end of the file, reserving no more than
    // what was read (a table of 2^60 entries, or a state of 4 GiB, would
    // abort the test).
    let store = crafted(&bytes, |r| {
        r.header.store_entries = 1 << 60;
        r.header.distinct = (1 << 60) - r.header.found_in_level;
        r.header.distinct_steps[1] = r.header.distinct - r.header.initial_states - r.header.distinct_steps[0];
    });
    assert!(matches!(resume(store), Err(CheckError::Checkpoint(_))));
    refused(crafted(&bytes, |r| r.header.current = 1 << 60), "it ends early");
    // The first unexpanded state claims 4 GiB.
    let raw = parse(&bytes);
    let mut out = encode(&raw);
    let at = out.len() - 8 - raw.current.iter().map(|e| 24 + e.state.len()).sum::<usize>();
    out[at + 20..at + 24].copy_from_slice(&u32::MAX.to_le_bytes());
    crate::checkpoint::reseal(&mut out);
    refused(out, "it ends early");
}

#[test]
fn truncated_and_padded_checkpoints_are_refused() {
    let bytes = at_states_limit();
    for length in 0..bytes.len() {
        let mut cut = bytes[..length].to_vec();
        // Resealed too: a cut that happens to end on a checksum is still cut.
        crate::checkpoint::reseal(&mut cut);
        assert!(matches!(resume(cut), Err(CheckError::Checkpoint(_))), "cut at {length}");
    }
    let mut trailing = bytes.clone();
    trailing.extend(b"more");
    refused(trailing.clone(), "bytes after its end");
    // With a checksum of everything before it at the very end, too.
    crate::checkpoint::reseal(&mut trailing);
    refused(trailing, "bytes after its end");
}

#[test]
fn bad_store_entries_are_refused() {
    let bytes = at_states_limit();
    refused(crafted(&bytes, |r| r.store[0].0 = 1 << 63), "a fingerprint out of range");
    refused(crafted(&bytes, |r| r.store[0].2 = 2), "seal flag");
    refused(crafted(&bytes, |r| r.store[0].1 = r.store[0].0), "its own parent");
    refused(
        crafted(&bytes, |r| {
            let first = r.store[0];
            r.store[1] = first;
        }),
        "a state stored twice",
    );
    // A sealed, non-initial state whose parent is not stored.
    refused(
        crafted(&bytes, |r| {
            let i = r.store.iter().position(|&(_, p, s)| s == 1 && p != 0).unwrap();
            r.store[i].1 = 12345;
        }),
        "whose parent is not a stored state of an earlier level",
    );
    // Two sealed states of level 2 made each other's parents.
    refused(
        crafted(&bytes, |r| {
            let root = r.store.iter().find(|&&(_, p, s)| s == 1 && p == 0).unwrap().0;
            let level_2: Vec<usize> = (0..r.store.len()).filter(|&i| r.store[i].1 == root).collect();
            let (a, b) = (level_2[0], level_2[1]);
            r.store[a].1 = r.store[b].0;
            r.store[b].1 = r.store[a].0;
        }),
        "a chain of parents longer than its 4 levels",
    );
    // A state of the next level hanging from one of the next level.
    refused(
        crafted(&bytes, |r| {
            let unsealed: Vec<usize> = (0..r.store.len()).filter(|&i| r.store[i].2 == 0).collect();
            r.store[unsealed[0]].1 = r.store[unsealed[1]].0;
        }),
        "whose parent is not a stored state",
    );
    // Fingerprints bunched at one end of the table (the 64-bit table's probe
    // limit): the checkpoint claims 3000 initial states 1, 2, 3, ...
    refused(
        crafted(&at_depth_limit(), |r| {
            let n = 3000;
            r.store = (1..=n).map(|fp| (fp, 0, 1)).collect();
            r.header.store_entries = n;
            r.header.distinct = n;
            r.header.initial_states = n;
            r.header.distinct_steps = vec![0; 3];
            r.header.generated = n + r.header.steps.iter().sum::<u64>();
            r.header.expanded = 0;
        }),
        "fingerprints bunched",
    );
}

#[test]
fn bad_frontier_entries_are_refused() {
    let at_depth = at_depth_limit();
    let at_states = at_states_limit();
    // Action indices: the grid has 3 actions; only initial states have none.
    refused(crafted(&at_depth, |r| r.current[0].action = 3), "reached by action number 3");
    refused(crafted(&at_depth, |r| r.current[0].action = u32::MAX), "reached by action number 4294967295");
    refused(crafted(&at_states, |r| r.next[0].action = 3), "reached by action number 3");
    refused(crafted(&at_depth, |r| r.current[1] = r.current[0].clone()), "an unexpanded state listed twice");
    refused(crafted(&at_depth, |r| r.current[0].parent ^= 1), "not stored as a state of level 4");
    refused(crafted(&at_states, |r| r.next[0].parent ^= 1), "not stored as a successor of level 4");
    refused(
        crafted(&at_states, |r| {
            let first = r.next[0].clone();
            r.next[1] = first;
        }),
        "listed twice with one parent",
    );
    // An unexpanded state of level 3, with its real parent.
    refused(
        crafted(&at_depth, |r| {
            let level_3 = r.store.iter().find(|e| e.2 == 1 && !r.current.iter().any(|c| c.fp == e.0)).unwrap();
            let (fp, parent, _) = *level_3;
            r.current[0] = RawEntry { fp, parent, action: 0, state: grid_state(0, 0) };
        }),
        "not stored as a state of level 4",
    );
    // The states: undecodable, or another state than the fingerprint says.
    refused(crafted(&at_depth, |r| r.current[0].state = vec![0xff; 9]), "a state the model cannot decode");
    refused(
        crafted(&at_depth, |r| {
            let other = r.current[1].state.clone();
            r.current[0].state = other;
        }),
        "whose fingerprint is not the one listed",
    );
    refused(crafted(&at_states, |r| r.next[0].state = grid_state(9, 9)), "whose fingerprint is not the one listed");
}

#[test]
fn findings_that_no_path_leads_to_are_refused() {
    let bytes = at_states_limit();
    let raw = parse(&bytes);
    // Index 0 is the state invariant SumBelowFour (recorded at depth 5), 1 the
    // step invariant NoIncXOntoDiagonal (depth 3).
    let (depth, _, _) = raw.header.found[0].unwrap();
    assert_eq!(depth, 5);
    refused(crafted(&bytes, |r| r.header.found[0] = Some((3, 12345, None))), "no path of the store reaches");
    refused(crafted(&bytes, |r| r.header.found[0] = Some((0, 12345, None))), "recorded at depth 0");
    refused(crafted(&bytes, |r| r.header.found[0] = Some((6, 12345, None))), "recorded at depth 6");
    refused(crafted(&bytes, |r| r.header.found[0] = Some((5, 1 << 70, None))), "recorded at depth 5");
    // A state of level 4 recorded at depth 5.
    let level_5 = fp_of(&raw, 2, 2);
    let source = raw.next.iter().find(|e| e.fp == level_5).unwrap().parent;
    refused(crafted(&bytes, |r| r.header.found[0] = Some((5, source.into(), None))), "no path of the store reaches");
    // A real state at the right depth that does not violate the invariant.
    refused(
        crafted(&bytes, |r| r.header.found[0] = Some((4, source.into(), None))),
        "does not replay through the model",
    );
    // A step invariant's finding without the step's source.
    refused(crafted(&bytes, |r| r.header.found[1] = Some((5, level_5.into(), None))), "no path of the store reaches");
    // A step that the model does not take.
    refused(
        crafted(&bytes, |r| r.header.found[1] = Some((5, 777, Some(source.into())))),
        "does not replay through the model",
    );
}

#[test]
fn a_depth_stop_resumes_and_stops_again_at_the_same_depth() {
    let bytes = at_depth_limit();
    let storage = Arc::new(Memory(Mutex::new(Some(bytes.clone()))));
    let mut config = grid_config(&storage, true);
    config.limits.depth_max = 4;
    let again = check(&GRID, &config).unwrap();
    assert_eq!(again.stopped, Some(StopReason::DepthLimit));
    // States of depths 1 to 4 (x + y < 4): 1 + 2 + 3 + 4.
    assert_eq!((again.stats.distinct_states, again.stats.depth), (10, 4));
    let (mut before, mut after) = (parse(&bytes), parse(&storage.0.lock().unwrap().clone().unwrap()));
    before.store.sort_unstable();
    after.store.sort_unstable();
    assert_eq!(before.header, after.header, "the same checkpoint again");
    assert_eq!(before.store, after.store);
    let states = |r: &Raw| r.current.iter().map(|e| (e.fp, e.parent, e.action, e.state.clone())).collect::<Vec<_>>();
    assert_eq!(states(&before), states(&after));
}
