//! Checkpoints of a breadth-first search: the store, the unexpanded part of
//! the current level, the part of the next level found so far and every
//! counter, written between two segments of a level (when every worker is
//! idle) so that a resumed run reaches exactly the counts, verdicts and
//! traces of an uninterrupted one.
//!
//! The engine does no IO: it writes to and reads from a
//! [`CheckpointStorage`] that the caller provides (the CLI's writes a file
//! per spec, atomically). The format is private to this module: a magic line,
//! a postcard-encoded [`Header`], then the store's entries and the two
//! frontiers as fixed-width little-endian records, and an end marker that
//! catches truncated files.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bfs::Entry;
use crate::check::Found;
use crate::error::CheckError;
use crate::fingerprint::Fingerprint;
use crate::model::StateCodec;
use crate::store::Store;

/// Where checkpoints are written and read; the CLI backs it with a file.
pub trait CheckpointStorage: Send + Sync {
    /// Writes a checkpoint: `write` fills the writer, and the storage makes the
    /// result replace the previous checkpoint atomically (no reader ever sees a
    /// half-written one).
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

const MAGIC: &[u8] = b"bivalent checkpoint v1\n";
const END: &[u8] = b"end\n";

/// Everything but the store and the frontiers.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
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

/// Writes a checkpoint.
pub(crate) fn write<S, F: Fingerprint>(
    out: &mut dyn Write,
    header: &Header,
    codec: &StateCodec<S>,
    store: &impl Store<F>,
    current: &mut dyn Iterator<Item = &Entry<S, F>>,
    next: &[Entry<S, F>],
) -> io::Result<()> {
    out.write_all(MAGIC)?;
    let bytes = postcard::to_stdvec(header).map_err(io::Error::other)?;
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(&bytes)?;
    let mut result = Ok(());
    let mut written = 0u64;
    store.entries(&mut |fp, parent, sealed| {
        if result.is_ok() {
            written += 1;
            result = write_fp(out, fp).and_then(|_| write_fp(out, parent)).and_then(|_| out.write_all(&[sealed as u8]));
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
        write_entry(out, codec, entry, &mut buffer)?;
        count += 1;
    }
    if count != header.current {
        return Err(io::Error::other(format!(
            "checker bug: {count} pending states, the header says {}",
            header.current
        )));
    }
    for entry in next {
        write_entry(out, codec, entry, &mut buffer)?;
    }
    out.write_all(END)?;
    out.flush()
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
    write_fp(out, entry.fp)?;
    write_fp(out, entry.parent)?;
    out.write_all(&entry.action.to_le_bytes())?;
    out.write_all(&(buffer.len() as u32).to_le_bytes())?;
    out.write_all(buffer)
}

/// Reads a checkpoint's header, refusing one written for another run.
pub(crate) fn read_header(
    input: &mut dyn Read,
    location: &str,
    identity: &[(String, String)],
) -> Result<Header, CheckError> {
    let mut magic = vec![0; MAGIC.len()];
    input.read_exact(&mut magic).map_err(|e| io_error(location, e))?;
    if magic != MAGIC {
        return Err(corrupt(location, "no checkpoint header"));
    }
    let length = read_u64(input).map_err(|e| io_error(location, e))?;
    if length > 1 << 30 {
        return Err(corrupt(location, "a header length out of range"));
    }
    let mut bytes = vec![0; length as usize];
    input.read_exact(&mut bytes).map_err(|e| io_error(location, e))?;
    let header: Header = postcard::from_bytes(&bytes).map_err(|_| corrupt(location, "an unreadable header"))?;
    check_identity(location, &header.identity, identity)?;
    Ok(header)
}

/// The unexpanded states of a level and the next level's entries found so far.
pub(crate) type Frontiers<S, F> = (Vec<Entry<S, F>>, Vec<Entry<S, F>>);

/// Reads the rest of a checkpoint after [`read_header`]: hands each store
/// entry to `restore`, and returns the unexpanded states of the level and the
/// entries of the next level found so far.
pub(crate) fn read_body<S, F: Fingerprint>(
    input: &mut dyn Read,
    location: &str,
    header: &Header,
    codec: &StateCodec<S>,
    restore: &mut dyn FnMut(F, F, bool),
) -> Result<Frontiers<S, F>, CheckError> {
    let io = |e| io_error(location, e);
    for _ in 0..header.store_entries {
        let fp = read_fp::<F>(input).map_err(io)?;
        let parent = read_fp::<F>(input).map_err(io)?;
        let mut sealed = [0u8];
        input.read_exact(&mut sealed).map_err(io)?;
        restore(fp, parent, sealed[0] != 0);
    }
    let mut buffer = Vec::new();
    let mut entries = |n: u64| -> Result<Vec<Entry<S, F>>, CheckError> {
        let mut entries = Vec::with_capacity(n.min(1 << 24) as usize);
        for _ in 0..n {
            let fp = read_fp::<F>(input).map_err(io)?;
            let parent = read_fp::<F>(input).map_err(io)?;
            let action = read_u32(input).map_err(io)?;
            let length = read_u32(input).map_err(io)?;
            buffer.resize(length as usize, 0);
            input.read_exact(&mut buffer).map_err(io)?;
            let state = (codec.decode)(&buffer).ok_or_else(|| corrupt(location, "a state the model cannot decode"))?;
            entries.push(Entry { state, fp, parent, action });
        }
        Ok(entries)
    };
    let current = entries(header.current)?;
    let next = entries(header.next)?;
    let mut end = vec![0; END.len()];
    input.read_exact(&mut end).map_err(io)?;
    if end != END {
        return Err(corrupt(location, "no end marker"));
    }
    Ok((current, next))
}

fn corrupt(location: &str, what: &str) -> CheckError {
    CheckError::Checkpoint(format!(
        "{location} is not a complete bivalent checkpoint ({what}); it may have been cut short or written by \
         another version. Delete it, or run without --resume to start afresh."
    ))
}

fn io_error(location: &str, e: io::Error) -> CheckError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        corrupt(location, "it ends early")
    } else {
        CheckError::Checkpoint(format!("cannot read {location}: {e}"))
    }
}

/// Refuses a checkpoint written for another spec or other settings.
fn check_identity(location: &str, theirs: &[(String, String)], ours: &[(String, String)]) -> Result<(), CheckError> {
    let value = |pairs: &[(String, String)], key: &str| {
        pairs.iter().find(|(k, _)| k == key).map_or_else(|| "(none)".to_string(), |(_, v)| v.clone())
    };
    for (key, _) in ours.iter().chain(theirs) {
        let (a, b) = (value(theirs, key), value(ours, key));
        if a != b {
            return Err(CheckError::Checkpoint(format!(
                "{location} was written for another run ({key}: `{a}` in the checkpoint, `{b}` in this run). \
                 Resume with the same spec and settings, or run without --resume to start afresh."
            )));
        }
    }
    Ok(())
}

fn read_u64(input: &mut dyn Read) -> io::Result<u64> {
    let mut bytes = [0; 8];
    input.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

fn read_u32(input: &mut dyn Read) -> io::Result<u32> {
    let mut bytes = [0; 4];
    input.read_exact(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn read_fp<F: Fingerprint>(input: &mut dyn Read) -> io::Result<F> {
    let mut bytes = [0; 16];
    input.read_exact(&mut bytes[..F::BYTES])?;
    Ok(F::from_u128(u128::from_le_bytes(bytes)))
}
