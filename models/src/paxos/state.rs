//! The state of `Paxos.tla` packed for speed: the set `msgs` as a bit set over
//! a fixed universe of messages, and the per-acceptor variables as fixed arrays.
//!
//! `Message` in `Paxos.tla` is infinite (ballots are `Nat`), but with ballots
//! bounded to `0..MaxBallot` only finitely many messages can ever be sent:
//! - `[type |-> "1a", bal |-> b]`, one per ballot;
//! - `[type |-> "1b", acc |-> a, bal |-> b, mbal |-> c, mval |-> v]`, where
//!   `<<c, v>>` is `a`'s last vote when it promised `b`: `<<-1, None>>` or a vote
//!   in a ballot `c < b` (an acceptor votes only at or below what it promised,
//!   and promises only above that, so `maxVBal[a] <= maxBal[a] < b`);
//! - `[type |-> "2a", bal |-> b, val |-> v]`;
//! - `[type |-> "2b", acc |-> a, bal |-> b, val |-> v]`.
//!
//! [`Layout`] numbers these messages, which fixes one bit per message, so two
//! states with the same TLA+ `msgs` have the same bits whatever the order the
//! messages were sent in.

use std::fmt;
use std::hash::{Hash, Hasher};

/// The index of an acceptor in `0..n`, the position of its model value in the
/// sorted set `Acceptor`.
pub type AcceptorId = u8;
/// A ballot number in `0..=MaxBallot`.
pub type Ballot = u8;
/// The index of a value in `0..n`, the position of its model value in the
/// sorted set `Value`.
pub type ValueId = u8;

/// The most acceptors a state holds: the per-acceptor arrays have this many slots.
pub const ACCEPTOR_MAX: usize = 5;
/// The most values a model may have.
pub const VALUE_MAX: usize = 4;
/// The size of the message universe a state can hold: the bits of `msgs`.
pub const MESSAGE_MAX: u32 = 128;

/// A message of `Paxos.tla`'s `Message`, with acceptors, ballots and values as
/// indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Message {
    /// `[type |-> "1a", bal |-> bal]`: a leader begins ballot `bal`.
    OneA {
        /// `bal`.
        bal: Ballot,
    },
    /// `[type |-> "1b", acc |-> acc, bal |-> bal, mbal |-> .., mval |-> ..]`:
    /// `acc` promises `bal` and reports its last vote, `None` for
    /// `<<-1, None>>`.
    OneB {
        /// `acc`.
        acc: AcceptorId,
        /// `bal`.
        bal: Ballot,
        /// `<<mbal, mval>>`, or `None` for `mbal = -1, mval = None`.
        vote: Option<(Ballot, ValueId)>,
    },
    /// `[type |-> "2a", bal |-> bal, val |-> val]`: the leader of `bal` asks
    /// the acceptors to vote for `val`.
    TwoA {
        /// `bal`.
        bal: Ballot,
        /// `val`.
        val: ValueId,
    },
    /// `[type |-> "2b", acc |-> acc, bal |-> bal, val |-> val]`: `acc` votes
    /// for `val` in `bal`.
    TwoB {
        /// `acc`.
        acc: AcceptorId,
        /// `bal`.
        bal: Ballot,
        /// `val`.
        val: ValueId,
    },
}

/// Where each message lives in the bit set `msgs`. In order: the 1a messages
/// by ballot; the 1b messages by acceptor, then ballot, then reported vote
/// (`<<-1, None>>` first, then `<<c, v>>` by `c`, then `v`); the 2a messages by
/// ballot, then value; the 2b messages by acceptor, ballot, value.
///
/// Ordering a 1b message's reported votes by ballot means the highest set bit
/// of an acceptor's 1b messages for a ballot is its highest reported vote,
/// which is what `Phase2a` looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `Cardinality(Acceptor)`.
    pub acceptors: u32,
    /// `Cardinality(Value)`.
    pub values: u32,
    /// `MaxBallot + 1`, the number of ballots.
    pub ballots: u32,
    /// The first 1b message's bit.
    base_1b: u32,
    /// The 1b messages of one acceptor.
    per_acceptor_1b: u32,
    /// The first 2a message's bit.
    base_2a: u32,
    /// The first 2b message's bit.
    base_2b: u32,
    /// Every message: bits `0..size` of `msgs`.
    pub size: u32,
    /// The message at each bit, worked out once: [`Layout::message`] runs
    /// for every message of every state that an invariant or a trace looks at.
    decoded: Vec<Message>,
}

