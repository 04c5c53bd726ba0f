//! The real binary: SIGINT stops a run part-way with exit code 3 and a
//! checkpoint, and `--resume` finishes it with exactly the counts of an
//! uninterrupted run; SIGKILL mid-checkpoint leaves a temporary file that the
//! next run removes; a checkpoint of another build is refused; progress lines
//! on a piped stderr never block the run; an endless simulation stops at
//! `--max-seconds` and at SIGINT.
//! (The only tests outside `tests/`: they need the built binary, which only
//! this package's integration tests are given.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;
use common::{bivalent, root};

/// `(distinct, generated, depth)` from the one JSON line of a run.
fn counts(output: &Output) -> (u64, u64, u64) {
    let text = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
    let field = |name: &str| json[name].as_u64().unwrap_or_else(|| panic!("no {name} in {json}"));
    (field("distinct_states"), field("generated_states"), field("depth"))
}

#[test]
fn sigint_writes_a_checkpoint_that_resumes_to_the_uninterrupted_counts() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().to_str().unwrap();
    // Seconds in a debug build, on one thread: a signal after a fraction of
    // a second lands mid-run.
    let spec = "bench/specs/twophase-7.cfg";
    let flags = ["check", spec, "--threads", "1", "--json", "--quiet", "--no-report"];

    let child = bivalent(&[&flags[..], &["--checkpoint", ckpt]].concat()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let interrupted = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&interrupted.stderr);
    assert_eq!(interrupted.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted: stopping"), "{stderr}");
    assert!(stderr.contains("checkpoint written to"), "{stderr}");
    let (partial, _, _) = counts(&interrupted);

    let resumed = bivalent(&[&flags[..], &["--resume", ckpt]].concat()).output().unwrap();
    assert_eq!(resumed.status.code(), Some(0), "{}", String::from_utf8_lossy(&resumed.stderr));
    let full = bivalent(&flags).output().unwrap();
    assert_eq!(full.status.code(), Some(0));
    assert!(partial < counts(&full).0, "the signal came after the run ended: nothing was resumed");
    assert_eq!(counts(&resumed), counts(&full));
}

#[test]
fn progress_lines_on_a_pipe_do_not_block_the_run() {
    // Progress comes from a worker thread; a main thread that held the
    // stderr lock for the whole run once made the first line wait forever.
    let mut child = bivalent(&["check", "bench/specs/twophase-7.cfg", "--threads", "2", "--no-report"])
        .env("BIVALENT_PROGRESS_SECONDS", "0.05")
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("the run did not end in 120 s: blocked on stderr?");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("progress: "), "no progress line: {stderr}");
}

/// The temporary files in `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path());
    entries.filter(|p| p.extension().is_some_and(|x| x == "tmp")).collect()
}

#[test]
fn sigkill_while_a_checkpoint_is_written_leaves_a_temporary_that_the_next_run_removes() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().to_str().unwrap();
    let spec = "bench/specs/twophase-7.cfg";
    // A checkpoint after every segment: most of the run is spent writing
    // (and syncing) them, so a kill as soon as a temporary file shows lands
    // mid-write.
    let flags = ["check", spec, "--threads", "1", "--quiet", "--no-report", "--checkpoint-minutes", "0.000001"];
    let mut left = Vec::new();
    for _ in 0..5 {
        let mut child = bivalent(&[&flags[..], &["--checkpoint", ckpt]].concat()).spawn().unwrap();
        let started = Instant::now();
        while temporaries(dir.path()).is_empty()
            && child.try_wait().unwrap().is_none()
            && started.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_micros(200));
        }
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGKILL) };
        let status = child.wait().unwrap();
        left = temporaries(dir.path());
        if !left.is_empty() {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(status.signal(), Some(libc::SIGKILL));
            break;
        }
    }
    assert!(!left.is_empty(), "no kill landed while a checkpoint was written; the test proves nothing");
    // The next run removes it, and resumes from the last whole checkpoint if
    // there is one (stopping at once at its state limit).
    let next = bivalent(&[&flags[..], &["--resume", ckpt, "--max-states", "1"]].concat()).output().unwrap();
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert_eq!(next.status.code(), Some(3), "{stderr}");
    assert_eq!(temporaries(dir.path()), Vec::<PathBuf>::new(), "{stderr}");
    let checkpoints = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(checkpoints, 1, "one checkpoint file and nothing else");
}

#[test]
fn a_checkpoint_written_by_another_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = dir.path().join("ckpt");
    let ckpt = ckpt.to_str().unwrap();
    // Another build: the same program with other bytes in its file.
    let other = dir.path().join("bivalent-other");
    let mut bytes = std::fs::read(env!("CARGO_BIN_EXE_bivalent")).unwrap();
    bytes.extend(b"another build");
    std::fs::write(&other, bytes).unwrap();
    std::fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let flags = ["check", "specs/twophase-3.cfg", "--quiet", "--no-report", "--max-states", "100"];
    let write = [&flags[..], &["--checkpoint", ckpt]].concat();
    // Another test's fork may briefly hold the new file open for writing.
    let written = (0..50)
        .find_map(|_| match Command::new(&other).args(&write).current_dir(root()).output() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(Duration::from_millis(100));
                None
            }
            result => Some(result.unwrap()),
        })
        .expect("the copy runs");
    assert_eq!(written.status.code(), Some(3), "{}", String::from_utf8_lossy(&written.stderr));
    let refused = bivalent(&[&flags[..], &["--resume", ckpt]].concat()).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(15), "{stderr}");
    assert!(stderr.contains("was written for another run (build: `executable CRC-32"), "{stderr}");
}

#[test]
fn a_simulation_stops_at_the_time_limit_and_at_sigint() {
    // A hundred million walks of Paxos would take hours: only the limit or
    // the signal ends the run, each within a second of it.
    let flags = [
        "check",
        "bench/specs/paxos-3x2-3.cfg",
        "--strategy",
        "simulate",
        "--traces",
        "100000000",
        "--json",
        "--quiet",
        "--no-report",
    ];
    let started = Instant::now();
    let timed = bivalent(&[&flags[..], &["--max-seconds", "1"]].concat()).output().unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&timed.stderr);
    assert_eq!(timed.status.code(), Some(3), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&timed.stdout).expect("one JSON line");
    assert_eq!(json["stopped"], "time_limit", "{json}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    let child = bivalent(&flags).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let signalled = Instant::now();
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let interrupted = child.wait_with_output().unwrap();
    assert!(signalled.elapsed() < Duration::from_secs(10), "{:?}", signalled.elapsed());
    let stderr = String::from_utf8_lossy(&interrupted.stderr);
    assert_eq!(interrupted.status.code(), Some(3), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&interrupted.stdout).expect("one JSON line");
    assert_eq!(json["stopped"], "interrupted", "{json}");
}
