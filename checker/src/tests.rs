//! Engine tests on the fixtures; every expected number is derived by hand in
//! the fixture's documentation.

use std::sync::atomic::AtomicU64;

use crate::config::StoreKind;
use crate::config::{FingerprintBits, Strategy};
use crate::error::{CheckError, ConfigError, ModelErrorKind};
use crate::fixtures::{config, named, Fanout, Flaky, Grid, Pair};
use crate::outcome::{Counterexample, StopReason, Verdict};
use crate::{check, Outcome};

fn violated(outcome: &Outcome, name: &str) -> Vec<String> {
    let Verdict::Violated(cex) = &outcome.check(name).unwrap().verdict else {
        panic!("{name} is not violated: {:?}", outcome.check(name))
    };
    cex.trace()
        .steps
        .iter()
        .map(|step| {
            let state: Vec<String> = step.state.iter().map(|(_, v)| v.to_string()).collect();
            match &step.action {
                None => format!("({})", state.join(",")),
                Some(a) => format!("{} ({})", a.label, state.join(",")),
            }
        })
        .collect()
}

#[test]
fn grid_counts_match_the_hand_count() {
    for n in [1, 3, 10, 40] {
        for threads in [1, 2, 4] {
            let outcome = check(&Grid { n }, &config(&["InGrid"], threads)).unwrap();
            let s = &outcome.stats;
            assert_eq!(s.distinct_states, u64::from((n + 1) * (n + 1)), "n={n}");
            assert_eq!(s.generated_states, u64::from(2 * n * (n + 1) + 1), "n={n}");
            assert_eq!(s.depth, 2 * n + 1);
            assert_eq!(s.initial_states, 1);
            assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Holds);
            assert_eq!(outcome.stopped, None);
            let coverage: Vec<_> = outcome.coverage.iter().map(|c| (c.name, c.steps)).collect();
            assert_eq!(coverage, [("IncX", u64::from(n * (n + 1))), ("IncY", u64::from(n * (n + 1))), ("Never", 0)]);
            // Every state but the initial one is reached first by one action.
            let distinct: u64 = outcome.coverage.iter().map(|c| c.distinct_states).sum();
            assert_eq!(distinct, s.distinct_states - 1);
        }
    }
}

#[test]
fn shortest_counterexample_is_the_same_for_every_thread_count_and_store() {
    let grid = Grid { n: 30 };
    let expected = check(&grid, &config(&["SumBelowFour"], 1)).unwrap();
    let trace = violated(&expected, "SumBelowFour");
    // Depth 5 is the first with x + y = 4, and the trace is a shortest path to it.
    assert_eq!(trace.len(), 5);
    for threads in [2, 3, 8] {
        assert_eq!(check(&grid, &config(&["SumBelowFour"], threads)).unwrap(), expected);
    }
    let mut sharded = config(&["SumBelowFour"], 2);
    sharded.store = StoreKind::Sharded;
    let sharded = check(&grid, &sharded).unwrap();
    assert_eq!(violated(&sharded, "SumBelowFour"), trace);
    assert_eq!(sharded.stats.distinct_states, expected.stats.distinct_states);
    let mut wide = config(&["SumBelowFour"], 2);
    wide.fingerprint_bits = FingerprintBits::B128;
    wide.store = StoreKind::Sharded;
    let wide = check(&grid, &wide).unwrap();
    assert_eq!(violated(&wide, "SumBelowFour").len(), 5);
    assert_eq!(wide.stats.fingerprint_bits, 128);
}

#[test]
fn the_collision_estimate_adds_the_liveness_graph() {
    // Grid 3: 16 distinct states among 25 generated; the liveness graph looks
    // up the initial state and the 24 steps' targets, and holds the same 16
    // states. Two equal estimates, n (g - n) / 2^bits, add up.
    for bits in [FingerprintBits::B64, FingerprintBits::B128] {
        let mut safety = config(&["InGrid"], 2);
        safety.fingerprint_bits = bits;
        safety.store = StoreKind::Sharded;
        let mut liveness = safety.clone();
        liveness.properties = named(&["EventuallyCorner"]);
        let width = if bits == FingerprintBits::B64 { 63 } else { 127 };
        let one = 16.0 * (25.0 - 16.0) / 2f64.powi(width);
        let safety = check(&Grid { n: 3 }, &safety).unwrap();
        let liveness = check(&Grid { n: 3 }, &liveness).unwrap();
        assert_eq!(safety.stats.collision_probability, one);
        assert_eq!(liveness.stats.collision_probability, 2.0 * one);
        // Without fairness, stuttering at (0, 0) violates it; the graph was built.
        assert!(matches!(liveness.check("EventuallyCorner").unwrap().verdict, Verdict::Violated(_)));
    }
}

