//! `ChainReplication`: chain replication (van Renesse and Schneider, "Chain
//! Replication for Supporting High Throughput and Availability", OSDI 2004)
//! of one register, with a master that removes failed servers, over the
//! shared network and fault layer ([`crate::common::net`]).
//!
//! # The protocol
//!
//! The replicas form a chain in the order of their names: the first is the
//! *head*, the last the *tail*. A client sends a write to the head, which
//! applies it as the next update (sequence number `len + 1`) and forwards it
//! to its successor; each server applies an update whose sequence number is
//! above its last and forwards it; the tail applies it and acknowledges to
//! the client. A client sends a read to the tail, which answers with the
//! value of its last update. Every update the tail holds is held by every
//! server before it, so the tail's state is the committed state and reads
//! from it are linearizable.
//!
//! Servers fail by crashing (fail-stop, `Restart` is not read: a removed
//! server never rejoins). The master sees a crash and removes the server
//! (`RemoveServer`), as section 3 of the paper describes:
//!
//! - the head: its successor becomes the head. Writes the old head never
//!   forwarded are lost; their clients would time out and retry, which the
//!   model leaves out (those writes stay pending, which linearizability
//!   allows);
//! - the tail: its predecessor becomes the tail and acknowledges the updates
//!   it holds beyond the old tail's;
//! - a middle server: its predecessor sends its successor every update the
//!   successor lacks (the paper's `Sent` list; the master learns the
//!   successor's last sequence number and tells the predecessor).
//!
//! The master's exchange with the servers is one atomic step.
//!
//! # What the model abstracts
//!
//! Links are FIFO (the paper assumes reliable FIFO links), so `Fifo` is not
//! read. Each server's history is the list of values it applied. Client `c`'s
//! `k`-th operation is a read or a write of `c * Ops + k + 1`, so the values
//! written are distinct and name their writer; the head ignores a write it
//! already applied (a duplicated request). Messages to a removed server are
//! dropped from the network when it is removed, since nothing receives them.
//!
//! # Constants
//!
//! - `Replica`: the chain, 1 to 5 model values, head first.
//! - `Client`: 1 to 3 model values; `Ops`: operations per client (1 to 4, 8 in all).
//! - `Bug`: `"None"` (default), `"ReadAnyNode"` or `"DropInFlight"`.
//! - The network constants `MaxInFlight`, `Loss`, `Duplication`,
//!   `MaxCrashes` (replicas only) and `Partitions`.
//!
//! # What is checked
//!
//! - `Linearizable`: the clients' history, by the checker of
//!   [`crate::common::linearizability`].
//! - `UpdatePropagation`: the paper's Update Propagation Invariant: for
//!   servers `i` before `j` in the chain, `j`'s history is a prefix of `i`'s.
//! - `Termination`: every operation returns, under fair delivery and clients
//!   (without crashes: a write lost with the head stays pending).
//! - `AllDone`, a reachability witness.
//!
//! # Seeded bugs
//!
//! - `Bug = "ReadAnyNode"`: a read goes to any server of the chain (the
//!   client's choice, as a load-balancing read would), not only the tail. A
//!   server before the tail holds updates the tail has not committed, so two
//!   reads can see a value and then the older one. With 2 replicas and 2
//!   clients doing two operations each (one client needs two reads), the
//!   shortest violation of `Linearizable` takes 8 steps: `c1` writes 1 (1),
//!   the head applies and forwards it (2), `c2` reads from the head (3), which
//!   answers 1 (4), the read returns 1 (5), `c2` reads from the tail (6),
//!   which answers 0 (7), and the read returns 0 (8): a new-old inversion
//!   while the write is still pending. Each step is needed: the write must
//!   reach the head, each read takes three steps, and the second must return.
//! - `Bug = "DropInFlight"`: removing a middle server does not resend the
//!   updates its successor lacks. With 3 replicas and 2 clients writing once,
//!   the shortest violation of `UpdatePropagation` takes 7 steps: `c1` writes
//!   1 (1), the head applies it and forwards it to `r2` (2), `r2` crashes (3),
//!   the master removes it (4), `c2` writes 2 (5), the head applies it as
//!   update 2 and forwards it to `r3` (6), and `r3` applies it (7): its
//!   history `<<2>>` is no prefix of the head's `<<1, 2>>`; update 1 is gone
//!   from the tail, and `c1` waits forever.
//!
//! # Counts
//!
//! `chain.py` next to this file is an independent transcription in Python
//! (with a brute-force linearizability check); the unit tests pin its counts
//! (distinct / generated / depth): 2 servers and 2 clients doing one
//! operation each 105 / 145 / 9; 3 servers 127 / 181 / 11, with two
//! operations each 5,605 / 7,957 / 21; 3 servers, 2 clients doing one
//! operation and a server crash 1,344 / 2,581 / 13; 2 servers, one client
//! doing two and a crash 140 / 203 / 11. It finds the seeded bugs'
//! violations at the lengths above.
//!
//! # Message sequence charts
//!
//! Replicas (head first) and clients are nodes; a removal is drawn as the
//! predecessor's resent updates or acknowledgements.

