//! `--max-memory` bounds the process: the real binary, on a model whose
//! states live mostly on the heap and on a liveness run, stops with exit code
//! 3 and a peak resident set (from `wait4`) within 10% of the limit.

use std::io::Read;
use std::process::{Command, Stdio};

mod common;
use common::root;

/// Runs the binary; returns its exit code, its one JSON line and its peak
/// resident set in bytes.
#[expect(clippy::zombie_processes, reason = "the child is reaped by wait4, which also gives its peak RSS")]
fn run_measured(args: &[&str]) -> (i32, serde_json::Value, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bivalent"))
        .args(args)
        .args(["--json", "--quiet", "--no-report"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid pointers to fill in.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    assert!(libc::WIFEXITED(status), "the run did not exit normally: status {status}");
    let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    // Linux reports the peak resident set in KiB.
    (libc::WEXITSTATUS(status), json, usage.ru_maxrss as u64 * 1024)
}

/// The peak resident set of a run that needs almost nothing: the binary's own
/// pages and the allocator's (some 36 MiB for a debug build), which every
/// limit below is set above, so that the tests measure what the search adds.
fn baseline_mib() -> u64 {
    let (code, json, peak) = run_measured(&["check", "specs/twophase-3.cfg", "--threads", "2"]);
    assert_eq!(code, 0, "{json}");
    peak >> 20
}

fn assert_within_limit(peak: u64, limit_mib: u64) {
    let limit = limit_mib << 20;
    assert!(peak * 10 <= limit * 11, "peak resident set {} KiB passed 1.1 x {} KiB", peak >> 10, limit >> 10);
}

#[test]
fn the_memory_limit_stops_a_heap_heavy_model_within_ten_percent() {
    // ABD keeps its histories and message bags on the heap; without a limit
    // this run grows past 700 MiB.
    let limit = baseline_mib() + 40;
    let args = ["check", "bench/specs/abd-3x3x1.cfg", "--threads", "2", "--max-memory", &limit.to_string()];
    let (code, json, peak) = run_measured(&args);
    assert_eq!(code, 3, "{json}");
    assert_eq!(json["stopped"], "memory_limit", "{json}");
    assert_within_limit(peak, limit);
}

#[test]
fn the_memory_limit_stops_building_the_liveness_graph_within_ten_percent() {
    // The safety search needs some 60 MiB above the baseline, the behaviour
    // graph some 30 MiB more: the limit falls between them.
    let limit = baseline_mib() + 68;
    let args =
        ["check", "bench/specs/twophase-7-termination.cfg", "--threads", "2", "--max-memory", &limit.to_string()];
    let (code, json, peak) = run_measured(&args);
    assert_eq!(code, 3, "{json}");
    // The safety search completes (296,448 states, as stateright's 2pc
    // example counts 7 resource managers); the behaviour graph is what passes
    // the limit.
    assert_eq!(json["distinct_states"], 296_448, "{json}");
    let termination = json["checks"].as_array().unwrap().iter().find(|c| c["name"] == "Termination").unwrap();
    assert_eq!(termination["verdict"], "unknown", "{json}");
    assert_eq!(termination["reason"], "memory_limit", "{json}");
    assert_within_limit(peak, limit);
}
