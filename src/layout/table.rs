//! Tables on pages: row heights from the wrapped cell text, page breaks between rows with the
//! header rows repeated, and a merged label cut by a break printed again on the new page.

use super::{CellMark, Composer, HeaderScope, Item, LaidLine, Mark};
use crate::model::Run;
use crate::model::{Align, CellRole, Table};
use crate::style::{
    self, TextStyle, CELL_PAD_X, CELL_PAD_Y, LINE_PITCH, MARGIN_LEFT, MARGIN_TOP, RULE_WIDTH, TEXT_HEIGHT,
};
use crate::units::Length;

/// The smallest size cell text is shrunk to when a number or word does not fit its column.
const MIN_SIZE: Length = Length::pt(6);

/// A cell with its text broken into lines.
struct CellBox {
    row: usize,
    col: usize,
    row_span: usize,
    col_span: usize,
    lines: Vec<LaidLine>,
    size: Length,
    align: Align,
    shade: Option<[u8; 3]>,
    /// What the cell is in the table's structure.
    mark: CellMark,
}

fn line_height(size: Length) -> Length {
    size * 4 / 3
}

impl CellBox {
    fn text_height(&self) -> Length {
        line_height(self.size) * self.lines.len().max(1) as i64
    }
}

struct Measured {
    cells: Vec<CellBox>,
    heights: Vec<Length>,
    /// Column left edges, relative to the text block, plus the right edge.
    edges: Vec<Length>,
    /// For each grid row and column: the index in `cells` covering it.
    cover: Vec<Vec<usize>>,
}

fn measure(t: &Table, c: &mut Composer) -> Measured {
    let mut edges = vec![Length::ZERO];
    for w in &t.widths {
        let last = *edges.last().expect("non-empty");
        edges.push(last + *w);
    }
    let mut cells = Vec::new();
    let mut cover = vec![vec![usize::MAX; t.widths.len()]; t.rows.len()];
    let mut marks = cell_marks(t).into_iter();
    for (r, row) in t.rows.iter().enumerate() {
        for cell in &row.cells {
            let mark = marks.next().expect("one mark per cell");
            let w = edges[cell.col + cell.col_span] - edges[cell.col] - CELL_PAD_X * 2;
            let mut st: TextStyle = style::TABLE;
            if cell.role == CellRole::Group {
                st.bold = false;
            }
            let runs = [Run::body(cell.text.clone())];
            let mut lines = c.lines(&runs, st, None, w, w, false);
            // A number or Latin word is measured whole: the line breaker would split it to
            // fit, and a typesetter shrinks it instead.
            let widest = if cell.text.chars().any(|ch| ch.is_whitespace() || ch as u32 >= 0x2E80) {
                lines.iter().map(|l| l.width).max().unwrap_or_default()
            } else {
                let wide = w * 100;
                c.lines(&runs, st, None, wide, wide, false)
                    .iter()
                    .map(|l| l.width)
                    .max()
                    .unwrap_or_default()
            };
            if widest > w && widest.0 > 0 {
                // A number wider than its column: shrink rather than split it.
                // 2% to spare: sizes are rounded where they are drawn.
                st.size = Length((st.size.0 * w.0 / widest.0 * 98 / 100).max(MIN_SIZE.0));
                lines = c.lines(&runs, st, None, w, w, false);
            }
            let idx = cells.len();
            for line in cover.iter_mut().skip(r).take(cell.row_span) {
                for slot in line.iter_mut().skip(cell.col).take(cell.col_span) {
                    *slot = idx;
                }
            }
            cells.push(CellBox {
                row: r,
                col: cell.col,
                row_span: cell.row_span,
                col_span: cell.col_span,
                lines,
                size: st.size,
                align: cell.align,
                shade: cell.shade,
                mark,
            });
        }
    }
    let min_row = line_height(style::TABLE.size) + CELL_PAD_Y * 2;
    let mut heights = vec![min_row; t.rows.len()];
    for cb in cells.iter().filter(|cb| cb.row_span == 1) {
        heights[cb.row] = heights[cb.row].max(cb.text_height() + CELL_PAD_Y * 2);
    }
    let mut spanning: Vec<&CellBox> = cells.iter().filter(|cb| cb.row_span > 1).collect();
    spanning.sort_by_key(|cb| cb.row_span);
    for cb in spanning {
        let rows = cb.row..(cb.row + cb.row_span).min(heights.len());
        let have: Length = heights[rows.clone()].iter().copied().sum();
        let need = cb.text_height() + CELL_PAD_Y * 2;
        if need > have {
            let n = rows.len() as i64;
            let each = Length((need.0 - have.0 + n - 1) / n);
            for h in &mut heights[rows] {
                *h = *h + each;
            }
        }
    }
    Measured {
        cells,
        heights,
        edges,
        cover,
    }
}

