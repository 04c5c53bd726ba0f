//! Registries: the [`ModelEntry`] a check spec's `MODEL` line names. A CLI
//! (the bundled binary, or a user's own through the `bivalent` facade) is
//! handed a slice of entries and finds models in it by name.

use crate::config::{parse_spec, Constants};
use crate::dyn_model::DynModel;
use crate::error::ConfigError;

/// A model that check specs can name with `MODEL <name>`.
///
/// ```
/// use checker::{DynModel, Example, ModelEntry};
/// use checker::spec::*;
///
/// /// A counter that wraps at `Max`.
/// struct Counter {
///     max: u8,
/// }
///
/// impl Counter {
///     fn from_constants(constants: &Constants) -> Result<Counter, ConfigError> {
///         constants.expect_only(&["Max"])?;
///         Ok(Counter { max: constants.int("Max", 1, 100)? as u8 })
///     }
/// }
///
/// impl Model for Counter {
///     type State = u8;
///     type Action = ();
///     fn init(&self, states: &mut Vec<u8>) {
///         states.push(0);
///     }
///     fn next(&self, s: &u8, steps: &mut Vec<((), u8)>) {
///         steps.push(((), (s + 1) % self.max));
///     }
///     fn action_name(&self, _: &()) -> &'static str {
///         "Tick"
///     }
///     fn action_names(&self) -> Vec<&'static str> {
///         vec!["Tick"]
///     }
/// }
///
/// let entry = ModelEntry {
///     name: "Counter",
///     summary: "A counter that wraps at Max",
///     constants: &[("Max", "the counter wraps to 0 at this value, 1 to 100; required")],
///     build: |constants| Ok(Box::new(Counter::from_constants(constants)?)),
///     // Usually `include_str!("../specs/counter.cfg")`: the spec users start from.
///     example: Example::Spec("MODEL Counter\nCONSTANTS Max = 3\n"),
/// };
/// assert_eq!(entry.example_model().unwrap().info().actions, ["Tick"]);
/// ```
#[derive(Clone, Copy)]
pub struct ModelEntry {
    /// The name a check spec uses: `TwoPhase`.
    pub name: &'static str,
    /// One line on what the model is and where it comes from.
    pub summary: &'static str,
    /// Each constant the model reads, with a description that states its default
    /// (or that it is required).
    pub constants: &'static [(&'static str, &'static str)],
    /// Builds the model from a check spec's `CONSTANTS`.
    pub build: fn(&Constants) -> Result<Box<dyn DynModel>, ConfigError>,
    /// A small instance, for `bivalent list` (which shows what a model declares).
    pub example: Example,
}

/// Where a [`ModelEntry`]'s small instance comes from.
#[derive(Clone, Copy)]
pub enum Example {
    /// The text of a check spec for this model (typically the model's
    /// default spec, through `include_str!`): [`ModelEntry::build`] applied
    /// to its `CONSTANTS`. No constants are written by hand.
    Spec(&'static str),
    /// A constructor called with example values.
    Model(fn() -> Box<dyn DynModel>),
}

impl ModelEntry {
    /// The entry's small instance. An [`Example::Spec`] that does not parse,
    /// names another model or has constants the model rejects is an error
    /// positioned in that text.
    pub fn example_model(&self) -> Result<Box<dyn DynModel>, ConfigError> {
        match self.example {
            Example::Model(build) => Ok(build()),
            Example::Spec(text) => {
                let spec = parse_spec(text)?;
                if spec.model.name != self.name {
                    let valid = vec![self.name.to_string()];
                    return Err(ConfigError::unknown_name("model", &spec.model.name, spec.model.span, valid));
                }
                (self.build)(&spec.constants)
            }
        }
    }
}

impl std::fmt::Debug for ModelEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelEntry").field("name", &self.name).field("constants", &self.constants).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::Grid;

    fn grid(constants: &Constants) -> Result<Box<dyn DynModel>, ConfigError> {
        constants.expect_only(&["N"])?;
        Ok(Box::new(Grid { n: constants.int("N", 0, 10)? as u32 }))
    }

    fn distinct_states(model: &dyn DynModel) -> u64 {
        let config = crate::CheckConfig::builder().check_deadlock(false).build();
        model.check(&config, &|_| {}).unwrap().stats.distinct_states
    }

    fn entry(example: Example) -> ModelEntry {
        ModelEntry { name: "Grid", summary: "a grid walk", constants: &[("N", "the side")], build: grid, example }
    }

    #[test]
    fn an_example_spec_builds_the_model_from_its_constants() {
        let model = entry(Example::Spec("MODEL Grid\nCONSTANTS N = 2\n")).example_model().unwrap();
        // The 3 x 3 grid: N = 2 was read.
        assert_eq!(distinct_states(&*model), 9);
    }

    #[test]
    fn an_example_spec_with_a_bad_constant_is_a_positioned_error() {
        let Err(e) = entry(Example::Spec("MODEL Grid\nCONSTANTS N = 11\n")).example_model() else {
            panic!("N = 11 is out of range")
        };
        assert!(matches!(e, ConfigError::BadConstant { .. }), "{e}");
        assert_eq!(e.span().line, 2);
    }

    #[test]
    fn an_example_spec_for_another_model_is_an_error() {
        let Err(e) = entry(Example::Spec("MODEL Grd\nCONSTANTS N = 1\n")).example_model() else {
            panic!("the spec names another model")
        };
        assert_eq!(e.to_string(), "unknown model `Grd`; did you mean `Grid`? (valid models: Grid)");
    }

    #[test]
    fn an_example_constructor_is_called() {
        let model = entry(Example::Model(|| Box::new(Grid { n: 1 }))).example_model().unwrap();
        assert_eq!(distinct_states(&*model), 4);
    }
}
