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
    Settings { restart: false, duplicate: false, drop: false, ..Settings::bounded(max_term, max_log_length, max_messages) }
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
