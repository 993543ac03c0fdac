//! Line breaking for Chinese official documents: where a line may break (禁则), and
//! first-fit filling of measured pieces.
//!
//! Text is cut into tokens that are never split: one CJK character or punctuation mark,
//! a run of Latin letters, digits and symbols without spaces (numbers, dates, phone numbers,
//! e-mail addresses, URLs), 「……」 and 「——」 as pairs, and spaces. A line may break between
//! two tokens unless the next one must not start a line or the previous one must not end
//! one.
//!
//! ```
//! use nianbao::text::breaking::{tokens, TokenKind};
//! let t: Vec<&str> = tokens("电话：0533-2721060。").iter().map(|t| &"电话：0533-2721060。"[t.range.clone()]).collect();
//! assert_eq!(t, ["电", "话", "：", "0533-2721060", "。"]);
//! ```

use std::ops::Range;

/// Characters that must not start a line.
pub const NO_START: &str = "，。、；：？！）》」』】〕〉”’…—·%％,.;:?!)]}>｝］〗｠〙〛";
/// Characters that must not end a line.
pub const NO_END: &str = "（《「『【〔〈“‘([{<｛［〖｟〘〚";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// One CJK character or full-width mark.
    Cjk,
    /// A run of Latin letters, digits and ASCII symbols: never split.
    Word,
    /// A space: a break opportunity, dropped at line ends.
    Space,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub kind: TokenKind,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_graphic() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// Cuts text into unbreakable tokens.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let mut end = i + c.len_utf8();
        // A joiner or variation selector belongs to the character before it.
        if super::charset::ignorable(c) && c != '\u{200B}' {
            if let Some(last) = out.last_mut() {
                last.range.end = end;
                continue;
            }
        }
        let kind = if c == ' ' || c == '\u{3000}' || c == '\t' {
            TokenKind::Space
        } else if is_word_char(c) {
            while let Some(&(j, d)) = it.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            TokenKind::Word
        } else {
            if matches!(c, '…' | '—') {
                if let Some(&(j, d)) = it.peek() {
                    if d == c {
                        end = j + d.len_utf8();
                        it.next();
                    }
                }
            }
            TokenKind::Cjk
        };
        out.push(Token { range: i..end, kind });
    }
    out
}

/// Whether a line may break between two adjacent tokens' texts.
pub fn may_break_between(prev: &str, next: &str) -> bool {
    let starts_bad = next.chars().next().is_some_and(|c| NO_START.contains(c));
    let ends_bad = prev.chars().last().is_some_and(|c| NO_END.contains(c));
    !(starts_bad || ends_bad)
}

/// Punctuation that may be set at half width at a line's end and between adjacent marks
/// (clreq §3.1.6: the blank half of 「，。、；：」 and of closing brackets and quotes).
pub const CLOSING: &str = "，。、；：）》」』】〕〉”’｝］〗｠〙〛";
/// Punctuation whose blank half is on the left: set at half width at a line's start.
pub const OPENING: &str = "（《「『【〔〈“‘｛［〖｟〘〚";
/// Line-end marks that may hang half outside the right edge when a full line precedes them
/// (WPS and Word with 「允许标点溢出边界」, `w:overflowPunct`).
pub const HANGING: &str = "，。、";

/// How a piece takes part in punctuation compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Punct {
    /// Not compressible.
    #[default]
    None,
    /// A closing mark (「，。、；：」 and closing brackets): its right half is blank.
    Closing,
    /// An opening bracket or quote: its left half is blank.
    Opening,
}

/// The compression class of a token's text: only a token of one full-width mark has one.
pub fn punct(token: &str) -> Punct {
    let mut cs = token.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) if CLOSING.contains(c) => Punct::Closing,
        (Some(c), None) if OPENING.contains(c) => Punct::Opening,
        _ => Punct::None,
    }
}

/// A measured piece for [`fill`]: width in any consistent unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Piece {
    pub width: i64,
    pub space: bool,
    /// Whether a line may break before this piece.
    pub break_before: bool,
    /// How much narrower the piece may be set when it ends a line (the blank half of a
    /// closing mark not already compressed against its neighbour).
    pub end_shrink: i64,
    /// How much narrower it may be set when it starts a line (an opening bracket's blank half).
    pub start_shrink: i64,
    /// Whether, compressed, it may hang outside the right edge after a full line.
    pub hang: bool,
}

/// A line: the pieces `start..end` (without leading or trailing spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub range: Range<usize>,
    /// The line's width as set: its pieces' widths less the compression applied.
    pub width: i64,
    /// Whether the paragraph ends on this line (it is not justified).
    pub last: bool,
    /// Compression applied to the first piece (line-start) and the last (line-end).
    pub start_shrink: i64,
    pub end_shrink: i64,
    /// How far the last piece hangs outside the line's width (0 unless it hangs).
    pub overhang: i64,
}