#[cfg(test)]
mod tests;

use checker::spec::{ConfigError, Constants, Invariant, Model, Property, StateCodec, StepMessages, Value};

use crate::common::cluster::{Cluster, REPLICA_MAX};
use crate::common::linearizability::{linearizable, Call, History, Memo, Val};
use crate::common::net::{Chart, Fault, Faults, Network, NodeId, Packet, Restart};

/// The most updates a server holds: every write of every client.
pub const UPDATES_MAX: usize = 8;

/// Which protocol to run: chain replication, or a seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// As published.
    None,
    /// Reads go to any server of the chain. Violates `Linearizable`.
    ReadAnyNode,
    /// Removing a middle server loses the updates in flight to it. Violates
    /// `UpdatePropagation`.
    DropInFlight,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "ReadAnyNode", "DropInFlight"];
}

/// A message between clients and servers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// Client to head: write `val`.
    Write {
        /// The value.
        val: Val,
    },
    /// Server to successor: update number `seq` writes `val`.
    Forward {
        /// The sequence number.
        seq: u8,
        /// The value.
        val: Val,
    },
    /// Tail to client: the write of `val` is committed.
    WriteAck {
        /// The value.
        val: Val,
    },
    /// Client to tail: read, for operation `op`.
    Query {
        /// The client's operation (history slot).
        op: u8,
    },
    /// Server to client: the value, for operation `op`.
    ReadReply {
        /// The client's operation.
        op: u8,
        /// The value read.
        val: Val,
    },
}

/// A state: the chain, each server's history, the clients' history and the network.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ChainState {
    /// The servers still in the chain (bit `r`), in name order.
    pub chain: u8,
    /// How many updates each server applied.
    pub len: [u8; REPLICA_MAX],
    /// The values of each server's updates, the first `len[r]` of them.
    pub updates: [[Val; UPDATES_MAX]; REPLICA_MAX],
    /// Every invocation and response.
    pub history: History,
    /// Messages in flight, crashed servers, partitions.
    pub net: Network<Message>,
}

impl ChainState {
    /// Server `r`'s history.
    pub fn updates_of(&self, r: usize) -> &[Val] {
        &self.updates[r][..usize::from(self.len[r])]
    }

    fn append(&mut self, r: usize, val: Val) {
        self.updates[r][usize::from(self.len[r])] = val;
        self.len[r] += 1;
    }

    /// The last value server `r` applied, or 0.
    fn value(&self, r: usize) -> Val {
        self.updates_of(r).last().copied().unwrap_or(0)
    }

