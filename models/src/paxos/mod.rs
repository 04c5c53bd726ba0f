//! Single-decree Paxos, transcribed from Leslie Lamport's `Paxos.tla` in
//! tlaplus/Examples (`specifications/Paxos/`), the message-passing algorithm
//! that refines the abstract algorithm of `Voting.tla`, which in turn refines
//! the specification `Consensus.tla` ("at most one value is ever chosen").
//! The algorithm is the synod protocol of "The Part-Time Parliament" (ACM TOCS
//! 16(2), 1998) and "Paxos Made Simple" (2001).
//!
//! # The protocol
//!
//! A set of *acceptors* must choose one value out of `Value`. Work is divided
//! into numbered *ballots*, each led by its own leader. In phase 1 the leader
//! of ballot `b` sends a 1a message; an acceptor that has not promised a
//! higher ballot answers with a 1b message that promises never to vote below
//! `b` (it sets `maxBal[a]` to `b`) and reports its last vote, `<<maxVBal[a],
//! maxVal[a]>>`. In phase 2, once 1b messages for `b` have arrived from a whole
//! *quorum*, the leader may send one 2a message proposing a value: the value
//! of the highest-ballot vote reported by the quorum, or any value if the
//! quorum reports no vote. An acceptor votes for the 2a message's value (a 2b
//! message) unless it has promised a higher ballot. A value is *chosen* when
//! every acceptor of some quorum has voted for it in the same ballot. Since
//! any two quorums intersect, a leader always hears about a value that may
//! have been chosen in a lower ballot and proposes that value again; so at
//! most one value is ever chosen, however messages are delayed, lost or
//! duplicated, and however many leaders compete.
//!
//! # What the spec abstracts away
//!
//! There are no leader or learner processes: `Phase1a(b)` and `Phase2a(b, v)`
//! are what ballot `b`'s leader does, and `chosen` is what a learner would
//! learn. `msgs` is the set of every message ever sent and never shrinks;
//! receiving a message means that it is in `msgs`, so a lost message is one
//! never received, and receiving one again is allowed. `Paxos.tla` lets
//! `Ballot` be `Nat`; as `MCPaxos.tla` does for TLC, the model bounds ballots
//! to `0..MaxBallot`.
//!
//! # Constants
//!
//! - `Acceptor`: the acceptors, a set of 1 to 5 model values (`{a1, a2, a3}`).
//! - `Value`: the values that may be chosen, a set of 1 to 4 model values
//!   (`{v1, v2}`). `None`, the spec's "no value", is a separate model value.
//! - `MaxBallot`: ballots are `0..MaxBallot`. The messages of an instance must
//!   fit in 128 bits (see [`Layout`]): for 3 acceptors and 2 values,
//!   `MaxBallot <= 4`.
//! - `Quorum`: a set of sets of acceptors; by default the smallest
//!   majorities, as `MCPaxos.tla` writes them for three acceptors
//!   (`{{a1, a2}, {a1, a3}, {a2, a3}}`).
//! - `Quorum1`, `Quorum2`: flexible quorums, below. Each defaults to `Quorum`.
//! - `Bug`: `"None"` (default), `"IgnoreHighestVote"` or `"AcceptBelowPromise"`,
//!   below.
//!
//! # What is checked
//!
//! - `TypeOK`, as in the spec.
//! - `Consistency`, `Cardinality(chosen) <= 1` (the safety property of
//!   `Consensus.tla`, whose `chosen` is `Voting.tla`'s: the values that every
//!   acceptor of some quorum voted for in one ballot, the votes being the 2b
//!   messages).
//! - `Inv`, the module's "first attempt at an inductive invariant", conjunct
//!   by conjunct, including `V!Inv` (`VotesSafe` and `OneValuePerBallot`).
//!   Lamport's README notes it is an invariant but not inductive; checking it
//!   as an invariant is what `MCPaxos.cfg` does (`Inv1` to `Inv4`).
//! - `VotingSpecBar`, the theorem `Spec => V!Spec` with `V == INSTANCE Voting`
//!   under the refinement mapping `votes` (from 2b messages) and `maxBal`, as a
//!   step invariant: every step is an `IncreaseMaxBal(a, b)` or a
//!   `VoteFor(a, b, v)` step of `Voting.tla` on `<<votes, maxBal>>`, or leaves
//!   both unchanged. `V!Init` holds of `Init` by definition. `MCPaxos.cfg`
//!   checks the same as `PROPERTY VotingSpecBar`.
//! - `SomeChosen`, a reachability witness that some value can be chosen, so
//!   that `Consistency` does not pass because nothing is ever chosen.
//! - `EventuallyChosen`, `<>(chosen # {})`, declared for liveness work (see
//!   the last section).
//!
//! # Counts and TLC
//!
//! TLC's published figures for `MCPaxos.cfg` (one acceptor, one value,
//! ballots `0..1`: 25 distinct states, 82 generated, depth 9) are reproduced
//! exactly. TLC counts as generated every successor it computes, duplicates
//! included, and it computes one successor per *witness* of each existential
//! quantifier it meets while evaluating an action, including those in guards
//! that assign nothing. `Phase2a(b, v)` is
//! `\E Q \in Quorum : (\A a \in Q : \E m \in Q1b : m.acc = a) /\ (Q1bv = {} \/
//! \E m \in Q1bv : ...)`, so TLC yields its successor once per quorum that
//! qualifies, times the 1b messages witnessing each of its acceptors, times
//! the highest-vote messages that carry `v`. The model's `next` emits
//! `Phase2a(b, v)` that many times, so that generated counts equal TLC's for
//! every instance. The repeated steps reach the same state and do not change
//! distinct counts. `paxos_tla.py` next to this file is an independent,
//! literal transcription in Python that counts the same way; it reproduces
//! TLC's published figures and gives the counts the tests pin for larger
//! instances, which TLC's manifest does not publish.
//!
//! # Flexible quorums
//!
//! Howard, Malkhi and Spiegelman ("Flexible Paxos: Quorum intersection
//! revisited", 2016) observed that Paxos needs only every phase-1 quorum to
//! meet every phase-2 quorum; two phase-1 quorums, or two phase-2 quorums,
//! may be disjoint. `Quorum1` is the quorum system of phase 1, the `Quorum` of
//! `Phase2a` (and of `Voting.tla`'s `ShowsSafeAt` and `NoneOtherChoosableAt`,
//! which reason about what a phase-1 quorum has seen); `Quorum2` is that of
//! phase 2, the `Quorum` of `chosen`. The model does not enforce the
//! spec's `QuorumAssumption`: with quorums that do not intersect,
//! `Consistency` fails while `Inv` and `VotingSpecBar` still hold, which
//! shows that the intersection is exactly where Voting's proof of
//! consistency needs it.
//!
//! # Seeded bugs
//!
//! Each drops one conjunct of the spec, the way implementations have:
//! - [`Bug::IgnoreHighestVote`]: `Phase2a(b, v)` needs the quorum's 1b
//!   messages but not the conjunct that makes `v` the value of the highest
//!   reported vote. A leader can then propose a new value after another one was
//!   chosen in a lower ballot.
//! - [`Bug::AcceptBelowPromise`]: `Phase2b(a)` drops `m.bal \geq maxBal[a]`,
//!   so an acceptor votes in a ballot below the one it promised (and, as the
//!   spec's assignments say, lowers `maxBal[a]` to it). A leader that counted
//!   on that promise proposes a new value, and the old ballot's value gets
//!   chosen too.
//!
//! Either way two values get chosen after 12 steps, the fewest possible: see
//! the unit tests for the counterexamples.
//!
//! # Symmetry
//!
//! Nothing in `Paxos.tla` tells two values apart, nor two acceptors except
//! through `Quorum`. The symmetries `Acceptor` (the permutations of acceptors
//! that map each quorum system onto itself, all of them for majorities),
//! `Value` (every permutation of values) and `AcceptorValue` (both at once)
//! are permutation symmetries: the engine enumerates the permutations it is
//! told to keep and stores the least member of each orbit; the model only
//! renames. `None` and ballots are not permuted.
//!
//! # Message sequence charts
//!
//! Traces draw a chart with one lifeline per ballot's leader (`p0`,
//! `p1`, ...) and one per acceptor. 1a and 2a messages go from their ballot's
//! leader to every acceptor, 1b and 2b messages from their acceptor to that
//! leader; `Phase1b(a)` and `Phase2b(a)` deliver the message they answer, and
//! `Phase2a(b, v)` the ballot's 1b messages. See `chart.rs`.
//!
//! # Liveness, FLP and dueling ballots
//!
//! `EventuallyChosen` is the liveness property `<>(chosen # {})` (`Success`
//! in `Consensus.tla`, `MCLiveness` in `MCPaxos.tla`). Paxos does not
//! guarantee it, and no protocol can: Fischer, Lynch and Paterson ("Impossibility
//! of Distributed Consensus with One Faulty Process", 1985) proved that no
//! deterministic asynchronous protocol that tolerates one crash always
//! decides. In Paxos the undecided runs are *dueling ballots*: the leader of
//! ballot 1 gathers promises, but before its 2a message reaches the acceptors
//! the leader of ballot 2 gathers promises too, which disables their votes in
//! ballot 1; then ballot 3 preempts ballot 2, and so on. Weak fairness does not
//! help: `Phase2b(a)` is enabled only between a 2a message's arrival and the
//! next higher promise, never continuously, so `WF(Phase2b)` never forces it,
//! and with `Ballot = Nat` the leaders can duel forever. Progress needs one
//! leader that is left alone long enough (in `MCPaxos.tla`, weak fairness of
//! the leader of the highest ballot and of a quorum of acceptors), which is
//! what leader election and timeouts give real systems.
//!
//! With ballots bounded to `0..MaxBallot`, as checked here, the duel must end:
//! `msgs` only grows, so apart from stuttering the state graph has no cycles,
//! and ballot `MaxBallot` cannot be preempted. Under weak fairness of every
//! action, every behavior ends in a state where the last ballot's value is
//! chosen (a unit test checks that every state without a non-stuttering
//! successor has a chosen value). A bounded model shows the dueling
//! counterexample only when the leaders of the higher ballots are not assumed
//! fair: the behavior preempts ballot after ballot and then stutters with
//! nothing chosen.
//!
//! Two bundled specs show both sides. `specs/paxos-liveness-3x2-1.cfg` assumes
//! weak fairness of every action instance and `EventuallyChosen` holds.
//! `specs/paxos-dueling-3x2-1.cfg` assumes only the acceptors fair (leaders
//! may stall, as a crashed or partitioned leader does) and checks
//! `Preempted ~> Chosen` with the predicates `Preempted` (a 2a message below
//! some acceptor's promise) and `Chosen`: the lasso sends ballot 0's
//! proposal, lets the acceptors promise ballot 1 instead, and stutters while
//! the leader of ballot 1 never proposes.

