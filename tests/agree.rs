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
        "ChainReplication" => {
            visitor.visit(&models::ChainReplication::from_constants(constants).expect("valid constants"), spec)
        }
        "Saga" => visitor.visit(&models::Saga::from_constants(constants).expect("valid constants"), spec),
        "ThreePhase" => visitor.visit(&models::ThreePhase::from_constants(constants).expect("valid constants"), spec),
        "Pbft" => visitor.visit(&models::Pbft::from_constants(constants).expect("valid constants"), spec),
        "Gossip" => visitor.visit(&models::Gossip::from_constants(constants).expect("valid constants"), spec),
        "CausalStore" => visitor.visit(&models::CausalStore::from_constants(constants).expect("valid constants"), spec),
        "LamportMutex" => {
            use models::lamport_mutex::{settings, InlineState, LamportMutex, StateKind, VecState};
            let s = settings(constants).expect("valid constants");
            match s.state {
                StateKind::Vec => visitor.visit(&LamportMutex::<VecState>::new(s.n, s.max_clock), spec),
                StateKind::Inline => visitor.visit(&LamportMutex::<InlineState>::new(s.n, s.max_clock), spec),
            }
        }
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

/// A small random graph as a model, for agreement under constraints: states
/// are node numbers and `edges` are `(from, action, to)` with actions `A`,
/// `B`, `C`. The state invariant `Good` fails on `bad` states, the step
/// invariant `GoodStep` on `bad_steps`; the state constraint `Bound` keeps
/// `s <= bound`, and the action constraint `Allowed` forbids `blocked` steps.
#[derive(Debug)]
struct RandomGraph {
    initial: Vec<u8>,
    edges: Vec<(u8, u8, u8)>,
    bad: Vec<u8>,
    bad_steps: Vec<(u8, u8, u8)>,
    bound: u8,
    blocked: Vec<(u8, u8, u8)>,
}

impl Model for RandomGraph {
    type State = u8;
    type Action = u8;

    fn init(&self, states: &mut Vec<u8>) {
        states.extend(&self.initial);
    }

    fn next(&self, s: &u8, steps: &mut Vec<(u8, u8)>) {
        steps.extend(self.edges.iter().filter(|e| e.0 == *s).map(|e| (e.1, e.2)));
    }

    fn action_name(&self, action: &u8) -> &'static str {
        ["A", "B", "C"][*action as usize]
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["A", "B", "C"]
    }

    fn invariants(&self) -> Vec<checker::spec::Invariant<Self>> {
        use checker::spec::Invariant;
        vec![
            Invariant::state("Good", |m, s| !m.bad.contains(s)),
            Invariant::step("GoodStep", |m, from, a, to| !m.bad_steps.contains(&(*from, *a, *to))),
        ]
    }

    fn constraints(&self) -> Vec<checker::spec::Constraint<Self>> {
        use checker::spec::Constraint;
        vec![
            Constraint::state("Bound", |m, s| *s <= m.bound),
            Constraint::action("Allowed", |m, from, a, to| !m.blocked.contains(&(*from, *a, *to))),
        ]
    }
}

/// A fixed-seed xorshift generator: the corpus is the same on every run.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[test]
fn engines_agree_with_the_reference_explorer_under_state_and_action_constraints() {
    let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
    // Rounds whose first violation is a state never stored (outside the
    // constraints, or reached only by a forbidden step), and deadlocks.
    let (mut unstored, mut deadlocks, mut violations) = (0, 0, 0);
    for round in 0..400 {
        let n = 1 + rng.below(6) as u8;
        let edges: Vec<(u8, u8, u8)> = (0..rng.below(11))
            .map(|_| (rng.below(n.into()) as u8, rng.below(3) as u8, rng.below(n.into()) as u8))
            .collect();
        // 0 is always inside the bound, so some initial state is.
        let initial = std::iter::once(0).chain((0..rng.below(2)).map(|_| rng.below(n.into()) as u8)).collect();
        let bad = (0..n).filter(|_| rng.chance(15)).collect();
        let bad_steps = edges.iter().copied().filter(|_| rng.chance(10)).collect();
        let bound = rng.below(u64::from(n) + 1) as u8;
        let blocked = edges.iter().copied().filter(|_| rng.chance(30)).collect();
        let model = RandomGraph { initial, edges, bad, bad_steps, bound, blocked };
        let title = format!("round {round}: {model:?}");
        for (invariants, deadlock) in [(&["Good", "GoodStep"][..], false), (&[][..], true)] {
            let mut text = "MODEL RandomGraph\nCONSTRAINT Bound\nACTION_CONSTRAINT Allowed\n".to_string();
            if !invariants.is_empty() {
                text.push_str(&format!("INVARIANTS {}\n", invariants.join(" ")));
            }
            text.push_str(if deadlock { "CHECK_DEADLOCK TRUE\n" } else { "CHECK_DEADLOCK FALSE\n" });
            let spec = checker::parse_spec(&text).expect("a valid spec");
            let oracle = reference::explore(&model, invariants, &["Bound", "Allowed"], None);
            let expected = match (&oracle.violation, &oracle.deadlock) {
                (Some((name, trace)), _) => Some((name.to_string(), trace.len())),
                (None, Some(trace)) if deadlock => Some(("Deadlock".to_string(), trace.len())),
                _ => None,
            };
            if let Some((_, trace)) = &oracle.violation {
                violations += 1;
                unstored += usize::from(!oracle.states.contains(trace.last().expect("a trace")));
            }
            deadlocks += usize::from(deadlock && oracle.deadlock.is_some());
            for (strategy, threads) in [(Strategy::Bfs, 1), (Strategy::Bfs, 2), (Strategy::Dfs, 1)] {
                let ours = checker::check(&model, &config_of(&spec, strategy, threads)).expect("no model error");
                let title = format!("{title}, {strategy:?} on {threads}");
                match &expected {
                    None => {
                        assert_eq!(ours.stats.distinct_states, oracle.distinct, "{title}: distinct");
                        assert_eq!(ours.stats.generated_states, oracle.generated, "{title}: generated");
                        if strategy == Strategy::Bfs {
                            assert_eq!(ours.stats.depth, oracle.depth, "{title}: depth");
                        }
                        assert!(ours.checks.iter().all(|c| c.verdict == Verdict::Holds), "{title}: {:?}", ours.checks);
                    }
                    Some((name, length)) => {
                        let check = ours.check(name).unwrap_or_else(|| panic!("{title}: {name} was not checked"));
                        let found = violation_length(check).unwrap_or_else(|| panic!("{title}: {name} holds"));
                        // DFS finds the violation, on a possibly longer trace.
                        if strategy == Strategy::Bfs {
                            assert_eq!(found, *length, "{title}: {name} trace length");
                        } else {
                            assert!(found >= *length, "{title}: {name} trace length");
                        }
                    }
                }
            }
        }
    }
    // The corpus exercises what it is for.
    assert!(unstored > 20 && violations > 100 && deadlocks > 50, "{unstored} {violations} {deadlocks}");
}
