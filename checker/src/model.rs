//! The API boundary for model authors: the [`Model`] trait and the named items
//! (invariants, properties, fairness, constraints, symmetries) a model declares.
//!
//! A model is `Init /\ [][Next]_vars /\ Fairness` written in Rust. Its fields are
//! the spec's `CONSTANTS`. Everything a check spec can name is declared here with
//! a `&'static str` name and a plain `fn` pointer, so a `.cfg` file selects items
//! by name and unknown names are reported with the valid choices.

use std::fmt::Debug;
use std::hash::Hash;

use crate::value::Value;

/// A protocol written as a TLA+-style state machine.
///
/// # Contract
///
/// - **Determinism of the successor set.** For a given state, `next` must emit
///   the same *set* of `(action, successor)` steps every time it is called. The
///   order may vary. The checker rebuilds counterexamples by calling `next` again,
///   so a model that reads a clock, a random number generator, a global counter
///   or iterates a `HashMap` with a random seed is reported as a model error.
/// - **Disabled actions are absent.** `next` emits only the steps that are
///   enabled; a state from which `next` emits nothing is a deadlock (reported
///   unless the check spec says `CHECK_DEADLOCK FALSE`).
/// - **Names.** [`Model::action_name`] returns one of [`Model::action_names`],
///   the TLA+ operator name of the disjunct of `Next` that the action belongs to
///   (`RMPrepare`), while `format_action` shows the action with its parameters
///   (`RMPrepare(r2)`).
/// - **Symmetry.** A symmetry names a set of renamings of model values that
///   change nothing the check spec can see: `next` commutes with them (the
///   successors of a renamed state are the renamed successors), and every
///   invariant, step invariant, constraint, action constraint and property
///   predicate gives the same answer on a state (a step) and on its renaming.
///   Declare it with [`Symmetry::permutations`] (the engine enumerates the
///   permutations and picks each class's least member, so it is idempotent by
///   construction) or, as an escape hatch, with a hand-written
///   [`Symmetry::canonicalizer`], which must be idempotent (`c(c(s)) == c(s)`).
///   The engine audits this contract on the first states of every run (see
///   `CheckConfig::symmetry_audit`) and reports a difference as a model error.
/// - **Panics** in any method are caught and reported as a model error with the
///   state and the trace that reached it.
pub trait Model: Sized + Send + Sync {
    /// A state: the values of all the spec's variables.
    type State: Clone + Eq + Hash + Debug + Send + Sync;
    /// One step of `Next`, with its parameters (`RMPrepare(r2)`).
    type Action: Clone + Eq + Hash + Debug + Send + Sync;

    /// `Init`: pushes every initial state.
    fn init(&self, states: &mut Vec<Self::State>);

    /// `Next`: pushes every enabled `(action, successor)` step from `state`.
    fn next(&self, state: &Self::State, steps: &mut Vec<(Self::Action, Self::State)>);

