//! Every code block of README.md and specs/README.md is executed, or says
//! explicitly which script executes it or why it is only a sketch.
//!
//! The line before a block's opening fence (blank lines aside) is its marker:
//!
//! - `<!-- doc-test: spec, exit N[, file NAME][, same as PATH] -->`: a whole
//!   check spec, saved as NAME (default `spec.cfg`) in a new directory and
//!   checked; it must exit with N, and with `same as`, equal the file PATH.
//! - `<!-- doc-test: stderr -->`: exactly what the spec block before it
//!   printed on stderr, its directory left out of the paths.
//! - `<!-- doc-test: spec-part -->`: part of a spec; it must parse (after a
//!   `MODEL TwoPhase` line and its invariants unless it has a `MODEL` line).
//! - `<!-- doc-test: spec-lines -->`: each line is such a part on its own.
//! - `<!-- doc-test: commands[, limit N] -->`: shell lines, one command each.
//!   `bivalent ...` (also `cargo run [--release] -- ...` and
//!   `./target/release/bivalent ...`) runs in this process and must exit with
//!   0: paths under specs/ and bench/ are the checkout's, files it writes go
//!   to a directory of the block's own, and no HTML report is written unless
//!   the command asks for one. With `limit N` every check stops after N
//!   states (`--max-states N`) and must exit with 3; a check of a whole
//!   directory stops after one state (each bundled spec is checked in full by
//!   `specs::every_bundled_spec_meets_its_expectation`). Any other line must
//!   be one `scripts/test` runs (`scripts/test` itself, `cargo build --release`).
//! - `<!-- doc-test: by SCRIPT: why -->`: SCRIPT, which scripts/test runs, does it.
//! - `<!-- doc-test: sketch: why -->`: not executable (bodies elided); why says
//!   where the real code is.
//! - `<!-- walkthrough: ... -->`: a step of the README's walk-through, which
//!   `scripts/walkthrough` follows verbatim; only in its section.

use std::path::Path;

use crate::{cli, root};

/// A fenced block and the marker before it.
struct Block {
    file: &'static str,
    /// The line of the opening fence, from 1.
    line: usize,
    marker: String,
    text: String,
}

const WALKTHROUGH_SECTION: &str = "## Model your own protocol";

fn blocks(file: &'static str) -> Vec<Block> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut section = "";
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("## ") {
            section = lines[i];
        }
        if !lines[i].starts_with("```") {
            i += 1;
            continue;
        }
        let close = (i + 1..lines.len())
            .find(|&j| lines[j] == "```")
            .unwrap_or_else(|| panic!("{file}:{}: a block that is never closed", i + 1));
        let before = lines[..i].iter().rev().find(|line| !line.trim().is_empty()).copied().unwrap_or_default();
        let marker = if let Some(marker) = before.strip_prefix("<!-- doc-test: ").and_then(|m| m.strip_suffix(" -->")) {
            marker.to_string()
        } else if before.starts_with("<!-- walkthrough: ") {
            assert!(
                file == "README.md" && section == WALKTHROUGH_SECTION,
                "{file}:{}: a walk-through step outside the walk-through, which scripts/walkthrough would not run",
                i + 1
            );
            "walkthrough".to_string()
        } else {
            panic!("{file}:{}: a code block without a doc-test marker (see tests/docs.rs): {before:?}", i + 1)
        };
        blocks.push(Block { file, line: i + 1, marker, text: lines[i + 1..close].join("\n") + "\n" });
        i = close + 1;
    }
    blocks
}

/// Parses a spec part, after `MODEL TwoPhase` and its invariants if it has no `MODEL` line.
fn parses(block: &Block, part: &str) {
    let text = if part.lines().any(|line| line.split_whitespace().next() == Some("MODEL")) {
        part.to_string()
    } else {
        format!("MODEL TwoPhase\nINVARIANTS TPTypeOK TCConsistent\n{part}")
    };
    if let Err(e) = checker::parse_spec(&text) {
        panic!("{}:{}: {e}\n{part}", block.file, block.line);
    }
}

/// The arguments of a shell line that runs bivalent, if it does.
fn bivalent_args(line: &str) -> Option<Vec<String>> {
    let prefixes = ["cargo run --release -- ", "cargo run -- ", "./target/release/bivalent ", "bivalent "];
    let rest = prefixes.iter().find_map(|prefix| line.strip_prefix(prefix))?;
    Some(rest.split_whitespace().map(str::to_string).collect())
}

