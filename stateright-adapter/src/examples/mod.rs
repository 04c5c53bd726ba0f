//! stateright's own example models, copied unchanged from the `examples/`
//! directory of the `stateright` crate (version 0.31.0) except that each
//! example's `main` (a command line for its own checker and explorer) is
//! removed and its items are made public, so that tests and the peer
//! benchmark can build them. The examples are not part of stateright's
//! library, so they cannot be reached through the dependency.
//!
//! Copyright (c) 2018 Jonathan Nadal and other Stateright contributors,
//! under the MIT License (`stateright-adapter/LICENSE-stateright`).
//!
//! Each example keeps its upstream test, which pins stateright's own
//! distinct-state counts.

/// `examples/2pc.rs`: two-phase commit, a plain `Model`.
pub mod two_phase_sys;

/// `examples/paxos.rs`: single-decree Paxos as an actor model, checked for
/// linearizability of the register it serves.
pub mod paxos;

/// `examples/single-copy-register.rs`: one register per server, no
/// consensus; not linearizable with more than one server.
pub mod single_copy_register;

/// `examples/linearizable-register.rs`: the ABD quorum register (Attiya,
/// Bar-Noy and Dolev) as an actor model.
pub mod linearizable_register;

/// `examples/raft.rs`: Raft leader election and log replication as an actor
/// model; its state space is unbounded, so it is checked to a depth.
pub mod raft;