#[test]
fn a_run_stops_at_the_level_of_the_first_violation() {
    let outcome = check(&Grid { n: 30 }, &config(&["SumBelowFour", "InGrid"], 2)).unwrap();
    assert_eq!(outcome.stopped, Some(StopReason::StoppedAtViolation));
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::StoppedAtViolation));
    // Levels 1..=5 hold 1+2+3+4+5 states.
    assert_eq!(outcome.stats.distinct_states, 15);
    assert_eq!(outcome.stats.queue_states, 5);
}

#[test]
fn deadlock_is_reported_with_a_shortest_trace() {
    let mut c = config(&[], 2);
    c.check_deadlock = true;
    let outcome = check(&Grid { n: 2 }, &c).unwrap();
    assert_eq!(violated(&outcome, "Deadlock").last().unwrap(), "IncY (2,2)");
    assert_eq!(violated(&outcome, "Deadlock").len(), 5);
}

#[test]
fn step_invariants_see_every_step_and_report_the_step() {
    let outcome = check(&Grid { n: 3 }, &config(&["NoIncXOntoDiagonal"], 2)).unwrap();
    let trace = violated(&outcome, "NoIncXOntoDiagonal");
    assert_eq!(trace, ["(0,0)", "IncY (0,1)", "IncX (1,1)"]);
}

#[test]
fn states_outside_the_constraint_are_checked_but_not_expanded() {
    let mut c = config(&["InGrid"], 2);
    c.constraints = named(&["XBelowTwo"]);
    let outcome = check(&Grid { n: 3 }, &c).unwrap();
    // As in TLC, states outside the constraint are not stored: x in 0..=1, y in 0..=3.
    assert_eq!(outcome.stats.distinct_states, 8);
    // Expanded: x in 0..=1, 4 values of y; IncX enabled in all 8, IncY in 6.
    assert_eq!(outcome.stats.generated_states, 1 + 8 + 6);

    let mut c = config(&["SumBelowFour"], 2);
    c.constraints = named(&["XBelowTwo"]);
    let outcome = check(&Grid { n: 9 }, &c).unwrap();
    // x+y=4 first at depth 5, inside the constraint at (1,3) and (0,4) and
    // outside it at (2,2), which is checked though never stored.
    assert_eq!(violated(&outcome, "SumBelowFour").len(), 5);

    let mut c = config(&["SumBelowFour"], 2);
    c.constraints = named(&["SumBelowFourConstraint"]);
    let outcome = check(&Grid { n: 9 }, &c).unwrap();
    // Only states with x+y <= 3 are stored (1+2+3+4 = 10); the violating ones are all unstored.
    let trace = violated(&outcome, "SumBelowFour");
    assert_eq!(trace.len(), 5);
    assert_eq!(outcome.stats.distinct_states, 10);
}

#[test]
fn action_constraints_remove_steps() {
    let mut c = config(&["InGrid"], 2);
    c.action_constraints = named(&["NoIncYAtZero"]);
    let outcome = check(&Grid { n: 3 }, &c).unwrap();
    // (0, y>0) is unreachable: 16 - 3 states.
    assert_eq!(outcome.stats.distinct_states, 13);
}

