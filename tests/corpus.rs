//! The bad-input corpus: one `tests/corpus/*.cfg` file per malformed or
//! invalid check spec, each run through `bivalent check` and snapshotted with
//! its exit code and its error message (file, line and column, and the valid
//! choices). None may panic, pass or give an undocumented exit code.

use std::path::Path;

use crate::{cli, root, CliRun};

/// Checks `path` as a user would, on one thread and without a report.
fn check(path: &Path) -> CliRun {
    cli(&["check", path.to_str().expect("a UTF-8 path"), "--quiet", "--no-report", "--threads", "1"])
}

/// The exit code and stderr, with `dir` replaced by `placeholder`.
fn outcome(run: &CliRun, dir: &Path, placeholder: &str) -> String {
    let stderr = run.stderr.replace(&dir.display().to_string(), placeholder);
    format!("exit code: {}\nstderr:\n{stderr}", run.code)
}

#[test]
fn every_bad_spec_gives_a_located_error_and_its_exit_code() {
    let corpus = root().join("tests/corpus");
    insta::glob!("corpus", "*.cfg", |path| {
        let run = check(path);
        assert!(
            run.code == 150 || run.code == 151,
            "{}: exit code {}, not 150 (syntax) or 151 (semantic)\n{}",
            path.display(),
            run.code,
            run.stderr
        );
        assert_eq!(run.stdout, "1 spec could not be checked: see the errors above.\n", "{}", path.display());
        insta::assert_snapshot!(outcome(&run, &corpus, "[corpus]"));
    });
}

#[test]
fn a_file_that_is_not_utf8_gives_151() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("latin1.cfg");
    // `é` in Latin-1 inside a comment on line 2.
    std::fs::write(&path, b"MODEL TwoPhase\n\\* caf\xe9\nCONSTANTS RM = {r1, r2}\nINVARIANT TCConsistent\n")
        .expect("writable");
    let run = check(&path);
    insta::assert_snapshot!(outcome(&run, dir.path(), "[dir]"), @"
    exit code: 151
    stderr:
    [dir]/latin1.cfg:2:7: error: the check spec is not UTF-8 text (byte 0xe9 here); save it as UTF-8
    ");
}

#[test]
fn a_directory_without_specs_and_an_unreadable_file_give_151() {
    // Files that are not specs, and a directory named like one, are not specs.
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("README.md"), "not a spec\n").expect("writable");
    std::fs::write(dir.path().join("twophase.cfg.bak"), "MODEL TwoPhase\n").expect("writable");
    std::fs::create_dir(dir.path().join("nested.cfg")).expect("a directory");
    let run = check(dir.path());
    insta::assert_snapshot!(outcome(&run, dir.path(), "[dir]"), @"
    exit code: 151
    stderr:
    error: [dir]: no check specs (*.cfg files) in this directory
    ");

    // A spec that cannot be opened. Permissions do not stop root, so the
    // check only applies when the file really is unreadable.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("secret.cfg");
        std::fs::write(&path, "MODEL TwoPhase\nCONSTANTS RM = {r1}\n").expect("writable");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::read(&path).is_err() {
            let run = check(&path);
            assert_eq!(run.code, 151, "{}", run.stderr);
            assert_eq!(
                outcome(&run, dir.path(), "[dir]"),
                "exit code: 151\nstderr:\n[dir]/secret.cfg: error: cannot read the check spec: Permission denied (os error 13)\n"
            );
        }
    }
}
