//! A reusable asynchronous network with fault injection.
//!
//! # The network
//!
//! Nodes are small integers ([`NodeId`], at most [`NODE_MAX`]); a model names
//! them (replicas, clients) when it renders traces. A [`Network`] is the
//! messages in flight plus the state of the faults: which nodes are down,
//! whether the network is partitioned, and how much of each fault budget has
//! been spent. It lives in the model's state, so it is hashed and compared on
//! every step; it is kept canonical (equal networks have equal
//! representations) and small:
//!
//! - **Bag** (the default): the messages in flight are a multiset of
//!   [`Packet`]s `(from, to, message)`, kept as a sorted vector. Any message
//!   in flight may be delivered next, so messages are reordered freely, as in
//!   the asynchronous model of the papers. Two copies of one packet are two
//!   entries; delivering either reaches the same state, so
//!   [`Network::deliverable`] offers each distinct packet once.
//! - **FIFO per link** (`Fifo = TRUE`): messages from one node to another are
//!   delivered in the order they were sent (as over one TCP connection); only
//!   the oldest message of each link may be delivered. Links are still
//!   independent of each other.
//!
//! A model sends with [`Network::send`], delivers with
//! [`Network::deliverable`] and [`Network::receive`], and checks
//! [`Network::is_up`] before a node takes a step of its own. A step that sends
//! `k` messages is enabled only when [`Network::room`] is at least `k` (the
//! `MaxInFlight` bound); a model that ignores the bound gets a debug assertion.
//!
//! # Faults
//!
//! Every fault is off by default and bounded by a budget, set by a check
//! spec's constants through [`Faults::from_constants`]:
//!
//! | constant       | default        | meaning |
//! |----------------|----------------|---------|
//! | `Fifo`         | `FALSE`        | `TRUE`: FIFO per link; `FALSE`: any message in flight may be delivered next (reordering) |
//! | `MaxInFlight`  | no bound       | at most this many messages in flight; a step that would exceed it is disabled |
//! | `Loss`         | `0`            | at most this many `Drop` steps: the network loses a message in flight |
//! | `Duplication`  | `0`            | at most this many `Duplicate` steps: the network adds a second copy of a message in flight |
//! | `MaxCrashes`   | `0`            | at most this many `Crash` steps: a node stops taking steps and receiving messages |
//! | `Restart`      | `"Persistent"` | after a crash: `"Persistent"` restarts with the node's state as it was, `"Amnesia"` restarts from its initial state (the model resets it), `"Never"` disables `Restart` |
//! | `Partitions`   | `0`            | at most this many `Partition` steps: the nodes split into two groups, and messages between the groups are not delivered until `Heal` |
//!
//! The fault steps are [`Fault`]s, enumerated by [`Network::faults`] with the
//! network after the step; a model wraps each in its own action type and
//! copies the new network into its successor state:
//!
//! - `Drop(p)`: packet `p` is lost (one copy of it).
//! - `Duplicate(p)`: a second copy of `p` is put in flight. Under `Fifo`, the
//!   copy is queued right behind the original, so it arrives next on its link.
//! - `Crash(n)`: node `n` goes down. It takes no steps and receives nothing
//!   until it restarts. Messages in flight to it stay in flight (the network
//!   retransmits them once it is back), and may be lost by `Drop`. Only the
//!   nodes of [`Faults::crashable`] crash (every node unless the model says
//!   otherwise, e.g. only replicas, never clients).
//! - `Restart(n)`: node `n` comes back up. With `Restart = "Amnesia"` the model
//!   must reset `n`'s state to its initial value when it applies this step
//!   ([`Restart::Amnesia`]); with `"Persistent"` the state is untouched.
//! - `Partition(g)`: the network splits into the group `g` (which holds node
//!   0) and the rest. Messages may still be sent across, but they are not
//!   delivered until the partition heals. Enabled only while the network is
//!   whole.
//! - `Heal`: the partition ends. Enabled only while the network is split.
//!
//! Budgets are counted in the network's state (`Drop` steps taken so far and
//! so on), so a behaviour takes at most the configured number of each fault.
//! With every budget spent, the faults stop and only the protocol's own steps
//! remain: the "after faults stop" of eventual properties.
//!
//! # Sequence charts
//!
//! [`Chart`] turns steps into [`StepMessages`]: messages sent by a protocol
//! step (the multiset difference between the network before and after it),
//! the packet it delivers, and what each fault does (dropped, duplicated,
//! crashed, restarted, the two sides of a partition, healed). A model gives
//! it the names of its nodes and how to show a message.