#[test]
fn a_step_outside_the_action_constraint_is_checked_but_not_taken() {
    // As in TLC: the step (0,0) -IncY-> (0,1) is not taken, but its target is
    // checked against the state invariants and the step against the step
    // invariants. Both violations are at depth 2, after the initial state.
    // A random walk sees them at its first state, whichever step it takes.
    for strategy in [Strategy::Bfs, Strategy::Dfs, Strategy::Simulate] {
        let mut c = config(&["OffTheYAxis", "NoIncYAtOrigin"], if strategy == Strategy::Bfs { 2 } else { 1 });
        c.strategy = strategy;
        c.action_constraints = named(&["NoIncYAtZero"]);
        c.continue_after_violation = true;
        let outcome = check(&Grid { n: 3 }, &c).unwrap();
        assert_eq!(violated(&outcome, "OffTheYAxis"), ["(0,0)", "IncY (0,1)"]);
        assert_eq!(violated(&outcome, "NoIncYAtOrigin"), ["(0,0)", "IncY (0,1)"]);
        // The target is not stored: 16 - 3 states, as without the invariants.
        if strategy == Strategy::Simulate {
            assert!(outcome.stats.distinct_states <= 13, "{:?}", outcome.stats);
        } else {
            assert_eq!(outcome.stats.distinct_states, 13);
        }
    }
}

#[test]
fn symmetry_reduces_to_the_orbits() {
    let mut c = config(&["InGrid"], 2);
    c.symmetry = Some(named(&["Swap"]).remove(0));
    let outcome = check(&Grid { n: 4 }, &c).unwrap();
    // Pairs x <= y in 0..=4: 5 * 6 / 2 orbits.
    assert_eq!(outcome.stats.distinct_states, 15);
}

#[test]
fn a_non_idempotent_symmetry_is_a_model_error() {
    let mut c = config(&["InGrid"], 1);
    c.symmetry = Some(named(&["NotIdempotent"]).remove(0));
    let Err(CheckError::Model(e)) = check(&Grid { n: 4 }, &c) else { panic!("expected a model error") };
    assert_eq!(e.kind, ModelErrorKind::NonIdempotentSymmetry);
}

#[test]
fn sometimes_is_witnessed_or_reported_vacuous() {
    let mut c = config(&[], 2);
    c.properties = named(&["ReachesCorner", "LeavesGrid"]);
    let outcome = check(&Grid { n: 2 }, &c).unwrap();
    let Verdict::Witnessed(trace) = &outcome.check("ReachesCorner").unwrap().verdict else { panic!() };
    assert_eq!(trace.steps.len(), 5);
    assert_eq!(
        outcome.check("LeavesGrid").unwrap().verdict,
        Verdict::Violated(Counterexample::Trace(Default::default()))
    );
}

#[test]
fn limits_give_unknown_never_a_pass() {
    let mut c = config(&["InGrid"], 2);
    c.limits.states_max = 10;
    let outcome = check(&Grid { n: 50 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::StatesLimit));

    let mut c = config(&["InGrid"], 2);
    c.limits.depth_max = 3;
    let outcome = check(&Grid { n: 50 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::DepthLimit));
    assert_eq!(outcome.stats.depth, 3);

    let mut c = config(&["InGrid"], 2);
    c.limits.deadline = Some(std::time::Instant::now());
    let outcome = check(&Grid { n: 50 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::TimeLimit));

    let mut c = config(&["InGrid"], 2);
    c.limits.interrupt = Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)));
    let outcome = check(&Grid { n: 50 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::Interrupted));
    c.strategy = Strategy::Dfs;
    c.threads = 1;
    // DFS looks at the flag every few thousand states: a big grid reaches one.
    let outcome = check(&Grid { n: 200 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::Interrupted));

    let mut c = config(&["InGrid"], 2);
    c.limits.memory_bytes_max = 1;
    let outcome = check(&Grid { n: 50 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::MemoryLimit));
}

#[test]
fn dfs_applies_the_constraints_as_bfs_does() {
    for constraint in ["XBelowTwo", "SumBelowFourConstraint"] {
        let mut bfs = config(&["SumBelowFour"], 1);
        bfs.constraints = named(&[constraint]);
        bfs.continue_after_violation = true;
        let mut dfs = bfs.clone();
        dfs.strategy = Strategy::Dfs;
        let (bfs, dfs) = (check(&Grid { n: 6 }, &bfs).unwrap(), check(&Grid { n: 6 }, &dfs).unwrap());
        assert_eq!(bfs.stats.distinct_states, dfs.stats.distinct_states);
        assert_eq!(bfs.stats.generated_states, dfs.stats.generated_states);
        assert!(matches!(dfs.check("SumBelowFour").unwrap().verdict, Verdict::Violated(_)));
    }
}

