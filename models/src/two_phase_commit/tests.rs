//! Unit tests: TLC's published counts through the naive explorer, the seeded
//! bug's shortest counterexample, the refinement check, and the symmetry
//! against a brute-force orbit count that does not use the symmetry.

use std::collections::HashSet;

use checker::spec::{Constants, InvariantKind, Model, Permutation, Span, SymmetryKind, Value};
use checker::Constant;

use super::*;
use crate::naive::explore;

fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("r{i}")).collect()
}

fn two_phase(n: usize) -> TwoPhase {
    TwoPhase::new(names(n), Bug::None)
}

/// The actions of a trace, found by replaying `next` from each state to the next.
fn actions<M: Model>(model: &M, trace: &[M::State]) -> Vec<String> {
    let mut steps = Vec::new();
    trace
        .windows(2)
        .map(|pair| {
            steps.clear();
            model.next(&pair[0], &mut steps);
            let (action, _) =
                steps.iter().find(|(_, to)| *to == pair[1]).expect("the trace is a behavior of the model");
            model.format_action(action)
        })
        .collect()
}

fn constants(items: &[(&str, Value)]) -> Constants {
    Constants {
        items: items
            .iter()
            .map(|(name, value)| Constant { name: name.to_string(), value: value.clone(), span: Span::default() })
            .collect(),
        model_span: Span::default(),
    }
}

fn rm_set(n: usize) -> Value {
    Value::set(names(n).into_iter().map(Value::model_value))
}

// TLC's counts for TCommit.cfg (RM = {r1, r2, r3}), from the tlaplus/Examples
// manifest.json: 34 distinct states, 94 generated, depth 7.
#[test]
fn tcommit_with_three_rms_has_tlcs_counts() {
    let model = TCommit::new(names(3));
    let explored = explore(&model, &["TCTypeOK", "TCConsistent"], &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (34, 94, 7));
    // Every RM decided leaves nothing enabled, which is why TCommit.cfg says CHECK_DEADLOCK FALSE.
    let deadlock = explored.deadlock.expect("TCommit has terminal states");
    assert!(deadlock.last().is_some_and(|s| (0..3).all(|r| s.rm_state(r) == RmState::Aborted)));
}

// Derived by hand: while no RM has committed, each RM is working, prepared or
// aborted, independently (3^n states); once one has committed none can abort,
// and committing needed every RM prepared, so each RM is prepared or committed
// with at least one committed (2^n - 1). The deepest state, all committed,
// takes n Prepare and n Decide steps: depth 2n + 1.
#[test]
fn tcommit_counts_match_the_closed_form() {
    for n in 1..=6u32 {
        let explored = explore(&TCommit::new(names(n as usize)), &["TCConsistent"], &[], None);
        assert_eq!((explored.distinct, explored.depth), (3u64.pow(n) + 2u64.pow(n) - 1, 2 * n + 1), "n = {n}");
    }
}

// TLC's counts for TwoPhase.cfg (RM = {r1, r2, r3}), from the tlaplus/Examples
// manifest.json: 288 distinct states, 1146 generated, depth 11. Stateright's
// examples/2pc.rs pins the same 288.
#[test]
fn two_phase_with_three_rms_has_tlcs_counts() {
    let explored = explore(&two_phase(3), &["TPTypeOK", "TCConsistent", "TCSpec"], &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (288, 1146, 11));
    // Once the TM has decided, RMRcvCommitMsg or RMRcvAbortMsg is always enabled.
    assert_eq!(explored.deadlock, None);
}

