//! Protocol models for bivalent, and a registry that finds them by name.
//!
//! Each protocol family is one module holding faithful transcriptions of its
//! source TLA+ spec or paper as [`checker::spec::Model`] implementations, with a
//! seeded-bug variant selected by a constant. Models see only `checker::spec`,
//! never the engine.
//!
//! - [`abd`]: `Abd`, the ABD atomic register (Attiya, Bar-Noy and Dolev),
//!   multi-writer, with seeded bugs that break linearizability.
//! - [`causal`]: `CausalStore`, a causally consistent key-value store over
//!   causal broadcast with vector clocks (Ahamad et al., causal memory), with
//!   seeded bugs (Lamport clocks, no dependency check) that break causal
//!   consistency.
//! - [`chain_replication`]: `ChainReplication` (van Renesse and Schneider),
//!   with a master that removes crashed servers; reads from the tail are
//!   checked for linearizability, with seeded stale reads and a lost update.
//! - [`crdt`]: `GCounter`, `PNCounter`, `LWWRegister`, `ORSet` and `TwoPSet`,
//!   state-based CRDTs (Shapiro et al., INRIA RR-7506) over a lossy,
//!   duplicating, reordering network, one generic model per type.
//! - [`dynamo`]: `Dynamo`, a Dynamo-style leaderless register (DeCandia et
//!   al.): tunable `N`, `R`, `W`, last-writer-wins versions, read repair and
//!   anti-entropy, with an available mode that shows the CAP trade-off.
//! - [`gossip`]: `Gossip`, epidemic dissemination (Demers et al.): push,
//!   pull and push-pull anti-entropy and rumor mongering, with a stop rule
//!   that lets a rumor die as the seeded bug.
//! - [`lamport_mutex`]: `LamportMutex` (`LamportMutex.tla`; Merz), Lamport's
//!   distributed mutual exclusion with logical clocks, with a `Vec` state and
//!   an inline one (the heap-state benchmark workload).
//! - [`paxos`]: `Paxos` (Lamport's `Paxos.tla`, single-decree Paxos refining
//!   `Voting.tla`; tlaplus/Examples), with flexible quorums.
//! - [`pbft`]: `Pbft`, Practical Byzantine Fault Tolerance (Castro and
//!   Liskov), normal case and view change for one sequence number, with
//!   byzantine replicas as a fault knob and seeded bugs that break agreement.
//! - [`raft`]: `Raft` (Ongaro's `raft.tla`, leader election and log
//!   replication), with seeded bugs and a liveness timing assumption.
//! - [`saga`]: `Saga` (Garcia-Molina and Salem), an orchestrated saga with
//!   compensating transactions, timeouts and late replies over a duplicating
//!   network, with seeded bugs in its compensation.
//! - [`three_phase_commit`]: `ThreePhase`, Skeen's three-phase commit with
//!   a termination protocol, non-blocking under a coordinator crash and
//!   unsafe under a partition (`Phases = 2` runs 2PC for contrast).
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
pub mod causal;
pub mod chain_replication;
pub mod common;
pub mod crdt;
pub mod dynamo;
pub mod gossip;
pub mod lamport_mutex;
pub mod paxos;
pub mod pbft;
pub mod raft;
pub mod saga;
pub mod three_phase_commit;
pub mod two_phase_commit;

#[cfg(test)]
#[path = "../../tests/reference.rs"]
mod naive;
#[cfg(test)]
mod naive_tests;

