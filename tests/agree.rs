//! Many engines, one corpus: on every bundled spec, BFS on 1, 2 and 3 threads,
//! both fingerprint stores, DFS and the naive reference explorer agree.

use checker::spec::Model;
use checker::{Check, CheckKind, Expect, Outcome, SpecFile, StoreKind, Strategy, Verdict};
use models::Crdt;

use crate::{bundled_specs, config_of, outcome_of, parse, reference};

/// Runs `f` on the typed model a spec names.
trait Visit {
    fn visit<M: Model>(&mut self, model: &M, spec: &SpecFile);
}

fn typed(spec: &SpecFile, visitor: &mut impl Visit) {
    let constants = &spec.constants;
    match spec.model.name.as_str() {
        "TCommit" => visitor.visit(&models::TCommit::from_constants(constants).expect("valid constants"), spec),
        "TwoPhase" => visitor.visit(&models::TwoPhase::from_constants(constants).expect("valid constants"), spec),
        "Paxos" => visitor.visit(&models::Paxos::from_constants(constants).expect("valid constants"), spec),
        "GCounter" => {
            visitor.visit(&Crdt::<models::GCounter>::from_constants(constants).expect("valid constants"), spec)
        }
        "PNCounter" => {
            visitor.visit(&Crdt::<models::PNCounter>::from_constants(constants).expect("valid constants"), spec)
        }
        "LWWRegister" => {
            visitor.visit(&Crdt::<models::LWWRegister>::from_constants(constants).expect("valid constants"), spec)
        }
        "ORSet" => visitor.visit(&Crdt::<models::ORSet>::from_constants(constants).expect("valid constants"), spec),
        "TwoPSet" => visitor.visit(&Crdt::<models::TwoPSet>::from_constants(constants).expect("valid constants"), spec),
        "Abd" => visitor.visit(&models::Abd::from_constants(constants).expect("valid constants"), spec),
        "Raft" => visitor.visit(&models::Raft::from_constants(constants).expect("valid constants"), spec),
        "Dynamo" => visitor.visit(&models::Dynamo::from_constants(constants).expect("valid constants"), spec),
        other => panic!("tests/agree.rs does not know model {other}: add it to `typed`"),
    }
}

/// The outcome without the store's size, which depends on when the table grew.
fn comparable(mut outcome: Outcome) -> Outcome {
    outcome.stats.store_bytes = 0;
    outcome
}

fn violation_length(check: &Check) -> Option<usize> {
    match &check.verdict {
        Verdict::Violated(cex) => Some(cex.len()),
        _ => None,
    }
}

#[test]
fn every_registered_model_has_a_bundled_spec() {
    let specs: Vec<SpecFile> = bundled_specs().iter().map(|p| parse(p)).collect();
    for entry in models::registry() {
        assert!(specs.iter().any(|s| s.model.name == entry.name), "no spec in specs/ uses model {}", entry.name);
    }
}

#[test]
fn bfs_gives_the_same_outcome_on_any_thread_count_and_store() {
    for path in bundled_specs() {
        let spec = parse(&path);
        let one = comparable(outcome_of(&spec, &config_of(&spec, Strategy::Bfs, 1)));
        for threads in [2, 3] {
            let many = comparable(outcome_of(&spec, &config_of(&spec, Strategy::Bfs, threads)));
            assert_eq!(one, many, "{}: 1 thread vs {threads}", path.display());
        }
        let mut sharded = config_of(&spec, Strategy::Bfs, 2);
        sharded.store = StoreKind::Sharded;
        assert_eq!(one, comparable(outcome_of(&spec, &sharded)), "{}: table vs sharded store", path.display());

        // 128-bit fingerprints choose among equally short traces differently,
        // but find the same states and traces of the same lengths.
        let mut wide = sharded.clone();
        wide.fingerprint_bits = checker::FingerprintBits::B128;
        let wide = outcome_of(&spec, &wide);
        assert_eq!(one.stats.distinct_states, wide.stats.distinct_states, "{}", path.display());
        assert_eq!(one.stats.generated_states, wide.stats.generated_states, "{}", path.display());
        for (a, b) in one.checks.iter().zip(&wide.checks) {
            assert_eq!(violation_length(a), violation_length(b), "{}: {}", path.display(), a.name);
        }
    }
}

