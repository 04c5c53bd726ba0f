//! Liveness: temporal properties under weak and strong fairness, with lasso
//! counterexamples.
//!
//! After the safety search, [`graph::build`] builds the behaviour graph. Each
//! property is reduced to one question: *is there a fair cycle inside a set of
//! allowed states, reachable from a set of sources?*
//!
//! | property | allowed states | sources (reached by any path unless said) | the cycle must visit |
//! |---|---|---|---|
//! | `<>P` | `~P` | initial `~P` states, then only `~P` states | |
//! | `[]<>P` | `~P` | any | |
//! | `<>[]P` | all | any | a `~P` state |
//! | `P ~> Q` | `~Q` | `P /\ ~Q` states | |
//!
//! A `[]S` conjunct of a spec's formula is no such question: as in TLC, it is
//! a safety check, whatever the fairness, on every state the search checks
//! invariants on (the graph's states, and the states generated outside the
//! constraints); a violation is a finite trace.
//!
//! # Constraints
//!
//! As in TLC, behaviours are those of the graph inside the constraints
//! (`CONSTRAINT`, `ACTION_CONSTRAINT`), and every state may stutter forever,
//! including one with a step that leaves the constraints. `ENABLED` and
//! fairness see every step of `next`, including those that leave: such a step
//! enables its action at its source, but is never taken inside the graph. So
//! a state whose `WF(A)` step leaves the constraints has no fair behaviour
//! that stays there. When the constraints leave no fair behaviour at all, the
//! verdict is [`StopReason::Vacuous`] rather than a pass.
//!
//! # Fairness
//!
//! Fair cycles are found per strongly connected component: a component has a
//! cycle that satisfies `WF(A)` iff it has an internal `A` step or a state where
//! `A` is disabled; `SF(A)` iff it has an internal `A` step or no state where `A`
//! is enabled, and otherwise the states enabling `A` are removed and the rest
//! is decomposed again (the Streett refinement). Here `A` is a set of action
//! instances: all those of one action or of a union of actions (`WF(A \/ B)`),
//! one instance (`\A p : WF(A(p))`), or those whose selected parameters have
//! one value (`\A i : WF(\E m : A(i, m))`), one condition per instance or
//! value. Stuttering never takes or enables an action. The lasso's cycle is built through one waypoint per
//! fairness condition, so it satisfies each by construction; the whole lasso
//! is then replayed through `next`, checked against the property again, and
//! checked against every fairness condition by [`validate`], which sees only
//! the model (no graph).

pub(crate) mod graph;
mod scc;
#[cfg(test)]
mod tests;
mod validate;

use std::collections::VecDeque;

use crate::check::Plan;
use crate::config::{Limits, Span};
use crate::error::ConfigError;
use crate::error::{CheckError, ModelError, ModelErrorKind};
use crate::fingerprint::Fingerprint;
use crate::limits::Watch;
use crate::model::{Model, Strength};
use crate::outcome::{Counterexample, Lasso, StopReason, Verdict};
use crate::trace::{self, Path};
use crate::value::Value;
use graph::Graph;

const NONE: u32 = u32::MAX;

/// A temporal property over state expressions.
#[derive(Clone, Debug)]
pub(crate) enum Temporal {
    /// `[]S`: a safety check on every state the search reaches.
    Always(Expr),
    Eventually(Expr),
    AlwaysEventually(Expr),
    EventuallyAlways(Expr),
    LeadsTo(Expr, Expr),
}

/// A state expression: predicates (by index into `Plan::predicates`),
/// constants, connectives and `ENABLED A` (by action-name index).
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Predicate(usize),
    Const(bool),
    Enabled(u32),
    Not(Box<Expr>),
    /// Flat, as [`crate::config::Formula::And`] is: the depth of an
    /// expression is bounded by the nesting its formula's parser allows.
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// On a graph node: predicates from their bits, `ENABLED` from the edges.
    fn on_node<S>(&self, graph: &Graph<S>, u: u32) -> bool {
        match self {
            Expr::Predicate(i) => graph.bit(u, *i),
            Expr::Const(b) => *b,
            Expr::Enabled(a) => graph.enabled(u).any(|label| graph.instance_names[label as usize] == *a),
            Expr::Not(e) => !e.on_node(graph, u),
            Expr::And(items) => items.iter().all(|e| e.on_node(graph, u)),
            Expr::Or(items) => items.iter().any(|e| e.on_node(graph, u)),
        }
    }

    /// On a state, from the model itself (to check a replayed lasso).
    fn on_state<M: Model>(&self, plan: &Plan<'_, M>, s: &M::State) -> bool {
        match self {
            Expr::Predicate(i) => plan.predicates[*i](plan.model, s),
            Expr::Const(b) => *b,
            Expr::Enabled(a) => {
                let mut steps = Vec::new();
                plan.model.next(s, &mut steps);
                steps.iter().any(|(action, to)| plan.action_index(action) as u32 == *a && to != s)
            }
            Expr::Not(e) => !e.on_state(plan, s),
            Expr::And(items) => items.iter().all(|e| e.on_state(plan, s)),
            Expr::Or(items) => items.iter().any(|e| e.on_state(plan, s)),
        }
    }

    fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }
}

