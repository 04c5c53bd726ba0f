//! `Dynamo`: a leaderless replicated register in the style of Amazon's
//! Dynamo (DeCandia et al., "Dynamo: Amazon's Highly Available Key-value
//! Store", SOSP 2007): tunable `N`, `R` and `W`, last-writer-wins versions,
//! read repair, anti-entropy, and an available mode that answers through a
//! partition.
//!
//! # The protocol
//!
//! One key is replicated on `N` replicas; every replica starts with value 0
//! and version `<<0, 0>>`. A version is a pair `<<timestamp, node>>`, ordered
//! lexicographically, so that concurrent writes are resolved by *last writer
//! wins*, with the writing node breaking ties (the paper's §4.4 notes that
//! Dynamo's clients may use this simple reconciliation instead of vector
//! clocks). Each client is the *coordinator* of its own operations (§4.5,
//! "client-driven coordination"), one at a time:
//!
//! - **Put(v)**: the coordinator stamps `v` with the version `<<t, c>>`, `t`
//!   being its synchronized clock, sends it to all `N` replicas, and returns
//!   after `W` acknowledgements.
//! - **Get**: the coordinator asks all `N` replicas, and after `R` replies
//!   returns the value with the newest version. It then *read-repairs*
//!   (§4.7): it sends that version to each replica that replied with an
//!   older one.
//!
//! A replica adopts a stored or repaired version if it is newer than its
//! own, and answers a get with its version and value. In the background,
//! *anti-entropy* (§4.7, Merkle-tree synchronization) brings replicas
//! together: a replica pulls a newer version from another replica it can
//! reach.
//!
//! With `R + W > N` every read quorum meets every write quorum, so a read
//! sees every write that completed before it began: reads are never stale.
//! Dynamo trades this for availability (§4.6, "sloppy quorum"): with
//! `Available = TRUE`, a coordinator cut off from some replicas by a
//! partition or a crash gives up waiting for them (`Timeout`) and completes
//! with the answers of every replica it can reach, so the store stays
//! available on both sides of a partition, and a read on one side misses a
//! write completed on the other: not linearizable, the CAP trade-off shown
//! as a counterexample.
//!
//! # What the model abstracts
//!
//! One key, so the preference list is every replica; there is no ring, no
//! membership and no hinted handoff: anti-entropy is the repair mechanism
//! besides read repair. Anti-entropy is one atomic step `AntiEntropy(i, j)`:
//! replica `i` takes `j`'s version and value when they are newer, `i` and
//! `j` being up and on the same side of any partition (a Merkle-tree
//! exchange reduced to its effect on one key). The clock is perfectly
//! synchronized: the `k`-th write invoked in the whole run gets timestamp
//! `k`, so the newest version is the last write invoked (real clocks
//! drift, which only adds anomalies). Client `c`'s `k`-th operation is a
//! read or a write of the value `c * Ops + k + 1`, chosen when invoked, so
//! every written value is distinct. Messages travel over the shared network
//! layer ([`crate::common::net`]); answers that can only be ignored when an
//! operation ends (gets not yet answered, replies and acknowledgements not
//! yet counted) are removed from the network, as in [`crate::abd`]; puts
//! and repairs stay in flight, since a late one still updates its replica.
//! Only replicas crash. Vector clocks and sibling versions (the paper's
//! §4.4) are not modelled: last writer wins throughout.
//!
//! # Constants
//!
//! - `Replica`: the replicas, 1 to 5 model values (`{r1, r2, r3}`); `N` is
//!   their number.
//! - `Client`: the clients (coordinators), 1 to 3 model values (`{c1, c2}`).
//! - `Ops`: the operations each client does, 1 to 4 (at most 8 in all).
//! - `R`, `W`: read and write quorum sizes, 1 to `N`; default a majority,
//!   `N / 2 + 1`. `R + W <= N` is allowed, and gives stale reads.
//! - `Available`: `TRUE` to let a coordinator that cannot reach every
//!   replica complete with the answers of those it can reach (`Timeout`);
//!   default `FALSE`.
//! - The network constants of [`crate::common::net`]: `Fifo`,
//!   `MaxInFlight`, `Loss`, `Duplication`, `MaxCrashes` (replicas only),
//!   `Restart`, `Partitions`.
//!
//! # What is checked
//!
//! - `NoStaleRead`: no read returns a version older than that of a write
//!   which completed before the read began. Holds when `R + W > N` and
//!   `Available = FALSE`, whatever the network does.
//! - `Linearizable`: the clients' history is linearizable for a register
//!   starting at 0 ([`crate::common::linearizability`]). Dynamo is not
//!   linearizable in general: read repair is asynchronous, so two reads
//!   during one write can see it, then not see it (which takes two
//!   operations by one client, or three clients); with two clients doing
//!   one operation each and `R + W > N` it holds.
//! - `CausallyConsistent`: the history is causally consistent
//!   ([`crate::common::causal`]), which linearizability implies. It holds
//!   whenever each client does one operation, whatever the quorums and
//!   faults: a client's only causal past is then the write its read
//!   returns, so no read can miss a write before it (that is, a stale read
//!   across clients is no causal anomaly). With two operations a client can
//!   miss its own write: `R = W = 1`, the write acknowledged by one replica
//!   and the read answered by another, returns 0 (read-your-writes fails).
//! - `Convergence`, `<>[]Converged`: every replica eventually holds the same
//!   version forever, under fairness of delivery and anti-entropy and with
//!   the fault budgets spent ("after faults stop").
//! - `AllDone`, a reachability witness that every client can finish.
//!
//! # Counts
//!
//! `dynamo.py` next to this file is an independent transcription in Python
//! (a breadth-first search over tuples with a brute-force linearizability
//! check) that gives the counts the unit tests pin: 3 replicas, 2 clients
//! doing one operation each, `R = W = 2`, 13,650 distinct states, 68,999
//! generated, depth 13; one client doing two, 925 / 3,478 / 13, and with one
//! lost message 2,466 / 11,276 / 14. It also finds every final state
//! converged and the state graph acyclic, so `Convergence` holds under
//! fairness. With 3 clients (`bench/specs/dynamo-3x3x1.cfg`) there are
//! 4,778,509 distinct states.
//!
//! # Seeded bugs
//!
//! There is no `Bug` constant: the two ways Dynamo is configured to give up
//! consistency are the counterexamples.
//!
//! - `R = W = 1` with 3 replicas and 2 clients: a write acknowledged by one
//!   replica returns, and a read asks another: `NoStaleRead` and
//!   `Linearizable` fail in 6 steps.
//! - `Available = TRUE` with one partition (2 replicas, 2 clients): a write
//!   completes on one side, a read on the other misses it: `Linearizable`
//!   fails in 9 steps.
//!
//! Both lengths are the naive explorer's (shortest) in the unit tests, and
//! what `dynamo.py` finds.
//!
//! # Message sequence charts
//!
//! Replicas and clients are nodes (replicas first); anti-entropy is drawn as
//! a step of the pulling replica.

