//! `TwoPhase`: the two-phase commit *protocol*, transcribed from `TwoPhase.tla`
//! (Lamport; tlaplus/Examples, `specifications/transaction_commit/`), the
//! protocol section of Gray and Lamport, "Consensus on Transaction Commit".
//!
//! A transaction manager (TM) coordinates the resource managers (RMs). An RM
//! that can commit prepares and sends `[type |-> "Prepared", rm |-> r]`; an RM
//! may instead choose to abort, silently (the spec drops the RM's `Abort`
//! message and lets the TM abort spontaneously instead). The TM records the
//! `Prepared` messages it receives in `tmPrepared`. Once every RM is in
//! `tmPrepared` the TM may commit, broadcasting `[type |-> "Commit"]`; while it
//! has not decided it may abort, broadcasting `[type |-> "Abort"]`. An RM that
//! sees the decision adopts it.
//!
//! The spec describes safety only, so messages are never lost or removed:
//! `msgs` is the set of every message ever sent, and receiving means that a
//! message is in the set. Receiving twice is allowed, so `RMRcvCommitMsg(r)` and
//! `RMRcvAbortMsg(r)` have no guard on `rmState[r]`, and once a decision exists
//! they are enabled forever, often as steps to the same state. Those stuttering
//! steps are kept: TLC counts them among its generated states (1146 for three
//! RMs, for 288 distinct), and they mean a `TwoPhase` state never deadlocks.
//!
//! Checked here:
//! - `TPTypeOK` and `TCConsistent` (no RM committed while another aborted);
//! - `TCSpec`, the module's theorem `TPSpec => TC!TCSpec` with
//!   `TC == INSTANCE TCommit`, as a step invariant: every step, projected onto
//!   `rmState`, is a `TCommit` step or leaves `rmState` unchanged;
//! - `Termination`, `<>(\A r \in RM : rmState[r] \in {"committed", "aborted"})`,
//!   for liveness work; it needs fairness, which check specs supply, and it
//!   fails without it (the TM may never decide);
//! - `SomeCommit`, a reachability witness that some RM can commit, so that a
//!   model that never commits cannot pass `TCConsistent` vacuously.
//!
//! The seeded bug [`Bug::CommitWithoutAllPrepared`] lets the TM commit once
//! *some* RM is prepared. Another RM can then choose to abort while the first
//! receives the commit, violating `TCConsistent` after five steps.
//!
//! The RMs are interchangeable: the symmetry `RM` is every permutation of
//! them, which the engine enumerates; the model only renames (`rename`).
//!
//! For message sequence charts, the TM and each RM are nodes: `Prepared(rm)`
//! goes from `rm` to the TM, and the TM's decision is one envelope to each RM,
//! delivered by `RMRcvCommitMsg(rm)` or `RMRcvAbortMsg(rm)`.

use std::fmt;

use checker::spec::{
    ConfigError, Constants, Envelope, Invariant, Model, Permutation, Property, StateCodec, StepMessages, Symmetry,
    Value,
};

use super::{resource_managers, rm_state_value, Rm, RmState, TCommit, TCommitState};

/// The transaction manager's node name in message sequence charts.
const TM: &str = "TM";

/// Which protocol to run: the published one or a seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// `TwoPhase.tla` as published.
    None,
    /// `TMCommit` is enabled when `tmPrepared # {}` instead of `tmPrepared = RM`:
    /// the TM commits on the first `Prepared` message. Violates `TCConsistent`.
    CommitWithoutAllPrepared,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "CommitWithoutAllPrepared"];
}

/// The two-phase commit protocol over a set of resource managers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoPhase {
    /// The model values of `RM`, sorted; RM `r` is `rm[r]`. Between 1 and
    /// [`TwoPhase::RM_MAX`] names.
    rm: Vec<String>,
    /// The seeded bug, or [`Bug::None`].
    bug: Bug,
    /// `TMMAYFAIL`: the TM may crash while undecided (action `TMCrash`), as in
    /// `2PCwithBTM.tla`. Safety is unaffected; `Termination` is not: RMs that
    /// prepared can neither commit nor abort without the TM (2PC blocks).
    tm_may_fail: bool,
    /// `TC == INSTANCE TCommit`, over the same RMs: the spec that `TCSpec` checks
    /// this protocol against.
    tc: TCommit,
    /// The `tmPrepared` bit of every RM: `tmPrepared = RM` iff all of these are set.
    all_tm_prepared: u64,
    /// Every bit an RM in `0..n` uses. Bits of RMs outside `RM` stay zero.
    rm_bits: u64,
    /// Bit `4r` of every RM: the low bit of each `rmState` code. The predicates
    /// test all RMs at once through it instead of looping.
    rm_low: u64,
}

