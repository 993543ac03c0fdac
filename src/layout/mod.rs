//! Layout: the resolved [`Document`] on GB/T 9704 pages.
//!
//! Prose sits on the 22 × 28 grid: every body and heading line takes one line pitch, every
//! CJK character one character pitch, lines are justified (except a paragraph's last) when
//! the stretch stays small, and page breaks keep a heading with what follows it. Tables are
//! laid out in [`table`]. The result, [`Pages`], holds positioned glyph runs, rules and fills
//! only: the PDF writer draws it and makes no decision of its own.

pub mod table;

use crate::input::Run;
use crate::model::{Block, Document};
use crate::style::{
    self, Role, TextStyle, CHAR_PITCH, LINES_PER_PAGE, LINE_PITCH, MARGIN_LEFT, MARGIN_TOP, TEXT_WIDTH,
};
use crate::text::breaking::{self, Piece, TokenKind};
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

/// Lays out a document with the given fonts.
pub fn layout(doc: &Document, fonts: &FontBook) -> Pages {
    let mut c = Composer {
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
                let runs = [Run {
                    text: text.clone(),
                    bold: st.bold,
                }];
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

impl Composer<'_> {
    /// The current position below the 版心's top.
    pub fn y(&self) -> Length {
        LINE_PITCH * self.line
    }

    pub fn new_page(&mut self) {
        let page = std::mem::take(&mut self.page);
        self.out.pages.push(page);
        let full = self.tail.last().is_some_and(|t| t.line + 1 == LINES_PER_PAGE) && self.line >= LINES_PER_PAGE;
        self.prev_tail = if full {
            std::mem::take(&mut self.tail)
        } else {
            Vec::new()
        };
        self.tail.clear();
        self.line = 0;
    }

    /// Moves the last prose lines of the previous page (at least `min`, plus the heading
    /// lines right above them) to the top of this page, pushing this page's lines down.
    /// Does nothing when the previous page did not end with prose or would be left empty.
    fn pull_from_previous(&mut self, min: usize) {
        let mut k = min.min(self.prev_tail.len());
        while k < self.prev_tail.len() && self.prev_tail[self.prev_tail.len() - k - 1].heading {
            k += 1;
        }
        let Some(prev) = self.out.pages.last_mut() else { return };
        if k == 0 || k == self.prev_tail.len() && self.prev_tail[0].line == 0 {
            return;
        }
        let first = &self.prev_tail[self.prev_tail.len() - k];
        let (from_line, from_item) = (first.line, first.items.start);
        let moved: Vec<Item> = prev.items.drain(from_item..).collect();
        let moved_marks: Vec<Mark> = prev.marks.drain(from_item..).collect();
        let up = LINE_PITCH * from_line;
        let down = LINE_PITCH * k as i64;
        let page_index = self.out.pages.len();
        for o in &mut self.out.outline {
            if o.page == page_index {
                o.y = o.y + down;
            } else if o.page + 1 == page_index && o.y >= MARGIN_TOP + up {
                o.page += 1;
                o.y = o.y - up;
            }
        }
        for it in &mut self.page.items {
            if let Item::Text(r) = it {
                r.baseline = r.baseline + down;
            }
        }
        let mut top: Vec<Item> = moved
            .into_iter()
            .map(|mut it| {
                if let Item::Text(r) = &mut it {
                    r.baseline = r.baseline - up;
                }
                it
            })
            .collect();
        let n = top.len();
        top.append(&mut self.page.items);
        self.page.items = top;
        let mut marks = moved_marks;
        marks.append(&mut self.page.marks);
        self.page.marks = marks;
        for b in &mut self.page.blanks {
            b.0 += n;
        }
        for t in &mut self.tail {
            t.line += k as i64;
            t.items = t.items.start + n..t.items.end + n;
        }
        self.prev_tail.truncate(self.prev_tail.len() - k);
        self.line += k as i64;
    }

    /// The role that draws a character in a style: Latin letters and digits of prose use the
    /// Latin font; the title and 宋体 text (tables, page numbers) keep their own font's.
    fn role_for(st: TextStyle, ch: char) -> Role {
        if ch.is_ascii_graphic() && !matches!(st.role, Role::Title | Role::Song) {
            Role::Latin
        } else {
            st.role
        }
    }

    /// The glyph that draws `ch`: its face, id and advance in ems; `None` when it is drawn
    /// as nothing (a default-ignorable character no font has). A character no font has gets
    /// the [`PLACEHOLDER`] glyph (a space's glyph for white space), one em wide.
    fn glyph(&mut self, st: TextStyle, ch: char) -> Option<(usize, u16, f32)> {
        let role = Self::role_for(st, ch);
        let g = self.fonts.lookup(role, ch, &mut self.lookup).or_else(|| {
            // Latin fonts lack CJK: let the style's own role try.
            self.fonts.lookup(st.role, ch, &mut self.lookup)
        });
        if let Some(g) = g {
            let own = self.fonts.chains.get(&role).and_then(|c| c.first());
            if own != Some(&g.face) && !ch.is_whitespace() {
                self.out.fonts.fallbacks.entry(ch).or_insert(g.face);
            }
            return Some((g.face, g.glyph, g.advance));
        }
        if crate::text::charset::ignorable(ch) {
            return None;
        }
        let stand_in = if ch.is_whitespace() { ' ' } else { PLACEHOLDER };
        if !ch.is_whitespace() {
            self.out.fonts.missing.insert(ch);
        }
        let p = self.fonts.lookup(Role::Song, stand_in, &mut self.lookup)?;
        Some((p.face, p.glyph, if ch.is_whitespace() { p.advance } else { 1.0 }))
    }

    /// Measures text in a style; on the grid (`grid`), every CJK character is one pitch wide.
    fn measure(&mut self, text: &str, st: TextStyle, grid: Option<Length>) -> (Vec<breaking::Token>, Vec<Measured>) {
        let toks = breaking::tokens(text);
        let mut out = Vec::with_capacity(toks.len());
        for t in &toks {
            let s = &text[t.range.clone()];
            let mut glyphs = Vec::new();
            let mut tails = Vec::new();
            let mut width = Length::ZERO;
            for ch in s.chars() {
                let ch = if ch == '\t' { ' ' } else { ch };
                if ch.is_control() {
                    // Refused by validation; a document built otherwise draws them as nothing.
                    continue;
                }
                let Some((face, gid, adv)) = self.glyph(st, ch) else {
                    if let Some(last) = glyphs.len().checked_sub(1) {
                        tails.push((last, ch));
                    }
                    continue;
                };
                let natural = Length::from_pt_f32(adv * st.size.to_pt());
                // A narrow character from outside the CJK fonts' set (² ¥ €) keeps its own
                // width; CJK characters and marks take one grid pitch.
                let narrow = (adv < 0.9 && !crate::text::charset::bundled(ch)) || crate::text::charset::ignorable(ch);
                let a = match (grid, t.kind) {
                    (Some(p), TokenKind::Cjk) if !narrow => p,
                    (Some(p), TokenKind::Space) if ch == '\u{3000}' => p,
                    _ => natural,
                };
                glyphs.push((ch, face, gid, a));
                width = width + a;
            }
            out.push(Measured {
                glyphs,
                tails,
                width,
                space: t.kind == TokenKind::Space,
            });
        }
        (toks, out)
    }

    /// Breaks runs into lines of at most `first`/`rest` width, justified to `rest` (or
    /// `first` for the first line) when `justify`.
    pub fn lines(
        &mut self,
        runs: &[Run],
        st: TextStyle,
        grid: Option<Length>,
        first: Length,
        rest: Length,
        justify: bool,
    ) -> Vec<LaidLine> {
        // Flatten runs into tokens, remembering each token's weight.
        let mut texts: Vec<(String, bool)> = Vec::new();
        let mut measured: Vec<Measured> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut prev: Option<String> = None;
        for run in runs {
            let (toks, ms) = self.measure(&run.text, st, grid);
            for (t, m) in toks.iter().zip(ms) {
                let s = run.text[t.range.clone()].to_string();
                let break_before = match &prev {
                    None => false,
                    Some(p) => breaking::may_break_between(p, &s),
                };
                prev = Some(s.clone());
                if m.width > rest && m.glyphs.len() > 1 {
                    // A URL or number longer than a whole line: the only place it may break
                    // is inside, character by character.
                    for (i, g) in m.glyphs.iter().enumerate() {
                        pieces.push(Piece {
                            width: g.3 .0,
                            space: false,
                            break_before: i > 0 || break_before,
                        });
                        texts.push((g.0.to_string(), run.bold || st.bold));
                        measured.push(Measured {
                            glyphs: vec![*g],
                            tails: m.tails.iter().filter(|t| t.0 == i).map(|t| (0, t.1)).collect(),
                            width: g.3,
                            space: false,
                        });
                    }
                    continue;
                }
                pieces.push(Piece {
                    width: m.width.0,
                    space: m.space,
                    break_before,
                });
                texts.push((s, run.bold || st.bold));
                measured.push(m);
            }
        }
        let lines = breaking::fill(&pieces, first.0, rest.0);
        let mut out = Vec::with_capacity(lines.len());
        for (li, l) in lines.iter().enumerate() {
            let avail = if li == 0 { first } else { rest };
            let n = l.range.len() as i64;
            let extra = avail.0 - l.width;
            let gap = if justify && !l.last && n > 1 && extra > 0 && extra / (n - 1) <= st.size.0 * 3 / 10 {
                extra / (n - 1)
            } else {
                0
            };
            let mut runs_out: Vec<GlyphRun> = Vec::new();
            let mut x = Length::ZERO;
            let mut rem = if gap > 0 { extra - gap * (n - 1) } else { 0 };
            for (k, pi) in l.range.clone().enumerate() {
                let (text, bold) = &texts[pi];
                let m = &measured[pi];
                let mut offset = 0;
                for (gi, &(ch, face, gid, adv)) in m.glyphs.iter().enumerate() {
                    let mut advance = adv;
                    if gi + 1 == m.glyphs.len() && (k as i64) < n - 1 {
                        advance = advance + Length(gap);
                        if rem > 0 {
                            advance = advance + Length(1);
                            rem -= 1;
                        }
                    }
                    let len = ch.len_utf8();
                    let same = runs_out.last().is_some_and(|r| r.face == face && r.bold == *bold);
                    if !same {
                        runs_out.push(GlyphRun {
                            x,
                            baseline: Length::ZERO,
                            size: st.size,
                            face,
                            bold: *bold,
                            text: String::new(),
                            glyphs: Vec::new(),
                        });
                    }
                    let r = runs_out.last_mut().expect("pushed");
                    let start = r.text.len();
                    r.text.push(ch);
                    for &(_, t) in m.tails.iter().filter(|t| t.0 == gi) {
                        r.text.push(t);
                    }
                    r.glyphs.push(PlacedGlyph {
                        glyph: gid,
                        advance,
                        range: start..r.text.len(),
                    });
                    x = x + advance;
                    offset += len;
                }
                let _ = (offset, text);
            }
            out.push(LaidLine {
                runs: runs_out,
                width: x,
            });
        }
        out
    }

    /// Lines of a grid paragraph: first line indented by the style's indent.
    fn grid_lines(&mut self, runs: &[Run], st: TextStyle) -> Vec<LaidLine> {
        let indent = CHAR_PITCH * st.indent_chars;
        self.lines(runs, st, Some(CHAR_PITCH), TEXT_WIDTH - indent, TEXT_WIDTH, true)
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                if i == 0 {
                    for r in &mut l.runs {
                        r.x = r.x + indent;
                    }
                    l.width = l.width + indent;
                }
                l
            })
            .collect()
    }

    /// The baseline of text of `size` centred in a line box starting at `top` of height `h`
    /// (the em box centred; ideographic em boxes sit 0.88 em above the baseline).
    pub fn baseline(top: Length, h: Length, size: Length) -> Length {
        top + (h - size) / 2 + size * 88 / 100
    }

    /// Places lines one per grid line, breaking pages as needed.
    fn place_grid_lines(&mut self, lines: Vec<LaidLine>, st: TextStyle, heading: bool) {
        for l in lines {
            if self.line >= LINES_PER_PAGE {
                self.new_page();
            }
            let top = MARGIN_TOP + self.y();
            let base = Self::baseline(top, LINE_PITCH, st.size);
            let start = self.page.items.len();
            self.push_line(l, MARGIN_LEFT, base);
            if self.tail.last().is_some_and(|t| t.line + 1 != self.line) {
                self.tail.clear();
            }
            self.tail.push(TailLine {
                line: self.line,
                items: start..self.page.items.len(),
                heading,
            });
            self.line += 1;
        }
    }

    /// Starts a new page taking along the last `min` prose lines of this one (and the
    /// heading lines right above them, which stay with what follows), so that what comes
    /// next is not alone on the new page. Takes fewer when fewer follow a table or the page
    /// top; moves outline entries along.
    fn new_page_taking(&mut self, min: usize) {
        // Only a tail that ends at the current line and leaves something behind moves.
        let ends_here = self.tail.last().is_some_and(|t| t.line + 1 == self.line);
        let mut k = if ends_here { min.min(self.tail.len()) } else { 0 };
        while k < self.tail.len() && self.tail[self.tail.len() - k - 1].heading {
            k += 1;
        }
        if k == 0 || k == self.tail.len() && self.tail[0].line == 0 {
            self.new_page();
            return;
        }
        let first = &self.tail[self.tail.len() - k];
        let (from_line, from_item) = (first.line, first.items.start);
        let moved: Vec<Item> = self.page.items.drain(from_item..).collect();
        let moved_marks: Vec<Mark> = self.page.marks.drain(from_item..).collect();
        let shift = LINE_PITCH * from_line;
        let page_index = self.out.pages.len();
        for o in &mut self.out.outline {
            if o.page == page_index && o.y >= MARGIN_TOP + shift {
                o.page += 1;
                o.y = o.y - shift;
            }
        }
        self.new_page();
        for (mut it, mark) in moved.into_iter().zip(moved_marks) {
            if let Item::Text(r) = &mut it {
                r.baseline = r.baseline - shift;
            }
            self.page.push(it, mark);
        }
        self.line = k as i64;
    }

    pub fn push_line(&mut self, l: LaidLine, left: Length, baseline: Length) {
        for mut r in l.runs {
            r.x = r.x + left;
            r.baseline = baseline;
            self.page.push(Item::Text(r), self.mark.clone());
        }
    }

    fn title(&mut self, title: &[String]) {
        let st = style::TITLE;
        self.out.outline.push(OutlineEntry {
            text: title.concat(),
            page: 0,
            y: MARGIN_TOP,
        });
        for t in title {
            let runs = [Run {
                text: t.clone(),
                bold: false,
            }];
            for l in self.lines(&runs, st, None, TEXT_WIDTH, TEXT_WIDTH, false) {
                let left = MARGIN_LEFT + (TEXT_WIDTH - l.width) / 2;
                let base = Self::baseline(MARGIN_TOP + self.y(), LINE_PITCH, st.size);
                self.push_line(l, left, base);
                self.line += 1;
            }
        }
        self.line += 1; // one empty line between title and body
    }

    /// 落款, placed by the model's rule ([`crate::model::SignOff::lines`]): one empty line,
    /// then each line right-aligned at its right indent.
    fn signoff(&mut self, s: &crate::model::SignOff) {
        let st = TextStyle {
            indent_chars: 0,
            ..style::BODY
        };
        let mut placed: Vec<(LaidLine, Length)> = Vec::new();
        for l in s.lines() {
            let right = TEXT_WIDTH - CHAR_PITCH * l.right_half_chars / 2;
            let runs = [Run {
                text: l.text.clone(),
                bold: false,
            }];
            // The rule's widths are estimates: a line that still does not fit wraps here.
            for laid in self.lines(&runs, st, Some(CHAR_PITCH), right, right, false) {
                let left = right - laid.width;
                placed.push((laid, left));
            }
        }
        // Never alone on a page: when the empty line and the sign-off do not fit, the last
        // two lines of the text before it (with a heading right above them) come along.
        if self.line + 1 + placed.len() as i64 > LINES_PER_PAGE {
            self.new_page_taking(2);
        } else if self.line < 2 && self.tail.len() as i64 == self.line {
            // Only the last line of a paragraph above it on this page: the line before comes over.
            self.pull_from_previous(2 - self.line as usize);
        }
        if self.line > 0 {
            self.line += 1;
        }
        for (l, left) in placed {
            let base = Self::baseline(MARGIN_TOP + self.y(), LINE_PITCH, st.size);
            self.push_line(l, MARGIN_LEFT + left, base);
            self.line += 1;
        }
    }

    /// Closes the last page and adds page numbers 「— N —」: odd pages right, even pages left,
    /// one character in from the 版心's edge, the line's top 7 mm below the 版心.
    fn finish(mut self) -> Pages {
        if !self.page.items.is_empty() || self.out.pages.is_empty() {
            self.new_page();
        }
        let st = style::FOLIO;
        let top = MARGIN_TOP + style::TEXT_HEIGHT + style::FOLIO_GAP;
        let base = top + st.size * 88 / 100;
        for i in 0..self.out.pages.len() {
            let n = i + 1;
            let text = format!("— {n} —");
            let mut lines = self.lines(&[Run { text, bold: false }], st, None, TEXT_WIDTH, TEXT_WIDTH, false);
            let l = lines.remove(0);
            let left = if n % 2 == 1 {
                MARGIN_LEFT + TEXT_WIDTH - st.size - l.width
            } else {
                MARGIN_LEFT + st.size
            };
            let mut page = std::mem::take(&mut self.out.pages[i]);
            for mut r in l.runs {
                r.x = r.x + left;
                r.baseline = base;
                page.push(Item::Text(r), Mark::Pagination);
            }
            self.out.pages[i] = page;
        }
        self.out
    }
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
