//! The state of the Dynamo model: replicas, coordinators (clients), the
//! clients' history, the synchronized clock and the network.

use crate::common::cluster::{self, Idle, RegisterState, Replica, Tag, CLIENT_MAX, REPLICA_MAX};
use crate::common::linearizability::{History, Val};
use crate::common::net::Network;

/// Where a client (the coordinator of its operation) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// No operation in progress.
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

impl Idle for Phase {
    const IDLE: Phase = Phase::Idle;
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

/// A state of the model. Slots beyond the instance's replicas and clients
/// stay at their initial values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct DynamoState {
    /// Each replica's register.
    pub replica: [Replica; REPLICA_MAX],
    /// Each client.
    pub client: [Client; CLIENT_MAX],
    /// Every invocation and response so far.
    pub history: History,
    /// The synchronized clock: the writes invoked so far. A write's
    /// timestamp is the clock after it ticks.
    pub clock: u8,
    /// The newest version of a completed write (`<<0, 0>>` before any).
    pub committed: Tag,
    /// Whether some read returned a version older than `floor`.
    pub stale_read: bool,
    /// Messages in flight, crashed replicas, partitions.
    pub net: Network<Message>,
}

impl DynamoState {
    /// Every replica at `<<0, 0>>` with value 0, every client idle, nothing sent.
    pub fn new(clients: usize, ops: usize) -> DynamoState {
        DynamoState {
            replica: [Replica::INIT; REPLICA_MAX],
            client: [Client::INIT; CLIENT_MAX],
            history: History::new(clients, ops),
            clock: 0,
            committed: Tag::INIT,
            stale_read: false,
            net: Network::new(),
        }
    }
}

impl RegisterState for DynamoState {
    type Message = Message;

    fn net(&self) -> &Network<Message> {
        &self.net
    }

    fn parts_mut(&mut self) -> (&mut Network<Message>, &mut [Replica; REPLICA_MAX]) {
        (&mut self.net, &mut self.replica)
    }
}
