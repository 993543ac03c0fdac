//! The code points every bundled CJK font covers: `fonts/charset.txt`, compiled in (26 kB),
//! so that a report can be checked for characters outside the bundled fonts without
//! loading them (see [`crate::chars`]). A unit test checks the fonts against it.

use std::collections::HashSet;
use std::sync::OnceLock;

const CHARSET: &str = include_str!("../../fonts/charset.txt");

fn set() -> &'static HashSet<char> {
    static SET: OnceLock<HashSet<char>> = OnceLock::new();
    SET.get_or_init(|| CHARSET.chars().collect())
}

/// Whether `c` is one of the 9,027 code points of `fonts/charset.txt` (GB2312, 通用规范汉字表,
/// ASCII and some punctuation), which the bundled CJK fonts are subset to.
pub fn bundled(c: char) -> bool {
    set().contains(&c)
}

/// Default-ignorable code points (joiners, variation selectors, bidi marks, the BOM…): when
/// no font has one, it is drawn as nothing (kept in the text of the glyph before it) and no
/// warning is given.
pub fn ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::{bundled_dir, Face};

    #[test]
    fn the_bundled_song_font_covers_the_charset() {
        let face = Face::open(&bundled_dir().unwrap().join("NotoSerifCJKsc-Regular.ttf"), 0).unwrap();
        let missing: String = CHARSET.chars().filter(|&c| face.glyph_of(c).is_none()).collect();
        assert_eq!(missing, "", "charset.txt characters the bundled fonts lack");
        assert!(bundled('政') && bundled('A') && !bundled('¥') && !bundled('\u{E000}'));
    }
}
