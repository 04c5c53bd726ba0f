//! `Abd`: the ABD atomic register of Attiya, Bar-Noy and Dolev ("Sharing
//! Memory Robustly in Message-Passing Systems", JACM 42(1), 1995), in its
//! multi-writer form (Lynch and Shvartsman, "Robust emulation of shared
//! memory using dynamic quorum-acknowledged broadcasts", FTCS 1997), as
//! stateright's `examples/linearizable-register.rs` also models it.
//!
//! # The protocol
//!
//! `N` replicas each hold a value with a *tag* `<<num, writer>>`, ordered
//! lexicographically; every replica starts with value 0 and tag `<<0, 0>>`.
//! Clients read and write the register, one operation at a time, in two
//! phases each:
//!
//! - **Write(v)**: *query* every replica and wait for `R` replies; take the
//!   highest tag `<<num, _>>` among them; then *store* `v` with the tag
//!   `<<num + 1, client>>` at every replica and wait for `W` acknowledgements.
//! - **Read**: query every replica and wait for `R` replies; take the value
//!   with the highest tag; then *write it back*, storing it with that tag at
//!   every replica, and wait for `W` acknowledgements before returning it.
//!
//! A replica answers a query with its tag and value, and on a store adopts
//! the stored tag and value if the tag is higher than its own, then
//! acknowledges. With `R + W > N`, every query quorum meets every store
//! quorum, so a query sees the tag of every operation that completed before
//! it began: the register is linearizable ("atomic"), and it stays available
//! while a majority of replicas is up. The read's write-back is what makes
//! reads atomic rather than merely regular: without it, a reader that saw a
//! new value on one replica returns, and a later reader whose quorum misses
//! that replica returns the old value (a *new-old inversion*).
//!
//! # What the model abstracts
//!
//! Messages travel over the shared network layer ([`crate::common::net`]):
//! a message bag (reordering) by default, with the fault knobs of a check
//! spec. Queries and stores go to every replica, and a client moves on after
//! the first `R` (or `W`) answers; answers to an earlier phase or operation
//! arrive later and are ignored (each message names the operation, as a
//! request id would). When a phase ends, the messages of that phase that can
//! only be ignored (queries not yet answered, replies and acknowledgements
//! not yet counted) are removed from the network ([`crate::common::net::Network::retain`]):
//! delivering them would change nothing, and keeping them multiplies the
//! states by every order in which they could arrive. Stores stay in flight,
//! since a late store still updates its replica. Only replicas crash; a crashed replica restarts with
//! its state (`Restart = "Persistent"`, the paper's stable storage) or, with
//! `Restart = "Amnesia"`, from tag `<<0, 0>>`, which loses writes and breaks
//! linearizability. Client `c`'s `k`-th operation is a read or a write of the
//! value `c * Ops + k + 1`, chosen when it is invoked, so every written value
//! is distinct and a read's result names the write it saw.
//!
//! # Constants
//!
//! - `Replica`: the replicas, 1 to 5 model values (`{r1, r2, r3}`).
//! - `Client`: the clients, 1 to 3 model values (`{c1, c2}`).
//! - `Ops`: the operations each client does, 1 to 4 (at most 8 in all).
//! - `R`, `W`: the query and store quorum sizes, 1 to `N`; default a
//!   majority, `N / 2 + 1`. `R + W <= N` is allowed and is a seeded bug.
//! - `Bug`: `"None"` (default) or `"SkipWriteBack"`.
//! - The network constants of [`crate::common::net`]: `Fifo`,
//!   `MaxInFlight`, `Loss`, `Duplication`, `MaxCrashes` (replicas only),
//!   `Restart`, `Partitions`.
//!
//! # What is checked
//!
//! - `Linearizable`: the clients' history (every invocation, and every
//!   response with the value returned) is linearizable for a register
//!   starting at 0 ([`crate::common::linearizability`]).
//! - `SequentiallyConsistent`, the weaker condition: the new-old inversion
//!   of `SkipWriteBack` does not break it, which is why ABD's point is the
//!   real-time order.
//! - `CausallyConsistent`, weaker still ([`crate::common::causal`]): each
//!   read explained by the writes causally before it; a client that reads a
//!   new value and then an old one breaks it.
//! - `AllDone`, a reachability witness that every client can finish.
//! - `Termination`, `<>(every client finished)`: under fairness of message
//!   delivery (`\A p : WF(Deliver(p))`) and no loss or crash beyond a
//!   minority, every operation completes.
//!
//! # Counts
//!
//! `abd.py` next to this file is an independent transcription in Python, a
//! plain breadth-first search over tuples with a brute-force
//! linearizability check; it gives the distinct and generated counts and
//! depths the unit tests pin: 3 replicas and 2 clients doing one operation
//! each, 18,481 distinct states, 74,313 generated, depth 21; one client
//! doing two, 1,555 / 4,627 / 21. With 3 clients (`bench/specs/abd-3x3x1.cfg`)
//! there are 8,616,569 distinct states.
//!
//! # Seeded bugs
//!
//! - `Bug = "SkipWriteBack"`: a read returns right after its query phase. With
//!   3 replicas and 2 clients doing two operations each, the shortest
//!   violation of `Linearizable` takes 16 steps: one client's write reaches
//!   one replica, the other client reads the new value from it, then reads
//!   the old value from the other two (a new-old inversion within one client, so not even
//!   sequentially consistent; the classic inversion across two readers needs
//!   a third client, and is found at the same length).
//! - `R + W <= N` (`R = W = 1` with 3 replicas, 2 clients, one operation each):
//!   a write acknowledged by one replica returns, and a read queries another
//!   and returns the initial value: 10 steps.
//! - `Restart = "Amnesia"` with one crash (3 replicas, one client doing two
//!   operations): a replica that acknowledged a write restarts without it,
//!   and the read's quorum is that replica and one the write never reached:
//!   20 steps.
//!
//! Each length is the naive explorer's (shortest) in the unit tests, and is
//! also what `abd.py` finds for the first two (it has no faults).
//!
//! # Message sequence charts
//!
//! Replicas and clients are nodes (replicas first). Each query and store is
//! one envelope per replica; each reply goes back to its client; fault steps
//! draw drops, duplicates and crashes (see [`crate::common::net::Chart`]).

