//! One length type for the whole pipeline, converted to points (PDF) or twips (DOCX) only at
//! the edges.

use std::ops::{Add, Div, Mul, Sub};

/// A length in EMU (English Metric Units): 914,400 per inch, 36,000 per mm, 12,700 per pt,
/// 635 per twip. Millimetres, points and twips are all exact integers of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Length(pub i64);

impl Length {
    pub const ZERO: Length = Length(0);

    pub const fn mm(v: i64) -> Length {
        Length(v * 36_000)
    }
    /// Tenths of a millimetre.
    pub const fn mm10(v: i64) -> Length {
        Length(v * 3_600)
    }
    pub const fn pt(v: i64) -> Length {
        Length(v * 12_700)
    }
    /// Half points (Word's font size unit).
    pub const fn half_pt(v: i64) -> Length {
        Length(v * 6_350)
    }
    pub const fn twips(v: i64) -> Length {
        Length(v * 635)
    }
    pub fn from_pt_f32(v: f32) -> Length {
        Length((v * 12_700.0).round() as i64)
    }
    pub fn to_pt(self) -> f32 {
        self.0 as f32 / 12_700.0
    }
    pub fn to_mm(self) -> f32 {
        self.0 as f32 / 36_000.0
    }
    /// Rounded to the nearest twip.
    pub fn to_twips(self) -> i64 {
        (self.0 + 317).div_euclid(635)
    }
    /// Rounded to the nearest half point.
    pub fn to_half_pt(self) -> i64 {
        (self.0 + 3_175).div_euclid(6_350)
    }
}

impl Add for Length {
    type Output = Length;
    fn add(self, o: Length) -> Length {
        Length(self.0 + o.0)
    }
}
impl Sub for Length {
    type Output = Length;
    fn sub(self, o: Length) -> Length {
        Length(self.0 - o.0)
    }
}
impl Mul<i64> for Length {
    type Output = Length;
    fn mul(self, k: i64) -> Length {
        Length(self.0 * k)
    }
}
impl Div<i64> for Length {
    type Output = Length;
    fn div(self, k: i64) -> Length {
        Length(self.0 / k)
    }
}
impl std::iter::Sum for Length {
    fn sum<I: Iterator<Item = Length>>(it: I) -> Length {
        Length(it.map(|l| l.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_exact() {
        assert_eq!(Length::mm(156).to_twips(), 8844);
        assert_eq!(Length::pt(16).to_half_pt(), 32);
        assert_eq!(Length::twips(20), Length::pt(1));
        assert!((Length::mm(225).to_pt() / 22.0 - 28.95).abs() < 0.05);
    }
}
