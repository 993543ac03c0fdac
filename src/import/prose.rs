//! The prose of a report from a [`Source`]: the title, the six section headings (by their
//! numerals and words, tolerating real variants), the preamble, sub-headings, bold lead-ins,
//! and the sign-off date.

use super::source::{Block, Para, Source};
use super::text::{item_number, norm};
use crate::template::Template;
use serde_json::{json, Value};

/// What the prose gives.
#[derive(Debug, Default)]
pub(crate) struct Prose {
    /// Title lines, as printed, whitespace removed.
    pub title: Vec<String>,
    /// Where the title came from, for the notes.
    pub title_from: &'static str,
    /// 成文日期 as `YYYY-MM-DD`.
    pub date: Option<String>,
    pub preamble: Vec<Value>,
    /// `overview`, `problems`, `other` (the template's prose keys) → blocks.
    pub sections: Vec<(String, Vec<Value>)>,
    /// Section headings found (1-based numerals), for the notes.
    pub headings_found: Vec<usize>,
    /// Paragraphs in the table sections (二–四) that the contract has no place for.
    pub dropped: usize,
    /// Text that gives the reported year when the title does not (统计期限 …).
    pub period_year: Option<i64>,
}

const NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// Reads the prose. `template` gives the six section headings and the prose keys.
pub(crate) fn read(src: &Source, template: &Template) -> Prose {
    let paras: Vec<&Para> = src
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => Some(p),
            Block::Table(_) => None,
        })
        .collect();
    // Section headings, in increasing order.
    let mut heads: Vec<(usize, usize)> = Vec::new(); // (para index, section index 0..6)
    let mut inline: Vec<(usize, Para)> = Vec::new(); // text run on after a heading
    for (i, p) in paras.iter().enumerate() {
        let after = heads.last().map_or(0, |h| h.1 + 1);
        if let Some((s, rest)) = section_heading(p, template, after) {
            heads.push((i, s));
            if let Some(r) = rest {
                inline.push((i, r));
            }
        }
    }
    let mut out = Prose {
        headings_found: heads.iter().map(|h| h.1 + 1).collect(),
        ..Prose::default()
    };
    let first = heads.first().map_or(paras.len(), |h| h.0);
    // The preamble zone: title, document number, date lines, then the preamble proper.
    let front = &paras[..first];
    let title_at = find_title(front);
    if let Some((from, to)) = title_at {
        out.title = front[from..=to].iter().map(|p| compact(&p.text())).collect();
        out.title_from = "the title in the body";
    }
    for (i, p) in front.iter().enumerate() {
        // Before and in the title: page chrome, a document number, the title itself.
        if title_at.is_some_and(|(_, b)| i <= b) {
            continue;
        }
        if is_page_meta(&p.text()) {
            continue;
        }
        if let Some(b) = block(p) {
            out.preamble.push(b);
        }
    }
    // Sections.
    let mut by_section: Vec<Vec<Para>> = vec![Vec::new(); template.sections.len()];
    for (k, &(i, s)) in heads.iter().enumerate() {
        let end = heads.get(k + 1).map_or(paras.len(), |h| h.0);
        if let Some((_, r)) = inline.iter().find(|(at, _)| *at == i) {
            by_section[s].push(r.clone());
        }
        by_section[s].extend(paras[i + 1..end].iter().map(|p| (*p).clone()));
    }
    // The sign-off closes the last section that has prose.
    if let Some(last) = by_section.iter_mut().rev().find(|v| !v.is_empty()) {
        out.date = take_sign_off(last);
    }
    for (s, sec) in template.sections.iter().enumerate() {
        match &sec.prose {
            Some(key) => {
                let blocks = by_section[s].iter().filter_map(block).collect();
                out.sections.push((key.clone(), blocks));
            }
            None => out.dropped += by_section[s].iter().filter(|p| block(p).is_some()).count(),
        }
    }
    out.period_year = period_year(&paras);
    out
}