/// The structure of each listed cell, in the order of `t.rows[..].cells`. Header cells (TH):
/// column headers and 「第二十条第（X）项」 group rows head the cells below them, row labels the
/// cells right of them. Every other cell (TD) is headed by the nearest run of header rows
/// above it (the header cells covering its columns) and by the row labels left of it in its
/// rows.
pub(crate) fn cell_marks(t: &Table) -> Vec<CellMark> {
    let cols = t.widths.len();
    // For each grid slot: the anchor (row, col) and role of the cell covering it.
    let mut grid: Vec<Vec<Option<(usize, usize, CellRole)>>> = vec![vec![None; cols]; t.rows.len()];
    for (r, row) in t.rows.iter().enumerate() {
        for cell in &row.cells {
            for line in grid.iter_mut().skip(r).take(cell.row_span) {
                for slot in line.iter_mut().skip(cell.col).take(cell.col_span) {
                    *slot = Some((r, cell.col, cell.role));
                }
            }
        }
    }
    let heads_column = |role: CellRole| matches!(role, CellRole::Header | CellRole::Group);
    let mut out = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        for cell in &row.cells {
            let header = match cell.role {
                CellRole::Header | CellRole::Group => Some(HeaderScope::Column),
                CellRole::Label => Some(HeaderScope::Row),
                CellRole::Note | CellRole::Value => None,
            };
            let mut headers: Vec<(usize, usize)> = Vec::new();
            if header.is_none() {
                let span = cell.col..(cell.col + cell.col_span).min(cols);
                // Column headers: the nearest run of rows above holding a header over the
                // cell's columns.
                let mut found = false;
                for above in (0..r).rev() {
                    let mut here = false;
                    for c in span.clone() {
                        if let Some((ar, ac, role)) = grid[above][c] {
                            if heads_column(role)
                                && ar + t.rows[ar].cells.iter().find(|x| x.col == ac).map_or(1, |x| x.row_span) <= r
                            {
                                here = true;
                                if !headers.contains(&(ar, ac)) {
                                    headers.push((ar, ac));
                                }
                            }
                        }
                    }
                    if found && !here {
                        break;
                    }
                    found |= here;
                }
                // Row headers: the labels left of it in its rows.
                for line in grid.iter().skip(r).take(cell.row_span) {
                    for slot in line.iter().take(cell.col) {
                        if let Some((ar, ac, CellRole::Label)) = *slot {
                            if !headers.contains(&(ar, ac)) {
                                headers.push((ar, ac));
                            }
                        }
                    }
                }
                headers.sort_unstable();
            }
            out.push(CellMark {
                row: r,
                col: cell.col,
                row_span: cell.row_span,
                col_span: cell.col_span,
                header,
                headers,
            });
        }
    }
    out
}

/// Whether a row only heads what follows it (a header or 「第二十条第（X）项」 row).
fn heads_next(t: &Table, r: usize) -> bool {
    t.rows[r]
        .cells
        .iter()
        .all(|c| matches!(c.role, CellRole::Group | CellRole::Header | CellRole::Note))
}

/// The height a table needs on the page where it starts: its header rows and first body row
/// (with any heading rows that must stay with it).
pub fn min_start_height(t: &Table, c: &mut Composer) -> Length {
    let m = measure(t, c);
    let mut end = t.header_rows.min(t.rows.len());
    while end < t.rows.len() && heads_next(t, end) {
        end += 1;
    }
    m.heights[..(end + 1).min(t.rows.len())].iter().copied().sum()
}

