//! `check()`: validates a configuration against a model, resolves names into a
//! [`Plan`], runs a strategy and assembles the [`Outcome`].

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::config::{CheckConfig, FingerprintBits, Formula, Named, Span, StoreKind, Strategy};
use crate::error::{CheckError, ConfigError, ModelError, ModelErrorKind};
use crate::fingerprint::{collision_probability, Fingerprint};
use crate::liveness::{self, Expr, Fair, Split, Temporal};
use crate::model::{ConstraintKind, InvariantKind, Model, PropertyKind, StatePredicate, StepPredicate, SymmetryKind};
use crate::outcome::{ActionCoverage, Check, CheckKind, Counterexample, Outcome, Stats, StopReason, Trace, Verdict};
use crate::store::{ShardedStore, Store, Table};
use crate::symmetry::{Reduction, ReductionKind};
use crate::trace;

/// A snapshot of a running exploration, for progress displays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Distinct states so far.
    pub distinct_states: u64,
    /// Generated states so far.
    pub generated_states: u64,
    /// States waiting to be expanded.
    pub queue_states: u64,
    /// Current depth (TLC's convention: initial states are depth 1).
    pub depth: u32,
}

/// Checks `model` as `config` says.
pub fn check<M: Model>(model: &M, config: &CheckConfig) -> Result<Outcome, CheckError> {
    check_with_progress(model, config, &|_| {})
}

/// [`check`], calling `progress` at every BFS level and every few thousand states.
pub fn check_with_progress<M: Model>(
    model: &M,
    config: &CheckConfig,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<Outcome, CheckError> {
    let plan = catch_model_panic(|| Plan::new(model, config))??;
    match (config.fingerprint_bits, config.store) {
        (FingerprintBits::B64, StoreKind::Table) => run::<M, u64, Table>(&plan, config, progress),
        (FingerprintBits::B64, StoreKind::Sharded) => run::<M, u64, ShardedStore<u64>>(&plan, config, progress),
        (FingerprintBits::B128, StoreKind::Sharded) => run::<M, u128, ShardedStore<u128>>(&plan, config, progress),
        (FingerprintBits::B128, StoreKind::Table) => Err(ConfigError::Unsupported {
            span: Default::default(),
            message: "the lock-free table holds 64-bit fingerprints; 128-bit fingerprints need the sharded store"
                .into(),
        }
        .into()),
    }
}

fn run<M: Model, F: Fingerprint, S: Store<F> + 'static>(
    plan: &Plan<'_, M>,
    config: &CheckConfig,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<Outcome, CheckError> {
    if config.checkpoint.is_some() && config.strategy != Strategy::Bfs {
        return Err(ConfigError::Unsupported {
            span: Default::default(),
            message: "checkpoints are written by the breadth-first search only; use --strategy bfs".into(),
        }
        .into());
    }
    let explored = match config.strategy {
        Strategy::Bfs => crate::bfs::explore::<M, F, S>(plan, config, progress)?,
        Strategy::Dfs => crate::dfs::explore::<M, F, S>(plan, config, progress)?,
        Strategy::Simulate => crate::simulate::explore::<M, F, S>(plan, config)?,
    };
    if explored.initial_states == 0 {
        return Err(CheckError::Model(Box::new(ModelError {
            kind: ModelErrorKind::NoInitialStates,
            message: "Init produced no state inside the constraints, so nothing was explored and every check \
                      would pass vacuously. Check the constants (an empty set?) and the CONSTRAINT."
                .into(),
            state: None,
            action: None,
            trace: None,
        })));
    }
    // Liveness needs the whole graph: after a complete safety search only.
    let liveness = match explored.stopped {
        None if !plan.liveness.is_empty() => catch_model_panic(|| liveness::check::<M, F>(plan, &config.limits))??,
        _ => liveness::Checked { verdicts: Vec::new(), graph: None },
    };
    // Rebuilding traces calls the model (next, variables, format_action).
    catch_model_panic(|| plan.outcome::<F>(explored, liveness))?
}

/// Runs `f`, turning a panic into a model error (the state is added by the caller
/// when it knows one).
pub(crate) fn catch_model_panic<T>(f: impl FnOnce() -> T) -> Result<T, CheckError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        // The checker's own assertions are not the model's fault: let them
        // reach the CLI, which reports an internal error.
        if panic_message(&*payload).starts_with("checker bug") {
            std::panic::resume_unwind(payload);
        }
        CheckError::Model(Box::new(ModelError {
            kind: ModelErrorKind::Panic,
            message: format!(
                "the model panicked: {}. The panic happened in a method of the model \
                 (init, next, an invariant, a constraint or a canonicalizer), not in the checker.",
                panic_message(&*payload)
            ),
            state: None,
            action: None,
            trace: None,
        }))
    })
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

