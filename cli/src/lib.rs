//! The `bivalent` command: parses flags, reads check specs, looks models up in
//! the registry, runs the checker, prints results and picks the exit code.
//! Only this crate knows files, arguments and exit codes.

pub mod args;
mod progress;
mod resolve;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use checker::{judge, CheckConfig, CheckError, ConfigError, Failure, Judgement, Outcome, SpecFile};
use clap::Parser;
use models::ModelEntry;

use crate::args::{Args, CheckArgs, Command};
use crate::resolve::{Outputs, Settings};

/// TLC-compatible exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// Every expectation met.
    Ok = 0,
    /// A limit or an interrupt stopped a run before it reached a verdict.
    Incomplete = 3,
    /// An unexpected deadlock.
    Deadlock = 11,
    /// An unexpected invariant violation.
    Invariant = 12,
    /// An unexpected property violation.
    Property = 13,
    /// A spec EXPECTs a violation that was not found.
    ExpectedViolationNotFound = 14,
    /// A checkpoint could not be written, or the one to resume from cannot be
    /// read or belongs to another spec.
    Checkpoint = 15,
    /// A check spec's syntax is wrong (or a flag's value is).
    Syntax = 150,
    /// An unknown model or name, or a bad constant.
    Semantic = 151,
    /// The model panicked or is not deterministic.
    Model = 153,
    /// A bug in bivalent.
    Internal = 255,
}

/// The process-wide interrupt flag: the binary's Ctrl-C handler raises it, and
/// every run's limits watch it.
pub fn interrupt_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    static FLAG: std::sync::OnceLock<std::sync::Arc<std::sync::atomic::AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(Default::default).clone()
}

/// Runs the command line `argv` (including the program name), writing results
/// to `out` and diagnostics to `err`. Returns the exit code.
pub fn run(argv: impl IntoIterator<Item = OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run_with(models::registry(), argv, out, err)
}

/// [`run`] with another model registry (tests add deliberately faulty models).
pub fn run_with(
    registry: &[ModelEntry],
    argv: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    run_in(registry, argv, &|name| std::env::var(name).ok(), out, err)
}

/// [`run_with`] in the environment `env` (a variable's value by name), which
/// decides the GitHub Actions outputs (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`).
pub fn run_in(
    registry: &[ModelEntry],
    argv: impl IntoIterator<Item = OsString>,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let args = match Args::try_parse_from(argv) {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { ExitCode::Syntax as i32 } else { 0 };
            let text = e.render().to_string();
            let _ = if e.use_stderr() { write!(err, "{text}") } else { write!(out, "{text}") };
            return code;
        }
    };
    let code = match &args.command {
        Command::Check(check) => run_check(registry, check, env, out, err),
        Command::List => list(registry, out),
    };
    code as i32
}

fn list(registry: &[ModelEntry], out: &mut dyn Write) -> ExitCode {
    for entry in registry {
        let _ = writeln!(out, "{}: {}", entry.name, entry.summary);
        for (name, about) in entry.constants {
            let _ = writeln!(out, "  CONSTANT {name}: {about}");
        }
        {
            let info = (entry.example)().info();
            let line = |items: &[&str]| if items.is_empty() { "-".to_string() } else { items.join(" ") };
            let _ = writeln!(out, "  actions: {}", line(&info.actions));
            let _ = writeln!(out, "  invariants: {}", line(&info.invariants));
            let _ = writeln!(out, "  step invariants: {}", line(&info.step_invariants));
            let properties: Vec<String> = info.properties.iter().map(|(n, k)| format!("{n} ({k})")).collect();
            let properties: Vec<&str> = properties.iter().map(String::as_str).collect();
            let _ = writeln!(out, "  properties: {}", line(&properties));
            let _ = writeln!(out, "  constraints: {}", line(&info.constraints));
            let _ = writeln!(out, "  action constraints: {}", line(&info.action_constraints));
            let _ = writeln!(out, "  symmetries: {}", line(&info.symmetries));
        }
        let _ = writeln!(out);
    }
    ExitCode::Ok
}

/// The spec files named by `paths`: files as given, directories' `*.cfg` files sorted.
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| format!("{}: cannot read directory: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "cfg") && p.is_file())
                .collect();
            if found.is_empty() {
                return Err(format!("{}: no check specs (*.cfg files) in this directory", path.display()));
            }
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    Ok(files)
}

