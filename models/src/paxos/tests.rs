//! Unit tests: TLC's published counts and those of the independent Python
//! transcription (`paxos_tla.py`) through the naive explorer, the seeded bugs'
//! shortest counterexamples, flexible quorums, the symmetries against a
//! brute-force orbit count that does not use the symmetry, the
//! message layout, and the messages charts draw.

use std::collections::HashSet;

use checker::spec::{
    Constant, Constants, Envelope, InvariantKind, Model, PropertyKind, Span, StepMessages, SymmetryKind, Value,
};

use super::*;
use crate::naive::{explore, Explored};

const ALL: &[&str] = &["TypeOK", "Consistency", "Inv", "VotingSpecBar"];

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

/// `n` acceptors, `values` values, ballots `0..=max_ballot`, majorities.
fn paxos(n: usize, values: usize, max_ballot: Ballot, bug: Bug) -> Paxos {
    let q = Paxos::majorities(n);
    Paxos::new(names("a", n), names("v", values), max_ballot, q.clone(), q, bug)
}

/// Three acceptors, two values, ballots 0..1, and the given quorum systems.
fn flexible(quorum1: Vec<AcceptorSet>, quorum2: Vec<AcceptorSet>) -> Paxos {
    Paxos::new(names("a", 3), names("v", 2), 1, quorum1, quorum2, Bug::None)
}