mod abd_state;

#[cfg(test)]
mod tests;

pub use crate::common::cluster::{Replica, Tag, CLIENT_MAX, REPLICA_MAX};
pub use abd_state::{AbdState, Client, Message, Phase};

use checker::spec::{ConfigError, Constants, Invariant, Model, Property, StateCodec, StepMessages, Value};

use crate::common::causal::causally_consistent;
use crate::common::cluster::{self, Cluster};
use crate::common::linearizability::{linearizable, sequentially_consistent, Call, Memo, Val};
use crate::common::net::{Chart, Fault, Faults, Packet};

/// Which protocol to run: ABD, or a seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// ABD as published.
    None,
    /// Reads return after the query phase, without writing back. Violates
    /// `Linearizable` (a new-old inversion).
    SkipWriteBack,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "SkipWriteBack"];
}

/// One step of the model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AbdAction {
    /// Client `c` invokes a read: it queries every replica.
    Read(u8),
    /// Client `c` invokes a write of `v`: it queries every replica.
    Write(u8, Val),
    /// A message is delivered and handled by its receiver; named by the
    /// message: `ReceiveQuery`, `ReceiveQueryReply`, `ReceiveStore`, `ReceiveStoreAck`.
    Deliver(Packet<Message>),
    /// A fault of the network layer: `Drop`, `Duplicate`, `Crash`, `Restart`, `Partition`, `Heal`.
    Fault(Fault<Message>),
}

/// The ABD register over `N` replicas and `C` clients.
#[derive(Clone, Debug)]
pub struct Abd {
    /// The replicas and clients, `Ops`, and `R` and `W`, the query and
    /// store quorum sizes.
    cluster: Cluster,
    /// The seeded bug.
    bug: Bug,
    /// The network's discipline and fault budgets; only replicas crash.
    faults: Faults,
    /// Verdicts of `Linearizable` per history.
    linearizable: Memo,
    /// Verdicts of `SequentiallyConsistent` per history.
    sequential: Memo,
    /// Verdicts of `CausallyConsistent` per history.
    causal: Memo,
}

