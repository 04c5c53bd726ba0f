//! What the quorum-register models ([`crate::abd`], [`crate::dynamo`]) share
//! besides the network: a cluster of named replicas and clients on one
//! network (replicas first), each client doing `Ops` reads or writes of
//! distinct values, quorum sizes `R` and `W`, the version-stamped register
//! every replica holds, and how all of these are read from a check spec's
//! constants and shown in traces.
//!
//! The protocols themselves (phases, messages, what a replica does with a
//! message) stay in each model: they only look alike.

use std::fmt;

use checker::spec::{ConfigError, Constants, Value};

use crate::common::linearizability::{Call, History, Val};
use crate::common::net::{self, Chart, Fault, Faults, Network, NodeId, NodeSet, Packet, Restart};

/// The most replicas.
pub const REPLICA_MAX: usize = 5;
/// The most clients.
pub const CLIENT_MAX: usize = 3;

/// `N / 2 + 1`, the default quorum size.
pub fn majority(n: usize) -> usize {
    n / 2 + 1
}

/// A tag `<<num, writer>>`, ordered by `num`, then by writer: writer 0 is
/// the initial value's, client `c` writes with writer `c + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    /// The sequence number.
    pub num: u8,
    /// Who wrote it: 0 for the initial value, `c + 1` for client `c`.
    pub writer: u8,
}

impl Tag {
    /// The initial value's tag, `<<0, 0>>`.
    pub const INIT: Tag = Tag { num: 0, writer: 0 };

    /// The tag as a TLA+ value, `<<num, writer>>`.
    pub fn value(self) -> Value {
        Value::Seq(vec![Value::Int(self.num.into()), Value::Int(self.writer.into())])
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<<{},{}>>", self.num, self.writer)
    }
}

/// A replica's register: a value and its tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Replica {
    /// The highest tag stored.
    pub tag: Tag,
    /// The value stored with it.
    pub val: Val,
}

impl Replica {
    /// Value 0 with tag `<<0, 0>>`.
    pub const INIT: Replica = Replica { tag: Tag::INIT, val: 0 };

    /// Stores `val` with `tag` if `tag` is higher than the register's: how a
    /// replica handles every store, put or repair.
    pub fn store(&mut self, tag: Tag, val: Val) {
        if tag > self.tag {
            *self = Replica { tag, val };
        }
    }
}

/// A client: the slot of its current (or last) operation and its phase `P`
/// (the model's; its default is idle). The default client is idle and has
/// done nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Client<P> {
    /// The history slot of its current or last operation; messages carry it.
    pub op: u8,
    /// Where it is.
    pub phase: P,
}

/// A state of a quorum-register model whose clients' phases are `P`, whose
/// messages are `M` and whose own variables are `X`. Slots beyond the
/// instance's replicas and clients stay at their initial values.
///
/// The field order is part of a state's fingerprint and checkpoint
/// encoding: `X` stands between the history and the network (ABD's `()`
/// hashes and encodes to nothing).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct State<P, M, X> {
    /// Each replica's register.
    pub replica: [Replica; REPLICA_MAX],
    /// Each client.
    pub client: [Client<P>; CLIENT_MAX],
    /// Every invocation and response so far.
    pub history: History,
    /// The model's own variables.
    pub own: X,
    /// Messages in flight, crashed replicas, partitions.
    pub net: Network<M>,
}

impl<P: Copy + Default, M, X> State<P, M, X> {
    /// Every replica at `<<0, 0>>` with value 0, every client idle with
    /// `ops` operations to do, nothing sent, and the model's variables at `own`.
    pub fn new(clients: usize, ops: usize, own: X) -> State<P, M, X> {
        State {
            replica: [Replica::INIT; REPLICA_MAX],
            client: [Client::default(); CLIENT_MAX],
            history: History::new(clients, ops),
            own,
            net: Network::new(),
        }
    }
}

/// The delivery steps from `s`: each packet the network may deliver, as
/// `deliver(p)`, handled by `handle`, which returns `None` when handling it
/// would send more than `MaxInFlight` allows (the step is then disabled).
pub fn deliveries<P: Copy, M: Copy + Ord, X: Clone, A>(
    faults: &Faults,
    s: &State<P, M, X>,
    handle: impl Fn(&mut State<P, M, X>, &Packet<M>) -> Option<()>,
    deliver: impl Fn(Packet<M>) -> A,
    steps: &mut Vec<(A, State<P, M, X>)>,
) {
    for (i, p) in s.net.deliverable(faults) {
        let mut to = s.clone();
        to.net.receive(i);
        if handle(&mut to, p).is_some() {
            steps.push((deliver(*p), to));
        }
    }
}

