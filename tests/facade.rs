//! A crate of one's own through the `bivalent` facade alone: its registry is
//! the only one the command sees, and an entry's example comes from a check
//! spec's text.

use std::ffi::OsString;

use bivalent::spec::{ConfigError, Constants, Invariant, Model};
use bivalent::{Example, ModelEntry};

/// `N` processes, each of which may hold a token once; `AtMostTwo` fails
/// when three hold one.
struct Tokens {
    n: u32,
}

impl Tokens {
    fn from_constants(constants: &Constants) -> Result<Tokens, ConfigError> {
        constants.expect_only(&["N"])?;
        Ok(Tokens { n: constants.int("N", 1, 8)? as u32 })
    }
}

impl Model for Tokens {
    type State = u32; // a bit per process that holds a token
    type Action = u32;

    fn init(&self, states: &mut Vec<u32>) {
        states.push(0);
    }

    fn next(&self, s: &u32, steps: &mut Vec<(u32, u32)>) {
        for p in (0..self.n).filter(|p| s & (1 << p) == 0) {
            steps.push((p, s | (1 << p)));
        }
    }

    fn action_name(&self, _: &u32) -> &'static str {
        "Take"
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Take"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("AtMostTwo", |_, s: &u32| s.count_ones() <= 2)]
    }
}

fn entry(example: &'static str) -> ModelEntry {
    ModelEntry {
        name: "Tokens",
        summary: "processes that each take a token once",
        constants: &[("N", "the number of processes, 1 to 8; required")],
        build: |constants| Ok(Box::new(Tokens::from_constants(constants)?)),
        example: Example::Spec(example),
    }
}

/// `(exit code, stdout, stderr)` of the command line `args` over `registry`.
fn run(registry: &[ModelEntry], args: &[&str]) -> (i32, String, String) {
    let argv = std::iter::once("bivalent").chain(args.iter().copied()).map(OsString::from);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = bivalent::run(registry, argv, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn list_shows_a_model_built_from_its_example_spec() {
    let (code, out, err) = run(&[entry("MODEL Tokens\nCONSTANTS N = 2\n")], &["list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Tokens: processes that each take a token once\n"), "{out}");
    assert!(out.contains("  actions: Take\n  invariants: AtMostTwo\n"), "{out}");
}

#[test]
fn list_reports_an_example_spec_the_model_rejects_with_its_position() {
    let (code, out, err) = run(&[entry("MODEL Tokens\nCONSTANTS N = 9\n")], &["list"]);
    assert_eq!(code, 151, "{out}");
    assert_eq!(
        err,
        "Tokens example spec:2:11: error: bad constant: N = 9 is out of range; this model supports 1 to 8\n"
    );
    assert!(!out.contains("actions:"), "{out}");
}

#[test]
fn check_sees_only_the_registry_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.cfg");
    // A violation needs three Take steps: the counterexample has 4 states.
    std::fs::write(&tokens, "MODEL Tokens\nCONSTANTS N = 3\nINVARIANT AtMostTwo\nCHECK_DEADLOCK FALSE\n").unwrap();
    let registry = [entry("MODEL Tokens\nCONSTANTS N = 1\n")];
    let (code, out, err) = run(&registry, &["check", tokens.to_str().unwrap(), "--quiet", "--no-report", "--json"]);
    assert_eq!(code, 12, "{err}");
    let json: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(json["verdict"], "fail", "{json}");
    assert_eq!(json["checks"][0]["name"], "AtMostTwo", "{json}");
    assert_eq!(json["checks"][0]["counterexample_length"], 4, "{json}");

    let bundled = crate::root().join("specs/twophase-3.cfg");
    let (code, _, err) = run(&registry, &["check", bundled.to_str().unwrap(), "--quiet", "--no-report"]);
    assert_eq!(code, 151, "{err}");
    assert!(err.contains("unknown model `TwoPhase` (valid models: Tokens)"), "{err}");
}
