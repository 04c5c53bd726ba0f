//! Gossip dissemination: anti-entropy and rumor mongering, after Demers,
//! Greene, Hauser, Irish, Larson, Shenker, Sturgis, Swinehart and Terry,
//! "Epidemic algorithms for replicated database maintenance" (PODC 1987).
//!
//! # The protocols
//!
//! Each node holds a set of updates. Update `u` starts at node `u` (the
//! first `Updates` nodes each hold one); the others must learn it by gossip.
//! In a gossip round `Gossip(p, q)` node `p` contacts node `q`; what happens
//! depends on the constant `Mode`:
//!
//! - `"Push"` (anti-entropy): `p` sends `Push(known_p)`; `q` merges it.
//! - `"Pull"`: `p` sends `Pull(known_p)`, a digest of what it has; `q`
//!   answers `Reply(known_q \ known_p)` when that is not empty; `p` merges.
//! - `"PushPull"`: `p` sends `Push(known_p)`; `q` merges it and answers with
//!   what `p` lacked, `Reply(known_q \ known_p)`, when not empty.
//! - `"Rumor"` (rumor mongering, push with feedback): a node spreads only its
//!   *hot* rumors, the updates it still finds worth telling; an update is hot
//!   at its origin and at each node that learns it. `Gossip(p, q)` sends
//!   `Push(hot_p)` (enabled while `p` has a hot rumor); `q` merges it, makes
//!   the new ones hot, and answers `Feedback(pushed, already)`, the rumors
//!   pushed and those it already knew. The *stop rule* decides when `p` loses
//!   interest in a rumor: here once every other node has confirmed holding it
//!   (by feedback, new or not), so no rumor dies before everyone has it.
//!
//! Anti-entropy gossips for ever: `Gossip` is always enabled (up to
//! `MaxInFlight` messages in flight), so updates keep spreading through loss
//! and partitions once the network delivers again.
//!
//! # The network
//!
//! The shared fault layer, [`crate::common::net`]: a bag by default, with
//! `Loss`, `Duplication`, `MaxCrashes` and `Restart` (`"Persistent"` or
//! `"Never"`: a node's updates are on disk), `Partitions` (each heals by the
//! `Heal` step), and `MaxInFlight`, required, which bounds the gossip.
//!
//! # Constants
//!
//! - `Node`: the nodes, 2 to 4 model values (`{n1, n2, n3}`).
//! - `Updates`: how many updates, 1 to `|Node|`; update `u` starts at node `u`.
//! - `Mode`: `"Push"`, `"Pull"`, `"PushPull"` (default) or `"Rumor"`.
//! - `Bug`: `"None"` or `"LoseInterest"` (only with `Mode = "Rumor"`), below.
//! - `MaxInFlight` (required) and the network's other constants.
//!
//! # What is checked
//!
//! - `RumorAlive`: every update is known everywhere, or some node still
//!   spreads it (under anti-entropy every node that knows it; under rumor
//!   mongering a node for which it is hot), or a message carrying it is in
//!   flight. Once an update is dead, nothing can bring it to the nodes that
//!   lack it.
//! - `EventualConsistency`, `<>[]Consistent` (every node holds the same
//!   updates), under fair gossip and delivery: `\A g : SF(Gossip(g))`
//!   (strong: a full network disables gossip now and then), `\A m :
//!   WF(Receive(m))` and `WF(Heal)` (a partition heals). Loss and
//!   duplication budgets run out, so the faults stop.
//! - `Consistent` is also a named predicate.
//!
//! # Seeded bug
//!
//! `Bug = "LoseInterest"`: Demers et al.'s feedback rule with a counter of
//! one: a node loses interest in a rumor the first time a node it pushed to
//! already knew it. With three nodes the rumor can die among two of them
//! before the third hears it: `n1` pushes it to `n2` (2 steps: push,
//! receive), then each of `n1` and `n2` pushes it to the other, which knew
//! it, and loses interest on the feedback (3 steps each: push, receive,
//! receive feedback): `RumorAlive` fails after 8 steps, and
//! `EventualConsistency` fails with a lasso that stutters with `n3` ignorant.
//! Demers et al. measured this *residue* and backed rumor mongering with
//! anti-entropy.

