//! The distributed search, its workers driven round by round in this thread,
//! against the single-machine search (an independent engine) on the same
//! model and configuration.

use super::*;
use crate::fixtures::{Grid, Pair};
use crate::{check, CheckConfig};

/// Runs `workers` shards of a distributed search to the end, delivering each
/// round's messages in reverse order of sending (the transport promises no
/// order), and returns worker 0's result.
fn distributed<M: Model>(model: &M, config: &CheckConfig, workers: usize) -> Result<Outcome, CheckError> {
    tampered(model, config, workers, |_, _| {})
}

/// [`distributed`], with `tamper(round, message)` called on every message
/// before it is delivered.
fn tampered<M: Model>(
    model: &M,
    config: &CheckConfig,
    workers: usize,
    mut tamper: impl FnMut(usize, &mut Vec<u8>),
) -> Result<Outcome, CheckError> {
    let mut shards: Vec<Box<dyn Shard + '_>> =
        (0..workers).map(|w| shard(model, config, w, workers)).collect::<Result<_, _>>()?;
    for round in 0..10_000 {
        let mut mail: Vec<Vec<Vec<u8>>> = vec![Vec::new(); workers];
        for s in shards.iter_mut() {
            s.send(&mut |to, mut message| {
                tamper(round, &mut message);
                mail[to].push(message)
            });
        }
        for (s, inbox) in shards.iter_mut().zip(&mut mail) {
            for message in inbox.drain(..).rev() {
                s.receive(message);
            }
        }
        let mut results = Vec::new();
        for s in shards.iter_mut() {
            if let Round::Finished(r) = s.end_round() {
                results.push(r);
            }
        }
        if results.len() == workers {
            // Every worker ends with the same result.
            let shown = |r: &Result<Outcome, CheckError>| match r {
                Ok(o) => format!("{:?}", comparable(o.clone())),
                Err(CheckError::Model(e)) => format!("{:?} {}", e.kind, e.message),
                Err(e) => e.to_string(),
            };
            for (w, r) in results.iter().enumerate() {
                assert_eq!(shown(r), shown(&results[0]), "worker {w} and worker 0 disagree");
            }
            return results.swap_remove(0);
        }
        assert!(results.is_empty(), "the workers disagree on the end of the search: {results:?}");
    }
    panic!("the distributed search did not end");
}

/// The outcome without what depends on the store's layout.
fn comparable(mut outcome: Outcome) -> Outcome {
    outcome.stats.store_bytes = 0;
    outcome
}

/// Checks that 1, 2, 3 and 5 workers give the single-machine outcome; returns it.
fn same<M: Model>(model: &M, config: &CheckConfig) -> Outcome {
    let single = comparable(check(model, config).expect("the single-machine search succeeds"));
    for workers in [1, 2, 3, 5] {
        let spread = comparable(distributed(model, config, workers).expect("the distributed search succeeds"));
        assert_eq!(spread, single, "{workers} workers");
    }
    single
}

fn base() -> crate::CheckConfigBuilder {
    CheckConfig::builder().check_deadlock(false).threads(2)
}

#[test]
fn a_complete_search_counts_as_one_machine() {
    let outcome = same(&Grid { n: 4 }, &base().invariants(["InGrid"]).build());
    // (n+1)^2 states, 2n(n+1) + 1 generated, depth 2n + 1.
    assert_eq!(outcome.stats.distinct_states, 25);
    assert_eq!(outcome.stats.generated_states, 41);
    assert_eq!(outcome.stats.depth, 9);
    assert!(outcome.checks.iter().all(|c| c.verdict == crate::Verdict::Holds));
}

#[test]
fn many_batches_per_worker_count_as_one_machine() {
    // 121^2 states: every worker sends several batches per level.
    let outcome = same(&Grid { n: 120 }, &base().invariants(["InGrid"]).build());
    assert_eq!(outcome.stats.distinct_states, 121 * 121);
}