/// Whether a paragraph is section heading `after`…6 of the template: its numeral (a
/// doubled one, 「三三、」, is a typo) and most of the heading's words, in a short line; or
/// the heading's exact words followed by text (「一、总体情况。2023年…」), returned as a
/// paragraph of its own.
fn section_heading(p: &Para, template: &Template, after: usize) -> Option<(usize, Option<Para>)> {
    if p.style.as_deref().is_some_and(|s| s == "title") {
        return None;
    }
    let n = norm(&p.text());
    let num = item_number(&n)?;
    let digits = num.trim_end_matches(['、', '.']);
    if digits == num || num.starts_with('(') || digits.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut chars: Vec<char> = digits.chars().collect();
    chars.dedup();
    let [c] = chars[..] else { return None };
    let s = NUMERALS.iter().position(|&x| x == c)?;
    if s < after || s >= template.sections.len() {
        return None;
    }
    let rest = &n[num.len()..];
    let want_full = norm(&template.sections[s].heading);
    let want = want_full.split_once('、').map_or(want_full.as_str(), |x| x.1);
    let rest_len = rest.chars().count();
    let want_len = want.chars().count();
    if rest_len > want_len * 2 + 8 && rest.starts_with(want) {
        let text = p.text();
        let head = &n[..num.len() + want.len()];
        let cut = text
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .find(|&i| norm(&text[..i]) == head)?;
        let remainder = text[cut..].trim_start_matches(|c: char| c.is_whitespace() || "。：:，,.".contains(c));
        let mut para = Para::default();
        para.push(remainder, false);
        return Some((s, Some(para)));
    }
    if rest_len > want_len * 2 + 8 || rest_len == 0 {
        return None;
    }
    let mut pool: Vec<char> = rest.chars().collect();
    let mut common = 0;
    for ch in want.chars() {
        if let Some(i) = pool.iter().position(|&x| x == ch) {
            pool.swap_remove(i);
            common += 1;
        }
    }
    (common * 10 >= want_len * 6).then_some((s, None))
}

/// The title: the first short line holding 「政府信息公开」 and 「报告」 before the first
/// section, with the line before it when this one lacks the agency (a title printed over
/// two lines), or the lines in a Title style.
fn find_title(front: &[&Para]) -> Option<(usize, usize)> {
    let styled: Vec<usize> = (0..front.len())
        .filter(|&i| front[i].style.as_deref() == Some("title"))
        .collect();
    if let (Some(&a), Some(&b)) = (styled.first(), styled.last()) {
        return Some((a, b));
    }
    let i = front.iter().position(|p| {
        let n = norm(&p.text());
        (n.contains("信息公开") || n.contains("政务公开"))
            && n.trim_end_matches(')').ends_with("报告")
            && n.chars().count() <= 60
    })?;
    let n = norm(&front[i].text());
    let lacks_agency = ["政府信息公开", "政务公开", "信息公开", "年度"]
        .iter()
        .any(|p| n.starts_with(p))
        || starts_with_year(&n);
    if i > 0 && lacks_agency {
        let prev = norm(&front[i - 1].text());
        if prev.chars().count() <= 40 && !prev.contains('。') && !is_doc_number(&prev) && !prev.is_empty() {
            return Some((i - 1, i));
        }
    }
    Some((i, i))
}

fn starts_with_year(n: &str) -> bool {
    year_at(n, 0).is_some()
}

/// A 4-digit year (Arabic or Chinese numerals) followed by 年 at byte `at`.
fn year_at(n: &str, at: usize) -> Option<(i64, usize)> {
    let s = &n[at..];
    let mut y = 0i64;
    let mut len = 0;
    for (i, ch) in s.char_indices().take(4) {
        let d = ch.to_digit(10).map(i64::from).or_else(|| cn_digit(ch))?;
        y = y * 10 + d;
        len = i + ch.len_utf8();
    }
    let rest = &s[len..];
    (s.chars().count() >= 5 && rest.starts_with('年') && (2000..=2100).contains(&y)).then_some((y, at + len))
}

fn cn_digit(ch: char) -> Option<i64> {
    "〇一二三四五六七八九"
        .chars()
        .position(|c| c == ch)
        .map(|p| p as i64)
        .or((ch == '零' || ch == 'О').then_some(0))
}