    /// The servers of the chain, head first.
    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        (0..REPLICA_MAX).filter(|r| self.chain >> r & 1 == 1)
    }

    fn head(&self) -> usize {
        self.members().next().expect("the chain keeps a server")
    }

    fn tail(&self) -> usize {
        self.members().last().expect("the chain keeps a server")
    }

    fn successor(&self, r: usize) -> Option<usize> {
        self.members().find(|&s| s > r)
    }

    fn predecessor(&self, r: usize) -> Option<usize> {
        self.members().filter(|&s| s < r).last()
    }
}

/// One step of the model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChainAction {
    /// Client `c` reads from server `r` (the tail, unless `ReadAnyNode`).
    Read(u8, u8),
    /// Client `c` writes `v` through the head.
    Write(u8, Val),
    /// The master removes crashed server `r` from the chain.
    RemoveServer(u8),
    /// A message is delivered: `ReceiveWrite`, `ReceiveForward`, `ReceiveWriteAck`, `ReceiveQuery`, `ReceiveReadReply`.
    Deliver(Packet<Message>),
    /// A fault of the network layer.
    Fault(Fault<Message>),
}

/// Chain replication of one register.
#[derive(Clone, Debug)]
pub struct ChainReplication {
    /// The replicas (the chain, head first) and clients, and `Ops`.
    cluster: Cluster,
    /// The seeded bug.
    bug: Bug,
    /// FIFO links; only replicas crash, and never restart.
    faults: Faults,
    /// Verdicts of `Linearizable` per history.
    linearizable: Memo,
}