fn commands(block: &Block, limit: Option<u64>) {
    let scratch = tempfile::tempdir().unwrap();
    let script = std::fs::read_to_string(root().join("scripts/test")).unwrap();
    for line in block.text.lines() {
        let line = line.split(" # ").next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let Some(words) = bivalent_args(line) else {
            assert!(
                (line == "scripts/test" && root().join(line).is_file())
                    || (line == "cargo build --release" && script.contains(line)),
                "{}:{}: `{line}` is neither bivalent nor a command scripts/test runs",
                block.file,
                block.line
            );
            continue;
        };
        let mut args: Vec<String> = Vec::new();
        let mut directory = false;
        for (i, word) in words.iter().enumerate() {
            let output = i > 0 && ["--checkpoint", "--resume", "--report", "--junit"].contains(&words[i - 1].as_str());
            if output {
                args.push(scratch.path().join(word).display().to_string());
            } else if word.starts_with("specs/") || word.starts_with("bench/") {
                let path = root().join(word);
                directory |= path.is_dir();
                args.push(path.display().to_string());
            } else {
                args.push(word.clone());
            }
        }
        let mut expected = 0;
        if args[0] == "check" {
            args.push("--quiet".to_string());
            if !args.iter().any(|a| a == "--report" || a == "--no-report") {
                args.push("--no-report".to_string());
            }
            if let Some(limit) = limit.or(directory.then_some(1)) {
                args.extend(["--max-states".to_string(), limit.to_string()]);
                expected = 3;
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = cli(&args);
        assert_eq!(run.code, expected, "{}:{}: `{line}`\n{}{}", block.file, block.line, run.stdout, run.stderr);
    }
}

#[test]
fn every_readme_code_block_is_executed_or_says_what_executes_it() {
    let script = std::fs::read_to_string(root().join("scripts/test")).unwrap();
    let mut last_stderr: Option<String> = None;
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for block in blocks("README.md").into_iter().chain(blocks("specs/README.md")) {
        let at = format!("{}:{}", block.file, block.line);
        let (kind, options) = block.marker.split_once([',', ':']).unwrap_or((&block.marker, ""));
        let kind = if kind.starts_with("by ") { "by" } else { kind };
        let options: Vec<&str> = options.split(',').map(str::trim).filter(|o| !o.is_empty()).collect();
        *counts
            .entry(match kind {
                "spec" | "stderr" | "spec-part" | "spec-lines" | "commands" => "executed",
                "walkthrough" => "by scripts/walkthrough",
                _ => "elsewhere",
            })
            .or_default() += 1;
        match kind {
            "spec" => {
                let mut exit = None;
                let mut name = "spec.cfg";
                for option in &options {
                    if let Some(code) = option.strip_prefix("exit ") {
                        exit = Some(code.parse::<i32>().unwrap());
                    } else if let Some(file) = option.strip_prefix("file ") {
                        name = file;
                    } else if let Some(path) = option.strip_prefix("same as ") {
                        let file = std::fs::read_to_string(root().join(path)).unwrap();
                        assert_eq!(block.text, file, "{at}: differs from {path}");
                    } else {
                        panic!("{at}: unknown option {option:?}");
                    }
                }
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join(name);
                std::fs::write(&path, &block.text).unwrap();
                let run = cli(&["check", path.to_str().unwrap(), "--quiet", "--no-report", "--threads", "2"]);
                assert_eq!(Some(run.code), exit, "{at}:\n{}{}", run.stdout, run.stderr);
                let prefix = format!("{}/", dir.path().display());
                last_stderr = Some(run.stderr.replace(&prefix, ""));
            }
            "stderr" => {
                let stderr = last_stderr.take().unwrap_or_else(|| panic!("{at}: no spec block before it"));
                assert_eq!(block.text.trim_end(), stderr.trim_end(), "{at}");
            }
            "spec-part" => parses(&block, &block.text),
            "spec-lines" => block.text.lines().filter(|l| !l.trim().is_empty()).for_each(|line| parses(&block, line)),
            "commands" => {
                let limit = options.iter().find_map(|o| o.strip_prefix("limit ")).map(|n| n.parse().unwrap());
                assert!(options.iter().all(|o| o.starts_with("limit ")), "{at}: unknown options {options:?}");
                commands(&block, limit);
            }
            "by" => {
                let (script_path, why) =
                    block.marker["by ".len()..].split_once(':').unwrap_or_else(|| panic!("{at}: by SCRIPT: why"));
                assert!(!why.trim().is_empty(), "{at}: say what the script does with the block");
                assert!(Path::new(&root().join(script_path)).is_file(), "{at}: no script {script_path}");
                assert!(script.contains(script_path), "{at}: scripts/test does not run {script_path}");
            }
            "sketch" => assert!(!options.is_empty(), "{at}: a sketch says where the real code is"),
            "walkthrough" => {}
            other => panic!("{at}: unknown doc-test kind {other:?}"),
        }
    }
    // Most blocks run here or in scripts/walkthrough; the others are few and named.
    assert!(counts["executed"] >= 15 && counts["elsewhere"] <= 12, "{counts:?}");
}
