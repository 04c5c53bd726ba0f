//! Raft leader election and log replication, transcribed from Diego Ongaro's
//! `raft.tla` (the public repository ongardie/raft.tla, the version of his PhD
//! dissertation, "Consensus: Bridging Theory and Practice", Stanford 2014,
//! with its 2014-12-02 fixes). Stateright's `examples/raft.rs` models the same
//! protocol as actors and was a further reference.
//!
//! # The protocol
//!
//! Servers are followers, candidates or leaders, and time is divided into
//! numbered *terms*. A server that hears from no leader times out, enters the
//! next term as a candidate and asks every server for its vote
//! (`RequestVote`); a server grants at most one vote per term, and only to a
//! candidate whose log is at least as up to date as its own (last term, then
//! length). A candidate with votes from a majority becomes leader. The leader
//! appends client requests to its log (`ClientRequest`) and copies them to the
//! others one entry at a time (`AppendEntries`); a follower accepts an entry
//! only if its log matches the leader's at the entry before it, and otherwise
//! the leader retries one index lower. Once a majority stores an entry of the
//! leader's *current* term, the leader marks it and everything before it
//! committed (`AdvanceCommitIndex`) and tells the followers. Any message with
//! a newer term makes its receiver adopt that term and become a follower
//! (`UpdateTerm`); responses with older terms are dropped
//! (`DropStaleResponse`). Together these give the safety properties of the
//! Raft paper's Figure 3, checked here as invariants.
//!
//! # What the spec abstracts away, and what this transcription changes
//!
//! `raft.tla` has no clocks: `Timeout(i)` may happen at any time to a follower
//! or candidate, and there are no heartbeats beyond `AppendEntries`. The
//! network is a bag `messages` of records; it may reorder, duplicate
//! (`DuplicateMessage`) and lose (`DropMessage`) messages, and servers may
//! restart (`Restart`), keeping `currentTerm`, `votedFor` and `log`. The
//! state machine is not modelled: an entry is *applied* once it is at or below
//! its server's `commitIndex`. Membership changes, snapshots and client
//! sessions are left out, as in the spec.
//!
//! Differences from the source, each needed for explicit-state checking:
//! - `Next` receives `\E m \in DOMAIN messages : Receive(m)`, and
//!   `WithoutMessage` leaves a message in `DOMAIN messages` with count 0, so
//!   read literally a consumed message could be received again forever. The
//!   comments ("remove a message from the bag") and the spec's later variants
//!   (`Raft_Term_Not_Persisted.tla` filters on `msgs[m] > 0`) show the intent:
//!   the bag of the `Bags` module. Here a message leaves the bag when its count
//!   reaches 0, and only messages in flight are received, duplicated or dropped.
//! - `Receive(m)` is split into the handlers it is a disjunction of, each an
//!   action of its own: `UpdateTerm`, `HandleRequestVoteRequest`,
//!   `HandleRequestVoteResponse`, `HandleAppendEntriesRequest`,
//!   `HandleAppendEntriesResponse`, `DropStaleResponse`. Each is a step of
//!   `Receive(m)`, and together they are all of them.
//! - The history variables (`elections`, `allLogs`, `voterLog`, the `mlog`
//!   fields), commented out in the spec, are left out.
//! - `Value` and `Server` are finite, and the search is bounded by the
//!   constraints below, applied as `CONSTRAINT`s so that the invariants are
//!   still checked on the states just past each bound.
//!
//! # Constants
//!
//! - `Server`: the servers, 1 to 5 model values (`{s1, s2, s3}`).
//! - `Value`: the client requests, 0 to 4 model values (`{v1}`); with none,
//!   only leader election is modelled.
//! - `MaxTerm`, `MaxLogLength`, `MaxMessages`: the bounds of the constraints
//!   `BoundedTerms` (every `currentTerm[i] <= MaxTerm`, at most 15),
//!   `BoundedLogs` (every `Len(log[i]) <= MaxLogLength`, at most 4) and
//!   `BoundedMessages` (at most `MaxMessages` messages in flight, copies
//!   included, at most 11). A check spec names the constraints it applies.
//! - `Restart`, `DuplicateMessage`, `DropMessage`: whether `Next` includes
//!   these actions (default `TRUE`, as in `raft.tla`). Liveness specs turn them
//!   off: a server that restarts or a message lost forever defeats any
//!   progress property.
//! - `MaxElectionTerm`: `Timeout(i)` is enabled only while `currentTerm[i] <
//!   MaxElectionTerm` (default: no such guard). A constraint cuts a behaviour,
//!   which hides it from liveness checking; a guard ends the elections so that a
//!   behaviour can stutter (see Liveness).
//! - `Timeouts`: `"Any"` (default, as in `raft.tla`) or `"Staggered"`, the
//!   timing assumption of the liveness section.
//! - `Bug`: `"None"` (default) or a seeded bug, below.
//!
//! # What is checked
//!
//! - `TypeOK`: every variable in its type (with the bounds above).
//! - `ElectionSafety`: no two servers are leaders of the same term
//!   (`LessOrEqualOneLeader` at the end of `raft.tla`). This is the state form
//!   of "at most one leader per term": a leader of term `t` stays one until it
//!   restarts or sees a higher term.
//! - `LogMatching`: if two logs hold entries with the same term at an index,
//!   they are equal up to that index (`LogMatching` of `raft.tla`).
//! - `LeaderCompleteness`: if server `j` has committed an entry, every leader of
//!   a term above `currentTerm[j]` holds that entry at the same index. A server
//!   learns its `commitIndex` from a leader of a term at most its own, so the
//!   entries were committed in a term below the leader's, which is what the
//!   paper's Leader Completeness property speaks of. (Leaders of older terms
//!   may legitimately lack them.)
//! - `StateMachineSafety`: no two servers apply different entries at one index:
//!   for every `i`, `j` and index up to both `commitIndex[i]` and
//!   `commitIndex[j]`, both logs hold the same entry there.
//!
//! # Seeded bugs
//!
//! Each is a bug real implementations have shipped:
//! - [`Bug::CommitPreviousTerm`]: `AdvanceCommitIndex` commits the highest
//!   index a majority stores whatever its term, by counting replicas. That is
//!   the scenario of Figure 8 of the Raft paper: an entry of an old term is
//!   committed, then overwritten by a leader that never had it. It violates
//!   `LeaderCompleteness`, then `StateMachineSafety`.
//! - [`Bug::SkipLogUpToDateCheck`]: a voter grants its vote without the
//!   up-to-date check (`logOk`), so a candidate missing committed entries wins.
//!   Violates `LeaderCompleteness`.
//! - [`Bug::VoteTwice`]: a voter grants its vote without checking `votedFor`,
//!   so two candidates win one term. Violates `ElectionSafety`.
//! - [`Bug::TermNotPersisted`]: `Restart` forgets `currentTerm` (and with it
//!   `votedFor`), taking the term of the last log entry instead, as
//!   `Raft_Term_Not_Persisted.tla` in ongardie/raft.tla describes. The server
//!   can then vote again in a term it already voted in. Violates
//!   `ElectionSafety`.
//!
//! Shortest counterexamples (BFS, 3 servers, one message in flight, no
//! duplication or loss): `VoteTwice` 17 states (`specs/raft-bug-vote-twice-3.cfg`),
//! `TermNotPersisted` 20 (`bench/specs/raft-bug-term-not-persisted-3.cfg`),
//! `SkipLogUpToDateCheck` 26 (`bench/specs/raft-bug-skip-log-check-3.cfg`),
//! `CommitPreviousTerm` 52 (`bench/specs/raft-bug-figure8-3.cfg`, 91 million
//! states before the violation; with `Timeouts = "Staggered"`,
//! `bench/specs/raft-bug-figure8-staggered-3.cfg`, the same length after 10
//! million). Figure 8 needs five terms: s1 leads term 2 and appends an entry;
//! s2 leads term 3 with s3's vote and appends its own; s1 leads term 4 with
//! s3's vote (its last term 2 beats s3's empty log), copies its entry to s3
//! and commits it by counting replicas; s2 wins term 5 with s3's vote (its last
//! term 3 beats 2) without that entry. The unit tests replay the paper's story
//! written out by hand (55 steps) through to `StateMachineSafety`, and the
//! reference explorer confirms each length.
//!
//! # Liveness
//!
//! `EventuallyLeader` is `<>(\E i : state[i] = Leader)`. Under fair message
//! delivery (each handler weakly fair per message), weakly fair
//! `RequestVote(i, j)` and `BecomeLeader(i)`, weakly fair `Timeout(i)` (a server
//! that hears no leader eventually times out), no restarts and no loss, it
//! still fails: all servers may time out together, vote for themselves, and
//! split the vote in every term. With `MaxElectionTerm` the last split term
//! stutters forever; without the bound, the same split repeats with every
//! term. This is FLP's impossibility at work (Fischer, Lynch and Paterson,
//! 1985): no deterministic asynchronous protocol guarantees progress, and
//! Raft's answer is randomized election timeouts (paper, section 5.2).
//!
//! What randomization buys, with probability 1, is that some server's timer
//! fires alone and its election completes before another's fires; the paper's
//! timing requirement `broadcastTime << electionTimeout` is what makes this
//! likely. `Timeouts = "Staggered"` states that assumption as the guard
//! "no other server is a candidate" on `Timeout(i)`. Under it and the same
//! fairness, `EventuallyLeader` holds: the lone candidate's requests and the
//! replies are delivered, every server grants it a vote (no vote of the term is
//! taken yet, and with `Value = {}` every log is up to date), and weak
//! fairness of `BecomeLeader` makes it leader, unless it times out again first,
//! which `MaxElectionTerm` eventually stops.
//!
//! # Symmetry
//!
//! Nothing in `raft.tla` tells servers apart. The symmetry `Server` is every
//! permutation of servers (TLC's `Permutations(Server)`): the engine
//! enumerates them and keeps the least image; `permute` renames.
//!
//! # Message sequence charts
//!
//! Traces draw one lifeline per server. Each request goes from `msource` to
//! `mdest`; handlers deliver the message they read, and `Reply` sends the
//! response; see `chart.rs`.

