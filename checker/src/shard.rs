//! One worker's part of a breadth-first search spread over several workers
//! (threads of one or more processes), as a state machine that a transport
//! drives in rounds. The engine does no IO: a transport (the `distributed`
//! crate, on timely dataflow) moves the messages and says when a round ends,
//! that is when every message sent in it has been received.
//!
//! Each state is owned by one worker, chosen by the high bits of its
//! fingerprint; the owner keeps its part of the fingerprint table with the
//! parents. A level takes two rounds:
//!
//! 1. expansion: each worker expands its frontier and sends each successor
//!    it does not own (fingerprint, parent, position among the parent's
//!    successors, action, encoded state) to the successor's owner; an owner
//!    takes each successor as it comes (its own unencoded), keeping those not
//!    in its table with the smallest parent among their discoverers (the
//!    first step from them), as the single-machine search does, so traces are
//!    the same; when the round ends, it stores and checks them;
//! 2. summary: each worker sends every worker what the level found (counts,
//!    coverage, violations, a stop or an error); every worker merges the same
//!    summaries in the same order, so all take the same decision: the next
//!    level, or the end.
//!
//! After the end, counterexamples are rebuilt by walking parents across
//! owners, one round per hop (each owner tells every worker), and every
//! worker replays them through `next` and returns the same [`Outcome`].

use std::collections::HashMap;

use crate::check::{catch_model_panic, Explored, Found, Plan};
use crate::config::{CheckConfig, FingerprintBits, Strategy};
use crate::error::{CheckError, ConfigError, ModelError, ModelErrorKind};
use crate::fingerprint::Fingerprint;
use crate::limits::Watch;
use crate::model::{Model, StateCodec};
use crate::outcome::{Outcome, StopReason};

/// Bytes of successor records gathered for one worker before they are sent.
const BATCH: usize = 1 << 16;
/// A successor record's fixed part: fingerprint, parent, position, action, length.
const RECORD: usize = 8 + 8 + 4 + 4 + 4;

type Table = HashMap<u64, u64, foldhash::fast::FixedState>;

mod owned;
use owned::{Owned, Slot, SEALED};

/// One worker's part of a distributed search, driven by a transport.
///
/// Every round, the transport calls [`Shard::send`] once, delivers each
/// message sent to this worker in the round to [`Shard::receive`] (in any
/// order), and calls [`Shard::end_round`] when every message of the round
/// has been received, until a round ends the search.
pub trait Shard {
    /// Sends this round's messages: `send(worker, bytes)`.
    fn send(&mut self, send: &mut dyn FnMut(usize, Vec<u8>));
    /// Takes a message that was sent to this worker in this round.
    fn receive(&mut self, message: Vec<u8>);
    /// Ends the round.
    fn end_round(&mut self) -> Round;
}

/// What follows a round.
#[derive(Debug)]
pub enum Round {
    /// Another round.
    Continue,
    /// The search is over, with the same result on every worker (each
    /// replays the counterexamples, whose parents every worker was told).
    Finished(Result<Outcome, CheckError>),
}

/// The worker that owns fingerprint `fp` among `workers`: its high bits (of
/// the 63 a fingerprint has) scaled to the number of workers.
pub fn owner(fp: u64, workers: usize) -> usize {
    (((u128::from(fp) << 1) * workers as u128) >> 64) as usize
}

/// Why a model cannot be checked by a distributed search, if it cannot.
pub(crate) fn shard<'m, M: Model>(
    model: &'m M,
    config: &CheckConfig,
    worker: usize,
    workers: usize,
) -> Result<Box<dyn Shard + 'm>, CheckError> {
    let unsupported = |message: &str| -> CheckError {
        ConfigError::Unsupported { span: Default::default(), message: message.to_string() }.into()
    };
    if config.strategy != Strategy::Bfs {
        return Err(unsupported("a distributed search is breadth-first; use --strategy bfs"));
    }
    if config.checkpoint.is_some() {
        return Err(unsupported("a distributed search writes no checkpoints; drop --checkpoint and --resume"));
    }
    if config.fingerprint_bits != FingerprintBits::B64 {
        return Err(unsupported("a distributed search uses 64-bit fingerprints; drop --fingerprint-bits 128"));
    }
    let plan = catch_model_panic(|| Plan::new(model, config))??;
    if !plan.liveness.is_empty() {
        let names: Vec<&str> = plan.liveness.iter().map(|(i, _)| plan.checks[*i].0.as_str()).collect();
        return Err(unsupported(&format!(
            "temporal properties ({}) need the whole state graph in one place, so they are checked on one machine \
             only; run this spec without --processes, or check its invariants alone in a spec of its own",
            names.join(", ")
        )));
    }
    let codec = model.state_codec().ok_or_else(|| {
        unsupported(
            "this model does not say how to write its states (Model::state_codec), so they cannot be sent to \
             other processes; derive serde's Serialize and Deserialize for its state and return \
             Some(StateCodec::serde()) from state_codec",
        )
    })?;
    assert!(worker < workers, "checker bug: worker {worker} of {workers}");
    Ok(Box::new(Worker::new(plan, config, codec, worker, workers)))
}

