//! The real binary: SIGINT stops a run part-way with exit code 3 and a
//! checkpoint, and `--resume` finishes it with exactly the counts of an
//! uninterrupted run; progress lines on a piped stderr never block the run.
//! (The only tests outside `tests/`: they need the built binary, which only
//! this package's integration tests are given.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("bundled/ has a parent").to_path_buf()
}

fn bivalent(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bivalent"));
    command.args(args).current_dir(root()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

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
