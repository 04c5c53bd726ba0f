//! What the terminal shows: by default a few lines per spec that met its
//! `EXPECT` and the counterexamples of unexpected failures; with `--verbose`
//! every trace; the summary table last.

use crate::{cli, root};

/// `specs/twophase-bug-3.cfg` with `EXPECT OK` in a directory of its own:
/// the seeded bug becomes an unexpected failure.
fn unexpected_failure() -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(root().join("specs/twophase-bug-3.cfg")).unwrap();
    assert!(text.contains("\nEXPECT VIOLATION TCConsistent\n"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unexpected.cfg");
    std::fs::write(&path, text.replace("\nEXPECT VIOLATION TCConsistent\n", "\nEXPECT OK\n")).unwrap();
    (dir, path)
}

#[test]
fn by_default_only_unexpected_counterexamples_are_printed_and_the_summary_comes_last() {
    let (_dir, unexpected) = unexpected_failure();
    let expected = root().join("specs/twophase-bug-3.cfg");
    let args = ["check", unexpected.to_str().unwrap(), expected.to_str().unwrap(), "-q", "--no-report", "-t", "2"];
    let run = cli(&args);
    assert_eq!(run.code, 12, "{}", run.stdout);
    let out = &run.stdout;
    // The same counterexample is found in both specs, and printed once: for the spec that did not expect it.
    assert_eq!(out.matches("Counterexample to invariant TCConsistent (").count(), 1, "{out}");
    let (failure, rest) = out
        .split_once(&format!("\n{}: PASS (expected violation of TCConsistent)\n", expected.display()))
        .expect("the expected violation's short block");
    assert!(failure.contains("Result:     FAIL: invariant TCConsistent is violated"), "{out}");
    assert!(failure.contains("\nCounterexample to invariant TCConsistent ("), "{out}");
    assert!(rest.contains("TCConsistent  invariant  violated ("), "{out}");
    assert!(rest.contains("), as expected\n"), "{out}");
    assert!(!out.contains("Coverage:"), "{out}");
    // The table is the last thing printed.
    let table = &out[out.find("\nSPEC ").expect("a summary table")..];
    assert_eq!(table.lines().count(), 6, "heading, rule, two rows, the count: {out}");
    assert!(out.ends_with("\n2 specs: 1 passed, 1 failed, 0 incomplete\n"), "{out}");
}

#[test]
fn verbose_prints_expected_counterexamples_witnesses_and_coverage() {
    let spec = root().join("specs/twophase-bug-3.cfg");
    let run = cli(&["check", spec.to_str().unwrap(), "-q", "--no-report", "-t", "2", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("\nCounterexample to invariant TCConsistent ("), "{}", run.stdout);
    assert!(run.stdout.contains("\nCoverage:\n"), "{}", run.stdout);
    assert!(run.stdout.ends_with("\n1 spec: 1 passed, 0 failed, 0 incomplete\n"), "{}", run.stdout);

    // A `Sometimes` witness: only with --verbose.
    let spec = root().join("specs/paxos-1x1-1.cfg");
    let brief = cli(&["check", spec.to_str().unwrap(), "-q", "--no-report", "-t", "2"]);
    let verbose = cli(&["check", spec.to_str().unwrap(), "-q", "--no-report", "-t", "2", "--verbose"]);
    assert_eq!((brief.code, verbose.code), (0, 0), "{}{}", brief.stdout, verbose.stdout);
    let witnessed = |line: &&str| line.contains(" sometimes ") && line.contains(" witnessed (");
    assert!(brief.stdout.lines().any(|line| witnessed(&line)), "{}", brief.stdout);
    assert!(!brief.stdout.contains("Witness for"), "{}", brief.stdout);
    assert!(verbose.stdout.contains("\nWitness for sometimes "), "{}", verbose.stdout);
}

#[test]
fn a_simulation_counts_its_walks_and_steps_and_not_the_searches_figures() {
    let spec = root().join("specs/twophase-3.cfg");
    for verbose in [false, true] {
        let mut args = vec!["check", spec.to_str().unwrap(), "-q", "--no-report", "--strategy", "simulate"];
        // 5 walks of 4 states each (no state of TwoPhase is a deadlock): 3 steps a walk, 15 in all.
        args.extend(["--traces", "5", "--max-depth", "4"]);
        if verbose {
            args.push("--verbose");
        }
        let run = cli(&args);
        assert_eq!(run.code, 3, "{}", run.stdout);
        let out = &run.stdout;
        assert!(
            out.contains("\nSimulation: 5 random walks, 15 steps in all; the longest walk was 4 states.\n"),
            "{out}"
        );
        for search_only in ["left on queue", "depth of the complete state graph", "bytes per distinct state"] {
            assert!(!out.contains(search_only), "{search_only}: {out}");
        }
    }
}

#[test]
fn help_says_what_bivalent_does_first_and_aligns_its_examples() {
    let run = cli(&["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("bivalent checks distributed protocols"), "{}", run.stdout);
    let examples: Vec<&str> = run
        .stdout
        .split("Examples:\n")
        .nth(1)
        .expect("an Examples section")
        .lines()
        .take_while(|line| !line.is_empty())
        .collect();
    assert!(examples.len() >= 5, "{examples:?}");
    // Where each example's explanation starts: after the command and two spaces or more.
    let columns: Vec<usize> = examples
        .iter()
        .map(|line| {
            let command = line.trim_start();
            let gap = command.find("  ").unwrap_or_else(|| panic!("no explanation: {line:?}"));
            let text = command[gap..].trim_start();
            line.len() - text.len()
        })
        .collect();
    assert!(columns.iter().all(|&c| c == columns[0]), "{examples:#?}");
}

#[test]
fn actions_the_constants_switch_off_are_disabled_by_configuration_not_never_fired() {
    // MaxCrashes = 1 with Restart = "Amnesia", and no Loss, Duplication or
    // Partitions: Drop, Duplicate, Partition and Heal cannot fire.
    let spec = root().join("specs/abd-bug-amnesia-3x1x2.cfg");
    let run = cli(&["check", spec.to_str().unwrap(), "-q", "--no-report", "-t", "2"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("\n  disabled by configuration: Drop, Duplicate, Partition, Heal\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("never fired"), "{}", run.stdout);
    let run = cli(&["check", spec.to_str().unwrap(), "-q", "--no-report", "-t", "2", "--json"]);
    let json: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let disabled: Vec<&str> = json["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["disabled"] == true)
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(disabled, ["Drop", "Duplicate", "Partition", "Heal"]);
}