#[cfg(test)]
mod tests;

use checker::spec::{ConfigError, Constants, Invariant, Model, Predicate, Property, StateCodec, StepMessages, Value};

use crate::common::net::{all_nodes, Chart, Fault, Faults, Network, NodeId, NodeSet, Packet, Restart};

/// The most nodes.
pub const NODES_MAX: usize = 4;

/// A set of updates, bit `u` for update `u`.
pub type Updates = u8;

/// How nodes gossip (constant `Mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Anti-entropy, push.
    Push,
    /// Anti-entropy, pull.
    Pull,
    /// Anti-entropy, push-pull.
    PushPull,
    /// Rumor mongering: push hot rumors, with feedback.
    Rumor,
}

impl Mode {
    /// The values of the constant `Mode`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["Push", "Pull", "PushPull", "Rumor"];
}

/// A seeded bug (constant `Bug`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// The protocol as documented.
    None,
    /// Rumor mongering: lose interest in a rumor on the first feedback that the peer already knew it.
    LoseInterest,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "LoseInterest"];
}

/// What a node holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Node {
    /// The updates it holds.
    pub known: Updates,
    /// Rumor mongering: the updates it still spreads (a subset of `known`); 0 otherwise.
    pub hot: Updates,
    /// Rumor mongering: `confirmed[u]`, the nodes whose feedback said they hold `u`; 0 otherwise.
    pub confirmed: [NodeSet; NODES_MAX],
}

/// A gossip message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// The sender's updates (anti-entropy) or hot rumors (rumor mongering).
    Push(Updates),
    /// A digest of the sender's updates: send me what I lack.
    Pull(Updates),
    /// The updates the requester lacked.
    Reply(Updates),
    /// Rumor mongering: the rumors pushed, and those of them the receiver already knew.
    Feedback {
        /// The rumors of the push answered.
        pushed: Updates,
        /// Those the receiver knew before the push.
        already: Updates,
    },
}

/// A state of the gossip model.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct GossipState {
    /// Node `n` is `nodes[n]`, for `n` below `|Node|`.
    pub nodes: [Node; NODES_MAX],
    /// The messages in flight and the faults' state.
    pub network: Network<Message>,
}

/// One step of `Next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GossipAction {
    /// `Gossip(p, q)`: `p` starts a gossip round with `q`.
    Gossip {
        /// The node that starts the round.
        from: NodeId,
        /// Its peer.
        to: NodeId,
    },
    /// `Receive(m)`: `m.to` handles `m`.
    Receive(Packet<Message>),
    /// A fault step of the network.
    Fault(Fault<Message>),
}

/// Gossip among `|Node|` nodes.
#[derive(Clone, Debug)]
pub struct Gossip {
    nodes: Vec<String>,
    updates: u8,
    mode: Mode,
    bug: Bug,
    faults: Faults,
}

