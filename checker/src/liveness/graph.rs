//! The behaviour graph for liveness: every reachable state (inside the
//! constraints) with an integer id, CSR-style edges labelled with the action
//! instance taken, BFS depths and tree parents for short prefixes.
//!
//! Self-loops are left out: a step that does not change the state is a
//! stutter, which never counts as taking or enabling a fair action, and every
//! state may stutter anyway. A step that leaves the constraints (its target is
//! outside `CONSTRAINT`, or `ACTION_CONSTRAINT` forbids it) is no edge, but it
//! is kept as an *exit* of its source: its action is enabled there, as TLC
//! evaluates `ENABLED` on the whole `Next`.
//!
//! Nodes are identified by fingerprints of the run's width, hashed with a seed
//! of their own, so a collision that hid a state from the search does not hide
//! it from the graph too; the run's collision estimate adds the graph's.

use std::collections::HashMap;

use super::Split;
use crate::check::Plan;
use crate::config::Limits;
use crate::fingerprint::Fingerprint;
use crate::limits::Watch;
use crate::model::Model;
use crate::outcome::StopReason;

/// Mixed into the run's seed for the graph's fingerprints.
const GRAPH_SEED: u64 = 0x6c69_7665_6e65_7373;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// No parent: an initial state.
pub(crate) const ROOT: u32 = u32::MAX;

pub(crate) struct Graph<S> {
    pub states: Vec<S>,
    pub depth: Vec<u32>,
    pub parent: Vec<u32>,
    /// `offsets[u]..offsets[u + 1]` indexes `targets` and `labels`.
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    /// The action instance of each edge.
    pub labels: Vec<u32>,
    /// The action-name index of each instance.
    pub instance_names: Vec<u32>,
    /// A readable form of each instance, `RMPrepare(r2)`.
    pub instance_labels: Vec<String>,
    /// The parameters of each instance ([`Model::action_parameters`]), when
    /// a fairness condition is split by parameters; empty otherwise.
    pub instance_parameters: Vec<Vec<(&'static str, crate::value::Value)>>,
    pub initial: Vec<u32>,
    /// `exit_offsets[u]..exit_offsets[u + 1]` indexes `exit_labels`: the
    /// action instances of the steps from `u` that leave the constraints,
    /// each once.
    pub exit_offsets: Vec<usize>,
    pub exit_labels: Vec<u32>,
    /// One bit per predicate the properties need, per state.
    pub bits: Vec<u64>,
    /// Fingerprint lookups (initial states and edges' targets), for the
    /// collision estimate.
    pub lookups: u64,
}

impl<S> Graph<S> {
    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn edges(&self, u: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let range = self.offsets[u as usize]..self.offsets[u as usize + 1];
        self.targets[range.clone()].iter().copied().zip(self.labels[range].iter().copied())
    }

    /// The action instances of the state-changing steps from `u`, inside the
    /// constraints or not: what is enabled at `u` (an instance may repeat).
    pub fn enabled(&self, u: u32) -> impl Iterator<Item = u32> + '_ {
        let range = self.offsets[u as usize]..self.offsets[u as usize + 1];
        let exits = self.exit_offsets[u as usize]..self.exit_offsets[u as usize + 1];
        self.labels[range].iter().chain(&self.exit_labels[exits]).copied()
    }

    /// Whether some step from `u` leaves the constraints.
    pub fn has_exit(&self, u: u32) -> bool {
        self.exit_offsets[u as usize] < self.exit_offsets[u as usize + 1]
    }

    pub fn bit(&self, u: u32, predicate: usize) -> bool {
        self.bits[u as usize] >> predicate & 1 == 1
    }

    /// Bytes held by the edges (targets and labels) and exits, for the benchmark.
    pub fn edge_bytes(&self) -> usize {
        self.targets.len() * 4 + self.labels.len() * 4 + self.exit_labels.len() * 4
    }

    /// An estimate of the bytes the graph holds, for a memory limit without
    /// a probe: the states and their per-state arrays, the edges and the index.
    pub fn bytes(&self) -> u64 {
        (self.states.len() * (std::mem::size_of::<S>() + 32) + self.edge_bytes() * 2) as u64
    }

    /// The tree path from an initial state to `u`.
    pub fn tree_path(&self, u: u32) -> Vec<u32> {
        let mut path = vec![u];
        let mut at = u;
        while self.parent[at as usize] != ROOT {
            at = self.parent[at as usize];
            path.push(at);
        }
        path.reverse();
        path
    }
}

/// A state the constraints keep out of the graph: an initial state outside
/// them (`None`), or the target of a step from a node that leaves them
/// (`Some((node, instance))`).
pub(crate) type Outside = Option<(u32, u32)>;

/// What sees the states the constraints keep out, with the graph so far.
pub(crate) type SeeOutside<'a, S> = dyn FnMut(&Graph<S>, Outside, &S) + 'a;