/// A `TwoPhase` state, packed in one `u64` so that it is `Copy`, hashes as one
/// word and needs no allocation.
///
/// RM `r` owns the four bits `4r .. 4r + 4`, its *nibble*:
/// - bits `4r .. 4r + 2`: `rmState[r]` as an [`RmState`] code;
/// - bit `4r + 2`: `r \in tmPrepared`;
/// - bit `4r + 3`: `[type |-> "Prepared", rm |-> r] \in msgs`.
///
/// Keeping each RM's data together makes renaming RMs a move of nibbles. The
/// top four bits hold what is not per RM:
/// - bits 60 and 61: `tmState` as a [`TmState`] code (3 is never used);
/// - bit 62: `[type |-> "Commit"] \in msgs`;
/// - bit 63: `[type |-> "Abort"] \in msgs`.
///
/// So 15 RMs fit; nibbles of RMs outside `RM` are zero, which `TPTypeOK` checks.
/// The initial state, every RM working and nothing sent, is zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TwoPhaseState(u64);

/// `tmState`: `{"init", "committed", "aborted"}`, plus `"crashed"` when the TM may fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TmState {
    /// `"init"`: the TM has not decided.
    Init = 0,
    /// `"committed"`.
    Committed = 1,
    /// `"aborted"`.
    Aborted = 2,
    /// `"crashed"`: the TM failed before deciding (only with `TMMAYFAIL`).
    Crashed = 3,
}

impl TmState {
    /// The TLA+ string for this state.
    pub fn name(self) -> &'static str {
        match self {
            TmState::Init => "init",
            TmState::Committed => "committed",
            TmState::Aborted => "aborted",
            TmState::Crashed => "crashed",
        }
    }
}

/// One step of `TPNext`, named and parameterized as in `TwoPhase.tla`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TwoPhaseAction {
    /// `TMRcvPrepared(rm)`: the TM receives `rm`'s `Prepared` message.
    TMRcvPrepared(Rm),
    /// `TMCommit`: the TM decides to commit and broadcasts `Commit`.
    TMCommit,
    /// `TMAbort`: the TM decides to abort and broadcasts `Abort`.
    TMAbort,
    /// `RMPrepare(rm)`: `rm` prepares and sends `Prepared`.
    RMPrepare(Rm),
    /// `RMChooseToAbort(rm)`: `rm` aborts on its own, sending nothing.
    RMChooseToAbort(Rm),
    /// `RMRcvCommitMsg(rm)`: `rm` receives `Commit`.
    RMRcvCommitMsg(Rm),
    /// `RMRcvAbortMsg(rm)`: `rm` receives `Abort`.
    RMRcvAbortMsg(Rm),
    /// `TMCrash` (only with `TMMAYFAIL`): the TM fails before deciding.
    TMCrash,
}

const RM_STATE: u64 = 0b0011;
const TM_PREPARED: u64 = 0b0100;
const PREPARED_MSG: u64 = 0b1000;
const TM_STATE_SHIFT: u32 = 60;
const TM_STATE: u64 = 0b11 << TM_STATE_SHIFT;
const COMMIT_MSG: u64 = 1 << 62;
const ABORT_MSG: u64 = 1 << 63;

