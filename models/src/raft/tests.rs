//! Unit tests: the counts of the independent Python transcription
//! (`raft_tla.py`) through the naive explorer, the seeded bugs' shortest
//! counterexamples, the symmetry against a brute-force orbit count, and the
//! messages charts draw.

use std::collections::HashSet;

use checker::spec::Model;

use super::*;
use crate::naive::{explore, Explored};

const ALL: &[&str] = &["TypeOK", "ElectionSafety", "LogMatching", "LeaderCompleteness", "StateMachineSafety"];
const BOUNDS: &[&str] = &["BoundedTerms", "BoundedLogs", "BoundedMessages"];

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

fn counts<S>(explored: &Explored<S>) -> (u64, u64, u32) {
    (explored.distinct, explored.generated, explored.depth)
}

/// `raft.tla` with every action and the given bounds.
fn raft(servers: usize, values: usize, settings: Settings) -> Raft {
    Raft::new(names("s", servers), names("v", values), settings)
}

/// No restarts, duplicates or losses.
fn reliable(max_term: Term, max_log_length: u8, max_messages: u32) -> Settings {
    Settings {
        restart: false,
        duplicate: false,
        drop: false,
        ..Settings::bounded(max_term, max_log_length, max_messages)
    }
}

// Counts from raft_tla.py (run `python3 models/src/raft/raft_tla.py` to
// regenerate them), a plain transcription of raft.tla that shares no code
// with the model; it prints (distinct, generated, depth).
#[test]
fn small_instances_have_the_transcriptions_counts() {
    let cases = [
        ("2 servers, reliable", raft(2, 1, reliable(2, 1, 2)), (3896, 22655, 32)),
        ("2 servers, every action", raft(2, 1, Settings::bounded(2, 1, 1)), (1645, 12861, 28)),
        // specs/raft-2.cfg: a third term makes responses stale (DropStaleResponse).
        ("2 servers, every action, 3 terms", raft(2, 1, Settings::bounded(3, 1, 1)), (18575, 147375, 41)),
    ];
    for (name, model, expected) in cases {
        let explored = explore(&model, ALL, BOUNDS, None);
        assert_eq!(explored.violation.as_ref().map(|v| v.0), None, "{name}");
        assert_eq!(counts(&explored), expected, "{name}");
    }
}

/// The bug's check spec settings: 3 servers, no network faults, one message
/// in flight at a time, and the given bounds.
fn buggy(values: usize, max_term: Term, max_log_length: u8, restart: bool, bug: Bug) -> Raft {
    raft(3, values, Settings { restart, bug, ..reliable(max_term, max_log_length, 1) })
}

/// The shortest violation under the symmetry `Server`: its invariant and the
/// number of states of its trace.
fn shortest_violation(model: &Raft) -> (&'static str, usize) {
    let explored = explore(model, ALL, BOUNDS, Some("Server"));
    let (name, trace) = explored.violation.expect("the bug is found");
    (name, trace.len())
}

// specs/raft-bug-vote-twice-3.cfg. raft_tla.py --bugs finds the same length
// without symmetry. By hand: s1 and s2 time out into term 2 (2 steps); each
// votes for itself (request, handle, response: 3 steps each) and for the other
// candidate, which the bug lets it do after voting for itself (3 steps each);
// two BecomeLeader: 16 steps, 17 states.
#[test]
fn voting_twice_violates_election_safety_in_sixteen_steps() {
    let model = buggy(0, 2, 0, false, Bug::VoteTwice);
    assert_eq!(shortest_violation(&model), ("ElectionSafety", 17));
}

/// Every permutation of `0..n`, built by inserting each element at every
/// position (not the engine's enumeration).
fn permutations(n: usize) -> Vec<Vec<ServerId>> {
    let mut perms: Vec<Vec<ServerId>> = vec![Vec::new()];
    for element in 0..n as ServerId {
        perms = perms
            .iter()
            .flat_map(|p| {
                (0..=p.len()).map(move |at| {
                    let mut q = p.clone();
                    q.insert(at, element);
                    q
                })
            })
            .collect();
    }
    perms
}

/// The orbits of the reachable states under every permutation of servers,
/// counted from the full state space without the canonicalizer: two states
/// are in one orbit when their sets of images are equal.
fn orbit_count(model: &Raft) -> u64 {
    let explored = explore(model, &[], BOUNDS, None);
    let perms = permutations(model.server_count());
    let orbits: HashSet<Vec<RaftState>> = explored
        .states
        .iter()
        .map(|s| {
            let mut images: Vec<RaftState> = perms.iter().map(|p| permute(s, p, model.server_count())).collect();
            images.sort();
            images.dedup();
            images
        })
        .collect();
    orbits.len() as u64
}

