//! `TCommit`: the transaction commit *specification*, transcribed from
//! `TCommit.tla` (Lamport; tlaplus/Examples, `specifications/transaction_commit/`),
//! which accompanies Gray and Lamport, "Consensus on Transaction Commit".
//!
//! The module has one variable, `rmState`, a function from the resource managers
//! `RM` to `{"working", "prepared", "committed", "aborted"}`, and two actions:
//!
//! ```tla
//! Prepare(r) == rmState[r] = "working" /\ rmState' = [rmState EXCEPT ![r] = "prepared"]
//! Decide(r)  == \/ /\ rmState[r] = "prepared" /\ canCommit
//!                  /\ rmState' = [rmState EXCEPT ![r] = "committed"]
//!               \/ /\ rmState[r] \in {"working", "prepared"} /\ notCommitted
//!                  /\ rmState' = [rmState EXCEPT ![r] = "aborted"]
//! TCNext == \E r \in RM : Prepare(r) \/ Decide(r)
//! ```
//!
//! where `canCommit` says every RM is prepared or committed and `notCommitted`
//! says no RM is committed. The safety property is `TCConsistent`: no RM has
//! aborted while another has committed. No messages appear: the spec states what
//! the RMs may decide, and leaves how they learn of each other to protocols such
//! as [`super::TwoPhase`], which check that they refine it.
//!
//! Once every RM has committed or aborted nothing is enabled, so a complete run
//! ends in a deadlock; TLC's `TCommit.cfg` says `CHECK_DEADLOCK FALSE`, and so
//! does `specs/tcommit-3.cfg`. TLC finds 34 distinct states with three RMs.

use std::fmt;

use checker::spec::{ActionNames, ActionTable, ConfigError, Constants, Declare, Invariant, Model, StateCodec, Value};

use super::{resource_managers, rm_state_value, Rm, RmState};

/// The transaction commit specification over a set of resource managers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TCommit {
    /// The model values of `RM`, sorted; RM `r` is `rm[r]`. Between 1 and
    /// [`TCommit::RM_MAX`] names, so that every index fits the packed state.
    rm: Vec<String>,
    /// Bit `2r` of every RM: the low bit of each `rmState` code. The predicates
    /// test all RMs at once through it instead of looping.
    rm_low: u32,
}

/// `rmState`, packed two bits per RM: RM `r` holds [`RmState`] code
/// `(bits >> 2r) & 3`.
///
/// The bits above RM `n - 1` are always zero; `TCTypeOK` checks this, since it
/// is what makes the domain of `rmState` exactly `RM`. The initial state, every
/// RM working, is zero.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct TCommitState(u32);

/// One step of `TCNext`.
///
/// `Decide(r)` names both of its disjuncts, as the TLA+ operator does: when RM
/// `r` is prepared and every RM is prepared, `Decide(r)` may commit it or abort
/// it, and `next` emits both steps under the same action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ActionNames)]
#[action(crate = "checker")]
pub enum TCommitAction {
    /// `Prepare(r)`.
    Prepare(Rm),
    /// `Decide(r)`.
    Decide(Rm),
}

impl TCommit {
    /// The most RMs a state can hold: 16 two-bit fields fill a `u32`.
    pub const RM_MAX: usize = 16;

    /// The constants this model reads, for [`Constants::expect_only`].
    pub const CONSTANTS: &'static [&'static str] = &["RM"];

    /// A model over the given RM names, which must number 1 to [`TCommit::RM_MAX`].
    pub fn new(rm: Vec<String>) -> TCommit {
        assert!(!rm.is_empty(), "TCommit needs at least one RM");
        assert!(rm.len() <= Self::RM_MAX, "TCommit supports at most {} RMs, not {}", Self::RM_MAX, rm.len());
        let rm_low = (0..rm.len()).fold(0, |low, r| low | 1 << (2 * r));
        TCommit { rm, rm_low }
    }

    /// The model a check spec's `CONSTANTS` describe: `RM = {r1, r2, r3}`.
    pub fn from_constants(constants: &Constants) -> Result<TCommit, ConfigError> {
        constants.expect_only(Self::CONSTANTS)?;
        Ok(TCommit::new(resource_managers(constants, Self::RM_MAX)?))
    }

    /// The number of RMs.
    pub fn rm_count(&self) -> usize {
        self.rm.len()
    }

    /// The model value naming RM `r`.
    pub fn rm_name(&self, r: Rm) -> &str {
        &self.rm[usize::from(r)]
    }

    fn rms(&self) -> impl Iterator<Item = Rm> {
        // `new` bounds the count by RM_MAX, so every index fits an Rm.
        0..self.rm.len() as Rm
    }

    /// `canCommit == \A r \in RM : rmState[r] \in {"prepared", "committed"}`:
    /// the codes `0b01` and `0b10`, the two whose bits differ.
    pub fn can_commit(&self, s: TCommitState) -> bool {
        (s.0 ^ (s.0 >> 1)) & self.rm_low == self.rm_low
    }

    /// `notCommitted == \A r \in RM : rmState[r] # "committed"`: no code `0b10`.
    pub fn not_committed(&self, s: TCommitState) -> bool {
        (s.0 >> 1) & !s.0 & self.rm_low == 0
    }

    /// `Prepare(r)`: the successor, or `None` when the action is disabled.
    pub fn prepare(&self, s: TCommitState, r: Rm) -> Option<TCommitState> {
        (s.rm_state(r) == RmState::Working).then(|| s.with_rm_state(r, RmState::Prepared))
    }

    /// The first disjunct of `Decide(r)`: commit.
    pub fn decide_commit(&self, s: TCommitState, r: Rm) -> Option<TCommitState> {
        (s.rm_state(r) == RmState::Prepared && self.can_commit(s)).then(|| s.with_rm_state(r, RmState::Committed))
    }

    /// The second disjunct of `Decide(r)`: abort.
    pub fn decide_abort(&self, s: TCommitState, r: Rm) -> Option<TCommitState> {
        let undecided = matches!(s.rm_state(r), RmState::Working | RmState::Prepared);
        (undecided && self.not_committed(s)).then(|| s.with_rm_state(r, RmState::Aborted))
    }

    /// `TCTypeOK == rmState \in [RM -> {"working", "prepared", "committed", "aborted"}]`.
    ///
    /// Every two-bit code is one of the four strings, so only the domain can be
    /// wrong: a bit set for an RM outside `RM`.
    pub fn tc_type_ok(&self, s: TCommitState) -> bool {
        u64::from(s.0) >> (2 * self.rm_count()) == 0
    }

    /// `TCConsistent == \A r1, r2 \in RM : ~(rmState[r1] = "aborted" /\ rmState[r2] = "committed")`.
    pub fn tc_consistent(&self, s: TCommitState) -> bool {
        let aborted = self.rms().any(|r| s.rm_state(r) == RmState::Aborted);
        let committed = self.rms().any(|r| s.rm_state(r) == RmState::Committed);
        !(aborted && committed)
    }

    /// `[TCNext]_rmState`: the step from `from` to `to` is a `TCNext` step or
    /// leaves `rmState` unchanged.
    ///
    /// Every `TCommit` action changes exactly one RM's state, so a step that
    /// changes two is no `TCNext` step, and a step that changes only RM `r` can
    /// only be `Prepare(r)` or `Decide(r)`. Checking that one RM instead of
    /// quantifying over all of them keeps the refinement check of `TwoPhase`
    /// cheap; a unit test compares it with the successors `next` emits.
    pub fn is_next_or_stutter(&self, from: TCommitState, to: TCommitState) -> bool {
        let changed = from.0 ^ to.0;
        if changed == 0 {
            return true;
        }
        let r = (changed.trailing_zeros() / 2) as Rm;
        if changed & !(0b11 << (2 * r)) != 0 {
            return false;
        }
        let to = Some(to);
        self.prepare(from, r) == to || self.decide_commit(from, r) == to || self.decide_abort(from, r) == to
    }
}

