//! The state of `raft.tla` packed for speed: per-server variables as small
//! fixed arrays, logs as arrays of one-byte entries, and the bag `messages`
//! as a sorted array of packed messages with their counts.
//!
//! Every field has one representation per TLA+ value: slots past the number
//! of servers, past a log's length and past the bag's last message are zero,
//! and the bag is sorted by message. So two states are equal (and hash
//! equally) exactly when their TLA+ values are.

/// The index of a server in `0..n`, the position of its model value in the
/// sorted set `Server`.
pub type ServerId = u8;
/// The index of a value in `0..n`, the position of its model value in the
/// sorted set `Value`.
pub type ValueId = u8;
/// A term. Terms start at 1 and only `Timeout` raises them.
pub type Term = u8;

/// The most servers a state holds.
pub const SERVER_MAX: usize = 5;
/// The most values a model may have: an entry keeps its value in two bits.
pub const VALUE_MAX: usize = 4;
/// The longest log a state holds: `MaxLogLength` plus the one entry a step may
/// add past it before the constraint stops the search.
pub const LOG_MAX: usize = 5;
/// The most distinct messages the bag holds: `MaxMessages` plus the one
/// message a step may add past it.
pub const BAG_MAX: usize = 12;
/// The largest `MaxTerm`: a term must fit in an entry's six bits, and a
/// `Timeout` may go one past it.
pub const TERM_MAX: Term = 15;

/// `Nil`, for `votedFor`.
pub const NIL: ServerId = u8::MAX;

/// `state[i]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[repr(u8)]
pub enum Role {
    /// `Follower`, the initial state.
    Follower = 0,
    /// `Candidate`, after a `Timeout`.
    Candidate = 1,
    /// `Leader`, after `BecomeLeader`.
    Leader = 2,
}

impl Role {
    /// The model value `raft.tla` uses.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "Follower",
            Role::Candidate => "Candidate",
            Role::Leader => "Leader",
        }
    }
}

/// A log entry `[term |-> t, value |-> v]`, packed as `t << 2 | v`. Terms are
/// at least 1, so no entry is 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Entry(pub u8);

impl Entry {
    /// `[term |-> term, value |-> value]`.
    pub fn new(term: Term, value: ValueId) -> Entry {
        debug_assert!((1..64).contains(&term) && usize::from(value) < VALUE_MAX);
        Entry(term << 2 | value)
    }
    /// `.term`.
    pub fn term(self) -> Term {
        self.0 >> 2
    }
    /// `.value`.
    pub fn value(self) -> ValueId {
        self.0 & 3
    }
}

/// The four message types of `raft.tla`, in the order the spec declares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[repr(u8)]
pub enum MessageType {
    /// `RequestVoteRequest`: `mlastLogTerm`, `mlastLogIndex`.
    RequestVoteRequest = 0,
    /// `RequestVoteResponse`: `mvoteGranted`.
    RequestVoteResponse = 1,
    /// `AppendEntriesRequest`: `mprevLogIndex`, `mprevLogTerm`, `mentries`
    /// (zero or one entry), `mcommitIndex`.
    AppendEntriesRequest = 2,
    /// `AppendEntriesResponse`: `msuccess`, `mmatchIndex`.
    AppendEntriesResponse = 3,
}

/// A message record packed into the low 60 bits of a `u64`: type, `mterm`,
/// `msource`, `mdest`, then up to four type-specific byte fields `a`..`d`
/// (see [`MessageType`]). Ordering by the packed value is a total order that
/// keeps the bag canonical.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Message(pub u64);

impl Message {
    fn pack(kind: MessageType, term: Term, source: ServerId, dest: ServerId, fields: [u8; 4]) -> Message {
        debug_assert!(usize::from(source) < SERVER_MAX && usize::from(dest) < SERVER_MAX);
        let mut m = (kind as u64) << 58 | u64::from(term) << 50 | u64::from(source) << 46 | u64::from(dest) << 42;
        for (k, f) in fields.iter().enumerate() {
            m |= u64::from(*f) << (34 - 8 * k);
        }
        Message(m)
    }