impl ChainReplication {
    /// The constants this model reads besides the network's.
    pub const CONSTANTS: &'static [&'static str] = &["Replica", "Client", "Ops", "Bug"];

    /// Chain replication over the named replicas (head first) and clients,
    /// `ops` operations per client, on a network with `faults` (replicas +
    /// clients nodes). Panics on constants `from_constants` rejects.
    pub fn new(replica: Vec<String>, client: Vec<String>, ops: usize, bug: Bug, faults: Faults) -> ChainReplication {
        let n = replica.len();
        let cluster = Cluster::new("ChainReplication", replica, client, ops, n, n);
        ChainReplication::with_cluster(cluster, bug, faults)
    }

    fn with_cluster(cluster: Cluster, bug: Bug, faults: Faults) -> ChainReplication {
        let faults = Faults { fifo: true, restart: Restart::Never, ..cluster.network(faults) };
        ChainReplication { cluster, bug, faults, linearizable: Memo::new() }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<ChainReplication, ConfigError> {
        let mut declared = Self::CONSTANTS.to_vec();
        declared.extend_from_slice(&["MaxInFlight", "Loss", "Duplication", "MaxCrashes", "Partitions"]);
        constants.expect_only(&declared)?;
        let cluster = Cluster::from_constants(constants, "ChainReplication", Self::CONSTANTS)?;
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "ReadAnyNode" => Bug::ReadAnyNode,
            "DropInFlight" => Bug::DropInFlight,
            _ => Bug::None,
        };
        let faults = Faults::from_constants(constants, cluster.nodes())?;
        Ok(ChainReplication::with_cluster(cluster, bug, faults))
    }

    /// The network configuration.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    fn client_of(&self, val: Val) -> usize {
        (usize::from(val) - 1) / self.cluster.ops
    }

    fn invoke(&self, s: &ChainState, c: usize, call: Call, steps: &mut Vec<(ChainAction, ChainState)>) {
        if s.net.room(&self.faults) == 0 {
            return;
        }
        let node = self.cluster.client_node(c);
        match call {
            Call::Write(_, v) => {
                let mut to = s.clone();
                to.history.invoke(c, call);
                to.net.send(&self.faults, Packet::new(node, s.head() as NodeId, Message::Write { val: v }));
                steps.push((ChainAction::Write(c as u8, v), to));
            }
            Call::Read(_) => {
                let targets: Vec<usize> =
                    if self.bug == Bug::ReadAnyNode { s.members().collect() } else { vec![s.tail()] };
                for r in targets {
                    let mut to = s.clone();
                    let op = to.history.invoke(c, call) as u8;
                    to.net.send(&self.faults, Packet::new(node, r as NodeId, Message::Query { op }));
                    steps.push((ChainAction::Read(c as u8, r as u8), to));
                }
            }
        }
    }

    /// Server `r` applied update `seq` of `val`: the tail acknowledges it to
    /// its client, any other server forwards it. `None` without room.
    fn pass_on(&self, to: &mut ChainState, r: usize, seq: u8, val: Val) -> Option<()> {
        if to.net.room(&self.faults) == 0 {
            return None;
        }
        let packet = match to.successor(r) {
            Some(next) => Packet::new(r as NodeId, next as NodeId, Message::Forward { seq, val }),
            None => {
                let client = self.cluster.client_node(self.client_of(val));
                Packet::new(r as NodeId, client, Message::WriteAck { val })
            }
        };
        to.net.send(&self.faults, packet);
        Some(())
    }

    /// The state after `to.net` delivered `p`, or `None` without room.
    fn handle(&self, to: &mut ChainState, p: &Packet<Message>) -> Option<()> {
        let receiver = usize::from(p.to);
        if receiver < self.cluster.replicas() {
            let r = receiver;
            match p.message {
                // The head applies a write once, even when the request is duplicated.
                Message::Write { val }
                    if to.chain >> r & 1 == 1 && to.head() == r && !to.updates_of(r).contains(&val) =>
                {
                    to.append(r, val);
                    self.pass_on(to, r, to.len[r], val)?;
                }
                Message::Forward { seq, val } if seq > to.len[r] => {
                    to.append(r, val);
                    self.pass_on(to, r, seq, val)?;
                }
                Message::Query { op } => {
                    if to.net.room(&self.faults) == 0 {
                        return None;
                    }
                    let reply = Message::ReadReply { op, val: to.value(r) };
                    to.net.send(&self.faults, Packet::new(p.to, p.from, reply));
                }
                // A stale forward, or a write to a server that is no longer the head.
                _ => {}
            }
            return Some(());
        }
        let c = receiver - self.cluster.replicas();
        match (to.history.pending(c), p.message) {
            (Some((_, Call::Write(_, v))), Message::WriteAck { val }) if v == val => to.history.respond(c, val),
            (Some((slot, Call::Read(_))), Message::ReadReply { op, val }) if slot == usize::from(op) => {
                to.history.respond(c, val)
            }
            _ => {}
        }
        Some(())
    }

    /// The master removes crashed server `j`, if it may.
    fn remove(&self, s: &ChainState, j: usize) -> Option<ChainState> {
        if s.chain >> j & 1 == 0 || s.net.is_up(j as NodeId) || s.chain.count_ones() < 2 {
            return None;
        }
        let (before, after) = (s.predecessor(j), s.successor(j));
        let mut to = s.clone();
        to.chain &= !(1 << j);
        // Nothing will ever receive what is sent to a removed server.
        to.net.retain(|p| usize::from(p.to) != j);
        match (before, after) {
            // The tail: its predecessor acknowledges what the old tail did not hold.
            (Some(i), None) => {
                for seq in s.len[j]..s.len[i] {
                    let val = s.updates[i][usize::from(seq)];
                    let client = self.cluster.client_node(self.client_of(val));
                    if to.net.room(&self.faults) == 0 {
                        return None;
                    }
                    to.net.send(&self.faults, Packet::new(i as NodeId, client, Message::WriteAck { val }));
                }
            }
            // A middle server: its predecessor resends what its successor lacks.
            (Some(i), Some(k)) if self.bug != Bug::DropInFlight => {
                for seq in s.len[k]..s.len[i] {
                    let val = s.updates[i][usize::from(seq)];
                    if to.net.room(&self.faults) == 0 {
                        return None;
                    }
                    let forward = Message::Forward { seq: seq + 1, val };
                    to.net.send(&self.faults, Packet::new(i as NodeId, k as NodeId, forward));
                }
            }
            // The head (its successor takes over), or the seeded bug.
            _ => {}
        }
        Some(to)
    }

    /// `Linearizable`.
    pub fn is_linearizable(&self, s: &ChainState) -> bool {
        s.history.returned() == 0 || self.linearizable.get(&s.history, |h| linearizable(h, 0))
    }

    /// `UpdatePropagation`: along the chain, each history is a prefix of its predecessor's.
    pub fn update_propagation(&self, s: &ChainState) -> bool {
        let members: Vec<usize> = s.members().collect();
        members.windows(2).all(|w| s.updates_of(w[0]).starts_with(s.updates_of(w[1])))
    }

    /// `AllDone`: every client did all its operations.
    pub fn all_done(&self, s: &ChainState) -> bool {
        s.history.complete()
    }

    fn message_value(m: &Message) -> Value {
        let int = |v: u8| Value::Int(v.into());
        match *m {
            Message::Write { val } => Value::record([("type", Value::str("Write")), ("val", int(val))]),
            Message::Forward { seq, val } => {
                Value::record([("type", Value::str("Forward")), ("seq", int(seq)), ("val", int(val))])
            }
            Message::WriteAck { val } => Value::record([("type", Value::str("WriteAck")), ("val", int(val))]),
            Message::Query { op } => Value::record([("type", Value::str("Query")), ("op", int(op))]),
            Message::ReadReply { op, val } => {
                Value::record([("type", Value::str("ReadReply")), ("op", int(op)), ("val", int(val))])
            }
        }
    }

    fn message_label(m: &Message) -> String {
        match *m {
            Message::Write { val } => format!("Write({val})"),
            Message::Forward { seq, val } => format!("Forward({seq}, {val})"),
            Message::WriteAck { val } => format!("WriteAck({val})"),
            Message::Query { .. } => "Query".to_string(),
            Message::ReadReply { val, .. } => format!("ReadReply({val})"),
        }
    }

    fn receive_name(m: &Message) -> &'static str {
        match m {
            Message::Write { .. } => "ReceiveWrite",
            Message::Forward { .. } => "ReceiveForward",
            Message::WriteAck { .. } => "ReceiveWriteAck",
            Message::Query { .. } => "ReceiveQuery",
            Message::ReadReply { .. } => "ReceiveReadReply",
        }
    }

    fn with_chart<T>(&self, f: impl FnOnce(&Chart<'_, Message>) -> T) -> T {
        self.cluster.with_chart(&Self::message_value, &Self::message_label, f)
    }

    fn replica_name(&self, r: u8) -> String {
        self.cluster.node_name(r)
    }
}