    /// The name of the `Next` disjunct `action` belongs to; one of [`Model::action_names`].
    ///
    /// The default reads it from [`Model::actions`]; a model that does not
    /// declare its [`ActionTable`] implements this method and
    /// [`Model::action_names`] instead.
    fn action_name(&self, action: &Self::Action) -> &'static str {
        match self.actions() {
            Some(table) => table.name(action),
            None => panic!(
                "the model implements neither `Model::action_name` nor `Model::actions`: derive ActionNames for \
                 its action type and return `Some(ActionTable::derived())` from `Model::actions`"
            ),
        }
    }

    /// Every disjunct of `Next`, in the order the source spec lists them.
    /// Coverage is reported per name; a name that never fires is flagged.
    ///
    /// The default is the names of [`Model::actions`] (none without one).
    fn action_names(&self) -> Vec<&'static str> {
        self.actions().map(|table| table.names.to_vec()).unwrap_or_default()
    }

    /// The action names as one table, when the action type knows them:
    /// `Some(ActionTable::derived())` for an action type that derives
    /// [`ActionNames`], which makes [`Model::action_name`] and
    /// [`Model::action_names`] unnecessary and lets the search count
    /// coverage by the variant's index instead of by name. The default,
    /// `None`, keeps those two methods the source of names.
    ///
    /// If the model also implements [`Model::action_names`], the two must
    /// list the same names in the same order; a check refuses to start
    /// otherwise.
    fn actions(&self) -> Option<ActionTable<Self::Action>> {
        None
    }

    /// The actions among [`Model::action_names`] that this instance's
    /// constants switch off (a fault whose budget is 0): coverage lists them
    /// as disabled by configuration rather than flagging them as never fired.
    fn disabled_actions(&self) -> Vec<&'static str> {
        Vec::new()
    }

    /// The action with its parameters, as shown in traces: `RMPrepare(r2)`.
    fn format_action(&self, action: &Self::Action) -> String {
        format!("{action:?}")
    }

    /// The state as named variables, as shown in traces and written to ITF.
    /// The default shows the whole state as one variable, `state`.
    fn variables(&self, state: &Self::State) -> Vec<(&'static str, Value)> {
        vec![("state", Value::Str(format!("{state:?}")))]
    }

    /// The action's parameters by name, as written to ITF trace files:
    /// `[("rm", r2)]` for `RMPrepare(r2)`. The default gives none; the action's
    /// label ([`Model::format_action`]) still shows them.
    fn action_parameters(&self, action: &Self::Action) -> Vec<(&'static str, Value)> {
        let _ = action;
        Vec::new()
    }

    /// The nodes of a distributed protocol in `state` (servers, clients, the
    /// TM and each RM), in the order a message sequence chart draws their
    /// lifelines. The default, no nodes, draws no chart.
    ///
    /// Called only to render traces, never during the search.
    fn nodes(&self, state: &Self::State) -> Vec<String> {
        let _ = state;
        Vec::new()
    }

    /// Which node takes the step `from -action-> to`, which messages the
    /// step sends, delivers, drops or duplicates, which nodes crash or
    /// restart in it and whether it partitions or heals the network: what a
    /// message sequence chart draws. The chart matches a delivery to
    /// its send by the envelope (sender, receiver and message), so a model
    /// names messages rather than letting the renderer guess from strings.
    ///
    /// Must be a function of the step. Called only to render traces, never
    /// during the search, so it may allocate freely. The default says nothing.
    fn step_messages(&self, from: &Self::State, action: &Self::Action, to: &Self::State) -> StepMessages {
        let _ = (from, action, to);
        StepMessages::default()
    }

    /// Named invariants: state predicates (`[]P`) and step predicates (`[][A]_vars`).
    fn invariants(&self) -> Vec<Invariant<Self>> {
        Vec::new()
    }

    /// Named temporal properties and reachability witnesses.
    fn properties(&self) -> Vec<Property<Self>> {
        Vec::new()
    }

    /// Named state predicates, for temporal formulas written in check specs
    /// (`PROPERTY Live == Prepared ~> Decided`). State invariants may be
    /// named in formulas too.
    fn predicates(&self) -> Vec<Predicate<Self>> {
        Vec::new()
    }

    /// Fairness conditions the model assumes (a check spec may add more).
    fn fairness(&self) -> Vec<Fairness> {
        Vec::new()
    }

    /// Named state constraints (`CONSTRAINT`) and action constraints (`ACTION_CONSTRAINT`).
    fn constraints(&self) -> Vec<Constraint<Self>> {
        Vec::new()
    }

    /// Named symmetries (`SYMMETRY`): each maps a state to its canonical representative.
    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        Vec::new()
    }

    /// How checkpoints (`--checkpoint`) write states and read them back. The
    /// default, `None`, makes a checkpointed run of this model a config
    /// error; a state that implements serde's traits returns
    /// `Some(StateCodec::serde())`.
    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        None
    }
}

