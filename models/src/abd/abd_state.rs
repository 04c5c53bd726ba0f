//! The state of the ABD model: replicas, clients, the clients' history and
//! the network.

use crate::common::cluster::{self, Tag};
use crate::common::linearizability::Val;

/// Where a client is in its current operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// No operation in progress.
    #[default]
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

/// A state of the model: replicas, clients, history and network, and no
/// variables of its own.
pub type AbdState = cluster::State<Phase, Message, ()>;
