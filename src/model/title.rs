//! Breaking a title (and a long sign-off agency) into lines: one rule for the PDF layout and
//! the DOCX writer (GB/T 9704-2012 7.3.2: 词意完整、排列对称、长短适宜, a trapezoid or diamond).
//!
//! - Lines break only between words of the jieba segmenter (its default dictionary, HMM on),
//!   never inside a number with its 「年」, and never against the 禁则 of
//!   [`crate::text::breaking`].
//! - The known seams 「agency | year」 and 「… | 政府信息公开工作年度报告」 are preferred breaks.
//! - Among the breaks into the fewest lines that fit, the chosen one has lines of similar
//!   length, the longer above (a diamond, short–long–short, is also accepted), and no line
//!   of fewer than three characters.
//!
//! Widths are estimated without fonts, in thousandths of an em: a CJK character is 1000, an
//! ASCII character 600 (on the safe side of the real 0.5–0.55 em digits).

use std::ops::Range;
use std::sync::OnceLock;

use jieba_rs::Jieba;

use crate::style::{self, TEXT_WIDTH};
use crate::text::breaking::may_break_between;

/// The suffix of every report's title; a break before it is a seam.
pub const REPORT_SUFFIX: &str = "政府信息公开工作年度报告";

/// The shortest line allowed, in characters.
pub const MIN_LINE_CHARS: usize = 3;

fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(Jieba::new)
}

/// Byte ranges of the segmenter's words in `text` (they cover it, in order).
pub fn words(text: &str) -> Vec<Range<usize>> {
    jieba()
        .cut(text, true)
        .iter()
        .map(|t| t.byte_start..t.byte_end)
        .collect()
}

/// Estimated width in thousandths of an em (ASCII 600, everything else 1000).
pub fn width_milli_em(s: &str) -> i64 {
    s.chars().map(|c| if c.is_ascii() { 600 } else { 1000 }).sum()
}

/// What a title line may hold: the text block's width at the title size (二号 22 pt: 20
/// characters), in thousandths of an em.
pub fn title_capacity() -> i64 {
    TEXT_WIDTH.0 * 1000 / style::TITLE.size.0
}

/// Byte offsets where a line may break: between segmenter words, except inside a number
/// followed by 「年」/「年度」 and where 禁则 forbid it. Every offset is > 0 and < len.
pub fn break_points(text: &str) -> Vec<usize> {
    let w = words(text);
    let mut out = Vec::new();
    for pair in w.windows(2) {
        let (a, b) = (&text[pair[0].clone()], &text[pair[1].clone()]);
        let digits_year = a.chars().last().is_some_and(|c| c.is_ascii_digit()) && b.starts_with('年');
        if !digits_year && may_break_between(a, b) {
            out.push(pair[1].start);
        }
    }
    out
}

/// The seams of a report title: before the year (「agency | 2024年」) and before
/// [`REPORT_SUFFIX`].
pub fn seams(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    for i in 1..b.len().saturating_sub(4) {
        let year =
            b[i..i + 4].iter().all(u8::is_ascii_digit) && !b[i - 1].is_ascii_digit() && text[i + 4..].starts_with('年');
        if year {
            out.push(i);
        }
    }
    if let Some(i) = text.rfind(REPORT_SUFFIX).filter(|&i| i > 0) {
        out.push(i);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The cost of a break away from a seam: as much as two lines 6 em apart.
const OFF_SEAM: i64 = 3600;

/// The cost of one choice of lines (lower is better); `None` when a line is too long or
/// too short.
fn cost(text: &str, cuts: &[usize], seams: &[usize], cap: i64, min_chars: usize) -> Option<i64> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    let lines: Vec<&str> = bounds.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let widths: Vec<i64> = lines.iter().map(|l| width_milli_em(l)).collect();
    if widths.iter().any(|&w| w > cap) || lines.iter().any(|l| l.chars().count() < min_chars) {
        return None;
    }
    let max = *widths.iter().max().unwrap_or(&0);
    // Balance, in (em/10)².
    let mut c: i64 = widths.iter().map(|w| ((max - w) / 100).pow(2)).sum();
    // The longer above: a line longer than the one above it costs, except the middle of a
    // diamond (short–long–short).
    let n = widths.len();
    for i in 1..n {
        let diamond = n == 3 && i == 1 && widths[2] <= widths[1];
        if widths[i] > widths[i - 1] && !diamond {
            c += (widths[i] - widths[i - 1]) / 100 * 20;
        }
    }
    c += cuts.iter().filter(|b| !seams.contains(b)).count() as i64 * OFF_SEAM;
    Some(c)
}

/// The best choice of `n - 1` cuts among `points`, searched exhaustively (titles are short).
fn best_cuts(
    text: &str,
    points: &[usize],
    n: usize,
    seams: &[usize],
    cap: i64,
    min: usize,
) -> Option<(i64, Vec<usize>)> {
    fn go(
        ctx: (&str, &[usize], &[usize], i64, usize),
        from: usize,
        left: usize,
        cur: &mut Vec<usize>,
        best: &mut Option<(i64, Vec<usize>)>,
    ) {
        let (text, points, seams, cap, min) = ctx;
        if left == 0 {
            if let Some(c) = cost(text, cur, seams, cap, min) {
                if best.as_ref().is_none_or(|(b, _)| c < *b) {
                    *best = Some((c, cur.clone()));
                }
            }
            return;
        }
        for i in from..points.len() {
            let start = cur.last().copied().unwrap_or(0);
            if width_milli_em(&text[start..points[i]]) > cap {
                break;
            }
            cur.push(points[i]);
            go(ctx, i + 1, left - 1, cur, best);
            cur.pop();
        }
    }
    if n > points.len() + 1 {
        return None;
    }
    let mut best = None;
    go((text, points, seams, cap, min), 0, n - 1, &mut Vec::new(), &mut best);
    best
}

fn split_at(text: &str, cuts: Vec<usize>) -> Vec<String> {
    let mut bounds = vec![0];
    bounds.extend(cuts);
    bounds.push(text.len());
    bounds.windows(2).map(|w| text[w[0]..w[1]].to_string()).collect()
}

/// Breaks `text` into lines of at most `cap` thousandths of an em, by the rule of this
/// module, preferring breaks at `seams` (byte offsets). Text that fits stays one line. When
/// no break at word boundaries fits, lines break between characters (still balanced).
pub fn break_lines(text: &str, cap: i64, seams: &[usize]) -> Vec<String> {
    if text.is_empty() || width_milli_em(text) <= cap {
        return vec![text.to_string()];
    }
    let minimum = (width_milli_em(text) + cap - 1) / cap;
    if minimum > MAX_SEARCHED_LINES {
        return first_fit(text, cap, &break_points(text));
    }
    // Fast path, same result: cuts at seams only (seams are word boundaries) that cost less
    // than one cut elsewhere are the best choice of the fewest lines, and need no segmenter
    // (loading its dictionary takes a good part of a second).
    let at_seams: Vec<usize> = seams.iter().copied().filter(|&b| b > 0 && b < text.len()).collect();
    if let Some((c, cuts)) = best_cuts(text, &at_seams, minimum as usize, seams, cap, MIN_LINE_CHARS) {
        if c < OFF_SEAM {
            return split_at(text, cuts);
        }
    }
    let points = break_points(text);
    let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).filter(|&i| i > 0).collect();
    // Word boundaries first, trying one or two more lines than the fewest (a diamond may need
    // one more); then between characters.
    let attempts: [(&[usize], usize, usize); 3] = [
        (&points, MIN_LINE_CHARS, 2),
        (&chars, MIN_LINE_CHARS, 1),
        (&chars, 1, 1),
    ];
    for (pts, min, more) in attempts {
        for n in minimum as usize..=(minimum as usize + more).min(pts.len() + 1) {
            if let Some((_, cuts)) = best_cuts(text, pts, n, seams, cap, min) {
                return split_at(text, cuts);
            }
        }
    }
    // Unreachable for real text (a line of one character always fits); keep the text whole.
    vec![text.to_string()]
}