impl TwoPhaseState {
    /// The state with the given variables: `per_rm[r]` is
    /// `<<rmState[r], r \in tmPrepared, [type |-> "Prepared", rm |-> r] \in msgs>>`
    /// for RM `r`, and the rest is `tmState` and whether `Commit` and `Abort` are in `msgs`.
    pub fn new(
        per_rm: &[(RmState, bool, bool)],
        tm_state: TmState,
        commit_msg: bool,
        abort_msg: bool,
    ) -> TwoPhaseState {
        assert!(per_rm.len() <= TwoPhase::RM_MAX, "a TwoPhase state holds at most {} RMs", TwoPhase::RM_MAX);
        let mut s = TwoPhaseState(0).with_tm_state(tm_state);
        for (r, &(rm_state, tm_prepared, prepared_msg)) in per_rm.iter().enumerate() {
            let r = r as Rm;
            s = s.with_rm_state(r, rm_state);
            if tm_prepared {
                s = s.with(at(r, TM_PREPARED));
            }
            if prepared_msg {
                s = s.with(at(r, PREPARED_MSG));
            }
        }
        if commit_msg {
            s = s.with(COMMIT_MSG);
        }
        if abort_msg {
            s = s.with(ABORT_MSG);
        }
        s
    }

    /// The nibble of RM `r`.
    #[inline]
    fn nibble(self, r: Rm) -> u64 {
        (self.0 >> (4 * u32::from(r))) & 0xF
    }

    /// `rmState[r]`.
    #[inline]
    pub fn rm_state(self, r: Rm) -> RmState {
        RmState::from_bits(self.nibble(r))
    }

    /// `r \in tmPrepared`.
    #[inline]
    pub fn tm_prepared(self, r: Rm) -> bool {
        self.nibble(r) & TM_PREPARED != 0
    }

    /// `[type |-> "Prepared", rm |-> r] \in msgs`.
    #[inline]
    pub fn prepared_msg(self, r: Rm) -> bool {
        self.nibble(r) & PREPARED_MSG != 0
    }

    /// `tmState`.
    #[inline]
    pub fn tm_state(self) -> TmState {
        match (self.0 & TM_STATE) >> TM_STATE_SHIFT {
            0 => TmState::Init,
            1 => TmState::Committed,
            2 => TmState::Aborted,
            _ => TmState::Crashed,
        }
    }

    /// `[type |-> "Commit"] \in msgs`.
    #[inline]
    pub fn commit_msg(self) -> bool {
        self.0 & COMMIT_MSG != 0
    }

    /// `[type |-> "Abort"] \in msgs`.
    #[inline]
    pub fn abort_msg(self) -> bool {
        self.0 & ABORT_MSG != 0
    }

    /// `[rmState EXCEPT ![r] = state]`.
    #[inline]
    fn with_rm_state(self, r: Rm, state: RmState) -> TwoPhaseState {
        let shift = 4 * u32::from(r);
        TwoPhaseState((self.0 & !(RM_STATE << shift)) | (state as u64) << shift)
    }

    /// Sets bits (`bits` already shifted to RM `r`'s nibble, or global bits).
    #[inline]
    fn with(self, bits: u64) -> TwoPhaseState {
        TwoPhaseState(self.0 | bits)
    }

    /// `tmState' = state`.
    #[inline]
    fn with_tm_state(self, state: TmState) -> TwoPhaseState {
        TwoPhaseState((self.0 & !TM_STATE) | (state as u64) << TM_STATE_SHIFT)
    }
}

/// `bits` moved to RM `r`'s nibble.
#[inline]
fn at(r: Rm, bits: u64) -> u64 {
    bits << (4 * u32::from(r))
}

/// States compare nibble by nibble from RM 0's up (the global bits last), so
/// the least image under the symmetry `RM` lists the RMs' nibbles in
/// ascending order: one representative per class that is also the sorted one.
impl Ord for TwoPhaseState {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The nibbles in reverse order: RM 0's becomes the most significant.
        let reversed = |x: u64| {
            let bytes = x.swap_bytes();
            ((bytes & 0x0F0F_0F0F_0F0F_0F0F) << 4) | ((bytes >> 4) & 0x0F0F_0F0F_0F0F_0F0F)
        };
        reversed(self.0).cmp(&reversed(other.0))
    }
}

impl PartialOrd for TwoPhaseState {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for TwoPhaseState {
    /// The packed bits in hex: the lowest digit is RM 0's nibble (see
    /// [`TwoPhaseState`]). The number of RMs is not stored, so the state cannot
    /// name them; traces use [`Model::variables`] instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TwoPhaseState({:#018x})", self.0)
    }
}

impl TwoPhase {
    /// The most RMs a state can hold: 15 nibbles and the global bits fill a `u64`.
    pub const RM_MAX: usize = 15;

