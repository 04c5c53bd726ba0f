//! Random simulation: seeded random walks from the initial states, each at
//! most `depth_max` states long. It finds bugs in spaces too large to
//! exhaust, but never proves anything: items it does not violate are
//! reported as unknown.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::check::{catch_model_panic, Explored, Found, Plan};
use crate::config::CheckConfig;
use crate::error::CheckError;
use crate::fingerprint::Fingerprint;
use crate::limits::Watch;
use crate::model::Model;
use crate::outcome::{StopReason, Trace};
use crate::store::Store;
use crate::trace::{self, Path};

pub(crate) fn explore<M: Model, F: Fingerprint, S: Store<F> + 'static>(
    plan: &Plan<'_, M>,
    config: &CheckConfig,
) -> Result<Explored<F>, CheckError> {
    catch_model_panic(|| simulate::<M, F, S>(plan, config))?
}

fn simulate<M: Model, F: Fingerprint, S: Store<F> + 'static>(
    plan: &Plan<'_, M>,
    config: &CheckConfig,
) -> Result<Explored<F>, CheckError> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut store = S::with_capacity(1 << 12);
    let mut inits = Vec::new();
    plan.model.init(&mut inits);
    let mut generated = inits.len() as u64;
    let mut distinct = 0u64;
    let mut initial_states = 0u64;
    for state in &inits {
        plan.check_canonical(state)?;
        plan.audit_initial(state)?;
        store.reserve(distinct, 1);
        if store
            .insert_sealed(plan.fingerprint::<F>(state), F::ROOT)
            .expect("checker bug: the table is full after reserving room")
        {
            distinct += 1;
            initial_states += 1;
        }
    }
    let checks = plan.checks.len();
    let mut found: Vec<Option<Found<F>>> = vec![None; checks];
    let mut traces: Vec<Option<Trace>> = vec![None; checks];
    let mut coverage = vec![(0u64, 0u64); plan.action_names.len()];
    let mut depth = 0u32;
    let mut stopped = None;
    let mut steps = Vec::new();
    // States expanded so far, for the symmetry audit (walks revisit states,
    // and every expansion counts).
    let mut expanded = 0u64;
    let limits = &config.limits;
    let mut watch = Watch::default();
    let mut walks = 0u64;
    'walks: for _ in 0..config.simulation_traces {
        if inits.is_empty() {
            break;
        }
        walks += 1;
        let first = inits[rng.gen_range(0..inits.len())].clone();
        let mut path: Path<M> = vec![(None, first)];
        loop {
            // Every step of a walk, which may be endless, looks at the limits.
            let own = || store.bytes() + (path.len() * std::mem::size_of::<(Option<M::Action>, M::State)>()) as u64;
            if let Some(reason) = watch.step(limits, own) {
                stopped = Some(reason);
                break 'walks;
            }
            let (_, state) = path.last().expect("a walk is never empty");
            let walk_depth = path.len() as u32;
            depth = depth.max(walk_depth);
            // Check the state that was just reached.
            let mut violated = Vec::new();
            for &(index, p) in &plan.state_invariants {
                if !p(plan.model, state) {
                    violated.push(index);
                }
            }
            for &(index, p) in &plan.sometimes {
                if p(plan.model, state) && found[index].is_none() {
                    violated.push(index);
                }
            }
            if walk_depth >= limits.depth_max || !plan.in_constraint(state) {
                record(plan, &path, &violated, &mut found, &mut traces)?;
                break;
            }
            plan.model.next(state, &mut steps);
            generated += steps.len() as u64;
            plan.audit_symmetry(expanded, state, &steps)?;
            expanded += 1;
            if steps.is_empty() {
                violated.extend(plan.deadlock);
            }
            let state = state.clone();
            record(plan, &path, &violated, &mut found, &mut traces)?;
            // As in the searches (TLC's semantics): a step the action
            // constraints forbid is never taken, but its target is checked
            // against the invariants and the step against the step invariants.
            let forbidden: Vec<_> = steps.extract_if(.., |(a, s)| !plan.step_allowed(&state, a, s)).collect();
            for (action, target) in forbidden {
                let checks = unstored_violations(plan, &state, &action, &target, &found);
                if !checks.is_empty() {
                    path.push((Some(action), target));
                    record(plan, &path, &checks, &mut found, &mut traces)?;
                    path.pop();
                    violated.extend(checks);
                }
            }
            if violated.iter().any(|i| !plan.sometimes.iter().any(|(s, _)| s == i)) && !config.continue_after_violation
            {
                break 'walks;
            }
            if steps.is_empty() {
                break;
            }
            let (action, successor) = steps.swap_remove(rng.gen_range(0..steps.len()));
            steps.clear();
            let action_index = plan.action_index(&action);
            coverage[action_index].0 += 1;
            let fp = plan.fingerprint::<F>(&successor);
            let growth = store.growth_bytes(distinct, 1);
            if growth > 0 && !limits.room_for(|| store.bytes(), growth) {
                stopped = Some(StopReason::MemoryLimit);
                break 'walks;
            }
            store.reserve(distinct, 1);
            if store.insert_sealed(fp, F::ROOT).expect("checker bug: the table is full after reserving room") {
                plan.check_canonical(&successor)?;
                distinct += 1;
                coverage[action_index].1 += 1;
            }
            let step_violations: Vec<usize> = plan
                .step_invariants
                .iter()
                .filter(|(_, p)| !p(plan.model, &state, &action, &successor))
                .map(|(i, _)| *i)
                .collect();
            path.push((Some(action), successor));
            if !step_violations.is_empty() {
                record(plan, &path, &step_violations, &mut found, &mut traces)?;
                if !config.continue_after_violation {
                    break 'walks;
                }
            }
            if distinct >= limits.states_max {
                stopped = Some(StopReason::StatesLimit);
                break 'walks;
            }
        }
    }
    Ok(Explored {
        initial_states,
        generated_states: generated,
        distinct_states: distinct,
        depth,
        queue_states: 0,
        store_bytes: store.bytes(),
        walks,
        found,
        traces,
        coverage,
        stopped: Some(stopped.unwrap_or(StopReason::Simulation)),
        parents: Box::new(|_| None),
    })
}

/// The checks that a step outside the action constraints violates (or
/// witnesses, for `Sometimes`): its target against the state invariants, the
/// step against the step invariants.
fn unstored_violations<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    from: &M::State,
    action: &M::Action,
    to: &M::State,
    found: &[Option<Found<F>>],
) -> Vec<usize> {
    let state = plan.state_invariants.iter().filter(|(_, p)| !p(plan.model, to));
    let sometimes = plan.sometimes.iter().filter(|(i, p)| found[*i].is_none() && p(plan.model, to));
    let step = plan.step_invariants.iter().filter(|(_, p)| !p(plan.model, from, action, to));
    state.map(|(i, _)| *i).chain(sometimes.map(|(i, _)| *i)).chain(step.map(|(i, _)| *i)).collect()
}

/// Keeps the first trace for each newly violated (or witnessed) check.
fn record<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    path: &Path<M>,
    indices: &[usize],
    found: &mut [Option<Found<F>>],
    traces: &mut [Option<Trace>],
) -> Result<(), CheckError> {
    for &index in indices {
        if found[index].is_some() {
            continue;
        }
        trace::validate(plan, path, index)?;
        let (_, last) = path.last().expect("a walk is never empty");
        found[index] = Some(Found { depth: path.len() as u32, fp: plan.fingerprint::<F>(last), from: None });
        traces[index] = Some(trace::render(plan, path));
    }
    Ok(())
}