mod dynamo_state;

#[cfg(test)]
mod tests;

pub use crate::common::cluster::{CLIENT_MAX, REPLICA_MAX};
pub use dynamo_state::{Client, DynamoState, Message, Phase, Versions};

use checker::spec::{ConfigError, Constants, Invariant, Model, Property, StateCodec, StepMessages, Value};

use crate::common::causal::causally_consistent;
use crate::common::cluster::{self, Cluster, Tag};
use crate::common::linearizability::{linearizable, Call, Memo, Val};
use crate::common::net::{Chart, Fault, Faults, NodeId, NodeSet, Packet};

/// One step of the model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DynamoAction {
    /// Client `c` invokes a read: it asks every replica.
    Read(u8),
    /// Client `c` invokes a write of `v`: it sends it to every replica.
    Write(u8, Val),
    /// A message is delivered and handled by its receiver; named by the
    /// message: `ReceiveGet`, `ReceiveGetReply`, `ReceivePut`, `ReceivePutAck`, `ReceiveRepair`.
    Deliver(Packet<Message>),
    /// Client `c` stops waiting for replicas it cannot reach and completes
    /// with the answers it has (`Available = TRUE` only).
    Timeout(u8),
    /// Replica `i` pulls the newer version of replica `j`.
    AntiEntropy(u8, u8),
    /// A fault of the network layer: `Drop`, `Duplicate`, `Crash`, `Restart`, `Partition`, `Heal`.
    Fault(Fault<Message>),
}

