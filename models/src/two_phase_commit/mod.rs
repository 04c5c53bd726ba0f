//! Transaction commit and two-phase commit, after Jim Gray and Leslie Lamport,
//! "Consensus on Transaction Commit" (ACM TODS 31(1), 2006; MSR-TR-2003-96), and
//! the TLA+ modules `TCommit.tla` and `TwoPhase.tla` in tlaplus/Examples
//! (`specifications/transaction_commit/`).
//!
//! A distributed transaction runs at several *resource managers* (RMs). Each RM
//! either prepares (it can commit its part) or aborts, and the transaction as a
//! whole must commit at every RM or abort at every RM. Two RMs disagreeing, one
//! committed and one aborted, is the failure the protocol exists to prevent.
//!
//! - [`TCommit`] is the *specification*: the RMs' states evolve under the only
//!   rule that an RM may commit once every RM is prepared and may abort while
//!   none has committed. It says what may happen, not how the RMs learn it.
//! - [`TwoPhase`] is the *protocol*: a transaction manager (TM) collects
//!   `Prepared` messages, then broadcasts `Commit` when every RM prepared, or
//!   `Abort` whenever it likes before that. It implements `TCommit`: every
//!   `TwoPhase` step, seen through `rmState` alone, is a `TCommit` step or leaves
//!   `rmState` unchanged. `TwoPhase` checks this refinement as the step
//!   invariant `TCSpec`.
//!
//! Both models keep the RMs' states in the same two-bit code ([`RmState`]), so
//! the refinement check projects a `TwoPhase` state onto a `TCommit` state and
//! asks `TCommit` itself whether the step is allowed.
//!
//! The set `RM` is a constant of model values (`RM = {r1, r2, r3}`). Models
//! index the RMs `0..n` in the order of the sorted set, and keep the names only
//! to render traces.

mod tcommit;
mod two_phase;

#[cfg(test)]
mod tests;

pub use tcommit::{TCommit, TCommitAction, TCommitState};
pub use two_phase::{Bug, TmState, TwoPhase, TwoPhaseAction, TwoPhaseState};

use checker::spec::{ConfigError, Constants, Value};

/// The index of a resource manager in `0..n`, the position of its model value
/// in the sorted set `RM`.
pub type Rm = u8;

/// The state of one resource manager: `{"working", "prepared", "committed", "aborted"}`.
///
/// The discriminants are the two-bit codes both models pack into their states;
/// `Working` is zero so that the initial state, every RM working, is all zeros.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum RmState {
    /// `"working"`: the RM is executing its part of the transaction.
    Working = 0,
    /// `"prepared"`: the RM can commit and waits for the decision.
    Prepared = 1,
    /// `"committed"`: final.
    Committed = 2,
    /// `"aborted"`: final.
    Aborted = 3,
}

impl RmState {
    /// Decodes a two-bit code; only the low two bits are read.
    #[inline]
    pub fn from_bits(bits: u64) -> RmState {
        match bits & 0b11 {
            0 => RmState::Working,
            1 => RmState::Prepared,
            2 => RmState::Committed,
            _ => RmState::Aborted,
        }
    }

    /// The TLA+ string for this state.
    pub fn name(self) -> &'static str {
        match self {
            RmState::Working => "working",
            RmState::Prepared => "prepared",
            RmState::Committed => "committed",
            RmState::Aborted => "aborted",
        }
    }
}

/// Reads the constant `RM`, a set of between one and `max` model values.
fn resource_managers(constants: &Constants, max: usize) -> Result<Vec<String>, ConfigError> {
    constants.model_values("RM", 1, max)
}

/// `rmState` as a TLA+ function from model values to strings.
fn rm_state_value(names: &[String], state: impl Fn(usize) -> RmState) -> Value {
    Value::map(
        names.iter().enumerate().map(|(r, name)| (Value::model_value(name.as_str()), Value::str(state(r).name()))),
    )
}
