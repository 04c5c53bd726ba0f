//! The test oracle: a naive breadth-first explorer, small enough to be obviously
//! correct, that the engine's counts and counterexamples are compared against.
//!
//! It runs on one thread and keys a `HashMap` on whole states (canonical states
//! under a symmetry), with no fingerprints, so no collision can hide a state.
//! `nodes` holds every stored state in the order found, which is BFS order, so
//! it doubles as the queue, and each node's parent index rebuilds its trace.
//!
//! It follows TLC's rules (`tlc2.tool.ModelChecker.doNext`, where a successor
//! is `inModel` iff it satisfies the state constraints and the step the action
//! constraints):
//! - *generated* counts the initial states plus every step `next` emits,
//!   duplicates and stuttering steps included; *depth* counts initial states as 1;
//! - a state outside a state constraint, or reached by a step outside an action
//!   constraint, is checked against the state invariants (every time it is
//!   generated) but neither stored nor expanded, so it is not among the
//!   distinct states and adds no depth (unless another step stores it);
//! - state invariants are checked on each new state, in the order given, then
//!   step invariants on every step `next` emits (TLC's implied actions), taken
//!   or not, new target or not; the first violation in BFS order ends the
//!   search, so the counts are partial when it is set;
//! - a deadlock is an expanded state from which `next` emits nothing, whatever
//!   the constraints would keep; the first one is recorded and the search goes on.
//!
//! This one file is compiled into the `tests` crate, and, through `#[path]`,
//! into the unit tests of `models` (as `naive`) and `stateright-adapter`.

use std::collections::HashMap;

use checker::spec::{ConstraintKind, InvariantKind, Model, SymmetryKind};

/// The most states the oracle stores before it gives up: it is for small models.
pub const STATES_MAX: usize = 20_000_000;

/// What a search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explored<S> {
    /// Distinct states stored (canonical states under a symmetry).
    pub distinct: u64,
    /// Initial states plus every step `next` emitted, as TLC counts them.
    pub generated: u64,
    /// The depth of the deepest stored state; initial states are at depth 1.
    pub depth: u32,
    /// The first invariant violated and its shortest trace, initial state first.
    pub violation: Option<(&'static str, Vec<S>)>,
    /// The trace to the first deadlocked state found.
    pub deadlock: Option<Vec<S>>,
    /// Every stored state, in the order found (BFS order).
    pub states: Vec<S>,
}

/// A stored state, the index of its parent in `nodes`, and its depth.
type Node<S> = (S, Option<usize>, u32);

/// The states from an initial state to `nodes[at]`, then `last`.
fn trace<S: Clone>(nodes: &[Node<S>], mut at: Option<usize>, last: Option<S>) -> Vec<S> {
    let mut states: Vec<S> = last.into_iter().collect();
    while let Some(i) = at {
        states.push(nodes[i].0.clone());
        at = nodes[i].1;
    }
    states.reverse();
    states
}

/// The item called `name`; the oracle serves tests, so an unknown name panics.
fn pick<'a, T>(items: &'a [T], name: &str, name_of: fn(&T) -> &'static str) -> &'a T {
    items.iter().find(|item| name_of(item) == name).unwrap_or_else(|| panic!("the model declares no {name}"))
}

