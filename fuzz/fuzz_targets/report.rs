//! Every renderer (text, JSON, HTML with its SVG charts, JUnit, GitHub, ITF,
//! DOT) on runs whose names, titles, paths, constants, labels and values come
//! from the input: a NUL-separated list of strings, taken in turn (and again
//! from the start when used up), after a first byte that picks the shape of
//! the run (verdicts, expectation, trace lengths).
//!
//! Besides a panic, these are findings: a JSON or ITF file that does not
//! parse; an input string that reaches HTML, SVG or XML unescaped (each string
//! starts with the marker `<bvfz`, which escaping turns into `&lt;bvfz`); a
//! trace file path outside `traces/`, with a character other than
//! `[A-Za-z0-9._-]`, a name over 255 bytes or a duplicate; a GitHub workflow
//! command line that does not start with `::`.
#![no_main]

use checker::spec::{Envelope, Partition, StepMessages};
use checker::{
    ActionCoverage, Check, CheckKind, Counterexample, Expect, Lasso, Named, Outcome, Span, Stats, StopReason, Trace,
    TraceAction, TraceStep, Value, Verdict,
};
use libfuzzer_sys::fuzz_target;
use reports::{SpecError, SpecRun};

/// The marker every input string starts with.
const MARKER: &str = "<bvfz";

/// The input's strings, handed out in turn.
struct Strings {
    strings: Vec<String>,
    next: usize,
}

impl Strings {
    fn new(data: &[u8]) -> Strings {
        let strings = data.split(|b| *b == 0).map(|s| format!("{MARKER}{}", String::from_utf8_lossy(s))).collect();
        Strings { strings, next: 0 }
    }

    fn take(&mut self) -> String {
        let s = self.strings[self.next % self.strings.len()].clone();
        self.next += 1;
        s
    }

    /// A value built from the next strings: each kind of value in turn, nested.
    fn value(&mut self, kind: u8) -> Value {
        match kind % 7 {
            0 => Value::str(self.take()),
            1 => Value::model_value(self.take()),
            2 => Value::Int((self.take().len() as i64).wrapping_mul(if kind % 2 == 0 { 1 } else { -(1 << 60) })),
            3 => Value::set([Value::str(self.take()), Value::model_value(self.take())]),
            4 => Value::Seq(vec![Value::str(self.take()), Value::Bool(kind % 3 == 0), Value::Int(i64::MIN)]),
            5 => Value::Record(vec![(self.take(), Value::str(self.take())), (self.take(), Value::Int(1 << 54))]),
            _ => Value::Map(vec![(Value::model_value(self.take()), Value::str(self.take()))]),
        }
    }

    fn trace(&mut self, length: usize, shape: u8) -> Trace {
        let mut steps = Vec::new();
        for i in 0..length {
            let kind = shape.wrapping_add(i as u8);
            let action = (i > 0).then(|| TraceAction { name: "Act", label: self.take() });
            let nodes = vec![self.take(), self.take()];
            let messages = if i == 0 {
                StepMessages::default()
            } else {
                StepMessages {
                    actor: Some(nodes[i % 2].clone()),
                    sent: vec![Envelope::new(nodes[0].clone(), nodes[1].clone(), self.value(kind))
                        .labelled(self.take())],
                    delivered: vec![Envelope::new(nodes[1].clone(), nodes[0].clone(), self.value(kind.wrapping_add(1)))],
                    dropped: if kind % 3 == 0 { vec![Envelope::new(self.take(), self.take(), Value::Int(3))] } else { vec![] },
                    duplicated: vec![],
                    crashed: if kind % 5 == 0 { vec![self.take()] } else { vec![] },
                    restarted: if kind % 7 == 0 { vec![self.take()] } else { vec![] },
                    partition: match kind % 11 {
                        0 => Some(Partition::Split(vec![vec![self.take(), self.take()], vec![self.take()]])),
                        1 => Some(Partition::Heal),
                        _ => None,
                    },
                }
            };
            steps.push(TraceStep {
                action,
                state: vec![("x", self.value(kind)), ("y", self.value(kind / 2)), ("z", Value::Int(i as i64))],
                parameters: if i == 0 { vec![] } else { vec![("p", self.value(kind.wrapping_add(3)))] },
                nodes,
                messages,
            });
        }
        Trace { steps }
    }
}

fn check_json(what: &str, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("{what} is not JSON ({e}): {text}");
    }
}

