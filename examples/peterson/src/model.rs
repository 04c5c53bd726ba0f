//! Peterson's mutual exclusion algorithm for two processes (G. L. Peterson,
//! "Myths about the mutual exclusion problem", IPL 12(3), 1981), as Lamport
//! writes it in PlusCal in `Peterson.tla` (the TLA+ proof examples):
//!
//! ```text
//! variables flag = [i \in {0, 1} |-> FALSE], turn = 0;
//! process (proc \in {0,1}) {
//!   a0: while (TRUE) {
//!   a1:   flag[self] := TRUE;
//!   a2:   turn := Not(self);
//!   a3a:  if (flag[Not(self)]) {goto a3b} else {goto cs} ;
//!   a3b:  if (turn = Not(self)) {goto a3a} else {goto cs} ;
//!   cs:   skip;  \* critical section
//!   a4:   flag[self] := FALSE;
//!   }
//! }
//! ```
//!
//! A process raises its flag, then gives the turn away, and enters when the
//! other's flag is down or the turn is its own. Each label is one action of
//! the translation (`a0(self)` .. `a4(self)`), so `Next` has seven
//! disjuncts, each with the process as its parameter.
//!
//! Checked: `TypeOK`, `MutualExclusion` and the module's inductive invariant
//! `I`; and, as a formula in the check spec over the predicates `Trying0`,
//! `InCS0`, `Trying1`, `InCS1`, starvation freedom
//! `\A i: pc[i] = "a1" ~> pc[i] = "cs"`. The module's `Spec` has no
//! fairness; the check spec adds weak fairness of each label's instances,
//! which here is weak fairness of each process (`fair process`): a
//! process's label is enabled whenever its `pc` is there, so the process is
//! continuously enabled exactly when its current label is.
//!
//! The seeded bug [`Bug::TurnFirst`] swaps `a1` and `a2`: a process gives the
//! turn away before it raises its flag. The shortest violation of
//! `MutualExclusion` takes 9 steps (10 states): both processes must take
//! `a0`, `a1`, `a2`, `a3a` to enter; whichever enters second finds the first's
//! flag up (it is raised at `a2` and stays up in `cs`), so it must go through
//! `a3b` too: 4 + 5 steps, and such an order exists (p0 gives the turn to p1,
//! p1 gives it back and enters at once, p0 raises its flag and enters at `a3b`).
//!
//! Counts (TLC's way: initial states at depth 1, every successor generated):
//! 58 distinct states, 117 generated, depth 12. Every state has exactly two
//! successors, one per process, so generated = 1 + 2 x 58. `peterson.py`, an
//! independent transcription of the TLA+ in Python, gives the same figures
//! and the same 9-step violation.

use bivalent::spec::*;
use bivalent::{Example, ModelEntry};
use serde::Serialize;

/// The model; its one constant selects the seeded bug.
pub struct Peterson {
    /// `Bug`: `"None"` or `"TurnFirst"`.
    pub bug: Bug,
}

/// A seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bug {
    /// Peterson's algorithm as published.
    None,
    /// `a1` gives the turn away and `a2` raises the flag: mutual exclusion fails.
    TurnFirst,
}

/// A process's program counter: the label it is at, which names the action
/// the process takes next (`a3a`, as the TLA+ spec spells it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ActionNames, Serialize)]
#[action(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Label {
    A0,
    A1,
    A2,
    A3a,
    A3b,
    Cs,
    A4,
}

/// The variables `pc`, `flag` and `turn`, indexed by process 0 and 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct State {
    pub pc: [Label; 2],
    pub flag: [bool; 2],
    pub turn: u8,
}

/// One step: process `process` executes the statement at `label`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ActionNames)]
pub struct Action {
    #[action]
    pub label: Label,
    pub process: u8,
}

/// `Not(i)`: the other process.
fn other(i: usize) -> usize {
    1 - i
}