/// Places table block `block` at the composer's position, breaking pages between rows.
pub fn place(t: &Table, block: usize, c: &mut Composer) {
    let m = measure(t, c);
    let n = t.rows.len();
    let hdr = t.header_rows.min(n);
    let header_h: Length = m.heights[..hdr].iter().copied().sum();
    let mut top = c.y();
    if top + min_start_height(t, c) > TEXT_HEIGHT && c.line > 0 {
        c.new_page();
        top = Length::ZERO;
    }
    // Split the body rows into pages.
    let mut segments: Vec<Vec<usize>> = vec![Vec::new()];
    let mut y = top + header_h;
    for r in hdr..n {
        let mut need = m.heights[r];
        let mut k = r;
        while heads_next(t, k) && k + 1 < n {
            k += 1;
            need = need + m.heights[k];
        }
        let seg = segments.last_mut().expect("non-empty");
        if y + need > TEXT_HEIGHT && !seg.is_empty() {
            // Carry rows over while a merged label continued on the next page would not
            // have room for its text there.
            let mut moved: Vec<usize> = Vec::new();
            // A table without repeated header rows (二) breaks only before a block
            // 「第二十条第（X）项」, so that every row keeps its column headers.
            let splits_block = |at: usize| hdr == 0 && !starts_block(t, at);
            while seg.len() > 1 && {
                let at = moved.first().copied().unwrap_or(r);
                too_short_to_continue(t, &m, at, hdr) || splits_block(at)
            } {
                moved.insert(0, seg.pop().expect("len > 1"));
            }
            y = header_h + moved.iter().map(|&x| m.heights[x]).sum::<Length>();
            segments.push(moved);
        }
        segments.last_mut().expect("non-empty").push(r);
        y = y + m.heights[r];
    }
    for (i, body) in segments.iter().enumerate() {
        if i > 0 {
            c.new_page();
            top = Length::ZERO;
        }
        let mut seg = Vec::with_capacity(hdr + body.len());
        let mut yy = top;
        for r in (0..hdr).chain(body.iter().copied()) {
            seg.push((r, yy));
            yy = yy + m.heights[r];
        }
        draw(t, &m, c, &seg, block, i > 0);
        y = yy;
    }
    // Prose continues on the next whole grid line.
    c.line = (y.0 + LINE_PITCH.0 - 1) / LINE_PITCH.0;
}

/// Whether row `r` starts a block of its own (a 「第二十条第（X）项」 row).
fn starts_block(t: &Table, r: usize) -> bool {
    t.rows[r].cells.iter().any(|c| c.role == CellRole::Group)
}

/// Whether starting a page at row `r` would continue a merged body label (anchored above
/// `r`) in fewer rows than its text needs.
fn too_short_to_continue(t: &Table, m: &Measured, r: usize, hdr: usize) -> bool {
    (0..t.widths.len()).any(|col| {
        let idx = m.cover[r][col];
        if idx == usize::MAX {
            return false;
        }
        let cb = &m.cells[idx];
        if cb.row >= r || cb.row < hdr {
            return false;
        }
        let tail: Length = m.heights[r..cb.row + cb.row_span].iter().copied().sum();
        tail < cb.text_height() + CELL_PAD_Y * 2
    })
}

/// Draws the rows of one page: every cell anchored in them, and the continuation of cells
/// anchored on an earlier page (their text repeated).
/// `block` is the table's block index; on a `continuation` page the header rows are repeats.
fn draw(t: &Table, m: &Measured, c: &mut Composer, seg: &[(usize, Length)], block: usize, continuation: bool) {
    let hdr = t.header_rows.min(t.rows.len());
    let Some(&(first_body, _)) = seg.iter().find(|(r, _)| *r >= hdr) else {
        return;
    };
    let pos = |r: usize| seg.iter().find(|(x, _)| *x == r).map(|&(_, y)| y);
    let mut drawn = Vec::new();
    for &(r, _) in seg {
        for col in 0..t.widths.len() {
            let idx = m.cover[r][col];
            if idx == usize::MAX || drawn.contains(&idx) {
                continue;
            }
            let cb = &m.cells[idx];
            let continued = cb.row < r && r == first_body && cb.row >= hdr;
            if cb.row != r && !continued {
                continue;
            }
            drawn.push(idx);
            // The rows of this cell on this page.
            let rows: Vec<usize> = (r..cb.row + cb.row_span).filter(|x| pos(*x).is_some()).collect();
            let top = pos(r).expect("row on page");
            let h: Length = rows.iter().map(|&x| m.heights[x]).sum();
            // A repeated header row or a continued label is pagination, not content again.
            c.mark = if continued || (continuation && cb.row < hdr) {
                Mark::Pagination
            } else {
                Mark::Cell {
                    block,
                    cell: cb.mark.clone(),
                }
            };
            draw_cell(c, m, cb, top, h);
        }
    }
}

