//! `word/styles.xml`, written directly (docx-rs cannot write `firstLineChars`, and its style
//! XML is out of schema order): document defaults and one named paragraph style per element
//! of the report, each with explicit East Asian and Latin fonts, never theme fonts.

use std::fmt::Write as _;

use super::geometry;
use super::xml::{escape, DECL};
use super::FontPlan;
use crate::style::{self, Role, TextStyle};

/// Paragraph settings for CJK text on the 公文 grid: autospace between CJK and Latin text
/// or digits as in the PDF (on unless turned off), no right-indent adjustment to the grid,
/// no widow control (the PDF has none), justified.
///
/// `overflowPunct` is not written: Word's and WPS's default lets a line-end 「，。、」 hang
/// after a full line, as the PDF does; LibreOffice hangs it too when the element is absent
/// (it reads an explicit 1 inverted, as "no hanging").
fn cjk_ppr(autospace: bool) -> String {
    let a = u8::from(autospace);
    format!(
        r#"<w:widowControl w:val="0"/><w:autoSpaceDE w:val="{a}"/><w:autoSpaceDN w:val="{a}"/><w:adjustRightInd w:val="0"/><w:jc w:val="both"/>"#
    )
}

/// Style ids written into document.xml and footers.
pub const TITLE: &str = "Title";
pub const BODY: &str = "Body";
pub const TABLE_TEXT: &str = "TableText";
pub const SIGN_OFF: &str = "SignOff";
pub const PAGE_NUMBER: &str = "PageNumber";

/// The style id of a heading level (1–4; other levels use level 4's style, as in
/// [`style::heading`]).
pub fn heading_id(level: u8) -> &'static str {
    match level {
        1 => "Heading1",
        2 => "Heading2",
        3 => "Heading3",
        _ => "Heading4",
    }
}

/// `<w:rFonts>` naming the East Asian font and the Latin font explicitly in all four slots
/// (`cs` too, so that no slot falls back to a theme font).
fn rfonts(out: &mut String, latin: &str, east_asia: &str) {
    let (l, e) = (escape(latin), escape(east_asia));
    let _ = write!(
        out,
        r#"<w:rFonts w:ascii="{l}" w:eastAsia="{e}" w:hAnsi="{l}" w:cs="{l}"/>"#
    );
}

