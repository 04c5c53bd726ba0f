//! Unit tests of the linearizability checker: hand-written histories with
//! known verdicts (the new-old inversion among them), and random histories
//! compared against a brute-force checker that tries every permutation.
//!
//! `models` does not depend on stateright, so the random comparison here is
//! against `brute_force` below, which shares no code with the search: it
//! enumerates every order of every admissible set of operations and replays
//! it on a plain map. (stateright-adapter's `linearizability_tests.rs` and
//! `sequential_consistency_tests.rs` compare both conditions with
//! stateright's `LinearizabilityTester` and `SequentialConsistencyTester`
//! too.)

use super::*;

/// Client `c` invokes `call`.
fn call(h: &mut History, c: usize, call: Call) {
    h.invoke(c, call);
}

/// Client `c`'s pending operation returns `v`.
fn ret(h: &mut History, c: usize, v: Val) {
    h.respond(c, v);
}

#[test]
fn the_empty_history_and_a_sequential_one_are_linearizable() {
    let mut h = History::new(1, 3);
    assert!(linearizable(&h, 0));
    call(&mut h, 0, Call::Read(0));
    ret(&mut h, 0, 0);
    call(&mut h, 0, Call::Write(0, 5));
    ret(&mut h, 0, 5);
    call(&mut h, 0, Call::Read(0));
    ret(&mut h, 0, 5);
    assert!(linearizable(&h, 0) && sequentially_consistent(&h, 0));
}

#[test]
fn a_sequential_stale_read_is_neither_linearizable_nor_sequentially_consistent() {
    let mut h = History::new(1, 2);
    call(&mut h, 0, Call::Write(0, 1));
    ret(&mut h, 0, 1);
    call(&mut h, 0, Call::Read(0));
    ret(&mut h, 0, 0);
    assert!(!linearizable(&h, 0));
    assert!(!sequentially_consistent(&h, 0));
}

#[test]
fn a_read_concurrent_with_a_write_may_return_either_value() {
    for seen in [0, 1] {
        let mut h = History::new(2, 1);
        call(&mut h, 0, Call::Write(0, 1));
        call(&mut h, 1, Call::Read(0));
        ret(&mut h, 1, seen);
        ret(&mut h, 0, 1);
        assert!(linearizable(&h, 0), "read returned {seen}");
    }
    // A value nobody wrote is never explained.
    let mut h = History::new(2, 1);
    call(&mut h, 0, Call::Write(0, 1));
    call(&mut h, 1, Call::Read(0));
    ret(&mut h, 1, 2);
    assert!(!linearizable(&h, 0) && !sequentially_consistent(&h, 0));
}

#[test]
fn a_pending_write_may_or_may_not_have_taken_effect() {
    for seen in [0, 1] {
        let mut h = History::new(2, 1);
        call(&mut h, 0, Call::Write(0, 1));
        call(&mut h, 1, Call::Read(0));
        ret(&mut h, 1, seen);
        assert!(linearizable(&h, 0), "read returned {seen} while the write is pending");
    }
}

// The classic new-old inversion (the reason ABD's readers write back): while
// a write of 1 is pending, reader c2 reads 1 and returns; then reader c3
// starts and reads the old value 0. Not linearizable: c3's read must follow
// c2's, which must follow the write. Sequentially consistent: c3's read can
// go first.
#[test]
fn the_new_old_inversion_is_sequentially_consistent_but_not_linearizable() {
    let mut h = History::new(3, 1);
    call(&mut h, 0, Call::Write(0, 1));
    call(&mut h, 1, Call::Read(0));
    ret(&mut h, 1, 1);
    call(&mut h, 2, Call::Read(0));
    ret(&mut h, 2, 0);
    assert!(!linearizable(&h, 0));
    assert!(sequentially_consistent(&h, 0));
    // The same reads, the second begun before the first returned, are fine.
    let mut h = History::new(3, 1);
    call(&mut h, 0, Call::Write(0, 1));
    call(&mut h, 1, Call::Read(0));
    call(&mut h, 2, Call::Read(0));
    ret(&mut h, 1, 1);
    ret(&mut h, 2, 0);
    assert!(linearizable(&h, 0));
}

#[test]
fn keys_are_independent_registers() {
    let mut h = History::new(2, 2);
    call(&mut h, 0, Call::Write(0, 1));
    ret(&mut h, 0, 1);
    call(&mut h, 1, Call::Read(1));
    ret(&mut h, 1, 0);
    call(&mut h, 1, Call::Read(0));
    ret(&mut h, 1, 1);
    assert!(linearizable(&h, 0));
    // Key 1 reads a value written only to key 0.
    call(&mut h, 0, Call::Read(1));
    ret(&mut h, 0, 1);
    assert!(!linearizable(&h, 0));
}

#[test]
fn real_time_order_between_writers_is_respected() {
    // c1 writes 1 and returns; then c2 writes 2 and returns; a later read of 1 is stale.
    let mut h = History::new(3, 1);
    call(&mut h, 0, Call::Write(0, 1));
    ret(&mut h, 0, 1);
    call(&mut h, 1, Call::Write(0, 2));
    ret(&mut h, 1, 2);
    call(&mut h, 2, Call::Read(0));
    ret(&mut h, 2, 1);
    assert!(!linearizable(&h, 0));
    // Sequentially consistent: c3's read may be ordered between the writes.
    assert!(sequentially_consistent(&h, 0));
}