use checker::spec::{ConfigError, Constants, Envelope, Partition, StepMessages, Value};

/// A node of the network: an index below [`NODE_MAX`].
pub type NodeId = u8;

/// A set of nodes, bit `n` for node `n`.
pub type NodeSet = u32;

/// The most nodes a network holds.
pub const NODE_MAX: usize = 32;

/// Every node of `0..nodes`, as a set.
pub fn all_nodes(nodes: usize) -> NodeSet {
    debug_assert!(nodes <= NODE_MAX);
    if nodes >= NODE_MAX {
        NodeSet::MAX
    } else {
        (1 << nodes) - 1
    }
}

/// A message in flight from one node to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Packet<M> {
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// What it says.
    pub message: M,
}

impl<M> Packet<M> {
    /// `message` from `from` to `to`.
    pub fn new(from: NodeId, to: NodeId, message: M) -> Packet<M> {
        Packet { from, to, message }
    }

    fn link(&self) -> (NodeId, NodeId) {
        (self.from, self.to)
    }
}

/// What happens to a node after it crashes (constant `Restart`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Restart {
    /// It restarts with its state as it was: everything it had was on disk.
    Persistent,
    /// It restarts from its initial state: it lost everything. The model
    /// resets the node's state when it applies [`Fault::Restart`].
    Amnesia,
    /// It never restarts (crash-stop).
    Never,
}

impl Restart {
    /// The values of the constant `Restart`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["Persistent", "Amnesia", "Never"];
}

/// The network's configuration: the delivery discipline and every fault
/// budget, read from a check spec's constants (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Faults {
    /// The number of nodes, `0..nodes`; at most [`NODE_MAX`].
    pub nodes: u8,
    /// `Fifo`: deliver in order per link.
    pub fifo: bool,
    /// `MaxInFlight`: the most messages in flight, or `None` for no bound.
    pub max_in_flight: Option<u16>,
    /// `Loss`: the most `Drop` steps in a behaviour.
    pub loss: u8,
    /// `Duplication`: the most `Duplicate` steps in a behaviour.
    pub duplication: u8,
    /// `MaxCrashes`: the most `Crash` steps in a behaviour.
    pub max_crashes: u8,
    /// `Restart`: what happens after a crash.
    pub restart: Restart,
    /// `Partitions`: the most `Partition` steps in a behaviour.
    pub partitions: u8,
    /// The nodes that may crash; every node unless the model narrows it
    /// ([`Faults::with_crashable`]).
    pub crashable: NodeSet,
}

/// The documentation of each fault constant, for a model's registry entry
/// ([`crate::ModelEntry::constants`]): list the ones the model reads.
pub const FIFO_DOC: (&str, &str) =
    ("Fifo", "TRUE delivers messages in order on each link; default FALSE: any message in flight may arrive next");
/// See [`FIFO_DOC`].
pub const MAX_IN_FLIGHT_DOC: (&str, &str) =
    ("MaxInFlight", "at most this many messages in flight; a step that would send more is disabled; default: no bound");
/// See [`FIFO_DOC`].
pub const LOSS_DOC: (&str, &str) = ("Loss", "at most this many messages lost (Drop steps); default 0");
/// See [`FIFO_DOC`].
pub const DUPLICATION_DOC: (&str, &str) =
    ("Duplication", "at most this many messages duplicated (Duplicate steps); default 0");
/// See [`FIFO_DOC`].
pub const MAX_CRASHES_DOC: (&str, &str) = ("MaxCrashes", "at most this many node crashes (Crash steps); default 0");
/// See [`FIFO_DOC`].
pub const RESTART_DOC: (&str, &str) = (
    "Restart",
    "after a crash: \"Persistent\" (default) restarts with the node's state, \"Amnesia\" from its initial state, \
     \"Never\" not at all",
);
/// See [`FIFO_DOC`].
pub const PARTITIONS_DOC: (&str, &str) = (
    "Partitions",
    "at most this many network partitions (Partition steps, each into two groups until Heal); default 0",
);

