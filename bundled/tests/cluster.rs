//! Distributed checks on this machine: 2 and 3 processes of the real binary
//! against a single-machine run of the same spec (counts, verdicts, coverage
//! and counterexamples, from the JSON line); a killed process ends the others
//! without a verdict, and so does a frozen one after the peer timeout; the
//! launcher starts processes here and over ssh (a stand-in `ssh`); a
//! process that never comes ends the others after the connect timeout; what
//! a distributed search cannot check is refused.

use std::net::TcpListener;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

mod common;
use common::bivalent;

/// `n` ports free now (bound to port 0, then released).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    listeners.iter().map(|l| l.local_addr().unwrap().port()).collect()
}

/// A hostfile of `n` free local ports.
fn hostfile(n: usize) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    let lines: Vec<String> = free_ports(n).iter().map(|p| format!("127.0.0.1:{p}")).collect();
    std::fs::write(file.path(), lines.join("\n") + "\n").unwrap();
    file
}

/// Waits for `child`, killing it (and failing) after `limit`.
fn wait(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("a process hung: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Starts process `i` of `n` of a check of `spec` with `flags`.
fn start(spec: &str, hosts: &tempfile::NamedTempFile, n: usize, i: usize, flags: &[&str]) -> Child {
    let (n, i) = (n.to_string(), i.to_string());
    let hosts = hosts.path().to_str().unwrap();
    let args = [&["check", spec, "--processes", &n, "--process", &i, "--hostfile", hosts][..], flags].concat();
    bivalent(&args).spawn().unwrap()
}

/// The JSON line of a run without what depends on time, threads or the store's layout.
fn comparable(output: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&output.stdout);
    let mut json: serde_json::Value = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&output.stderr)));
    for key in ["seconds", "states_per_second", "threads", "processes", "store_bytes", "bytes_per_state"] {
        json.as_object_mut().unwrap().remove(key).unwrap_or_else(|| panic!("no {key} in {json}"));
    }
    json
}

const FLAGS: [&str; 6] = ["--json", "--quiet", "--no-report", "--symmetry-audit", "200", "--threads"];

#[test]
fn two_and_three_processes_find_what_one_machine_finds() {
    let specs = [
        ("specs/twophase-3.cfg", 0),
        ("specs/paxos-3x2-0.cfg", 0),
        // Seeded bugs: the same shortest counterexample.
        ("specs/twophase-bug-3.cfg", 0),
        ("specs/paxos-bug-ignore-vote-3x2-1.cfg", 0),
        ("specs/twophase-symmetric-5.cfg", 0),
    ];
    for (spec, code) in specs {
        let single = bivalent(&[&["check", spec][..], &FLAGS, &["2"]].concat()).output().unwrap();
        assert_eq!(single.status.code(), Some(code), "{spec}: {}", String::from_utf8_lossy(&single.stderr));
        let expected = comparable(&single);
        // Processes x threads: several threads per process too, each a worker.
        for (n, threads) in [(2, "1"), (3, "1"), (2, "2")] {
            let hosts = hostfile(n);
            let children: Vec<Child> =
                (0..n).map(|i| start(spec, &hosts, n, i, &[&FLAGS[..], &[threads]].concat())).collect();
            let outputs: Vec<Output> = children.into_iter().map(|c| wait(c, Duration::from_secs(60))).collect();
            for (i, output) in outputs.iter().enumerate() {
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert_eq!(output.status.code(), Some(code), "{spec}, process {i} of {n}: {stderr}");
                // Only process 0 reports.
                assert_eq!(output.stdout.is_empty(), i != 0, "{spec}, process {i} of {n}");
            }
            let json: serde_json::Value = serde_json::from_slice(&outputs[0].stdout).unwrap();
            assert_eq!(json["processes"].as_u64(), Some(n as u64), "{json}");
            assert_eq!(json["threads"].to_string(), threads, "{json}");
            assert_eq!(comparable(&outputs[0]), expected, "{spec} on {n} processes x {threads} threads");
        }
    }
}

#[test]
fn the_launcher_starts_the_processes_and_exits_with_the_verdict() {
    // Two consecutive free ports.
    let port = loop {
        let first = free_ports(1)[0];
        if first < u16::MAX && TcpListener::bind(("127.0.0.1", first + 1)).is_ok() {
            break first;
        }
    };
    let spec = "specs/twophase-bug-3.cfg";
    let flags = ["--json", "--quiet", "--no-report", "--threads", "1"];
    let single = bivalent(&[&["check", spec][..], &flags, &["--continue"]].concat()).output().unwrap();
    let port = port.to_string();
    let launched = bivalent(
        &[&["cluster", "--processes", "2", "--port", &port, "--", spec][..], &flags, &["--continue"]].concat(),
    )
    .spawn()
    .unwrap();
    let launched = wait(launched, Duration::from_secs(60));
    assert_eq!(launched.status.code(), single.status.code(), "{}", String::from_utf8_lossy(&launched.stderr));
    assert_eq!(comparable(&launched), comparable(&single));
}

