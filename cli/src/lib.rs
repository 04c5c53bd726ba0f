//! The `bivalent` command: parses flags, reads check specs, looks models up in
//! the registry, runs the checker, prints results and picks the exit code.
//! Only this crate knows files, arguments and exit codes.

pub mod args;
mod launch;
mod list;
mod memory;
mod process;
mod progress;
mod report_dir;
mod resolve;
mod scaffold;
#[cfg(test)]
mod tests;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use checker::{judge, CheckConfig, CheckError, ConfigError, Failure, Judgement, ModelEntry, Outcome, SpecFile};
use clap::Parser;

use crate::args::{Args, CheckArgs, Command};
pub use crate::process::main;
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
    /// An output (the HTML report, the JUnit file or the job summary) could
    /// not be written, though every spec met its expectation.
    Output = 16,
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

/// Runs the command line `argv` (including the program name) with the models
/// of `registry`, writing results to `out` and diagnostics to `err`. Returns
/// the exit code.
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
    let argv: Vec<OsString> = argv.into_iter().collect();
    let command_line = command_line(&argv);
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
        Command::Check(check) => run_check(registry, check, &command_line, env, out, err),
        Command::List(list) => list::list(registry, list.model.as_deref(), out, err),
        Command::New(new) => scaffold::new(new, out, err),
        Command::Cluster(cluster) => launch::launch(cluster, err),
    };
    code as i32
}

/// The spec files named by `paths`: files as given, directories' `*.cfg`
/// files sorted. A path that names neither a regular file nor a directory is
/// refused before anything is opened: opening a FIFO blocks, and a device
/// such as `/dev/zero` never ends.
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, (ExitCode, String)> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err((ExitCode::Semantic, format!("{}: no such file or directory", shown(path))))
            }
            Err(e) => return Err((ExitCode::Semantic, format!("{}: {e}", shown(path)))),
        };
        if metadata.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| (ExitCode::Semantic, format!("{}: cannot read directory: {e}", shown(path))))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "cfg") && p.is_file())
                .collect();
            if found.is_empty() {
                let message = format!("{}: no check specs (*.cfg files) in this directory", shown(path));
                return Err((ExitCode::Semantic, message));
            }
            found.sort();
            files.extend(found);
        } else if metadata.is_file() {
            files.push(path.clone());
        } else {
            let message = format!(
                "{}: not a regular file but {}; a check spec must be a file",
                shown(path),
                file_kind(&metadata.file_type())
            );
            return Err((ExitCode::Syntax, message));
        }
    }
    Ok(files)
}

/// What a file that is neither a regular file nor a directory is, with its article.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        return "a directory";
    }
    "a special file"
}

/// The largest check spec bivalent reads, in bytes: 16 MiB, a thousand
/// times the largest spec anyone writes by hand.
pub const SPEC_BYTES_MAX: u64 = 16 << 20;

/// Why a check spec's bytes could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not a regular file (it changed since the paths were listed).
    NotRegular(&'static str),
    /// Longer than [`SPEC_BYTES_MAX`]: this many bytes, or more.
    TooLarge(u64),
    /// Ctrl-C or SIGTERM arrived while reading.
    Interrupted,
    /// The system refused.
    Io(std::io::Error),
}

