//! An independent check of a replayed lasso against every fairness
//! condition, from the model alone: no graph, no component, no waypoint.
//!
//! The lasso must be a behaviour of the constrained system (its initial state
//! and every step inside the constraints, the cycle closed by a step of
//! `next`), and its cycle, repeated forever, must be fair: for `WF(A)`, `A` is
//! taken on a step of the cycle or disabled at one of its states; for
//! `SF(A)`, taken, or disabled at all of them. `ENABLED A` means that `next`
//! emits a state-changing step of `A`, whether or not the constraints keep it;
//! a cycle of one state stutters, which takes nothing. `A` may be a union of
//! actions (`WF(A \/ B)`: a step of either), and a fairness split per
//! instance or per value of selected parameters is one such condition for
//! each instance or value that `next` emits along the cycle, the values read
//! from `Model::action_parameters`.

use super::{diverged, Graph, Split};
use crate::check::Plan;
use crate::error::CheckError;
use crate::model::{Model, Strength};
use crate::trace::Path;

/// Why the lasso is not a fair behaviour inside the constraints, if it is not.
pub(super) fn unfair<M: Model>(plan: &Plan<'_, M>, path: &Path<M>, loop_start: usize) -> Option<String> {
    let model = plan.model;
    let states: Vec<&M::State> = path.iter().map(|(_, s)| s).collect();
    if !plan.in_constraint(states[0]) {
        return Some("its initial state is outside the constraints".into());
    }
    for (i, (action, to)) in path.iter().enumerate().skip(1) {
        let Some(action) = action else { return Some(format!("state {} has no action", i + 1)) };
        if !(plan.step_allowed(states[i - 1], action, to) && plan.in_constraint(to)) {
            return Some(format!("step {} leaves the constraints", i + 1));
        }
    }
    let cycle = &states[loop_start..];
    // The state-changing steps `next` emits from each state of the cycle.
    let steps: Vec<Vec<(M::Action, M::State)>> = cycle
        .iter()
        .map(|&s| {
            let mut steps = Vec::new();
            model.next(s, &mut steps);
            steps.retain(|(_, to)| to != s);
            steps
        })
        .collect();
    // The cycle's steps, as (from, to) positions in `cycle`, the closing step
    // included; a cycle of one state stutters and has none.
    let transitions: Vec<(usize, usize)> =
        if cycle.len() == 1 { Vec::new() } else { (0..cycle.len()).map(|i| (i, (i + 1) % cycle.len())).collect() };
    let inside = |i: usize, a: &M::Action, to: &M::State| plan.step_allowed(cycle[i], a, to) && plan.in_constraint(to);
    if let Some(&(i, j)) = transitions.last() {
        if !steps[i].iter().any(|(a, to)| to == cycle[j] && inside(i, a, to)) {
            return Some("no step inside the constraints closes the cycle".into());
        }
    }
    for fair in &plan.fairness {
        // The condition a step of `next` belongs to: none if its action is
        // not in the union; else the whole union, its instance, or the
        // values of the selected parameters, read from the model itself.
        let condition_of = |a: &M::Action| -> Option<Result<Key<M::Action>, String>> {
            let index = plan.action_index(a);
            let member = fair.member(index as u32)?;
            Some(match &fair.split {
                Split::Union => Ok(Key::Union),
                Split::Instance => Ok(Key::Instance(a.clone())),
                Split::Names(_) | Split::Positions(_) => {
                    fair.selected(member, plan.action_names[index], &model.action_parameters(a)).map(Key::Values)
                }
            })
        };
        // One condition for the union, or one per instance (or value) seen on the cycle.
        let mut keys: Vec<Key<M::Action>> = Vec::new();
        if fair.split == Split::Union {
            keys.push(Key::Union);
        } else {
            for (a, _) in steps.iter().flatten() {
                match condition_of(a) {
                    None => {}
                    Some(Err(message)) => return Some(message),
                    Some(Ok(key)) if !keys.contains(&key) => keys.push(key),
                    Some(Ok(_)) => {}
                }
            }
        }
        for key in keys {
            let matches = |a: &M::Action| matches!(condition_of(a), Some(Ok(k)) if k == key);
            let enabled: Vec<bool> = steps.iter().map(|steps| steps.iter().any(|(a, _)| matches(a))).collect();
            let taken = transitions
                .iter()
                .any(|&(i, j)| steps[i].iter().any(|(a, to)| to == cycle[j] && matches(a) && inside(i, a, to)));
            let met = taken
                || match fair.strength {
                    Strength::Weak => enabled.contains(&false),
                    Strength::Strong => !enabled.contains(&true),
                };
            if !met {
                let prefix = if fair.strength == Strength::Weak { "WF" } else { "SF" };
                let label = match &key {
                    Key::Union => fair.written(&plan.action_names),
                    Key::Instance(a) => format!("{prefix}({})", model.format_action(a)),
                    Key::Values(values) => {
                        let values: Vec<String> = values.iter().map(|(n, v)| format!("{n} = {v}")).collect();
                        format!("{} for {}", fair.written(&plan.action_names), values.join(", "))
                    }
                };
                return Some(format!("{label} is not met on the cycle"));
            }
        }
    }
    None
}

/// Which condition of a fairness a step belongs to.
#[derive(Clone, Debug)]
enum Key<A> {
    Union,
    Instance(A),
    /// The selected parameters' values (names only label them).
    Values(Vec<(&'static str, crate::value::Value)>),
}

impl<A: PartialEq> PartialEq for Key<A> {
    fn eq(&self, other: &Key<A>) -> bool {
        match (self, other) {
            (Key::Union, Key::Union) => true,
            (Key::Instance(a), Key::Instance(b)) => a == b,
            (Key::Values(a), Key::Values(b)) => a.iter().map(|(_, v)| v).eq(b.iter().map(|(_, v)| v)),
            _ => false,
        }
    }
}

/// The error for a lasso found unfair: a model error if `next` no longer
/// agrees with the graph on what is enabled along the cycle (the model is not
/// deterministic), else a checker bug.
pub(super) fn blame<M: Model>(
    plan: &Plan<'_, M>,
    graph: &Graph<M::State>,
    cycle: &[u32],
    replayed: &[(Option<M::Action>, M::State)],
    failure: &str,
) -> CheckError {
    for (&u, (_, state)) in cycle.iter().zip(replayed) {
        let mut seen: Vec<&str> = graph.enabled(u).map(|l| graph.instance_labels[l as usize].as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        let mut steps = Vec::new();
        plan.model.next(state, &mut steps);
        let mut now: Vec<String> =
            steps.iter().filter(|(_, to)| to != state).map(|(a, _)| plan.model.format_action(a)).collect();
        now.sort_unstable();
        now.dedup();
        if seen != now {
            return diverged(&format!("the replayed lasso is not fair ({failure})"), state);
        }
    }
    panic!("checker bug: the liveness search built an unfair lasso: {failure}")
}
