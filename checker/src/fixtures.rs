//! Tiny models for unit tests, each small enough to count by hand.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::{CheckConfig, Named, Span};
use crate::model::{Constraint, Invariant, Model, Predicate, Property, StateCodec, Symmetry};
use crate::value::Value;

/// A configuration checking the given invariants with BFS on `threads` threads.
pub(crate) fn config(invariants: &[&str], threads: usize) -> CheckConfig {
    // Spans at 1:1, as if the names came from a spec, so errors show a position.
    let config = CheckConfig::builder().check_deadlock(false).threads(threads).simulation_traces(200).build();
    CheckConfig { invariants: named(invariants), ..config }
}

pub(crate) fn named(names: &[&str]) -> Vec<Named> {
    names.iter().map(|n| Named { name: n.to_string(), span: Span { line: 1, column: 1 } }).collect()
}

/// A walk on the grid `0..=n` x `0..=n`: `IncX` and `IncY` while below `n`.
/// Reachable: `(n+1)^2` states; `(n,n)` is the only deadlock. Every state
/// `(x, y)` has depth `x + y + 1` (TLC convention), so the search depth is
/// `2n + 1`. Steps: `2n(n+1)` (each of the two actions is enabled in
/// `n(n+1)` states), so generated = `2n(n+1) + 1`.
pub(crate) struct Grid {
    pub n: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GridAction {
    IncX,
    IncY,
}

impl Model for Grid {
    type State = (u32, u32);
    type Action = GridAction;

    fn init(&self, states: &mut Vec<(u32, u32)>) {
        states.push((0, 0));
    }

    fn next(&self, &(x, y): &(u32, u32), steps: &mut Vec<(GridAction, (u32, u32))>) {
        if x < self.n {
            steps.push((GridAction::IncX, (x + 1, y)));
        }
        if y < self.n {
            steps.push((GridAction::IncY, (x, y + 1)));
        }
    }

    fn action_name(&self, action: &GridAction) -> &'static str {
        match action {
            GridAction::IncX => "IncX",
            GridAction::IncY => "IncY",
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["IncX", "IncY", "Never"]
    }

    fn variables(&self, &(x, y): &(u32, u32)) -> Vec<(&'static str, Value)> {
        // A model bug to exercise, on the 7x7 grid only: states with x + y = 4 cannot be shown.
        assert!(self.n != 7 || x + y != 4, "variables cannot show ({x}, {y})");
        vec![("x", Value::Int(x.into())), ("y", Value::Int(y.into()))]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("InGrid", |m, s: &(u32, u32)| s.0 <= m.n && s.1 <= m.n),
            // Violated first at depth 5 by (2,2), (1,3), (3,1), (0,4), (4,0)... when n >= 4.
            Invariant::state("SumBelowFour", |_, s: &(u32, u32)| s.0 + s.1 < 4),
            // Violated by the steps (0,1) -> (1,1) and (1,0) -> (1,1)... only IncX steps onto the diagonal.
            Invariant::step("NoIncXOntoDiagonal", |_, _, a, to: &(u32, u32)| !(*a == GridAction::IncX && to.0 == to.1)),
            Invariant::state("PanicsAtTwoTwo", |_, s| {
                assert!(*s != (2, 2), "boom at (2, 2)");
                true
            }),
            // Violated by (0, y) for y > 0 only: what NoIncYAtZero keeps out.
            Invariant::state("OffTheYAxis", |_, s: &(u32, u32)| s.0 > 0 || s.1 == 0),
            // Violated by the step (0,0) -> (0,1) only, which NoIncYAtZero forbids.
            Invariant::step("NoIncYAtOrigin", |_, from: &(u32, u32), a, _| {
                !(*a == GridAction::IncY && *from == (0, 0))
            }),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::sometimes("ReachesCorner", |m, s| *s == (m.n, m.n)),
            Property::sometimes("LeavesGrid", |m, s: &(u32, u32)| s.0 > m.n),
            Property::eventually("EventuallyCorner", |m, s| *s == (m.n, m.n)),
        ]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![Predicate::new("OnDiagonal", |_, s: &(u32, u32)| s.0 == s.1)]
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![
            Constraint::state("XBelowTwo", |_, s: &(u32, u32)| s.0 < 2),
            Constraint::state("SumBelowFourConstraint", |_, s: &(u32, u32)| s.0 + s.1 < 4),
            Constraint::state("NeverHolds", |_, _| false),
            Constraint::action("NoIncYAtZero", |_, from: &(u32, u32), a, _| !(*a == GridAction::IncY && from.0 == 0)),
        ]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![
            // Swapping x and y maps the grid onto itself.
            Symmetry::canonicalizer("Swap", |_, s: &(u32, u32)| (s.0.min(s.1), s.0.max(s.1))),
            Symmetry::canonicalizer("NotIdempotent", |_, s: &(u32, u32)| (s.1, s.0)),
            // The same classes, built by the engine from the two coordinates.
            Symmetry::permutations("Axes", vec![vec!["x".into(), "y".into()]], |_, s: &(u32, u32), p| {
                let mut image = [0; 2];
                image[p.image(0)] = s.0;
                image[p.image(1)] = s.1;
                (image[0], image[1])
            }),
        ]
    }

