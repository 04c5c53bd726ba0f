//! Permutations of acceptors and values, applied to packed states.
//!
//! A canonicalizer maps a state to the least of its images under a group of
//! permutations. The images of a state under a group are exactly its orbit
//! (the group is closed under composition and inverses), so the least image
//! is the same for every member of the orbit, is itself a member, and is its
//! own least image: one representative per orbit, idempotently.

use super::state::{bits, Layout, Message, PaxosState, ACCEPTOR_MAX, VALUE_MAX};
use super::AcceptorSet;

/// One permutation of acceptors and values, with its action on message bits
/// worked out once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permutation {
    /// Acceptor `a` becomes `acceptor[a]`.
    acceptor: [u8; ACCEPTOR_MAX],
    /// Value `v` becomes `value[v]`.
    value: [u8; VALUE_MAX],
    /// Message bit `i` becomes `bit[i]`, for `i` in the layout.
    bit: Vec<u8>,
}

impl Permutation {
    fn new(layout: &Layout, acceptor: &[u8], value: &[u8]) -> Permutation {
        let mut p = Permutation { acceptor: [0; ACCEPTOR_MAX], value: [0; VALUE_MAX], bit: Vec::new() };
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

/// Every permutation of `0..n`, as index arrays.
pub fn permutations(n: usize) -> Vec<Vec<u8>> {
    let mut perms: Vec<Vec<u8>> = vec![Vec::new()];
    for element in 0..n as u8 {
        perms = perms
            .iter()
            .flat_map(|p| {
                (0..=p.len()).map(move |at| {
                    let mut q = p.clone();
                    q.insert(at, element);
                    q
                })
            })
            .collect();
    }
    perms
}

/// The image of a set of acceptors.
fn image(set: AcceptorSet, perm: &[u8]) -> AcceptorSet {
    bits(u128::from(set)).fold(0, |image, a| image | 1 << perm[a as usize])
}

/// Whether a permutation of acceptors maps a quorum system onto itself.
fn preserves(quorums: &[AcceptorSet], perm: &[u8]) -> bool {
    quorums.iter().all(|&q| quorums.contains(&image(q, perm)))
}

/// The groups of the symmetries `Acceptor`, `Value` and `AcceptorValue`.
pub fn groups(
    layout: &Layout,
    quorum1: &[AcceptorSet],
    quorum2: &[AcceptorSet],
    acceptors: usize,
    values: usize,
) -> (Vec<Permutation>, Vec<Permutation>, Vec<Permutation>) {
    let acceptor_perms: Vec<Vec<u8>> =
        permutations(acceptors).into_iter().filter(|p| preserves(quorum1, p) && preserves(quorum2, p)).collect();
    let value_perms = permutations(values);
    let identity = |n: usize| (0..n as u8).collect::<Vec<u8>>();
    let acceptor_group = acceptor_perms.iter().map(|p| Permutation::new(layout, p, &identity(values))).collect();
    let value_group = value_perms.iter().map(|p| Permutation::new(layout, &identity(acceptors), p)).collect();
    let product_group = acceptor_perms
        .iter()
        .flat_map(|pa| value_perms.iter().map(move |pv| (pa, pv)))
        .map(|(pa, pv)| Permutation::new(layout, pa, pv))
        .collect();
    (acceptor_group, value_group, product_group)
}