#[test]
fn histories_describe_themselves() {
    let mut h = History::new(2, 1);
    call(&mut h, 0, Call::Write(0, 1));
    ret(&mut h, 0, 1);
    call(&mut h, 1, Call::Read(0));
    let name = |c: usize| format!("c{}", c + 1);
    assert_eq!(h.describe(name), "c1#1: Write(k0, 1) -> ok; c2#1: Read(k0) -> pending");
    assert!(h.pending(1).is_some() && !h.can_invoke(1) && !h.can_invoke(0));
    assert_eq!(h.ops()[1].after, 0b01);
}

#[test]
fn the_memo_gives_the_checkers_verdict() {
    let memo = Memo::new();
    let mut h = History::new(1, 2);
    call(&mut h, 0, Call::Write(0, 1));
    ret(&mut h, 0, 1);
    assert!(memo.get(&h, |h| linearizable(h, 0)));
    // A cached verdict is not recomputed.
    assert!(memo.get(&h, |_| unreachable!("cached")));
    call(&mut h, 0, Call::Read(0));
    ret(&mut h, 0, 0);
    assert!(!memo.get(&h, |h| linearizable(h, 0)));
}

/// The brute-force reference: every order of every admissible set of
/// operations (all returned ones plus any subset of pending writes), checked
/// against `precedes` and replayed on a map.
fn brute_force(h: &History, init: Val, precedes: &dyn Fn(usize) -> OpSet) -> bool {
    let ops = h.ops();
    let returned: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].ret.is_some()).collect();
    let pending_writes: Vec<usize> =
        (0..ops.len()).filter(|&i| ops[i].ret.is_none() && matches!(ops[i].call, Some(Call::Write(..)))).collect();
    for subset in 0..1u32 << pending_writes.len() {
        let mut chosen = returned.clone();
        chosen.extend(pending_writes.iter().enumerate().filter(|(b, _)| subset >> b & 1 == 1).map(|(_, &i)| i));
        if permutations(&chosen).into_iter().any(|order| legal(ops, &order, init, precedes)) {
            return true;
        }
    }
    false
}

fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    let mut all = vec![Vec::new()];
    for &item in items {
        let mut next = Vec::new();
        for p in &all {
            for at in 0..=p.len() {
                let mut q = p.clone();
                q.insert(at, item);
                next.push(q);
            }
        }
        all = next;
    }
    all
}

fn legal(ops: &[Op], order: &[usize], init: Val, precedes: &dyn Fn(usize) -> OpSet) -> bool {
    let mut map = std::collections::HashMap::new();
    for (at, &i) in order.iter().enumerate() {
        // Everything that must precede i and is in the order comes earlier;
        // everything that must precede i is returned, hence in the order.
        for j in 0..ops.len() {
            if precedes(i) >> j & 1 == 1 && !order[..at].contains(&j) {
                return false;
            }
        }
        match (ops[i].call, ops[i].ret) {
            (Some(Call::Write(k, v)), _) => {
                map.insert(k, v);
            }
            (Some(Call::Read(k)), Some(v)) => {
                if *map.get(&k).unwrap_or(&init) != v {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n
    }
}

/// A random history: clients invoke and return in a random interleaving,
/// reads return a random value among those written (or the initial one), so
/// that both verdicts are common. Some operations stay pending.
fn random_history(rng: &mut Rng) -> History {
    let clients = 1 + rng.below(3) as usize;
    let per_client = 1 + rng.below(2) as usize;
    let keys = 1 + rng.below(2) as u8;
    let mut h = History::new(clients, per_client);
    let mut next_value = 1;
    let events = 2 * (clients * per_client) as u64 + 2;
    for _ in 0..events - rng.below(3) {
        let c = rng.below(clients as u64) as usize;
        if let Some((_, call)) = h.pending(c) {
            let v = match call {
                Call::Write(_, v) => v,
                Call::Read(_) => rng.below(u64::from(next_value)) as Val,
            };
            h.respond(c, v);
        } else if h.can_invoke(c) {
            let k = rng.below(u64::from(keys)) as Key;
            if rng.below(2) == 0 {
                h.invoke(c, Call::Write(k, next_value));
                next_value += 1;
            } else {
                h.invoke(c, Call::Read(k));
            }
        }
    }
    h
}

#[test]
fn the_search_agrees_with_brute_force_on_random_histories() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut yes, mut no, mut sc_only) = (0, 0, 0);
    for _ in 0..4000 {
        let h = random_history(&mut rng);
        let lin = linearizable(&h, 0);
        let sc = sequentially_consistent(&h, 0);
        assert_eq!(lin, brute_force(&h, 0, &|i| h.ops()[i].after), "linearizable: {}", h.describe(|c| c.to_string()));
        assert_eq!(sc, brute_force(&h, 0, &|i| h.program_order(i)), "SC: {}", h.describe(|c| c.to_string()));
        assert!(!lin || sc, "linearizable implies sequentially consistent");
        if lin {
            yes += 1;
        } else {
            no += 1;
        }
        if sc && !lin {
            sc_only += 1;
        }
    }
    // The generator exercises both verdicts and the gap between the two conditions.
    assert!(yes > 500 && no > 300 && sc_only > 30, "{yes} linearizable, {no} not, {sc_only} SC only");
}