fn counts<S>(explored: &Explored<S>) -> (u64, u64, u32) {
    (explored.distinct, explored.generated, explored.depth)
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

fn model_values(prefix: &str, n: usize) -> Value {
    Value::set(names(prefix, n).into_iter().map(Value::model_value))
}

fn quorum_value(quorums: &[&[&str]]) -> Value {
    Value::set(quorums.iter().map(|q| Value::set(q.iter().map(|a| Value::model_value(*a)))))
}

// TLC's counts for MCPaxos.cfg (Acceptor = {a1}, Value = {v1}, Quorum = {{a1}},
// Ballot = 0..1), from the tlaplus/Examples manifest.json: 25 distinct states,
// 82 generated, depth 9. MCPaxos.cfg checks Inv1..Inv4 (the conjuncts of Inv)
// and PROPERTY VotingSpecBar, which hold here too.
#[test]
fn mcpaxos_has_tlcs_counts() {
    let model = Paxos::new(names("a", 1), names("v", 1), 1, vec![1], vec![1], Bug::None);
    let explored = explore(&model, ALL, &[], None);
    assert_eq!(explored.violation, None);
    assert_eq!(counts(&explored), (25, 82, 9));
    // Phase1a(b) is always enabled, as a step to the same state once sent.
    assert_eq!(explored.deadlock, None);
}

// TLC's manifest publishes no counts for three acceptors. These come from
// paxos_tla.py, a literal Python transcription of Paxos.tla that counts
// generated states as TLC does (one per witness of each \E); it reproduces
// MCPaxos.cfg's 25 / 82 / 9 above.
#[test]
fn three_acceptors_and_two_values_have_the_transcriptions_counts() {
    for (max_ballot, expected) in [(0, (73, 314, 9)), (1, (3921, 23563, 17))] {
        let explored = explore(&paxos(3, 2, max_ballot, Bug::None), ALL, &[], None);
        assert_eq!(explored.violation, None, "ballots 0..{max_ballot}");
        assert_eq!(counts(&explored), expected, "ballots 0..{max_ballot}");
    }
}

// The seeded bugs and flexible quorums change which steps are enabled; their
// whole state spaces (no invariant stops the search) agree with paxos_tla.py.
// Quorum2 plays no part in Next, so majorities with singleton phase-2 quorums
// have the classic counts.
#[test]
fn variants_have_the_transcriptions_counts() {
    let singletons = vec![0b001, 0b010, 0b100];
    let cases = [
        ("IgnoreHighestVote", paxos(3, 2, 1, Bug::IgnoreHighestVote), (5329, 32019, 17)),
        ("AcceptBelowPromise", paxos(3, 2, 1, Bug::AcceptBelowPromise), (90817, 854_313, 23)),
        ("all / singletons", flexible(vec![0b111], singletons.clone()), (513, 2587, 17)),
        ("majorities / singletons", flexible(Paxos::majorities(3), singletons), (3921, 23563, 17)),
    ];
    for (name, model, expected) in cases {
        assert_eq!(counts(&explore(&model, &["TypeOK"], &[], None)), expected, "{name}");
    }
}

#[test]
fn majorities_are_the_smallest_majorities() {
    assert_eq!(Paxos::majorities(1), [0b1]);
    assert_eq!(Paxos::majorities(3), [0b011, 0b101, 0b110]);
    assert_eq!(Paxos::majorities(4).len(), 4);
    assert!(Paxos::majorities(5).iter().all(|q| q.count_ones() == 3));
}

// TLC yields one Phase2a(b, v) successor per witness of its existentials.
// Derived by hand for this state: a1 promised ballot 1 reporting no vote, a2
// and a3 promised it reporting <<0, v1>>. Quorum {a1, a2}: the highest vote is
// a2's, for v1: one witness. {a1, a3}: likewise, one. {a2, a3}: both report it,
// two. So four Phase2a(1, v1) steps, and none for v2.
#[test]
fn phase2a_is_emitted_once_per_tlc_witness() {
    let model = paxos(3, 2, 1, Bug::None);
    let l = model.layout();
    let vote = Some((0, 0));
    let s = PaxosState::new(
        l,
        &[(1, -1, -1), (1, 0, 0), (1, 0, 0)],
        [
            Message::OneA { bal: 0 },
            Message::OneA { bal: 1 },
            Message::TwoA { bal: 0, val: 0 },
            Message::TwoB { acc: 1, bal: 0, val: 0 },
            Message::TwoB { acc: 2, bal: 0, val: 0 },
            Message::OneB { acc: 0, bal: 1, vote: None },
            Message::OneB { acc: 1, bal: 1, vote },
            Message::OneB { acc: 2, bal: 1, vote },
        ],
    );
    assert!(model.inv(&s));
    let mut steps = Vec::new();
    model.next(&s, &mut steps);
    let phase2a: Vec<&PaxosAction> =
        steps.iter().map(|(a, _)| a).filter(|a| model.action_name(a) == "Phase2a").collect();
    assert_eq!(phase2a, [&PaxosAction::Phase2a(1, 0); 4]);
    // With the bug, every quorum is one witness for each value.
    let buggy = paxos(3, 2, 1, Bug::IgnoreHighestVote);
    steps.clear();
    buggy.next(&s, &mut steps);
    let count = |v| steps.iter().filter(|(a, _)| *a == PaxosAction::Phase2a(1, v)).count();
    assert_eq!((count(0), count(1)), (3, 3));
}

// The shortest violation, derived by hand. Two values are chosen only in two
// ballots (a ballot has one 2a message), and each ballot takes its 1a
// message, 1b messages from a quorum (two acceptors), the 2a message and votes
// from a quorum: 6 steps, none of which serves the other ballot. So at least
// 12 steps, 13 states, and the bug needs no more. BFS meets this one first:
// `next` emits Phase1a before the other actions and acceptors in order.
//  1-2. Phase1a(0), Phase1a(1): both leaders start.
//  3-5. a1 promises 0, then 1; a2 promises 0. No votes yet to report.
//    6. Phase2a(0, v1): a1 and a2 reported no vote, so any value is safe.
//    7. Phase2b(a2): a2 votes <<0, v1>> (a1 cannot: it promised 1).
//    8. Phase1b(a2): a2 promises 1 and reports its vote <<0, v1>>.
//    9. Phase2a(1, v2): the correct leader must propose v1, the value of the
//       highest vote a quorum reported; the buggy one ignores it.
// 10-11. a1 and a2 vote <<1, v2>>: v2 is chosen.
//   12. Phase2b(a3): a3 never promised anything and votes <<0, v1>>: with
//       a2's vote, v1 is chosen too.
#[test]
fn ignoring_the_highest_vote_violates_consistency_in_twelve_steps() {
    let model = paxos(3, 2, 1, Bug::IgnoreHighestVote);
    let explored = explore(&model, &["TypeOK", "Consistency"], &[], None);
    let (name, trace) = explored.violation.expect("the bug is found");
    assert_eq!(name, "Consistency");
    assert_eq!(
        actions(&model, &trace),
        [
            "Phase1a(0)",
            "Phase1a(1)",
            "Phase1b(a1)",
            "Phase1b(a1)",
            "Phase1b(a2)",
            "Phase2a(0, v1)",
            "Phase2b(a2)",
            "Phase1b(a2)",
            "Phase2a(1, v2)",
            "Phase2b(a1)",
            "Phase2b(a2)",
            "Phase2b(a3)",
        ]
    );
    let last = trace.last().unwrap();
    assert_eq!(model.chosen(last), 0b11);
    assert!(model.chosen_at(last, 0, 0) && model.chosen_at(last, 1, 1));
}

// Inv and the refinement see the bug earlier, at the 2a message that is not
// safe (step 9: no quorum ShowsSafeAt(Q, 1, v2)) and at the first vote for
// it (step 10: VoteFor(a1, 1, v2) needs the same). This is why the bug's check
// spec lists TypeOK and Consistency only.
#[test]
fn ignoring_the_highest_vote_breaks_inv_and_the_refinement_earlier() {
    let model = paxos(3, 2, 1, Bug::IgnoreHighestVote);
    for (invariant, steps, last) in [("Inv", 9, "Phase2a(1, v2)"), ("VotingSpecBar", 10, "Phase2b(a1)")] {
        let (name, trace) = explore(&model, &[invariant], &[], None).violation.expect("the bug is found");
        assert_eq!((name, trace.len()), (invariant, steps + 1));
        assert_eq!(actions(&model, &trace).last().map(String::as_str), Some(last));
    }
}

// The same bound of 12 steps holds here. BFS's first shortest violation:
//  1-2. Phase1a(0), Phase1a(1).
//  3-5. a1 promises 0, then 1; a2 promises 0.
//    6. Phase2a(0, v1): no votes reported, any value is safe.
//    7. Phase2b(a1): a1 votes <<0, v1>> below its promise of 1: the bug
//       (and, by the spec's assignment, maxBal[a1] drops to 0).
//    8. Phase1b(a2): a2 promises 1, with no vote to report.
//    9. Phase2a(1, v2): a1's promise of 1 reported no vote (it voted after
//       promising), so the leader of ballot 1, correctly, may pick v2.
//   10. Phase2b(a1): a1 votes <<1, v2>>.
//   11. Phase2b(a2): a2 votes <<0, v1>> below its promise of 1, the bug again:
//       with a1's vote, v1 is chosen in ballot 0.
//   12. Phase2b(a2): a2 votes <<1, v2>>: v2 is chosen in ballot 1.
#[test]
fn accepting_below_the_promise_violates_consistency_in_twelve_steps() {
    let model = paxos(3, 2, 1, Bug::AcceptBelowPromise);
    let explored = explore(&model, &["TypeOK", "Consistency"], &[], None);
    let (name, trace) = explored.violation.expect("the bug is found");
    assert_eq!(name, "Consistency");
    assert_eq!(
        actions(&model, &trace),
        [
            "Phase1a(0)",
            "Phase1a(1)",
            "Phase1b(a1)",
            "Phase1b(a1)",
            "Phase1b(a2)",
            "Phase2a(0, v1)",
            "Phase2b(a1)",
            "Phase1b(a2)",
            "Phase2a(1, v2)",
            "Phase2b(a1)",
            "Phase2b(a2)",
            "Phase2b(a2)",
        ]
    );
    let last = trace.last().unwrap();
    assert_eq!(model.chosen(last), 0b11);
    assert!(model.chosen_at(last, 0, 0) && model.chosen_at(last, 1, 1));
    // a2's promise of ballot 1 went back to 0 with its vote there (step 11).
    assert_eq!((trace[10].max_bal(1), trace[11].max_bal(1)), (1, 0));
}

// The first vote below a promise (step 7) breaks Inv's "maxBal[m.acc] \geq m.bal"
// for a1's 1b message for ballot 1, and is no VoteFor step of Voting (which
// needs maxBal[a] \leq b).
#[test]
fn accepting_below_the_promise_breaks_inv_and_the_refinement_at_the_first_such_vote() {
    let model = paxos(3, 2, 1, Bug::AcceptBelowPromise);
    for invariant in ["Inv", "VotingSpecBar"] {
        let (name, trace) = explore(&model, &[invariant], &[], None).violation.expect("the bug is found");
        assert_eq!((name, trace.len()), (invariant, 8));
        assert_eq!(actions(&model, &trace).last().map(String::as_str), Some("Phase2b(a1)"));
    }
}

// Flexible quorums that intersect: every phase-1 quorum (all three acceptors)
// meets every phase-2 quorum (any one acceptor). Safe, and the choice is reachable.
#[test]
fn intersecting_flexible_quorums_are_safe() {
    let model = flexible(vec![0b111], vec![0b001, 0b010, 0b100]);
    let explored = explore(&model, ALL, &[], None);
    assert_eq!(explored.violation, None);
    assert!(explored.states.iter().any(|s| model.chosen(s) != 0));
}

// Majorities for phase 1 and single acceptors for phase 2 do not intersect
// ({a1, a2} misses {a3}). Derived by hand: a value is chosen by one vote, so a
// ballot takes its 1a message, two 1b messages, the 2a message and one vote,
// 5 steps, and two ballots 10. The trace: both leaders start; a1 promises 0
// and 1, a2 promises 0; Phase2a(0, v1); a2 promises 1; Phase2a(1, v2), safe
// since neither a1 nor a2 has voted; a1 votes <<1, v2>> (chosen by {a1}) and
// a3 votes <<0, v1>> (chosen by {a3}).
#[test]
fn disjoint_flexible_quorums_violate_consistency_in_ten_steps() {
    let model = flexible(Paxos::majorities(3), vec![0b001, 0b010, 0b100]);
    let (name, trace) = explore(&model, ALL, &[], None).violation.expect("the quorums do not intersect");
    assert_eq!(name, "Consistency");
    assert_eq!(
        actions(&model, &trace),
        [
            "Phase1a(0)",
            "Phase1a(1)",
            "Phase1b(a1)",
            "Phase1b(a1)",
            "Phase1b(a2)",
            "Phase2a(0, v1)",
            "Phase1b(a2)",
            "Phase2a(1, v2)",
            "Phase2b(a1)",
            "Phase2b(a3)",
        ]
    );
}

// Inv and the refinement of Voting (with ShowsSafeAt over phase-1 quorums) hold
// even when Consistency fails: Voting's proof of consistency is where the
// quorums must intersect.
#[test]
fn disjoint_flexible_quorums_still_satisfy_inv_and_refine_voting() {
    let model = flexible(Paxos::majorities(3), vec![0b001, 0b010, 0b100]);
    let explored = explore(&model, &["TypeOK", "Inv", "VotingSpecBar"], &[], None);
    assert_eq!(explored.violation, None);
    assert!(explored.states.iter().any(|s| !model.consistency(s)));
}

// With ballots bounded, `msgs` only grows, so every behavior ends stuttering,
// and the module docs claim that a state where no step changes anything has a
// chosen value: EventuallyChosen holds under weak fairness of every action,
// and the dueling-ballots counterexample needs unfair leaders.
#[test]
fn every_state_without_a_changing_step_has_a_chosen_value() {
    for model in [paxos(3, 2, 0, Bug::None), paxos(3, 2, 1, Bug::None), paxos(1, 1, 1, Bug::None)] {
        let mut steps = Vec::new();
        let mut terminal = 0;
        for s in &explore(&model, &[], &[], None).states {
            steps.clear();
            model.next(s, &mut steps);
            if steps.iter().all(|(_, to)| to == s) {
                terminal += 1;
                assert_ne!(model.chosen(s), 0, "{s:?}");
            }
        }
        assert!(terminal > 0);
    }
}

// `chosen` works with sets of voters for speed; compare it with ChosenAt,
// written quorum by quorum, on every state of classic and flexible instances.
#[test]
fn chosen_agrees_with_chosen_at() {
    let models = [paxos(3, 2, 1, Bug::None), flexible(Paxos::majorities(3), vec![0b001, 0b010, 0b100])];
    for model in &models {
        for s in &explore(model, &[], &[], None).states {
            let literal = (0..2).filter(|&v| (0..2).any(|b| model.chosen_at(s, b, v))).fold(0, |set, v| set | 1 << v);
            assert_eq!(model.chosen(s), literal, "{s:?}");
        }
    }
}

#[test]
fn some_chosen_is_reachable_and_eventually_chosen_is_false_initially() {
    let model = paxos(3, 2, 0, Bug::None);
    let explored = explore(&model, &[], &[], None);
    let properties = model.properties();
    let holds = |name: &str, s: &PaxosState| match properties.iter().find(|p| p.name == name).unwrap().kind {
        PropertyKind::Eventually(p) | PropertyKind::Sometimes(p) => p(&model, s),
        _ => unreachable!(),
    };
    assert!(explored.states.iter().any(|s| holds("SomeChosen", s)));
    assert!(!holds("EventuallyChosen", &explored.states[0]));
    assert!(explored.states.iter().any(|s| holds("EventuallyChosen", s)));
}

/// Every permutation of `0..n`, in lexicographic order (a different algorithm
/// from the model's own).
fn permutations(n: usize) -> Vec<Vec<usize>> {
    let mut p: Vec<usize> = (0..n).collect();
    let mut all = vec![p.clone()];
    loop {
        let Some(i) = (1..n).rev().find(|&i| p[i - 1] < p[i]) else { return all };
        let j = (i..n).rev().find(|&j| p[j] > p[i - 1]).unwrap();
        p.swap(i - 1, j);
        p[i..].reverse();
        all.push(p.clone());
    }
}

/// `s` with acceptor `a` renamed `pa[a]` and value `v` renamed `pv[v]`, rebuilt
/// from its variables and its messages as records.
fn permute(model: &Paxos, s: &PaxosState, pa: &[usize], pv: &[usize]) -> PaxosState {
    let n = model.acceptor_count();
    let mut per_acceptor = vec![(-1, -1, -1); n];
    for a in 0..n {
        let a8 = a as AcceptorId;
        per_acceptor[pa[a]] = (s.max_bal(a8), s.max_vbal(a8), s.max_val(a8).map_or(-1, |v| pv[usize::from(v)] as i8));
    }
    let acc = |a: AcceptorId| pa[usize::from(a)] as AcceptorId;
    let val = |v: ValueId| pv[usize::from(v)] as ValueId;
    let msgs = model.layout().messages(s.msgs()).map(|m| match m {
        Message::OneA { bal } => Message::OneA { bal },
        Message::OneB { acc: a, bal, vote } => Message::OneB { acc: acc(a), bal, vote: vote.map(|(c, v)| (c, val(v))) },
        Message::TwoA { bal, val: v } => Message::TwoA { bal, val: val(v) },
        Message::TwoB { acc: a, bal, val: v } => Message::TwoB { acc: acc(a), bal, val: val(v) },
    });
    PaxosState::new(model.layout(), &per_acceptor, msgs)
}

/// The permutations of the symmetry `name`, as (acceptor, value) pairs: the
/// acceptor permutations that keep each quorum system, as sets of sets, and
/// every value permutation.
fn group(model: &Paxos, name: &str) -> Vec<(Vec<usize>, Vec<usize>)> {
    let keeps = |quorums: &[AcceptorSet], p: &[usize]| {
        let as_sets = |qs: &[AcceptorSet], f: &dyn Fn(usize) -> usize| -> HashSet<Vec<usize>> {
            qs.iter()
                .map(|q| {
                    let mut set: Vec<usize> = (0..8).filter(|a| q >> a & 1 != 0).map(f).collect();
                    set.sort();
                    set
                })
                .collect()
        };
        as_sets(quorums, &|a| p[a]) == as_sets(quorums, &|a| a)
    };
    let (n, m) = (model.acceptor_count(), model.value_count());
    let acceptors: Vec<Vec<usize>> = match name {
        "Value" => vec![(0..n).collect()],
        _ => permutations(n).into_iter().filter(|p| keeps(model.quorum1(), p) && keeps(model.quorum2(), p)).collect(),
    };
    let values: Vec<Vec<usize>> = match name {
        "Acceptor" => vec![(0..m).collect()],
        _ => permutations(m),
    };
    acceptors.iter().flat_map(|pa| values.iter().map(move |pv| (pa.clone(), pv.clone()))).collect()
}

/// The orbits of the reachable states under a symmetry's group, counted by
/// brute force (each orbit named by its least member), and the states a
/// symmetric search generates: the initial state plus one expansion per
/// orbit. Permutations map steps to steps, witnesses included, so every member
/// of an orbit has the same out-degree, whichever member the search expands.
fn orbit_counts(model: &Paxos, name: &str) -> (u64, u64) {
    let perms = group(model, name);
    let orbits: HashSet<PaxosState> = explore(model, &[], &[], None)
        .states
        .iter()
        .map(|s| perms.iter().map(|(pa, pv)| permute(model, s, pa, pv)).min().unwrap())
        .collect();
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
fn the_test_permutations_are_all_distinct() {
    let perms = permutations(4);
    assert_eq!(perms.len(), 24);
    assert_eq!(perms.iter().collect::<HashSet<_>>().len(), 24);
}

// The reduced counts come from orbit_counts, which never uses the
// symmetry. With majorities every permutation of the three acceptors
// keeps the quorums; with Quorum = {{a1, a2}, {a1, a3}} only swapping a2 and
// a3 does.
#[test]
fn symmetry_reduces_to_one_state_per_orbit() {
    let lopsided = {
        let q = vec![0b011, 0b101];
        Paxos::new(names("a", 3), names("v", 2), 1, q.clone(), q, Bug::None)
    };
    let models = [paxos(3, 2, 0, Bug::None), paxos(3, 2, 1, Bug::None), lopsided];
    let mut found = Vec::new();
    for model in &models {
        for name in ["Acceptor", "Value", "AcceptorValue"] {
            let (orbits, generated) = orbit_counts(model, name);
            let explored = explore(model, ALL, &[], Some(name));
            assert_eq!(explored.violation, None);
            assert_eq!((explored.distinct, explored.generated), (orbits, generated), "{name}");
            found.push(orbits);
        }
    }
    // Pinned so that a change to the model's states shows; each is checked above.
    assert_eq!(found, [25, 41, 15, 857, 2001, 443, 1289, 1257, 671]);
}

// The canonical form must be idempotent, name one member of the state's own
// orbit, give every member of an orbit the same representative, and not
// change any state invariant's verdict.
#[test]
fn the_canonical_form_picks_one_member_per_orbit() {
    let model = paxos(3, 2, 1, Bug::None);
    let states = explore(&model, &[], &[], None).states;
    let invariants = model.invariants();
    for symmetry in model.symmetries() {
        let perms = group(&model, symmetry.name);
        let SymmetryKind::Permutations(engine) = &symmetry.kind else { panic!("a permutation symmetry") };
        let engine_group = engine.group(&model).unwrap();
        // The engine's group is the test's: as many permutations, and the same images.
        assert_eq!(engine_group.len(), perms.len(), "{}", symmetry.name);
        let canonicalize =
            |s: &PaxosState| engine_group.iter().map(|p| (engine.apply)(&model, s, p)).min().expect("the identity");
        for s in states.iter().step_by(7) {
            let c = canonicalize(s);
            assert_eq!(canonicalize(&c), c);
            assert!(perms.iter().any(|(pa, pv)| permute(&model, s, pa, pv) == c), "{s:?} -> {c:?} leaves the orbit");
            for (pa, pv) in &perms {
                assert_eq!(canonicalize(&permute(&model, s, pa, pv)), c);
            }
            for invariant in &invariants {
                if let InvariantKind::State(holds) = invariant.kind {
                    assert_eq!(holds(&model, s), holds(&model, &c), "{} on {s:?}", invariant.name);
                }
            }
        }
    }
}

// The layout gives each message of the universe one bit, in the documented
// order, and fits the limits: 3 acceptors and 2 values reach MaxBallot 4.
#[test]
fn the_layout_numbers_every_message_once() {
    for (acceptors, values, ballots) in [(1, 1, 2), (3, 2, 1), (3, 2, 2), (3, 2, 5), (5, 4, 2), (2, 3, 4)] {
        let l = Layout::new(acceptors, values, ballots);
        let mut previous = None;
        for bit in 0..l.size {
            let m = l.message(bit);
            assert_eq!(l.bit(m), bit, "{m:?}");
            assert!(previous < Some(m), "{previous:?} then {m:?}");
            previous = Some(m);
        }
        let expected = ballots
            + acceptors * (0..ballots).map(|b| 1 + b * values).sum::<u32>()
            + ballots * values
            + acceptors * ballots * values;
        assert_eq!(l.size, expected);
    }
    let sizes: Vec<u32> = (1..=6).map(|ballots| Layout::new(3, 2, ballots).size).collect();
    assert_eq!(sizes, [12, 30, 54, 84, 120, 162]);
}

#[test]
fn a_message_outside_the_universe_has_no_bit() {
    let l = Layout::new(3, 2, 2);
    let result = std::panic::catch_unwind(|| l.bit(Message::OneB { acc: 0, bal: 1, vote: Some((1, 0)) }));
    assert!(result.is_err());
}

#[test]
fn type_ok_rejects_values_out_of_range() {
    let model = paxos(3, 2, 1, Bug::None);
    let l = model.layout();
    assert!(model.type_ok(&PaxosState::INIT));
    let bad = [
        PaxosState::new(l, &[(2, -1, -1)], []),
        PaxosState::new(l, &[(-1, -1, 2)], []),
        PaxosState::new(l, &[(-1, -1, -1), (-1, -1, -1), (-1, -1, -1), (0, -1, -1)], []),
        PaxosState { msgs: 1 << l.size, ..PaxosState::INIT },
    ];
    for s in bad {
        assert!(!model.type_ok(&s), "{s:?}");
    }
}

#[test]
fn states_render_as_tla_values() {
    let model = paxos(3, 2, 1, Bug::None);
    let l = model.layout();
    let s = PaxosState::new(
        l,
        &[(1, 0, 1), (0, -1, -1)],
        [
            Message::OneA { bal: 1 },
            Message::OneB { acc: 0, bal: 1, vote: Some((0, 1)) },
            Message::OneB { acc: 1, bal: 0, vote: None },
            Message::TwoA { bal: 0, val: 1 },
            Message::TwoB { acc: 0, bal: 0, val: 1 },
        ],
    );
    let shown: Vec<String> = model.variables(&s).iter().map(|(name, value)| format!("{name} = {value}")).collect();
    assert_eq!(
        shown,
        [
            "maxBal = (a1 :> 1 @@ a2 :> 0 @@ a3 :> -1)",
            "maxVBal = (a1 :> 0 @@ a2 :> -1 @@ a3 :> -1)",
            "maxVal = (a1 :> v2 @@ a2 :> None @@ a3 :> None)",
            "msgs = {[type |-> \"1a\", bal |-> 1], \
             [type |-> \"1b\", acc |-> a1, bal |-> 1, mbal |-> 0, mval |-> v2], \
             [type |-> \"1b\", acc |-> a2, bal |-> 0, mbal |-> -1, mval |-> None], \
             [type |-> \"2a\", bal |-> 0, val |-> v2], \
             [type |-> \"2b\", acc |-> a1, bal |-> 0, val |-> v2]}",
        ]
    );
    let shown: Vec<String> =
        [PaxosAction::Phase1a(1), PaxosAction::Phase1b(2), PaxosAction::Phase2a(0, 1), PaxosAction::Phase2b(0)]
            .iter()
            .map(|a| model.format_action(a))
            .collect();
    assert_eq!(shown, ["Phase1a(1)", "Phase1b(a3)", "Phase2a(0, v2)", "Phase2b(a1)"]);
}

#[test]
fn constants_select_acceptors_values_ballots_quorums_and_the_bug() {
    let base =
        || vec![("Acceptor", model_values("a", 3)), ("Value", model_values("v", 2)), ("MaxBallot", Value::Int(2))];
    let model = Paxos::from_constants(&constants(&base())).unwrap();
    assert_eq!((model.acceptor_count(), model.value_count(), model.max_ballot()), (3, 2, 2));
    assert_eq!((model.quorum1(), model.quorum2(), model.bug()), (&[3, 5, 6][..], &[3, 5, 6][..], Bug::None));

    let with = |extra: &[(&'static str, Value)]| {
        let mut items = base();
        items.extend(extra.iter().cloned());
        Paxos::from_constants(&constants(&items))
    };
    let model = with(&[("Quorum", quorum_value(&[&["a1", "a2"], &["a2", "a3"]]))]).unwrap();
    assert_eq!((model.quorum1(), model.quorum2()), (&[3, 6][..], &[3, 6][..]));
    let model = with(&[
        ("Quorum1", quorum_value(&[&["a1", "a2", "a3"]])),
        ("Quorum2", quorum_value(&[&["a1"], &["a2"], &["a3"]])),
    ])
    .unwrap();
    assert_eq!((model.quorum1(), model.quorum2()), (&[7][..], &[1, 2, 4][..]));
    let model = with(&[("Quorum2", quorum_value(&[&["a1"], &["a2"], &["a3"]]))]).unwrap();
    assert_eq!((model.quorum1(), model.quorum2()), (&[3, 5, 6][..], &[1, 2, 4][..]));
    for (name, bug) in [("IgnoreHighestVote", Bug::IgnoreHighestVote), ("AcceptBelowPromise", Bug::AcceptBelowPromise)]
    {
        assert_eq!(with(&[("Bug", Value::str(name))]).unwrap().bug(), bug);
    }

    let rejected = [
        with(&[("Quorum", quorum_value(&[&["a1", "a4"]]))]),
        with(&[("Quorum", quorum_value(&[&[]]))]),
        with(&[("Quorum", Value::set([]))]),
        with(&[("Quorum", model_values("a", 3))]),
        with(&[
            ("Quorum", quorum_value(&[&["a1"]])),
            ("Quorum1", quorum_value(&[&["a1"]])),
            ("Quorum2", quorum_value(&[&["a1"]])),
        ]),
        with(&[("Bug", Value::str("Typo"))]),
        with(&[("Ballots", Value::Int(2))]),
        Paxos::from_constants(&constants(&[
            ("Acceptor", model_values("a", 3)),
            ("Value", Value::set([Value::model_value("None")])),
            ("MaxBallot", Value::Int(1)),
        ])),
        Paxos::from_constants(&constants(&[
            ("Acceptor", model_values("a", 3)),
            ("Value", model_values("v", 2)),
            ("MaxBallot", Value::Int(5)),
        ])),
        Paxos::from_constants(&constants(&[("Acceptor", model_values("a", 6)), ("Value", model_values("v", 1))])),
    ];
    for (i, result) in rejected.into_iter().enumerate() {
        assert!(result.is_err(), "case {i} was accepted");
    }
    let err = Paxos::from_constants(&constants(&[
        ("Acceptor", model_values("a", 3)),
        ("Value", model_values("v", 2)),
        ("MaxBallot", Value::Int(5)),
    ]))
    .unwrap_err()
    .to_string();
    assert!(err.contains("162 distinct messages"), "{err}");
}

#[test]
fn the_registry_builds_paxos() {
    let entry = crate::find("Paxos").unwrap();
    let model = (entry.build)(&constants(&[
        ("Acceptor", model_values("a", 3)),
        ("Value", model_values("v", 2)),
        ("MaxBallot", Value::Int(1)),
    ]))
    .unwrap();
    let info = model.info();
    assert_eq!(info.actions, ["Phase1a", "Phase1b", "Phase2a", "Phase2b"]);
    assert_eq!(info.invariants, ["TypeOK", "Consistency", "Inv"]);
    assert_eq!(info.step_invariants, ["VotingSpecBar"]);
    assert_eq!(info.symmetries, ["Acceptor", "Value", "AcceptorValue"]);
    assert_eq!(info.properties, [("EventuallyChosen", "<>P"), ("SomeChosen", "Sometimes P")]);
    assert_eq!(entry.example_model().unwrap().info(), info);
    let documented: Vec<&str> = entry.constants.iter().map(|(name, _)| *name).collect();
    assert_eq!(documented, Paxos::CONSTANTS);
}

/// The one successor of `from` by `action` that `pick` accepts (`Phase2a`
/// repeats its step once per TLC witness, all to the same state).
fn successor(model: &Paxos, from: &PaxosState, action: PaxosAction, pick: impl Fn(&PaxosState) -> bool) -> PaxosState {
    let mut steps = Vec::new();
    model.next(from, &mut steps);
    let found: HashSet<PaxosState> =
        steps.into_iter().filter(|(a, to)| *a == action && pick(to)).map(|(_, to)| to).collect();
    assert_eq!(found.len(), 1, "{} from {from:?}", model.format_action(&action));
    found.into_iter().next().unwrap()
}

/// Each envelope as `from -> to: label`.
fn shown(envelopes: &[Envelope]) -> Vec<String> {
    envelopes.iter().map(|e| format!("{} -> {}: {}", e.from, e.to, e.label)).collect()
}

#[test]
fn steps_send_and_deliver_messages_between_leaders_and_acceptors() {
    let model = paxos(3, 2, 1, Bug::None);
    assert_eq!(model.nodes(&PaxosState::INIT), ["p0", "p1", "a1", "a2", "a3"]);
    let any = |_: &PaxosState| true;
    let (a1, a2) = (0, 1);
    let mut trace = vec![(None, PaxosState::INIT)];
    let mut take = |action: PaxosAction, pick: &dyn Fn(&PaxosState) -> bool| {
        let from = trace.last().unwrap().1;
        trace.push((Some(action), successor(&model, &from, action, pick)));
    };
    take(PaxosAction::Phase1a(0), &any);
    take(PaxosAction::Phase1b(a1), &any);
    take(PaxosAction::Phase1b(a2), &any);
    take(PaxosAction::Phase2a(0, 0), &any);
    take(PaxosAction::Phase2b(a1), &any);
    // Voting again for the same 2a message changes nothing.
    take(PaxosAction::Phase2b(a1), &any);
    take(PaxosAction::Phase1a(0), &any);
    take(PaxosAction::Phase1a(1), &any);
    // a1 now has 1a messages of ballots 0 and 1 in msgs, and promises 1.
    take(PaxosAction::Phase1b(a1), &|to| to.max_bal(a1) == 1);
    let charts: Vec<(String, StepMessages)> = trace
        .windows(2)
        .map(|pair| {
            let action = pair[1].0.unwrap();
            (model.format_action(&action), model.step_messages(&pair[0].1, &action, &pair[1].1))
        })
        .collect();
    let expected: [(&str, &str, &[&str], &[&str]); 9] = [
        ("Phase1a(0)", "p0", &["p0 -> a1: 1a(0)", "p0 -> a2: 1a(0)", "p0 -> a3: 1a(0)"], &[]),
        ("Phase1b(a1)", "a1", &["a1 -> p0: 1b(0)"], &["p0 -> a1: 1a(0)"]),
        ("Phase1b(a2)", "a2", &["a2 -> p0: 1b(0)"], &["p0 -> a2: 1a(0)"]),
        (
            "Phase2a(0, v1)",
            "p0",
            &["p0 -> a1: 2a(0,v1)", "p0 -> a2: 2a(0,v1)", "p0 -> a3: 2a(0,v1)"],
            &["a1 -> p0: 1b(0)", "a2 -> p0: 1b(0)"],
        ),
        ("Phase2b(a1)", "a1", &["a1 -> p0: 2b(0,v1)"], &["p0 -> a1: 2a(0,v1)"]),
        ("Phase2b(a1)", "a1", &[], &["p0 -> a1: 2a(0,v1)"]),
        ("Phase1a(0)", "p0", &[], &[]),
        ("Phase1a(1)", "p1", &["p1 -> a1: 1a(1)", "p1 -> a2: 1a(1)", "p1 -> a3: 1a(1)"], &[]),
        ("Phase1b(a1)", "a1", &["a1 -> p1: 1b(1,<<0,v1>>)"], &["p1 -> a1: 1a(1)"]),
    ];
    for ((label, messages), (want_label, actor, sent, delivered)) in charts.iter().zip(expected) {
        assert_eq!(label, want_label);
        assert_eq!(messages.actor.as_deref(), Some(actor), "{label}");
        assert_eq!(shown(&messages.sent), sent, "{label}");
        assert_eq!(shown(&messages.delivered), delivered, "{label}");
        assert!(messages.dropped.is_empty() && messages.duplicated.is_empty() && messages.crashed.is_empty());
    }
    // A delivery is the very envelope sent, message included.
    let sent_1a = &charts[0].1.sent[0];
    assert_eq!(&charts[1].1.delivered[0], sent_1a);
    assert_eq!(sent_1a.message.to_string(), "[type |-> \"1a\", bal |-> 0]");
    assert_eq!(charts[3].1.delivered[..], [charts[1].1.sent[0].clone(), charts[2].1.sent[0].clone()]);
    assert_eq!(charts[4].1.delivered[0], charts[3].1.sent[0]);
    assert_eq!(
        charts[8].1.sent[0].message.to_string(),
        "[type |-> \"1b\", acc |-> a1, bal |-> 1, mbal |-> 0, mval |-> v1]"
    );
}

#[test]
fn action_parameters_are_named_as_in_the_spec() {
    let model = paxos(3, 2, 1, Bug::None);
    let shown = |action: PaxosAction| -> Vec<String> {
        model.action_parameters(&action).iter().map(|(name, value)| format!("{name} = {value}")).collect()
    };
    assert_eq!(shown(PaxosAction::Phase1a(1)), ["b = 1"]);
    assert_eq!(shown(PaxosAction::Phase1b(2)), ["a = a3"]);
    assert_eq!(shown(PaxosAction::Phase2a(0, 1)), ["b = 0", "v = v2"]);
    assert_eq!(shown(PaxosAction::Phase2b(0)), ["a = a1"]);
}

#[test]
fn preempted_means_a_proposal_below_some_promise() {
    let model = paxos(3, 2, 2, Bug::None);
    let l = model.layout();
    let proposal = Message::TwoA { bal: 1, val: 0 };
    // Nobody promised above ballot 1: the proposal can still be voted for.
    assert!(!model.preempted(&PaxosState::new(l, &[(1, -1, -1), (0, -1, -1), (-1, -1, -1)], [proposal])));
    // a3 promised ballot 2: it will never vote for ballot 1's proposal.
    assert!(model.preempted(&PaxosState::new(l, &[(1, -1, -1), (1, -1, -1), (2, -1, -1)], [proposal])));
    // A promise without any proposal preempts nothing.
    assert!(!model.preempted(&PaxosState::new(l, &[(2, -1, -1)], [Message::OneA { bal: 2 }])));
}
