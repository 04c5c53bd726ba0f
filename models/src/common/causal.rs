//! A causal-consistency checker for the client histories of
//! [`super::linearizability`], beside the linearizability checker: the state
//! invariant `CausallyConsistent` of any model that records a [`History`].
//!
//! # Causal consistency (Bouajjani, Enea, Guerraoui and Hamza, POPL 2017)
//!
//! Each client is a *session*: its operations, in the order it issued them,
//! form the *program order* `po`. A read *reads from* the write whose value
//! it returned (`rf`), or from the initial value. The *causal order* `co` is
//! the transitive closure of `po ∪ rf`: a write is causally before every
//! later operation of its session and every read that saw it, and so on. A
//! history is causally consistent (`CC` in the paper) when there is such a
//! causal order that is a strict partial order and every read is explained by
//! its own causal past: in some sequence of the writes causally before it
//! that respects `co`, the write it read from is the last one to its key.
//! Unlike linearizability and sequential consistency, different readers may
//! see concurrent writes in different orders: only causality is kept.
//!
//! For histories where every write of a key writes a distinct value (the
//! models' writes do: client `c`'s `k`-th write is `c * Ops + k + 1`), the
//! paper's Theorem 3 says a history is `CC` exactly when it contains none of
//! four *bad patterns*, which [`causally_consistent`] looks for:
//!
//! - `CyclicCO`: `co` has a cycle (a read returns a value its own session
//!   writes only later).
//! - `ThinAirRead`: a read returns a value that no write wrote and that is not
//!   the initial value.
//! - `WriteCOInitRead`: a read returns the initial value although a write of
//!   its key is causally before it: it missed a write it depends on.
//! - `WriteCORead`: a read returns the value of a write `w1` although another
//!   write `w2` of its key has `w1 co w2 co read`: it saw an overwritten value.
//!
//! When values repeat, which write a read read from is ambiguous; the checker
//! then tries every choice of writes (each read reading from any write of its
//! key and value, or the initial value when it returned that) and accepts the
//! history when one choice shows no bad pattern.
//!
//! Returned reads take part; pending reads have returned nothing and are left
//! out. Pending writes take part (a read may already have seen one). The
//! causal order is computed with bit sets, a fixpoint over at most
//! [`OPS_MAX`] operations: no recursion, no search beyond the choices of
//! ambiguous reads.
//!
//! [`Memo`](super::linearizability::Memo) caches verdicts per history, as for
//! linearizability.

use super::linearizability::{Call, History, OpSet, Val, OPS_MAX};

/// The bad pattern a history shows, for tests and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadPattern {
    /// The causal order has a cycle.
    CyclicCO,
    /// A read returned a value nobody wrote.
    ThinAirRead,
    /// A read returned the initial value with a write of its key in its causal past.
    WriteCOInitRead,
    /// A read returned a value overwritten in its causal past.
    WriteCORead,
}

/// Whether `history` is causally consistent for a map whose keys all start at
/// `init` (see the module docs).
pub fn causally_consistent(history: &History, init: Val) -> bool {
    bad_pattern(history, init).is_none()
}

/// The bad pattern of the first choice of reads-from tried, or `None` when
/// some choice shows none: the history is causally consistent.
pub fn bad_pattern(history: &History, init: Val) -> Option<BadPattern> {
    let ops = history.ops();
    debug_assert!(ops.len() <= OPS_MAX);
    // A read's possible sources: a write slot, or `None` for the initial value.
    let mut reads: Vec<(usize, Vec<Option<usize>>)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let (Some(Call::Read(key)), Some(value)) = (op.call, op.ret) else { continue };
        let mut sources: Vec<Option<usize>> = ops
            .iter()
            .enumerate()
            .filter(|(_, w)| w.call == Some(Call::Write(key, value)))
            .map(|(j, _)| Some(j))
            .collect();
        if value == init {
            sources.push(None);
        }
        if sources.is_empty() {
            return Some(BadPattern::ThinAirRead);
        }
        reads.push((i, sources));
    }
    // An odometer over every read's choice of source.
    let mut choice = vec![0usize; reads.len()];
    let mut first = None;
    loop {
        let picked: Vec<(usize, Option<usize>)> = reads.iter().zip(&choice).map(|((r, s), &c)| (*r, s[c])).collect();
        match check_choice(history, &picked) {
            None => return None,
            Some(bad) => {
                first.get_or_insert(bad);
            }
        }
        let mut digit = 0;
        loop {
            if digit == reads.len() {
                return first;
            }
            choice[digit] += 1;
            if choice[digit] < reads[digit].1.len() {
                break;
            }
            choice[digit] = 0;
            digit += 1;
        }
    }
}

/// The bad pattern of the history with each read of `reads` reading from its
/// given source, if any.
fn check_choice(history: &History, reads: &[(usize, Option<usize>)]) -> Option<BadPattern> {
    let ops = history.ops();
    let n = ops.len();
    let included = |i: usize| match ops[i] {
        op if op.call.is_none() => false,
        op => matches!(op.call, Some(Call::Write(..))) || op.ret.is_some(),
    };
    // before[i]: the operations directly before i, by program order or reads-from.
    let mut before: Vec<OpSet> = vec![0; n];
    for i in (0..n).filter(|&i| included(i)) {
        let client = history.client_of(i);
        for j in (0..i).filter(|&j| included(j) && history.client_of(j) == client) {
            before[i] |= 1 << j;
        }
    }
    for &(r, source) in reads {
        if let Some(w) = source {
            before[r] |= 1 << w;
        }
    }
    // The transitive closure: a fixpoint, at most n rounds.
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            let mut closure = before[i];
            for j in 0..n {
                if before[i] >> j & 1 == 1 {
                    closure |= before[j];
                }
            }
            if closure != before[i] {
                before[i] = closure;
                changed = true;
            }
        }
    }
    if (0..n).any(|i| before[i] >> i & 1 == 1) {
        return Some(BadPattern::CyclicCO);
    }
    let writes_of = |key| -> OpSet {
        (0..n)
            .filter(|&j| included(j) && matches!(ops[j].call, Some(Call::Write(k, _)) if k == key))
            .fold(0, |s, j| s | 1 << j)
    };
    for &(r, source) in reads {
        let Some(Call::Read(key)) = ops[r].call else { unreachable!("checker bug: a read slot holds a read") };
        let writes = writes_of(key) & before[r];
        // For a read of w's value: a write of the key after w and before r.
        let overwritten = |w: usize| (0..n).any(|w2| writes >> w2 & 1 == 1 && before[w2] >> w & 1 == 1);
        match source {
            None if writes != 0 => return Some(BadPattern::WriteCOInitRead),
            Some(w) if overwritten(w) => return Some(BadPattern::WriteCORead),
            None | Some(_) => {}
        }
    }
    None
}

#[cfg(test)]
#[path = "causal_tests.rs"]
mod tests;
