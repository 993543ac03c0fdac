//! The resolved, format-neutral document: what both the PDF and the DOCX print.
//!
//! [`resolve`] turns a checked report and its template into blocks (title, headings,
//! paragraphs with bold runs, tables as cell grids with spans and column widths, sign-off)
//! and metadata. Every statutory label comes from the template; every number is formatted
//! here, once.

pub mod signoff;
pub mod title;

use crate::input::Block as InBlock;
use crate::style::TEXT_WIDTH;
use crate::template::{Format, TextRole};
use crate::units::Length;
use crate::validate::Checked;

/// A calendar date (成文日期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// How a run of paragraph text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunStyle {
    /// Body text (仿宋).
    #[default]
    Body,
    /// A bold lead-in (`**…**`): 仿宋, bold.
    Bold,
    /// A run-in heading at the start of a paragraph, set as a heading of this level (2:
    /// 楷体, 3: 仿宋 bold, 4: 仿宋; see [`crate::style::heading`]), the paragraph going on
    /// in the body's type.
    Heading(u8),
}

impl RunStyle {
    /// The text style of this run inside a paragraph of style `body`: body runs keep it, a
    /// bold run is `body` in bold, a heading run takes the heading level's font and weight.
    pub fn text_style(self, body: crate::style::TextStyle) -> crate::style::TextStyle {
        match self {
            RunStyle::Body => body,
            RunStyle::Bold => crate::style::TextStyle { bold: true, ..body },
            RunStyle::Heading(level) => {
                let h = crate::style::heading(level);
                crate::style::TextStyle {
                    role: h.role,
                    bold: h.bold,
                    ..body
                }
            }
        }
    }
}

/// A run of paragraph text in one style. No run holds a `'\n'` once resolved (see
/// [`hard_lines`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub style: RunStyle,
}

impl Run {
    /// A run of body text.
    pub fn body(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: RunStyle::Body,
        }
    }
}

/// Document information for PDF metadata and DOCX core properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The title lines joined without separator.
    pub title: String,
    /// The agency.
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// The document date: `date` from the input, else 1 January of the following year.
    pub date: Date,
    pub language: &'static str,
}

/// What a table cell is, for typography.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRole {
    Group,
    Header,
    Note,
    Label,
    Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One listed cell of a table (cells covered by a span are not listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCell {
    /// Grid column of the cell's left edge.
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    pub text: String,
    pub role: CellRole,
    pub align: Align,
    /// Background as RGB.
    pub shade: Option<[u8; 3]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub cells: Vec<TableCell>,
}

/// A statute table ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The table's input id (`requests`).
    pub id: String,
    /// The printed name used in messages (「表三」).
    pub name: String,
    /// Column widths; they add up to the text block width exactly, and each is a whole
    /// number of twips so that the DOCX grid equals the PDF's.
    pub widths: Vec<Length>,
    /// The leading rows repeated on every page the table runs onto.
    pub header_rows: usize,
    pub rows: Vec<TableRow>,
}

/// One block of the document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading: level 1 from the template (一、…), 2–4 from the input. `outline` marks
    /// the six section headings, which become PDF bookmarks.
    Heading {
        level: u8,
        text: String,
        outline: bool,
    },
    /// A paragraph: one or more lines forced by a line break in the input (`"\n"`), each a
    /// sequence of runs. No run holds a `'\n'`; both writers break the line between two
    /// entries of `lines` (the PDF starts a new line, the DOCX writes `<w:br/>`), and only
    /// the first line is indented.
    Paragraph {
        lines: Vec<Vec<Run>>,
    },
    Table(Table),
}

/// The sign-off: agency, and the date as printed 「2021年1月20日」.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    pub agency: String,
    pub date: String,
}

/// The whole report, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub format: Format,
    pub meta: Meta,
    /// The printed title lines, broken by [`title::title_lines`].
    pub title: Vec<String>,
    pub blocks: Vec<Block>,
    pub signoff: Option<SignOff>,
}

impl Document {
    /// Every character printed: title, headings, paragraphs, table cells and sign-off.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        let blocks = self.blocks.iter().flat_map(|b| -> Box<dyn Iterator<Item = char> + '_> {
            match b {
                Block::Heading { text, .. } => Box::new(text.chars()),
                Block::Paragraph { lines } => Box::new(lines.iter().flatten().flat_map(|r| r.text.chars())),
                Block::Table(t) => Box::new(t.rows.iter().flat_map(|r| r.cells.iter()).flat_map(|c| c.text.chars())),
            }
        });
        let signoff = self.signoff.iter().flat_map(|s| s.agency.chars().chain(s.date.chars()));
        self.title.iter().flat_map(|t| t.chars()).chain(blocks).chain(signoff)
    }

    /// The statute tables, in printed order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// Builds the document from a checked report.
