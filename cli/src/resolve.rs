//! Resolved settings: defaults filled in from the machine, flags checked,
//! and where the outputs go.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use checker::{FingerprintBits, Limits, StoreKind, Strategy};

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
    pub store: StoreKind,
    pub checkpoints: Option<Checkpoints>,
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
            (Some(0), _) => return Err("--threads must be at least 1".into()),
            (Some(n), _) => n,
            (None, Strategy::Bfs) => cores,
            (None, _) => 1,
        };
        let duration_max = match args.max_seconds {
            Some(s) if !(s > 0.0 && s.is_finite()) => return Err("--max-seconds must be a positive number".into()),
            Some(s) => Some(Duration::from_secs_f64(s)),
            None => None,
        };
        let memory_bytes_max = match args.max_memory {
            Some(0) => return Err("--max-memory must be at least 1 (MiB)".into()),
            Some(mib) => mib.saturating_mul(1 << 20),
            None => default_memory_bytes(),
        };
        let minutes = args.checkpoint_minutes;
        if !(minutes > 0.0 && minutes.is_finite()) {
            return Err("--checkpoint-minutes must be a positive number".into());
        }
        let checkpoints = args.checkpoint.clone().or_else(|| args.resume.clone()).map(|dir| Checkpoints {
            dir,
            resume: args.resume.clone(),
            every: Duration::from_secs_f64(minutes * 60.0),
        });
        if checkpoints.is_some() && strategy != Strategy::Bfs {
            return Err("--checkpoint and --resume need --strategy bfs".into());
        }
        let depth_default = if strategy == Strategy::Simulate { 100 } else { u32::MAX };
        Ok(Settings {
            strategy,
            threads,
            states_max: args.max_states.unwrap_or(u64::MAX),
            depth_max: args.max_depth.unwrap_or(depth_default),
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
            traces: args.traces,
            continue_after_violation: args.continue_after_violation,
            checkpoints,
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
