//! Traces rebuilt from parent fingerprints by replaying `next`, as TLC does:
//! walk the parents back to an initial state, then go forward from `init`,
//! at each step choosing the successor whose fingerprint is the next one on the
//! path. The replay doubles as validation: a step that cannot be found means
//! the model's `next` is not deterministic, and the violation is checked again
//! on the rebuilt final state.

use crate::check::{Found, Plan};
use crate::error::{CheckError, ModelError, ModelErrorKind};
use crate::fingerprint::Fingerprint;
use crate::model::{Model, StepMessages};
use crate::outcome::{CheckKind, Trace, TraceAction, TraceStep};

fn nondeterminism(message: String, state: Option<String>) -> CheckError {
    CheckError::Model(Box::new(ModelError {
        kind: ModelErrorKind::Nondeterminism,
        message: format!(
            "{message}. Replaying the counterexample through the model's init and next did not reproduce \
             what the search saw, so the model is not deterministic. Likely causes: iterating a HashMap or \
             HashSet with a random seed, reading a clock or a random number generator, global or \
             thread-local mutable state, or a Hash implementation that disagrees with Eq."
        ),
        state,
        action: None,
        trace: None,
    }))
}

/// A replay that did not reproduce what the search saw. Under a symmetry the
/// likelier cause is an item or a `next` the symmetry does not respect: the
/// replay may go through other members of the classes the search stored.
fn mismatch<M: Model>(plan: &Plan<'_, M>, message: String, state: Option<String>) -> CheckError {
    let Some(symmetry) = &plan.symmetry else { return nondeterminism(message, state) };
    CheckError::Model(Box::new(ModelError {
        kind: ModelErrorKind::SymmetryNotRespected,
        message: format!(
            "the symmetry {} is not respected: {message}, although the replay went through states the \
             symmetry treats as the ones the search saw. So an item or next tells apart states the symmetry \
             identifies (or the model is not deterministic), and no verdict of this run can be trusted. The \
             symmetry audit (on by default for the first states) compares every item on states and their \
             images; fix the item or the symmetry, or check without SYMMETRY.",
            symmetry.name
        ),
        state,
        action: None,
        trace: None,
    }))
}

/// The typed states and actions of a path, before rendering.
pub(crate) type Path<M> = Vec<(Option<<M as Model>::Action>, <M as Model>::State)>;

/// Rebuilds and validates the trace for a violation or witness of check `index`.
pub(crate) fn rebuild<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    parents: &(dyn Fn(F) -> Option<F> + Send + Sync),
    found: Found<F>,
    index: usize,
) -> Result<Trace, CheckError> {
    let last = found.from.unwrap_or(found.fp);
    // The path to a state at depth d has d states: a longer one is a cycle.
    let chain =
        chain(parents, last, found.depth as usize).expect("checker bug: a state on a trace has no parent entry");
    let mut path = match chain.split_last() {
        // Under a symmetry the last fingerprint names a class, and the search
        // found a member that shows the violation: prefer such a member.
        Some((&last, before)) if found.from.is_none() && !before.is_empty() && plan.symmetry.is_some() => {
            let mut path = replay(plan, before)?;
            let (_, from) = path.last().expect("a replayed path is never empty");
            let from = from.clone();
            let step = step_to(plan, &from, last, true, |a, to| shows(plan, index, &from, a, to))
                .or_else(|| step_to(plan, &from, last, true, |_, _| true));
            let Some(step) = step else {
                return Err(mismatch(
                    plan,
                    format!("from the state below, next no longer produces step {} of the trace", path.len()),
                    Some(format!("{from:?}")),
                ));
            };
            path.push((Some(step.0), step.1));
            path
        }
        _ => replay(plan, &chain)?,
    };
    if found.from.is_some() {
        let (_, from) = path.last().expect("a replayed path is never empty");
        let from = from.clone();
        // The last step is a violating step, or leads to a state that the
        // constraints kept out of the store; either way it may be a step the
        // action constraint forbids.
        let step = step_to(plan, &from, found.fp, false, |action, to| shows(plan, index, &from, action, to));
        let Some((action, to)) = step else {
            return Err(mismatch(
                plan,
                "the last step of the trace was not produced again from its source state".into(),
                Some(format!("{from:?}")),
            ));
        };
        path.push((Some(action), to));
    }
    confirm(plan, &path, index)?;
    Ok(render(plan, &path))
}

/// The fingerprints from an initial state to `last`, walking the parents.
/// `None` if a state on the way has no entry (only `last` may lack one: an
/// initial state outside the constraints is checked but never stored), or if
/// the path would be longer than `length_max` states.
pub(crate) fn chain<F: Fingerprint>(parents: &dyn Fn(F) -> Option<F>, last: F, length_max: usize) -> Option<Vec<F>> {
    let mut chain = vec![last];
    let mut current = last;
    loop {
        match parents(current) {
            None if chain.len() == 1 => break,
            None => return None,
            Some(parent) if parent == F::ROOT => break,
            Some(_) if chain.len() >= length_max => return None,
            Some(parent) => {
                chain.push(parent);
                current = parent;
            }
        }
    }
    if chain.len() > length_max {
        return None;
    }
    chain.reverse();
    Some(chain)
}