impl Model for ChainReplication {
    type State = ChainState;
    type Action = ChainAction;

    fn init(&self, states: &mut Vec<ChainState>) {
        states.push(ChainState {
            chain: self.cluster.all_replicas() as u8,
            len: [0; REPLICA_MAX],
            updates: [[0; UPDATES_MAX]; REPLICA_MAX],
            history: History::new(self.cluster.clients(), self.cluster.ops),
            net: Network::new(),
        });
    }

    fn next(&self, s: &ChainState, steps: &mut Vec<(ChainAction, ChainState)>) {
        for (c, call) in self.cluster.calls(&s.history) {
            self.invoke(s, c, call, steps);
        }
        for j in 0..self.cluster.replicas() {
            if let Some(to) = self.remove(s, j) {
                steps.push((ChainAction::RemoveServer(j as u8), to));
            }
        }
        for (i, p) in s.net.deliverable(&self.faults) {
            let mut to = s.clone();
            to.net.receive(i);
            if self.handle(&mut to, p).is_some() {
                steps.push((ChainAction::Deliver(*p), to));
            }
        }
        let mut faults = Vec::new();
        s.net.faults(&self.faults, &mut faults);
        for (f, net) in faults {
            let mut to = s.clone();
            to.net = net;
            steps.push((ChainAction::Fault(f), to));
        }
    }