/// One found violation (or witness), identified so that the smallest by
/// `(depth, fingerprint, from)` can be chosen the same way on every thread count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Found<F> {
    /// TLC depth of the violating state (of the target state, for a step).
    pub depth: u32,
    /// The violating state, or the target of the violating step.
    pub fp: F,
    /// For a step invariant: the source state of the step.
    pub from: Option<F>,
}

/// The parent of a stored fingerprint, for rebuilding traces.
pub(crate) type Parents<F> = Box<dyn Fn(F) -> Option<F> + Send + Sync>;

/// What a strategy hands back.
pub(crate) struct Explored<F> {
    pub initial_states: u64,
    pub generated_states: u64,
    pub distinct_states: u64,
    pub depth: u32,
    pub queue_states: u64,
    pub store_bytes: u64,
    /// Random walks started (simulation only; 0 for the searches).
    pub walks: u64,
    /// Per check (indexed as `Plan::checks`): the first violation or witness.
    pub found: Vec<Option<Found<F>>>,
    /// Traces already built (simulation keeps its walks), parallel to `found`.
    pub traces: Vec<Option<Trace>>,
    /// `(steps, distinct states)` per action.
    pub coverage: Vec<(u64, u64)>,
    /// Why the run ended early.
    pub stopped: Option<StopReason>,
    /// Trace rebuilding: the store, behind a closure giving parents.
    pub parents: Parents<F>,
}

/// Whether a formula has no temporal operator.
fn is_state(formula: &Formula) -> bool {
    use Formula as F;
    let mut pending = vec![formula];
    while let Some(formula) = pending.pop() {
        match formula {
            F::Name(_) | F::Bool(_) | F::Enabled(_) => {}
            F::Not(a) => pending.push(a),
            F::And(items) | F::Or(items) => pending.extend(items),
            F::Implies(a, b) => pending.extend([&**a, &**b]),
            F::Always(_) | F::Eventually(_) | F::LeadsTo(..) => return false,
        }
    }
    true
}

/// Where a formula starts, for error messages: its first name.
fn first_span(mut formula: &Formula) -> Span {
    use Formula as F;
    loop {
        formula = match formula {
            F::Name(n) | F::Enabled(n) => return n.span,
            F::Bool(_) => return Span::default(),
            F::Not(a) | F::Always(a) | F::Eventually(a) | F::Implies(a, _) | F::LeadsTo(a, _) => a,
            F::And(items) | F::Or(items) => match items.first() {
                Some(first) => first,
                None => return Span::default(),
            },
        }
    }
}

/// A configuration resolved against a model: predicates instead of names.
pub(crate) struct Plan<'m, M: Model> {
    pub model: &'m M,
    /// Every checked item, in outcome order.
    pub checks: Vec<(String, CheckKind)>,
    pub deadlock: Option<usize>,
    pub state_invariants: Vec<(usize, StatePredicate<M>)>,
    pub step_invariants: Vec<(usize, StepPredicate<M>)>,
    pub sometimes: Vec<(usize, StatePredicate<M>)>,
    pub constraints: Vec<StatePredicate<M>>,
    pub action_constraints: Vec<StepPredicate<M>>,
    /// The symmetry, resolved, with the items its audit compares.
    pub symmetry: Option<Reduction<M>>,
    pub action_names: Vec<&'static str>,
    /// The position of an action's name in `action_names`, when the model
    /// declares its [`crate::spec::ActionTable`]; otherwise names are compared.
    pub action_table: Option<fn(&M::Action) -> usize>,
    pub seed: u64,
    /// Temporal properties, by check index (a conjunction has one entry per conjunct).
    pub liveness: Vec<(usize, Temporal)>,
    /// The state predicates the temporal properties use, by index.
    pub predicates: Vec<StatePredicate<M>>,
    /// Fairness: the model's own conditions, then the spec's.
    pub fairness: Vec<Fair>,
}

