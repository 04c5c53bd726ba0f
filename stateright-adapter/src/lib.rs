//! Checks any [`stateright::Model`] with bivalent, unchanged: the migration path
//! for stateright users.
//!
//! [`Stateright`] wraps a stateright model (a hand-written `Model` or an
//! [`ActorModel`](stateright::actor::ActorModel) with its network semantics)
//! and implements bivalent's [`Model`], so that every
//! engine (parallel BFS, DFS, simulation, liveness) and every report (traces,
//! HTML, ITF, JUnit) works on it:
//!
//! | stateright                          | bivalent                                               |
//! |-------------------------------------|--------------------------------------------------------|
//! | `init_states`                       | `Init`                                                 |
//! | `actions` + `next_state`            | `Next` (an action whose `next_state` is `None` is disabled) |
//! | `Property::always(name, p)`         | invariant `name` (`[]p`)                               |
//! | `Property::sometimes(name, p)`      | reachability witness `name` (`Sometimes p`)            |
//! | `Property::eventually(name, p)`     | temporal property `name` (`<>p`) under `WF(Next)`      |
//! | `within_boundary`                   | state constraint `WithinBoundary`                      |
//! | `format_action`                     | the action's label in traces                           |
//!
//! [`Stateright::config`] gives the [`CheckConfig`] that checks every property
//! of the model, as stateright's checker does.
//!
//! # Action names
//!
//! stateright's `Next` is not a disjunction of named actions. By default the
//! adapter names every step `Next` (one action, so coverage is one row). With
//! [`Stateright::with_action_names`] each action is named by its enum variant,
//! the leading identifier of its `Debug` output (`Deliver { src: .. }` is
//! `Deliver`), which must be one of the names given; [`ACTOR_ACTIONS`] lists
//! the variants of stateright's `ActorModelAction`. The variant is found by
//! formatting the action into a small stack buffer that stops at the first
//! character that cannot be part of an identifier, so naming allocates nothing.
//!
//! # Liveness
//!
//! stateright has no fairness. Its checker reports an `eventually` property
//! when a path reaches a *terminal* state (no successors) without satisfying
//! the predicate, and misses behaviours that cycle forever without satisfying
//! it. The adapter assumes weak fairness of `Next`, the weakest assumption that
//! still rules out stuttering forever while some step is enabled: a
//! behaviour that ends in a terminal state where the predicate never held
//! violates `<>p`, as in stateright, and so does a reachable cycle where it
//! never holds, which stateright misses. With per-variant action names the
//! model declares weak fairness of each named action instead (there is no
//! single `Next` action to be fair to). That is a stronger assumption: a cycle
//! that leaves some named action enabled forever without taking it is not a
//! fair behaviour, so it is not a counterexample.
//!
//! # Differences from stateright's checker
//!
//! - A state outside `within_boundary` is, as with TLC's `CONSTRAINT`, still
//!   checked against the invariants before it is dropped; stateright drops it
//!   unchecked. Distinct-state counts agree (neither stores such a state).
//! - stateright's checker stops once every property has a discovery; bivalent
//!   stops at the first invariant violation (or explores everything with
//!   `continue_after_violation`). Counts agree on runs that complete.
//! - stateright's `Representative` symmetry is not mapped; check without
//!   symmetry, or write a bivalent model.
//! - Trace states are shown as one variable, `state`, in the state's `Debug`
//!   form. stateright's `HashableHashMap` and `HashableHashSet` print their
//!   entries in hash order, which can differ between two equal states, so the
//!   same trace can print differently from one run to the next.
//!
//! # Limits
//!
//! bivalent's predicates are plain `fn` pointers (no indirection on the hot
//! path), while a stateright model's properties are a runtime list. The
//! adapter bridges the two with one monomorphized function per property
//! index (`condition::<SM, I>` reads property `I` of the wrapped model), so a
//! model may declare at most [`PROPERTIES_MAX`] properties;
//! [`Stateright::new`] refuses more.

#![warn(missing_docs)]

use std::fmt::{self, Debug, Write as _};
use std::hash::{Hash, Hasher};

use checker::spec::{Constraint, Fairness, Invariant, Model, Named, Property};
use checker::{CheckConfig, FingerprintBits, Limits, StoreKind, Strategy};
use stateright::Expectation;

#[allow(missing_docs, unused_imports, clippy::all)]
pub mod examples;

/// The most properties a wrapped model may declare.
pub const PROPERTIES_MAX: usize = 32;

/// The variants of stateright's `ActorModelAction`, for
/// [`Stateright::with_action_names`] on an actor model.
pub const ACTOR_ACTIONS: &[&str] = &["Deliver", "Drop", "Timeout", "Crash", "Recover", "SelectRandom"];

/// The name of the state constraint that stands for `within_boundary`.
pub const WITHIN_BOUNDARY: &str = "WithinBoundary";