    /// The constants this model reads, for [`Constants::expect_only`].
    pub const CONSTANTS: &'static [&'static str] = &["RM", "Bug", "TMMAYFAIL"];

    /// A model over the given RM names, which must number 1 to [`TwoPhase::RM_MAX`].
    pub fn new(rm: Vec<String>, bug: Bug) -> TwoPhase {
        assert!(!rm.is_empty(), "TwoPhase needs at least one RM");
        assert!(rm.len() <= Self::RM_MAX, "TwoPhase supports at most {} RMs, not {}", Self::RM_MAX, rm.len());
        let n = rm.len() as Rm;
        let all_tm_prepared = (0..n).map(|r| at(r, TM_PREPARED)).fold(0, |a, b| a | b);
        let rm_bits = (0..n).map(|r| at(r, 0xF)).fold(0, |a, b| a | b);
        let rm_low = (0..n).map(|r| at(r, 1)).fold(0, |a, b| a | b);
        TwoPhase { tc: TCommit::new(rm.clone()), rm, bug, tm_may_fail: false, all_tm_prepared, rm_bits, rm_low }
    }

    /// The same model where the TM may crash before deciding (`TMMAYFAIL`).
    pub fn with_tm_may_fail(self, tm_may_fail: bool) -> TwoPhase {
        TwoPhase { tm_may_fail, ..self }
    }

    /// The model a check spec's `CONSTANTS` describe: `RM = {r1, r2, r3}` and
    /// optionally `Bug = "CommitWithoutAllPrepared"` (default `"None"`) and
    /// `TMMAYFAIL = TRUE` (default `FALSE`).
    pub fn from_constants(constants: &Constants) -> Result<TwoPhase, ConfigError> {
        constants.expect_only(Self::CONSTANTS)?;
        let rm = resource_managers(constants, Self::RM_MAX)?;
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "CommitWithoutAllPrepared" => Bug::CommitWithoutAllPrepared,
            _ => Bug::None,
        };
        let tm_may_fail = constants.bool_or("TMMAYFAIL", false)?;
        Ok(TwoPhase::new(rm, bug).with_tm_may_fail(tm_may_fail))
    }

    /// The number of RMs.
    pub fn rm_count(&self) -> usize {
        self.rm.len()
    }

    /// The model value naming RM `r`.
    pub fn rm_name(&self, r: Rm) -> &str {
        &self.rm[usize::from(r)]
    }

    /// The seeded bug, if any.
    pub fn bug(&self) -> Bug {
        self.bug
    }

    fn rms(&self) -> impl Iterator<Item = Rm> {
        // `new` bounds the count by RM_MAX, so every index fits an Rm.
        0..self.rm.len() as Rm
    }

    /// The guard of `TMCommit` on `tmPrepared`: `tmPrepared = RM`, or with the
    /// seeded bug, `tmPrepared # {}`.
    #[inline]
    fn may_commit(&self, s: TwoPhaseState) -> bool {
        let prepared = s.0 & self.all_tm_prepared;
        match self.bug {
            Bug::None => prepared == self.all_tm_prepared,
            Bug::CommitWithoutAllPrepared => prepared != 0,
        }
    }

    /// The refinement mapping to `TCommit`: `rmState` alone.
    pub fn to_tcommit(&self, s: TwoPhaseState) -> TCommitState {
        // RM r's code moves from bits 4r..4r+2 here to bits 2r..2r+2 there.
        let packed = self.rms().fold(0, |bits, r| bits | ((s.0 >> (4 * r)) & RM_STATE) << (2 * r));
        TCommitState::from_packed(packed as u32)
    }

    /// `msgs`, as a set of records.
    fn msgs_value(&self, s: TwoPhaseState) -> Value {
        let mut msgs = Vec::new();
        for r in self.rms().filter(|&r| s.prepared_msg(r)) {
            msgs.push(Value::record([("type", Value::str("Prepared")), ("rm", Value::model_value(self.rm_name(r)))]));
        }
        if s.commit_msg() {
            msgs.push(Value::record([("type", Value::str("Commit"))]));
        }
        if s.abort_msg() {
            msgs.push(Value::record([("type", Value::str("Abort"))]));
        }
        Value::set(msgs)
    }

    /// `TPTypeOK`: `rmState \in [RM -> {...}]`, `tmState \in {"init", "committed",
    /// "aborted"}`, `tmPrepared \subseteq RM`, `msgs \subseteq Message`.
    ///
    /// Every two-bit RM code is a valid string and every bit inside an RM's
    /// nibble names an element of `RM`, so what can go wrong is a bit in the
    /// nibble of an RM outside `RM`, or the unused `tmState` code 3.
    pub fn tp_type_ok(&self, s: TwoPhaseState) -> bool {
        let outside_rm = s.0 & !(self.rm_bits | TM_STATE | COMMIT_MSG | ABORT_MSG);
        outside_rm == 0 && (self.tm_may_fail || s.tm_state() != TmState::Crashed)
    }

    /// `TCConsistent == \A r1, r2 \in RM : ~(rmState[r1] = "aborted" /\ rmState[r2] = "committed")`.
    pub fn tc_consistent(&self, s: TwoPhaseState) -> bool {
        !(self.aborted(s) != 0 && self.committed(s) != 0)
    }

    /// `TPSpec => TC!TCSpec` on one step: `[TC!TCNext]_rmState`. `TC!TCInit`
    /// holds of `TPInit` by definition, so the steps are what remains to check.
    ///
    /// Most steps (the TM's, and receipts that change nothing) leave `rmState`
    /// alone and are allowed as stutters without projecting the states.
    pub fn refines_tcommit(&self, from: TwoPhaseState, to: TwoPhaseState) -> bool {
        let rm_state_bits = self.rm_low * RM_STATE;
        (from.0 ^ to.0) & rm_state_bits == 0 || self.tc.is_next_or_stutter(self.to_tcommit(from), self.to_tcommit(to))
    }

    /// `\A r \in RM : rmState[r] \in {"committed", "aborted"}`, the goal of
    /// `Termination`: both codes have the high bit set.
    pub fn all_decided(&self, s: TwoPhaseState) -> bool {
        (s.0 >> 1) & self.rm_low == self.rm_low
    }

    /// `\E r \in RM : rmState[r] = "committed"`, the witness `SomeCommit`.
    pub fn some_committed(&self, s: TwoPhaseState) -> bool {
        self.committed(s) != 0
    }

    /// Bit `4r` is set iff `rmState[r] = "committed"` (code `0b10`).
    #[inline]
    fn committed(&self, s: TwoPhaseState) -> u64 {
        (s.0 >> 1) & !s.0 & self.rm_low
    }

    /// Bit `4r` is set iff `rmState[r] = "aborted"` (code `0b11`).
    #[inline]
    fn aborted(&self, s: TwoPhaseState) -> u64 {
        (s.0 >> 1) & s.0 & self.rm_low
    }

    /// The image of `s` when RM `r` is renamed `p.image(r)`, for the
    /// symmetry `RM`: RM `r`'s nibble, the tuple `<<rmState[r], r \in
    /// tmPrepared, Prepared(r) \in msgs>>`, moves to RM `p.image(r)`'s place,
    /// and the global bits stay. Every invariant quantifies over all RMs
    /// alike, and every action of RM `r` is the same action of its image.
    pub fn rename(&self, s: TwoPhaseState, p: &Permutation) -> TwoPhaseState {
        let mut per_rm = 0;
        for r in self.rms() {
            per_rm |= at(p.image(usize::from(r)) as Rm, s.nibble(r));
        }
        TwoPhaseState((s.0 & !self.rm_bits) | per_rm)
    }
}

