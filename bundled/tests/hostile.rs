//! The real binary against hostile inputs and outputs: device nodes, FIFOs
//! and oversized files as check specs, closed pipes as stdout and stderr,
//! device nodes as output files, and file names that carry newlines, GitHub
//! workflow commands and terminal escape sequences.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

mod common;
use common::{bivalent, root};

/// Waits for `child` at most `seconds`; kills it and fails the test if it is
/// still running then.
fn finish_within(mut child: Child, seconds: u64, what: &str) -> Output {
    let started = Instant::now();
    while child.try_wait().expect("waitable").is_none() {
        if started.elapsed() > Duration::from_secs(seconds) {
            child.kill().expect("killable");
            let output = child.wait_with_output().expect("waitable");
            panic!("{what}: still running after {seconds} s; stderr: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("waitable")
}

/// Runs `bivalent check <path> --no-report --quiet`, which must end within 30 s.
fn check_within(path: &Path) -> (Option<i32>, String) {
    let child = bivalent(&["check", path.to_str().unwrap(), "--no-report", "--quiet"]).spawn().unwrap();
    let output = finish_within(child, 30, &path.display().to_string());
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn mkfifo(path: &Path) {
    let name = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

#[test]
fn a_device_node_as_a_check_spec_is_refused_at_once() {
    // It once read /dev/zero until memory ran out, deaf to SIGTERM.
    let (code, stderr) = check_within(Path::new("/dev/zero"));
    assert_eq!(code, Some(150), "{stderr}");
    assert_eq!(stderr, "error: /dev/zero: not a regular file but a character device; a check spec must be a file\n");
}

#[test]
fn a_fifo_as_a_check_spec_is_refused_at_once() {
    // Opening a FIFO with no writer once blocked forever.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.cfg");
    mkfifo(&fifo);
    let (code, stderr) = check_within(&fifo);
    assert_eq!(code, Some(150), "{stderr}");
    assert!(stderr.ends_with("spec.cfg: not a regular file but a FIFO; a check spec must be a file\n"), "{stderr}");
}

#[test]
fn a_fifo_in_a_directory_of_specs_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("a-fifo.cfg"));
    std::fs::copy(root().join("specs/tcommit-3.cfg"), dir.path().join("b-tcommit-3.cfg")).unwrap();
    let child = bivalent(&["check", dir.path().to_str().unwrap(), "--no-report", "--quiet"]).spawn().unwrap();
    let output = finish_within(child, 60, "a folder with a FIFO");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 spec: 1 passed"), "{stdout}");
    assert!(!stdout.contains("a-fifo"), "{stdout}");
}

#[test]
fn a_check_spec_larger_than_16_mib_is_refused_with_its_size_and_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.cfg");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: no disk is used for the zeros.
    file.set_len((16 << 20) + 1).unwrap();
    let (code, stderr) = check_within(&big);
    assert_eq!(code, Some(150), "{stderr}");
    let message = "error: the check spec is 16777217 bytes long, more than the 16 MiB (16777216 bytes) bivalent reads";
    assert_eq!(stderr, format!("{}: {message}\n", big.display()));
    // Exactly at the cap it is read (and is then no spec: zeros are no text).
    file.set_len(16 << 20).unwrap();
    let (code, stderr) = check_within(&big);
    assert_eq!(code, Some(150), "{stderr}");
    assert!(stderr.contains("big.cfg:1:1: error: "), "{stderr}");
}

#[test]
fn sigterm_while_specs_are_read_and_parsed_exits_promptly_with_3() {
    // A hundred specs of half a MiB each: seconds of reading and parsing in
    // a debug build, so the signal lands while the run is at it.
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(root().join("specs/tcommit-3.cfg")).unwrap();
    let padding: String = (0..8000).map(|i| format!("\\* padding line {i:08} {}\n", "x".repeat(44))).collect();
    for k in 0..100 {
        std::fs::write(dir.path().join(format!("s{k:03}.cfg")), format!("{spec}{padding}")).unwrap();
    }
    let child = bivalent(&["check", dir.path().to_str().unwrap(), "--no-report", "--quiet"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    let sent = Instant::now();
    let output = finish_within(child, 30, "a run sent SIGTERM");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("specs not checked"), "{stderr}");
    assert!(sent.elapsed() < Duration::from_secs(10), "{:?} after the signal", sent.elapsed());
}

/// Runs `bivalent check <spec> <extra>` with stdout and stderr pipes whose
/// reading ends are closed at once, progress lines as often as the run
/// makes them, and the report and JUnit file in `dir`; returns the exit code.
fn check_into_closed_pipes(spec: &Path, dir: &Path, extra: &[&str]) -> Option<i32> {
    let report = dir.join("report");
    let junit = dir.join("junit.xml");
    let mut args = vec![
        "check",
        spec.to_str().unwrap(),
        "--threads",
        "1",
        "--report",
        report.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let mut child = bivalent(&args).env("BIVALENT_PROGRESS_SECONDS", "0").spawn().unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    finish_within(child, 120, "a run into closed pipes").status.code()
}

#[test]
fn closed_stdout_and_stderr_pipes_keep_the_verdict_and_the_reports() {
    // Writing to a closed pipe once panicked: exit 101, or 153 blaming the
    // model when the progress line's panic came from inside the engine.
    let dir = tempfile::tempdir().unwrap();
    let failing = dir.path().join("bug.cfg");
    std::fs::write(
        &failing,
        "MODEL TwoPhase\nCONSTANTS RM = {r1, r2, r3} Bug = \"CommitWithoutAllPrepared\"\nINVARIANT TCConsistent\n",
    )
    .unwrap();
    for (spec, extra, code) in [
        (failing.clone(), &[][..], 12),
        (failing, &["--json"][..], 12),
        (root().join("bench/specs/twophase-7.cfg"), &[][..], 0),
    ] {
        let out = tempfile::tempdir().unwrap();
        assert_eq!(check_into_closed_pipes(&spec, out.path(), extra), Some(code), "{} {extra:?}", spec.display());
        assert!(out.path().join("report/index.html").is_file(), "no report for {}", spec.display());
        let junit = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
        assert!(junit.contains("<testsuites name=\"bivalent\""), "{junit}");
    }
}

fn file_type(path: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).file_type()
}

#[test]
fn junit_into_a_fifo_a_device_or_a_symlink_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    // The file was once written beside PATH and renamed over it, which
    // replaced a FIFO or a device node (as root, /dev/null) with a file.
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("specs/tcommit-3.cfg");
    let junit = |path: &Path| {
        let child =
            bivalent(&["check", spec.to_str().unwrap(), "--no-report", "--quiet", "--junit", path.to_str().unwrap()])
                .spawn()
                .unwrap();
        let output = finish_within(child, 60, "--junit");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    };

    let fifo = dir.path().join("junit.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    junit(&fifo);
    assert!(file_type(&fifo).is_fifo(), "the FIFO was replaced");
    assert!(reader.join().unwrap().contains("<testsuites name=\"bivalent\""));

    // A symlink stays one, and its target gets the XML.
    let target = dir.path().join("target.xml");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.xml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    junit(&link);
    assert!(file_type(&link).is_symlink(), "the symlink was replaced");
    assert!(std::fs::read_to_string(&target).unwrap().contains("<testsuites name=\"bivalent\""));

    // /dev/null stays the null device (a test that means most as root).
    junit(Path::new("/dev/null"));
    assert!(file_type(Path::new("/dev/null")).is_char_device(), "/dev/null was replaced");

    // A regular file and an absent one are still written whole through a rename.
    let regular = dir.path().join("junit.xml");
    junit(&regular);
    std::fs::write(&regular, "old").unwrap();
    junit(&regular);
    assert!(std::fs::read_to_string(&regular).unwrap().contains("<testsuites name=\"bivalent\""));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn temporaries_a_killed_run_left_beside_a_report_junit_file_or_checkpoint_are_removed() {
    // A process that has ended: its id names no live process (until reused).
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let live = std::process::id();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let junit = dir.path().join("junit.xml");
    let spec = root().join("specs/tcommit-3.cfg");
    let run = || {
        let output = bivalent(&["check", spec.to_str().unwrap(), "--quiet", "--junit", junit.to_str().unwrap()])
            .args(["--report", report.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    };
    // A first run writes the report; a second one was killed mid-write.
    run();
    let stale = [dir.path().join(format!("junit.xml.{dead}-0.tmp")), report.join(format!("index.html.{dead}-3.tmp"))];
    // Kept: a live process's temporary, and files that only look alike.
    let kept = [
        dir.path().join(format!("junit.xml.{live}-0.tmp")),
        dir.path().join(format!("other.xml.{dead}-0.tmp")),
        dir.path().join(format!("junit.xml.{dead}.tmp")),
        dir.path().join("notes.txt"),
    ];
    for path in stale.iter().chain(&kept) {
        std::fs::write(path, "left behind").unwrap();
    }
    run();
    for path in &stale {
        assert!(!path.exists(), "{} is left", path.display());
    }
    for path in &kept {
        assert!(path.exists(), "{} was removed", path.display());
    }
    // Checkpoint temporaries (`*.ckpt.<pid>.tmp`) in the checkpoint folder,
    // swept before the search by the same code.
    let checkpoints = dir.path().join("checkpoints");
    std::fs::create_dir(&checkpoints).unwrap();
    let stale = checkpoints.join(format!("tcommit-3-0000abcd.ckpt.{dead}.tmp"));
    let kept = [
        checkpoints.join(format!("tcommit-3-0000abcd.ckpt.{live}.tmp")),
        checkpoints.join(format!("notes.txt.{dead}.tmp")),
    ];
    for path in kept.iter().chain([&stale]) {
        std::fs::write(path, "left behind").unwrap();
    }
    let output = bivalent(&[
        "check",
        spec.to_str().unwrap(),
        "--quiet",
        "--no-report",
        "--checkpoint",
        checkpoints.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!stale.exists(), "{} is left", stale.display());
    for path in &kept {
        assert!(path.exists(), "{} was removed", path.display());
    }
}

#[test]
fn the_default_report_folder_is_written_again_and_again() {
    let dir = tempfile::tempdir().unwrap();
    for spec in ["specs/twophase-bug-3.cfg", "specs/tcommit-3.cfg", "specs/twophase-bug-3.cfg"] {
        let mut command = bivalent(&["check", root().join(spec).to_str().unwrap(), "--quiet"]);
        let output = command.current_dir(dir.path()).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{spec}: {}", String::from_utf8_lossy(&output.stderr));
        let page = std::fs::read_to_string(dir.path().join("report/index.html")).unwrap();
        assert!(page.contains(spec), "{spec}");
    }
    let mut traces: Vec<String> = std::fs::read_dir(dir.path().join("report/traces"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    traces.sort();
    assert_eq!(traces, ["twophase-bug-3.TCConsistent.dot", "twophase-bug-3.TCConsistent.itf.json"]);
}

#[test]
fn specs_an_interrupt_kept_from_running_are_listed_as_not_checked() {
    // They were once missing from the JUnit file and the HTML report.
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    // Seconds in a debug build, on one thread: the signal lands in this one.
    std::fs::copy(root().join("bench/specs/twophase-7.cfg"), specs.join("a-twophase-7.cfg")).unwrap();
    std::fs::copy(root().join("specs/tcommit-3.cfg"), specs.join("b-tcommit-3.cfg")).unwrap();
    std::fs::copy(root().join("specs/tcommit-3.cfg"), specs.join("c-tcommit-3.cfg")).unwrap();
    let (junit, report) = (dir.path().join("junit.xml"), dir.path().join("report"));
    let child = bivalent(&[
        "check",
        specs.to_str().unwrap(),
        "--threads",
        "1",
        "--quiet",
        "--json",
        "--junit",
        junit.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let output = finish_within(child, 60, "an interrupted run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted: 2 specs not checked"), "{stderr}");

    let xml = std::fs::read_to_string(&junit).unwrap();
    for name in ["b-tcommit-3.cfg", "c-tcommit-3.cfg"] {
        let spec = specs.join(name).display().to_string();
        let suite = format!(
            "<testsuite name=\"{spec}\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\" time=\"0.000\">\n    \
             <testcase name=\"check spec\" classname=\"{spec}\">\n      <skipped message=\"not checked: the run was \
             interrupted before this spec started\" type=\"interrupted\"/>"
        );
        assert!(xml.contains(&suite), "{name}: {xml}");
    }
    let page = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(page.contains("<h2>Specs not checked</h2>"), "{page}");
    assert!(page.contains("c-tcommit-3.cfg</code>: not checked: the run was interrupted before this spec started"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(lines[0]["verdict"], "incomplete");
    assert_eq!(
        lines[2],
        serde_json::json!({
            "spec": specs.join("c-tcommit-3.cfg").display().to_string(),
            "verdict": "not_checked",
            "message": "not checked: the run was interrupted before this spec started",
            "exit_code": 3,
        })
    );
}

/// Every line of `text`, split at any line break a terminal or a log reader
/// might honour.
fn lines(text: &str) -> Vec<&str> {
    text.split(['\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}']).collect()
}

#[test]
fn names_and_titles_with_newlines_and_escapes_forge_no_workflow_command_and_reach_no_terminal() {
    // A file name or title with a newline once forged GitHub workflow
    // commands, and escape sequences reached the terminal raw.
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let title = "\\* Title \u{1b}]0;pwned\u{7} \u{1b}[2J\r::error::forged by the title\u{9b}31m\n";
    let failing = format!(
        "{title}MODEL TwoPhase\nCONSTANTS RM = {{r1, r2}} Bug = \"CommitWithoutAllPrepared\"\nINVARIANT TCConsistent\n"
    );
    std::fs::write(specs.join("b-evil\n::add-mask::secret\u{1b}[31m.cfg"), failing).unwrap();
    std::fs::write(specs.join("a-bad\n::error::forged\u{1b}[2J.cfg"), "MODEL TwoPhase\nCONSTANTS RM = {r1\n").unwrap();
    let (summary, junit, report) =
        (dir.path().join("summary.md"), dir.path().join("junit.xml"), dir.path().join("report"));
    let output = bivalent(&[
        "check",
        specs.to_str().unwrap(),
        "--threads",
        "1",
        "--junit",
        junit.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .env("GITHUB_ACTIONS", "true")
    .env("GITHUB_STEP_SUMMARY", &summary)
    .output()
    .unwrap();
    let (stdout, stderr) = (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap());
    assert_eq!(output.status.code(), Some(150), "{stderr}");
    let summary = std::fs::read_to_string(&summary).unwrap();
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr), ("the job summary", &summary)] {
        // A workflow command is a line that starts with `::` (after blanks).
        for line in lines(text).into_iter().map(str::trim_start) {
            let annotation = line.starts_with("::error file=") || line.starts_with("::warning file=");
            assert!(!line.starts_with("::") || annotation, "{name} has a forged command: {line:?}\n{text}");
        }
        let raw: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n').collect();
        assert!(raw.is_empty(), "{name} has raw control characters {raw:?}:\n{text}");
    }
    // The annotation names the file as GitHub decodes it, and the text shows
    // what the name and title hold.
    let specs_property = specs.display().to_string().replace(':', "%3A").replace(',', "%2C");
    let annotation =
        format!("::error file={specs_property}/b-evil%0A%3A%3Aadd-mask%3A%3Asecret\\u{{1b}}[31m.cfg,line=4,");
    assert!(stdout.contains(&annotation), "{annotation}\n{stdout}");
    assert!(stdout.contains("b-evil\\n::add-mask::secret\\u{1b}[31m.cfg"), "{stdout}");
    assert!(stdout
        .contains("Title:      Title \\u{1b}]0;pwned\\u{7} \\u{1b}[2J\\r::error::forged by the title\\u{9b}31m\n"));
    assert!(stderr.contains("a-bad\\n::error::forged\\u{1b}[2J.cfg:2:"), "{stderr}");
    // The files are still written whole.
    assert!(std::fs::read_to_string(junit).unwrap().contains("b-evil"));
    assert!(report.join("index.html").is_file());
}