mod chart;
mod state;
mod symmetry;
mod voting;

#[cfg(test)]
mod tests;

pub use state::{AcceptorId, Ballot, Layout, Message, PaxosState, ValueId, ACCEPTOR_MAX, MESSAGE_MAX, VALUE_MAX};

use checker::spec::{
    ConfigError, Constant, Constants, Invariant, Model, Permutation, Predicate, Property, StateCodec, StepMessages,
    Symmetry, Value,
};

use state::{bits, low_bits};
use symmetry::Renaming;

/// Which protocol to run: the published one or a seeded bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// `Paxos.tla` as published.
    None,
    /// `Phase2a(b, v)` without the conjunct that makes `v` the value of the
    /// highest vote the quorum reported: the leader ignores earlier votes.
    /// Violates `Consistency`.
    IgnoreHighestVote,
    /// `Phase2b(a)` without `m.bal \geq maxBal[a]`: the acceptor votes in a
    /// ballot below the one it promised. Violates `Consistency`.
    AcceptBelowPromise,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "IgnoreHighestVote", "AcceptBelowPromise"];
}

/// One step of `Next`, named and parameterized as in `Paxos.tla`.
///
/// `Phase1b(a)` and `Phase2b(a)` choose a message (`\E m \in msgs`) that is
/// not a parameter, as in the spec: two `Phase1b(a1)` steps from one state
/// answer different 1a messages, and the trace's changed variables show which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaxosAction {
    /// `Phase1a(b)`: the leader of ballot `b` sends a 1a message.
    Phase1a(Ballot),
    /// `Phase1b(a)`: acceptor `a` promises the ballot of a 1a message above
    /// `maxBal[a]` and reports its last vote.
    Phase1b(AcceptorId),
    /// `Phase2a(b, v)`: the leader of ballot `b` proposes `v`.
    Phase2a(Ballot, ValueId),
    /// `Phase2b(a)`: acceptor `a` votes as a 2a message at or above `maxBal[a]` asks.
    Phase2b(AcceptorId),
}

