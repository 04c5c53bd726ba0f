//! [`CheckConfigBuilder`]: a [`CheckConfig`] from defaults, changing only what
//! a caller cares about.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use super::{CheckConfig, FairnessSpec, FingerprintBits, Formula, Limits, Named, SpecFile, StoreKind, Strategy};
use crate::checkpoint::Checkpointing;

/// Builds a [`CheckConfig`]: start from [`CheckConfig::builder`], set what
/// differs from the defaults, then [`build`](CheckConfigBuilder::build).
///
/// The defaults: nothing named to check (no invariant, property, constraint,
/// symmetry or fairness beyond the model's own), the deadlock check on (TLC's
/// default), BFS on one thread, no limit on states, depth or memory, no
/// deadline and no interrupt flag, 64-bit fingerprints in the lock-free table,
/// seed 0, 1000 simulation walks, stop at the first violation, no checkpoints.
///
/// ```
/// use checker::{CheckConfig, Strategy};
///
/// let config = CheckConfig::builder().invariants(["TypeOK", "Safe"]).threads(2).states_max(1_000_000).build();
/// assert_eq!(config.invariants[1].name, "Safe");
/// assert_eq!((config.strategy, config.threads, config.limits.states_max), (Strategy::Bfs, 2, 1_000_000));
/// assert!(config.check_deadlock);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct CheckConfigBuilder {
    config: CheckConfig,
}

/// Names written in code rather than in a check spec: no position.
fn named<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Vec<Named> {
    names.into_iter().map(|name| Named { name: name.into(), span: Default::default() }).collect()
}

impl CheckConfig {
    /// A builder starting from the defaults listed on [`CheckConfigBuilder`].
    pub fn builder() -> CheckConfigBuilder {
        CheckConfigBuilder {
            config: CheckConfig {
                invariants: Vec::new(),
                properties: Vec::new(),
                formulas: Vec::new(),
                constraints: Vec::new(),
                action_constraints: Vec::new(),
                symmetry: None,
                fairness: Vec::new(),
                model_fairness: true,
                check_deadlock: true,
                strategy: Strategy::Bfs,
                threads: 1,
                limits: Limits {
                    states_max: u64::MAX,
                    depth_max: u32::MAX,
                    memory_bytes_max: u64::MAX,
                    deadline: None,
                    interrupt: None,
                    memory_probe: None,
                },
                fingerprint_bits: FingerprintBits::B64,
                store: StoreKind::Table,
                seed: 0,
                simulation_traces: 1000,
                continue_after_violation: false,
                checkpoint: None,
                symmetry_audit: crate::symmetry::SymmetryAudit::DEFAULT,
            },
        }
    }
}

impl CheckConfigBuilder {
    /// Checks what a check spec asks for: its invariants, properties (with
    /// the formulas it defines), constraints, symmetry, fairness and
    /// `CHECK_DEADLOCK`, each name keeping its position in the spec.
    pub fn spec(mut self, spec: &SpecFile) -> Self {
        let c = &mut self.config;
        c.invariants = spec.invariants.clone();
        c.properties = spec.properties.clone();
        c.formulas = spec.formulas.clone();
        c.constraints = spec.constraints.clone();
        c.action_constraints = spec.action_constraints.clone();
        c.symmetry = spec.symmetry.clone();
        c.fairness = spec.fairness.clone();
        c.model_fairness = spec.model_fairness;
        c.check_deadlock = spec.check_deadlock;
        self
    }

