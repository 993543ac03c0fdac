//! One statute table as an HTML table: row groups, column groups, header scopes, and the
//! `headers` attribute where scopes alone would name other header cells than the PDF's.
//!
//! A screen reader finds a data cell's headers by the HTML standard's algorithm ("forming
//! relationships between data cells and header cells"): scanning left for row headers and up
//! for column headers (a header run already passed hides a later one of the same position and
//! size), plus the row group and column group headers of its groups. [`scope_headers`]
//! implements it. Where its answer differs from the model's headers ([`cell_marks`], the same
//! as the tagged PDF's `/Headers`; in table 二, whose blocks have headers of different
//! widths), the cell lists them in `headers`; elsewhere the scopes say it all, and the
//! output stays small.

use super::{css_num, text};
use crate::layout::table::cell_marks;
use crate::model::{Align, CellRole, Table};
use crate::style::TEXT_WIDTH;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// The `scope` of a header cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Col,
    ColGroup,
    Row,
    RowGroup,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Col => "col",
            Scope::ColGroup => "colgroup",
            Scope::Row => "row",
            Scope::RowGroup => "rowgroup",
        }
    }
}

/// A listed cell, placed.
struct Placed {
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
    /// `Some` for a `<th>`.
    scope: Option<Scope>,
    /// The index of its row group (`<thead>` is group 0 when there is one).
    group: usize,
    empty: bool,
}

/// Whether a row only heads what follows it (a header or 「第二十条第（X）项」 row).
fn heads_next(t: &Table, r: usize) -> bool {
    t.rows[r]
        .cells
        .iter()
        .all(|c| matches!(c.role, CellRole::Group | CellRole::Header | CellRole::Note))
}

/// The column groups: one for each cell of the first header row (their ranges of grid
/// columns), or one for the whole table when there is no header row or the first row does
/// not cover every column exactly.
fn column_groups(t: &Table) -> Vec<(usize, usize)> {
    let cols = t.widths.len();
    let whole = vec![(0, cols)];
    if t.header_rows == 0 {
        return whole;
    }
    let Some(row) = t.rows.first() else { return whole };
    let mut groups: Vec<(usize, usize)> = row.cells.iter().map(|c| (c.col, c.col + c.col_span)).collect();
    groups.sort_unstable();
    let mut at = 0;
    for &(a, b) in &groups {
        if a != at || b > cols {
            return whole;
        }
        at = b;
    }
    if at == cols {
        groups
    } else {
        whole
    }
}

/// For each row: whether it opens a new row group (`<thead>` for the header rows, then a
/// `<tbody>` at the first body row and wherever a header-only row follows a data row).
fn group_starts(t: &Table) -> Vec<bool> {
    let hdr = t.header_rows.min(t.rows.len());
    (0..t.rows.len())
        .map(|r| r == 0 || r == hdr || (r > hdr && heads_next(t, r) && !heads_next(t, r - 1)))
        .collect()
}

/// Every listed cell in row order, with its scope and row group.
fn place(t: &Table, groups: &[(usize, usize)], starts: &[bool]) -> Vec<Placed> {
    let hdr = t.header_rows.min(t.rows.len());
    let mut group = 0;
    let mut out = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        if r > 0 && starts[r] {
            group += 1;
        }
        for c in &row.cells {
            let span = (c.col, c.col + c.col_span);
            let scope = match c.role {
                CellRole::Header | CellRole::Group if r < hdr => Some(
                    if r == 0 && c.col_span > 1 && groups.len() > 1 && groups.contains(&span) {
                        Scope::ColGroup
                    } else {
                        Scope::Col
                    },
                ),
                // A group row opens its <tbody> and heads the rest of it.
                CellRole::Group if starts[r] => Some(Scope::RowGroup),
                CellRole::Header | CellRole::Group => Some(Scope::Col),
                CellRole::Label => Some(Scope::Row),
                CellRole::Note | CellRole::Value => None,
            };
            out.push(Placed {
                row: r,
                col: c.col,
                rows: c.row_span,
                cols: c.col_span,
                scope,
                group,
                empty: c.text.trim().is_empty(),
            });
        }
    }
    out
}