#[test]
fn dfs_and_simulation_find_the_same_bug() {
    let mut c = config(&["SumBelowFour"], 1);
    c.strategy = Strategy::Dfs;
    let outcome = check(&Grid { n: 30 }, &c).unwrap();
    let trace = violated(&outcome, "SumBelowFour");
    assert!(trace.len() >= 5);
    let mut c = config(&["InGrid"], 1);
    c.strategy = Strategy::Dfs;
    let outcome = check(&Grid { n: 30 }, &c).unwrap();
    assert_eq!(outcome.stats.distinct_states, 31 * 31);
    assert_eq!(outcome.stats.generated_states, 2 * 30 * 31 + 1);

    let mut c = config(&["SumBelowFour"], 1);
    c.strategy = Strategy::Simulate;
    let outcome = check(&Grid { n: 30 }, &c).unwrap();
    assert_eq!(violated(&outcome, "SumBelowFour").len(), 5, "a walk reaches x+y=4 at its fifth state");
    let mut c = config(&["InGrid"], 1);
    c.strategy = Strategy::Simulate;
    let outcome = check(&Grid { n: 30 }, &c).unwrap();
    assert_eq!(outcome.check("InGrid").unwrap().verdict, Verdict::Unknown(StopReason::Simulation));
}

#[test]
fn a_panicking_model_is_a_model_error_with_the_state_and_trace() {
    for threads in [1, 2] {
        let Err(CheckError::Model(e)) = check(&Grid { n: 4 }, &config(&["PanicsAtTwoTwo"], threads)) else {
            panic!("expected a model error")
        };
        assert_eq!(e.kind, ModelErrorKind::Panic);
        assert!(e.message.contains("boom at (2, 2)"), "{}", e.message);
        assert!(e.state.is_some());
        assert!(e.trace.is_some());
    }
}

#[test]
fn a_nondeterministic_model_is_caught_on_replay() {
    let Err(CheckError::Model(e)) = check(&Flaky { calls: AtomicU64::new(0) }, &config(&["Zero"], 1)) else {
        panic!("expected a model error")
    };
    assert_eq!(e.kind, ModelErrorKind::Nondeterminism);
    assert!(e.message.contains("HashMap"), "{}", e.message);
}

#[test]
fn unknown_names_and_unsupported_combinations_are_config_errors() {
    let Err(CheckError::Config(e)) = check(&Grid { n: 1 }, &config(&["InGird"], 1)) else { panic!() };
    assert_eq!(
        e.to_string(),
        "unknown invariant `InGird`; did you mean `InGrid`? \
         (valid invariants: InGrid, SumBelowFour, NoIncXOntoDiagonal, PanicsAtTwoTwo, OffTheYAxis, NoIncYAtOrigin)"
    );
    let mut c = config(&[], 2);
    c.strategy = Strategy::Dfs;
    assert!(matches!(check(&Grid { n: 1 }, &c), Err(CheckError::Config(ConfigError::Unsupported { .. }))));
    // Liveness under symmetry is refused.
    let mut c = config(&[], 1);
    c.properties = named(&["EventuallyCorner"]);
    c.symmetry = Some(named(&["Swap"]).remove(0));
    assert!(matches!(check(&Grid { n: 1 }, &c), Err(CheckError::Config(ConfigError::Unsupported { .. }))));
}

#[test]
fn a_level_that_overflows_the_table_is_retried_after_growing() {
    for threads in [1, 2] {
        let outcome = check(&Fanout { width: 50_000 }, &config(&["BelowWidth"], threads)).unwrap();
        // 1 initial state and 50,000 successors, of which only 50,000 itself violates.
        assert_eq!(outcome.stats.distinct_states, 50_001);
        assert_eq!(outcome.stats.generated_states, 50_001);
        assert_eq!(violated(&outcome, "BelowWidth"), ["(\"0\")", "50000 (\"50000\")"]);
    }
}

