//! Reading a report: bytes → [`Report`], with every problem reported at once.
//!
//! The contract is `spec/input.md` (summarised in the README and in `nianbao schema`).
//! JSON syntax errors are located by line:column; shape and type errors by JSON path (with
//! line:column); unknown fields get a "did you mean" hint, and a field of the other statute
//! format says so. Duplicate keys are errors. A leading UTF-8 BOM is accepted.

mod decimal;
mod keyboard;
mod reader;

use crate::diag::{Diagnostic, Locus};
use crate::template::Format;
use std::collections::BTreeMap;

/// The largest count or total accepted (|signed counts| likewise): 10¹² − 1.
pub const MAX_COUNT: i64 = 999_999_999_999;
/// The most significant digits an amount may have.
pub const MAX_AMOUNT_DIGITS: usize = 24;

pub use crate::model::{Date, Run, RunStyle};

/// A block of prose: a body paragraph (with bold runs, and perhaps a run-in heading first)
/// or a heading on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Run>),
    /// `level` is 2, 3 or 4 (level 1 headings come from the template).
    Heading {
        level: u8,
        text: String,
    },
}

/// The `date` that `nianbao init` writes for the clerk to replace: read as no date (no
/// sign-off), with the warning `date-placeholder` until it is replaced.
pub const DATE_PLACEHOLDER: &str = "YYYY-MM-DD";

/// A statistics cell as written in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Not written: a count is 0, a total is computed.
    Absent,
    /// Written as `null`: printed empty (archive reports).
    Null,
    /// A count, signed count or total.
    Int(i64),
    /// An amount, kept exactly as written (e.g. `"96171.60"`).
    Amount(String),
    /// Written, but rejected by an error diagnostic; printed empty.
    Invalid,
}

/// A report as read from JSON, before the identities are checked.
#[derive(Debug, Clone)]
pub struct Report {
    pub format: Format,
    pub year: i64,
    pub agency: String,
    /// A stable id of the agency (e.g. its 统一社会信用代码), which makes reports of one agency
    /// a series even when its name changes.
    pub agency_id: Option<String>,
    /// The title as written: the elements of a `title` array, a `title` string as one
    /// element, or the default's two parts `[agency, "{year}年政府信息公开工作年度报告"]`.
    pub title: Vec<String>,
    /// Whether `title` was an array: each element is then one printed line (see
    /// [`crate::model::title::title_lines`]).
    pub title_lines_given: bool,
    pub date: Option<Date>,
    pub preamble: Vec<Block>,
    /// Prose sections by key (`overview`, `problems`, `other`).
    pub sections: BTreeMap<String, Vec<Block>>,
    /// Every value key of the format's template.
    pub cells: BTreeMap<String, Cell>,
    /// Where each written cell's key stands in the input (template key → line:column of the
    /// JSON key), so that identity diagnostics can point into the file.
    pub positions: BTreeMap<String, crate::diag::Pos>,
}

/// The largest input read, in bytes (32 MiB; a real report is well under 1 MiB, and a
/// paragraph of several megabytes still fits). Past it, [`parse`] refuses the input with the
/// rule `too-large`, and [`read_limited`] stops reading.
pub const MAX_INPUT_BYTES: usize = 32 << 20;

/// Reads at most [`MAX_INPUT_BYTES`] + 1 bytes: enough for [`parse`] to tell that an input is
/// too large, without reading a huge file or an endless stream into memory.
pub fn read_limited(r: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut buf = Vec::new();
    r.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The encoding bytes that are not UTF-8 look like: UTF-16 (a byte-order mark, or the zero
/// bytes of ASCII text in UTF-16), or GB18030/GBK (every non-ASCII byte in a GB18030 two- or
/// four-byte sequence).
fn guess_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE") {
        return Some("UTF-16LE");
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Some("UTF-16BE");
    }
    let head = &bytes[..bytes.len().min(4096)];
    let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if half > 0 && zeros(1) * 3 >= half && zeros(0) * 10 < half {
        return Some("UTF-16LE");
    }
    if half > 0 && zeros(0) * 3 >= half && zeros(1) * 10 < half {
        return Some("UTF-16BE");
    }
    let mut i = 0;
    let mut multibyte = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        if (0x81..=0xFE).contains(&b) && matches!(at(1), 0x40..=0x7E | 0x80..=0xFE) {
            i += 2;
        } else if (0x81..=0xFE).contains(&b)
            && at(1).is_ascii_digit()
            && (0x81..=0xFE).contains(&at(2))
            && at(3).is_ascii_digit()
        {
            i += 4;
        } else {
            return None;
        }
        multibyte = true;
    }
    multibyte.then_some("GB18030 (GBK)")
}

/// Plain JSON (RFC 8259): none of jsonc-parser's extensions.
pub(crate) const STRICT_JSON: jsonc_parser::ParseOptions = jsonc_parser::ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

