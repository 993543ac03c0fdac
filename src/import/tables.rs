//! Tables 二, 三 and 四 read from a [`Source`] by the statute's labels (from the template),
//! never by position in the page: each template table's region is found by its first-row
//! labels, each data row by its row label (in order, fuzzily), and the row's value cells by
//! their order on the resolved grid.

use super::source::{Block, Cell, Source, Table};
use super::text::{norm, similarity, Number};
use crate::diag::{Diagnostic, Locus};
use crate::template::{CellKind, Format, TableTemplate, Template, TextRole};
use serde_json::{Map, Value};

/// How alike a source label must be to the template's to be taken as that row.
const ROW_MATCH: f64 = 0.75;
/// How alike a first-row label must be to place a table.
const MARKER_MATCH: f64 = 0.85;

/// The tables of a source, flattened to rows in reading order: each row as the distinct
/// cells covering it, left to right.
struct Rows<'a> {
    rows: Vec<Vec<&'a Cell>>,
}

impl<'a> Rows<'a> {
    fn new(src: &'a Source) -> Rows<'a> {
        let rows = src
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Para(_) => None,
            })
            .flat_map(|t: &'a Table| (0..t.grid.len()).map(move |r| t.row_cells(r)))
            .collect();
        Rows { rows }
    }

    fn cells(&self, i: usize) -> Vec<&'a Cell> {
        self.rows[i].clone()
    }
}

/// The format whose distinctive labels (those only one template prints) occur more often
/// in the source's tables, with the labels that decided; None when neither occurs.
pub(crate) fn detect_format(src: &Source) -> Option<(Format, Vec<String>)> {
    let labels = |f: Format| -> Vec<(String, String)> {
        f.template()
            .tables
            .iter()
            .flat_map(|t| &t.rows)
            .flat_map(|r| &r.cells)
            .filter_map(|c| c.text.as_ref().map(|t| (norm(t), t.clone())))
            .collect()
    };
    let (a, b) = (labels(Format::F2019), labels(Format::F2021));
    let only = |x: &[(String, String)], y: &[(String, String)]| -> Vec<(String, String)> {
        x.iter()
            .filter(|(n, _)| !y.iter().any(|(m, _)| m == n))
            .cloned()
            .collect()
    };
    let (a_only, b_only) = (only(&a, &b), only(&b, &a));
    let mut seen: Vec<String> = Vec::new();
    for block in &src.blocks {
        if let Block::Table(t) = block {
            seen.extend(t.cells.iter().map(|c| c.norm.clone()));
        }
    }
    let hits = |set: &[(String, String)]| -> Vec<String> {
        let mut v: Vec<String> = set
            .iter()
            .filter(|(n, _)| seen.contains(n))
            .map(|(_, t)| t.clone())
            .collect();
        v.dedup();
        v
    };
    let (h19, h21) = (hits(&a_only), hits(&b_only));
    match h19.len().cmp(&h21.len()) {
        std::cmp::Ordering::Greater => Some((Format::F2019, h19)),
        std::cmp::Ordering::Less => Some((Format::F2021, h21)),
        std::cmp::Ordering::Equal => None,
    }
}

/// Whether any statute table of either format is in the source.
pub(crate) fn has_report_tables(src: &Source) -> bool {
    let rows = Rows::new(src);
    Format::ALL
        .iter()
        .any(|f| f.template().tables.iter().any(|t| find_start(&rows, t).is_some()))
}

/// A template data row: its most specific label and its value keys left to right.
struct DataRow<'t> {
    label: Option<String>,
    keys: Vec<(&'t str, CellKind)>,
    /// For each key: the column header it sits under (normal form) and which occurrence of
    /// that header text it is in its header row (四 has 「结果维持」 three times).
    headers: Vec<Option<(String, usize)>>,
}