/// Where the search is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Worker 0 sends the initial states to their owners.
    Init,
    /// Every worker expands its frontier.
    Expand,
    /// Every worker tells every worker what the last level found.
    Summary,
    /// The owners of the states on the counterexamples tell their parents.
    Trace,
}

/// A state new to this worker's table that arrived in this level (its
/// parent and action are in its [`Slot`], which every later arrival of it
/// finds with the one lookup that tells whether it is new).
struct Arrival<S> {
    fp: u64,
    state: S,
}

/// What one worker found in one level (or in the initial states).
#[derive(Clone, Debug, Default)]
struct Summary {
    /// New distinct states this worker stored.
    new_states: u64,
    generated: u64,
    expanded: u64,
    /// States of the frontier left unexpanded because a limit stopped the worker.
    unexpanded: u64,
    /// Steps per action.
    steps: Vec<u64>,
    /// New distinct states per action of the step that found them.
    distinct_steps: Vec<u64>,
    /// The smallest finding per check.
    found: Vec<Option<Found<u64>>>,
    stop: Option<StopReason>,
    store_bytes: u64,
    /// The first error (model panic, symmetry audit, codec), as text.
    error: Option<Failure>,
}

/// An error that ended a worker's search, as sent to the others.
#[derive(Clone, Debug)]
struct Failure {
    /// [`ModelErrorKind`] as a number, or `None` for other errors.
    kind: Option<u8>,
    message: String,
    state: Option<String>,
    action: Option<String>,
}

struct Worker<'m, M: Model> {
    plan: Plan<'m, M>,
    config: CheckConfig,
    codec: StateCodec<M::State>,
    worker: usize,
    workers: usize,
    phase: Phase,
    /// The level being expanded (initial states are level 1).
    level: u32,
    /// The summary being exchanged is the initial states'.
    initial: bool,
    /// This worker's part of the fingerprint table, with this level's arrivals.
    table: Owned,
    /// The fingerprints of the successors being taken (kept for its room).
    fingerprints: Vec<u64>,
    /// The states that arrived this level and were not in `table`.
    arrivals: Vec<Arrival<M::State>>,
    /// Under a symmetry, where each arrival is in `arrivals`: a fingerprint
    /// stands for a class of states there, and the state kept must be the
    /// winning step's, as on one machine (without one, it is the same state).
    places: HashMap<u64, u32, foldhash::fast::FixedState>,
    /// The states to expand: the last level's arrivals, sealed.
    frontier: Vec<Arrival<M::State>>,
    /// Summaries or parents received this round (successors are taken as they come).
    inbox: Vec<Vec<u8>>,
    /// What this worker found since the last summary.
    local: Summary,
    /// The first error of this worker, kept whole for worker 0's report.
    error: Option<CheckError>,
    /// Totals over every worker, the same on all of them.
    total: Summary,
    initial_states: u64,
    depth: u32,
    stopped: Option<StopReason>,
    queue_states: u64,
    /// States expanded by this worker (positions for the symmetry audit).
    position: u64,
    watch: Watch,
    sent: Sent,
    /// Trace rebuilding: fingerprints whose parents are still to be asked.
    pending: Vec<u64>,
    /// Parents learned from their owners.
    known: Table,
    /// The error every worker ends with, once one worker failed.
    failed: Option<Failure>,
}

impl<'m, M: Model> Worker<'m, M> {
    fn new(
        plan: Plan<'m, M>,
        config: &CheckConfig,
        codec: StateCodec<M::State>,
        worker: usize,
        workers: usize,
    ) -> Self {
        let empty = Summary {
            steps: vec![0; plan.action_names.len()],
            distinct_steps: vec![0; plan.action_names.len()],
            found: vec![None; plan.checks.len()],
            ..Summary::default()
        };
        Worker {
            config: config.clone(),
            codec,
            worker,
            workers,
            phase: Phase::Init,
            level: 1,
            initial: true,
            table: Owned::new(),
            fingerprints: Vec::new(),
            arrivals: Vec::new(),
            places: HashMap::default(),
            frontier: Vec::new(),
            inbox: Vec::new(),
            local: empty.clone(),
            error: None,
            total: empty,
            initial_states: 0,
            depth: 0,
            stopped: None,
            queue_states: 0,
            position: 0,
            watch: Watch::default(),
            sent: Sent::new(),
            pending: Vec::new(),
            known: Table::default(),
            failed: None,
            plan,
        }
    }

    fn record(&mut self, index: usize, found: Found<u64>) {
        let slot = &mut self.local.found[index];
        if slot.is_none_or(|old| found < old) {
            *slot = Some(found);
        }
    }