#[test]
fn the_launcher_starts_the_processes_of_other_hosts_over_ssh() {
    // An `ssh` first on the PATH that runs the command line here, as ssh
    // runs it on the host (in the user's shell), and notes the host.
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("hosts.log");
    let ssh = bin.path().join("ssh");
    std::fs::write(&ssh, format!("#!/bin/sh\necho \"$1\" >> '{}'\nexec sh -c \"$2\"\n", log.display())).unwrap();
    std::fs::set_permissions(&ssh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    // Process 0 here; processes 1 and 2 on "other hosts", 127.0.0.2 and
    // 127.0.0.3 (loopback addresses too, so that they can listen here).
    let ports = free_ports(3);
    let hosts = tempfile::NamedTempFile::new().unwrap();
    let lines = format!("127.0.0.1:{}\n127.0.0.2:{}\n127.0.0.3:{}\n", ports[0], ports[1], ports[2]);
    std::fs::write(hosts.path(), lines).unwrap();
    let spec = "specs/paxos-bug-ignore-vote-3x2-1.cfg";
    let flags = ["--json", "--quiet", "--no-report", "--threads", "1"];
    let single = bivalent(&[&["check", spec][..], &flags].concat()).output().unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let hostfile = hosts.path().to_str().unwrap();
    let launched =
        bivalent(&[&["cluster", "--processes", "3", "--hostfile", hostfile, "--", spec][..], &flags].concat())
            .env("PATH", path)
            .spawn()
            .unwrap();
    let launched = wait(launched, Duration::from_secs(60));
    assert_eq!(launched.status.code(), single.status.code(), "{}", String::from_utf8_lossy(&launched.stderr));
    let launched = comparable(&launched);
    assert_eq!(launched, comparable(&single));
    assert_eq!(launched["verdict_detail"], "expected violation of Consistency", "the seeded bug is found");
    let mut called: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(String::from).collect();
    called.sort();
    assert_eq!(called, ["127.0.0.2", "127.0.0.3"]);
}

#[test]
fn a_killed_process_ends_the_others_without_a_verdict() {
    // Seconds in a debug build on one thread per process.
    let spec = "bench/specs/twophase-7.cfg";
    let hosts = hostfile(2);
    let first = start(spec, &hosts, 2, 0, &["--quiet", "--no-report", "--threads", "1"]);
    let mut second = start(spec, &hosts, 2, 1, &["--quiet", "--no-report", "--threads", "1"]);
    std::thread::sleep(Duration::from_millis(1500));
    second.kill().unwrap();
    second.wait().unwrap();
    let killed = Instant::now();
    let output = wait(first, Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(killed.elapsed() < Duration::from_secs(10), "{stderr}");
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("connection to another process of the cluster broke"), "{stderr}");
    // No verdict: neither the spec's block (`...cfg: PASS`) nor the summary.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("PASS") && !stdout.contains("1 spec:"), "{stdout}");
}

#[test]
fn a_frozen_process_ends_the_others_after_the_peer_timeout() {
    let spec = "bench/specs/twophase-7.cfg";
    let hosts = hostfile(2);
    let flags = ["--quiet", "--no-report", "--threads", "1", "--peer-timeout", "2"];
    let first = start(spec, &hosts, 2, 0, &flags);
    let mut second = start(spec, &hosts, 2, 1, &flags);
    std::thread::sleep(Duration::from_millis(1500));
    // Stopped, its connections stay open: only its silence tells.
    let pid = second.id() as libc::pid_t;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
    let frozen = Instant::now();
    let output = wait(first, Duration::from_secs(30));
    let waited = frozen.elapsed();
    unsafe { libc::kill(pid, libc::SIGKILL) };
    second.wait().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("process 1 sent no heartbeat for 2 s"), "{stderr}");
    assert!(waited >= Duration::from_secs(1) && waited < Duration::from_secs(10), "{waited:?}: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("PASS") && !stdout.contains("1 spec:"), "{stdout}");
}

#[test]
fn a_process_that_never_comes_ends_the_others_after_the_timeout() {
    let hosts = hostfile(3);
    let flags = ["--quiet", "--no-report", "--connect-timeout", "1"];
    let outputs: Vec<Output> = [0, 2]
        .map(|i| start("specs/twophase-3.cfg", &hosts, 3, i, &flags))
        .map(|c| wait(c, Duration::from_secs(20)))
        .into();
    for output in outputs {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("within 1 s"), "{stderr}");
    }
}

#[test]
fn temporal_properties_and_several_specs_are_refused() {
    let hosts = hostfile(2);
    // Refused before any connection: process 1 is never started.
    let output = wait(start("specs/paxos-liveness-3x2-1.cfg", &hosts, 2, 0, &["--no-report"]), Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(151), "{stderr}");
    assert!(stderr.contains("checked on one machine only"), "{stderr}");
    let output =
        bivalent(&["check", "specs/twophase-3.cfg", "specs/paxos-3x2-0.cfg", "--processes", "2"]).output().unwrap();
    assert_eq!(output.status.code(), Some(150));
    assert!(String::from_utf8_lossy(&output.stderr).contains("one spec at a time"));
    let output = bivalent(&["check", "specs/twophase-3.cfg", "--processes", "2", "--process", "2"]).output().unwrap();
    assert_eq!(output.status.code(), Some(150));
    assert!(String::from_utf8_lossy(&output.stderr).contains("valid values are 0 to 1"));
}