/// The bytes of the check spec (or hostfile) at `path`: a regular file of at
/// most [`SPEC_BYTES_MAX`] bytes, read a chunk at a time so that an interrupt
/// (`interrupt` raised) stops the read. A device, FIFO or directory is refused
/// before anything is read from it.
pub(crate) fn read_spec(path: &Path, interrupt: &std::sync::atomic::AtomicBool) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // A FIFO put in the file's place since it was listed must not block the
    // open; on a regular file the flag changes nothing.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(file_kind(&metadata.file_type())));
    }
    if metadata.len() > SPEC_BYTES_MAX {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    // One byte past the cap tells a file that grew since its size was read.
    let mut limited = file.take(SPEC_BYTES_MAX + 1);
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    let mut chunk = vec![0; 1 << 20];
    loop {
        if interrupt.load(Ordering::SeqCst) {
            return Err(ReadError::Interrupted);
        }
        match limited.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    if bytes.len() as u64 > SPEC_BYTES_MAX {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The command line as a shell would take it back: each argument quoted
/// when it holds anything but letters, digits and `-_./=:,+@%`.
fn command_line(argv: &[OsString]) -> String {
    let quoted = argv.iter().map(|arg| {
        let arg = arg.to_string_lossy();
        let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
        if plain {
            arg.into_owned()
        } else {
            format!("'{}'", arg.replace('\'', "'\\''"))
        }
    });
    let mut words: Vec<String> = quoted.collect();
    if let Some(program) = words.first_mut() {
        // The program as invoked may be a long path; its name says enough.
        *program = program.rsplit('/').next().unwrap_or(program).to_string();
    }
    words.join(" ")
}

/// Now, in UTC: `2026-12-03 13:47 UTC`.
fn utc_now() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rest / 3600, rest % 3600 / 60)
}

fn run_check(
    registry: &[ModelEntry],
    args: &CheckArgs,
    command_line: &str,
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
    let mut outputs = Outputs::resolve(args, env);
    // Every process of a cluster gets the same result; process 0 reports it.
    let mut sink = std::io::sink();
    let out: &mut dyn Write = match &settings.cluster {
        Some(cluster) if cluster.process != 0 => {
            outputs = Outputs { report: None, junit: None, github: None };
            &mut sink
        }
        _ => out,
    };
    // Refused before the check, which may take hours, rather than after it.
    let earlier_report = match outputs.report.as_deref().map(report_dir::claim).transpose() {
        Ok(earlier) => earlier.unwrap_or_default(),
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return ExitCode::Syntax;
        }
    };
    let files = match spec_files(&args.paths) {
        Ok(files) => files,
        Err((code, message)) => {
            let _ = writeln!(err, "error: {message}");
            return code;
        }
    };
    if settings.cluster.is_some() && files.len() != 1 {
        let _ = writeln!(err, "error: --processes checks one spec at a time; {} specs were given", files.len());
        return ExitCode::Syntax;
    }
    if let Some(checkpoints) = &settings.checkpoints {
        if let Err(message) = prepare_checkpoints(&checkpoints.dir) {
            let _ = writeln!(err, "error: {message}");
            return ExitCode::Checkpoint;
        }
    }
    let mut finished: Vec<Finished> = Vec::new();
    let mut errors: Vec<reports::SpecError> = Vec::new();
    let mut first_failure = ExitCode::Ok;
    for (i, file) in files.iter().enumerate() {
        let checked = if interrupt_flag().load(std::sync::atomic::Ordering::SeqCst) {
            Checked::Interrupted
        } else {
            // Diagnostics go to `err` as they come, and are kept for the reports.
            let mut diagnostics = Vec::new();
            let checked = check_file(registry, file, &settings, args, &mut diagnostics);
            // Paths and names in them are escaped already; this also catches
            // what a model's own messages and states hold.
            let diagnostics = String::from_utf8_lossy(&diagnostics);
            let diagnostics = reports::text::printable_lines(&diagnostics);
            let _ = err.write_all(diagnostics.as_bytes());
            if let Checked::Error(code) = checked {
                let message = diagnostics.trim_end().to_string();
                errors.push(reports::SpecError {
                    spec: file.display().to_string(),
                    message,
                    exit_code: code as i32,
                    not_run: false,
                });
                if args.json {
                    let _ = writeln!(out, "{}", reports::json::render_unchecked_line(errors.last().expect("pushed")));
                }
            }
            checked
        };
        let code = match checked {
            Checked::Finished(code, result) => {
                let run = result.spec_run(&settings);
                if args.json {
                    let _ = writeln!(out, "{}", reports::json::render_json_line(&run));
                } else if args.verbose {
                    let _ = writeln!(out, "{}", reports::text::report(&run));
                } else {
                    let _ = writeln!(out, "{}", reports::text::brief(&run));
                }
                finished.push(*result);
                code
            }
            Checked::Error(code) => code,
            Checked::Interrupted => {
                let _ = writeln!(err, "interrupted: {} specs not checked", files.len() - i);
                for file in &files[i..] {
                    let not_run = reports::SpecError::not_run(file.display().to_string());
                    if args.json {
                        let _ = writeln!(out, "{}", reports::json::render_unchecked_line(&not_run));
                    }
                    errors.push(not_run);
                }
                first_failure = first_failure.max(ExitCode::Incomplete);
                break;
            }
        };
        if first_failure == ExitCode::Ok {
            first_failure = code;
        }
    }
    let runs: Vec<reports::SpecRun> = finished.iter().map(|f| f.spec_run(&settings)).collect();
    // Notes for the user go where they do not disturb the JSON lines.
    let notes: &mut dyn Write = if args.json { &mut *err } else { &mut *out };
    // Each output is attempted whatever became of the others, and each
    // failure is reported.
    let mut failed_outputs: Vec<String> = Vec::new();
    let mut report_index = None;
    if let Some(dir) = &outputs.report {
        let invocation =
            reports::html::Invocation { version: env!("CARGO_PKG_VERSION"), command_line, date: &utc_now() };
        match report_dir::write(dir, &earlier_report, &runs, &errors, &invocation) {
            Ok(index) => {
                let _ = writeln!(notes, "HTML report: {}", shown(&index));
                report_index = Some(index);
            }
            Err(e) => failed_outputs.push(format!("cannot write the HTML report to {}: {e}", shown(dir))),
        }
    }
    if let Some(path) = &outputs.junit {
        if let Err(e) = write_output(path, &reports::junit::junit(&runs, &errors)) {
            failed_outputs.push(format!("cannot write the JUnit file {}: {e}", shown(path)));
        }
    }
    if let Some(github) = &outputs.github {
        let _ = write!(notes, "{}", reports::github::annotations(&runs));
        if let Some(path) = &github.step_summary {
            let report = report_index.as_ref().map(|index| index.display().to_string());
            if let Err(e) = append_file(path, &reports::github::step_summary(&runs, report.as_deref())) {
                failed_outputs.push(format!("cannot append the job summary to {}: {e}", shown(path)));
            }
        }
    }
    for message in &failed_outputs {
        let _ = writeln!(err, "error: {message}");
    }
    // The summary comes last, where the eye lands when the run ends.
    if !args.json && !runs.is_empty() {
        let _ = write!(out, "{}", reports::text::summary(&runs));
    }
    let failed_specs = errors.iter().filter(|e| !e.not_run).count();
    if !args.json && failed_specs > 0 {
        let specs = if failed_specs == 1 { "spec" } else { "specs" };
        let _ = writeln!(out, "{failed_specs} {specs} could not be checked: see the errors above.");
    }
    // A verdict's own code says more; an output failure still fails the run.
    if !failed_outputs.is_empty() && first_failure == ExitCode::Ok {
        first_failure = ExitCode::Output;
    }
    first_failure
}