    fn fail(&mut self, error: CheckError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Checks a state as the single-machine search checks a new one (or one
    /// outside the constraints, `from` its source): invariants and witnesses.
    fn check_state(&mut self, state: &M::State, fp: u64, depth: u32, from: Option<u64>) {
        for (index, f) in findings(&self.plan, state, fp, depth, from) {
            self.record(index, f);
        }
    }

    /// Worker 0: the initial states, to their owners.
    fn send_initial(&mut self, out: &mut Outbox<'_>) -> Result<(), CheckError> {
        let plan = &self.plan;
        let mut states = Vec::new();
        catch_model_panic(|| plan.model.init(&mut states))?;
        self.local.generated += states.len() as u64;
        for (seq, state) in states.into_iter().enumerate() {
            let plan = &self.plan;
            catch_model_panic(|| plan.check_canonical(&state))??;
            catch_model_panic(|| plan.audit_initial(&state))??;
            let fp = catch_model_panic(|| plan.fingerprint::<u64>(&state))?;
            if !catch_model_panic(|| plan.in_constraint(&state))? {
                catch_model_panic(|| self.check_state(&state, fp, 1, None))?;
                continue;
            }
            if !self.sent.worth_sending(fp, u64::ROOT, 0, seq as u32) {
                continue;
            }
            if owner(fp, self.workers) == self.worker {
                self.arrive(fp, u64::ROOT, seq as u32, crate::bfs::NO_ACTION, || Ok(state))?;
            } else {
                out.push(&self.codec, fp, u64::ROOT, seq as u32, crate::bfs::NO_ACTION, &state);
            }
        }
        Ok(())
    }

    /// Expands the frontier, sending successors to their owners.
    fn send_successors(&mut self, out: &mut Outbox<'_>) -> Result<(), CheckError> {
        let mut frontier = std::mem::take(&mut self.frontier);
        let depth = self.level;
        let mut buffer = Vec::new();
        let mut result = Ok(());
        let mut done = 0;
        for Arrival { state, fp, .. } in &frontier {
            if let Some(stop) = self.watch.step(&self.config.limits, || self.table.bytes()) {
                self.local.stop = Some(stop);
                break;
            }
            let expanded = catch_model_panic(|| self.expand(state, *fp, depth, &mut buffer, out));
            match expanded {
                Ok(Ok(())) => {}
                Ok(Err(error)) | Err(error) => {
                    result = Err(with_state(error, state));
                    break;
                }
            }
            done += 1;
        }
        self.local.unexpanded = (frontier.len() - done) as u64;
        if self.local.stop.is_none() && result.is_ok() {
            self.local.stop = self.config.limits.stop_now();
        }
        // Its room, empty, goes back: sealing the level swaps it with the arrivals'.
        frontier.clear();
        self.frontier = frontier;
        result
    }

    fn expand(
        &mut self,
        state: &M::State,
        fp: u64,
        depth: u32,
        buffer: &mut Vec<(M::Action, M::State)>,
        out: &mut Outbox<'_>,
    ) -> Result<(), CheckError> {
        let plan = &self.plan;
        self.local.expanded += 1;
        buffer.clear();
        plan.model.next(state, buffer);
        self.local.generated += buffer.len() as u64;
        plan.audit_symmetry(self.position, state, buffer)?;
        self.position += 1;
        if buffer.is_empty() {
            if let Some(index) = plan.deadlock {
                self.record(index, Found { depth, fp, from: None });
            }
        }
        // Fingerprint every successor and prefetch what it will be looked up
        // in first, so that the cache misses overlap instead of queueing.
        let mut fingerprints = std::mem::take(&mut self.fingerprints);
        fingerprints.clear();
        for (_, next) in buffer.iter() {
            let next_fp = self.plan.fingerprint::<u64>(next);
            self.sent.prefetch(next_fp);
            if owner(next_fp, self.workers) == self.worker {
                self.table.prefetch(next_fp);
            }
            fingerprints.push(next_fp);
        }
        for (seq, ((action, next), &next_fp)) in buffer.drain(..).zip(&fingerprints).enumerate() {
            let plan = &self.plan;
            let action_index = plan.action_index(&action);
            self.local.steps[action_index] += 1;
            let mut found = Vec::new();
            for &(index, p) in &plan.step_invariants {
                if !p(plan.model, state, &action, &next) {
                    found.push((index, Found { depth: depth + 1, fp: next_fp, from: Some(fp) }));
                }
            }
            for (index, f) in found {
                self.record(index, f);
            }
            let plan = &self.plan;
            if plan.step_allowed(state, &action, &next) && plan.in_constraint(&next) {
                // The cache drops most repeats before the table's lookup (a cache miss).
                if self.sent.worth_sending(next_fp, fp, depth, seq as u32) {
                    if owner(next_fp, self.workers) == self.worker {
                        // Its own successors a worker takes as they are, unencoded.
                        self.arrive(next_fp, fp, seq as u32, action_index as u32, || Ok(next))?;
                    } else {
                        out.push(&self.codec, next_fp, fp, seq as u32, action_index as u32, &next);
                    }
                }
            } else {
                self.check_state(&next, next_fp, depth + 1, Some(fp));
            }
        }
        self.fingerprints = fingerprints;
        Ok(())
    }

    /// Takes a successor (or initial state) this worker owns: if it is not
    /// in the table, it is new in this level, and of the steps that found it
    /// the one with the least `(parent, position)` is kept, as the
    /// single-machine search keeps the first. `state` is called once per new
    /// state (a state that arrives again is not decoded again).
    fn arrive(
        &mut self,
        fp: u64,
        parent: u64,
        position: u32,
        action: u32,
        state: impl FnOnce() -> Result<M::State, CheckError>,
    ) -> Result<(), CheckError> {
        let position = position.min(SEALED - 1);
        let (slot, new) = self.table.entry(fp);
        if new {
            // Sealed at once: if `state` fails, the search ends with the
            // error, and a later arrival must not count as a win.
            *slot = Slot { fp, parent, position: SEALED, action };
            let state = state()?;
            slot.position = position;
            if self.plan.symmetry.is_some() {
                let place = u32::try_from(self.arrivals.len()).map_err(|_| too_many())?;
                self.places.insert(fp, place);
            }
            self.arrivals.push(Arrival { fp, state });
        } else if slot.position != SEALED && (parent, position) < (slot.parent, slot.position) {
            // Not stored in an earlier level, and smaller than the steps before it.
            *slot = Slot { fp, parent, position, action };
            if let Some(&place) = self.places.get(&fp) {
                self.arrivals[place as usize].state = state()?;
            }
        }
        Ok(())
    }

    /// Takes a message of successor records from another worker.
    fn absorb(&mut self, message: &[u8]) -> Result<(), CheckError> {
        let decode = self.codec.decode;
        // The table's entries of the message's records, prefetched first (a
        // message is a batch of about a thousand records).
        let mut at: usize = 0;
        while let Some(bytes) = message.get(at..at.saturating_add(RECORD)) {
            self.table.prefetch(u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")));
            let len = u32::from_le_bytes(bytes[24..28].try_into().expect("4 bytes")) as usize;
            at = at.saturating_add(RECORD).saturating_add(len);
        }
        let mut at = 0;
        while at < message.len() {
            let bytes = message.get(at..at + RECORD).ok_or_else(|| garbled("a successor record"))?;
            let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
            let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
            let (fp, parent, position, action) = (u64_at(0), u64_at(8), u32_at(16), u32_at(20));
            let len = u32_at(24) as usize;
            let state = message.get(at + RECORD..at + RECORD + len).ok_or_else(|| garbled("a state"))?;
            // Fingerprints are 63 bits and never 0.
            if fp == 0
                || fp >> 63 != 0
                || owner(fp, self.workers) != self.worker
                || (action != crate::bfs::NO_ACTION && action as usize >= self.plan.action_names.len())
            {
                return Err(garbled("a successor record"));
            }
            self.arrive(fp, parent, position, action, || {
                decode(state).ok_or_else(|| {
                    CheckError::Model(Box::new(ModelError {
                        kind: ModelErrorKind::Panic,
                        message: "the model's state codec (Model::state_codec) cannot decode a state it encoded, \
                                  so states cannot be sent to other processes"
                            .into(),
                        state: None,
                        action: None,
                        trace: None,
                    }))
                })
            })?;
            at += RECORD + len;
        }
        Ok(())
    }

    /// Stores the states that arrived this level, each with its smallest
    /// parent, checks them and makes them the frontier.
    fn seal(&mut self, depth: u32) -> Result<(), CheckError> {
        // The arrivals become the frontier, in fingerprint order whatever
        // order the messages came in; the frontier's room (empty since its
        // expansion) takes the next level's arrivals.
        std::mem::swap(&mut self.frontier, &mut self.arrivals);
        self.arrivals.clear();
        self.places.clear();
        self.frontier.sort_unstable_by_key(|a| a.fp);
        for i in 0..self.frontier.len() {
            let fp = self.frontier[i].fp;
            let slot = self.table.get_mut(fp).expect("an arrival has a slot");
            let action = slot.action;
            slot.position = SEALED;
            self.local.new_states += 1;
            if action != crate::bfs::NO_ACTION {
                self.local.distinct_steps[action as usize] += 1;
            }
            let (plan, state) = (&self.plan, &self.frontier[i].state);
            catch_model_panic(|| plan.check_canonical(state))?.map_err(|e| with_state(e, state))?;
            let found =
                catch_model_panic(|| findings(plan, state, fp, depth, None)).map_err(|e| with_state(e, state))?;
            for (index, f) in found {
                self.record(index, f);
            }
        }
        Ok(())
    }

    /// Merges every worker's summary (in worker order) and decides what follows.
    fn merge(&mut self) -> Round {
        let inbox = std::mem::take(&mut self.inbox);
        let mut summaries: Vec<(usize, Summary)> = Vec::with_capacity(inbox.len());
        for message in &inbox {
            match decode_summary(message, self.plan.action_names.len(), self.plan.checks.len()) {
                Some(summary) => summaries.push(summary),
                None => return self.finish_with(Err(garbled("a level summary"))),
            }
        }
        if summaries.len() != self.workers {
            return self.finish_with(Err(garbled("the level summaries (one per worker)")));
        }
        summaries.sort_by_key(|(from, _)| *from);
        let mut level = Summary { found: vec![None; self.plan.checks.len()], ..Summary::default() };
        for (_, s) in &summaries {
            level.new_states += s.new_states;
            level.unexpanded += s.unexpanded;
            level.stop = level.stop.or(s.stop);
            level.store_bytes += s.store_bytes;
            if level.error.is_none() {
                level.error.clone_from(&s.error);
            }
            self.total.generated += s.generated;
            self.total.expanded += s.expanded;
            for (t, x) in self.total.steps.iter_mut().zip(&s.steps) {
                *t += x;
            }
            for (t, x) in self.total.distinct_steps.iter_mut().zip(&s.distinct_steps) {
                *t += x;
            }
            for (t, x) in self.total.found.iter_mut().zip(&s.found) {
                if let Some(x) = x {
                    if t.is_none_or(|t| *x < t) {
                        *t = Some(*x);
                    }
                }
            }
        }
        self.total.store_bytes = level.store_bytes;
        if let Some(failure) = level.error {
            self.failed = Some(failure);
            return self.start_trace();
        }
        let next = level.new_states;
        self.total.new_states += next;
        let limits = &self.config.limits;
        if std::mem::take(&mut self.initial) {
            // The initial states: the search proper starts at level 1.
            self.initial_states = next;
            self.depth = u32::from(next > 0);
        } else {
            if level.unexpanded > 0 {
                // A limit stopped the level part-way: report what is left.
                if next > 0 {
                    self.depth = self.level + 1;
                }
                self.stopped = level.stop;
                self.queue_states = level.unexpanded + next;
                return self.start_trace();
            }
            if self.total.new_states >= limits.states_max {
                self.stopped = Some(StopReason::StatesLimit);
            } else if level.stop.is_some() {
                self.stopped = level.stop;
            }
            if next > 0 {
                self.level += 1;
                self.depth = self.level;
            }
        }
        if next == 0 {
            return self.start_trace();
        }
        if self.stopped.is_none() && self.violation_found() && !self.config.continue_after_violation {
            self.stopped = Some(StopReason::StoppedAtViolation);
        }
        if self.stopped.is_none() && self.level >= limits.depth_max {
            self.stopped = Some(StopReason::DepthLimit);
        }
        if self.stopped.is_some() {
            self.queue_states = next;
            return self.start_trace();
        }
        self.phase = Phase::Expand;
        Round::Continue
    }

    /// Whether a violation (not a witness) has been found.
    fn violation_found(&self) -> bool {
        self.total
            .found
            .iter()
            .enumerate()
            .any(|(i, f)| f.is_some() && !self.plan.sometimes.iter().any(|(s, _)| *s == i))
    }

    /// Starts walking the parents of the states on the counterexamples.
    fn start_trace(&mut self) -> Round {
        (self.frontier, self.arrivals) = (Vec::new(), Vec::new());
        if self.failed.is_none() {
            self.pending = self.total.found.iter().flatten().map(|f| f.from.unwrap_or(f.fp)).collect();
            self.pending.sort_unstable();
            self.pending.dedup();
        }
        if self.pending.is_empty() {
            return self.finish();
        }
        self.phase = Phase::Trace;
        Round::Continue
    }

    /// Takes the parents the owners sent and asks for theirs.
    fn trace_round(&mut self) -> Round {
        let inbox = std::mem::take(&mut self.inbox);
        let mut next = Vec::new();
        for message in &inbox {
            if message.len() % 16 != 0 {
                return self.finish_with(Err(garbled("a parent answer")));
            }
            for pair in message.chunks_exact(16) {
                let fp = u64::from_le_bytes(pair[..8].try_into().expect("8 bytes"));
                let parent = u64::from_le_bytes(pair[8..].try_into().expect("8 bytes"));
                self.known.insert(fp, parent);
                if parent != u64::ROOT {
                    next.push(parent);
                }
            }
        }
        next.retain(|fp| !self.known.contains_key(fp));
        next.sort_unstable();
        next.dedup();
        self.pending = next;
        if self.pending.is_empty() {
            return self.finish();
        }
        Round::Continue
    }

    fn finish(&mut self) -> Round {
        if let Some(failure) = self.failed.take() {
            // The first failed worker's error: whole on that worker, as text on the others.
            let own = self.error.take().filter(|e| Failure::of(e).same(&failure));
            return Round::Finished(Err(own.unwrap_or_else(|| failure.into_error())));
        }
        if self.initial_states == 0 {
            return Round::Finished(Err(CheckError::Model(Box::new(ModelError {
                kind: ModelErrorKind::NoInitialStates,
                message: "Init produced no state inside the constraints, so nothing was explored and every check \
                          would pass vacuously. Check the constants (an empty set?) and the CONSTRAINT."
                    .into(),
                state: None,
                action: None,
                trace: None,
            }))));
        }
        let known = std::mem::take(&mut self.known);
        let total = std::mem::take(&mut self.total);
        let explored = Explored {
            initial_states: self.initial_states,
            generated_states: total.generated,
            distinct_states: total.new_states,
            depth: self.depth,
            queue_states: self.queue_states,
            walks: 0,
            store_bytes: total.store_bytes,
            traces: vec![None; total.found.len()],
            found: total.found,
            coverage: total.steps.into_iter().zip(total.distinct_steps).collect(),
            stopped: self.stopped,
            parents: Box::new(move |fp| known.get(&fp).copied()),
        };
        let plan = &self.plan;
        let checked = crate::liveness::Checked { verdicts: Vec::new(), graph: None };
        let outcome = catch_model_panic(|| plan.outcome::<u64>(explored, checked)).and_then(|o| o);
        Round::Finished(outcome)
    }

    fn finish_with(&mut self, error: Result<Outcome, CheckError>) -> Round {
        Round::Finished(error)
    }
}

impl<M: Model> Shard for Worker<'_, M> {
    fn send(&mut self, send: &mut dyn FnMut(usize, Vec<u8>)) {
        match self.phase {
            Phase::Init | Phase::Expand => {
                let mut out = Outbox::new(self.workers, send);
                let result = match self.phase {
                    _ if self.error.is_some() => Ok(()),
                    Phase::Init if self.worker == 0 => self.send_initial(&mut out),
                    Phase::Init => Ok(()),
                    _ => self.send_successors(&mut out),
                };
                out.flush();
                if let Err(error) = result {
                    self.fail(error);
                }
            }
            Phase::Summary => {
                self.local.store_bytes = self.table.bytes();
                if let Some(error) = &self.error {
                    self.local.error = Some(Failure::of(error));
                }
                let message = encode_summary(self.worker, &self.local);
                let empty = Summary {
                    steps: vec![0; self.plan.action_names.len()],
                    distinct_steps: vec![0; self.plan.action_names.len()],
                    found: vec![None; self.plan.checks.len()],
                    ..Summary::default()
                };
                self.local = empty;
                for to in 0..self.workers {
                    send(to, message.clone());
                }
            }
            Phase::Trace => {
                let mut answer = Vec::new();
                for &fp in &self.pending {
                    if owner(fp, self.workers) == self.worker {
                        if let Some(&Slot { parent, .. }) = self.table.get(fp) {
                            answer.extend_from_slice(&fp.to_le_bytes());
                            answer.extend_from_slice(&parent.to_le_bytes());
                        }
                    }
                }
                if !answer.is_empty() {
                    for to in 0..self.workers {
                        send(to, answer.clone());
                    }
                }
            }
        }
    }

    fn receive(&mut self, message: Vec<u8>) {
        match self.phase {
            // Successors are taken as they come: only the new states are kept.
            Phase::Init | Phase::Expand => {
                if self.error.is_none() {
                    if let Err(error) = self.absorb(&message) {
                        self.fail(error);
                    }
                }
            }
            Phase::Summary | Phase::Trace => self.inbox.push(message),
        }
    }

    fn end_round(&mut self) -> Round {
        match self.phase {
            Phase::Init | Phase::Expand => {
                let depth = if self.phase == Phase::Init { 1 } else { self.level + 1 };
                if self.error.is_none() {
                    if let Err(error) = self.seal(depth) {
                        self.fail(error);
                    }
                } else {
                    // The search ends with the error: the level's arrivals are dropped.
                    self.arrivals.clear();
                }
                self.phase = Phase::Summary;
                Round::Continue
            }
            Phase::Summary => self.merge(),
            Phase::Trace => self.trace_round(),
        }
    }
}

/// The error for a level with more new states at one worker than a `u32` counts.
fn too_many() -> CheckError {
    ConfigError::Unsupported {
        span: Default::default(),
        message: "more than 4,294,967,295 new states in one level at one worker; use more workers".into(),
    }
    .into()
}

/// The state invariants `state` violates and the witnesses it is, as
/// findings at `depth` (`from` its source, for a state outside the constraints).
fn findings<M: Model>(
    plan: &Plan<'_, M>,
    state: &M::State,
    fp: u64,
    depth: u32,
    from: Option<u64>,
) -> Vec<(usize, Found<u64>)> {
    let mut found = Vec::new();
    for &(index, p) in &plan.state_invariants {
        if !p(plan.model, state) {
            found.push((index, Found { depth, fp, from }));
        }
    }
    for &(index, p) in &plan.sometimes {
        if p(plan.model, state) {
            found.push((index, Found { depth, fp, from }));
        }
    }
    found
}

/// Slots of [`Sent`]: 6 MiB per worker.
const SENT_SLOTS: usize = 1 << 18;

/// The fingerprints this worker sent lately (or took itself, as their
/// owner), direct-mapped, each with the least `(parent, position)` it was
/// sent with and the level. Sending a successor again changes nothing when
/// its fingerprint went out in an earlier level (its owner has stored it
/// since) or in this level with a smaller `(parent, position)` (the owner
/// keeps the least): such records are dropped before they are encoded, or
/// looked up in the table. A slot taken by another fingerprint only means
/// more records are sent, never fewer of the ones that matter.
struct Sent {
    /// `(fingerprint, parent, level << 32 | position)`; fingerprint 0 is none.
    slots: Vec<(u64, u64, u64)>,
}

impl Sent {
    fn new() -> Sent {
        Sent { slots: vec![(0, 0, 0); SENT_SLOTS] }
    }

    #[inline]
    fn prefetch(&self, fp: u64) {
        crate::store::prefetch(&self.slots[fp as usize & (SENT_SLOTS - 1)]);
    }

    /// Whether the record must be sent; if so, remembers it.
    #[inline]
    fn worth_sending(&mut self, fp: u64, parent: u64, level: u32, position: u32) -> bool {
        // The low bits: the high ones pick the owner.
        let slot = &mut self.slots[fp as usize & (SENT_SLOTS - 1)];
        if slot.0 == fp {
            let (was_level, was_position) = ((slot.2 >> 32) as u32, slot.2 as u32);
            if was_level < level || (slot.1, was_position) <= (parent, position) {
                return false;
            }
        }
        *slot = (fp, parent, u64::from(level) << 32 | u64::from(position));
        true
    }
}

/// Successor records gathered per destination worker.
struct Outbox<'s> {
    batches: Vec<Vec<u8>>,
    send: &'s mut dyn FnMut(usize, Vec<u8>),
    workers: usize,
    scratch: Vec<u8>,
}

impl<'s> Outbox<'s> {
    fn new(workers: usize, send: &'s mut dyn FnMut(usize, Vec<u8>)) -> Self {
        Outbox { batches: vec![Vec::new(); workers], send, workers, scratch: Vec::new() }
    }

