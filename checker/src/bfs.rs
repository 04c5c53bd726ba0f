//! Level-synchronous parallel breadth-first search.
//!
//! Each level's frontier is cut into segments; a segment is expanded by all
//! threads at once (rayon, in chunks), each worker collecting new states,
//! violations and counters in its own buffers. Between segments the engine
//! has the store to itself: it grows the table, retries insertions that found
//! it full, checks limits and reports progress. When a level ends, its new
//! states are sealed, fixing each one's parent to the smallest fingerprint
//! among its discoverers. Violations are kept as the smallest by
//! `(depth, fingerprint)`, so the outcome is the same for any thread count.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::check::{catch_model_panic, Explored, Found, Plan, Progress};
use crate::checkpoint::{self, CheckpointStorage, Checkpointing, Header, Restored, Shape};
use crate::config::{CheckConfig, Named};
use crate::error::{CheckError, ConfigError};
use crate::fingerprint::Fingerprint;
use crate::limits::Watch;
use crate::model::{Model, StateCodec};
use crate::outcome::{CheckKind, StopReason};
use crate::store::{Insert, Store};
use crate::trace;

/// States per segment: the unit between two quiescent points.
const SEGMENT: usize = 1 << 16;
/// States per parallel task.
const CHUNK: usize = 128;
/// No action: the entry is an initial state.
pub(crate) const NO_ACTION: u32 = u32::MAX;

/// A state in the frontier.
pub(crate) struct Entry<S, F> {
    pub state: S,
    pub fp: F,
    pub parent: F,
    pub action: u32,
}

/// A level's states.
type Frontier<M, F> = Vec<Entry<<M as Model>::State, F>>;

/// Per-worker results of expanding part of a segment.
struct Worker<M: Model, F> {
    /// New states, plus one more entry each time a state's parent is lowered
    /// (the level's end keeps the entry of the final parent).
    next: Vec<Entry<M::State, F>>,
    /// States inserted for the first time (entries in `next` minus lowerings).
    new_states: u64,
    overflow: Vec<Entry<M::State, F>>,
    found: Vec<Option<Found<F>>>,
    steps: Vec<u64>,
    generated: u64,
    expanded: u64,
    buffer: Vec<(M::Action, M::State)>,
    fingerprints: Vec<F>,
    /// `((address, length) of an action name, its index)`: `action_name`
    /// returns `&'static str`s whose addresses repeat, so a step's action
    /// index is found without comparing strings.
    action_names: Vec<((usize, usize), u32)>,
    /// The first canonicalizer error found (kept, not recomputed: a
    /// canonicalizer that is wrong only sometimes may pass a second check).
    bad_canonical: Option<CheckError>,
    /// The symmetry audit's error on the state expanded first (by position
    /// in BFS order), with that state's fingerprint and depth, so the error
    /// is the same for every thread count.
    bad_audit: Option<(u64, F, u32, CheckError)>,
    /// This thread's look at the limits, once per expanded state.
    watch: Watch,
}

impl<M: Model, F: Fingerprint> Worker<M, F> {
    fn new(plan: &Plan<'_, M>) -> Self {
        Worker {
            next: Vec::new(),
            overflow: Vec::new(),
            new_states: 0,
            fingerprints: Vec::new(),
            action_names: Vec::new(),
            found: vec![None; plan.checks.len()],
            steps: vec![0; plan.action_names.len()],
            generated: 0,
            expanded: 0,
            buffer: Vec::new(),
            bad_canonical: None,
            bad_audit: None,
            watch: Watch::default(),
        }
    }

    #[inline]
    fn record(&mut self, index: usize, found: Found<F>) {
        let slot = &mut self.found[index];
        if slot.is_none_or(|old| found < old) {
            *slot = Some(found);
        }
    }

    /// Checks a newly inserted state against the state invariants and witnesses.
    #[inline]
    fn check_new(&mut self, plan: &Plan<'_, M>, state: &M::State, fp: F, depth: u32) {
        for &(index, p) in &plan.state_invariants {
            if !p(plan.model, state) {
                self.record(index, Found { depth, fp, from: None });
            }
        }
        for &(index, p) in &plan.sometimes {
            if p(plan.model, state) {
                self.record(index, Found { depth, fp, from: None });
            }
        }
    }

