//! Import: published HTML pages and Word files back into the JSON input contract.
//!
//! [`import`] takes the bytes of one file (HTML in UTF-8, GB18030/GBK or Big5, or a .docx),
//! reads it into a format-neutral [`source::Source`] (paragraphs and resolved table grids),
//! finds tables 二, 三 and 四 by the statute's labels from the templates, detects the format,
//! year and agency, splits the prose by the six section headings, and returns the report
//! as JSON with notes (which clue decided what) and diagnostics (cells that could not be
//! read or placed; they are `null` in the JSON). It never guesses a number.

mod docx;
pub mod files;
mod html;
mod prose;
mod source;
mod tables;
mod text;

use crate::diag::{Diagnostic, Locus};
use crate::template::Format;
use serde_json::{Map, Value};
use std::fmt;

/// Values the user gives that take precedence over what the document says.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub format: Option<Format>,
    pub year: Option<i64>,
    pub agency: Option<String>,
}

/// An imported report.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The report in the input contract (see `spec/input.md`), keys in contract order.
    pub json: Value,
    /// How the format, year, agency, title and date were decided, and what was dropped.
    pub notes: Vec<String>,
    /// Cells that could not be read or placed (warnings; the cell is `null`), and missing
    /// year or agency (errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The file holds no statute table (a news page, an image, a .docx with no tables).
    /// `attachment`: a linked document on the page that may hold the report instead.
    NotAReport { attachment: Option<String> },
    /// The file cannot be read as what it claims to be (corrupt or encrypted .docx).
    Unreadable(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NotAReport { attachment } => {
                f.write_str("no 政府信息公开工作年度报告 tables found")?;
                match attachment {
                    Some(a) => write!(
                        f,
                        "; the page links to an attachment ({a}), which may hold the report: import that file"
                    ),
                    None => Ok(()),
                }
            }
            ImportError::Unreadable(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ImportError {}

/// Fewer data rows of the statute's tables than this, and the file is not taken for a
/// report (a table that only shares a heading such as 「行政复议」 is not one).
const MIN_ROWS: usize = 3;

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Docx,
}

/// Sniffs the kind from the content (a zip or OLE signature is Word), else from the name.
pub fn kind_of(bytes: &[u8], name: &str) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Kind::Docx;
    }
    if name.to_ascii_lowercase().ends_with(".docx") {
        return Kind::Docx;
    }
    Kind::Html
}

/// The file extensions `import` reads, lower case.
pub const EXTENSIONS: &[&str] = &["html", "htm", "shtml", "docx"];

