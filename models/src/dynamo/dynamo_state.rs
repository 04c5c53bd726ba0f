//! The state of the Dynamo model: replicas, coordinators (clients), the
//! clients' history, the synchronized clock and the network.

use crate::common::cluster::{self, Tag};
use crate::common::linearizability::Val;

/// Where a client (the coordinator of its operation) is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// No operation in progress.
    #[default]
    Idle,
    /// A read waiting for `R` replies.
    Get {
        /// The replicas that answered (bit `r`).
        replied: u8,
        /// The replicas that answered with a version older than `best`: the
        /// targets of read repair.
        older: u8,
        /// The newest version and its value among the answers.
        best: (Tag, Val),
        /// The newest version of a write that had completed when the read
        /// began: a read returning an older one is stale.
        floor: Tag,
    },
    /// A write of `(tag, val)` waiting for `W` acknowledgements.
    Put {
        /// The replicas that acknowledged.
        acked: u8,
        /// The write's version.
        tag: Tag,
        /// The value written.
        val: Val,
    },
}

/// A client (coordinator): the slot of its current (or last) operation and its phase.
pub type Client = cluster::Client<Phase>;

/// A message between a coordinator and a replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// Coordinator to replica: send me your version and value.
    Get {
        /// The operation.
        op: u8,
    },
    /// Replica to coordinator: my version and value.
    GetReply {
        /// The operation.
        op: u8,
        /// The replica's version.
        tag: Tag,
        /// The replica's value.
        val: Val,
    },
    /// Coordinator to replica: store this value if its version is newer than yours.
    Put {
        /// The operation.
        op: u8,
        /// The version.
        tag: Tag,
        /// The value.
        val: Val,
    },
    /// Replica to coordinator: stored (or already had a newer version).
    PutAck {
        /// The operation.
        op: u8,
    },
    /// Read repair, coordinator to a replica that answered with an older
    /// version: store this one if it is newer. Not acknowledged.
    Repair {
        /// The version.
        tag: Tag,
        /// The value.
        val: Val,
    },
}

/// Dynamo's own variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Versions {
    /// The synchronized clock: the writes invoked so far. A write's
    /// timestamp is the clock after it ticks.
    pub clock: u8,
    /// The newest version of a completed write (`<<0, 0>>` before any).
    pub committed: Tag,
    /// Whether some read returned a version older than `floor`.
    pub stale_read: bool,
}

impl Versions {
    /// No write yet, no stale read.
    pub const INIT: Versions = Versions { clock: 0, committed: Tag::INIT, stale_read: false };
}

/// A state of the model: replicas, clients, history and network, and the
/// clock, the newest completed version and whether a read was stale.
pub type DynamoState = cluster::State<Phase, Message, Versions>;