    fn push<S>(&mut self, codec: &StateCodec<S>, fp: u64, parent: u64, seq: u32, action: u32, state: &S) {
        self.scratch.clear();
        (codec.encode)(state, &mut self.scratch);
        let to = owner(fp, self.workers);
        let batch = &mut self.batches[to];
        batch.extend_from_slice(&fp.to_le_bytes());
        batch.extend_from_slice(&parent.to_le_bytes());
        batch.extend_from_slice(&seq.to_le_bytes());
        batch.extend_from_slice(&action.to_le_bytes());
        batch.extend_from_slice(&(self.scratch.len() as u32).to_le_bytes());
        batch.extend_from_slice(&self.scratch);
        if batch.len() >= BATCH {
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH + BATCH / 4));
            self.send_to(to, full);
        }
    }

    fn send_to(&mut self, to: usize, batch: Vec<u8>) {
        (self.send)(to, batch);
    }

    /// Sends what is left.
    fn flush(&mut self) {
        for to in 0..self.workers {
            let batch = std::mem::take(&mut self.batches[to]);
            if !batch.is_empty() {
                self.send_to(to, batch);
            }
        }
    }
}

fn garbled(what: &str) -> CheckError {
    CheckError::Model(Box::new(ModelError {
        kind: ModelErrorKind::Panic,
        message: format!("checker bug: {what} arrived garbled from another worker"),
        state: None,
        action: None,
        trace: None,
    }))
}