/// Whether a template row is a header row: no value, at least one column header.
fn is_header_row(t: &TableTemplate, r: usize) -> bool {
    let cells = &t.rows[r].cells;
    cells.iter().all(|c| c.key.is_none()) && cells.iter().any(|c| c.role == Some(TextRole::Header))
}

fn data_rows<'t>(t: &'t TableTemplate) -> Vec<DataRow<'t>> {
    let Ok(grid) = t.grid() else { return Vec::new() };
    let mut out = Vec::new();
    for r in 0..grid.rows {
        let mut seen = Vec::new();
        let mut label = None;
        let mut keys = Vec::new();
        let mut headers = Vec::new();
        let header_row = (0..r).rev().find(|&h| is_header_row(t, h));
        for c in 0..grid.cols {
            let Some(at) = grid.origin[r][c] else { continue };
            if seen.contains(&at) {
                continue;
            }
            seen.push(at);
            let cell = t.cell(at);
            match (&cell.key, cell.role) {
                (Some(k), _) => {
                    keys.push((k.as_str(), cell.kind.unwrap_or(CellKind::Count)));
                    headers.push(header_row.and_then(|h| header_at(t, &grid, h, c)));
                }
                (None, Some(TextRole::Label)) if keys.is_empty() => label = cell.text.clone(),
                _ => {}
            }
        }
        if !keys.is_empty() {
            out.push(DataRow { label, keys, headers });
        }
    }
    out
}

/// The header text (normal form) covering column `c` of template header row `h`, and how
/// many distinct cells with the same text come before it in that row.
fn header_at(t: &TableTemplate, grid: &crate::template::Grid, h: usize, c: usize) -> Option<(String, usize)> {
    let mut seen = Vec::new();
    for cc in 0..grid.cols {
        let at = grid.origin[h][cc]?;
        if !seen.contains(&at) {
            seen.push(at);
        }
    }
    let target = grid.origin[h][c]?;
    let text = norm(t.cell(target).text.as_deref()?);
    let pos = seen.iter().position(|&a| a == target)?;
    let k = seen[..pos]
        .iter()
        .filter(|&&a| t.cell(a).text.as_deref().map(norm).as_deref() == Some(text.as_str()))
        .count();
    Some((text, k))
}

/// Places a data row's values under their column headers when counting its cells cannot
/// (a cell omitted, a ghost column with content): the nearest source row above (within the
/// table's region) that holds every header the row needs gives each value's grid column.
/// None when no such row exists or two values would share a cell.
fn place_by_headers<'a>(
    rows: &Rows<'a>,
    start: usize,
    at: usize,
    row: &DataRow<'_>,
    right: &[&'a Cell],
) -> Option<Vec<Option<&'a Cell>>> {
    let wanted: Vec<&(String, usize)> = row.headers.iter().map(Option::as_ref).collect::<Option<_>>()?;
    let header_cols = (start..at).rev().take(8).find_map(|i| {
        let cells = &rows.rows[i];
        wanted
            .iter()
            .map(|(text, k)| {
                cells
                    .iter()
                    .filter(|c| c.number == Number::Text && similarity(&c.norm, text) >= MARKER_MATCH)
                    .nth(*k)
                    .map(|c| c.col)
            })
            .collect::<Option<Vec<usize>>>()
    })?;
    let mut placed: Vec<Option<&Cell>> = Vec::new();
    for col in header_cols {
        let cell = right.iter().copied().find(|c| c.col <= col && col < c.col + c.colspan);
        if let Some(c) = cell {
            if placed.iter().flatten().any(|p| std::ptr::eq(*p, c)) {
                return None;
            }
        }
        placed.push(cell);
    }
    Some(placed)
}