/// The mask of bits `0..n`, for `n` up to 128.
#[inline]
pub fn low_bits(n: u32) -> u128 {
    if n >= 128 {
        u128::MAX
    } else {
        (1u128 << n) - 1
    }
}

impl Layout {
    /// The layout for `acceptors` acceptors, `values` values and ballots
    /// `0..ballots`, whatever its size; [`Layout::size`] says whether it fits
    /// in [`MESSAGE_MAX`] bits.
    pub fn new(acceptors: u32, values: u32, ballots: u32) -> Layout {
        // Acceptor a's 1b messages for ballot b report <<-1, None>> or one of the
        // b * values votes below b.
        let per_acceptor_1b = (0..ballots).map(|b| 1 + b * values).sum::<u32>();
        let base_1b = ballots;
        let base_2a = base_1b + acceptors * per_acceptor_1b;
        let base_2b = base_2a + ballots * values;
        let size = base_2b + acceptors * ballots * values;
        let mut layout = Layout {
            acceptors,
            values,
            ballots,
            base_1b,
            per_acceptor_1b,
            base_2a,
            base_2b,
            size,
            decoded: Vec::new(),
        };
        // Only layouts that fit are used for states; a larger one is built to
        // report its size, and needs no table.
        if size <= MESSAGE_MAX {
            layout.decoded = (0..size).map(|bit| layout.decode(bit)).collect();
        }
        layout
    }

    /// `[type |-> "1a", bal |-> b]`.
    #[inline]
    pub fn one_a(&self, b: Ballot) -> u32 {
        u32::from(b)
    }

    /// The 1a messages of every ballot.
    #[inline]
    pub fn one_a_mask(&self) -> u128 {
        low_bits(self.ballots)
    }

    /// The first bit of acceptor `a`'s 1b messages for ballot `b`: the one
    /// reporting no vote. [`Layout::one_b_count`] bits follow it.
    #[inline]
    pub fn one_b_base(&self, a: AcceptorId, b: Ballot) -> u32 {
        let (a, b) = (u32::from(a), u32::from(b));
        // The ballots before b take b bits for "no vote" and values * (0 + 1 + ... + b-1) for votes.
        self.base_1b + a * self.per_acceptor_1b + b + self.values * b * b.saturating_sub(1) / 2
    }

    /// How many 1b messages an acceptor can send for ballot `b`.
    #[inline]
    pub fn one_b_count(&self, b: Ballot) -> u32 {
        1 + u32::from(b) * self.values
    }

    /// The offset of a reported vote among an acceptor's 1b messages for one
    /// ballot: 0 for `<<-1, None>>`, `1 + c * values + v` for `<<c, v>>`.
    #[inline]
    pub fn vote_offset(&self, vote: Option<(Ballot, ValueId)>) -> u32 {
        match vote {
            None => 0,
            Some((c, v)) => 1 + u32::from(c) * self.values + u32::from(v),
        }
    }

    /// `[type |-> "2a", bal |-> b, val |-> v]`.
    #[inline]
    pub fn two_a(&self, b: Ballot, v: ValueId) -> u32 {
        self.base_2a + u32::from(b) * self.values + u32::from(v)
    }

    /// The 2a messages of ballots `b..` (those at or above `b`), as bits of `msgs`.
    #[inline]
    pub fn two_a_from(&self, b: Ballot) -> u128 {
        let first = u32::from(b) * self.values;
        (low_bits(self.ballots * self.values) & !low_bits(first)) << self.base_2a
    }

    /// The ballot and value of the 2a message at `bit`.
    #[inline]
    pub fn two_a_of(&self, bit: u32) -> (Ballot, ValueId) {
        debug_assert!((self.base_2a..self.base_2b).contains(&bit), "bit {bit} is not a 2a message");
        let offset = bit - self.base_2a;
        ((offset / self.values) as Ballot, (offset % self.values) as ValueId)
    }