/// An action type whose values each belong to one disjunct of `Next`, with
/// the disjuncts' names: derive it with `#[derive(ActionNames)]`.
///
/// On an enum, each variant is a disjunct, in declaration order, named like
/// the variant, or `#[action(name = "...")]`, or in the case
/// `#[action(rename_all = "...")]` on the enum gives (`lowercase`,
/// `UPPERCASE`, `snake_case`, `camelCase`). On a struct, the one field
/// marked `#[action]` (of a type that derives `ActionNames`) names the
/// action and the other fields are its parameters. Two variants of the same
/// name do not compile. The derive names the trait through the facade crate
/// `bivalent`; a crate that depends on `checker` directly adds
/// `#[action(crate = "checker")]` to the type.
///
/// ```
/// use checker::spec::ActionNames;
///
/// #[derive(ActionNames)]
/// #[action(crate = "checker")]
/// enum Step {
///     #[action(name = "RMPrepare")]
///     Prepare(u8),
///     Commit,
///     Abort { rm: u8 },
/// }
///
/// assert_eq!(Step::NAMES, ["RMPrepare", "Commit", "Abort"]);
/// assert_eq!(Step::Abort { rm: 2 }.index(), 2);
/// assert_eq!(Step::Prepare(1).name(), "RMPrepare");
///
/// // A struct: one field names the action, the others are its parameters.
/// #[derive(ActionNames)]
/// #[action(crate = "checker")]
/// struct Labelled {
///     #[action]
///     step: Step,
///     process: u8,
/// }
///
/// assert_eq!(Labelled { step: Step::Commit, process: 0 }.name(), "Commit");
/// ```
///
/// Two variants of one name are a compile error:
///
/// ```compile_fail
/// # use checker::spec::ActionNames;
/// #[derive(ActionNames)]
/// #[action(crate = "checker", rename_all = "lowercase")]
/// enum Step {
///     Commit,
///     COMMIT,
/// }
/// ```
///
/// and so is a struct whose action field is not marked:
///
/// ```compile_fail
/// # use checker::spec::ActionNames;
/// #[derive(ActionNames)]
/// #[action(crate = "checker")]
/// struct Step {
///     process: u8,
/// }
/// ```
pub trait ActionNames {
    /// Every disjunct's name, in declaration order.
    const NAMES: &'static [&'static str];

    /// The position of this action's disjunct in [`ActionNames::NAMES`].
    fn index(&self) -> usize;

    /// This action's disjunct's name.
    fn name(&self) -> &'static str {
        Self::NAMES[self.index()]
    }
}

/// The action names of a model and how to find an action's among them
/// ([`Model::actions`]).
pub struct ActionTable<A> {
    /// Every disjunct of `Next`, as [`Model::action_names`] lists them.
    pub names: &'static [&'static str],
    /// The position of an action's disjunct in `names`.
    pub index: fn(&A) -> usize,
}

impl<A> ActionTable<A> {
    /// The table of an action type that derives [`ActionNames`].
    pub fn derived() -> ActionTable<A>
    where
        A: ActionNames,
    {
        ActionTable { names: A::NAMES, index: A::index }
    }

    /// The name of `action`'s disjunct.
    pub fn name(&self, action: &A) -> &'static str {
        self.names[(self.index)(action)]
    }
}