/// A set of acceptors, bit `a` for acceptor `a`.
pub type AcceptorSet = u8;

/// The Paxos algorithm over a set of acceptors and values.
#[derive(Clone, Debug)]
pub struct Paxos {
    /// The model values of `Acceptor`, sorted; acceptor `a` is `acceptor[a]`.
    /// Between 1 and [`ACCEPTOR_MAX`].
    acceptor: Vec<String>,
    /// The model values of `Value`, sorted; value `v` is `value[v]`. Between 1
    /// and [`VALUE_MAX`], none named `None`.
    value: Vec<String>,
    /// `MaxBallot`: ballots are `0..=max_ballot`.
    max_ballot: Ballot,
    /// Phase-1 quorums (`Quorum1`, the `Quorum` of `Phase2a`), each a non-empty
    /// subset of `Acceptor`; at least one.
    quorum1: Vec<AcceptorSet>,
    /// Phase-2 quorums (`Quorum2`, the `Quorum` of `chosen`), likewise.
    quorum2: Vec<AcceptorSet>,
    /// The seeded bug, or [`Bug::None`].
    bug: Bug,
    /// Where each message lives in `msgs`; its size is at most [`MESSAGE_MAX`].
    layout: Layout,
    /// What every permutation of acceptors and values does to a state, at
    /// the permutation's index in `Permutation::all(&[acceptors, values])`.
    renamings: Vec<Renaming>,
}