impl Faults {
    /// The constants [`Faults::from_constants`] reads, for [`Constants::expect_only`].
    pub const CONSTANTS: &'static [&'static str] =
        &["Fifo", "MaxInFlight", "Loss", "Duplication", "MaxCrashes", "Restart", "Partitions"];

    /// The fault actions ([`Fault::NAMES`]) these budgets switch off: `Drop`
    /// without `Loss`, `Duplicate` without `Duplication`, `Crash` without
    /// `MaxCrashes` (and `Restart` without crashes or with `Restart =
    /// "Never"`), `Partition` and `Heal` without `Partitions`.
    pub fn disabled_actions(&self) -> Vec<&'static str> {
        let mut off = Vec::new();
        if self.loss == 0 {
            off.push("Drop");
        }
        if self.duplication == 0 {
            off.push("Duplicate");
        }
        if self.max_crashes == 0 {
            off.push("Crash");
        }
        if self.max_crashes == 0 || self.restart == Restart::Never {
            off.push("Restart");
        }
        if self.partitions == 0 {
            off.extend(["Partition", "Heal"]);
        }
        off
    }

    /// A reliable network of `nodes` nodes: a bag, no bound, no faults.
    pub fn reliable(nodes: usize) -> Faults {
        assert!((1..=NODE_MAX).contains(&nodes), "a network has 1 to {NODE_MAX} nodes");
        Faults {
            nodes: nodes as u8,
            fifo: false,
            max_in_flight: None,
            loss: 0,
            duplication: 0,
            max_crashes: 0,
            restart: Restart::Persistent,
            partitions: 0,
            crashable: all_nodes(nodes),
        }
    }

    /// The network of `nodes` nodes a check spec's constants describe; each
    /// constant of [`Faults::CONSTANTS`] that the spec omits takes its default.
    /// The caller still calls [`Constants::expect_only`] with its own
    /// constants and these.
    pub fn from_constants(constants: &Constants, nodes: usize) -> Result<Faults, ConfigError> {
        let int_or = |name: &str, max: i64| -> Result<i64, ConfigError> {
            match constants.get(name) {
                None => Ok(0),
                Some(_) => constants.int(name, 0, max),
            }
        };
        let mut faults = Faults::reliable(nodes);
        faults.fifo = constants.bool_or("Fifo", false)?;
        faults.max_in_flight = match constants.get("MaxInFlight") {
            None => None,
            Some(_) => Some(constants.int("MaxInFlight", 1, 1000)? as u16),
        };
        faults.loss = int_or("Loss", 20)? as u8;
        faults.duplication = int_or("Duplication", 20)? as u8;
        faults.max_crashes = int_or("MaxCrashes", 20)? as u8;
        faults.restart = match constants.choice_or("Restart", Restart::NAMES, "Persistent")? {
            "Amnesia" => Restart::Amnesia,
            "Never" => Restart::Never,
            _ => Restart::Persistent,
        };
        faults.partitions = int_or("Partitions", 20)? as u8;
        Ok(faults)
    }

    /// The same configuration with only the nodes of `crashable` crashing.
    pub fn with_crashable(self, crashable: NodeSet) -> Faults {
        Faults { crashable: crashable & all_nodes(usize::from(self.nodes)), ..self }
    }

    /// Whether any fault can happen at all.
    pub fn any(&self) -> bool {
        self.loss > 0 || self.duplication > 0 || (self.max_crashes > 0 && self.crashable != 0) || self.partitions > 0
    }
}

/// A fault step: what the network or the environment does, not a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault<M> {
    /// The network loses one copy of the packet.
    Drop(Packet<M>),
    /// The network puts a second copy of the packet in flight.
    Duplicate(Packet<M>),
    /// The node goes down.
    Crash(NodeId),
    /// The node comes back up.
    Restart(NodeId),
    /// The network splits into this group (which holds node 0) and the rest.
    Partition(NodeSet),
    /// The partition ends.
    Heal,
}

impl<M> Fault<M> {
    /// Every fault's action name, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["Drop", "Duplicate", "Crash", "Restart", "Partition", "Heal"];

    /// The action name: `Drop`, `Duplicate`, `Crash`, `Restart`, `Partition` or `Heal`.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Drop(_) => "Drop",
            Fault::Duplicate(_) => "Duplicate",
            Fault::Crash(_) => "Crash",
            Fault::Restart(_) => "Restart",
            Fault::Partition(_) => "Partition",
            Fault::Heal => "Heal",
        }
    }

    /// The action with its parameters: `Drop(c1 -> r2: Read(1))`, `Crash(r1)`,
    /// `Partition({r1, c1} | {r2, r3, c2})`, given how to name nodes and messages.
    pub fn format(&self, nodes: usize, node: impl Fn(NodeId) -> String, message: impl Fn(&M) -> String) -> String {
        let packet = |p: &Packet<M>| format!("{} -> {}: {}", node(p.from), node(p.to), message(&p.message));
        let group = |set: NodeSet| {
            let names: Vec<String> = (0..nodes as NodeId).filter(|n| set >> n & 1 == 1).map(&node).collect();
            format!("{{{}}}", names.join(", "))
        };
        match self {
            Fault::Drop(p) => format!("Drop({})", packet(p)),
            Fault::Duplicate(p) => format!("Duplicate({})", packet(p)),
            Fault::Crash(n) => format!("Crash({})", node(*n)),
            Fault::Restart(n) => format!("Restart({})", node(*n)),
            Fault::Partition(g) => format!("Partition({} | {})", group(*g), group(all_nodes(nodes) & !g)),
            Fault::Heal => "Heal".to_string(),
        }
    }
}