mod chart;
mod state;

#[cfg(test)]
mod tests;

pub use state::{
    Entry, Message, MessageType, RaftState, Role, ServerId, Term, ValueId, BAG_MAX, LOG_MAX, NIL, SERVER_MAX, TERM_MAX,
    VALUE_MAX,
};

use checker::spec::{
    ConfigError, Constants, Constraint, Invariant, Model, Property, StateCodec, StepMessages, Symmetry, Value,
};

/// Which protocol to run: the published one or a seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// `raft.tla` as published.
    None,
    /// `AdvanceCommitIndex` without `log[i][Max(agreeIndexes)].term =
    /// currentTerm[i]` (Figure 8 of the Raft paper).
    CommitPreviousTerm,
    /// `HandleRequestVoteRequest` with `logOk` always true.
    SkipLogUpToDateCheck,
    /// `HandleRequestVoteRequest` without `votedFor[i] \in {Nil, j}`.
    VoteTwice,
    /// `Restart` resets `currentTerm` to the last log entry's term (1 for an
    /// empty log) and `votedFor` to `Nil` (`Raft_Term_Not_Persisted.tla`).
    TermNotPersisted,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] =
        &["None", "CommitPreviousTerm", "SkipLogUpToDateCheck", "VoteTwice", "TermNotPersisted"];
}

