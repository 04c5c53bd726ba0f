//! What to check: the parsed check spec ([`SpecFile`], from TLC-style `.cfg` text)
//! and the resolved [`CheckConfig`] that [`crate::check`] runs.

mod builder;
mod constants;
mod parse;
#[cfg(test)]
mod tests;

pub use builder::CheckConfigBuilder;
pub use constants::RecordConstant;
pub use parse::parse_spec;

use crate::error::ConfigError;
use crate::value::Value;

/// A position in a check spec, 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

/// A name written in a check spec, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The name.
    pub name: String,
    /// Where it starts.
    pub span: Span,
}

/// One `CONSTANTS` assignment: `RM = {r1, r2, r3}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constant {
    /// The constant's name.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Where the name starts.
    pub span: Span,
}

/// The `CONSTANTS` of a check spec, with typed accessors that produce
/// [`ConfigError::BadConstant`] errors pointing at the offending assignment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Constants {
    /// The assignments, in file order.
    pub items: Vec<Constant>,
    /// Where the `MODEL` line is, for errors about missing constants.
    pub model_span: Span,
}

impl Constants {
    /// The assignment of `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Constant> {
        self.items.iter().find(|c| c.name == name)
    }

    /// Rejects constants the model does not declare, listing the declared ones.
    pub fn expect_only(&self, declared: &[&str]) -> Result<(), ConfigError> {
        for c in &self.items {
            if !declared.contains(&c.name.as_str()) {
                return Err(ConfigError::unknown_name(
                    "constant",
                    &c.name,
                    c.span,
                    declared.iter().map(|s| s.to_string()).collect(),
                ));
            }
        }
        Ok(())
    }

    fn required(&self, name: &str) -> Result<&Constant, ConfigError> {
        self.get(name).ok_or_else(|| ConfigError::BadConstant {
            span: self.model_span,
            name: name.to_string(),
            message: format!("the model needs a value for constant {name}, and the spec gives none"),
        })
    }

    fn bad(c: &Constant, message: String) -> ConfigError {
        ConfigError::BadConstant { span: c.span, name: c.name.clone(), message }
    }

    /// A set of model values, `RM = {r1, r2, r3}`, with between `min` and `max` elements.
    pub fn model_values(&self, name: &str, min: usize, max: usize) -> Result<Vec<String>, ConfigError> {
        let c = self.required(name)?;
        let Value::Set(items) = &c.value else {
            return Err(Self::bad(
                c,
                format!("{name} must be a set of model values such as {{r1, r2, r3}}, not {}", c.value.kind()),
            ));
        };
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::ModelValue(s) => names.push(s.clone()),
                other => {
                    return Err(Self::bad(
                        c,
                        format!("{name} must contain model values such as r1, but {other} is {}", other.kind()),
                    ))
                }
            }
        }
        if names.len() < min || names.len() > max {
            return Err(Self::bad(
                c,
                format!("{name} has {} elements; this model supports {min} to {max}", names.len()),
            ));
        }
        Ok(names)
    }

    /// An integer in `min..=max`.
    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<i64, ConfigError> {
        let c = self.required(name)?;
        match c.value {
            Value::Int(i) if (min..=max).contains(&i) => Ok(i),
            Value::Int(i) => {
                Err(Self::bad(c, format!("{name} = {i} is out of range; this model supports {min} to {max}")))
            }
            ref other => Err(Self::bad(c, format!("{name} must be an integer, not {}", other.kind()))),
        }
    }

    /// A boolean, or `default` when the spec does not set it.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(Constant { value: Value::Bool(b), .. }) => Ok(*b),
            Some(c) => Err(Self::bad(c, format!("{name} must be TRUE or FALSE, not {}", c.value.kind()))),
        }
    }

    /// A model value chosen from `choices`, or `default` when the spec does not set it.
    pub fn choice_or(
        &self,
        name: &str,
        choices: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, ConfigError> {
        let Some(c) = self.get(name) else { return Ok(default) };
        if let Value::ModelValue(s) | Value::Str(s) = &c.value {
            if let Some(choice) = choices.iter().find(|choice| **choice == s.as_str()) {
                return Ok(choice);
            }
        }
        Err(Self::bad(c, format!("{name} must be one of {}, not {}", choices.join(", "), c.value)))
    }
}