impl Paxos {
    /// The constants this model reads, for [`Constants::expect_only`].
    pub const CONSTANTS: &'static [&'static str] =
        &["Acceptor", "Value", "MaxBallot", "Quorum", "Quorum1", "Quorum2", "Bug"];

    /// A model over the given acceptors and values (names sorted as a TLA+ set
    /// would be), ballots `0..=max_ballot`, and phase-1 and phase-2 quorums as
    /// sets of acceptor indices. Panics on constants `from_constants` rejects.
    pub fn new(
        acceptor: Vec<String>,
        value: Vec<String>,
        max_ballot: Ballot,
        quorum1: Vec<AcceptorSet>,
        quorum2: Vec<AcceptorSet>,
        bug: Bug,
    ) -> Paxos {
        assert!((1..=ACCEPTOR_MAX).contains(&acceptor.len()), "Paxos supports 1 to {ACCEPTOR_MAX} acceptors");
        assert!((1..=VALUE_MAX).contains(&value.len()), "Paxos supports 1 to {VALUE_MAX} values");
        let layout = Layout::new(acceptor.len() as u32, value.len() as u32, u32::from(max_ballot) + 1);
        assert!(layout.size <= MESSAGE_MAX, "{} messages do not fit in {MESSAGE_MAX} bits", layout.size);
        let all = low_bits(acceptor.len() as u32) as AcceptorSet;
        for q in quorum1.iter().chain(&quorum2) {
            assert!(*q != 0 && q & !all == 0, "a quorum is a non-empty set of acceptors");
        }
        assert!(!quorum1.is_empty() && !quorum2.is_empty(), "Paxos needs at least one quorum of each phase");
        let renamings = symmetry::renamings(&layout, acceptor.len(), value.len());
        Paxos { acceptor, value, max_ballot, quorum1, quorum2, bug, layout, renamings }
    }

    /// The smallest majorities of `n` acceptors: every set of `n / 2 + 1`.
    pub fn majorities(n: usize) -> Vec<AcceptorSet> {
        let size = n as u32 / 2 + 1;
        (0..1u32 << n).filter(|q| q.count_ones() == size).map(|q| q as AcceptorSet).collect()
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Paxos, ConfigError> {
        constants.expect_only(Self::CONSTANTS)?;
        let acceptor = constants.model_values("Acceptor", 1, ACCEPTOR_MAX)?;
        let value = constants.model_values("Value", 1, VALUE_MAX)?;
        if value.iter().any(|v| v == "None") {
            let c = constants.get("Value").expect("model_values found it");
            return Err(bad(c, "Value must not contain None, which the spec defines as a value not in Value".into()));
        }
        let max_ballot = constants.int("MaxBallot", 0, 100)? as Ballot;
        let layout = Layout::new(acceptor.len() as u32, value.len() as u32, u32::from(max_ballot) + 1);
        if layout.size > MESSAGE_MAX {
            let c = constants.get("MaxBallot").expect("int found it");
            return Err(bad(
                c,
                format!(
                    "{} acceptors, {} values and ballots 0..{max_ballot} make {} distinct messages; \
                     this model holds at most {MESSAGE_MAX}: lower MaxBallot",
                    acceptor.len(),
                    value.len(),
                    layout.size
                ),
            ));
        }
        let quorum = quorums(constants, "Quorum", &acceptor)?;
        let quorum1 = quorums(constants, "Quorum1", &acceptor)?;
        let quorum2 = quorums(constants, "Quorum2", &acceptor)?;
        if let (Some(_), Some(_), Some(_)) = (&quorum, &quorum1, &quorum2) {
            let c = constants.get("Quorum").expect("quorums found it");
            return Err(bad(c, "Quorum is unused when both Quorum1 and Quorum2 are given".into()));
        }
        let quorum = quorum.unwrap_or_else(|| Self::majorities(acceptor.len()));
        let quorum1 = quorum1.unwrap_or_else(|| quorum.clone());
        let quorum2 = quorum2.unwrap_or(quorum);
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "IgnoreHighestVote" => Bug::IgnoreHighestVote,
            "AcceptBelowPromise" => Bug::AcceptBelowPromise,
            _ => Bug::None,
        };
        Ok(Paxos::new(acceptor, value, max_ballot, quorum1, quorum2, bug))
    }

    /// `Cardinality(Acceptor)`.
    pub fn acceptor_count(&self) -> usize {
        self.acceptor.len()
    }

    /// `Cardinality(Value)`.
    pub fn value_count(&self) -> usize {
        self.value.len()
    }

    /// `MaxBallot`.
    pub fn max_ballot(&self) -> Ballot {
        self.max_ballot
    }

    /// The seeded bug, if any.
    pub fn bug(&self) -> Bug {
        self.bug
    }

    /// The phase-1 quorums.
    pub fn quorum1(&self) -> &[AcceptorSet] {
        &self.quorum1
    }

    /// The phase-2 quorums.
    pub fn quorum2(&self) -> &[AcceptorSet] {
        &self.quorum2
    }

    /// Where each message lives in `msgs`.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The model value naming acceptor `a`.
    pub fn acceptor_name(&self, a: AcceptorId) -> &str {
        &self.acceptor[usize::from(a)]
    }

    /// The model value naming value `v`.
    pub fn value_name(&self, v: ValueId) -> &str {
        &self.value[usize::from(v)]
    }

    fn acceptors(&self) -> impl Iterator<Item = AcceptorId> {
        // `new` bounds the count by ACCEPTOR_MAX, so every index fits.
        0..self.acceptor.len() as AcceptorId
    }

    fn ballots(&self) -> impl Iterator<Item = Ballot> {
        0..=self.max_ballot
    }

    fn values(&self) -> impl Iterator<Item = ValueId> {
        0..self.value.len() as ValueId
    }

    /// `\E m \in msgs : m.type = "2a" /\ \E a \in Acceptor : maxBal[a] > m.bal`:
    /// some ballot's proposal reached an acceptor that has since promised a
    /// higher ballot, so that acceptor will never vote for it.
    pub fn preempted(&self, s: &PaxosState) -> bool {
        let promised = self.acceptors().map(|a| s.max_bal(a)).max().unwrap_or(-1);
        state::bits(s.msgs() & self.layout.two_a_from(0))
            .any(|bit| i16::from(self.layout.two_a_of(bit).0) < i16::from(promised))
    }

    /// `Phase2a(b, v)` for every `v`, each emitted once per TLC witness (see
    /// the module docs): `\E Q \in Quorum` times, for each acceptor of `Q`,
    /// its ballot-`b` 1b messages, times the messages witnessing the highest vote.
    #[inline]
    fn phase2a(&self, s: PaxosState, b: Ballot, steps: &mut Vec<(PaxosAction, PaxosState)>) {
        let l = &self.layout;
        // ~ \E m \in msgs : m.type = "2a" /\ m.bal = b
        if s.msgs & l.two_a_at(b) != 0 {
            return;
        }
        // Per acceptor: how many 1b messages for b it sent (one, unless the
        // AcceptBelowPromise bug let it promise b twice) and the ballot of the
        // highest vote they report (-1 for none).
        let mut count = [0u32; ACCEPTOR_MAX];
        let mut top = [-1i8; ACCEPTOR_MAX];
        let mut answered: AcceptorSet = 0;
        let len = l.one_b_count(b);
        for a in self.acceptors() {
            let sent = (s.msgs >> l.one_b_base(a, b)) & low_bits(len);
            if sent != 0 {
                answered |= 1 << a;
                count[usize::from(a)] = sent.count_ones();
                // Bits above the first are votes, ordered by ballot then value.
                let votes = sent >> 1;
                if votes != 0 {
                    top[usize::from(a)] = ((127 - votes.leading_zeros()) / l.values) as i8;
                }
            }
        }
        if answered == 0 {
            return;
        }
        for v in self.values() {
            let mut witnesses = 0u32;
            for &q in &self.quorum1 {
                // \A a \in Q : \E m \in Q1b : m.acc = a
                if q & !answered != 0 {
                    continue;
                }
                let mut per_acceptor = 1;
                let mut highest = -1i8;
                for a in bits(u128::from(q)) {
                    per_acceptor *= count[a as usize];
                    highest = highest.max(top[a as usize]);
                }
                let value_witnesses = match self.bug {
                    Bug::IgnoreHighestVote => 1,
                    // Q1bv = {}: one witness.
                    _ if highest < 0 => 1,
                    // \E m \in Q1bv : m.mval = v /\ \A mm \in Q1bv : m.mbal \geq mm.mbal:
                    // the acceptors of Q that reported <<highest, v>>.
                    _ => {
                        let offset = l.vote_offset(Some((highest as Ballot, v)));
                        bits(u128::from(q)).filter(|&a| s.has(l.one_b_base(a as AcceptorId, b) + offset)).count() as u32
                    }
                };
                witnesses += per_acceptor * value_witnesses;
            }
            if witnesses > 0 {
                let to = s.sent(l.two_a(b, v));
                for _ in 0..witnesses {
                    steps.push((PaxosAction::Phase2a(b, v), to));
                }
            }
        }
    }

    /// `Phase1b(a)`, once per 1a message above `maxBal[a]`.
    #[inline]
    fn phase1b(&self, s: PaxosState, a: AcceptorId, steps: &mut Vec<(PaxosAction, PaxosState)>) {
        let l = &self.layout;
        let i = usize::from(a);
        let promised = s.max_bal[i];
        // m.type = "1a" /\ m.bal > maxBal[a]
        let above = s.msgs & l.one_a_mask() & !low_bits((promised + 1) as u32);
        if above == 0 {
            return;
        }
        let vote = u8::try_from(s.max_vbal[i]).ok().map(|c| (c, s.max_val[i] as ValueId));
        let offset = l.vote_offset(vote);
        for b in bits(above) {
            // maxVBal[a] <= maxBal[a] < b in every reachable state, so the
            // reported vote is one the layout has room for.
            assert!(
                s.max_vbal[i] < b as i8 && (s.max_vbal[i] < 0) == (s.max_val[i] < 0),
                "Paxos model bug: acceptor {a} would report vote <<{}, {}>> in ballot {b}",
                s.max_vbal[i],
                s.max_val[i]
            );
            let mut to = s.sent(l.one_b_base(a, b as Ballot) + offset);
            to.max_bal[i] = b as i8;
            steps.push((PaxosAction::Phase1b(a), to));
        }
    }

    /// `Phase2b(a)`, once per 2a message at or above `maxBal[a]` (any 2a
    /// message with the seeded bug `AcceptBelowPromise`).
    #[inline]
    fn phase2b(&self, s: PaxosState, a: AcceptorId, steps: &mut Vec<(PaxosAction, PaxosState)>) {
        let l = &self.layout;
        let i = usize::from(a);
        let lowest = match self.bug {
            Bug::AcceptBelowPromise => 0,
            _ => s.max_bal[i].max(0) as Ballot,
        };
        let acceptable = s.msgs & l.two_a_from(lowest);
        for bit in bits(acceptable) {
            let (bal, val) = l.two_a_of(bit);
            let mut to = s.sent(l.two_b(a, bal, val));
            to.max_bal[i] = bal as i8;
            to.max_vbal[i] = bal as i8;
            to.max_val[i] = val as i8;
            steps.push((PaxosAction::Phase2b(a), to));
        }
    }

    /// A message as a TLA+ record.
    pub fn message_value(&self, m: Message) -> Value {
        let acc = |a: AcceptorId| Value::model_value(self.acceptor_name(a));
        let val = |v: ValueId| Value::model_value(self.value_name(v));
        let int = |b: Ballot| Value::Int(i64::from(b));
        match m {
            Message::OneA { bal } => Value::record([("type", Value::str("1a")), ("bal", int(bal))]),
            Message::OneB { acc: a, bal, vote } => Value::record([
                ("type", Value::str("1b")),
                ("acc", acc(a)),
                ("bal", int(bal)),
                ("mbal", vote.map_or(Value::Int(-1), |(c, _)| int(c))),
                ("mval", vote.map_or(Value::model_value("None"), |(_, v)| val(v))),
            ]),
            Message::TwoA { bal, val: v } => {
                Value::record([("type", Value::str("2a")), ("bal", int(bal)), ("val", val(v))])
            }
            Message::TwoB { acc: a, bal, val: v } => {
                Value::record([("type", Value::str("2b")), ("acc", acc(a)), ("bal", int(bal)), ("val", val(v))])
            }
        }
    }

    /// The image of `s` under the permutation of acceptors and values at
    /// `index` in `Permutation::all(&[acceptors, values])`.
    fn rename(&self, s: &PaxosState, index: usize) -> PaxosState {
        self.renamings[index].apply(s, self.acceptor.len())
    }

    /// The index, among permutations of acceptors and values, of a
    /// permutation of acceptors alone (values fixed) of index `acceptors`.
    fn acceptors_only(&self, acceptors: usize) -> usize {
        acceptors * Permutation::count(&[self.value.len()]).expect("at most VALUE_MAX values")
    }

    /// Whether a permutation's acceptors (its first set) map both quorum
    /// systems onto themselves.
    fn keeps_quorums(&self, p: &Permutation) -> bool {
        symmetry::preserves(&self.quorum1, p.set(0)) && symmetry::preserves(&self.quorum2, p.set(0))
    }
}