fn run_check(
    registry: &[ModelEntry],
    args: &CheckArgs,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let settings = match Settings::resolve(args) {
        Ok(s) => s,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return ExitCode::Syntax;
        }
    };
    let outputs = Outputs::resolve(args, env);
    let files = match spec_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return ExitCode::Semantic;
        }
    };
    let mut finished: Vec<Finished> = Vec::new();
    let mut errors: Vec<reports::SpecError> = Vec::new();
    let mut first_failure = ExitCode::Ok;
    for (i, file) in files.iter().enumerate() {
        if interrupt_flag().load(std::sync::atomic::Ordering::SeqCst) {
            let _ = writeln!(err, "interrupted: {} specs not checked", files.len() - i);
            first_failure = first_failure.max(ExitCode::Incomplete);
            break;
        }
        // Diagnostics go to `err` as they come, and are kept for the reports.
        let mut diagnostics = Vec::new();
        let (code, result) = check_file(registry, file, &settings, args, &mut diagnostics);
        let _ = err.write_all(&diagnostics);
        if let Some(result) = result {
            let run = result.spec_run(&settings);
            if args.json {
                let _ = writeln!(out, "{}", reports::json::render_json_line(&run));
            } else {
                let _ = writeln!(out, "{}", reports::text::report(&run));
            }
            finished.push(result);
        } else {
            let message = String::from_utf8_lossy(&diagnostics).trim_end().to_string();
            errors.push(reports::SpecError { spec: file.display().to_string(), message });
        }
        if first_failure == ExitCode::Ok {
            first_failure = code;
        }
    }
    let runs: Vec<reports::SpecRun> = finished.iter().map(|f| f.spec_run(&settings)).collect();
    if !args.json && !runs.is_empty() {
        let _ = write!(out, "{}", reports::text::summary(&runs));
    }
    // Notes for the user go where they do not disturb the JSON lines.
    let notes: &mut dyn Write = if args.json { &mut *err } else { &mut *out };
    let mut written = Ok(());
    if let Some(dir) = &outputs.report {
        match write_report(dir, &runs, &errors) {
            Ok(index) => {
                let _ = writeln!(notes, "HTML report: {}", index.display());
            }
            Err(e) => written = Err(format!("cannot write the HTML report to {}: {e}", dir.display())),
        }
    }
    if let (Some(path), Ok(())) = (&outputs.junit, &written) {
        if let Err(e) = write_file(path, &reports::junit::junit(&runs, &errors)) {
            written = Err(format!("cannot write the JUnit file {}: {e}", path.display()));
        }
    }
    if let Some(github) = &outputs.github {
        let _ = write!(notes, "{}", reports::github::annotations(&runs));
        if let (Some(path), Ok(())) = (&github.step_summary, &written) {
            let report = outputs.report.as_ref().map(|dir| dir.join("index.html").display().to_string());
            if let Err(e) = append_file(path, &reports::github::step_summary(&runs, report.as_deref())) {
                written = Err(format!("cannot append the job summary to {}: {e}", path.display()));
            }
        }
    }
    if !args.json && !errors.is_empty() {
        let specs = if errors.len() == 1 { "spec" } else { "specs" };
        let _ = writeln!(out, "{} {specs} could not be checked: see the errors above.", errors.len());
    }
    if let Err(message) = written {
        let _ = writeln!(err, "error: {message}");
        if first_failure == ExitCode::Ok {
            first_failure = ExitCode::Semantic;
        }
    }
    first_failure
}

/// Writes the HTML report and its trace files under `dir`, removes trace
/// files an earlier run left there, and returns the page's path.
fn write_report(dir: &Path, runs: &[reports::SpecRun], errors: &[reports::SpecError]) -> std::io::Result<PathBuf> {
    let report = reports::html::report(runs, errors);
    let traces = dir.join("traces");
    std::fs::create_dir_all(&traces)?;
    let mut written = Vec::new();
    for file in &report.files {
        let path = dir.join(&file.path);
        write_file(&path, &file.contents)?;
        written.push(path);
    }
    for entry in std::fs::read_dir(&traces)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let ours = name.ends_with(".itf.json") || name.ends_with(".dot");
        if ours && !written.contains(&path) {
            // Another run writing the same folder at the same time may have
            // removed it already.
            let _ = std::fs::remove_file(&path);
        }
    }
    let index = dir.join("index.html");
    write_file(&index, &report.index)?;
    Ok(index)
}