/// Explores `model` breadth-first, checking the named invariants (state and
/// step), honouring the named state and action constraints, and keying states
/// by the named symmetry's canonical form. Panics on an unknown name.
pub fn explore<M: Model>(
    model: &M,
    invariants: &[&str],
    constraints: &[&str],
    symmetry: Option<&str>,
) -> Explored<M::State> {
    let (declared_invariants, declared_constraints, symmetries) =
        (model.invariants(), model.constraints(), model.symmetries());
    let invariants: Vec<_> = invariants.iter().map(|name| pick(&declared_invariants, name, |i| i.name)).collect();
    let constraints: Vec<_> = constraints.iter().map(|name| pick(&declared_constraints, name, |c| c.name)).collect();
    let symmetry = symmetry.map(|name| &pick(&symmetries, name, |s| s.name).kind);
    // A permutation symmetry's key is the least of the state's images under
    // every permutation of the group, each built by the model's `apply`.
    let group = match symmetry {
        Some(SymmetryKind::Permutations(p)) => p.group(model).expect("the oracle's symmetries are small"),
        _ => Vec::new(),
    };
    let canonical = |state: &M::State| -> M::State {
        match symmetry {
            None => state.clone(),
            Some(SymmetryKind::Canonicalizer(c)) => c(model, state),
            Some(SymmetryKind::Permutations(p)) => group
                .iter()
                .map(|g| (p.apply)(model, state, g))
                .min_by(|a, b| (p.order)(a, b))
                .expect("a group holds the identity"),
        }
    };

    let in_constraints = |s: &M::State| {
        constraints.iter().all(|c| match c.kind {
            ConstraintKind::State(p) => p(model, s),
            ConstraintKind::Action(_) => true,
        })
    };
    let in_action_constraints = |from: &M::State, a: &M::Action, to: &M::State| {
        constraints.iter().all(|c| match c.kind {
            ConstraintKind::State(_) => true,
            ConstraintKind::Action(p) => p(model, from, a, to),
        })
    };
    let broken_state_invariant = |s: &M::State| {
        invariants.iter().find(|i| matches!(i.kind, InvariantKind::State(p) if !p(model, s))).map(|i| i.name)
    };
    let broken_step_invariant = |from: &M::State, a: &M::Action, to: &M::State| {
        invariants.iter().find(|i| matches!(i.kind, InvariantKind::Step(p) if !p(model, from, a, to))).map(|i| i.name)
    };

    let mut nodes: Vec<Node<M::State>> = Vec::new();
    let mut seen: HashMap<M::State, usize> = HashMap::new();
    let mut generated = 0u64;
    let mut deadlock = None;
    let done = |nodes: Vec<Node<M::State>>, generated, deadlock, violation| Explored {
        distinct: nodes.len() as u64,
        generated,
        depth: nodes.last().map_or(0, |n| n.2),
        violation,
        deadlock,
        states: nodes.into_iter().map(|n| n.0).collect(),
    };

    // Offers a state found from `parent` (None for an initial state) by a step
    // the action constraints `allow`: stores it if it is new and inside the
    // constraints, and checks it if it is not seen.
    let offer = |nodes: &mut Vec<Node<M::State>>,
                 seen: &mut HashMap<M::State, usize>,
                 state: M::State,
                 parent: Option<usize>,
                 allowed: bool| {
        if allowed && in_constraints(&state) {
            let key = canonical(&state);
            if seen.contains_key(&key) {
                return None;
            }
            assert!(nodes.len() < STATES_MAX, "the reference explorer stores at most {STATES_MAX} states");
            seen.insert(key, nodes.len());
            let depth = parent.map_or(1, |p| nodes[p].2 + 1);
            nodes.push((state.clone(), parent, depth));
        }
        broken_state_invariant(&state).map(|name| (name, trace(nodes, parent, Some(state))))
    };

    let mut initial = Vec::new();
    model.init(&mut initial);
    for state in initial {
        generated += 1;
        if let Some(violation) = offer(&mut nodes, &mut seen, state, None, true) {
            return done(nodes, generated, deadlock, Some(violation));
        }
    }
    let mut steps = Vec::new();
    let mut at = 0;
    while at < nodes.len() {
        let from = nodes[at].0.clone();
        steps.clear();
        model.next(&from, &mut steps);
        generated += steps.len() as u64;
        if steps.is_empty() && deadlock.is_none() {
            deadlock = Some(trace(&nodes, Some(at), None));
        }
        for (action, to) in steps.drain(..) {
            let allowed = in_action_constraints(&from, &action, &to);
            let broken_step = broken_step_invariant(&from, &action, &to);
            if let Some(violation) = offer(&mut nodes, &mut seen, to.clone(), Some(at), allowed) {
                return done(nodes, generated, deadlock, Some(violation));
            }
            if let Some(name) = broken_step {
                let violation = (name, trace(&nodes, Some(at), Some(to)));
                return done(nodes, generated, deadlock, Some(violation));
            }
        }
        at += 1;
    }
    done(nodes, generated, deadlock, None)
}
