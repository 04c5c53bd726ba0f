//! Every limit and the interrupt stop every strategy, and the liveness phase,
//! within a step or a few: checked on models whose `next` raises the
//! interrupt, moves a fake memory reading or takes its time at a chosen call.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::*;
use crate::check;
use crate::checkpoint::{CheckpointStorage, Checkpointing};
use crate::config::{CheckConfig, Strategy};
use crate::fixtures::{config, named};
use crate::model::{Fairness, Invariant, Model, Property, StateCodec};
use crate::outcome::{Outcome, Verdict};

/// `width` chains side by side: 0 steps to each of `1..=width`, and a state
/// `s >= 1` steps to `s + width` while that is below `length`. With
/// `width = 1`, one chain `0 -> 1 -> ... -> length - 1`; every state but the
/// last has exactly one successor, so a random walk is the whole chain.
/// States: `length` (for `length > width`). `next` calls `hook` with the number
/// of calls so far; after `cap` calls it returns nothing, so a run that
/// ignores its limits still ends (and its test fails instead of hanging).
struct Chains {
    width: u64,
    length: u64,
    delay: Duration,
    cap: u64,
    calls: Arc<AtomicU64>,
    hook: Box<dyn Fn(u64) + Send + Sync>,
}

impl Chains {
    fn new(width: u64, length: u64) -> Chains {
        Chains {
            width,
            length,
            delay: Duration::ZERO,
            cap: u64::MAX,
            calls: Arc::new(AtomicU64::new(0)),
            hook: Box::new(|_| {}),
        }
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Model for Chains {
    type State = u64;
    type Action = ();

    fn init(&self, states: &mut Vec<u64>) {
        states.push(0);
    }

    fn next(&self, s: &u64, steps: &mut Vec<((), u64)>) {
        let calls = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        (self.hook)(calls);
        if calls > self.cap {
            return;
        }
        if !self.delay.is_zero() {
            std::thread::sleep(self.delay);
        }
        if *s == 0 {
            steps.extend((1..=self.width.min(self.length - 1)).map(|t| ((), t)));
        } else if s + self.width < self.length {
            steps.push(((), s + self.width));
        }
    }

    fn action_name(&self, _: &()) -> &'static str {
        "Step"
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Step"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("Below", |m, s| *s < m.length)]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property::eventually("Ends", |m, s| *s + m.width >= m.length)]
    }

    fn fairness(&self) -> Vec<Fairness> {
        vec![Fairness::weak("Step")]
    }

    fn state_codec(&self) -> Option<StateCodec<u64>> {
        Some(StateCodec::serde())
    }
}

/// Checking `Below` with `strategy` (one random walk as deep as it goes).
fn setup(strategy: Strategy, threads: usize) -> CheckConfig {
    let mut c = config(&["Below"], threads);
    c.strategy = strategy;
    c.simulation_traces = 1;
    c
}

fn strategies() -> [(Strategy, usize); 4] {
    [(Strategy::Simulate, 1), (Strategy::Dfs, 1), (Strategy::Bfs, 1), (Strategy::Bfs, 2)]
}

fn verdict(outcome: &Outcome, name: &str) -> Verdict {
    outcome.check(name).unwrap_or_else(|| panic!("no check {name}")).verdict.clone()
}

/// A probe reading `resident`, which a test moves.
fn probe(resident: &Arc<AtomicU64>) -> MemoryProbe {
    let resident = resident.clone();
    MemoryProbe::new(move || resident.load(Ordering::SeqCst))
}

#[test]
fn the_interrupt_stops_every_strategy_at_the_next_step() {
    for (strategy, threads) in strategies() {
        // Wide levels for BFS, so a level's chunks are far from over when
        // the flag goes up; one long chain for the others.
        let width = if strategy == Strategy::Bfs { 1000 } else { 1 };
        let mut model = Chains::new(width, 50_000);
        let flag = Arc::new(AtomicBool::new(false));
        let raise = flag.clone();
        // Calls that see the flag up: each thread checks it before every
        // call, so only a call another thread had begun when the flag went
        // up can see it. (Counting calls after the 300th instead would race:
        // another thread may finish calls between the 300th's count and its
        // raising the flag.)
        let late = Arc::new(AtomicU64::new(0));
        let seen = late.clone();
        model.hook = Box::new(move |calls| {
            if calls == 300 {
                raise.store(true, Ordering::SeqCst);
            } else if raise.load(Ordering::SeqCst) {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        });
        let mut c = setup(strategy, threads);
        c.limits.depth_max = u32::MAX;
        c.limits.interrupt = Some(flag);
        let outcome = check(&model, &c).unwrap();
        assert_eq!(verdict(&outcome, "Below"), Verdict::Unknown(StopReason::Interrupted), "{strategy:?}");
        assert!(model.calls() >= 300, "{strategy:?} {threads}: {} calls", model.calls());
        // At most one call per other thread sees the flag up.
        let late = late.load(Ordering::SeqCst);
        assert!(late < threads as u64, "{strategy:?} {threads}: {late} calls after the interrupt");
    }
}

#[test]
fn an_interrupt_from_another_thread_ends_an_endless_walk() {
    for (strategy, threads) in strategies() {
        let mut model = Chains::new(1, u64::MAX);
        model.delay = Duration::from_millis(1);
        model.cap = 5_000;
        let flag = Arc::new(AtomicBool::new(false));
        let mut c = setup(strategy, threads);
        c.limits.depth_max = u32::MAX;
        c.limits.interrupt = Some(flag.clone());
        let started = Instant::now();
        let outcome = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(100));
                flag.store(true, Ordering::SeqCst);
            });
            check(&model, &c).unwrap()
        });
        assert_eq!(verdict(&outcome, "Below"), Verdict::Unknown(StopReason::Interrupted), "{strategy:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{strategy:?}: {:?}", started.elapsed());
    }
}