/// Writes `contents` to `path` through a temporary file and a rename, so that
/// a reader (or a concurrent run writing the same report) never sees half a file.
fn write_file(path: &Path, contents: &str) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}-{n}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, contents).and_then(|()| std::fs::rename(&temporary, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Appends `contents` to `path`, creating it if needed.
fn append_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(contents.as_bytes())
}

/// A spec's checkpoint file: `<dir>/<spec file stem>.ckpt`, written through a
/// temporary file and a rename so that a crash mid-write keeps the last one.
#[derive(Clone, Debug)]
struct FileCheckpoint {
    write: PathBuf,
    resume: Option<PathBuf>,
}

impl FileCheckpoint {
    fn new(settings: &resolve::Checkpoints, spec: &Path) -> FileCheckpoint {
        let name = format!("{}.ckpt", spec.file_stem().unwrap_or(spec.as_os_str()).to_string_lossy());
        FileCheckpoint { write: settings.dir.join(&name), resume: settings.resume.as_ref().map(|dir| dir.join(&name)) }
    }
}

impl checker::CheckpointStorage for FileCheckpoint {
    fn save(&self, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        if let Some(parent) = self.write.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut temporary = self.write.as_os_str().to_owned();
        temporary.push(format!(".{}.tmp", std::process::id()));
        let temporary = PathBuf::from(temporary);
        let written = (|| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&temporary)?);
            write(&mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&temporary, &self.write)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn std::io::Read>>> {
        let Some(path) = &self.resume else { return Ok(None) };
        match std::fs::File::open(path) {
            Ok(file) => Ok(Some(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn location(&self) -> String {
        match &self.resume {
            Some(from) if *from != self.write => format!("{} (resumed from {})", self.write.display(), from.display()),
            _ => self.write.display().to_string(),
        }
    }
}

/// A spec that ran to an outcome.
struct Finished {
    path: String,
    spec: SpecFile,
    outcome: Outcome,
    seconds: f64,
}

impl Finished {
    fn spec_run<'a>(&'a self, settings: &Settings) -> reports::SpecRun<'a> {
        reports::SpecRun {
            spec: &self.path,
            title: self.spec.title.as_deref(),
            model: &self.spec.model.name,
            constants: self.spec.constants.items.iter().map(|c| (c.name.clone(), c.value.to_string())).collect(),
            expect: &self.spec.expect,
            expect_written: self.spec.expect_written,
            strategy: settings.strategy.name(),
            threads: settings.threads,
            seconds: self.seconds,
            outcome: &self.outcome,
            locations: self.locations(),
        }
    }

    /// Where the spec names each checked item; the deadlock check (which a
    /// spec asks for by not turning it off) at the `MODEL` line.
    fn locations(&self) -> Vec<(String, checker::Span)> {
        let spec = &self.spec;
        let mut locations = vec![("Deadlock".to_string(), spec.model.span)];
        for named in spec.invariants.iter().chain(&spec.properties) {
            locations.push((named.name.clone(), named.span));
        }
        locations
    }
}

/// Prints a config error as `file:line:column: message`.
fn config_error(err: &mut dyn Write, path: &Path, e: &ConfigError) -> ExitCode {
    let span = e.span();
    if span.line == 0 {
        let _ = writeln!(err, "{}: error: {e}", path.display());
    } else {
        let _ = writeln!(err, "{}:{}:{}: error: {e}", path.display(), span.line, span.column);
    }
    if e.is_syntax() {
        ExitCode::Syntax
    } else {
        ExitCode::Semantic
    }
}

fn check_file(
    registry: &[ModelEntry],
    path: &Path,
    settings: &Settings,
    args: &CheckArgs,
    err: &mut dyn Write,
) -> (ExitCode, Option<Finished>) {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = writeln!(err, "{}: error: cannot read the check spec: {e}", path.display());
            return (ExitCode::Semantic, None);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Point at the first byte that is not UTF-8, as a syntax error would.
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let last_line = good.rsplit(|&b| b == b'\n').next().unwrap_or_default();
            let column = String::from_utf8_lossy(last_line).chars().count() + 1;
            let byte = e.as_bytes()[good.len()];
            let _ = writeln!(
                err,
                "{}:{line}:{column}: error: the check spec is not UTF-8 text (byte 0x{byte:02x} here); save it as UTF-8",
                path.display()
            );
            return (ExitCode::Semantic, None);
        }
    };
    let spec = match checker::parse_spec(&text) {
        Ok(spec) => spec,
        Err(e) => return (config_error(err, path, &e), None),
    };
    let Some(entry) = registry.iter().find(|m| m.name == spec.model.name) else {
        let valid = registry.iter().map(|m| m.name.to_string()).collect();
        let e = ConfigError::unknown_name("model", &spec.model.name, spec.model.span, valid);
        return (config_error(err, path, &e), None);
    };
    let model = match (entry.build)(&spec.constants) {
        Ok(model) => model,
        Err(e) => return (config_error(err, path, &e), None),
    };
    let mut config = CheckConfig::from_spec(&spec, settings.strategy, settings.threads, settings.limits());
    config.fingerprint_bits = settings.fingerprint_bits;
    config.store = settings.store;
    config.seed = settings.seed;
    config.simulation_traces = settings.traces;
    config.continue_after_violation = settings.continue_after_violation;
    let checkpoint = settings.checkpoints.as_ref().map(|c| FileCheckpoint::new(c, path));
    if let (Some(checkpoints), Some(file)) = (&settings.checkpoints, &checkpoint) {
        if let Some(from) = file.resume.as_ref().filter(|from| from.exists()) {
            let _ = writeln!(err, "{}: resuming from {}", path.display(), from.display());
        }
        let constants = spec.constants.items.iter().map(|c| format!("{} = {}", c.name, c.value)).collect::<Vec<_>>();
        config.checkpoint = Some(checker::Checkpointing {
            storage: std::sync::Arc::new(file.clone()),
            every: checkpoints.every,
            resume: checkpoints.resume.is_some(),
            identity: vec![
                ("model".to_string(), spec.model.name.clone()),
                ("constants".to_string(), constants.join(", ")),
                ("CHECK_DEADLOCK".to_string(), spec.check_deadlock.to_string()),
            ],
        });
    }
    tracing::info!(spec = %path.display(), model = %spec.model.name, "checking");
    let started = Instant::now();
    let display = progress::Display::new(!args.quiet && !args.json, started);
    let result = model.check(&config, &|p| display.update(p));
    display.finish();
    let seconds = started.elapsed().as_secs_f64();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(CheckError::Config(e)) => return (config_error(err, path, &e), None),
        Err(CheckError::Model(e)) => {
            let _ = writeln!(err, "{}: {e}", path.display());
            if let Some(trace) = &e.trace {
                let _ = writeln!(err, "  trace to that state ({} states):", trace.steps.len());
                for (i, step) in trace.steps.iter().enumerate() {
                    let label = step.action.as_ref().map_or("<Initial state>", |a| a.label.as_str());
                    let _ = writeln!(err, "    {}: {label}", i + 1);
                }
            }
            return (ExitCode::Model, None);
        }
        Err(CheckError::Checkpoint(message)) => {
            let _ = writeln!(err, "{}: error: {message}", path.display());
            return (ExitCode::Checkpoint, None);
        }
        Err(e) => {
            let _ = writeln!(err, "{}: internal error: {e}", path.display());
            return (ExitCode::Internal, None);
        }
    };
    if let (Some(file), Some(_)) = (&checkpoint, outcome.stopped) {
        if file.write.exists() {
            let dir = file.write.parent().unwrap_or(Path::new("."));
            let _ = writeln!(
                err,
                "{}: checkpoint written to {}; continue with --resume {}",
                path.display(),
                file.write.display(),
                dir.display()
            );
        }
    }
    let code = match judge(&outcome, &spec.expect, spec.expect_written) {
        Judgement::Met => ExitCode::Ok,
        Judgement::Incomplete(_) => ExitCode::Incomplete,
        Judgement::Failed(Failure::Deadlock) => ExitCode::Deadlock,
        Judgement::Failed(Failure::Invariant(_)) => ExitCode::Invariant,
        Judgement::Failed(Failure::Property(_)) => ExitCode::Property,
        Judgement::Failed(Failure::ExpectedViolationNotFound(_)) => ExitCode::ExpectedViolationNotFound,
    };
    (code, Some(Finished { path: path.display().to_string(), spec, outcome, seconds }))
}