/// A fairness condition resolved against the model's action names.
#[derive(Clone, Debug)]
pub(crate) struct Fair {
    pub strength: Strength,
    /// The action-name indices of the union (one for `WF(A)`).
    pub actions: Vec<u32>,
    /// How the steps are split into conditions.
    pub split: Split,
    /// Where a check spec writes each action of the union; empty for the
    /// model's own conditions.
    pub spans: Vec<Span>,
}

/// How the steps of a fairness condition's actions are split into conditions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// One condition on all of them (`WF(A \/ B)`).
    Union,
    /// One per action instance (`\A p : WF(A(p))`).
    Instance,
    /// One per value of the named parameters (the model's `Fairness::per`).
    Names(Vec<&'static str>),
    /// One per value of the `\A`-bound arguments, for each action of the
    /// union: how many arguments it takes and where the bound ones are.
    Positions(Vec<(usize, Vec<usize>)>),
}

impl Fair {
    /// The same condition, wherever it is written.
    pub fn same(&self, other: &Fair) -> bool {
        self.strength == other.strength && self.actions == other.actions && self.split == other.split
    }

    /// Which action of the union an action-name index is, if any.
    pub fn member(&self, action: u32) -> Option<usize> {
        self.actions.iter().position(|&a| a == action)
    }