    fn state_codec(&self) -> Option<StateCodec<(u32, u32)>> {
        Some(StateCodec::serde())
    }
}

/// A model whose `next` depends on a global counter: the first call from the
/// initial state leads to 1, later calls to 2. Replaying a trace through it fails.
pub(crate) struct Flaky {
    pub calls: AtomicU64,
}

impl Model for Flaky {
    type State = u8;
    type Action = u8;

    fn init(&self, states: &mut Vec<u8>) {
        states.push(0);
    }

    fn next(&self, s: &u8, steps: &mut Vec<(u8, u8)>) {
        if *s == 0 {
            let target = if self.calls.fetch_add(1, Ordering::SeqCst) == 0 { 1 } else { 2 };
            steps.push((target, target));
        }
    }

    fn action_name(&self, _: &u8) -> &'static str {
        "Go"
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Go"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("Zero", |_, s| *s == 0)]
    }
}

/// One initial state, 0, with `width` successors 1..=width and nothing after:
/// a first level far larger than any estimate, so the table fills mid-level.
pub(crate) struct Fanout {
    pub width: u32,
}

impl Model for Fanout {
    type State = u32;
    type Action = u32;

    fn init(&self, states: &mut Vec<u32>) {
        states.push(0);
    }

    fn next(&self, s: &u32, steps: &mut Vec<(u32, u32)>) {
        if *s == 0 {
            steps.extend((1..=self.width).map(|i| (i, i)));
        }
    }

    fn action_name(&self, _: &u32) -> &'static str {
        "Spawn"
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Spawn"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("BelowWidth", |m, s| *s < m.width)]
    }
}

/// Two nodes, each a flag that `Set(i)` raises once, after `delay` `Tick`
/// steps of a shared clock. The nodes are interchangeable, but some items tell
/// them apart, to exercise the symmetry audit.
///
/// Reachable: the `delay` clock states `(c, [F, F])` for `c < delay`, then
/// `(delay, f)` for the four flag pairs: `delay + 4` states, `delay + 3` under
/// a symmetry (`[T, F]` and `[F, T]` are one class). From `(delay, [F, F])`
/// BFS meets `Set(0)` first, so under a symmetry it stores `(delay, [T, F])`
/// and never looks at `(delay, [F, T])`, the only state `SetInOrder` fails on
/// and the only source of a step `FirstSetFirst` fails on.
pub(crate) struct Pair {
    pub delay: u8,
    /// `Set(1)` needs node 0's flag: a `next` the symmetry does not respect.
    pub asymmetric_next: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PairAction {
    Tick,
    Set(u8),
}

/// The clock and the two flags.
pub(crate) type PairState = (u8, [bool; 2]);

impl Model for Pair {
    type State = PairState;
    type Action = PairAction;

    fn init(&self, states: &mut Vec<PairState>) {
        states.push((0, [false, false]));
    }

    fn next(&self, &(clock, flags): &PairState, steps: &mut Vec<(PairAction, PairState)>) {
        if clock < self.delay {
            steps.push((PairAction::Tick, (clock + 1, flags)));
            return;
        }
        for i in 0..2 {
            let blocked = self.asymmetric_next && i == 1 && !flags[0];
            if !flags[i] && !blocked {
                let mut to = flags;
                to[i] = true;
                steps.push((PairAction::Set(i as u8), (clock, to)));
            }
        }
    }

    fn action_name(&self, action: &PairAction) -> &'static str {
        match action {
            PairAction::Tick => "Tick",
            PairAction::Set(_) => "Set",
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Tick", "Set"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("ClockBounded", |m, s: &PairState| s.0 <= m.delay),
            Invariant::state("SetInOrder", |_, s: &PairState| s.1[0] || !s.1[1]),
            Invariant::step("FirstSetFirst", |_, from: &PairState, a, _| !(*a == PairAction::Set(0) && from.1[1])),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::sometimes("BothSet", |_, s: &PairState| s.1 == [true, true]),
            Property::sometimes("SecondAlone", |_, s: &PairState| s.1 == [false, true]),
        ]
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![
            Constraint::state("NotSecondAlone", |_, s: &PairState| s.1 != [false, true]),
            Constraint::action("FirstBeforeSecond", |_, from: &PairState, a, _| *a != PairAction::Set(1) || from.1[0]),
        ]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![
            // Sorted flags, raised first: idempotent, one state per class.
            Symmetry::canonicalizer("Swap", |_, s: &PairState| (s.0, [s.1[0] || s.1[1], s.1[0] && s.1[1]])),
            // Node i's flag moves to node p(i).
            Symmetry::permutations("Nodes", vec![vec!["n1".into(), "n2".into()]], |_, s: &PairState, p| {
                let mut flags = [false; 2];
                for (i, &flag) in s.1.iter().enumerate() {
                    flags[p.image(i)] = flag;
                }
                (s.0, flags)
            }),
            // Not a renaming: the swap shifts node 1's flag to node 0 and
            // clears node 1's, so canonical forms are not idempotent.
            Symmetry::permutations("Broken", vec![vec!["n1".into(), "n2".into()]], |_, s: &PairState, p| {
                if p.is_identity() {
                    *s
                } else {
                    (s.0, [s.1[1], false])
                }
            }),
        ]
    }
}
