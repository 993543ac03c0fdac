//! Placing laid-out lines on pages: the grid, page breaks that keep a heading with what
//! follows and the sign-off with the text above it, the title, the sign-off and page numbers.

use super::{Composer, Item, LaidLine, Mark, OutlineEntry, Pages, TailLine};
use crate::model::Run;
use crate::style::{self, TextStyle, CHAR_PITCH, LINES_PER_PAGE, LINE_PITCH, MARGIN_LEFT, MARGIN_TOP, TEXT_WIDTH};
use crate::units::Length;

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
    pub(super) fn pull_from_previous(&mut self, min: usize) {
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

    /// The baseline of text of `size` centred in a line box starting at `top` of height `h`
    /// (the em box centred; ideographic em boxes sit 0.88 em above the baseline).
    pub fn baseline(top: Length, h: Length, size: Length) -> Length {
        top + (h - size) / 2 + size * 88 / 100
    }

    /// Places lines one per grid line, breaking pages as needed.
    pub(super) fn place_grid_lines(&mut self, lines: Vec<LaidLine>, st: TextStyle, heading: bool) {
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
    pub(super) fn new_page_taking(&mut self, min: usize) {
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

    pub(super) fn title(&mut self, title: &[String]) {
        let st = style::TITLE;
        self.out.outline.push(OutlineEntry {
            text: title.concat(),
            page: 0,
            y: MARGIN_TOP,
        });
        for t in title {
            let runs = [Run::body(t.clone())];
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
    pub(super) fn signoff(&mut self, s: &crate::model::SignOff) {
        let st = TextStyle {
            indent_chars: 0,
            ..style::BODY
        };
        let mut placed: Vec<(LaidLine, Length)> = Vec::new();
        // The sign-off's places are counted in characters (GB/T 9704 7.3.5): no autospace
        // widens its date (the DOCX's sign-off style turns it off too).
        let autospace = std::mem::replace(&mut self.autospace, false);
        for l in s.lines() {
            let right = TEXT_WIDTH - CHAR_PITCH * l.right_half_chars / 2;
            let runs = [Run::body(l.text.clone())];
            // The rule's widths are estimates: a line that still does not fit wraps here.
            for laid in self.lines(&runs, st, Some(CHAR_PITCH), right, right, false) {
                let left = right - laid.width;
                placed.push((laid, left));
            }
        }
        self.autospace = autospace;
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
    pub(super) fn finish(mut self) -> Pages {
        if !self.page.items.is_empty() || self.out.pages.is_empty() {
            self.new_page();
        }
        let st = style::FOLIO;
        let top = MARGIN_TOP + style::TEXT_HEIGHT + style::FOLIO_GAP;
        let base = top + st.size * 88 / 100;
        for i in 0..self.out.pages.len() {
            let n = i + 1;
            let text = format!("— {n} —");
            let mut lines = self.lines(&[Run::body(text)], st, None, TEXT_WIDTH, TEXT_WIDTH, false);
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
