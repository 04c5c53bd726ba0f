//! Type erasure for registries: any [`Model`] as a `dyn DynModel`, so a CLI can
//! pick a model by name at run time.

use crate::check::{check_with_progress, Progress};
use crate::config::CheckConfig;
use crate::error::CheckError;
use crate::model::{ConstraintKind, Fairness, InvariantKind, Model, PropertyKind, Strength};
use crate::outcome::Outcome;
use crate::shard::Shard;

/// What a model declares, for listings and error messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelInfo {
    /// `Next` disjuncts.
    pub actions: Vec<&'static str>,
    /// State invariants.
    pub invariants: Vec<&'static str>,
    /// Step invariants.
    pub step_invariants: Vec<&'static str>,
    /// Temporal properties and witnesses, with their kind (`<>P`, `Sometimes`...).
    pub properties: Vec<(&'static str, &'static str)>,
    /// State constraints.
    pub constraints: Vec<&'static str>,
    /// Action constraints.
    pub action_constraints: Vec<&'static str>,
    /// Symmetries.
    pub symmetries: Vec<&'static str>,
    /// Named state predicates, for a check spec's formulas.
    pub predicates: Vec<&'static str>,
    /// The model's own fairness, as a check spec writes it: `WF(TMCommit)`,
    /// `\A p : WF(Release(p))`.
    pub fairness: Vec<String>,
}

/// A model whose types are hidden: what a registry hands to the CLI.
pub trait DynModel: Send + Sync {
    /// Runs [`crate::check`] on this model.
    fn check(&self, config: &CheckConfig, progress: &(dyn Fn(&Progress) + Sync)) -> Result<Outcome, CheckError>;
    /// What the model declares.
    fn info(&self) -> ModelInfo;
    /// Worker `worker`'s part (of `workers`) of a distributed breadth-first
    /// search of this model; refused for models without a state codec, for
    /// temporal properties and for settings a distributed search lacks.
    fn shard(&self, config: &CheckConfig, worker: usize, workers: usize) -> Result<Box<dyn Shard + '_>, CheckError>;
}

impl<M: Model> DynModel for M {
    fn check(&self, config: &CheckConfig, progress: &(dyn Fn(&Progress) + Sync)) -> Result<Outcome, CheckError> {
        check_with_progress(self, config, progress)
    }

    fn shard(&self, config: &CheckConfig, worker: usize, workers: usize) -> Result<Box<dyn Shard + '_>, CheckError> {
        crate::shard::shard(self, config, worker, workers)
    }

    fn info(&self) -> ModelInfo {
        let mut info = ModelInfo { actions: self.action_names(), ..ModelInfo::default() };
        for i in self.invariants() {
            match i.kind {
                InvariantKind::State(_) => info.invariants.push(i.name),
                InvariantKind::Step(_) => info.step_invariants.push(i.name),
            }
        }
        for p in self.properties() {
            let kind = match p.kind {
                PropertyKind::Eventually(_) => "<>P",
                PropertyKind::AlwaysEventually(_) => "[]<>P",
                PropertyKind::EventuallyAlways(_) => "<>[]P",
                PropertyKind::LeadsTo(..) => "P ~> Q",
                PropertyKind::Sometimes(_) => "Sometimes P",
            };
            info.properties.push((p.name, kind));
        }
        for c in self.constraints() {
            match c.kind {
                ConstraintKind::State(_) => info.constraints.push(c.name),
                ConstraintKind::Action(_) => info.action_constraints.push(c.name),
            }
        }
        info.symmetries = self.symmetries().iter().map(|s| s.name).collect();
        info.predicates = self.predicates().iter().map(|p| p.name).collect();
        info.fairness = self.fairness().iter().map(fairness_text).collect();
        info
    }
}

/// A fairness condition as a check spec's `FAIRNESS` line writes it; a split
/// by the model's parameters names them as the model does (`\A r : WF(A \/ B)`).
fn fairness_text(fairness: &Fairness) -> String {
    let strength = match fairness.strength {
        Strength::Weak => "WF",
        Strength::Strong => "SF",
    };
    let actions = std::iter::once(fairness.action).chain(fairness.or.iter().copied());
    if fairness.per_instance {
        let actions: Vec<String> = actions.map(|a| format!("{a}(p)")).collect();
        format!("\\A p : {strength}({})", actions.join(" \\/ "))
    } else if !fairness.parameters.is_empty() {
        format!("\\A {} : {strength}({})", fairness.parameters.join(", "), actions.collect::<Vec<_>>().join(" \\/ "))
    } else {
        format!("{strength}({})", actions.collect::<Vec<_>>().join(" \\/ "))
    }
}
