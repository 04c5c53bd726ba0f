//! Protocol models for bivalent, and a registry that finds them by name.
//!
//! Each protocol family is one module holding faithful transcriptions of its
//! source TLA+ spec or paper as [`checker::spec::Model`] implementations, with a
//! seeded-bug variant selected by a constant. Models see only `checker::spec`,
//! never the engine.
//!
//! - [`abd`]: `Abd`, the ABD atomic register (Attiya, Bar-Noy and Dolev),
//!   multi-writer, with seeded bugs that break linearizability.
//! - [`crdt`]: `GCounter`, `PNCounter`, `LWWRegister`, `ORSet` and `TwoPSet`,
//!   state-based CRDTs (Shapiro et al., INRIA RR-7506) over a lossy,
//!   duplicating, reordering network, one generic model per type.
//! - [`dynamo`]: `Dynamo`, a Dynamo-style leaderless register (DeCandia et
//!   al.): tunable `N`, `R`, `W`, last-writer-wins versions, read repair and
//!   anti-entropy, with an available mode that shows the CAP trade-off.
//! - [`lamport_mutex`]: `LamportMutex` (`LamportMutex.tla`; Merz), Lamport's
//!   distributed mutual exclusion with logical clocks, with a `Vec` state and
//!   an inline one (the heap-state benchmark workload).
//! - [`paxos`]: `Paxos` (Lamport's `Paxos.tla`, single-decree Paxos refining
//!   `Voting.tla`; tlaplus/Examples), with flexible quorums.
//! - [`raft`]: `Raft` (Ongaro's `raft.tla`, leader election and log
//!   replication), with seeded bugs and a liveness timing assumption.
//! - [`two_phase_commit`]: `TCommit` and `TwoPhase` (Gray and Lamport,
//!   "Consensus on Transaction Commit"; tlaplus/Examples).
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

#[cfg(doc)]
use checker::spec::Constants;
/// The registry's entry type; it lives in `checker`, so that a crate with
/// models of its own builds a registry without compiling these.
pub use checker::{Example, ModelEntry};

use common::net;

pub mod abd;
pub mod common;
pub mod crdt;
pub mod dynamo;
pub mod lamport_mutex;
pub mod paxos;
pub mod raft;
pub mod two_phase_commit;

#[cfg(test)]
#[path = "../../tests/reference.rs"]
mod naive;
#[cfg(test)]
mod naive_tests;

pub use abd::Abd;
pub use crdt::{Crdt, GCounter, LWWRegister, ORSet, PNCounter, TwoPSet};
pub use dynamo::Dynamo;
pub use lamport_mutex::LamportMutex;
pub use paxos::Paxos;
pub use raft::Raft;
pub use two_phase_commit::{TCommit, TwoPhase};

/// The constants of a quorum-register model ([`abd`], [`dynamo`]): `Replica`,
/// then its `Client`, `Ops`, then its `R`, `W` and own constant, then the
/// network's, of which only replicas crash.
macro_rules! register_constants {
    ($client:expr, $r:expr, $w:expr, $own:expr $(,)?) => {
        &[
            ("Replica", "the replicas, a set of 1 to 5 model values such as {r1, r2, r3}; required"),
            $client,
            ("Ops", "the operations (reads or writes) each client does, 1 to 4, at most 8 in all; required"),
            $r,
            $w,
            $own,
            net::FIFO_DOC,
            net::MAX_IN_FLIGHT_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            ("MaxCrashes", "at most this many replica crashes (Crash steps; clients do not crash); default 0"),
            net::RESTART_DOC,
            net::PARTITIONS_DOC,
        ]
    };
}

/// The constants of a CRDT model: those every CRDT reads, then its type's.
macro_rules! crdt_constants {
    ($($own:expr),* $(,)?) => {
        &[
            REPLICA,
            MAX_UPDATES,
            MAX_IN_FLIGHT,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            net::MAX_CRASHES_DOC,
            RESTART,
            net::PARTITIONS_DOC,
            net::FIFO_DOC,
            $($own),*
        ]
    };
}

