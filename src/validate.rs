//! Checking a read report against its template: computing omitted totals, the identities
//! I-1…I-4, and warnings for `null` cells.
//!
//! In a new report a failed identity is an error; in archive mode (`as_published`) it is a
//! warning and the numbers are printed as given. A cell that failed its own check (a type
//! error, a misspelt key: [`Cell::Invalid`]) takes no part: the identities it is in, and the
//! totals computed from it, are not checked, and say nothing more (its own diagnostic says
//! so). Identity diagnostics point at the key of their cell in the input, and list the cells
//! that take part as `related`.

use crate::diag::{Diagnostic, Locus, Pos};
use crate::input::{Cell, Report};
use crate::template::{CellKind, Template};
use std::collections::{BTreeMap, BTreeSet};

/// How strictly the identities are enforced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Reproduce a published report as it was: identity failures become warnings.
    pub as_published: bool,
    /// Cross-check findings (prose against tables, year against year) are errors, not warnings.
    pub strict: bool,
}

/// A value ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    /// An amount exactly as written.
    Amount(String),
    /// An empty cell (`null` in the input, or a total that could not be computed).
    Empty,
}

impl Value {
    /// The cell text as printed.
    pub fn text(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Amount(a) => a.clone(),
            Value::Empty => String::new(),
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// A report whose every cell has a printable value.
#[derive(Debug, Clone)]
pub struct Checked {
    pub report: Report,
    /// Every value key of the template → the value to print.
    pub values: BTreeMap<String, Value>,
}

/// Computes omitted totals and checks the identities. Appends diagnostics to `diags`.
pub fn check(report: Report, opts: Options, diags: &mut Vec<Diagnostic>) -> Checked {
    let template = report.format.template();
    let keys = template.keys();
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    let mut absent_totals = Vec::new();
    let mut excluded: BTreeSet<String> = BTreeSet::new();
    let at = |key: &str| locus_at(template, key, &report.positions);
    for key in template.keys_in_order() {
        let cell = report.cells.get(key).unwrap_or(&Cell::Absent);
        let kind = keys[key].kind;
        let v = match cell {
            Cell::Int(i) => Value::Int(*i),
            Cell::Amount(a) => Value::Amount(a.clone()),
            Cell::Null => {
                diags.push(
                    Diagnostic::warning("null-cell", at(key), "the cell is empty (null) and prints empty")
                        .with_hint("write the number if it is known; 0 if there were none"),
                );
                Value::Empty
            }
            Cell::Invalid => {
                excluded.insert(key.to_string());
                Value::Empty
            }
            Cell::Absent if kind == CellKind::Total => {
                absent_totals.push(key.to_string());
                continue;
            }
            Cell::Absent if kind == CellKind::Amount => Value::Amount("0".into()),
            Cell::Absent => Value::Int(0),
        };
        values.insert(key.to_string(), v);
    }
    compute_totals(template, &mut values, &absent_totals, &mut excluded, diags);
    check_identities(template, &values, &excluded, &report.positions, opts, diags);
    Checked { report, values }
}

/// Fills omitted totals from the identities that define them (single-term left side),
/// repeating until nothing more can be computed.
fn compute_totals(
    template: &Template,
    values: &mut BTreeMap<String, Value>,
    absent: &[String],
    excluded: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let definitions: Vec<(String, Vec<String>)> = template
        .identities
        .iter()
        .flat_map(|id| id.instances())
        .filter(|(_, lhs, _)| lhs.len() == 1 && absent.contains(&lhs[0]))
        .map(|(_, mut lhs, rhs)| (lhs.remove(0), rhs))
        .collect();
    // A total with several definitions (（七）总计 × 总计: its row and its column) waits until
    // all of them can be evaluated and then takes the first, the row sum, so that an
    // inconsistency is reported where it is and not moved into the computed cell.
    let mut totals: Vec<&String> = definitions.iter().map(|(t, _)| t).collect();
    totals.dedup();
    for all in [true, false] {
        loop {
            let mut progress = false;
            for &total in &totals {
                if values.contains_key(total) {
                    continue;
                }
                let defs: Vec<&Vec<String>> = definitions.iter().filter(|(t, _)| t == total).map(|(_, p)| p).collect();
                let ok = |parts: &Vec<String>| parts.iter().all(|p| values.contains_key(p));
                let usable = if all {
                    defs.iter().all(|d| ok(d))
                } else {
                    defs.iter().any(|d| ok(d))
                };
                let Some(parts) = defs.iter().find(|d| ok(d)).filter(|_| usable) else {
                    continue;
                };
                let sum: Option<i64> = parts.iter().map(|p| values[p].int()).sum();
                let v = match sum {
                    Some(s) => Value::Int(s),
                    // A part failed its own check: said there, not again here.
                    None if parts.iter().any(|p| excluded.contains(p)) => {
                        excluded.insert(total.clone());
                        Value::Empty
                    }
                    None => {
                        diags.push(
                            Diagnostic::warning(
                                "total-not-computed",
                                locus(template, total),
                                "the total is omitted and cannot be computed because a part is empty (null or invalid)",
                            )
                            .with_hint("write the total as published, or fill the empty parts"),
                        );
                        Value::Empty
                    }
                };
                values.insert(total.clone(), v);
                progress = true;
            }
            if !progress {
                break;
            }
        }
    }
    for key in absent {
        values.entry(key.clone()).or_insert(Value::Empty);
    }
}

fn check_identities(
    template: &Template,
    values: &BTreeMap<String, Value>,
    excluded: &BTreeSet<String>,
    positions: &BTreeMap<String, Pos>,
    opts: Options,
    diags: &mut Vec<Diagnostic>,
) {
    for id in &template.identities {
        for (_, lhs, rhs) in id.instances() {
            if lhs.iter().chain(&rhs).any(|k| excluded.contains(k)) {
                continue;
            }
            let sum = |terms: &[String]| -> Option<i64> { terms.iter().map(|k| values[k].int()).sum() };
            let rule = rule_id(&id.id);
            let at = locus_at(template, &lhs[0], positions);
            match (sum(&lhs), sum(&rhs)) {
                (Some(l), Some(r)) if l != r => {
                    let names = |terms: &[String]| match terms.len() {
                        1..=4 => terms.iter().map(|k| label(template, k)).collect::<Vec<_>>().join(" + "),
                        n => format!("the sum of its {n} cells"),
                    };
                    let msg = format!(
                        "identity {} fails: {} = {l}, but {} = {r} ({})",
                        id.id,
                        names(&lhs),
                        names(&rhs),
                        id.statement
                    );
                    let mut d = if opts.as_published {
                        Diagnostic::warning(rule, at, msg).with_hint("printed as published (--as-published)")
                    } else {
                        Diagnostic::error(rule, at, msg).with_hint("correct the numbers, or omit the total to have it computed; use --as-published to reproduce a published report as it was")
                    };
                    d.related = lhs[1..]
                        .iter()
                        .chain(&rhs)
                        .map(|k| locus_at(template, k, positions))
                        .collect();
                    diags.push(d);
                }
                (Some(_), Some(_)) => {}
                _ => diags.push(
                    Diagnostic::warning(
                        rule,
                        at,
                        format!("identity {} not checked: an empty (null) cell takes part", id.id),
                    )
                    .with_hint("fill the empty cells to have the identity checked"),
                ),
            }
        }
    }
}

fn rule_id(id: &str) -> &'static str {
    match id {
        "I-1" => "I-1",
        "I-2" => "I-2",
        "I-3" => "I-3",
        "I-4" => "I-4",
        _ => "identity",
    }
}

/// The printed place of a value cell, e.g. 「表三 （七）总计 × 自然人」; for a key the
/// template does not have, its JSON path (`$.requests.new.natural`).
pub fn locus(template: &Template, key: &str) -> Locus {
    let Some(kc) = template.keys().get(key) else {
        return Locus::Path {
            path: format!("$.{key}"),
            line: None,
            column: None,
        };
    };
    Locus::Cell {
        table: template.tables[kc.table].name.clone(),
        row: kc.row_label.clone(),
        column: kc.col_label.clone(),
        key: key.to_string(),
        at: None,
    }
}

/// Names the printed cell of every diagnostic located at the JSON path of one of the
/// template's values (`$.requests.new.natural` → 表三 一、本年新收政府信息公开申请数量 × 自然人).
pub fn name_cells(template: &Template, diags: &mut [Diagnostic]) {
    for d in diags {
        if let Locus::Path { path, .. } = &d.locus {
            let key = path.strip_prefix("$.").filter(|k| template.keys().contains_key(*k));
            if let Some(k) = key {
                d.cell = Some(locus(template, k).to_string());
            }
        }
    }
}

/// [`locus`], with where the cell's key is written in the input (from
/// [`Report::positions`](crate::input::Report::positions)) when it is.
pub fn locus_at(template: &Template, key: &str, positions: &BTreeMap<String, Pos>) -> Locus {
    match locus(template, key) {
        Locus::Cell {
            table,
            row,
            column,
            key,
            ..
        } => {
            let at = positions.get(&key).copied();
            Locus::Cell {
                table,
                row,
                column,
                key,
                at,
            }
        }
        l => l,
    }
}

fn label(template: &Template, key: &str) -> String {
    let Some(kc) = template.keys().get(key) else {
        return key.to_string();
    };
    if kc.row_label.is_empty() {
        kc.col_label.clone()
    } else {
        format!("{}×{}", kc.row_label, kc.col_label)
    }
}