/// Writes `contents` to `path` through a temporary file and a rename, so that
/// a reader (or a concurrent run writing the same report) never sees half a file.
pub(crate) fn write_file(path: &Path, contents: &str) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    remove_stale_file_temporaries(path);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}-{n}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, contents).and_then(|()| std::fs::rename(&temporary, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Removes the temporaries of `path` that a run killed mid-write left
/// (`<name>.<pid>-<n>.tmp` beside it): only this file's, so that nothing
/// else in a folder of the user's is touched.
fn remove_stale_file_temporaries(path: &Path) {
    let (Some(name), Some(parent)) = (path.file_name().and_then(|n| n.to_str()), path.parent()) else { return };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    remove_dead_temporaries(parent, |file| {
        let (pid, n) = file.strip_prefix(name)?.strip_prefix('.')?.strip_suffix(".tmp")?.split_once('-')?;
        n.parse::<u64>().ok()?;
        pid.parse().ok()
    });
}

/// Writes `contents` to the output file `path` that the user named (such as
/// `--junit`): a regular file or a new one through [`write_file`], anything
/// else (a FIFO, a device such as `/dev/null`, a symlink) in place, so that
/// it is written through and never replaced.
fn write_output(path: &Path, contents: &str) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_file(path, contents),
        Ok(metadata) if metadata.file_type().is_file() => write_file(path, contents),
        Err(e) => Err(e),
        Ok(_) => {
            let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(path)?;
            file.write_all(contents.as_bytes())
        }
    }
}

