//! Every error path of `bivalent check`: the message (with file, line and
//! column, and the valid choices) and the exit code.

use std::path::PathBuf;

use crate::{cli, cli_with, faulty, root, CliRun};

/// Writes `text` as `name` in a fresh directory and returns both.
fn spec(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("writable");
    (dir, path)
}

fn check(path: &std::path::Path, extra: &[&str]) -> CliRun {
    let mut args = vec!["check", path.to_str().unwrap(), "--quiet", "--threads", "2"];
    args.extend_from_slice(extra);
    cli(&args)
}

/// The first line of stderr with the temporary directory replaced.
fn first_error(run: &CliRun, path: &std::path::Path) -> String {
    let dir = path.parent().unwrap().display().to_string();
    run.stderr.lines().next().unwrap_or_default().replace(&dir, "[dir]")
}

#[test]
fn a_syntax_error_gives_150_with_file_line_and_column() {
    let (_dir, path) = spec("bad.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1, r2\nINVARIANTS TCConsistent\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 150);
    insta::assert_snapshot!(first_error(&run, &path), @"[dir]/bad.cfg:3:1: error: syntax error: expected `,` or `}` after a set element, found `INVARIANTS`");
}

#[test]
fn with_json_a_spec_that_cannot_be_checked_is_an_error_object() {
    // --json once printed nothing at all for such a spec.
    let (dir, path) = spec("a-bad.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1, r2\nINVARIANTS TCConsistent\n");
    std::fs::write(dir.path().join("b-unknown.cfg"), "MODEL Nope\n").unwrap();
    std::fs::copy(root().join("specs/tcommit-3.cfg"), dir.path().join("c-tcommit-3.cfg")).unwrap();
    let run = cli(&["check", dir.path().to_str().unwrap(), "--quiet", "--json", "--no-report"]);
    assert_eq!(run.code, 150, "{}", run.stderr);
    let lines: Vec<serde_json::Value> =
        run.stdout.lines().map(|line| serde_json::from_str(line).expect("a JSON object a line")).collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    let first_error = |name: &str| {
        let diagnostics: Vec<&str> = run.stderr.lines().filter(|l| l.contains(name)).collect();
        diagnostics[0].to_string()
    };
    assert_eq!(
        lines[0],
        serde_json::json!({
            "spec": path.display().to_string(),
            "verdict": "error",
            "message": first_error("a-bad.cfg"),
            "exit_code": 150,
        })
    );
    assert_eq!(lines[1]["verdict"], "error");
    assert_eq!(lines[1]["exit_code"], 151);
    assert!(lines[1]["message"].as_str().unwrap().contains("unknown model `Nope`"), "{}", lines[1]);
    assert_eq!((lines[2]["verdict"].as_str(), lines[2]["model"].as_str()), (Some("pass"), Some("TCommit")));
}

#[test]
fn an_unknown_model_gives_151_and_lists_the_models() {
    let (_dir, path) = spec("m.cfg", "MODEL TwoPhaze\nCONSTANTS RM = {r1}\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    insta::assert_snapshot!(first_error(&run, &path), @"[dir]/m.cfg:1:7: error: unknown model `TwoPhaze`; did you mean `TwoPhase`? (valid models: Abd, CausalStore, ChainReplication, Dynamo, GCounter, Gossip, LWWRegister, LamportMutex, ORSet, PNCounter, Paxos, Pbft, Raft, Saga, TCommit, ThreePhase, TwoPSet, TwoPhase)");
}

#[test]
fn an_unknown_invariant_gives_151_and_lists_the_invariants() {
    let (_dir, path) = spec("i.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nINVARIANT TCConsistnt\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    insta::assert_snapshot!(first_error(&run, &path), @"[dir]/i.cfg:3:11: error: unknown invariant `TCConsistnt`; did you mean `TCConsistent`? (valid invariants: TPTypeOK, TCConsistent, TCSpec)");
}

#[test]
fn a_bad_constant_gives_151_with_what_the_model_accepts() {
    let (_dir, path) = spec("c.cfg", "MODEL TwoPhase\nCONSTANTS RM = 3\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    insta::assert_snapshot!(first_error(&run, &path), @"[dir]/c.cfg:2:11: error: bad constant: RM must be a set of model values such as {r1, r2, r3}, not an integer");

    let (_dir, path) = spec("c.cfg", "MODEL TwoPhase\nCONSTANTS RM = {}\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    insta::assert_snapshot!(first_error(&run, &path), @"[dir]/c.cfg:2:11: error: bad constant: RM has 0 elements; this model supports 1 to 15");

    let (_dir, path) = spec("c.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1} Nodes = 3\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    insta::assert_snapshot!(first_error(&run, &path), @"[dir]/c.cfg:2:21: error: unknown constant `Nodes` (valid constants: RM, Bug, TMMAYFAIL)");
}

#[test]
fn an_expectation_naming_an_unchecked_item_gives_151() {
    let (_dir, path) =
        spec("e.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nINVARIANT TPTypeOK\nEXPECT VIOLATION TCConsistent\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    assert!(first_error(&run, &path).starts_with("[dir]/e.cfg:4:18: error: unknown expected violation `TCConsistent`"));
}

#[test]
fn liveness_under_symmetry_is_refused_with_the_reason() {
    let (_dir, path) = spec("l.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1, r2}\nPROPERTY Termination\nSYMMETRY RM\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    assert!(first_error(&run, &path).starts_with("[dir]/l.cfg:3:10: error: unsupported: property Termination is a temporal property, and liveness under SYMMETRY is refused"), "{}", run.stderr);
}

#[test]
fn fairness_on_an_unknown_action_gives_151() {
    let (_dir, path) =
        spec("f.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nPROPERTY Termination\nFAIRNESS WF(TMComit)\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151);
    assert!(
        first_error(&run, &path)
            .starts_with("[dir]/f.cfg:4:13: error: unknown action `TMComit`; did you mean `TMCommit`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn fairness_applying_an_action_to_more_arguments_than_its_parameters_gives_151() {
    // RMPrepare has one parameter, rm; the condition applies it to two.
    let (_dir, path) = spec(
        "a.cfg",
        "MODEL TwoPhase\nCONSTANTS RM = {r1}\nPROPERTY Termination\nFAIRNESS \\A r : WF(\\E x : RMPrepare(r, x))\n",
    );
    let run = check(&path, &[]);
    assert_eq!(run.code, 151, "{}", run.stderr);
    assert_eq!(
        first_error(&run, &path),
        "[dir]/a.cfg:4:27: error: unsupported: fairness WF(RMPrepare): RMPrepare is applied to 2 arguments here, but \
         its steps have 1 parameter (rm)"
    );
}

#[test]
fn a_malformed_union_in_fairness_gives_150_and_an_unknown_action_in_it_151() {
    let (_dir, path) =
        spec("u.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nPROPERTY Termination\nFAIRNESS WF(TMCommit \\/)\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 150, "{}", run.stderr);
    assert_eq!(
        first_error(&run, &path),
        "[dir]/u.cfg:4:24: error: syntax error: expected an action name after `WF(TMCommit \\/`, found `)`"
    );
    let (_dir, path) =
        spec("n.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nPROPERTY Termination\nFAIRNESS WF(TMCommit \\/ TMAbrt)\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151, "{}", run.stderr);
    assert!(
        first_error(&run, &path)
            .starts_with("[dir]/n.cfg:4:25: error: unknown action `TMAbrt`; did you mean `TMAbort`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn model_fairness_takes_true_or_false() {
    let (_dir, path) = spec("m.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nMODEL_FAIRNESS\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 150, "{}", run.stderr);
    assert_eq!(
        first_error(&run, &path),
        "[dir]/m.cfg:3:15: error: syntax error: expected TRUE or FALSE after MODEL_FAIRNESS, found the end of the file"
    );
    let (_dir, path) = spec("m.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1}\nMODEL_FAIRNESS OFF\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 151, "{}", run.stderr);
    assert!(
        first_error(&run, &path).starts_with(
            "[dir]/m.cfg:3:16: error: unsupported: bivalent's MODEL_FAIRNESS takes TRUE or FALSE, not `OFF`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unexpected_liveness_violation_gives_13_with_a_lasso() {
    let (_dir, path) =
        spec("t.cfg", "MODEL TwoPhase\nCONSTANTS RM = {r1, r2}\nPROPERTY Termination\nFAIRNESS WF(TMAbort)\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 13, "{}", run.stdout);
    // The TM aborts, and without fairness on the receipts the RMs never learn it.
    assert!(
        run.stdout.contains("Counterexample to property Termination (2 states, loop back to state 2):"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_spec_that_checks_nothing_is_incomplete_unless_it_writes_expect_ok() {
    // TCommit with 2 RMs, no invariant, no property and no deadlock check:
    // the run explores every state and establishes nothing.
    let text = "MODEL TCommit\nCONSTANTS RM = {r1, r2}\nCHECK_DEADLOCK FALSE\n";
    let (dir, path) = spec("nothing.cfg", text);
    let junit = dir.path().join("junit.xml");
    let run = check(&path, &["--no-report", "--junit", junit.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    let result = run.stdout.lines().find(|l| l.starts_with("Result:")).unwrap_or_default();
    assert!(result.starts_with("Result:     INCOMPLETE: the spec checks nothing"), "{}", run.stdout);
    assert!(result.contains("write EXPECT OK"), "{result}");
    assert!(run.stdout.contains("1 spec: 0 passed, 0 failed, 1 incomplete"), "{}", run.stdout);
    // JUnit shows the spec as one skipped case, not as an empty suite.
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"tests="1" failures="0" errors="0" skipped="1""#), "{xml}");
    assert!(xml.contains(r#"<skipped message="the spec checks nothing"#), "{xml}");
    assert!(xml.contains(r#"type="nothing_checked""#), "{xml}");
    let run = check(&path, &["--no-report", "--json"]);
    assert_eq!(run.code, 3);
    let json: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(json["verdict"], "incomplete");
    assert!(json["verdict_detail"].as_str().unwrap().contains("checks nothing"), "{json}");

    // Writing EXPECT OK accepts a run that only explores.
    let (_dir, path) = spec("explore.cfg", &format!("{text}EXPECT OK\n"));
    let run = check(&path, &["--no-report"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.starts_with(&format!("{}: PASS\n", path.display())), "{}", run.stdout);
}

#[test]
fn missing_files_and_empty_directories_give_151() {
    let run = cli(&["check", "no/such/spec.cfg"]);
    assert_eq!((run.code, run.stderr.as_str()), (151, "error: no/such/spec.cfg: no such file or directory\n"));
    let dir = tempfile::tempdir().unwrap();
    let run = cli(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 151);
    assert!(run.stderr.contains("no check specs (*.cfg files) in this directory"), "{}", run.stderr);
}

#[test]
fn bad_flags_give_150() {
    let specs = root().join("specs");
    let specs = specs.to_str().unwrap();
    let run = cli(&["check", specs, "--threads", "0"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (150, "error: --threads 0 is out of range: valid values are 1 to 1024\n")
    );
    let run = cli(&["check", specs, "--strategy", "dfs", "--threads", "2"]);
    assert_eq!(run.code, 151);
    assert!(run.stderr.contains("the dfs strategy runs on one thread"), "{}", run.stderr);
    let run = cli(&["check", specs, "--strategy", "sideways"]);
    assert_eq!(run.code, 150);
    assert!(run.stderr.contains("invalid value 'sideways'"), "{}", run.stderr);
}

#[test]
fn every_numeric_flag_out_of_range_gives_150_naming_the_flag_the_value_and_the_range() {
    // Each of these once panicked (a duration too long for `Duration`) or
    // spawned as many threads as the machine allowed.
    let spec = root().join("specs/tcommit-3.cfg");
    let spec = spec.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--max-seconds", "1e19"],
            "--max-seconds 1e19 is out of range: valid values are more than 0 and at most 1000000000 (seconds)",
        ),
        (
            &["--threads", "18446744073709551615"],
            "--threads 18446744073709551615 is out of range: valid values are 1 to 1024",
        ),
        (&["--threads", "1025"], "--threads 1025 is out of range: valid values are 1 to 1024"),
        (&["--max-states", "0"], "--max-states 0 is out of range: valid values are 1 to 18446744073709551615"),
        (&["--max-depth", "0"], "--max-depth 0 is out of range: valid values are 1 to 4294967295"),
        (
            &["--max-seconds", "0"],
            "--max-seconds 0.0 is out of range: valid values are more than 0 and at most 1000000000 (seconds)",
        ),
        (
            &["--max-seconds", "NaN"],
            "--max-seconds NaN is out of range: valid values are more than 0 and at most 1000000000 (seconds)",
        ),
        (
            &["--max-seconds=-inf"],
            "--max-seconds -inf is out of range: valid values are more than 0 and at most 1000000000 (seconds)",
        ),
        (&["--max-memory", "0"], "--max-memory 0 is out of range: valid values are 1 to 8796093022208 (MiB)"),
        (
            &["--max-memory", "18446744073709551615"],
            "--max-memory 18446744073709551615 is out of range: valid values are 1 to 8796093022208 (MiB)",
        ),
        (&["--traces", "0"], "--traces 0 is out of range: valid values are 1 to 18446744073709551615"),
        (
            &["--checkpoint-minutes", "1e300"],
            "--checkpoint-minutes 1e300 is out of range: valid values are more than 0 and at most 1000000 (minutes)",
        ),
        (
            &["--checkpoint-minutes", "inf"],
            "--checkpoint-minutes inf is out of range: valid values are more than 0 and at most 1000000 (minutes)",
        ),
        // Below a second, a peer's heartbeats (every 250 ms) could seem late.
        (
            &["--processes", "2", "--peer-timeout", "0.5"],
            "--peer-timeout 0.5 is out of range: valid values are 1 to 1000000000 (seconds)",
        ),
        (
            &["--processes", "2", "--peer-timeout", "NaN"],
            "--peer-timeout NaN is out of range: valid values are 1 to 1000000000 (seconds)",
        ),
        (
            &["--processes", "2", "--connect-timeout", "0"],
            "--connect-timeout 0.0 is out of range: valid values are more than 0 and at most 1000000000 (seconds)",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["check", spec, "--quiet", "--no-report"];
        args.extend_from_slice(flags);
        let run = cli(&args);
        assert_eq!((run.code, run.stderr.as_str()), (150, format!("error: {message}\n").as_str()), "{flags:?}");
    }
    // The largest valid values run (to a verdict: each is far beyond what the spec needs).
    let largest = [
        "--max-seconds",
        "1e9",
        "--checkpoint-minutes",
        "1e6",
        "--max-memory",
        "8796093022208",
        "--max-states",
        "18446744073709551615",
        "--max-depth",
        "4294967295",
        "--seed",
        "18446744073709551615",
    ];
    let mut args = vec!["check", spec, "--quiet", "--no-report", "--threads", "2"];
    args.extend_from_slice(&largest);
    let run = cli(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A value clap cannot read as a number is refused by clap, also with 150.
    let run = cli(&["check", spec, "--max-states", "-1"]);
    assert_eq!(run.code, 150, "{}", run.stderr);
}

#[test]
fn an_unexpected_invariant_violation_gives_12_with_the_shortest_trace() {
    let (_dir, path) = spec(
        "bug.cfg",
        "MODEL TwoPhase\nCONSTANTS RM = {r1, r2, r3} Bug = \"CommitWithoutAllPrepared\"\nINVARIANT TCConsistent\n",
    );
    let run = check(&path, &[]);
    assert_eq!(run.code, 12);
    assert!(run.stdout.contains("Counterexample to invariant TCConsistent (6 states):"), "{}", run.stdout);
}

#[test]
fn an_unexpected_deadlock_gives_11() {
    let (_dir, path) = spec("d.cfg", "MODEL TCommit\nCONSTANTS RM = {r1, r2}\nINVARIANT TCConsistent\n");
    let run = check(&path, &[]);
    assert_eq!(run.code, 11);
    // The shortest deadlock: both RMs decide directly (abort, abort): 3 states.
    assert!(run.stdout.contains("Deadlock reached (3 states):"), "{}", run.stdout);
}

#[test]
fn an_expected_violation_that_is_not_found_gives_14() {
    let (_dir, path) = spec(
        "x.cfg",
        "MODEL TwoPhase\nCONSTANTS RM = {r1, r2}\nINVARIANT TCConsistent\nEXPECT VIOLATION TCConsistent\n",
    );
    assert_eq!(check(&path, &[]).code, 14);
}

#[test]
fn a_limit_gives_3_and_never_a_pass() {
    let path = root().join("specs/twophase-5.cfg");
    // (The memory limit is exercised in the engine's unit tests: no bundled
    // spec is big enough to pass the CLI's smallest limit, 1 MiB.)
    for limit in [&["--max-states", "100"][..], &["--max-depth", "4"], &["--max-seconds", "0.000001"]] {
        let run = check(&path, limit);
        assert_eq!(run.code, 3, "{limit:?}: {}", run.stdout);
        assert!(run.stdout.contains("INCOMPLETE"), "{limit:?}: {}", run.stdout);
    }
}

#[test]
fn a_model_that_panics_gives_153_with_the_state_and_trace_and_later_specs_still_run() {
    let (dir, _) = spec("a-panic.cfg", "MODEL Faulty\nCONSTANTS Fault = \"Panic\"\nINVARIANT Small\n");
    std::fs::copy(root().join("specs/twophase-3.cfg"), dir.path().join("b-twophase-3.cfg")).unwrap();
    let registry = faulty::registry();
    let run = cli_with(&registry, &["check", dir.path().to_str().unwrap(), "--quiet"]);
    assert_eq!(run.code, 153);
    insta::assert_snapshot!(run.stderr.replace(&dir.path().display().to_string(), "[dir]"), @r"
    [dir]/a-panic.cfg: model error: the model panicked: the model's next panicked at 5. The panic happened in a method of the model (init, next, an invariant, a constraint or a canonicalizer), not in the checker.
      state: 5
      trace to that state (6 states):
        1: <Initial state>
        2: 1
        3: 2
        4: 3
        5: 4
        6: 5
    ");
    assert!(run.stdout.contains("b-twophase-3.cfg"), "{}", run.stdout);
    assert!(run.stdout.contains("1 spec: 1 passed"), "{}", run.stdout);
    assert!(run.stdout.ends_with("1 spec could not be checked: see the errors above.\n"), "{}", run.stdout);
}

#[test]
fn a_nondeterministic_model_gives_153_with_the_likely_causes() {
    let (_dir, path) = spec("n.cfg", "MODEL Faulty\nCONSTANTS Fault = \"Nondeterministic\"\nINVARIANT BelowTwo\n");
    let registry = faulty::registry();
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet"]);
    assert_eq!(run.code, 153);
    assert!(run.stderr.contains("the model is not deterministic"), "{}", run.stderr);
    assert!(run.stderr.contains("HashMap"), "{}", run.stderr);
}

#[test]
fn a_symmetry_that_is_not_idempotent_gives_153() {
    let (_dir, path) = spec("s.cfg", "MODEL Faulty\nCONSTANTS Fault = \"Symmetry\"\nINVARIANT Small\nSYMMETRY Flip\n");
    let registry = faulty::registry();
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet"]);
    assert_eq!(run.code, 153);
    assert!(run.stderr.contains("the symmetry Flip is not idempotent"), "{}", run.stderr);
}

#[test]
fn a_symmetry_the_model_does_not_respect_gives_153_unless_the_audit_is_off() {
    let text = "MODEL Faulty\nCONSTANTS Fault = \"Symmetry\"\nINVARIANT BelowSeven\nSYMMETRY Mirror\n";
    let (_dir, path) = spec("m.cfg", text);
    let registry = faulty::registry();
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet"]);
    assert_eq!(run.code, 153, "{}", run.stderr);
    assert!(run.stderr.contains("the symmetry Mirror is not respected: next is not symmetric"), "{}", run.stderr);
    // It names the state where the model and its canonical form part, with the trace to it.
    assert!(run.stderr.contains("\n  state: 4\n  trace to that state (5 states):\n"), "{}", run.stderr);
    // The hole the audit closes: without it, 7 is never looked at and the run passes.
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet", "--symmetry-audit", "off"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The audit of the first 4 states (0 to 3) sees nothing wrong; the fifth shows it.
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet", "--symmetry-audit", "4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet", "--symmetry-audit", "5"]);
    assert_eq!(run.code, 153, "{}", run.stderr);
    let run = cli_with(&registry, &["check", path.to_str().unwrap(), "--quiet", "--symmetry-audit", "full"]);
    assert_eq!(run.code, 153, "{}", run.stderr);
}

#[test]
fn a_bad_symmetry_audit_value_gives_150() {
    let run = check(&root().join("specs/twophase-3.cfg"), &["--symmetry-audit", "some"]);
    assert_eq!(run.code, 150);
    assert!(
        run.stderr.contains("--symmetry-audit must be a number of states, `full` or `off`, not `some`"),
        "{}",
        run.stderr
    );
}