/// A fairness condition written in a check spec's `FAIRNESS` line: `WF(A)`,
/// `SF(A)`, a union `WF(A \/ B)`, each instance `\A p : WF(A(p))`, or each
/// value of selected parameters `\A i : WF(\E m : Receive(i, m))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FairnessSpec {
    /// Weak or strong.
    pub strength: crate::model::Strength,
    /// The action name (the first action of a union).
    pub action: Named,
    /// `\A p: WF(A(p))` form: each instance fair on its own.
    pub per_instance: bool,
    /// The further actions of a union `WF(A \/ B \/ C)`: `B`, `C`.
    pub or: Vec<Named>,
    /// A split by parameters, `\A i : WF(\E m : Receive(i, m))`: for each
    /// action of the condition (`action`, then `or`), the arguments it is
    /// applied to. Empty for no such split.
    pub arguments: Vec<FairArguments>,
}

/// The arguments an action is applied to in a fairness condition split by
/// parameters; they stand for the action's parameters
/// ([`crate::model::Model::action_parameters`]) by position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FairArguments {
    /// How many arguments: the number of parameters the action must have.
    pub count: usize,
    /// The positions of the `\A`-bound variables among the arguments, in the
    /// order `\A` binds them: steps with equal values there share a condition.
    pub selected: Vec<usize>,
    /// Where the action is applied, for errors.
    pub span: Span,
}

impl FairnessSpec {
    /// `WF(action)` or `SF(action)` on one action, split by nothing.
    pub fn on(strength: crate::model::Strength, action: Named) -> FairnessSpec {
        FairnessSpec { strength, action, per_instance: false, or: Vec::new(), arguments: Vec::new() }
    }
}

/// A temporal formula written in a check spec: `PROPERTY Name == formula`,
/// over the model's named state predicates and action names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// A named state predicate (or a state invariant of the model).
    Name(Named),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// `ENABLED A`: some step of action `A` that changes the state is possible.
    Enabled(Named),
    /// `~F`.
    Not(Box<Formula>),
    /// `F1 /\ F2 /\ ...`: two or more conjuncts. A chain is one flat node,
    /// so that its length never adds to the tree's depth.
    And(Vec<Formula>),
    /// `F1 \/ F2 \/ ...`: two or more disjuncts, flat like [`Formula::And`].
    Or(Vec<Formula>),
    /// `F => G`.
    Implies(Box<Formula>, Box<Formula>),
    /// `[]F`.
    Always(Box<Formula>),
    /// `<>F`.
    Eventually(Box<Formula>),
    /// `F ~> G`.
    LeadsTo(Box<Formula>, Box<Formula>),
}

/// What a check spec expects the run to find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Every invariant and property holds and no deadlock is found.
    Ok,
    /// The named invariant or property is violated (the model carries a seeded bug).
    Violation(Named),
    /// A deadlock is found.
    Deadlock,
}

/// A parsed check spec: TLC `.cfg` keywords plus `MODEL` and `EXPECT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFile {
    /// `MODEL name`.
    pub model: Named,
    /// `CONSTANT(S)`.
    pub constants: Constants,
    /// `INVARIANT(S)`.
    pub invariants: Vec<Named>,
    /// `PROPERTY` / `PROPERTIES`: every property name, the model's and the defined ones.
    pub properties: Vec<Named>,
    /// The properties defined in the spec, `Name == formula`.
    pub formulas: Vec<(Named, Formula)>,
    /// `CONSTRAINT(S)`.
    pub constraints: Vec<Named>,
    /// `ACTION_CONSTRAINT(S)`.
    pub action_constraints: Vec<Named>,
    /// `SYMMETRY`.
    pub symmetry: Option<Named>,
    /// `FAIRNESS`.
    pub fairness: Vec<FairnessSpec>,
    /// `MODEL_FAIRNESS`: whether the model's own fairness conditions
    /// ([`crate::model::Model::fairness`]) apply; `MODEL_FAIRNESS FALSE` drops them,
    /// as TLC checks `Spec` rather than `FairSpec`. The default is `TRUE`.
    pub model_fairness: bool,
    /// `CHECK_DEADLOCK`; TLC's default is `TRUE`.
    pub check_deadlock: bool,
    /// `EXPECT`; the default is `OK`.
    pub expect: Expect,
    /// Where the `EXPECT` line is (the `MODEL` line when there is none).
    pub expect_span: Span,
    /// Whether the spec has an `EXPECT` line. A spec that checks nothing (no
    /// invariant, no property, `CHECK_DEADLOCK FALSE`) passes only under a
    /// written `EXPECT OK`; without one its run is incomplete.
    pub expect_written: bool,
    /// The text of the first comment line, if the file starts with one.
    pub title: Option<String>,
}

/// How the state space is explored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Level-synchronous parallel breadth-first search: complete, shortest counterexamples.
    Bfs,
    /// Depth-first search on one thread: complete, counterexamples not shortest.
    Dfs,
    /// Seeded random walks up to `depth_max`: never proves, only finds.
    Simulate,
}