/// Constructors of a model's named items through `Self`, so that their
/// closures need no type annotations: `Self::invariant("TypeOK", |_, s| s.turn
/// <= 1)` knows `s` is a `&Self::State`, where `Invariant::state` in a `vec!`
/// needs `|_, s: &State|` (or `Invariant::<Self>::state`). Every model has
/// them; `spec::*` brings them into scope.
///
/// ```
/// use checker::spec::*;
///
/// struct Counter;
///
/// impl Model for Counter {
///     type State = (u8, bool);
///     type Action = ();
///     fn init(&self, states: &mut Vec<(u8, bool)>) {
///         states.push((0, false));
///     }
///     fn next(&self, s: &(u8, bool), steps: &mut Vec<((), (u8, bool))>) {
///         steps.push(((), ((s.0 + 1) % 3, !s.1)));
///     }
///     fn action_name(&self, _: &()) -> &'static str {
///         "Tick"
///     }
///     fn action_names(&self) -> Vec<&'static str> {
///         vec!["Tick"]
///     }
///     fn invariants(&self) -> Vec<Invariant<Self>> {
///         vec![
///             Self::invariant("BelowThree", |_, s| s.0 < 3),
///             Self::step_invariant("Counts", |_, from, _, to| to.0 == (from.0 + 1) % 3),
///         ]
///     }
///     fn predicates(&self) -> Vec<Predicate<Self>> {
///         vec![Self::predicate("Zero", |_, s| s.0 == 0), Self::predicate("Flag", |_, s| s.1)]
///     }
///     fn properties(&self) -> Vec<Property<Self>> {
///         vec![
///             Self::always_eventually("ZeroAgain", |_, s| s.0 == 0),
///             Self::leads_to("ZeroToTwo", |_, s| s.0 == 0, |_, s| s.0 == 2),
///             Self::sometimes("Two", |_, s| s.0 == 2),
///         ]
///     }
///     fn constraints(&self) -> Vec<Constraint<Self>> {
///         vec![Self::constraint("Small", |_, s| s.0 < 3), Self::action_constraint("Any", |_, _, _, _| true)]
///     }
/// }
///
/// assert_eq!(Counter.invariants()[0].name, "BelowThree");
/// ```
pub trait Declare: Model {
    /// [`Invariant::state`]: `[]P`.
    fn invariant(name: &'static str, predicate: StatePredicate<Self>) -> Invariant<Self> {
        Invariant::state(name, predicate)
    }
    /// [`Invariant::step`]: `[][A]_vars`.
    fn step_invariant(name: &'static str, predicate: StepPredicate<Self>) -> Invariant<Self> {
        Invariant::step(name, predicate)
    }
    /// [`Predicate::new`]: a state predicate for a check spec's formulas.
    fn predicate(name: &'static str, holds: StatePredicate<Self>) -> Predicate<Self> {
        Predicate::new(name, holds)
    }
    /// [`Property::eventually`]: `<>P`.
    fn eventually(name: &'static str, p: StatePredicate<Self>) -> Property<Self> {
        Property::eventually(name, p)
    }
    /// [`Property::always_eventually`]: `[]<>P`.
    fn always_eventually(name: &'static str, p: StatePredicate<Self>) -> Property<Self> {
        Property::always_eventually(name, p)
    }
    /// [`Property::eventually_always`]: `<>[]P`.
    fn eventually_always(name: &'static str, p: StatePredicate<Self>) -> Property<Self> {
        Property::eventually_always(name, p)
    }
    /// [`Property::leads_to`]: `P ~> Q`.
    fn leads_to(name: &'static str, p: StatePredicate<Self>, q: StatePredicate<Self>) -> Property<Self> {
        Property::leads_to(name, p, q)
    }
    /// [`Property::sometimes`]: a state satisfying `P` must be reachable.
    fn sometimes(name: &'static str, p: StatePredicate<Self>) -> Property<Self> {
        Property::sometimes(name, p)
    }
    /// [`Constraint::state`]: `CONSTRAINT`.
    fn constraint(name: &'static str, predicate: StatePredicate<Self>) -> Constraint<Self> {
        Constraint::state(name, predicate)
    }
    /// [`Constraint::action`]: `ACTION_CONSTRAINT`.
    fn action_constraint(name: &'static str, predicate: StepPredicate<Self>) -> Constraint<Self> {
        Constraint::action(name, predicate)
    }
}

impl<M: Model> Declare for M {}

/// Writes states to bytes and reads them back, for checkpoints. Decoding what
/// `encode` wrote must give an equal state.
pub struct StateCodec<S> {
    /// Appends the state's bytes to the buffer.
    pub encode: fn(&S, &mut Vec<u8>),
    /// The state encoded in these bytes, or `None` if they encode none.
    pub decode: fn(&[u8]) -> Option<S>,
}

impl<S: serde::Serialize + serde::de::DeserializeOwned> StateCodec<S> {
    /// The codec of a serde state, in postcard's compact binary format.
    pub fn serde() -> StateCodec<S> {
        StateCodec {
            encode: |state, out| {
                // Serializing plain data into a growable buffer cannot fail.
                if let Ok(bytes) = postcard::to_extend(state, std::mem::take(out)) {
                    *out = bytes;
                }
            },
            decode: |bytes| postcard::from_bytes(bytes).ok(),
        }
    }
}

/// A state predicate.
pub type StatePredicate<M> = fn(&M, &<M as Model>::State) -> bool;
/// A step predicate over `(from, action, to)`.
pub type StepPredicate<M> = fn(&M, &<M as Model>::State, &<M as Model>::Action, &<M as Model>::State) -> bool;

