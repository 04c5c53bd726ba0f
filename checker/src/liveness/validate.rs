//! An independent check of a replayed lasso against every fairness
//! condition, from the model alone: no graph, no component, no waypoint.
//!
//! The lasso must be a behaviour of the constrained system (its initial state
//! and every step inside the constraints, the cycle closed by a step of
//! `next`), and its cycle, repeated forever, must be fair: for `WF(A)`, `A` is
//! taken on a step of the cycle or disabled at one of its states; for
//! `SF(A)`, taken, or disabled at all of them. `ENABLED A` means that `next`
//! emits a state-changing step of `A`, whether or not the constraints keep it;
//! a cycle of one state stutters, which takes nothing.

use super::{diverged, Graph};
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
        let name = fair.action as usize;
        let of_name = |a: &M::Action| plan.action_index(a) == name;
        // One condition for the action name, or one per instance seen on the cycle.
        let mut instances: Vec<Option<&M::Action>> = Vec::new();
        if fair.per_instance {
            for (a, _) in steps.iter().flatten() {
                if of_name(a) && !instances.contains(&Some(a)) {
                    instances.push(Some(a));
                }
            }
        } else {
            instances.push(None);
        }
        for instance in instances {
            let matches = |a: &M::Action| of_name(a) && instance.is_none_or(|i| i == a);
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
                let label = instance.map_or_else(|| plan.action_names[name].to_string(), |a| model.format_action(a));
                return Some(format!("{prefix}({label}) is not met on the cycle"));
            }
        }
    }
    None
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