/// A model error with the state it happened on.
fn with_state<S: std::fmt::Debug>(error: CheckError, state: &S) -> CheckError {
    match error {
        CheckError::Model(mut e) if e.state.is_none() => {
            e.state = Some(format!("{state:?}"));
            CheckError::Model(e)
        }
        other => other,
    }
}

impl Failure {
    fn of(error: &CheckError) -> Failure {
        match error {
            CheckError::Model(e) => Failure {
                kind: Some(e.kind as u8),
                message: e.message.clone(),
                state: e.state.clone(),
                action: e.action.clone(),
            },
            other => Failure { kind: None, message: other.to_string(), state: None, action: None },
        }
    }

    fn same(&self, other: &Failure) -> bool {
        (self.kind, &self.message, &self.state, &self.action)
            == (other.kind, &other.message, &other.state, &other.action)
    }

    fn into_error(self) -> CheckError {
        const KINDS: [ModelErrorKind; 5] = [
            ModelErrorKind::Panic,
            ModelErrorKind::Nondeterminism,
            ModelErrorKind::NonIdempotentSymmetry,
            ModelErrorKind::NoInitialStates,
            ModelErrorKind::SymmetryNotRespected,
        ];
        let kind = self.kind.and_then(|k| KINDS.iter().copied().find(|x| *x as u8 == k));
        match kind {
            Some(kind) => CheckError::Model(Box::new(ModelError {
                kind,
                message: self.message,
                state: self.state,
                action: self.action,
                trace: None,
            })),
            None => CheckError::Config(ConfigError::Unsupported { span: Default::default(), message: self.message }),
        }
    }
}