    fn action_name(&self, action: &ChainAction) -> &'static str {
        match action {
            ChainAction::Read(..) => "Read",
            ChainAction::Write(..) => "Write",
            ChainAction::RemoveServer(_) => "RemoveServer",
            ChainAction::Deliver(p) => Self::receive_name(&p.message),
            ChainAction::Fault(f) => f.name(),
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        let mut names = vec!["Read", "Write"];
        if self.faults.max_crashes > 0 {
            names.push("RemoveServer");
        }
        names.extend(["ReceiveWrite", "ReceiveForward", "ReceiveWriteAck", "ReceiveQuery", "ReceiveReadReply"]);
        if self.faults.any() {
            names.extend_from_slice(Fault::<Message>::NAMES);
        }
        names
    }

    fn format_action(&self, action: &ChainAction) -> String {
        match action {
            ChainAction::Read(c, r) => format!("Read({}, {})", self.cluster.client_name(*c), self.replica_name(*r)),
            ChainAction::Write(c, v) => self.cluster.format_invocation(*c, Some(*v)),
            ChainAction::RemoveServer(r) => format!("RemoveServer({})", self.replica_name(*r)),
            ChainAction::Deliver(p) => {
                self.cluster.format_delivery(Self::receive_name(&p.message), p, &Self::message_label(&p.message))
            }
            ChainAction::Fault(f) => {
                f.format(usize::from(self.faults.nodes), |n| self.cluster.node_name(n), Self::message_label)
            }
        }
    }

    fn action_parameters(&self, action: &ChainAction) -> Vec<(&'static str, Value)> {
        match action {
            ChainAction::Read(c, r) => {
                let mut parameters = self.cluster.invocation_parameters(*c, None);
                parameters.push(("r", Value::model_value(self.replica_name(*r))));
                parameters
            }
            ChainAction::Write(c, v) => self.cluster.invocation_parameters(*c, Some(*v)),
            ChainAction::RemoveServer(r) => vec![("r", Value::model_value(self.replica_name(*r)))],
            ChainAction::Deliver(p) => self.cluster.delivery_parameters(p, Self::message_value(&p.message)),
            ChainAction::Fault(_) => Vec::new(),
        }
    }

    /// The replicas, head first, then the clients.
    fn nodes(&self, _: &ChainState) -> Vec<String> {
        self.cluster.node_names()
    }

    fn step_messages(&self, from: &ChainState, action: &ChainAction, to: &ChainState) -> StepMessages {
        self.with_chart(|chart| match action {
            ChainAction::Read(c, _) | ChainAction::Write(c, _) => {
                chart.step(Some(self.cluster.client_node(usize::from(*c))), None, &from.net, &to.net)
            }
            ChainAction::RemoveServer(_) => chart.step(None, None, &from.net, &to.net),
            ChainAction::Deliver(p) => chart.step(Some(p.to), Some(p), &from.net, &to.net),
            ChainAction::Fault(f) => chart.fault(&self.faults, f),
        })
    }

    fn variables(&self, s: &ChainState) -> Vec<(&'static str, Value)> {
        let chain = Value::Seq(s.members().map(|r| Value::model_value(self.replica_name(r as u8))).collect());
        let updates = Value::map((0..self.cluster.replicas()).map(|r| {
            let list = s.updates_of(r).iter().map(|&v| Value::Int(v.into())).collect();
            (Value::model_value(self.replica_name(r as u8)), Value::Seq(list))
        }));
        let mut vars = vec![
            ("chain", chain),
            ("hist", updates),
            ("history", s.history.value(|c| self.cluster.client_name(c as u8).to_string())),
        ];
        self.with_chart(|chart| vars.extend(chart.variables(&self.faults, &s.net)));
        vars
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("Linearizable", |m, s| m.is_linearizable(s)),
            Invariant::state("UpdatePropagation", |m, s| m.update_propagation(s)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually("Termination", |m, s| m.all_done(s)),
            Property::sometimes("AllDone", |m, s| m.all_done(s)),
        ]
    }
}
