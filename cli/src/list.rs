//! `bivalent list [MODEL]`: what each model declares, from its entry's
//! example instance; for one model, also its predicates, its fairness, its
//! constants with the example's values and a check spec to start from.

use std::io::Write;

use checker::{nearest, parse_spec, Example, ModelEntry, ModelInfo};

use crate::ExitCode;

pub(crate) fn list(registry: &[ModelEntry], model: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let Some(name) = model else {
        let mut code = ExitCode::Ok;
        for entry in registry {
            if let Err(c) = show(entry, false, out, err) {
                code = c;
            }
            let _ = writeln!(out);
        }
        return code;
    };
    let Some(entry) = registry.iter().find(|e| e.name == name) else {
        let valid: Vec<String> = registry.iter().map(|e| e.name.to_string()).collect();
        let mut message = format!("error: unknown model `{name}`");
        if let Some(near) = nearest(name, &valid) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        let _ = writeln!(err, "{message} (valid models: {})", valid.join(", "));
        return ExitCode::Semantic;
    };
    match show(entry, true, out, err) {
        Ok(()) => ExitCode::Ok,
        Err(code) => code,
    }
}

/// `-` for none, else the items separated by spaces.
fn line<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "-".to_string();
    }
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ")
}

/// One model: what it declares and, `in_full`, its predicates, fairness and
/// an example check spec.
fn show(entry: &ModelEntry, in_full: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), ExitCode> {
    let _ = writeln!(out, "{}: {}", entry.name, entry.summary);
    // The example spec's constants, shown as the values to start from.
    let example_constants = match entry.example {
        Example::Spec(text) => parse_spec(text).map(|spec| spec.constants.items).unwrap_or_default(),
        Example::Model(_) => Vec::new(),
    };
    let value_of = |name: &str| example_constants.iter().find(|c| c.name == name).map(|c| c.value.to_string());
    for (name, about) in entry.constants {
        match value_of(name).filter(|_| in_full) {
            Some(value) => writeln!(out, "  CONSTANT {name} = {value} (the example's): {about}"),
            None => writeln!(out, "  CONSTANT {name}: {about}"),
        }
        .ok();
    }
    let info = match entry.example_model() {
        Ok(example) => example.info(),
        Err(e) => {
            let span = e.span();
            let _ = writeln!(err, "{} example spec:{}:{}: error: {e}", entry.name, span.line, span.column);
            return Err(ExitCode::Semantic);
        }
    };
    let properties: Vec<String> = info.properties.iter().map(|(n, k)| format!("{n} ({k})")).collect();
    let _ = writeln!(out, "  actions: {}", line(&info.actions));
    let _ = writeln!(out, "  invariants: {}", line(&info.invariants));
    let _ = writeln!(out, "  step invariants: {}", line(&info.step_invariants));
    let _ = writeln!(out, "  properties: {}", line(&properties));
    if in_full {
        let _ = writeln!(out, "  predicates: {}", line(&info.predicates));
        let _ = writeln!(out, "  fairness (the model's own): {}", line(&info.fairness));
    }
    let _ = writeln!(out, "  constraints: {}", line(&info.constraints));
    let _ = writeln!(out, "  action constraints: {}", line(&info.action_constraints));
    let _ = writeln!(out, "  symmetries: {}", line(&info.symmetries));
    if in_full {
        let _ = writeln!(out, "\nA check spec to start from (save it as specs/<name>.cfg and edit):\n");
        let _ = write!(out, "{}", example_spec(entry, &info, &value_of));
    }
    Ok(())
}

/// A check spec over every invariant and property of the model, with the
/// example's constants; the items that change what is explored (constraints,
/// symmetries) and the predicates are comments to uncomment.
fn example_spec(entry: &ModelEntry, info: &ModelInfo, value_of: &dyn Fn(&str) -> Option<String>) -> String {
    let mut spec = format!("\\* {}\nMODEL {}\n", entry.summary, entry.name);
    if !entry.constants.is_empty() {
        spec.push_str("CONSTANTS\n");
        for (name, about) in entry.constants {
            match value_of(name) {
                Some(value) => spec.push_str(&format!("  {name} = {value}\n")),
                None => spec.push_str(&format!("  \\* {name} = ...  ({about})\n")),
            }
        }
    }
    let invariants: Vec<&str> = info.invariants.iter().chain(&info.step_invariants).copied().collect();
    if !invariants.is_empty() {
        spec.push_str(&format!("INVARIANTS {}\n", invariants.join(" ")));
    }
    if !info.properties.is_empty() {
        let names: Vec<&str> = info.properties.iter().map(|(name, _)| *name).collect();
        spec.push_str(&format!("PROPERTIES {}\n", names.join(" ")));
    }
    match info.predicates.as_slice() {
        [] => {}
        [p] => spec.push_str(&format!("\\* PROPERTY Often == []<>{p}\n")),
        [p, q, ..] => spec.push_str(&format!("\\* PROPERTY Progress == {p} ~> {q}\n")),
    }
    if !info.fairness.is_empty() {
        spec.push_str(&format!("\\* The model assumes FAIRNESS {}\n", info.fairness.join(" ")));
    }
    if !info.constraints.is_empty() {
        spec.push_str(&format!("\\* CONSTRAINTS {}\n", info.constraints.join(" ")));
    }
    if !info.action_constraints.is_empty() {
        spec.push_str(&format!("\\* ACTION_CONSTRAINTS {}\n", info.action_constraints.join(" ")));
    }
    if let Some(symmetry) = info.symmetries.first() {
        spec.push_str(&format!("\\* SYMMETRY {symmetry}\n"));
    }
    spec.push_str("EXPECT OK\n");
    spec
}

