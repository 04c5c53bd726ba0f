//! Protocol models for bivalent, and a registry that finds them by name.
//!
//! Each protocol family is one module holding faithful transcriptions of its
//! source TLA+ spec or paper as [`checker::spec::Model`] implementations, with a
//! seeded-bug variant selected by a constant. Models see only `checker::spec`,
//! never the engine.
//!
//! - [`paxos`]: `Paxos` (Lamport's `Paxos.tla`, single-decree Paxos refining
//!   `Voting.tla`; tlaplus/Examples), with flexible quorums.
//! - [`raft`]: `Raft` (Ongaro's `raft.tla`, leader election and log
//!   replication), with seeded bugs and a liveness timing assumption.
//! - [`two_phase_commit`]: `TCommit` and `TwoPhase` (Gray and Lamport,
//!   "Consensus on Transaction Commit"; tlaplus/Examples).
//!
//! # Adding a model
//!
//! 1. Write the model in its own module (`src/<protocol>.rs`, or a folder with
//!    one file per model and a `tests.rs`). Open the file with a `//!` essay on
//!    the protocol and its source. Name actions, invariants and properties as
//!    the source spec does. Keep `State` small, `Copy` where possible and free
//!    of allocation: `next` runs millions of times a second.
//! 2. Give it a `from_constants(&Constants) -> Result<Self, ConfigError>` that
//!    calls [`Constants::expect_only`] with every constant it reads, so a typo
//!    in a check spec is an error that lists the valid names.
//! 3. Add a [`ModelEntry`] to [`registry`], listing each constant with its
//!    meaning and default.
//! 4. Add check specs `specs/<model>-<size>.cfg`, including one that selects the
//!    seeded bug and says `EXPECT VIOLATION <Invariant>`.
//! 5. In the module's unit tests, explore small instances with the naive
//!    explorer (`naive::explore`) and assert the published distinct/generated
//!    counts and depth (TLC's, when the spec exists in TLA+), the seeded bug's
//!    shortest counterexample, and symmetry counts derived independently of
//!    the model's canonicalizer.

use checker::spec::{ConfigError, Constants};
use checker::DynModel;

pub mod paxos;
pub mod raft;
pub mod two_phase_commit;

#[cfg(test)]
#[path = "../../tests/reference.rs"]
mod naive;
#[cfg(test)]
mod naive_tests;

pub use paxos::Paxos;
pub use raft::Raft;
pub use two_phase_commit::{TCommit, TwoPhase};

/// A model that check specs can name with `MODEL <name>`.
#[derive(Clone, Copy)]
pub struct ModelEntry {
    /// The name a check spec uses: `TwoPhase`.
    pub name: &'static str,
    /// One line on what the model is and where it comes from.
    pub summary: &'static str,
    /// Each constant the model reads, with a description that states its default
    /// (or that it is required).
    pub constants: &'static [(&'static str, &'static str)],
    /// Builds the model from a check spec's `CONSTANTS`.
    pub build: fn(&Constants) -> Result<Box<dyn DynModel>, ConfigError>,
    /// A small instance, for `bivalent list` (which shows what a model declares).
    pub example: fn() -> Box<dyn DynModel>,
}

impl std::fmt::Debug for ModelEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelEntry").field("name", &self.name).field("constants", &self.constants).finish()
    }
}

