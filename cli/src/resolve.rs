//! Resolved settings: defaults filled in from the machine, flags checked,
//! and where the outputs go.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use checker::{FingerprintBits, Limits, StoreKind, Strategy, SymmetryAudit};

use crate::args::{CheckArgs, FingerprintArg, StoreArg, StrategyArg};

/// What every spec in one `bivalent check` run is checked with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub strategy: Strategy,
    pub threads: usize,
    pub states_max: u64,
    pub depth_max: u32,
    pub duration_max: Option<Duration>,
    pub memory_bytes_max: u64,
    pub fingerprint_bits: FingerprintBits,
    pub seed: u64,
    pub traces: u64,
    pub continue_after_violation: bool,
    pub symmetry_audit: SymmetryAudit,
    pub store: StoreKind,
    pub checkpoints: Option<Checkpoints>,
    /// `--processes`: this process's place in a cluster.
    pub cluster: Option<distributed::Cluster>,
}

/// `--checkpoint`, `--resume` and `--checkpoint-minutes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoints {
    /// Where checkpoints are written.
    pub dir: PathBuf,
    /// Where they are read from, with `--resume`.
    pub resume: Option<PathBuf>,
    /// Time between two checkpoints.
    pub every: Duration,
}

impl Settings {
    pub fn resolve(args: &CheckArgs) -> Result<Settings, String> {
        let strategy = match args.strategy {
            StrategyArg::Bfs => Strategy::Bfs,
            StrategyArg::Dfs => Strategy::Dfs,
            StrategyArg::Simulate => Strategy::Simulate,
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = match (args.threads, strategy) {
            (Some(n), _) => whole("--threads", n as u64, 1, THREADS_MAX as u64, "")? as usize,
            (None, Strategy::Bfs) => cores.min(THREADS_MAX),
            (None, _) => 1,
        };
        let duration_max = match args.max_seconds {
            Some(s) => Some(Duration::from_secs_f64(positive("--max-seconds", s, SECONDS_MAX, "seconds")?)),
            None => None,
        };
        let memory_bytes_max = match args.max_memory {
            Some(mib) => whole("--max-memory", mib, 1, MEMORY_MIB_MAX, " (MiB)")? << 20,
            None => default_memory_bytes(),
        };
        let minutes = positive("--checkpoint-minutes", args.checkpoint_minutes, CHECKPOINT_MINUTES_MAX, "minutes")?;
        let states_max = args.max_states.map(|n| whole("--max-states", n, 1, u64::MAX, "")).transpose()?;
        let depth_max = match args.max_depth {
            Some(n) => Some(whole("--max-depth", u64::from(n), 1, u64::from(u32::MAX), "")? as u32),
            None => None,
        };
        let traces = whole("--traces", args.traces, 1, u64::MAX, "")?;
        let checkpoints = args.checkpoint.clone().or_else(|| args.resume.clone()).map(|dir| Checkpoints {
            dir,
            resume: args.resume.clone(),
            every: Duration::from_secs_f64(minutes * 60.0),
        });
        if checkpoints.is_some() && strategy != Strategy::Bfs {
            return Err("--checkpoint and --resume need --strategy bfs".into());
        }
        let symmetry_audit = match args.symmetry_audit.as_str() {
            "off" => SymmetryAudit::Off,
            "full" => SymmetryAudit::Full,
            n => match n.parse::<u64>() {
                Ok(0) => SymmetryAudit::Off,
                Ok(n) => SymmetryAudit::First(n),
                Err(_) => {
                    return Err(format!(
                        "--symmetry-audit must be a number of states, `full` or `off`, not `{}`",
                        args.symmetry_audit
                    ))
                }
            },
        };
        let cluster = args.processes.map(|n| cluster(args, n, threads)).transpose()?;
        let depth_default = if strategy == Strategy::Simulate { 100 } else { u32::MAX };
        Ok(Settings {
            strategy,
            threads,
            states_max: states_max.unwrap_or(u64::MAX),
            depth_max: depth_max.unwrap_or(depth_default),
            duration_max,
            memory_bytes_max,
            fingerprint_bits: match args.fingerprint_bits {
                FingerprintArg::B64 => FingerprintBits::B64,
                FingerprintArg::B128 => FingerprintBits::B128,
            },
            // 128-bit fingerprints live in the sharded store; the table holds 64-bit ones.
            store: if args.store == StoreArg::Dashmap || args.fingerprint_bits == FingerprintArg::B128 {
                StoreKind::Sharded
            } else {
                StoreKind::Table
            },
            seed: args.seed,
            traces,
            continue_after_violation: args.continue_after_violation,
            symmetry_audit,
            checkpoints,
            cluster,
        })
    }

    /// The limits for one spec, starting now.
    pub fn limits(&self) -> Limits {
        Limits {
            states_max: self.states_max,
            depth_max: self.depth_max,
            memory_bytes_max: self.memory_bytes_max,
            deadline: self.duration_max.map(|d| Instant::now() + d),
            interrupt: Some(crate::interrupt_flag()),
            memory_probe: crate::memory::resident_probe(),
        }
    }
}

/// `--processes`, `--process`, `--hostfile`, `--port`, `--connect-timeout` and `--peer-timeout`.
fn cluster(args: &CheckArgs, processes: usize, threads: usize) -> Result<distributed::Cluster, String> {
    let processes = whole("--processes", processes as u64, 1, PROCESSES_MAX as u64, "")? as usize;
    let process = args.process.unwrap_or(0);
    if process >= processes {
        return Err(format!("--process {process} is out of range: valid values are 0 to {}", processes - 1));
    }
    let timeout = positive("--connect-timeout", args.connect_timeout, SECONDS_MAX, "seconds")?;
    // At least a second: the others send a heartbeat every 250 ms, whatever their own timeout.
    let peer_timeout = args.peer_timeout;
    if !(1.0..=SECONDS_MAX).contains(&peer_timeout) {
        return Err(format!(
            "--peer-timeout {peer_timeout:?} is out of range: valid values are 1 to {SECONDS_MAX} (seconds)"
        ));
    }
    let addresses = match &args.hostfile {
        None => (0..processes)
            .map(|i| {
                let port = u32::from(args.port) + i as u32;
                if port > u32::from(u16::MAX) {
                    return Err(format!("--port {}: the ports of {processes} processes pass 65535", args.port));
                }
                Ok(format!("127.0.0.1:{port}"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(path) => hostfile(path, processes)?,
    };
    Ok(distributed::Cluster {
        addresses,
        process,
        threads,
        connect_timeout: Duration::from_secs_f64(timeout),
        peer_timeout: Duration::from_secs_f64(peer_timeout),
    })
}

/// The first `processes` addresses of a hostfile: `host:port` a line, blank
/// lines and `#` comments skipped.
pub fn hostfile(path: &std::path::Path, processes: usize) -> Result<Vec<String>, String> {
    let shown = crate::shown(path);
    let bytes = crate::read_spec(path, &crate::interrupt_flag()).map_err(|e| match e {
        crate::ReadError::NotRegular(kind) => format!("--hostfile {shown}: not a regular file but {kind}"),
        crate::ReadError::TooLarge(bytes) => format!("--hostfile {shown}: {bytes} bytes, too long for a hostfile"),
        crate::ReadError::Interrupted => format!("--hostfile {shown}: interrupted while reading"),
        crate::ReadError::Io(e) => format!("--hostfile {shown}: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| format!("--hostfile {shown}: not UTF-8 text"))?;
    let mut addresses = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let valid = line.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !valid || line.contains(char::is_whitespace) {
            return Err(format!("{shown}:{}: expected host:port (such as 10.0.0.7:7700), not `{line}`", number + 1));
        }
        addresses.push(line.to_string());
    }
    if addresses.len() < processes {
        return Err(format!("{shown}: {} addresses for --processes {processes}", addresses.len()));
    }
    addresses.truncate(processes);
    Ok(addresses)
}

/// The most processes `--processes` accepts.
pub const PROCESSES_MAX: usize = 1024;

/// The most worker threads `--threads` accepts: far more than any machine
/// bivalent runs on has cores, and few enough to start at once.
pub const THREADS_MAX: usize = 1024;

/// The longest `--max-seconds`: about 31 years, well inside what a
/// deadline can hold.
pub const SECONDS_MAX: f64 = 1e9;

/// The largest `--max-memory`, in MiB: 8 EiB, the most a byte count can hold.
pub const MEMORY_MIB_MAX: u64 = 1 << 43;

/// The longest `--checkpoint-minutes`: about two years.
pub const CHECKPOINT_MINUTES_MAX: f64 = 1e6;

/// `value` of `flag` if it is in `low..=high`; otherwise the error names the
/// flag, the value and the range, followed by `unit`.
fn whole(flag: &str, value: u64, low: u64, high: u64, unit: &str) -> Result<u64, String> {
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{flag} {value} is out of range: valid values are {low} to {high}{unit}"))
    }
}

/// `value` of `flag` if it is a number more than 0 and at most `high`
/// (which rules out NaN and infinities).
fn positive(flag: &str, value: f64, high: f64, unit: &str) -> Result<f64, String> {
    if value > 0.0 && value <= high {
        Ok(value)
    } else {
        Err(format!("{flag} {value:?} is out of range: valid values are more than 0 and at most {high} ({unit})"))
    }
}

/// Three quarters of the memory the machine has available (from
/// `/proc/meminfo`), or 8 GiB where that cannot be read; the limit counts
/// the process's resident memory.
fn default_memory_bytes() -> u64 {
    let available = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        text.lines()
            .find(|l| l.starts_with("MemAvailable:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<u64>().ok())
            .map(|kib| kib * 1024)
    });
    available.map_or(8 << 30, |bytes| bytes / 4 * 3)
}

/// Where a run's files and CI outputs go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outputs {
    /// The HTML report's folder (`report` unless `--report` or `--no-report`).
    pub report: Option<PathBuf>,
    /// `--junit FILE`.
    pub junit: Option<PathBuf>,
    /// Set when running in GitHub Actions (`GITHUB_ACTIONS=true`).
    pub github: Option<GitHub>,
}

/// GitHub Actions outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitHub {
    /// The file `GITHUB_STEP_SUMMARY` names, to append the job summary to.
    pub step_summary: Option<PathBuf>,
}

impl Outputs {
    /// The outputs the flags ask for, with GitHub's read from `env`.
    pub fn resolve(args: &CheckArgs, env: &dyn Fn(&str) -> Option<String>) -> Outputs {
        let github = (env("GITHUB_ACTIONS").as_deref() == Some("true"))
            .then(|| GitHub { step_summary: env("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()).map(PathBuf::from) });
        Outputs { report: (!args.no_report).then(|| args.report.clone()), junit: args.junit.clone(), github }
    }
}
