//! Temporal formulas (`PROPERTY Name == formula`), read without recursion.
//!
//! Precedence, as in TLA+: `=>` (lowest, right-associative), `~>` (one per
//! level), `\/`, `/\`, then the prefix operators `~`, `[]`, `<>` and
//! `ENABLED`. A recursive-descent parser would recurse once per parenthesis
//! and prefix operator, and a binary tree would be as deep as a chain is
//! long; instead the parser keeps an explicit stack of open parentheses, and
//! chains of `/\` and `\/` become one flat node. Every node it builds knows its
//! height (operators on the longest path down to a name), and one taller than
//! [`DEPTH_MAX`] is an error at its operator. So the trees that the compiler,
//! the evaluator and the derived `Clone`, `Debug`, `PartialEq` and `Drop` walk
//! recursively are at most [`DEPTH_MAX`] + 1 levels deep, whatever the input.

use super::{describe, is_keyword, syntax, Parser, TokenKind, DEPTH_MAX};
use crate::config::{Formula, Named, Span};
use crate::error::ConfigError;

/// A formula built so far and its height: the most operators on a path from
/// it down to a name (0 for a name, `TRUE`, `FALSE` or `ENABLED A`).
type Built = (Formula, usize);

/// A prefix operator waiting for its operand.
#[derive(Clone, Copy)]
enum Prefix {
    Not,
    Always,
    Eventually,
}

/// The formula between a pair of parentheses (or the whole formula), as far
/// as it has been read. Operands wait here for their operators' right sides.
#[derive(Default)]
struct Group {
    /// Left sides of `=>` waiting for the right side, with each arrow's span;
    /// `=>` is right-associative, so they are combined from the last.
    implies: Vec<(Built, Span)>,
    /// The left side of a `~>` and its span.
    leads_to: Option<(Built, Span)>,
    /// The disjuncts of the current `\/` chain, and the span of its first `\/`.
    disjuncts: Vec<Built>,
    or_span: Span,
    /// The conjuncts of the current `/\` chain, and the span of its first `/\`.
    conjuncts: Vec<Built>,
    and_span: Span,
    /// Prefix operators read before the current operand, outermost first.
    prefixes: Vec<(Prefix, Span)>,
}

/// The height of a node over children of the given heights, one operator
/// above the tallest; an error at the operator's `span` when that is more
/// than [`DEPTH_MAX`].
fn height(children: impl IntoIterator<Item = usize>, span: Span) -> Result<usize, ConfigError> {
    let height = 1 + children.into_iter().max().unwrap_or(0);
    if height > DEPTH_MAX {
        return Err(syntax(
            span,
            format!(
                "expected a formula nested at most {DEPTH_MAX} operators deep (a chain of `/\\` or `\\/` counts \
                 once), found {height} here"
            ),
        ));
    }
    Ok(height)
}

/// `first /\ ... /\ last` or `first \/ ... \/ last` from `items` and
/// `last`, or `last` alone when there are no items.
fn chain(
    items: &mut Vec<Built>,
    last: Built,
    span: Span,
    build: fn(Vec<Formula>) -> Formula,
) -> Result<Built, ConfigError> {
    if items.is_empty() {
        return Ok(last);
    }
    items.push(last);
    let height = height(items.iter().map(|item| item.1), span)?;
    Ok((build(std::mem::take(items).into_iter().map(|item| item.0).collect()), height))
}

/// `left op right` for a binary operator at `span`.
fn binary(
    left: Built,
    right: Built,
    span: Span,
    build: fn(Box<Formula>, Box<Formula>) -> Formula,
) -> Result<Built, ConfigError> {
    let height = height([left.1, right.1], span)?;
    Ok((build(Box::new(left.0), Box::new(right.0)), height))
}

impl Group {
    /// Wraps `operand` in the prefix operators read before it.
    fn prefixed(&mut self, mut operand: Built) -> Result<Built, ConfigError> {
        while let Some((prefix, span)) = self.prefixes.pop() {
            let height = height([operand.1], span)?;
            let inner = Box::new(operand.0);
            let formula = match prefix {
                Prefix::Not => Formula::Not(inner),
                Prefix::Always => Formula::Always(inner),
                Prefix::Eventually => Formula::Eventually(inner),
            };
            operand = (formula, height);
        }
        Ok(operand)
    }

    /// The conjunction ending in `last`.
    fn conjunction(&mut self, last: Built) -> Result<Built, ConfigError> {
        chain(&mut self.conjuncts, last, self.and_span, Formula::And)
    }

    /// The disjunction ending in `last`.
    fn disjunction(&mut self, last: Built) -> Result<Built, ConfigError> {
        let last = self.conjunction(last)?;
        chain(&mut self.disjuncts, last, self.or_span, Formula::Or)
    }