#[test]
fn symmetry_reduces_to_one_state_per_orbit() {
    for model in [raft(2, 1, Settings::bounded(2, 1, 1)), raft(3, 0, reliable(2, 0, 1))] {
        let reduced = explore(&model, ALL, BOUNDS, Some("Server"));
        assert_eq!(reduced.violation.as_ref().map(|v| v.0), None);
        assert_eq!(reduced.distinct, orbit_count(&model));
    }
}

#[test]
fn charts_draw_requests_and_replies_between_servers() {
    let model = raft(2, 1, reliable(2, 1, 2));
    let init = RaftState::init(2);
    let mut steps = Vec::new();
    model.next(&init, &mut steps);
    let (_, candidate) = *steps.iter().find(|(a, _)| *a == RaftAction::Timeout(0)).expect("s1 can time out");
    steps.clear();
    model.next(&candidate, &mut steps);
    let (action, sent) = *steps.iter().find(|(a, _)| *a == RaftAction::RequestVote(0, 1)).expect("s1 asks s2");
    let chart = model.step_messages(&candidate, &action, &sent);
    assert_eq!(chart.actor.as_deref(), Some("s1"));
    assert_eq!(chart.sent.len(), 1);
    assert_eq!((chart.sent[0].from.as_str(), chart.sent[0].to.as_str()), ("s1", "s2"));
    assert_eq!(chart.sent[0].label, "RVReq(t2, 0/0)");
    assert_eq!(model.format_action(&action), "RequestVote(s1, s2)");
}

#[test]
fn a_restart_is_charted_as_a_crash_and_a_restart_in_one_step() {
    // raft.tla's Restart: the server loses its volatile state and is back at
    // once, so a chart never draws it as down.
    let model = raft(2, 0, Settings::bounded(2, 0, 1));
    let init = RaftState::init(2);
    let mut steps = Vec::new();
    model.next(&init, &mut steps);
    let (action, restarted) = *steps.iter().find(|(a, _)| *a == RaftAction::Restart(1)).expect("s2 can restart");
    let chart = model.step_messages(&init, &action, &restarted);
    assert_eq!(chart.actor.as_deref(), Some("s2"));
    assert_eq!(chart.crashed, vec!["s2".to_string()]);
    assert_eq!(chart.restarted, vec!["s2".to_string()]);
    assert_eq!(chart.partition, None);
}

/// Follows `labels` from `Init`: each names one step by a prefix of its label,
/// which exactly one successor must match (with one message in flight, a
/// handler's server and sender name its message). Returns every state, the
/// initial one first, and checks each stays inside the constraints.
fn follow(model: &Raft, labels: &[&str]) -> Vec<RaftState> {
    let constraints = model.constraints();
    let mut states = vec![RaftState::init(model.server_count())];
    let mut steps = Vec::new();
    for label in labels {
        steps.clear();
        model.next(states.last().expect("Init"), &mut steps);
        let matching: Vec<&(RaftAction, RaftState)> =
            steps.iter().filter(|(a, _)| model.format_action(a).starts_with(label)).collect();
        assert_eq!(matching.len(), 1, "step {} ({label}) must match one successor", states.len());
        let next = matching[0].1;
        for c in &constraints {
            if let checker::spec::ConstraintKind::State(p) = c.kind {
                assert!(p(model, &next), "step {} ({label}) leaves {}", states.len(), c.name);
            }
        }
        states.push(next);
    }
    states
}

/// The names of the invariants `s` violates.
fn violated(model: &Raft, s: &RaftState) -> Vec<&'static str> {
    model
        .invariants()
        .into_iter()
        .filter(|i| matches!(i.kind, checker::spec::InvariantKind::State(p) if !p(model, s)))
        .map(|i| i.name)
        .collect()
}

/// An election of `c` in its current term with the vote of `voter`, who is
/// in an older term: the candidate's request to itself, then to the voter.
fn election(c: &'static str, voter: &'static str) -> Vec<String> {
    vec![
        format!("RequestVote({c}, {c})"),
        format!("HandleRequestVoteRequest({c}, {c}"),
        format!("HandleRequestVoteResponse({c}, {c}"),
        format!("RequestVote({c}, {voter})"),
        format!("UpdateTerm({voter}, {c}"),
        format!("HandleRequestVoteRequest({voter}, {c}"),
        format!("HandleRequestVoteResponse({c}, {voter}"),
        format!("BecomeLeader({c})"),
    ]
}

