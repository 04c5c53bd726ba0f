//! Depth-first search on one thread, with an explicit stack (no recursion).
//!
//! A state's new successors are inserted when it is expanded and pushed on
//! the stack; the parent of a state is the state that first reached it. The
//! search is complete, but counterexamples are not shortest, and its order
//! follows the order in which `next` emits steps.

use crate::check::{catch_model_panic, Explored, Found, Plan, Progress};
use crate::config::CheckConfig;
use crate::error::CheckError;
use crate::fingerprint::Fingerprint;
use crate::limits::Watch;
use crate::model::Model;
use crate::outcome::StopReason;
use crate::store::Store;

/// Progress is reported once per this many expansions.
const TICK: u64 = 1 << 12;

pub(crate) fn explore<M: Model, F: Fingerprint, S: Store<F> + 'static>(
    plan: &Plan<'_, M>,
    config: &CheckConfig,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<Explored<F>, CheckError> {
    catch_model_panic(|| Dfs::<M, F, S>::new(plan, config).run(progress))?
}

struct Dfs<'a, 'm, M: Model, F: Fingerprint, S: Store<F>> {
    plan: &'a Plan<'m, M>,
    config: &'a CheckConfig,
    store: S,
    distinct: u64,
    generated: u64,
    depth: u32,
    found: Vec<Option<Found<F>>>,
    coverage: Vec<(u64, u64)>,
    stopped: Option<StopReason>,
}

impl<'a, 'm, M: Model, F: Fingerprint, S: Store<F> + 'static> Dfs<'a, 'm, M, F, S> {
    fn new(plan: &'a Plan<'m, M>, config: &'a CheckConfig) -> Self {
        Dfs {
            plan,
            config,
            store: S::with_capacity(1 << 12),
            distinct: 0,
            generated: 0,
            depth: 0,
            found: vec![None; plan.checks.len()],
            coverage: vec![(0, 0); plan.action_names.len()],
            stopped: None,
        }
    }

    fn record(&mut self, index: usize, found: Found<F>) {
        self.found[index].get_or_insert(found);
        let witness = self.plan.sometimes.iter().any(|(i, _)| *i == index);
        if !witness && !self.config.continue_after_violation {
            self.stopped.get_or_insert(StopReason::StoppedAtViolation);
        }
    }

    /// Inserts a state; on first sight checks it and returns true. When the
    /// store must grow and the memory limit leaves no room for it, stops the
    /// run instead and returns false.
    fn discover(&mut self, state: &M::State, fp: F, parent: F, depth: u32) -> Result<bool, CheckError> {
        let growth = self.store.growth_bytes(self.distinct, 1);
        if growth > 0 && !self.config.limits.room_for(|| self.store.bytes(), growth) {
            self.stopped.get_or_insert(StopReason::MemoryLimit);
            return Ok(false);
        }
        self.store.reserve(self.distinct, 1);
        if !self.store.insert_sealed(fp, parent).expect("checker bug: the table is full after reserving room") {
            return Ok(false);
        }
        self.distinct += 1;
        self.depth = self.depth.max(depth);
        self.plan.check_canonical(state)?;
        self.check(state, Found { depth, fp, from: None });
        Ok(true)
    }

    /// Checks a state against the state invariants and witnesses.
    fn check(&mut self, state: &M::State, found: Found<F>) {
        let plan = self.plan;
        for &(index, p) in &plan.state_invariants {
            if !p(plan.model, state) {
                self.record(index, found);
            }
        }
        for &(index, p) in &plan.sometimes {
            if p(plan.model, state) && self.found[index].is_none() {
                self.record(index, found);
            }
        }
    }

    fn run(mut self, progress: &(dyn Fn(&Progress) + Sync)) -> Result<Explored<F>, CheckError> {
        let plan = self.plan;
        let mut inits = Vec::new();
        plan.model.init(&mut inits);
        self.generated = inits.len() as u64;
        let mut stack: Vec<(M::State, F, u32)> = Vec::new();
        for state in inits.into_iter().rev() {
            plan.check_canonical(&state)?;
            plan.audit_initial(&state)?;
            let fp = plan.fingerprint::<F>(&state);
            if !plan.in_constraint(&state) {
                self.check(&state, Found { depth: 1, fp, from: None });
            } else if self.discover(&state, fp, F::ROOT, 1)? {
                stack.push((state, fp, 1));
            }
        }
        let initial_states = self.distinct;
        let limits = &self.config.limits;
        let mut steps = Vec::new();
        let mut expanded = 0u64;
        let mut watch = Watch::default();
        while let Some((state, fp, depth)) = stack.pop() {
            if self.stopped.is_none() {
                let store = &self.store;
                let own = || store.bytes() + (stack.len() * std::mem::size_of::<(M::State, F, u32)>()) as u64;
                self.stopped = watch.step(limits, own);
            }
            if self.stopped.is_some() {
                stack.push((state, fp, depth));
                break;
            }
            if depth >= limits.depth_max {
                self.stopped = Some(StopReason::DepthLimit);
                stack.push((state, fp, depth));
                break;
            }
            expanded += 1;
            if expanded.is_multiple_of(TICK) {
                progress(&Progress {
                    distinct_states: self.distinct,
                    generated_states: self.generated,
                    queue_states: stack.len() as u64,
                    depth: self.depth,
                });
            }
            plan.model.next(&state, &mut steps);
            self.generated += steps.len() as u64;
            plan.audit_symmetry(expanded - 1, &state, &steps)?;
            if steps.is_empty() {
                if let Some(index) = plan.deadlock {
                    self.record(index, Found { depth, fp, from: None });
                }
            }
            // Push in reverse so the first emitted step is explored first.
            for (action, successor) in steps.drain(..).rev() {
                let action_index = plan.action_index(&action);
                self.coverage[action_index].0 += 1;
                let successor_fp = plan.fingerprint::<F>(&successor);
                for &(index, p) in &plan.step_invariants {
                    if !p(plan.model, &state, &action, &successor) && self.found[index].is_none() {
                        self.record(index, Found { depth: depth + 1, fp: successor_fp, from: Some(fp) });
                    }
                }
                if !(plan.step_allowed(&state, &action, &successor) && plan.in_constraint(&successor)) {
                    // Outside the constraints: checked, never stored (as TLC does).
                    self.check(&successor, Found { depth: depth + 1, fp: successor_fp, from: Some(fp) });
                } else if self.discover(&successor, successor_fp, fp, depth + 1)? {
                    self.coverage[action_index].1 += 1;
                    stack.push((successor, successor_fp, depth + 1));
                }
            }
            if self.distinct >= limits.states_max && self.stopped.is_none() && !stack.is_empty() {
                self.stopped = Some(StopReason::StatesLimit);
            }
        }
        let store = self.store;
        Ok(Explored {
            initial_states,
            generated_states: self.generated,
            distinct_states: self.distinct,
            depth: self.depth,
            queue_states: stack.len() as u64,
            store_bytes: store.bytes(),
            walks: 0,
            traces: vec![None; self.found.len()],
            found: self.found,
            coverage: self.coverage,
            stopped: self.stopped,
            parents: Box::new(move |fp| store.parent(fp)),
        })
    }
}