/// Appends `contents` to `path`, creating it if needed.
fn append_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(contents.as_bytes())
}

/// A spec's checkpoint file: `<dir>/<spec file stem>-<hash>.ckpt` (see
/// [`checkpoint_name`]), written through a temporary file and a rename so
/// that a crash mid-write keeps the last one.
#[derive(Clone, Debug)]
struct FileCheckpoint {
    write: PathBuf,
    resume: Option<PathBuf>,
    /// Why the last save failed, if it did: the search goes on without it,
    /// and the spec's result reports it.
    failed: Arc<Mutex<Option<String>>>,
}

impl FileCheckpoint {
    fn new(settings: &resolve::Checkpoints, spec: &Path) -> FileCheckpoint {
        let name = checkpoint_name(spec);
        FileCheckpoint {
            write: settings.dir.join(&name),
            resume: settings.resume.as_ref().map(|dir| dir.join(&name)),
            failed: Arc::default(),
        }
    }

    fn failure(&self) -> Option<String> {
        self.failed.lock().ok().and_then(|failed| failed.clone())
    }
}

/// `<stem>-<8 hex digits>.ckpt`, the digits a CRC-32 of the spec's canonical
/// path: specs of one name in different folders get checkpoints of their own,
/// and a spec named by another path to the same file finds its checkpoint.
fn checkpoint_name(spec: &Path) -> String {
    let stem = spec.file_stem().unwrap_or(spec.as_os_str()).to_string_lossy();
    let canonical = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    format!("{stem}-{:08x}.ckpt", crc32fast::hash(canonical.as_os_str().as_encoded_bytes()))
}

/// The temporary file a checkpoint is written to before its rename: the
/// process id tells a live writer's from one a killed run left behind.
fn temporary_path(path: &Path) -> PathBuf {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    PathBuf::from(temporary)
}

/// Makes sure checkpoints can be written to `dir` before any search starts
/// (a search that finds out at its first checkpoint has spent its time), and
/// removes what runs killed mid-write left there.
fn prepare_checkpoints(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the checkpoint directory {}: {e}", shown(dir)))?;
    remove_stale_temporaries(dir);
    let probe = temporary_path(&dir.join(".bivalent-probe"));
    let written = std::fs::write(&probe, b"bivalent checks that it can write here\n");
    let _ = std::fs::remove_file(&probe);
    written.map_err(|e| format!("cannot write checkpoints to {}: {e}", shown(dir)))
}

/// Removes the temporary files of ours (`*.ckpt.<pid>.tmp`, and the probe's)
/// whose process is gone: a run killed with SIGKILL cannot remove its own.
fn remove_stale_temporaries(dir: &Path) {
    remove_dead_temporaries(dir, |file| {
        let (base, pid) = file.strip_suffix(".tmp")?.rsplit_once('.')?;
        (base.ends_with(".ckpt") || base == ".bivalent-probe").then(|| pid.parse().ok())?
    });
}