/// A named invariant.
pub struct Invariant<M: Model> {
    /// The name a check spec uses in `INVARIANT`, such as `TCConsistent`.
    pub name: &'static str,
    /// What must hold.
    pub kind: InvariantKind<M>,
}

/// What an invariant constrains.
pub enum InvariantKind<M: Model> {
    /// `[]P`: every reachable state satisfies the predicate.
    State(StatePredicate<M>),
    /// `[][A]_vars`: every step taken satisfies the predicate (stuttering steps trivially do).
    Step(StepPredicate<M>),
}

impl<M: Model> Invariant<M> {
    /// `[]P`.
    pub fn state(name: &'static str, predicate: StatePredicate<M>) -> Self {
        Invariant { name, kind: InvariantKind::State(predicate) }
    }

    /// `[][A]_vars`: a refinement or transition invariant.
    pub fn step(name: &'static str, predicate: StepPredicate<M>) -> Self {
        Invariant { name, kind: InvariantKind::Step(predicate) }
    }
}

/// A named state predicate, usable in a check spec's formulas.
pub struct Predicate<M: Model> {
    /// The name a formula uses.
    pub name: &'static str,
    /// The predicate.
    pub holds: StatePredicate<M>,
}

impl<M: Model> Predicate<M> {
    /// A named predicate.
    pub fn new(name: &'static str, holds: StatePredicate<M>) -> Self {
        Predicate { name, holds }
    }
}

/// A named temporal property or reachability witness.
pub struct Property<M: Model> {
    /// The name a check spec uses in `PROPERTY`.
    pub name: &'static str,
    /// The temporal formula.
    pub kind: PropertyKind<M>,
}

/// The temporal formulas a model can declare.
pub enum PropertyKind<M: Model> {
    /// `<>P`.
    Eventually(StatePredicate<M>),
    /// `[]<>P`.
    AlwaysEventually(StatePredicate<M>),
    /// `<>[]P`.
    EventuallyAlways(StatePredicate<M>),
    /// `P ~> Q`.
    LeadsTo(StatePredicate<M>, StatePredicate<M>),
    /// Some reachable state satisfies `P`; fails as a vacuity alarm when none does.
    Sometimes(StatePredicate<M>),
}

impl<M: Model> Property<M> {
    /// `<>P`.
    pub fn eventually(name: &'static str, p: StatePredicate<M>) -> Self {
        Property { name, kind: PropertyKind::Eventually(p) }
    }
    /// `[]<>P`.
    pub fn always_eventually(name: &'static str, p: StatePredicate<M>) -> Self {
        Property { name, kind: PropertyKind::AlwaysEventually(p) }
    }
    /// `<>[]P`.
    pub fn eventually_always(name: &'static str, p: StatePredicate<M>) -> Self {
        Property { name, kind: PropertyKind::EventuallyAlways(p) }
    }
    /// `P ~> Q`.
    pub fn leads_to(name: &'static str, p: StatePredicate<M>, q: StatePredicate<M>) -> Self {
        Property { name, kind: PropertyKind::LeadsTo(p, q) }
    }
    /// A state satisfying `P` must be reachable.
    pub fn sometimes(name: &'static str, p: StatePredicate<M>) -> Self {
        Property { name, kind: PropertyKind::Sometimes(p) }
    }
}

/// Weak or strong fairness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strength {
    /// `WF`: an action continuously enabled from some point on is eventually taken.
    Weak,
    /// `SF`: an action enabled infinitely often is eventually taken.
    Strong,
}

/// A fairness condition on the steps of one `Next` disjunct, or of a union of
/// several (`WF(A \/ B)`), split per instance or per value of selected
/// parameters if asked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fairness {
    /// `WF` or `SF`.
    pub strength: Strength,
    /// An action name from [`Model::action_names`].
    pub action: &'static str,
    /// `true` for `\A p: WF(A(p))`: every parameter instance of the action is fair
    /// on its own. `false` for `WF(A)`, fairness of the union of the instances.
    pub per_instance: bool,
    /// The further actions of a union, `B` and `C` in `WF(A \/ B \/ C)`: the
    /// condition is enabled when a step of any of them is, and met by a step
    /// of any of them. Empty for `WF(A)`. ([`Fairness::or`])
    pub or: Vec<&'static str>,
    /// Parameters, by their names in [`Model::action_parameters`], that split
    /// the condition: one condition per value of these parameters, each on
    /// the steps that have that value (`\A i : WF(\E m : Receive(i, m))`).
    /// Empty for no split. ([`Fairness::per`])
    pub parameters: Vec<&'static str>,
}