/// The single action name used without [`Stateright::with_action_names`].
pub const NEXT: &str = "Next";

/// One stateright property, copied out of the model once.
struct SrProperty<SM: stateright::Model> {
    expectation: Expectation,
    name: &'static str,
    condition: fn(&SM, &SM::State) -> bool,
}

/// A stateright model, checked by bivalent. See the crate docs for the mapping.
pub struct Stateright<SM: stateright::Model> {
    model: SM,
    properties: Vec<SrProperty<SM>>,
    action_names: &'static [&'static str],
}

/// Why a stateright model cannot be wrapped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdapterError {
    /// The model declares more than [`PROPERTIES_MAX`] properties.
    TooManyProperties(usize),
    /// Two properties share a name; a check spec could not tell them apart.
    DuplicateProperty(&'static str),
    /// An action name is given twice, or is empty.
    BadActionName(&'static str),
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdapterError::TooManyProperties(n) => {
                write!(f, "the stateright model declares {n} properties; the adapter supports at most {PROPERTIES_MAX}")
            }
            AdapterError::DuplicateProperty(name) => {
                write!(f, "the stateright model declares two properties named {name:?}")
            }
            AdapterError::BadActionName(name) => write!(f, "action name {name:?} is empty or given twice"),
        }
    }
}

impl std::error::Error for AdapterError {}

impl<SM: stateright::Model> Stateright<SM> {
    /// Wraps `model`; every step is the action `Next`.
    pub fn new(model: SM) -> Result<Self, AdapterError> {
        let properties: Vec<SrProperty<SM>> = model
            .properties()
            .into_iter()
            .map(|p| SrProperty { expectation: p.expectation, name: p.name, condition: p.condition })
            .collect();
        if properties.len() > PROPERTIES_MAX {
            return Err(AdapterError::TooManyProperties(properties.len()));
        }
        for (i, p) in properties.iter().enumerate() {
            if properties[..i].iter().any(|q| q.name == p.name) {
                return Err(AdapterError::DuplicateProperty(p.name));
            }
        }
        Ok(Stateright { model, properties, action_names: &[NEXT] })
    }

    /// Names each action by its enum variant (the leading identifier of its
    /// `Debug` output), which must be one of `names`; [`ACTOR_ACTIONS`] for an
    /// actor model. An action whose variant is not listed is a model error.
    pub fn with_action_names(self, names: &'static [&'static str]) -> Result<Self, AdapterError> {
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() || names[..i].contains(name) {
                return Err(AdapterError::BadActionName(name));
            }
        }
        Ok(Stateright { action_names: names, ..self })
    }

    /// The wrapped stateright model.
    pub fn model(&self) -> &SM {
        &self.model
    }

    /// Unwraps the stateright model, to run stateright's own checker on it.
    pub fn into_inner(self) -> SM {
        self.model
    }

    /// A configuration that checks every property of the model as stateright
    /// does: `always` as invariants, `sometimes` as witnesses, `eventually` as
    /// liveness, `within_boundary` as the constraint, and no deadlock check
    /// (stateright has none).
    pub fn config(&self, strategy: Strategy, threads: usize) -> CheckConfig {
        let named = |name: &str| Named { name: name.to_string(), span: Default::default() };
        let (invariants, properties) =
            self.properties.iter().partition::<Vec<_>, _>(|p| p.expectation == Expectation::Always);
        CheckConfig {
            invariants: invariants.iter().map(|p| named(p.name)).collect(),
            properties: properties.iter().map(|p| named(p.name)).collect(),
            formulas: Vec::new(),
            constraints: vec![named(WITHIN_BOUNDARY)],
            action_constraints: Vec::new(),
            symmetry: None,
            fairness: Vec::new(),
            check_deadlock: false,
            strategy,
            threads,
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
            symmetry_audit: checker::SymmetryAudit::DEFAULT,
        }
    }
}

/// A stateright state as bivalent stores it: hashed with the state's own
/// `Hash` (as stateright's checker fingerprints it), equal by its
/// `PartialEq`, which stateright's checker already treats as an equivalence.
#[derive(Clone, PartialEq)]
#[repr(transparent)]
pub struct SrState<S>(pub S);

impl<S: PartialEq> Eq for SrState<S> {}

impl<S: Hash> Hash for SrState<S> {
    #[inline]
    fn hash<H: Hasher>(&self, hasher: &mut H) {
        self.0.hash(hasher)
    }
}

impl<S: Debug> Debug for SrState<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A stateright action as bivalent sees it. stateright asks only `Clone`,
/// `Debug` and `PartialEq` of actions (its `2pc` example's `Action` has no
/// `Hash`), so the wrapper hashes the action's `Debug` output, streamed into
/// the hasher without allocating; equal actions print alike. The engine
/// compares actions (trace replay, per-instance fairness) but does not hash
/// them during the search.
#[derive(Clone, PartialEq)]
#[repr(transparent)]
pub struct SrAction<A>(pub A);

