//! `nianbao init --from LAST.json`: next year's report begun from last year's.
//!
//! Kept: the agency (and `agency_id`), the title with its year moved on, and the prose
//! structure: headings, and the paragraphs too with `keep_prose`. The tables start from zero,
//! except the cells that follow from last year by the year-to-year rules
//! ([`crate::template::carry`]): 二、上年结转 = last year's 四、结转下年度继续办理 per column
//! (and 四 the same, so that I-1 holds until the year's figures are entered), the 2021
//! 现行有效件数 and the 2019 上一年项目数量. A 2019-format report becomes a 2021-format one
//! when the new year is 2021 or later; a cell that the rules carry but one of the formats lacks
//! is named in a note. `date` is [`crate::input::DATE_PLACEHOLDER`].

use crate::crosscheck::series::Entry;
use crate::diag::{Diagnostic, Locus, Severity};
use crate::error::{Class, Error};
use crate::input::{Block, Report};
use crate::template::carry::{self, Fit};
use crate::template::{CellKind, Format};
use crate::validate::{self, Checked, Value as Cell};
use serde_json::{json, Map, Value};

/// What `init --from` takes besides last year's report.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The new report's year; default: last year's + 1.
    pub year: Option<i64>,
    /// The new report's format; default: the one the statute prescribes for the year.
    pub format: Option<Format>,
    /// A new name of the agency; default: last year's.
    pub agency: Option<&'a str>,
    /// Keep last year's paragraphs (default: headings only).
    pub keep_prose: bool,
}

/// The new report and the notes about making it (cells without counterpart, last year's
/// empty cells, a title that does not name the year, last year's own carry-over mistakes).
#[derive(Debug, Clone)]
pub struct NextYear {
    pub report: Value,
    /// Warnings; none of them stops the report.
    pub notes: Vec<Diagnostic>,
}

/// Why no report was made.
#[derive(Debug, Clone)]
pub enum FromError {
    /// Last year's report has errors (read as published: identity failures do not count).
    /// Every error of it, in reading order; its warnings are left to `validate` (the
    /// as-published identity warnings would only add noise to a refusal).
    Rejected(Vec<Diagnostic>),
    /// The options do not fit last year's report (class `argument`), or the report made does
    /// not validate (class `internal`: a bug).
    Failed(Error),
}

/// Makes next year's report from the bytes of last year's. The report returned validates with
/// the single warning `date-placeholder` (and `format-year` when `format` does not fit the
/// year); its totals are computed, so that every identity holds.
pub fn next_year(last_bytes: &[u8], opts: &Options<'_>) -> Result<NextYear, FromError> {
    let published = validate::Options {
        as_published: true,
        strict: false,
    };
    let (last, diags) = crate::load(last_bytes, published);
    let last = match last {
        Some(c) if !crate::diag::has_errors(&diags) => c,
        _ => {
            let errors = diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
            return Err(FromError::Rejected(errors));
        }
    };
    let from = &last.report;
    let year = opts.year.unwrap_or(from.year + 1);
    if year <= from.year {
        return Err(FromError::Failed(Error::new(
            Class::Argument,
            format!(
                "--year {year} is not after the year of last year's report ({})",
                from.year
            ),
        )));
    }
    if !(2008..=2100).contains(&year) {
        return Err(FromError::Failed(Error::new(
            Class::Argument,
            format!("the new report's year {year} lies outside 2008–2100"),
        )));
    }
    let format = opts.format.unwrap_or(Format::for_year(year));
    let agency = opts.agency.unwrap_or(&from.agency);
    let mut notes = Vec::new();

    let template = format.template();
    let title = title(from, year, agency, &mut notes);
    let skeleton = match crate::init::skeleton(format, Some(year), Some(agency)) {
        Value::Object(m) => m,
        _ => Map::new(), // a skeleton is always an object
    };
    // The skeleton's fields in its order, with last year's agency_id, title and prose.
    let mut root = Map::new();
    for (key, value) in skeleton {
        match key.as_str() {
            "agency" => {
                root.insert(key, value);
                if let Some(id) = &from.agency_id {
                    root.insert("agency_id".into(), json!(id));
                }
            }
            "title" => {
                if let Some(t) = &title {
                    root.insert(key, t.clone());
                }
                root.insert("date".into(), json!(crate::input::DATE_PLACEHOLDER));
            }
            "preamble" => {
                root.insert(key, blocks(&from.preamble, opts.keep_prose));
            }
            "sections" => {
                let sections: Map<String, Value> = template
                    .prose_keys()
                    .map(|k| {
                        let b = from.sections.get(k).map(Vec::as_slice).unwrap_or_default();
                        (k.to_string(), blocks(b, opts.keep_prose))
                    })
                    .collect();
                root.insert(key, Value::Object(sections));
            }
            _ => {
                root.insert(key, value);
            }
        }
    }
    carry_cells(&last, format, year, &mut root, &mut notes);
    let mut report = Value::Object(root);
    let checked = compute_totals(&mut report)?;
    notes.extend(
        crate::crosscheck::series::check(
            &[
                ("last year's report".to_string(), Entry::of(&last)),
                ("the new report".to_string(), Entry::of(&checked)),
            ],
            false,
        )
        .into_iter()
        .map(|f| f.diagnostic),
    );
    Ok(NextYear { report, notes })
}

