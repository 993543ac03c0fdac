//! Exact decimal reading of JSON number literals (never through a float).

use super::MAX_AMOUNT_DIGITS;

/// A JSON number literal as an exact decimal: `digits` × 10^`exp`, never through a float.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decimal {
    negative: bool,
    /// The digits as written (before the exponent), without the decimal point.
    digits: String,
    /// How many of `digits` stand before the decimal point once the exponent is applied
    /// (may be negative or larger than `digits.len()`).
    point: i64,
}

/// The whole value of a number, when it has one.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Whole {
    Int(i64),
    /// Whole, but larger in magnitude than the limit asked for.
    Huge,
    /// Not whole (a fraction).
    Fraction,
}

/// The largest exponent taken literally; beyond it a number is "huge" or "tiny" anyway.
const MAX_EXPONENT: i64 = 1 << 40;

impl Decimal {
    /// Parses a JSON number literal (as the strict JSON reader let it through).
    pub(super) fn parse(lit: &str) -> Option<Decimal> {
        let (negative, rest) = match lit.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, lit),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, "0"),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        let (exp_negative, exp_digits) = match exponent.as_bytes().first() {
            Some(b'-') => (true, &exponent[1..]),
            Some(b'+') => (false, &exponent[1..]),
            _ => (false, exponent),
        };
        if exp_digits.is_empty() || !all_digits(exp_digits) {
            return None;
        }
        let magnitude = exp_digits
            .trim_start_matches('0')
            .parse::<i64>()
            .unwrap_or(if exp_digits.trim_start_matches('0').is_empty() {
                0
            } else {
                MAX_EXPONENT
            })
            .min(MAX_EXPONENT);
        let exp = if exp_negative { -magnitude } else { magnitude };
        Some(Decimal {
            negative,
            digits: format!("{int}{frac}"),
            point: int.len() as i64 + exp,
        })
    }

    pub(super) fn is_zero(&self) -> bool {
        self.digits.bytes().all(|b| b == b'0')
    }

    /// The value as an integer when it is whole: `Huge` beyond `limit` in magnitude.
    pub(super) fn integer(&self, limit: i64) -> Whole {
        if self.is_zero() {
            return Whole::Int(0);
        }
        let significant = self.digits.trim_end_matches('0');
        // Digits after the point must all be zeros.
        if (significant.len() as i64) > self.point {
            return Whole::Fraction;
        }
        let lead = significant.len() - significant.trim_start_matches('0').len();
        let width = self.point - lead as i64;
        if width > 18 {
            return Whole::Huge;
        }
        let mut value: i64 = 0;
        for i in 0..self.point {
            let d = self
                .digits
                .as_bytes()
                .get(i as usize)
                .map_or(0, |b| i64::from(b - b'0'));
            value = value * 10 + d;
        }
        if value > limit {
            return Whole::Huge;
        }
        Whole::Int(if self.negative { -value } else { value })
    }

    /// The number written out without exponent, keeping the digits as written
    /// (`9.61716e4` → `96171.6`, `1.50e1` → `15.0`, `-0` → `0`); `None` when that would take
    /// far more digits than an amount may have. A negative number keeps its sign.
    pub(super) fn plain(&self) -> Option<String> {
        let limit = 4 * MAX_AMOUNT_DIGITS as i64;
        if self.point > limit || self.point < -limit {
            return None;
        }
        let digits = &self.digits;
        let (int, frac) = if self.point <= 0 {
            (
                String::from("0"),
                format!("{}{digits}", "0".repeat((-self.point) as usize)),
            )
        } else if self.point as usize >= digits.len() {
            (
                format!("{digits}{}", "0".repeat(self.point as usize - digits.len())),
                String::new(),
            )
        } else {
            let (i, f) = digits.split_at(self.point as usize);
            (i.to_string(), f.to_string())
        };
        let int = match int.trim_start_matches('0') {
            "" => "0",
            t => t,
        };
        let sign = if self.negative && !self.is_zero() { "-" } else { "" };
        Some(if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::MAX_COUNT;

    #[test]
    fn number_literals_are_read_exactly() {
        let whole = |s: &str| Decimal::parse(s).unwrap().integer(MAX_COUNT);
        assert_eq!(whole("88283.0"), Whole::Int(88283));
        assert_eq!(whole("8.8283e4"), Whole::Int(88283));
        assert_eq!(whole("-0"), Whole::Int(0));
        assert_eq!(whole("1E+3"), Whole::Int(1000));
        assert_eq!(whole("88283.5"), Whole::Fraction);
        assert_eq!(whole("1e-1"), Whole::Fraction);
        assert_eq!(whole("1e12"), Whole::Huge);
        assert_eq!(whole("1e999999999999999999999"), Whole::Huge);
        let plain = |s: &str| Decimal::parse(s).unwrap().plain();
        assert_eq!(plain("9.61716e4").as_deref(), Some("96171.6"));
        assert_eq!(plain("96171.60").as_deref(), Some("96171.60"));
        assert_eq!(plain("1.50e1").as_deref(), Some("15.0"));
        assert_eq!(plain("1.5e-3").as_deref(), Some("0.0015"));
        assert_eq!(plain("0.05e2").as_deref(), Some("5"));
        assert_eq!(plain("-0.0").as_deref(), Some("0.0"));
        assert_eq!(plain("-2").as_deref(), Some("-2"));
        assert_eq!(plain("1e-999999999"), None);
    }
}