// 8832 distinct states for five RMs: stateright's examples/2pc.rs. The counts
// of generated states and the depth are TLC's for this configuration as the
// project brief gives them (the tlaplus/Examples manifest has three RMs only);
// counts_match_the_closed_form derives all three independently.
#[test]
fn two_phase_with_five_rms_has_tlcs_counts() {
    let explored = explore(&two_phase(5), &["TPTypeOK", "TCConsistent", "TCSpec"], &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!((explored.distinct, explored.generated, explored.depth), (8832, 58146, 17));
}

// TwoPhase.tla's closing comment: "checked with TLC for six RMs, a configuration
// with 50816 reachable states".
#[test]
fn two_phase_with_six_rms_has_the_modules_published_count() {
    let explored = explore(&two_phase(6), &["TCConsistent"], &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!(explored.distinct, 50816);
}

// The shortest violation, derived by hand. An RM commits only on receiving
// Commit, which needs TMCommit, which (with the bug) needs one TMRcvPrepared,
// which needs one RMPrepare: four steps. Another RM must abort, which takes
// RMChooseToAbort (RMRcvAbortMsg needs TMAbort, which rules out TMCommit): a
// fifth step. So six states. BFS meets the TMAbort branch first (no commit can
// follow it), then RMPrepare(r1); from there TMRcvPrepared(r1) and TMCommit are
// the first enabled steps, RMRcvCommitMsg(r1) is the first step after them,
// and RMChooseToAbort(r2) is the first step that breaks TCConsistent.
#[test]
fn committing_without_all_prepared_violates_consistency_in_five_steps() {
    let model = TwoPhase::new(names(3), Bug::CommitWithoutAllPrepared);
    let explored = explore(&model, &["TPTypeOK", "TCConsistent"], &[], None);
    let (name, trace) = explored.violation.expect("the bug is found");
    assert_eq!(name, "TCConsistent");
    assert_eq!(
        actions(&model, &trace),
        ["RMPrepare(r1)", "TMRcvPrepared(r1)", "TMCommit", "RMRcvCommitMsg(r1)", "RMChooseToAbort(r2)"]
    );
    use RmState::*;
    let last = TwoPhaseState::new(
        &[(Committed, true, true), (Aborted, false, false), (Working, false, false)],
        TmState::Committed,
        true,
        false,
    );
    assert_eq!(trace.last(), Some(&last));
}

// The refinement breaks one step earlier than consistency: r1 receives Commit
// while r2 is still working, which no TCommit step allows (Decide(r1) commits
// only when every RM is prepared). This is why twophase-bug-3.cfg does not list
// TCSpec: it would be reported instead of TCConsistent.
#[test]
fn committing_without_all_prepared_breaks_the_refinement_in_four_steps() {
    let model = TwoPhase::new(names(3), Bug::CommitWithoutAllPrepared);
    let explored = explore(&model, &["TCSpec"], &[], None);
    let (name, trace) = explored.violation.expect("the bug is found");
    assert_eq!(name, "TCSpec");
    assert_eq!(actions(&model, &trace), ["RMPrepare(r1)", "TMRcvPrepared(r1)", "TMCommit", "RMRcvCommitMsg(r1)"]);
}

/// Every permutation of `0..n`, built by inserting each element at every position.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    let mut perms = vec![Vec::new()];
    for element in 0..n {
        perms = perms
            .iter()
            .flat_map(|p| {
                (0..=p.len()).map(move |at| {
                    let mut q: Vec<usize> = p.clone();
                    q.insert(at, element);
                    q
                })
            })
            .collect();
    }
    perms
}

/// `s` with RM `r` renamed `perm[r]`, rebuilt from its variables.
fn permute(model: &TwoPhase, s: TwoPhaseState, perm: &[usize]) -> TwoPhaseState {
    let n = model.rm_count();
    let mut per_rm = vec![(RmState::Working, false, false); n];
    for r in 0..n {
        let r8 = r as Rm;
        per_rm[perm[r]] = (s.rm_state(r8), s.tm_prepared(r8), s.prepared_msg(r8));
    }
    TwoPhaseState::new(&per_rm, s.tm_state(), s.commit_msg(), s.abort_msg())
}

/// The orbits of the reachable states under all permutations of RM, counted by
/// brute force (each orbit is named by its least member), and the states a
/// symmetric search generates: the initial state plus one expansion per orbit.
/// Permuting RMs permutes steps, so every member of an orbit has the same
/// out-degree, whichever member the search expands.
fn orbit_counts(n: usize) -> (u64, u64) {
    let model = two_phase(n);
    let perms = permutations(n);
    let explored = explore(&model, &[], &[], None);
    let orbits: HashSet<TwoPhaseState> =
        explored.states.iter().map(|&s| perms.iter().map(|p| permute(&model, s, p)).min().unwrap()).collect();
    let mut steps = Vec::new();
    let mut generated = 1;
    for s in &orbits {
        steps.clear();
        model.next(s, &mut steps);
        generated += steps.len() as u64;
    }
    (orbits.len() as u64, generated)
}

#[test]
fn permutations_are_all_distinct() {
    let perms = permutations(4);
    assert_eq!(perms.len(), 24);
    assert_eq!(perms.iter().collect::<HashSet<_>>().len(), 24);
}

// The reduced counts come from orbit_counts, which never uses the
// symmetry, and agree with the closed form below. Stateright's
// examples/2pc.rs pins 665 for five RMs under symmetry: its representative
// sorts the RMs by rmState alone and keeps ties in index order, so symmetric
// states whose tied RMs differ in tmPrepared or msgs keep different
// representatives. That is sound but not one state per orbit; 314 is.
#[test]
fn symmetry_reduces_to_one_state_per_orbit() {
    for (n, orbits, generated) in [(3, 80, 318), (5, 314, 2048)] {
        assert_eq!(orbit_counts(n), (orbits, generated), "orbits with {n} RMs");
        let explored = explore(&two_phase(n), &["TPTypeOK", "TCConsistent", "TCSpec"], &[], Some("RM"));
        assert_eq!(explored.violation, None);
        assert_eq!((explored.distinct, explored.generated), (orbits, generated), "symmetric search with {n} RMs");
    }
}

// A closed form for the counts, derived by hand from the actions. Give each RM
// its tuple <<rmState[r], r \in tmPrepared, Prepared(r) \in msgs>>. Every
// reachable state is in one of three phases, and within a phase the RMs move
// independently, so every combination of tuples is reachable:
// - tmState = "init": working, prepared unreceived, prepared received, or
//   aborted by choice: 4 tuples, so 4^n states and C(n+3, 3) multisets;
// - tmState = "committed": every RM was received, and is prepared or committed:
//   2 tuples, so 2^n states and n + 1 multisets;
// - tmState = "aborted": tmPrepared is frozen, so the 4 tuples above, plus an RM
//   that received Abort after preparing (received or not): 6 tuples, 6^n states
//   and C(n+5, 5) multisets.
// A symmetry class is a phase and a multiset of tuples.
//
// Generated states: the initial state plus every state's out-degree. In phase
// "init" TMAbort is always enabled, TMCommit in one state, and the four tuples
// enable 2 (RMPrepare, RMChooseToAbort), 1, 1 (TMRcvPrepared) and 0 steps,
// 1 per RM on average: 4^n (n + 1) + 1 in all. In phase "committed" each RM
// has RMRcvCommitMsg: n 2^n. In phase "aborted" each RM has RMRcvAbortMsg and a
// working one also RMPrepare and RMChooseToAbort, and one RM in 6 is working:
// n 6^n + 2n 6^(n-1). The deepest states take n RMPrepare, n TMRcvPrepared,
// the decision and n receipts: depth 3n + 2.
//
// For n = 3, 5, 6 and 8 this gives 288, 8832, 50816 and 1,745,408 states (TLC's
// and the module's counts, and the design document's benchmark size); for
// n = 3 and 5, 1146 and 58146 generated states and depths 11 and 17.
#[test]
fn counts_match_the_closed_form() {
    fn choose(n: u64, k: u64) -> u64 {
        (1..=k).fold(1, |c, i| c * (n + 1 - i) / i)
    }
    for n in 1..=6u32 {
        let m = u64::from(n);
        let states = 4u64.pow(n) + 2u64.pow(n) + 6u64.pow(n);
        let generated = 1 + (4u64.pow(n) * (m + 1) + 1) + m * 2u64.pow(n) + (m * 6u64.pow(n) + 2 * m * 6u64.pow(n - 1));
        let orbits = choose(m + 3, 3) + (m + 1) + choose(m + 5, 5);
        let model = two_phase(n as usize);
        let explored = explore(&model, &[], &[], None);
        assert_eq!((explored.distinct, explored.generated, explored.depth), (states, generated, 3 * n + 2), "n = {n}");
        assert_eq!(explore(&model, &[], &[], Some("RM")).distinct, orbits, "orbits with {n} RMs");
    }
    assert_eq!(4u64.pow(8) + 2u64.pow(8) + 6u64.pow(8), 1_745_408);
}

/// The canonical form the engine fingerprints under the symmetry `RM`: the
/// least image under the group the engine enumerates, renamed by the model.
fn canonical(model: &TwoPhase, group: &[Permutation], s: TwoPhaseState) -> TwoPhaseState {
    let symmetries = model.symmetries();
    let SymmetryKind::Permutations(rm) = &symmetries[0].kind else { panic!("RM is a permutation symmetry") };
    group.iter().map(|p| (rm.apply)(model, &s, p)).min().expect("the group holds the identity")
}

// The canonical form must be idempotent, name one member of the state's own
// orbit, give every member of an orbit the same representative and members
// of different orbits different ones (an orbit is a phase and a multiset of
// per-RM tuples, compared here by sorting the tuples), and not change any
// state invariant's verdict.
#[test]
fn the_canonical_form_picks_one_member_per_orbit() {
    let model = two_phase(4);
    let perms = permutations(4);
    let group = Permutation::all(&[4]);
    let invariants = model.invariants();
    let orbit_key = |s: TwoPhaseState| {
        let mut tuples: Vec<_> = (0..4).map(|r| (s.rm_state(r) as u8, s.tm_prepared(r), s.prepared_msg(r))).collect();
        tuples.sort();
        (tuples, s.tm_state() as u8, s.commit_msg(), s.abort_msg())
    };
    let mut representative = std::collections::HashMap::new();
    let states = explore(&model, &[], &[], None).states;
    for &s in &states {
        let c = canonical(&model, &group, s);
        assert_eq!(canonical(&model, &group, c), c);
        assert!(perms.iter().any(|p| permute(&model, s, p) == c), "{s:?} -> {c:?} leaves the orbit");
        for p in &perms {
            assert_eq!(canonical(&model, &group, permute(&model, s, p)), c);
        }
        assert_eq!(*representative.entry(orbit_key(s)).or_insert(c), c, "one representative per orbit");
        for invariant in &invariants {
            if let InvariantKind::State(holds) = invariant.kind {
                assert_eq!(holds(&model, &s), holds(&model, &c), "{} on {s:?}", invariant.name);
            }
        }
    }
    // Different orbits, different representatives.
    let representatives: HashSet<TwoPhaseState> = representative.values().copied().collect();
    assert_eq!(representatives.len(), representative.len());
}

// The step check [TCNext]_rmState takes a shortcut (only one RM can change);
// compare it with the successors TCommit's next emits, for every pair of states.
#[test]
fn tcommit_step_check_agrees_with_next() {
    let model = TCommit::new(names(3));
    let codes = [RmState::Working, RmState::Prepared, RmState::Committed, RmState::Aborted];
    let all: Vec<TCommitState> =
        (0..64).map(|i: usize| TCommitState::from_rm_states((0..3).map(|r| codes[(i >> (2 * r)) & 3]))).collect();
    let mut steps = Vec::new();
    for &from in &all {
        steps.clear();
        model.next(&from, &mut steps);
        for &to in &all {
            let expected = from == to || steps.iter().any(|(_, t)| *t == to);
            assert_eq!(model.is_next_or_stutter(from, to), expected, "{from:?} -> {to:?}");
        }
    }
}

// The predicates test every RM at once with bit masks; compare them with their
// TLA+ definitions written out RM by RM.
#[test]
fn the_bitwise_predicates_agree_with_their_definitions() {
    use RmState::*;
    let model = two_phase(4);
    let rms = || 0..4 as Rm;
    for &s in &explore(&model, &[], &[], None).states {
        let aborted = rms().any(|r| s.rm_state(r) == Aborted);
        let committed = rms().any(|r| s.rm_state(r) == Committed);
        assert_eq!(model.tc_consistent(s), !(aborted && committed), "{s:?}");
        assert_eq!(model.some_committed(s), committed, "{s:?}");
        assert_eq!(model.all_decided(s), rms().all(|r| matches!(s.rm_state(r), Committed | Aborted)), "{s:?}");
    }
    let model = TCommit::new(names(3));
    let rms = || 0..3 as Rm;
    for i in 0..64u32 {
        let s = TCommitState::from_rm_states((0..3).map(|r| RmState::from_bits(u64::from(i >> (2 * r)))));
        let can_commit = rms().all(|r| matches!(s.rm_state(r), Prepared | Committed));
        assert_eq!(model.can_commit(s), can_commit, "{s:?}");
        assert_eq!(model.not_committed(s), rms().all(|r| s.rm_state(r) != Committed), "{s:?}");
    }
}

#[test]
fn the_stuttering_receive_steps_are_kept() {
    let model = two_phase(2);
    let mut steps = Vec::new();
    use RmState::*;
    let decided =
        TwoPhaseState::new(&[(Committed, true, true), (Prepared, true, true)], TmState::Committed, true, false);
    model.next(&decided, &mut steps);
    let shown: Vec<String> = steps.iter().map(|(a, _)| model.format_action(a)).collect();
    assert_eq!(shown, ["RMRcvCommitMsg(r1)", "RMRcvCommitMsg(r2)"]);
    assert_eq!(steps[0].1, decided);
}

#[test]
fn states_render_as_tla_values() {
    let model = two_phase(3);
    let mut steps = Vec::new();
    let mut init = Vec::new();
    model.init(&mut init);
    model.next(&init[0], &mut steps);
    let (action, s) = steps.iter().find(|(a, _)| *a == TwoPhaseAction::RMPrepare(1)).unwrap();
    assert_eq!(model.format_action(action), "RMPrepare(r2)");
    let shown: Vec<String> = model.variables(s).iter().map(|(name, value)| format!("{name} = {value}")).collect();
    assert_eq!(
        shown,
        [
            r#"rmState = (r1 :> "working" @@ r2 :> "prepared" @@ r3 :> "working")"#,
            r#"tmState = "init""#,
            "tmPrepared = {}",
            r#"msgs = {[type |-> "Prepared", rm |-> r2]}"#,
        ]
    );
    let decided = TwoPhaseState::new(&[(RmState::Aborted, true, true); 3], TmState::Aborted, false, true);
    let msgs = &model.variables(&decided)[3].1;
    assert_eq!(
        msgs.to_string(),
        r#"{[type |-> "Abort"], [type |-> "Prepared", rm |-> r1], [type |-> "Prepared", rm |-> r2], [type |-> "Prepared", rm |-> r3]}"#
    );
    assert_eq!(TCommit::new(names(2)).format_action(&TCommitAction::Decide(1)), "Decide(r2)");
}

#[test]
fn some_commit_is_reachable_and_termination_holds_at_the_end() {
    let model = two_phase(3);
    let explored = explore(&model, &[], &[], None);
    let properties = model.properties();
    let holds = |name: &str, s: &TwoPhaseState| match properties.iter().find(|p| p.name == name).unwrap().kind {
        checker::spec::PropertyKind::Eventually(p) | checker::spec::PropertyKind::Sometimes(p) => p(&model, s),
        _ => unreachable!(),
    };
    assert!(explored.states.iter().any(|s| holds("SomeCommit", s)));
    assert!(!holds("Termination", &explored.states[0]));
    assert!(explored.states.iter().any(|s| holds("Termination", s)));
}

#[test]
fn constants_select_the_rms_and_the_bug() {
    let model = TwoPhase::from_constants(&constants(&[("RM", rm_set(4))])).unwrap();
    assert_eq!((model.rm_count(), model.bug()), (4, Bug::None));
    let bug = constants(&[("RM", rm_set(3)), ("Bug", Value::str("CommitWithoutAllPrepared"))]);
    assert_eq!(TwoPhase::from_constants(&bug).unwrap().bug(), Bug::CommitWithoutAllPrepared);
    let bug = constants(&[("RM", rm_set(3)), ("Bug", Value::model_value("CommitWithoutAllPrepared"))]);
    assert_eq!(TwoPhase::from_constants(&bug).unwrap().bug(), Bug::CommitWithoutAllPrepared);
    assert!(TwoPhase::from_constants(&constants(&[("RM", rm_set(16))])).is_err());
    assert!(TwoPhase::from_constants(&constants(&[("RM", rm_set(3)), ("Bug", Value::str("Typo"))])).is_err());
    assert!(TwoPhase::from_constants(&constants(&[])).is_err());
    assert!(TCommit::from_constants(&constants(&[("RM", rm_set(3)), ("Bug", Value::str("None"))])).is_err());
    assert_eq!(TCommit::from_constants(&constants(&[("RM", rm_set(16))])).unwrap().rm_count(), 16);
}

#[test]
fn the_registry_builds_both_models() {
    let names: Vec<&str> = crate::registry().iter().map(|e| e.name).collect();
    // Other models are registered too; the registry stays in alphabetical order.
    assert!(names.contains(&"TCommit") && names.contains(&"TwoPhase"), "{names:?}");
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "{names:?}");
    let entry = crate::find("TwoPhase").unwrap();
    let model = (entry.build)(&constants(&[("RM", rm_set(3))])).unwrap();
    let info = model.info();
    assert_eq!(info.invariants, ["TPTypeOK", "TCConsistent"]);
    assert_eq!(info.step_invariants, ["TCSpec"]);
    assert_eq!(info.symmetries, ["RM"]);
    assert_eq!(info.properties, [("Termination", "<>P"), ("SomeCommit", "Sometimes P")]);
    assert!((crate::find("TCommit").unwrap().build)(&constants(&[("RM", rm_set(3))])).is_ok());
    assert!(crate::find("twophase").is_none());
}

