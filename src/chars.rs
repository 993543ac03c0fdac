//! Character rules over every string of a report's JSON, each diagnostic at the string's
//! JSON path with its line:column:
//!
//! - `control-character` (error): a control character (U+0000–U+001F except tab and, in a
//!   paragraph, line feed; U+007F–U+009F; the non-characters U+FFFE and U+FFFF). A tab prints
//!   as a space; `"\n"` is a line break inside a paragraph and refused elsewhere.
//! - `missing-glyph` (warning): a character that no font has, neither the fonts in use nor
//!   the machine's. It prints as a box carrying the character as its text.
//!
//! Both rules cost nothing for an ordinary report: the JSON is walked only when its text
//! holds a backslash escape or a suspicious character, and the fonts are loaded only when a
//! character lies outside the bundled fonts' set (`fonts/charset.txt`).

use crate::diag::{Diagnostic, Locus};
use crate::text::charset;
use crate::text::fonts::{FontBook, FontConfig};
use jsonc_parser::ast::Value;
use jsonc_parser::common::Ranged;
use std::collections::BTreeSet;

/// One string value of the input.
pub(crate) struct Str {
    pub(crate) path: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    text: String,
    /// A paragraph of `preamble` or a `sections` array (or the `text` of a run-in heading
    /// there), where `"\n"` is a line break.
    paragraph: bool,
}

impl Str {
    /// The string's value.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    fn locus(&self) -> Locus {
        Locus::Path {
            path: self.path.clone(),
            line: Some(self.line),
            column: Some(self.column),
        }
    }
}

fn text_of(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()
}

/// Every string value of the JSON text (object keys excluded) with its path and position;
/// empty when the text is not JSON (the reader reports that).
pub(crate) fn strings(text: &str) -> Vec<Str> {
    let strict = crate::input::STRICT_JSON;
    let Ok(parsed) = jsonc_parser::parse_to_ast(text, &Default::default(), &strict) else {
        return Vec::new();
    };
    let mut w = Walker {
        text,
        lines: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        out: Vec::new(),
    };
    if let Some(root) = &parsed.value {
        w.walk(root, "$".into(), false);
    }
    w.out
}

struct Walker<'t> {
    text: &'t str,
    lines: Vec<usize>,
    out: Vec<Str>,
}

impl Walker<'_> {
    /// `prose`: the value is an element of a paragraph array.
    fn walk(&mut self, v: &Value, path: String, prose: bool) {
        match v {
            Value::StringLit(s) => {
                let start = v.start();
                let line = self.lines.partition_point(|&l| l <= start);
                let ls = self.lines[line - 1];
                let column = self.text.get(ls..start).map_or(1, |s| s.chars().count() + 1);
                self.out.push(Str {
                    path,
                    line,
                    column,
                    text: s.value.to_string(),
                    paragraph: prose,
                });
            }
            Value::Array(a) => {
                let paragraphs = path == "$.preamble" || is_section(&path);
                for (i, el) in a.elements.iter().enumerate() {
                    self.walk(el, format!("{path}[{i}]"), paragraphs);
                }
            }
            Value::Object(o) => {
                for p in &o.properties {
                    let name = p.name.as_str();
                    let child = if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        format!("{path}.{name}")
                    } else {
                        format!("{path}[{}]", serde_json::to_string(name).unwrap_or_default())
                    };
                    // The `text` of a run-in heading is the paragraph it starts.
                    self.walk(&p.value, child, prose && name == "text");
                }
            }
            _ => {}
        }
    }
}

/// `$.sections.overview` and the like: one plain key below `sections`.
fn is_section(path: &str) -> bool {
    path.strip_prefix("$.sections.")
        .is_some_and(|k| !k.is_empty() && !k.contains(['.', '[']))
}

/// Whether a character is refused in a string (`paragraph`: where `"\n"` is a line break).
pub fn is_refused_control(c: char, paragraph: bool) -> bool {
    match c {
        '\t' => false,
        '\n' => !paragraph,
        _ => c < ' ' || ('\u{7F}'..='\u{9F}').contains(&c) || matches!(c, '\u{FFFE}' | '\u{FFFF}'),
    }
}