/// The fault steps of the network layer from `s`, as `fault(f)`. A replica
/// that restarts with amnesia is back at [`Replica::INIT`].
pub fn fault_steps<P: Copy, M: Copy + Ord, X: Clone, A>(
    faults: &Faults,
    s: &State<P, M, X>,
    fault: impl Fn(Fault<M>) -> A,
    steps: &mut Vec<(A, State<P, M, X>)>,
) {
    let mut taken = Vec::new();
    s.net.faults(faults, &mut taken);
    for (f, net) in taken {
        let mut to = s.clone();
        to.net = net;
        if let (Fault::Restart(r), Restart::Amnesia) = (f, faults.restart) {
            to.replica[usize::from(r)] = Replica::INIT;
        }
        steps.push((fault(f), to));
    }
}

/// The replicas and clients of a quorum-register model, and its `Ops`, `R`
/// and `W`. Node `r` is replica `r`; node `N + c` is client `c`.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// The model values of `Replica`, sorted.
    replica: Vec<String>,
    /// The model values of `Client`, sorted.
    client: Vec<String>,
    /// `Ops`: operations per client.
    pub ops: usize,
    /// `R`: the query (read) quorum size, `1..=N`.
    pub r: usize,
    /// `W`: the store (write) quorum size, `1..=N`.
    pub w: usize,
}

impl Cluster {
    /// The named replicas and clients (sorted as a TLA+ set would be), `ops`
    /// operations per client, quorum sizes `r` and `w`. Panics, naming
    /// `model`, on constants [`Cluster::from_constants`] rejects.
    pub fn new(model: &str, replica: Vec<String>, client: Vec<String>, ops: usize, r: usize, w: usize) -> Cluster {
        let n = replica.len();
        assert!((1..=REPLICA_MAX).contains(&n), "{model} supports 1 to {REPLICA_MAX} replicas");
        assert!((1..=CLIENT_MAX).contains(&client.len()), "{model} supports 1 to {CLIENT_MAX} clients");
        assert!(
            (1..=4).contains(&ops) && ops * client.len() <= 8,
            "{model} supports 1 to 4 operations per client, 8 in all"
        );
        assert!((1..=n).contains(&r) && (1..=n).contains(&w), "quorum sizes are 1 to N");
        Cluster { replica, client, ops, r, w }
    }

    /// The cluster a check spec's `CONSTANTS` describe (`Replica`, `Client`,
    /// `Ops`, `R`, `W`), after checking that they name only `declared` (the
    /// model's constants) and the network's. The caller reads its own
    /// constants next, then the network's with [`Faults::from_constants`].
    pub fn from_constants(constants: &Constants, model: &str, declared: &[&str]) -> Result<Cluster, ConfigError> {
        let mut declared = declared.to_vec();
        declared.extend_from_slice(Faults::CONSTANTS);
        constants.expect_only(&declared)?;
        let replica = constants.model_values("Replica", 1, REPLICA_MAX)?;
        let client = constants.model_values("Client", 1, CLIENT_MAX)?;
        let ops = constants.int("Ops", 1, (8 / client.len()).min(4) as i64)? as usize;
        let n = replica.len();
        let quorum = |name: &str| -> Result<usize, ConfigError> {
            match constants.get(name) {
                None => Ok(majority(n)),
                Some(_) => Ok(constants.int(name, 1, n as i64)? as usize),
            }
        };
        let (r, w) = (quorum("R")?, quorum("W")?);
        Ok(Cluster::new(model, replica, client, ops, r, w))
    }

    /// `faults` narrowed to this cluster, where only replicas crash. Panics
    /// unless its node count is the replicas and the clients.
    pub fn network(&self, faults: Faults) -> Faults {
        assert_eq!(usize::from(faults.nodes), self.nodes(), "the network holds the replicas and the clients");
        faults.with_crashable(self.all_replicas())
    }

    /// The number of replicas, `N`.
    pub fn replicas(&self) -> usize {
        self.replica.len()
    }

    /// The number of clients.
    pub fn clients(&self) -> usize {
        self.client.len()
    }

    /// The number of network nodes: the replicas and the clients.
    pub fn nodes(&self) -> usize {
        self.replicas() + self.clients()
    }

    /// The network node of client `c`.
    pub fn client_node(&self, c: usize) -> NodeId {
        (self.replicas() + c) as NodeId
    }

    /// Every replica, as a set of nodes.
    pub fn all_replicas(&self) -> NodeSet {
        net::all_nodes(self.replicas())
    }

    /// The name of node `n`: a replica's or a client's model value.
    pub fn node_name(&self, n: NodeId) -> String {
        let n = usize::from(n);
        if n < self.replicas() {
            self.replica[n].clone()
        } else {
            self.client[n - self.replicas()].clone()
        }
    }

    /// The names of the nodes: the replicas, then the clients.
    pub fn node_names(&self) -> Vec<String> {
        self.replica.iter().chain(&self.client).cloned().collect()
    }

    /// The value client `c`'s `k`-th write writes: `c * Ops + k + 1`.
    pub fn value_of(&self, c: usize, k: usize) -> Val {
        (c * self.ops + k + 1) as Val
    }

