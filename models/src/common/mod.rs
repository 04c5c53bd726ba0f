//! Building blocks that protocol models share instead of each re-inventing
//! them.
//!
//! - [`net`]: an asynchronous network of point-to-point messages (a canonical
//!   message bag, optionally FIFO per link) with fault knobs set by a check
//!   spec's constants: message loss, duplication, node crash and restart,
//!   network partitions, a bound on messages in flight. Each fault step is a
//!   named action (`Drop`, `Duplicate`, `Crash`, `Restart`, `Partition`,
//!   `Heal`) that a model wraps in its own action type, so faults appear in
//!   traces, coverage and message sequence charts.
//! - [`cluster`]: the replicas, clients, quorums and version-stamped
//!   register that the quorum-register models share, and how their constants
//!   are read and their nodes and clients shown.
//! - [`linearizability`]: a linearizability and sequential-consistency
//!   checker for histories of register and key-value operations recorded in a
//!   model's state, used as the state invariant `Linearizable`.
//! - [`causal`]: a causal-consistency checker for the same histories, used as
//!   the state invariant `CausallyConsistent`.

pub mod causal;
pub mod cluster;
pub mod linearizability;
pub mod net;
