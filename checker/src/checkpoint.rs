//! Checkpoints of a breadth-first search: the store, the unexpanded part of
//! the current level, the part of the next level found so far and every
//! counter, written between two segments of a level (when every worker is
//! idle) so that a resumed run reaches exactly the counts, verdicts and
//! traces of an uninterrupted one.
//!
//! The engine does no IO: it writes to and reads from a
//! [`CheckpointStorage`] that the caller provides (the CLI's writes a file
//! per spec, atomically). The format is private to this module:
//!
//! ```text
//! "bivalent checkpoint v2\n"
//! header length: u64 LE, then the postcard-encoded Header
//! CRC-32 of everything so far: u32 LE
//! store entries: fingerprint, parent fingerprint, sealed byte (0 or 1)
//! unexpanded states of the level, then the next level's entries found so far:
//!     fingerprint, parent fingerprint, action index: u32 LE,
//!     state length: u32 LE, the state in the model's StateCodec
//! "end\n"
//! CRC-32 of everything before it: u32 LE, and nothing after
//! ```
//!
//! Fingerprints take 8 or 16 bytes (little-endian) by the run's width. The
//! header carries the run's identity (the caller's pairs, such as the model,
//! its constants and the build of the program, then the engine's: checks,
//! actions, constraints, settings), so a checkpoint of another run, or of
//! another build of the model, is refused before anything is read from it.
//!
//! A checkpoint is untrusted input. The header's checksum is checked before
//! the header is decoded, and the whole file's before anything restored from
//! it is used, so a damaged or edited file is refused (accidental damage is
//! missed with probability 2^-32; the checksum is no signature against a
//! forger, who can recompute it). What the checksum cannot vouch for is
//! checked for consistency: counters against each other and against the
//! entries, every fingerprint, parent, seal bit and action index, the parent
//! links (every chain ends at an initial state within the level's depth),
//! every frontier state against its fingerprint, and every recorded violation
//! by replaying its trace. Nothing is allocated ahead of the bytes that
//! justify it: lengths read from the file only bound loops that consume input.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bfs::{Entry, NO_ACTION};
use crate::check::Found;
use crate::error::CheckError;
use crate::fingerprint::Fingerprint;
use crate::model::StateCodec;
use crate::store::Store;

/// Where checkpoints are written and read; the CLI backs it with a file.
pub trait CheckpointStorage: Send + Sync {
    /// Writes a checkpoint: `write` fills the writer, and the storage makes the
    /// result replace the previous checkpoint atomically (no reader ever sees a
    /// half-written one). An error does not stop the search (its findings are
    /// worth more than the checkpoint): the engine logs it and tries again at
    /// the next checkpoint, so a storage that must report a failure to its
    /// user keeps it.
    fn save(&self, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> io::Result<()>;
    /// The checkpoint to resume from, or `None` if there is none yet.
    fn load(&self) -> io::Result<Option<Box<dyn Read>>>;
    /// Where the checkpoint lives, for messages: a path.
    fn location(&self) -> String;
}

/// Checkpointing settings of a run ([`crate::CheckConfig::checkpoint`]).
#[derive(Clone)]
pub struct Checkpointing {
    /// Where checkpoints go.
    pub storage: Arc<dyn CheckpointStorage>,
    /// Write one when this much time has passed since the last (or since the
    /// start), and always when a limit or an interrupt stops the run.
    pub every: Duration,
    /// Continue from the storage's checkpoint, if it has one.
    pub resume: bool,
    /// What identifies the run beyond what the engine sees (the model and its
    /// constants, say): `(what, value)` pairs. Resuming a checkpoint whose
    /// pairs differ is refused, naming the first difference.
    pub identity: Vec<(String, String)>,
}

impl fmt::Debug for Checkpointing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkpointing")
            .field("storage", &self.storage.location())
            .field("every", &self.every)
            .field("resume", &self.resume)
            .field("identity", &self.identity)
            .finish()
    }
}

