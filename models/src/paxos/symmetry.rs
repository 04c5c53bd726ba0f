//! Renaming acceptors and values in packed states, for the symmetries
//! `Acceptor`, `Value` and `AcceptorValue`.
//!
//! The engine enumerates each symmetry's permutations (the acceptor
//! permutations kept are those that map both quorum systems onto
//! themselves) and keeps a state's least image. A renaming moves message
//! bits, so what each permutation does to every bit is worked out once, in a
//! table per permutation of acceptors and values, found by the engine's index.

use checker::spec::Permutation;

use super::state::{bits, Layout, Message, PaxosState, ACCEPTOR_MAX, VALUE_MAX};
use super::AcceptorSet;

/// One permutation of acceptors and values, with its action on message bits
/// worked out once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renaming {
    /// Acceptor `a` becomes `acceptor[a]`.
    acceptor: [u8; ACCEPTOR_MAX],
    /// Value `v` becomes `value[v]`.
    value: [u8; VALUE_MAX],
    /// Message bit `i` becomes `bit[i]`, for `i` in the layout.
    bit: Vec<u8>,
}

impl Renaming {
    fn new(layout: &Layout, acceptor: &[u8], value: &[u8]) -> Renaming {
        let mut p = Renaming { acceptor: [0; ACCEPTOR_MAX], value: [0; VALUE_MAX], bit: Vec::new() };
        p.acceptor[..acceptor.len()].copy_from_slice(acceptor);
        p.value[..value.len()].copy_from_slice(value);
        p.bit = (0..layout.size)
            .map(|i| {
                let image = match layout.message(i) {
                    m @ Message::OneA { .. } => m,
                    Message::OneB { acc, bal, vote } => Message::OneB {
                        acc: p.acceptor[usize::from(acc)],
                        bal,
                        vote: vote.map(|(c, v)| (c, p.value[usize::from(v)])),
                    },
                    Message::TwoA { bal, val } => Message::TwoA { bal, val: p.value[usize::from(val)] },
                    Message::TwoB { acc, bal, val } => {
                        Message::TwoB { acc: p.acceptor[usize::from(acc)], bal, val: p.value[usize::from(val)] }
                    }
                };
                layout.bit(image) as u8
            })
            .collect();
        p
    }

    /// The image of `s`: acceptor `a`'s variables move to slot `acceptor[a]`,
    /// values are renamed, and so is every message.
    pub fn apply(&self, s: &PaxosState, acceptors: usize) -> PaxosState {
        let mut t = PaxosState::INIT;
        for i in bits(s.msgs) {
            t.msgs |= 1 << self.bit[i as usize];
        }
        for a in 0..acceptors {
            let to = usize::from(self.acceptor[a]);
            t.max_bal[to] = s.max_bal[a];
            t.max_vbal[to] = s.max_vbal[a];
            t.max_val[to] = if s.max_val[a] < 0 { -1 } else { self.value[s.max_val[a] as usize] as i8 };
        }
        t
    }
}

/// The renamings of every permutation of `acceptors` acceptors and `values`
/// values, in the engine's order ([`Permutation::all`]): the renaming of
/// permutation `p` of both sets is at `p.index()`.
pub fn renamings(layout: &Layout, acceptors: usize, values: usize) -> Vec<Renaming> {
    Permutation::all(&[acceptors, values]).iter().map(|p| Renaming::new(layout, p.set(0), p.set(1))).collect()
}

/// The image of a set of acceptors.
fn image(set: AcceptorSet, perm: &[u8]) -> AcceptorSet {
    bits(u128::from(set)).fold(0, |image, a| image | 1 << perm[a as usize])
}

/// Whether a permutation of acceptors maps a quorum system onto itself.
pub fn preserves(quorums: &[AcceptorSet], perm: &[u8]) -> bool {
    quorums.iter().all(|&q| quorums.contains(&image(q, perm)))
}