impl Abd {
    /// The constants this model reads besides the network's.
    pub const CONSTANTS: &'static [&'static str] = &["Replica", "Client", "Ops", "R", "W", "Bug"];

    /// ABD over the named replicas and clients (sorted as a TLA+ set would
    /// be), `ops` operations per client, quorum sizes `r` and `w`, on a
    /// network with `faults` (whose node count must be replicas + clients).
    /// Panics on constants `from_constants` rejects.
    pub fn new(
        replica: Vec<String>,
        client: Vec<String>,
        ops: usize,
        r: usize,
        w: usize,
        bug: Bug,
        faults: Faults,
    ) -> Abd {
        Abd::with_cluster(Cluster::new("ABD", replica, client, ops, r, w), bug, faults)
    }

    /// ABD over `cluster`, on a network with `faults`.
    fn with_cluster(cluster: Cluster, bug: Bug, faults: Faults) -> Abd {
        let faults = cluster.network(faults);
        Abd { cluster, bug, faults, linearizable: Memo::new(), sequential: Memo::new(), causal: Memo::new() }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Abd, ConfigError> {
        let cluster = Cluster::from_constants(constants, "ABD", Self::CONSTANTS)?;
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "SkipWriteBack" => Bug::SkipWriteBack,
            _ => Bug::None,
        };
        let faults = Faults::from_constants(constants, cluster.nodes())?;
        Ok(Abd::with_cluster(cluster, bug, faults))
    }

    /// The replicas and clients, and the quorum sizes.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The network configuration.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Client `c` starts an operation: query every replica.
    fn invoke(&self, s: &AbdState, c: usize, call: Call, steps: &mut Vec<(AbdAction, AbdState)>) {
        let mut to = s.clone();
        let op = to.history.invoke(c, call) as u8;
        let write = match call {
            Call::Write(_, v) => Some(v),
            Call::Read(_) => None,
        };
        to.client[c] = Client { op, phase: Phase::Query { write, replied: 0, best: (Tag::INIT, 0) } };
        to.net.broadcast(
            &self.faults,
            self.cluster.client_node(c),
            self.cluster.all_replicas(),
            &Message::Query { op },
        );
        let action = match write {
            Some(v) => AbdAction::Write(c as u8, v),
            None => AbdAction::Read(c as u8),
        };
        steps.push((action, to));
    }

    /// The state after `to.net` delivered `p`, or `None` when handling it
    /// would send more than `MaxInFlight` allows.
    fn handle(&self, to: &mut AbdState, p: &Packet<Message>) -> Option<()> {
        let room = to.net.room(&self.faults);
        let receiver = usize::from(p.to);
        if receiver < self.cluster.replicas() {
            let replica = &mut to.replica[receiver];
            let reply = match p.message {
                Message::Query { op } => Message::QueryReply { op, tag: replica.tag, val: replica.val },
                Message::Store { op, tag, val } => {
                    replica.store(tag, val);
                    Message::StoreAck { op }
                }
                _ => unreachable!("replicas receive queries and stores"),
            };
            if room == 0 {
                return None;
            }
            to.net.send(&self.faults, Packet::new(p.to, p.from, reply));
            return Some(());
        }
        let c = receiver - self.cluster.replicas();
        let from = 1u8 << p.from;
        let client = to.client[c];
        match (client.phase, p.message) {
            (Phase::Query { write, replied, best }, Message::QueryReply { op, tag, val })
                if op == client.op && replied & from == 0 =>
            {
                let replied = replied | from;
                let best = best.max((tag, val));
                if (replied.count_ones() as usize) < self.cluster.r {
                    to.client[c].phase = Phase::Query { write, replied, best };
                    return Some(());
                }
                // The query quorum is complete.
                let (tag, val) = match write {
                    Some(v) => (Tag { num: best.0.num + 1, writer: c as u8 + 1 }, v),
                    None => best,
                };
                // Unanswered queries and uncounted replies of this phase are garbage.
                let op = client.op;
                to.net.retain(
                    |p| !matches!(p.message, Message::Query { op: o } | Message::QueryReply { op: o, .. } if o == op),
                );
                if write.is_none() && self.bug == Bug::SkipWriteBack {
                    to.client[c].phase = Phase::Idle;
                    to.history.respond(c, val);
                    return Some(());
                }
                if to.net.room(&self.faults) < self.cluster.replicas() {
                    return None;
                }
                to.client[c].phase = Phase::Store { read: write.is_none(), acked: 0, tag, val };
                let store = Message::Store { op: client.op, tag, val };
                to.net.broadcast(&self.faults, self.cluster.client_node(c), self.cluster.all_replicas(), &store);
            }
            (Phase::Store { read, acked, tag, val }, Message::StoreAck { op })
                if op == client.op && acked & from == 0 =>
            {
                let acked = acked | from;
                if (acked.count_ones() as usize) < self.cluster.w {
                    to.client[c].phase = Phase::Store { read, acked, tag, val };
                } else {
                    to.client[c].phase = Phase::Idle;
                    to.history.respond(c, val);
                    to.net.retain(|p| !matches!(p.message, Message::StoreAck { op: o } if o == op));
                }
            }
            // An answer to an earlier phase or operation, or a duplicate: ignored.
            _ => {}
        }
        Some(())
    }

    /// `Linearizable`.
    pub fn is_linearizable(&self, s: &AbdState) -> bool {
        s.history.returned() == 0 || self.linearizable.get(&s.history, |h| linearizable(h, 0))
    }

    /// `SequentiallyConsistent`.
    pub fn is_sequentially_consistent(&self, s: &AbdState) -> bool {
        s.history.returned() == 0 || self.sequential.get(&s.history, |h| sequentially_consistent(h, 0))
    }

    /// `CausallyConsistent`: weaker still ([`crate::common::causal`]).
    pub fn is_causally_consistent(&self, s: &AbdState) -> bool {
        s.history.returned() == 0 || self.causal.get(&s.history, |h| causally_consistent(h, 0))
    }

    /// `AllDone`: every client did all its operations.
    pub fn all_done(&self, s: &AbdState) -> bool {
        s.history.complete()
    }

    /// A message as a TLA+ record.
    pub fn message_value(&self, m: &Message) -> Value {
        let (kind, op, fields) = match *m {
            Message::Query { op } => ("Query", op, vec![]),
            Message::QueryReply { op, tag, val } => {
                ("QueryReply", op, vec![("tag", tag.value()), ("val", Value::Int(val.into()))])
            }
            Message::Store { op, tag, val } => {
                ("Store", op, vec![("tag", tag.value()), ("val", Value::Int(val.into()))])
            }
            Message::StoreAck { op } => ("StoreAck", op, vec![]),
        };
        let mut record = vec![("type", Value::str(kind)), ("op", Value::Int(op.into()))];
        record.extend(fields);
        Value::record(record)
    }

    /// A message's label on charts: `Query`, `QueryReply(<<1,2>>, 3)`.
    pub fn message_label(&self, m: &Message) -> String {
        match *m {
            Message::Query { .. } => "Query".to_string(),
            Message::QueryReply { tag, val, .. } => format!("QueryReply({tag}, {val})"),
            Message::Store { tag, val, .. } => format!("Store({tag}, {val})"),
            Message::StoreAck { .. } => "StoreAck".to_string(),
        }
    }

    fn with_chart<T>(&self, f: impl FnOnce(&Chart<'_, Message>) -> T) -> T {
        self.cluster.with_chart(&|m: &Message| self.message_value(m), &|m: &Message| self.message_label(m), f)
    }

    fn receive_name(m: &Message) -> &'static str {
        match m {
            Message::Query { .. } => "ReceiveQuery",
            Message::QueryReply { .. } => "ReceiveQueryReply",
            Message::Store { .. } => "ReceiveStore",
            Message::StoreAck { .. } => "ReceiveStoreAck",
        }
    }
}

