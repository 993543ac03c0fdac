//! Diagnostics: every problem found in a report, collected rather than returned at the first.
//!
//! A [`Diagnostic`] has a severity, a stable rule id (see `templates/README.md` for the list),
//! a [`Locus`] in the user's terms, a message (lowercase, no trailing period) and an optional
//! hint saying what to do; notes add context (e.g. that a cell is left out of the identity
//! checks), and `related` lists the other places that take part (the cells of an identity).
//!
//! [`render`] turns diagnostics into the text a terminal shows (with the source line and a
//! caret); the library itself never prints.

pub mod render;

use serde::Serialize;
use std::fmt;

/// A position in the JSON text: 1-based line and column (columns count characters, after a
/// leading byte-order mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// How bad a problem is. Errors reject the input; warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a problem is, in the terms the user wrote or reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Locus {
    /// The input as a whole (e.g. an empty file).
    Input,
    /// A position in the JSON text, 1-based line and column (columns count characters).
    Source { line: usize, column: usize },
    /// A JSON path such as `$.requests.new.natural`, with the position of that value when known.
    Path {
        path: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
    },
    /// A statistics cell as printed: table 「表三」, row label, column label, and its input key;
    /// `at` is where the key is written in the input, when it is.
    Cell {
        table: String,
        row: String,
        column: String,
        key: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<Pos>,
    },
}

impl fmt::Display for Locus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Locus::Input => f.write_str("input"),
            Locus::Source { line, column } => write!(f, "{line}:{column}"),
            Locus::Path { path, line, column } => match (line, column) {
                (Some(l), Some(c)) => write!(f, "{path} ({l}:{c})"),
                _ => f.write_str(path),
            },
            Locus::Cell { table, row, column, .. } => {
                if row.is_empty() {
                    write!(f, "{table} {column}")
                } else {
                    write!(f, "{table} {row} × {column}")
                }
            }
        }
    }
}

/// One problem found in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule id, e.g. `json-syntax`, `unknown-field`, `I-1`.
    pub rule: &'static str,
    pub locus: Locus,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Context beyond the hint (e.g. "left out of the identity checks").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Other places that take part, e.g. the cells on both sides of a failed identity.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Locus>,
    /// The printed cell (「表三 一、本年新收… × 自然人」) of a diagnostic located by the JSON
    /// path of a table value, when the report's format is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Locus {
    /// The position in the input, when known.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            Locus::Source { line, column } => Some(Pos {
                line: *line,
                column: *column,
            }),
            Locus::Path {
                line: Some(line),
                column: Some(column),
                ..
            } => Some(Pos {
                line: *line,
                column: *column,
            }),
            Locus::Cell { at, .. } => *at,
            _ => None,
        }
    }

    /// The JSON path, when the locus has one (a cell's is `$.` and its key).
    pub fn json_path(&self) -> Option<String> {
        match self {
            Locus::Path { path, .. } => Some(path.clone()),
            Locus::Cell { key, .. } => Some(format!("$.{key}")),
            _ => None,
        }
    }

    /// The printed cell (「表三 （七）总计 × 自然人」), for a cell locus (see also
    /// [`Diagnostic::cell`] for a path locus).
    pub fn cell(&self) -> Option<String> {
        matches!(self, Locus::Cell { .. }).then(|| self.to_string())
    }
}

impl Diagnostic {
    pub fn error(rule: &'static str, locus: Locus, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule,
            locus,
            message: message.into(),
            hint: None,
            notes: Vec::new(),
            related: Vec::new(),
            cell: None,
        }
    }

    pub fn warning(rule: &'static str, locus: Locus, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, locus, message)
        }
    }

    /// Adds what the user should do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_locus_reads_like_the_printed_table() {
        let l = Locus::Cell {
            table: "表三".into(),
            row: "（七）总计".into(),
            column: "自然人".into(),
            key: "requests.results.total.natural".into(),
            at: None,
        };
        assert_eq!(l.to_string(), "表三 （七）总计 × 自然人");
    }

    #[test]
    fn path_locus_shows_position_when_known() {
        let l = Locus::Path {
            path: "$.year".into(),
            line: Some(3),
            column: Some(11),
        };
        assert_eq!(l.to_string(), "$.year (3:11)");
    }
}
