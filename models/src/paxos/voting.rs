//! What is checked about Paxos: `TypeOK`, `Consistency`, the module's `Inv`
//! and the refinement of `Voting.tla`, each written after its TLA+ definition.
//!
//! `Voting.tla` is instantiated as `V == INSTANCE Voting` with the refinement
//! mapping `votes[a] == {<<m.bal, m.val>> : m \in 2b messages from a}` and
//! Paxos's own `maxBal`. Its quorums are split as in Flexible Paxos (see the
//! module docs): `ShowsSafeAt` and `NoneOtherChoosableAt` use the phase-1
//! quorums, `ChosenAt` the phase-2 quorums. With one `Quorum` both are it.
//!
//! These predicates favour being obviously the definitions over speed: they
//! quantify as the TLA+ does, over acceptors, ballots and values.

use super::state::{AcceptorId, Ballot, Message, PaxosState, ValueId, ACCEPTOR_MAX};
use super::{AcceptorSet, Paxos};

impl Paxos {
    /// `VotedFor(a, b, v) == <<b, v>> \in votes[a]`: a 2b message.
    #[inline]
    pub fn voted_for(&self, s: &PaxosState, a: AcceptorId, b: Ballot, v: ValueId) -> bool {
        s.has(self.layout.two_b(a, b, v))
    }

    /// `DidNotVoteAt(a, b) == \A v \in Value : ~ VotedFor(a, b, v)`.
    fn did_not_vote_at(&self, s: &PaxosState, a: AcceptorId, b: Ballot) -> bool {
        self.values().all(|v| !self.voted_for(s, a, b, v))
    }

    /// `CannotVoteAt(a, b) == maxBal[a] > b /\ DidNotVoteAt(a, b)`.
    fn cannot_vote_at(&self, s: &PaxosState, a: AcceptorId, b: Ballot) -> bool {
        s.max_bal(a) > b as i8 && self.did_not_vote_at(s, a, b)
    }

    fn members(q: AcceptorSet) -> impl Iterator<Item = AcceptorId> {
        (0..ACCEPTOR_MAX as AcceptorId).filter(move |a| q >> a & 1 != 0)
    }

    /// `ChosenAt(b, v) == \E Q \in Quorum : \A a \in Q : VotedFor(a, b, v)`,
    /// over the phase-2 quorums.
    pub fn chosen_at(&self, s: &PaxosState, b: Ballot, v: ValueId) -> bool {
        self.quorum2.iter().any(|&q| Self::members(q).all(|a| self.voted_for(s, a, b, v)))
    }

    /// `chosen == {v \in Value : \E b \in Ballot : ChosenAt(b, v)}`, as a set
    /// of value indices (bit `v`).
    ///
    /// Every state is checked against `Consistency`, so this is
    /// [`Paxos::chosen_at`] for all `b` and `v` at once: acceptor `a`'s votes
    /// are a word with bit `b * |Value| + v` for `<<b, v>>` (the layout keeps
    /// them together), and the votes every member of a quorum cast are the
    /// intersection of its members' words.
    pub fn chosen(&self, s: &PaxosState) -> u32 {
        let l = &self.layout;
        if s.msgs & l.two_b_mask() == 0 {
            return 0;
        }
        let width = l.ballots * l.values;
        let mut words = [0u128; ACCEPTOR_MAX];
        for a in self.acceptors() {
            words[usize::from(a)] = (s.msgs >> l.two_b(a, 0, 0)) & super::low_bits(width);
        }
        let mut quorum_votes = 0u128;
        for &q in &self.quorum2 {
            quorum_votes |= Self::members(q).fold(super::low_bits(width), |common, a| common & words[usize::from(a)]);
        }
        super::bits(quorum_votes).fold(0, |chosen, bit| chosen | 1 << (bit % l.values))
    }

    /// `Consistency`: `Cardinality(chosen) <= 1`.
    pub fn consistency(&self, s: &PaxosState) -> bool {
        self.chosen(s).count_ones() <= 1
    }