/// Builds the graph, evaluating `predicates` on every state, and showing
/// `outside` every state the constraints keep out (checked, never stored, as
/// the safety search does).
pub(crate) fn build<M: Model, F: Fingerprint>(
    plan: &Plan<'_, M>,
    predicates: &[crate::model::StatePredicate<M>],
    limits: &Limits,
    outside: &mut SeeOutside<'_, M::State>,
) -> Result<Graph<M::State>, StopReason> {
    assert!(predicates.len() <= 64, "checker bug: at most 64 predicates per run");
    let model = plan.model;
    let seed = plan.seed ^ GRAPH_SEED;
    let mut ids: FastMap<F, u32> = FastMap::default();
    let mut instances: FastMap<M::Action, u32> = FastMap::default();
    let mut graph = Graph {
        states: Vec::new(),
        depth: Vec::new(),
        parent: Vec::new(),
        offsets: vec![0],
        targets: Vec::new(),
        labels: Vec::new(),
        instance_names: Vec::new(),
        instance_labels: Vec::new(),
        instance_parameters: Vec::new(),
        initial: Vec::new(),
        exit_offsets: vec![0],
        exit_labels: Vec::new(),
        bits: Vec::new(),
        lookups: 0,
    };
    // Returns the state's id and whether it is new; refuses to grow the
    // index (a doubling, written at once) past the memory limit.
    let mut add = |graph: &mut Graph<M::State>, state: M::State, depth: u32, parent: u32| {
        graph.lookups += 1;
        let fp = F::of(&state, seed);
        if let Some(&id) = ids.get(&fp) {
            return Ok((id, false));
        }
        if !limits.room_for(|| graph.bytes(), map_growth_bytes(&ids)) {
            return Err(StopReason::MemoryLimit);
        }
        // The memory limit stops a run long before four billion states.
        let id =
            u32::try_from(graph.states.len()).ok().filter(|&id| id != ROOT).expect("checker bug: state ids overflow");
        ids.insert(fp, id);
        let bits = predicates.iter().enumerate().fold(0u64, |b, (i, p)| b | (u64::from(p(model, &state)) << i));
        graph.bits.push(bits);
        graph.states.push(state);
        graph.depth.push(depth);
        graph.parent.push(parent);
        Ok((id, true))
    };
    let parameters = plan.fairness.iter().any(|f| matches!(f.split, Split::Names(_) | Split::Positions(_)));
    let mut instance = |graph: &mut Graph<M::State>, action: M::Action| match instances.get(&action) {
        Some(&label) => label,
        None => {
            let label = instances.len() as u32;
            graph.instance_names.push(plan.action_index(&action) as u32);
            graph.instance_labels.push(model.format_action(&action));
            if parameters {
                graph.instance_parameters.push(model.action_parameters(&action));
            }
            instances.insert(action, label);
            label
        }
    };
    let mut inits = Vec::new();
    model.init(&mut inits);
    for state in inits {
        if !plan.in_constraint(&state) {
            outside(&graph, None, &state);
            continue;
        }
        if let (id, true) = add(&mut graph, state, 1, ROOT)? {
            graph.initial.push(id);
        }
    }
    let mut steps = Vec::new();
    let mut exits: Vec<u32> = Vec::new();
    let mut u = 0usize;
    let mut watch = Watch::default();
    while u < graph.states.len() {
        if graph.states.len() as u64 > limits.states_max {
            return Err(StopReason::StatesLimit);
        }
        if let Some(reason) = watch.step(limits, || graph.bytes()) {
            return Err(reason);
        }
        let from = graph.states[u].clone();
        model.next(&from, &mut steps);
        let depth = graph.depth[u] + 1;
        for (action, to) in steps.drain(..) {
            if to == from {
                continue;
            }
            if !(plan.step_allowed(&from, &action, &to) && plan.in_constraint(&to)) {
                let label = instance(&mut graph, action);
                outside(&graph, Some((u as u32, label)), &to);
                exits.push(label);
                continue;
            }
            let (target, _) = add(&mut graph, to, depth, u as u32)?;
            if target as usize == u {
                continue;
            }
            let label = instance(&mut graph, action);
            graph.targets.push(target);
            graph.labels.push(label);
        }
        exits.sort_unstable();
        exits.dedup();
        graph.exit_labels.append(&mut exits);
        graph.offsets.push(graph.targets.len());
        graph.exit_offsets.push(graph.exit_labels.len());
        u += 1;
    }
    Ok(graph)
}

/// The bytes a hash map allocates when its next insertion grows it (the
/// table doubles, with a control byte a bucket), or 0 while it has room.
fn map_growth_bytes<K, V, H>(map: &HashMap<K, V, H>) -> u64 {
    if map.len() < map.capacity() {
        return 0;
    }
    let buckets = ((map.capacity() + 1) * 8 / 7).next_power_of_two().max(8);
    (buckets * (std::mem::size_of::<(K, V)>() + 1)) as u64
}