#[cfg(test)]
mod tests {
    use checker::spec::*;
    use checker::{check, judge, CheckConfig, Judgement};

    use super::*;

    /// A counter from 0 to `Max` that may reset; it declares one item of every kind.
    struct Counter {
        max: u8,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Hash, ActionNames)]
    #[action(crate = "checker")]
    enum Step {
        Inc,
        Reset,
    }

    impl Model for Counter {
        type State = u8;
        type Action = Step;
        fn init(&self, states: &mut Vec<u8>) {
            states.push(0);
        }
        fn next(&self, s: &u8, steps: &mut Vec<(Step, u8)>) {
            if *s < self.max {
                steps.push((Step::Inc, s + 1));
            }
            steps.push((Step::Reset, 0));
        }
        fn actions(&self) -> Option<ActionTable<Step>> {
            Some(ActionTable::derived())
        }
        fn invariants(&self) -> Vec<Invariant<Self>> {
            vec![
                Self::invariant("AtMostMax", |m, s| *s <= m.max),
                Self::step_invariant("ByOne", |_, from, _, to| *to == from + 1 || *to == 0),
            ]
        }
        fn properties(&self) -> Vec<Property<Self>> {
            vec![Self::always_eventually("Zero", |_, s| *s == 0)]
        }
        fn predicates(&self) -> Vec<Predicate<Self>> {
            vec![Self::predicate("AtZero", |_, s| *s == 0), Self::predicate("AtMax", |m, s| *s == m.max)]
        }
        fn fairness(&self) -> Vec<Fairness> {
            vec![Fairness::weak("Reset"), Fairness::strong_each("Inc")]
        }
        fn constraints(&self) -> Vec<Constraint<Self>> {
            vec![Self::constraint("Small", |_, s| *s < 100), Self::action_constraint("Any", |_, _, _, _| true)]
        }
        fn symmetries(&self) -> Vec<Symmetry<Self>> {
            vec![Symmetry::canonicalizer("None", |_, s| *s)]
        }
    }

    fn entry() -> ModelEntry {
        ModelEntry {
            name: "Counter",
            summary: "a counter that resets",
            constants: &[("Max", "the largest value, 1 to 9; required"), ("Mode", "unused; default fast")],
            build: |constants| {
                constants.expect_only(&["Max", "Mode"])?;
                Ok(Box::new(Counter { max: constants.int("Max", 1, 9)? as u8 }))
            },
            example: Example::Spec("MODEL Counter\nCONSTANTS Max = 3\n"),
        }
    }

    fn run(model: Option<&str>) -> (ExitCode, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = list(&[entry()], model, &mut out, &mut err);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    const SPEC: &str = "\\* a counter that resets
MODEL Counter
CONSTANTS
  Max = 3
  \\* Mode = ...  (unused; default fast)
INVARIANTS AtMostMax ByOne
PROPERTIES Zero
\\* PROPERTY Progress == AtZero ~> AtMax
\\* The model assumes FAIRNESS WF(Reset) \\A p : SF(Inc(p))
\\* CONSTRAINTS Small
\\* ACTION_CONSTRAINTS Any
\\* SYMMETRY None
EXPECT OK
";

    #[test]
    fn one_model_in_full_shows_every_item_the_example_constants_and_a_spec() {
        let (code, out, err) = run(Some("Counter"));
        assert_eq!((code, err.as_str()), (ExitCode::Ok, ""));
        let expected = "Counter: a counter that resets
  CONSTANT Max = 3 (the example's): the largest value, 1 to 9; required
  CONSTANT Mode: unused; default fast
  actions: Inc Reset
  invariants: AtMostMax
  step invariants: ByOne
  properties: Zero ([]<>P)
  predicates: AtZero AtMax
  fairness (the model's own): WF(Reset) \\A p : SF(Inc(p))
  constraints: Small
  action constraints: Any
  symmetries: None

A check spec to start from (save it as specs/<name>.cfg and edit):

";
        assert_eq!(out, format!("{expected}{SPEC}"));
    }

    #[test]
    fn the_example_spec_runs_as_written_and_meets_its_expectation() {
        let spec = parse_spec(SPEC).unwrap();
        let model = Counter { max: spec.constants.int("Max", 1, 9).unwrap() as u8 };
        let config = CheckConfig::builder().spec(&spec).threads(1).build();
        let outcome = check(&model, &config).unwrap();
        assert_eq!(judge(&outcome, &spec.expect, spec.expect_written), Judgement::Met);
        // 0..=3, every invariant and the property checked.
        assert_eq!(outcome.stats.distinct_states, 4);
        let checked: Vec<&str> = outcome.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(checked, ["Deadlock", "AtMostMax", "ByOne", "Zero"]);
    }

    #[test]
    fn every_model_in_short_leaves_out_predicates_fairness_and_the_spec() {
        let (code, out, _) = run(None);
        assert_eq!(code, ExitCode::Ok);
        assert!(out.starts_with("Counter: a counter that resets\n  CONSTANT Max: the largest"), "{out}");
        assert!(!out.contains("predicates") && !out.contains("MODEL"), "{out}");
    }

    #[test]
    fn an_unknown_model_names_the_valid_ones() {
        let (code, out, err) = run(Some("Countr"));
        assert_eq!((code, out.as_str()), (ExitCode::Semantic, ""));
        assert_eq!(err, "error: unknown model `Countr`; did you mean `Counter`? (valid models: Counter)\n");
    }
}
