//! The pure parser for check specs: TLC's `.cfg` keywords plus `MODEL` and `EXPECT`.
//!
//! A small lexer turns the text into tokens that carry their [`Span`]s; a
//! recursive-descent parser then reads one section at a time (a keyword and
//! everything up to the next keyword). Nothing recurses: values and formulas
//! keep explicit stacks, and the trees they build are at most [`DEPTH_MAX`]
//! levels deep (values) or operators deep (formulas, see [`formula`]), so that
//! what walks them later (comparisons, `Debug`, `Drop`, the formula compiler
//! and evaluator) recurses boundedly too. Every error
//! says what was expected and what was found, at the position where it was
//! found. `specs/README.md` documents the format for users.

use std::collections::HashMap;
mod formula;

use super::{Constant, Constants, Expect, FairArguments, FairnessSpec, Formula, Named, Span, SpecFile};
use crate::error::ConfigError;
use crate::model::Strength;
use crate::value::Value;

/// Values may nest this many levels deep: `{{1}}` is two levels. Formulas
/// may have this many operators on a path from the root to a name: `~(<>P)`
/// has two, and a chain `P /\ Q /\ R` counts once (see [`formula`]).
const DEPTH_MAX: usize = 64;

/// Integer ranges (`1..5`) may produce this many elements in one spec, in all.
/// The budget is per spec rather than per range because a short file with many
/// large ranges would otherwise exhaust memory.
const RANGE_ELEMENTS_MAX: u64 = 1_000_000;

/// The section keywords bivalent reads, in the order the README lists them.
const KEYWORDS: &[&str] = &[
    "MODEL",
    "CONSTANT",
    "CONSTANTS",
    "INVARIANT",
    "INVARIANTS",
    "PROPERTY",
    "PROPERTIES",
    "CONSTRAINT",
    "CONSTRAINTS",
    "ACTION_CONSTRAINT",
    "ACTION_CONSTRAINTS",
    "SYMMETRY",
    "FAIRNESS",
    "MODEL_FAIRNESS",
    "CHECK_DEADLOCK",
    "EXPECT",
];

/// TLC keywords that bivalent recognises but refuses, each with the reason.
/// They are still keywords: a name list such as `INVARIANTS` ends at them.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("INIT", "bivalent models define Init in Rust; remove INIT"),
    ("NEXT", "bivalent models define Next in Rust; remove NEXT"),
    (
        "SPECIFICATION",
        "bivalent models define Init and Next in Rust and take fairness from FAIRNESS; remove SPECIFICATION",
    ),
    (
        "VIEW",
        "bivalent fingerprints whole states, so VIEW is not supported; remove it and leave out of the model's state \
         what the view would hide",
    ),
    (
        "ALIAS",
        "bivalent shows the variables a model renders, so ALIAS is not supported; remove it and change how the model \
         renders its state",
    ),
    (
        "POSTCONDITION",
        "bivalent does not evaluate postconditions; remove POSTCONDITION and check the condition as an invariant or \
         property",
    ),
    ("TYPE", "TYPE is an obsolete TLC keyword that bivalent does not support; remove it"),
    ("TYPE_CONSTRAINT", "TYPE_CONSTRAINT is an obsolete TLC keyword that bivalent does not support; remove it"),
];

/// The words that may follow `EXPECT`.
const EXPECTATIONS: &[&str] = &["OK", "VIOLATION", "DEADLOCK"];

/// Parses the text of a check spec.
///
/// The result is checked only against itself (duplicates, a missing `MODEL`,
/// an `EXPECT` that the spec can never meet); names are checked against the
/// model later, by the caller.
pub fn parse_spec(text: &str) -> Result<SpecFile, ConfigError> {
    let tokens = Lexer::new(text).tokens()?;
    let mut parser = Parser { tokens, position: 0, range_elements: 0 };
    let mut sections = Sections::default();
    loop {
        let token = parser.bump();
        match token.kind {
            TokenKind::Eof => break,
            TokenKind::Word(word) => parser.section(&word, token.span, &mut sections)?,
            other => {
                return Err(syntax(
                    token.span,
                    format!("expected a keyword such as MODEL or CONSTANTS, found {}", describe(&other)),
                ))
            }
        }
    }
    sections.finish(title(text))
}

/// The text of the file's first non-blank line if that line is a `\*` comment.
fn title(text: &str) -> Option<String> {
    let first = text.trim_start_matches('\u{feff}').lines().find(|line| !line.trim().is_empty())?;
    let comment = first.trim().strip_prefix("\\*")?.trim();
    (!comment.is_empty()).then(|| comment.to_string())
}

fn syntax(span: Span, message: impl Into<String>) -> ConfigError {
    ConfigError::Syntax { span, message: message.into() }
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word) || UNSUPPORTED.iter().any(|(keyword, _)| *keyword == word)
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum TokenKind {
    /// A name or keyword: letters, digits and `_`, with at least one letter.
    Word(String),
    /// Digits, possibly after a `-`; kept as text so that the parser can report
    /// an integer too large for `i64` at its own span.
    Int(String),
    /// A string literal, with its escapes resolved.
    Str(String),
    /// `=`, `<-`, `{`, `}`, `<<`, `>>`, `..`, `,`, `(`, `)`, `:`, and in
    /// temporal formulas `==`, `[]`, `<>`, `~>`, `~`, `/\`, `\/`, `=>`.
    Punct(&'static str),
    /// `\A`, `\in`, and any other backslash word (kept so that the parser can
    /// say what it found).
    Backslash(String),
    /// A character that starts no token; the parser reports it in context.
    Other(char),
    /// The end of the text. Its span is the end of the last token, so that an
    /// error about something missing points just after what came before it.
    Eof,
}

#[derive(Clone, Debug)]
struct Token {
    kind: TokenKind,
    span: Span,
}

/// How a token is shown after "found" in an error message.
fn describe(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Word(text) | TokenKind::Int(text) => format!("`{text}`"),
        TokenKind::Str(text) => format!("the string {text:?}"),
        TokenKind::Punct(text) => format!("`{text}`"),
        TokenKind::Backslash(text) => format!("`\\{text}`"),
        TokenKind::Other(c) => format!("`{}`", c.escape_debug()),
        TokenKind::Eof => "the end of the file".to_string(),
    }
}