    /// The 2a messages of ballot `b`.
    #[inline]
    pub fn two_a_at(&self, b: Ballot) -> u128 {
        low_bits(self.values) << self.two_a(b, 0)
    }

    /// `[type |-> "2b", acc |-> a, bal |-> b, val |-> v]`.
    #[inline]
    pub fn two_b(&self, a: AcceptorId, b: Ballot, v: ValueId) -> u32 {
        self.base_2b + (u32::from(a) * self.ballots + u32::from(b)) * self.values + u32::from(v)
    }

    /// Every 2b message: the votes.
    #[inline]
    pub fn two_b_mask(&self) -> u128 {
        low_bits(self.acceptors * self.ballots * self.values) << self.base_2b
    }

    /// The bit of a message. Panics on a message outside the universe (a 1b
    /// message reporting a vote at or above its own ballot, or an index out of
    /// range): no action sends one.
    pub fn bit(&self, m: Message) -> u32 {
        let in_range = |a: Option<AcceptorId>, b: Ballot, v: Option<ValueId>| {
            a.is_none_or(|a| u32::from(a) < self.acceptors)
                && u32::from(b) < self.ballots
                && v.is_none_or(|v| u32::from(v) < self.values)
        };
        let bit = match m {
            Message::OneA { bal } => in_range(None, bal, None).then(|| self.one_a(bal)),
            Message::OneB { acc, bal, vote } => {
                let vote_ok = vote.is_none_or(|(c, v)| c < bal && u32::from(v) < self.values);
                (in_range(Some(acc), bal, None) && vote_ok).then(|| self.one_b_base(acc, bal) + self.vote_offset(vote))
            }
            Message::TwoA { bal, val } => in_range(None, bal, Some(val)).then(|| self.two_a(bal, val)),
            Message::TwoB { acc, bal, val } => in_range(Some(acc), bal, Some(val)).then(|| self.two_b(acc, bal, val)),
        };
        bit.unwrap_or_else(|| panic!("{m:?} is not a message of this Paxos instance"))
    }

    /// The message at a bit in `0..size`.
    #[inline]
    pub fn message(&self, bit: u32) -> Message {
        assert!(bit < self.size, "bit {bit} is outside the {} messages", self.size);
        self.decoded[bit as usize]
    }

    /// [`Layout::message`], worked out from the offsets.
    fn decode(&self, bit: u32) -> Message {
        let small = |x: u32| x as u8;
        if bit < self.base_1b {
            Message::OneA { bal: small(bit) }
        } else if bit < self.base_2a {
            let offset = bit - self.base_1b;
            let acc = offset / self.per_acceptor_1b;
            let mut rest = offset % self.per_acceptor_1b;
            let mut bal = 0;
            while rest > bal * self.values {
                rest -= 1 + bal * self.values;
                bal += 1;
            }
            let vote = (rest > 0).then(|| (small((rest - 1) / self.values), small((rest - 1) % self.values)));
            Message::OneB { acc: small(acc), bal: small(bal), vote }
        } else if bit < self.base_2b {
            let offset = bit - self.base_2a;
            Message::TwoA { bal: small(offset / self.values), val: small(offset % self.values) }
        } else {
            let offset = bit - self.base_2b;
            let (acc_bal, val) = (offset / self.values, offset % self.values);
            Message::TwoB { acc: small(acc_bal / self.ballots), bal: small(acc_bal % self.ballots), val: small(val) }
        }
    }

    /// The messages in a bit set, in bit order.
    pub fn messages(&self, msgs: u128) -> impl Iterator<Item = Message> + '_ {
        bits(msgs).map(|bit| self.message(bit))
    }
}

/// The set bits of `x`, lowest first.
#[inline]
pub fn bits(mut x: u128) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        (x != 0).then(|| {
            let bit = x.trailing_zeros();
            x &= x - 1;
            bit
        })
    })
}