/// Last year's title with its year moved on (and the agency renamed when it is): `None` when
/// last year's report had no title (the default follows the year by itself).
fn title(from: &Report, year: i64, agency: &str, notes: &mut Vec<Diagnostic>) -> Option<Value> {
    let default = [from.agency.clone(), format!("{}年政府信息公开工作年度报告", from.year)];
    if !from.title_lines_given && from.title[..] == default[..] {
        return None;
    }
    let (old_year, new_year) = (format!("{}年", from.year), format!("{year}年"));
    if !from.title.iter().any(|l| l.contains(&old_year)) {
        notes.push(
            Diagnostic::warning(
                "title-year",
                Locus::Path {
                    path: "$.title".into(),
                    line: None,
                    column: None,
                },
                format!("last year's title does not name 「{old_year}」: it is kept as it was"),
            )
            .with_hint(format!("make the title name 「{new_year}」")),
        );
    }
    let lines: Vec<String> = from
        .title
        .iter()
        .map(|l| {
            let l = l.replace(&old_year, &new_year);
            if agency != from.agency && !from.agency.is_empty() {
                l.replace(&from.agency, agency)
            } else {
                l
            }
        })
        .collect();
    Some(if from.title_lines_given {
        json!(lines)
    } else {
        json!(lines.concat())
    })
}

/// Prose blocks as input JSON: headings always (a run-in heading too, as a heading of its
/// level), paragraphs when `keep` (bold runs as `**…**`, a run-in heading with its text).
fn blocks(blocks: &[Block], keep: bool) -> Value {
    use crate::model::{Run, RunStyle};
    let text = |runs: &[Run]| -> String {
        runs.iter()
            .map(|r| match r.style {
                RunStyle::Bold => format!("**{}**", r.text),
                _ => r.text.clone(),
            })
            .collect()
    };
    let out: Vec<Value> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } => Some(json!({"heading": text, "level": level})),
            Block::Paragraph(runs) => match runs.split_first().map(|(f, rest)| (f, f.style, rest)) {
                Some((first, RunStyle::Heading(level), rest)) => Some(if keep {
                    json!({"heading": first.text, "level": level, "text": text(rest)})
                } else {
                    json!({"heading": first.text, "level": level})
                }),
                _ if keep => Some(Value::String(text(runs))),
                _ => None,
            },
        })
        .collect();
    Value::Array(out)
}