/// Replays a fingerprint path from an initial state.
pub(crate) fn replay<M: Model, F: Fingerprint>(plan: &Plan<'_, M>, chain: &[F]) -> Result<Path<M>, CheckError> {
    let mut inits = Vec::new();
    plan.model.init(&mut inits);
    let Some(first) = inits.into_iter().find(|s| plan.fingerprint::<F>(s) == chain[0]) else {
        return Err(nondeterminism("the initial state of the trace is no longer produced by init".into(), None));
    };
    let mut path: Path<M> = vec![(None, first)];
    for &fp in &chain[1..] {
        let (_, from) = path.last().expect("a replayed path is never empty");
        let Some(step) = step_to(plan, from, fp, true, |_, _| true) else {
            return Err(mismatch(
                plan,
                format!("from the state below, next no longer produces step {} of the trace", path.len()),
                Some(format!("{from:?}")),
            ));
        };
        path.push((Some(step.0), step.1));
    }
    Ok(path)
}

/// Whether the step `from -a-> to` shows check `index` (violates it, or
/// witnesses a `Sometimes`).
fn shows<M: Model>(plan: &Plan<'_, M>, index: usize, from: &M::State, a: &M::Action, to: &M::State) -> bool {
    plan.step_invariants.iter().any(|(i, p)| *i == index && !p(plan.model, from, a, to))
        || plan.state_invariants.iter().any(|(i, p)| *i == index && !p(plan.model, to))
        || plan.sometimes.iter().any(|(i, p)| *i == index && p(plan.model, to))
}

/// The successor of `from` with fingerprint `fp` that satisfies `extra` (and,
/// if `stored`, the constraints), chosen deterministically: smallest action
/// index, then smallest label.
fn step_to<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    from: &M::State,
    fp: F,
    stored: bool,
    extra: impl Fn(&M::Action, &M::State) -> bool,
) -> Option<(M::Action, M::State)> {
    let mut steps = Vec::new();
    plan.model.next(from, &mut steps);
    steps
        .into_iter()
        .filter(|(a, to)| {
            plan.fingerprint::<F>(to) == fp
                && (!stored || (plan.step_allowed(from, a, to) && plan.in_constraint(to)))
                && extra(a, to)
        })
        .min_by_cached_key(|(a, _)| (plan.action_index(a), plan.model.format_action(a)))
}

trait MinByCachedKey: Iterator + Sized {
    fn min_by_cached_key<K: Ord>(self, key: impl Fn(&Self::Item) -> K) -> Option<Self::Item> {
        self.map(|item| (key(&item), item)).min_by(|a, b| a.0.cmp(&b.0)).map(|(_, item)| item)
    }
}
impl<I: Iterator> MinByCachedKey for I {}

/// Checks the violation (or witness) again on the rebuilt path.
pub(crate) fn confirm<M: Model>(plan: &Plan<'_, M>, path: &Path<M>, index: usize) -> Result<(), CheckError> {
    let (_, last) = path.last().expect("a replayed path is never empty");
    let (name, kind) = &plan.checks[index];
    let holds = match kind {
        CheckKind::Deadlock => {
            let mut steps = Vec::new();
            plan.model.next(last, &mut steps);
            steps.is_empty()
        }
        CheckKind::Invariant => plan.state_invariants.iter().any(|(i, p)| *i == index && !p(plan.model, last)),
        CheckKind::Sometimes => plan.sometimes.iter().any(|(i, p)| *i == index && p(plan.model, last)),
        CheckKind::StepInvariant => {
            let (action, to) = path.last().expect("a replayed path is never empty");
            let (_, from) = &path[path.len() - 2];
            let action = action.as_ref().expect("a step has an action");
            plan.step_invariants.iter().any(|(i, p)| *i == index && !p(plan.model, from, action, to))
        }
        CheckKind::Liveness => true,
    };
    if holds {
        return Ok(());
    }
    Err(mismatch(
        plan,
        format!("the replayed trace does not end in a state that shows {name} as the search found it"),
        Some(format!("{last:?}")),
    ))
}

/// Renders a typed path as plain data.
pub(crate) fn render<M: Model>(plan: &Plan<'_, M>, path: &Path<M>) -> Trace {
    Trace {
        steps: path
            .iter()
            .enumerate()
            .map(|(i, (action, state))| TraceStep {
                action: action
                    .as_ref()
                    .map(|a| TraceAction { name: plan.model.action_name(a), label: plan.model.format_action(a) }),
                state: plan.model.variables(state),
                parameters: action.as_ref().map(|a| plan.model.action_parameters(a)).unwrap_or_default(),
                nodes: plan.model.nodes(state),
                messages: match (i.checked_sub(1), action) {
                    (Some(before), Some(a)) => plan.model.step_messages(&path[before].1, a, state),
                    _ => StepMessages::default(),
                },
            })
            .collect(),
    }
}

/// Validates a path that a strategy built itself (simulation): every state
/// must be an initial state or a successor of the one before, then the
/// violation is confirmed on the last state.
pub(crate) fn validate<M: Model>(plan: &Plan<'_, M>, path: &Path<M>, index: usize) -> Result<(), CheckError> {
    let mut inits = Vec::new();
    plan.model.init(&mut inits);
    if !inits.contains(&path[0].1) {
        return Err(nondeterminism("the walk's first state is no longer produced by init".into(), None));
    }
    for pair in path.windows(2) {
        let (_, from) = &pair[0];
        let (action, to) = &pair[1];
        let mut steps = Vec::new();
        plan.model.next(from, &mut steps);
        if !steps.iter().any(|(a, s)| Some(a) == action.as_ref() && s == to) {
            return Err(nondeterminism(
                "from the state below, next no longer produces the walk's next step".into(),
                Some(format!("{from:?}")),
            ));
        }
    }
    confirm(plan, path, index)
}
