//! Numbers as prose writes them: Arabic digits (half- or full-width, with thousands
//! separators) and Chinese numerals (「十七」, 「两」, 「一百零三」, 「三千一百一十九」, 「1.2万」 is
//! not a count and is left alone).

/// Folds full-width digits, letters and punctuation to ASCII and drops every kind of space,
/// so that patterns see 「共收到2件」 whether the prose wrote 「共收到 2 件」 or 「共收到２件」.
pub(crate) fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF05}' | '\u{FF0E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The value of a number as matched by `{N}`: digits with optional `,` separators, or a
/// Chinese numeral below 10⁸. None when it is not a well-formed number.
pub(crate) fn value(s: &str) -> Option<i64> {
    if s.chars().next()?.is_ascii_digit() {
        let digits: String = s.chars().filter(|c| *c != ',').collect();
        return digits.parse().ok();
    }
    chinese(s)
}

fn digit(c: char) -> Option<i64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<i64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// A Chinese numeral: 「十七」 17, 「二十」 20, 「一百零三」 103, 「两千」 2000, 「三万五千」 35000.
fn chinese(s: &str) -> Option<i64> {
    let mut total = 0i64; // completed 万 groups
    let mut section = 0i64; // below 万
    let mut pending: Option<i64> = None; // a digit waiting for its unit
    let mut last_unit = i64::MAX;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some_and(|p| p != 0) {
                return None; // two digits in a row (「二三」) is not a numeral
            }
            pending = Some(d);
        } else if let Some(u) = unit(c) {
            if u >= last_unit {
                return None;
            }
            section += pending.take().unwrap_or(1) * u;
            last_unit = u;
        } else if c == '万' {
            section += pending.take().unwrap_or(0);
            if section == 0 || total != 0 {
                return None;
            }
            total = section * 10_000;
            section = 0;
            last_unit = i64::MAX;
        } else {
            return None;
        }
    }
    Some(total + section + pending.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        for (s, v) in [
            ("十七", 17),
            ("两", 2),
            ("十", 10),
            ("二十", 20),
            ("一百零三", 103),
            ("三千一百一十九", 3119),
            ("三万五千", 35000),
            ("零", 0),
        ] {
            assert_eq!(value(s), Some(v), "{s}");
        }
        assert_eq!(value("二三"), None);
        assert_eq!(value("十百"), None);
    }

    #[test]
    fn arabic_numbers_and_normalisation() {
        assert_eq!(value("3,119"), Some(3119));
        assert_eq!(value("70"), Some(70));
        assert_eq!(normalise("共收到 2 件"), "共收到2件");
        assert_eq!(normalise("受理１２件\u{3000}"), "受理12件");
    }
}