    /// `[mtype |-> RequestVoteRequest, ...]`.
    pub fn request_vote_request(term: Term, last_log_term: Term, last_log_index: u8, i: ServerId, j: ServerId) -> Self {
        Self::pack(MessageType::RequestVoteRequest, term, i, j, [last_log_term, last_log_index, 0, 0])
    }
    /// `[mtype |-> RequestVoteResponse, ...]`.
    pub fn request_vote_response(term: Term, granted: bool, i: ServerId, j: ServerId) -> Self {
        Self::pack(MessageType::RequestVoteResponse, term, i, j, [u8::from(granted), 0, 0, 0])
    }
    /// `[mtype |-> AppendEntriesRequest, ...]`; `entry` is `mentries`, empty or one entry.
    pub fn append_entries_request(
        term: Term,
        prev_log_index: u8,
        prev_log_term: Term,
        entry: Option<Entry>,
        commit_index: u8,
        i: ServerId,
        j: ServerId,
    ) -> Self {
        let e = entry.map_or(0, |e| e.0);
        Self::pack(MessageType::AppendEntriesRequest, term, i, j, [prev_log_index, prev_log_term, e, commit_index])
    }
    /// `[mtype |-> AppendEntriesResponse, ...]`.
    pub fn append_entries_response(term: Term, success: bool, match_index: u8, i: ServerId, j: ServerId) -> Self {
        Self::pack(MessageType::AppendEntriesResponse, term, i, j, [u8::from(success), match_index, 0, 0])
    }

    /// `mtype`.
    pub fn kind(self) -> MessageType {
        match self.0 >> 58 & 3 {
            0 => MessageType::RequestVoteRequest,
            1 => MessageType::RequestVoteResponse,
            2 => MessageType::AppendEntriesRequest,
            _ => MessageType::AppendEntriesResponse,
        }
    }
    /// `mterm`.
    pub fn term(self) -> Term {
        (self.0 >> 50) as u8
    }
    /// `msource`.
    pub fn source(self) -> ServerId {
        (self.0 >> 46 & 15) as u8
    }
    /// `mdest`.
    pub fn dest(self) -> ServerId {
        (self.0 >> 42 & 15) as u8
    }
    /// Type-specific field `k` (0..4).
    pub fn field(self, k: u32) -> u8 {
        (self.0 >> (34 - 8 * k)) as u8
    }
    /// `mlastLogTerm`, `mvoteGranted`, `mprevLogIndex` or `msuccess`.
    pub fn a(self) -> u8 {
        self.field(0)
    }
    /// `mlastLogIndex`, `mprevLogTerm` or `mmatchIndex`.
    pub fn b(self) -> u8 {
        self.field(1)
    }
    /// `mentries` of an AppendEntries request.
    pub fn entry(self) -> Option<Entry> {
        Some(self.field(2)).filter(|&e| e != 0).map(Entry)
    }
    /// `mcommitIndex` of an AppendEntries request.
    pub fn commit_index(self) -> u8 {
        self.field(3)
    }
    /// The same message with source and destination renamed.
    pub fn renamed(self, source: ServerId, dest: ServerId) -> Message {
        Message(self.0 & !(0xff << 42) | u64::from(source) << 46 | u64::from(dest) << 42)
    }
}

/// The variables of `raft.tla` (without the history variables), one slot per
/// server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct RaftState {
    /// `currentTerm[i]`, at least 1.
    pub current_term: [Term; SERVER_MAX],
    /// `state[i]`.
    pub state: [Role; SERVER_MAX],
    /// `votedFor[i]`: a server or [`NIL`].
    pub voted_for: [ServerId; SERVER_MAX],
    /// `log[i]`: the first `log_len[i]` entries; the rest are zero.
    pub log: [[Entry; LOG_MAX]; SERVER_MAX],
    /// `Len(log[i])`.
    pub log_len: [u8; SERVER_MAX],
    /// `commitIndex[i]`.
    pub commit_index: [u8; SERVER_MAX],
    /// `votesResponded[i]`, bit `j` for server `j`.
    pub votes_responded: [u8; SERVER_MAX],
    /// `votesGranted[i]`, bit `j` for server `j`.
    pub votes_granted: [u8; SERVER_MAX],
    /// `nextIndex[i][j]`, at least 1 for servers in use.
    pub next_index: [[u8; SERVER_MAX]; SERVER_MAX],
    /// `matchIndex[i][j]`.
    pub match_index: [[u8; SERVER_MAX]; SERVER_MAX],
    /// `messages`: slots `message << 4 | count`, sorted, count >= 1, then zeros.
    /// A message whose count drops to 0 leaves the bag (see the module docs).
    pub messages: [u64; BAG_MAX],
}