/// Sets the cells that follow from last year ([`carry::rules`]); totals are left for
/// [`compute_totals`]. Notes each cell one format has and the other lacks, and each of last
/// year's cells that is empty or gives no count.
fn carry_cells(last: &Checked, format: Format, year: i64, root: &mut Map<String, Value>, notes: &mut Vec<Diagnostic>) {
    let from = last.report.format;
    let (old, new) = (from.template(), format.template());
    for inst in carry::rules().iter().flat_map(carry::Rule::instances) {
        match inst.fit(from, format) {
            Fit::Neither => {}
            Fit::NoSource => notes.push(
                Diagnostic::warning(
                    "no-counterpart",
                    validate::locus(new, &inst.this),
                    format!(
                        "last year's report, in the {from} format, has no counterpart of this cell: 0 written ({})",
                        inst.rule.statement
                    ),
                )
                .with_hint(format!("write the figure for the end of {year}")),
            ),
            Fit::NoTarget => notes.push(
                Diagnostic::warning(
                    "no-counterpart",
                    validate::locus(old, &inst.last[0]),
                    format!(
                        "last year's {}: no counterpart in the {format} format, dropped ({})",
                        terms(last, &inst.last, from, &inst.last[0]),
                        inst.rule.statement
                    ),
                )
                .with_hint(format!("the {format} format does not report it")),
            ),
            Fit::Both => {
                if new.keys()[&inst.this].kind == CellKind::Total {
                    continue;
                }
                let kind = new.keys()[&inst.this].kind;
                let sum: Option<i64> = inst
                    .last
                    .iter()
                    .map(|k| match &last.values[k] {
                        Cell::Int(i) => Some(*i),
                        _ => None,
                    })
                    .sum();
                match sum {
                    Some(v) if v >= 0 || kind == CellKind::Signed => {
                        crate::init::insert_path(root, &inst.this, json!(v));
                        if let Some(b) = &inst.balance {
                            crate::init::insert_path(root, b, json!(v));
                        }
                    }
                    _ => notes.push(
                        Diagnostic::warning(
                            "from-empty-cell",
                            validate::locus(new, &inst.this),
                            format!(
                                "no count follows from last year's {}: 0 written ({})",
                                terms(last, &inst.last, format, &inst.this),
                                inst.rule.statement
                            ),
                        )
                        .with_hint("write the figure"),
                    ),
                }
            }
        }
    }
}

/// Last year's cells with their values, each named against `reference` (a cell of `format`,
/// [`carry::name_against`]): 「上一年项目数量 = 396, 本年增/减 = 0」.
fn terms(last: &Checked, keys: &[String], format: Format, reference: &str) -> String {
    let reference = &format.template().keys()[reference];
    keys.iter()
        .map(|k| {
            let name = carry::name_against(last.report.format, k, reference);
            match last.values[k].text() {
                t if t.is_empty() => format!("{name} (empty)"),
                t => format!("{name} = {t}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes every total cell of `report` as computed from its parts (so that the identities hold
/// whatever last year printed), and returns the report checked. A report that does not
/// validate is a bug (class `internal`).
fn compute_totals(report: &mut Value) -> Result<Checked, FromError> {
    let format = report["format"]
        .as_str()
        .and_then(Format::parse)
        .expect("set from a Format");
    let template = format.template();
    let mut probe = report.clone();
    for (key, kc) in template.keys() {
        if kc.kind == CellKind::Total {
            remove_path(&mut probe, key);
        }
    }
    let bytes = serde_json::to_vec(&probe).expect("JSON values serialise");
    let (checked, diags) = crate::load(&bytes, validate::Options::default());
    let internal = |why: String| FromError::Failed(Error::new(Class::Internal, why));
    let checked = match checked {
        Some(c) if !crate::diag::has_errors(&diags) => c,
        _ => {
            let first = diags.iter().find(|d| d.severity == Severity::Error);
            return Err(internal(format!(
                "the report made does not validate: {}",
                first.map_or("unreadable".into(), |d| format!("{}: {}", d.locus, d.message))
            )));
        }
    };
    let root = report.as_object_mut().expect("a report is an object");
    for (key, kc) in template.keys() {
        if let (CellKind::Total, Some(Cell::Int(v))) = (kc.kind, checked.values.get(key)) {
            crate::init::insert_path(root, key, json!(v));
        }
    }
    Ok(checked)
}

fn remove_path(v: &mut Value, key: &str) {
    let mut node = v;
    let mut parts = key.split('.').peekable();
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            if let Value::Object(m) = node {
                m.remove(p);
            }
            return;
        }
        match node.get_mut(p) {
            Some(n) => node = n,
            None => return,
        }
    }
}