/// One step of `Next`, named and parameterized as in `raft.tla`; the message
/// handlers carry the message they receive, so that fairness per instance is
/// fairness per message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RaftAction {
    /// `Restart(i)`.
    Restart(ServerId),
    /// `Timeout(i)`.
    Timeout(ServerId),
    /// `RequestVote(i, j)`.
    RequestVote(ServerId, ServerId),
    /// `BecomeLeader(i)`.
    BecomeLeader(ServerId),
    /// `ClientRequest(i, v)`.
    ClientRequest(ServerId, ValueId),
    /// `AdvanceCommitIndex(i)`.
    AdvanceCommitIndex(ServerId),
    /// `AppendEntries(i, j)`.
    AppendEntries(ServerId, ServerId),
    /// `UpdateTerm(i, j, m)`, a step of `Receive(m)`.
    UpdateTerm(Message),
    /// `HandleRequestVoteRequest(i, j, m)`, a step of `Receive(m)`.
    HandleRequestVoteRequest(Message),
    /// `HandleRequestVoteResponse(i, j, m)`, a step of `Receive(m)`.
    HandleRequestVoteResponse(Message),
    /// `HandleAppendEntriesRequest(i, j, m)`, a step of `Receive(m)`.
    HandleAppendEntriesRequest(Message),
    /// `HandleAppendEntriesResponse(i, j, m)`, a step of `Receive(m)`.
    HandleAppendEntriesResponse(Message),
    /// `DropStaleResponse(i, j, m)`, a step of `Receive(m)`.
    DropStaleResponse(Message),
    /// `DuplicateMessage(m)`.
    DuplicateMessage(Message),
    /// `DropMessage(m)`.
    DropMessage(Message),
}

/// The action names, in the order `Next` lists them (handlers in the order of `Receive`).
const ACTION_NAMES: &[&str] = &[
    "Restart",
    "Timeout",
    "RequestVote",
    "BecomeLeader",
    "ClientRequest",
    "AdvanceCommitIndex",
    "AppendEntries",
    "UpdateTerm",
    "HandleRequestVoteRequest",
    "HandleRequestVoteResponse",
    "HandleAppendEntriesRequest",
    "HandleAppendEntriesResponse",
    "DropStaleResponse",
    "DuplicateMessage",
    "DropMessage",
];

/// The Raft model over a set of servers and values.
#[derive(Clone, Debug)]
pub struct Raft {
    /// The model values of `Server`, sorted; server `i` is `server[i]`. 1 to [`SERVER_MAX`].
    server: Vec<String>,
    /// The model values of `Value`, sorted. 0 to [`VALUE_MAX`].
    value: Vec<String>,
    /// `MaxTerm`, at most [`TERM_MAX`].
    max_term: Term,
    /// `MaxLogLength`, below [`LOG_MAX`].
    max_log_length: u8,
    /// `MaxMessages`, below [`BAG_MAX`].
    max_messages: u32,
    /// Whether `Next` includes `Restart`.
    restart: bool,
    /// Whether `Next` includes `DuplicateMessage`.
    duplicate: bool,
    /// Whether `Next` includes `DropMessage`.
    drop: bool,
    /// `MaxElectionTerm`: `Timeout(i)` needs `currentTerm[i]` below it.
    max_election_term: Term,
    /// `Timeouts = "Staggered"`: `Timeout(i)` needs no other candidate.
    staggered: bool,
    /// The seeded bug, or [`Bug::None`].
    bug: Bug,
}

/// The settings of a [`Raft`] model beyond its servers and values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `MaxTerm`.
    pub max_term: Term,
    /// `MaxLogLength`.
    pub max_log_length: u8,
    /// `MaxMessages`.
    pub max_messages: u32,
    /// `Restart`.
    pub restart: bool,
    /// `DuplicateMessage`.
    pub duplicate: bool,
    /// `DropMessage`.
    pub drop: bool,
    /// `MaxElectionTerm`; [`Term::MAX`] for none.
    pub max_election_term: Term,
    /// `Timeouts = "Staggered"`.
    pub staggered: bool,
    /// `Bug`.
    pub bug: Bug,
}

