//! Peterson's mutual exclusion algorithm as a bivalent model, in a crate of
//! its own: `cargo run -- check specs/` checks every spec in `specs/`.

mod model;

pub use model::{entry, Action, Bug, Label, Peterson, State};
