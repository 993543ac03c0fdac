//! Layout: the resolved [`Document`] on GB/T 9704 pages.
//!
//! Prose sits on the 22 × 28 grid: every body and heading line takes one line pitch, every
//! CJK character one character pitch, lines are justified (except a paragraph's last) when
//! the stretch stays small, and page breaks keep a heading with what follows it. Tables are
//! laid out in [`table`]. The result, [`Pages`], holds positioned glyph runs, rules and fills
//! only: the PDF writer draws it and makes no decision of its own.

pub mod lines;
mod pages;
pub mod table;

use crate::model::Run;
use crate::model::{Block, Document};
use crate::style::{self, TextStyle, LINE_PITCH, MARGIN_TOP};
use crate::text::fonts::{FontBook, Lookup};
use crate::units::Length;
use std::collections::{BTreeMap, BTreeSet};

/// One glyph in a run: its id and the distance to the next glyph's origin.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub glyph: u16,
    pub advance: Length,
    /// Byte range of the glyph's character in the run's text.
    pub range: std::ops::Range<usize>,
}

/// Glyphs of one face, size and weight on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// Left end of the baseline, from the page's top-left corner.
    pub x: Length,
    pub baseline: Length,
    pub size: Length,
    pub face: usize,
    /// Synthesised bold (fill + stroke).
    pub bold: bool,
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
}

impl GlyphRun {
    pub fn width(&self) -> Length {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// Something drawn on a page. Coordinates from the page's top-left corner, y down.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(GlyphRun),
    /// A straight rule.
    Rule {
        x1: Length,
        y1: Length,
        x2: Length,
        y2: Length,
        width: Length,
    },
    /// A filled rectangle.
    Fill {
        x: Length,
        y: Length,
        w: Length,
        h: Length,
        rgb: [u8; 3],
    },
}

/// What a drawn item is in the document's logical structure: what the PDF writer tags it as
/// (tagged PDF). Layout decides it; the writer only maps it to PDF structure types.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Mark {
    /// Not content: table rules and fills.
    #[default]
    Decoration,
    /// Pagination, not content: page numbers, header rows and merged labels repeated on a
    /// continuation page.
    Pagination,
    /// The document title (all its lines).
    Title,
    /// A heading: `block` is its index in [`Document::blocks`], `level` its level (1–4).
    Heading { block: usize, level: u8 },
    /// A paragraph of body text, block `block`.
    Paragraph { block: usize },
    /// The text of a table cell of table block `block`.
    Cell { block: usize, cell: CellMark },
    /// The sign-off (agency and date).
    SignOff,
}

/// A table cell's place in its table, for the structure tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellMark {
    /// Anchor row and column in the table's grid, and the spans.
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    /// `Some` for a header cell (TH): what it heads.
    pub header: Option<HeaderScope>,
    /// The header cells (anchor row, column) that head this cell: the column headers above
    /// it and the row labels left of it.
    pub headers: Vec<(usize, usize)>,
}

/// What a header cell heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderScope {
    /// The cells below it (column headers and the 「第二十条第（X）项」 group rows).
    Column,
    /// The cells right of it (row labels).
    Row,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
    /// What each item is: `marks[i]` belongs to `items[i]`.
    pub marks: Vec<Mark>,
    /// Structure with nothing drawn (blank table cells), so that every cell has its element:
    /// each mark with the index of the item it stands before.
    pub blanks: Vec<(usize, Mark)>,
}

impl Page {
    /// Adds an item with what it is.
    pub fn push(&mut self, item: Item, mark: Mark) {
        self.items.push(item);
        self.marks.push(mark);
    }
}

/// A bookmark: the title or one of the six section headings.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub text: String,
    pub page: usize,
    pub y: Length,
}

/// Which characters another font had to serve, and which none could.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FontUse {
    /// Character → the face index that served it instead of the role's own font.
    pub fallbacks: BTreeMap<char, usize>,
    /// Characters no font has. Each is drawn as a placeholder: the box glyph □ of the
    /// book's 宋体 chain, one character wide, whose text is the missing character (so that
    /// copying from the PDF gives it back; no .notdef glyph is ever written).
    pub missing: BTreeSet<char>,
}

/// The character whose glyph stands in for a character no font has.
pub const PLACEHOLDER: char = '\u{25A1}';

/// The laid-out document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pages {
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    pub fonts: FontUse,
}

/// How to lay out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A gap of [`lines::AUTOSPACE`] em between ideographs and Latin letters or digits, as
    /// Word, WPS and LibreOffice set by default (on by default). Off, text is set as
    /// written: an ASCII space prints as a space.
    pub autospace: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { autospace: true }
    }
}

/// Lays out a document with the given fonts, with the default [`Options`].
pub fn layout(doc: &Document, fonts: &FontBook) -> Pages {
    layout_with(doc, fonts, Options::default())
}