/// The Dynamo-style register over `N` replicas and `C` clients.
#[derive(Clone, Debug)]
pub struct Dynamo {
    /// The replicas and clients (coordinators), `Ops`, and `R` and `W`, the
    /// read and write quorum sizes.
    cluster: Cluster,
    /// `Available`: whether `Timeout` is enabled.
    available: bool,
    /// The network's discipline and fault budgets; only replicas crash.
    faults: Faults,
    /// Verdicts of `Linearizable` per history.
    linearizable: Memo,
    /// Verdicts of `CausallyConsistent` per history.
    causal: Memo,
}

impl Dynamo {
    /// The constants this model reads besides the network's.
    pub const CONSTANTS: &'static [&'static str] = &["Replica", "Client", "Ops", "R", "W", "Available"];

    /// Dynamo over the named replicas and clients (sorted as a TLA+ set would
    /// be), `ops` operations per client, quorum sizes `r` and `w`, on a
    /// network with `faults` (whose node count must be replicas + clients).
    /// Panics on constants `from_constants` rejects.
    pub fn new(
        replica: Vec<String>,
        client: Vec<String>,
        ops: usize,
        r: usize,
        w: usize,
        available: bool,
        faults: Faults,
    ) -> Dynamo {
        Dynamo::with_cluster(Cluster::new("Dynamo", replica, client, ops, r, w), available, faults)
    }

    /// Dynamo over `cluster`, on a network with `faults`.
    fn with_cluster(cluster: Cluster, available: bool, faults: Faults) -> Dynamo {
        let faults = cluster.network(faults);
        Dynamo { cluster, available, faults, linearizable: Memo::new(), causal: Memo::new() }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Dynamo, ConfigError> {
        let cluster = Cluster::from_constants(constants, "Dynamo", Self::CONSTANTS)?;
        let available = constants.bool_or("Available", false)?;
        let faults = Faults::from_constants(constants, cluster.nodes())?;
        Ok(Dynamo::with_cluster(cluster, available, faults))
    }

    /// The replicas and clients, and the quorum sizes.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The replicas client `c` can reach: up and on its side of any partition.
    fn reachable(&self, s: &DynamoState, c: usize) -> u8 {
        let node = self.cluster.client_node(c);
        (0..self.cluster.replicas())
            .filter(|&r| s.net.is_up(r as NodeId) && s.net.connected(node, r as NodeId))
            .fold(0u8, |set, r| set | 1 << r)
    }

    /// Client `c` starts a read or a write.
    fn invoke(&self, s: &DynamoState, c: usize, call: Call, steps: &mut Vec<(DynamoAction, DynamoState)>) {
        let mut to = s.clone();
        let op = to.history.invoke(c, call) as u8;
        let (action, phase, message) = match call {
            Call::Write(_, v) => {
                to.own.clock += 1;
                let tag = Tag { num: to.own.clock, writer: c as u8 + 1 };
                (
                    DynamoAction::Write(c as u8, v),
                    Phase::Put { acked: 0, tag, val: v },
                    Message::Put { op, tag, val: v },
                )
            }
            Call::Read(_) => {
                let phase = Phase::Get { replied: 0, older: 0, best: (Tag::INIT, 0), floor: s.own.committed };
                (DynamoAction::Read(c as u8), phase, Message::Get { op })
            }
        };
        to.client[c] = Client { op, phase };
        to.net.broadcast(&self.faults, self.cluster.client_node(c), self.cluster.all_replicas(), &message);
        steps.push((action, to));
    }

    /// Client `c` completes its operation with the answers it has; `None`
    /// when the read repair would send more than `MaxInFlight` allows.
    fn complete(&self, to: &mut DynamoState, c: usize) -> Option<()> {
        let client = to.client[c];
        let op = client.op;
        match client.phase {
            Phase::Get { older, best: (tag, val), floor, .. } => {
                if to.net.room(&self.faults) < older.count_ones() as usize {
                    return None;
                }
                to.net.retain(
                    |p| !matches!(p.message, Message::Get { op: o } | Message::GetReply { op: o, .. } if o == op),
                );
                let repair = Message::Repair { tag, val };
                to.net.broadcast(&self.faults, self.cluster.client_node(c), NodeSet::from(older), &repair);
                if tag < floor {
                    to.own.stale_read = true;
                }
                to.history.respond(c, val);
            }
            Phase::Put { tag, val, .. } => {
                to.net.retain(|p| !matches!(p.message, Message::PutAck { op: o } if o == op));
                to.own.committed = to.own.committed.max(tag);
                to.history.respond(c, val);
            }
            Phase::Idle => unreachable!("only a client in an operation completes"),
        }
        to.client[c].phase = Phase::Idle;
        Some(())
    }

    /// The state after `to.net` delivered `p`, or `None` when handling it
    /// would send more than `MaxInFlight` allows.
    fn handle(&self, to: &mut DynamoState, p: &Packet<Message>) -> Option<()> {
        let receiver = usize::from(p.to);
        if receiver < self.cluster.replicas() {
            let room = to.net.room(&self.faults);
            let replica = &mut to.replica[receiver];
            let reply = match p.message {
                Message::Get { op } => Some(Message::GetReply { op, tag: replica.tag, val: replica.val }),
                Message::Put { op, tag, val } => {
                    replica.store(tag, val);
                    Some(Message::PutAck { op })
                }
                Message::Repair { tag, val } => {
                    replica.store(tag, val);
                    None
                }
                _ => unreachable!("replicas receive gets, puts and repairs"),
            };
            if let Some(reply) = reply {
                if room == 0 {
                    return None;
                }
                to.net.send(&self.faults, Packet::new(p.to, p.from, reply));
            }
            return Some(());
        }
        let c = receiver - self.cluster.replicas();
        let from = 1u8 << p.from;
        let client = to.client[c];
        match (client.phase, p.message) {
            (Phase::Get { replied, older, best, floor }, Message::GetReply { op, tag, val })
                if op == client.op && replied & from == 0 =>
            {
                let (older, best) = if tag > best.0 {
                    // Every earlier answer is older than this one.
                    (replied, (tag, val))
                } else if tag < best.0 {
                    (older | from, best)
                } else {
                    (older, best)
                };
                let replied = replied | from;
                to.client[c].phase = Phase::Get { replied, older, best, floor };
                if replied.count_ones() as usize >= self.cluster.r {
                    return self.complete(to, c);
                }
            }
            (Phase::Put { acked, tag, val }, Message::PutAck { op }) if op == client.op && acked & from == 0 => {
                let acked = acked | from;
                to.client[c].phase = Phase::Put { acked, tag, val };
                if acked.count_ones() as usize >= self.cluster.w {
                    return self.complete(to, c);
                }
            }
            // An answer to an earlier operation, or a duplicate: ignored.
            _ => {}
        }
        Some(())
    }

    /// Whether `Timeout(c)` is enabled: `Available`, client `c` waits for
    /// replicas it cannot reach, and every replica it can reach answered
    /// (at least one).
    fn can_time_out(&self, s: &DynamoState, c: usize) -> bool {
        let answered = match s.client[c].phase {
            Phase::Idle => return false,
            Phase::Get { replied, .. } => replied,
            Phase::Put { acked, .. } => acked,
        };
        let reachable = self.reachable(s, c);
        self.available
            && reachable != self.cluster.all_replicas() as u8
            && answered != 0
            && answered & reachable == reachable
    }

    /// `NoStaleRead`.
    pub fn no_stale_read(&self, s: &DynamoState) -> bool {
        !s.own.stale_read
    }

    /// `Linearizable`.
    pub fn is_linearizable(&self, s: &DynamoState) -> bool {
        s.history.returned() == 0 || self.linearizable.get(&s.history, |h| linearizable(h, 0))
    }

    /// `CausallyConsistent`: weaker than `Linearizable` ([`crate::common::causal`]).
    pub fn is_causally_consistent(&self, s: &DynamoState) -> bool {
        s.history.returned() == 0 || self.causal.get(&s.history, |h| causally_consistent(h, 0))
    }

    /// `Converged`: every replica holds the same version.
    pub fn converged(&self, s: &DynamoState) -> bool {
        s.replica[1..self.cluster.replicas()].iter().all(|r| *r == s.replica[0])
    }

    /// `AllDone`: every client did all its operations.
    pub fn all_done(&self, s: &DynamoState) -> bool {
        s.history.complete()
    }

    /// A message as a TLA+ record.
    pub fn message_value(&self, m: &Message) -> Value {
        let stored = |t: Tag, val: Val| vec![("tag", t.value()), ("val", Value::Int(val.into()))];
        let (kind, op, fields) = match *m {
            Message::Get { op } => ("Get", Some(op), vec![]),
            Message::GetReply { op, tag: t, val } => ("GetReply", Some(op), stored(t, val)),
            Message::Put { op, tag: t, val } => ("Put", Some(op), stored(t, val)),
            Message::PutAck { op } => ("PutAck", Some(op), vec![]),
            Message::Repair { tag: t, val } => ("Repair", None, stored(t, val)),
        };
        let mut record = vec![("type", Value::str(kind))];
        if let Some(op) = op {
            record.push(("op", Value::Int(op.into())));
        }
        record.extend(fields);
        Value::record(record)
    }

    /// A message's label on charts: `Get`, `GetReply(<<1,2>>, 3)`.
    pub fn message_label(&self, m: &Message) -> String {
        match *m {
            Message::Get { .. } => "Get".to_string(),
            Message::GetReply { tag, val, .. } => format!("GetReply({tag}, {val})"),
            Message::Put { tag, val, .. } => format!("Put({tag}, {val})"),
            Message::PutAck { .. } => "PutAck".to_string(),
            Message::Repair { tag, val } => format!("Repair({tag}, {val})"),
        }
    }

    fn with_chart<T>(&self, f: impl FnOnce(&Chart<'_, Message>) -> T) -> T {
        self.cluster.with_chart(&|m: &Message| self.message_value(m), &|m: &Message| self.message_label(m), f)
    }

    fn receive_name(m: &Message) -> &'static str {
        match m {
            Message::Get { .. } => "ReceiveGet",
            Message::GetReply { .. } => "ReceiveGetReply",
            Message::Put { .. } => "ReceivePut",
            Message::PutAck { .. } => "ReceivePutAck",
            Message::Repair { .. } => "ReceiveRepair",
        }
    }
}