/// The header cells (indices into `cells`) the HTML standard's algorithm assigns to data
/// cell `p` from the scopes alone.
fn scope_headers(cells: &[Placed], grid: &[Vec<usize>], groups: &[(usize, usize)], p: usize) -> BTreeSet<usize> {
    let pc = &cells[p];
    let mut found = BTreeSet::new();
    let mut scan = |x0: usize, y0: usize, dx: isize, dy: isize| {
        let (mut x, mut y) = (x0 as isize, y0 as isize);
        let mut opaque: Vec<usize> = Vec::new();
        let mut block: Vec<usize> = Vec::new();
        let mut in_block = false;
        loop {
            x += dx;
            y += dy;
            if x < 0 || y < 0 {
                break;
            }
            let Some(&i) = grid.get(y as usize).and_then(|row| row.get(x as usize)) else {
                break;
            };
            if i == usize::MAX {
                continue;
            }
            let c = &cells[i];
            match c.scope {
                Some(scope) => {
                    in_block = true;
                    block.push(i);
                    let blocked = if dx == 0 {
                        opaque.iter().any(|&o| cells[o].col == c.col && cells[o].cols == c.cols) || scope != Scope::Col
                    } else {
                        opaque.iter().any(|&o| cells[o].row == c.row && cells[o].rows == c.rows) || scope != Scope::Row
                    };
                    if !blocked {
                        found.insert(i);
                    }
                }
                None if in_block => {
                    in_block = false;
                    opaque.append(&mut block);
                }
                None => {}
            }
        }
    };
    for y in pc.row..pc.row + pc.rows {
        scan(pc.col, y, -1, 0);
    }
    for x in pc.col..pc.col + pc.cols {
        scan(x, pc.row, 0, -1);
    }
    let last_x = pc.col + pc.cols - 1;
    let last_y = pc.row + pc.rows - 1;
    let colgroup_of = |x: usize| groups.iter().position(|&(a, b)| a <= x && x < b);
    for (i, c) in cells.iter().enumerate() {
        let reach = c.col <= last_x && c.row <= last_y;
        match c.scope {
            Some(Scope::RowGroup) if reach && c.group == pc.group => {
                found.insert(i);
            }
            Some(Scope::ColGroup) if reach && colgroup_of(c.col) == colgroup_of(pc.col) => {
                found.insert(i);
            }
            _ => {}
        }
    }
    found.retain(|&i| !cells[i].empty && i != p);
    found
}

/// What a table's markup needs beyond its texts: row and column groups, each cell's scope,
/// the `headers` of the data cells that need them and the header cells those name. It
/// depends on the table's structure only (spans and roles, and which header cells are
/// blank), so it is computed once per structure and process ([`plan`]).
struct Plan {
    groups: Vec<(usize, usize)>,
    starts: Vec<bool>,
    cells: Vec<Placed>,
    explicit: Vec<Option<Vec<usize>>>,
    referenced: BTreeSet<usize>,
}

/// A table's structure: its id, header rows and columns, and each listed cell's anchor,
/// spans, role and (for a header) blankness.
type Shape = (String, usize, usize, Vec<(usize, usize, usize, usize, u8, bool)>);

fn shape(t: &Table) -> Shape {
    let cells = t
        .rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.cells.iter().map(move |c| {
                let blank = c.role != CellRole::Value && c.text.trim().is_empty();
                (r, c.col, c.row_span, c.col_span, c.role as u8, blank)
            })
        })
        .collect();
    (t.id.clone(), t.header_rows, t.widths.len(), cells)
}

/// The plan of a table, from the cache of its shape (the statute has six table shapes).
fn plan(t: &Table) -> Arc<Plan> {
    static CACHE: OnceLock<Mutex<HashMap<Shape, Arc<Plan>>>> = OnceLock::new();
    let key = shape(t);
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Arc::clone(p);
    }
    let p = Arc::new(make_plan(t));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    // A user-made template could make shapes without end: the cache stays small.
    if map.len() >= 64 {
        map.clear();
    }
    map.insert(key, Arc::clone(&p));
    p
}