/// A [`ConfigError::BadConstant`] about `c`.
fn bad(c: &Constant, message: String) -> ConfigError {
    ConfigError::BadConstant { span: c.span, name: c.name.clone(), message }
}

/// Reads a quorum system, a set of non-empty sets of acceptors such as
/// `{{a1, a2}, {a1, a3}, {a2, a3}}`, if the spec gives it.
fn quorums(constants: &Constants, name: &str, acceptor: &[String]) -> Result<Option<Vec<AcceptorSet>>, ConfigError> {
    let Some(c) = constants.get(name) else { return Ok(None) };
    let shape = || format!("{name} must be a set of sets of acceptors, such as {{{{a1, a2}}, {{a1, a3}}, {{a2, a3}}}}");
    let Value::Set(quorums) = &c.value else { return Err(bad(c, format!("{}, not {}", shape(), c.value.kind()))) };
    if quorums.is_empty() {
        return Err(bad(c, format!("{name} must hold at least one quorum")));
    }
    let mut sets = Vec::with_capacity(quorums.len());
    for quorum in quorums {
        let Value::Set(members) = quorum else {
            return Err(bad(c, format!("{}, but {quorum} is {}", shape(), quorum.kind())));
        };
        if members.is_empty() {
            return Err(bad(c, format!("{name} contains the empty set; every quorum needs an acceptor")));
        }
        let mut set: AcceptorSet = 0;
        for member in members {
            let index = match member {
                Value::ModelValue(m) => acceptor.iter().position(|a| a == m),
                _ => None,
            };
            let Some(a) = index else {
                return Err(bad(
                    c,
                    format!("{name} contains {member}, which is not in Acceptor = {{{}}}", acceptor.join(", ")),
                ));
            };
            set |= 1 << a;
        }
        sets.push(set);
    }
    Ok(Some(sets))
}

