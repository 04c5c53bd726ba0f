//! Tests of the naive explorer itself, on a counter small enough to work out
//! every count by hand: the rules it must follow are the ones the engine is
//! compared on (constraints, action constraints, step invariants, deadlock,
//! symmetry), and the two-phase commit models exercise none but the last.

use checker::spec::{Constraint, Invariant, Model, Symmetry};

use crate::naive::explore;

/// Counts from 0 to 5 by `Inc` (+1) or `Skip` (+2). From 5 nothing is enabled.
struct Counter;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    Inc,
    Skip,
}

impl Model for Counter {
    type State = u8;
    type Action = Step;

    fn init(&self, states: &mut Vec<u8>) {
        states.push(0);
    }

    fn next(&self, s: &u8, steps: &mut Vec<(Step, u8)>) {
        for (action, to) in [(Step::Inc, s + 1), (Step::Skip, s + 2)] {
            if to <= 5 {
                steps.push((action, to));
            }
        }
    }

    fn action_name(&self, action: &Step) -> &'static str {
        match action {
            Step::Inc => "Inc",
            Step::Skip => "Skip",
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Inc", "Skip"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("BelowFour", |_, s| *s < 4), Invariant::step("OnlyInc", |_, _, a, _| *a == Step::Inc)]
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![Constraint::state("BelowThree", |_, s| *s < 3), Constraint::action("NoSkip", |_, _, a, _| *a == Step::Inc)]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![Symmetry::canonicalizer("Parity", |_, s: &u8| s % 2)]
    }
}

// BFS stores 0; 1, 2; 3, 4; 5. Generated: the initial state, two steps from
// each of 0 to 3, one from 4 and none from 5: 10. The first deadlock is 5,
// reached from 3, reached from 1.
#[test]
fn an_unconstrained_search_counts_every_emitted_step() {
    let explored = explore(&Counter, &[], &[], None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (6, 10, 4));
    assert_eq!(explored.states, [0, 1, 2, 3, 4, 5]);
    assert_eq!(explored.deadlock, Some(vec![0, 1, 3, 5]));
    assert_eq!(explored.violation, None);
}

// Only 0, 1 and 2 are stored and expanded; 3 and 4 are generated (from 1 and
// 2), checked, and dropped. Checking them finds 4 breaking BelowFour, reached
// from 2 by Skip.
#[test]
fn states_outside_the_constraint_are_checked_but_neither_stored_nor_expanded() {
    let explored = explore(&Counter, &[], &["BelowThree"], None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (3, 7, 2));
    assert_eq!(explored.deadlock, None);
    let explored = explore(&Counter, &["BelowFour"], &["BelowThree"], None);
    assert_eq!(explored.violation, Some(("BelowFour", vec![0, 2, 4])));
}

// Skip steps still count as generated, but are not taken, so the depth is 6.
#[test]
fn steps_outside_the_action_constraint_are_generated_but_not_taken() {
    let explored = explore(&Counter, &[], &["NoSkip"], None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (6, 10, 6));
    assert_eq!(explored.violation, None);
    assert_eq!(explored.deadlock, Some(vec![0, 1, 2, 3, 4, 5]));
}

// As in TLC, the target of a step outside the action constraint is checked
// against the state invariants, and the step against the step invariants.
// BelowFour: 0, 1 and 2 are stored by Inc; Skip from 0 and from 1 reach 2 and
// 3, which hold; from 2, Inc stores 3, then Skip reaches 4, which breaks it.
// OnlyInc: the first Skip step, 0 to 2, breaks it although it is not taken.
#[test]
fn steps_outside_the_action_constraint_are_checked_but_not_taken() {
    let explored = explore(&Counter, &["BelowFour"], &["NoSkip"], None);
    assert_eq!(explored.violation, Some(("BelowFour", vec![0, 1, 2, 4])));
    let explored = explore(&Counter, &["OnlyInc"], &["NoSkip"], None);
    assert_eq!(explored.violation, Some(("OnlyInc", vec![0, 2])));
}

#[test]
fn a_step_invariant_is_checked_on_every_step_taken() {
    let explored = explore(&Counter, &["OnlyInc"], &[], None);
    assert_eq!(explored.violation, Some(("OnlyInc", vec![0, 2])));
}

// Keys are 0 (even) and 1 (odd): 0 is stored, then 1 by Inc; everything else
// is a state already seen. The stored states are the actual ones found first.
#[test]
fn symmetry_keys_states_by_their_canonical_form() {
    let explored = explore(&Counter, &[], &[], Some("Parity"));
    assert_eq!((explored.distinct, explored.generated, explored.depth), (2, 5, 2));
    assert_eq!(explored.states, [0, 1]);
}
