//! Unit tests: hand counts for one process, TLC's published counts for
//! `MCLamportMutex.cfg`, and the two state representations against each
//! other state by state.

use checker::spec::Model;

use super::*;
use crate::naive::explore;

const INVARIANTS: &[&str] = &["TypeOK", "BoundedNetwork", "Mutex"];

// One process, no channels: idle, requested (req[1][1] = 1, ack[1] = {1}),
// critical; Exit leaves req and ack as in the initial state, and the clock
// never moves, so 3 distinct states at depths 1 to 3. Generated: the initial
// state, Request from idle, Enter from requested, and from critical Exit and
// Enter again (ack[1] = Proc and beats holds vacuously: a step to the same
// state, which TLC counts too): 1 + 1 + 1 + 2 = 5.
#[test]
fn one_process_has_three_states_by_hand() {
    for explored in [
        explore(&LamportMutex::<VecState>::new(1, 3), INVARIANTS, &["ClockConstraint"], None)
            .distinct_generated_depth(),
        explore(&LamportMutex::<InlineState>::new(1, 3), INVARIANTS, &["ClockConstraint"], None)
            .distinct_generated_depth(),
    ] {
        assert_eq!(explored, (3, 5, 3));
    }
}

trait Counts {
    fn distinct_generated_depth(&self) -> (u64, u64, u32);
}

impl<S> Counts for crate::naive::Explored<S> {
    fn distinct_generated_depth(&self) -> (u64, u64, u32) {
        (self.distinct, self.generated, self.depth)
    }
}

/// The inline state as the Vec state with the same variables.
fn to_vec_state(s: &InlineState, n: usize) -> VecState {
    let mut t = VecState::init(n);
    for p in 0..n {
        t.set_clock(p, s.clock(p));
        for q in 0..n {
            t.set_req(p, q, s.req(p, q));
            if s.acked(p, q) {
                t.add_ack(p, q);
            }
            for &m in s.channel(p, q) {
                t.send(p, q, m);
            }
        }
        t.set_crit(p, s.in_crit(p));
    }
    t
}

#[test]
fn both_representations_reach_the_same_states_in_the_same_order() {
    let (n, max_clock) = (2, 4);
    let on_heap = explore(&LamportMutex::<VecState>::new(n, max_clock), INVARIANTS, &["ClockConstraint"], None);
    let inline = explore(&LamportMutex::<InlineState>::new(n, max_clock), INVARIANTS, &["ClockConstraint"], None);
    assert_eq!(on_heap.violation, None);
    assert_eq!(inline.violation, None);
    assert_eq!(on_heap.distinct_generated_depth(), inline.distinct_generated_depth());
    let converted: Vec<VecState> = inline.states.iter().map(|s| to_vec_state(s, n)).collect();
    assert!(converted == on_heap.states, "the two representations diverge");
    // Two processes do reach the critical section, each in turn.
    assert!(on_heap.states.iter().any(|s| s.in_crit(0)) && on_heap.states.iter().any(|s| s.in_crit(1)));
}

#[test]
fn a_request_is_broadcast_and_acknowledged() {
    let model = LamportMutex::<InlineState>::new(3, 6);
    let mut steps = Vec::new();
    model.next(&InlineState::init(3), &mut steps);
    let actions: Vec<String> = steps.iter().map(|(a, _)| model.format_action(a)).collect();
    assert_eq!(actions, ["Request(1)", "Request(2)", "Request(3)"]);
    let requested = steps[0].1;
    assert_eq!(requested.channel(0, 1), &[Message::Req(1)]);
    assert_eq!(requested.channel(0, 2), &[Message::Req(1)]);
    assert!(requested.channel(0, 0).is_empty() && requested.channel(1, 0).is_empty());
    steps.clear();
    model.next(&requested, &mut steps);
    let (action, received) = steps.iter().find(|(a, _)| *a == Action::ReceiveRequest(1, 0)).unwrap();
    assert_eq!(model.format_action(action), "ReceiveRequest(2, 1)");
    assert_eq!((received.req(1, 0), received.clock(1)), (1, 2));
    assert_eq!(received.channel(1, 0), &[Message::Ack]);
}
