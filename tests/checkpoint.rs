//! Checkpoints: a run stopped by a limit or an interrupt and resumed from its
//! checkpoint (once or several times) reaches exactly the outcome of an
//! uninterrupted run: counts, coverage, verdicts and traces. And the CLI
//! refuses a checkpoint that is corrupt, edited or belongs to another spec,
//! keeps specs of one name apart, checks its directory before searching, and
//! keeps a run's findings when a checkpoint cannot be written.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
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

/// The checkpoint file of spec `stem` in `dir` (its name ends in a hash of the spec's path).
fn checkpoint_file(dir: &Path, stem: &str) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".ckpt") && name.strip_prefix(stem).is_some_and(|rest| rest.len() == ".ckpt".len() + 9)
        })
        .collect();
    assert_eq!(files.len(), 1, "one checkpoint of {stem} in {}: {files:?}", dir.display());
    files[0].clone()
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
        // `None` raises the flag before the run starts, so that at least one
        // run is interrupted however loaded the machine is; the delays land
        // interrupts at other points of the search.
        for delay in [None, Some(0), Some(1), Some(2), Some(4), Some(8), Some(16)] {
            let storage = Arc::new(Memory::default());
            let flag = Arc::new(AtomicBool::new(delay.is_none()));
            let mut config = checkpointed(&spec, 2, &storage, false);
            config.limits.interrupt = Some(flag.clone());
            let raiser = {
                let flag = flag.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(delay.unwrap_or(0)));
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
            assert_eq!(full, resumed, "{name}, interrupted after {delay:?} ms");
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
    let original = checkpoint_file(dir.path(), "paxos-3x2-1");

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
    let other = other.to_str().unwrap();
    let written = cli(&["check", other, "--quiet", "--no-report", "--max-states", "20", "--checkpoint", ckpt]);
    assert_eq!(written.code, 3, "{}", written.stderr);
    std::fs::copy(&original, checkpoint_file(dir.path(), "paxos-3x2-0")).unwrap();
    let refused = cli(&["check", other, "--quiet", "--no-report", "--resume", ckpt]);
    assert_eq!(refused.code, 15, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("was written for another run (constants: `Acceptor = {a1, a2, a3}"),
        "{}",
        refused.stderr
    );

    // A truncated checkpoint is refused, not half-read.
    let bytes = std::fs::read(&original).unwrap();
    std::fs::write(&original, &bytes[..bytes.len() / 2]).unwrap();
    let truncated = cli(&["check", spec, "--quiet", "--no-report", "--resume", ckpt]);
    assert_eq!(truncated.code, 15, "{}", truncated.stderr);
    assert!(truncated.stderr.contains("is not a complete bivalent checkpoint"), "{}", truncated.stderr);

    // A FIFO in its place is refused, not waited on.
    std::fs::remove_file(&original).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&original).status().unwrap();
    assert!(made.success());
    let fifo = cli(&["check", spec, "--quiet", "--no-report", "--resume", ckpt]);
    assert_eq!(fifo.code, 15, "{}", fifo.stderr);
    assert!(fifo.stderr.contains("not a regular file"), "{}", fifo.stderr);

    // Checkpoints are a breadth-first search's.
    let dfs = cli(&["check", spec, "--quiet", "--no-report", "--strategy", "dfs", "--checkpoint", ckpt]);
    assert_eq!(dfs.code, 150, "{}", dfs.stderr);
    assert!(dfs.stderr.contains("--checkpoint and --resume need --strategy bfs"), "{}", dfs.stderr);
}

/// A checkpoint of twophase-3 stopped at 100 states, in memory.
fn twophase_checkpoint() -> (SpecFile, Vec<u8>) {
    let spec = parse(&root().join("specs/twophase-3.cfg"));
    let storage = Arc::new(Memory::default());
    let mut config = checkpointed(&spec, 1, &storage, false);
    config.limits.states_max = 100;
    assert_eq!(outcome_of(&spec, &config).stopped, Some(StopReason::StatesLimit));
    let bytes = storage.bytes.lock().unwrap().clone().unwrap();
    (spec, bytes)
}