// The largest instances still pack: the global bits and the last RM's nibble do not collide.
#[test]
fn the_largest_instances_fit_their_states() {
    use RmState::*;
    let model = two_phase(TwoPhase::RM_MAX);
    let last = (TwoPhase::RM_MAX - 1) as Rm;
    let mut steps = Vec::new();
    model.next(&TwoPhaseState::new(&[], TmState::Init, false, false), &mut steps);
    let (_, s) = steps.iter().find(|(a, _)| *a == TwoPhaseAction::RMPrepare(last)).unwrap();
    assert_eq!((s.rm_state(last), s.prepared_msg(last), s.tm_state()), (Prepared, true, TmState::Init));
    assert!(steps.iter().all(|(_, s)| model.tp_type_ok(*s)));
    // Renaming moves the largest nibble between the first and the last RM
    // without touching the global bits.
    let full = TwoPhaseState::new(&[(Aborted, true, true); TwoPhase::RM_MAX], TmState::Aborted, false, true);
    let rotation: Vec<u8> = (0..TwoPhase::RM_MAX as u8).map(|r| (r + TwoPhase::RM_MAX as u8 - 1) % 15).collect();
    let rotation = Permutation::new(&[&rotation]).unwrap();
    assert_eq!(model.rename(full, &rotation), full);
    let mut per_rm = [(Working, false, false); TwoPhase::RM_MAX];
    per_rm[0] = (Aborted, true, true);
    let first = TwoPhaseState::new(&per_rm, TmState::Aborted, false, true);
    per_rm.rotate_left(1);
    assert_eq!(model.rename(first, &rotation), TwoPhaseState::new(&per_rm, TmState::Aborted, false, true));
}

// The order puts RM 0's nibble first, so the least image sorts the RMs'
// tuples in ascending order of their nibble codes.
#[test]
fn the_canonical_form_sorts_the_rms_tuples() {
    use RmState::*;
    let model = two_phase(3);
    let group = Permutation::all(&[3]);
    let unsorted = TwoPhaseState::new(
        &[(Aborted, false, false), (Working, false, false), (Prepared, true, true)],
        TmState::Aborted,
        false,
        true,
    );
    let sorted = TwoPhaseState::new(
        &[(Working, false, false), (Aborted, false, false), (Prepared, true, true)],
        TmState::Aborted,
        false,
        true,
    );
    assert_eq!(canonical(&model, &group, unsorted), sorted);
}
