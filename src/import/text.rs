//! Text normalisation shared by the readers and the matchers: label normal form, fuzzy
//! label similarity, item numbers, and printed numbers.

use crate::template::Format;
use std::sync::OnceLock;

/// The normal form labels are compared in: no whitespace of any kind (ASCII, `&nbsp;`,
/// U+3000), full-width ASCII folded to half-width (`１２` → `12`, `（` → `(`), `、` after a
/// digit read as `.`, quotation marks dropped, the labels' traditional characters simplified.
pub(crate) fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_whitespace() || matches!(ch, '\u{200b}' | '\u{feff}') {
            continue;
        }
        let ch = match ch {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(ch as u32 - 0xfee0).unwrap_or(ch),
            '\u{4e00}'..='\u{9fff}' => simplified(ch),
            '、' if out.ends_with(|c: char| c.is_ascii_digit()) => '.',
            '“' | '”' | '"' | '‘' | '’' | '\'' | '「' | '」' => continue,
            c => c,
        };
        out.push(ch);
    }
    out
}

/// The simplified form of the traditional characters that occur in the statute's labels,
/// section headings and title words (「規章」 → 「规章」, 「復議」 → 「复议」), so that pages in
/// traditional characters (a portal's 繁體 version, often served as Big5) match the labels.
/// Every other character is returned as it is.
fn simplified(ch: char) -> char {
    match ch {
        '業' => '业',
        '爲' => '为',
        '為' => '为',
        '舉' => '举',
        '會' => '会',
        '關' => '关',
        '內' => '内',
        '決' => '决',
        '況' => '况',
        '減' => '减',
        '辦' => '办',
        '務' => '务',
        '動' => '动',
        '區' => '区',
        '單' => '单',
        '發' => '发',
        '國' => '国',
        '處' => '处',
        '審' => '审',
        '對' => '对',
        '屬' => '属',
        '廢' => '废',
        '開' => '开',
        '強' => '强',
        '當' => '当',
        '總' => '总',
        '執' => '执',
        '護' => '护',
        '報' => '报',
        '數' => '数',
        '無' => '无',
        '權' => '权',
        '條' => '条',
        '來' => '来',
        '沒' => '没',
        '現' => '现',
        '穩' => '稳',
        '類' => '类',
        '糾' => '纠',
        '納' => '纳',
        '組' => '组',
        '織' => '织',
        '經' => '经',
        '結' => '结',
        '統' => '统',
        '繼' => '继',
        '續' => '续',
        '維' => '维',
        '繳' => '缴',
        '罰' => '罚',
        '獲' => '获',
        '補' => '补',
        '規' => '规',
        '計' => '计',
        '認' => '认',
        '議' => '议',
        '許' => '许',
        '訟' => '讼',
        '訪' => '访',
        '訴' => '诉',
        '詢' => '询',
        '請' => '请',
        '購' => '购',
        '費' => '费',
        '轉' => '转',
        '過' => '过',
        '這' => '这',
        '進' => '进',
        '閉' => '闭',
        '問' => '问',
        '項' => '项',
        '題' => '题',
        '額' => '额',
        '復' => '复',
        '後' => '后',
        '製' => '制',
        '係' => '系',
        '採' => '采',
        '萬' => '万',
        '體' => '体',
        '據' => '据',
        '機' => '机',
        '構' => '构',
        '確' => '确',
        '範' => '范',
        '於' => '于',
        other => other,
    }
}