const STOPS: [StopReason; 5] = [
    StopReason::StatesLimit,
    StopReason::DepthLimit,
    StopReason::TimeLimit,
    StopReason::MemoryLimit,
    StopReason::Interrupted,
];

fn put_u64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_text(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        None => put_u64(out, u64::MAX),
        Some(text) => {
            put_u64(out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
    }
}

fn encode_summary(worker: usize, s: &Summary) -> Vec<u8> {
    let mut out = Vec::new();
    for x in [worker as u64, s.new_states, s.generated, s.expanded, s.unexpanded, s.store_bytes] {
        put_u64(&mut out, x);
    }
    let stop = s.stop.and_then(|r| STOPS.iter().position(|x| *x == r)).map_or(u64::MAX, |i| i as u64);
    put_u64(&mut out, stop);
    for &x in s.steps.iter().chain(&s.distinct_steps) {
        put_u64(&mut out, x);
    }
    for found in &s.found {
        match found {
            None => put_u64(&mut out, 0),
            Some(f) => {
                put_u64(&mut out, 1 + u64::from(f.from.is_some()));
                put_u64(&mut out, u64::from(f.depth));
                put_u64(&mut out, f.fp);
                put_u64(&mut out, f.from.unwrap_or(0));
            }
        }
    }
    match &s.error {
        None => put_u64(&mut out, 0),
        Some(e) => {
            put_u64(&mut out, 1 + e.kind.map_or(u64::MAX - 1, u64::from));
            put_text(&mut out, Some(&e.message));
            put_text(&mut out, e.state.as_deref());
            put_text(&mut out, e.action.as_deref());
        }
    }
    out
}

/// Reads little-endian words and texts from a message.
struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn u64(&mut self) -> Option<u64> {
        let x = u64::from_le_bytes(self.bytes.get(self.at..self.at + 8)?.try_into().ok()?);
        self.at += 8;
        Some(x)
    }

    fn text(&mut self) -> Option<Option<String>> {
        let len = self.u64()?;
        if len == u64::MAX {
            return Some(None);
        }
        let end = self.at.checked_add(usize::try_from(len).ok()?)?;
        let text = String::from_utf8(self.bytes.get(self.at..end)?.to_vec()).ok()?;
        self.at = end;
        Some(Some(text))
    }
}