impl Model for TwoPhase {
    type State = TwoPhaseState;
    type Action = TwoPhaseAction;

    /// `TPInit`: every RM working, `tmState = "init"`, `tmPrepared = {}`, `msgs = {}`.
    fn init(&self, states: &mut Vec<TwoPhaseState>) {
        states.push(TwoPhaseState(0));
    }

    /// `TPNext`, in the order of its disjuncts:
    /// `TMCommit \/ TMAbort \/ \E rm \in RM : TMRcvPrepared(rm) \/ RMPrepare(rm)
    /// \/ RMChooseToAbort(rm) \/ RMRcvCommitMsg(rm) \/ RMRcvAbortMsg(rm)`.
    fn next(&self, s: &TwoPhaseState, steps: &mut Vec<(TwoPhaseAction, TwoPhaseState)>) {
        use TwoPhaseAction::*;
        let s = *s;
        let tm_init = s.tm_state() == TmState::Init;
        if tm_init {
            // TMCommit: tmState = "init" /\ tmPrepared = RM; rmState and tmPrepared unchanged.
            if self.may_commit(s) {
                steps.push((TMCommit, s.with_tm_state(TmState::Committed).with(COMMIT_MSG)));
            }
            // TMAbort: tmState = "init"; rmState and tmPrepared unchanged.
            steps.push((TMAbort, s.with_tm_state(TmState::Aborted).with(ABORT_MSG)));
            // TMCrash (with TMMAYFAIL): the TM fails; every TM action needs
            // tmState = "init", so it never acts again.
            if self.tm_may_fail {
                steps.push((TMCrash, s.with_tm_state(TmState::Crashed)));
            }
        }
        let commit_msg = s.commit_msg();
        let abort_msg = s.abort_msg();
        for r in self.rms() {
            // TMRcvPrepared(rm): tmState = "init" /\ Prepared(rm) \in msgs. Receiving a
            // message twice is allowed, so this may be a step to the same state.
            if tm_init && s.prepared_msg(r) {
                steps.push((TMRcvPrepared(r), s.with(at(r, TM_PREPARED))));
            }
            if s.rm_state(r) == RmState::Working {
                // RMPrepare(rm): prepare and send Prepared(rm).
                steps.push((RMPrepare(r), s.with_rm_state(r, RmState::Prepared).with(at(r, PREPARED_MSG))));
                // RMChooseToAbort(rm): abort, sending nothing.
                steps.push((RMChooseToAbort(r), s.with_rm_state(r, RmState::Aborted)));
            }
            // RMRcvCommitMsg(rm) and RMRcvAbortMsg(rm) have no guard on rmState[rm].
            if commit_msg {
                steps.push((RMRcvCommitMsg(r), s.with_rm_state(r, RmState::Committed)));
            }
            if abort_msg {
                steps.push((RMRcvAbortMsg(r), s.with_rm_state(r, RmState::Aborted)));
            }
        }
    }