/// A leader `l` of an old term learns the newer term of `f` from the
/// rejection of an `AppendEntries` and steps down.
fn step_down(l: &'static str, f: &'static str) -> Vec<String> {
    vec![
        format!("AppendEntries({l}, {f})"),
        format!("HandleAppendEntriesRequest({f}, {l}"),
        format!("UpdateTerm({l}, {f}"),
        format!("HandleAppendEntriesResponse({l}, {f}"),
    ]
}

/// Leader `l` copies its one entry to `f`, whose log is empty, starting one
/// index too high (`nextIndex` is `Len(log) + 1` after `BecomeLeader`).
fn replicate(l: &'static str, f: &'static str) -> Vec<String> {
    vec![
        format!("AppendEntries({l}, {f})"),
        format!("HandleAppendEntriesRequest({f}, {l}"),
        format!("HandleAppendEntriesResponse({l}, {f}"),
        format!("AppendEntries({l}, {f})"),
        format!("HandleAppendEntriesRequest({f}, {l}"),
        format!("HandleAppendEntriesRequest({f}, {l}"),
        format!("HandleAppendEntriesResponse({l}, {f}"),
    ]
}

// Figure 8 of the Raft paper with 3 servers, written out by hand from the
// paper (not found by a search): s1 leads term 2 and appends an entry; s3
// leads term 3 (with s2's vote) and appends its own; s1 leads term 4 (with
// s2's vote again: its last term 2 beats s2's empty log), copies its term-2
// entry to s2 and, with the bug, commits it on a majority; s3 leads term 5
// with s2's vote (its last term 3 beats 2) without that entry:
// LeaderCompleteness. s3 then overwrites s2's copy and commits its own entry
// at the same index: StateMachineSafety. 55 steps to the first violation;
// the breadth-first search finds a 51-step interleaving of the same story
// (bench/specs/raft-bug-figure8-3.cfg, and the release test above).
fn figure8() -> Vec<String> {
    let mut labels: Vec<String> = vec!["Timeout(s1)".into()];
    labels.extend(election("s1", "s2"));
    labels.push("ClientRequest(s1, v1)".into());
    labels.extend(["Timeout(s3)".into(), "Timeout(s3)".into()]);
    labels.extend(election("s3", "s2"));
    labels.push("ClientRequest(s3, v1)".into());
    labels.extend(step_down("s1", "s2"));
    labels.push("Timeout(s1)".into());
    labels.extend(election("s1", "s2"));
    labels.extend(replicate("s1", "s2"));
    labels.push("AdvanceCommitIndex(s1)".into());
    labels.extend(step_down("s3", "s2"));
    labels.push("Timeout(s3)".into());
    labels.extend(election("s3", "s2"));
    // s3's entry replaces s2's: one more request removes the conflicting
    // entry before the entry is appended.
    let mut overwrite = replicate("s3", "s2");
    overwrite.insert(4, "HandleAppendEntriesRequest(s2, s3".into());
    labels.extend(overwrite);
    labels.push("AdvanceCommitIndex(s3)".into());
    labels
}

#[test]
fn committing_an_entry_of_an_earlier_term_lets_a_leader_lack_it_as_in_figure_8() {
    let model = buggy(1, 5, 1, false, Bug::CommitPreviousTerm);
    let labels = figure8();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let states = follow(&model, &labels);
    let first = states.iter().position(|s| !violated(&model, s).is_empty()).expect("the bug is caught");
    assert_eq!((first + 1, violated(&model, &states[first])), (56, vec!["LeaderCompleteness"]));
    let last = states.last().expect("a trace");
    assert!(violated(&model, last).contains(&"StateMachineSafety"), "{:?}", violated(&model, last));
    assert_eq!((last.commit_index[0], last.commit_index[2]), (1, 1));

    // Without the bug, s1 does not commit its term-2 entry in term 4, and the
    // same steps break nothing.
    let model = buggy(1, 5, 1, false, Bug::None);
    let states = follow(&model, &labels);
    assert!(states.iter().all(|s| violated(&model, s).is_empty()));
    assert!(states.iter().all(|s| s.commit_index[0] == 0));
}