pub fn resolve(checked: &Checked) -> Document {
    let report = &checked.report;
    let template = report.format.template();
    let mut blocks = Vec::new();
    push_prose(&mut blocks, &report.preamble);
    for section in &template.sections {
        blocks.push(Block::Heading {
            level: 1,
            text: section.heading.clone(),
            outline: true,
        });
        if let Some(key) = &section.prose {
            push_prose(
                &mut blocks,
                report.sections.get(key).map(Vec::as_slice).unwrap_or_default(),
            );
        }
        if let Some(id) = &section.table {
            let t = template.table(id).expect("checked template");
            blocks.push(Block::Table(table(t, checked)));
        }
    }
    let date = report.date.unwrap_or(Date {
        year: report.year as i32 + 1,
        month: 1,
        day: 1,
    });
    Document {
        format: report.format,
        meta: Meta {
            title: report.title.concat(),
            author: report.agency.clone(),
            subject: "政府信息公开工作年度报告".into(),
            keywords: vec![
                "政府信息公开".into(),
                "年度报告".into(),
                format!("{}年", report.year),
                report.agency.clone(),
            ],
            date,
            language: "zh-CN",
        },
        title: title::title_lines(&report.title, report.title_lines_given),
        blocks,
        signoff: report.date.map(|d| SignOff {
            agency: report.agency.clone(),
            date: format!("{}年{}月{}日", d.year, d.month, d.day),
        }),
    }
}

fn push_prose(out: &mut Vec<Block>, blocks: &[InBlock]) {
    for b in blocks {
        out.push(match b {
            InBlock::Paragraph(runs) => Block::Paragraph {
                lines: hard_lines(runs),
            },
            InBlock::Heading { level, text } => Block::Heading {
                level: *level,
                text: text.clone(),
                outline: false,
            },
        });
    }
}

/// Splits runs at each `'\n'` into the lines of a paragraph; a run cut by a break becomes
/// two runs of the same style, and empty runs are dropped (an empty line stays, empty).
pub fn hard_lines(runs: &[Run]) -> Vec<Vec<Run>> {
    let mut lines: Vec<Vec<Run>> = vec![Vec::new()];
    for r in runs {
        for (i, piece) in r.text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if !piece.is_empty() {
                lines.last_mut().expect("never empty").push(Run {
                    text: piece.to_string(),
                    style: r.style,
                });
            }
        }
    }
    lines
}

/// Scales relative widths to the text block, each a whole number of twips.
pub fn column_widths(relative: &[u32], total: Length) -> Vec<Length> {
    let total_twips = total.to_twips();
    let sum: i64 = relative.iter().map(|&w| i64::from(w)).sum::<i64>().max(1);
    let mut acc = 0;
    let mut out = Vec::with_capacity(relative.len());
    let mut prev_edge = 0;
    for &w in relative {
        acc += i64::from(w);
        let edge = (total_twips * acc + sum / 2) / sum;
        out.push(Length::twips(edge - prev_edge));
        prev_edge = edge;
    }
    out
}

fn table(t: &crate::template::TableTemplate, checked: &Checked) -> Table {
    let grid = t.grid().expect("checked template");
    let rows = t
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| TableRow {
            cells: row
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (_, col) = grid.anchor[&(r, i)];
                    let (text, role) = match (&c.key, c.role) {
                        (Some(key), _) => (
                            checked.values.get(key).map(|v| v.text()).unwrap_or_default(),
                            CellRole::Value,
                        ),
                        (None, role) => (
                            c.text.clone().unwrap_or_default(),
                            match role {
                                Some(TextRole::Group) => CellRole::Group,
                                Some(TextRole::Note) => CellRole::Note,
                                Some(TextRole::Label) => CellRole::Label,
                                _ => CellRole::Header,
                            },
                        ),
                    };
                    // Row labels read left-aligned when they are wide; narrow merged ones centre.
                    let align = match role {
                        CellRole::Label if c.colspan > 1 || t.columns.len() <= 4 => Align::Left,
                        CellRole::Label if c.rowspan == 1 => Align::Left,
                        _ => Align::Center,
                    };
                    TableCell {
                        col,
                        row_span: c.rowspan,
                        col_span: c.colspan,
                        text,
                        role,
                        align,
                        shade: c.shade.as_deref().and_then(parse_rgb),
                    }
                })
                .collect(),
        })
        .collect();
    Table {
        id: t.id.clone(),
        name: t.name.clone(),
        widths: column_widths(&t.columns, TEXT_WIDTH),
        header_rows: t.header_rows,
        rows,
    }
}

fn parse_rgb(hex: &str) -> Option<[u8; 3]> {
    if hex.len() != 6 {
        return None;
    }
    let b = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([b(0)?, b(2)?, b(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_text_block_in_whole_twips() {
        let w = column_widths(&[754, 921, 3271, 685, 685, 685, 685, 685, 685, 685], TEXT_WIDTH);
        assert_eq!(w.iter().copied().sum::<Length>().to_twips(), TEXT_WIDTH.to_twips());
        assert!(w.iter().all(|l| l.0 % 635 == 0));
    }

    #[test]
    fn a_newline_splits_a_paragraph_into_lines() {
        let r = |t: &str, style: RunStyle| Run { text: t.into(), style };
        let (b, h) = (RunStyle::Body, RunStyle::Heading(2));
        let lines = hard_lines(&[r("一\n二", h), r("三\n", b)]);
        assert_eq!(lines, vec![vec![r("一", h)], vec![r("二", h), r("三", b)], vec![]]);
        assert_eq!(hard_lines(&[r("一", b)]), vec![vec![r("一", b)]]);
    }

    #[test]
    fn shades_parse() {
        assert_eq!(parse_rgb("C6D9F1"), Some([0xC6, 0xD9, 0xF1]));
        assert_eq!(parse_rgb("C6D9"), None);
    }
}