const MAGIC: &[u8] = b"bivalent checkpoint v2\n";
/// What every version's magic line starts with.
const MAGIC_PREFIX: &[u8] = b"bivalent checkpoint v";
const END: &[u8] = b"end\n";
/// The largest header read: far more than identity strings and per-action
/// counters need, and read only as its bytes arrive.
const HEADER_MAX: u64 = 1 << 26;
/// Bytes buffered between the checksum and the storage's reader or writer.
const BUFFER: usize = 1 << 16;
/// Store entries restored before room for the next ones is reserved.
const BATCH: u64 = 1 << 16;

/// Everything but the store and the frontiers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// The run's identity: the caller's pairs, then the engine's.
    pub identity: Vec<(String, String)>,
    /// The level being expanded: the depth of its states.
    pub level: u32,
    pub depth: u32,
    /// Distinct states before this level.
    pub distinct: u64,
    /// Distinct states found so far in this level.
    pub found_in_level: u64,
    pub initial_states: u64,
    pub generated: u64,
    pub expanded: u64,
    /// Steps per action.
    pub steps: Vec<u64>,
    /// Distinct states per action, over the sealed levels.
    pub distinct_steps: Vec<u64>,
    /// Per check: the smallest violation or witness so far, as `(depth, fp, from)`.
    pub found: Vec<Option<(u32, u128, Option<u128>)>>,
    pub store_entries: u64,
    /// Unexpanded states of this level.
    pub current: u64,
    /// Entries of the next level found so far (a state once per lowering).
    pub next: u64,
}

impl Header {
    /// The recorded violations and witnesses; [`read`] has checked their fingerprints.
    pub fn found<F: Fingerprint>(&self) -> Vec<Option<Found<F>>> {
        let found = |&(depth, fp, from): &(u32, u128, Option<u128>)| Found {
            depth,
            fp: F::from_u128(fp),
            from: from.map(F::from_u128),
        };
        self.found.iter().map(|f| f.as_ref().map(found)).collect()
    }

    pub fn set_found<F: Fingerprint>(&mut self, found: &[Option<Found<F>>]) {
        let wide = |f: &Found<F>| (f.depth, f.fp.to_u128(), f.from.map(F::to_u128));
        self.found = found.iter().map(|f| f.as_ref().map(wide)).collect();
    }
}