impl Fairness {
    /// `WF(action)`.
    pub fn weak(action: &'static str) -> Self {
        Fairness { strength: Strength::Weak, action, per_instance: false, or: Vec::new(), parameters: Vec::new() }
    }
    /// `SF(action)`.
    pub fn strong(action: &'static str) -> Self {
        Fairness { strength: Strength::Strong, action, per_instance: false, or: Vec::new(), parameters: Vec::new() }
    }
    /// `\A p: WF(action(p))`.
    pub fn weak_each(action: &'static str) -> Self {
        Fairness { per_instance: true, ..Fairness::weak(action) }
    }
    /// `\A p: SF(action(p))`.
    pub fn strong_each(action: &'static str) -> Self {
        Fairness { per_instance: true, ..Fairness::strong(action) }
    }
    /// The union with one more action: `Fairness::weak("A").or("B")` is
    /// `WF(A \/ B)`, which is weaker than `WF(A) /\ WF(B)` (a behaviour that
    /// keeps taking `B` meets it while `A` stays enabled and never taken).
    pub fn or(mut self, action: &'static str) -> Self {
        self.or.push(action);
        self
    }
    /// One condition per value of the named parameters (names from
    /// [`Model::action_parameters`], which every action of the condition must
    /// give): `Fairness::weak("Receive").per(&["i"])` is
    /// `\A i : WF(\E m : Receive(i, m))`, fair to each receiver, not to each
    /// message. Replaces [`Fairness::weak_each`]'s split by instance.
    pub fn per(mut self, parameters: &[&'static str]) -> Self {
        self.per_instance = false;
        self.parameters = parameters.to_vec();
        self
    }
}

/// A named state or action constraint.
pub struct Constraint<M: Model> {
    /// The name a check spec uses in `CONSTRAINT` or `ACTION_CONSTRAINT`.
    pub name: &'static str,
    /// The predicate.
    pub kind: ConstraintKind<M>,
}

/// What a constraint restricts. Both follow TLC: a successor is kept only if
/// it satisfies every state constraint and its step every action constraint.
/// A successor that is not kept is still checked against the state
/// invariants, every time it is generated, but never stored, counted or
/// expanded; step invariants are checked on every step `next` emits, kept or
/// not; and a state whose steps are all cut is no deadlock (`next` emitted
/// something).
///
/// For liveness, behaviours are those of the graph inside the constraints,
/// and any state may stutter forever; but `ENABLED` and fairness see every
/// step of `next`, so an action whose only step leaves the constraints is
/// enabled there and never taken.
pub enum ConstraintKind<M: Model> {
    /// `CONSTRAINT`: a state outside it is still checked against the
    /// invariants, then not stored or expanded.
    State(StatePredicate<M>),
    /// `ACTION_CONSTRAINT`: a step outside it is not taken; its target is
    /// still checked against the invariants (as a state outside `CONSTRAINT`
    /// is), and the step against the step invariants.
    Action(StepPredicate<M>),
}

impl<M: Model> Constraint<M> {
    /// A state constraint.
    pub fn state(name: &'static str, predicate: StatePredicate<M>) -> Self {
        Constraint { name, kind: ConstraintKind::State(predicate) }
    }
    /// An action constraint.
    pub fn action(name: &'static str, predicate: StepPredicate<M>) -> Self {
        Constraint { name, kind: ConstraintKind::Action(predicate) }
    }
}

/// A named symmetry (`SYMMETRY RM`): which states are the same up to a
/// renaming of model values, so that the search stores one state per class.
///
/// A symmetry is only sound if nothing checked tells a state from its renamings
/// (see the contract on [`Model`]); a check spec that names it must not check
/// liveness.
pub struct Symmetry<M: Model> {
    /// The name a check spec uses in `SYMMETRY`, usually the constant permuted.
    pub name: &'static str,
    /// How the classes are defined.
    pub kind: SymmetryKind<M>,
}

/// How a [`Symmetry`] defines its classes.
pub enum SymmetryKind<M: Model> {
    /// Every permutation of one or more sets of model values, enumerated by the
    /// engine (TLC's `Permutations(S)`); the model says only how to rename.
    Permutations(Permutations<M>),
    /// A hand-written canonicalizer: maps every state to one representative of
    /// its class. It must be idempotent and pick the same representative for
    /// every member of a class; the engine can check the first, not the second.
    Canonicalizer(fn(&M, &M::State) -> M::State),
}

/// A symmetry under permutations of sets of model values: the group is every
/// permutation of each set (the product, for several sets), or the group the
/// kept permutations generate. A state's canonical form is the least of its
/// images under the group (by the state's `Ord`), so two states get the same
/// canonical form exactly when one is a renaming of the other.
pub struct Permutations<M: Model> {
    /// The model values of each permuted set, in the order the state indexes
    /// them: element `i` of set `k` is `sets[k][i]`. Shown in error messages.
    pub sets: Vec<Vec<String>>,
    /// The image of a state when element `i` of set `k` is renamed
    /// `permutation.set(k)[i]`: every field that holds or is indexed by an
    /// element of a permuted set is renamed. Must be a group action (renaming
    /// by `p` then by `q` is renaming by their composition), which any
    /// faithful renaming is.
    pub apply: fn(&M, &M::State, &Permutation) -> M::State,
    /// Keeps only some permutations (for example those that map a quorum
    /// system onto itself); the group is then the one they generate, so keep
    /// only permutations that are symmetries of the model. `None` keeps all.
    pub keep: Option<fn(&M, &Permutation) -> bool>,
    /// The order whose least image is the canonical form: the state's `Ord`.
    pub order: fn(&M::State, &M::State) -> std::cmp::Ordering,
}

impl<M: Model> Symmetry<M> {
    /// A symmetry under every permutation of each of `sets` (TLC's
    /// `Permutations(S)`; with several sets, their product). `apply` renames
    /// a state; the engine does the rest.
    pub fn permutations(
        name: &'static str,
        sets: Vec<Vec<String>>,
        apply: fn(&M, &M::State, &Permutation) -> M::State,
    ) -> Self
    where
        M::State: Ord,
    {
        let order: fn(&M::State, &M::State) -> std::cmp::Ordering = Ord::cmp;
        Symmetry { name, kind: SymmetryKind::Permutations(Permutations { sets, apply, keep: None, order }) }
    }