#[test]
fn the_deadline_ends_an_endless_walk_within_a_few_hundred_steps() {
    for (strategy, threads) in strategies() {
        let mut model = Chains::new(1, u64::MAX);
        model.delay = Duration::from_millis(1);
        model.cap = 5_000;
        let mut c = setup(strategy, threads);
        c.limits.depth_max = u32::MAX;
        c.limits.deadline = Some(Instant::now() + Duration::from_millis(100));
        let started = Instant::now();
        let outcome = check(&model, &c).unwrap();
        assert_eq!(verdict(&outcome, "Below"), Verdict::Unknown(StopReason::TimeLimit), "{strategy:?}");
        // About 100 steps before the deadline, at most CLOCK_EVERY after it.
        assert!(model.calls() < 1_000, "{strategy:?}: {} calls", model.calls());
        assert!(started.elapsed() < Duration::from_secs(2), "{strategy:?}: {:?}", started.elapsed());
    }
}

#[test]
fn the_memory_probe_stops_every_strategy_within_a_probe_interval() {
    for (strategy, threads) in strategies() {
        let width = if strategy == Strategy::Bfs { 1000 } else { 1 };
        let mut model = Chains::new(width, 50_000);
        let resident = Arc::new(AtomicU64::new(100 << 20));
        let grow = resident.clone();
        // Calls made once the reading has moved (counted as the interrupt
        // test counts them, free of the race between the 500th call's count
        // and its moving the reading).
        let late = Arc::new(AtomicU64::new(0));
        let seen = late.clone();
        model.hook = Box::new(move |calls| {
            if calls == 500 {
                grow.store(600 << 20, Ordering::SeqCst);
            } else if grow.load(Ordering::SeqCst) > 512 << 20 {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        });
        let mut c = setup(strategy, threads);
        c.limits.depth_max = u32::MAX;
        c.limits.memory_bytes_max = 512 << 20;
        c.limits.memory_probe = Some(probe(&resident));
        let outcome = check(&model, &c).unwrap();
        assert_eq!(verdict(&outcome, "Below"), Verdict::Unknown(StopReason::MemoryLimit), "{strategy:?}");
        let most = threads as u64 * u64::from(PROBE_EVERY);
        let late = late.load(Ordering::SeqCst);
        assert!(late <= most, "{strategy:?} {threads}: {late} calls after the reading moved");
    }
}

#[test]
fn a_table_growth_past_the_limit_is_refused_before_it_happens() {
    for (strategy, threads) in strategies() {
        // 10,000 states: more than the first table holds (4,096).
        let width = if strategy == Strategy::Bfs { 100 } else { 1 };
        let model = Chains::new(width, 10_000);
        let limit = 1u64 << 30;
        // Resident memory just under the limit: no room for a bigger table.
        let resident = Arc::new(AtomicU64::new(limit - 1000));
        let mut c = setup(strategy, threads);
        c.limits.depth_max = u32::MAX;
        c.limits.memory_bytes_max = limit;
        c.limits.memory_probe = Some(probe(&resident));
        let outcome = check(&model, &c).unwrap();
        assert_eq!(verdict(&outcome, "Below"), Verdict::Unknown(StopReason::MemoryLimit), "{strategy:?}");
        // The first table: 4,096 states at load 0.85, 16 bytes a slot.
        assert_eq!(outcome.stats.store_bytes, (4096.0f64 / 0.85) as u64 * 16 + 16, "{strategy:?}");
        assert!(outcome.stats.distinct_states <= 4096, "{strategy:?}");

        // The same run with room to grow completes.
        resident.store(1 << 20, Ordering::SeqCst);
        let outcome = check(&Chains::new(width, 10_000), &c).unwrap();
        let expected =
            if strategy == Strategy::Simulate { Verdict::Unknown(StopReason::Simulation) } else { Verdict::Holds };
        assert_eq!(verdict(&outcome, "Below"), expected, "{strategy:?}");
    }
}

/// A checkpoint held in memory.
#[derive(Default)]
struct Memory(Mutex<Option<Vec<u8>>>);

impl CheckpointStorage for Memory {
    fn save(&self, write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        *self.0.lock().unwrap() = Some(bytes);
        Ok(())
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn std::io::Read>>> {
        Ok(self.0.lock().unwrap().clone().map(|b| Box::new(std::io::Cursor::new(b)) as Box<dyn std::io::Read>))
    }

    fn location(&self) -> String {
        "memory".into()
    }
}

#[test]
fn a_bfs_stopped_inside_a_chunk_resumes_to_the_uninterrupted_counts() {
    // 1,000 chains of 20 states: each level past the first holds 1,000
    // states, 8 chunks; the interrupt comes at the 300th call, inside a chunk.
    for threads in [1, 2] {
        let storage = Arc::new(Memory::default());
        let mut c = setup(Strategy::Bfs, threads);
        c.checkpoint = Some(Checkpointing {
            storage: storage.clone(),
            every: Duration::from_secs(3600),
            resume: true,
            identity: Vec::new(),
        });
        let mut model = Chains::new(1000, 20_000);
        let flag = Arc::new(AtomicBool::new(false));
        let raise = flag.clone();
        model.hook = Box::new(move |calls| {
            if calls == 300 {
                raise.store(true, Ordering::SeqCst);
            }
        });
        c.limits.interrupt = Some(flag);
        let stopped = check(&model, &c).unwrap();
        assert_eq!(stopped.stopped, Some(StopReason::Interrupted));
        assert!(storage.0.lock().unwrap().is_some(), "the stop wrote a checkpoint");
        c.limits.interrupt = None;
        let resumed = check(&Chains::new(1000, 20_000), &c).unwrap();
        // 20,000 states. Generated: the initial state, its 1,000 steps, and
        // one step from each of 1..19,000 (the last 1,000 end their chains).
        assert_eq!(resumed.stopped, None);
        assert_eq!(resumed.stats.distinct_states, 20_000, "{threads} threads");
        assert_eq!(resumed.stats.generated_states, 1 + 1000 + 18_999, "{threads} threads");
        assert_eq!(verdict(&resumed, "Below"), Verdict::Holds);
    }
}

/// Checking the liveness property `Ends` (and `Below`) with BFS.
fn liveness_setup() -> CheckConfig {
    let mut c = setup(Strategy::Bfs, 2);
    c.properties = named(&["Ends"]);
    c
}

const LIVENESS_STATES: u64 = 5_000;

#[test]
fn liveness_holds_on_the_chain_when_nothing_stops_it() {
    // The runs below stop; this one shows what they would otherwise say.
    let model = Chains::new(1, LIVENESS_STATES);
    let outcome = check(&model, &liveness_setup()).unwrap();
    assert_eq!(outcome.stats.distinct_states, LIVENESS_STATES);
    assert_eq!(verdict(&outcome, "Ends"), Verdict::Holds);
    // The safety search and the behaviour graph each expand every state once.
    assert_eq!(model.calls(), 2 * LIVENESS_STATES);
}

#[test]
fn the_interrupt_stops_building_the_behaviour_graph_at_the_next_state() {
    let mut model = Chains::new(1, LIVENESS_STATES);
    let flag = Arc::new(AtomicBool::new(false));
    let raise = flag.clone();
    // The safety search makes the first LIVENESS_STATES calls.
    model.hook = Box::new(move |calls| {
        if calls == LIVENESS_STATES + 10 {
            raise.store(true, Ordering::SeqCst);
        }
    });
    let mut c = liveness_setup();
    c.limits.interrupt = Some(flag);
    let outcome = check(&model, &c).unwrap();
    assert_eq!(outcome.stats.distinct_states, LIVENESS_STATES);
    assert_eq!(verdict(&outcome, "Below"), Verdict::Holds);
    assert_eq!(verdict(&outcome, "Ends"), Verdict::Unknown(StopReason::Interrupted));
    assert_eq!(model.calls(), LIVENESS_STATES + 10);
}

#[test]
fn the_memory_probe_stops_building_the_behaviour_graph() {
    let mut model = Chains::new(1, LIVENESS_STATES);
    let resident = Arc::new(AtomicU64::new(100 << 20));
    let grow = resident.clone();
    model.hook = Box::new(move |calls| {
        if calls == LIVENESS_STATES + 10 {
            grow.store(600 << 20, Ordering::SeqCst);
        }
    });
    let mut c = liveness_setup();
    c.limits.memory_bytes_max = 512 << 20;
    c.limits.memory_probe = Some(probe(&resident));
    let outcome = check(&model, &c).unwrap();
    assert_eq!(outcome.stats.distinct_states, LIVENESS_STATES);
    assert_eq!(verdict(&outcome, "Ends"), Verdict::Unknown(StopReason::MemoryLimit));
    assert!(model.calls() <= LIVENESS_STATES + 10 + u64::from(PROBE_EVERY), "{} calls", model.calls());
}

#[test]
fn the_limits_stop_the_search_for_fair_cycles() {
    // After the graph is built (every state expanded twice), the probe
    // reports too much memory, or raises the interrupt: the cycle search,
    // which calls the model no more, must see either.
    for reason in [StopReason::MemoryLimit, StopReason::Interrupted] {
        let model = Chains::new(1, LIVENESS_STATES);
        let calls = model.calls.clone();
        let flag = Arc::new(AtomicBool::new(false));
        let raise = flag.clone();
        let mut c = liveness_setup();
        c.limits.memory_bytes_max = 512 << 20;
        c.limits.interrupt = Some(flag);
        c.limits.memory_probe = Some(MemoryProbe::new(move || {
            let built = calls.load(Ordering::SeqCst) >= 2 * LIVENESS_STATES;
            match reason {
                StopReason::MemoryLimit if built => 600 << 20,
                StopReason::Interrupted if built => {
                    raise.store(true, Ordering::SeqCst);
                    0
                }
                _ => 0,
            }
        }));
        let outcome = check(&model, &c).unwrap();
        assert_eq!(verdict(&outcome, "Below"), Verdict::Holds);
        assert_eq!(verdict(&outcome, "Ends"), Verdict::Unknown(reason));
        assert_eq!(model.calls(), 2 * LIVENESS_STATES, "the graph was built");
    }
}
