//! document.xml and the footers, built with docx-rs from the resolved document: paragraphs
//! that name styles (no direct formatting beyond alignment and the sign-off's indents), real
//! tables with `gridSpan`/`vMerge` from the model's spans, PAGE-field footers.

use std::borrow::Cow;

use docx_rs::{
    AlignmentType, BorderType, DocGrid, DocGridType, Docx, FieldCharType, Footer, HeightRule, InstrText, PageMargin,
    Paragraph, Run, Shading, SpecialIndentType, Table, TableAlignmentType, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableCellBorder, TableCellBorderPosition, TableCellBorders, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use super::styles::{self, heading_id};
use super::{geometry, DocxError};
use crate::model::{Align, Block, Document, RunStyle, SignOff, Table as ModelTable, TableCell as ModelCell};
use crate::style::{self as st, CELL_PAD_X, CELL_PAD_Y, CHAR_PITCH};
use crate::text::breaking::{self, Punct, TokenKind};
use crate::units::Length;

/// Empty lines between the body and the sign-off (the PDF leaves one).
pub const SIGNOFF_GAP_LINES: usize = 1;

/// The document body and footers as a docx-rs document, plus the number of header rows of
/// each table in document order (docx-rs has no `w:tblHeader`; the caller adds it).
pub fn build(doc: &Document) -> Result<(Docx, Vec<usize>), DocxError> {
    let g = geometry();
    let mut docx = Docx::new()
        .page_size(g.page_width as u32, g.page_height as u32)
        .page_margin(PageMargin {
            top: g.margin_top as i32,
            left: g.margin_left as i32,
            bottom: g.margin_bottom as i32,
            right: g.margin_right as i32,
            header: g.header as i32,
            footer: g.footer as i32,
            gutter: 0,
        });
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::LinesAndChars)
            .line_pitch(g.line_pitch_twips as usize)
            .char_space(g.char_space as isize),
    );

    // The title is one paragraph with a line break after each of the model's lines, so that
    // Word shows the shape chosen by [`crate::model::title`] instead of re-wrapping it.
    if !doc.title.is_empty() {
        let mut p = Paragraph::new().style(styles::TITLE);
        for (i, line) in doc.title.iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping));
            }
            p = p.add_run(text_run(line, RunStyle::Body));
        }
        docx = docx.add_paragraph(p);
        docx = docx.add_paragraph(Paragraph::new().style(styles::BODY));
    }

    let mut header_rows = Vec::new();
    let kept = kept_with_signoff(doc);
    for (bi, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text, outline } => {
                let mut p = Paragraph::new().style(heading_id(*level));
                for run in prose_runs(&[(text.as_str(), RunStyle::Body)]) {
                    p = p.add_run(run);
                }
                // A level-1 heading that is not one of the six sections stays out of the
                // navigation pane, like the PDF's bookmarks.
                if *level <= 1 && !*outline {
                    p = p.outline_lvl(9);
                }
                docx = docx.add_paragraph(p);
            }
            Block::Paragraph { lines } => {
                let mut p = Paragraph::new().style(styles::BODY);
                for (i, runs) in lines.iter().enumerate() {
                    if i > 0 {
                        p = p.add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping));
                    }
                    let texts: Vec<(&str, RunStyle)> = runs.iter().map(|r| (r.text.as_str(), r.style)).collect();
                    for run in prose_runs(&texts) {
                        p = p.add_run(run);
                    }
                }
                if kept.contains(&bi) {
                    // At least its last two lines go with the sign-off to its page.
                    p = p.keep_next(true).widow_control(true);
                    if estimated_lines(lines) <= 2 {
                        p = p.keep_lines(true);
                    }
                }
                docx = docx.add_paragraph(p);
            }
            Block::Table(t) => {
                docx = docx.add_table(table(t)?);
                header_rows.push(t.header_rows.min(t.rows.len()));
            }
        }
    }

    if let Some(s) = &doc.signoff {
        for p in signoff(s) {
            docx = docx.add_paragraph(p);
        }
    }

    docx = docx.footer(folio_footer(true)).even_footer(folio_footer(false));
    Ok((docx, header_rows))
}