fn no_raw_marker(what: &str, text: &str) {
    assert!(!text.contains(MARKER), "an input string reaches {what} unescaped: {text}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else { return };
    let mut s = Strings::new(rest);
    let length = 1 + usize::from(shape % 4);
    let check_names: Vec<String> = (0..5).map(|_| s.take()).collect();
    let lasso_trace = s.trace(length + 1, shape);
    let checks = vec![
        Check { name: "Deadlock".into(), kind: CheckKind::Deadlock, verdict: Verdict::Holds },
        Check {
            name: check_names[0].clone(),
            kind: if shape & 16 == 0 { CheckKind::Invariant } else { CheckKind::StepInvariant },
            verdict: Verdict::Violated(Counterexample::Trace(s.trace(length, shape))),
        },
        Check {
            name: check_names[1].clone(),
            kind: CheckKind::Liveness,
            verdict: Verdict::Violated(Counterexample::Lasso(Lasso {
                trace: lasso_trace,
                loop_start: usize::from(shape >> 6) % (length + 1),
                notes: vec![s.take(), s.take()],
            })),
        },
        Check { name: check_names[2].clone(), kind: CheckKind::Sometimes, verdict: Verdict::Witnessed(s.trace(length, shape / 3)) },
        Check {
            name: check_names[3].clone(),
            kind: CheckKind::Sometimes,
            verdict: Verdict::Violated(Counterexample::Trace(Trace::default())),
        },
        Check { name: check_names[4].clone(), kind: CheckKind::Invariant, verdict: Verdict::Unknown(StopReason::TimeLimit) },
    ];
    let checks = if shape & 32 == 0 { checks } else { Vec::new() };
    let outcome = Outcome {
        stats: Stats {
            initial_states: 1,
            generated_states: u64::from(shape) * 1000,
            distinct_states: u64::from(shape),
            depth: u32::from(shape),
            queue_states: 0,
            collision_probability: 1e-300,
            store_bytes: 1 << 40,
            fingerprint_bits: 64,
            walks: u64::from(shape),
        },
        checks,
        coverage: vec![
            ActionCoverage { name: "Act", steps: u64::MAX, distinct_states: 0, disabled: false },
            ActionCoverage { name: "Never", steps: 0, distinct_states: 0, disabled: shape & 64 != 0 },
        ],
        stopped: (shape & 8 != 0).then_some(StopReason::StatesLimit),
    };
    let expect = match shape % 3 {
        0 => Expect::Ok,
        1 => Expect::Deadlock,
        _ => Expect::Violation(Named { name: check_names[0].clone(), span: Span { line: 3, column: 9 } }),
    };
    let (path, title, model) = (s.take(), s.take(), s.take());
    let constants: Vec<(String, String)> = (0..3).map(|i| (s.take(), s.value(shape.wrapping_add(i)).to_string())).collect();
    let locations = check_names.iter().map(|n| (n.clone(), Span { line: 4, column: 1 })).collect();
    let strategy = s.take();
    // The first check's name starts line 4, where `locations` puts every check.
    let source = format!("{}\n{}\r\n{}\n{} {}\n", s.take(), s.take(), s.take(), check_names[0], s.take());
    let run = SpecRun {
        spec: &path,
        source: &source,
        title: (shape & 4 == 0).then_some(title.as_str()),
        model: &model,
        constants,
        expect: &expect,
        expect_written: shape & 2 == 0,
        strategy: &strategy,
        threads: usize::from(shape),
        processes: 1 + usize::from(shape % 3),
        seconds: f64::from(shape) / 7.0,
        outcome: &outcome,
        locations,
    };
    let runs = vec![run.clone(), run.clone()];
    let errors = vec![SpecError { spec: s.take(), message: s.take(), exit_code: 150, not_run: shape & 1 == 0 }];

    let _ = reports::text::report(&run);
    let _ = reports::text::summary(&runs);
    check_json("the JSON line", &reports::json::render_json_line(&run));
    let page = reports::html::report(&runs, &errors);
    no_raw_marker("the HTML report", &page.index);
    let mut paths: Vec<&str> = Vec::new();
    for file in &page.files {
        let name = file.path.strip_prefix("traces/").unwrap_or_else(|| panic!("outside traces/: {}", file.path));
        assert!(!name.is_empty() && !name.starts_with('.'), "bad name: {name}");
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
            "bad character in {name}"
        );
        assert!(name.len() <= 255, "a file name of {} bytes: {name}", name.len());
        assert!(!paths.contains(&file.path.as_str()), "two files at {}", file.path);
        paths.push(&file.path);
        if file.path.ends_with(".itf.json") {
            check_json("an ITF file", &file.contents);
        }
    }
    no_raw_marker("the JUnit XML", &reports::junit::junit(&runs, &errors));
    for shown in reports::check_traces(&run) {
        check_json("ITF", &reports::itf::itf(&run, &shown));
        let _ = reports::dot::dot(&run, &shown);
        no_raw_marker("the state graph", &reports::svg::graph::graph(shown.trace, shown.ending));
        if let Some(chart) = reports::svg::msc::msc(shown.trace, shown.ending) {
            no_raw_marker("the sequence chart", &chart);
        }
    }
    let annotations = reports::github::annotations(&runs);
    for line in annotations.lines() {
        assert!(line.starts_with("::"), "a workflow command line that does not start with `::`: {line:?}");
    }
    let _ = reports::github::step_summary(&runs, Some(&s.take()));
});