/// A state of `Paxos.tla`: `maxBal`, `maxVBal`, `maxVal` and `msgs`.
///
/// 32 bytes, `Copy`, no allocation. Acceptor `a`'s variables are in slot `a`
/// of each array; the slots of acceptors outside `Acceptor` hold the initial
/// values (-1), which `TypeOK` checks.
/// - `max_bal[a]` is `maxBal[a]`, in `-1..=MaxBallot`;
/// - `max_vbal[a]` is `maxVBal[a]`, in `-1..=MaxBallot`;
/// - `max_val[a]` is `maxVal[a]`: -1 for `None`, else a value index;
/// - bit `i` of `msgs` is set iff message `i` of the [`Layout`] is in `msgs`.
///
/// The derived order (and so the symmetry's choice of representative) compares
/// `msgs` first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct PaxosState {
    pub(super) msgs: u128,
    pub(super) max_bal: [i8; ACCEPTOR_MAX],
    pub(super) max_vbal: [i8; ACCEPTOR_MAX],
    pub(super) max_val: [i8; ACCEPTOR_MAX],
}

// The state stays two words of messages and 15 bytes of acceptors.
const _: () = assert!(std::mem::size_of::<PaxosState>() == 32);

impl Hash for PaxosState {
    /// Two 128-bit words, the messages and the acceptors' 15 bytes, instead of
    /// the derived field-by-field hash: fingerprinting every generated state is
    /// a large part of a search.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut acceptors = [0u8; 16];
        for a in 0..ACCEPTOR_MAX {
            acceptors[a] = self.max_bal[a] as u8;
            acceptors[ACCEPTOR_MAX + a] = self.max_vbal[a] as u8;
            acceptors[2 * ACCEPTOR_MAX + a] = self.max_val[a] as u8;
        }
        state.write_u128(self.msgs);
        state.write_u128(u128::from_le_bytes(acceptors));
    }
}

impl PaxosState {
    /// `Init`: every acceptor at `-1, -1, None` and no message sent.
    pub const INIT: PaxosState =
        PaxosState { msgs: 0, max_bal: [-1; ACCEPTOR_MAX], max_vbal: [-1; ACCEPTOR_MAX], max_val: [-1; ACCEPTOR_MAX] };

    /// The state with these variables: per acceptor `(maxBal[a], maxVBal[a],
    /// maxVal[a])` with -1 for `-1` and `None`, and the messages in `msgs`.
    pub fn new(layout: &Layout, acceptors: &[(i8, i8, i8)], msgs: impl IntoIterator<Item = Message>) -> PaxosState {
        assert!(acceptors.len() <= ACCEPTOR_MAX, "a Paxos state holds at most {ACCEPTOR_MAX} acceptors");
        let mut s = PaxosState::INIT;
        for (a, &(bal, vbal, val)) in acceptors.iter().enumerate() {
            (s.max_bal[a], s.max_vbal[a], s.max_val[a]) = (bal, vbal, val);
        }
        for m in msgs {
            s.msgs |= 1 << layout.bit(m);
        }
        s
    }

    /// `maxBal[a]`.
    #[inline]
    pub fn max_bal(&self, a: AcceptorId) -> i8 {
        self.max_bal[usize::from(a)]
    }

    /// `maxVBal[a]`.
    #[inline]
    pub fn max_vbal(&self, a: AcceptorId) -> i8 {
        self.max_vbal[usize::from(a)]
    }

    /// `maxVal[a]`, `None` for TLA+'s `None`.
    #[inline]
    pub fn max_val(&self, a: AcceptorId) -> Option<ValueId> {
        u8::try_from(self.max_val[usize::from(a)]).ok()
    }

    /// `msgs` as a bit set over the [`Layout`].
    #[inline]
    pub fn msgs(&self) -> u128 {
        self.msgs
    }

    /// Whether a message (by its bit) is in `msgs`.
    #[inline]
    pub fn has(&self, bit: u32) -> bool {
        self.msgs >> bit & 1 != 0
    }

    /// `Send(m)`: `msgs' = msgs \cup {m}`, by the message's bit.
    #[inline]
    pub(super) fn sent(mut self, bit: u32) -> PaxosState {
        self.msgs |= 1 << bit;
        self
    }
}

impl fmt::Debug for PaxosState {
    /// The packed fields; traces use `Model::variables` instead, which names
    /// acceptors and values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PaxosState {{ msgs: {:#x}, maxBal: {:?}, maxVBal: {:?}, maxVal: {:?} }}",
            self.msgs, self.max_bal, self.max_vbal, self.max_val
        )
    }
}
