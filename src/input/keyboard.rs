//! Saying what the mistake is: clerks type on Chinese keyboards, so the usual slips are
//! full-width punctuation and digits, numbers written with their unit (「12件」, 「3万元」) or in
//! quotes, and a file that is not JSON at all (a Word document, a web page). Each function
//! here turns such a slip into a hint that names the character and the fix.

/// The ASCII that a full-width character stands for in JSON syntax, and its name.
fn full_width(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '，' => (",", "a full-width comma"),
        '、' => (",", "an enumeration comma (顿号)"),
        '：' => (":", "a full-width colon"),
        '“' | '”' => ("\"", "a Chinese quotation mark"),
        '‘' | '’' => ("\"", "a Chinese single quotation mark"),
        '｛' => ("{", "a full-width brace"),
        '｝' => ("}", "a full-width brace"),
        '［' | '【' => ("[", "a full-width bracket"),
        '］' | '】' => ("]", "a full-width bracket"),
        '　' => (" ", "a full-width space"),
        '－' => ("-", "a full-width minus"),
        '．' | '。' => (".", "a full-width full stop"),
        '０'..='９' => (
            ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"][(c as u32 - '０' as u32) as usize],
            "a full-width digit",
        ),
        _ => return None,
    })
}

/// The hint for a JSON syntax error at the character `c`, when it is a full-width character
/// typed in place of JSON's ASCII syntax.
pub(super) fn syntax_hint(c: char) -> Option<String> {
    let (ascii, name) = full_width(c)?;
    let fix = match ascii {
        "\"" => "JSON quotes strings with the ASCII quotation mark `\"`".to_string(),
        " " => "JSON separates with ASCII spaces".to_string(),
        a => format!("outside strings JSON needs the ASCII `{a}`"),
    };
    Some(format!(
        "「{c}」 is {name} (typed with a Chinese keyboard): {fix}; switch the input method to English (Shift) and type `{ascii}`"
    ))
}

/// Units clerks write after a number.
const UNITS: &[&str] = &["万元", "元", "件", "个", "项", "次", "条", "份", "人", "家", "篇"];

/// What a number is expected to be, for [`number_hint`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    /// A whole number ≥ 0 (a count, a year).
    Whole,
    /// A whole number that may be negative.
    Signed,
    /// A decimal number ≥ 0 written as a string or number (an amount in 万元).
    Amount,
}

/// The hint for a string where a number belongs (`"56件"`, `"２"`, `"2025"`, `"3万元"`), when
/// the string is that number with a unit, full-width digits, thousands separators or just
/// quotes: it names what is wrong and the value to write.
pub(super) fn number_hint(s: &str, want: Want) -> Option<String> {
    let mut reasons = Vec::new();
    let trimmed = s.trim_matches(|c: char| c.is_whitespace() || c == '　');
    let mut body = trimmed;
    let mut unit = None;
    for u in UNITS {
        if let Some(b) = body.strip_suffix(u) {
            unit = Some(*u);
            body = b.trim_end();
            break;
        }
    }
    let fw: String = body
        .chars()
        .filter(|&c| matches!(c, '０'..='９' | '．' | '－'))
        .collect();
    let mut plain = String::new();
    let mut separators = false;
    for c in body.chars() {
        match full_width(c) {
            Some((a, _)) if c != '，' && c != '、' && c != '　' => plain.push_str(a),
            _ if matches!(c, ',' | '，') => separators = true,
            _ => plain.push(c),
        }
    }
    let (int, frac) = plain
        .strip_prefix('-')
        .unwrap_or(&plain)
        .split_once('.')
        .map_or((plain.strip_prefix('-').unwrap_or(&plain), None), |(i, f)| (i, Some(f)));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let negative = plain.starts_with('-');
    let valid = digits(int)
        && match want {
            Want::Whole => frac.is_none() && !negative,
            Want::Signed => frac.is_none(),
            Want::Amount => frac.is_none_or(digits) && !negative,
        };
    if !valid {
        return None;
    }
    if let Some(u) = unit {
        reasons.push(match (want, u) {
            (Want::Amount, "万元") => "「万元」 is the table's unit, printed by the table".to_string(),
            (Want::Amount, _) => format!("「{u}」 is a unit; the table counts in 万元, so convert the amount"),
            _ => format!("「{u}」 is a unit, printed by the table"),
        });
    }
    if !fw.is_empty() {
        reasons.push(format!("「{fw}」 is typed in full width (a Chinese keyboard)"));
    }
    if separators {
        reasons.push("a number has no thousands separators".to_string());
    }
    if reasons.is_empty() && want == Want::Amount {
        return None;
    }
    if unit == Some("元") && want == Want::Amount {
        return Some(format!("{}; write the amount in 万元", reasons.join("; ")));
    }
    let value = match want {
        Want::Amount => format!("\"{plain}\""),
        _ => plain.clone(),
    };
    let quotes = match want {
        Want::Amount => "",
        _ => " (a number, without quotes)",
    };
    reasons.insert(0, String::new());
    Some(format!("write {value}{quotes}{}", reasons.join("; ")))
}

/// What a file that is not a JSON report looks like (a Word document, a web page, a PDF), and
/// the hint to convert it: (message, hint).
pub(super) fn foreign_format(bytes: &[u8]) -> Option<(String, String)> {
    let import = "convert it with `nianbao import FILE -o report.json`, then check and validate the JSON";
    let (what, hint) = if bytes.starts_with(b"PK\x03\x04") {
        ("a Word document (.docx) or another ZIP file", import.to_string())
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        (
            "an old Word document (.doc)",
            "save it as .docx in Word or WPS, then `nianbao import FILE.docx -o report.json`".to_string(),
        )
    } else if bytes.starts_with(b"%PDF-") {
        (
            "a PDF",
            "nianbao reads a report from JSON; write one with `nianbao init`, or import the published HTML or .docx"
                .to_string(),
        )
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
        let head = head.trim_start_matches('\u{FEFF}').trim_start();
        if head.starts_with("<!doctype html")
            || head.starts_with("<html")
            || head.starts_with('<') && head.contains("<body")
        {
            ("a web page (HTML)", import.to_string())
        } else {
            return None;
        }
    };
    Some((format!("the input is {what}, not a JSON report"), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_units_and_full_width_digits_get_their_value() {
        let h = |s, w| number_hint(s, w).unwrap_or_default();
        assert!(
            h("56件", Want::Whole).starts_with("write 56 (a number, without quotes); 「件」"),
            "{}",
            h("56件", Want::Whole)
        );
        assert!(h("２", Want::Whole).starts_with("write 2 "), "{}", h("２", Want::Whole));
        assert!(h("２", Want::Whole).contains("「２」"));
        assert_eq!(h("2025", Want::Whole), "write 2025 (a number, without quotes)");
        assert!(
            h("3万元", Want::Amount).starts_with("write \"3\"; 「万元」"),
            "{}",
            h("3万元", Want::Amount)
        );
        assert!(h("1,234", Want::Whole).starts_with("write 1234 "));
        assert_eq!(number_hint("许多", Want::Whole), None);
        assert_eq!(number_hint("1.5件", Want::Whole), None);
        assert_eq!(number_hint("-3", Want::Whole), None);
    }

    #[test]
    fn full_width_syntax_is_named() {
        assert!(syntax_hint('，').unwrap().contains("full-width comma"));
        assert!(syntax_hint('“').unwrap().contains('"'));
        assert!(syntax_hint('５').unwrap().contains("`5`"));
        assert_eq!(syntax_hint('x'), None);
    }
}