    /// Inserts one successor of `parent`.
    #[inline]
    fn offer<S: Store<F>>(&mut self, plan: &Plan<'_, M>, store: &S, entry: Entry<M::State, F>, depth: u32) {
        match store.insert(entry.fp, entry.parent) {
            Insert::New => {
                self.new_states += 1;
                self.check_new(plan, &entry.state, entry.fp, depth);
                // Every distinct state's canonical form is checked once.
                if plan.symmetry.is_some() && self.bad_canonical.is_none() {
                    self.bad_canonical = plan.check_canonical(&entry.state).err();
                }
                self.next.push(entry);
            }
            Insert::Lowered => self.next.push(entry),
            Insert::Seen => {}
            Insert::Full => self.overflow.push(entry),
        }
    }

    /// Expands one frontier state at `depth`, the `position`-th state
    /// expanded in the run (for the symmetry audit).
    #[inline]
    fn expand<S: Store<F>>(
        &mut self,
        plan: &Plan<'_, M>,
        store: &S,
        entry: &Entry<M::State, F>,
        depth: u32,
        position: u64,
    ) {
        self.expanded += 1;
        let mut buffer = std::mem::take(&mut self.buffer);
        plan.model.next(&entry.state, &mut buffer);
        self.generated += buffer.len() as u64;
        if self.bad_audit.as_ref().is_none_or(|(p, ..)| position < *p) {
            if let Err(error) = plan.audit_symmetry(position, &entry.state, &buffer) {
                self.bad_audit = Some((position, entry.fp, depth, error));
            }
        }
        // As in TLC, a deadlock is a state from which `next` emits nothing at
        // all, whatever the constraints would have kept.
        if buffer.is_empty() {
            if let Some(index) = plan.deadlock {
                self.record(index, Found { depth, fp: entry.fp, from: None });
            }
        }
        // Fingerprint every successor and prefetch its slot first, so that the
        // cache misses of the insertions below overlap instead of queueing.
        let mut fingerprints = std::mem::take(&mut self.fingerprints);
        fingerprints.clear();
        for (_, state) in &buffer {
            let fp = plan.fingerprint::<F>(state);
            store.prefetch(fp);
            fingerprints.push(fp);
        }
        for ((action, state), &fp) in buffer.drain(..).zip(&fingerprints) {
            let action_index = self.action_index(plan, &action);
            self.steps[action_index as usize] += 1;
            for &(index, p) in &plan.step_invariants {
                if !p(plan.model, &entry.state, &action, &state) {
                    self.record(index, Found { depth: depth + 1, fp, from: Some(entry.fp) });
                }
            }
            if plan.step_allowed(&entry.state, &action, &state) && plan.in_constraint(&state) {
                let successor = Entry { state, fp, parent: entry.fp, action: action_index };
                self.offer(plan, store, successor, depth + 1);
            } else {
                // Outside the constraints: checked every time it is generated
                // (TLC's `doNext`), never stored, counted or expanded.
                self.check_unstored(plan, &state, fp, entry.fp, depth + 1);
            }
        }
        self.fingerprints = fingerprints;
        self.buffer = buffer;
    }

    #[inline]
    fn action_index(&mut self, plan: &Plan<'_, M>, action: &M::Action) -> u32 {
        if let Some(index) = plan.action_table {
            return index(action) as u32;
        }
        let name = plan.model.action_name(action);
        let key = (name.as_ptr() as usize, name.len());
        if let Some(&(_, index)) = self.action_names.iter().find(|(k, _)| *k == key) {
            return index;
        }
        let index = plan.action_index(action) as u32;
        // A model that builds its names afresh would grow the cache forever.
        if self.action_names.len() < 4 * plan.action_names.len() {
            self.action_names.push((key, index));
        }
        index
    }

    /// Checks a state that the constraints keep out of the store; its trace
    /// ends with the step from `from`.
    #[inline]
    fn check_unstored(&mut self, plan: &Plan<'_, M>, state: &M::State, fp: F, from: F, depth: u32) {
        for &(index, p) in &plan.state_invariants {
            if !p(plan.model, state) {
                self.record(index, Found { depth, fp, from: Some(from) });
            }
        }
        for &(index, p) in &plan.sometimes {
            if p(plan.model, state) {
                self.record(index, Found { depth, fp, from: Some(from) });
            }
        }
    }

