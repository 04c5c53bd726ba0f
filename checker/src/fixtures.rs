//! Tiny models for unit tests, each small enough to count by hand.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::{CheckConfig, FingerprintBits, Limits, Named, Span, StoreKind, Strategy};
use crate::model::{Constraint, Invariant, Model, Predicate, Property, Symmetry};
use crate::value::Value;

/// A configuration checking the given invariants with BFS on `threads` threads.
pub(crate) fn config(invariants: &[&str], threads: usize) -> CheckConfig {
    CheckConfig {
        invariants: named(invariants),
        properties: vec![],
        formulas: vec![],
        constraints: vec![],
        action_constraints: vec![],
        symmetry: None,
        fairness: vec![],
        check_deadlock: false,
        strategy: Strategy::Bfs,
        threads,
        limits: Limits {
            states_max: u64::MAX,
            depth_max: u32::MAX,
            memory_bytes_max: u64::MAX,
            deadline: None,
            interrupt: None,
        },
        fingerprint_bits: FingerprintBits::B64,
        store: StoreKind::Table,
        seed: 0,
        simulation_traces: 200,
        continue_after_violation: false,
        checkpoint: None,
    }
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
            Symmetry { name: "Swap", canonicalize: |_, s| (s.0.min(s.1), s.0.max(s.1)) },
            Symmetry { name: "NotIdempotent", canonicalize: |_, s| (s.1, s.0) },
        ]
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