/// A writer that checksums what goes through it, in large pieces.
struct Sink<'a> {
    out: &'a mut dyn Write,
    buffer: Vec<u8>,
    /// Covers everything handed to `out`.
    crc: crc32fast::Hasher,
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut dyn Write) -> Sink<'a> {
        Sink { out, buffer: Vec::with_capacity(BUFFER), crc: crc32fast::Hasher::new() }
    }

    /// The checksum of everything written so far.
    fn checksum(&self) -> u32 {
        let mut crc = self.crc.clone();
        crc.update(&self.buffer);
        crc.finalize()
    }

    fn drain(&mut self) -> io::Result<()> {
        self.crc.update(&self.buffer);
        self.out.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    /// Writes the checksum of everything before it, and flushes.
    fn finish(mut self) -> io::Result<()> {
        let crc = self.checksum();
        self.buffer.extend_from_slice(&crc.to_le_bytes());
        self.out.write_all(&self.buffer)?;
        self.out.flush()
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= BUFFER {
            self.drain()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes a checkpoint.
pub(crate) fn write<S, F: Fingerprint>(
    out: &mut dyn Write,
    header: &Header,
    codec: &StateCodec<S>,
    store: &impl Store<F>,
    current: &mut dyn Iterator<Item = &Entry<S, F>>,
    next: &[Entry<S, F>],
) -> io::Result<()> {
    let bytes = postcard::to_stdvec(header).map_err(io::Error::other)?;
    let mut out = Sink::new(out);
    out.write_all(MAGIC)?;
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(&bytes)?;
    let crc = out.checksum();
    out.write_all(&crc.to_le_bytes())?;
    let mut result = Ok(());
    let mut written = 0u64;
    store.entries(&mut |fp, parent, sealed| {
        if result.is_ok() {
            written += 1;
            result = write_fp(&mut out, fp)
                .and_then(|_| write_fp(&mut out, parent))
                .and_then(|_| out.write_all(&[sealed as u8]));
        }
    });
    result?;
    if written != header.store_entries {
        return Err(io::Error::other(format!(
            "checker bug: the store holds {written} entries, the checkpoint's header says {}",
            header.store_entries
        )));
    }
    let mut buffer = Vec::new();
    let mut count = 0u64;
    for entry in current {
        write_entry(&mut out, codec, entry, &mut buffer)?;
        count += 1;
    }
    if count != header.current {
        return Err(io::Error::other(format!(
            "checker bug: {count} pending states, the header says {}",
            header.current
        )));
    }
    for entry in next {
        write_entry(&mut out, codec, entry, &mut buffer)?;
    }
    out.write_all(END)?;
    out.finish()
}

fn write_fp<F: Fingerprint>(out: &mut dyn Write, fp: F) -> io::Result<()> {
    out.write_all(&fp.to_u128().to_le_bytes()[..F::BYTES])
}

fn write_entry<S, F: Fingerprint>(
    out: &mut dyn Write,
    codec: &StateCodec<S>,
    entry: &Entry<S, F>,
    buffer: &mut Vec<u8>,
) -> io::Result<()> {
    buffer.clear();
    (codec.encode)(&entry.state, buffer);
    let length = u32::try_from(buffer.len())
        .map_err(|_| io::Error::other(format!("a state takes {} bytes, more than a checkpoint holds", buffer.len())))?;
    write_fp(out, entry.fp)?;
    write_fp(out, entry.parent)?;
    out.write_all(&entry.action.to_le_bytes())?;
    out.write_all(&length.to_le_bytes())?;
    out.write_all(buffer)
}

/// Recomputes both checksums of a checkpoint's bytes, so that a test or a
/// fuzzer can hand the reader a crafted checkpoint that only its consistency
/// checks can refuse. Bytes too short to hold a checksum are left as they are.
pub fn reseal(bytes: &mut [u8]) {
    let start = MAGIC.len() + 8;
    let Some(length) = bytes.get(MAGIC.len()..start) else { return };
    let length = u64::from_le_bytes(length.try_into().expect("eight bytes"));
    let Some(at) = usize::try_from(length).ok().and_then(|l| l.checked_add(start)) else { return };
    if bytes.len() < at + 4 {
        return;
    }
    let crc = crc32fast::hash(&bytes[..at]);
    bytes[at..at + 4].copy_from_slice(&crc.to_le_bytes());
    let end = bytes.len() - 4;
    if end >= at + 4 {
        let crc = crc32fast::hash(&bytes[..end]);
        bytes[end..].copy_from_slice(&crc.to_le_bytes());
    }
}

/// A reader that checksums what it consumes, buffering in large pieces.
struct Source<'a> {
    input: &'a mut dyn Read,
    buffer: Box<[u8]>,
    /// Consumed bytes are `buffer[..start]`; `buffer[start..end]` are not yet.
    start: usize,
    end: usize,
    /// Covers the bytes before `buffer`.
    crc: crc32fast::Hasher,
}

impl<'a> Source<'a> {
    fn new(input: &'a mut dyn Read) -> Source<'a> {
        Source { input, buffer: vec![0; BUFFER].into_boxed_slice(), start: 0, end: 0, crc: crc32fast::Hasher::new() }
    }

    /// The checksum of everything consumed so far.
    fn checksum(&self) -> u32 {
        let mut crc = self.crc.clone();
        crc.update(&self.buffer[..self.start]);
        crc.finalize()
    }

    /// Refills an exhausted buffer; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        debug_assert_eq!(self.start, self.end);
        self.crc.update(&self.buffer[..self.end]);
        self.start = 0;
        self.end = 0;
        loop {
            match self.input.read(&mut self.buffer) {
                Ok(n) => {
                    self.end = n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next `length` bytes, appended to `out` as they arrive.
    fn take(&mut self, mut length: usize, out: &mut Vec<u8>) -> io::Result<()> {
        while length > 0 {
            if self.start == self.end && !self.fill()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let n = length.min(self.end - self.start);
            out.extend_from_slice(&self.buffer[self.start..self.start + n]);
            self.start += n;
            length -= n;
        }
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        let mut bytes = [0; N];
        let mut at = 0;
        while at < N {
            if self.start == self.end && !self.fill()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let n = (N - at).min(self.end - self.start);
            bytes[at..at + n].copy_from_slice(&self.buffer[self.start..self.start + n]);
            self.start += n;
            at += n;
        }
        Ok(bytes)
    }

    fn u32(&mut self) -> io::Result<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> io::Result<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// A fingerprint (or [`Fingerprint::ROOT`]); `None` if the bytes are no
    /// fingerprint of this width.
    fn fp<F: Fingerprint>(&mut self) -> io::Result<Option<F>> {
        let bytes: [u8; 16] = if F::BYTES == 16 {
            self.array()?
        } else {
            let mut wide = [0; 16];
            wide[..8].copy_from_slice(&self.array::<8>()?);
            wide
        };
        Ok(fingerprint(u128::from_le_bytes(bytes)))
    }

    fn at_end(&mut self) -> io::Result<bool> {
        Ok(self.start == self.end && !self.fill()?)
    }
}

/// `wide` as a fingerprint of width `F` (or [`Fingerprint::ROOT`]), if it is one.
fn fingerprint<F: Fingerprint>(wide: u128) -> Option<F> {
    (wide >> F::BITS == 0).then(|| F::from_u128(wide))
}

/// What a run expects of a checkpoint beyond its identity.
pub(crate) struct Shape {
    pub actions: usize,
    pub checks: usize,
}

/// A checkpoint read back: the store is restored, the rest is here.
pub(crate) struct Restored<S, F> {
    pub header: Header,
    /// The unexpanded states of the level.
    pub current: Vec<Entry<S, F>>,
    /// The entries of the next level found so far.
    pub next: Vec<Entry<S, F>>,
}

/// Reads a checkpoint into `store` (empty before) and checks it, refusing one
/// written for another run, a damaged one and one that does not hold together.
/// The caller still checks what needs the model: the frontier states against
/// their fingerprints, and the recorded violations by replaying them.
pub(crate) fn read<S, F: Fingerprint>(
    input: &mut dyn Read,
    location: &str,
    identity: &[(String, String)],
    shape: &Shape,
    codec: &StateCodec<S>,
    store: &mut impl Store<F>,
) -> Result<Restored<S, F>, CheckError> {
    let mut source = Source::new(input);
    let io = |e| io_error(location, e);
    let magic: [u8; MAGIC.len()] = source.array().map_err(io)?;
    if magic != MAGIC {
        let what = if magic.starts_with(MAGIC_PREFIX) {
            "it was written by another version of bivalent, in another format"
        } else {
            "it does not start as one"
        };
        return Err(invalid(location, what));
    }
    let length = source.u64().map_err(io)?;
    if length > HEADER_MAX {
        return Err(invalid(location, &format!("its header claims {length} bytes")));
    }
    let mut bytes = Vec::new();
    source.take(length as usize, &mut bytes).map_err(io)?;
    let expected = source.checksum();
    if source.u32().map_err(io)? != expected {
        return Err(damaged(location, "header"));
    }
    let header: Header = postcard::from_bytes(&bytes).map_err(|_| invalid(location, "its header cannot be decoded"))?;
    check_identity(location, &header.identity, identity)?;
    check_header::<F>(&header, shape).map_err(|what| invalid(location, &what))?;
    read_store(&mut source, &header, store).map_err(|e| e.at(location))?;
    let current = read_entries(&mut source, header.current, codec).map_err(|e| e.at(location))?;
    let next = read_entries(&mut source, header.next, codec).map_err(|e| e.at(location))?;
    let end: [u8; END.len()] = source.array().map_err(io)?;
    if end != END {
        return Err(invalid(location, "no end marker where its header says it ends"));
    }
    let expected = source.checksum();
    if source.u32().map_err(io)? != expected {
        return Err(damaged(location, "contents"));
    }
    if !source.at_end().map_err(io)? {
        return Err(invalid(location, "bytes after its end"));
    }
    let depths = check_store(&header, store).map_err(|what| invalid(location, &what))?;
    check_frontiers(&header, shape, store, &depths, &current, &next).map_err(|what| invalid(location, &what))?;
    Ok(Restored { header, current, next })
}

/// Why a checkpoint's body could not be read.
enum BodyError {
    Io(io::Error),
    Invalid(String),
}

impl BodyError {
    fn at(self, location: &str) -> CheckError {
        match self {
            BodyError::Io(e) => io_error(location, e),
            BodyError::Invalid(what) => invalid(location, &what),
        }
    }
}

impl From<io::Error> for BodyError {
    fn from(e: io::Error) -> Self {
        BodyError::Io(e)
    }
}

fn bad<T>(what: impl Into<String>) -> Result<T, BodyError> {
    Err(BodyError::Invalid(what.into()))
}

/// The counters must agree with each other, before any entry is read.
fn check_header<F: Fingerprint>(header: &Header, shape: &Shape) -> Result<(), String> {
    if header.steps.len() != shape.actions
        || header.distinct_steps.len() != shape.actions
        || header.found.len() != shape.checks
    {
        return Err("its actions or checks are not this run's".into());
    }
    // Every level holds a state, and the next level's depth must fit.
    if header.level == 0 || header.level >= u32::MAX - 1 || u64::from(header.level) > header.distinct {
        return Err(format!("level {} with {} states before it", header.level, header.distinct));
    }
    if header.depth != header.level {
        return Err(format!("depth {} at level {}", header.depth, header.level));
    }
    let sum = |counts: &[u64]| counts.iter().try_fold(0u64, |a, &b| a.checked_add(b));
    let counted = sum(&header.distinct_steps).and_then(|s| s.checked_add(header.initial_states));
    if counted != Some(header.distinct) {
        return Err(format!(
            "{} distinct states, but {} initial states and {} reached by actions",
            header.distinct,
            header.initial_states,
            sum(&header.distinct_steps).map_or("more than can be counted".into(), |s| s.to_string())
        ));
    }
    let stepped = sum(&header.steps).and_then(|s| s.checked_add(header.initial_states));
    if stepped.is_none_or(|s| s > header.generated) {
        return Err(format!("{} states generated, fewer than its initial states and steps", header.generated));
    }
    if header.expanded > header.distinct {
        return Err(format!("{} states expanded of {} distinct ones", header.expanded, header.distinct));
    }
    if header.distinct.checked_add(header.found_in_level) != Some(header.store_entries) {
        return Err(format!(
            "{} stored states, but {} before this level and {} in it",
            header.store_entries, header.distinct, header.found_in_level
        ));
    }
    if header.found_in_level > header.next {
        return Err(format!("{} new states in {} entries", header.found_in_level, header.next));
    }
    for &(depth, fp, from) in header.found.iter().flatten() {
        let valid = |wide: u128| wide != 0 && fingerprint::<F>(wide).is_some();
        if depth == 0 || depth > header.level + 1 || !valid(fp) || !from.is_none_or(valid) {
            return Err(format!("a violation recorded at depth {depth} of a search at depth {}", header.level));
        }
    }
    Ok(())
}

/// Restores the store's entries; counts them by kind as it goes.
fn read_store<F: Fingerprint>(
    source: &mut Source<'_>,
    header: &Header,
    store: &mut impl Store<F>,
) -> Result<(), BodyError> {
    let (mut sealed, mut unsealed, mut roots) = (0u64, 0u64, 0u64);
    let mut read = 0u64;
    while read < header.store_entries {
        // Room for what was read so far again, at most what is left: the
        // table grows with the entries actually read, never ahead of them.
        let batch = (header.store_entries - read).min(read.max(BATCH));
        store.reserve(read, batch);
        for _ in 0..batch {
            let (Some(fp), Some(parent)) = (source.fp::<F>()?, source.fp::<F>()?) else {
                return bad("a stored state with a fingerprint out of range");
            };
            let [flag] = source.array()?;
            if fp == F::ROOT || parent == fp || flag > 1 {
                return bad("a stored state that is its own parent, or has no fingerprint or seal flag");
            }
            match (flag == 1, parent == F::ROOT) {
                (true, true) => roots += 1,
                (true, false) => {}
                (false, true) => return bad("a state of the next level without a parent"),
                (false, false) => unsealed += 1,
            }
            sealed += u64::from(flag);
            // A table that finds no room within its probe limit grows; only
            // fingerprints bunched as no hash would be keep it full.
            let mut attempt = 0;
            let new = loop {
                match store.restore(fp, parent, flag == 1) {
                    Some(new) => break new,
                    None if attempt < 3 => {
                        store.reserve(read, (read + batch).max(BATCH) << attempt);
                        attempt += 1;
                    }
                    None => return bad("fingerprints bunched as no hash function makes them"),
                }
            };
            if !new {
                return bad("a state stored twice");
            }
        }
        read += batch;
    }
    if (sealed, unsealed) != (header.distinct, header.found_in_level) || roots != header.initial_states {
        return bad(format!(
            "{sealed} states of finished levels ({roots} of them initial) and {unsealed} of the next level, \
             where its header says {} ({} initial) and {}",
            header.distinct, header.initial_states, header.found_in_level
        ));
    }
    Ok(())
}

/// Reads `count` frontier entries, decoding their states.
fn read_entries<S, F: Fingerprint>(
    source: &mut Source<'_>,
    count: u64,
    codec: &StateCodec<S>,
) -> Result<Vec<Entry<S, F>>, BodyError> {
    // Grown as entries arrive: the count comes from the file.
    let mut entries = Vec::new();
    let mut buffer = Vec::new();
    for _ in 0..count {
        let (Some(fp), Some(parent)) = (source.fp::<F>()?, source.fp::<F>()?) else {
            return bad("a frontier state with a fingerprint out of range");
        };
        let action = source.u32()?;
        let length = source.u32()?;
        buffer.clear();
        source.take(length as usize, &mut buffer)?;
        let Some(state) = (codec.decode)(&buffer) else {
            return bad("a state the model cannot decode");
        };
        entries.push(Entry { state, fp, parent, action });
    }
    Ok(entries)
}

/// The parent links must form a forest of the sealed states rooted at the
/// initial ones, at most `level` deep, and every state of the next level must
/// hang from a sealed one. Returns the depth of every sealed state.
fn check_store<F: Fingerprint>(header: &Header, store: &impl Store<F>) -> Result<HashMap<F, u32>, String> {
    let level = header.level;
    let mut depths: HashMap<F, u32> = HashMap::new();
    let mut path = Vec::new();
    let mut error = None;
    store.entries(&mut |fp, parent, sealed| {
        if error.is_some() {
            return;
        }
        if !sealed {
            if store.lookup(parent).is_none_or(|(_, sealed)| !sealed) {
                error = Some("a state of the next level whose parent is not a stored state".to_string());
            }
            return;
        }
        // Walk up to the root or to a state of known depth, then number the way back.
        path.clear();
        let mut current = fp;
        let base = loop {
            if current == F::ROOT {
                break 0;
            }
            if let Some(&depth) = depths.get(&current) {
                break depth;
            }
            match store.lookup(current) {
                Some((parent, true)) if path.len() < level as usize => {
                    path.push(current);
                    current = parent;
                }
                Some((_, true)) => {
                    error = Some(format!("a chain of parents longer than its {level} levels (a cycle)"));
                    return;
                }
                _ => {
                    error = Some("a state whose parent is not a stored state of an earlier level".to_string());
                    return;
                }
            }
        };
        if base as usize + path.len() > level as usize {
            error = Some(format!("a chain of parents longer than its {level} levels"));
            return;
        }
        for (i, &fp) in path.iter().rev().enumerate() {
            depths.insert(fp, base + 1 + i as u32);
        }
    });
    error.map_or(Ok(depths), Err)
}

/// The frontier entries must be the store's: unexpanded states are sealed
/// states of the level with the parent they list, next-level entries hang
/// from states of the level, are
/// listed once per parent, and cover exactly the unsealed states with their
/// smallest parent.
fn check_frontiers<S, F: Fingerprint>(
    header: &Header,
    shape: &Shape,
    store: &impl Store<F>,
    depths: &HashMap<F, u32>,
    current: &[Entry<S, F>],
    next: &[Entry<S, F>],
) -> Result<(), String> {
    let level = header.level;
    let mut seen = HashSet::new();
    for entry in current {
        if store.lookup(entry.fp) != Some((entry.parent, true)) || depths.get(&entry.fp) != Some(&level) {
            return Err(format!("an unexpanded state that is not stored as a state of level {level}"));
        }
        let initial = entry.parent == F::ROOT;
        if initial != (entry.action == NO_ACTION) || (!initial && entry.action as usize >= shape.actions) {
            return Err(format!("an unexpanded state reached by action number {}", entry.action));
        }
        if !seen.insert(entry.fp) {
            return Err("an unexpanded state listed twice".into());
        }
    }
    drop(seen);
    let mut pairs = Vec::new();
    for entry in next {
        if entry.action as usize >= shape.actions {
            return Err(format!("a state of the next level reached by action number {}", entry.action));
        }
        if !matches!(store.lookup(entry.fp), Some((_, false))) || depths.get(&entry.parent) != Some(&level) {
            return Err(format!("a state of the next level that is not stored as a successor of level {level}"));
        }
        pairs.push((entry.fp, entry.parent));
    }
    pairs.sort_unstable();
    let mut states = 0u64;
    for (i, &(fp, parent)) in pairs.iter().enumerate() {
        if i > 0 && pairs[i - 1] == (fp, parent) {
            return Err("a state of the next level listed twice with one parent".into());
        }
        if i == 0 || pairs[i - 1].0 != fp {
            // The first of a state's entries has its smallest parent, which
            // the store must hold.
            states += 1;
            if store.lookup(fp).map(|(p, _)| p) != Some(parent) {
                return Err("a state of the next level whose stored parent is not its smallest".into());
            }
        }
    }
    if states != header.found_in_level {
        return Err(format!(
            "{states} states in the next level's entries, where its header says {}",
            header.found_in_level
        ));
    }
    Ok(())
}

/// A checkpoint that cannot be used, and why.
pub(crate) fn invalid(location: &str, what: &str) -> CheckError {
    CheckError::Checkpoint(format!(
        "{location} is not a valid bivalent checkpoint ({what}). Delete it, or run without --resume to start afresh."
    ))
}

fn damaged(location: &str, part: &str) -> CheckError {
    CheckError::Checkpoint(format!(
        "{location} is damaged: the checksum of its {part} does not match (it was changed or corrupted after \
         bivalent wrote it). Delete it, or run without --resume to start afresh."
    ))
}

fn io_error(location: &str, e: io::Error) -> CheckError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        CheckError::Checkpoint(format!(
            "{location} is not a complete bivalent checkpoint (it ends early); it may have been cut short. \
             Delete it, or run without --resume to start afresh."
        ))
    } else {
        CheckError::Checkpoint(format!("cannot read {location}: {e}"))
    }
}

/// Refuses a checkpoint written for another spec, other settings or another
/// build of the program.
fn check_identity(location: &str, theirs: &[(String, String)], ours: &[(String, String)]) -> Result<(), CheckError> {
    let value = |pairs: &[(String, String)], key: &str| {
        pairs.iter().find(|(k, _)| k == key).map_or_else(|| "(none)".to_string(), |(_, v)| v.clone())
    };
    for (key, _) in ours.iter().chain(theirs) {
        let (a, b) = (value(theirs, key), value(ours, key));
        if a != b {
            return Err(CheckError::Checkpoint(format!(
                "{location} was written for another run ({key}: `{a}` in the checkpoint, `{b}` in this run). \
                 Resume with the same spec, settings and build of bivalent (a rebuilt model may explore \
                 differently), or run without --resume to start afresh."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
