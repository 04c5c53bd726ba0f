//! What a Raft step does between servers, for message sequence charts
//! ([`Model::nodes`](checker::spec::Model::nodes) and
//! [`Model::step_messages`](checker::spec::Model::step_messages)), and how
//! actions are shown in traces.
//!
//! Each server is a lifeline. A message goes from its `msource` to its
//! `mdest`. What a step sends and delivers is read off the bag: a message
//! whose count rises is sent (by `RequestVote`, `AppendEntries` or a handler's
//! `Reply`), a message whose count falls in a handler's step is delivered to
//! its `mdest`. Handlers that leave their message in the bag (`UpdateTerm`,
//! and the `HandleAppendEntriesRequest` cases that step down, truncate or
//! append before replying) deliver nothing yet: the message is drawn as
//! delivered when it is consumed. `DuplicateMessage` and `DropMessage` are
//! steps of the network, and `Restart(i)` crashes `i` and restarts it at once
//! (it keeps only what raft.tla keeps on stable storage).

use checker::spec::{Envelope, StepMessages, Value};

use super::{Message, MessageType, Raft, RaftAction, RaftState, ServerId};

impl Raft {
    /// A short name for a message: `RVReq(t2, 0/0)`, `RVResp(t2, yes)`,
    /// `AEReq(t2, 0/0, [2:v1], c0)`, `AEResp(t2, yes, 1)`.
    pub fn message_label(&self, m: Message) -> String {
        let yes = |b: u8| if b != 0 { "yes" } else { "no" };
        let t = m.term();
        match m.kind() {
            MessageType::RequestVoteRequest => format!("RVReq(t{t}, {}/{})", m.a(), m.b()),
            MessageType::RequestVoteResponse => format!("RVResp(t{t}, {})", yes(m.a())),
            MessageType::AppendEntriesRequest => {
                let entries = match m.entry() {
                    Some(e) => format!("[{}:{}]", e.term(), self.value.get(usize::from(e.value())).map_or("?", |v| v)),
                    None => "[]".to_string(),
                };
                format!("AEReq(t{t}, {}/{}, {entries}, c{})", m.a(), m.b(), m.commit_index())
            }
            MessageType::AppendEntriesResponse => format!("AEResp(t{t}, {}, {})", yes(m.a()), m.b()),
        }
    }

    /// The envelope of `m`, from `msource` to `mdest`.
    pub fn envelope(&self, m: Message) -> Envelope {
        Envelope::new(self.server_name(m.source()), self.server_name(m.dest()), self.message_value(m))
            .labelled(self.message_label(m))
    }

    /// An action's parameters as `raft.tla` names them: `i`, `j`, `v`, and for
    /// the handlers `i = m.mdest`, `j = m.msource` and `m`.
    pub(super) fn parameters(&self, action: &RaftAction) -> Vec<(&'static str, Value)> {
        let server = |i: ServerId| Value::model_value(self.server_name(i));
        match *action {
            RaftAction::Restart(i)
            | RaftAction::Timeout(i)
            | RaftAction::BecomeLeader(i)
            | RaftAction::AdvanceCommitIndex(i) => vec![("i", server(i))],
            RaftAction::RequestVote(i, j) | RaftAction::AppendEntries(i, j) => {
                vec![("i", server(i)), ("j", server(j))]
            }
            RaftAction::ClientRequest(i, v) => vec![("i", server(i)), ("v", Value::model_value(self.value_name(v)))],
            RaftAction::DuplicateMessage(m) | RaftAction::DropMessage(m) => vec![("m", self.message_value(m))],
            RaftAction::UpdateTerm(m)
            | RaftAction::HandleRequestVoteRequest(m)
            | RaftAction::HandleRequestVoteResponse(m)
            | RaftAction::HandleAppendEntriesRequest(m)
            | RaftAction::HandleAppendEntriesResponse(m)
            | RaftAction::DropStaleResponse(m) => {
                vec![("i", server(m.dest())), ("j", server(m.source())), ("m", self.message_value(m))]
            }
        }
    }