#[test]
fn dfs_finds_the_same_states_and_verdicts_as_bfs() {
    for path in bundled_specs() {
        let spec = parse(&path);
        let bfs = outcome_of(&spec, &config_of(&spec, Strategy::Bfs, 2));
        let dfs = outcome_of(&spec, &config_of(&spec, Strategy::Dfs, 1));
        let verdict = |o: &Outcome| o.checks.iter().map(|c| violation_length(c).is_some()).collect::<Vec<_>>();
        if spec.expect == Expect::Ok {
            assert_eq!(bfs.stats.distinct_states, dfs.stats.distinct_states, "{}", path.display());
            assert_eq!(bfs.stats.generated_states, dfs.stats.generated_states, "{}", path.display());
            assert_eq!(verdict(&bfs), verdict(&dfs), "{}", path.display());
        } else {
            // Both stop at a violation, DFS on a possibly longer trace.
            let name = match &spec.expect {
                Expect::Violation(named) => named.name.clone(),
                _ => "Deadlock".to_string(),
            };
            let shortest = violation_length(bfs.check(&name).unwrap()).expect("BFS finds the violation");
            let found = violation_length(dfs.check(&name).unwrap()).expect("DFS finds the violation");
            assert!(found >= shortest, "{}", path.display());
        }
    }
}

struct AgreesWithReference;

impl Visit for AgreesWithReference {
    fn visit<M: Model>(&mut self, model: &M, spec: &SpecFile) {
        let names = |list: &[checker::Named]| list.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        let invariants = names(&spec.invariants);
        let mut constraints = names(&spec.constraints);
        constraints.extend(names(&spec.action_constraints));
        let invariants: Vec<&str> = invariants.iter().map(String::as_str).collect();
        let constraints: Vec<&str> = constraints.iter().map(String::as_str).collect();
        let symmetry = spec.symmetry.as_ref().map(|s| s.name.as_str());
        let oracle = reference::explore(model, &invariants, &constraints, symmetry);
        let ours = checker::check(model, &config_of(spec, Strategy::Bfs, 2)).expect("no model error");
        let title = &spec.model.name;
        match &oracle.violation {
            None => {
                assert_eq!(ours.stats.distinct_states, oracle.distinct, "{title}: distinct");
                assert_eq!(ours.stats.generated_states, oracle.generated, "{title}: generated");
                assert_eq!(ours.stats.depth, oracle.depth, "{title}: depth");
                // The oracle knows invariants and deadlock, not temporal properties.
                let safety =
                    ours.checks.iter().filter(|c| !matches!(c.kind, CheckKind::Liveness | CheckKind::Sometimes));
                for check in safety {
                    if check.name != "Deadlock" || spec.check_deadlock {
                        let expected = if check.name == "Deadlock" && oracle.deadlock.is_some() {
                            Some(oracle.deadlock.as_ref().map_or(0, Vec::len))
                        } else {
                            None
                        };
                        assert_eq!(violation_length(check), expected, "{title}: {}", check.name);
                    }
                }
            }
            Some((name, trace)) => {
                let check = ours.check(name).unwrap_or_else(|| panic!("{title}: {name} was not checked"));
                assert_eq!(violation_length(check), Some(trace.len()), "{title}: {name} trace length");
            }
        }
    }
}

#[test]
fn bfs_agrees_with_the_reference_explorer_on_every_spec() {
    for path in bundled_specs() {
        typed(&parse(&path), &mut AgreesWithReference);
    }
}