/// The `control-character` errors of a report's JSON text (see the module doc).
pub fn control_characters(bytes: &[u8]) -> Vec<Diagnostic> {
    let Some(text) = text_of(bytes) else {
        return Vec::new();
    };
    // Control characters reach a string only escaped (`\u0001`, `\n`) or as raw C1 and
    // non-characters: without either there is nothing to find.
    if !text.contains('\\') && !text.chars().any(|c| c != '\n' && is_refused_control(c, true)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in strings(text) {
        let bad: BTreeSet<char> = s.text.chars().filter(|&c| is_refused_control(c, s.paragraph)).collect();
        if bad.is_empty() {
            continue;
        }
        let names: Vec<String> = bad.iter().map(|&c| format!("U+{:04X}", c as u32)).collect();
        let hint = if bad.contains(&'\n') {
            "a line break (\\n) is allowed only in a paragraph; a title is an array of lines"
        } else if bad.contains(&'\r') {
            "write a line break as \\n alone, without \\r"
        } else {
            "remove it: such characters are invisible and cannot be printed"
        };
        out.push(
            Diagnostic::error(
                "control-character",
                s.locus(),
                format!(
                    "the text holds the control character{} {}",
                    if bad.len() > 1 { "s" } else { "" },
                    names.join(", ")
                ),
            )
            .with_hint(hint),
        );
    }
    out
}

/// A `missing-glyph` warning for each string that holds one of `missing` (characters no
/// font has), at the string's place.
pub fn locate_missing(bytes: &[u8], missing: &BTreeSet<char>) -> Vec<Diagnostic> {
    if missing.is_empty() {
        return Vec::new();
    }
    let Some(text) = text_of(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in strings(text) {
        let here: BTreeSet<char> = s.text.chars().filter(|c| missing.contains(c)).collect();
        if here.is_empty() {
            continue;
        }
        let names: Vec<String> = here.iter().map(|&c| format!("{c} (U+{:04X})", c as u32)).collect();
        out.push(
            Diagnostic::warning(
                "missing-glyph",
                s.locus(),
                format!(
                    "no font on this machine has {}; {}",
                    names.join(", "),
                    if here.len() > 1 {
                        "they print as boxes"
                    } else {
                        "it prints as a box"
                    }
                ),
            )
            .with_hint(
                "install a font that has it, or name one with --font ROLE=FONT; the PDF keeps the character as text",
            ),
        );
    }
    out
}

/// The `missing-glyph` warnings of a report as `validate` gives them, with the bundled fonts
/// and then the machine's. The fonts are read only when the text holds a character outside
/// the bundled fonts' set (once per process); when they cannot be loaded, nothing is reported.
pub fn missing_glyphs(bytes: &[u8]) -> Vec<Diagnostic> {
    let Some(text) = text_of(bytes) else {
        return Vec::new();
    };
    let unusual: BTreeSet<char> = text
        .chars()
        .filter(|&c| !charset::bundled(c) && !c.is_whitespace() && !c.is_control() && !charset::ignorable(c))
        .collect();
    if unusual.is_empty() {
        return Vec::new();
    }
    // Loaded once per process and shared: `validate DIR` checks reports on many threads, and
    // parsing the fonts (about 20 MB) for each would cost time and memory per thread.
    static BOOK: std::sync::OnceLock<Option<FontBook>> = std::sync::OnceLock::new();
    let Some(book) = BOOK.get_or_init(|| FontBook::load(&FontConfig::default()).ok()) else {
        return Vec::new();
    };
    missing_with(bytes, book, unusual)
}

/// The `missing-glyph` warnings of a report against `book` (fonts the caller loaded, e.g.
/// with `--font`) and then the machine's fonts: [`missing_glyphs`] for fonts other than the
/// bundled defaults, whose coverage `fonts/charset.txt` does not describe.
pub fn missing_glyphs_with(bytes: &[u8], book: &FontBook) -> Vec<Diagnostic> {
    let Some(text) = text_of(bytes) else {
        return Vec::new();
    };
    let candidates: BTreeSet<char> = text
        .chars()
        .filter(|&c| !c.is_whitespace() && !c.is_control() && !charset::ignorable(c))
        .collect::<BTreeSet<char>>()
        .into_iter()
        .filter(|&c| !book.has(c))
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    missing_with(bytes, book, candidates)
}

/// The `missing-glyph` warnings for the characters of `candidates` that neither `book` nor
/// the machine's fonts have.
pub fn missing_with(bytes: &[u8], book: &FontBook, candidates: BTreeSet<char>) -> Vec<Diagnostic> {
    let book = book.with_system_fallbacks(candidates.iter().copied());
    let missing: BTreeSet<char> = candidates.into_iter().filter(|&c| !book.has(c)).collect();
    locate_missing(bytes, &missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(json: &str) -> Vec<(String, String)> {
        control_characters(json.as_bytes())
            .into_iter()
            .map(|d| (d.locus.to_string(), d.message))
            .collect()
    }

    #[test]
    fn control_characters_are_found_with_their_place() {
        let j = "{\"agency\": \"某\\u0001局\",\n \"sections\": {\"overview\": [\"一\\n二\", {\"heading\": \"甲\\n乙\"}]},\n \"title\": [\"a\u{85}\"]}";
        assert_eq!(
            rules(j),
            [
                (
                    "$.agency (1:12)".to_string(),
                    "the text holds the control character U+0001".to_string()
                ),
                (
                    "$.sections.overview[1].heading (2:48)".into(),
                    "the text holds the control character U+000A".into()
                ),
                (
                    "$.title[0] (3:12)".into(),
                    "the text holds the control character U+0085".into()
                ),
            ]
        );
    }

    #[test]
    fn tabs_and_paragraph_breaks_pass() {
        assert!(rules(r#"{"preamble": ["一\t二\n三"], "agency": "某\"局"}"#).is_empty());
        assert!(rules(r#"{"preamble": ["a\r\nb"]}"#)[0].1.contains("U+000D"));
    }

    #[test]
    fn a_private_use_character_is_located() {
        let j = "{\"agency\": \"某局\",\n  \"preamble\": [\"甲\u{E000}乙\"]}";
        let d = missing_glyphs(j.as_bytes());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "missing-glyph");
        assert_eq!(d[0].locus.to_string(), "$.preamble[0] (2:16)");
        assert!(d[0].message.contains("U+E000"), "{}", d[0].message);
        assert!(missing_glyphs("{\"agency\": \"某局¥\"}".as_bytes()).is_empty());
    }
}
