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

/// A measured piece for [`fill`]: width in any consistent unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub width: i64,
    pub space: bool,
    /// Whether a line may break before this piece.
    pub break_before: bool,
}

/// A line: the pieces `start..end` (without leading or trailing spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub range: Range<usize>,
    /// The pieces' natural width.
    pub width: i64,
    /// Whether the paragraph ends on this line (it is not justified).
    pub last: bool,
}

/// First-fit line filling: the first line is `first` wide, later ones `rest`. A piece wider
/// than a line gets a line of its own (it overflows; callers may shrink it).
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
        let mut width = 0;
        let mut end = start;
        let mut last_break: Option<usize> = None;
        while end < pieces.len() {
            let p = pieces[end];
            if end > start && p.break_before {
                last_break = Some(end);
            }
            if width + p.width > avail && !p.space && end > start {
                break;
            }
            width += p.width;
            end += 1;
        }
        if end < pieces.len() && !(pieces[end].break_before || pieces[end].space) {
            // The piece that did not fit may not start a line: break earlier.
            if let Some(b) = last_break.filter(|&b| b > start) {
                end = b;
            }
        }
        let mut stop = end;
        while stop > start && pieces[stop - 1].space {
            stop -= 1;
        }
        let w = pieces[start..stop].iter().map(|p| p.width).sum();
        lines.push(Line {
            range: start..stop,
            width: w,
            last: false,
        });
        start = end;
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
        let ps = toks
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
                };
                prev = Some(s);
                p
            })
            .collect();
        (toks, ps)
    }

    fn lines(text: &str, width: i64) -> Vec<String> {
        let (toks, ps) = pieces(text);
        fill(&ps, width, width)
            .iter()
            .map(|l| toks[l.range.clone()].iter().map(|t| &text[t.range.clone()]).collect())
            .collect()
    }

    #[test]
    fn numbers_emails_and_urls_stay_whole() {
        let t = tokens("邮箱：zbrffxk@zb.shandong.cn，网址http://a.b/c");
        let words: Vec<_> = t.iter().filter(|t| t.kind == TokenKind::Word).collect();
        assert_eq!(words.len(), 2);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // Width 8 = four hanzi: 「。」 would start line two, so 「四」 moves down with it.
        assert_eq!(lines("一二三四。五六", 8), ["一二三", "四。五六"]);
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