fn draw_cell(c: &mut Composer, m: &Measured, cb: &CellBox, top: Length, h: Length) {
    let x = MARGIN_LEFT + m.edges[cb.col];
    let w = m.edges[cb.col + cb.col_span] - m.edges[cb.col];
    let y = MARGIN_TOP + top;
    if let Some(rgb) = cb.shade {
        c.page.push(Item::Fill { x, y, w, h, rgb }, Mark::Decoration);
    }
    let rule = |x1, y1, x2, y2| Item::Rule {
        x1,
        y1,
        x2,
        y2,
        width: RULE_WIDTH,
    };
    c.page.push(rule(x, y, x + w, y), Mark::Decoration);
    c.page.push(rule(x, y + h, x + w, y + h), Mark::Decoration);
    c.page.push(rule(x, y, x, y + h), Mark::Decoration);
    c.page.push(rule(x + w, y, x + w, y + h), Mark::Decoration);
    if cb.lines.iter().all(|l| l.runs.is_empty()) && matches!(c.mark, Mark::Cell { .. }) {
        let at = c.page.items.len();
        c.page.blanks.push((at, c.mark.clone()));
    }
    let lh = line_height(cb.size);
    let text_top = y + (h - cb.text_height()) / 2;
    for (i, l) in cb.lines.iter().enumerate() {
        let left = match cb.align {
            Align::Left => x + CELL_PAD_X,
            Align::Center => x + (w - l.width) / 2,
            Align::Right => x + w - CELL_PAD_X - l.width,
        };
        let base = Composer::baseline(text_top + lh * i as i64, lh, cb.size);
        let line = LaidLine {
            runs: l.runs.clone(),
            width: l.width,
        };
        c.push_line(line, left, base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TableCell, TableRow};

    fn cell(col: usize, row_span: usize, col_span: usize, role: CellRole) -> TableCell {
        TableCell {
            col,
            row_span,
            col_span,
            text: "x".into(),
            role,
            align: Align::Center,
            shade: None,
        }
    }

    /// A two-level column header over two value columns, a group row starting a second block
    /// with its own header row, and a row label spanning two rows.
    #[test]
    fn data_cells_are_headed_by_the_nearest_header_rows_and_their_row_labels() {
        use CellRole::*;
        let rows = vec![
            vec![cell(0, 2, 1, Header), cell(1, 1, 2, Header)],
            vec![cell(1, 1, 1, Header), cell(2, 1, 1, Header)],
            vec![cell(0, 2, 1, Label), cell(1, 1, 1, Value), cell(2, 1, 1, Value)],
            vec![cell(1, 1, 1, Value), cell(2, 1, 1, Note)],
            vec![cell(0, 1, 3, Group)],
            vec![cell(0, 1, 1, Header), cell(1, 1, 2, Header)],
            vec![cell(0, 1, 1, Label), cell(1, 1, 2, Value)],
        ];
        let t = Table {
            id: "t".into(),
            name: "表".into(),
            widths: vec![Length::pt(10); 3],
            header_rows: 2,
            rows: rows.into_iter().map(|cells| TableRow { cells }).collect(),
        };
        let marks = cell_marks(&t);
        let at = |r: usize, c: usize| marks.iter().find(|m| m.row == r && m.col == c).expect("a cell");
        assert_eq!(at(0, 0).header, Some(HeaderScope::Column));
        assert_eq!(at(2, 0).header, Some(HeaderScope::Row));
        assert_eq!(
            at(4, 0).header,
            Some(HeaderScope::Column),
            "a group row heads its block"
        );
        assert_eq!(at(2, 1).headers, vec![(0, 1), (1, 1), (2, 0)]);
        assert_eq!(
            at(3, 2).headers,
            vec![(0, 1), (1, 2), (2, 0)],
            "the label spans into row 3"
        );
        // The second block: its group row and header row, not the first block's headers.
        assert_eq!(at(6, 1).headers, vec![(4, 0), (5, 1), (6, 0)]);
        assert!(at(0, 0).headers.is_empty(), "header cells list no headers");
        assert_eq!((at(0, 1).col_span, at(2, 0).row_span), (2, 2));
    }
}