/// Imports one file. `name` is only used to tell HTML from DOCX when the content does not.
pub fn import(bytes: &[u8], name: &str, over: &Overrides) -> Result<Imported, ImportError> {
    let mut notes = Vec::new();
    let src = match kind_of(bytes, name) {
        Kind::Docx => docx::read(bytes)?,
        Kind::Html => {
            let (text, how) = html::decode(bytes);
            notes.push(format!("encoding: {how}"));
            let overview: Vec<String> = Format::ALL
                .iter()
                .map(|f| {
                    let h = text::norm(&f.template().sections[0].heading);
                    h.split_once('、').map_or(h.clone(), |x| x.1.to_string())
                })
                .collect();
            html::read(&text, &overview)
        }
    };
    let not_a_report = || ImportError::NotAReport {
        attachment: src.attachments.first().cloned(),
    };
    if !tables::has_report_tables(&src) {
        return Err(not_a_report());
    }
    let mut diags = Vec::new();
    let detected = tables::detect_format(&src);
    let probe_prose = prose::read(&src, Format::F2021.template());
    // Title: from the body, else from the page or document properties.
    let mut title = probe_prose.title.clone();
    let mut title_from = probe_prose.title_from;
    if title.is_empty() {
        if let Some(t) = &src.meta_title {
            title = vec![t.chars().filter(|c| !c.is_whitespace()).collect()];
            title_from = "the page or document title (not printed in the body)";
        }
    }
    let joined: String = title.concat();
    let (t_year, t_agency) = prose::year_agency(&joined);
    // Year.
    let year = match (over.year, t_year, probe_prose.period_year) {
        (Some(y), _, _) => {
            notes.push(format!("year {y}: given with --year"));
            Some(y)
        }
        (None, Some(y), _) => {
            notes.push(format!("year {y}: from {title_from} 「{joined}」"));
            Some(y)
        }
        (None, None, Some(y)) => {
            notes.push(format!(
                "year {y}: from the statistics period (统计期限) in the text; no title gives it"
            ));
            Some(y)
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "import-year",
                    Locus::Path {
                        path: "$.year".into(),
                        line: None,
                        column: None,
                    },
                    "the reported year is not in the document (no title, no statistics period)",
                )
                .with_hint("give it with --year YYYY"),
            );
            None
        }
    };
    // Format.
    let format = match (over.format, &detected, year) {
        (Some(f), _, _) => {
            notes.push(format!("format {f}: given with --format"));
            f
        }
        (None, Some((f, labels)), _) => {
            notes.push(format!(
                "format {f}: from the tables' labels ({})",
                labels
                    .iter()
                    .take(4)
                    .map(|l| format!("「{l}」"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            *f
        }
        (None, None, Some(y)) => {
            let f = Format::for_year(y);
            notes.push(format!(
                "format {f}: from the year {y} (the tables' labels do not decide)"
            ));
            f
        }
        (None, None, None) => {
            notes.push("format 2021: neither the tables' labels nor a year decide; assumed".into());
            Format::F2021
        }
    };
    let template = format.template();
    let prose = prose::read(&src, template);
    // Agency.
    let agency = match (&over.agency, t_agency) {
        (Some(a), _) => {
            notes.push(format!("agency 「{a}」: given with --agency"));
            Some(a.clone())
        }
        (None, Some(a)) => {
            notes.push(format!("agency 「{a}」: from {title_from}"));
            Some(a)
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(
                    "import-agency",
                    Locus::Path {
                        path: "$.agency".into(),
                        line: None,
                        column: None,
                    },
                    "the reporting agency is not in the document (no title names it)",
                )
                .with_hint("give it with --agency NAME"),
            );
            None
        }
    };
    let (values, rows_found) = tables::read(&src, template, &mut diags);
    if rows_found < MIN_ROWS {
        return Err(not_a_report());
    }
    if let Some(d) = &prose.date {
        notes.push(format!("date {d}: from the sign-off"));
    }
    if prose.headings_found.len() < template.sections.len() {
        notes.push(format!(
            "section headings found: {:?} of 1–{}",
            prose.headings_found,
            template.sections.len()
        ));
    }
    if prose.dropped > 0 {
        notes.push(format!(
            "{} paragraph(s) in sections 二–四 (around the tables) have no place in the contract and were dropped",
            prose.dropped
        ));
    }
    let mut j = Map::new();
    j.insert("format".into(), format.as_str().into());
    j.insert("year".into(), year.map_or(Value::Null, Value::from));
    j.insert("agency".into(), agency.map_or(Value::Null, Value::from));
    if !title.is_empty() {
        j.insert("title".into(), title.into());
    }
    if let Some(d) = prose.date {
        j.insert("date".into(), d.into());
    }
    if !prose.preamble.is_empty() {
        j.insert("preamble".into(), prose.preamble.into());
    }
    let mut sections = Map::new();
    for (k, v) in prose.sections {
        sections.insert(k, v.into());
    }
    j.insert("sections".into(), sections.into());
    for t in &template.tables {
        j.insert(
            t.id.clone(),
            values.get(&t.id).cloned().unwrap_or_else(|| Map::new().into()),
        );
    }
    Ok(Imported {
        json: Value::Object(j),
        notes,
        diagnostics: diags,
    })
}
