//! The real binary on a 1 MiB main stack (`ulimit -s 1024`, an eighth of the
//! usual 8 MiB): long chains and deep nesting in a spec's formula get a verdict
//! or a located syntax error (exit 150), never a stack overflow. The parser,
//! the formula compiler, the liveness evaluator and the formula's `Drop` all
//! run on the main thread. Recursion over 20,000 operators would need several
//! MiB even with small frames; the debug build's command-line parser alone
//! (clap's derived builder, one large unoptimized frame) needs about 300 KiB,
//! which is why the stack is not smaller.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Writes a TwoPhase spec whose property `F` is `formula` and checks it with
/// the binary on a 1 MiB main stack.
fn check(dir: &Path, name: &str, formula: &str) -> Output {
    let path: PathBuf = dir.join(name);
    let text = format!("MODEL TwoPhase\nCONSTANTS RM = {{r1, r2}}\nCHECK_DEADLOCK FALSE\nPROPERTY F == {formula}\n");
    std::fs::write(&path, text).expect("writable");
    Command::new("sh")
        .args(["-c", "ulimit -s 1024 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_bivalent"))
        .args(["check", path.to_str().expect("a UTF-8 path"), "--quiet", "--no-report", "--threads", "1"])
        .output()
        .expect("the binary runs")
}

/// The exit code and the verdict: the text after `Result:` (printed for a
/// failure or an incomplete run), after the spec's path on its short block
/// (`or.cfg: PASS`, printed for a pass), or else the first line of stderr.
fn outcome(output: &Output) -> (Option<i32>, String) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let verdict = stdout.lines().find_map(|l| {
        l.strip_prefix("Result:").map(str::trim).or_else(|| l.split_once(".cfg: ").map(|(_, verdict)| verdict))
    });
    (output.status.code(), verdict.or_else(|| stderr.lines().next()).unwrap_or_default().to_string())
}

#[test]
fn long_and_deep_formulas_never_overflow_a_small_stack() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A chain of 20,000 `\/` and of 50,000 `/\` in a state formula: TCConsistent
    // is an invariant of TwoPhase, so both hold.
    let or = check(dir.path(), "or.cfg", &format!("[]({}TCConsistent)", "FALSE \\/ ".repeat(20_000)));
    assert_eq!(outcome(&or), (Some(0), "PASS".to_string()));
    let and = check(dir.path(), "and.cfg", &format!("[]({}TCConsistent)", "TRUE /\\ ".repeat(50_000)));
    assert_eq!(outcome(&and), (Some(0), "PASS".to_string()));
    // 50,000 temporal conjuncts, the last of which no behaviour meets.
    let conjuncts = check(dir.path(), "conjuncts.cfg", &format!("{}<>FALSE", "[]TCConsistent /\\ ".repeat(50_000)));
    assert_eq!(outcome(&conjuncts), (Some(13), "FAIL: property F is violated".to_string()));
    // 100,000 `~`: a syntax error at the `~` with 64 operators below it
    // (the k-th `~` is at column 16 + k, with 100,001 - k below it).
    let not = check(dir.path(), "not.cfg", &format!("<>{}TCConsistent", "~".repeat(100_000)));
    let (code, line) = outcome(&not);
    assert_eq!(code, Some(150), "{line}");
    let expected = format!(
        "not.cfg:4:{}: error: syntax error: expected a formula nested at most 64 operators deep (a chain of `/\\` \
         or `\\/` counts once), found 65 here",
        16 + 99_936
    );
    assert!(line.ends_with(&expected), "{line}");
    // 10,000 parentheses are no operators: `<>TCConsistent` holds at once.
    let parentheses =
        check(dir.path(), "parentheses.cfg", &format!("<>{}TCConsistent{}", "(".repeat(10_000), ")".repeat(10_000)));
    assert_eq!(outcome(&parentheses), (Some(0), "PASS".to_string()));
}