    fn action_name(&self, action: &TwoPhaseAction) -> &'static str {
        match action {
            TwoPhaseAction::TMRcvPrepared(_) => "TMRcvPrepared",
            TwoPhaseAction::TMCommit => "TMCommit",
            TwoPhaseAction::TMAbort => "TMAbort",
            TwoPhaseAction::RMPrepare(_) => "RMPrepare",
            TwoPhaseAction::RMChooseToAbort(_) => "RMChooseToAbort",
            TwoPhaseAction::RMRcvCommitMsg(_) => "RMRcvCommitMsg",
            TwoPhaseAction::RMRcvAbortMsg(_) => "RMRcvAbortMsg",
            TwoPhaseAction::TMCrash => "TMCrash",
        }
    }

    /// In the order `TwoPhase.tla` defines them, then `TMCrash` when the TM may fail.
    fn action_names(&self) -> Vec<&'static str> {
        let mut names = vec![
            "TMRcvPrepared",
            "TMCommit",
            "TMAbort",
            "RMPrepare",
            "RMChooseToAbort",
            "RMRcvCommitMsg",
            "RMRcvAbortMsg",
        ];
        if self.tm_may_fail {
            names.push("TMCrash");
        }
        names
    }

    fn format_action(&self, action: &TwoPhaseAction) -> String {
        let name = self.action_name(action);
        match *action {
            TwoPhaseAction::TMCommit | TwoPhaseAction::TMAbort | TwoPhaseAction::TMCrash => name.to_string(),
            TwoPhaseAction::TMRcvPrepared(r)
            | TwoPhaseAction::RMPrepare(r)
            | TwoPhaseAction::RMChooseToAbort(r)
            | TwoPhaseAction::RMRcvCommitMsg(r)
            | TwoPhaseAction::RMRcvAbortMsg(r) => format!("{name}({})", self.rm_name(r)),
        }
    }

    fn action_parameters(&self, action: &TwoPhaseAction) -> Vec<(&'static str, Value)> {
        match *action {
            TwoPhaseAction::TMCommit | TwoPhaseAction::TMAbort | TwoPhaseAction::TMCrash => Vec::new(),
            TwoPhaseAction::TMRcvPrepared(r)
            | TwoPhaseAction::RMPrepare(r)
            | TwoPhaseAction::RMChooseToAbort(r)
            | TwoPhaseAction::RMRcvCommitMsg(r)
            | TwoPhaseAction::RMRcvAbortMsg(r) => vec![("rm", Value::model_value(self.rm_name(r)))],
        }
    }

    /// The TM, then the RMs in the order of `RM`.
    fn nodes(&self, _: &TwoPhaseState) -> Vec<String> {
        std::iter::once(TM.to_string()).chain(self.rm.iter().cloned()).collect()
    }

    /// `Prepared(rm)` goes from `rm` to the TM; the TM's decision is one
    /// message in `msgs`, drawn as one envelope to each RM, which
    /// `RMRcvCommitMsg(rm)` or `RMRcvAbortMsg(rm)` delivers. Since `msgs` only
    /// grows, a message can be received again: the chart marks it a duplicate.
    fn step_messages(&self, _: &TwoPhaseState, action: &TwoPhaseAction, _: &TwoPhaseState) -> StepMessages {
        let prepared = |r: Rm| {
            let message =
                Value::record([("type", Value::str("Prepared")), ("rm", Value::model_value(self.rm_name(r)))]);
            Envelope::new(self.rm_name(r), TM, message).labelled("Prepared")
        };
        let decision = |kind: &str, r: Rm| {
            Envelope::new(TM, self.rm_name(r), Value::record([("type", Value::str(kind))])).labelled(kind)
        };
        match *action {
            TwoPhaseAction::TMRcvPrepared(r) => StepMessages { delivered: vec![prepared(r)], ..StepMessages::by(TM) },
            TwoPhaseAction::TMCommit => {
                StepMessages { sent: self.rms().map(|r| decision("Commit", r)).collect(), ..StepMessages::by(TM) }
            }
            TwoPhaseAction::TMAbort => {
                StepMessages { sent: self.rms().map(|r| decision("Abort", r)).collect(), ..StepMessages::by(TM) }
            }
            TwoPhaseAction::TMCrash => StepMessages { crashed: vec![TM.to_string()], ..StepMessages::by(TM) },
            TwoPhaseAction::RMPrepare(r) => {
                StepMessages { sent: vec![prepared(r)], ..StepMessages::by(self.rm_name(r)) }
            }
            TwoPhaseAction::RMChooseToAbort(r) => StepMessages::by(self.rm_name(r)),
            TwoPhaseAction::RMRcvCommitMsg(r) => {
                StepMessages { delivered: vec![decision("Commit", r)], ..StepMessages::by(self.rm_name(r)) }
            }
            TwoPhaseAction::RMRcvAbortMsg(r) => {
                StepMessages { delivered: vec![decision("Abort", r)], ..StepMessages::by(self.rm_name(r)) }
            }
        }
    }

    fn variables(&self, s: &TwoPhaseState) -> Vec<(&'static str, Value)> {
        let s = *s;
        let tm_prepared = self.rms().filter(|&r| s.tm_prepared(r)).map(|r| Value::model_value(self.rm_name(r)));
        vec![
            ("rmState", rm_state_value(&self.rm, |r| s.rm_state(r as Rm))),
            ("tmState", Value::str(s.tm_state().name())),
            ("tmPrepared", Value::set(tm_prepared)),
            ("msgs", self.msgs_value(s)),
        ]
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("TPTypeOK", |m, s| m.tp_type_ok(*s)),
            Invariant::state("TCConsistent", |m, s| m.tc_consistent(*s)),
            Invariant::step("TCSpec", |m, from, _, to| m.refines_tcommit(*from, *to)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually("Termination", |m, s| m.all_decided(*s)),
            // Without a reachable commit, TCConsistent could hold only because nothing commits.
            Property::sometimes("SomeCommit", |m, s| m.some_committed(*s)),
        ]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![Symmetry::permutations("RM", vec![self.rm.clone()], |m: &TwoPhase, s, p| m.rename(*s, p))]
    }
}