#[test]
fn a_name_used_for_two_kinds_of_item_is_an_error_not_a_silent_skip() {
    // "Deadlock" is the deadlock check's name; an invariant of that name would
    // otherwise never be evaluated.
    let mut c = config(&["InGrid"], 1);
    c.check_deadlock = true;
    c.properties = named(&["InGrid"]);
    let Err(CheckError::Config(e)) = check(&Grid { n: 1 }, &c) else { panic!("expected a config error") };
    assert_eq!(
        e.to_string(),
        "unsupported: `InGrid` is already checked as a invariant; give this property another name"
    );
    // Listing the same item twice is harmless.
    let outcome = check(&Grid { n: 1 }, &config(&["InGrid", "InGrid"], 1)).unwrap();
    assert_eq!(outcome.checks.len(), 1);
}

/// Runs `f` on a thread with a 256 KiB stack, where a recursion as deep as a
/// long or deeply nested formula would overflow.
fn on_a_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().stack_size(256 << 10).spawn_scoped(scope, f);
        thread.expect("a thread").join().expect("no panic, no overflow")
    })
}

/// The verdict of `PROPERTY F == {formula}` on the 2 x 2 grid, or the error,
/// as `line:column: message`. Parsing, compiling, checking, formatting,
/// cloning, comparing and dropping the formula all happen on the caller's thread.
fn grid_formula(formula: &str) -> Result<Verdict, String> {
    let text = format!("MODEL Grid\nPROPERTY F == {formula}\n");
    let located = |e: &ConfigError| format!("{}:{}: {e}", e.span().line, e.span().column);
    let spec = crate::parse_spec(&text).map_err(|e| located(&e))?;
    assert!(format!("{spec:?}").contains("name: \"Grid\""));
    assert_eq!(spec.clone(), spec);
    let mut c = config(&[], 1);
    c.properties = spec.properties;
    c.formulas = spec.formulas;
    match check(&Grid { n: 1 }, &c) {
        Ok(outcome) => Ok(outcome.check("F").expect("checked").verdict.clone()),
        Err(CheckError::Config(e)) => Err(located(&e)),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn long_and_deep_formulas_get_a_verdict_or_a_located_error_on_a_small_stack() {
    // The grid's states are (0,0), (1,0), (0,1) and (1,1); there is no
    // fairness, so every state may stutter forever. OnDiagonal holds at (0,0)
    // and (1,1) only, InGrid everywhere.
    let is_violated = |v: &Result<Verdict, String>| matches!(v, Ok(Verdict::Violated(_)));
    on_a_small_stack(|| {
        // 20,000 `\/`: (1,0) is reachable and off the diagonal, and may stutter.
        let verdict = grid_formula(&format!("[]({}OnDiagonal)", "FALSE \\/ ".repeat(20_000)));
        assert!(is_violated(&verdict), "{verdict:?}");
        let verdict = grid_formula(&format!("[]({}InGrid)", "FALSE \\/ ".repeat(20_000)));
        assert_eq!(verdict, Ok(Verdict::Holds));
        // 50,000 `/\` in a state formula, and between temporal formulas.
        let verdict = grid_formula(&format!("<>({}OnDiagonal)", "TRUE /\\ ".repeat(50_000)));
        assert_eq!(verdict, Ok(Verdict::Holds), "(0,0) is initial and on the diagonal");
        let verdict = grid_formula(&format!("{}[]OnDiagonal", "[]InGrid /\\ ".repeat(50_000)));
        assert!(is_violated(&verdict), "{verdict:?}");
        // 100,000 `~`: an error at the 65th operator above the name, the
        // k-th `~` being at column 16 + k with 100,001 - k below it.
        let deep = "expected a formula nested at most 64 operators deep (a chain of `/\\` or `\\/` counts once), \
                    found 65 here";
        let verdict = grid_formula(&format!("<>{}OnDiagonal", "~".repeat(100_000)));
        assert_eq!(verdict, Err(format!("2:{}: syntax error: {deep}", 16 + 99_936)));
        // 10,000 parentheses are no operators.
        let verdict = grid_formula(&format!("<>{}OnDiagonal{}", "(".repeat(10_000), ")".repeat(10_000)));
        assert_eq!(verdict, Ok(Verdict::Holds));
        // At the limit: `<>` and 63 `~`, an odd number: eventually off the
        // diagonal, which a behaviour stuttering at (0,0) never is.
        let verdict = grid_formula(&format!("<>{}OnDiagonal", "~".repeat(63)));
        assert!(is_violated(&verdict), "{verdict:?}");
        // The tallest trees: `=>`, `~>`, `\/` and `/\` around each of 15
        // levels under `[]` (61 operators), a shape the engine refuses after
        // parsing it, and without `~>`, 21 levels (64 operators) of a state
        // formula equal to TRUE, compiled and evaluated on every state.
        let (mut tallest, mut state) = ("OnDiagonal".to_string(), "OnDiagonal".to_string());
        for _ in 0..15 {
            tallest = format!("({tallest}) /\\ TRUE \\/ TRUE ~> TRUE => TRUE");
        }
        for _ in 0..21 {
            state = format!("({state}) /\\ TRUE \\/ FALSE => TRUE");
        }
        let verdict = grid_formula(&format!("[]({tallest})"));
        assert!(matches!(&verdict, Err(e) if e.contains("expected a state formula here")), "{verdict:?}");
        assert_eq!(grid_formula(&format!("[]({state})")), Ok(Verdict::Holds));
        let verdict = grid_formula(&format!("[](({state}) /\\ TRUE)"));
        assert!(matches!(&verdict, Err(e) if e.contains("found 65 here")), "{verdict:?}");
    });
}

#[test]
fn a_formula_may_not_take_the_name_of_a_model_item() {
    // `PROPERTY EventuallyCorner == <>TRUE` would otherwise replace the model's
    // own EventuallyCorner, which fails on the grid, with a formula that holds.
    let items = [
        ("InGrid", "an invariant"),
        ("NoIncXOntoDiagonal", "a step invariant"),
        ("EventuallyCorner", "a property"),
        ("ReachesCorner", "a property"),
        ("OnDiagonal", "a predicate"),
        ("XBelowTwo", "a constraint"),
        ("NoIncYAtZero", "an action constraint"),
        ("Swap", "a symmetry"),
        ("IncX", "an action"),
    ];
    for (name, kind) in items {
        let spec = crate::parse_spec(&format!("MODEL Grid\nPROPERTY Other == <>TRUE\nPROPERTY {name} == <>TRUE\n"));
        let spec = spec.unwrap();
        let mut c = config(&[], 1);
        c.properties = spec.properties;
        c.formulas = spec.formulas;
        let Err(CheckError::Config(e)) = check(&Grid { n: 1 }, &c) else { panic!("{name}: expected a config error") };
        assert!(matches!(e, ConfigError::NameTaken { .. }), "{name}: {e:?}");
        assert_eq!((e.span().line, e.span().column), (3, 10), "{name}");
        assert!(!e.is_syntax(), "{name}: a taken name is a semantic error (exit 151)");
        assert_eq!(
            e.to_string(),
            format!(
                "name taken: the model already has {kind} named `{name}`, so a formula of that name would \
                 hide it; give the formula another name, such as `{name}Formula`"
            ),
            "{name}"
        );
    }
    // The suggestion is itself free: neither an item of the model nor another property of the spec.
    let spec = "MODEL Grid\nPROPERTY InGridFormula == <>TRUE\nPROPERTY InGrid == <>TRUE\n";
    let spec = crate::parse_spec(spec).unwrap();
    let mut c = config(&[], 1);
    c.properties = spec.properties;
    c.formulas = spec.formulas;
    let Err(CheckError::Config(e)) = check(&Grid { n: 1 }, &c) else { panic!("expected a config error") };
    assert!(e.to_string().ends_with("such as `InGridFormula2`"), "{e}");
    // A free name is accepted, and its formula is what is checked.
    let spec = crate::parse_spec("MODEL Grid\nPROPERTY Corner == <>OnDiagonal\n").unwrap();
    let mut c = config(&[], 1);
    c.properties = spec.properties;
    c.formulas = spec.formulas;
    assert_eq!(check(&Grid { n: 1 }, &c).unwrap().check("Corner").unwrap().verdict, Verdict::Holds);
}

#[test]
fn no_initial_state_inside_the_constraints_is_a_model_error_not_a_pass() {
    let mut c = config(&["InGrid"], 1);
    c.constraints = named(&["NeverHolds"]);
    let Err(CheckError::Model(e)) = check(&Grid { n: 1 }, &c) else { panic!("expected a model error") };
    assert_eq!(e.kind, ModelErrorKind::NoInitialStates);
}

#[test]
fn a_panic_while_rendering_a_trace_is_a_model_error() {
    let Err(CheckError::Model(e)) = check(&Grid { n: 7 }, &config(&["SumBelowFour"], 2)) else { panic!() };
    assert_eq!(e.kind, ModelErrorKind::Panic);
    assert!(e.message.contains("cannot show"), "{}", e.message);
}

#[test]
fn a_run_a_limit_stopped_is_incomplete_even_when_it_checks_nothing() {
    use crate::config::{Expect, Named, Span};
    use crate::outcome::{judge, Judgement};
    // No invariant and no deadlock check: no verdict can say "unknown".
    let mut config = config(&[], 2);
    config.check_deadlock = false;
    config.limits.states_max = 10;
    let outcome = check(&Grid { n: 30 }, &config).unwrap();
    assert!(outcome.checks.is_empty());
    assert_eq!(outcome.stopped, Some(StopReason::StatesLimit));
    for written in [false, true] {
        assert_eq!(judge(&outcome, &Expect::Ok, written), Judgement::Incomplete(StopReason::StatesLimit));
        let expected = Expect::Violation(Named { name: "Anything".into(), span: Span::default() });
        assert_eq!(judge(&outcome, &expected, written), Judgement::Incomplete(StopReason::StatesLimit));
    }
    // The same run without the limit passes when the spec accepts a run that
    // checks nothing by writing EXPECT OK.
    config.limits.states_max = u64::MAX;
    assert_eq!(judge(&check(&Grid { n: 30 }, &config).unwrap(), &Expect::Ok, true), Judgement::Met);
}

#[test]
fn a_run_that_checks_nothing_is_incomplete_unless_expect_ok_is_written() {
    use crate::config::Expect;
    use crate::outcome::{judge, Judgement};
    // No invariant, no property and no deadlock check: every reachable state
    // is explored, and nothing is established about any of them.
    let mut config = config(&[], 1);
    config.check_deadlock = false;
    let outcome = check(&Grid { n: 3 }, &config).unwrap();
    assert!(outcome.checks.is_empty());
    assert_eq!(outcome.stopped, None);
    assert_eq!(outcome.stats.distinct_states, 16);
    assert_eq!(judge(&outcome, &Expect::Ok, false), Judgement::Incomplete(StopReason::NothingChecked));
    assert_eq!(judge(&outcome, &Expect::Ok, true), Judgement::Met);
    let describe = StopReason::NothingChecked.describe();
    assert!(describe.contains("checks nothing") && describe.contains("EXPECT OK"), "{describe}");
    // One check is enough, whatever EXPECT says.
    config.check_deadlock = true;
    let outcome = check(&Grid { n: 3 }, &config).unwrap();
    assert_eq!(judge(&outcome, &Expect::Ok, false), Judgement::Failed(crate::outcome::Failure::Deadlock));
    let outcome = check(&Grid { n: 3 }, &crate::fixtures::config(&["InGrid"], 1)).unwrap();
    assert_eq!(judge(&outcome, &Expect::Ok, false), Judgement::Met);
}

#[test]
fn an_invariant_the_symmetry_does_not_respect_is_a_model_error_not_a_pass() {
    // Under Swap the search stores (0, [T, F]) and never checks (0, [F, T]),
    // the one state SetInOrder fails on: without the audit the run passes.
    let mut c = config(&["ClockBounded", "SetInOrder"], 1);
    c.symmetry = Some(named(&["Swap"]).remove(0));
    let result = check(&Pair { delay: 0, asymmetric_next: false }, &c);
    let Err(CheckError::Model(e)) = result else { panic!("expected a model error, got {result:?}") };
    assert!(e.message.contains("SetInOrder"), "{}", e.message);
    assert!(e.message.contains("Swap"), "{}", e.message);
}