impl TCommitState {
    /// `rmState[r]`.
    #[inline]
    pub fn rm_state(self, r: Rm) -> RmState {
        RmState::from_bits(u64::from(self.0 >> (2 * r)))
    }

    /// `[rmState EXCEPT ![r] = state]`.
    #[inline]
    pub fn with_rm_state(self, r: Rm, state: RmState) -> TCommitState {
        let shift = 2 * u32::from(r);
        TCommitState((self.0 & !(0b11 << shift)) | (state as u32) << shift)
    }

    /// The state with the given packed bits, two per RM from the lowest.
    #[inline]
    pub(super) fn from_packed(bits: u32) -> TCommitState {
        TCommitState(bits)
    }

    /// The state whose `rmState` holds the given values for RMs `0, 1, ...`.
    pub fn from_rm_states(states: impl IntoIterator<Item = RmState>) -> TCommitState {
        let mut s = TCommitState(0);
        for (r, state) in states.into_iter().enumerate() {
            assert!(r < TCommit::RM_MAX, "a TCommit state holds at most {} RMs", TCommit::RM_MAX);
            s = s.with_rm_state(r as Rm, state);
        }
        s
    }
}

impl fmt::Debug for TCommitState {
    /// The packed bits, two per RM from the lowest: `0` working, `1` prepared,
    /// `2` committed, `3` aborted. The number of RMs is not stored, so the
    /// state cannot name them; traces use [`Model::variables`] instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TCommitState({:#010x})", self.0)
    }
}

impl Model for TCommit {
    type State = TCommitState;
    type Action = TCommitAction;

    /// `TCInit == rmState = [r \in RM |-> "working"]`.
    fn init(&self, states: &mut Vec<TCommitState>) {
        states.push(TCommitState(0));
    }

    /// `TCNext == \E r \in RM : Prepare(r) \/ Decide(r)`.
    fn next(&self, s: &TCommitState, steps: &mut Vec<(TCommitAction, TCommitState)>) {
        let s = *s;
        for r in self.rms() {
            if let Some(t) = self.prepare(s, r) {
                steps.push((TCommitAction::Prepare(r), t));
            }
            if let Some(t) = self.decide_commit(s, r) {
                steps.push((TCommitAction::Decide(r), t));
            }
            if let Some(t) = self.decide_abort(s, r) {
                steps.push((TCommitAction::Decide(r), t));
            }
        }
    }

    /// `Prepare` and `Decide`, named by the variants (`ActionNames`).
    fn actions(&self) -> Option<ActionTable<TCommitAction>> {
        Some(ActionTable::derived())
    }

    fn format_action(&self, action: &TCommitAction) -> String {
        match *action {
            TCommitAction::Prepare(r) => format!("Prepare({})", self.rm_name(r)),
            TCommitAction::Decide(r) => format!("Decide({})", self.rm_name(r)),
        }
    }

    fn variables(&self, s: &TCommitState) -> Vec<(&'static str, Value)> {
        vec![("rmState", rm_state_value(&self.rm, |r| s.rm_state(r as Rm)))]
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Self::invariant("TCTypeOK", |m, s| m.tc_type_ok(*s)),
            Self::invariant("TCConsistent", |m, s| m.tc_consistent(*s)),
        ]
    }
}