impl Gossip {
    const CONSTANTS: &'static [&'static str] = &["Node", "Updates", "Mode", "Bug"];

    /// Gossip among the named nodes (2 to [`NODES_MAX`]) of `updates` updates
    /// (1 to `|Node|`), over the network `faults` describes, whose
    /// `max_in_flight` must be set.
    pub fn new(nodes: Vec<String>, updates: usize, mode: Mode, bug: Bug, faults: Faults) -> Gossip {
        assert!((2..=NODES_MAX).contains(&nodes.len()), "2 to {NODES_MAX} nodes");
        assert!((1..=nodes.len()).contains(&updates), "1 to |Node| updates");
        assert!(bug == Bug::None || mode == Mode::Rumor, "LoseInterest is a rumor-mongering bug");
        assert!(faults.max_in_flight.is_some(), "gossip needs MaxInFlight");
        assert!(faults.restart != Restart::Amnesia, "nodes keep their updates across restarts");
        assert_eq!(usize::from(faults.nodes), nodes.len(), "one network node per node");
        Gossip { nodes, updates: updates as u8, mode, bug, faults }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Gossip, ConfigError> {
        let declared: Vec<&str> = Self::CONSTANTS.iter().chain(Faults::CONSTANTS).copied().collect();
        constants.expect_only(&declared)?;
        let nodes = constants.model_values("Node", 2, NODES_MAX)?;
        let updates = constants.int("Updates", 1, nodes.len() as i64)? as usize;
        let mode = match constants.choice_or("Mode", Mode::NAMES, "PushPull")? {
            "Push" => Mode::Push,
            "Pull" => Mode::Pull,
            "Rumor" => Mode::Rumor,
            _ => Mode::PushPull,
        };
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "LoseInterest" => Bug::LoseInterest,
            _ => Bug::None,
        };
        let bad = |name: &str, message: &str| {
            let constant = constants.get(name).expect("checked present");
            ConfigError::BadConstant { span: constant.span, name: constant.name.clone(), message: message.to_string() }
        };
        if bug == Bug::LoseInterest && mode != Mode::Rumor {
            return Err(bad("Bug", "\"LoseInterest\" is a stop rule of rumor mongering: it needs Mode = \"Rumor\""));
        }
        // Required: without a bound, anti-entropy makes the state space infinite.
        constants.int("MaxInFlight", 1, 1000)?;
        let faults = Faults::from_constants(constants, nodes.len())?;
        if faults.restart == Restart::Amnesia {
            return Err(bad("Restart", "nodes keep their updates across a restart: \"Persistent\" or \"Never\""));
        }
        Ok(Gossip::new(nodes, updates, mode, bug, faults))
    }

    fn node_ids(&self) -> impl Iterator<Item = NodeId> {
        0..self.nodes.len() as NodeId
    }

    fn node_name(&self, n: NodeId) -> &str {
        &self.nodes[usize::from(n)]
    }

    fn all_updates(&self) -> Updates {
        ((1u16 << self.updates) - 1) as Updates
    }

    /// `Consistent`: every node holds the same updates.
    pub fn consistent(&self, s: &GossipState) -> bool {
        let live = &s.nodes[..self.nodes.len()];
        live.windows(2).all(|w| w[0].known == w[1].known)
    }

    /// `RumorAlive` (see the module docs).
    pub fn rumor_alive(&self, s: &GossipState) -> bool {
        let live = &s.nodes[..self.nodes.len()];
        let everywhere = live.iter().fold(self.all_updates(), |all, n| all & n.known);
        let spread = live.iter().fold(0, |set, n| set | if self.mode == Mode::Rumor { n.hot } else { n.known });
        let carried = s.network.in_flight().iter().fold(0, |set, p| match p.message {
            Message::Push(u) | Message::Reply(u) => set | u,
            Message::Pull(_) | Message::Feedback { .. } => set,
        });
        (everywhere | spread | carried) == self.all_updates()
    }

    fn updates_value(&self, set: Updates) -> Value {
        Value::set((0..self.updates).filter(|u| set >> u & 1 == 1).map(|u| Value::str(format!("u{}", u + 1))))
    }

    fn message_label(&self, m: &Message) -> String {
        let set = |u: Updates| self.updates_value(u).to_string();
        match *m {
            Message::Push(u) => format!("Push({})", set(u)),
            Message::Pull(u) => format!("Pull({})", set(u)),
            Message::Reply(u) => format!("Reply({})", set(u)),
            Message::Feedback { pushed, already } => format!("Feedback({}, {})", set(pushed), set(already)),
        }
    }

    fn message_value(&self, m: &Message) -> Value {
        let (kind, fields) = match *m {
            Message::Push(u) => ("Push", vec![("updates", self.updates_value(u))]),
            Message::Pull(u) => ("Pull", vec![("digest", self.updates_value(u))]),
            Message::Reply(u) => ("Reply", vec![("updates", self.updates_value(u))]),
            Message::Feedback { pushed, already } => {
                ("Feedback", vec![("pushed", self.updates_value(pushed)), ("already", self.updates_value(already))])
            }
        };
        let mut record = vec![("type", Value::str(kind))];
        record.extend(fields);
        Value::record(record)
    }

    fn with_chart<R>(&self, f: impl FnOnce(&Chart<'_, Message>) -> R) -> R {
        let node = |n: NodeId| self.node_name(n).to_string();
        let message = |m: &Message| self.message_value(m);
        let label = |m: &Message| self.message_label(m);
        f(&Chart { node: &node, message: &message, label: &label })
    }

    /// Node `to` handles `m` from `from` in `next`.
    fn receive(&self, next: &mut GossipState, from: NodeId, to: NodeId, m: Message) {
        let others = all_nodes(self.nodes.len()) & !(1 << to);
        let node = &mut next.nodes[usize::from(to)];
        let reply = match m {
            Message::Push(u) => {
                let before = node.known;
                node.known |= u;
                match self.mode {
                    Mode::Rumor => {
                        node.hot |= u & !before;
                        Some(Message::Feedback { pushed: u, already: u & before })
                    }
                    Mode::PushPull => Some(Message::Reply(before & !u)).filter(|_| before & !u != 0),
                    Mode::Push | Mode::Pull => None,
                }
            }
            Message::Pull(digest) => Some(Message::Reply(node.known & !digest)).filter(|_| node.known & !digest != 0),
            Message::Reply(u) => {
                node.known |= u;
                None
            }
            Message::Feedback { pushed, already } => {
                for u in 0..self.updates {
                    if pushed >> u & 1 == 0 {
                        continue;
                    }
                    node.confirmed[usize::from(u)] |= 1 << from;
                    let lose = match self.bug {
                        Bug::LoseInterest => already >> u & 1 == 1,
                        Bug::None => node.confirmed[usize::from(u)] & others == others,
                    };
                    if lose {
                        node.hot &= !(1 << u);
                    }
                }
                None
            }
        };
        if let Some(reply) = reply {
            next.network.send(&self.faults, Packet::new(to, from, reply));
        }
    }
}