    /// A symmetry given by a hand-written canonicalizer (the escape hatch for
    /// classes that are not permutations of model values, or for a faster
    /// canonical form). It must be idempotent and give every member of a
    /// class the same representative.
    pub fn canonicalizer(name: &'static str, canonicalize: fn(&M, &M::State) -> M::State) -> Self {
        Symmetry { name, kind: SymmetryKind::Canonicalizer(canonicalize) }
    }

    /// Keeps only the permutations `keep` accepts (and the group they
    /// generate). A model error if this symmetry is not a
    /// [`Symmetry::permutations`].
    pub fn keeping(mut self, keep: fn(&M, &Permutation) -> bool) -> Self {
        match &mut self.kind {
            SymmetryKind::Permutations(p) => p.keep = Some(keep),
            SymmetryKind::Canonicalizer(_) => {
                panic!("symmetry {} is a canonicalizer; only permutation symmetries keep permutations", self.name)
            }
        }
        self
    }
}

impl<M: Model> Permutations<M> {
    /// The most permutations a symmetry may have: a state is renamed by each
    /// of them every time it is fingerprinted.
    pub const MAX: usize = 362_880;

    /// The group, identity first, in the order of [`Permutation::index`]: every
    /// permutation of the sets, or the group the kept ones generate. An error
    /// names the sets when there are more than [`Permutations::MAX`].
    pub fn group(&self, model: &M) -> Result<Vec<Permutation>, String> {
        let sizes: Vec<usize> = self.sets.iter().map(Vec::len).collect();
        match Permutation::count(&sizes) {
            Some(count) if count <= Self::MAX => {}
            _ => {
                let sizes: Vec<String> = sizes.iter().map(|n| format!("{n}!")).collect();
                return Err(format!(
                    "it has {} permutations, more than the {} bivalent enumerates for every state; \
                     use fewer model values, or a hand-written canonicalizer",
                    sizes.join(" x "),
                    Self::MAX
                ));
            }
        }
        let all = Permutation::all(&sizes);
        Ok(match self.keep {
            None => all,
            Some(keep) => crate::symmetry::generated(all.into_iter().filter(|p| keep(model, p)).collect(), &sizes),
        })
    }
}

pub use crate::symmetry::Permutation;

/// What one step does between the nodes of a distributed protocol, for
/// message sequence charts ([`Model::step_messages`]): who acts, the messages
/// sent, delivered, lost and duplicated, and the faults that change which
/// nodes can take steps (`crashed`, `restarted`) and which can reach each
/// other (`partition`).
///
/// Only changes are told: a chart draws a node as down from the step that
/// crashes it to the step that restarts it, and a partition's sides as groups
/// from the step that splits the network to the step that heals it (or the
/// end of the trace). A step that says nothing about them leaves them as
/// they were.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StepMessages {
    /// The node that takes the step, one of [`Model::nodes`]; `None` for a step
    /// of the environment (the network, a clock).
    pub actor: Option<String>,
    /// Messages the step sends. A broadcast is one envelope per receiver.
    pub sent: Vec<Envelope>,
    /// Messages the step delivers (receives). A delivery of an envelope that
    /// was delivered before is drawn as a duplicate.
    pub delivered: Vec<Envelope>,
    /// Messages the network loses in this step.
    pub dropped: Vec<Envelope>,
    /// Messages the network duplicates in this step (each copy may be delivered).
    pub duplicated: Vec<Envelope>,
    /// Nodes that crash in this step.
    pub crashed: Vec<String>,
    /// Nodes that come back up in this step after a crash. A node both here
    /// and in `crashed` crashes and restarts within the step, as Raft's
    /// `Restart` does: it is never drawn as down.
    pub restarted: Vec<String>,
    /// How the step changes the network's connectivity: `None` when it does
    /// not (most steps), `Some(Partition::Split(sides))` when the network
    /// splits, or splits differently, and `Some(Partition::Heal)` when every
    /// node can reach every other again.
    pub partition: Option<Partition>,
}

