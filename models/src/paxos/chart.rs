//! What a Paxos step does between nodes, for message sequence charts
//! ([`Model::nodes`](checker::spec::Model::nodes) and
//! [`Model::step_messages`](checker::spec::Model::step_messages)).
//!
//! `Paxos.tla` has no processes, only a set `msgs` that every message is
//! broadcast into. The chart gives it processes as the spec's comments
//! describe them:
//! - one leader per ballot, `p0` to `pMaxBallot`: `Phase1a(b)` and
//!   `Phase2a(b, v)` are steps of `pb`;
//! - one node per acceptor, named by its model value (`a1`).
//!
//! Messages travel as follows:
//! - a 1a or 2a message of ballot `b` goes from `pb` to every acceptor (one
//!   envelope per acceptor);
//! - a 1b or 2b message of ballot `b` goes from its acceptor to `pb` only.
//!   A 2b message is a vote that a learner would count; there is no learner
//!   process (`chosen` is computed from `msgs`), so it is drawn to the leader
//!   of its ballot, which is never shown receiving it: its arrow stays in
//!   flight to the end of the chart.
//!
//! A step sends the messages it adds to `msgs`: a step that sends a message
//! already in `msgs` (a second `Phase1a(b)`, or a vote cast again) sends
//! nothing new, since `msgs` is a set. Deliveries are the messages a step
//! reads:
//! - `Phase1b(a)` delivers to `a` the 1a message of the ballot it promised,
//!   `maxBal'[a]`;
//! - `Phase2b(a)` delivers to `a` the 2a message it voted for,
//!   `<<maxVBal'[a], maxVal'[a]>>` (a vote cast again is drawn as a
//!   duplicate delivery);
//! - `Phase2a(b, v)` delivers to `pb` every 1b message of ballot `b` in
//!   `msgs`: the spec's guard reads them (a quorum's worth is what it needs;
//!   the leader is drawn reading all it has). 1b messages of ballot `b` sent
//!   after it stay in flight; `Phase2a(b, _)` is never enabled twice.

use checker::spec::{Envelope, StepMessages, Value};

use super::{AcceptorId, Ballot, Message, Paxos, PaxosAction, PaxosState};

impl Paxos {
    /// The node that leads ballot `b`: `p0`, `p1`, ...
    pub fn leader_name(&self, b: Ballot) -> String {
        format!("p{b}")
    }

    /// Every node: the leaders by ballot, then the acceptors in the order of `Acceptor`.
    pub(super) fn chart_nodes(&self) -> Vec<String> {
        let leaders = self.ballots().map(|b| self.leader_name(b));
        leaders.chain(self.acceptors().map(|a| self.acceptor_name(a).to_string())).collect()
    }

    /// A short name for a message on a chart's arrow: `1a(0)`, `1b(1)` (no
    /// vote to report), `1b(1,<<0,v1>>)`, `2a(0,v1)`, `2b(0,v1)`.
    fn message_label(&self, m: Message) -> String {
        match m {
            Message::OneA { bal } => format!("1a({bal})"),
            Message::OneB { bal, vote: None, .. } => format!("1b({bal})"),
            Message::OneB { bal, vote: Some((c, v)), .. } => format!("1b({bal},<<{c},{}>>)", self.value_name(v)),
            Message::TwoA { bal, val } => format!("2a({bal},{})", self.value_name(val)),
            Message::TwoB { bal, val, .. } => format!("2b({bal},{})", self.value_name(val)),
        }
    }

    /// The envelopes of a message: 1a and 2a messages from the leader of their
    /// ballot to each acceptor, 1b and 2b messages from their acceptor to the
    /// leader of their ballot.
    pub fn envelopes(&self, m: Message) -> Vec<Envelope> {
        let envelope =
            |from: String, to: String| Envelope::new(from, to, self.message_value(m)).labelled(self.message_label(m));
        match m {
            Message::OneA { bal } | Message::TwoA { bal, .. } => {
                self.acceptors().map(|a| envelope(self.leader_name(bal), self.acceptor_name(a).to_string())).collect()
            }
            Message::OneB { acc, bal, .. } | Message::TwoB { acc, bal, .. } => {
                vec![envelope(self.acceptor_name(acc).to_string(), self.leader_name(bal))]
            }
        }
    }

    /// The envelope of `m` addressed to acceptor `a` (a 1a or 2a message).
    fn envelope_to(&self, m: Message, a: AcceptorId) -> Envelope {
        let to = self.acceptor_name(a);
        self.envelopes(m).into_iter().find(|e| e.to == to).expect("1a and 2a messages go to every acceptor")
    }

    /// [`Model::step_messages`](checker::spec::Model::step_messages) for Paxos;
    /// see the module docs.
    pub(super) fn chart_step(&self, from: &PaxosState, action: &PaxosAction, to: &PaxosState) -> StepMessages {
        let l = &self.layout;
        let sent = l.messages(to.msgs & !from.msgs).flat_map(|m| self.envelopes(m)).collect();
        let (actor, delivered) = match *action {
            PaxosAction::Phase1a(b) => (self.leader_name(b), Vec::new()),
            PaxosAction::Phase2a(b, _) => {
                let read = l.messages(from.msgs).filter(|m| matches!(m, Message::OneB { bal, .. } if *bal == b));
                (self.leader_name(b), read.flat_map(|m| self.envelopes(m)).collect())
            }
            PaxosAction::Phase1b(a) => {
                let bal = Ballot::try_from(to.max_bal(a)).expect("Phase1b sets maxBal[a] to a ballot");
                (self.acceptor_name(a).to_string(), vec![self.envelope_to(Message::OneA { bal }, a)])
            }
            PaxosAction::Phase2b(a) => {
                let bal = Ballot::try_from(to.max_vbal(a)).expect("Phase2b sets maxVBal[a] to a ballot");
                let val = to.max_val(a).expect("Phase2b sets maxVal[a] to a value");
                (self.acceptor_name(a).to_string(), vec![self.envelope_to(Message::TwoA { bal, val }, a)])
            }
        };
        StepMessages { sent, delivered, ..StepMessages::by(actor) }
    }

    /// [`Model::action_parameters`](checker::spec::Model::action_parameters)
    /// for Paxos: `b` (an integer), `a` and `v` (model values).
    pub(super) fn parameters(&self, action: &PaxosAction) -> Vec<(&'static str, Value)> {
        let ballot = |b: Ballot| ("b", Value::Int(i64::from(b)));
        let acceptor = |a: AcceptorId| ("a", Value::model_value(self.acceptor_name(a)));
        match *action {
            PaxosAction::Phase1a(b) => vec![ballot(b)],
            PaxosAction::Phase1b(a) | PaxosAction::Phase2b(a) => vec![acceptor(a)],
            PaxosAction::Phase2a(b, v) => vec![ballot(b), ("v", Value::model_value(self.value_name(v)))],
        }
    }
}
