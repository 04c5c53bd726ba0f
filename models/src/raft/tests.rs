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

// bench/specs/raft-bug-term-not-persisted-3.cfg and
// bench/specs/raft-bug-skip-log-check-3.cfg: 55 and 152 thousand states
// before the violation, seconds in a debug build, so only with MC_SLOW=1;
// the release engine checks the same lengths in their check specs, and
// raft_tla.py --bugs finds them too (without symmetry): 20 and 26 states.
// TermNotPersisted, 19 steps: s1 votes for itself in term 2, restarts into
// term 1 with no vote, times out into term 2 again and votes for s2 as well;
// s1 (votes s1, s2) and s2 (votes s1, s3) both lead term 2.
// SkipLogUpToDateCheck, 25 steps: s1 leads term 2 and commits an entry on s1
// and s2; s3, with an empty log, times out twice into term 3 and wins s2's vote.
#[test]
fn restarts_that_forget_the_term_and_voters_that_skip_the_log_check_are_caught_when_slow_tests_run() {
    if std::env::var_os("MC_SLOW").is_none() {
        return;
    }
    let model = buggy(0, 2, 0, true, Bug::TermNotPersisted);
    assert_eq!(shortest_violation(&model), ("ElectionSafety", 20));
    let model = buggy(1, 3, 1, false, Bug::SkipLogUpToDateCheck);
    assert_eq!(shortest_violation(&model), ("LeaderCompleteness", 26));
}