fn find_named<'a, T>(
    kind: &'static str,
    named: &Named,
    items: &'a [T],
    name_of: impl Fn(&T) -> &'static str,
) -> Result<&'a T, ConfigError> {
    items.iter().find(|item| name_of(item) == named.name).ok_or_else(|| {
        ConfigError::unknown_name(kind, &named.name, named.span, items.iter().map(|i| name_of(i).to_string()).collect())
    })
}

/// Refuses a formula (`PROPERTY Name == formula`) whose name the model already
/// gives to an item: the formula would be checked in the item's place, so a
/// spec could pass where the model's own item fails.
fn formula_names_are_free<M: Model>(model: &M, config: &CheckConfig) -> Result<(), ConfigError> {
    if config.formulas.is_empty() {
        return Ok(());
    }
    let mut taken: Vec<(&'static str, &'static str)> = Vec::new();
    for invariant in model.invariants() {
        let kind = match invariant.kind {
            InvariantKind::State(_) => "invariant",
            InvariantKind::Step(_) => "step invariant",
        };
        taken.push((invariant.name, kind));
    }
    taken.extend(model.properties().iter().map(|p| (p.name, "property")));
    taken.extend(model.predicates().iter().map(|p| (p.name, "predicate")));
    for constraint in model.constraints() {
        let kind = match constraint.kind {
            ConstraintKind::State(_) => "constraint",
            ConstraintKind::Action(_) => "action constraint",
        };
        taken.push((constraint.name, kind));
    }
    taken.extend(model.symmetries().iter().map(|s| (s.name, "symmetry")));
    taken.extend(model.action_names().into_iter().map(|a| (a, "action")));
    for (named, _) in &config.formulas {
        let Some(&(_, kind)) = taken.iter().find(|(name, _)| *name == named.name) else { continue };
        // A suggestion that is itself free, also among the spec's own properties.
        let free = |candidate: &String| {
            !taken.iter().any(|(name, _)| name == candidate) && !config.properties.iter().any(|p| p.name == *candidate)
        };
        let stem = format!("{}Formula", named.name);
        let suggestion = std::iter::once(stem.clone())
            .chain((2..).map(|n| format!("{stem}{n}")))
            .find(free)
            .expect("the model and the spec have finitely many names");
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        return Err(ConfigError::NameTaken {
            span: named.span,
            name: named.name.clone(),
            message: format!(
                "the model already has {article} {kind} named `{}`, so a formula of that name would hide it; give the \
                 formula another name, such as `{suggestion}`",
                named.name
            ),
        });
    }
    Ok(())
}