/// Reads what [`encode_summary`] wrote: the sender and its summary.
fn decode_summary(bytes: &[u8], actions: usize, checks: usize) -> Option<(usize, Summary)> {
    let mut r = Reader { bytes, at: 0 };
    let worker = usize::try_from(r.u64()?).ok()?;
    let mut s = Summary {
        new_states: r.u64()?,
        generated: r.u64()?,
        expanded: r.u64()?,
        unexpanded: r.u64()?,
        store_bytes: r.u64()?,
        ..Summary::default()
    };
    let stop = r.u64()?;
    s.stop = if stop == u64::MAX { None } else { Some(*STOPS.get(usize::try_from(stop).ok()?)?) };
    s.steps = (0..actions).map(|_| r.u64()).collect::<Option<_>>()?;
    s.distinct_steps = (0..actions).map(|_| r.u64()).collect::<Option<_>>()?;
    for _ in 0..checks {
        let tag = r.u64()?;
        s.found.push(match tag {
            0 => None,
            1 | 2 => {
                let depth = u32::try_from(r.u64()?).ok()?;
                let fp = r.u64()?;
                let from = r.u64()?;
                Some(Found { depth, fp, from: (tag == 2).then_some(from) })
            }
            _ => return None,
        });
    }
    let error = r.u64()?;
    if error != 0 {
        let kind = error - 1;
        let kind = if kind == u64::MAX - 1 { None } else { Some(u8::try_from(kind).ok()?) };
        let message = r.text()??;
        let state = r.text()?;
        let action = r.text()?;
        s.error = Some(Failure { kind, message, state, action });
    }
    (r.at == bytes.len()).then_some((worker, s))
}

#[cfg(test)]
mod tests;
