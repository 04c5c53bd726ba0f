//! `bivalent cluster`: starts every process of a distributed check and
//! waits for them; its exit code is process 0's.
//!
//! Without a hostfile every process runs here, on ports `--port`,
//! `--port + 1`...; with one, each process whose host is not this machine
//! (127.0.0.1 or localhost) is started with `ssh HOST`, running the same
//! binary path in the same directory, which must hold the same specs.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::args::ClusterArgs;
use crate::ExitCode;

/// Once one process has ended, how long the others may take to end too
/// before they are stopped (they end together when the search does, and
/// within seconds when a process fails).
const GRACE: Duration = Duration::from_secs(30);

pub fn launch(args: &ClusterArgs, err: &mut dyn Write) -> ExitCode {
    if !(1..=crate::resolve::PROCESSES_MAX).contains(&args.processes) {
        let _ = writeln!(
            err,
            "error: --processes {} is out of range: valid values are 1 to {}",
            args.processes,
            crate::resolve::PROCESSES_MAX
        );
        return ExitCode::Syntax;
    }
    let hosts = match &args.hostfile {
        Some(path) => match crate::resolve::hostfile(path, args.processes) {
            Ok(addresses) => Some(addresses),
            Err(message) => {
                let _ = writeln!(err, "error: {message}");
                return ExitCode::Syntax;
            }
        },
        None => None,
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            let _ = writeln!(err, "error: cannot find this program's path: {e}");
            return ExitCode::Internal;
        }
    };
    let dir = std::env::current_dir().unwrap_or_default();
    let mut children: Vec<Child> = Vec::new();
    for process in 0..args.processes {
        let mut flags: Vec<std::ffi::OsString> = vec!["check".into()];
        flags.extend(args.check.iter().cloned());
        flags.extend(
            ["--processes".to_string(), args.processes.to_string(), "--process".into(), process.to_string()]
                .map(Into::into),
        );
        let remote = hosts.as_ref().and_then(|hosts| {
            let host = hosts[process].rsplit_once(':').map_or("", |(h, _)| h);
            (!matches!(host, "127.0.0.1" | "localhost" | "[::1]")).then(|| host.to_string())
        });
        let mut command = match (&hosts, remote) {
            (None, _) => {
                let mut c = Command::new(&exe);
                c.args(&flags).args(["--port".to_string(), args.port.to_string()]);
                c
            }
            (Some(_), None) => {
                let mut c = Command::new(&exe);
                c.args(&flags).arg("--hostfile").arg(args.hostfile.as_ref().expect("a hostfile"));
                c
            }
            (Some(_), Some(host)) => {
                // ssh runs a shell command line: every word quoted.
                let hostfile = args.hostfile.as_ref().expect("a hostfile");
                let hostfile = std::path::absolute(hostfile).unwrap_or_else(|_| hostfile.clone());
                let mut words = vec!["cd".into(), quote(dir.as_os_str()), "&&".into(), quote(exe.as_os_str())];
                words.extend(flags.iter().map(|f| quote(f)));
                words.extend(["--hostfile".into(), quote(hostfile.as_os_str())]);
                let mut c = Command::new("ssh");
                c.arg(host).arg(words.join(" "));
                c
            }
        };
        // Only process 0 reports; the others print diagnostics on stderr only.
        if process != 0 {
            command.stdout(Stdio::null());
        }
        match command.spawn() {
            Ok(child) => children.push(child),
            Err(e) => {
                let _ = writeln!(err, "error: cannot start process {process}: {e}");
                for child in &mut children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return ExitCode::Incomplete;
            }
        }
    }
    let mut codes: Vec<Option<i32>> = vec![None; children.len()];
    let mut first_end: Option<Instant> = None;
    while codes.iter().any(Option::is_none) {
        for (child, code) in children.iter_mut().zip(codes.iter_mut()) {
            if code.is_none() {
                if let Ok(Some(status)) = child.try_wait() {
                    *code = Some(status.code().unwrap_or(ExitCode::Incomplete as i32));
                    first_end.get_or_insert_with(Instant::now);
                }
            }
        }
        if first_end.is_some_and(|t| t.elapsed() > GRACE) {
            for (process, (child, code)) in children.iter_mut().zip(codes.iter_mut()).enumerate() {
                if code.is_none() {
                    let _ = writeln!(err, "error: process {process} did not end with the others; stopping it");
                    let _ = child.kill();
                    let _ = child.wait();
                    *code = Some(ExitCode::Incomplete as i32);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = codes[0].unwrap_or(ExitCode::Incomplete as i32);
    for (process, other) in codes.iter().enumerate().skip(1) {
        if *other != Some(code) {
            let _ = writeln!(err, "warning: process {process} exited with {other:?}, process 0 with {code}");
        }
    }
    match code {
        0 => ExitCode::Ok,
        3 => ExitCode::Incomplete,
        11 => ExitCode::Deadlock,
        12 => ExitCode::Invariant,
        13 => ExitCode::Property,
        14 => ExitCode::ExpectedViolationNotFound,
        15 => ExitCode::Checkpoint,
        16 => ExitCode::Output,
        150 => ExitCode::Syntax,
        151 => ExitCode::Semantic,
        153 => ExitCode::Model,
        130 => ExitCode::Incomplete,
        _ => ExitCode::Internal,
    }
}

/// A word for a POSIX shell, in single quotes.
fn quote(word: &std::ffi::OsStr) -> String {
    format!("'{}'", word.to_string_lossy().replace('\'', r"'\''"))
}