impl RaftState {
    /// `Init` for `n` servers.
    pub fn init(n: usize) -> RaftState {
        let mut s = RaftState {
            current_term: [0; SERVER_MAX],
            state: [Role::Follower; SERVER_MAX],
            voted_for: [NIL; SERVER_MAX],
            log: [[Entry(0); LOG_MAX]; SERVER_MAX],
            log_len: [0; SERVER_MAX],
            commit_index: [0; SERVER_MAX],
            votes_responded: [0; SERVER_MAX],
            votes_granted: [0; SERVER_MAX],
            next_index: [[0; SERVER_MAX]; SERVER_MAX],
            match_index: [[0; SERVER_MAX]; SERVER_MAX],
            messages: [0; BAG_MAX],
        };
        for i in 0..n {
            s.current_term[i] = 1;
            s.next_index[i][..n].fill(1);
        }
        s
    }

    /// `log[i]` as a slice.
    pub fn log(&self, i: ServerId) -> &[Entry] {
        &self.log[usize::from(i)][..usize::from(self.log_len[usize::from(i)])]
    }

    /// `LastTerm(log[i])`.
    pub fn last_term(&self, i: ServerId) -> Term {
        self.log(i).last().map_or(0, |e| e.term())
    }

    /// The messages in the bag with their counts, in order.
    pub fn bag(&self) -> impl Iterator<Item = (Message, u8)> + '_ {
        self.messages.iter().take_while(|&&slot| slot != 0).map(|&slot| (Message(slot >> 4), (slot & 15) as u8))
    }

    /// `BagCardinality(messages)`: the messages in flight, copies included.
    pub fn in_flight(&self) -> u32 {
        self.bag().map(|(_, c)| u32::from(c)).sum()
    }

    /// `WithMessage(m, messages)`. Panics when the bag is full: the constraint
    /// `BoundedMessages` keeps it from filling.
    pub fn send(&mut self, m: Message) {
        let key = m.0 << 4;
        let mut at = 0;
        while at < BAG_MAX && self.messages[at] != 0 && self.messages[at] >> 4 < m.0 {
            at += 1;
        }
        if at < BAG_MAX && self.messages[at] != 0 && self.messages[at] >> 4 == m.0 {
            assert!(self.messages[at] & 15 < 15, "a message has 15 copies in flight: name CONSTRAINT BoundedMessages");
            self.messages[at] += 1;
            return;
        }
        assert!(
            self.messages[BAG_MAX - 1] == 0,
            "more than {BAG_MAX} distinct messages in flight: name CONSTRAINT BoundedMessages"
        );
        self.messages.copy_within(at..BAG_MAX - 1, at + 1);
        self.messages[at] = key | 1;
    }

    /// `WithoutMessage(m, messages)`, dropping `m` from the bag at count 0.
    pub fn discard(&mut self, m: Message) {
        if let Some(at) = self.messages.iter().position(|&slot| slot != 0 && slot >> 4 == m.0) {
            if self.messages[at] & 15 > 1 {
                self.messages[at] -= 1;
            } else {
                self.messages.copy_within(at + 1.., at);
                self.messages[BAG_MAX - 1] = 0;
            }
        }
    }

    /// Rebuilds the bag from unsorted `(message, count)` pairs.
    pub fn set_bag(&mut self, mut items: Vec<(Message, u8)>) {
        items.sort_unstable();
        self.messages = [0; BAG_MAX];
        for (slot, (m, c)) in self.messages.iter_mut().zip(items) {
            *slot = m.0 << 4 | u64::from(c);
        }
    }
}