impl Strategy {
    /// The name used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Bfs => "bfs",
            Strategy::Dfs => "dfs",
            Strategy::Simulate => "simulate",
        }
    }
}

/// The limits every run has. Hitting one gives an `Unknown` verdict, never a pass.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Stop after this many distinct states.
    pub states_max: u64,
    /// Do not expand states at this depth (initial states are at depth 1, as in TLC).
    pub depth_max: u32,
    /// Stop when memory passes this many bytes: the resident set as
    /// `memory_probe` reads it, or without a probe the engine's estimate of
    /// its own structures (store, frontier, behaviour graph). A big growth
    /// (the fingerprint table doubling, say) that would pass it is refused.
    pub memory_bytes_max: u64,
    /// Stop at this instant.
    pub deadline: Option<std::time::Instant>,
    /// Stop as soon as this flag is raised (by a Ctrl-C handler, say): the
    /// run ends with what it found and `StopReason::Interrupted`.
    pub interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Measures the process's memory for `memory_bytes_max` (the CLI reads
    /// the resident set); `None` counts the engine's own structures only.
    pub memory_probe: Option<crate::limits::MemoryProbe>,
}

impl Limits {
    /// Why the run must stop now, if the deadline passed or the interrupt
    /// flag is up.
    pub fn stop_now(&self) -> Option<crate::outcome::StopReason> {
        use std::sync::atomic::Ordering;
        if self.interrupt.as_ref().is_some_and(|flag| flag.load(Ordering::Relaxed)) {
            Some(crate::outcome::StopReason::Interrupted)
        } else if self.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            Some(crate::outcome::StopReason::TimeLimit)
        } else {
            None
        }
    }
}

/// Fingerprint width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FingerprintBits {
    /// 64-bit fingerprints in a lock-free table: 16 bytes per slot.
    B64,
    /// 128-bit fingerprints in a sharded map: for state spaces where a 64-bit
    /// collision is no longer improbable.
    B128,
}

/// Which fingerprint store holds the visited states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreKind {
    /// The lock-free open-addressing table (64-bit fingerprints only).
    Table,
    /// A sharded `DashMap`: the baseline the table is benchmarked against,
    /// and the store for 128-bit fingerprints.
    Sharded,
}

/// A resolved configuration: what to check and how. [`crate::check`] validates
/// every name against the model and rejects unsupported combinations. Build
/// one with [`CheckConfig::builder`] (defaults for everything not set) or
/// [`CheckConfig::from_spec`].
#[derive(Clone, Debug)]
pub struct CheckConfig {
    /// Invariant names to check.
    pub invariants: Vec<Named>,
    /// Property names to check: the model's, or those defined in `formulas`.
    pub properties: Vec<Named>,
    /// Properties defined by formulas in the spec.
    pub formulas: Vec<(Named, Formula)>,
    /// State constraint names (all must hold for a state to be expanded).
    pub constraints: Vec<Named>,
    /// Action constraint names (all must hold for a step to be taken).
    pub action_constraints: Vec<Named>,
    /// Symmetry name.
    pub symmetry: Option<Named>,
    /// Fairness conditions from the spec, added to the model's own.
    pub fairness: Vec<FairnessSpec>,
    /// Whether the model's own fairness conditions apply (`MODEL_FAIRNESS`).
    pub model_fairness: bool,
    /// Report states without successors.
    pub check_deadlock: bool,
    /// Exploration strategy.
    pub strategy: Strategy,
    /// Worker threads (BFS); DFS and simulation run on one.
    pub threads: usize,
    /// Limits.
    pub limits: Limits,
    /// Fingerprint width.
    pub fingerprint_bits: FingerprintBits,
    /// Fingerprint store.
    pub store: StoreKind,
    /// Seed for fingerprints and for simulation.
    pub seed: u64,
    /// Number of random walks (simulation only).
    pub simulation_traces: u64,
    /// Keep exploring after a violation until every invariant is violated or
    /// the space is exhausted (TLC's `-continue`).
    pub continue_after_violation: bool,
    /// Write checkpoints, and resume from one (BFS only).
    pub checkpoint: Option<crate::checkpoint::Checkpointing>,
    /// How many states the symmetry audit checks: every checked item (and
    /// `next`) must give the same answer on a state and on each state the
    /// symmetry treats as the same. Ignored without a symmetry.
    pub symmetry_audit: crate::symmetry::SymmetryAudit,
}

impl CheckConfig {
    /// The configuration a check spec asks for, with the given run settings.
    pub fn from_spec(spec: &SpecFile, strategy: Strategy, threads: usize, limits: Limits) -> CheckConfig {
        CheckConfig::builder().spec(spec).strategy(strategy).threads(threads).limits(limits).build()
    }
}