    /// `TypeOK == /\ maxBal \in [Acceptor -> Ballot \cup {-1}]
    ///            /\ maxVBal \in [Acceptor -> Ballot \cup {-1}]
    ///            /\ maxVal \in [Acceptor -> Value \cup {None}]
    ///            /\ msgs \subseteq Message`.
    ///
    /// Every bit of the layout is a message of `Message`, so what can go wrong
    /// is a variable out of range, a bit outside the layout, or a slot of an
    /// acceptor outside `Acceptor` that is not at its initial value.
    pub fn type_ok(&self, s: &PaxosState) -> bool {
        let ballot = |x: i8| (-1..=self.max_ballot as i8).contains(&x);
        let value = |x: i8| (-1..self.value.len() as i8).contains(&x);
        let n = self.acceptor.len();
        s.msgs & !super::low_bits(self.layout.size) == 0
            && (0..n).all(|a| ballot(s.max_bal[a]) && ballot(s.max_vbal[a]) && value(s.max_val[a]))
            && (n..ACCEPTOR_MAX).all(|a| (s.max_bal[a], s.max_vbal[a], s.max_val[a]) == (-1, -1, -1))
    }

    /// `V!ShowsSafeAt(Q, b, v) ==
    ///    /\ \A a \in Q : maxBal[a] \geq b
    ///    /\ \E c \in -1..(b-1) :
    ///        /\ (c # -1) => \E a \in Q : VotedFor(a, c, v)
    ///        /\ \A d \in (c+1)..(b-1), a \in Q : DidNotVoteAt(a, d)`.
    pub fn shows_safe_at(&self, s: &PaxosState, q: AcceptorSet, b: Ballot, v: ValueId) -> bool {
        Self::members(q).all(|a| s.max_bal(a) >= b as i8)
            && (-1..b as i16).any(|c| {
                (c == -1 || Self::members(q).any(|a| self.voted_for(s, a, c as Ballot, v)))
                    && ((c + 1) as Ballot..b).all(|d| Self::members(q).all(|a| self.did_not_vote_at(s, a, d)))
            })
    }

    /// `V!SafeAt(b, v) == \A c \in 0..(b-1) : NoneOtherChoosableAt(c, v)`, with
    /// `NoneOtherChoosableAt(c, v) == \E Q \in Quorum : \A a \in Q :
    /// VotedFor(a, c, v) \/ CannotVoteAt(a, c)` over the phase-1 quorums.
    fn safe_at(&self, s: &PaxosState, b: Ballot, v: ValueId) -> bool {
        (0..b).all(|c| {
            self.quorum1
                .iter()
                .any(|&q| Self::members(q).all(|a| self.voted_for(s, a, c, v) || self.cannot_vote_at(s, a, c)))
        })
    }

    /// `V!Inv == V!TypeOK /\ VotesSafe /\ OneValuePerBallot`. `V!TypeOK` is
    /// implied by `TypeOK` (votes are 2b messages, `maxBal` is shared).
    fn voting_inv(&self, s: &PaxosState) -> bool {
        // VotesSafe == \A a, b, v : VotedFor(a, b, v) => SafeAt(b, v)
        let votes_safe = self.votes(s).all(|(_, b, v)| self.safe_at(s, b, v));
        // OneValuePerBallot == \A a1, a2, b, v1, v2 :
        //     VotedFor(a1, b, v1) /\ VotedFor(a2, b, v2) => (v1 = v2)
        let one_value_per_ballot =
            self.votes(s).all(|(_, b1, v1)| self.votes(s).all(|(_, b2, v2)| b1 != b2 || v1 == v2));
        votes_safe && one_value_per_ballot
    }