    /// The operand of `=>` ending in `last`: a disjunction, or `P ~> Q`.
    fn leads_to(&mut self, last: Built) -> Result<Built, ConfigError> {
        let right = self.disjunction(last)?;
        match self.leads_to.take() {
            None => Ok(right),
            Some((left, span)) => binary(left, right, span, Formula::LeadsTo),
        }
    }

    /// The whole group, ending in `last`.
    fn close(&mut self, last: Built) -> Result<Built, ConfigError> {
        let mut formula = self.leads_to(last)?;
        while let Some((left, span)) = self.implies.pop() {
            formula = binary(left, formula, span, Formula::Implies)?;
        }
        Ok(formula)
    }
}

impl Parser {
    /// A temporal formula, up to the first token that cannot continue it.
    pub(super) fn formula(&mut self) -> Result<Formula, ConfigError> {
        // The open groups: the whole formula, then one per open parenthesis
        // with the parenthesis' span. Never empty while reading.
        let mut groups: Vec<(Group, Option<Span>)> = vec![(Group::default(), None)];
        loop {
            // An operand: prefix operators and opening parentheses, then a name.
            let mut operand: Built = loop {
                let token = self.bump();
                let group = &mut groups.last_mut().expect("an open group").0;
                match token.kind {
                    TokenKind::Punct("~") => group.prefixes.push((Prefix::Not, token.span)),
                    TokenKind::Punct("[]") => group.prefixes.push((Prefix::Always, token.span)),
                    TokenKind::Punct("<>") => group.prefixes.push((Prefix::Eventually, token.span)),
                    TokenKind::Punct("(") => groups.push((Group::default(), Some(token.span))),
                    TokenKind::Word(word) if word == "TRUE" || word == "FALSE" => {
                        break (Formula::Bool(word == "TRUE"), 0)
                    }
                    TokenKind::Word(word) if word == "ENABLED" => {
                        break (Formula::Enabled(self.name("an action name after ENABLED")?), 0)
                    }
                    TokenKind::Word(word) if !is_keyword(&word) => {
                        break (Formula::Name(Named { name: word, span: token.span }), 0)
                    }
                    other => {
                        return Err(syntax(
                            token.span,
                            format!(
                                "expected a predicate name, `(`, `~`, `[]`, `<>` or ENABLED in a formula, found {}",
                                describe(&other)
                            ),
                        ))
                    }
                }
            };
            // After a name, what continues a TLA+ state expression (`x = 3`,
            // `Len(log)`, `r \in S`, `pc[1]`) rather than a formula.
            if let Formula::Name(named) = &operand.0 {
                let token = self.peek();
                let expression = match &token.kind {
                    TokenKind::Punct(p) => !matches!(*p, "/\\" | "\\/" | "~>" | "=>" | ")"),
                    TokenKind::Int(_) | TokenKind::Str(_) | TokenKind::Backslash(_) | TokenKind::Other(_) => true,
                    TokenKind::Word(_) | TokenKind::Eof => false,
                };
                if expression {
                    return Err(ConfigError::expression_in_formula(token.span, &describe(&token.kind), &named.name));
                }
            }
            // What follows the operand: an infix operator (then the next
            // operand), or the end of its group.
            loop {
                let group = &mut groups.last_mut().expect("an open group").0;
                operand = group.prefixed(operand)?;
                let token = self.peek().clone();
                match token.kind {
                    TokenKind::Punct("/\\") => {
                        if group.conjuncts.is_empty() {
                            group.and_span = token.span;
                        }
                        group.conjuncts.push(operand);
                    }
                    TokenKind::Punct("\\/") => {
                        let disjunct = group.conjunction(operand)?;
                        if group.disjuncts.is_empty() {
                            group.or_span = token.span;
                        }
                        group.disjuncts.push(disjunct);
                    }
                    // A second `~>` ends the group, as in TLA+, where `~>`
                    // does not associate; what follows then says why.
                    TokenKind::Punct("~>") if group.leads_to.is_none() => {
                        group.leads_to = Some((group.disjunction(operand)?, token.span));
                    }
                    TokenKind::Punct("=>") => {
                        let left = group.leads_to(operand)?;
                        group.implies.push((left, token.span));
                    }
                    _ => {
                        let whole = group.close(operand)?;
                        let (_, open) = groups.pop().expect("an open group");
                        if open.is_none() {
                            return Ok(whole.0);
                        }
                        self.expect_punct(")", "to close the parenthesis")?;
                        // The group is an operand of the group around it.
                        operand = whole;
                        continue;
                    }
                }
                self.bump();
                break;
            }
        }
    }
}