/// Parses a report. Returns the report when its shape could be read (possibly with errors in
/// the diagnostics, e.g. a bad count), and every diagnostic found. Never panics on input.
/// Input over [`MAX_INPUT_BYTES`] is refused unread (rule `too-large`); bytes that are not
/// UTF-8 are refused naming the encoding they look like (rule `utf8`).
pub fn parse(bytes: &[u8]) -> (Option<Report>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if bytes.len() > MAX_INPUT_BYTES {
        diags.push(
            Diagnostic::error(
                "too-large",
                Locus::Input,
                format!("the input is larger than {} MiB", MAX_INPUT_BYTES >> 20),
            )
            .with_hint("a report is a few hundred kilobytes; check that this is the right file"),
        );
        return (None, diags);
    }
    if let Some((message, hint)) = keyboard::foreign_format(bytes) {
        diags.push(Diagnostic::error("not-json", Locus::Input, message).with_hint(hint));
        return (None, diags);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf16 = guess_encoding(bytes).filter(|e| e.starts_with("UTF-16"));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if utf16.is_none() => t,
        result => {
            let valid = result.err().map_or(0, |e| e.valid_up_to());
            let upto = &bytes[..valid];
            let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
            let col_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&upto[col_start..]).chars().count() + 1;
            let (message, hint) = match utf16.or_else(|| guess_encoding(bytes)) {
                Some(enc) => (
                    format!("the input is not valid UTF-8; it looks like {enc}"),
                    format!(
                        "save the file as UTF-8, e.g. iconv -f {} -t UTF-8 in.json > out.json{}",
                        enc.split(' ').next().unwrap_or(enc),
                        if enc.starts_with("GB") {
                            " (GB18030 also reads GBK files)"
                        } else {
                            ""
                        }
                    ),
                ),
                None => (
                    "the input is not valid UTF-8".to_string(),
                    "save the file as UTF-8 (GBK/GB18030 files must be converted first)".to_string(),
                ),
            };
            let locus = if utf16.is_some() {
                Locus::Input
            } else {
                Locus::Source { line, column }
            };
            diags.push(Diagnostic::error("utf8", locus, message).with_hint(hint));
            return (None, diags);
        }
    };
    let strict = STRICT_JSON;
    let parsed = match jsonc_parser::parse_to_ast(text, &Default::default(), &strict) {
        Ok(p) => p,
        Err(e) => {
            let (line, column) = (e.line_display(), e.column_display());
            let found = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.chars().nth(column.saturating_sub(1)));
            let hint = found
                .and_then(keyboard::syntax_hint)
                .unwrap_or_else(|| "fix the JSON syntax at this position; a JSON linter shows it too".into());
            let mut message = format!("invalid JSON ({})", e.kind().to_string().to_lowercase());
            if let Some(c) = found.filter(|&c| keyboard::syntax_hint(c).is_some()) {
                message = format!("invalid JSON: unexpected 「{c}」 (U+{:04X})", c as u32);
            }
            diags.push(Diagnostic::error("json-syntax", Locus::Source { line, column }, message).with_hint(hint));
            return (None, diags);
        }
    };
    let Some(root) = parsed.value else {
        diags.push(
            Diagnostic::error("json-syntax", Locus::Input, "the input is empty")
                .with_hint("run `nianbao init` for a skeleton"),
        );
        return (None, diags);
    };
    let (report, mut diags) = reader::read(text, &root, diags);
    // Report in reading order; diagnostics without a position keep their place at the end.
    diags.sort_by_key(|d| match &d.locus {
        Locus::Source { line, column } => (*line, *column),
        Locus::Path {
            line: Some(l),
            column: Some(c),
            ..
        } => (*l, *c),
        _ => (usize::MAX, 0),
    });
    (report, diags)
}

/// The closest known name to a misspelt one, if any is close enough.
pub fn suggest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

/// Splits `**bold**` markup into runs. Fails on an unclosed `**`.
pub fn parse_runs(s: &str) -> Result<Vec<Run>, String> {
    let parts: Vec<&str> = s.split("**").collect();
    if parts.len().is_multiple_of(2) {
        return Err("unclosed bold marker `**`".into());
    }
    Ok(parts
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Run {
            text: t.to_string(),
            style: if i % 2 == 1 { RunStyle::Bold } else { RunStyle::Body },
        })
        .collect())
}

/// Parses `YYYY-MM-DD` into a valid calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        .iter()
        .all(|&i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits {
        return None;
    }
    let year: i32 = s[0..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..10].parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::reader::child;
    use super::*;

    #[test]
    fn runs_split_on_bold_markers() {
        let r = parse_runs("**扩大公开范围。**2020 年").unwrap();
        assert_eq!(
            r,
            vec![
                Run {
                    text: "扩大公开范围。".into(),
                    style: RunStyle::Bold
                },
                Run {
                    text: "2020 年".into(),
                    style: RunStyle::Body
                }
            ]
        );
        assert!(parse_runs("**未闭合").is_err());
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(parse_date("2024-02-29").map(|d| d.day), Some(29));
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2021-1-20").is_none());
    }

    #[test]
    fn suggestions_find_near_misses() {
        assert_eq!(suggest("natual", &["natural", "commercial"]), Some("natural"));
        assert_eq!(suggest("zzzzzz", &["natural", "commercial"]), None);
    }

    #[test]
    fn paths_quote_odd_names() {
        assert_eq!(child("$", "year"), "$.year");
        assert_eq!(child("$", "年份"), "$[\"年份\"]");
    }
}