    /// Every vote, `<<a, b, v>>` for each 2b message.
    fn votes<'a>(&'a self, s: &PaxosState) -> impl Iterator<Item = (AcceptorId, Ballot, ValueId)> + 'a {
        self.layout.messages(s.msgs & self.layout.two_b_mask()).map(|m| match m {
            Message::TwoB { acc, bal, val } => (acc, bal, val),
            other => unreachable!("{other:?} is under the 2b mask"),
        })
    }

    /// The module's `Inv`:
    /// ```text
    /// Inv == /\ TypeOK
    ///        /\ \A a \in Acceptor : IF maxVBal[a] = -1
    ///                                 THEN maxVal[a] = None
    ///                                 ELSE <<maxVBal[a], maxVal[a]>> \in votes[a]
    ///        /\ \A m \in msgs :
    ///              /\ (m.type = "1b") => /\ maxBal[m.acc] \geq m.bal
    ///                                    /\ (m.mbal \geq 0) =>
    ///                                         <<m.mbal, m.mval>> \in votes[m.acc]
    ///              /\ (m.type = "2a") => /\ \E Q \in Quorum : V!ShowsSafeAt(Q, m.bal, m.val)
    ///                                    /\ \A mm \in msgs : /\ mm.type = "2a"
    ///                                                        /\ mm.bal = m.bal
    ///                                                        => mm.val = m.val
    ///        /\ V!Inv
    /// ```
    pub fn inv(&self, s: &PaxosState) -> bool {
        let last_votes_cast = self.acceptors().all(|a| match u8::try_from(s.max_vbal(a)) {
            Err(_) => s.max_val(a).is_none(),
            Ok(c) => s.max_val(a).is_some_and(|v| self.voted_for(s, a, c, v)),
        });
        let messages = self.layout.messages(s.msgs).all(|m| match m {
            Message::OneB { acc, bal, vote } => {
                s.max_bal(acc) >= bal as i8 && vote.is_none_or(|(c, v)| self.voted_for(s, acc, c, v))
            }
            Message::TwoA { bal, val } => {
                self.quorum1.iter().any(|&q| self.shows_safe_at(s, q, bal, val))
                    && self.layout.messages(s.msgs).all(|mm| match mm {
                        Message::TwoA { bal: other, val: w } => other != bal || w == val,
                        _ => true,
                    })
            }
            Message::OneA { .. } | Message::TwoB { .. } => true,
        });
        self.type_ok(s) && last_votes_cast && messages && self.voting_inv(s)
    }

    /// `[V!Next]_<<votes, maxBal>>` on one step, the refinement `Spec => V!Spec`:
    /// ```text
    /// IncreaseMaxBal(a, b) == /\ b > maxBal[a]
    ///                         /\ maxBal' = [maxBal EXCEPT ![a] = b]
    ///                         /\ UNCHANGED votes
    /// VoteFor(a, b, v) == /\ maxBal[a] \leq b
    ///                     /\ \A vt \in votes[a] : vt[1] # b
    ///                     /\ \A c \in Acceptor \ {a} :
    ///                          \A vt \in votes[c] : (vt[1] = b) => (vt[2] = v)
    ///                     /\ \E Q \in Quorum : ShowsSafeAt(Q, b, v)
    ///                     /\ votes' = [votes EXCEPT ![a] = @ \cup {<<b, v>>}]
    ///                     /\ maxBal' = [maxBal EXCEPT ![a] = b]
    /// ```
    pub fn refines_voting(&self, from: &PaxosState, to: &PaxosState) -> bool {
        let votes = self.layout.two_b_mask();
        let (before, after) = (from.msgs & votes, to.msgs & votes);
        let changed: Vec<AcceptorId> = self.acceptors().filter(|&a| from.max_bal(a) != to.max_bal(a)).collect();
        if before == after {
            // A stutter of <<votes, maxBal>>, or \E a, b : IncreaseMaxBal(a, b).
            return match changed[..] {
                [] => true,
                [a] => to.max_bal(a) > from.max_bal(a),
                _ => false,
            };
        }
        let new = after & !before;
        if before & !after != 0 || new.count_ones() != 1 {
            return false;
        }
        let Message::TwoB { acc: a, bal: b, val: v } = self.layout.message(new.trailing_zeros()) else {
            unreachable!("the vote bits are 2b messages")
        };
        // maxBal' = [maxBal EXCEPT ![a] = b]
        let max_bal_ok = to.max_bal(a) == b as i8 && changed.iter().all(|&c| c == a);
        max_bal_ok
            && from.max_bal(a) <= b as i8
            && self.did_not_vote_at(from, a, b)
            && self
                .acceptors()
                .filter(|&c| c != a)
                .all(|c| self.values().all(|w| !self.voted_for(from, c, b, w) || w == v))
            && self.quorum1.iter().any(|&q| self.shows_safe_at(from, q, b, v))
    }
}
