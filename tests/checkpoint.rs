//! Checkpoints: a run stopped by a limit or an interrupt and resumed from its
//! checkpoint (once or several times) reaches exactly the outcome of an
//! uninterrupted run: counts, coverage, verdicts and traces. And the CLI
//! refuses a checkpoint that is corrupt or belongs to another spec.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use checker::{CheckConfig, CheckpointStorage, Checkpointing, Outcome, SpecFile, StopReason, Strategy};

use crate::{bundled_specs, cli, config_of, outcome_of, parse, root};

/// A checkpoint held in memory.
#[derive(Default)]
struct Memory {
    bytes: Mutex<Option<Vec<u8>>>,
    saves: Mutex<usize>,
}

impl CheckpointStorage for Memory {
    fn save(&self, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        *self.bytes.lock().unwrap() = Some(bytes);
        *self.saves.lock().unwrap() += 1;
        Ok(())
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn Read>>> {
        Ok(self.bytes.lock().unwrap().clone().map(|b| Box::new(std::io::Cursor::new(b)) as Box<dyn Read>))
    }

    fn location(&self) -> String {
        "memory".into()
    }
}

fn checkpointed(spec: &SpecFile, threads: usize, storage: &Arc<Memory>, resume: bool) -> CheckConfig {
    let mut config = config_of(spec, Strategy::Bfs, threads);
    config.checkpoint = Some(Checkpointing {
        storage: storage.clone(),
        // Only stops write checkpoints here.
        every: Duration::from_secs(3600),
        resume,
        identity: vec![("model".into(), spec.model.name.clone())],
    });
    config
}

/// The outcome without the store's size, which depends on when the table grew.
fn comparable(mut outcome: Outcome) -> Outcome {
    outcome.stats.store_bytes = 0;
    outcome
}

#[test]
fn a_run_stopped_at_a_state_limit_resumes_to_the_uninterrupted_outcome() {
    for path in bundled_specs() {
        let spec = parse(&path);
        for threads in [1, 2] {
            let full = comparable(outcome_of(&spec, &config_of(&spec, Strategy::Bfs, threads)));
            let distinct = full.stats.distinct_states;
            let storage = Arc::new(Memory::default());
            // Stop at a third and at two thirds, resuming each time.
            let mut stops = 0;
            for (i, limit) in [distinct / 3, 2 * distinct / 3].into_iter().enumerate() {
                let mut config = checkpointed(&spec, threads, &storage, i > 0);
                config.limits.states_max = limit.max(1);
                let partial = outcome_of(&spec, &config);
                if partial.stopped == Some(StopReason::StatesLimit) {
                    stops += 1;
                }
            }
            let resumed = comparable(outcome_of(&spec, &checkpointed(&spec, threads, &storage, true)));
            assert_eq!(full, resumed, "{} on {threads} threads", path.display());
            // A spec that stops at a violation before a third of its states
            // never reaches the limit; every other one stops and resumes.
            if full.stopped.is_none() && distinct >= 3 {
                assert_eq!(stops, 2, "{}: the state limit did not stop the run", path.display());
                assert_eq!(*storage.saves.lock().unwrap(), 2, "{}", path.display());
            }
        }
    }
}

#[test]
fn a_run_interrupted_mid_level_resumes_to_the_uninterrupted_outcome() {
    // Big enough that an interrupt lands inside a level, between chunks.
    for name in ["twophase-5.cfg", "paxos-3x2-1.cfg", "twophase-bug-3.cfg"] {
        let spec = parse(&root().join("specs").join(name));
        let full = comparable(outcome_of(&spec, &config_of(&spec, Strategy::Bfs, 2)));
        let mut interrupted = 0;
        for delay in [0, 1, 2, 4, 8, 16] {
            let storage = Arc::new(Memory::default());
            let flag = Arc::new(AtomicBool::new(false));
            let mut config = checkpointed(&spec, 2, &storage, false);
            config.limits.interrupt = Some(flag.clone());
            let raiser = {
                let flag = flag.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(delay));
                    flag.store(true, Ordering::SeqCst);
                })
            };
            let partial = outcome_of(&spec, &config);
            raiser.join().unwrap();
            if partial.stopped == Some(StopReason::Interrupted) {
                interrupted += 1;
                assert!(storage.bytes.lock().unwrap().is_some(), "{name}: an interrupt writes a checkpoint");
            }
            let resumed = comparable(outcome_of(&spec, &checkpointed(&spec, 2, &storage, true)));
            assert_eq!(full, resumed, "{name}, interrupted after {delay} ms");
        }
        assert!(interrupted > 0, "{name}: no run was interrupted; the test proves nothing");
    }
}

#[test]
fn the_cli_resumes_from_a_checkpoint_file_and_refuses_another_specs() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().to_str().unwrap();
    let spec = root().join("specs/paxos-3x2-1.cfg");
    let spec = spec.to_str().unwrap();
    let full = cli(&["check", spec, "--json", "--quiet", "--no-report"]);
    assert_eq!(full.code, 0, "{}", full.stderr);

    let stopped =
        cli(&["check", spec, "--json", "--quiet", "--no-report", "--max-states", "2000", "--checkpoint", ckpt]);
    assert_eq!(stopped.code, 3, "{}", stopped.stderr);
    assert!(stopped.stderr.contains("checkpoint written to"), "{}", stopped.stderr);
    assert!(dir.path().join("paxos-3x2-1.ckpt").exists());

    let resumed = cli(&["check", spec, "--json", "--quiet", "--no-report", "--resume", ckpt]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(resumed.stderr.contains("resuming from"), "{}", resumed.stderr);
    let counts = |out: &str| {
        let json: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        (json["distinct_states"].clone(), json["generated_states"].clone(), json["depth"].clone())
    };
    assert_eq!(counts(&full.stdout), counts(&resumed.stdout));

    // Another spec's checkpoint under this spec's name is refused, naming the difference.
    let other = root().join("specs/paxos-3x2-0.cfg");
    let copy = dir.path().join("paxos-3x2-0.ckpt");
    std::fs::copy(dir.path().join("paxos-3x2-1.ckpt"), &copy).unwrap();
    let refused = cli(&["check", other.to_str().unwrap(), "--quiet", "--no-report", "--resume", ckpt]);
    assert_eq!(refused.code, 15, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("was written for another run (constants: `Acceptor = {a1, a2, a3}"),
        "{}",
        refused.stderr
    );

    // A truncated checkpoint is refused, not half-read.
    let original = dir.path().join("paxos-3x2-1.ckpt");
    let bytes = std::fs::read(&original).unwrap();
    std::fs::write(&original, &bytes[..bytes.len() / 2]).unwrap();
    let truncated = cli(&["check", spec, "--quiet", "--no-report", "--resume", ckpt]);
    assert_eq!(truncated.code, 15, "{}", truncated.stderr);
    assert!(truncated.stderr.contains("is not a complete bivalent checkpoint"), "{}", truncated.stderr);

    // Checkpoints are a breadth-first search's.
    let dfs = cli(&["check", spec, "--quiet", "--no-report", "--strategy", "dfs", "--checkpoint", ckpt]);
    assert_eq!(dfs.code, 150, "{}", dfs.stderr);
    assert!(dfs.stderr.contains("--checkpoint and --resume need --strategy bfs"), "{}", dfs.stderr);
}