impl Settings {
    /// `raft.tla` as published with the given bounds: every action, no guard, no bug.
    pub fn bounded(max_term: Term, max_log_length: u8, max_messages: u32) -> Settings {
        Settings {
            max_term,
            max_log_length,
            max_messages,
            restart: true,
            duplicate: true,
            drop: true,
            max_election_term: Term::MAX,
            staggered: false,
            bug: Bug::None,
        }
    }
}

impl Raft {
    /// The constants this model reads, for [`Constants::expect_only`].
    pub const CONSTANTS: &'static [&'static str] = &[
        "Server",
        "Value",
        "MaxTerm",
        "MaxLogLength",
        "MaxMessages",
        "Restart",
        "DuplicateMessage",
        "DropMessage",
        "MaxElectionTerm",
        "Timeouts",
        "Bug",
    ];

    /// A model over the given servers and values (sorted, as a TLA+ set is).
    /// Panics on settings `from_constants` rejects.
    pub fn new(server: Vec<String>, value: Vec<String>, settings: Settings) -> Raft {
        assert!((1..=SERVER_MAX).contains(&server.len()), "Raft supports 1 to {SERVER_MAX} servers");
        assert!(value.len() <= VALUE_MAX, "Raft supports at most {VALUE_MAX} values");
        assert!((1..=TERM_MAX).contains(&settings.max_term), "MaxTerm is 1 to {TERM_MAX}");
        assert!(usize::from(settings.max_log_length) < LOG_MAX, "MaxLogLength is below {LOG_MAX}");
        assert!((settings.max_messages as usize) < BAG_MAX, "MaxMessages is below {BAG_MAX}");
        Raft {
            server,
            value,
            max_term: settings.max_term,
            max_log_length: settings.max_log_length,
            max_messages: settings.max_messages,
            restart: settings.restart,
            duplicate: settings.duplicate,
            drop: settings.drop,
            max_election_term: settings.max_election_term,
            staggered: settings.staggered,
            bug: settings.bug,
        }
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Raft, ConfigError> {
        constants.expect_only(Self::CONSTANTS)?;
        let server = constants.model_values("Server", 1, SERVER_MAX)?;
        let value = constants.model_values("Value", 0, VALUE_MAX)?;
        let max_term = constants.int("MaxTerm", 1, i64::from(TERM_MAX))? as Term;
        let max_log_length = constants.int("MaxLogLength", 0, LOG_MAX as i64 - 1)? as u8;
        let max_messages = constants.int("MaxMessages", 0, BAG_MAX as i64 - 1)? as u32;
        let max_election_term = match constants.get("MaxElectionTerm") {
            None => Term::MAX,
            Some(_) => constants.int("MaxElectionTerm", 1, i64::from(TERM_MAX))? as Term,
        };
        let staggered = constants.choice_or("Timeouts", &["Any", "Staggered"], "Any")? == "Staggered";
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "CommitPreviousTerm" => Bug::CommitPreviousTerm,
            "SkipLogUpToDateCheck" => Bug::SkipLogUpToDateCheck,
            "VoteTwice" => Bug::VoteTwice,
            "TermNotPersisted" => Bug::TermNotPersisted,
            _ => Bug::None,
        };
        let settings = Settings {
            max_term,
            max_log_length,
            max_messages,
            restart: constants.bool_or("Restart", true)?,
            duplicate: constants.bool_or("DuplicateMessage", true)?,
            drop: constants.bool_or("DropMessage", true)?,
            max_election_term,
            staggered,
            bug,
        };
        Ok(Raft::new(server, value, settings))
    }

    /// `Cardinality(Server)`.
    pub fn server_count(&self) -> usize {
        self.server.len()
    }

    /// The model value naming server `i`.
    pub fn server_name(&self, i: ServerId) -> &str {
        &self.server[usize::from(i)]
    }

    /// The model value naming value `v`.
    pub fn value_name(&self, v: ValueId) -> &str {
        &self.value[usize::from(v)]
    }

    /// The seeded bug, if any.
    pub fn bug(&self) -> Bug {
        self.bug
    }

    fn servers(&self) -> impl Iterator<Item = ServerId> {
        0..self.server.len() as ServerId
    }

    /// `S \in Quorum`: a strict majority of the servers.
    fn is_quorum(&self, set: u8) -> bool {
        set.count_ones() as usize * 2 > self.server.len()
    }

    /// `Timeout(i)`.
    fn timeout(&self, s: &RaftState, i: ServerId, steps: &mut Vec<(RaftAction, RaftState)>) {
        let u = usize::from(i);
        if s.state[u] == Role::Leader || s.current_term[u] >= self.max_election_term {
            return;
        }
        if self.staggered && self.servers().any(|k| k != i && s.state[usize::from(k)] == Role::Candidate) {
            return;
        }
        let mut t = *s;
        t.state[u] = Role::Candidate;
        t.current_term[u] = s.current_term[u].checked_add(1).expect("terms are bounded: name CONSTRAINT BoundedTerms");
        t.voted_for[u] = NIL;
        t.votes_responded[u] = 0;
        t.votes_granted[u] = 0;
        steps.push((RaftAction::Timeout(i), t));
    }

    /// `Restart(i)`, with the seeded bug `TermNotPersisted`.
    fn restart(&self, s: &RaftState, i: ServerId) -> RaftState {
        let u = usize::from(i);
        let n = self.server.len();
        let mut t = *s;
        t.state[u] = Role::Follower;
        t.votes_responded[u] = 0;
        t.votes_granted[u] = 0;
        t.next_index[u][..n].fill(1);
        t.match_index[u][..n].fill(0);
        t.commit_index[u] = 0;
        if self.bug == Bug::TermNotPersisted {
            t.current_term[u] = s.log(i).last().map_or(1, |e| e.term());
            t.voted_for[u] = NIL;
        }
        t
    }

    /// `AppendEntries(i, j)`'s message.
    fn append_entries_message(&self, s: &RaftState, i: ServerId, j: ServerId) -> Message {
        let u = usize::from(i);
        let next = s.next_index[u][usize::from(j)];
        let prev_log_index = next - 1;
        let log = s.log(i);
        let prev_log_term = if prev_log_index > 0 { log[usize::from(prev_log_index) - 1].term() } else { 0 };
        let last_entry = s.log_len[u].min(next);
        let entry = if last_entry >= next { Some(log[usize::from(next) - 1]) } else { None };
        let commit = s.commit_index[u].min(last_entry);
        Message::append_entries_request(s.current_term[u], prev_log_index, prev_log_term, entry, commit, i, j)
    }

    /// `AdvanceCommitIndex(i)`'s new `commitIndex[i]`.
    fn new_commit_index(&self, s: &RaftState, i: ServerId) -> u8 {
        let u = usize::from(i);
        let log = s.log(i);
        let agree = |index: u8| {
            let set = self.servers().filter(|&k| k == i || s.match_index[u][usize::from(k)] >= index);
            set.fold(0u8, |b, k| b | 1 << k)
        };
        let max_agree = (1..=s.log_len[u]).rev().find(|&index| self.is_quorum(agree(index)));
        match max_agree {
            Some(index) if self.bug == Bug::CommitPreviousTerm => index,
            Some(index) if log[usize::from(index) - 1].term() == s.current_term[u] => index,
            _ => s.commit_index[u],
        }
    }

    /// `Receive(m)`: the one handler that is enabled, if any.
    fn receive(&self, s: &RaftState, m: Message, steps: &mut Vec<(RaftAction, RaftState)>) {
        let (i, j) = (m.dest(), m.source());
        let (u, w) = (usize::from(i), usize::from(j));
        let term = s.current_term[u];
        if m.term() > term {
            // UpdateTerm: messages unchanged, so m can be processed further.
            let mut t = *s;
            t.current_term[u] = m.term();
            t.state[u] = Role::Follower;
            t.voted_for[u] = NIL;
            steps.push((RaftAction::UpdateTerm(m), t));
            return;
        }
        let mut t = *s;
        match m.kind() {
            MessageType::RequestVoteRequest => {
                let last_term = s.last_term(i);
                let log_ok = m.a() > last_term || (m.a() == last_term && m.b() >= s.log_len[u]);
                let log_ok = log_ok || self.bug == Bug::SkipLogUpToDateCheck;
                let vote_ok = s.voted_for[u] == NIL || s.voted_for[u] == j || self.bug == Bug::VoteTwice;
                let grant = m.term() == term && log_ok && vote_ok;
                if grant {
                    t.voted_for[u] = j;
                }
                t.send(Message::request_vote_response(term, grant, i, j));
                t.discard(m);
                steps.push((RaftAction::HandleRequestVoteRequest(m), t));
            }
            MessageType::RequestVoteResponse | MessageType::AppendEntriesResponse if m.term() < term => {
                t.discard(m);
                steps.push((RaftAction::DropStaleResponse(m), t));
            }
            MessageType::RequestVoteResponse => {
                t.votes_responded[u] |= 1 << j;
                if m.a() != 0 {
                    t.votes_granted[u] |= 1 << j;
                }
                t.discard(m);
                steps.push((RaftAction::HandleRequestVoteResponse(m), t));
            }
            MessageType::AppendEntriesResponse => {
                if m.a() != 0 {
                    t.next_index[u][w] = m.b() + 1;
                    t.match_index[u][w] = m.b();
                } else {
                    t.next_index[u][w] = (s.next_index[u][w] - 1).max(1);
                }
                t.discard(m);
                steps.push((RaftAction::HandleAppendEntriesResponse(m), t));
            }
            MessageType::AppendEntriesRequest => {
                if self.handle_append_entries_request(s, m, &mut t) {
                    steps.push((RaftAction::HandleAppendEntriesRequest(m), t));
                }
            }
        }
    }

    /// `HandleAppendEntriesRequest(i, j, m)` with `m.mterm <= currentTerm[i]`
    /// into `t`; false when no disjunct is enabled (a leader receiving a
    /// request of its own term).
    fn handle_append_entries_request(&self, s: &RaftState, m: Message, t: &mut RaftState) -> bool {
        let (i, j) = (m.dest(), m.source());
        let u = usize::from(i);
        let term = s.current_term[u];
        let log = s.log(i);
        let prev = m.a();
        let log_ok = prev == 0 || (usize::from(prev) <= log.len() && m.b() == log[usize::from(prev) - 1].term());
        if m.term() < term || (s.state[u] == Role::Follower && !log_ok) {
            // Reject request.
            t.send(Message::append_entries_response(term, false, 0, i, j));
            t.discard(m);
            return true;
        }
        match s.state[u] {
            Role::Candidate => {
                // Return to follower state; m stays to be processed again.
                t.state[u] = Role::Follower;
                true
            }
            Role::Leader => false,
            Role::Follower => {
                let index = usize::from(prev) + 1;
                match m.entry() {
                    Some(e) if log.len() >= index && log[index - 1].term() != e.term() => {
                        // Conflict: remove 1 entry.
                        let len = usize::from(s.log_len[u]) - 1;
                        t.log[u][len] = Entry(0);
                        t.log_len[u] -= 1;
                    }
                    Some(e) if log.len() < index => {
                        // No conflict: append the entry (Len(log[i]) = mprevLogIndex, as logOk
                        // gives mprevLogIndex <= Len(log[i])).
                        t.log[u][log.len()] = e;
                        t.log_len[u] += 1;
                    }
                    entry => {
                        // Already done with request.
                        t.commit_index[u] = m.commit_index();
                        let matched = prev + u8::from(entry.is_some());
                        t.send(Message::append_entries_response(term, true, matched, i, j));
                        t.discard(m);
                    }
                }
                true
            }
        }
    }

    /// A message as a TLA+ record.
    pub fn message_value(&self, m: Message) -> Value {
        let server = |i: ServerId| Value::model_value(self.server_name(i));
        let int = |x: u8| Value::Int(i64::from(x));
        let mut fields = vec![("mtype", Value::model_value(format!("{:?}", m.kind()))), ("mterm", int(m.term()))];
        match m.kind() {
            MessageType::RequestVoteRequest => {
                fields.push(("mlastLogTerm", int(m.a())));
                fields.push(("mlastLogIndex", int(m.b())));
            }
            MessageType::RequestVoteResponse => fields.push(("mvoteGranted", Value::Bool(m.a() != 0))),
            MessageType::AppendEntriesRequest => {
                fields.push(("mprevLogIndex", int(m.a())));
                fields.push(("mprevLogTerm", int(m.b())));
                fields.push(("mentries", Value::Seq(m.entry().map(|e| self.entry_value(e)).into_iter().collect())));
                fields.push(("mcommitIndex", int(m.commit_index())));
            }
            MessageType::AppendEntriesResponse => {
                fields.push(("msuccess", Value::Bool(m.a() != 0)));
                fields.push(("mmatchIndex", int(m.b())));
            }
        }
        fields.push(("msource", server(m.source())));
        fields.push(("mdest", server(m.dest())));
        Value::record(fields)
    }

    /// An entry as a TLA+ record.
    pub fn entry_value(&self, e: Entry) -> Value {
        let value = self.value.get(usize::from(e.value())).map_or("?", String::as_str);
        Value::record([("term", Value::Int(i64::from(e.term()))), ("value", Value::model_value(value))])
    }

    /// Whether `s` satisfies `TypeOK`.
    fn type_ok(&self, s: &RaftState) -> bool {
        let n = self.server.len();
        let all = (1u16 << n) - 1;
        (0..n).all(|u| {
            let len = s.log_len[u];
            (1..=self.max_term + 1).contains(&s.current_term[u])
                && (s.voted_for[u] == NIL || usize::from(s.voted_for[u]) < n)
                && len <= self.max_log_length + 1
                && s.log(u as ServerId)
                    .iter()
                    .all(|e| (1..=self.max_term).contains(&e.term()) && usize::from(e.value()) < self.value.len())
                && u16::from(s.votes_granted[u]) & !u16::from(s.votes_responded[u]) == 0
                && u16::from(s.votes_responded[u]) & !all == 0
                && (0..n).all(|w| s.next_index[u][w] >= 1 && s.match_index[u][w] <= self.max_log_length + 1)
        }) && s.bag().all(|(m, c)| c >= 1 && usize::from(m.source()) < n && usize::from(m.dest()) < n)
    }

    /// `ElectionSafety`: no two leaders share a term.
    fn election_safety(&self, s: &RaftState) -> bool {
        let n = self.server.len();
        (0..n).all(|i| {
            s.state[i] != Role::Leader
                || (i + 1..n).all(|j| s.state[j] != Role::Leader || s.current_term[j] != s.current_term[i])
        })
    }

    /// `LogMatching`: entries with the same index and term have equal prefixes.
    fn log_matching(&self, s: &RaftState) -> bool {
        self.pairs().all(|(i, j)| {
            let (a, b) = (s.log(i), s.log(j));
            (0..a.len().min(b.len())).all(|k| a[k].term() != b[k].term() || a[..=k] == b[..=k])
        })
    }

    /// `LeaderCompleteness`: every leader of a term above `currentTerm[j]`
    /// holds the entries `j` committed.
    fn leader_completeness(&self, s: &RaftState) -> bool {
        self.pairs().all(|(i, j)| {
            let (u, w) = (usize::from(i), usize::from(j));
            if s.state[u] != Role::Leader || s.current_term[u] <= s.current_term[w] {
                return true;
            }
            let committed = usize::from(s.commit_index[w]);
            let (leader, other) = (s.log(i), s.log(j));
            committed <= other.len() && committed <= leader.len() && leader[..committed] == other[..committed]
        })
    }

    /// `StateMachineSafety`: no two servers apply different entries at one index.
    fn state_machine_safety(&self, s: &RaftState) -> bool {
        self.pairs().all(|(i, j)| {
            let both = usize::from(s.commit_index[usize::from(i)].min(s.commit_index[usize::from(j)]));
            let (a, b) = (s.log(i), s.log(j));
            both <= a.len() && both <= b.len() && a[..both] == b[..both]
        })
    }

    /// Every ordered pair of distinct servers.
    fn pairs(&self) -> impl Iterator<Item = (ServerId, ServerId)> + '_ {
        self.servers().flat_map(move |i| self.servers().filter(move |&j| j != i).map(move |j| (i, j)))
    }

    /// Whether some server is a leader.
    fn has_leader(&self, s: &RaftState) -> bool {
        self.servers().any(|i| s.state[usize::from(i)] == Role::Leader)
    }
}