impl Model for Paxos {
    type State = PaxosState;
    type Action = PaxosAction;

    /// `Init`: `maxBal`, `maxVBal` all -1, `maxVal` all `None`, `msgs = {}`.
    fn init(&self, states: &mut Vec<PaxosState>) {
        states.push(PaxosState::INIT);
    }

    /// `Next == \/ \E b \in Ballot : Phase1a(b) \/ \E v \in Value : Phase2a(b, v)
    ///          \/ \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)`.
    ///
    /// `Phase1a(b)` is always enabled: sending a 1a message that was already
    /// sent is a step to the same state, which TLC counts as generated.
    fn next(&self, s: &PaxosState, steps: &mut Vec<(PaxosAction, PaxosState)>) {
        let s = *s;
        for b in self.ballots() {
            steps.push((PaxosAction::Phase1a(b), s.sent(self.layout.one_a(b))));
            self.phase2a(s, b, steps);
        }
        for a in self.acceptors() {
            self.phase1b(s, a, steps);
            self.phase2b(s, a, steps);
        }
    }

    fn action_name(&self, action: &PaxosAction) -> &'static str {
        match action {
            PaxosAction::Phase1a(_) => "Phase1a",
            PaxosAction::Phase1b(_) => "Phase1b",
            PaxosAction::Phase2a(..) => "Phase2a",
            PaxosAction::Phase2b(_) => "Phase2b",
        }
    }

    /// In the order `Paxos.tla` defines them.
    fn action_names(&self) -> Vec<&'static str> {
        vec!["Phase1a", "Phase1b", "Phase2a", "Phase2b"]
    }

    fn format_action(&self, action: &PaxosAction) -> String {
        match *action {
            PaxosAction::Phase1a(b) => format!("Phase1a({b})"),
            PaxosAction::Phase1b(a) => format!("Phase1b({})", self.acceptor_name(a)),
            PaxosAction::Phase2a(b, v) => format!("Phase2a({b}, {})", self.value_name(v)),
            PaxosAction::Phase2b(a) => format!("Phase2b({})", self.acceptor_name(a)),
        }
    }

    /// `[("b", 1)]`, `[("a", a1)]`, `[("b", 0), ("v", v1)]`, as the spec names them.
    fn action_parameters(&self, action: &PaxosAction) -> Vec<(&'static str, Value)> {
        self.parameters(action)
    }

    /// The leader of each ballot (`p0`, `p1`, ...), then the acceptors.
    fn nodes(&self, _: &PaxosState) -> Vec<String> {
        self.chart_nodes()
    }

    /// 1a and 2a messages go from their ballot's leader to every acceptor,
    /// 1b and 2b messages from their acceptor to that leader; see `chart.rs`.
    fn step_messages(&self, from: &PaxosState, action: &PaxosAction, to: &PaxosState) -> StepMessages {
        self.chart_step(from, action, to)
    }

    fn variables(&self, s: &PaxosState) -> Vec<(&'static str, Value)> {
        let per_acceptor = |f: &dyn Fn(AcceptorId) -> Value| {
            Value::map(self.acceptors().map(|a| (Value::model_value(self.acceptor_name(a)), f(a))))
        };
        vec![
            ("maxBal", per_acceptor(&|a| Value::Int(i64::from(s.max_bal(a))))),
            ("maxVBal", per_acceptor(&|a| Value::Int(i64::from(s.max_vbal(a))))),
            ("maxVal", per_acceptor(&|a| Value::model_value(s.max_val(a).map_or("None", |v| self.value_name(v))))),
            ("msgs", Value::set(self.layout.messages(s.msgs).map(|m| self.message_value(m)))),
        ]
    }

    fn state_codec(&self) -> Option<StateCodec<Self::State>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("TypeOK", |m, s| m.type_ok(s)),
            Invariant::state("Consistency", |m, s| m.consistency(s)),
            Invariant::state("Inv", |m, s| m.inv(s)),
            Invariant::step("VotingSpecBar", |m, from, _, to| m.refines_voting(from, to)),
        ]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            // For liveness work; see the module docs for why it fails without
            // a single fair leader.
            Property::eventually("EventuallyChosen", |m, s| m.chosen(s) != 0),
            // Without a reachable choice, Consistency could hold only because nothing is chosen.
            Property::sometimes("SomeChosen", |m, s| m.chosen(s) != 0),
        ]
    }

    /// For formulas in check specs: `Chosen` (`chosen # {}`) and `Preempted`
    /// (a ballot's 2a message that some acceptor has promised to ignore).
    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![
            Predicate::new("Chosen", |m, s: &PaxosState| m.chosen(s) != 0),
            Predicate::new("Preempted", |m, s: &PaxosState| m.preempted(s)),
        ]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![
            // Permutations of acceptors that keep the quorums, values fixed.
            Symmetry::permutations("Acceptor", vec![self.acceptor.clone()], |m: &Paxos, s, p| {
                m.rename(s, m.acceptors_only(p.index()))
            })
            .keeping(|m, p| m.keeps_quorums(p)),
            // Permutations of values, acceptors fixed: index `p.index()` among both.
            Symmetry::permutations("Value", vec![self.value.clone()], |m: &Paxos, s, p| m.rename(s, p.index())),
            Symmetry::permutations(
                "AcceptorValue",
                vec![self.acceptor.clone(), self.value.clone()],
                |m: &Paxos, s, p| m.rename(s, p.index()),
            )
            .keeping(|m, p| m.keeps_quorums(p)),
        ]
    }
}
