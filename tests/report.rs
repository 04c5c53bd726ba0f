//! The report files end to end, through the CLI: the HTML report and its
//! trace files, JUnit XML, GitHub Actions outputs; ITF traces read back with
//! the `itf` crate and replayed through the model; and a scripted model whose
//! strings are hostile, which must render inert.
//!
//! Two reports are kept for the browser test (`tests/browser/`):
//! `tests/browser/out/escaping/` (the hostile model) and
//! `tests/browser/out/ring/` (seven nodes, more than forty steps).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use checker::spec::{ConfigError, Constants, Envelope, Invariant, Model, StepMessages, Value};
use checker::DynModel;
use models::{ModelEntry, TwoPhase};
use serde::Deserialize;

use crate::{cli, cli_with, root, CliRun};

/// Runs `bivalent check <spec> --quiet --threads 2 <extra>` with the product
/// registry plus [`Scripted`].
fn check(spec: &Path, extra: &[&str]) -> CliRun {
    let mut args = vec!["check", spec.to_str().expect("a UTF-8 path"), "--quiet", "--threads", "2"];
    args.extend_from_slice(extra);
    cli_with(&registry(), &args)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_check_writes_the_report_with_a_trace_file_per_counterexample_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("out");
    let run = check(&root().join("specs/twophase-bug-3.cfg"), &["--report", report.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let index = report.join("index.html");
    // The summary table comes last, after the report's path.
    let (before, summary) = run.stdout.split_once("\nSPEC ").expect("a summary table");
    assert!(before.ends_with(&format!("HTML report: {}", index.display())), "{}", run.stdout);
    assert!(summary.ends_with("\n1 spec: 1 passed, 0 failed, 0 incomplete\n"), "{}", run.stdout);
    let page = read(&index);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Counterexample to invariant TCConsistent"));
    let mut traces: Vec<String> = std::fs::read_dir(report.join("traces"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    traces.sort();
    assert_eq!(traces, ["twophase-bug-3.TCConsistent.dot", "twophase-bug-3.TCConsistent.itf.json"]);
    for trace in &traces {
        assert!(page.contains(&format!("href=\"traces/{trace}\"")), "{trace}");
    }
    // The spec's text as read, beside the verdicts: the INVARIANTS and EXPECT
    // lines name TCConsistent, and its trace links to the first of them.
    let spec = read(&root().join("specs/twophase-bug-3.cfg"));
    assert_eq!(spec.lines().nth(6), Some("INVARIANTS TPTypeOK TCConsistent"));
    assert_eq!(spec.lines().nth(7), Some("EXPECT VIOLATION TCConsistent"));
    let line = |n: usize| {
        let numbered = page.split(&format!("<span class=\"n\">{n}</span>")).nth(1).expect("a numbered line");
        numbered.split('\n').next().unwrap()
    };
    assert_eq!(
        line(1),
        "\\* Two-phase commit with a seeded bug, 3 RMs: the TM commits once any RM is prepared, breaking TCConsistent"
    );
    // TCConsistent's index among the checks, as the page marks it on line 7.
    let marked = line(7).rsplit_once("\">TCConsistent</span>").map(|(before, _)| before.rsplit('"').next().unwrap());
    let tc_consistent = marked.unwrap_or_else(|| panic!("{}", line(7)));
    assert_eq!(
        line(8),
        format!("EXPECT VIOLATION <span class=\"item\" data-check=\"{tc_consistent}\">TCConsistent</span>")
    );
    assert!(page.contains(&format!("data-check=\"{tc_consistent}\">\n<summary>")), "the trace names its check");
    assert!(page.contains("<a href=\"#spec-0-line-7\">Spec line 7</a>"));
}

#[test]
fn a_second_run_into_the_same_folder_removes_stale_trace_files() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().to_str().unwrap();
    check(&root().join("specs/twophase-bug-3.cfg"), &["--report", report]);
    assert!(dir.path().join("traces/twophase-bug-3.TCConsistent.itf.json").exists());
    let run = check(&root().join("specs/twophase-3.cfg"), &["--report", report]);
    assert_eq!(run.code, 0);
    assert_eq!(std::fs::read_dir(dir.path().join("traces")).unwrap().count(), 0);
    assert!(read(&dir.path().join("index.html")).contains("specs/twophase-3.cfg"));
}

/// The files under `dir`, as sorted relative paths with `/` separators.
fn files_under(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_report_folder_that_bivalent_did_not_write_is_refused_before_the_check() {
    // bivalent once deleted every .dot and .itf.json file in DIR/traces and
    // replaced DIR/index.html, whoever they belonged to.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("traces")).unwrap();
    std::fs::write(dir.path().join("traces/mine.dot"), "digraph mine {}").unwrap();
    std::fs::write(dir.path().join("index.html"), "<p>my page</p>").unwrap();
    let run = check(&root().join("specs/twophase-bug-3.cfg"), &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 150, "{}", run.stderr);
    assert_eq!(
        run.stderr.replace(&dir.path().display().to_string(), "[dir]"),
        "error: --report [dir]: the folder is not empty and holds no report of bivalent's (no [dir]/.bivalent-report \
         lists its files); name a new or empty folder, or remove this one\n"
    );
    assert_eq!(run.stdout, "", "the check ran");
    assert_eq!(files_under(dir.path()), ["index.html", "traces/mine.dot"]);
    assert_eq!(read(&dir.path().join("index.html")), "<p>my page</p>");
    assert_eq!(read(&dir.path().join("traces/mine.dot")), "digraph mine {}");
}

#[test]
fn a_report_deletes_only_the_files_an_earlier_report_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().to_str().unwrap();
    let run = check(&root().join("specs/twophase-bug-3.cfg"), &["--report", report]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        files_under(dir.path()),
        [
            ".bivalent-report",
            "index.html",
            "traces/twophase-bug-3.TCConsistent.dot",
            "traces/twophase-bug-3.TCConsistent.itf.json"
        ]
    );
    // The user adds files of their own, and forges the list to name files
    // that are no part of any report.
    std::fs::write(dir.path().join("traces/mine.dot"), "digraph mine {}").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("precious.dot"), "digraph precious {}").unwrap();
    let mut manifest = read(&dir.path().join(".bivalent-report"));
    manifest.push_str(&format!("notes.txt\n{}/precious.dot\ntraces/../notes.txt\n", outside.path().display()));
    std::fs::write(dir.path().join(".bivalent-report"), manifest).unwrap();
    let run = check(&root().join("specs/twophase-3.cfg"), &["--report", report]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files_under(dir.path()), [".bivalent-report", "index.html", "notes.txt", "traces/mine.dot"]);
    assert!(read(&dir.path().join("index.html")).contains("specs/twophase-3.cfg"));
    assert!(outside.path().join("precious.dot").exists());
    let manifest = read(&dir.path().join(".bivalent-report"));
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(listed, ["index.html"]);
}

#[test]
fn a_report_folder_an_earlier_version_wrote_is_taken_over_without_deleting_its_traces() {
    // Reports written before the list existed: bivalent's page and its traces.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("traces")).unwrap();
    std::fs::write(dir.path().join("traces/old.dot"), "digraph old {}").unwrap();
    let page =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<footer>Generated by bivalent. In an open trace</footer>\n";
    std::fs::write(dir.path().join("index.html"), page).unwrap();
    let run = check(&root().join("specs/twophase-3.cfg"), &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files_under(dir.path()), [".bivalent-report", "index.html", "traces/old.dot"]);
    assert!(read(&dir.path().join("index.html")).contains("specs/twophase-3.cfg"));
}

#[test]
fn the_report_goes_to_report_by_default_and_no_report_skips_it() {
    let run = check(&root().join("specs/tcommit-3.cfg"), &[]);
    assert!(run.stdout.contains("\nHTML report: report/index.html\nSPEC "), "{}", run.stdout);
    let run = check(&root().join("specs/tcommit-3.cfg"), &["--no-report"]);
    assert!(!run.stdout.contains("HTML report"), "{}", run.stdout);
    let run = cli(&["check", "specs/tcommit-3.cfg", "--report", "x", "--no-report"]);
    assert_eq!(run.code, 150, "{}", run.stderr);
}

#[test]
fn with_json_the_report_path_goes_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(&root().join("specs/tcommit-3.cfg"), &["--json", "--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stderr.starts_with("HTML report: "), "{}", run.stderr);
}

#[test]
fn a_report_that_cannot_be_written_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let run = check(&root().join("specs/tcommit-3.cfg"), &["--report", blocker.to_str().unwrap()]);
    assert_eq!(run.code, 16);
    assert!(run.stderr.starts_with("error: cannot write the HTML report to "), "{}", run.stderr);
}

/// Runs `bivalent check <spec> --quiet <extra>` as in GitHub Actions, with
/// the job summary at `summary`.
fn check_in_github(spec: &Path, summary: &Path, extra: &[&str]) -> CliRun {
    let env = |name: &str| match name {
        "GITHUB_ACTIONS" => Some("true".to_string()),
        "GITHUB_STEP_SUMMARY" => Some(summary.display().to_string()),
        _ => None,
    };
    let mut argv: Vec<OsString> = ["bivalent", "check", spec.to_str().unwrap(), "--quiet"].map(OsString::from).into();
    argv.extend(extra.iter().map(OsString::from));
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = cli::run_in(models::registry(), argv, &env, &mut stdout, &mut stderr);
    CliRun { code, stdout: String::from_utf8(stdout).unwrap(), stderr: String::from_utf8(stderr).unwrap() }
}

#[test]
fn every_output_is_written_when_another_fails_and_each_failure_is_reported() {
    // A failed HTML report once skipped the JUnit file and the job summary.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let (junit, summary) = (dir.path().join("junit.xml"), dir.path().join("summary.md"));
    let spec = root().join("specs/tcommit-3.cfg");
    let run =
        check_in_github(&spec, &summary, &["--report", blocker.to_str().unwrap(), "--junit", junit.to_str().unwrap()]);
    assert_eq!(run.code, 16, "{}", run.stderr);
    assert!(run.stderr.contains("error: cannot write the HTML report to "), "{}", run.stderr);
    // TCTypeOK and TCConsistent; CHECK_DEADLOCK FALSE.
    assert!(read(&junit).contains("<testsuites name=\"bivalent\" tests=\"2\""), "{}", read(&junit));
    assert!(read(&summary).starts_with("## bivalent: 1 spec, 1 passed"), "{}", read(&summary));

    // Every output failing: each is named.
    let nowhere = blocker.join("x");
    let run = check_in_github(
        &spec,
        &nowhere,
        &["--report", blocker.to_str().unwrap(), "--junit", nowhere.to_str().unwrap()],
    );
    assert_eq!(run.code, 16, "{}", run.stderr);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert!(errors[0].starts_with("error: cannot write the HTML report to "), "{}", run.stderr);
    assert!(errors[1].starts_with("error: cannot write the JUnit file "), "{}", run.stderr);
    assert!(errors[2].starts_with("error: cannot append the job summary to "), "{}", run.stderr);

    // A verdict's own exit code outranks the output's: the failure is still printed.
    let bug = root().join("specs/twophase-bug-3.cfg");
    let mut text = read(&bug);
    text = text.replace("EXPECT VIOLATION TCConsistent", "");
    let unexpected = dir.path().join("bug.cfg");
    std::fs::write(&unexpected, text).unwrap();
    let run = check_in_github(&unexpected, &summary, &["--report", blocker.to_str().unwrap()]);
    assert_eq!(run.code, 12, "{}", run.stderr);
    assert!(run.stderr.contains("error: cannot write the HTML report to "), "{}", run.stderr);
}

#[test]
fn long_spec_and_property_names_still_give_trace_files_the_file_system_accepts() {
    // A 200-character spec file name and a 150-character property name: their
    // trace files' names must stay within 255 bytes, or the report cannot be
    // written at all.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join(format!("{}.cfg", "s".repeat(200)));
    let property = "N".repeat(150);
    let text = format!("MODEL TwoPhase\nCONSTANTS RM = {{r1}}\nCHECK_DEADLOCK FALSE\nPROPERTY {property} == <>FALSE\n");
    std::fs::write(&spec, text).unwrap();
    let report = dir.path().join("report");
    let run = check(&spec, &["--report", report.to_str().unwrap()]);
    assert_eq!(run.code, 13, "{}", run.stderr);
    assert!(!run.stderr.contains("cannot write"), "{}", run.stderr);
    let mut names: Vec<String> = std::fs::read_dir(report.join("traces"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|name| name.len() <= 255), "{names:?}");
}

#[test]
fn junit_has_one_case_per_checked_item() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("ci/junit.xml");
    let specs = [root().join("specs/twophase-bug-3.cfg"), root().join("specs/twophase-3.cfg")];
    let args: Vec<&str> = specs.iter().map(|p| p.to_str().unwrap()).collect();
    let junit_arg = junit.to_str().unwrap();
    let mut argv = vec!["check"];
    argv.extend(&args);
    argv.extend(["--quiet", "--no-report", "--junit", junit_arg]);
    let run = cli(&argv);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let xml = read(&junit).replace(&root().display().to_string(), "[root]");
    assert!(xml.contains(r#"<testsuites name="bivalent" tests="7" failures="0" errors="0" skipped="2""#), "{xml}");
    assert!(xml.contains("<system-out>expected violation found (6 states)</system-out>"), "{xml}");
    assert!(
        xml.contains(r#"<testcase name="step invariant TCSpec" classname="[root]/specs/twophase-3.cfg"/>"#),
        "{xml}"
    );
}

#[test]
fn github_actions_get_an_annotation_at_the_invariant_and_a_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bug.cfg");
    std::fs::write(
        &spec,
        "MODEL TwoPhase\nCONSTANTS RM = {r1, r2} Bug = \"CommitWithoutAllPrepared\"\nINVARIANTS TPTypeOK\n    TCConsistent\n",
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# earlier steps\n").unwrap();
    let env = |name: &str| match name {
        "GITHUB_ACTIONS" => Some("true".to_string()),
        "GITHUB_STEP_SUMMARY" => Some(summary.display().to_string()),
        _ => None,
    };
    let argv = ["bivalent", "check", spec.to_str().unwrap(), "--quiet", "--no-report"].map(OsString::from);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = cli::run_in(models::registry(), argv, &env, &mut stdout, &mut stderr);
    assert_eq!(code, 12);
    let stdout = String::from_utf8(stdout).unwrap().replace(&dir.path().display().to_string(), "[dir]");
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    insta::assert_snapshot!(annotations.join("\n"), @"::error file=[dir]/bug.cfg,line=4,col=5,title=bivalent%3A invariant TCConsistent is violated::invariant TCConsistent is violated after 6 states: Init -> RMPrepare(r2) -> TMRcvPrepared(r2) -> TMCommit -> RMRcvCommitMsg(r2) -> RMChooseToAbort(r1)");
    let summary = read(&summary);
    assert!(
        summary.starts_with("# earlier steps\n## bivalent: 1 spec, 0 passed, 1 failed, 0 incomplete\n"),
        "{summary}"
    );
    assert!(summary.contains("### ❌ "), "{summary}");
    // Outside GitHub Actions, neither.
    let run = check(&spec, &["--no-report"]);
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
}

/// `TwoPhase`'s variables as the `itf` crate decodes them.
#[derive(Debug, PartialEq, Eq, Deserialize)]
struct TwoPhaseVars {
    #[serde(rename = "rmState")]
    rm_state: BTreeMap<String, String>,
    #[serde(rename = "tmState")]
    tm_state: String,
    #[serde(rename = "tmPrepared")]
    tm_prepared: BTreeSet<String>,
    msgs: BTreeSet<Message>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    rm: Option<String>,
}

/// A state of the model as ITF, decoded like the file's states.
fn decoded<M: Model>(model: &M, state: &M::State) -> TwoPhaseVars {
    let vars: serde_json::Map<String, serde_json::Value> = model
        .variables(state)
        .iter()
        .map(|(name, value)| (name.to_string(), serde_json::to_value(reports::itf::Itf(value)).unwrap()))
        .collect();
    itf::from_value(serde_json::Value::Object(vars)).unwrap()
}

/// Replays an ITF trace through `model`: from the initial state the file
/// starts with, each step is the successor whose action has the recorded
/// label and whose variables are the recorded ones. Returns the states.
fn replay<M: Model>(model: &M, trace: &itf::Trace<TwoPhaseVars>) -> Vec<M::State> {
    let mut inits = Vec::new();
    model.init(&mut inits);
    let first = inits.into_iter().find(|s| decoded(model, s) == trace.states[0].value).expect("an initial state");
    let mut path = vec![first];
    for state in &trace.states[1..] {
        let label = state.meta.other.get("label").expect("every step names its action");
        let mut steps = Vec::new();
        model.next(path.last().unwrap(), &mut steps);
        let next = steps
            .into_iter()
            .find(|(a, s)| &model.format_action(a) == label && decoded(model, s) == state.value)
            .unwrap_or_else(|| panic!("no {label} step to the recorded state {:?}", state.value));
        path.push(next.1);
    }
    path
}

#[test]
fn itf_traces_read_back_with_the_itf_crate_replay_to_the_violation() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(&root().join("specs/twophase-bug-3.cfg"), &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0);
    let text = read(&dir.path().join("traces/twophase-bug-3.TCConsistent.itf.json"));
    let trace: itf::Trace<TwoPhaseVars> = itf::trace_from_str(&text).unwrap();
    assert_eq!(trace.vars, ["rmState", "tmState", "tmPrepared", "msgs"]);
    assert_eq!(trace.meta.other.get("check").map(String::as_str), Some("TCConsistent"));
    let first = &trace.states[1].meta.other;
    let rm = first["label"].strip_prefix("RMPrepare(").and_then(|r| r.strip_suffix(')')).expect("an RM prepares first");
    assert_eq!(first["parameters"], format!("[rm |-> {rm}]"));
    let rm = ["r1", "r2", "r3"].map(String::from).to_vec();
    let model = TwoPhase::new(rm, models::two_phase_commit::Bug::CommitWithoutAllPrepared);
    let path = replay(&model, &trace);
    assert_eq!(path.len(), 6);
    assert!(path[..5].iter().all(|s| model.tc_consistent(*s)));
    assert!(!model.tc_consistent(path[5]), "the replayed trace ends in the violation");
}

#[test]
fn an_itf_lasso_replays_and_loops_back() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(&root().join("specs/twophase-tmcrash-3.cfg"), &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&dir.path().join("traces/twophase-tmcrash-3.Termination.itf.json"));
    let trace: itf::Trace<TwoPhaseVars> = itf::trace_from_str(&text).unwrap();
    let loop_start = trace.loop_index.expect("a lasso has a loop") as usize;
    let rm = ["r1", "r2", "r3"].map(String::from).to_vec();
    let model = TwoPhase::new(rm, models::two_phase_commit::Bug::None).with_tm_may_fail(true);
    let path = replay(&model, &trace);
    // The cycle never decides every RM, and it closes: the last state steps
    // back to the loop's first, or stutters there for ever.
    assert!(path[loop_start..].iter().all(|s| !model.all_decided(*s)));
    let last = *path.last().unwrap();
    let mut steps = Vec::new();
    model.next(&last, &mut steps);
    assert!(last == path[loop_start] || steps.iter().any(|(_, s)| *s == path[loop_start]));
}

#[test]
fn two_phase_commit_tells_the_sequence_chart_who_sends_what() {
    let dir = tempfile::tempdir().unwrap();
    check(&root().join("specs/twophase-bug-3.cfg"), &["--report", dir.path().to_str().unwrap()]);
    let page = read(&dir.path().join("index.html"));
    assert!(page.contains(" sends <code>Prepared</code> to TM</div>"), "{page}");
    assert!(page.contains("TM receives <code>Prepared</code> from r"));
    assert!(page.contains("TM sends <code>Commit</code> to r1, r2, r3"));
    assert!(page.contains(" receives <code>Commit</code> from TM</div>"));
    // Commit to r2 and r3 is never delivered.
    assert_eq!(page.matches(r#"<g class="msg pending">"#).count(), 2);
}

// A scripted model: it plays a fixed list of steps between named nodes, so
// that a report can show every kind of arrow and every hostile string.

/// One step of a script.
struct Step {
    name: &'static str,
    label: String,
    messages: StepMessages,
}

/// Plays `steps` in order; `BeforeTheEnd` fails once they are all played.
struct Scripted {
    nodes: Vec<String>,
    steps: Vec<Step>,
    /// A string every state shows.
    note: String,
}

impl Scripted {
    fn from_constants(constants: &Constants) -> Result<Scripted, ConfigError> {
        constants.expect_only(&["Script"])?;
        Ok(match constants.choice_or("Script", &["Ring", "Hostile"], "Ring")? {
            "Hostile" => hostile(),
            _ => ring(),
        })
    }

    /// The nodes alive, the messages in flight (with how many copies), and
    /// the last message delivered, after `k` steps.
    fn replay(&self, k: usize) -> (BTreeSet<String>, BTreeMap<Value, i64>, Value) {
        let mut alive: BTreeSet<String> = self.nodes.iter().cloned().collect();
        let mut network: BTreeMap<Value, i64> = BTreeMap::new();
        let mut last = Value::str("");
        let key = |e: &Envelope| {
            Value::record([("from", Value::str(&e.from)), ("to", Value::str(&e.to)), ("msg", e.message.clone())])
        };
        for step in &self.steps[..k] {
            let m = &step.messages;
            for e in m.sent.iter().chain(&m.duplicated) {
                *network.entry(key(e)).or_default() += 1;
            }
            for e in m.delivered.iter().chain(&m.dropped) {
                if let Some(count) = network.get_mut(&key(e)) {
                    *count -= 1;
                }
                network.retain(|_, count| *count > 0);
            }
            if let Some(e) = m.delivered.last() {
                last = e.message.clone();
            }
            for node in &m.crashed {
                alive.remove(node);
            }
            for node in &m.restarted {
                alive.insert(node.clone());
            }
        }
        (alive, network, last)
    }
}

impl Model for Scripted {
    type State = usize;
    type Action = usize;

    fn init(&self, states: &mut Vec<usize>) {
        states.push(0);
    }

    fn next(&self, k: &usize, steps: &mut Vec<(usize, usize)>) {
        if *k < self.steps.len() {
            steps.push((*k, k + 1));
        }
    }

    fn action_name(&self, k: &usize) -> &'static str {
        self.steps[*k].name
    }

    fn action_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for step in &self.steps {
            if !names.contains(&step.name) {
                names.push(step.name);
            }
        }
        names
    }

    fn format_action(&self, k: &usize) -> String {
        self.steps[*k].label.clone()
    }

    fn action_parameters(&self, k: &usize) -> Vec<(&'static str, Value)> {
        vec![("step", Value::Int(*k as i64))]
    }

    fn variables(&self, k: &usize) -> Vec<(&'static str, Value)> {
        let (alive, network, last) = self.replay(*k);
        vec![
            ("step", Value::Int(*k as i64)),
            ("alive", Value::set(alive.into_iter().map(Value::str))),
            ("network", Value::map(network.into_iter().map(|(m, n)| (m, Value::Int(n))))),
            ("lastDelivered", last),
            ("note", Value::str(&self.note)),
        ]
    }

    fn nodes(&self, _: &usize) -> Vec<String> {
        self.nodes.clone()
    }

    fn step_messages(&self, from: &usize, _: &usize, _: &usize) -> StepMessages {
        self.steps[*from].messages.clone()
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("BeforeTheEnd", |m, k| *k < m.steps.len())]
    }
}

fn envelope(from: &str, to: &str, kind: &str, n: i64) -> Envelope {
    let message = Value::record([("type", Value::str(kind)), ("n", Value::Int(n))]);
    Envelope::new(from, to, message).labelled(format!("{kind}({n})"))
}

/// Seven nodes: `n1` calls an election, five nodes answer (one answer is
/// lost, one duplicated and delivered twice), `n5` crashes before it hears of
/// it, then a token goes round the survivors 30 times: 44 steps.
fn ring() -> Scripted {
    let nodes: Vec<String> = (1..=7).map(|n| format!("n{n}")).collect();
    let mut steps = Vec::new();
    let others: Vec<&String> = nodes[1..].iter().collect();
    steps.push(Step {
        name: "Elect",
        label: "Elect(n1)".into(),
        messages: StepMessages {
            sent: others.iter().map(|n| envelope("n1", n, "Elect", 1)).collect(),
            ..StepMessages::by("n1")
        },
    });
    for n in ["n2", "n3", "n4", "n5", "n6", "n7"] {
        if n == "n5" {
            let crash = StepMessages { crashed: vec!["n5".into()], ..StepMessages::by("n5") };
            steps.push(Step { name: "Crash", label: "Crash(n5)".into(), messages: crash });
            continue;
        }
        let messages = StepMessages {
            delivered: vec![envelope("n1", n, "Elect", 1)],
            sent: vec![envelope(n, "n1", "Ack", 1)],
            ..StepMessages::by(n)
        };
        steps.push(Step { name: "Answer", label: format!("Answer({n})"), messages });
    }
    let network = |messages: StepMessages| Step { name: "Network", label: String::new(), messages };
    let mut lose = network(StepMessages { dropped: vec![envelope("n3", "n1", "Ack", 1)], ..StepMessages::default() });
    lose.label = "Lose(n3, n1)".into();
    steps.push(lose);
    let mut duplicate =
        network(StepMessages { duplicated: vec![envelope("n4", "n1", "Ack", 1)], ..StepMessages::default() });
    duplicate.label = "Duplicate(n4, n1)".into();
    steps.push(duplicate);
    for from in ["n2", "n4", "n4", "n6", "n7"] {
        let messages = StepMessages { delivered: vec![envelope(from, "n1", "Ack", 1)], ..StepMessages::by("n1") };
        steps.push(Step { name: "Count", label: format!("Count(n1, {from})"), messages });
    }
    let ring = ["n1", "n2", "n3", "n4", "n6", "n7"];
    for hop in 1..=30 {
        let (from, to) = (ring[(hop - 1) % ring.len()], ring[hop % ring.len()]);
        let mut messages =
            StepMessages { sent: vec![envelope(from, to, "Token", hop as i64)], ..StepMessages::by(from) };
        if hop > 1 {
            let before = ring[(hop - 2) % ring.len()];
            messages.delivered.push(envelope(before, from, "Token", hop as i64 - 1));
        }
        steps.push(Step { name: "Pass", label: format!("Pass({from}, {to})"), messages });
    }
    Scripted { nodes, steps, note: "a ring of seven".into() }
}

/// The strings an HTML report must never let through.
const HOSTILE: &str = r#"</script><svg onload=alert(1)> & "q" 'a'"#;

/// Nodes, actions, messages and variables full of markup.
fn hostile() -> Scripted {
    let nodes: Vec<String> = ["<b>n&1</b>", "\"n2\"", "</script><svg onload=alert(1)>"].map(String::from).to_vec();
    let (a, b, c) = (nodes[0].as_str(), nodes[1].as_str(), nodes[2].as_str());
    let hostile = |from: &str, to: &str| Envelope::new(from, to, Value::str(HOSTILE)).labelled(HOSTILE);
    let steps = vec![
        Step {
            name: "Send",
            label: format!("Send({a}, {HOSTILE})"),
            messages: StepMessages { sent: vec![hostile(a, b), hostile(a, c)], ..StepMessages::by(a) },
        },
        Step {
            name: "Receive",
            label: format!("Receive({b})"),
            messages: StepMessages { delivered: vec![hostile(a, b)], ..StepMessages::by(b) },
        },
        Step {
            name: "Crash",
            label: format!("Crash({c})"),
            messages: StepMessages { crashed: vec![c.to_string()], ..StepMessages::by(c) },
        },
    ];
    Scripted { nodes, steps, note: HOSTILE.to_string() }
}

/// The product registry plus `Scripted`.
fn registry() -> Vec<ModelEntry> {
    let mut entries = models::registry().to_vec();
    entries.push(ModelEntry {
        name: "Scripted",
        summary: "plays a fixed script of steps between nodes, for report tests",
        constants: &[("Script", "Ring (default) or Hostile")],
        build: |c| Ok(Box::new(Scripted::from_constants(c)?) as Box<dyn DynModel>),
        example: models::Example::Model(|| Box::new(ring())),
    });
    entries
}

/// Writes `spec` (a check spec's text) to a temporary file and checks it
/// with the report going to `tests/browser/out/<name>`, where the browser test reads it.
fn scripted_report(name: &str, spec: &str) -> (CliRun, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("scripted-{name}.cfg"));
    std::fs::write(&path, spec).unwrap();
    let out = root().join("tests/browser/out").join(name);
    let run = check(&path, &["--report", out.to_str().unwrap()]);
    (run, out)
}