    /// An action as shown in traces: `Timeout(s1)`, `RequestVote(s1, s2)`,
    /// `HandleRequestVoteRequest(s2, s1, RVReq(t2, 0/0))`.
    pub(super) fn action_label(&self, action: &RaftAction) -> String {
        let name = |i: ServerId| self.server_name(i).to_string();
        let args: Vec<String> = match *action {
            RaftAction::Restart(i)
            | RaftAction::Timeout(i)
            | RaftAction::BecomeLeader(i)
            | RaftAction::AdvanceCommitIndex(i) => vec![name(i)],
            RaftAction::RequestVote(i, j) | RaftAction::AppendEntries(i, j) => vec![name(i), name(j)],
            RaftAction::ClientRequest(i, v) => vec![name(i), self.value_name(v).to_string()],
            RaftAction::DuplicateMessage(m) | RaftAction::DropMessage(m) => {
                vec![format!("{} -> {}: {}", name(m.source()), name(m.dest()), self.message_label(m))]
            }
            RaftAction::UpdateTerm(m)
            | RaftAction::HandleRequestVoteRequest(m)
            | RaftAction::HandleRequestVoteResponse(m)
            | RaftAction::HandleAppendEntriesRequest(m)
            | RaftAction::HandleAppendEntriesResponse(m)
            | RaftAction::DropStaleResponse(m) => vec![name(m.dest()), name(m.source()), self.message_label(m)],
        };
        format!("{}({})", super::Model::action_name(self, action), args.join(", "))
    }

    /// [`Model::step_messages`](checker::spec::Model::step_messages) for Raft; see the module docs.
    pub(super) fn chart_step(&self, from: &RaftState, action: &RaftAction, to: &RaftState) -> StepMessages {
        let count = |s: &RaftState, m: Message| s.bag().find(|&(x, _)| x == m).map_or(0, |(_, c)| c);
        let mut rose = Vec::new();
        let mut fell = Vec::new();
        for (m, _) in from.bag().chain(to.bag()) {
            let (before, after) = (count(from, m), count(to, m));
            if after > before && !rose.contains(&m) {
                rose.push(m);
            }
            if after < before && !fell.contains(&m) {
                fell.push(m);
            }
        }
        let envelopes = |ms: &[Message]| ms.iter().map(|&m| self.envelope(m)).collect::<Vec<_>>();
        match *action {
            RaftAction::DuplicateMessage(_) => StepMessages { duplicated: envelopes(&rose), ..StepMessages::default() },
            RaftAction::DropMessage(_) => StepMessages { dropped: envelopes(&fell), ..StepMessages::default() },
            // raft.tla's Restart is a crash and a recovery from stable
            // storage in one step: the server is never down between steps.
            RaftAction::Restart(i) => StepMessages {
                crashed: vec![self.server_name(i).to_string()],
                restarted: vec![self.server_name(i).to_string()],
                ..StepMessages::by(self.server_name(i))
            },
            RaftAction::Timeout(i)
            | RaftAction::RequestVote(i, _)
            | RaftAction::BecomeLeader(i)
            | RaftAction::ClientRequest(i, _)
            | RaftAction::AdvanceCommitIndex(i)
            | RaftAction::AppendEntries(i, _) => {
                StepMessages { sent: envelopes(&rose), ..StepMessages::by(self.server_name(i)) }
            }
            RaftAction::UpdateTerm(m)
            | RaftAction::HandleRequestVoteRequest(m)
            | RaftAction::HandleRequestVoteResponse(m)
            | RaftAction::HandleAppendEntriesRequest(m)
            | RaftAction::DropStaleResponse(m)
            | RaftAction::HandleAppendEntriesResponse(m) => StepMessages {
                sent: envelopes(&rose),
                delivered: envelopes(&fell),
                ..StepMessages::by(self.server_name(m.dest()))
            },
        }
    }
}