/// The image of `s` when server `i` is renamed `p[i]`.
fn permute(s: &RaftState, p: &[ServerId], n: usize) -> RaftState {
    let mut t = *s;
    let set = |bits: u8| (0..n).filter(|&k| bits >> k & 1 != 0).fold(0u8, |b, k| b | 1 << p[k]);
    for u in 0..n {
        let v = usize::from(p[u]);
        t.current_term[v] = s.current_term[u];
        t.state[v] = s.state[u];
        t.voted_for[v] = if s.voted_for[u] == NIL { NIL } else { p[usize::from(s.voted_for[u])] };
        t.log[v] = s.log[u];
        t.log_len[v] = s.log_len[u];
        t.commit_index[v] = s.commit_index[u];
        t.votes_responded[v] = set(s.votes_responded[u]);
        t.votes_granted[v] = set(s.votes_granted[u]);
        for (w, &image) in p.iter().enumerate().take(n) {
            t.next_index[v][usize::from(image)] = s.next_index[u][w];
            t.match_index[v][usize::from(image)] = s.match_index[u][w];
        }
    }
    t.set_bag(s.bag().map(|(m, c)| (m.renamed(p[usize::from(m.source())], p[usize::from(m.dest())]), c)).collect());
    t
}

impl Model for Raft {
    type State = RaftState;
    type Action = RaftAction;