    /// The invariants to check, by name.
    pub fn invariants<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.config.invariants = named(names);
        self
    }

    /// The properties to check, by name: the model's, or those defined in
    /// [`formulas`](Self::formulas).
    pub fn properties<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.config.properties = named(names);
        self
    }

    /// Properties defined by formulas; name each in [`properties`](Self::properties) too.
    pub fn formulas(mut self, formulas: Vec<(Named, Formula)>) -> Self {
        self.config.formulas = formulas;
        self
    }

    /// The state constraints, by name.
    pub fn constraints<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.config.constraints = named(names);
        self
    }

    /// The action constraints, by name.
    pub fn action_constraints<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.config.action_constraints = named(names);
        self
    }

    /// The symmetry, by name.
    pub fn symmetry(mut self, name: impl Into<String>) -> Self {
        self.config.symmetry = named([name]).pop();
        self
    }

    /// Fairness conditions added to the model's own.
    pub fn fairness(mut self, fairness: Vec<FairnessSpec>) -> Self {
        self.config.fairness = fairness;
        self
    }

    /// Whether the model's own fairness conditions apply (default `true`);
    /// `false` checks the spec without them (`MODEL_FAIRNESS FALSE`).
    pub fn model_fairness(mut self, model_fairness: bool) -> Self {
        self.config.model_fairness = model_fairness;
        self
    }

    /// Whether a state without successors is a violation (default `true`).
    pub fn check_deadlock(mut self, check: bool) -> Self {
        self.config.check_deadlock = check;
        self
    }

    /// The exploration strategy (default BFS).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.config.strategy = strategy;
        self
    }

    /// Worker threads for BFS (default 1); DFS and simulation run on one.
    pub fn threads(mut self, threads: usize) -> Self {
        self.config.threads = threads;
        self
    }

    /// Every limit at once.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Stop after this many distinct states.
    pub fn states_max(mut self, states: u64) -> Self {
        self.config.limits.states_max = states;
        self
    }

    /// Do not expand states at this depth (initial states are at depth 1).
    pub fn depth_max(mut self, depth: u32) -> Self {
        self.config.limits.depth_max = depth;
        self
    }

    /// Stop when the engine's own memory passes this many bytes.
    pub fn memory_bytes_max(mut self, bytes: u64) -> Self {
        self.config.limits.memory_bytes_max = bytes;
        self
    }

    /// Stop at this instant.
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.config.limits.deadline = Some(deadline);
        self
    }

    /// Stop, with what was found, as soon as this flag is raised.
    pub fn interrupt(mut self, flag: Arc<AtomicBool>) -> Self {
        self.config.limits.interrupt = Some(flag);
        self
    }

    /// Reads the process's memory for the memory limit (default none: the
    /// engine's own estimate of its store, frontier and graph).
    pub fn memory_probe(mut self, probe: crate::limits::MemoryProbe) -> Self {
        self.config.limits.memory_probe = Some(probe);
        self
    }

    /// How much of the state space the symmetry audit covers (default the
    /// first 10,000 states).
    pub fn symmetry_audit(mut self, audit: crate::symmetry::SymmetryAudit) -> Self {
        self.config.symmetry_audit = audit;
        self
    }

    /// The fingerprint width (default 64 bits).
    pub fn fingerprint_bits(mut self, bits: FingerprintBits) -> Self {
        self.config.fingerprint_bits = bits;
        self
    }

    /// The fingerprint store (default the lock-free table).
    pub fn store(mut self, store: StoreKind) -> Self {
        self.config.store = store;
        self
    }

    /// The seed of fingerprints and simulation (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// The number of random walks of a simulation (default 1000).
    pub fn simulation_traces(mut self, traces: u64) -> Self {
        self.config.simulation_traces = traces;
        self
    }

    /// Keep exploring after a violation (TLC's `-continue`; default `false`).
    pub fn continue_after_violation(mut self, continue_after_violation: bool) -> Self {
        self.config.continue_after_violation = continue_after_violation;
        self
    }

    /// Write checkpoints, and resume from one (BFS only).
    pub fn checkpoint(mut self, checkpointing: Checkpointing) -> Self {
        self.config.checkpoint = Some(checkpointing);
        self
    }

    /// The configuration.
    pub fn build(self) -> CheckConfig {
        self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_spec;

    #[test]
    fn the_defaults_check_deadlocks_with_bfs_on_one_thread_and_no_limits() {
        let c = CheckConfig::builder().build();
        assert!(c.invariants.is_empty() && c.properties.is_empty() && c.formulas.is_empty());
        assert!(c.constraints.is_empty() && c.action_constraints.is_empty() && c.fairness.is_empty());
        assert!(c.symmetry.is_none());
        assert!(c.check_deadlock);
        assert_eq!((c.strategy, c.threads), (Strategy::Bfs, 1));
        assert_eq!(
            (c.limits.states_max, c.limits.depth_max, c.limits.memory_bytes_max),
            (u64::MAX, u32::MAX, u64::MAX)
        );
        assert!(c.limits.deadline.is_none() && c.limits.interrupt.is_none());
        assert_eq!((c.fingerprint_bits, c.store), (FingerprintBits::B64, StoreKind::Table));
        assert_eq!((c.seed, c.simulation_traces), (0, 1000));
        assert!(!c.continue_after_violation);
        assert!(c.checkpoint.is_none());
    }

    #[test]
    fn a_spec_sets_what_to_check_with_positions_and_leaves_how_alone() {
        let spec = parse_spec(
            "MODEL M\nINVARIANTS A B\nPROPERTY P == []A\nCONSTRAINT C\nACTION_CONSTRAINT D\n\
             SYMMETRY S\nFAIRNESS WF(Go)\nCHECK_DEADLOCK FALSE\n",
        )
        .unwrap();
        let c = CheckConfig::builder().threads(3).spec(&spec).build();
        assert_eq!(c.invariants, spec.invariants);
        assert_eq!(c.invariants[1].span.line, 2);
        assert_eq!(c.properties, spec.properties);
        assert_eq!(c.formulas, spec.formulas);
        assert_eq!(c.formulas.len(), 1);
        assert_eq!(c.constraints, spec.constraints);
        assert_eq!(c.action_constraints, spec.action_constraints);
        assert_eq!(c.symmetry, spec.symmetry);
        assert_eq!(c.fairness, spec.fairness);
        assert!(!c.check_deadlock);
        assert_eq!(c.threads, 3);
    }

    #[test]
    fn each_setter_sets_its_field() {
        let flag = Arc::new(AtomicBool::new(false));
        let deadline = Instant::now();
        let c = CheckConfig::builder()
            .invariants(["I"])
            .properties(vec!["P".to_string()])
            .constraints(["C"])
            .action_constraints(["D"])
            .symmetry("S")
            .check_deadlock(false)
            .strategy(Strategy::Dfs)
            .threads(4)
            .states_max(10)
            .depth_max(20)
            .memory_bytes_max(30)
            .deadline(deadline)
            .interrupt(flag.clone())
            .fingerprint_bits(FingerprintBits::B128)
            .store(StoreKind::Sharded)
            .seed(7)
            .simulation_traces(9)
            .continue_after_violation(true)
            .build();
        let names = |v: &[Named]| v.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&c.invariants), ["I"]);
        assert_eq!(names(&c.properties), ["P"]);
        assert_eq!(names(&c.constraints), ["C"]);
        assert_eq!(names(&c.action_constraints), ["D"]);
        assert_eq!(c.symmetry.map(|s| s.name), Some("S".to_string()));
        assert!(!c.check_deadlock);
        assert_eq!((c.strategy, c.threads), (Strategy::Dfs, 4));
        assert_eq!((c.limits.states_max, c.limits.depth_max, c.limits.memory_bytes_max), (10, 20, 30));
        assert_eq!(c.limits.deadline, Some(deadline));
        assert!(Arc::ptr_eq(c.limits.interrupt.as_ref().unwrap(), &flag));
        assert_eq!((c.fingerprint_bits, c.store), (FingerprintBits::B128, StoreKind::Sharded));
        assert_eq!((c.seed, c.simulation_traces), (7, 9));
        assert!(c.continue_after_violation);
    }
}