impl Model for Abd {
    type State = AbdState;
    type Action = AbdAction;

    fn init(&self, states: &mut Vec<AbdState>) {
        states.push(AbdState::new(self.cluster.clients(), self.cluster.ops, ()));
    }

    /// Clients invoke, messages are delivered and handled, and faults happen.
    fn next(&self, s: &AbdState, steps: &mut Vec<(AbdAction, AbdState)>) {
        if s.net.room(&self.faults) >= self.cluster.replicas() {
            for (c, call) in self.cluster.calls(&s.history) {
                self.invoke(s, c, call, steps);
            }
        }
        cluster::deliveries(&self.faults, s, |to, p| self.handle(to, p), AbdAction::Deliver, steps);
        cluster::fault_steps(&self.faults, s, AbdAction::Fault, steps);
    }

    fn action_name(&self, action: &AbdAction) -> &'static str {
        match action {
            AbdAction::Read(_) => "Read",
            AbdAction::Write(..) => "Write",
            AbdAction::Deliver(p) => Self::receive_name(&p.message),
            AbdAction::Fault(f) => f.name(),
        }
    }

    fn action_names(&self) -> Vec<&'static str> {
        let mut names = vec!["Read", "Write", "ReceiveQuery", "ReceiveQueryReply", "ReceiveStore", "ReceiveStoreAck"];
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

    fn format_action(&self, action: &AbdAction) -> String {
        match action {
            AbdAction::Read(c) => self.cluster.format_invocation(*c, None),
            AbdAction::Write(c, v) => self.cluster.format_invocation(*c, Some(*v)),
            AbdAction::Deliver(p) => {
                self.cluster.format_delivery(Self::receive_name(&p.message), p, &self.message_label(&p.message))
            }
            AbdAction::Fault(f) => {
                f.format(usize::from(self.faults.nodes), |n| self.cluster.node_name(n), |m| self.message_label(m))
            }
        }
    }

    fn action_parameters(&self, action: &AbdAction) -> Vec<(&'static str, Value)> {
        match action {
            AbdAction::Read(c) => self.cluster.invocation_parameters(*c, None),
            AbdAction::Write(c, v) => self.cluster.invocation_parameters(*c, Some(*v)),
            AbdAction::Deliver(p) => self.cluster.delivery_parameters(p, self.message_value(&p.message)),
            AbdAction::Fault(_) => Vec::new(),
        }
    }

    /// The replicas, then the clients.
    fn nodes(&self, _: &AbdState) -> Vec<String> {
        self.cluster.node_names()
    }

    fn step_messages(&self, from: &AbdState, action: &AbdAction, to: &AbdState) -> StepMessages {
        self.with_chart(|chart| match action {
            AbdAction::Read(c) | AbdAction::Write(c, _) => {
                chart.step(Some(self.cluster.client_node(usize::from(*c))), None, &from.net, &to.net)
            }
            AbdAction::Deliver(p) => chart.step(Some(p.to), Some(p), &from.net, &to.net),
            AbdAction::Fault(f) => chart.fault(&self.faults, f),
        })
    }

    fn variables(&self, s: &AbdState) -> Vec<(&'static str, Value)> {
        let mut vars = self.cluster.variables(s, |client| match client.phase {
            Phase::Idle => Value::record([("phase", Value::str("idle"))]),
            Phase::Query { write, replied, best } => Value::record([
                ("phase", Value::str(if write.is_some() { "write-query" } else { "read-query" })),
                ("op", Value::Int(client.op.into())),
                ("replied", self.cluster.replica_set(replied)),
                ("best", Value::Seq(vec![best.0.value(), Value::Int(best.1.into())])),
            ]),
            Phase::Store { read, acked, tag, val } => Value::record([
                ("phase", Value::str(if read { "read-writeback" } else { "write-store" })),
                ("op", Value::Int(client.op.into())),
                ("acked", self.cluster.replica_set(acked)),
                ("tag", tag.value()),
                ("val", Value::Int(val.into())),
            ]),
        });
        self.with_chart(|chart| vars.extend(chart.variables(&self.faults, &s.net)));
        vars
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("Linearizable", |m, s| m.is_linearizable(s)),
            Invariant::state("SequentiallyConsistent", |m, s| m.is_sequentially_consistent(s)),
            Invariant::state("CausallyConsistent", |m, s| m.is_causally_consistent(s)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually("Termination", |m, s| m.all_done(s)),
            Property::sometimes("AllDone", |m, s| m.all_done(s)),
        ]
    }
}
