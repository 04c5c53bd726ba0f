//! The causal-consistency checker on hand-written histories, each verdict
//! worked out from the definition (a read must be explained by its causal
//! past alone).

use super::*;
use crate::common::linearizability::sequentially_consistent;

/// A history of `clients` sessions from `(client, call, returned value)`
/// triples, each invoked and returned in turn; `None` leaves it pending.
fn history(clients: usize, per_client: usize, ops: &[(usize, Call, Option<Val>)]) -> History {
    let mut h = History::new(clients, per_client);
    for &(client, call, ret) in ops {
        h.invoke(client, call);
        if let Some(v) = ret {
            h.respond(client, v);
        }
    }
    h
}

const X: u8 = 0;
const Y: u8 = 1;

#[test]
fn an_empty_history_is_causally_consistent() {
    assert_eq!(bad_pattern(&History::new(2, 2), 0), None);
}

// c1 writes x then y; c2 sees y's write, then reads x as if x were never
// written. The write of x is before the write of y (program order), which is
// before c2's read of y (reads-from), which is before its read of x.
#[test]
fn a_read_that_misses_a_write_in_its_causal_past_is_a_violation() {
    let h = history(
        2,
        2,
        &[
            (0, Call::Write(X, 1), Some(1)),
            (0, Call::Write(Y, 2), Some(2)),
            (1, Call::Read(Y), Some(2)),
            (1, Call::Read(X), Some(0)),
        ],
    );
    assert_eq!(bad_pattern(&h, 0), Some(BadPattern::WriteCOInitRead));
    assert!(!causally_consistent(&h, 0));
}

// Two concurrent writes of x; c3 sees 1 then 2, c4 sees 2 then 1. Causal
// consistency allows it (neither write is before the other), sequential
// consistency does not (one order of the two writes must explain both).
#[test]
fn concurrent_writes_may_be_seen_in_different_orders() {
    let h = history(
        4,
        2,
        &[
            (0, Call::Write(X, 1), Some(1)),
            (1, Call::Write(X, 2), Some(2)),
            (2, Call::Read(X), Some(1)),
            (2, Call::Read(X), Some(2)),
            (3, Call::Read(X), Some(2)),
            (3, Call::Read(X), Some(1)),
        ],
    );
    assert_eq!(bad_pattern(&h, 0), None);
    assert!(!sequentially_consistent(&h, 0));
}

// c1 writes 1 then 2 to x; c2 reads 2, then 1: the write of 1 is before the
// write of 2, which is before the second read, so 1 was overwritten.
#[test]
fn reading_an_overwritten_value_is_a_violation() {
    let h = history(
        2,
        2,
        &[
            (0, Call::Write(X, 1), Some(1)),
            (0, Call::Write(X, 2), Some(2)),
            (1, Call::Read(X), Some(2)),
            (1, Call::Read(X), Some(1)),
        ],
    );
    assert_eq!(bad_pattern(&h, 0), Some(BadPattern::WriteCORead));
}

#[test]
fn a_value_nobody_wrote_is_a_violation() {
    let h = history(1, 1, &[(0, Call::Read(X), Some(7))]);
    assert_eq!(bad_pattern(&h, 0), Some(BadPattern::ThinAirRead));
}

// c1 reads 1, then writes 1: the read can only have read from the write
// after it in its own session.
#[test]
fn reading_a_write_of_ones_own_future_is_a_cycle() {
    let h = history(1, 2, &[(0, Call::Read(X), Some(1)), (0, Call::Write(X, 1), Some(1))]);
    assert_eq!(bad_pattern(&h, 0), Some(BadPattern::CyclicCO));
}

// Read your writes: a session's own write is in its causal past.
#[test]
fn a_session_that_misses_its_own_write_is_a_violation() {
    let h = history(1, 2, &[(0, Call::Write(X, 1), Some(1)), (0, Call::Read(X), Some(0))]);
    assert_eq!(bad_pattern(&h, 0), Some(BadPattern::WriteCOInitRead));
}

// A write still pending may already be visible.
#[test]
fn a_pending_write_may_be_read() {
    let h = history(2, 1, &[(0, Call::Write(X, 1), None), (1, Call::Read(X), Some(1))]);
    assert_eq!(bad_pattern(&h, 0), None);
}

// A pending read returned nothing, so it explains nothing and breaks nothing.
#[test]
fn a_pending_read_is_left_out() {
    let h = history(1, 2, &[(0, Call::Write(X, 1), Some(1)), (0, Call::Read(X), None)]);
    assert_eq!(bad_pattern(&h, 0), None);
}

// With repeated values a read's source is ambiguous. c1 writes 1 then 2, c3
// writes 1 too; c2 reads 2, then 1. Reading c1's 1 is a WriteCORead, but
// reading c3's concurrent 1 is causally consistent, so the history is.
// Without c3's write it is not.
#[test]
fn an_ambiguous_read_is_consistent_when_some_source_explains_it() {
    let ops = [
        (0, Call::Write(X, 1), Some(1)),
        (0, Call::Write(X, 2), Some(2)),
        (1, Call::Read(X), Some(2)),
        (1, Call::Read(X), Some(1)),
    ];
    assert_eq!(bad_pattern(&history(3, 2, &ops), 0), Some(BadPattern::WriteCORead));
    let mut with_third = ops.to_vec();
    with_third.push((2, Call::Write(X, 1), Some(1)));
    assert_eq!(bad_pattern(&history(3, 2, &with_third), 0), None);
}

// Causality is transitive: c1 writes x; c2 reads it and writes y; c3 reads
// y, then misses x. Only the chain through c2 puts x's write before c3's read.
#[test]
fn causality_is_transitive_across_sessions() {
    let h = history(
        3,
        2,
        &[
            (0, Call::Write(X, 1), Some(1)),
            (1, Call::Read(X), Some(1)),
            (1, Call::Write(Y, 3), Some(3)),
            (2, Call::Read(Y), Some(3)),
            (2, Call::Read(X), Some(0)),
        ],
    );
    assert_eq!(bad_pattern(&h, 0), Some(BadPattern::WriteCOInitRead));
    // Without c2's read of x, c2's write of y is concurrent with x's write.
    let h = history(
        3,
        2,
        &[
            (0, Call::Write(X, 1), Some(1)),
            (1, Call::Write(Y, 3), Some(3)),
            (2, Call::Read(Y), Some(3)),
            (2, Call::Read(X), Some(0)),
        ],
    );
    assert_eq!(bad_pattern(&h, 0), None);
}

// The keys are independent: a write of y does not hide the initial x.
#[test]
fn keys_are_independent() {
    let h = history(2, 2, &[(0, Call::Write(Y, 1), Some(1)), (1, Call::Read(Y), Some(1)), (1, Call::Read(X), Some(0))]);
    assert_eq!(bad_pattern(&h, 0), None);
}
