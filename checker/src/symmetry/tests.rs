//! Permutations, engine-built symmetries and the symmetry audit, on the
//! `Pair` and `Grid` fixtures (their counts are worked out in `fixtures.rs`).

use std::collections::HashSet;

use super::*;
use crate::check;
use crate::config::{CheckConfig, Strategy};
use crate::error::{CheckError, ModelErrorKind};
use crate::fixtures::{config, named, Grid, Pair};
use crate::model::{Model, SymmetryKind};
use crate::outcome::{Counterexample, Verdict};

#[test]
fn permutations_are_enumerated_in_lexicographic_order_identity_first() {
    let all = Permutation::all(&[3]);
    let sets: Vec<&[u8]> = all.iter().map(|p| p.set(0)).collect();
    assert_eq!(sets, [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]);
    assert!(all[0].is_identity());
    assert_eq!(all.iter().map(Permutation::index).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5]);
    // Two sets: 3! x 2! = 12, the first set varying slowest.
    let all = Permutation::all(&[3, 2]);
    assert_eq!(all.len(), 12);
    assert_eq!((all[1].set(0), all[1].set(1)), (&[0, 1, 2][..], &[1, 0][..]));
    assert_eq!((all[2].set(0), all[2].set(1)), (&[0, 2, 1][..], &[0, 1][..]));
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 12);
    for (i, p) in all.iter().enumerate() {
        assert_eq!(p.index(), i);
        assert_eq!(Permutation::new(&[p.set(0), p.set(1)]).as_ref(), Some(p));
    }
    assert_eq!(Permutation::all(&[0]).len(), 1);
    assert_eq!(Permutation::all(&[5]).len(), 120);
    assert_eq!(Permutation::count(&[5, 4]), Some(120 * 24));
    assert_eq!(Permutation::count(&[30]), None);
    assert_eq!(Permutation::new(&[&[0, 0]]), None);
    assert_eq!(Permutation::new(&[&[0, 2]]), None);
}

#[test]
fn composition_renames_by_the_second_then_the_first() {
    let p = Permutation::new(&[&[1, 2, 0]]).unwrap();
    let q = Permutation::new(&[&[1, 0, 2]]).unwrap();
    // q sends 0 to 1, then p sends 1 to 2.
    assert_eq!(p.after(&q).set(0), [2, 1, 0]);
    assert_eq!(p.describe(&[vec!["a".into(), "b".into(), "c".into()]]), "a -> b, b -> c, c -> a");
    assert_eq!(Permutation::identity(&[2]).describe(&[]), "the identity");
}

#[test]
fn kept_permutations_generate_their_group() {
    let all = Permutation::all(&[3]);
    let by =
        |images: &[&[u8]]| -> Vec<Permutation> { images.iter().map(|set| Permutation::new(&[set]).unwrap()).collect() };
    // A transposition: itself and the identity.
    assert_eq!(generated(by(&[&[1, 0, 2]]), &[3]), by(&[&[0, 1, 2], &[1, 0, 2]]));
    // A 3-cycle: the rotations.
    assert_eq!(generated(by(&[&[1, 2, 0]]), &[3]), by(&[&[0, 1, 2], &[1, 2, 0], &[2, 0, 1]]));
    // Two transpositions generate all six.
    assert_eq!(generated(by(&[&[1, 0, 2], &[0, 2, 1]]), &[3]), all);
    assert_eq!(generated(Vec::new(), &[3]), by(&[&[0, 1, 2]]));
}

#[test]
fn large_groups_are_audited_under_generators() {
    // Up to 120 permutations, every one but the identity.
    assert_eq!(audited(&Permutation::all(&[5]), &[5]).len(), 119);
    // All 720 permutations of six: the five transpositions of neighbours.
    let six = audited(&Permutation::all(&[6]), &[6]);
    let sets: Vec<&[u8]> = six.iter().map(|p| p.set(0)).collect();
    assert_eq!(sets[0], [1, 0, 2, 3, 4, 5]);
    assert_eq!(sets[4], [0, 1, 2, 3, 5, 4]);
    assert_eq!(generated(six, &[6]).len(), 720);
    // A kept subgroup: the 240 permutations of (six, two) that fix the sixth
    // element of the first set, audited under generators of that subgroup.
    let kept: Vec<Permutation> = Permutation::all(&[6, 2]).into_iter().filter(|p| p.set(0)[5] == 5).collect();
    let group = generated(kept.clone(), &[6, 2]);
    assert_eq!(group, kept);
    let generators = audited(&group, &[6, 2]);
    assert!(generators.len() < 10, "{}", generators.len());
    assert_eq!(generated(generators, &[6, 2]), kept);
}