/// The first source row holding one of the table's first-row labels (or, failing that,
/// second-row labels).
fn find_start(rows: &Rows<'_>, t: &TableTemplate) -> Option<usize> {
    for probe in 0..2.min(t.rows.len()) {
        let markers: Vec<String> = t.rows[probe]
            .cells
            .iter()
            .filter(|c| c.key.is_none() && c.role != Some(TextRole::Label))
            .filter_map(|c| c.text.as_deref().map(norm))
            .collect();
        let found = (0..rows.rows.len()).find(|&i| {
            rows.rows[i]
                .iter()
                .any(|c| markers.iter().any(|m| similarity(&c.norm, m) >= MARKER_MATCH))
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The statistics tables read into their input objects (`proactive`, `requests`,
/// `review_litigation`), in the template's key order. A cell that cannot be read or placed
/// is `null` and has a diagnostic (a warning: the output stays valid, and says where).
/// Also returns how many of the template's data rows were found.
pub(crate) fn read(src: &Source, template: &Template, diags: &mut Vec<Diagnostic>) -> (Map<String, Value>, usize) {
    let rows = Rows::new(src);
    let mut starts: Vec<(usize, Option<usize>)> = template
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (i, find_start(&rows, t)))
        .collect();
    let mut found: Vec<usize> = starts.iter().filter_map(|s| s.1).collect();
    found.sort_unstable();
    let mut out = Map::new();
    let mut rows_found = 0;
    for (ti, start) in starts.drain(..) {
        let t = &template.tables[ti];
        let mut values: Vec<(String, Value)> = Vec::new();
        match start {
            None => {
                diags.push(Diagnostic::warning(
                    "import-table",
                    Locus::Path {
                        path: format!("$.{}", t.id),
                        line: None,
                        column: None,
                    },
                    format!(
                        "{} was not found in the document; all its cells are empty (null)",
                        t.name
                    ),
                ));
                for row in data_rows(t) {
                    values.extend(row.keys.iter().map(|(k, _)| (k.to_string(), Value::Null)));
                }
            }
            Some(s) => {
                let end = found.iter().copied().find(|&x| x > s).unwrap_or(rows.rows.len());
                rows_found += read_region(&rows, s, end, t, template, &mut values, diags);
            }
        }
        for (key, v) in values {
            crate::init::insert_path(&mut out, &key, v);
        }
    }
    (out, rows_found)
}

fn read_region(
    rows: &Rows<'_>,
    start: usize,
    end: usize,
    t: &TableTemplate,
    template: &Template,
    values: &mut Vec<(String, Value)>,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let mut pos = start;
    let mut found = 0;
    for row in data_rows(t) {
        let hit = (pos..end).find_map(|i| {
            let cells = rows.cells(i);
            match &row.label {
                Some(label) => {
                    let want = norm(label);
                    let (at, score) = cells
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.number == Number::Text)
                        .map(|(j, c)| (j, similarity(&c.norm, &want)))
                        .max_by(|a, b| a.1.total_cmp(&b.1))?;
                    (score >= ROW_MATCH).then(|| (i, cells[at + 1..].to_vec()))
                }
                None => {
                    // A row label the form does not print (「数量」) may lead the row.
                    let mut cells = cells;
                    if cells.len() > row.keys.len() && cells.first().is_some_and(|c| c.number == Number::Text) {
                        cells.remove(0);
                    }
                    let all_values = cells.iter().all(|c| c.number != Number::Text);
                    let vals = trim_ghosts(cells.clone(), row.keys.len());
                    (all_values && vals.len() == row.keys.len()).then_some((i, vals))
                }
            }
        });
        let Some((i, cells)) = hit else {
            let what = match row.label.as_deref() {
                Some(label) => format!("no row labelled 「{label}」 was found in the document"),
                None => format!("no row of {} values was found under the headers", row.keys.len()),
            };
            diags.push(Diagnostic::warning(
                "import-row",
                cell_locus(template, row.keys[0].0),
                format!("{what}; the row's {} cells are empty (null)", row.keys.len()),
            ));
            values.extend(row.keys.iter().map(|(k, _)| (k.to_string(), Value::Null)));
            continue;
        };
        pos = i + 1;
        found += 1;
        let right = cells.clone();
        let cells = trim_ghosts(cells, row.keys.len());
        if cells.len() != row.keys.len() {
            if let Some(placed) = place_by_headers(rows, start, i, &row, &right) {
                for ((key, kind), cell) in row.keys.iter().zip(placed) {
                    let v = match cell {
                        Some(c) => value(template, key, *kind, c, diags),
                        None => {
                            diags.push(Diagnostic::warning(
                                "import-cell",
                                cell_locus(template, key),
                                format!(
                                    "the row ({}…) has no cell under this column; the cell is left empty (null)",
                                    right.first().map(|c| c.origin.as_str()).unwrap_or("")
                                ),
                            ));
                            Value::Null
                        }
                    };
                    values.push((key.to_string(), v));
                }
                continue;
            }
            let origin = cells.first().map(|c| c.origin.as_str()).unwrap_or("");
            for (k, _) in &row.keys {
                diags.push(Diagnostic::warning(
                    "import-cell",
                    cell_locus(template, k),
                    format!(
                        "the row ({origin}…) has {} value cells where the form has {}; the cell cannot be placed and is left empty (null)",
                        cells.len(),
                        row.keys.len()
                    ),
                ));
            }
            values.extend(row.keys.iter().map(|(k, _)| (k.to_string(), Value::Null)));
            continue;
        }
        for ((key, kind), cell) in row.keys.iter().zip(cells) {
            let v = value(template, key, *kind, cell, diags);
            values.push((key.to_string(), v));
        }
    }
    found
}

/// Drops blank cells from the end, then from the start, while the row has more cells than
/// the form (ghost columns, a merged cell split in the source).
fn trim_ghosts(mut cells: Vec<&Cell>, want: usize) -> Vec<&Cell> {
    while cells.len() > want && cells.last().is_some_and(|c| c.number == Number::Blank) {
        cells.pop();
    }
    while cells.len() > want && cells.first().is_some_and(|c| c.number == Number::Blank) {
        cells.remove(0);
    }
    cells
}

fn cell_locus(template: &Template, key: &str) -> Locus {
    crate::validate::locus(template, key)
}

/// One value cell read for its kind. Counts must be whole and (unless signed) not
/// negative; amounts keep their digits as printed; a unit must fit the column.
fn value(template: &Template, key: &str, kind: CellKind, cell: &Cell, diags: &mut Vec<Diagnostic>) -> Value {
    let printed = cell.text.trim();
    let problem = |why: &str| {
        Diagnostic::warning(
            "import-cell",
            cell_locus(template, key),
            format!("{} 「{printed}」 {why}; the cell is left empty (null)", cell.origin),
        )
    };
    let (text, unit) = match cell.number.clone() {
        Number::Blank => return Value::Null,
        Number::Text => {
            diags.push(problem("is not a number"));
            return Value::Null;
        }
        Number::Value { text, unit } => (text, unit),
    };
    let col_label = template.keys().get(key).map(|k| k.col_label.as_str()).unwrap_or("");
    let money = unit.is_some_and(|u| u.ends_with('元'));
    match kind {
        CellKind::Amount => {
            let header_wan = col_label.contains("万元");
            if unit.is_some_and(|u| (u == "万元") != header_wan) || (unit.is_some() && !money) {
                diags.push(problem("has a unit the column does not use"));
                return Value::Null;
            }
            if text.starts_with('-') {
                diags.push(problem("is negative"));
                return Value::Null;
            }
            Value::String(text)
        }
        CellKind::Count | CellKind::Total | CellKind::Signed => {
            if money {
                diags.push(problem("is an amount of money, not a count"));
                return Value::Null;
            }
            if text.contains('.') {
                diags.push(problem("is not a whole number"));
                return Value::Null;
            }
            if text.starts_with('-') && kind != CellKind::Signed {
                diags.push(problem("is negative"));
                return Value::Null;
            }
            match text.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    diags.push(problem("is too large"));
                    Value::Null
                }
            }
        }
    }
}
