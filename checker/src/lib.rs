//! The bivalent engine: explicit-state model checking of TLA+-style state
//! machines written in Rust.
//!
//! A protocol implements [`spec::Model`]: `init`, a `next` that emits named
//! `(action, successor)` steps, and named invariants, properties, constraints
//! and symmetries. [`check`] explores every reachable state and returns an
//! [`Outcome`]: statistics and one [`Verdict`] per checked item, with
//! counterexamples that have been replayed through `next`.
//!
//! ```
//! use checker::spec::*;
//! use checker::{check, CheckConfig, Verdict};
//!
//! /// A counter that wraps at 3; `BelowThree` holds, `NeverTwo` does not.
//! struct Counter;
//!
//! impl Model for Counter {
//!     type State = u8;
//!     type Action = ();
//!     fn init(&self, states: &mut Vec<u8>) {
//!         states.push(0);
//!     }
//!     fn next(&self, s: &u8, steps: &mut Vec<((), u8)>) {
//!         steps.push(((), (s + 1) % 3));
//!     }
//!     fn action_name(&self, _: &()) -> &'static str {
//!         "Tick"
//!     }
//!     fn action_names(&self) -> Vec<&'static str> {
//!         vec!["Tick"]
//!     }
//!     fn invariants(&self) -> Vec<Invariant<Self>> {
//!         vec![
//!             Invariant::state("BelowThree", |_, s| *s < 3),
//!             Invariant::state("NeverTwo", |_, s| *s != 2),
//!         ]
//!     }
//! }
//!
//! let config = CheckConfig::builder().invariants(["BelowThree"]).threads(2).states_max(1_000).build();
//! let outcome = check(&Counter, &config).unwrap();
//! assert_eq!(outcome.stats.distinct_states, 3);
//! assert_eq!(outcome.check("BelowThree").unwrap().verdict, Verdict::Holds);
//!
//! let config = CheckConfig::builder().invariants(["NeverTwo"]).build();
//! let outcome = check(&Counter, &config).unwrap();
//! let Verdict::Violated(cex) = &outcome.check("NeverTwo").unwrap().verdict else { panic!() };
//! assert_eq!(cex.len(), 3); // 0 -> 1 -> 2
//! ```
#![warn(missing_docs)]

// The derives of `spec` name this crate by its path, in it as in its users.
extern crate self as checker;

#[cfg(test)]
mod api_tests;
mod bfs;
mod check;
mod checkpoint;
pub mod collections;
mod config;
mod dfs;
mod dyn_model;
mod error;
mod fingerprint;
#[cfg(test)]
mod fixtures;
mod limits;
mod liveness;
mod model;
mod outcome;
mod registry;
pub mod shard;
mod simulate;
mod store;
mod symmetry;
#[cfg(test)]
mod tests;
mod trace;
mod value;
mod value_serde;

pub use check::{check, check_with_progress, Progress};
pub use checkpoint::{reseal as reseal_checkpoint, CheckpointStorage, Checkpointing};
pub use config::{
    parse_spec, CheckConfig, CheckConfigBuilder, Constant, Constants, Expect, FairArguments, FairnessSpec,
    FingerprintBits, Formula, Limits, Named, Span, SpecFile, StoreKind, Strategy,
};
pub use dyn_model::{DynModel, ModelInfo};
pub use error::{nearest, CheckError, ConfigError, ModelError, ModelErrorKind};
pub use limits::MemoryProbe;
pub use outcome::{
    judge, ActionCoverage, Check, CheckKind, Counterexample, Failure, Judgement, Lasso, Outcome, Stats, StopReason,
    Trace, TraceAction, TraceStep, Verdict,
};
pub use registry::{Example, ModelEntry};
pub use symmetry::SymmetryAudit;
pub use value::Value;

/// The vocabulary for model authors: everything a `Model` implementation needs,
/// and nothing of the engine.
pub mod spec {
    pub use crate::config::{Constant, Constants, Named, RecordConstant, Span};
    pub use crate::error::ConfigError;
    pub use crate::model::{
        ActionNames, ActionTable, Constraint, ConstraintKind, Declare, Envelope, Fairness, Invariant, InvariantKind,
        Model, Partition, Permutation, Permutations, Predicate, Property, PropertyKind, StateCodec, StatePredicate,
        StepMessages, StepPredicate, Strength, Symmetry, SymmetryKind,
    };
    pub use crate::value::Value;
    pub use crate::value_serde::variables_of;
    /// `#[derive(ActionNames)]`: see the trait [`ActionNames`].
    pub use checker_derive::ActionNames;
}
