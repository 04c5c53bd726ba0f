//! Protocol models for bivalent, and a registry that finds them by name.
//!
//! Each protocol family is one module holding faithful transcriptions of its
//! source TLA+ spec or paper as [`checker::spec::Model`] implementations, with a
//! seeded-bug variant selected by a constant. Models see only `checker::spec`,
//! never the engine.
//!
//! - [`abd`]: `Abd`, the ABD atomic register (Attiya, Bar-Noy and Dolev),
//!   multi-writer, with seeded bugs that break linearizability.
//! - [`paxos`]: `Paxos` (Lamport's `Paxos.tla`, single-decree Paxos refining
//!   `Voting.tla`; tlaplus/Examples), with flexible quorums.
//! - [`two_phase_commit`]: `TCommit` and `TwoPhase` (Gray and Lamport,
//!   "Consensus on Transaction Commit"; tlaplus/Examples).
//!
//! - [`common`]: what models share: the network and fault layer
//!   ([`common::net`]) and the linearizability checker.
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

use common::net;

pub mod abd;
pub mod common;
pub mod paxos;
pub mod two_phase_commit;

#[cfg(test)]
#[path = "../../tests/reference.rs"]
mod naive;
#[cfg(test)]
mod naive_tests;

pub use abd::Abd;
pub use paxos::Paxos;
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
        name: "Abd",
        summary: "The ABD atomic register, multi-writer (Attiya, Bar-Noy and Dolev, Sharing Memory Robustly), \
                  over the shared network and fault layer, checked for linearizability",
        constants: &[
            ("Replica", "the replicas, a set of 1 to 5 model values such as {r1, r2, r3}; required"),
            ("Client", "the clients, a set of 1 to 3 model values such as {c1, c2}; required"),
            ("Ops", "the operations (reads or writes) each client does, 1 to 4, at most 8 in all; required"),
            ("R", "the query quorum size, 1 to N; default a majority, N / 2 + 1. R + W <= N is a seeded bug"),
            ("W", "the store quorum size, 1 to N; default a majority, N / 2 + 1"),
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"SkipWriteBack\" (reads return without writing back), \
                 violating Linearizable",
            ),
            net::FIFO_DOC,
            net::MAX_IN_FLIGHT_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            ("MaxCrashes", "at most this many replica crashes (Crash steps; clients do not crash); default 0"),
            net::RESTART_DOC,
            net::PARTITIONS_DOC,
        ],
        build: |constants| Ok(Box::new(Abd::from_constants(constants)?)),
        example: || {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            Box::new(Abd::new(names("r", 3), names("c", 2), 1, 2, 2, abd::Bug::None, net::Faults::reliable(5)))
        },
    },
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