struct Lexer {
    chars: Vec<char>,
    index: usize,
    line: u32,
    column: u32,
}

impl Lexer {
    fn new(text: &str) -> Lexer {
        // A byte-order mark is invisible in editors, so it must not shift columns.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Lexer { chars: text.chars().collect(), index: 0, line: 1, column: 1 }
    }

    fn here(&self) -> Span {
        Span { line: self.line, column: self.column }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.index + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.index += 1;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    fn tokens(mut self) -> Result<Vec<Token>, ConfigError> {
        let mut tokens = Vec::new();
        let mut end = Span { line: 1, column: 1 };
        loop {
            self.skip_trivia()?;
            let span = self.here();
            let Some(c) = self.peek(0) else {
                tokens.push(Token { kind: TokenKind::Eof, span: end });
                return Ok(tokens);
            };
            let kind = match (c, self.peek(1)) {
                (c, _) if is_word_char(c) => self.word(span)?,
                ('-', Some(d)) if d.is_ascii_digit() => {
                    self.bump();
                    match self.word(span)? {
                        TokenKind::Int(digits) => TokenKind::Int(format!("-{digits}")),
                        TokenKind::Word(word) => {
                            return Err(syntax(span, format!("expected a number after `-`, found `-{word}`")))
                        }
                        other => {
                            return Err(syntax(
                                span,
                                format!("expected a number after `-`, found {}", describe(&other)),
                            ))
                        }
                    }
                }
                ('"', _) => self.string(span)?,
                ('\\', Some('/')) => {
                    self.bump();
                    self.bump();
                    TokenKind::Punct("\\/")
                }
                ('\\', Some(d)) if d.is_ascii_alphabetic() => {
                    self.bump();
                    let mut word = String::new();
                    while let Some(c) = self.peek(0).filter(char::is_ascii_alphabetic) {
                        word.push(c);
                        self.bump();
                    }
                    TokenKind::Backslash(word)
                }
                _ => {
                    let punct = match (c, self.peek(1)) {
                        ('<', Some('<')) => Some("<<"),
                        ('<', Some('-')) => Some("<-"),
                        ('<', Some('>')) => Some("<>"),
                        ('[', Some(']')) => Some("[]"),
                        ('~', Some('>')) => Some("~>"),
                        ('~', _) => Some("~"),
                        ('/', Some('\\')) => Some("/\\"),
                        ('=', Some('=')) => Some("=="),
                        ('=', Some('>')) => Some("=>"),
                        ('>', Some('>')) => Some(">>"),
                        ('.', Some('.')) => Some(".."),
                        ('=', _) => Some("="),
                        ('{', _) => Some("{"),
                        ('}', _) => Some("}"),
                        (',', _) => Some(","),
                        ('(', _) => Some("("),
                        (')', _) => Some(")"),
                        (':', _) => Some(":"),
                        _ => None,
                    };
                    match punct {
                        Some(text) => {
                            for _ in text.chars() {
                                self.bump();
                            }
                            TokenKind::Punct(text)
                        }
                        None => {
                            self.bump();
                            TokenKind::Other(c)
                        }
                    }
                }
            };
            tokens.push(Token { kind, span });
            end = self.here();
        }
    }

    /// Skips whitespace, `\*` line comments and `(* *)` block comments, which nest.
    fn skip_trivia(&mut self) -> Result<(), ConfigError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('\\'), Some('*')) => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                (Some('('), Some('*')) => self.block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    fn block_comment(&mut self) -> Result<(), ConfigError> {
        // The openings still waiting for their `*)`; an unterminated comment is
        // reported at the innermost of them, the one the text ended inside.
        let mut open = Vec::new();
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some('('), Some('*')) => {
                    open.push(self.here());
                    self.bump();
                    self.bump();
                }
                (Some('*'), Some(')')) => {
                    self.bump();
                    self.bump();
                    open.pop();
                    if open.is_empty() {
                        return Ok(());
                    }
                }
                (Some(_), _) => {
                    self.bump();
                }
                (None, _) => {
                    let opened = open.last().copied().unwrap_or_else(|| self.here());
                    return Err(syntax(
                        opened,
                        "expected `*)` to close the block comment opened here, found the end of the file",
                    ));
                }
            }
        }
    }

    /// A run of letters, digits and `_`: an integer if it is all digits, a word
    /// if it has a letter (TLA+ allows names such as `1a`), else an error.
    fn word(&mut self, span: Span) -> Result<TokenKind, ConfigError> {
        let mut text = String::new();
        while let Some(c) = self.peek(0).filter(|c| is_word_char(*c)) {
            text.push(c);
            self.bump();
        }
        if text.chars().all(|c| c.is_ascii_digit()) {
            Ok(TokenKind::Int(text))
        } else if text.chars().any(|c| c.is_ascii_alphabetic()) {
            Ok(TokenKind::Word(text))
        } else {
            Err(syntax(
                span,
                format!("expected a number or a name, found `{text}`, which has neither a letter nor only digits"),
            ))
        }
    }

    /// A string literal with TLA+'s escapes; it may not span lines.
    fn string(&mut self, span: Span) -> Result<TokenKind, ConfigError> {
        self.bump();
        let mut text = String::new();
        loop {
            let escape = self.here();
            match self.bump() {
                Some('"') => return Ok(TokenKind::Str(text)),
                ended @ (None | Some('\n')) => {
                    let found = if ended.is_none() { "the end of the file" } else { "the end of the line" };
                    return Err(syntax(span, format!("expected `\"` to close the string opened here, found {found}")));
                }
                Some('\\') => {
                    let resolved = match self.peek(0) {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some('f') => '\u{c}',
                        other => {
                            let found = match other {
                                None => "the end of the file".to_string(),
                                Some('\n') => "the end of the line".to_string(),
                                Some(c) => format!("`\\{}`", c.escape_debug()),
                            };
                            return Err(syntax(
                                escape,
                                format!(
                                    "expected an escape such as `\\\"`, `\\\\` or `\\n` in a string, found {found}"
                                ),
                            ));
                        }
                    };
                    self.bump();
                    text.push(resolved);
                }
                Some(c) => text.push(c),
            }
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// The variables a `\A` or `\E` binds, and how it was written (`\A r \in RM`).
struct Binder {
    variables: Vec<Named>,
    written: String,
}

/// An action in a fairness condition, with the arguments it is applied to
/// (where they are, and the bound variables), if any.
type Applied = (Named, Option<(Span, Vec<Named>)>);

/// What the sections have given so far. Single-valued keys keep the span of
/// their keyword, so that a duplicate can name the line of the first.
#[derive(Default)]
struct Sections {
    model: Option<(Named, Span)>,
    constants: Vec<Constant>,
    /// Where each constant in `constants` is assigned, to find a second
    /// assignment without a search through the earlier ones.
    constant_spans: HashMap<String, Span>,
    invariants: Vec<Named>,
    properties: Vec<Named>,
    formulas: Vec<(Named, Formula)>,
    constraints: Vec<Named>,
    action_constraints: Vec<Named>,
    symmetry: Option<(Named, Span)>,
    fairness: Vec<FairnessSpec>,
    check_deadlock: Option<(bool, Span)>,
    model_fairness: Option<(bool, Span)>,
    expect: Option<(Expect, Span)>,
}

impl Sections {
    /// Checks what only the whole file can tell, and builds the [`SpecFile`].
    fn finish(self, title: Option<String>) -> Result<SpecFile, ConfigError> {
        let Some((model, model_keyword)) = self.model else {
            return Err(syntax(
                Span { line: 1, column: 1 },
                "expected a `MODEL Name` line naming the model to check, found none",
            ));
        };
        let expect_written = self.expect.is_some();
        let (expect, expect_span) = self.expect.unwrap_or((Expect::Ok, model_keyword));
        match &expect {
            Expect::Deadlock => {
                if let Some((false, check_span)) = self.check_deadlock {
                    return Err(ConfigError::Unsupported {
                        span: expect_span,
                        message: format!(
                            "EXPECT DEADLOCK needs deadlock checking, which CHECK_DEADLOCK FALSE on line {} turns off",
                            check_span.line
                        ),
                    });
                }
            }
            Expect::Violation(named) => {
                // A violation of an item the spec does not check can never be
                // found, so the spec could never pass: say so now.
                let checked: Vec<String> =
                    self.invariants.iter().chain(&self.properties).map(|item| item.name.clone()).collect();
                if !checked.contains(&named.name) {
                    if checked.is_empty() {
                        return Err(syntax(
                            named.span,
                            format!(
                                "expected EXPECT VIOLATION to name an invariant or property that this spec checks, \
                                 found `{}`, but the spec lists no INVARIANTS or PROPERTIES",
                                named.name
                            ),
                        ));
                    }
                    return Err(ConfigError::unknown_name("expected violation", &named.name, named.span, checked));
                }
            }
            Expect::Ok => {}
        }
        let model_span = model.span;
        Ok(SpecFile {
            model,
            constants: Constants { items: self.constants, model_span },
            invariants: self.invariants,
            properties: self.properties,
            formulas: self.formulas,
            constraints: self.constraints,
            action_constraints: self.action_constraints,
            symmetry: self.symmetry.map(|(named, _)| named),
            fairness: self.fairness,
            model_fairness: !matches!(self.model_fairness, Some((false, _))),
            check_deadlock: !matches!(self.check_deadlock, Some((false, _))),
            expect,
            expect_span,
            expect_written,
            title,
        })
    }
}

/// A word that is no name but a keyword typed wrong: a keyword in the wrong
/// case (`model`), or an upper-case word one or two edits from a keyword
/// (`INVARIENTS`). Names in a list or a `CONSTANTS` section would otherwise
/// swallow it and the error would speak of an unknown invariant.
fn misspelled_keyword(word: &str, span: Span) -> Option<ConfigError> {
    let upper = word.to_uppercase();
    let shouting = word.len() >= 4 && word.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    // Most names are neither: skip the edit distances, which are most of the
    // parser's work in a spec with very many names.
    if !shouting && !KEYWORDS.contains(&upper.as_str()) {
        return None;
    }
    let valid: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
    let near = crate::error::nearest(word, &valid)
        .is_some_and(|k| strsim::damerau_levenshtein(&upper, k) <= 2 && (shouting || upper == *k));
    near.then(|| ConfigError::unknown_name("keyword", word, span, valid))
}

/// Rejects a second occurrence of a single-valued keyword.
fn once(first: Option<Span>, keyword: &str, how_many: &str, span: Span) -> Result<(), ConfigError> {
    match first {
        Some(first) => Err(syntax(
            span,
            format!("expected {how_many} {keyword} line, found a second one; the first is on line {}", first.line),
        )),
        None => Ok(()),
    }
}

/// A set or sequence whose closing bracket has not been read yet.
struct Open {
    /// A set, or else a sequence.
    set: bool,
    /// `set` or `sequence`, for messages.
    what: &'static str,
    /// `}` or `>>`.
    close: &'static str,
    /// Its elements so far.
    elements: Vec<Value>,
}

impl Open {
    fn value(self) -> Value {
        if self.set {
            Value::set(self.elements)
        } else {
            Value::Seq(self.elements)
        }
    }
}

struct Parser {
    /// Never empty: the lexer always ends the list with an `Eof` token.
    tokens: Vec<Token>,
    position: usize,
    /// Integers produced by ranges so far, against [`RANGE_ELEMENTS_MAX`].
    range_elements: u64,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.position]
    }

    /// The next token; at the end, `Eof` again and again.
    fn bump(&mut self) -> Token {
        let token = self.tokens[self.position].clone();
        if self.position + 1 < self.tokens.len() {
            self.position += 1;
        }
        token
    }

    fn peek_is(&self, punct: &str) -> bool {
        matches!(self.peek().kind, TokenKind::Punct(p) if p == punct)
    }

    /// Consumes `punct`, or fails with "expected `punct` {after}, found ...".
    fn expect_punct(&mut self, punct: &str, after: &str) -> Result<(), ConfigError> {
        let token = self.bump();
        match token.kind {
            TokenKind::Punct(p) if p == punct => Ok(()),
            other => Err(syntax(token.span, format!("expected `{punct}` {after}, found {}", describe(&other)))),
        }
    }

    /// A name that is not a keyword, or "expected {what}, found ...".
    fn name(&mut self, what: &str) -> Result<Named, ConfigError> {
        let token = self.bump();
        match token.kind {
            TokenKind::Word(word) if !is_keyword(&word) => Ok(Named { name: word, span: token.span }),
            other => Err(syntax(token.span, format!("expected {what}, found {}", describe(&other)))),
        }
    }

    /// After a section that takes a fixed number of words, a further name on the
    /// same line is a mistake in that section, not a misspelt keyword; on a later
    /// line it is left for the keyword check, which suggests the nearest keyword.
    fn end_of_line_section(&self, line: u32, written: &str, rule: &str) -> Result<(), ConfigError> {
        let token = self.peek();
        match &token.kind {
            TokenKind::Word(word) if !is_keyword(word) && token.span.line == line => {
                Err(syntax(token.span, format!("expected a keyword after `{written}`, found `{word}`; {rule}")))
            }
            _ => Ok(()),
        }
    }

    fn section(&mut self, keyword: &str, span: Span, sections: &mut Sections) -> Result<(), ConfigError> {
        match keyword {
            "MODEL" => {
                once(sections.model.as_ref().map(|m| m.1), "MODEL", "exactly one", span)?;
                let name = self.name("a model name after MODEL")?;
                self.end_of_line_section(name.span.line, &format!("MODEL {}", name.name), "MODEL takes one name")?;
                sections.model = Some((name, span));
            }
            "CONSTANT" | "CONSTANTS" => {
                self.constants(keyword, &mut sections.constants, &mut sections.constant_spans)?
            }
            "INVARIANT" | "INVARIANTS" => sections.invariants.extend(self.names(keyword, "an invariant")?),
            "PROPERTY" | "PROPERTIES" => self.properties(keyword, sections)?,
            "CONSTRAINT" | "CONSTRAINTS" => sections.constraints.extend(self.names(keyword, "a constraint")?),
            "ACTION_CONSTRAINT" | "ACTION_CONSTRAINTS" => {
                sections.action_constraints.extend(self.names(keyword, "an action constraint")?)
            }
            "SYMMETRY" => {
                once(sections.symmetry.as_ref().map(|s| s.1), "SYMMETRY", "at most one", span)?;
                let name = self.name("a symmetry name after SYMMETRY")?;
                self.end_of_line_section(
                    name.span.line,
                    &format!("SYMMETRY {}", name.name),
                    "SYMMETRY takes one name",
                )?;
                sections.symmetry = Some((name, span));
            }
            "FAIRNESS" => self.fairness(&mut sections.fairness)?,
            "CHECK_DEADLOCK" => {
                once(sections.check_deadlock.map(|c| c.1), "CHECK_DEADLOCK", "at most one", span)?;
                sections.check_deadlock = Some((self.boolean("CHECK_DEADLOCK")?, span));
            }
            "MODEL_FAIRNESS" => {
                once(sections.model_fairness.map(|c| c.1), "MODEL_FAIRNESS", "at most one", span)?;
                sections.model_fairness = Some((self.boolean("MODEL_FAIRNESS")?, span));
            }
            "EXPECT" => {
                once(sections.expect.as_ref().map(|e| e.1), "EXPECT", "at most one", span)?;
                let expect = self.expect()?;
                sections.expect = Some((expect, span));
            }
            _ => {
                if let Some((_, why)) = UNSUPPORTED.iter().find(|(unsupported, _)| *unsupported == keyword) {
                    return Err(ConfigError::Unsupported { span, message: why.to_string() });
                }
                return Err(ConfigError::unknown_name(
                    "keyword",
                    keyword,
                    span,
                    KEYWORDS.iter().map(|k| k.to_string()).collect(),
                ));
            }
        }
        Ok(())
    }

    /// `TRUE` or `FALSE` after a keyword, alone on its line.
    fn boolean(&mut self, keyword: &str) -> Result<bool, ConfigError> {
        let token = self.bump();
        let value = match token.kind {
            TokenKind::Word(word) if word == "TRUE" || word == "FALSE" => word == "TRUE",
            TokenKind::Word(word) if !is_keyword(&word) => {
                return Err(ConfigError::Unsupported {
                    span: token.span,
                    message: format!(
                        "bivalent's {keyword} takes TRUE or FALSE, not `{word}`, since it evaluates no TLA+ expressions"
                    ),
                })
            }
            other => {
                return Err(syntax(
                    token.span,
                    format!("expected TRUE or FALSE after {keyword}, found {}", describe(&other)),
                ))
            }
        };
        let written = format!("{keyword} {}", if value { "TRUE" } else { "FALSE" });
        self.end_of_line_section(token.span.line, &written, &format!("{keyword} takes only TRUE or FALSE"))?;
        Ok(value)
    }

    /// `PROPERTY` items up to the next keyword: names of the model's
    /// properties, or definitions `Name == formula`.
    fn properties(&mut self, keyword: &str, sections: &mut Sections) -> Result<(), ConfigError> {
        let before = sections.properties.len();
        loop {
            let token = self.peek().clone();
            let defines = matches!(self.tokens.get(self.position + 1), Some(t) if t.kind == TokenKind::Punct("=="));
            match token.kind {
                TokenKind::Word(word) if !is_keyword(&word) && defines => {
                    self.bump();
                    self.bump();
                    let name = Named { name: word, span: token.span };
                    if sections.properties.iter().any(|p| p.name == name.name) {
                        return Err(syntax(
                            name.span,
                            format!("expected a new property name, found `{}` again", name.name),
                        ));
                    }
                    let formula = self.formula()?;
                    sections.properties.push(name.clone());
                    sections.formulas.push((name, formula));
                }
                TokenKind::Word(word) if !is_keyword(&word) => {
                    self.bump();
                    sections.properties.push(Named { name: word, span: token.span });
                }
                TokenKind::Word(_) | TokenKind::Eof if sections.properties.len() > before => return Ok(()),
                other => {
                    let what = if sections.properties.len() > before { "or a keyword" } else { "after" };
                    let after = if what == "after" { format!(" {keyword}") } else { String::new() };
                    return Err(syntax(
                        token.span,
                        format!(
                            "expected a property name or `Name == formula` {what}{after}, found {}",
                            describe(&other)
                        ),
                    ));
                }
            }
        }
    }

    /// One or more names up to the next keyword, for `INVARIANTS` and its kin.
    fn names(&mut self, keyword: &str, a_kind: &str) -> Result<Vec<Named>, ConfigError> {
        let mut names = Vec::new();
        loop {
            let token = self.peek().clone();
            match token.kind {
                TokenKind::Word(word) if !is_keyword(&word) => {
                    if let Some(error) = misspelled_keyword(&word, token.span) {
                        return Err(error);
                    }
                    self.bump();
                    names.push(Named { name: word, span: token.span });
                }
                TokenKind::Word(_) | TokenKind::Eof if !names.is_empty() => return Ok(names),
                TokenKind::Punct(",") if !names.is_empty() => {
                    return Err(syntax(
                        token.span,
                        format!("expected {a_kind} name or a keyword, found `,`; separate names with spaces"),
                    ))
                }
                other if names.is_empty() => {
                    return Err(syntax(
                        token.span,
                        format!("expected {a_kind} name after {keyword}, found {}", describe(&other)),
                    ))
                }
                other => {
                    return Err(syntax(
                        token.span,
                        format!("expected {a_kind} name or a keyword, found {}", describe(&other)),
                    ))
                }
            }
        }
    }

    /// One or more `Name = value` assignments up to the next keyword.
    fn constants(
        &mut self,
        keyword: &str,
        constants: &mut Vec<Constant>,
        spans: &mut HashMap<String, Span>,
    ) -> Result<(), ConfigError> {
        let mut previous: Option<String> = None;
        loop {
            let token = self.peek().clone();
            match (token.kind, &previous) {
                (TokenKind::Word(word), _) if !is_keyword(&word) => {
                    let assigns = matches!(
                        self.tokens.get(self.position + 1).map(|t| &t.kind),
                        Some(TokenKind::Punct("=" | "<-"))
                    );
                    if let Some(error) = misspelled_keyword(&word, token.span).filter(|_| !assigns) {
                        return Err(error);
                    }
                    self.bump();
                    let constant = self.assignment(word.clone(), token.span, spans)?;
                    spans.insert(constant.name.clone(), constant.span);
                    constants.push(constant);
                    previous = Some(word);
                }
                (TokenKind::Word(_) | TokenKind::Eof, Some(_)) => return Ok(()),
                (other, None) => {
                    return Err(syntax(
                        token.span,
                        format!(
                            "expected a constant assignment such as `N = 3` after {keyword}, found {}",
                            describe(&other)
                        ),
                    ))
                }
                (other, Some(previous)) => {
                    return Err(syntax(
                        token.span,
                        format!(
                            "expected a constant name or a keyword after the value of {previous}, found {}",
                            describe(&other)
                        ),
                    ))
                }
            }
        }
    }

    /// `= value` after the constant name `name`.
    fn assignment(
        &mut self,
        name: String,
        span: Span,
        earlier: &HashMap<String, Span>,
    ) -> Result<Constant, ConfigError> {
        if let Some(first) = earlier.get(&name) {
            return Err(syntax(
                span,
                format!(
                    "expected each constant to be given one value, found a second value for {name}; the first is on \
                     line {}",
                    first.line
                ),
            ));
        }
        let token = self.bump();
        match token.kind {
            TokenKind::Punct("=") => {}
            TokenKind::Punct("<-") => {
                return Err(ConfigError::Unsupported {
                    span: token.span,
                    message: format!(
                        "constants must be given values in bivalent, as in `{name} = {{a, b}}`, but `{name} <- ...` \
                         substitutes a TLA+ definition, which only TLC can do"
                    ),
                })
            }
            other => {
                return Err(syntax(
                    token.span,
                    format!("expected `=` after constant name {name}, found {}", describe(&other)),
                ))
            }
        }
        let value = self.value(&format!("a value for constant {name}"))?;
        Ok(Constant { name, value, span })
    }

    /// A value; `what` names it for the "expected ..." of an error.
    ///
    /// Sets and sequences nest, but the parser does not recurse: it keeps the
    /// ones still open on a stack, at most [`DEPTH_MAX`] of them.
    fn value(&mut self, what: &str) -> Result<Value, ConfigError> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            // A value, or the opening bracket of a set or sequence.
            let token = self.bump();
            let mut value = match token.kind {
                TokenKind::Int(digits) => {
                    let low = int(&digits, token.span)?;
                    if self.peek_is("..") {
                        self.bump();
                        let high_token = self.bump();
                        let TokenKind::Int(high_digits) = high_token.kind else {
                            return Err(syntax(
                                high_token.span,
                                format!("expected an integer after `{low}..`, found {}", describe(&high_token.kind)),
                            ));
                        };
                        let high = int(&high_digits, high_token.span)?;
                        self.range(low, high, token.span)?
                    } else {
                        Value::Int(low)
                    }
                }
                TokenKind::Word(word) if word == "TRUE" => self.not_a_range(Value::Bool(true))?,
                TokenKind::Word(word) if word == "FALSE" => self.not_a_range(Value::Bool(false))?,
                TokenKind::Word(word) if !is_keyword(&word) => self.not_a_range(Value::ModelValue(word))?,
                TokenKind::Str(text) => self.not_a_range(Value::Str(text))?,
                TokenKind::Punct(bracket @ ("{" | "<<")) => {
                    let (set, what, close) =
                        if bracket == "{" { (true, "set", "}") } else { (false, "sequence", ">>") };
                    let depth = open.len() + 1;
                    if depth > DEPTH_MAX {
                        return Err(syntax(
                            token.span,
                            format!(
                                "expected values nested at most {DEPTH_MAX} levels deep, found a {what} at level {depth}"
                            ),
                        ));
                    }
                    let empty = Open { set, what, close, elements: Vec::new() };
                    if !self.peek_is(close) {
                        open.push(empty);
                        continue;
                    }
                    self.bump();
                    self.not_a_range(empty.value())?
                }
                other => {
                    let expected = match open.last() {
                        None => what.to_string(),
                        Some(o) if o.elements.is_empty() => format!("a {} element or `{}`", o.what, o.close),
                        Some(o) => format!("a {} element after `,`", o.what),
                    };
                    return Err(syntax(token.span, format!("expected {expected}, found {}", describe(&other))));
                }
            };
            // The value is an element of the innermost open set or sequence,
            // which may close after it, and so on outwards.
            loop {
                let Some(parent) = open.last_mut() else { return Ok(value) };
                parent.elements.push(value);
                let token = self.bump();
                match token.kind {
                    TokenKind::Punct(p) if p == parent.close => {
                        let closed = open.pop().expect("the parent is open");
                        value = self.not_a_range(closed.value())?;
                    }
                    TokenKind::Punct(",") => break,
                    other => {
                        return Err(syntax(
                            token.span,
                            format!(
                                "expected `,` or `{}` after a {} element, found {}",
                                parent.close,
                                parent.what,
                                describe(&other)
                            ),
                        ))
                    }
                }
            }
        }
    }

    /// `value`, unless `..` follows it: only integers have ranges, and
    /// without this `a..b` would fail later with a message about `..` that
    /// does not say what is wrong with it.
    fn not_a_range(&self, value: Value) -> Result<Value, ConfigError> {
        if self.peek_is("..") {
            return Err(syntax(
                self.peek().span,
                format!("expected integers on both sides of `..`, found {} before it", value.kind()),
            ));
        }
        Ok(value)
    }

    /// The set `low..high`, empty when `high < low`, as in TLA+.
    fn range(&mut self, low: i64, high: i64, span: Span) -> Result<Value, ConfigError> {
        // i128 cannot overflow here, and a count above u64::MAX is over the budget anyway.
        let count = u64::try_from((i128::from(high) - i128::from(low) + 1).max(0)).unwrap_or(u64::MAX);
        let total = self.range_elements.saturating_add(count);
        if total > RANGE_ELEMENTS_MAX {
            return Err(syntax(
                span,
                format!(
                    "expected integer ranges with at most {RANGE_ELEMENTS_MAX} elements in all, found {low}..{high}, \
                     which brings the total to {total}"
                ),
            ));
        }
        self.range_elements = total;
        Ok(Value::set((low..=high).map(Value::Int)))
    }

    /// One or more fairness conditions up to the next keyword.
    fn fairness(&mut self, fairness: &mut Vec<FairnessSpec>) -> Result<(), ConfigError> {
        let mut count = 0;
        loop {
            let token = self.peek().clone();
            let condition = match token.kind {
                TokenKind::Word(word) if word == "WF" || word == "SF" => {
                    self.bump();
                    self.fair_condition(&word, None)?
                }
                TokenKind::Backslash(word) if word == "A" || word == "forall" => {
                    self.bump();
                    let forall = self.binder(&word)?;
                    let token = self.bump();
                    match token.kind {
                        TokenKind::Word(word) if word == "WF" || word == "SF" => {
                            self.fair_condition(&word, Some(forall))?
                        }
                        other => {
                            return Err(syntax(
                                token.span,
                                format!("expected WF or SF after `{} :`, found {}", forall.written, describe(&other)),
                            ))
                        }
                    }
                }
                TokenKind::Word(word) if count > 0 && is_keyword(&word) => return Ok(()),
                TokenKind::Eof if count > 0 => return Ok(()),
                TokenKind::Word(word) if word.starts_with("WF_") || word.starts_with("SF_") => {
                    return Err(syntax(
                        token.span,
                        format!(
                            "expected WF(Action) or SF(Action), found `{word}`; bivalent's fairness is always over \
                             all variables, so write it without the subscript"
                        ),
                    ))
                }
                other => {
                    let after = if count == 0 { "after FAIRNESS" } else { "or a keyword" };
                    return Err(syntax(
                        token.span,
                        format!(
                            "expected WF(Action), SF(Action) or \\A x : WF(Action(x)) {after}, found {}",
                            describe(&other)
                        ),
                    ));
                }
            };
            fairness.push(condition);
            count += 1;
        }
    }

    /// `x, y : ` or `x, y \in S : ` after `\A` or `\E` (written `\{quantifier}`).
    fn binder(&mut self, quantifier: &str) -> Result<Binder, ConfigError> {
        let mut variables = vec![self.name(&format!("a bound variable after `\\{quantifier}`"))?];
        while self.peek_is(",") {
            self.bump();
            let written = variables.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ");
            variables.push(self.name(&format!("a bound variable after `\\{quantifier} {written},`"))?);
        }
        for (i, variable) in variables.iter().enumerate() {
            if variables[..i].iter().any(|v| v.name == variable.name) {
                return Err(syntax(
                    variable.span,
                    format!("expected distinct bound variables after `\\{quantifier}`, found {} twice", variable.name),
                ));
            }
        }
        let names = variables.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ");
        let written = format!("\\{quantifier} {names}");
        let token = self.bump();
        let written = match token.kind {
            TokenKind::Punct(":") => written,
            TokenKind::Backslash(word) if word == "in" => {
                // The set is the parameters' domain; bivalent fairness is
                // always over every value, so the name is read but not kept.
                let set = self.name(&format!("a set name after `{written} \\in`"))?;
                let written = format!("{written} \\in {}", set.name);
                self.expect_punct(":", &format!("after `{written}`"))?;
                written
            }
            other => {
                return Err(syntax(
                    token.span,
                    format!("expected `:` or `\\in` after `{written}`, found {}", describe(&other)),
                ))
            }
        };
        Ok(Binder { variables, written })
    }

    /// `(A)`, `(A \/ B)`, and under `\A` `(A(x) \/ B(x))` or
    /// `(\E m : A(x, m))`, after `WF` or `SF`.
    fn fair_condition(&mut self, strength: &str, forall: Option<Binder>) -> Result<FairnessSpec, ConfigError> {
        self.expect_punct("(", &format!("after {strength}"))?;
        let exists = match self.peek().kind.clone() {
            TokenKind::Backslash(word) if (word == "E" || word == "exists") && forall.is_some() => {
                self.bump();
                Some(self.binder(&word)?)
            }
            _ => None,
        };
        let opened = match &exists {
            None => format!("{strength}("),
            Some(exists) => format!("{strength}({} : ", exists.written),
        };
        // The actions of the union, each with its arguments (if applied).
        let mut actions: Vec<Applied> = Vec::new();
        let mut written = opened.clone();
        loop {
            let what = if actions.is_empty() {
                format!("an action name after `{opened}`")
            } else {
                format!("an action name after `{written} \\/`")
            };
            let action = self.name(&what)?;
            written = if actions.is_empty() {
                format!("{written}{}", action.name)
            } else {
                format!("{written} \\/ {}", action.name)
            };
            let token = self.peek().clone();
            let mut arguments = None;
            if token.kind == TokenKind::Punct("(") {
                let Some(forall) = &forall else {
                    return Err(syntax(
                        token.span,
                        format!(
                            "expected `)` after `{written}`, found `(`; to make each instance of {0} fair, write \
                             `\\A x : {strength}({0}(x))`",
                            action.name
                        ),
                    ));
                };
                self.bump();
                let mut list: Vec<Named> = Vec::new();
                loop {
                    let argument = self.name(&format!("a bound variable as an argument of {}", action.name))?;
                    let bound = forall.variables.iter().chain(exists.iter().flat_map(|e| &e.variables));
                    if !bound.clone().any(|v| v.name == argument.name) {
                        let names: Vec<&str> = bound.map(|v| v.name.as_str()).collect();
                        return Err(syntax(
                            argument.span,
                            format!(
                                "expected a bound variable ({}) as an argument of {}, found `{}`",
                                names.join(", "),
                                action.name,
                                argument.name
                            ),
                        ));
                    }
                    if list.iter().any(|a| a.name == argument.name) {
                        return Err(syntax(
                            argument.span,
                            format!(
                                "expected each bound variable once in {}(...), found {} twice",
                                action.name, argument.name
                            ),
                        ));
                    }
                    list.push(argument);
                    let shown = list.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
                    let token = self.bump();
                    match token.kind {
                        TokenKind::Punct(",") => {}
                        TokenKind::Punct(")") => {
                            written = format!("{written}({shown})");
                            break;
                        }
                        other => {
                            return Err(syntax(
                                token.span,
                                format!("expected `,` or `)` after `{written}({shown}`, found {}", describe(&other)),
                            ))
                        }
                    }
                }
                arguments = Some((action.span, list));
            } else if let Some(forall) = &forall {
                return Err(syntax(
                    token.span,
                    format!(
                        "expected `(` after `{written}`, found {}; per-instance fairness applies the action to the \
                         bound variable, as in `{} : {strength}({}({}))`",
                        describe(&token.kind),
                        forall.written,
                        action.name,
                        forall.variables[0].name
                    ),
                ));
            }
            actions.push((action, arguments));
            if self.peek_is("\\/") {
                self.bump();
                continue;
            }
            break;
        }
        self.expect_punct(")", &format!("after `{written}`"))?;
        let mut actions = actions.into_iter();
        let (action, first_arguments) = actions.next().expect("a condition names one action at least");
        let rest: Vec<Applied> = actions.collect();
        let mut spec = FairnessSpec::on(strength_of(strength), action);
        spec.or = rest.iter().map(|(a, _)| a.clone()).collect();
        let Some(forall) = forall else { return Ok(spec) };
        let applied: Vec<(Span, Vec<Named>)> =
            std::iter::once(first_arguments).chain(rest.into_iter().map(|(_, a)| a)).flatten().collect();
        // `\A x : WF(A(x))`, one action applied to one variable: each instance.
        if exists.is_none() && applied.len() == 1 && forall.variables.len() == 1 && applied[0].1.len() == 1 {
            spec.per_instance = true;
            return Ok(spec);
        }
        for (span, arguments) in &applied {
            let mut selected = Vec::new();
            for variable in &forall.variables {
                match arguments.iter().position(|a| a.name == variable.name) {
                    Some(position) => selected.push(position),
                    None => {
                        return Err(syntax(
                            *span,
                            format!(
                                "expected every variable of `{}` among the arguments of each action, found no {} \
                                 here; a condition that does not depend on it needs no `\\A` for it",
                                forall.written, variable.name
                            ),
                        ))
                    }
                }
            }
            spec.arguments.push(FairArguments { count: arguments.len(), selected, span: *span });
        }
        Ok(spec)
    }

    /// What follows `EXPECT`.
    fn expect(&mut self) -> Result<Expect, ConfigError> {
        let token = self.bump();
        let (expect, written, line) = match token.kind {
            TokenKind::Word(word) if word == "OK" => (Expect::Ok, "EXPECT OK".to_string(), token.span.line),
            TokenKind::Word(word) if word == "DEADLOCK" => {
                (Expect::Deadlock, "EXPECT DEADLOCK".to_string(), token.span.line)
            }
            TokenKind::Word(word) if word == "VIOLATION" => {
                let name = self.name("an invariant or property name after EXPECT VIOLATION")?;
                if name.name == "Deadlock" {
                    return Err(syntax(
                        name.span,
                        "expected EXPECT DEADLOCK for a deadlock, found EXPECT VIOLATION Deadlock",
                    ));
                }
                let written = format!("EXPECT VIOLATION {}", name.name);
                let line = name.span.line;
                (Expect::Violation(name), written, line)
            }
            TokenKind::Word(word) if !is_keyword(&word) => {
                return Err(ConfigError::unknown_name(
                    "expectation",
                    &word,
                    token.span,
                    EXPECTATIONS.iter().map(|e| e.to_string()).collect(),
                ))
            }
            other => {
                return Err(syntax(
                    token.span,
                    format!("expected OK, VIOLATION Name or DEADLOCK after EXPECT, found {}", describe(&other)),
                ))
            }
        };
        let rule = match expect {
            Expect::Violation(_) => "EXPECT VIOLATION takes one name",
            Expect::Ok | Expect::Deadlock => "EXPECT OK and EXPECT DEADLOCK take no name",
        };
        self.end_of_line_section(line, &written, rule)?;
        Ok(expect)
    }
}

/// The strength `WF` or `SF` names; callers have already checked the word is one of them.
fn strength_of(word: &str) -> Strength {
    if word == "WF" {
        Strength::Weak
    } else {
        Strength::Strong
    }
}

/// An integer literal that must fit in an `i64`.
fn int(digits: &str, span: Span) -> Result<i64, ConfigError> {
    digits
        .parse()
        .map_err(|_| syntax(span, format!("expected an integer from {} to {}, found `{digits}`", i64::MIN, i64::MAX)))
}