    /// `WF(A \/ B)`, without the split.
    pub fn written(&self, action_names: &[&'static str]) -> String {
        let prefix = if self.strength == Strength::Weak { "WF" } else { "SF" };
        let union: Vec<&str> = self.actions.iter().map(|&a| action_names[a as usize]).collect();
        format!("{prefix}({})", union.join(" \\/ "))
    }

    /// For a split by parameters: the selected parameters of a step of the
    /// union's action `member`, whose parameters are `parameters`, by name.
    pub fn selected(
        &self,
        member: usize,
        name: &str,
        parameters: &[(&'static str, Value)],
    ) -> Result<Vec<(&'static str, Value)>, String> {
        let names = || {
            let names: Vec<&str> = parameters.iter().map(|(n, _)| *n).collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        match &self.split {
            Split::Union | Split::Instance => Ok(Vec::new()),
            Split::Names(wanted) => wanted
                .iter()
                .map(|w| {
                    parameters.iter().find(|(n, _)| n == w).cloned().ok_or_else(|| {
                        format!(
                            "action {name} has no parameter `{w}` (its parameters, from action_parameters: {})",
                            names()
                        )
                    })
                })
                .collect(),
            Split::Positions(arguments) => {
                let (count, selected) = &arguments[member];
                if parameters.len() != *count {
                    return Err(format!(
                        "{name} is applied to {count} argument{} here, but its steps have {} parameter{} ({})",
                        if *count == 1 { "" } else { "s" },
                        parameters.len(),
                        if parameters.len() == 1 { "" } else { "s" },
                        names()
                    ));
                }
                Ok(selected.iter().map(|&i| parameters[i].clone()).collect())
            }
        }
    }

    /// A split-by-parameters error about action `member` of the union, as a
    /// configuration error where the spec writes it (the model's own
    /// conditions have no place).
    pub fn error(&self, action_names: &[&'static str], member: usize, message: String) -> ConfigError {
        match self.spans.get(member) {
            Some(&span) => ConfigError::Unsupported {
                span,
                message: format!("fairness {}: {message}", self.written(action_names)),
            },
            None => ConfigError::Unsupported {
                span: Span::default(),
                message: format!("the model's fairness {}: {message}", self.written(action_names)),
            },
        }
    }
}

/// The selected parameters of a step, by name.
type Selected = Vec<(&'static str, Value)>;

/// A fairness condition on the graph: the instance labels it is about.
#[derive(Clone, Debug)]
struct Condition {
    strength: Strength,
    matches: Match,
    label: String,
}

/// Which instance labels a condition is about: one, or those of a group in
/// a table from label to group that the conditions of one fairness share
/// (so that a split into many conditions costs one table, not one per
/// condition).
#[derive(Clone, Debug)]
enum Match {
    Instance(u32),
    Group(std::sync::Arc<Vec<u32>>, u32),
}

impl Match {
    fn hits<S>(&self, _graph: &Graph<S>, label: u32) -> bool {
        match self {
            Match::Instance(instance) => label == *instance,
            Match::Group(groups, group) => groups[label as usize] == *group,
        }
    }
}

/// A place the cycle can go through to meet a requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Waypoint {
    Node(u32),
    Edge(u32, u32, u32),
}

/// What the cycle must do, and one way to do it.
#[derive(Clone, Copy, Debug)]
enum Requirement {
    /// Visit a marked state (`~P`, for `<>[]P`).
    Visit,
    /// Meet fairness condition `i` (take its action, or, if weak, visit a
    /// state where it is disabled).
    Fair(usize),
}

/// A property as a fair-cycle question: allowed states, sources with their
/// starting distance, and the states the cycle must visit.
type Question = (Vec<bool>, Vec<(u32, u32)>, Option<Vec<bool>>);

/// What liveness checking found: one verdict per check index, and the size
/// of the behaviour graph (states, fingerprint lookups) for the collision
/// estimate, if it was built.
pub(crate) struct Checked {
    pub verdicts: Vec<(usize, Verdict)>,
    pub graph: Option<(u64, u64)>,
}

/// The first violation of a `[]S` conjunct: its depth and fingerprint (the
/// smallest pair wins, whatever the order of `next`), and where it is.
struct AlwaysViolation<F, S> {
    key: (u32, F),
    at: AlwaysAt<S>,
}

enum AlwaysAt<S> {
    /// A node of the graph.
    Node(u32),
    /// A state the constraints keep out: an initial state (`None`), or the
    /// target of a step from a node, with the step's instance.
    Outside(Option<(u32, u32)>, S),
}

/// Checks every temporal property of the plan.
pub(crate) fn check<M: Model, F: Fingerprint>(plan: &Plan<'_, M>, limits: &Limits) -> Result<Checked, CheckError> {
    // `[]S` conjuncts are checked like invariants: on every node, and on every
    // state the constraints keep out (as the safety search checks them).
    let always: Vec<(usize, &Expr)> = plan
        .liveness
        .iter()
        .enumerate()
        .filter_map(|(k, (_, t))| match t {
            Temporal::Always(e) => Some((k, e)),
            _ => None,
        })
        .collect();
    let mut violations: Vec<Option<AlwaysViolation<F, M::State>>> = (0..plan.liveness.len()).map(|_| None).collect();
    let mut outside = |graph: &Graph<M::State>, from: graph::Outside, state: &M::State| {
        for &(k, e) in &always {
            if e.on_state(plan, state) {
                continue;
            }
            let depth = from.map_or(1, |(u, _)| graph.depth[u as usize] + 1);
            let key = (depth, F::of(state, plan.seed));
            if violations[k].as_ref().is_none_or(|v| key < v.key) {
                violations[k] = Some(AlwaysViolation { key, at: AlwaysAt::Outside(from, state.clone()) });
            }
        }
    };
    let graph = match graph::build::<M, F>(plan, &plan.predicates, limits, &mut outside) {
        Ok(graph) => graph,
        Err(reason) => {
            let verdicts = plan.liveness.iter().map(|(i, _)| (*i, Verdict::Unknown(reason))).collect();
            return Ok(Checked { verdicts, graph: None });
        }
    };
    tracing::debug!(states = graph.len(), edges = graph.targets.len(), "behaviour graph built");
    for &(k, e) in &always {
        for u in 0..graph.len() as u32 {
            if !e.on_node(&graph, u) {
                let key = (graph.depth[u as usize], F::of(&graph.states[u as usize], plan.seed));
                if violations[k].as_ref().is_none_or(|v| key < v.key) {
                    violations[k] = Some(AlwaysViolation { key, at: AlwaysAt::Node(u) });
                }
            }
        }
    }
    let conditions = conditions(plan, &graph)?;
    tracing::debug!(conditions = ?conditions.iter().map(|c| &c.label).collect::<Vec<_>>(), "fairness");
    // The cycle searches look at the limits too.
    let mut search = Search { limits, watch: Watch::default() };
    // If the constraints cut the graph and no fair infinite behaviour is left
    // at all, every liveness property would hold vacuously: say so instead.
    let vacuous: Result<bool, StopReason> = if !(0..graph.len() as u32).any(|u| graph.has_exit(u)) {
        Ok(false)
    } else {
        let everything = vec![true; graph.len()];
        let sources: Vec<(u32, u32)> = graph.initial.iter().map(|&u| (u, 0)).collect();
        match find_fair_cycle(&graph, &conditions, &everything, &sources, None, &mut search) {
            Ok(found) => Ok(found.is_none()),
            Err(reason) => Err(reason),
        }
    };
    // Once a limit stops a cycle search, the searches after it are not run.
    let mut stopped: Option<StopReason> = vacuous.err();
    let mut verdicts: Vec<(usize, Verdict)> = Vec::new();
    for (k, (index, temporal)) in plan.liveness.iter().enumerate() {
        // A property defined as a conjunction has several entries: the first
        // violated conjunct decides.
        if verdicts.iter().any(|(i, v)| i == index && matches!(v, Verdict::Violated(_))) {
            continue;
        }
        let verdict = match temporal {
            Temporal::Always(e) => match violations[k].take() {
                None => Verdict::Holds,
                Some(violation) => Verdict::Violated(Counterexample::Trace(always_trace(plan, &graph, e, violation)?)),
            },
            _ if stopped.is_some() => Verdict::Unknown(stopped.expect("just checked")),
            _ if matches!(vacuous, Ok(true)) => Verdict::Unknown(StopReason::Vacuous),
            _ => match liveness_verdict(plan, &graph, &conditions, temporal, &mut search)? {
                Ok(verdict) => verdict,
                Err(reason) => {
                    stopped = Some(reason);
                    Verdict::Unknown(reason)
                }
            },
        };
        match verdicts.iter_mut().find(|(i, _)| i == index) {
            // Violated beats unknown, which beats holds.
            Some(entry) => {
                if matches!(verdict, Verdict::Violated(_)) || (entry.1 == Verdict::Holds) {
                    entry.1 = verdict;
                }
            }
            None => verdicts.push((*index, verdict)),
        }
    }
    Ok(Checked { verdicts, graph: Some((graph.len() as u64, graph.lookups)) })
}

/// The verdict of one temporal property (not `[]S`) as a fair-cycle question.
fn liveness_verdict<M: Model>(
    plan: &Plan<'_, M>,
    graph: &Graph<M::State>,
    conditions: &[Condition],
    temporal: &Temporal,
    search: &mut Search<'_>,
) -> Result<Result<Verdict, StopReason>, CheckError> {
    let n = graph.len() as u32;
    let nodes = |e: &Expr| (0..n).map(|u| e.on_node(graph, u)).collect::<Vec<bool>>();
    let depth = |u: u32| graph.depth[u as usize] - 1;
    let (allowed, sources, must_visit): Question = match temporal {
        Temporal::Always(_) => unreachable!("checker bug: []S is checked as a safety property"),
        Temporal::Eventually(p) => {
            let allowed = nodes(&p.clone().not());
            let sources = graph.initial.iter().filter(|&&u| allowed[u as usize]).map(|&u| (u, 0)).collect();
            (allowed, sources, None)
        }
        Temporal::AlwaysEventually(p) => {
            let allowed = nodes(&p.clone().not());
            let sources = (0..n).filter(|&u| allowed[u as usize]).map(|u| (u, depth(u))).collect();
            (allowed, sources, None)
        }
        Temporal::EventuallyAlways(p) => {
            let sources = (0..n).map(|u| (u, depth(u))).collect();
            (vec![true; n as usize], sources, Some(nodes(&p.clone().not())))
        }
        Temporal::LeadsTo(p, q) => {
            let allowed = nodes(&q.clone().not());
            let p = nodes(p);
            let sources = (0..n).filter(|&u| allowed[u as usize] && p[u as usize]).map(|u| (u, depth(u))).collect();
            (allowed, sources, None)
        }
    };
    let found = match find_fair_cycle(graph, conditions, &allowed, &sources, must_visit.as_deref(), search) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(Ok(Verdict::Holds)),
        Err(reason) => return Ok(Err(reason)),
    };
    let (path, loop_start, notes, cycle) = lasso_path(plan, graph, conditions, must_visit.as_deref(), &found)?;
    confirm(plan, temporal, &path, loop_start)?;
    if let Some(failure) = validate::unfair(plan, &path, loop_start) {
        return Err(validate::blame(plan, graph, &cycle, &path[loop_start..], &failure));
    }
    let lasso = Lasso { trace: trace::render(plan, &path), loop_start, notes };
    Ok(Ok(Verdict::Violated(Counterexample::Lasso(lasso))))
}

/// The trace to the first violation of a `[]S` conjunct, replayed through
/// `next` and checked again.
fn always_trace<M: Model, F>(
    plan: &Plan<'_, M>,
    graph: &Graph<M::State>,
    e: &Expr,
    violation: AlwaysViolation<F, M::State>,
) -> Result<crate::outcome::Trace, CheckError> {
    let path = match violation.at {
        AlwaysAt::Node(u) => {
            let nodes = graph.tree_path(u);
            replay(plan, graph, &nodes, &vec![None; nodes.len()])?
        }
        AlwaysAt::Outside(None, state) => {
            let mut inits = Vec::new();
            plan.model.init(&mut inits);
            if !inits.contains(&state) {
                return Err(diverged("the trace's initial state is no longer produced by init", &state));
            }
            vec![(None, state)]
        }
        AlwaysAt::Outside(Some((u, label)), state) => {
            let nodes = graph.tree_path(u);
            let mut path = replay(plan, graph, &nodes, &vec![None; nodes.len()])?;
            let from = graph.states[u as usize].clone();
            let mut steps = Vec::new();
            plan.model.next(&from, &mut steps);
            let wanted = graph.instance_labels[label as usize].as_str();
            let step = steps
                .into_iter()
                .filter(|(_, to)| *to == state)
                .min_by_key(|(a, _)| (plan.model.format_action(a) != wanted, plan.action_index(a)));
            let Some((action, to)) = step else {
                return Err(diverged("from the state below, next no longer produces the trace's last step", &from));
            };
            path.push((Some(action), to));
            path
        }
    };
    let (_, last) = path.last().expect("a trace is never empty");
    if e.on_state(plan, last) {
        return Err(diverged("the replayed trace does not end in a state that violates the property", last));
    }
    Ok(trace::render(plan, &path))
}

/// The graph-level fairness conditions: one per `WF`/`SF` on an action or a
/// union, one per instance for the per-instance forms, and one per value of
/// the selected parameters for a split by parameters.
fn conditions<M: Model, S>(plan: &Plan<'_, M>, graph: &Graph<S>) -> Result<Vec<Condition>, ConfigError> {
    let labels = graph.instance_names.len();
    let mut conditions = Vec::new();
    for fair in &plan.fairness {
        let written = fair.written(&plan.action_names);
        let members = |label: usize| fair.member(graph.instance_names[label]);
        match &fair.split {
            Split::Union => {
                let groups = (0..labels).map(|l| if members(l).is_some() { 0 } else { NONE }).collect();
                let matches = Match::Group(std::sync::Arc::new(groups), 0);
                conditions.push(Condition { strength: fair.strength, matches, label: written });
            }
            Split::Instance => {
                for label in (0..labels).filter(|&l| members(l).is_some()) {
                    let prefix = if fair.strength == Strength::Weak { "WF" } else { "SF" };
                    conditions.push(Condition {
                        strength: fair.strength,
                        matches: Match::Instance(label as u32),
                        label: format!("{prefix}({})", graph.instance_labels[label]),
                    });
                }
            }
            Split::Names(_) | Split::Positions(_) => {
                // The groups of this fairness, one per value of the selected
                // parameters, in the order their first instance appears.
                let mut groups = vec![NONE; labels];
                let mut ids: std::collections::HashMap<Vec<Value>, u32> = std::collections::HashMap::new();
                let mut keys: Vec<Selected> = Vec::new();
                for (label, group) in groups.iter_mut().enumerate() {
                    let Some(member) = members(label) else { continue };
                    let name = plan.action_names[graph.instance_names[label] as usize];
                    let key = fair
                        .selected(member, name, &graph.instance_parameters[label])
                        .map_err(|message| fair.error(&plan.action_names, member, message))?;
                    let values: Vec<Value> = key.iter().map(|(_, v)| v.clone()).collect();
                    *group = *ids.entry(values).or_insert_with(|| {
                        keys.push(key);
                        keys.len() as u32 - 1
                    });
                }
                let groups = std::sync::Arc::new(groups);
                for (id, key) in keys.iter().enumerate() {
                    let values: Vec<String> = key.iter().map(|(n, v)| format!("{n} = {v}")).collect();
                    conditions.push(Condition {
                        strength: fair.strength,
                        matches: Match::Group(groups.clone(), id as u32),
                        label: format!("{written} for {}", values.join(", ")),
                    });
                }
            }
        }
    }
    Ok(conditions)
}

/// A fair cycle and how it is reached.
struct Found {
    /// Nodes of the component holding the cycle.
    component: Vec<u32>,
    /// Where the cycle starts and ends.
    start: u32,
    waypoints: Vec<(Requirement, Waypoint)>,
    /// Predecessors inside the allowed set on a shortest path from a source.
    predecessor: Vec<u32>,
}

/// The limits, as the searches for fair cycles look at them.
pub(crate) struct Search<'l> {
    limits: &'l Limits,
    watch: Watch,
}

impl Search<'_> {
    /// One step of a search: a node visited or a component evaluated.
    #[inline]
    pub fn step<S>(&mut self, graph: &Graph<S>) -> Result<(), StopReason> {
        match self.watch.step(self.limits, || graph.bytes()) {
            None => Ok(()),
            Some(reason) => Err(reason),
        }
    }

    /// Asks for room for `bytes` more (the arrays of a search over the graph).
    pub fn reserve<S>(&self, graph: &Graph<S>, bytes: usize) -> Result<(), StopReason> {
        if self.limits.room_for(|| graph.bytes(), bytes as u64) {
            Ok(())
        } else {
            Err(StopReason::MemoryLimit)
        }
    }
}

fn find_fair_cycle<S>(
    graph: &Graph<S>,
    conditions: &[Condition],
    allowed: &[bool],
    sources: &[(u32, u32)],
    must_visit: Option<&[bool]>,
    search: &mut Search<'_>,
) -> Result<Option<Found>, StopReason> {
    let n = graph.len();
    // Distances, predecessors, the reachable set, its roots and membership.
    search.reserve(graph, n * 14)?;
    // Multi-source BFS inside `allowed`, sources starting at their own distance.
    let mut distance = vec![NONE; n];
    let mut predecessor = vec![NONE; n];
    let mut buckets: Vec<Vec<u32>> = Vec::new();
    for &(u, d) in sources {
        if d < distance[u as usize] {
            distance[u as usize] = d;
            if buckets.len() <= d as usize {
                buckets.resize(d as usize + 1, Vec::new());
            }
            buckets[d as usize].push(u);
        }
    }
    let mut d = 0usize;
    while d < buckets.len() {
        let bucket = std::mem::take(&mut buckets[d]);
        for u in bucket {
            if distance[u as usize] != d as u32 {
                continue;
            }
            search.step(graph)?;
            for (v, _) in graph.edges(u) {
                if allowed[v as usize] && distance[v as usize] > d as u32 + 1 {
                    distance[v as usize] = d as u32 + 1;
                    predecessor[v as usize] = u;
                    if buckets.len() <= d + 1 {
                        buckets.resize(d + 2, Vec::new());
                    }
                    buckets[d + 1].push(v);
                }
            }
        }
        d += 1;
    }
    let reachable: Vec<bool> = (0..n).map(|u| allowed[u] && distance[u] != NONE).collect();
    let roots: Vec<u32> = (0..n as u32).filter(|&u| reachable[u as usize]).collect();
    let mut work: VecDeque<Vec<u32>> = scc::sccs(graph, &reachable, &roots, search)?.into();
    // Labels that some fairness condition is about.
    let relevant: Vec<bool> = (0..graph.instance_names.len() as u32)
        .map(|label| conditions.iter().any(|c| c.matches.hits(graph, label)))
        .collect();
    let mut member = vec![false; n];
    // (distance, start, component, waypoints) of the best fair component so far.
    let mut best: Option<Candidate> = None;
    while let Some(component) = work.pop_front() {
        search.step(graph)?;
        for &u in &component {
            member[u as usize] = true;
        }
        let verdict = evaluate(graph, conditions, &component, &member, must_visit, &relevant);
        for &u in &component {
            member[u as usize] = false;
        }
        match verdict {
            Evaluation::Unfair => {}
            Evaluation::Refine(rest) => {
                search.reserve(graph, n)?;
                let mut mask = vec![false; n];
                for &u in &rest {
                    mask[u as usize] = true;
                }
                work.extend(scc::sccs(graph, &mask, &rest, search)?);
            }
            Evaluation::Fair(waypoints) => {
                let start =
                    *component.iter().min_by_key(|&&u| (distance[u as usize], u)).expect("components are not empty");
                let key = (distance[start as usize], start);
                if best.as_ref().is_none_or(|b| key < (b.0, b.1)) {
                    best = Some((key.0, key.1, component, waypoints));
                }
            }
        }
    }
    Ok(best.map(|(_, start, component, waypoints)| Found { component, start, waypoints, predecessor }))
}

type Candidate = (u32, u32, Vec<u32>, Vec<(Requirement, Waypoint)>);

enum Evaluation {
    Unfair,
    Refine(Vec<u32>),
    Fair(Vec<(Requirement, Waypoint)>),
}

fn evaluate<S>(
    graph: &Graph<S>,
    conditions: &[Condition],
    component: &[u32],
    member: &[bool],
    must_visit: Option<&[bool]>,
    relevant: &[bool],
) -> Evaluation {
    let internal = |u: u32| graph.edges(u).filter(|(v, _)| member[*v as usize]);
    if let [u] = *component {
        // One state, so the only cycle is stuttering there, fair iff no
        // fairness condition's action is enabled there, by a step inside the
        // constraints or not (most components of most graphs are like this).
        let fair =
            !graph.enabled(u).any(|label| relevant[label as usize]) && must_visit.is_none_or(|mark| mark[u as usize]);
        return if fair { Evaluation::Fair(Vec::new()) } else { Evaluation::Unfair };
    }
    let mut waypoints = Vec::new();
    if let Some(mark) = must_visit {
        match component.iter().find(|&&u| mark[u as usize]) {
            Some(&u) => waypoints.push((Requirement::Visit, Waypoint::Node(u))),
            None => return Evaluation::Unfair,
        }
    }
    let mut remove = vec![false; 0];
    for (i, condition) in conditions.iter().enumerate() {
        let enabled = |u: u32| graph.enabled(u).any(|label| condition.matches.hits(graph, label));
        let taken = component.iter().find_map(|&u| {
            internal(u).find(|(_, label)| condition.matches.hits(graph, *label)).map(|(v, l)| (u, v, l))
        });
        match (condition.strength, taken) {
            (_, Some((u, v, label))) => waypoints.push((Requirement::Fair(i), Waypoint::Edge(u, v, label))),
            (Strength::Weak, None) => match component.iter().find(|&&u| !enabled(u)) {
                Some(&u) => waypoints.push((Requirement::Fair(i), Waypoint::Node(u))),
                None => return Evaluation::Unfair,
            },
            (Strength::Strong, None) => {
                let enabled_here: Vec<u32> = component.iter().copied().filter(|&u| enabled(u)).collect();
                if !enabled_here.is_empty() {
                    if remove.is_empty() {
                        remove = vec![false; graph.len()];
                    }
                    for u in enabled_here {
                        remove[u as usize] = true;
                    }
                }
            }
        }
    }
    if !remove.is_empty() {
        let rest: Vec<u32> = component.iter().copied().filter(|&u| !remove[u as usize]).collect();
        return if rest.is_empty() { Evaluation::Unfair } else { Evaluation::Refine(rest) };
    }
    Evaluation::Fair(waypoints)
}

/// The states of the lasso (prefix then cycle), the index where the cycle
/// starts, the notes on its fairness, and the cycle's nodes.
type LassoPath<M> = (Path<M>, usize, Vec<String>, Vec<u32>);

/// Builds the lasso of a fair cycle and replays it through `next`.
fn lasso_path<M: Model>(
    plan: &Plan<'_, M>,
    graph: &Graph<M::State>,
    conditions: &[Condition],
    must_visit: Option<&[bool]>,
    found: &Found,
) -> Result<LassoPath<M>, CheckError> {
    // Prefix: the tree path to a source, then the allowed path to the start.
    let mut inside = vec![found.start];
    let mut at = found.start;
    while found.predecessor[at as usize] != NONE {
        at = found.predecessor[at as usize];
        inside.push(at);
    }
    inside.reverse();
    let mut nodes = graph.tree_path(inside[0]);
    nodes.extend_from_slice(&inside[1..]);
    let loop_start = nodes.len() - 1;
    // The cycle, through every waypoint, inside the component.
    let mut member = vec![false; graph.len()];
    for &u in &found.component {
        member[u as usize] = true;
    }
    let waypoints = found.waypoints.clone();
    let mut labels: Vec<Option<u32>> = vec![None; nodes.len()];
    let mut current = found.start;
    let go = |to: u32, nodes: &mut Vec<u32>, labels: &mut Vec<Option<u32>>, current: &mut u32| {
        for (v, label) in shortest_inside(graph, &member, *current, to) {
            nodes.push(v);
            labels.push(Some(label));
        }
        *current = to;
    };
    for (requirement, waypoint) in waypoints {
        // The cycle so far may already meet this requirement.
        let cycle = loop_start..nodes.len();
        let met = match requirement {
            Requirement::Visit => {
                let mark = must_visit.expect("a visit requirement comes with its marks");
                nodes[cycle].iter().any(|&u| mark[u as usize])
            }
            Requirement::Fair(i) => {
                let condition = &conditions[i];
                let taken =
                    (loop_start + 1..nodes.len()).any(|k| labels[k].is_some_and(|l| condition.matches.hits(graph, l)));
                let disabled = condition.strength == Strength::Weak
                    && nodes[cycle].iter().any(|&u| !graph.enabled(u).any(|l| condition.matches.hits(graph, l)));
                taken || disabled
            }
        };
        if met {
            continue;
        }
        match waypoint {
            Waypoint::Node(w) => go(w, &mut nodes, &mut labels, &mut current),
            Waypoint::Edge(u, v, label) => {
                go(u, &mut nodes, &mut labels, &mut current);
                nodes.push(v);
                labels.push(Some(label));
                current = v;
            }
        }
    }
    go(found.start, &mut nodes, &mut labels, &mut current);
    // The cycle ends where it started; the trace shows that state once.
    if nodes.len() > loop_start + 1 {
        nodes.pop();
        labels.pop();
    }
    let notes = fairness_notes(plan, graph, conditions, &nodes[loop_start..], &labels[loop_start + 1..], found.start);
    let cycle = nodes[loop_start..].to_vec();
    replay(plan, graph, &nodes, &labels).map(|path| (path, loop_start, notes, cycle))
}

/// What the cycle (its states, and the labels of its steps, the closing step
/// back to `start` included) shows about each fairness condition.
fn fairness_notes<M: Model>(
    plan: &Plan<'_, M>,
    graph: &Graph<M::State>,
    conditions: &[Condition],
    states: &[u32],
    labels: &[Option<u32>],
    start: u32,
) -> Vec<String> {
    let last = *states.last().expect("a cycle has a state");
    let closing = graph.edges(last).find(|(v, _)| *v == start).map(|(_, l)| l);
    let taken: Vec<u32> =
        labels.iter().flatten().copied().chain(if states.len() > 1 { closing } else { None }).collect();
    let mut notes = Vec::new();
    if taken.is_empty() {
        notes.push("the cycle stutters: no action changes the state".to_string());
    }
    for condition in conditions {
        let hits = |l: &u32| condition.matches.hits(graph, *l);
        let enabled_at: Vec<usize> =
            (0..states.len()).filter(|&i| graph.enabled(states[i]).any(|l| hits(&l))).collect();
        let how = if taken.iter().any(hits) {
            "taken on the cycle".to_string()
        } else if enabled_at.is_empty() {
            "never enabled on the cycle".to_string()
        } else {
            let disabled = (0..states.len()).find(|i| !enabled_at.contains(i)).expect("a fair cycle");
            format!("not taken, but disabled at cycle state {} (weak fairness asks no more)", disabled + 1)
        };
        notes.push(format!("{}: {how}", condition.label));
    }
    let never: Vec<&str> = plan
        .action_names
        .iter()
        .enumerate()
        .filter(|(a, _)| !taken.iter().any(|&l| graph.instance_names[l as usize] == *a as u32))
        .map(|(_, name)| *name)
        .collect();
    if !never.is_empty() && !taken.is_empty() {
        notes.push(format!("never taken on the cycle: {}", never.join(", ")));
    }
    notes
}

/// The steps `(node, label)` of a shortest path from `from` to `to` inside `member`.
fn shortest_inside<S>(graph: &Graph<S>, member: &[bool], from: u32, to: u32) -> Vec<(u32, u32)> {
    if from == to {
        return Vec::new();
    }
    let mut previous: std::collections::HashMap<u32, (u32, u32)> = std::collections::HashMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(u) = queue.pop_front() {
        for (v, label) in graph.edges(u) {
            if member[v as usize] && v != from && !previous.contains_key(&v) {
                previous.insert(v, (u, label));
                if v == to {
                    let mut steps = vec![(v, label)];
                    let mut at = u;
                    while at != from {
                        let (p, l) = previous[&at];
                        steps.push((at, l));
                        at = p;
                    }
                    steps.reverse();
                    return steps;
                }
                queue.push_back(v);
            }
        }
    }
    panic!("checker bug: no path inside a strongly connected component")
}

/// Replays the lasso's states through `init` and `next`, choosing for each step
/// the action with the recorded instance label.
fn replay<M: Model>(
    plan: &Plan<'_, M>,
    graph: &Graph<M::State>,
    nodes: &[u32],
    labels: &[Option<u32>],
) -> Result<Path<M>, CheckError> {
    let model = plan.model;
    let mut inits = Vec::new();
    model.init(&mut inits);
    let first = &graph.states[nodes[0] as usize];
    if !inits.contains(first) {
        return Err(diverged("the lasso's initial state is no longer produced by init", first));
    }
    let mut path: Path<M> = vec![(None, first.clone())];
    let mut steps = Vec::new();
    for (i, &v) in nodes.iter().enumerate().skip(1) {
        let from = &graph.states[nodes[i - 1] as usize];
        let to = &graph.states[v as usize];
        model.next(from, &mut steps);
        let wanted = labels[i].map(|l| graph.instance_labels[l as usize].as_str());
        let step = steps
            .drain(..)
            .filter(|(_, s)| s == to)
            .min_by_key(|(a, _)| (Some(model.format_action(a).as_str()) != wanted, plan.action_index(a)));
        let Some((action, state)) = step else {
            return Err(diverged("from the state below, next no longer produces the lasso's next step", from));
        };
        path.push((Some(action), state));
    }
    Ok(path)
}

fn diverged<S: std::fmt::Debug>(what: &str, state: &S) -> CheckError {
    CheckError::Model(Box::new(ModelError {
        kind: ModelErrorKind::Nondeterminism,
        message: format!(
            "{what}: replaying a liveness counterexample did not reproduce the behaviour graph, so the model \
             is not deterministic. Likely causes: iterating a HashMap or HashSet with a random seed, a clock, \
             a random number generator, or global mutable state."
        ),
        state: Some(format!("{state:?}")),
        action: None,
        trace: None,
    }))
}

/// Checks the replayed lasso against the property again.
fn confirm<M: Model>(
    plan: &Plan<'_, M>,
    temporal: &Temporal,
    path: &Path<M>,
    loop_start: usize,
) -> Result<(), CheckError> {
    let states: Vec<&M::State> = path.iter().map(|(_, s)| s).collect();
    let cycle = &states[loop_start..];
    let holds = |e: &Expr, s: &M::State| e.on_state(plan, s);
    let violated = match temporal {
        Temporal::Always(p) => states.iter().any(|s| !holds(p, s)),
        Temporal::Eventually(p) => states.iter().all(|s| !holds(p, s)),
        Temporal::AlwaysEventually(p) => cycle.iter().all(|s| !holds(p, s)),
        Temporal::EventuallyAlways(p) => cycle.iter().any(|s| !holds(p, s)),
        Temporal::LeadsTo(p, q) => (0..states.len()).any(|i| {
            holds(p, states[i]) && states[i..].iter().all(|s| !holds(q, s)) && cycle.iter().all(|s| !holds(q, s))
        }),
    };
    if violated {
        Ok(())
    } else {
        let (_, last) = path.last().expect("a lasso is never empty");
        Err(diverged("the replayed lasso does not violate the property", last))
    }
}