impl Model for Dynamo {
    type State = DynamoState;
    type Action = DynamoAction;

    fn init(&self, states: &mut Vec<DynamoState>) {
        states.push(DynamoState::new(self.cluster.clients(), self.cluster.ops, Versions::INIT));
    }

    /// Clients invoke and time out, messages are delivered and handled,
    /// replicas run anti-entropy, and faults happen.
    fn next(&self, s: &DynamoState, steps: &mut Vec<(DynamoAction, DynamoState)>) {
        if s.net.room(&self.faults) >= self.cluster.replicas() {
            for (c, call) in self.cluster.calls(&s.history) {
                self.invoke(s, c, call, steps);
            }
        }
        cluster::deliveries(&self.faults, s, |to, p| self.handle(to, p), DynamoAction::Deliver, steps);
        for c in 0..self.cluster.clients() {
            if self.can_time_out(s, c) {
                let mut to = s.clone();
                if self.complete(&mut to, c).is_some() {
                    steps.push((DynamoAction::Timeout(c as u8), to));
                }
            }
        }
        for i in 0..self.cluster.replicas() {
            for j in 0..self.cluster.replicas() {
                let (ni, nj) = (i as NodeId, j as NodeId);
                if s.replica[j].tag > s.replica[i].tag && s.net.is_up(ni) && s.net.is_up(nj) && s.net.connected(ni, nj)
                {
                    let mut to = s.clone();
                    to.replica[i] = s.replica[j];
                    steps.push((DynamoAction::AntiEntropy(ni, nj), to));
                }
            }
        }
        cluster::fault_steps(&self.faults, s, DynamoAction::Fault, steps);
    }

