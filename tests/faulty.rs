//! Deliberately broken models, registered only for tests, to exercise the
//! model-error paths end to end through the CLI.

use std::sync::atomic::{AtomicU64, Ordering};

use checker::spec::{ConfigError, Constants, Invariant, Model, Symmetry};
use checker::DynModel;
use models::ModelEntry;

/// A counter 0..=9 whose `next` panics at 5 when `Fault = "Panic"`, depends on
/// a global call counter when `Fault = "Nondeterministic"`, and whose symmetry
/// `Flip` is not idempotent. Its symmetry `Mirror` (s and 9 - s) is
/// idempotent but not a symmetry of `next`: the search stops at 4, since 5
/// is 4's mirror, and never sees 7, which `BelowSeven` fails on.
pub struct Faulty {
    fault: &'static str,
    calls: AtomicU64,
}

impl Faulty {
    fn from_constants(constants: &Constants) -> Result<Faulty, ConfigError> {
        constants.expect_only(&["Fault"])?;
        let fault = constants.choice_or("Fault", &["Panic", "Nondeterministic", "Symmetry"], "Panic")?;
        Ok(Faulty { fault, calls: AtomicU64::new(0) })
    }
}

impl Model for Faulty {
    type State = u8;
    type Action = u8;

    fn init(&self, states: &mut Vec<u8>) {
        states.push(0);
    }

    fn next(&self, s: &u8, steps: &mut Vec<(u8, u8)>) {
        match self.fault {
            "Panic" if *s == 5 => panic!("the model's next panicked at {s}"),
            // The first call from 0 leads to 1, later ones to 2: a replay diverges.
            "Nondeterministic" if *s == 0 => {
                let to = if self.calls.fetch_add(1, Ordering::SeqCst) == 0 { 1 } else { 2 };
                steps.push((to, to));
            }
            _ if *s < 9 => steps.push((s + 1, s + 1)),
            _ => {}
        }
    }

    fn action_name(&self, _: &u8) -> &'static str {
        "Step"
    }

    fn action_names(&self) -> Vec<&'static str> {
        vec!["Step"]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant::state("BelowTwo", |_, s| *s < 2),
            Invariant::state("Small", |_, s| *s < 100),
            Invariant::state("BelowSeven", |_, s| *s < 7),
        ]
    }

    fn symmetries(&self) -> Vec<Symmetry<Self>> {
        vec![
            Symmetry::canonicalizer("Flip", |_, s: &u8| 9 - s),
            Symmetry::canonicalizer("Mirror", |_, s: &u8| (*s).min(9 - s)),
        ]
    }
}

/// The product registry plus `Faulty`.
pub fn registry() -> Vec<ModelEntry> {
    let mut entries = models::registry().to_vec();
    entries.push(ModelEntry {
        name: "Faulty",
        summary: "a deliberately broken model for tests",
        constants: &[("Fault", "Panic, Nondeterministic or Symmetry")],
        build: |c| Ok(Box::new(Faulty::from_constants(c)?) as Box<dyn DynModel>),
        example: models::Example::Model(|| Box::new(Faulty { fault: "Panic", calls: AtomicU64::new(0) })),
    });
    entries
}