#[test]
fn violations_and_deadlocks_have_the_single_machine_traces() {
    let grid = Grid { n: 5 };
    let outcome = same(&grid, &base().invariants(["SumBelowFour"]).build());
    assert_eq!(outcome.stopped, Some(StopReason::StoppedAtViolation));
    same(&grid, &base().invariants(["NoIncXOntoDiagonal"]).build());
    same(&grid, &base().invariants(["InGrid"]).check_deadlock(true).build());
    same(&grid, &base().invariants(["SumBelowFour", "NoIncXOntoDiagonal"]).continue_after_violation(true).build());
}

#[test]
fn witnesses_constraints_and_action_constraints() {
    let grid = Grid { n: 4 };
    same(&grid, &base().properties(["ReachesCorner", "LeavesGrid"]).build());
    same(&grid, &base().invariants(["InGrid", "OffTheYAxis"]).constraints(["XBelowTwo"]).build());
    same(&grid, &base().invariants(["NoIncYAtOrigin", "OffTheYAxis"]).action_constraints(["NoIncYAtZero"]).build());
    same(&grid, &base().invariants(["SumBelowFour"]).constraints(["SumBelowFourConstraint"]).build());
}

#[test]
fn symmetries_reduce_as_on_one_machine() {
    let grid = Grid { n: 5 };
    let outcome = same(&grid, &base().invariants(["InGrid"]).symmetry("Swap").build());
    // Classes {x, y} with x <= y.
    assert_eq!(outcome.stats.distinct_states, 21);
    same(&grid, &base().invariants(["SumBelowFour"]).symmetry("Axes").build());
    same(&grid, &base().properties(["ReachesCorner"]).symmetry("Swap").check_deadlock(true).build());
}

#[test]
fn depth_and_state_limits_stop_at_the_same_level() {
    let grid = Grid { n: 6 };
    let outcome = same(&grid, &base().invariants(["InGrid"]).depth_max(4).build());
    assert_eq!(outcome.stopped, Some(StopReason::DepthLimit));
    let outcome = same(&grid, &base().invariants(["InGrid"]).states_max(7).build());
    assert_eq!(outcome.stopped, Some(StopReason::StatesLimit));
}

#[test]
fn an_interrupt_stops_every_worker_without_a_verdict() {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let config = base().invariants(["InGrid"]).interrupt(flag).build();
    let outcome = distributed(&Grid { n: 4 }, &config, 3).expect("an interrupted search succeeds");
    assert_eq!(outcome.stopped, Some(StopReason::Interrupted));
    assert!(outcome.checks.iter().all(|c| matches!(c.verdict, crate::Verdict::Unknown(_))));
}

#[test]
fn a_model_panic_on_any_worker_is_a_model_error() {
    let config = base().invariants(["PanicsAtTwoTwo"]).build();
    let single = check(&Grid { n: 4 }, &config).expect_err("the invariant panics");
    for workers in [1, 2, 3] {
        let error = distributed(&Grid { n: 4 }, &config, workers).expect_err("the invariant panics");
        let (CheckError::Model(expected), CheckError::Model(got)) = (&single, &error) else {
            panic!("not model errors: {single:?} and {error:?}")
        };
        assert_eq!((got.kind, &got.message), (expected.kind, &expected.message));
        // The owner checks invariants on the states it stores: the state shown
        // is the one the invariant panicked on, not the one expanded before it.
        assert_eq!(expected.state.as_deref(), Some("(2, 1)"));
        assert_eq!(got.state.as_deref(), Some("(2, 2)"));
    }
}