/// Removes Word conditional comments that a CMS escaped into visible text
/// (`<!--[if !supportMisalignedColumns]-->`, `<!--[endif]-->`).
pub(crate) fn clean_markup_debris(s: &str) -> String {
    if !s.contains("<!--") && !s.contains("<![") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest
        .find("<!")
        .filter(|&i| rest[i..].starts_with("<!--[") || rest[i..].starts_with("<!["))
    {
        out.push_str(&rest[..start]);
        match rest[start..].find("]-->").or_else(|| rest[start..].find("]>")) {
            Some(end) => {
                let skip = if rest[start + end..].starts_with("]-->") { 4 } else { 2 };
                rest = &rest[start + end + skip..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The normalised texts of the first row of every statute table in both formats: a table
/// whose text holds one of them is a report table.
fn markers() -> &'static Vec<String> {
    static M: OnceLock<Vec<String>> = OnceLock::new();
    M.get_or_init(|| {
        let mut v: Vec<String> = Vec::new();
        for f in Format::ALL {
            for t in &f.template().tables {
                for c in t.rows.iter().take(1).flat_map(|r| &r.cells) {
                    if let Some(text) = &c.text {
                        let n = norm(text);
                        if !v.contains(&n) {
                            v.push(n);
                        }
                    }
                }
            }
        }
        v
    })
}

/// Whether a table's text holds the first-row label of a statute table.
pub(crate) fn is_report_table_text(text: &str) -> bool {
    let n = norm(text);
    markers().iter().any(|m| n.contains(m.as_str()))
}

/// The item number a label starts with, in normal form: `一、` (or `一.`), `(一)`, `1.`, `(1)`.
pub(crate) fn item_number(n: &str) -> Option<&str> {
    let chars: Vec<(usize, char)> = n.char_indices().collect();
    let cn = |c: char| "一二三四五六七八九十".contains(c);
    let first = chars.first()?.1;
    if first == '(' {
        let close = chars.iter().take(5).position(|&(_, c)| c == ')')?;
        let inner = &chars[1..close];
        if !inner.is_empty() && inner.iter().all(|&(_, c)| cn(c) || c.is_ascii_digit()) {
            return Some(&n[..chars[close].0 + 1]);
        }
        return None;
    }
    let digits = chars.iter().take_while(|&&(_, c)| c.is_ascii_digit()).count();
    if digits > 0 && digits < 3 {
        if let Some(&(i, '.')) = chars.get(digits) {
            return Some(&n[..i + 1]);
        }
        return None;
    }
    let han = chars.iter().take_while(|&&(_, c)| cn(c)).count();
    if han > 0 && han < 3 {
        match chars.get(han) {
            Some(&(i, '、')) => return Some(&n[..i + '、'.len_utf8()]),
            Some(&(i, '.')) => return Some(&n[..i + 1]),
            _ => {}
        }
    }
    None
}

/// The value of an item number (`(三)` → 3, `3.` → 3, `三、` → 3, a doubled `三三、` → 3).
fn item_value(num: &str) -> Option<u32> {
    let inner: Vec<char> = num
        .trim_matches(|c| matches!(c, '(' | ')' | '.' | '、'))
        .chars()
        .collect();
    if inner.iter().all(char::is_ascii_digit) {
        return inner.iter().collect::<String>().parse().ok();
    }
    let digit = |c: char| "一二三四五六七八九".chars().position(|x| x == c).map(|p| p as u32 + 1);
    match inner[..] {
        ['十'] => Some(10),
        [a] => digit(a),
        [a, b] if a == b => digit(a),
        ['十', b] => Some(10 + digit(b)?),
        [a, '十'] => Some(10 * digit(a)?),
        [a, '十', b] => Some(10 * digit(a)? + digit(b)?),
        _ => None,
    }
}

/// How alike two labels in normal form are, 0…1: 1 when equal. Labels whose item numbers
/// differ in value score 0 (「3.其他」 is never 「2.其他法律…」); equal values in another style
/// (「(1)属于国家秘密」 for 「1.属于国家秘密」) compare the words after them. Containment of one
/// in the other counts as 0.85 (「规范性文件」 in 「行政规范性文件」, a header with its unit);
/// otherwise the normalised Levenshtein similarity.
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut a, mut b) = (a, b);
    let mut scale = 1.0;
    if let (Some(x), Some(y)) = (item_number(a), item_number(b)) {
        if x != y {
            if item_value(x).is_none() || item_value(x) != item_value(y) {
                return 0.0;
            }
            // Same item in another numbering style (or a doubled numeral): the words decide.
            a = &a[x.len()..];
            b = &b[y.len()..];
            scale = 0.95;
            if a == b {
                return scale;
            }
        }
    }
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    if short.chars().count() >= 2 && long.contains(short) {
        return 0.85 * scale;
    }
    strsim::normalized_levenshtein(a, b) * scale
}

/// What a value cell holds once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Number {
    /// Nothing printed (blank, or a dash / slash meaning "none").
    Blank,
    /// A number: sign, digits without separators, optional fraction; and the unit printed
    /// after it, if any.
    Value { text: String, unit: Option<&'static str> },
    /// Something that is not a number.
    Text,
}

/// Units a printed number may carry.
const UNITS: &[&str] = &["万元", "元", "件", "个", "项", "条", "次", "起", "宗", "家", "人"];

/// Reads a printed number: full-width digits folded, padding dropped, thousands
/// separators removed, a unit after it recognised.
pub(crate) fn parse_number(s: &str) -> Number {
    let n = norm(s);
    if n.is_empty() || matches!(n.as_str(), "/" | "-" | "—" | "——" | "－" | "\\") {
        return Number::Blank;
    }
    let mut unit = None;
    let mut body = n.as_str();
    for u in UNITS {
        if let Some(b) = body.strip_suffix(u) {
            unit = Some(*u);
            body = b;
            break;
        }
    }
    let mut text = String::new();
    let mut chars = body.chars().peekable();
    if let Some(&c) = chars.peek() {
        if matches!(c, '-' | '−' | '－' | '+') {
            if c != '+' {
                text.push('-');
            }
            chars.next();
        }
    }
    let mut digits = 0;
    let mut dot = false;
    let mut prev_sep = false;
    for c in chars {
        match c {
            '0'..='9' => {
                text.push(c);
                digits += 1;
                prev_sep = false;
            }
            ',' | '，' if digits > 0 && !dot && !prev_sep => prev_sep = true,
            '.' if digits > 0 && !dot && !prev_sep => {
                text.push('.');
                dot = true;
            }
            _ => return Number::Text,
        }
    }
    if digits == 0 || prev_sep || text.ends_with('.') {
        return Number::Text;
    }
    Number::Value { text, unit }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_normalise() {
        assert_eq!(norm("本年新\n制作数量"), "本年新制作数量");
        assert_eq!(norm("（三）不予\u{3000}公开\u{a0}"), "(三)不予公开");
        assert_eq!(norm("1、属于国家秘密"), "1.属于国家秘密");
        assert_eq!(norm("１２"), "12");
        assert_eq!(norm("行政規範性文件"), "行政规范性文件");
        assert_eq!(norm("結果維持"), "结果维持");
    }

    #[test]
    fn similarity_respects_item_numbers() {
        assert_eq!(similarity("3.其他", "2.其他法律行政法规禁止公开"), 0.0);
        assert!(similarity("规范性文件", "行政规范性文件") > 0.8);
        assert!(similarity("三三、本年度办理结果", "三、本年度办理结果") > 0.8);
        assert!(similarity("(1)属于国家秘密", "1.属于国家秘密") > 0.9);
        assert_eq!(similarity("(2)属于国家秘密", "1.属于国家秘密"), 0.0);
        assert!(similarity("十二、其他", "12.其他") > 0.9);
    }

    #[test]
    fn numbers_are_read_as_printed() {
        let v = |t: &str, u: Option<&'static str>| Number::Value {
            text: t.into(),
            unit: u,
        };
        assert_eq!(parse_number("73802895.90元"), v("73802895.90", Some("元")));
        assert_eq!(parse_number("1,234"), v("1234", None));
        assert_eq!(parse_number("１２"), v("12", None));
        assert_eq!(parse_number("\u{a0}0\u{3000}"), v("0", None));
        assert_eq!(parse_number("-3"), v("-3", None));
        assert_eq!(parse_number(""), Number::Blank);
        assert_eq!(parse_number("三"), Number::Text);
        assert_eq!(parse_number("1,2,,3"), Number::Text);
    }

    #[test]
    fn escaped_conditional_comments_vanish() {
        assert_eq!(
            clean_markup_debris("<!--[if !supportMisalignedColumns]--><!--[endif]-->x"),
            "x"
        );
    }
}
