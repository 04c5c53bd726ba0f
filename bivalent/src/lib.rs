//! bivalent for a crate of one's own: the one dependency a crate that checks
//! its own protocols needs.
//!
//! - The model API: [`spec`] (the [`spec::Model`] trait, invariants,
//!   properties, fairness, constraints, symmetries, constants) and
//!   [`ModelEntry`], the registry entry a check spec's `MODEL` line names;
//!   [`collections`], inline fixed-capacity sequences, sets, bags and maps,
//!   the fast path for states that hold collections.
//! - The checker: [`check`] with a [`CheckConfig`] from
//!   [`CheckConfig::builder`] or a parsed check spec ([`parse_spec`]), and
//!   [`judge`] to compare the [`Outcome`] with the spec's `EXPECT`.
//! - The command line: [`main`] is the whole `bivalent` command (`check`,
//!   `list`, `new`; text, JSON, JUnit and HTML reports; progress; Ctrl-C and
//!   SIGTERM stop a run with partial results and exit code 3; `RUST_LOG`
//!   tracing; checkpoints) over the models given to it. The bundled
//!   `bivalent` binary is `bivalent::main(models::registry())`.
//!
//! A crate's `src/main.rs` is one line (`bivalent new NAME` writes such a
//! crate):
//!
//! ```no_run
//! # mod my_protocol { pub fn entry() -> bivalent::ModelEntry { unimplemented!() } }
//! fn main() {
//!     bivalent::main(&[my_protocol::entry()])
//! }
//! ```
//!
//! and a test runs a check spec through the library:
//!
//! ```
//! use bivalent::spec::*;
//! use bivalent::{check, judge, parse_spec, CheckConfig, Example, Judgement, ModelEntry};
//!
//! /// Two processes that each take the lock when it is free, and give it back.
//! struct Lock;
//!
//! /// Each variant is a disjunct of `Next`, named like the variant.
//! #[derive(Clone, Debug, PartialEq, Eq, Hash, ActionNames)]
//! enum Step {
//!     Acquire(u8),
//!     Release,
//! }
//!
//! impl Model for Lock {
//!     type State = Option<u8>; // the holder
//!     type Action = Step;
//!     fn init(&self, states: &mut Vec<Option<u8>>) {
//!         states.push(None);
//!     }
//!     fn next(&self, s: &Option<u8>, steps: &mut Vec<(Step, Option<u8>)>) {
//!         match s {
//!             None => steps.extend([(Step::Acquire(1), Some(1)), (Step::Acquire(2), Some(2))]),
//!             Some(_) => steps.push((Step::Release, None)),
//!         }
//!     }
//!     fn actions(&self) -> Option<ActionTable<Step>> {
//!         Some(ActionTable::derived())
//!     }
//!     fn properties(&self) -> Vec<Property<Self>> {
//!         // `Self::` gives the closure its types: `s` is an `&Option<u8>`.
//!         vec![Self::always_eventually("Freed", |_, s| s.is_none())]
//!     }
//!     fn fairness(&self) -> Vec<Fairness> {
//!         vec![Fairness::weak("Release")]
//!     }
//! }
//!
//! const SPEC: &str = "MODEL Lock\nPROPERTY Freed\nEXPECT OK\n";
//!
//! pub fn entry() -> ModelEntry {
//!     ModelEntry {
//!         name: "Lock",
//!         summary: "a lock shared by two processes",
//!         constants: &[],
//!         build: |_| Ok(Box::new(Lock)),
//!         example: Example::Spec(SPEC),
//!     }
//! }
//!
//! let spec = parse_spec(SPEC).unwrap();
//! let outcome = check(&Lock, &CheckConfig::builder().spec(&spec).threads(2).build()).unwrap();
//! assert_eq!(judge(&outcome, &spec.expect, spec.expect_written), Judgement::Met);
//! assert_eq!(outcome.stats.distinct_states, 3); // free, held by 1, held by 2
//! assert_eq!(entry().example_model().unwrap().info().actions, ["Acquire", "Release"]);
//! let coverage: Vec<(&str, u64)> = outcome.coverage.iter().map(|c| (c.name, c.steps)).collect();
//! assert_eq!(coverage, [("Acquire", 2), ("Release", 2)]); // 2 from free, 1 from each holder
//! ```
#![warn(missing_docs)]

pub use checker::*;
pub use cli::{interrupt_flag, run_in, run_with as run, ExitCode};

/// The whole `bivalent` command line over the models of `registry`: parses
/// the process's arguments, runs, prints, writes reports, and exits with
/// bivalent's exit code. Installs a `tracing` subscriber (`RUST_LOG`), a
/// Ctrl-C and SIGTERM handler (the first stops the run at the next chunk
/// of states with what it found and exit code 3, the second exits at once)
/// and a panic hook that turns a crash into exit code 255.
pub fn main(registry: &[ModelEntry]) -> ! {
    cli::main(registry)
}

/// The global allocator of every binary built on the facade (feature
/// `mimalloc`, on by default). States that hold `Vec`s, sets or maps
/// allocate for every successor and free most of them at once (already
/// seen), from every thread, and free on one thread what another allocated;
/// glibc's allocator spends most of such a run consolidating and unlinking
/// chunks under its arena locks, mimalloc's thread-local free lists do not
/// (README, "Performance" has the measurements).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