fn resumed(spec: &SpecFile, bytes: Vec<u8>) -> Result<Outcome, checker::CheckError> {
    let storage = Arc::new(Memory { bytes: Mutex::new(Some(bytes)), saves: Mutex::new(0) });
    let entry = models::find(&spec.model.name).unwrap();
    let model = (entry.build)(&spec.constants).unwrap();
    model.check(&checkpointed(spec, 1, &storage, true), &|_| {})
}

#[test]
fn every_single_byte_change_to_a_checkpoint_is_refused() {
    // Once, edited counters resumed to a wrong count and a pass.
    let (spec, bytes) = twophase_checkpoint();
    assert!(resumed(&spec, bytes.clone()).is_ok());
    for at in 0..bytes.len() {
        for flip in [0x01, 0x80] {
            let mut changed = bytes.clone();
            changed[at] ^= flip;
            match resumed(&spec, changed) {
                Err(checker::CheckError::Checkpoint(_)) => {}
                Err(e) => panic!("byte {at} ^ {flip:#x}: another kind of error: {e}"),
                Ok(outcome) => panic!("byte {at} ^ {flip:#x}: resumed to {:?}", outcome.stats),
            }
        }
    }
}

#[test]
fn a_run_stopped_at_the_depth_limit_writes_a_checkpoint_that_resumes() {
    for path in bundled_specs() {
        let spec = parse(&path);
        let full = comparable(outcome_of(&spec, &config_of(&spec, Strategy::Bfs, 2)));
        if full.stats.depth < 3 {
            continue;
        }
        let storage = Arc::new(Memory::default());
        let mut config = checkpointed(&spec, 2, &storage, false);
        config.limits.depth_max = full.stats.depth / 2;
        let partial = outcome_of(&spec, &config);
        if partial.stopped != Some(StopReason::DepthLimit) {
            // Stopped at a violation before that depth: no limit, no checkpoint.
            continue;
        }
        assert_eq!(*storage.saves.lock().unwrap(), 1, "{}: the depth stop wrote no checkpoint", path.display());
        let resumed = comparable(outcome_of(&spec, &checkpointed(&spec, 2, &storage, true)));
        assert_eq!(full, resumed, "{}", path.display());
    }
}

/// A storage whose every save fails, as on a full disk.
struct Full;

impl CheckpointStorage for Full {
    fn save(&self, _: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        Err(std::io::Error::other("no space left on device"))
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn Read>>> {
        Ok(None)
    }

    fn location(&self) -> String {
        "full".into()
    }
}

#[test]
fn a_checkpoint_that_cannot_be_written_leaves_the_findings() {
    let spec = parse(&root().join("specs/twophase-bug-3.cfg"));
    let mut config = config_of(&spec, Strategy::Bfs, 2);
    config.continue_after_violation = true;
    let full = outcome_of(&spec, &config);
    config.limits.states_max = full.stats.distinct_states - 1;
    config.checkpoint =
        Some(Checkpointing { storage: Arc::new(Full), every: Duration::ZERO, resume: false, identity: vec![] });
    let partial = outcome_of(&spec, &config);
    assert_eq!(partial.stopped, Some(StopReason::StatesLimit));
    let violated = partial.check("TCConsistent").unwrap();
    assert!(matches!(violated.verdict, checker::Verdict::Violated(_)), "{:?}", violated.verdict);
}

/// `dir/<name>/<file name of spec>` with the text of `spec`, for specs of one
/// name in two folders.
fn copy_spec(dir: &Path, name: &str, spec: &str) -> String {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let to = folder.join("spec.cfg");
    std::fs::copy(root().join("specs").join(spec), &to).unwrap();
    to.to_str().unwrap().to_string()
}

#[test]
fn specs_of_one_name_in_two_folders_keep_their_own_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("ckpt");
    let ckpt = ckpt.to_str().unwrap();
    let specs = [copy_spec(dir.path(), "a", "twophase-3.cfg"), copy_spec(dir.path(), "b", "paxos-3x2-1.cfg")];
    let flags = ["--json", "--quiet", "--no-report"];
    let counts = |out: &str| {
        let json: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        (json["distinct_states"].clone(), json["generated_states"].clone())
    };
    let mut full = Vec::new();
    for spec in &specs {
        full.push(cli(&[&["check", spec.as_str()][..], &flags].concat()));
        let stopped =
            cli(&[&["check", spec.as_str(), "--max-states", "50", "--checkpoint", ckpt][..], &flags].concat());
        assert_eq!(stopped.code, 3, "{}", stopped.stderr);
    }
    for (spec, full) in specs.iter().zip(&full) {
        let resumed = cli(&[&["check", spec.as_str(), "--resume", ckpt][..], &flags].concat());
        assert_eq!(resumed.code, 0, "{spec}: {}", resumed.stderr);
        assert!(resumed.stderr.contains("resuming from"), "{}", resumed.stderr);
        assert_eq!(counts(&resumed.stdout), counts(&full.stdout), "{spec}");
    }
    // The same file named by another path finds its checkpoint.
    let dotted = dir.path().join("a/../a/spec.cfg");
    let again = cli(&[&["check", dotted.to_str().unwrap(), "--resume", ckpt][..], &flags].concat());
    assert!(again.stderr.contains("resuming from"), "{}", again.stderr);
}