    /// `Init`: every server a follower of term 1 with an empty log, no messages.
    fn init(&self, states: &mut Vec<RaftState>) {
        states.push(RaftState::init(self.server.len()));
    }

    /// `Next`, disjunct by disjunct in the order of `raft.tla`.
    fn next(&self, s: &RaftState, steps: &mut Vec<(RaftAction, RaftState)>) {
        for i in self.servers() {
            if self.restart {
                steps.push((RaftAction::Restart(i), self.restart(s, i)));
            }
        }
        for i in self.servers() {
            self.timeout(s, i, steps);
        }
        for i in self.servers() {
            let u = usize::from(i);
            if s.state[u] != Role::Candidate {
                continue;
            }
            for j in self.servers() {
                if s.votes_responded[u] >> j & 1 == 0 {
                    let mut t = *s;
                    t.send(Message::request_vote_request(s.current_term[u], s.last_term(i), s.log_len[u], i, j));
                    steps.push((RaftAction::RequestVote(i, j), t));
                }
            }
        }
        for i in self.servers() {
            let u = usize::from(i);
            if s.state[u] == Role::Candidate && self.is_quorum(s.votes_granted[u]) {
                let mut t = *s;
                t.state[u] = Role::Leader;
                let n = self.server.len();
                t.next_index[u][..n].fill(s.log_len[u] + 1);
                t.match_index[u][..n].fill(0);
                steps.push((RaftAction::BecomeLeader(i), t));
            }
        }
        for i in self.servers() {
            let u = usize::from(i);
            if s.state[u] != Role::Leader {
                continue;
            }
            for v in 0..self.value.len() as ValueId {
                let mut t = *s;
                let len = usize::from(s.log_len[u]);
                assert!(len < LOG_MAX, "logs are bounded: name CONSTRAINT BoundedLogs");
                t.log[u][len] = Entry::new(s.current_term[u], v);
                t.log_len[u] += 1;
                steps.push((RaftAction::ClientRequest(i, v), t));
            }
        }
        for i in self.servers() {
            let u = usize::from(i);
            if s.state[u] == Role::Leader {
                let mut t = *s;
                t.commit_index[u] = self.new_commit_index(s, i);
                steps.push((RaftAction::AdvanceCommitIndex(i), t));
            }
        }
        for i in self.servers() {
            if s.state[usize::from(i)] != Role::Leader {
                continue;
            }
            for j in self.servers().filter(|&j| j != i) {
                let mut t = *s;
                t.send(self.append_entries_message(s, i, j));
                steps.push((RaftAction::AppendEntries(i, j), t));
            }
        }
        for (m, _) in s.bag() {
            self.receive(s, m, steps);
        }
        if self.duplicate {
            for (m, _) in s.bag() {
                let mut t = *s;
                t.send(m);
                steps.push((RaftAction::DuplicateMessage(m), t));
            }
        }
        if self.drop {
            for (m, _) in s.bag() {
                let mut t = *s;
                t.discard(m);
                steps.push((RaftAction::DropMessage(m), t));
            }
        }
    }