fn pair(delay: u8) -> Pair {
    Pair { delay, asymmetric_next: false }
}

/// `invariants` (and `properties`) of `Pair` under `symmetry`, BFS on `threads`.
fn pair_config(invariants: &[&str], symmetry: &str, threads: usize) -> CheckConfig {
    let mut c = config(invariants, threads);
    c.symmetry = Some(named(&[symmetry]).remove(0));
    c
}

/// The audit's error message, which must name the symmetry and the item.
fn audit_error(model: &Pair, c: &CheckConfig) -> String {
    match check(model, c) {
        Err(CheckError::Model(e)) => {
            assert_eq!(e.kind, ModelErrorKind::SymmetryNotRespected, "{}", e.message);
            assert!(e.state.is_some());
            e.message
        }
        other => panic!("expected the audit to find an asymmetry, got {other:?}"),
    }
}

#[test]
fn without_the_audit_a_symmetry_hides_a_violation() {
    // The hole the audit closes: under either symmetry the search stores
    // (0, [T, F]) and never checks (0, [F, T]), the one state SetInOrder fails on.
    for symmetry in ["Swap", "Nodes"] {
        let mut c = pair_config(&["SetInOrder"], symmetry, 1);
        c.symmetry_audit = SymmetryAudit::Off;
        let outcome = check(&pair(0), &c).unwrap();
        assert_eq!(outcome.check("SetInOrder").unwrap().verdict, Verdict::Holds, "{symmetry}");
        // And without the symmetry the violation is found.
        c.symmetry = None;
        let outcome = check(&pair(0), &c).unwrap();
        assert!(matches!(outcome.check("SetInOrder").unwrap().verdict, Verdict::Violated(_)));
    }
}

#[test]
fn the_audit_names_an_invariant_that_tells_renamed_nodes_apart() {
    for threads in [1, 2] {
        let message = audit_error(&pair(0), &pair_config(&["ClockBounded", "SetInOrder"], "Swap", threads));
        assert!(message.starts_with("the symmetry Swap is not respected: invariant SetInOrder is FALSE on (0, [false, true]), the successor of the state below by Set(1), and TRUE on its canonical form, (0, [true, false])"), "{message}");
        let message = audit_error(&pair(0), &pair_config(&["ClockBounded", "SetInOrder"], "Nodes", threads));
        assert!(message.starts_with("the symmetry Nodes is not respected: invariant SetInOrder is "), "{message}");
        assert!(message.contains("its image under the permutation n1 -> n2, n2 -> n1"), "{message}");
    }
}

#[test]
fn the_audit_error_carries_the_state_and_the_trace_that_reaches_it() {
    let Err(CheckError::Model(e)) = check(&pair(2), &pair_config(&["SetInOrder"], "Nodes", 2)) else {
        panic!("expected a model error")
    };
    // The state whose successors differ: the clock has run out, no flag is set.
    assert_eq!(e.state.as_deref(), Some("(2, [false, false])"));
    assert_eq!(e.trace.map(|t| t.steps.len()), Some(3));
}

#[test]
fn the_audit_covers_every_kind_of_checked_item() {
    // (what the spec checks, the symmetries that find it, the item's name in the message)
    type Setup = fn(&mut CheckConfig);
    let cases: [(Setup, &[&str], &str); 5] = [
        (|c| c.invariants = named(&["FirstSetFirst"]), &["Swap", "Nodes"], "step invariant FirstSetFirst is "),
        (|c| c.properties = named(&["SecondAlone"]), &["Swap", "Nodes"], "property SecondAlone is "),
        (|c| c.constraints = named(&["NotSecondAlone"]), &["Swap", "Nodes"], "constraint NotSecondAlone is "),
        // A hand-written canonicalizer has no renaming to apply to a step: from
        // (0, [F, F]) both steps reach one class, so this one is found only
        // by the engine's permutations (and hides nothing here).
        (
            |c| c.action_constraints = named(&["FirstBeforeSecond"]),
            &["Nodes"],
            "action constraint FirstBeforeSecond is ",
        ),
        (|c| c.invariants = named(&["ClockBounded", "SetInOrder"]), &["Swap", "Nodes"], "invariant SetInOrder is "),
    ];
    for (setup, symmetries, item) in cases {
        for symmetry in symmetries {
            let mut c = pair_config(&[], symmetry, 1);
            setup(&mut c);
            let message = audit_error(&pair(0), &c);
            assert!(message.contains(&format!("the symmetry {symmetry} is not respected: {item}")), "{message}");
        }
    }
}

