//! Escaping and truncation for the markup renderers (HTML, SVG, JUnit XML, DOT).

use std::borrow::Cow;

/// Escapes text for XML and HTML, in element content and in quoted attribute
/// values alike: `&`, `<`, `>`, `"` and `'`. Control characters other than tab
/// and newline are not allowed in XML 1.0, so they become U+FFFD.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_forbidden(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters XML 1.0 does not allow in a document.
fn is_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `text` cut to at most `max` characters, the last one an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    assert!(max >= 1, "reports bug: truncating to nothing");
    if text.chars().count() <= max {
        Cow::Borrowed(text)
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        Cow::Owned(cut)
    }
}

/// The width of `text` in characters, the unit of the charts' monospace layout.
pub(crate) fn chars(text: &str) -> usize {
    text.chars().count()
}
