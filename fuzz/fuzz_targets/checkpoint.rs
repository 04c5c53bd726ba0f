//! The checkpoint reader on arbitrary bytes: a run of TwoPhase resumes from
//! the input as its checkpoint. The first byte picks the run and what to do
//! with the rest: bit 0 gives the rest fresh checksums (so that mutations
//! reach the consistency checks instead of stopping at the checksum), bit 1
//! picks 128-bit fingerprints (the sharded store) over 64-bit ones (the
//! table), bit 2 picks the seeded bug under `--continue` (checkpoints with
//! violations recorded) over the correct protocol.
//!
//! A checkpoint error is an answer. A panic (even one the checker catches:
//! libFuzzer's hook aborts on every panic), another kind of error, a hang, an
//! allocation beyond `-malloc_limit_mb`, or a checkpoint that passes its
//! checksums unchanged yet resumes to another outcome than an uninterrupted
//! run's is a finding.
//!
//! `BIVALENT_FUZZ_SEEDS=DIR` makes the target write real checkpoints of every
//! run to DIR first (`fuzz/seeds/checkpoint` holds them; write them again
//! after a change of the format or of the models).
#![no_main]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::Duration;

use checker::{
    CheckConfig, CheckError, CheckpointStorage, Checkpointing, DynModel, FingerprintBits, Limits, Outcome, StoreKind,
    Strategy,
};
use libfuzzer_sys::fuzz_target;

/// A checkpoint held in memory.
#[derive(Default)]
struct Memory(Mutex<Option<Vec<u8>>>);

impl CheckpointStorage for Memory {
    fn save(&self, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        *self.0.lock().unwrap() = Some(bytes);
        Ok(())
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn Read>>> {
        Ok(self.0.lock().unwrap().clone().map(|b| Box::new(std::io::Cursor::new(b)) as Box<dyn Read>))
    }

    fn location(&self) -> String {
        "the input".into()
    }
}

const SPECS: [&str; 2] = [include_str!("../../specs/twophase-3.cfg"), include_str!("../../specs/twophase-bug-3.cfg")];

/// The model and configuration of run `mode` (bits 1 and 2 of the first byte).
fn setup(mode: u8, checkpoint: Option<(Arc<Memory>, bool)>) -> (Box<dyn DynModel>, CheckConfig) {
    let bug = mode & 4 != 0;
    let spec = checker::parse_spec(SPECS[usize::from(bug)]).expect("a bundled spec");
    let model = (models::find(&spec.model.name).expect("a bundled model").build)(&spec.constants).expect("constants");
    let limits = Limits {
        states_max: u64::MAX,
        depth_max: u32::MAX,
        memory_bytes_max: 1 << 30,
        deadline: Some(std::time::Instant::now() + Duration::from_secs(10)),
        interrupt: None,
        memory_probe: None,
    };
    let mut config = CheckConfig::from_spec(&spec, Strategy::Bfs, 1, limits);
    config.continue_after_violation = bug;
    if mode & 2 != 0 {
        config.fingerprint_bits = FingerprintBits::B128;
        config.store = StoreKind::Sharded;
    }
    config.checkpoint = checkpoint.map(|(storage, resume)| Checkpointing {
        storage,
        every: Duration::from_secs(3600),
        resume,
        identity: vec![("model".into(), spec.model.name.clone())],
    });
    (model, config)
}

/// The outcome of run `mode` without checkpoints.
fn reference(mode: u8) -> &'static Outcome {
    static OUTCOMES: [OnceLock<Outcome>; 4] = [const { OnceLock::new() }; 4];
    OUTCOMES[usize::from((mode >> 1) & 3)].get_or_init(|| {
        let (model, config) = setup(mode, None);
        let mut outcome = model.check(&config, &|_| {}).expect("an uninterrupted run");
        outcome.stats.store_bytes = 0;
        outcome
    })
}

/// Writes real checkpoints of every run, stopped at a third and two thirds of
/// its states and at half its depth, to `BIVALENT_FUZZ_SEEDS`.
fn write_seeds() {
    let Some(dir) = std::env::var_os("BIVALENT_FUZZ_SEEDS") else { return };
    for mode in [0u8, 2, 4, 6] {
        let full = reference(mode);
        let (distinct, depth) = (full.stats.distinct_states, full.stats.depth);
        let limits: [(&str, fn(&mut Limits, u64, u32)); 3] = [
            ("third", |l, d, _| l.states_max = d / 3),
            ("two-thirds", |l, d, _| l.states_max = 2 * d / 3),
            ("half-depth", |l, _, depth| l.depth_max = depth / 2),
        ];
        for (name, limit) in limits {
            let storage = Arc::new(Memory::default());
            let (model, mut config) = setup(mode, Some((storage.clone(), false)));
            limit(&mut config.limits, distinct, depth);
            model.check(&config, &|_| {}).expect("a stopped run");
            let mut seed = vec![mode];
            seed.extend(storage.0.lock().unwrap().as_ref().expect("a checkpoint"));
            std::fs::write(std::path::Path::new(&dir).join(format!("run-{mode}-{name}")), seed).expect("a seed");
        }
    }
}

/// Threads of this process, from `/proc/self/status`.
fn threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse().ok())
}

/// Waits (up to a second) for the worker threads of the runs before to exit:
/// a run's pool is dropped as it returns, but its threads end a moment later,
/// and LeakSanitizer, checking then, reports their names as leaked.
fn settle(baseline: Option<usize>) {
    let started = std::time::Instant::now();
    while threads() > baseline && started.elapsed() < Duration::from_secs(1) {
        std::thread::yield_now();
    }
}

fuzz_target!(|data: &[u8]| {
    static SEEDS: Once = Once::new();
    static BASELINE: OnceLock<Option<usize>> = OnceLock::new();
    let baseline = *BASELINE.get_or_init(threads);
    SEEDS.call_once(write_seeds);
    let Some((&mode, bytes)) = data.split_first() else { return };
    let mut bytes = bytes.to_vec();
    let resealed = mode & 1 != 0;
    if resealed {
        checker::reseal_checkpoint(&mut bytes);
    }
    let (model, config) = setup(mode, Some((Arc::new(Memory(Mutex::new(Some(bytes)))), true)));
    let result = model.check(&config, &|_| {});
    settle(baseline);
    match result {
        Ok(mut outcome) => {
            outcome.stats.store_bytes = 0;
            // Checksums that match what was read mean the bytes are a real
            // checkpoint's (or a collision of CRC-32, 2^-32 per input).
            if !resealed {
                assert_eq!(&outcome, reference(mode), "an unchanged checkpoint resumed to another outcome");
            }
        }
        Err(CheckError::Checkpoint(_)) => {}
        Err(e) => panic!("a checkpoint led to an error that is not a checkpoint error: {e}"),
    }
});