impl<'m, M: Model> Plan<'m, M> {
    pub(crate) fn new(model: &'m M, config: &CheckConfig) -> Result<Plan<'m, M>, CheckError> {
        let unsupported = |message: String| ConfigError::Unsupported { span: Default::default(), message };
        if config.threads == 0 {
            return Err(unsupported("--threads must be at least 1".into()).into());
        }
        if config.strategy != Strategy::Bfs && config.threads > 1 {
            return Err(unsupported(format!(
                "the {} strategy runs on one thread; use --threads 1, or --strategy bfs for a parallel search",
                config.strategy.name()
            ))
            .into());
        }
        formula_names_are_free(model, config)?;
        let action_names = model.action_names();
        let action_table = model.actions();
        if let Some(table) = &action_table {
            if table.names != action_names.as_slice() {
                return Err(CheckError::Model(Box::new(ModelError {
                    kind: ModelErrorKind::BadDeclaration,
                    message: format!(
                        "Model::action_names lists {action_names:?}, but Model::actions names {:?}; the two must \
                         agree, in the same order: remove the hand-written action_names (the table gives them)",
                        table.names
                    ),
                    state: None,
                    action: None,
                    trace: None,
                })));
            }
        }
        let mut plan = Plan {
            model,
            checks: Vec::new(),
            deadlock: None,
            state_invariants: Vec::new(),
            step_invariants: Vec::new(),
            sometimes: Vec::new(),
            constraints: Vec::new(),
            action_constraints: Vec::new(),
            symmetry: None,
            action_names,
            action_table: action_table.map(|table| table.index),
            seed: config.seed,
            liveness: Vec::new(),
            predicates: Vec::new(),
            fairness: Vec::new(),
        };
        if config.check_deadlock {
            plan.deadlock = Some(plan.checks.len());
            plan.checks.push(("Deadlock".to_string(), CheckKind::Deadlock));
        }
        // Every checked item has its own name in the outcome: a second mention
        // of the same item is ignored, a clash with another kind is an error.
        let group = |k: CheckKind| match k {
            CheckKind::Invariant | CheckKind::StepInvariant => 1,
            CheckKind::Sometimes | CheckKind::Liveness => 2,
            CheckKind::Deadlock => 3,
        };
        let clash = |named: &Named, checks: &[(String, CheckKind)], kind: CheckKind| -> Result<bool, ConfigError> {
            match checks.iter().find(|(n, _)| *n == named.name) {
                None => Ok(false),
                Some((_, k)) if group(*k) == group(kind) => Ok(true),
                Some((_, k)) => Err(ConfigError::Unsupported {
                    span: named.span,
                    message: format!(
                        "`{}` is already checked as a {}; give this {} another name",
                        named.name,
                        k.name(),
                        kind.name()
                    ),
                }),
            }
        };
        let invariants = model.invariants();
        for named in &config.invariants {
            if clash(named, &plan.checks, CheckKind::Invariant)? {
                continue;
            }
            let inv = find_named("invariant", named, &invariants, |i| i.name)?;
            let index = plan.checks.len();
            match inv.kind {
                InvariantKind::State(p) => {
                    plan.checks.push((named.name.clone(), CheckKind::Invariant));
                    plan.state_invariants.push((index, p));
                }
                InvariantKind::Step(p) => {
                    plan.checks.push((named.name.clone(), CheckKind::StepInvariant));
                    plan.step_invariants.push((index, p));
                }
            }
        }
        let properties = model.properties();
        for named in &config.properties {
            if clash(named, &plan.checks, CheckKind::Liveness)? {
                continue;
            }
            let index = plan.checks.len();
            let temporals = if let Some((_, formula)) = config.formulas.iter().find(|(n, _)| n.name == named.name) {
                plan.compile(formula)?
            } else {
                let property = find_named("property", named, &properties, |p| p.name)?;
                let mut leaf = |p| Expr::Predicate(plan.predicate(p));
                match property.kind {
                    PropertyKind::Sometimes(p) => {
                        plan.sometimes.push((index, p));
                        plan.checks.push((named.name.clone(), CheckKind::Sometimes));
                        continue;
                    }
                    PropertyKind::Eventually(p) => vec![Temporal::Eventually(leaf(p))],
                    PropertyKind::AlwaysEventually(p) => vec![Temporal::AlwaysEventually(leaf(p))],
                    PropertyKind::EventuallyAlways(p) => vec![Temporal::EventuallyAlways(leaf(p))],
                    PropertyKind::LeadsTo(p, q) => vec![Temporal::LeadsTo(leaf(p), leaf(q))],
                }
            };
            if config.symmetry.is_some() {
                return Err(ConfigError::Unsupported {
                    span: named.span,
                    message: format!(
                        "property {} is a temporal property, and liveness under SYMMETRY is refused: a lasso in \
                         the quotient graph need not be a behaviour of the model unless the property and every \
                         fairness condition are symmetric, which bivalent cannot verify. Check it without SYMMETRY.",
                        named.name
                    ),
                }
                .into());
            }
            if config.strategy == Strategy::Simulate {
                return Err(ConfigError::Unsupported {
                    span: named.span,
                    message: format!(
                        "property {} is a temporal property, which needs the whole state graph; \
                         use --strategy bfs or dfs",
                        named.name
                    ),
                }
                .into());
            }
            plan.liveness.extend(temporals.into_iter().map(|t| (index, t)));
            plan.checks.push((named.name.clone(), CheckKind::Liveness));
            if plan.predicates.len() > 64 {
                return Err(ConfigError::Unsupported {
                    span: named.span,
                    message: "the temporal properties of one run may use at most 64 distinct state predicates".into(),
                }
                .into());
            }
        }
        if config.model_fairness {
            for fairness in model.fairness() {
                let actions = std::iter::once(fairness.action).chain(fairness.or.iter().copied());
                if let Some(unknown) = actions.clone().find(|a| !plan.action_names.contains(a)) {
                    return Err(CheckError::Model(Box::new(ModelError {
                        kind: ModelErrorKind::BadDeclaration,
                        message: format!(
                            "the model's fairness names the action {unknown}, which is not one of its \
                             action_names ({}); fix Model::fairness or Model::action_names",
                            plan.action_names.join(", ")
                        ),
                        state: None,
                        action: None,
                        trace: None,
                    })));
                }
                let index = |action: &str| plan.action_names.iter().position(|a| *a == action).expect("checked") as u32;
                let split = if !fairness.parameters.is_empty() {
                    Split::Names(fairness.parameters.clone())
                } else if fairness.per_instance {
                    Split::Instance
                } else {
                    Split::Union
                };
                let actions = actions.map(index).collect();
                plan.fairness.push(Fair { strength: fairness.strength, actions, split, spans: Vec::new() });
            }
        }
        for fairness in &config.fairness {
            let mut actions = Vec::new();
            for named in std::iter::once(&fairness.action).chain(&fairness.or) {
                find_named("action", named, &plan.action_names, |a| a)?;
                actions.push(plan.action_names.iter().position(|a| *a == named.name).expect("just found") as u32);
            }
            let split = if !fairness.arguments.is_empty() {
                Split::Positions(fairness.arguments.iter().map(|a| (a.count, a.selected.clone())).collect())
            } else if fairness.per_instance {
                Split::Instance
            } else {
                Split::Union
            };
            let spans = std::iter::once(&fairness.action).chain(&fairness.or).map(|a| a.span).collect();
            let fair = Fair { strength: fairness.strength, actions, split, spans };
            if !plan.fairness.iter().any(|f| f.same(&fair)) {
                plan.fairness.push(fair);
            }
        }
        let constraints = model.constraints();
        let state_constraints: Vec<_> =
            constraints.iter().filter(|c| matches!(c.kind, ConstraintKind::State(_))).collect();
        let action_constraints: Vec<_> =
            constraints.iter().filter(|c| matches!(c.kind, ConstraintKind::Action(_))).collect();
        // Names for the symmetry audit's messages.
        let mut state_items: Vec<(String, StatePredicate<M>)> = Vec::new();
        let mut step_items: Vec<(String, StepPredicate<M>)> = Vec::new();
        for named in &config.constraints {
            if let ConstraintKind::State(p) = find_named("constraint", named, &state_constraints, |c| c.name)?.kind {
                plan.constraints.push(p);
                state_items.push((format!("constraint {}", named.name), p));
            }
        }
        for named in &config.action_constraints {
            if let ConstraintKind::Action(p) =
                find_named("action constraint", named, &action_constraints, |c| c.name)?.kind
            {
                plan.action_constraints.push(p);
                step_items.push((format!("action constraint {}", named.name), p));
            }
        }
        if let Some(named) = &config.symmetry {
            let symmetries = model.symmetries();
            let symmetry = find_named("symmetry", named, &symmetries, |s| s.name)?;
            let kind = match &symmetry.kind {
                SymmetryKind::Canonicalizer(c) => ReductionKind::Canonicalizer(*c),
                SymmetryKind::Permutations(p) => {
                    let group = p.group(model).map_err(|message| ConfigError::Unsupported {
                        span: named.span,
                        message: format!("symmetry {}: {message}", named.name),
                    })?;
                    let sizes: Vec<usize> = p.sets.iter().map(Vec::len).collect();
                    ReductionKind::Group {
                        audited: crate::symmetry::audited(&group, &sizes),
                        group,
                        apply: p.apply,
                        order: p.order,
                        names: p.sets.clone(),
                    }
                }
            };
            let name = |index: usize| &plan.checks[index].0;
            let invariants = plan.state_invariants.iter().map(|&(i, p)| (format!("invariant {}", name(i)), p));
            let witnesses = plan.sometimes.iter().map(|&(i, p)| (format!("property {}", name(i)), p));
            state_items.splice(0..0, invariants.chain(witnesses).collect::<Vec<_>>());
            let steps = plan.step_invariants.iter().map(|&(i, p)| (format!("step invariant {}", name(i)), p));
            step_items.splice(0..0, steps.collect::<Vec<_>>());
            plan.symmetry = Some(Reduction {
                name: symmetry.name,
                kind,
                state_items,
                step_items,
                audit_limit: config.symmetry_audit.limit(),
            });
        }
        Ok(plan)
    }

    /// The index of predicate `p` in `predicates`, adding it if new.
    fn predicate(&mut self, p: StatePredicate<M>) -> usize {
        if let Some(i) = self.predicates.iter().position(|q| std::ptr::fn_addr_eq(*q, p)) {
            return i;
        }
        self.predicates.push(p);
        self.predicates.len() - 1
    }

    /// Compiles a spec's formula into a conjunction of the temporal forms the
    /// engine checks: `<>S`, `[]<>S`, `<>[]S`, `S ~> T` and `[]S` (as TLC
    /// does, a safety check: every state the search reaches, inside the
    /// constraints or generated outside them, satisfies `S`, whatever the
    /// fairness), where `S`, `T` are state formulas.
    ///
    /// Like every walk over a formula here, this one keeps its own stack
    /// rather than recursing: formulas come from the user.
    fn compile(&mut self, formula: &Formula) -> Result<Vec<Temporal>, ConfigError> {
        use Formula as F;
        let shape = |span: Span| ConfigError::Unsupported {
            span,
            message: "this formula's shape is not supported; write a conjunction of <>P, []<>P, <>[]P, P ~> Q \
                      and []P, where P and Q are state formulas (predicate names, TRUE, FALSE, ~, /\\, \\/, =>, \
                      ENABLED A)"
                .into(),
        };
        let mut all = Vec::new();
        // Conjuncts still to compile, the next one last.
        let mut pending = vec![formula];
        while let Some(formula) = pending.pop() {
            let temporal = match formula {
                F::And(conjuncts) if !is_state(formula) => {
                    pending.extend(conjuncts.iter().rev());
                    continue;
                }
                F::Eventually(inner) => match &**inner {
                    F::Always(p) => Temporal::EventuallyAlways(self.state(p)?),
                    p => Temporal::Eventually(self.state(p)?),
                },
                F::Always(inner) => match &**inner {
                    F::Eventually(p) => Temporal::AlwaysEventually(self.state(p)?),
                    F::Implies(p, q) if matches!(&**q, F::Eventually(_)) => {
                        let F::Eventually(q) = &**q else { unreachable!() };
                        Temporal::LeadsTo(self.state(p)?, self.state(q)?)
                    }
                    p => Temporal::Always(self.state(p)?),
                },
                F::LeadsTo(p, q) => Temporal::LeadsTo(self.state(p)?, self.state(q)?),
                other => return Err(shape(first_span(other))),
            };
            all.push(temporal);
        }
        Ok(all)
    }

    /// Compiles a state formula; names are the model's predicates and state invariants.
    fn state(&mut self, formula: &Formula) -> Result<Expr, ConfigError> {
        use Formula as F;
        let mut known: Vec<(&'static str, StatePredicate<M>)> =
            self.model.predicates().into_iter().map(|p| (p.name, p.holds)).collect();
        for invariant in self.model.invariants() {
            if let InvariantKind::State(p) = invariant.kind {
                known.push((invariant.name, p));
            }
        }
        // A post-order walk: a node is visited (its children scheduled before
        // it, the first child next), then built from the children's
        // expressions, which are the last ones on `built`.
        enum Task<'f> {
            Visit(&'f Formula),
            Build(&'f Formula),
        }
        let mut tasks = vec![Task::Visit(formula)];
        let mut built: Vec<Expr> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Visit(formula) => match formula {
                    F::Name(named) => {
                        let &(_, p) = find_named("predicate", named, &known, |(name, _)| name)?;
                        built.push(Expr::Predicate(self.predicate(p)));
                    }
                    F::Bool(b) => built.push(Expr::Const(*b)),
                    F::Enabled(named) => {
                        find_named("action", named, &self.action_names, |a| a)?;
                        let action = self.action_names.iter().position(|a| *a == named.name).expect("just found");
                        built.push(Expr::Enabled(action as u32));
                    }
                    F::Not(a) => tasks.extend([Task::Build(formula), Task::Visit(a)]),
                    F::Implies(a, b) => tasks.extend([Task::Build(formula), Task::Visit(b), Task::Visit(a)]),
                    F::And(items) | F::Or(items) => {
                        tasks.push(Task::Build(formula));
                        tasks.extend(items.iter().rev().map(Task::Visit));
                    }
                    F::Always(_) | F::Eventually(_) | F::LeadsTo(..) => {
                        return Err(ConfigError::Unsupported {
                            span: first_span(formula),
                            message: "expected a state formula here (no [], <> or ~> inside it)".into(),
                        })
                    }
                },
                Task::Build(formula) => {
                    let children = match formula {
                        F::Not(_) => 1,
                        F::Implies(..) => 2,
                        F::And(items) | F::Or(items) => items.len(),
                        _ => unreachable!("only operators are built"),
                    };
                    let mut children = built.split_off(built.len() - children);
                    let expr = match formula {
                        F::Not(_) => Expr::Not(Box::new(children.remove(0))),
                        F::Implies(..) => {
                            let b = children.pop().expect("two children");
                            let a = children.pop().expect("two children");
                            Expr::Or(vec![Expr::Not(Box::new(a)), b])
                        }
                        F::And(_) => Expr::And(children),
                        _ => Expr::Or(children),
                    };
                    built.push(expr);
                }
            }
        }
        let expr = built.pop().expect("a formula builds one expression");
        assert!(built.is_empty(), "checker bug: a state formula left {} expressions behind", built.len());
        Ok(expr)
    }

    /// The state as stored: its canonical form under the symmetry, if any.
    #[inline]
    pub fn fingerprint<F: Fingerprint>(&self, state: &M::State) -> F {
        match &self.symmetry {
            None => F::of(state, self.seed),
            Some(symmetry) => F::of(&*symmetry.canonical(self.model, state), self.seed),
        }
    }

    /// Checks that a hand-written canonicalizer is idempotent on `state`. (A
    /// permutation symmetry is idempotent by construction; the audit checks
    /// its `apply`.)
    pub fn check_canonical(&self, state: &M::State) -> Result<(), CheckError> {
        let Some(symmetry) = &self.symmetry else { return Ok(()) };
        let ReductionKind::Canonicalizer(c) = symmetry.kind else { return Ok(()) };
        let once = c(self.model, state);
        if c(self.model, &once) == once {
            return Ok(());
        }
        Err(crate::symmetry::not_idempotent(symmetry.name, state))
    }

    /// Audits the symmetry (if any) on a state and the steps `next` emitted
    /// from it, when `position` is within the audit's limit.
    pub fn audit_symmetry(
        &self,
        position: u64,
        state: &M::State,
        steps: &[(M::Action, M::State)],
    ) -> Result<(), CheckError> {
        match &self.symmetry {
            Some(symmetry) if symmetry.audits(position) => symmetry.audit(self.model, state, steps),
            _ => Ok(()),
        }
    }

    /// Audits the symmetry (if any) on an initial state's items.
    pub fn audit_initial(&self, state: &M::State) -> Result<(), CheckError> {
        match &self.symmetry {
            Some(symmetry) if symmetry.audits(0) => symmetry.audit_state(self.model, state),
            _ => Ok(()),
        }
    }

    /// Whether `state` may be expanded (every state constraint holds).
    #[inline]
    pub fn in_constraint(&self, state: &M::State) -> bool {
        self.constraints.iter().all(|c| c(self.model, state))
    }

    /// Whether the step may be taken (every action constraint holds).
    #[inline]
    pub fn step_allowed(&self, from: &M::State, action: &M::Action, to: &M::State) -> bool {
        self.action_constraints.iter().all(|c| c(self.model, from, action, to))
    }

    /// The index of the action's name in `action_names`.
    #[inline]
    pub fn action_index(&self, action: &M::Action) -> usize {
        if let Some(index) = self.action_table {
            return index(action);
        }
        let name = self.model.action_name(action);
        let names = &self.action_names;
        names
            .iter()
            .position(|n| std::ptr::eq(n.as_ptr(), name.as_ptr()) && n.len() == name.len())
            .or_else(|| names.iter().position(|n| *n == name))
            .unwrap_or_else(|| panic!("action_name returned {name:?}, which is not in action_names {names:?}"))
    }

    pub(crate) fn outcome<F: Fingerprint>(
        &self,
        explored: Explored<F>,
        liveness: liveness::Checked,
    ) -> Result<Outcome, CheckError> {
        let liveness_graph = liveness.graph;
        let mut liveness = liveness.verdicts;
        let disabled = self.model.disabled_actions();
        let complete = explored.stopped.is_none();
        let mut checks = Vec::with_capacity(self.checks.len());
        for (index, (name, kind)) in self.checks.iter().enumerate() {
            let found = explored.found[index];
            let verdict = match (*kind, found) {
                (CheckKind::Liveness, _) => match liveness.iter().position(|(i, _)| *i == index) {
                    Some(at) => liveness.swap_remove(at).1,
                    None => Verdict::Unknown(explored.stopped.expect("liveness runs after every complete search")),
                },
                (CheckKind::Sometimes, Some(found)) => {
                    let t = match &explored.traces[index] {
                        Some(t) => t.clone(),
                        None => trace::rebuild(self, &*explored.parents, found, index)?,
                    };
                    Verdict::Witnessed(t)
                }
                (CheckKind::Sometimes, None) if complete => Verdict::Violated(Counterexample::Trace(Trace::default())),
                (_, Some(found)) => {
                    let t = match &explored.traces[index] {
                        Some(t) => t.clone(),
                        None => trace::rebuild(self, &*explored.parents, found, index)?,
                    };
                    Verdict::Violated(Counterexample::Trace(t))
                }
                (_, None) if complete => Verdict::Holds,
                (_, None) => Verdict::Unknown(explored.stopped.expect("incomplete runs have a reason")),
            };
            checks.push(Check { name: name.clone(), kind: *kind, verdict });
        }
        Ok(Outcome {
            stats: Stats {
                initial_states: explored.initial_states,
                generated_states: explored.generated_states,
                distinct_states: explored.distinct_states,
                depth: explored.depth,
                queue_states: explored.queue_states,
                // The liveness graph hashes states with a seed of its own: its
                // collisions add to the search's (a union bound).
                collision_probability: (collision_probability(
                    explored.distinct_states,
                    explored.generated_states,
                    F::BITS,
                ) + liveness_graph
                    .map_or(0.0, |(states, lookups)| collision_probability(states, lookups, F::BITS)))
                .min(1.0),
                store_bytes: explored.store_bytes,
                fingerprint_bits: F::BITS + 1,
                walks: explored.walks,
            },
            checks,
            coverage: self
                .action_names
                .iter()
                .zip(&explored.coverage)
                .map(|(name, &(steps, distinct_states))| ActionCoverage {
                    name,
                    steps,
                    distinct_states,
                    disabled: steps == 0 && disabled.contains(name),
                })
                .collect(),
            stopped: explored.stopped,
        })
    }
}