static REGISTRY: &[ModelEntry] = &[
    ModelEntry {
        name: "Abd",
        summary: "The ABD atomic register, multi-writer (Attiya, Bar-Noy and Dolev, Sharing Memory Robustly), \
                  over the shared network and fault layer, checked for linearizability",
        constants: register_constants!(
            ("Client", "the clients, a set of 1 to 3 model values such as {c1, c2}; required"),
            ("R", "the query quorum size, 1 to N; default a majority, N / 2 + 1. R + W <= N is a seeded bug"),
            ("W", "the store quorum size, 1 to N; default a majority, N / 2 + 1"),
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"SkipWriteBack\" (reads return without writing back), \
                 violating Linearizable",
            ),
        ),
        build: |constants| Ok(Box::new(Abd::from_constants(constants)?)),
        example: Example::Model(|| {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            Box::new(Abd::new(names("r", 3), names("c", 2), 1, 2, 2, abd::Bug::None, net::Faults::reliable(5)))
        }),
    },
    ModelEntry {
        name: "Dynamo",
        summary: "A Dynamo-style leaderless register (DeCandia et al., Dynamo: Amazon's Highly Available Key-value \
                  Store): N replicas, R/W quorums, last-writer-wins versions, read repair and anti-entropy",
        constants: register_constants!(
            ("Client", "the clients (coordinators), a set of 1 to 3 model values such as {c1, c2}; required"),
            ("R", "the read quorum size, 1 to N; default a majority, N / 2 + 1. R + W <= N gives stale reads"),
            ("W", "the write quorum size, 1 to N; default a majority, N / 2 + 1"),
            (
                "Available",
                "TRUE: a coordinator that cannot reach every replica completes with the answers of those it can \
                 reach (Timeout steps), which breaks Linearizable under a partition; default FALSE",
            ),
        ),
        build: |constants| Ok(Box::new(Dynamo::from_constants(constants)?)),
        example: Example::Model(|| {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            Box::new(Dynamo::new(names("r", 3), names("c", 2), 1, 2, 2, false, net::Faults::reliable(5)))
        }),
    },
    ModelEntry {
        name: "GCounter",
        summary: "Grow-only counter, a state-based CRDT over a faulty network (Shapiro et al.; CRDT.tla)",
        constants: crdt_constants!(
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"SumMerge\" (merge adds the vectors instead of taking \
                 the maximum), violating StrongConvergence",
            ),
        ),
        build: |constants| Ok(Box::new(Crdt::<GCounter>::from_constants(constants)?)),
        example: Example::Model(|| Box::new(Crdt::new(GCounter { bug: crdt::GCounterBug::None }, example_replicas(), 1, 2))),
    },
    ModelEntry {
        name: "LWWRegister",
        summary: "Last-writer-wins register, a state-based CRDT over a faulty network (Shapiro et al.)",
        constants: crdt_constants!(
            ("Value", "the values a write may write, a set of 1 to 4 model values such as {v1, v2}; required"),
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"NoTieBreak\" (no writer id: merge compares timestamps only and keeps \
                 the local write on a tie), violating StrongConvergence",
            ),
        ),
        build: |constants| Ok(Box::new(Crdt::<LWWRegister>::from_constants(constants)?)),
        example: Example::Model(|| {
            let kind = LWWRegister { values: vec!["v1".into(), "v2".into()], bug: crdt::LWWBug::None };
            Box::new(Crdt::new(kind, example_replicas(), 1, 2))
        }),
    },
    ModelEntry {
        name: "LamportMutex",
        summary: "Lamport's distributed mutual exclusion with logical clocks (LamportMutex.tla; Merz), \
                  with a Vec state or an inline one",
        constants: lamport_mutex::CONSTANTS,
        build: lamport_mutex::from_constants,
        example: Example::Model(|| Box::new(LamportMutex::<lamport_mutex::VecState>::new(2, 3))),
    },
    ModelEntry {
        name: "ORSet",
        summary:
            "Observed-remove set (add-wins, unique tags), a state-based CRDT over a faulty network (Shapiro et al.)",
        constants: crdt_constants!(
            ("Element", "the elements, a set of 1 to 4 model values such as {e1, e2}; required"),
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"RemoveConcurrentAdds\" (a remove also deletes adds of \
                 the element it never observed), violating AddWins",
            ),
        ),
        build: |constants| Ok(Box::new(Crdt::<ORSet>::from_constants(constants)?)),
        example: Example::Model(|| {
            let kind = ORSet { elements: vec!["e1".into(), "e2".into()], bug: crdt::ORSetBug::None };
            Box::new(Crdt::new(kind, example_replicas(), 1, 2))
        }),
    },
    ModelEntry {
        name: "PNCounter",
        summary: "Positive-negative counter, a state-based CRDT over a faulty network (Shapiro et al.)",
        constants: crdt_constants!(),
        build: |constants| Ok(Box::new(Crdt::<PNCounter>::from_constants(constants)?)),
        example: Example::Model(|| Box::new(Crdt::new(PNCounter, example_replicas(), 1, 2))),
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
        example: Example::Model(|| {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            let majorities = Paxos::majorities(3);
            Box::new(Paxos::new(names("a", 3), names("v", 2), 1, majorities.clone(), majorities, paxos::Bug::None))
        }),
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
        example: Example::Model(|| {
            let names = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix}{i}")).collect();
            Box::new(Raft::new(names("s", 3), names("v", 1), raft::Settings::bounded(3, 2, 3)))
        }),
    },
    ModelEntry {
        name: "TCommit",
        summary:
            "Transaction commit, the specification (TCommit.tla; Gray and Lamport, Consensus on Transaction Commit)",
        constants: &[("RM", "the resource managers, a set of 1 to 16 model values such as {r1, r2, r3}; required")],
        build: |constants| Ok(Box::new(TCommit::from_constants(constants)?)),
        example: Example::Model(|| Box::new(TCommit::new(example_rms()))),
    },
    ModelEntry {
        name: "TwoPSet",
        summary:
            "Two-phase set (a removed element never returns), a state-based CRDT over a faulty network (Shapiro et al.)",
        constants: crdt_constants!(
            ("Element", "the elements, a set of 1 to 8 model values such as {e1, e2}; required"),
        ),
        build: |constants| Ok(Box::new(Crdt::<TwoPSet>::from_constants(constants)?)),
        example: Example::Model(|| Box::new(Crdt::new(TwoPSet { elements: vec!["e1".into(), "e2".into()] }, example_replicas(), 1, 2))),
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
        example: Example::Model(|| Box::new(TwoPhase::new(example_rms(), two_phase_commit::Bug::None))),
    },
];

/// The constants every CRDT model reads, besides its type's.
const REPLICA: (&str, &str) = ("Replica", "the replicas, a set of 2 to 4 model values such as {r1, r2, r3}; required");
const MAX_UPDATES: (&str, &str) = (
    "MaxUpdates",
    "the most updates each replica makes; required (at most 24 in all, and for ORSet at most 64 tags times elements)",
);
const MAX_IN_FLIGHT: (&str, &str) =
    ("MaxInFlight", "at most this many messages in flight, copies counted; a Send beyond it is disabled; required");
const RESTART: (&str, &str) = (
    "Restart",
    "after a crash: \"Persistent\" (default) restarts with the replica's payload, \"Never\" not at all; \
     \"Amnesia\" is refused (a replica would reuse its update ids)",
);
/// `{r1, r2}`, for the example CRDT instances.
fn example_replicas() -> Vec<String> {
    ["r1", "r2"].map(String::from).to_vec()
}

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
