//! The state of the ABD model: replicas, clients, the clients' history and
//! the network.

use crate::common::cluster::{self, Idle, RegisterState, Replica, Tag, CLIENT_MAX, REPLICA_MAX};
use crate::common::linearizability::{History, Val};
use crate::common::net::Network;

/// Where a client is in its current operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// No operation in progress.
    Idle,
    /// Waiting for `R` query replies. `write` is the value a write will
    /// store (`None` for a read); `replied` the replicas that answered (bit
    /// `r`); `best` the highest tag and its value among their answers.
    Query {
        /// The value to write, or `None` for a read.
        write: Option<Val>,
        /// The replicas that answered.
        replied: u8,
        /// The highest `(tag, value)` answered.
        best: (Tag, Val),
    },
    /// Waiting for `W` store acknowledgements of `(tag, val)`; `read` when
    /// this is a read's write-back (it returns `val`).
    Store {
        /// Whether this is a read's write-back.
        read: bool,
        /// The replicas that acknowledged.
        acked: u8,
        /// The tag stored.
        tag: Tag,
        /// The value stored.
        val: Val,
    },
}

impl Idle for Phase {
    const IDLE: Phase = Phase::Idle;
}

/// A client: the slot of its current (or last) operation and its phase.
pub type Client = cluster::Client<Phase>;

/// A message between a client and a replica; `op` is the client's
/// operation (its history slot), so that late answers can be told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// Client to replica: send me your tag and value.
    Query {
        /// The operation.
        op: u8,
    },
    /// Replica to client: my tag and value.
    QueryReply {
        /// The operation.
        op: u8,
        /// The replica's tag.
        tag: Tag,
        /// The replica's value.
        val: Val,
    },
    /// Client to replica: store this value if its tag is higher than yours.
    Store {
        /// The operation.
        op: u8,
        /// The tag.
        tag: Tag,
        /// The value.
        val: Val,
    },
    /// Replica to client: stored (or already had a higher tag).
    StoreAck {
        /// The operation.
        op: u8,
    },
}

/// A state of the model. Slots beyond the instance's replicas and clients
/// stay at their initial values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct AbdState {
    /// Each replica's register.
    pub replica: [Replica; REPLICA_MAX],
    /// Each client.
    pub client: [Client; CLIENT_MAX],
    /// Every invocation and response so far.
    pub history: History,
    /// Messages in flight, crashed replicas, partitions.
    pub net: Network<Message>,
}

impl AbdState {
    /// Every replica at `<<0, 0>>` with value 0, every client idle, nothing sent.
    pub fn new(_replicas: usize, clients: usize, ops: usize) -> AbdState {
        AbdState {
            replica: [Replica::INIT; REPLICA_MAX],
            client: [Client::INIT; CLIENT_MAX],
            history: History::new(clients, ops),
            net: Network::new(),
        }
    }
}

impl RegisterState for AbdState {
    type Message = Message;

    fn net(&self) -> &Network<Message> {
        &self.net
    }

    fn parts_mut(&mut self) -> (&mut Network<Message>, &mut [Replica; REPLICA_MAX]) {
        (&mut self.net, &mut self.replica)
    }
}