fn make_plan(t: &Table) -> Plan {
    let groups = column_groups(t);
    let starts = group_starts(t);
    let cells = place(t, &groups, &starts);
    let cols = t.widths.len();
    let mut grid = vec![vec![usize::MAX; cols]; t.rows.len()];
    for (i, c) in cells.iter().enumerate() {
        for row in grid.iter_mut().skip(c.row).take(c.rows) {
            for slot in row.iter_mut().skip(c.col).take(c.cols) {
                *slot = i;
            }
        }
    }
    let index_of: BTreeMap<(usize, usize), usize> =
        cells.iter().enumerate().map(|(i, c)| ((c.row, c.col), i)).collect();
    // The `headers` each data cell needs: only where the scopes disagree with the model.
    let marks = cell_marks(t);
    let explicit: Vec<Option<Vec<usize>>> = cells
        .iter()
        .enumerate()
        .zip(&marks)
        .map(|((i, c), m)| {
            if c.scope.is_some() || m.headers.is_empty() {
                return None;
            }
            let want: BTreeSet<usize> = m.headers.iter().filter_map(|h| index_of.get(h).copied()).collect();
            (want != scope_headers(&cells, &grid, &groups, i)).then(|| want.into_iter().collect())
        })
        .collect();
    let referenced: BTreeSet<usize> = explicit.iter().flatten().flatten().copied().collect();
    Plan {
        groups,
        starts,
        cells,
        explicit,
        referenced,
    }
}

/// Writes table number `n` (1-based in the document), in its scrolling region, with its
/// caption: the table's name and its section's words (`section`: the heading before it).
pub(super) fn write(out: &mut String, t: &Table, n: usize, section: Option<&str>) {
    let p = format!("nb{n}-");
    let plan = plan(t);
    let Plan {
        groups,
        starts,
        cells,
        explicit,
        referenced,
    } = &*plan;
    let cols = t.widths.len();

    let caption = match section {
        Some(h) => format!("{}　{}", t.name, h.split_once('、').map_or(h, |x| x.1)),
        None => t.name.clone(),
    };
    let _ = write!(
        out,
        "<div class=\"nb-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"{p}c\">\n<table{}>\n<caption id=\"{p}c\" class=\"nb-sr\">",
        if cols > 4 { " class=\"nb-wide\"" } else { "" }
    );
    text(out, &caption);
    out.push_str("</caption>\n");
    let total = TEXT_WIDTH.0 as f64;
    for &(a, b) in groups {
        out.push_str("<colgroup>");
        for w in &t.widths[a..b] {
            let _ = write!(out, "<col style=\"width:{}%\">", css_num(w.0 as f64 * 100.0 / total));
        }
        out.push_str("</colgroup>\n");
    }
    let hdr = t.header_rows.min(t.rows.len());
    let mut i = 0;
    for (r, row) in t.rows.iter().enumerate() {
        if starts[r] {
            if r > 0 {
                out.push_str(if r == hdr && hdr > 0 {
                    "</thead>\n"
                } else {
                    "</tbody>\n"
                });
            }
            out.push_str(if r < hdr { "<thead>\n" } else { "<tbody>\n" });
        }
        out.push_str("<tr>");
        for cell in &row.cells {
            let pc = &cells[i];
            let tag = if pc.scope.is_some() { "th" } else { "td" };
            out.push('<');
            out.push_str(tag);
            if let Some(s) = pc.scope {
                let _ = write!(out, " scope=\"{}\"", s.as_str());
                if referenced.contains(&i) {
                    let _ = write!(out, " id=\"{p}{r}-{}\"", cell.col);
                }
            }
            if cell.row_span > 1 {
                let _ = write!(out, " rowspan=\"{}\"", cell.row_span);
            }
            if cell.col_span > 1 {
                let _ = write!(out, " colspan=\"{}\"", cell.col_span);
            }
            match cell.role {
                CellRole::Note => out.push_str(" class=\"nb-note\""),
                _ if pc.scope.is_some() && cell.align == Align::Left => out.push_str(" class=\"nb-l\""),
                _ => {}
            }
            if let Some([red, green, blue]) = cell.shade {
                let _ = write!(out, " style=\"background:#{red:02x}{green:02x}{blue:02x}\"");
            }
            if let Some(hs) = &explicit[i] {
                out.push_str(" headers=\"");
                for (k, &h) in hs.iter().enumerate() {
                    if k > 0 {
                        out.push(' ');
                    }
                    let _ = write!(out, "{p}{}-{}", cells[h].row, cells[h].col);
                }
                out.push('"');
            }
            out.push('>');
            text(out, &cell.text);
            let _ = write!(out, "</{tag}>");
            i += 1;
        }
        out.push_str("</tr>\n");
    }
    if !t.rows.is_empty() {
        out.push_str(if hdr == t.rows.len() {
            "</thead>\n"
        } else {
            "</tbody>\n"
        });
    }
    out.push_str("</table>\n</div>\n");
}