    /// Moves `other`'s counters and violations into `self`, leaving `other`
    /// empty but keeping its buffers' capacity for the next segment.
    fn absorb(&mut self, other: &mut Self) {
        for (mine, theirs) in self.found.iter_mut().zip(&mut other.found) {
            if let Some(t) = theirs.take() {
                if mine.is_none_or(|m| t < m) {
                    *mine = Some(t);
                }
            }
        }
        for (mine, theirs) in self.steps.iter_mut().zip(&mut other.steps) {
            *mine += std::mem::take(theirs);
        }
        self.generated += std::mem::take(&mut other.generated);
        self.expanded += std::mem::take(&mut other.expanded);
        self.new_states += std::mem::take(&mut other.new_states);
        self.bad_canonical = self.bad_canonical.take().or(other.bad_canonical.take());
        if let Some(theirs) = other.bad_audit.take() {
            if self.bad_audit.as_ref().is_none_or(|mine| theirs.0 < mine.0) {
                self.bad_audit = Some(theirs);
            }
        }
    }
}

pub(crate) fn explore<M: Model, F: Fingerprint, S: Store<F> + 'static>(
    plan: &Plan<'_, M>,
    config: &CheckConfig,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<Explored<F>, CheckError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .thread_name(|i| format!("bivalent-worker-{i}"))
        .build()
        .expect("checker bug: cannot start the worker threads");
    pool.install(|| {
        let mut bfs = Bfs::<M, F, S>::new(plan, config, progress);
        let resumed = match &config.checkpoint {
            Some(checkpointing) => bfs.start_checkpoints(checkpointing)?,
            None => None,
        };
        bfs.run(resumed)
    })
}

/// Writes the checkpoints of a run.
struct Saver<S> {
    storage: Arc<dyn CheckpointStorage>,
    every: Duration,
    last: Instant,
    codec: StateCodec<S>,
    identity: Vec<(String, String)>,
}

/// A level resumed from a checkpoint: its unexpanded states, and the next
/// level's entries and distinct states found so far.
type Resumed<M, F> = (Frontier<M, F>, u32, Frontier<M, F>, u64);

/// What identifies a run to its checkpoints: the caller's pairs, then what the
/// engine sees of the spec and the settings that change the state space.
fn identity<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    config: &CheckConfig,
    caller: &[(String, String)],
) -> Vec<(String, String)> {
    let names = |named: &[Named]| named.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ");
    let checks = plan.checks.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
    let mut pairs = caller.to_vec();
    pairs.extend([
        ("checks".to_string(), checks),
        ("actions".to_string(), plan.action_names.join(", ")),
        ("constraints".to_string(), names(&config.constraints)),
        ("action constraints".to_string(), names(&config.action_constraints)),
        ("symmetry".to_string(), config.symmetry.as_ref().map_or_else(String::new, |n| n.name.clone())),
        ("fingerprint width".to_string(), format!("{} bits", F::BITS + 1)),
        ("seed".to_string(), config.seed.to_string()),
        ("--continue".to_string(), config.continue_after_violation.to_string()),
    ]);
    pairs
}

struct Bfs<'a, 'm, M: Model, F: Fingerprint, S: Store<F>> {
    plan: &'a Plan<'m, M>,
    config: &'a CheckConfig,
    progress: &'a (dyn Fn(&Progress) + Sync),
    store: S,
    /// One worker per pool thread.
    workers: Vec<Mutex<Worker<M, F>>>,
    /// Totals over the whole run.
    total: Worker<M, F>,
    distinct: u64,
    initial_states: u64,
    depth: u32,
    distinct_steps: Vec<u64>,
    stopped: Option<StopReason>,
    checkpoints: Option<Saver<M::State>>,
}