/// The messages in flight and the state of the faults. Part of a model's
/// state: canonical, so that equal networks compare and hash equal.
///
/// Invariants: `in_flight` is sorted by [`Packet`] order in a bag, and by link
/// with each link's packets in send order under FIFO; `down` holds only
/// crashable nodes; `partition` is 0 (whole) or a set holding node 0 and not
/// every node; each counter is at most its budget.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Network<M> {
    in_flight: Vec<Packet<M>>,
    /// Nodes that are down.
    down: NodeSet,
    /// The group holding node 0 while partitioned; 0 while the network is whole.
    partition: NodeSet,
    /// Fault steps taken so far, against the budgets of [`Faults`].
    dropped: u8,
    duplicated: u8,
    crashes: u8,
    partitions: u8,
}

impl<M> Default for Network<M> {
    fn default() -> Self {
        Network::new()
    }
}

impl<M> Network<M> {
    /// No message in flight, every node up, no fault taken.
    pub const fn new() -> Network<M> {
        Network { in_flight: Vec::new(), down: 0, partition: 0, dropped: 0, duplicated: 0, crashes: 0, partitions: 0 }
    }

    /// The messages in flight, in the network's canonical order.
    pub fn in_flight(&self) -> &[Packet<M>] {
        &self.in_flight
    }

    /// Whether no message is in flight.
    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Whether node `n` is up (not crashed).
    pub fn is_up(&self, n: NodeId) -> bool {
        self.down >> n & 1 == 0
    }

    /// The nodes that are down.
    pub fn down(&self) -> NodeSet {
        self.down
    }

    /// The group holding node 0 while the network is partitioned, else `None`.
    pub fn partition(&self) -> Option<NodeSet> {
        (self.partition != 0).then_some(self.partition)
    }

    /// Whether `from` and `to` are on the same side of any partition.
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        self.partition == 0 || (self.partition >> from & 1) == (self.partition >> to & 1)
    }

    /// Fault steps taken so far: `(Drop, Duplicate, Crash, Partition)`.
    pub fn faults_taken(&self) -> (u8, u8, u8, u8) {
        (self.dropped, self.duplicated, self.crashes, self.partitions)
    }

    /// Whether no fault can happen any more in this behaviour: every budget is
    /// spent or unused, no node is down that could restart, and the network
    /// is whole. From such a state on, only the protocol moves.
    pub fn faults_over(&self, faults: &Faults) -> bool {
        self.dropped >= faults.loss
            && self.duplicated >= faults.duplication
            && (self.crashes >= faults.max_crashes || faults.crashable == 0)
            && (self.down == 0 || faults.restart == Restart::Never)
            && self.partitions >= faults.partitions
            && self.partition == 0
    }

    /// How many more messages may be sent before `MaxInFlight` is reached.
    pub fn room(&self, faults: &Faults) -> usize {
        match faults.max_in_flight {
            None => usize::MAX,
            Some(max) => usize::from(max).saturating_sub(self.in_flight.len()),
        }
    }
}

impl<M: Clone + Ord> Network<M> {
    /// Puts `packet` in flight. The sending step must have checked
    /// [`Network::room`] (a debug assertion catches a model that did not).
    pub fn send(&mut self, faults: &Faults, packet: Packet<M>) {
        debug_assert!(self.room(faults) > 0, "model bug: a step sent beyond MaxInFlight without checking room()");
        debug_assert!(usize::from(packet.from.max(packet.to)) < usize::from(faults.nodes), "packet to an unknown node");
        let at = if faults.fifo {
            // Behind every packet of the same link, in send order.
            let link = packet.link();
            self.in_flight.partition_point(|p| p.link() <= link)
        } else {
            self.in_flight.partition_point(|p| *p <= packet)
        };
        self.in_flight.insert(at, packet);
    }

