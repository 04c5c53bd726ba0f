//! Raw command-line flags, exactly as clap parses them.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// bivalent: an explicit-state model checker for distributed protocols.
#[derive(Parser, Debug)]
#[command(
    name = "bivalent",
    version,
    about = "bivalent checks distributed protocols written as Rust models: it explores every reachable state \
             of a check spec (a TLC-style .cfg file naming a model, its constants and what must hold), and \
             for each violation shows the shortest counterexample, step by step.",
    after_help = "Examples:\n  \
                  bivalent check specs/                            check every bundled spec\n  \
                  bivalent check specs/twophase-5.cfg --threads 2  one spec on 2 threads\n  \
                  bivalent check specs/twophase-bug-3.cfg          a seeded bug: the shortest counterexample\n  \
                  bivalent check specs/ --verbose                  also witnesses and expected counterexamples\n  \
                  bivalent check specs/ --json                     one JSON object per spec, for CI\n  \
                  bivalent check specs/ --junit junit.xml          also JUnit XML, for CI\n  \
                  bivalent list                                    models, constants, actions, invariants\n  \
                  bivalent list TwoPhase                           one model in full, with a check spec to start from\n  \
                  bivalent cluster --processes 2 -- SPEC           one search on two local processes\n\n\
                  Every check writes the HTML report report/index.html (--report DIR to move it,\n\
                  --no-report to skip it), with ITF and DOT files for each counterexample in report/traces/.\n\
                  With GITHUB_ACTIONS=true, failures are also annotations and a job summary.\n\n\
                  Exit codes: 0 every expectation met, 3 stopped at a limit or a cluster process lost (no verdict), 11 deadlock,\n\
                  12 invariant violated, 13 property violated, 14 an EXPECTed violation was not found,\n\
                  15 a checkpoint could not be written or resumed, 16 an output could not be written,\n\
                  150 spec syntax error or bad flag value, 151 unknown model/name or bad constant, 153 model error,\n\
                  255 internal error."
)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check specs (files, or directories of *.cfg files).
    Check(Box<CheckArgs>),
    /// List the models with their constants, actions, invariants and properties;
    /// with a model's name, everything it declares and a check spec to start from.
    List(ListArgs),
    /// Create a crate for a protocol of your own: a model, a check spec, a test and a CI workflow.
    New(NewArgs),
    /// Start every process of a distributed check: on this machine, or over ssh on the hosts of a hostfile.
    Cluster(ClusterArgs),
}

/// Flags of `bivalent cluster`.
#[derive(clap::Args, Debug)]
pub struct ClusterArgs {
    /// Processes to start (1 to 1024).
    #[arg(long, value_name = "N")]
    pub processes: usize,
    /// The processes' addresses, `host:port` a line; a process whose host is not 127.0.0.1 or localhost is
    /// started with `ssh HOST`, running the same binary path in the same directory.
    #[arg(long, value_name = "FILE")]
    pub hostfile: Option<PathBuf>,
    /// The first port of the processes on this machine (without --hostfile).
    #[arg(long, value_name = "PORT", default_value_t = 7700)]
    pub port: u16,
    /// The `bivalent check` arguments every process gets (after `--`): specs and flags.
    #[arg(last = true, required = true, value_name = "CHECK ARGS")]
    pub check: Vec<std::ffi::OsString>,
}

/// Flags of `bivalent list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Show this model only, in full, with an example check spec.
    pub model: Option<String>,
}

/// Flags of `bivalent new`.
#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The directory to create; its name is the crate's name.
    pub path: PathBuf,
    /// The `bivalent` crate to depend on (default: the one this binary was built from).
    #[arg(long, value_name = "DIR")]
    pub bivalent: Option<PathBuf>,
}