/// Year and agency from a title: 「XX2024年(度)政府信息公开工作年度报告」 or
/// 「2019年(度)XX政府信息公开…」.
pub(crate) fn year_agency(title: &str) -> (Option<i64>, Option<String>) {
    let n = compact(title);
    let cut = ["政府信息公开", "政务公开", "信息公开"]
        .iter()
        .filter_map(|k| n.find(k))
        .min()
        .unwrap_or(n.len());
    let head = &n[..cut];
    let mut year = None;
    let mut agency = String::new();
    for (i, _) in head.char_indices() {
        if let Some((y, end)) = year_at(head, i) {
            year = Some(y);
            let after = head[end..].trim_start_matches('年').trim_start_matches('度');
            agency = if i == 0 {
                after.to_string()
            } else {
                head[..i].to_string()
            };
            break;
        }
    }
    if year.is_none() {
        agency = head.to_string();
        // 「XX局政府信息公开工作年度报告（2023年）」: the year after the words.
        year = n.char_indices().find_map(|(i, _)| year_at(&n, i)).map(|(y, _)| y);
    }
    let agency = agency.trim_start_matches("关于").trim_end_matches("关于").to_string();
    (year, (!agency.is_empty()).then_some(agency))
}

/// The statistics period 「统计期限…2023年1月1日…」 in the text, as a year.
fn period_year(paras: &[&Para]) -> Option<i64> {
    for p in paras.iter().take(40) {
        let n = norm(&p.text());
        if let Some(at) = n.find("统计期") {
            let s = &n[at..];
            for (i, _) in s.char_indices().take(20) {
                if let Some((y, _)) = year_at(s, i) {
                    return Some(y);
                }
            }
        }
    }
    None
}

/// Labels of the page's information lines (「发布日期：… 来源：…」) that are not the report.
const PAGE_META: &[&str] = &[
    "发布日期",
    "发布时间",
    "来源",
    "信息来源",
    "发布机构",
    "发文机关",
    "索引号",
    "文号",
    "主题分类",
    "成文日期",
    "浏览次数",
    "访问量",
    "点击数",
    "字号",
    "字体",
    "作者",
    "编辑",
];

/// A short line of page information (「发布日期：2023-01-20　来源：…」, 「【字体：大 中 小】」).
fn is_page_meta(s: &str) -> bool {
    let n = norm(s).trim_start_matches(['【', '[']).to_string();
    n.chars().count() <= 100
        && PAGE_META
            .iter()
            .any(|k| n.starts_with(k) && n[k.len()..].starts_with([':', '：']))
}

/// Page chrome after the article (「【打印本页】」, 「关闭窗口」, 「分享到」).
fn is_page_tail(n: &str) -> bool {
    n.chars().count() <= 40
        && ["打印", "关闭", "分享", "扫一扫", "收藏", "返回顶部", "相关链接"]
            .iter()
            .any(|k| n.contains(k))
}

fn is_doc_number(s: &str) -> bool {
    let n = norm(s);
    n.chars().count() <= 30 && n.ends_with('号') && (n.contains('〔') || n.contains('[') || n.contains('【'))
}

/// Removes every kind of whitespace.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Removes the sign-off from the end of a section: paragraphs in the `signoff` style, or a 版记 (「…印发」, 「抄送：…」) after it,
/// the date line (agency before the date allowed), and an agency line before the date.
fn take_sign_off(paras: &mut Vec<Para>) -> Option<String> {
    // A sign-off the source marks as such (nianbao's own HTML): all of it, however long the
    // agency's name.
    let own = paras
        .iter()
        .rposition(|p| p.style.as_deref() != Some("signoff"))
        .map_or(0, |i| i + 1);
    if own < paras.len() {
        let date = paras[own..].iter().rev().find_map(|p| trailing_date(&norm(&p.text())));
        paras.truncate(own);
        return date;
    }
    let mut cut = paras.len();
    let mut date = None;
    for i in (0..paras.len()).rev().take(8) {
        let n = norm(&paras[i].text());
        if n.contains("印发") || n.starts_with("抄送") || n.starts_with("(此件") || is_page_tail(&n) {
            cut = i;
            continue;
        }
        if let Some(d) = trailing_date(&n) {
            date = Some(d);
            cut = i;
            if i > 0 {
                let prev = norm(&paras[i - 1].text());
                if prev.chars().count() <= 30 && !prev.contains('。') && !prev.contains('，') && !prev.is_empty() {
                    cut = i - 1;
                }
            }
        }
        break;
    }
    if date.is_some() {
        paras.truncate(cut);
    }
    date
}