/// Lays out a document with the given fonts and options.
pub fn layout_with(doc: &Document, fonts: &FontBook, opts: Options) -> Pages {
    let mut c = Composer {
        autospace: opts.autospace,
        fonts,
        lookup: Lookup::default(),
        out: Pages::default(),
        page: Page::default(),
        line: 0,
        mark: Mark::Title,
        tail: Vec::new(),
        prev_tail: Vec::new(),
    };
    c.title(&doc.title);
    let n = doc.blocks.len();
    for (i, block) in doc.blocks.iter().enumerate() {
        let next = doc.blocks.get(i + 1).filter(|_| i + 1 < n);
        match block {
            Block::Heading { level, text, outline } => {
                c.mark = Mark::Heading {
                    block: i,
                    level: *level,
                };
                let st = style::heading(*level);
                let runs = [Run::body(text.clone())];
                let need_after = match next {
                    Some(Block::Table(t)) => table::min_start_height(t, &mut c),
                    Some(_) => LINE_PITCH,
                    None => Length::ZERO,
                };
                let lines = c.grid_lines(&runs, st);
                let needed = LINE_PITCH * lines.len() as i64 + need_after;
                if c.y() + needed > style::TEXT_HEIGHT && c.line > 0 {
                    c.new_page();
                }
                if *outline {
                    let (page, y) = (c.out.pages.len(), MARGIN_TOP + c.y());
                    c.out.outline.push(OutlineEntry {
                        text: text.clone(),
                        page,
                        y,
                    });
                }
                c.place_grid_lines(lines, st, true);
            }
            Block::Paragraph { lines } => {
                c.mark = Mark::Paragraph { block: i };
                let mut laid = Vec::new();
                for (i, runs) in lines.iter().enumerate() {
                    let st = if i == 0 {
                        style::BODY
                    } else {
                        TextStyle {
                            indent_chars: 0,
                            ..style::BODY
                        }
                    };
                    let mut l = c.grid_lines(runs, st);
                    if l.is_empty() {
                        // An empty line between two breaks keeps its place.
                        l.push(LaidLine {
                            runs: Vec::new(),
                            width: Length::ZERO,
                        });
                    }
                    laid.extend(l);
                }
                c.place_grid_lines(laid, style::BODY, false);
            }
            Block::Table(t) => {
                table::place(t, i, &mut c);
                c.tail.clear();
            }
        }
    }
    if let Some(s) = &doc.signoff {
        c.mark = Mark::SignOff;
        c.signoff(s);
    }
    c.finish()
}

/// A laid-out line before placement: runs relative to the line's left edge.
pub struct LaidLine {
    pub runs: Vec<GlyphRun>,
    pub width: Length,
}

pub struct Composer<'f> {
    /// See [`Options::autospace`].
    pub autospace: bool,
    pub fonts: &'f FontBook,
    pub lookup: Lookup,
    pub out: Pages,
    pub page: Page,
    /// The next free grid line on the page (0-based); tables move it in pitch units.
    pub line: i64,
    /// What the text pushed now is ([`push_line`](Composer::push_line) marks it so).
    pub mark: Mark,
    /// The prose lines placed last on this page, in order, each ending right above the
    /// next: what the sign-off may pull over to the next page. Cleared by a new page and
    /// by a table.
    tail: Vec<TailLine>,
    /// The previous page's `tail` when that page ended with it on its last grid line.
    prev_tail: Vec<TailLine>,
}

/// A prose line on the current page: its grid line, its items, whether it is a heading's.
struct TailLine {
    line: i64,
    items: std::ops::Range<usize>,
    heading: bool,
}

/// A measured token: its characters' glyphs with their natural advances.
struct Measured {
    glyphs: Vec<(char, usize, u16, Length)>,
    /// Characters drawn as nothing, kept in the text after the glyph of the given index.
    tails: Vec<(usize, char)>,
    width: Length,
    space: bool,
}

/// A human-readable dump of the laid-out pages, for golden tests: one line per glyph run
/// (position in mm, size in pt, font family, weight, text), rule and fill.
pub fn dump(pages: &Pages, fonts: &FontBook) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for (i, p) in pages.pages.iter().enumerate() {
        let _ = writeln!(s, "page {}", i + 1);
        for it in &p.items {
            let _ = match it {
                Item::Text(r) => writeln!(
                    s,
                    "  text {:7.2} {:7.2} {:4.1}pt {}{} {:?}",
                    r.x.to_mm(),
                    r.baseline.to_mm(),
                    r.size.to_pt(),
                    fonts.faces[r.face].family,
                    if r.bold { " bold" } else { "" },
                    r.text
                ),
                Item::Rule { x1, y1, x2, y2, .. } => {
                    writeln!(
                        s,
                        "  rule {:7.2} {:7.2} {:7.2} {:7.2}",
                        x1.to_mm(),
                        y1.to_mm(),
                        x2.to_mm(),
                        y2.to_mm()
                    )
                }
                Item::Fill { x, y, w, h, rgb } => writeln!(
                    s,
                    "  fill {:7.2} {:7.2} {:7.2} {:7.2} #{:02X}{:02X}{:02X}",
                    x.to_mm(),
                    y.to_mm(),
                    w.to_mm(),
                    h.to_mm(),
                    rgb[0],
                    rgb[1],
                    rgb[2]
                ),
            };
        }
    }
    for o in &pages.outline {
        let _ = writeln!(s, "outline p{} {:7.2} {}", o.page + 1, o.y.to_mm(), o.text);
    }
    s
}