#[test]
fn the_audit_finds_a_next_that_is_not_symmetric() {
    let model = Pair { delay: 0, asymmetric_next: true };
    let message = audit_error(&model, &pair_config(&["ClockBounded"], "Nodes", 1));
    assert!(message.contains("is not respected: next is not symmetric: "), "{message}");
    // A renaming that is not one: the image of (0, [F, F]) has other successors.
    let message = audit_error(&pair(0), &pair_config(&["ClockBounded"], "Broken", 1));
    assert!(message.contains("is not respected: next is not symmetric: "), "{message}");
}

#[test]
fn a_permutation_symmetry_whose_apply_is_not_a_renaming_is_not_idempotent() {
    let model = pair(0);
    let symmetries = model.symmetries();
    let SymmetryKind::Permutations(broken) = &symmetries.iter().find(|s| s.name == "Broken").unwrap().kind else {
        panic!()
    };
    let reduction = Reduction::<Pair> {
        name: "Broken",
        kind: ReductionKind::Group {
            audited: broken.group(&model).unwrap()[1..].to_vec(),
            group: broken.group(&model).unwrap(),
            apply: broken.apply,
            order: broken.order,
            names: broken.sets.clone(),
        },
        state_items: Vec::new(),
        step_items: Vec::new(),
        audit_limit: u64::MAX,
    };
    // [T, T] -> least of {[T, T], [T, F]} = [T, F] -> least of {[T, F], [F, F]} = [F, F].
    let Err(CheckError::Model(e)) = reduction.audit_state(&model, &(0, [true, true])) else { panic!() };
    assert_eq!(e.kind, ModelErrorKind::NonIdempotentSymmetry);
    assert!(reduction.audit_state(&model, &(0, [false, true])).is_ok());
}

#[test]
fn symmetric_items_pass_the_audit_and_count_one_state_per_class() {
    for symmetry in ["Swap", "Nodes"] {
        for threads in [1, 2] {
            let mut c = pair_config(&["ClockBounded"], symmetry, threads);
            c.properties = named(&["BothSet"]);
            c.symmetry_audit = SymmetryAudit::Full;
            let outcome = check(&pair(2), &c).unwrap();
            // delay + 3 classes: (0..2, FF), (2, FF), (2, TF ~ FT), (2, TT).
            assert_eq!(outcome.stats.distinct_states, 5);
            assert_eq!(outcome.check("ClockBounded").unwrap().verdict, Verdict::Holds);
            assert!(matches!(outcome.check("BothSet").unwrap().verdict, Verdict::Witnessed(_)));
        }
    }
}

#[test]
fn the_audit_runs_on_the_first_states_or_on_all() {
    // The asymmetry shows only when (3, [F, F]), the fourth state expanded
    // (position 3), is audited: First(3) misses it.
    for strategy in [Strategy::Bfs, Strategy::Dfs, Strategy::Simulate] {
        for (audit, found) in [
            (SymmetryAudit::Off, false),
            (SymmetryAudit::First(3), false),
            (SymmetryAudit::First(4), true),
            (SymmetryAudit::Full, true),
        ] {
            let mut c = pair_config(&["SetInOrder"], "Nodes", 1);
            c.strategy = strategy;
            c.symmetry_audit = audit;
            match check(&pair(3), &c) {
                Err(CheckError::Model(e)) if found => {
                    assert!(e.message.starts_with("the symmetry Nodes is not respected: invariant SetInOrder"));
                }
                // Without the audit BFS hides the violation. DFS takes the
                // last step first, stores (3, [F, T]) and finds it: its trace
                // ends in the member of the class that shows it, not in
                // (3, [T, F]). Simulation walks either way.
                Ok(outcome) if !found => {
                    let verdict = &outcome.check("SetInOrder").unwrap().verdict;
                    match (strategy, verdict) {
                        (Strategy::Bfs, Verdict::Holds) => {}
                        (Strategy::Dfs | Strategy::Simulate, Verdict::Violated(Counterexample::Trace(trace))) => {
                            assert_eq!(trace.steps.len(), 5);
                            assert_eq!(trace.steps[4].action.as_ref().unwrap().label, "Set(1)");
                        }
                        (Strategy::Simulate, Verdict::Unknown(_)) => {}
                        _ => panic!("{strategy:?} {audit:?}: {verdict:?}"),
                    }
                }
                other => panic!("{strategy:?} {audit:?}: {other:?}"),
            }
        }
    }
}