/// A line that ends with a date 「2025年1月20日」 (or in Chinese numerals) and is short:
/// the date as `YYYY-MM-DD`.
fn trailing_date(n: &str) -> Option<String> {
    if n.chars().count() > 40 || n.contains('。') || !n.ends_with('日') {
        return None;
    }
    for (i, _) in n.char_indices() {
        let Some((y, end)) = year_at(n, i) else { continue };
        if n[..i].contains([',', '，', ';', '；']) {
            return None;
        }
        let rest = &n[end + '年'.len_utf8()..];
        let (m, rest) = cn_or_arabic(rest)?;
        let rest = rest.strip_prefix('月')?;
        let (d, rest) = cn_or_arabic(rest)?;
        if rest != "日" || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        return Some(format!("{y:04}-{m:02}-{d:02}"));
    }
    None
}

/// A number of 1–2 Arabic digits or Chinese numerals (〇一…十, 二十六) at the start.
fn cn_or_arabic(s: &str) -> Option<(i64, &str)> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return Some((digits.parse().ok()?, &s[digits.len()..]));
    }
    let mut total = 0;
    let mut cur = 0;
    let mut used = 0;
    for ch in s.chars() {
        if ch == '十' {
            total += if cur == 0 { 10 } else { cur * 10 };
            cur = 0;
        } else if let Some(d) = cn_digit(ch) {
            cur = d;
        } else {
            break;
        }
        used += ch.len_utf8();
    }
    (used > 0).then_some((total + cur, &s[used..]))
}

/// One paragraph as a contract block: a heading, a paragraph with a bold lead-in, or a
/// plain paragraph; None for an empty line or a template placeholder.
fn block(p: &Para) -> Option<Value> {
    if let Some((level, heading)) = &p.run_in {
        // A run-in heading: the rest of the paragraph is its `text`.
        let heading = clean(heading);
        let rest = block(&Para {
            run_in: None,
            style: Some("body".into()),
            ..p.clone()
        });
        return Some(match rest {
            Some(Value::String(text)) if !heading.is_empty() => {
                json!({"heading": heading, "level": level, "text": text})
            }
            Some(Value::String(text)) => Value::String(text),
            _ if !heading.is_empty() => json!({"heading": heading, "level": level}),
            _ => return None,
        });
    }
    let text = clean(&p.text());
    if text.is_empty() {
        return None;
    }
    let n = norm(&text);
    if n.starts_with("(文字描述") && n.ends_with(')') {
        return None;
    }
    let style = p.style.as_deref().unwrap_or("");
    if let Some(level) = style.strip_prefix("heading").and_then(|l| l.parse::<u8>().ok()) {
        if (2..=4).contains(&level) {
            return Some(json!({"heading": text, "level": level}));
        }
    }
    let runs: Vec<(String, bool)> = p.runs.iter().map(|r| (r.text.replace('\u{a0}', " "), r.bold)).collect();
    let all_bold = runs.iter().all(|(t, b)| *b || t.trim().is_empty());
    if style != "body" {
        if let Some(level) = heading_level(&n, all_bold) {
            return Some(json!({"heading": text, "level": level}));
        }
    }
    // A bold lead-in: leading bold runs followed by normal text.
    let mut lead = String::new();
    let mut k = 0;
    while k < runs.len() && (runs[k].1 || (lead.is_empty() && runs[k].0.trim().is_empty())) {
        lead.push_str(&runs[k].0);
        k += 1;
    }
    let rest: String = runs[k..].iter().map(|r| r.0.as_str()).collect();
    let lead = clean(&lead);
    if !lead.is_empty() && !rest.trim().is_empty() {
        let rest = rest.trim_end_matches(|c: char| c.is_whitespace()).to_string();
        return Some(Value::String(format!("**{lead}**{rest}")));
    }
    if all_bold && !lead.is_empty() {
        return Some(Value::String(format!("**{text}**")));
    }
    Some(Value::String(text))
}

