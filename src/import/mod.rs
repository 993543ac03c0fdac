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
/// Fails when the file cannot be read as its kind, or holds no statute table; otherwise the
/// JSON is complete in shape, with `null` where a value is unknown and a diagnostic for it
/// (errors for a missing year or agency, warnings for cells).
pub fn import(bytes: &[u8], name: &str, over: &Overrides) -> Result<Imported, ImportError> {
    let mut notes = Vec::new();
    let src = read_source(bytes, name, &mut notes)?;
    let not_a_report = || ImportError::NotAReport {
        attachment: src.attachments.first().cloned(),
    };
    if !tables::has_report_tables(&src) {
        return Err(not_a_report());
    }
    let mut diags = Vec::new();
    // Title: from the body, else from the page or document properties. The section
    // headings are the same in both formats, so either template finds it.
    let probe = prose::read(&src, Format::F2021.template());
    let (title, title_from) = match (&probe.title[..], &src.meta_title) {
        ([], Some(t)) => (
            vec![t.chars().filter(|c| !c.is_whitespace()).collect::<String>()],
            "the page or document title (not printed in the body)",
        ),
        _ => (probe.title.clone(), probe.title_from),
    };
    let joined: String = title.concat();
    let (t_year, t_agency) = prose::year_agency(&joined);
    let year = decide_year(
        over,
        t_year,
        probe.period_year,
        &format!("{title_from} 「{joined}」"),
        &mut notes,
        &mut diags,
    );
    let format = decide_format(over, tables::detect_format(&src), year, &mut notes);
    let agency = decide_agency(over, t_agency, title_from, &mut notes, &mut diags);
    let template = format.template();
    let prose = prose::read(&src, template);
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
    let sections: Map<String, Value> = prose.sections.into_iter().map(|(k, v)| (k, v.into())).collect();
    j.insert("sections".into(), sections.into());
    for t in &template.tables {
        let table = values.get(&t.id).cloned().unwrap_or_else(|| Map::new().into());
        j.insert(t.id.clone(), table);
    }
    Ok(Imported {
        json: Value::Object(j),
        notes,
        diagnostics: diags,
    })
}

/// Reads the bytes as a .docx or as an HTML page (decoded, the article found).
fn read_source(bytes: &[u8], name: &str, notes: &mut Vec<String>) -> Result<source::Source, ImportError> {
    match kind_of(bytes, name) {
        Kind::Docx => docx::read(bytes),
        Kind::Html => {
            let (text, how) = html::decode(bytes);
            notes.push(format!("encoding: {how}"));
            // The words of heading 一 (「总体情况」) mark the article around the tables.
            let overview: Vec<String> = Format::ALL
                .iter()
                .map(|f| {
                    let h = text::norm(&f.template().sections[0].heading);
                    h.split_once('、').map_or(h.clone(), |x| x.1.to_string())
                })
                .collect();
            Ok(html::read(&text, &overview))
        }
    }
}

/// An error for a top-level value the document does not give, with the option that does.
fn missing(rule: &'static str, path: &str, message: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(
        rule,
        Locus::Path {
            path: path.into(),
            line: None,
            column: None,
        },
        message,
    )
    .with_hint(hint)
}

/// The year: `--year`, else the title's, else the statistics period's; else an error.
fn decide_year(
    over: &Overrides,
    from_title: Option<i64>,
    from_period: Option<i64>,
    title: &str,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<i64> {
    let (year, why) = match (over.year, from_title, from_period) {
        (Some(y), _, _) => (y, "given with --year".to_string()),
        (None, Some(y), _) => (y, format!("from {title}")),
        (None, None, Some(y)) => (
            y,
            "from the statistics period (统计期限) in the text; no title gives it".to_string(),
        ),
        _ => {
            diags.push(missing(
                "import-year",
                "$.year",
                "the reported year is not in the document (no title, no statistics period)",
                "give it with --year YYYY",
            ));
            return None;
        }
    };
    notes.push(format!("year {year}: {why}"));
    Some(year)
}

/// The format: `--format`, else the tables' distinctive labels, else the year's format.
fn decide_format(
    over: &Overrides,
    detected: Option<(Format, Vec<String>)>,
    year: Option<i64>,
    notes: &mut Vec<String>,
) -> Format {
    let (format, why) = match (over.format, detected, year) {
        (Some(f), _, _) => (f, "given with --format".to_string()),
        (None, Some((f, labels)), _) => {
            let shown: Vec<String> = labels.iter().take(4).map(|l| format!("「{l}」")).collect();
            (f, format!("from the tables' labels ({})", shown.join(" ")))
        }
        (None, None, Some(y)) => (
            Format::for_year(y),
            format!("from the year {y} (the tables' labels do not decide)"),
        ),
        // No year either: the import fails on the year, so this choice is never output.
        (None, None, None) => (Format::F2021, "undecided (no labels, no year)".to_string()),
    };
    notes.push(format!("format {format}: {why}"));
    format
}

/// The agency: `--agency`, else the title's; else an error.
fn decide_agency(
    over: &Overrides,
    from_title: Option<String>,
    title_from: &str,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let (agency, why) = match (&over.agency, from_title) {
        (Some(a), _) => (a.clone(), "given with --agency".to_string()),
        (None, Some(a)) => (a, format!("from {title_from}")),
        (None, None) => {
            diags.push(missing(
                "import-agency",
                "$.agency",
                "the reporting agency is not in the document (no title names it)",
                "give it with --agency NAME",
            ));
            return None;
        }
    };
    notes.push(format!("agency 「{agency}」: {why}"));
    Some(agency)
}
