//! The house style: GB/T 9704-2012 page geometry and the type of each element, shared by
//! the PDF layout and the DOCX writer so that both produce the same document.

use crate::units::Length;

/// A4 portrait.
pub const PAGE_WIDTH: Length = Length::mm(210);
pub const PAGE_HEIGHT: Length = Length::mm(297);
/// 天头 (top margin) 37 mm.
pub const MARGIN_TOP: Length = Length::mm(37);
/// 订口 (left margin) 28 mm.
pub const MARGIN_LEFT: Length = Length::mm(28);
/// 版心 156 × 225 mm.
pub const TEXT_WIDTH: Length = Length::mm(156);
pub const TEXT_HEIGHT: Length = Length::mm(225);
pub const MARGIN_RIGHT: Length = Length(PAGE_WIDTH.0 - MARGIN_LEFT.0 - TEXT_WIDTH.0);
pub const MARGIN_BOTTOM: Length = Length(PAGE_HEIGHT.0 - MARGIN_TOP.0 - TEXT_HEIGHT.0);
/// 22 lines a page, 28 characters a line.
pub const LINES_PER_PAGE: i64 = 22;
pub const CHARS_PER_LINE: i64 = 28;
/// 225 mm / 22 ≈ 28.95 pt.
pub const LINE_PITCH: Length = Length(TEXT_HEIGHT.0 / LINES_PER_PAGE);
/// 156 mm / 28 ≈ 15.79 pt.
pub const CHAR_PITCH: Length = Length(TEXT_WIDTH.0 / CHARS_PER_LINE);
/// The top of the page-number line sits 7 mm below the 版心.
pub const FOLIO_GAP: Length = Length::mm(7);

/// 字号 in points.
pub mod size {
    use crate::units::Length;
    /// 二号 22 pt: the title.
    pub const ER_HAO: Length = Length::pt(22);
    /// 三号 16 pt: body and headings.
    pub const SAN_HAO: Length = Length::pt(16);
    /// 四号 14 pt: page numbers.
    pub const SI_HAO: Length = Length::pt(14);
    /// 小四 12 pt: body text of the HTML export on a phone.
    pub const XIAO_SI: Length = Length::pt(12);
    /// 五号 10.5 pt: table text.
    pub const WU_HAO: Length = Length::half_pt(21);
}

/// A typographic role; each is served by one font (plus fallbacks), configurable by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 小标宋: the title.
    Title,
    /// 仿宋: body, level 3 and 4 headings, sign-off.
    Body,
    /// 黑体: level 1 headings.
    Heading1,
    /// 楷体: level 2 headings.
    Heading2,
    /// 宋体: page numbers and table text.
    Song,
    /// Digits and Latin letters in every role.
    Latin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Title,
        Role::Body,
        Role::Heading1,
        Role::Heading2,
        Role::Song,
        Role::Latin,
    ];

    /// The name used on the command line (`--font body=仿宋_GB2312`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Song => "song",
            Role::Latin => "latin",
        }
    }

    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }

    /// The official font name a government PC has for this role (written into DOCX styles).
    pub fn official_name(self) -> &'static str {
        match self {
            Role::Title => "方正小标宋简体",
            Role::Body => "仿宋_GB2312",
            Role::Heading1 => "黑体",
            Role::Heading2 => "楷体_GB2312",
            Role::Song => "宋体",
            Role::Latin => "Times New Roman",
        }
    }
}

/// How a paragraph-like element is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    pub role: Role,
    pub size: Length,
    pub bold: bool,
    /// First-line indent in characters (of this style's size).
    pub indent_chars: i64,
}

pub const TITLE: TextStyle = TextStyle {
    role: Role::Title,
    size: size::ER_HAO,
    bold: false,
    indent_chars: 0,
};
pub const BODY: TextStyle = TextStyle {
    role: Role::Body,
    size: size::SAN_HAO,
    bold: false,
    indent_chars: 2,
};
pub const HEADING1: TextStyle = TextStyle {
    role: Role::Heading1,
    size: size::SAN_HAO,
    bold: false,
    indent_chars: 2,
};
pub const HEADING2: TextStyle = TextStyle {
    role: Role::Heading2,
    size: size::SAN_HAO,
    bold: false,
    indent_chars: 2,
};
pub const HEADING3: TextStyle = TextStyle {
    role: Role::Body,
    size: size::SAN_HAO,
    bold: true,
    indent_chars: 2,
};
pub const HEADING4: TextStyle = TextStyle {
    role: Role::Body,
    size: size::SAN_HAO,
    bold: false,
    indent_chars: 2,
};
pub const TABLE: TextStyle = TextStyle {
    role: Role::Song,
    size: size::WU_HAO,
    bold: false,
    indent_chars: 0,
};
pub const FOLIO: TextStyle = TextStyle {
    role: Role::Song,
    size: size::SI_HAO,
    bold: false,
    indent_chars: 0,
};

/// The style of a heading level (1 from the template, 2–4 from the input).
pub fn heading(level: u8) -> TextStyle {
    match level {
        1 => HEADING1,
        2 => HEADING2,
        3 => HEADING3,
        _ => HEADING4,
    }
}

/// Cell padding inside table cells, left/right and top/bottom.
pub const CELL_PAD_X: Length = Length::mm10(10);
pub const CELL_PAD_Y: Length = Length::mm10(8);
/// Table rules, 0.5 pt.
pub const RULE_WIDTH: Length = Length::half_pt(1);
/// Line height inside table cells (single spacing for 五号).
pub const TABLE_LINE: Length = Length::pt(14);
