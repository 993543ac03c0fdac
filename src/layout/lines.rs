//! Setting text into lines: glyphs from the role's fonts, tokens measured on the grid,
//! lines broken by [`breaking::fill`] with punctuation compression and CJK–Latin spacing,
//! then justified.

use super::{Composer, GlyphRun, LaidLine, Measured, PlacedGlyph, PLACEHOLDER};
use crate::model::Run;
use crate::style::{Role, TextStyle, CHAR_PITCH, TEXT_WIDTH};
use crate::text::breaking::{self, Piece, TokenKind};
use crate::units::Length;

/// The CJK–Latin gap (autospace) as a fraction of the font size: 0.23 em, the gap
/// LibreOffice sets with `w:autoSpaceDE`/`w:autoSpaceDN` at 三号 (3.7 pt of 16 pt, measured
/// on its PDF of nianbao's DOCX); Word's and WPS's are about a quarter em.
pub const AUTOSPACE: (i64, i64) = (23, 100);

/// Whether autospace puts a gap on this side of `c`: an ideograph (CJK unified ideographs
/// and their extensions, compatibility ideographs, kana, hangul), not punctuation.
fn ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// A Latin letter or digit (ASCII; full-width forms are set like ideographs).
fn latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

impl Composer<'_> {
    /// The role that draws a character in a style: Latin letters and digits of prose use the
    /// Latin font; the title and 宋体 text (tables, page numbers) keep their own font's.
    pub(super) fn role_for(st: TextStyle, ch: char) -> Role {
        if ch.is_ascii_graphic() && !matches!(st.role, Role::Title | Role::Song) {
            Role::Latin
        } else {
            st.role
        }
    }

    /// The glyph that draws `ch`: its face, id and advance in ems; `None` when it is drawn
    /// as nothing (a default-ignorable character no font has). A character no font has gets
    /// the [`PLACEHOLDER`] glyph (a space's glyph for white space), one em wide.
    pub(super) fn glyph(&mut self, st: TextStyle, ch: char) -> Option<(usize, u16, f32)> {
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
    pub(super) fn measure(
        &mut self,
        text: &str,
        st: TextStyle,
        grid: Option<Length>,
    ) -> (Vec<breaking::Token>, Vec<Measured>) {
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
    /// `first` for the first line) when `justify`. Each run is set in its own style
    /// ([`crate::model::RunStyle::text_style`] of `st`). With autospace on, a gap of
    /// [`AUTOSPACE`] em separates an ideograph from a Latin letter or digit next to it (an
    /// ASCII space between them becomes that gap). On the grid (`grid`), punctuation is
    /// compressed as [`breaking::fill`] says: adjacent marks always, a line's end and start
    /// marks when that makes the line fit, and a line-end 「，。、」 may hang.
    pub fn lines(
        &mut self,
        runs: &[Run],
        st: TextStyle,
        grid: Option<Length>,
        first: Length,
        rest: Length,
        justify: bool,
    ) -> Vec<LaidLine> {
        // Flatten runs into tokens, remembering each token's text, weight and kind.
        let mut texts: Vec<(String, bool)> = Vec::new();
        let mut kinds: Vec<Option<TokenKind>> = Vec::new();
        let mut measured: Vec<Measured> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut prev: Option<String> = None;
        let gap = Length(st.size.0 * AUTOSPACE.0 / AUTOSPACE.1);
        for run in runs {
            let rst = run.style.text_style(st);
            let (toks, ms) = self.measure(&run.text, rst, grid);
            for (t, m) in toks.iter().zip(ms) {
                let s = run.text[t.range.clone()].to_string();
                let break_before = match &prev {
                    None => false,
                    Some(p) => breaking::may_break_between(p, &s),
                };
                if self.autospace {
                    // An ideograph next to a Latin letter or digit: the gap, once. A space
                    // between them is read as the gap.
                    let before = prev.as_deref().and_then(|p| p.chars().last());
                    let two_back = if texts.len() >= 2 && kinds[kinds.len() - 1] == Some(TokenKind::Space) {
                        texts[texts.len() - 2].0.chars().last()
                    } else {
                        None
                    };
                    let after = s.chars().next();
                    let spaced = |a: Option<char>, b: Option<char>| match (a, b) {
                        (Some(a), Some(b)) => (ideograph(a) && latin(b)) || (latin(a) && ideograph(b)),
                        _ => false,
                    };
                    if t.kind != TokenKind::Space && spaced(before, after) {
                        pieces.push(Piece {
                            width: gap.0,
                            space: true,
                            break_before,
                            ..Piece::default()
                        });
                        texts.push((String::new(), false));
                        kinds.push(None);
                        measured.push(Measured {
                            glyphs: Vec::new(),
                            tails: Vec::new(),
                            width: gap,
                            space: true,
                        });
                    } else if t.kind != TokenKind::Space && spaced(two_back, after) {
                        let k = measured.len() - 1;
                        if texts[k].0 == " " {
                            if let Some(g) = measured[k].glyphs.first_mut() {
                                g.3 = gap;
                                measured[k].width = gap;
                                pieces[k].width = gap.0;
                            }
                        }
                    }
                }
                prev = Some(s.clone());
                if m.width > rest && m.glyphs.len() > 1 {
                    // A URL or number longer than a whole line: the only place it may break
                    // is inside, character by character.
                    for (i, g) in m.glyphs.iter().enumerate() {
                        pieces.push(Piece {
                            width: g.3 .0,
                            break_before: i > 0 || break_before,
                            ..Piece::default()
                        });
                        texts.push((g.0.to_string(), rst.bold));
                        kinds.push(Some(TokenKind::Word));
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
                    ..Piece::default()
                });
                texts.push((s, rst.bold));
                kinds.push(Some(t.kind));
                measured.push(m);
            }
        }
        if let Some(pitch) = grid {
            let classes: Vec<breaking::Punct> = texts
                .iter()
                .zip(&kinds)
                .map(|((t, _), k)| match k {
                    Some(TokenKind::Cjk) => breaking::punct(t),
                    _ => breaking::Punct::None,
                })
                .collect();
            let strs: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
            let half = pitch.0 / 2;
            let narrowed = breaking::punctuate(&mut pieces, &classes, &strs, half);
            for (m, _) in measured.iter_mut().zip(&narrowed).filter(|(_, n)| **n) {
                if let Some(g) = m.glyphs.last_mut() {
                    g.3 = g.3 - Length(half);
                }
                m.width = m.width - Length(half);
            }
        }
        let lines = breaking::fill(&pieces, first.0, rest.0);
        let mut out = Vec::with_capacity(lines.len());
        for (li, l) in lines.iter().enumerate() {
            let avail = if li == 0 { first } else { rest };
            let n = l.range.len() as i64;
            // The hanging part of a line-end mark stays outside the justified width.
            let extra = avail.0 + l.overhang - l.width;
            let gap = if justify && !l.last && n > 1 && extra > 0 && extra / (n - 1) <= st.size.0 * 3 / 10 {
                extra / (n - 1)
            } else {
                0
            };
            let mut runs_out: Vec<GlyphRun> = Vec::new();
            let mut x = Length(-l.start_shrink);
            let mut rem = if gap > 0 { extra - gap * (n - 1) } else { 0 };
            for (k, pi) in l.range.clone().enumerate() {
                let (_, bold) = &texts[pi];
                let m = &measured[pi];
                let mut share = Length::ZERO;
                if (k as i64) < n - 1 {
                    share = Length(gap);
                    if rem > 0 {
                        share = share + Length(1);
                        rem -= 1;
                    }
                }
                if m.glyphs.is_empty() {
                    // An autospace gap: it widens the glyph before it.
                    let widen = m.width + share;
                    if let Some(g) = runs_out.last_mut().and_then(|r| r.glyphs.last_mut()) {
                        g.advance = g.advance + widen;
                    }
                    x = x + widen;
                    continue;
                }
                for (gi, &(ch, face, gid, adv)) in m.glyphs.iter().enumerate() {
                    let mut advance = adv;
                    if gi + 1 == m.glyphs.len() {
                        advance = advance + share;
                        if (k as i64) == n - 1 {
                            advance = advance - Length(l.end_shrink);
                        }
                    }
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
                }
            }
            out.push(LaidLine {
                runs: runs_out,
                width: x,
            });
        }
        out
    }

    /// Lines of a grid paragraph: first line indented by the style's indent.
    pub(super) fn grid_lines(&mut self, runs: &[Run], st: TextStyle) -> Vec<LaidLine> {
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
}