/// Run properties for a text style: fonts, bold, character spacing (twips, 0 for none),
/// size.
fn rpr(out: &mut String, fonts: &FontPlan, st: TextStyle, latin_is_own: bool, spacing: i64) {
    let ea = fonts.name(st.role);
    let latin = if latin_is_own { ea } else { fonts.name(Role::Latin) };
    out.push_str("<w:rPr>");
    rfonts(out, latin, ea);
    if st.bold || fonts.bold_face(st.role) {
        out.push_str("<w:b/><w:bCs/>");
    }
    if spacing != 0 {
        let _ = write!(out, r#"<w:spacing w:val="{spacing}"/>"#);
    }
    let hp = st.size.to_half_pt();
    let _ = write!(out, r#"<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>"#);
    out.push_str("</w:rPr>");
}

/// One `<w:style>` of type paragraph. `ppr` is the inside of `<w:pPr>` (in schema order).
fn paragraph_style(out: &mut String, id: &str, name: &str, based_on: Option<&str>, ppr: &str, rpr_xml: &str) {
    // Title and the headings are Word's built-in styles (so Word lists the headings in its
    // navigation pane and localises their names); the others are custom.
    let builtin = id == TITLE || id.starts_with("Heading");
    let custom = if builtin { "" } else { r#" w:customStyle="1""# };
    let _ = write!(
        out,
        r#"<w:style w:type="paragraph"{custom} w:styleId="{id}"><w:name w:val="{name}"/>"#
    );
    if let Some(b) = based_on {
        let _ = write!(out, r#"<w:basedOn w:val="{b}"/>"#);
    }
    let next = if id == TITLE || id.starts_with("Heading") {
        Some(BODY)
    } else {
        None
    };
    if let Some(n) = next {
        let _ = write!(out, r#"<w:next w:val="{n}"/>"#);
    }
    out.push_str("<w:qFormat/>");
    if !ppr.is_empty() {
        let _ = write!(out, "<w:pPr>{ppr}</w:pPr>");
    }
    out.push_str(rpr_xml);
    out.push_str("</w:style>");
}

/// The character style id of a run-in heading of a level (2–4).
pub fn run_in_heading_id(level: u8) -> &'static str {
    match level {
        2 => "RunInHeading2",
        3 => "RunInHeading3",
        _ => "RunInHeading4",
    }
}

/// `word/styles.xml` for these fonts, with autospace on or off.
pub fn styles_xml(fonts: &FontPlan, autospace: bool) -> Vec<u8> {
    let g = geometry();
    let mut s = String::with_capacity(8192);
    s.push_str(DECL);
    s.push_str(r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#);

    // Document defaults: the body's fonts and size (the character grid's pitch is measured
    // from this size), and CJK paragraph settings that keep Word on the 公文 grid: no extra
    // space between CJK and Latin text, no right-indent adjustment, no widow control.
    s.push_str("<w:docDefaults><w:rPrDefault><w:rPr>");
    rfonts(&mut s, fonts.name(Role::Latin), fonts.name(Role::Body));
    let hp = style::BODY.size.to_half_pt();
    let _ = write!(
        s,
        r#"<w:kern w:val="2"/><w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>"#
    );
    s.push_str("</w:rPrDefault><w:pPrDefault><w:pPr>");
    s.push_str(&cjk_ppr(autospace));
    s.push_str("</w:pPr></w:pPrDefault></w:docDefaults>");

    // Normal: the defaults, named.
    let normal_rpr = {
        let mut r = String::new();
        rpr(&mut r, fonts, style::BODY, false, 0);
        r
    };
    // (LibreOffice does not read these from the defaults, only from a style.)
    s.push_str(
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr>"#,
    );
    s.push_str(&cjk_ppr(autospace));
    s.push_str("</w:pPr>");
    s.push_str(&normal_rpr);
    s.push_str("</w:style>");
    s.push_str(r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"#);
    s.push_str(r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#);

    let line = g.line_pitch_twips;
    let indent = g.first_line_twips;
    let condense = -g.condense_twips;
    // Body: 仿宋 三号, two-character first-line indent, justified, one grid line per line.
    //
    // The prose styles set the grid themselves instead of snapping to it: exact 28.95 pt
    // lines, and characters condensed (see `Geometry::condense_twips`) so that 28 of the
    // 16 pt characters fill the 156 mm line as the PDF's grid does, a line-end 「，。、」
    // hanging after them. Word would render the 22 × 28
    // page from the grid alone; LibreOffice (through 7.5) does not: on a character grid
    // narrower than the type size it gives every CJK character two grid cells, which halves
    // the line and doubles the page count. The section still carries the 22 × 28 grid, so
    // text a user types in Normal snaps to it.
    let body_ppr = format!(
        r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="{indent}"/><w:jc w:val="both"/>"#
    );
    let mut r = String::new();
    rpr(&mut r, fonts, style::BODY, false, condense);
    paragraph_style(&mut s, BODY, "Body", Some("Normal"), &body_ppr, &r);

    // Title: 小标宋 二号 at its natural width, centred, no indent, one grid line per line;
    // digits in the title's own font (as in the PDF).
    let title_ppr = format!(
        r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>"#
    );
    let mut r = String::new();
    rpr(&mut r, fonts, style::TITLE, true, 0);
    paragraph_style(&mut s, TITLE, "Title", Some("Normal"), &title_ppr, &r);

    // Headings: the body's paragraph layout plus an outline level, kept with the next line.
    for level in 1..=4u8 {
        let st = style::heading(level);
        let ppr = format!(r#"<w:keepNext/><w:outlineLvl w:val="{}"/>"#, level - 1);
        let mut r = String::new();
        rpr(&mut r, fonts, st, false, condense);
        paragraph_style(
            &mut s,
            heading_id(level),
            &format!("heading {level}"),
            Some(BODY),
            &ppr,
            &r,
        );
    }

    // Run-in headings: character styles with the heading level's fonts and weight, for the
    // heading that starts a body paragraph.
    for level in 2..=4u8 {
        let id = run_in_heading_id(level);
        let mut r = String::new();
        rpr(&mut r, fonts, style::heading(level), false, condense);
        let _ = write!(
            s,
            r#"<w:style w:type="character" w:customStyle="1" w:styleId="{id}"><w:name w:val="Run-in heading {level}"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>{r}</w:style>"#
        );
    }

    // Table text: 宋体 五号, centred, off the grid, on lines of exactly the PDF's table line
    // (14 pt for 10.5 pt type: single spacing, never the body's 28.95 pt). "Single" by the
    // font's own metrics would differ per font (Noto Serif CJK's is 15.2 pt, SimSun's about
    // 13.7 pt) and so would the tables' lengths and page breaks.
    let table_ppr = format!(
        r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{}" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>"#,
        style::TABLE_LINE.to_twips()
    );
    let mut r = String::new();
    rpr(&mut r, fonts, style::TABLE, false, 0);
    paragraph_style(&mut s, TABLE_TEXT, "Table Text", Some("Normal"), &table_ppr, &r);

    // Sign-off: body text, right-aligned, no first-line indent (the right indent is set per
    // paragraph), no autospace (its places are counted in characters, as in the PDF).
    let signoff_ppr = r#"<w:keepNext/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>"#;
    let mut r = String::new();
    rpr(&mut r, fonts, style::BODY, false, condense);
    paragraph_style(&mut s, SIGN_OFF, "Sign-off", Some(BODY), signoff_ppr, &r);

    // Page number: 宋体 四号 with half-width 宋体 digits, one exact line of the type size,
    // off the grid (its position is fixed by the footer distance).
    let folio_ppr = format!(
        r#"<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{}" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/>"#,
        g.folio_line_twips
    );
    let mut r = String::new();
    rpr(&mut r, fonts, style::FOLIO, true, 0);
    paragraph_style(&mut s, PAGE_NUMBER, "Folio", Some("Normal"), &folio_ppr, &r);

    s.push_str("</w:styles>");
    s.into_bytes()
}
