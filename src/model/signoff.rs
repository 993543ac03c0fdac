//! Where the sign-off's lines go (GB/T 9704-2012 7.3.5.2, no seal): one rule for the PDF
//! layout and the DOCX writer.
//!
//! - The agency is right-spaced two characters (右空二字); a name longer than a line (26
//!   characters: the text block less those two) wraps at a word boundary of the segmenter,
//!   by the balanced rule of [`super::title::break_lines`], every line right-spaced two.
//! - The date goes on the line below, starting two characters right of the agency's start
//!   (首字比发文机关署名首字右移二字). When that would bring it closer than two characters to
//!   the edge (a short agency), or the agency wraps, the date is right-spaced four (右空四字),
//!   and a short agency is centred over it.
//!
//! Indents are in half characters of the body size: an ASCII character counts one, any other
//! two (the body's digits are Times-like, half an em), so that both writers turn them into the
//! same positions.

use super::title::break_lines;
use super::SignOff;
use crate::style::CHARS_PER_LINE;

/// One printed line of the sign-off and its right indent in half characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOffLine {
    pub text: String,
    pub right_half_chars: i64,
}

/// Width in half characters of the body size (ASCII one, everything else two).
pub fn half_chars(s: &str) -> i64 {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

impl SignOff {
    /// The agency's line(s), then the date, each with its right indent.
    pub fn lines(&self) -> Vec<SignOffLine> {
        let room = CHARS_PER_LINE - 2;
        let agency = break_lines(&self.agency, room * 1000, &[]);
        let dw = half_chars(&self.date);
        let mut out: Vec<SignOffLine> = Vec::new();
        if let [one] = agency.as_slice() {
            let aw = half_chars(one);
            let (mut a_right, mut d_right) = (4, aw - dw);
            if d_right < 4 {
                d_right = 8;
                a_right = (8 + (dw - aw) / 2).max(4);
            }
            out.push(SignOffLine {
                text: one.clone(),
                right_half_chars: a_right,
            });
            out.push(SignOffLine {
                text: self.date.clone(),
                right_half_chars: d_right,
            });
        } else {
            out.extend(agency.into_iter().map(|text| SignOffLine {
                text,
                right_half_chars: 4,
            }));
            out.push(SignOffLine {
                text: self.date.clone(),
                right_half_chars: 8,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(agency: &str) -> Vec<SignOffLine> {
        SignOff {
            agency: agency.into(),
            date: "2025年1月20日".into(),
        }
        .lines()
    }

    #[test]
    fn a_long_agency_wraps_and_the_date_keeps_four_characters() {
        let l = s("某某省某某市某某区人民政府办公室政务公开与信息化建设领导小组办公室");
        assert_eq!(l.len(), 3);
        assert!(l.iter().all(|x| half_chars(&x.text) <= 52));
        assert_eq!(l[2].right_half_chars, 8);
    }

    #[test]
    fn the_date_starts_two_characters_right_of_the_agency() {
        let l = s("江苏省淮安市洪泽区人民政府办公室");
        assert_eq!(l[0].right_half_chars, 4);
        // agency 32 half chars, date 13: date right = 32 - 13.
        assert_eq!(l[1].right_half_chars, 19);
        let l = s("某某局");
        assert_eq!(l[1].right_half_chars, 8);
    }
}