impl<'a, 'm, M: Model, F: Fingerprint, S: Store<F> + 'static> Bfs<'a, 'm, M, F, S> {
    fn new(plan: &'a Plan<'m, M>, config: &'a CheckConfig, progress: &'a (dyn Fn(&Progress) + Sync)) -> Self {
        Bfs {
            plan,
            config,
            progress,
            store: S::with_capacity(1 << 12),
            workers: (0..config.threads).map(|_| Mutex::new(Worker::new(plan))).collect(),
            total: Worker::new(plan),
            distinct: 0,
            initial_states: 0,
            depth: 0,
            distinct_steps: vec![0; plan.action_names.len()],
            stopped: None,
            checkpoints: None,
        }
    }

    /// Sets up checkpoints and, when asked to resume and a checkpoint exists,
    /// restores the store and the counters from it.
    fn start_checkpoints(&mut self, settings: &Checkpointing) -> Result<Option<Resumed<M, F>>, CheckError> {
        let codec = self.plan.model.state_codec().ok_or_else(|| ConfigError::Unsupported {
            span: Default::default(),
            message: "this model does not say how to write its states (Model::state_codec), so its runs cannot \
                      be checkpointed or resumed"
                .into(),
        })?;
        let location = settings.storage.location();
        let identity = identity::<M, F>(self.plan, self.config, &settings.identity);
        let mut resumed = None;
        if settings.resume {
            let input =
                settings.storage.load().map_err(|e| CheckError::Checkpoint(format!("cannot read {location}: {e}")))?;
            if let Some(mut input) = input {
                let shape = Shape { actions: self.plan.action_names.len(), checks: self.plan.checks.len() };
                let restored = checkpoint::read(&mut *input, &location, &identity, &shape, &codec, &mut self.store)?;
                drop(input);
                self.check_restored(&restored, &location)?;
                let Restored { header, current, next } = restored;
                tracing::info!(%location, distinct = header.distinct + header.found_in_level, "resuming");
                self.restore(&header);
                resumed = Some((current, header.level, next, header.found_in_level));
            }
        }
        self.checkpoints = Some(Saver {
            storage: settings.storage.clone(),
            every: settings.every,
            last: Instant::now(),
            codec,
            identity,
        });
        Ok(resumed)
    }

    /// Checks what the checkpoint module cannot, as it needs the model: every
    /// frontier state has the fingerprint it is listed with, and every
    /// recorded violation or witness replays to a state that shows it.
    fn check_restored(&self, restored: &Restored<M::State, F>, location: &str) -> Result<(), CheckError> {
        let plan = self.plan;
        let invalid = |what: String| checkpoint::invalid(location, &what);
        for entry in restored.current.iter().chain(&restored.next) {
            match catch_model_panic(|| plan.fingerprint::<F>(&entry.state)) {
                Ok(fp) if fp == entry.fp => {}
                Ok(_) => {
                    return Err(invalid(format!("a state whose fingerprint is not the one listed: {:?}", entry.state)))
                }
                Err(e) => return Err(invalid(format!("a state the model cannot fingerprint ({e})"))),
            }
        }
        let store = &self.store;
        let parents = |fp: F| store.lookup(fp).map(|(parent, _)| parent);
        for (index, found) in restored.header.found::<F>().into_iter().enumerate() {
            let Some(found) = found else { continue };
            let (name, kind) = &plan.checks[index];
            let unexpected = match kind {
                CheckKind::Liveness => true,
                CheckKind::StepInvariant => found.from.is_none(),
                CheckKind::Deadlock => found.from.is_some(),
                CheckKind::Invariant | CheckKind::Sometimes => false,
            };
            // The path to a state at depth d has d states; to a step's source, d - 1.
            let length = (found.depth as usize).checked_sub(usize::from(found.from.is_some()));
            let last = found.from.unwrap_or(found.fp);
            let chain = length.and_then(|length| trace::chain(&parents, last, length));
            if unexpected || chain.map(|c| c.len()) != length {
                return Err(invalid(format!(
                    "a finding of {name} at depth {} that no path of the store reaches",
                    found.depth
                )));
            }
            match catch_model_panic(|| trace::rebuild(plan, &parents, found, index)) {
                Ok(Ok(_)) => {}
                Ok(Err(e)) | Err(e) => {
                    return Err(invalid(format!("its finding of {name} does not replay through the model: {e}")))
                }
            }
        }
        Ok(())
    }

    /// Takes the counters of a checkpoint.
    fn restore(&mut self, header: &Header) {
        self.distinct = header.distinct;
        self.initial_states = header.initial_states;
        self.depth = header.depth;
        self.total.generated = header.generated;
        self.total.expanded = header.expanded;
        self.total.steps.clone_from(&header.steps);
        self.total.found = header.found();
        self.distinct_steps.clone_from(&header.distinct_steps);
    }

    /// Writes a checkpoint: `current` are the unexpanded states of the level
    /// being expanded (`pending` of them), `next` and `found` what it found so far.
    /// A failure is logged, and the storage told; the search goes on, and the
    /// next checkpoint is tried after the usual interval.
    fn save<'e>(
        &mut self,
        level: u32,
        current: impl Iterator<Item = &'e Entry<M::State, F>>,
        pending: u64,
        next: &[Entry<M::State, F>],
        found: u64,
    ) where
        M::State: 'e,
    {
        let Some(saver) = &mut self.checkpoints else { return };
        let mut header = Header {
            identity: saver.identity.clone(),
            level,
            depth: self.depth,
            distinct: self.distinct,
            found_in_level: found,
            initial_states: self.initial_states,
            generated: self.total.generated,
            expanded: self.total.expanded,
            steps: self.total.steps.clone(),
            distinct_steps: self.distinct_steps.clone(),
            found: Vec::new(),
            store_entries: self.distinct + found,
            current: pending,
            next: next.len() as u64,
        };
        header.set_found(&self.total.found);
        let current: Vec<&Entry<M::State, F>> = current.collect();
        let store = &self.store;
        let started = Instant::now();
        let codec = &saver.codec;
        let saved = saver
            .storage
            .save(&mut |out| checkpoint::write(out, &header, codec, store, &mut current.iter().copied(), next));
        saver.last = Instant::now();
        match saved {
            Ok(()) => tracing::info!(
                location = %saver.storage.location(),
                distinct = header.store_entries,
                seconds = started.elapsed().as_secs_f64(),
                "checkpoint written"
            ),
            Err(error) => tracing::warn!(location = %saver.storage.location(), %error, "cannot write a checkpoint"),
        }
    }

    fn run(mut self, resumed: Option<Resumed<M, F>>) -> Result<Explored<F>, CheckError> {
        // A resumed run first finishes the level its checkpoint was taken in.
        let (mut frontier, mut level, mut carry) = match resumed {
            Some((current, level, next, found)) => (current, level, Some((next, found))),
            None => (self.initial_states()?, 1u32, None),
        };
        while (!frontier.is_empty() || carry.is_some()) && self.stopped.is_none() {
            if carry.is_none() {
                let violated = self.violation_found();
                if violated && !self.config.continue_after_violation {
                    self.stopped = Some(StopReason::StoppedAtViolation);
                    break;
                }
            }
            // A resumed level that has found nothing yet may not have been
            // started: the checkpoint of a depth stop, which stops again at
            // the same depth.
            let started = carry.as_ref().is_some_and(|(next, _)| !next.is_empty());
            if !started && level >= self.config.limits.depth_max {
                self.stopped = Some(StopReason::DepthLimit);
                // Like every limit, the depth limit leaves a checkpoint: the
                // level it did not expand.
                let (next, found) = carry.take().unwrap_or_default();
                self.save(level, frontier.iter(), frontier.len() as u64, &next, found);
                break;
            }
            let (next, found) = carry.take().unwrap_or_default();
            let (next, unexpanded) = self.level(&frontier, level, next, found)?;
            if unexpanded > 0 {
                // A limit stopped the level part-way: report what is left.
                if !next.is_empty() {
                    self.depth = level + 1;
                }
                return Ok(self.finish(unexpanded + next.len() as u64));
            }
            drop_in_parallel(std::mem::replace(&mut frontier, next));
            if !frontier.is_empty() {
                level += 1;
                self.depth = level;
            }
        }
        let queue = if self.stopped.is_some() { frontier.len() as u64 } else { 0 };
        Ok(self.finish(queue))
    }

    /// Whether a violation (not a witness) has been found.
    fn violation_found(&self) -> bool {
        self.total
            .found
            .iter()
            .enumerate()
            .any(|(i, f)| f.is_some() && !self.plan.sometimes.iter().any(|(s, _)| *s == i))
    }

    fn initial_states(&mut self) -> Result<Vec<Entry<M::State, F>>, CheckError> {
        let plan = self.plan;
        let mut states = Vec::new();
        catch_model_panic(|| plan.model.init(&mut states))?;
        self.total.generated = states.len() as u64;
        let mut frontier = Vec::new();
        for state in states {
            catch_model_panic(|| plan.check_canonical(&state))??;
            catch_model_panic(|| plan.audit_initial(&state))??;
            let fp = catch_model_panic(|| plan.fingerprint::<F>(&state))?;
            if !catch_model_panic(|| plan.in_constraint(&state))? {
                // Checked, never stored (as successors outside the constraint).
                catch_model_panic(|| self.total.check_new(plan, &state, fp, 1))?;
                continue;
            }
            let new =
                self.store.insert_sealed(fp, F::ROOT).expect("checker bug: the table is full after reserving room");
            if new {
                catch_model_panic(|| self.total.check_new(plan, &state, fp, 1))?;
                frontier.push(Entry { state, fp, parent: F::ROOT, action: NO_ACTION });
                self.store.reserve(frontier.len() as u64, 1);
            }
        }
        self.initial_states = frontier.len() as u64;
        self.distinct = frontier.len() as u64;
        self.depth = u32::from(!frontier.is_empty());
        Ok(frontier)
    }

    /// Expands one level, given what was found of the next level before (by
    /// a run this one resumes): its entries in `next`, `found` distinct
    /// states. Returns the next frontier and how many states of this level
    /// were left unexpanded because a limit was hit.
    fn level(
        &mut self,
        frontier: &[Entry<M::State, F>],
        depth: u32,
        mut next: Frontier<M, F>,
        // Distinct states found in this level so far (`next` may hold a state
        // more than once, once per lowering of its parent).
        mut found: u64,
    ) -> Result<(Frontier<M, F>, u64), CheckError> {
        let plan = self.plan;
        let limits = &self.config.limits;
        let mut expanded_so_far = 0usize;
        // The position of the level's first state among all expanded states.
        let level_position = self.total.expanded;
        for (index, segment) in frontier.chunks(SEGMENT).enumerate() {
            // Expect as many new states per expanded state as seen so far.
            let ratio = (self.distinct as f64 / (self.total.expanded.max(1)) as f64).clamp(1.0, 64.0);
            let additional = (segment.len() as f64 * ratio) as u64;
            // The table grows in one big allocation: refused, and the run
            // stopped before the segment, when it would pass the memory limit.
            let growth = self.store.growth_bytes(self.distinct + found, additional);
            let own = || self.memory_bytes(frontier.len() + next.len());
            // Why the run stops, set by the first thread to see it.
            let reason: OnceLock<StopReason> = OnceLock::new();
            if growth > 0 && !limits.room_for(own, growth) {
                let _ = reason.set(StopReason::MemoryLimit);
            } else {
                self.store.reserve(self.distinct + found, additional);
            }
            let store = &self.store;
            let workers = &self.workers;
            // Entries the workers hold for the merge after the segment, which
            // copies them into `next` (and may copy `next` as it grows): memory
            // counts them ahead, so the merge cannot pass the limit.
            let pending = AtomicU64::new(0);
            let (next_len, next_capacity) = (next.len(), next.capacity());
            let ahead = || {
                let pending = pending.load(Ordering::Relaxed) as usize;
                let regrow = if next_len + pending > next_capacity { next_len } else { 0 };
                ((pending + regrow) * std::mem::size_of::<Entry<M::State, F>>()) as u64
            };
            // How many states of each chunk were expanded: a stop leaves the
            // rest of a chunk, which is exactly what a checkpoint must keep.
            let done: Vec<AtomicU32> = (0..segment.len().div_ceil(CHUNK)).map(|_| AtomicU32::new(0)).collect();
            let result = catch_model_panic(|| {
                segment.par_chunks(CHUNK).enumerate().for_each(|(i, chunk)| {
                    if reason.get().is_some() {
                        return;
                    }
                    // One worker per pool thread, so buffers are reused across
                    // segments and levels; the lock is never contended.
                    let thread = rayon::current_thread_index().unwrap_or(0);
                    let mut worker = workers[thread].lock().expect("checker bug: a worker lock is poisoned");
                    let first = level_position + (index * SEGMENT + i * CHUNK) as u64;
                    let mut expanded = 0u32;
                    let held = worker.next.len() + worker.overflow.len();
                    for (j, entry) in chunk.iter().enumerate() {
                        if reason.get().is_some() {
                            break;
                        }
                        if let Some(stop) = worker.watch.step_ahead(limits, || store.bytes(), ahead) {
                            let _ = reason.set(stop);
                            break;
                        }
                        worker.expand(plan, store, entry, depth, first + j as u64);
                        expanded += 1;
                    }
                    done[i].store(expanded, Ordering::Relaxed);
                    let added = worker.next.len() + worker.overflow.len() - held;
                    pending.fetch_add(added as u64, Ordering::Relaxed);
                });
            });
            if let Err(error) = result {
                let first = level_position + (index * SEGMENT) as u64;
                return Err(self.locate_panic(segment, depth, first, error));
            }
            let mut workers: Vec<Worker<M, F>> = std::mem::take(&mut self.workers)
                .into_iter()
                .map(|w| w.into_inner().expect("checker bug: a worker lock is poisoned"))
                .collect();
            found += workers.iter().map(|w| w.new_states).sum::<u64>();
            // Successors that found the table full and could not be stored
            // because the memory limit refused to grow it: their parents count
            // as expanded, so no checkpoint can be written at this stop.
            let mut lost = false;
            for worker in &mut workers {
                worker.new_states = 0;
                let (new, complete) = self.retry_overflow(worker, depth, found)?;
                found += new;
                if !complete {
                    lost = true;
                    worker.overflow.clear();
                }
                if let Some(error) = worker.bad_canonical.take() {
                    return Err(error);
                }
                if next.is_empty() {
                    // Taken, not copied: the worker grows a new buffer.
                    std::mem::swap(&mut next, &mut worker.next);
                } else {
                    next.append(&mut worker.next);
                }
                self.total.absorb(worker);
            }
            self.workers = workers.into_iter().map(Mutex::new).collect();
            if let Some((_, fp, depth, error)) = self.total.bad_audit.take() {
                return Err(self.with_trace(error, Found { depth, fp, from: None }));
            }
            let undone = || {
                segment
                    .chunks(CHUNK)
                    .zip(&done)
                    .flat_map(|(chunk, expanded)| &chunk[expanded.load(Ordering::Relaxed) as usize..])
            };
            expanded_so_far += segment.len() - undone().count();
            (self.progress)(&Progress {
                distinct_states: self.distinct + found,
                generated_states: self.total.generated,
                queue_states: (frontier.len() - expanded_so_far) as u64 + found,
                depth: depth + 1,
            });
            let own = || self.memory_bytes(frontier.len() + next.len());
            if let Some(&stop) = reason.get() {
                self.stopped = Some(stop);
            } else if lost {
                self.stopped = Some(StopReason::MemoryLimit);
            } else if self.distinct + found >= limits.states_max {
                self.stopped = Some(StopReason::StatesLimit);
            } else if let Some(stop) = limits.stop_now() {
                self.stopped = Some(stop);
            } else if limits.memory_exceeded(own) {
                self.stopped = Some(StopReason::MemoryLimit);
            }
            let due = self.checkpoints.as_ref().is_some_and(|c| c.last.elapsed() >= c.every);
            if lost {
                if self.checkpoints.is_some() {
                    tracing::warn!(
                        "the memory limit refused room for states found in this segment; the last checkpoint \
                         written is kept"
                    );
                }
            } else if due || self.stopped.is_some() {
                let rest = &frontier[index * SEGMENT + segment.len()..];
                let pending = (frontier.len() - expanded_so_far) as u64;
                self.save(depth, undone().chain(rest), pending, &next, found);
            }
            if self.stopped.is_some() {
                break;
            }
        }
        self.seal(&mut next);
        debug_assert_eq!(next.len() as u64, found);
        self.distinct += found;
        let unexpanded = (frontier.len() - expanded_so_far) as u64;
        Ok((next, unexpanded))
    }

    /// Inserts the successors that found the table full, growing it first;
    /// returns how many of them were new, and false when the memory limit
    /// refused the growth and some are left in `worker.overflow`. `found`
    /// counts this level's states.
    fn retry_overflow(&mut self, worker: &mut Worker<M, F>, depth: u32, found: u64) -> Result<(u64, bool), CheckError> {
        let mut attempt = 0;
        while !worker.overflow.is_empty() {
            // Each attempt asks for twice the room of the one before, so even a
            // pathological run of long probes ends with a table large enough.
            let room = (worker.overflow.len() as u64) << attempt.min(32);
            let len = self.distinct + found + worker.new_states;
            let growth = self.store.growth_bytes(len, room);
            if growth > 0 && !self.config.limits.room_for(|| self.store.bytes(), growth) {
                return Ok((std::mem::take(&mut worker.new_states), false));
            }
            let pending = std::mem::take(&mut worker.overflow);
            self.store.reserve(len, room);
            attempt += 1;
            let plan = self.plan;
            let store = &self.store;
            catch_model_panic(|| {
                for entry in pending {
                    worker.offer(plan, store, entry, depth + 1);
                }
            })?;
        }
        Ok((std::mem::take(&mut worker.new_states), true))
    }

    /// Engine memory: the store plus the frontier's entries.
    fn memory_bytes(&self, entries: usize) -> u64 {
        self.store.bytes() + (entries * std::mem::size_of::<Entry<M::State, F>>()) as u64
    }

    /// Seals the new states of a level, keeping for each the entry of its
    /// final (smallest) parent, and attributes it to that step's action.
    fn seal(&mut self, next: &mut Frontier<M, F>) {
        // Entries of one state are adjacent after sorting; the first of each
        // run seals the state and the run keeps the entry of the final parent.
        next.par_sort_unstable_by_key(|e| (e.fp, e.parent));
        let store = &self.store;
        next.par_chunk_by_mut(|a, b| a.fp == b.fp).for_each(|run| {
            let parent = store.seal(run[0].fp);
            for entry in run {
                // Every entry of a level has a real parent, so ROOT marks the losers.
                if entry.parent != parent {
                    entry.parent = F::ROOT;
                }
            }
        });
        next.retain(|e| e.parent != F::ROOT);
        for entry in next.iter() {
            self.distinct_steps[entry.action as usize] += 1;
        }
    }

    /// Re-expands a segment one state at a time to find the state whose
    /// expansion panicked, and reports it with the trace that reaches it.
    fn locate_panic(&self, segment: &[Entry<M::State, F>], depth: u32, first: u64, error: CheckError) -> CheckError {
        let plan = self.plan;
        let CheckError::Model(mut model_error) = error else { return error };
        for (j, entry) in segment.iter().enumerate() {
            let scratch = S::with_capacity(64);
            let mut worker = Worker::<M, F>::new(plan);
            let panicked = catch_model_panic(|| worker.expand(plan, &scratch, entry, depth, first + j as u64));
            if let Err(CheckError::Model(e)) = panicked {
                model_error.message = e.message;
                model_error.state = Some(format!("{:?}", entry.state));
                let parents = |fp: F| self.store.parent(fp);
                let found = Found { depth, fp: entry.fp, from: None };
                model_error.trace = rebuild_path(plan, &parents, found);
                break;
            }
        }
        CheckError::Model(model_error)
    }

    /// A model error about a stored state, with the trace that reaches it.
    fn with_trace(&self, error: CheckError, found: Found<F>) -> CheckError {
        let CheckError::Model(mut model_error) = error else { return error };
        let parents = |fp: F| self.store.parent(fp);
        model_error.trace = rebuild_path(self.plan, &parents, found);
        CheckError::Model(model_error)
    }

    fn finish(self, queue_states: u64) -> Explored<F> {
        let store = self.store;
        Explored {
            initial_states: self.initial_states,
            generated_states: self.total.generated,
            distinct_states: self.distinct,
            depth: self.depth,
            queue_states,
            store_bytes: store.bytes(),
            walks: 0,
            traces: vec![None; self.total.found.len()],
            found: self.total.found,
            coverage: self.total.steps.into_iter().zip(self.distinct_steps).collect(),
            stopped: self.stopped,
            parents: Box::new(move |fp| store.parent(fp)),
        }
    }
}

/// Drops a level's states on every pool thread. A state that holds `Vec`s or
/// sets frees each of them on drop, and one thread dropping a whole level
/// after the others expanded it was the serial part of a run that kept a
/// second thread from halving it (a tenth of the single-thread time on
/// LamportMutex with a `Vec` state). States that need no drop cost nothing.
fn drop_in_parallel<T: Send>(states: Vec<T>) {
    if std::mem::needs_drop::<T>() {
        states.into_par_iter().with_min_len(CHUNK).for_each(drop);
    }
}

/// The trace to a state, for model-error reports (best effort).
fn rebuild_path<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    parents: &dyn Fn(F) -> Option<F>,
    found: Found<F>,
) -> Option<crate::outcome::Trace> {
    let chain = trace::chain(parents, found.fp, found.depth as usize)?;
    let path = catch_model_panic(|| trace::replay(plan, &chain)).ok()?.ok()?;
    Some(trace::render(plan, &path))
}