/// Sets the compression of punctuation pieces whose marks are `half` an em wide on their
/// blank side: adjacent marks (「），」「。」」「）（」) are always set half an em closer (the first
/// one narrower: its blank half, or the second's, is dropped); a closing mark may lose its
/// blank half at a line's end, an opening one at a line's start; 「，。、」 may hang. Returns
/// which pieces were narrowed for a neighbour.
pub fn punctuate(pieces: &mut [Piece], classes: &[Punct], texts: &[&str], half: i64) -> Vec<bool> {
    let mut narrowed = vec![false; pieces.len()];
    for i in 0..pieces.len() {
        let c = classes[i];
        if c == Punct::None {
            continue;
        }
        let next = classes.get(i + 1).copied().unwrap_or_default();
        if next != Punct::None && !(c == Punct::Opening && next == Punct::Closing) {
            pieces[i].width -= half;
            narrowed[i] = true;
        }
        if c == Punct::Closing {
            pieces[i].end_shrink = if narrowed[i] { 0 } else { half };
            pieces[i].hang = texts[i].chars().next().is_some_and(|ch| HANGING.contains(ch));
        } else {
            pieces[i].start_shrink = half;
        }
    }
    narrowed
}

/// How the pieces `start..stop` fit in `avail`, compressed as little as needed, in clreq's
/// order: first the line-end mark, then the line-start bracket, then hanging the line-end
/// mark. `natural` is their widths' sum. `None` when they do not fit.
fn fit(pieces: &[Piece], start: usize, stop: usize, natural: i64, avail: i64) -> Option<(i64, i64, i64, i64)> {
    if natural <= avail {
        return Some((natural, 0, 0, 0));
    }
    let last = pieces[stop - 1];
    let end = if stop - 1 > start { last.end_shrink } else { 0 };
    if natural - end <= avail {
        return Some((natural - end, 0, end, 0));
    }
    let first = if stop - 1 > start {
        pieces[start].start_shrink
    } else {
        0
    };
    if natural - end - first <= avail {
        return Some((natural - end - first, first, end, 0));
    }
    if last.hang && stop - 1 > start {
        let set = natural - end - first;
        let overhang = set - avail;
        if overhang <= last.width - end {
            return Some((set, first, end, overhang));
        }
    }
    None
}