#[test]
fn the_engine_builds_the_same_classes_as_a_hand_written_canonicalizer() {
    for (strategy, threads) in [(Strategy::Bfs, 1), (Strategy::Bfs, 2), (Strategy::Dfs, 1)] {
        for symmetry in ["Swap", "Axes"] {
            let mut c = config(&["InGrid"], threads);
            c.strategy = strategy;
            c.symmetry = Some(named(&[symmetry]).remove(0));
            c.symmetry_audit = SymmetryAudit::Full;
            let outcome = check(&Grid { n: 4 }, &c).unwrap();
            // Pairs x <= y in 0..=4: 5 * 6 / 2 classes; from each, two steps
            // (none from (4, 4), one from (x, 4)), plus the initial state:
            // 2 * 15 - 5 - 1 + 1.
            assert_eq!(outcome.stats.distinct_states, 15, "{symmetry}");
            assert_eq!(outcome.stats.generated_states, 25, "{symmetry}");
        }
    }
}

#[test]
fn too_many_permutations_are_refused_with_the_count() {
    struct Many;
    impl Model for Many {
        type State = u8;
        type Action = ();
        fn init(&self, states: &mut Vec<u8>) {
            states.push(0);
        }
        fn next(&self, _: &u8, _: &mut Vec<((), u8)>) {}
        fn action_name(&self, _: &()) -> &'static str {
            "Nothing"
        }
        fn action_names(&self) -> Vec<&'static str> {
            vec!["Nothing"]
        }
        fn symmetries(&self) -> Vec<crate::model::Symmetry<Self>> {
            let names = (1..=10).map(|i| format!("s{i}")).collect();
            vec![crate::model::Symmetry::permutations("Server", vec![names], |_, s, _| *s)]
        }
    }
    let mut c = config(&[], 1);
    c.symmetry = Some(named(&["Server"]).remove(0));
    let Err(CheckError::Config(e)) = check(&Many, &c) else { panic!("expected a config error") };
    assert_eq!(
        e.to_string(),
        "unsupported: symmetry Server: it has 10! permutations, more than the 362880 bivalent enumerates for every \
         state; use fewer model values, or a hand-written canonicalizer"
    );
}

#[test]
fn a_replay_that_lands_on_another_member_of_a_class_blames_the_symmetry_not_determinism() {
    // DFS takes IncY first and stores (0, 1); its step IncX onto the diagonal
    // (1, 1) breaks NoIncXOntoDiagonal. The replay reaches the class of (0, 1)
    // by IncX (the smallest action), at (1, 0), from which no IncX step
    // reaches (1, 1): the step invariant tells the members of a class apart.
    let mut c = config(&["NoIncXOntoDiagonal"], 1);
    c.strategy = Strategy::Dfs;
    c.symmetry = Some(named(&["Swap"]).remove(0));
    c.symmetry_audit = SymmetryAudit::Off;
    let Err(CheckError::Model(e)) = check(&Grid { n: 1 }, &c) else { panic!("expected a model error") };
    assert_eq!(e.kind, ModelErrorKind::SymmetryNotRespected);
    assert!(e.message.starts_with("the symmetry Swap is not respected: the last step of the trace"), "{}", e.message);
    assert_eq!(e.state.as_deref(), Some("(1, 0)"));
    // With the audit (the default), the asymmetry is named before the search goes on.
    c.symmetry_audit = SymmetryAudit::DEFAULT;
    let Err(CheckError::Model(e)) = check(&Grid { n: 1 }, &c) else { panic!("expected a model error") };
    assert!(
        e.message.starts_with("the symmetry Swap is not respected: step invariant NoIncXOntoDiagonal is"),
        "{}",
        e.message
    );
}