    /// Sends `message` from `from` to every node of `to` except `from`, in node order.
    pub fn broadcast(&mut self, faults: &Faults, from: NodeId, to: NodeSet, message: &M) {
        for n in 0..faults.nodes {
            if to >> n & 1 == 1 && n != from {
                self.send(faults, Packet::new(from, n, message.clone()));
            }
        }
    }

    /// The packets that may be delivered now, each distinct packet once, with
    /// the index [`Network::receive`] takes: the receiver is up, sender and
    /// receiver are on the same side of any partition, and under FIFO the
    /// packet is the oldest of its link.
    pub fn deliverable<'a>(&'a self, faults: &'a Faults) -> impl Iterator<Item = (usize, &'a Packet<M>)> + 'a {
        let fifo = faults.fifo;
        self.in_flight.iter().enumerate().filter(move |&(i, p)| {
            let first =
                i == 0 || if fifo { self.in_flight[i - 1].link() != p.link() } else { self.in_flight[i - 1] != *p };
            first && self.is_up(p.to) && self.connected(p.from, p.to)
        })
    }

    /// Removes and returns the packet at `index` (from [`Network::deliverable`]).
    pub fn receive(&mut self, index: usize) -> Packet<M> {
        self.in_flight.remove(index)
    }

    /// Keeps only the packets in flight for which `keep` holds, in their
    /// order. For garbage: messages whose delivery a model would ignore (the
    /// late answers of a finished request) can be removed when they become
    /// garbage, which removes no-op delivery steps from the state space
    /// without changing what any node does.
    pub fn retain(&mut self, keep: impl FnMut(&Packet<M>) -> bool) {
        self.in_flight.retain(keep);
    }

    /// Pushes every enabled fault step with the network after it, in the
    /// order of [`Fault::NAMES`]. The model applies the rest of each step (for
    /// [`Fault::Restart`] under [`Restart::Amnesia`], resetting the node).
    pub fn faults(&self, faults: &Faults, out: &mut Vec<(Fault<M>, Network<M>)>) {
        if self.dropped < faults.loss {
            for (i, p) in self.distinct() {
                let mut next = self.clone();
                next.in_flight.remove(i);
                next.dropped += 1;
                out.push((Fault::Drop(p.clone()), next));
            }
        }
        if self.duplicated < faults.duplication && self.room(faults) > 0 {
            for (i, p) in self.distinct() {
                let mut next = self.clone();
                // Right behind the original: its place in a bag, and next on its link under FIFO.
                next.in_flight.insert(i + 1, p.clone());
                next.duplicated += 1;
                out.push((Fault::Duplicate(p.clone()), next));
            }
        }
        if self.crashes < faults.max_crashes {
            for n in 0..faults.nodes {
                if faults.crashable >> n & 1 == 1 && self.is_up(n) {
                    let mut next = self.clone();
                    next.down |= 1 << n;
                    next.crashes += 1;
                    out.push((Fault::Crash(n), next));
                }
            }
        }
        if faults.restart != Restart::Never {
            for n in 0..faults.nodes {
                if !self.is_up(n) {
                    let mut next = self.clone();
                    next.down &= !(1 << n);
                    out.push((Fault::Restart(n), next));
                }
            }
        }
        if self.partition == 0 && self.partitions < faults.partitions && faults.nodes > 1 {
            let all = all_nodes(usize::from(faults.nodes));
            // Every split into two non-empty groups, named by the group of node 0.
            let mut group: NodeSet = 1;
            while group < all {
                let mut next = self.clone();
                next.partition = group;
                next.partitions += 1;
                out.push((Fault::Partition(group), next));
                group += 2;
            }
        }
        if self.partition != 0 {
            let mut next = self.clone();
            next.partition = 0;
            out.push((Fault::Heal, next));
        }
    }

    /// Each distinct packet in flight once, with the index of its first copy.
    fn distinct(&self) -> impl Iterator<Item = (usize, &Packet<M>)> {
        self.in_flight.iter().enumerate().filter(|&(i, p)| i == 0 || self.in_flight[i - 1] != *p)
    }

    /// The packets in `after` and not in `self`, as multisets: what a step sent.
    pub fn sent_since<'a>(&self, after: &'a Network<M>) -> Vec<&'a Packet<M>> {
        let mut before: Vec<&Packet<M>> = self.in_flight.iter().collect();
        before.sort();
        let mut sent = Vec::new();
        let mut now: Vec<&Packet<M>> = after.in_flight.iter().collect();
        now.sort();
        let mut i = 0;
        for p in now {
            while i < before.len() && before[i] < p {
                i += 1;
            }
            if i < before.len() && before[i] == p {
                i += 1;
            } else {
                sent.push(p);
            }
        }
        sent
    }
}