impl Peterson {
    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Peterson, ConfigError> {
        constants.expect_only(&["Bug"])?;
        let bug = match constants.choice_or("Bug", &["None", "TurnFirst"], "None")? {
            "TurnFirst" => Bug::TurnFirst,
            _ => Bug::None,
        };
        Ok(Peterson { bug })
    }
}

impl Model for Peterson {
    type State = State;
    type Action = Action;

    fn init(&self, states: &mut Vec<State>) {
        states.push(State { pc: [Label::A0; 2], flag: [false; 2], turn: 0 });
    }

    fn next(&self, s: &State, steps: &mut Vec<(Action, State)>) {
        // a1 raises the flag and a2 gives the turn away; TurnFirst swaps them.
        let raise_flag_at = match self.bug {
            Bug::None => Label::A1,
            Bug::TurnFirst => Label::A2,
        };
        // Each process has exactly one enabled statement: the one at its pc.
        for me in 0..2 {
            let label = s.pc[me];
            let mut t = *s;
            t.pc[me] = match label {
                Label::A0 => Label::A1,
                Label::A1 | Label::A2 => {
                    if label == raise_flag_at {
                        t.flag[me] = true;
                    } else {
                        t.turn = other(me) as u8;
                    }
                    if label == Label::A1 {
                        Label::A2
                    } else {
                        Label::A3a
                    }
                }
                Label::A3a if s.flag[other(me)] => Label::A3b,
                Label::A3a => Label::Cs,
                Label::A3b if s.turn == other(me) as u8 => Label::A3a,
                Label::A3b => Label::Cs,
                Label::Cs => Label::A4,
                Label::A4 => {
                    t.flag[me] = false;
                    Label::A0
                }
            };
            steps.push((Action { label, process: me as u8 }, t));
        }
    }

    fn actions(&self) -> Option<ActionTable<Action>> {
        Some(ActionTable::derived())
    }

    fn format_action(&self, action: &Action) -> String {
        format!("{}({})", action.label.name(), action.process)
    }

    fn variables(&self, s: &State) -> Vec<(&'static str, Value)> {
        variables_of(s)
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            // pc and flag are typed by Rust; turn \in {0, 1}.
            Self::invariant("TypeOK", |_, s| s.turn <= 1),
            Self::invariant("MutualExclusion", |_, s| !(s.pc[0] == Label::Cs && s.pc[1] == Label::Cs)),
            Self::invariant("I", |_, s| {
                (0..2).all(|i| {
                    let flag_up =
                        !matches!(s.pc[i], Label::A2 | Label::A3a | Label::A3b | Label::Cs | Label::A4) || s.flag[i];
                    let inside = matches!(s.pc[i], Label::Cs | Label::A4);
                    let other_out = !matches!(s.pc[other(i)], Label::Cs | Label::A4);
                    let other_waits = matches!(s.pc[other(i)], Label::A3a | Label::A3b);
                    flag_up && (!inside || (other_out && (!other_waits || s.turn == i as u8)))
                })
            }),
        ]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![
            Self::predicate("Trying0", |_, s| s.pc[0] == Label::A1),
            Self::predicate("InCS0", |_, s| s.pc[0] == Label::Cs),
            Self::predicate("Trying1", |_, s| s.pc[1] == Label::A1),
            Self::predicate("InCS1", |_, s| s.pc[1] == Label::Cs),
        ]
    }
}

/// The registry entry that `MODEL Peterson` names.
pub fn entry() -> ModelEntry {
    ModelEntry {
        name: "Peterson",
        summary: "Peterson's mutual exclusion for two processes (Peterson 1981; Lamport's Peterson.tla)",
        constants: &[("Bug", "a seeded bug: \"None\" (default) or \"TurnFirst\" (the turn before the flag)")],
        build: |constants| Ok(Box::new(Peterson::from_constants(constants)?)),
        example: Example::Spec(include_str!("../specs/peterson.cfg")),
    }
}