/// First-fit line filling with punctuation compression: each line takes as many pieces as
/// fit (see [`fit`]) and ends where a break is allowed; the first line is `first` wide,
/// later ones `rest`. When no allowed break fits, the line breaks after the most pieces that
/// fit (禁则 yields to the edge); a piece wider than a line gets a line of its own (it
/// overflows; callers may shrink it).
pub fn fill(pieces: &[Piece], first: i64, rest: i64) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < pieces.len() {
        while start < pieces.len() && pieces[start].space {
            start += 1;
        }
        if start >= pieces.len() {
            break;
        }
        let avail = if lines.is_empty() { first } else { rest };
        // Candidate ends: `end` is where the next line starts; `stop` drops trailing spaces.
        let mut best: Option<(usize, usize)> = None;
        let mut any: Option<(usize, usize)> = None;
        let mut natural = 0;
        let mut end = start;
        while end < pieces.len() {
            natural += pieces[end].width;
            end += 1;
            if pieces[end - 1].space {
                continue;
            }
            // Compression removes at most one em-half at each end plus a hanging half.
            let slack = pieces[end - 1].end_shrink + pieces[start].start_shrink + pieces[end - 1].width;
            if natural - slack > avail && end - start > 1 {
                break;
            }
            if fit(pieces, start, end, natural, avail).is_none() && end - start > 1 {
                continue;
            }
            any = Some((end, end));
            let allowed = end == pieces.len() || pieces[end].space || pieces[end].break_before;
            if allowed {
                best = Some((end, end));
            }
        }
        let (next, stop) = best.or(any).unwrap_or((start + 1, start + 1));
        let mut stop = stop;
        while stop > start && pieces[stop - 1].space {
            stop -= 1;
        }
        let natural = pieces[start..stop].iter().map(|p| p.width).sum();
        let (width, s0, s1, over) = fit(pieces, start, stop, natural, avail).unwrap_or((natural, 0, 0, 0));
        lines.push(Line {
            range: start..stop,
            width,
            last: false,
            start_shrink: s0,
            end_shrink: s1,
            overhang: over,
        });
        start = next;
    }
    if let Some(l) = lines.last_mut() {
        l.last = true;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> (Vec<Token>, Vec<Piece>) {
        let toks = tokens(text);
        let mut prev: Option<&str> = None;
        let mut ps: Vec<Piece> = toks
            .iter()
            .map(|t| {
                let s = &text[t.range.clone()];
                let p = Piece {
                    width: if t.kind == TokenKind::Cjk {
                        2 * s.chars().count() as i64
                    } else {
                        s.len() as i64
                    },
                    space: t.kind == TokenKind::Space,
                    break_before: prev.is_none_or(|p| may_break_between(p, s)),
                    ..Piece::default()
                };
                prev = Some(s);
                p
            })
            .collect();
        let texts: Vec<&str> = toks.iter().map(|t| &text[t.range.clone()]).collect();
        let classes: Vec<Punct> = texts.iter().map(|t| punct(t)).collect();
        punctuate(&mut ps, &classes, &texts, 1);
        (toks, ps)
    }

    fn lines(text: &str, width: i64) -> Vec<String> {
        let (toks, ps) = pieces(text);
        fill(&ps, width, width)
            .iter()
            .map(|l| toks[l.range.clone()].iter().map(|t| &text[t.range.clone()]).collect())
            .collect()
    }

    fn widths(text: &str, width: i64) -> Vec<(String, i64, i64)> {
        let (toks, ps) = pieces(text);
        fill(&ps, width, width)
            .iter()
            .map(|l| {
                let s: String = toks[l.range.clone()].iter().map(|t| &text[t.range.clone()]).collect();
                (s, l.width, l.overhang)
            })
            .collect()
    }

    #[test]
    fn a_line_end_comma_after_a_full_line_hangs_at_half_width() {
        // The issue's WPS line: 28 characters and 「，」 on a line of 28 (width 2 each).
        let t = "格样表、在线申请等与群众密切相关服务事项，并不断修改完善，积极构建";
        assert_eq!(t.chars().take_while(|&c| c != '积').count(), 29);
        let l = widths(t, 56);
        assert_eq!(l[0].0, "格样表、在线申请等与群众密切相关服务事项，并不断修改完善，");
        assert_eq!(
            (l[0].1, l[0].2),
            (57, 1),
            "28 full characters, the comma half wide and hanging"
        );
        assert_eq!(l[1].0, "积极构建");
    }

    #[test]
    fn a_line_end_mark_is_compressed_before_anything_moves_down() {
        // 27 characters and 「。」: the full stop set at half width fits a line of 27.5.
        let l = widths("一二三四五六七八九十一二三四五六七八九十一二三四五六七。八", 55);
        assert_eq!(l[0].0, "一二三四五六七八九十一二三四五六七八九十一二三四五六七。");
        assert_eq!((l[0].1, l[0].2), (55, 0));
    }

    #[test]
    fn brackets_and_quotes_never_hang() {
        // 「）」 may be compressed but not hang: 「四」 moves down with it (禁则).
        let l = widths("一二三四）五", 8);
        assert_eq!(l[0].0, "一二三");
        assert_eq!(l[1].0, "四）五");
    }

    #[test]
    fn adjacent_marks_are_set_half_an_em_closer() {
        // clreq: 「），」 and 「）（」 take one and a half ems, not two.
        let (_, ps) = pieces("甲），乙）（丙");
        let w: Vec<i64> = ps.iter().map(|p| p.width).collect();
        assert_eq!(w, [2, 1, 2, 2, 1, 2, 2]);
        // 「。」」 at a line's end: the pair is one and a half ems, the quotation mark loses its half.
        let l = widths("一二三四五。」六", 12);
        assert_eq!((l[0].0.as_str(), l[0].1), ("一二三四五。」", 12));
    }

    #[test]
    fn an_opening_bracket_is_compressed_at_a_line_start_when_needed() {
        // 「（四五六」 on a line of 3.5 ems: the bracket's blank half goes.
        let l = widths("（四五六", 7);
        assert_eq!((l[0].0.as_str(), l[0].1), ("（四五六", 7));
        // When the line has room, nothing is compressed.
        let l = widths("（四五六", 8);
        assert_eq!(l[0].1, 8);
    }

    #[test]
    fn numbers_emails_and_urls_stay_whole() {
        let t = tokens("邮箱：zbrffxk@zb.shandong.cn，网址http://a.b/c");
        let words: Vec<_> = t.iter().filter(|t| t.kind == TokenKind::Word).collect();
        assert_eq!(words.len(), 2);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // Width 8 = four hanzi: 「！」 would start line two, so 「四」 moves down with it.
        assert_eq!(lines("一二三四！五六", 8), ["一二三", "四！五六"]);
        // 「。」 instead hangs after the full line.
        assert_eq!(lines("一二三四。五六", 8), ["一二三四。", "五六"]);
    }

    #[test]
    fn opening_brackets_never_end_a_line() {
        assert_eq!(lines("一二三（四五", 8), ["一二三", "（四五"]);
    }

    #[test]
    fn ellipsis_and_dash_pairs_are_not_split() {
        assert_eq!(lines("一二三……", 8), ["一二", "三……"]);
        assert_eq!(lines("一二三——四", 8), ["一二", "三——四"]);
    }

    #[test]
    fn joiners_and_selectors_stay_with_the_character_before() {
        let t: Vec<&str> = tokens("甲\u{FE0F}乙a\u{200D}b")
            .iter()
            .map(|t| &"甲\u{FE0F}乙a\u{200D}b"[t.range.clone()])
            .collect();
        assert_eq!(t, ["甲\u{FE0F}", "乙", "a\u{200D}", "b"]);
    }

    #[test]
    fn a_long_number_moves_whole_to_the_next_line() {
        assert_eq!(lines("一二0533-2721060", 8), ["一二", "0533-2721060"]);
    }
}