/// The heading level a short numbered line has: （一） 2, 1. 3, （1） 4.
fn heading_level(n: &str, all_bold: bool) -> Option<u8> {
    let num = item_number(n)?;
    let len = n.chars().count();
    if len == num.chars().count() || len > 35 || n.ends_with(['。', ';', '；', ',', '，', ':', '：']) {
        return None;
    }
    if n.contains('。') && !all_bold {
        return None;
    }
    let inner = num.trim_start_matches('(').trim_end_matches(')');
    if num.starts_with('(') {
        Some(if inner.chars().all(|c| c.is_ascii_digit()) {
            4
        } else {
            2
        })
    } else if num.ends_with('.') && num.starts_with(|c: char| c.is_ascii_digit()) {
        Some(3)
    } else {
        Some(2)
    }
}

/// Trims the paragraph: every kind of whitespace at both ends, `&nbsp;` inside as a space.
fn clean(s: &str) -> String {
    s.replace('\u{a0}', " ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Format;

    fn src(lines: &[&str]) -> Source {
        Source {
            blocks: lines
                .iter()
                .map(|l| {
                    let mut p = Para::default();
                    p.push(l, false);
                    Block::Para(p)
                })
                .collect(),
            ..Source::default()
        }
    }

    #[test]
    fn year_and_agency_from_title_variants() {
        let t = |s: &str| year_agency(s);
        assert_eq!(
            t("平潭综合实验区2024年度政府信息公开工作年度报告"),
            (Some(2024), Some("平潭综合实验区".into()))
        );
        assert_eq!(
            t("2019年示例县交通运输局政府信息公开工作年度报告"),
            (Some(2019), Some("示例县交通运输局".into()))
        );
        assert_eq!(
            t("示例市 2022 年政务公开工作年度报告"),
            (Some(2022), Some("示例市".into()))
        );
        assert_eq!(
            t("示例局政府信息公开工作年度报告（2023年）"),
            (Some(2023), Some("示例局".into()))
        );
        assert_eq!(
            t("二〇二〇年示例局政府信息公开工作年度报告"),
            (Some(2020), Some("示例局".into()))
        );
        assert_eq!(t("政府信息公开工作年度报告格式模板"), (None, None));
    }

    #[test]
    fn sign_off_dates() {
        assert_eq!(trailing_date("2025年1月20日").as_deref(), Some("2025-01-20"));
        assert_eq!(trailing_date("示例局2021年1月26日").as_deref(), Some("2021-01-26"));
        assert_eq!(trailing_date("二〇二一年一月二十六日").as_deref(), Some("2021-01-26"));
        assert_eq!(trailing_date("2021年13月2日"), None);
        assert_eq!(trailing_date("全年共受理申请5件，截至2021年1月2日"), None);
    }

    #[test]
    fn a_heading_with_text_after_it_is_split() {
        let p = read(
            &src(&[
                "一、总体情况。2023年，我局主动公开信息100条，依申请公开5件，全部按时答复完毕。",
                "六、其他需要报告的事项",
                "无。",
            ]),
            Format::F2021.template(),
        );
        assert_eq!(p.headings_found, [1, 6]);
        assert_eq!(
            p.sections[0].1,
            [Value::String(
                "2023年，我局主动公开信息100条，依申请公开5件，全部按时答复完毕。".into()
            )]
        );
        assert_eq!(p.sections[2].1, [Value::String("无。".into())]);
        let p = read(
            &src(&["一．总体情况", "正文。", "五. 存在的主要问题及改进情况", "无。"]),
            Format::F2021.template(),
        );
        assert_eq!(p.headings_found, [1, 5]);
    }

    #[test]
    fn headings_and_numbered_paragraphs() {
        assert_eq!(heading_level("(一)主动公开情况", false), Some(2));
        assert_eq!(heading_level("1.门户网站", false), Some(3));
        assert_eq!(heading_level("(1)政策解读", false), Some(4));
        assert_eq!(
            heading_level("(一)主动公开情况。区行政审批局认真落实主体责任。", false),
            None
        );
        assert_eq!(heading_level("一是加强领导", false), None);
        assert_eq!(heading_level("一.加强领导", false), Some(2));
    }
}