/// A change of the network's connectivity in one step
/// ([`StepMessages::partition`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Partition {
    /// From this step on, the nodes are split into these sides, each a group
    /// of nodes that reach one another and no node of another side; a node
    /// the model leaves out of every side belongs to none. Sides are drawn in
    /// the order given, and should not share a node (a chart puts a shared
    /// node in the first side that lists it).
    Split(Vec<Vec<String>>),
    /// From this step on, the network is whole again.
    Heal,
}

impl StepMessages {
    /// A step taken by `node` that sends and delivers nothing yet.
    pub fn by(node: impl Into<String>) -> StepMessages {
        StepMessages { actor: Some(node.into()), ..StepMessages::default() }
    }

    /// Whether the step says nothing at all (the default).
    pub fn is_empty(&self) -> bool {
        *self == StepMessages::default()
    }
}

/// A message between two nodes. Two envelopes are the same message when
/// sender, receiver and message are equal; `label` only names it in charts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Envelope {
    /// The sending node.
    pub from: String,
    /// The receiving node.
    pub to: String,
    /// The message itself, as the model's variables show it: `[type |-> "Commit"]`.
    pub message: Value,
    /// A short name for charts: `Commit`. [`Envelope::new`] uses the message as printed.
    pub label: String,
}

impl Envelope {
    /// `message` from `from` to `to`, labelled as printed.
    pub fn new(from: impl Into<String>, to: impl Into<String>, message: Value) -> Envelope {
        let label = message.to_string();
        Envelope { from: from.into(), to: to.into(), message, label }
    }

    /// The same envelope with a shorter label for charts.
    pub fn labelled(self, label: impl Into<String>) -> Envelope {
        Envelope { label: label.into(), ..self }
    }
}