    fn action_name(&self, action: &DynamoAction) -> &'static str {
        match action {
            DynamoAction::Read(_) => "Read",
            DynamoAction::Write(..) => "Write",
            DynamoAction::Deliver(p) => Self::receive_name(&p.message),
            DynamoAction::Timeout(_) => "Timeout",
            DynamoAction::AntiEntropy(..) => "AntiEntropy",
            DynamoAction::Fault(f) => f.name(),
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        let mut names =
            vec!["Read", "Write", "ReceiveGet", "ReceiveGetReply", "ReceivePut", "ReceivePutAck", "ReceiveRepair"];
        if self.available {
            names.push("Timeout");
        }
        names.push("AntiEntropy");
        // Fault steps exist only on a faulty network: a reliable one does not
        // list them, so coverage does not flag them as never fired.
        if self.faults.any() {
            names.extend_from_slice(Fault::<Message>::NAMES);
        }
        names
    }

    fn disabled_actions(&self) -> Vec<&'static str> {
        if self.faults.any() {
            self.faults.disabled_actions()
        } else {
            Vec::new()
        }
    }

    fn format_action(&self, action: &DynamoAction) -> String {
        match action {
            DynamoAction::Read(c) => self.cluster.format_invocation(*c, None),
            DynamoAction::Write(c, v) => self.cluster.format_invocation(*c, Some(*v)),
            DynamoAction::Deliver(p) => {
                self.cluster.format_delivery(Self::receive_name(&p.message), p, &self.message_label(&p.message))
            }
            DynamoAction::Timeout(c) => format!("Timeout({})", self.cluster.client_name(*c)),
            DynamoAction::AntiEntropy(i, j) => {
                format!("AntiEntropy({} <- {})", self.cluster.node_name(*i), self.cluster.node_name(*j))
            }
            DynamoAction::Fault(f) => {
                f.format(usize::from(self.faults.nodes), |n| self.cluster.node_name(n), |m| self.message_label(m))
            }
        }
    }

    fn action_parameters(&self, action: &DynamoAction) -> Vec<(&'static str, Value)> {
        match action {
            DynamoAction::Read(c) | DynamoAction::Timeout(c) => self.cluster.invocation_parameters(*c, None),
            DynamoAction::Write(c, v) => self.cluster.invocation_parameters(*c, Some(*v)),
            DynamoAction::Deliver(p) => self.cluster.delivery_parameters(p, self.message_value(&p.message)),
            DynamoAction::AntiEntropy(i, j) => vec![
                ("i", Value::model_value(self.cluster.node_name(*i))),
                ("j", Value::model_value(self.cluster.node_name(*j))),
            ],
            DynamoAction::Fault(_) => Vec::new(),
        }
    }

    /// The replicas, then the clients.
    fn nodes(&self, _: &DynamoState) -> Vec<String> {
        self.cluster.node_names()
    }

    fn step_messages(&self, from: &DynamoState, action: &DynamoAction, to: &DynamoState) -> StepMessages {
        self.with_chart(|chart| match action {
            DynamoAction::Read(c) | DynamoAction::Write(c, _) | DynamoAction::Timeout(c) => {
                chart.step(Some(self.cluster.client_node(usize::from(*c))), None, &from.net, &to.net)
            }
            DynamoAction::Deliver(p) => chart.step(Some(p.to), Some(p), &from.net, &to.net),
            DynamoAction::AntiEntropy(i, _) => chart.step(Some(*i), None, &from.net, &to.net),
            DynamoAction::Fault(f) => chart.fault(&self.faults, f),
        })
    }

    fn variables(&self, s: &DynamoState) -> Vec<(&'static str, Value)> {
        let set = |bits: u8| self.cluster.replica_set(bits);
        let mut vars = self.cluster.variables(s, |client| match client.phase {
            Phase::Idle => Value::record([("phase", Value::str("idle"))]),
            Phase::Get { replied, older, best, floor } => Value::record([
                ("phase", Value::str("get")),
                ("op", Value::Int(client.op.into())),
                ("replied", set(replied)),
                ("older", set(older)),
                ("best", Value::Seq(vec![best.0.value(), Value::Int(best.1.into())])),
                ("floor", floor.value()),
            ]),
            Phase::Put { acked, tag, val } => Value::record([
                ("phase", Value::str("put")),
                ("op", Value::Int(client.op.into())),
                ("acked", set(acked)),
                ("tag", tag.value()),
                ("val", Value::Int(val.into())),
            ]),
        });
        vars.extend([
            ("clock", Value::Int(s.own.clock.into())),
            ("committed", s.own.committed.value()),
            ("staleRead", Value::Bool(s.own.stale_read)),
        ]);
        self.with_chart(|chart| vars.extend(chart.variables(&self.faults, &s.net)));
        vars
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("NoStaleRead", |m, s| m.no_stale_read(s)),
            Invariant::state("Linearizable", |m, s| m.is_linearizable(s)),
            Invariant::state("CausallyConsistent", |m, s| m.is_causally_consistent(s)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually_always("Convergence", |m, s| m.converged(s)),
            Property::sometimes("AllDone", |m, s| m.all_done(s)),
        ]
    }
}