pub use abd::Abd;
pub use causal::CausalStore;
pub use chain_replication::ChainReplication;
pub use crdt::{Crdt, GCounter, LWWRegister, ORSet, PNCounter, TwoPSet};
pub use dynamo::Dynamo;
pub use gossip::Gossip;
pub use lamport_mutex::LamportMutex;
pub use paxos::Paxos;
pub use pbft::Pbft;
pub use raft::Raft;
pub use saga::Saga;
pub use three_phase_commit::ThreePhase;
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
        example: Example::Spec(include_str!("../../specs/abd-3x2x1.cfg")),
    },
    ModelEntry {
        name: "CausalStore",
        summary: "A causally consistent key-value store over causal broadcast with vector clocks (Ahamad et al., \
                  Causal memory), checked for causal consistency of the clients' history",
        constants: &[
            ("Replica", "the replicas, each serving one client session, a set of 2 to 4 model values such as {r1, r2}; required"),
            ("Key", "the keys, a set of 1 to 4 model values such as {x, y}; required"),
            ("Ops", "the operations (reads or writes) each replica's client does, 1 to 8, at most 32 in all; required"),
            (
                "Bug",
                "a seeded bug: \"None\" (default), \"LamportClocks\" (a scalar clock: a concurrent write makes a \
                 later update look next) or \"NoDependencyCheck\" (updates applied on arrival), each violating \
                 CausallyConsistent",
            ),
            net::FIFO_DOC,
            net::MAX_IN_FLIGHT_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            net::MAX_CRASHES_DOC,
            ("Restart", "after a crash: \"Persistent\" (default) or \"Never\"; \"Amnesia\" is refused"),
            net::PARTITIONS_DOC,
        ],
        build: |constants| Ok(Box::new(CausalStore::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/causal-2x2x2.cfg")),
    },
    ModelEntry {
        name: "ChainReplication",
        summary: "Chain replication (van Renesse and Schneider, OSDI 2004) of a register, with a master that \
                  removes crashed servers, over the shared network and fault layer (FIFO links), checked for \
                  linearizability and the Update Propagation Invariant",
        constants: &[
            ("Replica", "the chain, head first, a set of 1 to 5 model values such as {r1, r2, r3}; required"),
            ("Client", "the clients, a set of 1 to 3 model values such as {c1, c2}; required"),
            ("Ops", "the operations (reads or writes) each client does, 1 to 4, at most 8 in all; required"),
            (
                "Bug",
                "a seeded bug: \"None\" (default), \"ReadAnyNode\" (reads served by any server, not only the \
                 tail: a stale read, violating Linearizable) or \"DropInFlight\" (removing a middle server does \
                 not resend its successor's missing updates, violating UpdatePropagation)",
            ),
            net::MAX_IN_FLIGHT_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            ("MaxCrashes", "at most this many server crashes (fail-stop; the master removes them); default 0"),
            net::PARTITIONS_DOC,
        ],
        build: |constants| Ok(Box::new(ChainReplication::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/chain-3x2x2.cfg")),
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
        example: Example::Spec(include_str!("../../specs/dynamo-3x2x1.cfg")),
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
        example: Example::Spec(include_str!("../../specs/crdt-gcounter-2x2.cfg")),
    },
    ModelEntry {
        name: "Gossip",
        summary: "Epidemic dissemination (Demers et al., Epidemic algorithms for replicated database maintenance): \
                  push, pull and push-pull anti-entropy and rumor mongering, under loss and partitions that heal",
        constants: &[
            ("Node", "the nodes, a set of 2 to 4 model values such as {n1, n2, n3}; required"),
            ("Updates", "how many updates, 1 to |Node|; update u starts at the u-th node; required"),
            (
                "Mode",
                "\"Push\", \"Pull\", \"PushPull\" (default; anti-entropy) or \"Rumor\" (rumor mongering: push hot \
                 rumors with feedback, stop once every node confirmed)",
            ),
            (
                "Bug",
                "a seeded bug: \"None\" (default) or \"LoseInterest\" (Mode = \"Rumor\": stop spreading a rumor on the \
                 first feedback that the peer knew it), violating RumorAlive and EventualConsistency",
            ),
            ("MaxInFlight", "at most this many messages in flight; a gossip round beyond it is disabled; required"),
            net::FIFO_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            net::MAX_CRASHES_DOC,
            ("Restart", "after a crash: \"Persistent\" (default) or \"Never\"; \"Amnesia\" is refused"),
            net::PARTITIONS_DOC,
        ],
        build: |constants| Ok(Box::new(Gossip::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/gossip-pushpull-3x1.cfg")),
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
        example: Example::Spec(include_str!("../../specs/crdt-lwwregister-2x1.cfg")),
    },
    ModelEntry {
        name: "LamportMutex",
        summary: "Lamport's distributed mutual exclusion with logical clocks (LamportMutex.tla; Merz), \
                  with a Vec state or an inline one",
        constants: lamport_mutex::CONSTANTS,
        build: lamport_mutex::from_constants,
        example: Example::Spec(include_str!("../../specs/lamport-mutex-2.cfg")),
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
        example: Example::Spec(include_str!("../../specs/crdt-orset-2x2.cfg")),
    },
    ModelEntry {
        name: "PNCounter",
        summary: "Positive-negative counter, a state-based CRDT over a faulty network (Shapiro et al.)",
        constants: crdt_constants!(),
        build: |constants| Ok(Box::new(Crdt::<PNCounter>::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/crdt-pncounter-2x1.cfg")),
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
        example: Example::Spec(include_str!("../../specs/paxos-3x2-1.cfg")),
    },
    ModelEntry {
        name: "Pbft",
        summary: "Practical Byzantine Fault Tolerance (Castro and Liskov, OSDI 1999), normal case and view change for \
                  one sequence number, with byzantine replicas that equivocate",
        constants: &[
            ("Replica", "the replicas, a set of 2 to 4 model values such as {r1, r2, r3, r4}; required"),
            ("F", "the byzantine faults tolerated, f >= 1 with |Replica| > 2f; quorums are |Replica| - F; required"),
            ("Byzantine", "the byzantine replicas, a subset of Replica; default {}"),
            ("Value", "the client requests, a set of 1 to 3 model values such as {v1, v2}; required"),
            ("MaxView", "views are 0..MaxView, 0 to 2; required"),
            ("MaxByzantineMessages", "the most messages the byzantine replicas send in all; default: no bound"),
            (
                "Bug",
                "a seeded bug: \"None\" (default), \"SmallPreparedCertificate\" (2f matching messages instead of \
                 2f + 1) or \"IgnorePreparedCertificates\" (the new primary proposes any request), each violating \
                 Agreement; so does Replica with 3F members",
            ),
        ],
        build: |constants| Ok(Box::new(Pbft::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/pbft-byzantine-primary-4.cfg")),
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
        example: Example::Spec(include_str!("../../specs/raft-2.cfg")),
    },
    ModelEntry {
        name: "Saga",
        summary: "A saga with compensating transactions (Garcia-Molina and Salem, Sagas), run by an orchestrator \
                  with timeouts over the shared network and fault layer: all committed or all compensated",
        constants: &[
            ("Step", "the participants, in saga order, a set of 1 to 6 model values such as {s1, s2, s3}; required"),
            (
                "Bug",
                "a seeded bug: \"None\" (default), \"NonIdempotentCompensation\" (a duplicated Compensate undoes \
                 twice, violating EffectBounded) or \"NoCompensateOnTimeout\" (a timeout does not compensate the \
                 step it waited for, whose late commit stays, violating SagaAtomic)",
            ),
            net::FIFO_DOC,
            net::MAX_IN_FLIGHT_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            net::PARTITIONS_DOC,
        ],
        build: |constants| Ok(Box::new(Saga::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/saga-3.cfg")),
    },
    ModelEntry {
        name: "TCommit",
        summary:
            "Transaction commit, the specification (TCommit.tla; Gray and Lamport, Consensus on Transaction Commit)",
        constants: &[("RM", "the resource managers, a set of 1 to 16 model values such as {r1, r2, r3}; required")],
        build: |constants| Ok(Box::new(TCommit::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/tcommit-3.cfg")),
    },
    ModelEntry {
        name: "ThreePhase",
        summary: "Three-phase commit with a termination protocol (Skeen, Nonblocking Commit Protocols), over the \
                  shared network and fault layer: non-blocking under a coordinator crash, unsafe under a partition",
        constants: &[
            ("RM", "the resource managers, a set of 1 to 7 model values such as {r1, r2, r3}; required"),
            (
                "Phases",
                "3 (default), or 2 for two-phase commit with the cooperative termination protocol, \
                 which blocks after a coordinator crash",
            ),
            net::FIFO_DOC,
            net::MAX_IN_FLIGHT_DOC,
            net::LOSS_DOC,
            net::DUPLICATION_DOC,
            ("MaxCrashes", "at most this many coordinator crashes (crash-stop; RMs do not crash); default 0"),
            net::PARTITIONS_DOC,
        ],
        build: |constants| Ok(Box::new(ThreePhase::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/threephase-3.cfg")),
    },
    ModelEntry {
        name: "TwoPSet",
        summary:
            "Two-phase set (a removed element never returns), a state-based CRDT over a faulty network (Shapiro et al.)",
        constants: crdt_constants!(
            ("Element", "the elements, a set of 1 to 8 model values such as {e1, e2}; required"),
        ),
        build: |constants| Ok(Box::new(Crdt::<TwoPSet>::from_constants(constants)?)),
        example: Example::Spec(include_str!("../../specs/crdt-twopset-2x2.cfg")),
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
        example: Example::Spec(include_str!("../../specs/twophase-3.cfg")),
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
/// Every model, in alphabetical order.
pub fn registry() -> &'static [ModelEntry] {
    REGISTRY
}

/// The model named `name` (exact, case-sensitive), if there is one.
pub fn find(name: &str) -> Option<&'static ModelEntry> {
    REGISTRY.iter().find(|entry| entry.name == name)
}

#[cfg(test)]
mod registry_tests {
    /// `bivalent list` builds each entry's example from a bundled spec's
    /// constants, and shows those constants as the values to start from.
    #[test]
    fn every_entry_builds_its_example_from_a_bundled_spec_of_its_own() {
        for entry in super::registry() {
            let checker::Example::Spec(text) = entry.example else { panic!("{}: not a spec", entry.name) };
            let spec = checker::parse_spec(text).unwrap_or_else(|e| panic!("{}: {e}", entry.name));
            assert_eq!(spec.model.name, entry.name);
            assert!(entry.example_model().is_ok(), "{}", entry.name);
        }
    }
}