static REGISTRY: &[ModelEntry] = &[
    ModelEntry {
        name: "Paxos",
        summary: "Single-decree Paxos, refining Voting (Paxos.tla; Lamport), with flexible quorums",
        constants: &[
            ("Acceptor", "the acceptors, a set of 1 to 5 model values such as {a1, a2, a3}; required"),
            ("Value", "the values that may be chosen, a set of 1 to 4 model values such as {v1, v2}; required"),
            ("MaxBallot", "ballots are 0..MaxBallot, as MCPaxos.tla bounds them; required"),
            (
                "Quorum",
                "the quorums, a set of sets of acceptors; default: the smallest majorities, \
                 {{a1, a2}, {a1, a3}, {a2, a3}} for three acceptors",
            ),
            ("Quorum1", "flexible quorums: the phase-1 quorums (those of Phase2a); default Quorum"),
            ("Quorum2", "flexible quorums: the phase-2 quorums (those of chosen); default Quorum"),
            (
                "Bug",
                "a seeded bug: \"None\" (default), \"IgnoreHighestVote\" (Phase2a ignores the votes 1b \
                 messages report) or \"AcceptBelowPromise\" (Phase2b votes below maxBal), each violating Consistency",
            ),
        ],
        build: |constants| Ok(Box::new(Paxos::from_constants(constants)?)),
        example: || {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            let majorities = Paxos::majorities(3);
            Box::new(Paxos::new(names("a", 3), names("v", 2), 1, majorities.clone(), majorities, paxos::Bug::None))
        },
    },
    ModelEntry {
        name: "Raft",
        summary: "Raft leader election and log replication (raft.tla; Ongaro), with seeded bugs",
        constants: &[
            ("Server", "the servers, a set of 1 to 5 model values such as {s1, s2, s3}; required"),
            ("Value", "the client requests, a set of 0 to 4 model values such as {v1}; required"),
            ("MaxTerm", "CONSTRAINT BoundedTerms: every currentTerm[i] <= MaxTerm (1 to 15); required"),
            ("MaxLogLength", "CONSTRAINT BoundedLogs: every Len(log[i]) <= MaxLogLength (0 to 4); required"),
            ("MaxMessages", "CONSTRAINT BoundedMessages: at most MaxMessages messages in flight (0 to 11); required"),
            ("Restart", "TRUE (default) includes Restart(i) in Next"),
            ("DuplicateMessage", "TRUE (default) includes DuplicateMessage(m) in Next"),
            ("DropMessage", "TRUE (default) includes DropMessage(m) in Next"),
            ("MaxElectionTerm", "Timeout(i) only while currentTerm[i] < MaxElectionTerm; default: no such guard"),
            (
                "Timeouts",
                "\"Any\" (default) or \"Staggered\": Timeout(i) only when no other server is a candidate, \
                 the timing assumption under which EventuallyLeader holds",
            ),
            (
                "Bug",
                "a seeded bug: \"None\" (default), \"CommitPreviousTerm\" (Figure 8: commit an old term's entry \
                 by counting replicas), \"SkipLogUpToDateCheck\", \"VoteTwice\" or \"TermNotPersisted\"",
            ),
        ],
        build: |constants| Ok(Box::new(Raft::from_constants(constants)?)),
        example: || {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            Box::new(Raft::new(names("s", 3), names("v", 1), raft::Settings::bounded(3, 2, 3)))
        },
    },
    ModelEntry {
        name: "TCommit",
        summary:
            "Transaction commit, the specification (TCommit.tla; Gray and Lamport, Consensus on Transaction Commit)",
        constants: &[("RM", "the resource managers, a set of 1 to 16 model values such as {r1, r2, r3}; required")],
        build: |constants| Ok(Box::new(TCommit::from_constants(constants)?)),
        example: || Box::new(TCommit::new(example_rms())),
    },
    ModelEntry {
        name: "TwoPhase",
        summary: "Two-phase commit, the protocol, refining TCommit (TwoPhase.tla; Gray and Lamport)",
        constants: &[
            ("RM", "the resource managers, a set of 1 to 15 model values such as {r1, r2, r3}; required"),
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"CommitWithoutAllPrepared\", where the TM commits \
                 once any RM is prepared, violating TCConsistent",
            ),
            (
                "TMMAYFAIL",
                "TRUE lets the TM crash before deciding (action TMCrash, as in 2PCwithBTM.tla); \
                 default FALSE. Termination then fails: prepared RMs block",
            ),
        ],
        build: |constants| Ok(Box::new(TwoPhase::from_constants(constants)?)),
        example: || Box::new(TwoPhase::new(example_rms(), two_phase_commit::Bug::None)),
    },
];

/// `{r1, r2, r3}`, for the example instances.
fn example_rms() -> Vec<String> {
    ["r1", "r2", "r3"].map(String::from).to_vec()
}

/// Every model, in alphabetical order.
pub fn registry() -> &'static [ModelEntry] {
    REGISTRY
}

/// The model named `name` (exact, case-sensitive), if there is one.
pub fn find(name: &str) -> Option<&'static ModelEntry> {
    REGISTRY.iter().find(|entry| entry.name == name)
}
