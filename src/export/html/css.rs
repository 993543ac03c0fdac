//! The stylesheet of the HTML export, built from the house style ([`crate::style`]): the same
//! roles, sizes, indents, line pitch, table rules and cell padding as the PDF and the DOCX.
//!
//! Every rule is scoped under the report's root class ([`super::ROOT_CLASS`]), so that a
//! fragment pasted into a portal page styles only itself. The `@page` rule (A4 and the
//! GB/T 9704 margins) cannot be scoped and is written only into a whole document.

use crate::style::{
    self, size, Role, TextStyle, CELL_PAD_X, CELL_PAD_Y, LINE_PITCH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT,
    MARGIN_TOP, RULE_WIDTH, TABLE_LINE, TEXT_WIDTH,
};
use crate::units::Length;
use std::fmt::Write;

/// The font stack of a role: the Latin face first (digits and Latin letters, as in print),
/// then the official name a government PC has ([`Role::official_name`]), its common aliases
/// on Windows, macOS and Linux, and the bundled stand-in (see `fonts/README.md`).
pub(crate) fn font_stack(role: Role) -> String {
    let aliases: &[&str] = match role {
        Role::Title => &[
            "FZXiaoBiaoSong-B05S",
            "方正小标宋_GBK",
            "Noto Serif CJK SC",
            "Source Han Serif SC",
            "SimSun",
        ],
        Role::Body => &[
            "FangSong_GB2312",
            "仿宋",
            "FangSong",
            "STFangsong",
            "FandolFang",
            "Noto Serif CJK SC",
        ],
        Role::Heading1 => &[
            "SimHei",
            "Heiti SC",
            "STHeiti",
            "Noto Sans CJK SC",
            "Source Han Sans SC",
            "Microsoft YaHei",
        ],
        Role::Heading2 => &["KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "Nianbao Kai", "LXGW WenKai"],
        Role::Song => &[
            "SimSun",
            "Songti SC",
            "STSong",
            "Noto Serif CJK SC",
            "Source Han Serif SC",
        ],
        Role::Latin => &["Liberation Serif"],
    };
    let generic = match role {
        Role::Heading1 => "sans-serif",
        _ => "serif",
    };
    let mut names = vec![Role::Latin.official_name(), "Liberation Serif"];
    if role != Role::Latin {
        names.push(role.official_name());
        names.extend_from_slice(aliases);
    }
    let mut out = String::new();
    for n in names {
        let _ = write!(out, "\"{n}\",");
    }
    out.push_str(generic);
    out
}

/// A number with at most three decimals and no trailing zeros (deterministic).
fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn pt(l: Length) -> String {
    format!("{}pt", num(f64::from(l.to_pt())))
}

fn mm(l: Length) -> String {
    format!("{}mm", num(f64::from(l.to_mm())))
}

/// A size relative to the body size (三号), so that the whole text scales with the root.
fn em_of_body(l: Length) -> String {
    format!("{}em", num(l.0 as f64 / size::SAN_HAO.0 as f64))
}

/// The line height of the body grid (22 lines in the 版心) as a multiple of the body size.
fn body_line_height() -> String {
    num(LINE_PITCH.0 as f64 / size::SAN_HAO.0 as f64)
}

/// The declarations of a text style: its role's font stack, weight, size and first-line
/// indent.
fn text_style(st: TextStyle) -> String {
    format!(
        "font-family:{};font-weight:{};font-size:{};text-indent:{}em",
        font_stack(st.role),
        if st.bold { "bold" } else { "normal" },
        em_of_body(st.size),
        st.indent_chars
    )
}

/// The stylesheet for a report whose root has the class `root`. `page`: add the `@page`
/// rule and the page background (a whole document only).
pub(crate) fn stylesheet(root: &str, page: bool) -> String {
    let r = format!(".{root}");
    let lh = body_line_height();
    let mut css = String::with_capacity(4096);
    let mut rule = |sel: &str, decl: &str| {
        let _ = writeln!(css, "{sel}{{{decl}}}");
    };
    if page {
        rule("html", "background:#f2f2f2");
        rule("body", "margin:0;padding:1.5em 0");
    }
    // The root: the 版心 width as the measure (28 characters of 三号 a line), black on white.
    rule(
        &r,
        &format!(
            "max-width:{};margin:0 auto;padding:2em 1.5em;box-sizing:content-box;color:#000;background:#fff;\
             font-family:{};font-size:{};line-height:{lh};overflow-wrap:anywhere",
            mm(TEXT_WIDTH),
            font_stack(Role::Body),
            pt(size::SAN_HAO)
        ),
    );
    rule(&format!("{r} h1,{r} h2,{r} h3,{r} h4,{r} h5,{r} p"), "margin:0");
    rule(
        &format!("{r} h1"),
        &format!(
            "{};text-align:center;margin-bottom:{}em",
            text_style(style::TITLE),
            // One empty line of the body grid, in the title's size.
            num(LINE_PITCH.0 as f64 / style::TITLE.size.0 as f64)
        ),
    );
    for (tag, level) in [("h2", 1u8), ("h3", 2), ("h4", 3), ("h5", 4)] {
        rule(&format!("{r} {tag}"), &text_style(style::heading(level)));
    }
    rule(
        &format!("{r} p"),
        &format!("text-indent:{}em;text-align:justify", style::BODY.indent_chars),
    );
    rule(&format!("{r} strong"), "font-weight:bold");
    // Run-in headings: the level's font and weight, inside the paragraph's indent and size.
    for level in 2u8..=4 {
        let st = style::heading(level);
        rule(
            &format!("{r} .{}-{level}", super::RUN_IN_CLASS),
            &format!(
                "font-family:{};font-weight:{}",
                font_stack(st.role),
                if st.bold { "bold" } else { "normal" }
            ),
        );
    }
    // Tables: the rules and padding of print, 五号 宋体; a wide table scrolls on its own on
    // a narrow screen instead of widening the page.
    rule(
        &format!("{r} .nb-scroll"),
        "overflow-x:auto;margin:0.5em 0;max-width:100%",
    );
    rule(
        &format!("{r} table"),
        &format!(
            "border-collapse:collapse;width:100%;font-family:{};font-size:{};line-height:{};text-indent:0;\
             overflow-wrap:normal",
            font_stack(Role::Song),
            pt(style::TABLE.size),
            num(TABLE_LINE.0 as f64 / style::TABLE.size.0 as f64)
        ),
    );
    rule(&format!("{r} table.nb-wide"), &format!("min-width:{}", mm(TEXT_WIDTH)));
    rule(
        &format!("{r} th,{r} td"),
        &format!(
            "border:{} solid #000;padding:{} {};font-weight:normal;text-align:center;vertical-align:middle",
            pt(RULE_WIDTH),
            mm(CELL_PAD_Y),
            mm(CELL_PAD_X)
        ),
    );
    rule(&format!("{r} th.nb-l"), "text-align:left");
    rule(
        &format!("{r} td"),
        "text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap",
    );
    rule(&format!("{r} td.nb-note"), "text-align:left;white-space:normal");
    // The caption names the table for screen readers; the heading above shows it.
    rule(
        &format!("{r} .nb-sr"),
        "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);\
         clip-path:inset(50%);white-space:nowrap;border:0",
    );
    rule(&format!("{r} footer"), &format!("margin-top:{lh}em"));
    rule(&format!("{r} footer p"), "text-indent:0;text-align:right");
    // A phone: 小四 text, a narrower margin; tables keep 五号 and scroll.
    let _ = writeln!(
        css,
        "@media (max-width:40em){{{r}{{font-size:{};padding:1em 0.75em}}}}",
        pt(size::XIAO_SI)
    );
    // Print: the root fills the A4 版心, tables break between rows with their header rows
    // repeated, headings stay with what follows.
    let _ = writeln!(
        css,
        "@media print{{{r}{{max-width:none;padding:0;font-size:{}}}{r} .nb-scroll{{overflow:visible}}\
         {r} table.nb-wide{{min-width:0}}{r} tr{{break-inside:avoid}}{r} thead{{display:table-header-group}}\
         {r} h1,{r} h2,{r} h3,{r} h4,{r} h5{{break-after:avoid}}}}",
        pt(size::SAN_HAO)
    );
    if page {
        let _ = writeln!(
            css,
            "@media print{{html,body{{background:none;padding:0}}}}\n@page{{size:A4;margin:{} {} {} {}}}",
            mm(MARGIN_TOP),
            mm(MARGIN_RIGHT),
            mm(MARGIN_BOTTOM),
            mm(MARGIN_LEFT)
        );
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.8095), "1.81");
        assert_eq!(pt(size::WU_HAO), "10.5pt");
        assert_eq!(mm(TEXT_WIDTH), "156mm");
    }

    #[test]
    fn stacks_name_the_official_font_after_the_latin_face() {
        let s = font_stack(Role::Body);
        assert!(
            s.starts_with("\"Times New Roman\",\"Liberation Serif\",\"仿宋_GB2312\""),
            "{s}"
        );
        assert!(s.ends_with(",serif"));
        assert!(font_stack(Role::Heading1).ends_with("sans-serif"));
    }

    #[test]
    fn every_rule_is_scoped_and_page_rules_only_in_a_document() {
        let css = stylesheet("r", false);
        assert!(!css.contains("@page") && !css.contains("\nbody") && !css.contains("html"));
        for line in css.lines().filter(|l| !l.starts_with('@')) {
            assert!(line.starts_with(".r"), "{line}");
        }
        assert!(stylesheet("r", true).contains("@page{size:A4;margin:37mm 26mm 35mm 28mm}"));
    }
}
