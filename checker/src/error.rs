//! Errors: [`ConfigError`] for check specs that do not fit the model, and
//! [`CheckError`] for everything [`crate::check`] can fail with.

use std::fmt;

use crate::config::Span;
use crate::outcome::Trace;

/// A check spec that cannot be run: bad syntax, an unknown name, a bad constant
/// or an unsupported combination. Every variant carries the position in the
/// spec; the caller adds the file name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The text is not a valid check spec.
    Syntax {
        /// Where.
        span: Span,
        /// What is wrong, and what was expected.
        message: String,
    },
    /// A name that the model (or the registry) does not declare.
    UnknownName {
        /// Where.
        span: Span,
        /// What kind of name: "model", "invariant", "action", ...
        kind: &'static str,
        /// The name as written.
        name: String,
        /// Every valid name of that kind.
        valid: Vec<String>,
    },
    /// A constant with the wrong type or an out-of-range value.
    BadConstant {
        /// Where.
        span: Span,
        /// The constant.
        name: String,
        /// What is wrong, and what the model accepts.
        message: String,
    },
    /// A name the spec defines (`PROPERTY Name == formula`) that the model
    /// already gives to one of its items, which the definition would hide.
    NameTaken {
        /// Where the definition's name is.
        span: Span,
        /// The name.
        name: String,
        /// What the model's item is and a free name to use instead.
        message: String,
    },
    /// A combination the engine does not support (never silently ignored).
    Unsupported {
        /// Where in the spec, or line 0 for a command-line setting.
        span: Span,
        /// What and why.
        message: String,
    },
}

impl ConfigError {
    /// An [`ConfigError::UnknownName`] error.
    pub fn unknown_name(kind: &'static str, name: &str, span: Span, valid: Vec<String>) -> ConfigError {
        ConfigError::UnknownName { span, kind, name: name.to_string(), valid }
    }

    /// Where the error is.
    pub fn span(&self) -> Span {
        match self {
            ConfigError::Syntax { span, .. }
            | ConfigError::UnknownName { span, .. }
            | ConfigError::BadConstant { span, .. }
            | ConfigError::NameTaken { span, .. }
            | ConfigError::Unsupported { span, .. } => *span,
        }
    }

    /// The syntax error for a TLA+ expression in a formula (`<>(x = 3)`):
    /// `found` is the token that cannot follow the name `after` in a formula.
    pub(crate) fn expression_in_formula(span: Span, found: &str, after: &str) -> ConfigError {
        let message = format!(
            "{EXPRESSION_IN_FORMULA}: found {found} after `{after}`; define the state formula as a predicate in \
             the model (Model::predicates) and name it here"
        );
        ConfigError::Syntax { span, message }
    }

    /// Whether this is the error for a TLA+ expression in a formula, which
    /// the caller, knowing the model, may complete with the names a formula
    /// can use ([`ConfigError::naming_predicates`]).
    pub fn is_expression_in_formula(&self) -> bool {
        matches!(self, ConfigError::Syntax { message, .. } if message.starts_with(EXPRESSION_IN_FORMULA))
    }

    /// This error with the names a formula may use listed at its end.
    pub fn naming_predicates(self, model: &str, names: &[&str]) -> ConfigError {
        match self {
            ConfigError::Syntax { span, mut message } => {
                let names = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                message.push_str(&format!(" (valid predicates of {model}: {names})"));
                ConfigError::Syntax { span, message }
            }
            other => other,
        }
    }

    /// Whether this is a syntax error (TLC's exit code 150) rather than a
    /// semantic one (151).
    pub fn is_syntax(&self) -> bool {
        matches!(self, ConfigError::Syntax { .. })
    }
}

/// How the error for a TLA+ expression in a formula starts.
const EXPRESSION_IN_FORMULA: &str =
    "a formula names the model's predicates and state invariants only, and evaluates no TLA+ expression";

/// `property` as `properties`, `invariant` as `invariants`.
fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

/// The valid name closest to `name`, if any is close enough to be a likely typo.
pub fn nearest<'a>(name: &str, valid: &'a [String]) -> Option<&'a str> {
    valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(&name.to_lowercase(), &v.to_lowercase()), v))
        .filter(|(d, v)| *d <= 3.max(v.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v.as_str())
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Syntax { message, .. } => write!(f, "syntax error: {message}"),
            ConfigError::UnknownName { kind, name, valid, .. } => {
                write!(f, "unknown {kind} `{name}`")?;
                if let Some(near) = nearest(name, valid) {
                    write!(f, "; did you mean `{near}`?")?;
                }
                if valid.is_empty() {
                    write!(f, " (this model declares no {})", plural(kind))
                } else {
                    write!(f, " (valid {}: {})", plural(kind), valid.join(", "))
                }
            }
            ConfigError::BadConstant { message, .. } => write!(f, "bad constant: {message}"),
            ConfigError::NameTaken { message, .. } => write!(f, "name taken: {message}"),
            ConfigError::Unsupported { message, .. } => write!(f, "unsupported: {message}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// What kind of model bug was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelErrorKind {
    /// A model method panicked.
    Panic,
    /// `next` did not emit the same successors twice for the same state.
    Nondeterminism,
    /// A symmetry's `canonicalize` is not idempotent.
    NonIdempotentSymmetry,
    /// `init` produced no state inside the constraints.
    NoInitialStates,
    /// A checked item, or `next`, tells a state from one the symmetry treats
    /// as the same (found by the symmetry audit).
    SymmetryNotRespected,
    /// The model's declarations contradict each other: a fairness condition
    /// names an action that is not among its `action_names`, or
    /// [`crate::spec::Model::action_names`] and [`crate::spec::Model::actions`] disagree.
    BadDeclaration,
}

/// A bug in the model (not in the checker), with the state and action that
/// exposed it and, where one exists, the trace that reaches that state.
#[derive(Clone, Debug)]
pub struct ModelError {
    /// What kind of bug.
    pub kind: ModelErrorKind,
    /// A paragraph: what happened and the likely causes.
    pub message: String,
    /// The state involved, printed with `Debug`.
    pub state: Option<String>,
    /// The action involved, if any.
    pub action: Option<String>,
    /// A trace from an initial state to `state`, if one could be rebuilt.
    pub trace: Option<Trace>,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model error: {}", self.message)?;
        if let Some(action) = &self.action {
            write!(f, "\n  action: {action}")?;
        }
        if let Some(state) = &self.state {
            write!(f, "\n  state: {state}")?;
        }
        Ok(())
    }
}

/// Why [`crate::check`] did not produce an outcome.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CheckError {
    /// The configuration does not fit the model.
    Config(ConfigError),
    /// The model misbehaved.
    Model(Box<ModelError>),
    /// A checkpoint could not be written, or the one to resume from cannot be
    /// read or belongs to another run. The message says which file and why.
    Checkpoint(String),
}

impl From<ConfigError> for CheckError {
    fn from(e: ConfigError) -> Self {
        CheckError::Config(e)
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Config(e) => e.fmt(f),
            CheckError::Model(e) => e.fmt(f),
            CheckError::Checkpoint(message) => write!(f, "checkpoint: {message}"),
        }
    }
}

impl std::error::Error for CheckError {}