/// How a model shows its nodes and messages in traces and charts.
pub struct Chart<'a, M> {
    /// The name of each node: `r1`, `c1`.
    pub node: &'a dyn Fn(NodeId) -> String,
    /// A message as the model's variables show it (a TLA+ record).
    pub message: &'a dyn Fn(&M) -> Value,
    /// A message's short label on a chart's arrow: `Ack(2)`.
    pub label: &'a dyn Fn(&M) -> String,
}

impl<M: Clone + Ord> Chart<'_, M> {
    /// The envelope of a packet.
    pub fn envelope(&self, p: &Packet<M>) -> Envelope {
        Envelope::new((self.node)(p.from), (self.node)(p.to), (self.message)(&p.message))
            .labelled((self.label)(&p.message))
    }

    /// A protocol step by `actor` (or by no node) that delivers `delivered`,
    /// if any, and sends what the network gained from `before` to `after`.
    pub fn step(
        &self,
        actor: Option<NodeId>,
        delivered: Option<&Packet<M>>,
        before: &Network<M>,
        after: &Network<M>,
    ) -> StepMessages {
        let mut step = match actor {
            Some(n) => StepMessages::by((self.node)(n)),
            None => StepMessages::default(),
        };
        step.delivered = delivered.map(|p| self.envelope(p)).into_iter().collect();
        step.sent = before.sent_since(after).into_iter().map(|p| self.envelope(p)).collect();
        step
    }

    /// What a fault step draws: a lost or duplicated message, a crashed or
    /// restarted node, or the network splitting into two sides (the group
    /// of node 0 first, each in node order) or healing. No node acts: every
    /// fault is the environment's step.
    pub fn fault(&self, faults: &Faults, fault: &Fault<M>) -> StepMessages {
        let mut step = StepMessages::default();
        match fault {
            Fault::Drop(p) => step.dropped.push(self.envelope(p)),
            Fault::Duplicate(p) => step.duplicated.push(self.envelope(p)),
            Fault::Crash(n) => step.crashed.push((self.node)(*n)),
            Fault::Restart(n) => step.restarted.push((self.node)(*n)),
            Fault::Partition(group) => {
                let side = |set: NodeSet| (0..faults.nodes).filter(|n| set >> n & 1 == 1).map(self.node).collect();
                let rest = all_nodes(usize::from(faults.nodes)) & !group;
                step.partition = Some(Partition::Split(vec![side(*group), side(rest)]));
            }
            Fault::Heal => step.partition = Some(Partition::Heal),
        }
        step
    }

    /// The network as trace variables: `network` (the packets in flight, as
    /// a sequence of `[from, to, msg]` records in canonical order), `down`
    /// (the crashed nodes) and `partition` (the two groups, or `{}`), plus
    /// `faults` (the fault steps taken so far) when `faults.any()`.
    pub fn variables(&self, faults: &Faults, net: &Network<M>) -> Vec<(&'static str, Value)> {
        let nodes = |set: NodeSet| {
            Value::set((0..faults.nodes).filter(|n| set >> n & 1 == 1).map(|n| Value::model_value((self.node)(n))))
        };
        let packets = net.in_flight.iter().map(|p| {
            Value::record([
                ("from", Value::model_value((self.node)(p.from))),
                ("to", Value::model_value((self.node)(p.to))),
                ("msg", (self.message)(&p.message)),
            ])
        });
        let mut vars = vec![("network", Value::Seq(packets.collect()))];
        if faults.any() {
            let all = all_nodes(usize::from(faults.nodes));
            let partition = match net.partition() {
                None => Value::set([]),
                Some(g) => Value::set([nodes(g), nodes(all & !g)]),
            };
            vars.push(("down", nodes(net.down)));
            vars.push(("partition", partition));
            vars.push((
                "faults",
                Value::record([
                    ("Drop", Value::Int(i64::from(net.dropped))),
                    ("Duplicate", Value::Int(i64::from(net.duplicated))),
                    ("Crash", Value::Int(i64::from(net.crashes))),
                    ("Partition", Value::Int(i64::from(net.partitions))),
                ]),
            ));
        }
        vars
    }
}

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