    /// The operations clients may invoke in a state with `history`: for
    /// each client with operations left, a read, then a write of its next
    /// value.
    pub fn calls<'a>(&'a self, history: &'a History) -> impl Iterator<Item = (usize, Call)> + 'a {
        (0..self.clients()).filter(|&c| history.can_invoke(c)).flat_map(move |c| {
            let write = Call::Write(0, self.value_of(c, history.invoked(c)));
            [(c, Call::Read(0)), (c, write)]
        })
    }

    /// Client `c`'s invocation of a read (`write` is `None`) or a write, as
    /// traces name it: `Read(c1)`, `Write(c1, 3)`.
    pub fn format_invocation(&self, c: u8, write: Option<Val>) -> String {
        let client = &self.client[usize::from(c)];
        match write {
            None => format!("Read({client})"),
            Some(v) => format!("Write({client}, {v})"),
        }
    }

    /// The parameters of an invocation: `c`, and `v` for a write.
    pub fn invocation_parameters(&self, c: u8, write: Option<Val>) -> Vec<(&'static str, Value)> {
        let mut parameters = vec![("c", Value::model_value(&self.client[usize::from(c)]))];
        parameters.extend(write.map(|v| ("v", Value::Int(v.into()))));
        parameters
    }

    /// The delivery of `p` as traces name it: `ReceiveQuery(r1 <- c1: Query)`.
    pub fn format_delivery<M>(&self, name: &str, p: &Packet<M>, label: &str) -> String {
        format!("{name}({} <- {}: {label})", self.node_name(p.to), self.node_name(p.from))
    }

    /// The parameters of the delivery of `p`, whose message is `msg`.
    pub fn delivery_parameters<M>(&self, p: &Packet<M>, msg: Value) -> Vec<(&'static str, Value)> {
        vec![
            ("from", Value::model_value(self.node_name(p.from))),
            ("to", Value::model_value(self.node_name(p.to))),
            ("msg", msg),
        ]
    }

    /// Client `c`'s name, for a model's own actions.
    pub fn client_name(&self, c: u8) -> &str {
        &self.client[usize::from(c)]
    }

    /// The replicas of `set` (bit `r` for replica `r`), as a set.
    pub fn replica_set(&self, set: u8) -> Value {
        Value::set((0..self.replicas()).filter(|r| set >> r & 1 == 1).map(|r| Value::model_value(&self.replica[r])))
    }

    /// The variables of `s` both models show: `replica` (each replica's
    /// register), `client` (each client as `client(c)` shows it) and
    /// `history`.
    pub fn variables<P: Copy, M, X>(
        &self,
        s: &State<P, M, X>,
        client: impl Fn(Client<P>) -> Value,
    ) -> Vec<(&'static str, Value)> {
        let replicas = Value::map((0..self.replicas()).map(|r| {
            let Replica { tag, val } = s.replica[r];
            (
                Value::model_value(&self.replica[r]),
                Value::record([("tag", tag.value()), ("val", Value::Int(val.into()))]),
            )
        }));
        let clients =
            Value::map((0..self.clients()).map(|c| (Value::model_value(&self.client[c]), client(s.client[c]))));
        vec![("replica", replicas), ("client", clients), ("history", s.history.value(|c| self.client[c].clone()))]
    }

    /// Runs `f` with the chart of a model whose messages show as `message`
    /// (a TLA+ record) and `label` (on a chart's arrow).
    pub fn with_chart<M, T>(
        &self,
        message: &dyn Fn(&M) -> Value,
        label: &dyn Fn(&M) -> String,
        f: impl FnOnce(&Chart<'_, M>) -> T,
    ) -> T {
        let node = |n: NodeId| self.node_name(n);
        f(&Chart { node: &node, message, label })
    }
}

/// Helpers for the quorum-register models' unit tests.
#[cfg(test)]
pub mod testing {
    use checker::spec::Model;

    /// `{prefix}1` to `{prefix}n`: the model values `r1, r2, r3`.
    pub fn names(prefix: &str, n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("{prefix}{i}")).collect()
    }

    /// Steps of `M`: each action with the state after it.
    pub type Steps<M> = Vec<(<M as Model>::Action, <M as Model>::State)>;

    /// The labels of `model`'s first steps (a read and a write by the first
    /// client), the state after the second (the write), and its steps.
    pub fn after_first_write<M: Model>(model: &M) -> (Vec<String>, M::State, Steps<M>) {
        let mut states = Vec::new();
        model.init(&mut states);
        let mut steps = Vec::new();
        model.next(&states[0], &mut steps);
        let labels = steps.iter().map(|(a, _)| model.format_action(a)).collect();
        let (_, after) = steps.remove(1);
        let mut next = Vec::new();
        model.next(&after, &mut next);
        (labels, after, next)
    }
}