#[test]
fn an_unwritable_checkpoint_directory_is_refused_before_the_search() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the directory should be (permissions do not stop root).
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let spec = root().join("specs/twophase-3.cfg");
    // The run would finish before its first checkpoint is due: once, the
    // directory was never tried and the run passed.
    let run = cli(&["check", spec.to_str().unwrap(), "--quiet", "--no-report", "--checkpoint", file.to_str().unwrap()]);
    assert_eq!(run.code, 15, "{}", run.stderr);
    assert!(run.stderr.contains("cannot create the checkpoint directory"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "searched anyway: {}", run.stdout);
}

#[test]
fn a_failed_checkpoint_write_reports_the_findings_and_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("ckpt");
    let ckpt = ckpt.to_str().unwrap();
    // The seeded bug with the violation unexpected, so that it fails the run.
    let text = std::fs::read_to_string(root().join("specs/twophase-bug-3.cfg")).unwrap();
    let spec = dir.path().join("bug.cfg");
    std::fs::write(&spec, text.replace("EXPECT VIOLATION TCConsistent", "EXPECT OK")).unwrap();
    let spec = spec.to_str().unwrap();
    // 498 states in all; the violation is found among the first 250.
    let flags = ["check", spec, "--quiet", "--no-report", "--continue", "--max-states", "250", "--checkpoint", ckpt];
    assert_eq!(cli(&flags).code, 12);
    // A directory where the checkpoint goes: the rename over it fails.
    let file = checkpoint_file(Path::new(ckpt), "bug");
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir_all(file.join("in-the-way")).unwrap();
    let run = cli(&flags);
    assert_eq!(run.code, 12, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write the checkpoint"), "{}", run.stderr);
    assert!(run.stdout.contains("TCConsistent  invariant  violated (6 states)"), "{}", run.stdout);
    assert!(run.stdout.contains("Counterexample to invariant TCConsistent"), "{}", run.stdout);
    // Without a violation, the error is the run's result.
    let pass = root().join("specs/twophase-3.cfg");
    let good = ["check", pass.to_str().unwrap(), "--quiet", "--no-report", "--max-states", "100"];
    assert_eq!(cli(&[&good[..], &["--checkpoint", ckpt]].concat()).code, 3);
    let file = checkpoint_file(Path::new(ckpt), "twophase-3");
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir_all(file.join("in-the-way")).unwrap();
    let run = cli(&[&good[..], &["--checkpoint", ckpt]].concat());
    assert_eq!(run.code, 15, "{}", run.stderr);
    assert!(run.stdout.contains("INCOMPLETE: state limit reached"), "{}", run.stdout);
}