#[test]
fn a_model_with_hostile_strings_renders_inert() {
    let spec = format!(
        "\\* {HOSTILE}\nMODEL Scripted\nCONSTANTS Script = \"Hostile\"\nINVARIANT BeforeTheEnd\nCHECK_DEADLOCK FALSE\n"
    );
    let (run, out) = scripted_report("escaping", &spec);
    assert_eq!(run.code, 12, "{}", run.stderr);
    let page = read(&out.join("index.html"));
    assert_eq!(page.matches("<script").count(), 1, "only the report's own script");
    assert_eq!(page.matches("</script>").count(), 1);
    assert!(!page.contains("<svg onload"));
    assert!(!page.contains("<b>n&"));
    assert!(page.contains("&lt;/script&gt;&lt;svg onload=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;"));
    // The spec's text, hostile comment and all, is shown as text.
    assert!(page.contains(
        "<span class=\"n\">1</span>\\* &lt;/script&gt;&lt;svg onload=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;\n</span>"
    ));
    assert_eq!(page.matches("<svg ").count(), 2, "the sequence chart and the state graph");
    let itf = read(&out.join("traces/scripted-escaping.BeforeTheEnd.itf.json"));
    // As ITF values (the `itf` crate decodes functions with record keys only
    // into typed states, so this reads the values as they are written).
    let trace: itf::Trace<itf::Value> = serde_json::from_str(&itf).unwrap();
    assert_eq!(trace.states.len(), 4);
    assert_eq!(trace.states[1].meta.other.get("label").unwrap(), &format!("Send(<b>n&1</b>, {HOSTILE})"));
    let dot = read(&out.join("traces/scripted-escaping.BeforeTheEnd.dot"));
    assert!(dot.contains(r#"label="Send(<b>n&1</b>, </script><svg onload=alert(1)> & \"q\" 'a')""#), "{dot}");
}

#[test]
fn seven_nodes_and_forty_four_steps_make_one_report() {
    let spec = "\\* A ring of seven nodes: election, a crash, a lost and a duplicated answer, a token\n\
                MODEL Scripted\nINVARIANT BeforeTheEnd\nCHECK_DEADLOCK FALSE\n";
    let (run, out) = scripted_report("ring", spec);
    assert_eq!(run.code, 12, "{}", run.stderr);
    assert!(run.stdout.contains("Counterexample to invariant BeforeTheEnd (45 states):"), "{}", run.stdout);
    let page = read(&out.join("index.html"));
    assert_eq!(page.matches("<tr class=\"step").count(), 45);
    for class in ["msg drop", "msg dup", "msg pending", "crash", "dupmark"] {
        assert!(page.contains(&format!("<g class=\"{class}\">")), "{class}");
    }
    // The whole report, charts, messages in full and long values' changes
    // included, stays small (143 KB before the messages in full and the
    // changes of long values; 170 KB with them).
    assert!(page.len() < 200_000, "{} bytes", page.len());
}

/// A label of a sequence chart, and the chart's size.
struct ChartLabel {
    chart: usize,
    text: String,
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
    width: i32,
    height: i32,
    /// The arrow whose group holds the label (its own arrow), if any.
    arrow: Option<usize>,
}

/// A straight piece of an arrow of a sequence chart: the line of a message,
/// its arrowhead, the cross of a lost message, a message's loop to its own
/// sender (as a polyline), or the bracket of a lasso's loop.
struct ChartArrow {
    chart: usize,
    /// The arrow's index among the chart's message groups; `None` for the
    /// loop bracket.
    arrow: Option<usize>,
    from: (f64, f64),
    to: (f64, f64),
}

/// The value of attribute `name` in `tag`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[start..][..tag[start..].find('"')?].to_string())
}

/// The pieces of an SVG path of the charts' commands (`M`, `L`, `H`, `V`,
/// `C`, `Z`, and `l`, `m`), cubics cut into 16 chords.
fn path_pieces(d: &str) -> Vec<((f64, f64), (f64, f64))> {
    let mut tokens: Vec<String> = Vec::new();
    for c in d.chars() {
        if c.is_ascii_alphabetic() {
            tokens.push(c.to_string());
            tokens.push(String::new());
        } else if c == ' ' || c == ',' {
            tokens.push(String::new());
        } else if c == '-' && !tokens.last().is_some_and(|t| t.is_empty()) {
            tokens.push(c.to_string());
        } else {
            tokens.last_mut().expect("a path starts with a command").push(c);
        }
    }
    let tokens: Vec<String> = tokens.into_iter().filter(|t| !t.is_empty()).collect();
    let mut pieces = Vec::new();
    let (mut at, mut start) = ((0.0, 0.0), (0.0, 0.0));
    let mut i = 0;
    let number = |i: usize| -> f64 { tokens[i].parse().unwrap_or_else(|_| panic!("a number in {d}")) };
    while i < tokens.len() {
        let command = tokens[i].clone();
        i += 1;
        let next = match command.as_str() {
            "M" | "L" => (number(i), number(i + 1)),
            "m" | "l" => (at.0 + number(i), at.1 + number(i + 1)),
            "H" => (number(i), at.1),
            "V" => (at.0, number(i)),
            "C" => (number(i + 4), number(i + 5)),
            "Z" => start,
            other => panic!("the charts draw no {other} in a path: {d}"),
        };
        match command.as_str() {
            "M" | "m" => start = next,
            "C" => {
                let (c1, c2) = ((number(i), number(i + 1)), (number(i + 2), number(i + 3)));
                let point = |t: f64| {
                    let u = 1.0 - t;
                    let mix = |a: f64, b: f64, c: f64, e: f64| {
                        u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * e
                    };
                    (mix(at.0, c1.0, c2.0, next.0), mix(at.1, c1.1, c2.1, next.1))
                };
                for k in 0..16 {
                    pieces.push((point(f64::from(k) / 16.0), point(f64::from(k + 1) / 16.0)));
                }
            }
            _ => pieces.push((at, next)),
        }
        i += match command.as_str() {
            "M" | "L" | "m" | "l" => 2,
            "H" | "V" => 1,
            "C" => 6,
            _ => 0,
        };
        at = next;
    }
    pieces
}

/// The labels of each sequence chart in `page` (messages, notes of crashes,
/// restarts, duplications, partitions and heals), boxed from the SVG's own
/// coordinates: 7 px a character (the charts' monospace font, 11 px), from
/// the font's ascent above the baseline to its descent below; and the
/// pieces of every arrow.
fn chart_layout(page: &str) -> (Vec<ChartLabel>, Vec<ChartArrow>) {
    let mut labels = Vec::new();
    let mut arrows = Vec::new();
    for (c, chart) in page.split("<svg ").skip(1).enumerate() {
        let chart = &chart[..chart.find("</svg>").unwrap()];
        let head = chart.split('>').next().unwrap();
        if attribute(head, "class").as_deref() != Some("msc") {
            continue;
        }
        let width: i32 = attribute(head, "width").unwrap().parse().unwrap();
        let height: i32 = attribute(head, "height").unwrap().parse().unwrap();
        // Each group is flat: from its opening tag to the next `</g>`.
        let mut groups: Vec<(usize, usize, Option<usize>)> = Vec::new();
        let mut messages = 0;
        for (at, _) in chart.match_indices("<g class=\"") {
            let tag = &chart[at..][..chart[at..].find('>').unwrap()];
            let class = attribute(tag, "class").unwrap();
            let arrow = match class.as_str() {
                "loop" => None,
                _ if class.split(' ').next() == Some("msg") => {
                    messages += 1;
                    Some(messages - 1)
                }
                _ => continue,
            };
            let end = at + chart[at..].find("</g>").unwrap();
            groups.push((at, end, arrow));
            let group = &chart[at..end];
            for (start, _) in group.match_indices("<line ").chain(group.match_indices("<path ")) {
                let tag = &group[start..][..group[start..].find('>').unwrap()];
                let pieces = if tag.starts_with("<line ") {
                    let get = |name: &str| -> f64 { attribute(tag, name).unwrap().parse().unwrap() };
                    vec![((get("x1"), get("y1")), (get("x2"), get("y2")))]
                } else {
                    path_pieces(&attribute(tag, "d").unwrap())
                };
                arrows.extend(pieces.into_iter().map(|(from, to)| ChartArrow { chart: c, arrow, from, to }));
            }
        }
        for (at, _) in chart.match_indices("<text ") {
            let piece = &chart[at + "<text".len()..];
            let (tag, rest) = piece.split_once('>').unwrap();
            let class = attribute(tag, "class").unwrap();
            if !["ml", "cl", "dl", "rl", "pl"].contains(&class.as_str()) {
                continue;
            }
            let text = rest[..rest.find("</text>").unwrap()]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            let (x, y): (i32, i32) =
                (attribute(tag, "x").unwrap().parse().unwrap(), attribute(tag, "y").unwrap().parse().unwrap());
            let length = text.chars().count() as i32 * 7;
            let anchor = attribute(tag, "text-anchor").unwrap_or(if class == "ml" { "middle" } else { "start" }.into());
            let left = match anchor.as_str() {
                "middle" => x - length / 2,
                "end" => x - length,
                _ => x,
            };
            let arrow = groups.iter().find(|(start, end, _)| (*start..*end).contains(&at)).and_then(|g| g.2);
            labels.push(ChartLabel {
                chart: c,
                text,
                left,
                top: y - 11,
                right: left + length,
                bottom: y + 3,
                width,
                height,
                arrow,
            });
        }
    }
    (labels, arrows)
}

/// Whether `arrow` runs through the inside of `label`'s box: some point of
/// it, taken every half pixel, lies more than half a pixel inside.
fn runs_through(arrow: &ChartArrow, label: &ChartLabel) -> bool {
    let ((x1, y1), (x2, y2)) = (arrow.from, arrow.to);
    let steps = ((x2 - x1).hypot(y2 - y1) * 2.0).ceil().max(1.0) as usize;
    (0..=steps).any(|k| {
        let t = k as f64 / steps as f64;
        let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        x > f64::from(label.left) + 0.5
            && x < f64::from(label.right) - 0.5
            && y > f64::from(label.top) + 0.5
            && y < f64::from(label.bottom) - 0.5
    })
}

/// What is wrong with the layout of the sequence charts in `page`: a label
/// cut at a chart's edge, overlapping another label, or crossed by an arrow
/// other than its own.
fn layout_problems(page: &str) -> Vec<String> {
    let (labels, arrows) = chart_layout(page);
    let mut problems = Vec::new();
    for (i, a) in labels.iter().enumerate() {
        if a.left < 0 || a.top < 0 || a.right > a.width || a.bottom > a.height {
            problems.push(format!("{} is cut at the chart's edge", a.text));
        }
        for b in &labels[i + 1..] {
            let x = a.right.min(b.right) - a.left.max(b.left);
            let y = a.bottom.min(b.bottom) - a.top.max(b.top);
            if a.chart == b.chart && x > 1 && y > 1 {
                problems.push(format!("{} overlaps {}", a.text, b.text));
            }
        }
        let crossing = arrows.iter().filter(|r| r.chart == a.chart && (r.arrow.is_none() || r.arrow != a.arrow));
        let crossed: BTreeSet<Option<usize>> = crossing.filter(|r| runs_through(r, a)).map(|r| r.arrow).collect();
        for arrow in crossed {
            match arrow {
                Some(k) => problems.push(format!("{} is crossed by arrow {k} of chart {}", a.text, a.chart)),
                None => problems.push(format!("{} is crossed by the loop of chart {}", a.text, a.chart)),
            }
        }
    }
    problems
}

#[test]
fn the_bundled_sequence_charts_keep_their_labels_apart_off_the_arrows_and_inside() {
    let dir = tempfile::tempdir().unwrap();
    let specs = [
        "raft-election-liveness-split-vote-2.cfg",
        "abd-bug-skip-write-back-3x2x2.cfg",
        "dynamo-partition-2x2x1.cfg",
        "threephase-partition-2.cfg",
    ];
    let mut args = vec!["check".to_string()];
    args.extend(specs.iter().map(|s| root().join("specs").join(s).display().to_string()));
    args.extend(["--quiet", "--threads", "2", "--report"].map(String::from));
    args.push(dir.path().display().to_string());
    let run = cli(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&dir.path().join("index.html"));
    let (labels, arrows) = chart_layout(&page);
    let charts: BTreeSet<usize> = labels.iter().map(|l| l.chart).collect();
    assert_eq!(charts.len(), 4, "a sequence chart with labels per spec");
    assert!(arrows.iter().any(|a| a.arrow.is_none()), "the split vote is a lasso, with its loop bracket");
    assert_eq!(layout_problems(&page), Vec::<String>::new());
    // Dynamo's and three-phase commit's counterexamples partition the
    // network: each side is a band, labelled where the partition starts.
    assert_eq!(page.matches("<g class=\"part\" ").count(), 2);
    assert!(page.contains(">partition {r1, c2} | {r2, c1}</text>"), "Dynamo's sides");
    assert!(page.contains(">partition {TM, r2} | {r1}</text>"), "ThreePhase's sides");
}

#[test]
fn the_layout_check_sees_a_label_on_another_arrow() {
    // Two arrows crossing: a label centred on one lies on the other.
    let page = r#"<svg xmlns="http://www.w3.org/2000/svg" class="msc" width="200" height="100">
<g class="msg"><title>a</title><line x1="0" y1="0" x2="100" y2="100"/><text class="ml" x="50" y="54">A</text></g>
<g class="msg"><title>b</title><line x1="100" y1="0" x2="0" y2="100"/></g>
<g class="loop"><path d="M150 90H160V10H158"/></g></svg>"#;
    assert_eq!(layout_problems(page), vec!["A is crossed by arrow 1 of chart 0".to_string()]);
    let (_, arrows) = chart_layout(page);
    assert_eq!(arrows.len(), 5, "two lines and the bracket's three pieces");
    let moved = page.replace(r#"x="50" y="54">A"#, r#"x="60" y="20">A"#);
    assert_eq!(layout_problems(&moved), Vec::<String>::new());
}

#[test]
fn a_linearizability_counterexample_gets_a_history_lane_that_says_why() {
    // R = W = 1 of 3 replicas: a read misses a completed write (the spec's title).
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("specs/abd-bug-quorum-3x2x1.cfg");
    let run = check(&spec, &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&dir.path().join("index.html"));
    assert_eq!(page.matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"history\"").count(), 1);
    let why = page.split("<p class=\"why\">").nth(1).expect("a sentence saying why").split("</p>").next().unwrap();
    assert!(why.contains(" Read(k0) returned 0 after ") && why.contains(" Write(k0, "), "{why}");
    assert!(why.ends_with("so no linearization can order the read after the write."), "{why}");
    assert_eq!(page.matches("<g class=\"op bad\">").count(), 2, "the read and the write");
}