/// Text needing more lines than this is set first-fit: the exhaustive search is for titles
/// and agency names, and must not explode on a paragraph pasted into the title.
const MAX_SEARCHED_LINES: i64 = 3;

/// Lines as long as they may be, breaking at `points`, or between characters where no point
/// falls within a line.
fn first_fit(text: &str, cap: i64, points: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    while width_milli_em(&text[start..]) > cap {
        let fits = |&b: &usize| b > start && width_milli_em(&text[start..b]) <= cap;
        let end = points.iter().copied().rfind(fits).unwrap_or_else(|| {
            let chars = text[start..].char_indices().map(|(i, _)| start + i).skip(1);
            chars
                .take_while(|b| width_milli_em(&text[start..*b]) <= cap)
                .last()
                .unwrap_or(text.len())
        });
        out.push(text[start..end].to_string());
        start = end;
    }
    if start < text.len() {
        out.push(text[start..].to_string());
    }
    out
}

/// The printed title lines. `lines_given`: the input's `title` was an array, whose elements
/// are kept as lines (each broken only when it is itself longer than a line). Otherwise the
/// parts (a string title, or the default `[agency, "{year}年政府信息公开工作年度报告"]`) are
/// joined and broken by [`break_lines`], with a seam between the parts.
pub fn title_lines(parts: &[String], lines_given: bool) -> Vec<String> {
    let cap = title_capacity();
    if lines_given {
        return parts.iter().flat_map(|p| break_lines(p, cap, &seams(p))).collect();
    }
    let text = parts.concat();
    let mut s = seams(&text);
    let mut at = 0;
    for p in &parts[..parts.len().saturating_sub(1)] {
        at += p.len();
        s.push(at);
    }
    s.sort_unstable();
    s.dedup();
    break_lines(&text, cap, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        title_lines(&[s.to_string()], false)
    }

    #[test]
    fn never_a_lone_character() {
        assert_eq!(
            t("2024年上海市科委政府信息公开工作年度报告"),
            ["2024年上海市科委", REPORT_SUFFIX]
        );
    }

    #[test]
    fn a_short_title_stays_one_line() {
        assert_eq!(t("某某局年度报告"), ["某某局年度报告"]);
    }

    #[test]
    fn the_default_title_breaks_at_a_seam() {
        let l = title_lines(
            &["淄博市人民防空办公室".into(), "2020年政府信息公开工作年度报告".into()],
            false,
        );
        assert_eq!(l.concat(), "淄博市人民防空办公室2020年政府信息公开工作年度报告");
        assert_eq!(l.len(), 2);
        assert!(l[1].ends_with(REPORT_SUFFIX), "{l:?}");
    }

    #[test]
    fn long_and_odd_titles_break_quickly_and_keep_every_character() {
        for text in [
            "政府信息公开".repeat(80),
            "a".repeat(300),
            format!("{}2024年{}", "x1".repeat(40), "报告".repeat(30)),
            "一二三四五六七八九十".repeat(7),
        ] {
            let l = title_lines(std::slice::from_ref(&text), false);
            assert_eq!(l.concat(), text);
            assert!(l.iter().all(|x| width_milli_em(x) <= title_capacity()), "{l:?}");
        }
    }

    #[test]
    fn seams_are_found() {
        let s = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告";
        let v = seams(s);
        assert_eq!(v.len(), 2);
        assert!(s[v[0]..].starts_with("2024"));
    }
}
