//! The format-neutral document the readers produce: paragraphs and tables in reading order.
//!
//! HTML and DOCX readers both build a [`Source`]; everything after them (tables, prose, title)
//! works on it alone. Tables are resolved grids: spans are expanded before any cell is read.

use super::text::{norm, parse_number, Number};

/// A run of paragraph text, bold or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    pub text: String,
    pub bold: bool,
}

/// A paragraph: its runs and, for DOCX, its paragraph style id (e.g. `Heading2`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Para {
    pub runs: Vec<Run>,
    pub style: Option<String>,
    /// A run-in heading that starts the paragraph (level and text), not in `runs`: DOCX
    /// runs in nianbao's `RunInHeading2`–`4` character styles.
    pub run_in: Option<(u8, String)>,
}

impl Para {
    /// The text of all runs joined.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// Appends text, merging with the last run when the weight is the same.
    pub fn push(&mut self, text: &str, bold: bool) {
        if text.is_empty() {
            return;
        }
        match self.runs.last_mut() {
            Some(r) if r.bold == bold => r.text.push_str(text),
            _ => self.runs.push(Run {
                text: text.to_string(),
                bold,
            }),
        }
    }
}

/// One listed cell of a source table, placed on the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    /// The cell's text, paragraphs joined without separator.
    pub text: String,
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// Where the cell is in the source, for diagnostics (e.g. `table 2, row 5, cell 3`).
    pub origin: String,
    /// The text in label normal form ([`norm`]), computed once.
    pub norm: String,
    /// The text read as a number ([`parse_number`]), computed once.
    pub number: Number,
}

/// A table with its spans resolved: `grid[r][c]` is the index of the cell covering (r, c).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Table {
    /// Which table of the source this is (1-based, in reading order), for diagnostics.
    pub number: usize,
    pub cells: Vec<Cell>,
    pub grid: Vec<Vec<Option<usize>>>,
}

/// Spans above this are treated as 1: no real report needs them, and a hostile value must
/// not allocate a huge grid.
const MAX_SPAN: usize = 200;

impl Table {
    pub fn new(number: usize) -> Table {
        Table {
            number,
            ..Table::default()
        }
    }

    /// Places a cell in row `r` at the first free column at or after `from` (HTML rule:
    /// cells covered by a rowspan from above are skipped). Returns the column after it.
    pub fn place(
        &mut self,
        r: usize,
        from: usize,
        text: String,
        rowspan: usize,
        colspan: usize,
        origin: String,
    ) -> usize {
        let rowspan = if (1..=MAX_SPAN).contains(&rowspan) { rowspan } else { 1 };
        let colspan = if (1..=MAX_SPAN).contains(&colspan) { colspan } else { 1 };
        self.ensure(r + rowspan, 0);
        let mut c = from;
        while self.grid[r].get(c).copied().flatten().is_some() {
            c += 1;
        }
        let idx = self.cells.len();
        self.cells.push(Cell {
            norm: norm(&text),
            number: parse_number(&text),
            text,
            row: r,
            col: c,
            rowspan,
            colspan,
            origin,
        });
        for rr in r..r + rowspan {
            self.ensure(rr + 1, c + colspan);
            for slot in &mut self.grid[rr][c..c + colspan] {
                // A slot already taken (overlapping spans in broken markup) keeps its first owner.
                if slot.is_none() {
                    *slot = Some(idx);
                }
            }
        }
        c + colspan
    }

    /// Extends the cell covering (r - 1, c) one row down over `colspan` columns (DOCX
    /// `vMerge` continuation). Returns false when there is no cell above.
    pub fn extend_down(&mut self, r: usize, c: usize, colspan: usize) -> bool {
        let Some(idx) = r
            .checked_sub(1)
            .and_then(|up| self.grid.get(up))
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
        else {
            return false;
        };
        self.ensure(r + 1, c + colspan);
        for slot in &mut self.grid[r][c..c + colspan] {
            if slot.is_none() {
                *slot = Some(idx);
            }
        }
        let cell = &mut self.cells[idx];
        cell.rowspan = cell.rowspan.max(r + 1 - cell.row);
        true
    }

    fn ensure(&mut self, rows: usize, cols: usize) {
        while self.grid.len() < rows {
            self.grid.push(Vec::new());
        }
        for row in &mut self.grid[..rows] {
            if row.len() < cols {
                row.resize(cols, None);
            }
        }
    }

    /// The distinct cells covering row `r`, left to right.
    pub fn row_cells(&self, r: usize) -> Vec<&Cell> {
        let mut out: Vec<usize> = Vec::new();
        for slot in self.grid.get(r).into_iter().flatten().flatten() {
            if !out.contains(slot) {
                out.push(*slot);
            }
        }
        out.into_iter().map(|i| &self.cells[i]).collect()
    }
}

/// One block of the document in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Para(Para),
    Table(Table),
}

/// A document read from HTML or DOCX.
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    pub blocks: Vec<Block>,
    /// A title found outside the body (HTML `<title>` / `ArticleTitle`, DOCX core title).
    pub meta_title: Option<String>,
    /// Links to attached documents (.doc, .docx, .pdf, .wps, .ofd) on an HTML page: where
    /// the report is when the page holds no tables.
    pub attachments: Vec<String>,
}