impl Model for Gossip {
    type State = GossipState;
    type Action = GossipAction;

    /// Update `u` at node `u` (hot there under rumor mongering); nothing in flight.
    fn init(&self, states: &mut Vec<GossipState>) {
        let mut nodes = [Node::default(); NODES_MAX];
        for u in 0..self.updates {
            let node = &mut nodes[usize::from(u)];
            node.known = 1 << u;
            if self.mode == Mode::Rumor {
                node.hot = 1 << u;
            }
        }
        states.push(GossipState { nodes, network: Network::new() });
    }

    /// `Next`: each up node's gossip rounds (with room for the message and
    /// its answer), then each deliverable message, then the faults.
    fn next(&self, s: &GossipState, steps: &mut Vec<(GossipAction, GossipState)>) {
        // An answer takes the place of the message it answers, so a round
        // needs room for one message.
        if s.network.room(&self.faults) > 0 {
            for from in self.node_ids().filter(|&n| s.network.is_up(n)) {
                let node = &s.nodes[usize::from(from)];
                let message = match self.mode {
                    Mode::Push | Mode::PushPull => Message::Push(node.known),
                    Mode::Pull => Message::Pull(node.known),
                    Mode::Rumor if node.hot == 0 => continue,
                    Mode::Rumor => Message::Push(node.hot),
                };
                for to in self.node_ids().filter(|&to| to != from) {
                    let mut next = s.clone();
                    next.network.send(&self.faults, Packet::new(from, to, message));
                    steps.push((GossipAction::Gossip { from, to }, next));
                }
            }
        }
        for (index, packet) in s.network.deliverable(&self.faults) {
            let mut next = s.clone();
            next.network.receive(index);
            self.receive(&mut next, packet.from, packet.to, packet.message);
            steps.push((GossipAction::Receive(*packet), next));
        }
        let mut faults = Vec::new();
        s.network.faults(&self.faults, &mut faults);
        for (fault, network) in faults {
            steps.push((GossipAction::Fault(fault), GossipState { network, ..s.clone() }));
        }
    }