/// Flags of `bivalent check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Check spec files (regular files of at most 16 MiB) or directories holding them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Worker threads, 1 to 1024 (default: all cores for bfs, 1 for dfs and simulate).
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// Exploration strategy.
    #[arg(long, value_enum, default_value_t = StrategyArg::Bfs)]
    pub strategy: StrategyArg,
    /// Stop after this many distinct states (at least 1).
    #[arg(long)]
    pub max_states: Option<u64>,
    /// Do not expand states at this depth (initial states are depth 1; at least 1); simulation walk length.
    #[arg(long)]
    pub max_depth: Option<u32>,
    /// Stop after this many seconds (per spec; more than 0, at most 1e9).
    #[arg(long)]
    pub max_seconds: Option<f64>,
    /// Stop before the process's resident memory passes this many MiB (1 to 2^43; default: 3/4 of available memory).
    #[arg(long)]
    pub max_memory: Option<u64>,
    /// Fingerprint width in bits: 64 (lock-free table) or 128.
    #[arg(long, value_enum, default_value_t = FingerprintArg::B64)]
    pub fingerprint_bits: FingerprintArg,
    /// Seed for fingerprints and simulation.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of random walks (simulate only; at least 1).
    #[arg(long, default_value_t = 10_000)]
    pub traces: u64,
    /// Write a checkpoint of each spec's search to `DIR/<spec>-<hash>.ckpt` every --checkpoint-minutes, and when a
    /// limit or Ctrl-C stops it (bfs only).
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// Minutes between two checkpoints (more than 0, at most 1e6).
    #[arg(long, value_name = "MINUTES", default_value_t = 10.0)]
    pub checkpoint_minutes: f64,
    /// Continue each spec from its checkpoint in DIR (a spec without one starts afresh), and keep
    /// writing checkpoints there unless --checkpoint names another directory.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Keep exploring after a violation (TLC's -continue).
    #[arg(long = "continue")]
    pub continue_after_violation: bool,
    /// Under SYMMETRY, check that every checked item and next give the same answer on a state and on the
    /// states the symmetry identifies with it: on the first N states expanded, on all (`full`), or `off`.
    #[arg(long, value_name = "N|full|off", default_value = "10000")]
    pub symmetry_audit: String,
    /// Print one JSON object per spec on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// Write the HTML report, index.html with ITF and DOT trace files in traces/, to this directory
    /// (new, empty, or one bivalent wrote: it lists its files in .bivalent-report and touches no others).
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub report: PathBuf,
    /// Do not write the HTML report.
    #[arg(long, conflicts_with = "report")]
    pub no_report: bool,
    /// Also write JUnit XML (one test case per checked item) to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// No progress display.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print every trace: witnesses and expected counterexamples too, and each spec's coverage table
    /// (by default they are only in the HTML report).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Run one spec's breadth-first search on this many processes (1 to 1024), each started with the same
    /// spec and flags and its own --process; process 0 prints the result and writes the report.
    #[arg(long, value_name = "N")]
    pub processes: Option<usize>,
    /// This process's index in the cluster, 0 to --processes - 1.
    #[arg(long, value_name = "I", requires = "processes")]
    pub process: Option<usize>,
    /// The processes' addresses, one `host:port` a line in process order (blank lines and `#` comments
    /// ignored); without it, every process is on this machine at 127.0.0.1, ports --port, --port + 1...
    #[arg(long, value_name = "FILE", requires = "processes")]
    pub hostfile: Option<PathBuf>,
    /// The first port of a cluster on this machine (without --hostfile).
    #[arg(long, value_name = "PORT", default_value_t = 7700, requires = "processes")]
    pub port: u16,
    /// Seconds to wait for every process of the cluster to connect.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, requires = "processes")]
    pub connect_timeout: f64,
    /// Seconds (at least 1) another process of the cluster may send no heartbeat (it sends one every
    /// 250 ms) before this one ends the run without a verdict: a process frozen or cut off with its
    /// connections open.
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0, requires = "processes")]
    pub peer_timeout: f64,
    /// Print what each process of a cluster sent and its peak memory on stderr (for benchmarks).
    #[arg(long, hide = true)]
    pub cluster_stats: bool,
    /// Store implementation (for benchmarks): the lock-free table or the DashMap baseline.
    #[arg(long, value_enum, default_value_t = StoreArg::Table, hide = true)]
    pub store: StoreArg,
}

/// `--strategy`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrategyArg {
    /// Parallel breadth-first search: shortest counterexamples.
    Bfs,
    /// Depth-first search on one thread.
    Dfs,
    /// Seeded random walks; finds bugs, proves nothing.
    Simulate,
}

/// `--store`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreArg {
    /// The lock-free fingerprint table.
    Table,
    /// A sharded DashMap (the baseline).
    Dashmap,
}

/// `--fingerprint-bits`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FingerprintArg {
    /// 64-bit fingerprints in the lock-free table.
    #[value(name = "64")]
    B64,
    /// 128-bit fingerprints in the sharded store.
    #[value(name = "128")]
    B128,
}