    fn action_name(&self, action: &RaftAction) -> &'static str {
        match action {
            RaftAction::Restart(_) => "Restart",
            RaftAction::Timeout(_) => "Timeout",
            RaftAction::RequestVote(..) => "RequestVote",
            RaftAction::BecomeLeader(_) => "BecomeLeader",
            RaftAction::ClientRequest(..) => "ClientRequest",
            RaftAction::AdvanceCommitIndex(_) => "AdvanceCommitIndex",
            RaftAction::AppendEntries(..) => "AppendEntries",
            RaftAction::UpdateTerm(_) => "UpdateTerm",
            RaftAction::HandleRequestVoteRequest(_) => "HandleRequestVoteRequest",
            RaftAction::HandleRequestVoteResponse(_) => "HandleRequestVoteResponse",
            RaftAction::HandleAppendEntriesRequest(_) => "HandleAppendEntriesRequest",
            RaftAction::HandleAppendEntriesResponse(_) => "HandleAppendEntriesResponse",
            RaftAction::DropStaleResponse(_) => "DropStaleResponse",
            RaftAction::DuplicateMessage(_) => "DuplicateMessage",
            RaftAction::DropMessage(_) => "DropMessage",
        }
    }

    /// In the order of `Next`, with `Receive` split into its handlers; the
    /// network actions only when the constants include them.
    fn action_names(&self) -> Vec<&'static str> {
        ACTION_NAMES
            .iter()
            .copied()
            .filter(|name| match *name {
                "Restart" => self.restart,
                "DuplicateMessage" => self.duplicate,
                "DropMessage" => self.drop,
                "ClientRequest" => !self.value.is_empty(),
                _ => true,
            })
            .collect()
    }

    fn format_action(&self, action: &RaftAction) -> String {
        self.action_label(action)
    }

    fn action_parameters(&self, action: &RaftAction) -> Vec<(&'static str, Value)> {
        self.parameters(action)
    }

    /// One lifeline per server.
    fn nodes(&self, _: &RaftState) -> Vec<String> {
        self.server.clone()
    }

    fn step_messages(&self, from: &RaftState, action: &RaftAction, to: &RaftState) -> StepMessages {
        self.chart_step(from, action, to)
    }

    fn variables(&self, s: &RaftState) -> Vec<(&'static str, Value)> {
        let per_server = |f: &dyn Fn(ServerId) -> Value| {
            Value::map(self.servers().map(|i| (Value::model_value(self.server_name(i)), f(i))))
        };
        let int = |x: u8| Value::Int(i64::from(x));
        let set = |bits: u8| {
            Value::set(self.servers().filter(|&k| bits >> k & 1 != 0).map(|k| Value::model_value(self.server_name(k))))
        };
        let u = usize::from;
        vec![
            ("messages", Value::map(s.bag().map(|(m, c)| (self.message_value(m), Value::Int(i64::from(c)))))),
            ("currentTerm", per_server(&|i| int(s.current_term[u(i)]))),
            ("state", per_server(&|i| Value::model_value(s.state[u(i)].name()))),
            (
                "votedFor",
                per_server(&|i| match s.voted_for[u(i)] {
                    NIL => Value::model_value("Nil"),
                    j => Value::model_value(self.server_name(j)),
                }),
            ),
            ("log", per_server(&|i| Value::Seq(s.log(i).iter().map(|&e| self.entry_value(e)).collect()))),
            ("commitIndex", per_server(&|i| int(s.commit_index[u(i)]))),
            ("votesResponded", per_server(&|i| set(s.votes_responded[u(i)]))),
            ("votesGranted", per_server(&|i| set(s.votes_granted[u(i)]))),
            ("nextIndex", per_server(&|i| per_server(&|j| int(s.next_index[u(i)][u(j)])))),
            ("matchIndex", per_server(&|i| per_server(&|j| int(s.match_index[u(i)][u(j)])))),
        ]
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("TypeOK", |m, s| m.type_ok(s)),
            Invariant::state("ElectionSafety", |m, s| m.election_safety(s)),
            Invariant::state("LogMatching", |m, s| m.log_matching(s)),
            Invariant::state("LeaderCompleteness", |m, s| m.leader_completeness(s)),
            Invariant::state("StateMachineSafety", |m, s| m.state_machine_safety(s)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            // Fails without Timeouts = "Staggered": split votes; see the module docs.
            Property::eventually("EventuallyLeader", |m, s| m.has_leader(s)),
            // Without a reachable commit, the safety invariants could hold because nothing is committed.
            Property::sometimes("SomeCommitted", |m, s: &RaftState| {
                m.servers().any(|i| s.commit_index[usize::from(i)] > 0)
            }),
        ]
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![
            Constraint::state("BoundedTerms", |m, s: &RaftState| {
                m.servers().all(|i| s.current_term[usize::from(i)] <= m.max_term)
            }),
            Constraint::state("BoundedLogs", |m, s: &RaftState| {
                m.servers().all(|i| s.log_len[usize::from(i)] <= m.max_log_length)
            }),
            Constraint::state("BoundedMessages", |m, s: &RaftState| s.in_flight() <= m.max_messages),
        ]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![Symmetry::permutations("Server", vec![self.server.clone()], |m: &Raft, s, p| {
            permute(s, p.set(0), m.server.len())
        })]
    }
}