/// Text XML 1.0 can carry (C0 controls other than tab and newline dropped).
fn clean(s: &str) -> Cow<'_, str> {
    let bad = |c: char| ((c as u32) < 0x20 && !matches!(c, '\t' | '\n')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    if s.chars().any(bad) {
        Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// A run of text; newlines become line breaks and tabs tab characters. A bold run is bold;
/// a run-in heading names its level's character style.
fn text_run(text: &str, style: RunStyle) -> Run {
    let text = clean(text);
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(docx_rs::BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            if !piece.is_empty() {
                run = run.add_text(piece);
            }
        }
    }
    match style {
        RunStyle::Body => {}
        RunStyle::Bold => run = run.bold(),
        RunStyle::Heading(level) => run = run.style(styles::run_in_heading_id(level)),
    }
    run
}

/// The width, in percent (`w:w`), of the first of two adjacent punctuation marks: about
/// half. Not exactly 50: LibreOffice 7.4 then drops a line-end 「，。、」 that hangs on a line
/// holding such a run (75 of 78 test lines lost it; none at 51, 52 or 55). At 51 the mark is
/// 7.85 pt wide in LibreOffice (16.08 pt × 0.51 less the styles' 7-twip condensing), the
/// PDF's 7.9 pt (half the 15.79 pt grid pitch) within 0.1 pt.
pub const ADJACENT_MARK_SCALE: i32 = 51;

/// The runs of one line of prose (a heading, or a paragraph up to an explicit line break),
/// with the PDF's adjacent-punctuation compression written out: where
/// [`breaking::punctuate`] sets a mark half an em closer to the next (「），」「。”」「》（」),
/// that mark is a run of its own scaled to about half width ([`ADJACENT_MARK_SCALE`]). Word, WPS
/// and LibreOffice all honour `w:w`, so they set these pairs as the PDF does;
/// LibreOffice 7.4 compresses no punctuation by itself, and the settings ask Word and WPS
/// not to (`doNotCompress`), so no pair is compressed twice. Empty runs are dropped.
fn prose_runs(runs: &[(&str, RunStyle)]) -> Vec<Run> {
    let joined: String = runs.iter().map(|r| r.0).collect();
    let toks = breaking::tokens(&joined);
    let classes: Vec<Punct> = toks
        .iter()
        .map(|t| match t.kind {
            TokenKind::Cjk => breaking::punct(&joined[t.range.clone()]),
            _ => Punct::None,
        })
        .collect();
    // Byte ranges of `joined` holding a narrowed mark (the rule of `breaking::punctuate`).
    let narrowed: Vec<std::ops::Range<usize>> = toks
        .iter()
        .enumerate()
        .filter(|&(i, _)| {
            let (c, next) = (classes[i], classes.get(i + 1).copied().unwrap_or_default());
            c != Punct::None && next != Punct::None && !(c == Punct::Opening && next == Punct::Closing)
        })
        .map(|(_, t)| t.range.clone())
        .collect();
    let mut out = Vec::new();
    let mut offset = 0;
    for &(text, style) in runs {
        let end = offset + text.len();
        let mut at = offset;
        for r in narrowed.iter().filter(|r| r.start >= offset && r.end <= end) {
            if r.start > at {
                out.push(text_run(&joined[at..r.start], style));
            }
            out.push(text_run(&joined[r.clone()], style).stretch(ADJACENT_MARK_SCALE));
            at = r.end;
        }
        if end > at {
            out.push(text_run(&joined[at..end], style));
        }
        offset = end;
    }
    out
}

fn text_paragraph(style: &str, text: &str) -> Paragraph {
    let p = Paragraph::new().style(style);
    if text.is_empty() {
        p
    } else {
        p.add_run(text_run(text, RunStyle::Body))
    }
}

/// Lines a body paragraph takes, estimated (28 characters a line, ASCII half, the first
/// line indented two).
fn estimated_lines(lines: &[Vec<crate::model::Run>]) -> i64 {
    lines
        .iter()
        .enumerate()
        .map(|(i, runs)| {
            let half: i64 = runs.iter().map(|r| crate::model::signoff::half_chars(&r.text)).sum();
            let half = half + if i == 0 { 4 } else { 0 };
            ((half + 55) / 56).max(1)
        })
        .sum()
}

/// The blocks that Word and LibreOffice must keep on the sign-off's page (the sign-off is
/// never alone on a page): the last paragraph, and the paragraph before it when the last
/// takes one line. Empty without a sign-off. Headings keep with what follows by their style.
fn kept_with_signoff(doc: &Document) -> Vec<usize> {
    let n = doc.blocks.len();
    let para = |i: usize| match doc.blocks.get(i) {
        Some(Block::Paragraph { lines }) => Some(estimated_lines(lines)),
        _ => None,
    };
    if doc.signoff.is_none() || n == 0 {
        return Vec::new();
    }
    match para(n - 1) {
        Some(1) if n >= 2 && para(n - 2).is_some() => vec![n - 2, n - 1],
        Some(_) => vec![n - 1],
        None => Vec::new(),
    }
}

/// 落款, placed by the model's rule ([`SignOff::lines`]): one empty line, then the agency's
/// line(s) and the date, each its own right-aligned paragraph with the right indent the rule
/// gives, in whole twips of the grid's character pitch.
fn signoff(s: &SignOff) -> Vec<Paragraph> {
    let twips = |half: i64| (CHAR_PITCH * half.max(0) / 2).to_twips() as i32;
    let mut out: Vec<Paragraph> = (0..SIGNOFF_GAP_LINES)
        .map(|_| Paragraph::new().style(styles::BODY).keep_next(true))
        .collect();
    for l in s.lines() {
        out.push(text_paragraph(styles::SIGN_OFF, &l.text).indent(
            Some(0),
            Some(SpecialIndentType::FirstLine(0)),
            Some(twips(l.right_half_chars)),
            None,
        ));
    }
    out
}

/// A footer holding 「— N —」 with N a PAGE field: odd pages right-aligned one character (of
/// the folio's size) in from the right edge, even pages left-aligned one character in.
fn folio_footer(odd: bool) -> Footer {
    let one_char = st::FOLIO.size.to_twips() as i32;
    let mut p = Paragraph::new().style(styles::PAGE_NUMBER);
    p = if odd {
        p.align(AlignmentType::Right)
            .indent(Some(0), None, Some(one_char), None)
    } else {
        p.align(AlignmentType::Left).indent(Some(one_char), None, Some(0), None)
    };
    p = p
        .add_run(Run::new().add_text("— "))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::Unsupported(" PAGE ".into())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("1"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(Run::new().add_text(" —"));
    Footer::new().add_paragraph(p)
}

/// Where a grid position's content comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Not covered by any listed cell: an empty cell is written.
    Gap,
    /// Covered by the cell `index` of row `row`.
    Cell { row: usize, index: usize },
}

/// The occupancy grid of a table: which listed cell covers each (row, column). Fails on
/// cells outside the grid or overlapping each other (the model's resolver never makes them).
fn occupancy(t: &ModelTable) -> Result<Vec<Vec<Slot>>, DocxError> {
    let cols = t.widths.len();
    let rows = t.rows.len();
    let mut grid = vec![vec![Slot::Gap; cols]; rows];
    let fail = |message: String| DocxError::Table {
        table: t.name.clone(),
        message,
    };
    for (r, row) in t.rows.iter().enumerate() {
        for (i, c) in row.cells.iter().enumerate() {
            let (rs, cs) = (c.row_span.max(1), c.col_span.max(1));
            if c.col + cs > cols || r + rs > rows {
                return Err(fail(format!(
                    "the cell at row {}, column {} spans {rs}×{cs} past the table's {rows}×{cols} grid",
                    r + 1,
                    c.col + 1
                )));
            }
            for slot_row in grid.iter_mut().skip(r).take(rs) {
                for slot in slot_row.iter_mut().skip(c.col).take(cs) {
                    if *slot != Slot::Gap {
                        return Err(fail(format!(
                            "the cell at row {}, column {} overlaps another cell",
                            r + 1,
                            c.col + 1
                        )));
                    }
                    *slot = Slot::Cell { row: r, index: i };
                }
            }
        }
    }
    Ok(grid)
}

/// Lines a cell's text needs at the table's type size in a cell of this width (an estimate
/// on the safe side: every character counted as full-width).
fn lines_needed(text: &str, width: Length) -> i64 {
    let room = width - CELL_PAD_X * 2;
    let per_line = (room.0 / st::TABLE.size.0).max(1);
    text.split('\n')
        .map(|l| ((l.chars().count() as i64) + per_line - 1).div_euclid(per_line).max(1))
        .sum()
}

/// Minimum heights (twips) of the header rows of a table whose header has vertical merges:
/// LibreOffice clips the text of merged header cells on repeated header rows unless rows
/// carry an explicit height. Each row gets what its own cells need, and rows under a merged
/// cell share what that cell needs beyond their sum. Other rows get no height.
fn header_heights(t: &ModelTable, grid: &[Vec<Slot>]) -> Vec<Option<i64>> {
    let hdr = t.header_rows.min(t.rows.len());
    let mut out = vec![None; t.rows.len()];
    let merged = t.rows[..hdr].iter().flat_map(|r| &r.cells).any(|c| c.row_span > 1);
    if !merged {
        return out;
    }
    // Table text sits on exact lines of this height (see the TableText style).
    let line = st::TABLE_LINE;
    let width = |c: &ModelCell| -> Length { t.widths.iter().skip(c.col).take(c.col_span.max(1)).copied().sum() };
    let need = |c: &ModelCell| line * lines_needed(&c.text, width(c)) + CELL_PAD_Y * 2;
    let mut h: Vec<Length> = vec![Length::ZERO; hdr];
    for (r, row) in t.rows[..hdr].iter().enumerate() {
        for c in row.cells.iter().filter(|c| c.row_span <= 1) {
            h[r] = h[r].max(need(c));
        }
        if h[r] == Length::ZERO {
            h[r] = line + CELL_PAD_Y * 2;
        }
    }
    for (r, row) in t.rows[..hdr].iter().enumerate() {
        for c in row.cells.iter().filter(|c| c.row_span > 1) {
            let end = (r + c.row_span).min(hdr);
            let have: Length = h[r..end].iter().copied().sum();
            let want = need(c);
            if want > have {
                let extra = (want - have) / (end - r) as i64 + Length::twips(1);
                for x in &mut h[r..end] {
                    *x = *x + extra;
                }
            }
        }
    }
    let _ = grid;
    for (r, x) in h.into_iter().enumerate() {
        out[r] = Some(x.to_twips());
    }
    out
}

fn cell_borders() -> TableCellBorders {
    let b = |p| {
        TableCellBorder::new(p)
            .border_type(BorderType::Single)
            .size(super::RULE_EIGHTHS)
            .color("000000")
    };
    TableCellBorders::with_empty()
        .set(b(TableCellBorderPosition::Top))
        .set(b(TableCellBorderPosition::Left))
        .set(b(TableCellBorderPosition::Bottom))
        .set(b(TableCellBorderPosition::Right))
}

fn table_borders() -> TableBorders {
    let b = |p| {
        TableBorder::new(p)
            .border_type(BorderType::Single)
            .size(super::RULE_EIGHTHS)
            .color("000000")
    };
    TableBorders::with_empty()
        .set(b(TableBorderPosition::Top))
        .set(b(TableBorderPosition::Left))
        .set(b(TableBorderPosition::Bottom))
        .set(b(TableBorderPosition::Right))
        .set(b(TableBorderPosition::InsideH))
        .set(b(TableBorderPosition::InsideV))
}

fn cell_paragraph(text: &str, align: Align) -> Paragraph {
    let p = text_paragraph(styles::TABLE_TEXT, text);
    match align {
        Align::Center => p,
        Align::Left => p.align(AlignmentType::Left),
        Align::Right => p.align(AlignmentType::Right),
    }
}

/// A Word table from a model table: the model's column widths as the grid, one `w:tc` per
/// listed cell with `gridSpan` for column spans, `vMerge` restart/continue for row spans,
/// every row unsplittable, header rows with an explicit minimum height where they merge.
fn table(t: &ModelTable) -> Result<Table, DocxError> {
    let grid = occupancy(t)?;
    let widths: Vec<i64> = t.widths.iter().map(|w| w.to_twips()).collect();
    let heights = header_heights(t, &grid);
    let mut rows = Vec::with_capacity(t.rows.len());
    for (r, slots) in grid.iter().enumerate() {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < slots.len() {
            let (cell, span) = match slots[c] {
                Slot::Gap => (TableCell::new().add_paragraph(cell_paragraph("", Align::Center)), 1),
                Slot::Cell { row, index } => {
                    let m = &t.rows[row].cells[index];
                    let span = m.col_span.max(1);
                    let mut tc = if row == r {
                        let mut tc = TableCell::new().add_paragraph(cell_paragraph(&m.text, m.align));
                        if m.row_span > 1 {
                            tc = tc.vertical_merge(VMergeType::Restart);
                        }
                        tc
                    } else {
                        TableCell::new()
                            .add_paragraph(cell_paragraph("", m.align))
                            .vertical_merge(VMergeType::Continue)
                    };
                    if span > 1 {
                        tc = tc.grid_span(span);
                    }
                    if let Some([r, g, b]) = m.shade {
                        tc = tc.shading(Shading::new().fill(format!("{r:02X}{g:02X}{b:02X}")).color("auto"));
                    }
                    (tc, span)
                }
            };
            let w: i64 = widths[c..c + span].iter().sum();
            cells.push(
                cell.width(w.max(0) as usize, WidthType::Dxa)
                    .vertical_align(VAlignType::Center)
                    .set_borders(cell_borders()),
            );
            c += span;
        }
        let mut row = TableRow::new(cells).cant_split();
        if let Some(h) = heights[r] {
            row = row.row_height(h as f32).height_rule(HeightRule::AtLeast);
        }
        rows.push(row);
    }
    let pad_x = CELL_PAD_X.to_twips() as usize;
    let pad_y = CELL_PAD_Y.to_twips() as usize;
    Ok(Table::new(rows)
        .set_grid(widths.iter().map(|&w| w.max(0) as usize).collect())
        .width(widths.iter().sum::<i64>().max(0) as usize, WidthType::Dxa)
        .align(TableAlignmentType::Center)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(pad_y, pad_x, pad_y, pad_x))
        .set_borders(table_borders()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellRole, TableRow as ModelRow};

    fn cell(col: usize, row_span: usize, col_span: usize, text: &str) -> ModelCell {
        ModelCell {
            col,
            row_span,
            col_span,
            text: text.into(),
            role: CellRole::Header,
            align: Align::Center,
            shade: None,
        }
    }

    fn model(rows: Vec<Vec<ModelCell>>, header_rows: usize) -> ModelTable {
        ModelTable {
            id: "t".into(),
            name: "表X".into(),
            widths: vec![Length::twips(2948); 3],
            header_rows,
            rows: rows.into_iter().map(|cells| ModelRow { cells }).collect(),
        }
    }

    #[test]
    fn overlapping_or_overflowing_cells_are_errors() {
        let t = model(vec![vec![cell(0, 1, 2, "a"), cell(1, 1, 1, "b")]], 0);
        assert!(matches!(occupancy(&t), Err(DocxError::Table { .. })));
        let t = model(vec![vec![cell(2, 2, 1, "a")]], 0);
        let e = occupancy(&t).unwrap_err().to_string();
        assert!(e.contains("past the table"), "{e}");
    }

    #[test]
    fn gaps_are_filled_and_merges_located() {
        let t = model(
            vec![vec![cell(0, 2, 1, "a"), cell(2, 1, 1, "c")], vec![cell(1, 1, 2, "d")]],
            2,
        );
        let g = occupancy(&t).unwrap();
        assert_eq!(g[0][1], Slot::Gap);
        assert_eq!(g[1][0], Slot::Cell { row: 0, index: 0 });
        let h = header_heights(&t, &g);
        assert!(h.iter().all(Option::is_some));
    }

    #[test]
    fn signoff_follows_the_pdf_rule() {
        // A short agency: the date keeps four characters from the edge.
        let ps = signoff(&SignOff {
            agency: "某某局".into(),
            date: "2021年1月20日".into(),
        });
        assert_eq!(ps.len(), SIGNOFF_GAP_LINES + 2);
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a\u{1}b\tc\n"), "ab\tc\n");
    }
}