/// Removes the regular files in `dir` that `ours` names a writer process
/// of (by its id) when that process is gone.
fn remove_dead_temporaries(dir: &Path, ours: impl Fn(&str) -> Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(&ours) else { continue };
        if entry.file_type().is_ok_and(|t| t.is_file()) && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` exists (when in doubt, it does).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    // 0 and negative ids name process groups: leave such files alone.
    let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// What identifies this build of bivalent, whose models are compiled in: a
/// CRC-32 of the executable. A checkpoint written by another build is refused,
/// since its models may explore differently.
fn build_identity() -> String {
    static IDENTITY: OnceLock<String> = OnceLock::new();
    IDENTITY
        .get_or_init(|| {
            let checksum = || -> std::io::Result<String> {
                let mut file = std::fs::File::open(std::env::current_exe()?)?;
                let mut crc = crc32fast::Hasher::new();
                let mut buffer = vec![0; 1 << 20];
                let mut length = 0u64;
                loop {
                    match std::io::Read::read(&mut file, &mut buffer)? {
                        0 => break,
                        n => {
                            crc.update(&buffer[..n]);
                            length += n as u64;
                        }
                    }
                }
                Ok(format!("executable CRC-32 {:08x}, {length} bytes", crc.finalize()))
            };
            checksum().unwrap_or_else(|e| format!("unknown ({e})"))
        })
        .clone()
}

impl checker::CheckpointStorage for FileCheckpoint {
    fn save(&self, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        let temporary = temporary_path(&self.write);
        let written = (|| {
            if let Some(parent) = self.write.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&temporary)?);
            write(&mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&temporary, &self.write)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        if let Ok(mut failed) = self.failed.lock() {
            *failed = written.as_ref().err().map(|e| e.to_string());
        }
        written
    }

    fn load(&self) -> std::io::Result<Option<Box<dyn std::io::Read>>> {
        let Some(path) = &self.resume else { return Ok(None) };
        // Regular files only: a FIFO would block and a device never end.
        match std::fs::metadata(path) {
            Ok(metadata) if !metadata.is_file() => return Err(std::io::Error::other("not a regular file")),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        }
        let file = std::fs::File::open(path)?;
        Ok(Some(Box::new(std::io::BufReader::with_capacity(1 << 20, file))))
    }

    fn location(&self) -> String {
        match &self.resume {
            Some(from) if *from != self.write => format!("{} (resumed from {})", shown(&self.write), shown(from)),
            _ => shown(&self.write),
        }
    }
}

/// What became of one check spec.
enum Checked {
    /// It ran to an outcome, judged with this exit code.
    Finished(ExitCode, Box<Finished>),
    /// It could not be checked; the diagnostics say why.
    Error(ExitCode),
    /// An interrupt came before it started.
    Interrupted,
}

/// A spec that ran to an outcome.
struct Finished {
    path: String,
    /// The check spec's text as read, for the HTML report.
    text: String,
    spec: SpecFile,
    outcome: Outcome,
    seconds: f64,
}

impl Finished {
    fn spec_run<'a>(&'a self, settings: &Settings) -> reports::SpecRun<'a> {
        reports::SpecRun {
            spec: &self.path,
            source: &self.text,
            title: self.spec.title.as_deref(),
            model: &self.spec.model.name,
            constants: self.spec.constants.items.iter().map(|c| (c.name.clone(), c.value.to_string())).collect(),
            expect: &self.spec.expect,
            expect_written: self.spec.expect_written,
            strategy: settings.strategy.name(),
            threads: settings.threads,
            processes: settings.cluster.as_ref().map_or(1, |cluster| cluster.addresses.len()),
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

/// Runs this process's part of a distributed check. A process that cannot
/// join the cluster, or loses it, has no verdict: exit code 3 (255 for a
/// crash of our own), on every process, within seconds.
fn distributed_check(
    cluster: &distributed::Cluster,
    model: Box<dyn checker::DynModel>,
    config: &CheckConfig,
    path: &Path,
    stats: bool,
    err: &mut dyn Write,
) -> Result<Result<Outcome, CheckError>, ExitCode> {
    let spec = shown(path);
    let process = cluster.process;
    let fatal = Arc::new(move |fatal: distributed::Fatal| {
        let (code, message) = match fatal {
            distributed::Fatal::ConnectionLost(cause) => (
                ExitCode::Incomplete,
                format!(
                    "the connection to another process of the cluster broke ({cause}): a process failed or was killed, so this run has no verdict"
                ),
            ),
            distributed::Fatal::PeerSilent(cause) => (
                ExitCode::Incomplete,
                format!("{cause} (its connections are still open), so this run has no verdict; see --peer-timeout"),
            ),
            distributed::Fatal::WorkerPanicked(cause) => {
                (ExitCode::Internal, format!("internal error: a worker of this process crashed: {cause}"))
            }
        };
        let _ = writeln!(std::io::stderr(), "{spec}: error: process {process}: {message}");
        std::process::exit(code as i32);
    });
    let started = Instant::now();
    match distributed::run(cluster, Arc::from(model), config, fatal) {
        Ok((result, traffic)) => {
            if stats {
                let _ = writeln!(
                    err,
                    "cluster: process {process}: {:.3} s, {} bytes sent to other processes, {} rounds, peak memory {} MiB",
                    started.elapsed().as_secs_f64(),
                    traffic.bytes_sent,
                    traffic.rounds,
                    memory::peak_bytes().map_or_else(|| "unknown".to_string(), |b| (b >> 20).to_string())
                );
            }
            Ok(result)
        }
        Err(message) => {
            let _ = writeln!(err, "{}: error: process {process}: {message}", shown(path));
            Err(ExitCode::Incomplete)
        }
    }
}

/// A path as shown in messages: control characters escaped, so that a
/// newline in a file name cannot start a line of its own (a forged CI
/// command) and ESC cannot drive the terminal.
pub(crate) fn shown(path: &Path) -> String {
    reports::text::printable(&path.display().to_string()).into_owned()
}

/// The error for a TLA+ expression in a formula, with the predicates and
/// state invariants of the spec's model listed, when the spec's `MODEL` line
/// names a known model (the spec did not parse, so its first `MODEL` line is
/// looked up by itself).
fn with_predicates(registry: &[ModelEntry], text: &str, e: ConfigError) -> ConfigError {
    let name = text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some("MODEL")).then(|| words.next()).flatten()
    });
    let Some(entry) = name.and_then(|name| registry.iter().find(|m| m.name == name)) else { return e };
    let Ok(model) = entry.example_model() else { return e };
    let info = model.info();
    let names: Vec<&str> = info.predicates.iter().chain(&info.invariants).copied().collect();
    e.naming_predicates(entry.name, &names)
}

/// Prints a config error as `file:line:column: message`.
fn config_error(err: &mut dyn Write, path: &Path, e: &ConfigError) -> ExitCode {
    let span = e.span();
    if span.line == 0 {
        let _ = writeln!(err, "{}: error: {e}", shown(path));
    } else {
        let _ = writeln!(err, "{}:{}:{}: error: {e}", shown(path), span.line, span.column);
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
) -> Checked {
    let bytes = match read_spec(path, &interrupt_flag()) {
        Ok(bytes) => bytes,
        Err(ReadError::Interrupted) => return Checked::Interrupted,
        Err(ReadError::NotRegular(kind)) => {
            let _ = writeln!(err, "{}: error: not a regular file but {kind}; a check spec must be a file", shown(path));
            return Checked::Error(ExitCode::Syntax);
        }
        Err(ReadError::TooLarge(bytes)) => {
            let _ = writeln!(
                err,
                "{}: error: the check spec is {bytes} bytes long, more than the {} MiB ({SPEC_BYTES_MAX} bytes) \
                 bivalent reads",
                shown(path),
                SPEC_BYTES_MAX >> 20
            );
            return Checked::Error(ExitCode::Syntax);
        }
        Err(ReadError::Io(e)) => {
            let _ = writeln!(err, "{}: error: cannot read the check spec: {e}", shown(path));
            return Checked::Error(ExitCode::Semantic);
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
                shown(path)
            );
            return Checked::Error(ExitCode::Semantic);
        }
    };
    let spec = match checker::parse_spec(&text) {
        Ok(spec) => spec,
        Err(e) if e.is_expression_in_formula() => {
            let e = with_predicates(registry, &text, e);
            return Checked::Error(config_error(err, path, &e));
        }
        Err(e) => return Checked::Error(config_error(err, path, &e)),
    };
    let Some(entry) = registry.iter().find(|m| m.name == spec.model.name) else {
        let valid = registry.iter().map(|m| m.name.to_string()).collect();
        let e = ConfigError::unknown_name("model", &spec.model.name, spec.model.span, valid);
        return Checked::Error(config_error(err, path, &e));
    };
    let model = match (entry.build)(&spec.constants) {
        Ok(model) => model,
        Err(e) => return Checked::Error(config_error(err, path, &e)),
    };
    let mut config = CheckConfig::from_spec(&spec, settings.strategy, settings.threads, settings.limits());
    config.fingerprint_bits = settings.fingerprint_bits;
    config.store = settings.store;
    config.seed = settings.seed;
    config.simulation_traces = settings.traces;
    config.continue_after_violation = settings.continue_after_violation;
    config.symmetry_audit = settings.symmetry_audit;
    let checkpoint = settings.checkpoints.as_ref().map(|c| FileCheckpoint::new(c, path));
    if let (Some(checkpoints), Some(file)) = (&settings.checkpoints, &checkpoint) {
        match &file.resume {
            Some(from) if from.exists() => {
                let _ = writeln!(err, "{}: resuming from {}", shown(path), shown(from));
            }
            Some(from) => {
                let _ = writeln!(err, "{}: no checkpoint {}; starting afresh", shown(path), shown(from));
            }
            None => {}
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
                ("bivalent".to_string(), env!("CARGO_PKG_VERSION").to_string()),
                ("build".to_string(), build_identity()),
            ],
        });
    }
    tracing::info!(spec = %shown(path), model = %spec.model.name, "checking");
    let started = Instant::now();
    let result = match &settings.cluster {
        Some(cluster) => match distributed_check(cluster, model, &config, path, args.cluster_stats, err) {
            Ok(result) => result,
            Err(code) => return Checked::Error(code),
        },
        None => {
            let display = progress::Display::new(!args.quiet && !args.json, started);
            let result = model.check(&config, &|p| display.update(p));
            display.finish();
            result
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(CheckError::Config(e)) => return Checked::Error(config_error(err, path, &e)),
        Err(CheckError::Model(e)) => {
            let _ = writeln!(err, "{}: {e}", shown(path));
            if let Some(trace) = &e.trace {
                let _ = writeln!(err, "  trace to that state ({} states):", trace.steps.len());
                for (i, step) in trace.steps.iter().enumerate() {
                    let label = step.action.as_ref().map_or("<Initial state>", |a| a.label.as_str());
                    let _ = writeln!(err, "    {}: {}", i + 1, reports::text::printable(label));
                }
            }
            return Checked::Error(ExitCode::Model);
        }
        Err(CheckError::Checkpoint(message)) => {
            let _ = writeln!(err, "{}: error: {message}", shown(path));
            return Checked::Error(ExitCode::Checkpoint);
        }
        Err(e) => {
            let _ = writeln!(err, "{}: internal error: {e}", shown(path));
            return Checked::Error(ExitCode::Internal);
        }
    };
    let mut code = match judge(&outcome, &spec.expect, spec.expect_written) {
        Judgement::Met => ExitCode::Ok,
        Judgement::Incomplete(_) => ExitCode::Incomplete,
        Judgement::Failed(Failure::Deadlock) => ExitCode::Deadlock,
        Judgement::Failed(Failure::Invariant(_)) => ExitCode::Invariant,
        Judgement::Failed(Failure::Property(_)) => ExitCode::Property,
        Judgement::Failed(Failure::ExpectedViolationNotFound(_)) => ExitCode::ExpectedViolationNotFound,
    };
    if let Some(file) = &checkpoint {
        let dir = file.write.parent().unwrap_or(Path::new("."));
        match (file.failure(), outcome.stopped) {
            // The findings stand; the run cannot be resumed. A violation's
            // exit code says more than the checkpoint's.
            (Some(e), Some(_)) => {
                let _ = writeln!(
                    err,
                    "{}: error: cannot write the checkpoint {}: {e}; the results stand, but this run cannot be resumed",
                    shown(path),
                    shown(&file.write)
                );
                if matches!(code, ExitCode::Ok | ExitCode::Incomplete) {
                    code = ExitCode::Checkpoint;
                }
            }
            (Some(e), None) => {
                let _ = writeln!(
                    err,
                    "{}: warning: the last checkpoint could not be written to {} ({e}); the search went on to its end",
                    shown(path),
                    shown(&file.write)
                );
            }
            (None, Some(_)) if file.write.exists() => {
                let _ = writeln!(
                    err,
                    "{}: checkpoint written to {}; continue with --resume {}",
                    shown(path),
                    shown(&file.write),
                    shown(dir)
                );
            }
            (None, _) => {}
        }
    }
    Checked::Finished(code, Box::new(Finished { path: path.display().to_string(), text, spec, outcome, seconds }))
}