impl<A: PartialEq> Eq for SrAction<A> {}

impl<A: Debug> Hash for SrAction<A> {
    fn hash<H: Hasher>(&self, hasher: &mut H) {
        struct Stream<'h, H>(&'h mut H);
        impl<H: Hasher> fmt::Write for Stream<'_, H> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.write(s.as_bytes());
                Ok(())
            }
        }
        let _ = write!(Stream(hasher), "{:?}", self.0);
    }
}

impl<A: Debug> Debug for SrAction<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Property `I`'s condition on the wrapped model.
fn condition<SM, const I: usize>(adapter: &Stateright<SM>, state: &SrState<SM::State>) -> bool
where
    SM: stateright::Model,
{
    (adapter.properties[I].condition)(&adapter.model, &state.0)
}

fn within_boundary<SM: stateright::Model>(adapter: &Stateright<SM>, state: &SrState<SM::State>) -> bool {
    adapter.model.within_boundary(&state.0)
}

macro_rules! conditions {
    ($($i:literal)*) => {
        /// `condition::<SM, i>` for every index below [`PROPERTIES_MAX`].
        fn conditions<SM>() -> [fn(&Stateright<SM>, &SrState<SM::State>) -> bool; PROPERTIES_MAX]
        where
            SM: stateright::Model,
        {
            [$(condition::<SM, $i>),*]
        }
    };
}

conditions!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);

/// Collects the leading identifier of a `Debug` rendering into a stack buffer
/// and stops the formatting (with an error) at the first other character.
struct VariantName {
    bytes: [u8; 64],
    len: usize,
}

impl fmt::Write for VariantName {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if !(b.is_ascii_alphanumeric() || b == b'_') || self.len == self.bytes.len() {
                return Err(fmt::Error);
            }
            self.bytes[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

impl<SM> Model for Stateright<SM>
where
    SM: stateright::Model + Send + Sync,
    SM::State: Clone + PartialEq + Hash + Debug + Send + Sync,
    SM::Action: Clone + PartialEq + Debug + Send + Sync,
{
    type State = SrState<SM::State>;
    type Action = SrAction<SM::Action>;

    fn init(&self, states: &mut Vec<Self::State>) {
        states.extend(self.model.init_states().into_iter().map(SrState));
    }

    fn next(&self, state: &Self::State, steps: &mut Vec<(Self::Action, Self::State)>) {
        let mut actions = Vec::new();
        self.model.actions(&state.0, &mut actions);
        for action in actions {
            if let Some(successor) = self.model.next_state(&state.0, action.clone()) {
                steps.push((SrAction(action), SrState(successor)));
            }
        }
    }

    fn action_name(&self, action: &Self::Action) -> &'static str {
        if let [only] = self.action_names {
            if *only == NEXT {
                return NEXT;
            }
        }
        let mut variant = VariantName { bytes: [0; 64], len: 0 };
        // Err only means the writer stopped after the variant name.
        let _ = write!(variant, "{:?}", action.0);
        let variant = &variant.bytes[..variant.len];
        match self.action_names.iter().find(|name| name.as_bytes() == variant) {
            Some(name) => name,
            None => panic!(
                "action {:?} is of variant {:?}, which is not among the action names given to \
                 Stateright::with_action_names ({:?})",
                action.0,
                String::from_utf8_lossy(variant),
                self.action_names
            ),
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        self.action_names.to_vec()
    }

    fn format_action(&self, action: &Self::Action) -> String {
        self.model.format_action(&action.0)
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        let conditions = conditions::<SM>();
        (self.properties.iter().enumerate())
            .filter(|(_, p)| p.expectation == Expectation::Always)
            .map(|(i, p)| Invariant::state(p.name, conditions[i]))
            .collect()
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let conditions = conditions::<SM>();
        (self.properties.iter().enumerate())
            .filter_map(|(i, p)| match p.expectation {
                Expectation::Always => None,
                Expectation::Sometimes => Some(Property::sometimes(p.name, conditions[i])),
                Expectation::Eventually => Some(Property::eventually(p.name, conditions[i])),
            })
            .collect()
    }

    fn fairness(&self) -> Vec<Fairness> {
        self.action_names.iter().map(|name| Fairness::weak(name)).collect()
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![Constraint::state(WITHIN_BOUNDARY, within_boundary::<SM>)]
    }
}

#[cfg(test)]
mod histories;
#[cfg(test)]
mod linearizability_tests;
#[cfg(test)]
#[path = "../../tests/reference.rs"]
mod naive;
#[cfg(test)]
mod sequential_consistency_tests;
#[cfg(test)]
mod tests;