#[test]
fn a_garbled_message_in_any_round_is_an_error_on_every_worker_not_a_panic() {
    let config = base().invariants(["InGrid"]).build();
    // Even rounds send successors (round 0 the initial state, which here its
    // owner keeps; odd rounds send summaries, whose decoding
    // summaries_round_trip tests).
    type Cut = fn(&mut Vec<u8>);
    let cuts: [(&str, Cut); 7] = [
        ("cut short", |m| m.truncate(m.len() - 1)),
        ("a byte more", |m| m.push(0)),
        ("a length beyond the message", |m| m[24..28].copy_from_slice(&u32::MAX.to_le_bytes())),
        // The fingerprint's bit 62 picks another owner among 2 or 3 workers.
        ("another worker's state", |m| m[7] ^= 0x40),
        ("an action index out of range", |m| m[20..24].copy_from_slice(&77u32.to_le_bytes())),
        ("fingerprint 0", |m| m[..8].copy_from_slice(&0u64.to_le_bytes())),
        ("a fingerprint of 64 bits", |m| m[7] |= 0x80),
    ];
    for workers in [2, 3] {
        for round in [2, 4, 6] {
            for (what, cut) in cuts {
                let mut done = false;
                let result = tampered(&Grid { n: 4 }, &config, workers, |r, m| {
                    if r == round && !done && m.len() >= RECORD {
                        cut(m);
                        done = true;
                    }
                });
                assert!(done, "round {round} sent no successors");
                match result {
                    Err(CheckError::Model(e)) => assert!(e.message.contains("garbled"), "{what}: {}", e.message),
                    other => panic!("{what} in round {round}, {workers} workers: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn temporal_properties_models_without_a_codec_and_other_settings_are_refused() {
    let refused = |config: &CheckConfig| match distributed(&Grid { n: 2 }, config, 2) {
        Err(CheckError::Config(ConfigError::Unsupported { message, .. })) => message,
        other => panic!("not refused: {other:?}"),
    };
    assert!(refused(&base().properties(["EventuallyCorner"]).build()).contains("EventuallyCorner"));
    assert!(refused(&base().invariants(["InGrid"]).strategy(Strategy::Dfs).threads(1).build()).contains("bfs"));
    assert!(refused(&base().invariants(["InGrid"]).fingerprint_bits(FingerprintBits::B128).build()).contains("64"));
    let pair = Pair { delay: 1, asymmetric_next: false };
    match distributed(&pair, &base().invariants(["ClockBounded"]).build(), 2) {
        Err(CheckError::Config(ConfigError::Unsupported { message, .. })) => assert!(message.contains("state_codec")),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn owners_spread_over_every_worker_by_high_bits() {
    assert_eq!(owner(0, 4), 0);
    assert_eq!(owner(u64::MAX >> 1, 4), 3);
    assert_eq!(owner(1 << 61, 4), 1);
    assert_eq!(owner(1 << 62, 4), 2);
    assert_eq!(owner(u64::MAX >> 1, 1), 0);
}

#[test]
fn summaries_round_trip() {
    let summary = Summary {
        new_states: 3,
        generated: 9,
        expanded: 2,
        unexpanded: 1,
        steps: vec![4, 5],
        distinct_steps: vec![1, 2],
        found: vec![None, Some(Found { depth: 3, fp: 77, from: Some(5) }), Some(Found { depth: 2, fp: 8, from: None })],
        stop: Some(StopReason::TimeLimit),
        store_bytes: 64,
        error: Some(Failure { kind: Some(0), message: "m".into(), state: None, action: Some("a".into()) }),
    };
    let bytes = encode_summary(4, &summary);
    let (worker, back) = decode_summary(&bytes, 2, 3).expect("decodes");
    assert_eq!(worker, 4);
    assert_eq!(format!("{back:?}"), format!("{summary:?}"));
    assert!(decode_summary(&bytes[..bytes.len() - 1], 2, 3).is_none());
}

#[test]
fn a_record_is_sent_again_only_if_it_could_win() {
    let mut sent = Sent::new();
    assert!(sent.worth_sending(42, 9, 3, 1));
    // The same level: only a smaller (parent, position) can become the parent.
    assert!(!sent.worth_sending(42, 9, 3, 1));
    assert!(!sent.worth_sending(42, 9, 3, 2));
    assert!(!sent.worth_sending(42, 10, 3, 0));
    assert!(sent.worth_sending(42, 9, 3, 0));
    assert!(sent.worth_sending(42, 5, 3, 7));
    // A later level: the owner stored it at the end of level 3.
    assert!(!sent.worth_sending(42, 1, 4, 0));
    // Another fingerprint in the same slot evicts it: sent again, which is harmless.
    assert!(sent.worth_sending(42 + SENT_SLOTS as u64, 1, 4, 0));
    assert!(sent.worth_sending(42, 1, 4, 0));
}

/// States `0..n` on a ring with chords: `Inc`, `Dec` and `Double` (mod n),
/// so most steps lead back to states of earlier levels, found from parents
/// whose fingerprints are smaller than the first parent's.
struct Ring {
    n: u32,
}

impl Model for Ring {
    type State = u32;
    type Action = &'static str;

    fn init(&self, states: &mut Vec<u32>) {
        states.push(0);
    }

    fn next(&self, s: &u32, steps: &mut Vec<(&'static str, u32)>) {
        steps.push(("Inc", (s + 1) % self.n));
        steps.push(("Dec", (s + self.n - 1) % self.n));
        steps.push(("Double", (2 * s) % self.n));
    }

    fn action_name(&self, action: &&'static str) -> &'static str {
        action
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Inc", "Dec", "Double"]
    }

    fn invariants(&self) -> Vec<crate::model::Invariant<Self>> {
        vec![
            crate::model::Invariant::state("BelowN", |m, s| *s < m.n),
            crate::model::Invariant::state("NotLast", |m, s| *s != m.n - 1 || m.n < 3),
        ]
    }

    fn state_codec(&self) -> Option<StateCodec<u32>> {
        Some(StateCodec::serde())
    }
}

#[test]
fn steps_back_to_stored_states_change_no_parent() {
    for n in [37, 200, 1000] {
        let outcome = same(&Ring { n }, &base().invariants(["BelowN"]).build());
        assert_eq!(outcome.stats.distinct_states, u64::from(n));
        // Every state's trace is rebuilt from the parents: a violation at the
        // far end of the ring, with every counterexample continuing the search.
        let outcome = same(&Ring { n }, &base().invariants(["NotLast"]).build());
        assert!(matches!(outcome.check("NotLast").map(|c| &c.verdict), Some(crate::Verdict::Violated(_))));
        same(&Ring { n }, &base().invariants(["NotLast"]).continue_after_violation(true).build());
    }
}

/// Pairs `(x, y)` mod n under the symmetry swapping x and y, with six
/// actions: a class's fingerprint is reached by different states of the
/// class, and which one is kept decides the order of the next level's
/// successors, so the coverage and the traces.
struct Pairs {
    n: u32,
}

impl Model for Pairs {
    type State = (u32, u32);
    type Action = &'static str;

    fn init(&self, states: &mut Vec<(u32, u32)>) {
        states.push((0, 0));
    }

    fn next(&self, &(x, y): &(u32, u32), steps: &mut Vec<(&'static str, (u32, u32))>) {
        let n = self.n;
        steps.push(("A", ((x + 1) % n, y)));
        steps.push(("B", (x, (y + 1) % n)));
        steps.push(("C", ((y + 1) % n, x)));
        steps.push(("D", (y, (x + 1) % n)));
        steps.push(("E", ((x * 3 + 1) % n, y)));
        steps.push(("F", (x, (y * 3 + 1) % n)));
    }

    fn action_name(&self, action: &&'static str) -> &'static str {
        action
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["A", "B", "C", "D", "E", "F"]
    }

    fn invariants(&self) -> Vec<crate::model::Invariant<Self>> {
        vec![crate::model::Invariant::state("NotFar", |m, s: &(u32, u32)| {
            !(s.0.max(s.1) == m.n - 1 && s.0.min(s.1) == m.n / 2)
        })]
    }

    fn symmetries(&self) -> Vec<crate::model::Symmetry<Self>> {
        vec![crate::model::Symmetry::canonicalizer("Swap", |_, s: &(u32, u32)| (s.0.min(s.1), s.0.max(s.1)))]
    }

    fn state_codec(&self) -> Option<StateCodec<(u32, u32)>> {
        Some(StateCodec::serde())
    }
}

#[test]
fn under_a_symmetry_the_winning_steps_state_is_kept_as_on_one_machine() {
    for n in [7, 13, 40, 101] {
        for keep_going in [false, true] {
            let config = base().invariants(["NotFar"]).symmetry("Swap").continue_after_violation(keep_going).build();
            same(&Pairs { n }, &config);
        }
    }
}
