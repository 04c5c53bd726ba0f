//! bivalent's integration tests, in one crate and one test binary.
//!
//! - `specs`: every `specs/*.cfg` through [`check_spec`], snapshotted.
//! - `agree`: 1 thread, N threads, DFS, both stores, 128-bit fingerprints and
//!   the naive [`mod@reference`] explorer agree on every spec and on fixtures.
//! - `tlc`: TLC's published counts for the transcribed TLA+ specs.
//! - `errors`: every error path's message and exit code.
//! - `facade`: a registry of one's own through the `bivalent` facade.
//! - `corpus`: every bad spec in `tests/corpus/`, its message and exit code.
//! - `docs`: every code block of the READMEs, run or parsed.
//! - `output`: what the terminal shows by default, with `--verbose`, for a
//!   simulation, and `--help`.
//! - `report`: the HTML report, ITF (read back and replayed), DOT and JUnit files.
//!
//! Only [`check_spec`] and [`outcome_of`] run specs; tests go through them.

pub mod reference;

#[cfg(test)]
mod agree;
#[cfg(test)]
mod checkpoint;
#[cfg(test)]
mod corpus;
#[cfg(test)]
mod docs;
#[cfg(test)]
mod errors;
#[cfg(test)]
mod facade;
#[cfg(test)]
mod faulty;
#[cfg(test)]
mod output;
#[cfg(test)]
mod report;
#[cfg(test)]
mod specs;
#[cfg(test)]
mod tlc;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use checker::{CheckConfig, Outcome, SpecFile, Strategy};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// What the CLI printed and returned.
#[derive(Debug)]
pub struct CliRun {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `bivalent <args>` in this process with the given registry.
pub fn cli_with(registry: &[models::ModelEntry], args: &[&str]) -> CliRun {
    let argv: Vec<OsString> = std::iter::once("bivalent").chain(args.iter().copied()).map(OsString::from).collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = cli::run_with(registry, argv, &mut stdout, &mut stderr);
    CliRun {
        code,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `bivalent <args>` in this process.
pub fn cli(args: &[&str]) -> CliRun {
    cli_with(models::registry(), args)
}

/// Checks one spec with the CLI on 2 threads and `--verbose` and returns
/// what a user sees: the exit code, the report with every trace and the
/// coverage table, and any diagnostics. Timings and the store's size (which
/// depends on when the table grew) are redacted, and the summary table (which
/// repeats the report with timings) is left out.
pub fn check_spec(path: &Path) -> String {
    let path = path.to_str().expect("a UTF-8 path");
    let run = cli(&["check", path, "--threads", "2", "--quiet", "--no-report", "--verbose"]);
    let report: Vec<&str> = run.stdout.lines().take_while(|line| !line.starts_with("SPEC ")).collect();
    let mut text = format!("exit code: {}\n{}\n", run.code, report.join("\n").trim_end());
    if !run.stderr.is_empty() {
        text.push_str(&format!("stderr:\n{}", run.stderr));
    }
    redact(&text)
}

/// Replaces the run-dependent figures in a report.
pub fn redact(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with("Finished in ") {
                "Finished in [time].".to_string()
            } else if line.starts_with("Fingerprint store: ") {
                "Fingerprint store: [bytes].".to_string()
            } else {
                line.replace(&root().display().to_string(), "[root]")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A spec file parsed, for tests that need its settings.
pub fn parse(path: &Path) -> SpecFile {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    checker::parse_spec(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The configuration a spec asks for, with no limits beyond the machine's.
pub fn config_of(spec: &SpecFile, strategy: Strategy, threads: usize) -> CheckConfig {
    CheckConfig::builder().spec(spec).strategy(strategy).threads(threads).memory_bytes_max(8 << 30).build()
}

/// Checks a spec through the registry with the given configuration.
pub fn outcome_of(spec: &SpecFile, config: &CheckConfig) -> Outcome {
    let entry = models::find(&spec.model.name).expect("a registered model");
    let model = (entry.build)(&spec.constants).expect("valid constants");
    model.check(config, &|_| {}).expect("no model error")
}

/// Every bundled spec, sorted.
pub fn bundled_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/ exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cfg"))
        .collect();
    specs.sort();
    specs
}