    fn action_name(&self, action: &GossipAction) -> &'static str {
        match action {
            GossipAction::Gossip { .. } => "Gossip",
            GossipAction::Receive(_) => "Receive",
            GossipAction::Fault(fault) => fault.name(),
        }
    }

    /// `Gossip`, `Receive`, then the faults whose budget is not zero.
    fn action_names(&self) -> Vec<&'static str> {
        let f = &self.faults;
        let mut names = vec!["Gossip", "Receive"];
        let enabled = [
            f.loss > 0,
            f.duplication > 0,
            f.max_crashes > 0,
            f.max_crashes > 0 && f.restart != Restart::Never,
            f.partitions > 0,
            f.partitions > 0,
        ];
        names.extend(Fault::<Message>::NAMES.iter().zip(enabled).filter(|(_, on)| *on).map(|(n, _)| *n));
        names
    }

    fn format_action(&self, action: &GossipAction) -> String {
        match action {
            GossipAction::Gossip { from, to } => format!("Gossip({}, {})", self.node_name(*from), self.node_name(*to)),
            GossipAction::Receive(p) => format!(
                "Receive({} -> {}: {})",
                self.node_name(p.from),
                self.node_name(p.to),
                self.message_label(&p.message)
            ),
            GossipAction::Fault(fault) => {
                fault.format(self.nodes.len(), |n| self.node_name(n).to_string(), |m| self.message_label(m))
            }
        }
    }

    fn action_parameters(&self, action: &GossipAction) -> Vec<(&'static str, Value)> {
        let packet = |p: &Packet<Message>| {
            Value::record([
                ("from", Value::model_value(self.node_name(p.from))),
                ("to", Value::model_value(self.node_name(p.to))),
                ("msg", self.message_value(&p.message)),
            ])
        };
        match action {
            GossipAction::Gossip { from, to } => vec![
                ("from", Value::model_value(self.node_name(*from))),
                ("to", Value::model_value(self.node_name(*to))),
            ],
            GossipAction::Receive(p) => vec![("message", packet(p))],
            GossipAction::Fault(Fault::Drop(p) | Fault::Duplicate(p)) => vec![("message", packet(p))],
            GossipAction::Fault(Fault::Crash(n) | Fault::Restart(n)) => {
                vec![("node", Value::model_value(self.node_name(*n)))]
            }
            GossipAction::Fault(Fault::Partition(_) | Fault::Heal) => Vec::new(),
        }
    }

    fn nodes(&self, _: &GossipState) -> Vec<String> {
        self.nodes.clone()
    }

    fn step_messages(&self, from: &GossipState, action: &GossipAction, to: &GossipState) -> StepMessages {
        self.with_chart(|chart| match action {
            GossipAction::Gossip { from: sender, .. } => chart.step(Some(*sender), None, &from.network, &to.network),
            GossipAction::Receive(p) => chart.step(Some(p.to), Some(p), &from.network, &to.network),
            GossipAction::Fault(fault) => chart.fault(&self.faults, fault),
        })
    }

    fn variables(&self, s: &GossipState) -> Vec<(&'static str, Value)> {
        let live = &s.nodes[..self.nodes.len()];
        let per_node = |value: &dyn Fn(&Node) -> Value| {
            Value::map(
                live.iter().enumerate().map(|(n, node)| (Value::model_value(self.nodes[n].as_str()), value(node))),
            )
        };
        let mut variables = vec![("known", per_node(&|n| self.updates_value(n.known)))];
        if self.mode == Mode::Rumor {
            variables.push(("hot", per_node(&|n| self.updates_value(n.hot))));
            let confirmed = |n: &Node| {
                Value::map((0..self.updates).map(|u| {
                    let set = n.confirmed[usize::from(u)];
                    let names = self.node_ids().filter(|&m| set >> m & 1 == 1);
                    (
                        Value::str(format!("u{}", u + 1)),
                        Value::set(names.map(|m| Value::model_value(self.node_name(m)))),
                    )
                }))
            };
            variables.push(("confirmed", per_node(&confirmed)));
        }
        variables.extend(self.with_chart(|chart| chart.variables(&self.faults, &s.network)));
        variables
    }

    fn state_codec(&self) -> Option<StateCodec<GossipState>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("RumorAlive", |m, s| m.rumor_alive(s))]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property::eventually_always("EventualConsistency", |m, s| m.consistent(s))]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![Predicate::new("Consistent", |m, s| m.consistent(s))]
    }
}
