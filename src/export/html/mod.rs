//! HTML export: the resolved [`Document`] as a self-contained, accessible web page for the
//! government portal, or as a fragment to paste into a CMS.
//!
//! Contracts:
//! - Built from the same resolved document as the DOCX, never from PDF pages; no font is
//!   needed. The output is UTF-8, has no script and no external resource, and is the same
//!   bytes for the same document and mode.
//! - [`HtmlMode::Document`]: `<!DOCTYPE html>`, `lang="zh-CN"`, `<title>`, `description`,
//!   `author`, `keywords` and `generator` in the head, the stylesheet in the head (with the
//!   A4 `@page` rule). [`HtmlMode::Fragment`]: only the report's root `<div>`, its
//!   stylesheet inside it with every selector under the root's class ([`ROOT_CLASS`]), so
//!   that nothing leaks into the portal's styles.
//! - Structure: the title is `<h1>` (its printed lines joined by `<br>`), the six sections
//!   `<h2>`, the input's headings of levels 2–4 `<h3>`–`<h5>`, paragraphs `<p>` (a line break
//!   of the input is `<br>`), bold runs `<strong>`, the sign-off a `<footer>` with the date in
//!   `<time datetime>`.
//! - Tables: `<caption>` (the table's name and heading, for screen readers), `<colgroup>` with
//!   the print's column widths, `<thead>` with the model's header rows, the body in
//!   `<tbody>` groups (a new group where a 「第二十条第（X）项」 row starts), `rowspan` and
//!   `colspan` exactly as the model's, column headers `<th scope="col">` (or `colgroup` for a
//!   top header spanning its column group), group rows `<th scope="rowgroup">`, row labels
//!   `<th scope="row">`, values `<td>` (right-aligned, tabular digits, empty when blank) with
//!   `headers` naming the same header cells as the tagged PDF's `/Headers`.
//! - Text is escaped (`&`, `<`, `>`, and `"` in attributes); a tab prints as a space; a run
//!   of spaces keeps its width (every space after the first is a no-break space).

mod css;
mod table;

use crate::model::{Block, Document, RunStyle, SignOff};
use std::fmt::Write;

/// The class of the report's root `<div>`: every style rule is scoped under it, and
/// `nianbao import` recognises nianbao's own markup by it.
pub const ROOT_CLASS: &str = "nianbao-report";

/// The class of a run-in heading's `<span>` at the start of a paragraph; with `-2`…`-4`
/// appended, the class that names its level (`<span class="nb-run-in nb-run-in-2">`).
pub const RUN_IN_CLASS: &str = "nb-run-in";

/// What [`write`] produces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HtmlMode {
    /// A whole HTML5 document.
    #[default]
    Document,
    /// Only the report's root `<div>` with its scoped stylesheet, for a CMS's source view.
    Fragment,
}

/// The report as HTML (UTF-8 bytes). Infallible: every document has an HTML form.
pub fn write(doc: &Document, mode: HtmlMode) -> Vec<u8> {
    let mut out = String::with_capacity(32 * 1024);
    if mode == HtmlMode::Document {
        head(doc, &mut out);
        out.push_str("<body>\n<main>\n");
    }
    article(doc, mode, &mut out);
    if mode == HtmlMode::Document {
        out.push_str("</main>\n</body>\n</html>\n");
    }
    out.into_bytes()
}

/// The stylesheet of a mode, built once per process (it depends on the house style only).
fn stylesheet(mode: HtmlMode) -> &'static str {
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static FRAGMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    match mode {
        HtmlMode::Document => PAGE.get_or_init(|| css::stylesheet(ROOT_CLASS, true)),
        HtmlMode::Fragment => FRAGMENT.get_or_init(|| css::stylesheet(ROOT_CLASS, false)),
    }
}

/// `<!DOCTYPE html>` through `</head>`.
fn head(doc: &Document, out: &mut String) {
    let m = &doc.meta;
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    attr(out, m.language);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>");
    text(out, &m.title);
    out.push_str("</title>\n");
    let mut meta = |name: &str, content: &str| {
        out.push_str("<meta name=\"");
        out.push_str(name);
        out.push_str("\" content=\"");
        attr(out, content);
        out.push_str("\">\n");
    };
    meta("description", &description(doc));
    meta("author", &m.author);
    meta("keywords", &m.keywords.join(","));
    meta("generator", concat!("nianbao ", env!("CARGO_PKG_VERSION")));
    out.push_str("<style>\n");
    out.push_str(stylesheet(HtmlMode::Document));
    out.push_str("</style>\n</head>\n");
}

/// Characters of the first paragraph quoted in the description.
const DESCRIPTION_CHARS: usize = 120;

/// The title, then the start of the first paragraph.
fn description(doc: &Document) -> String {
    let first = doc.blocks.iter().find_map(|b| match b {
        Block::Paragraph { lines } => {
            let t: String = lines.iter().flatten().map(|r| r.text.as_str()).collect();
            (!t.trim().is_empty()).then_some(t)
        }
        _ => None,
    });
    match first {
        None => doc.meta.title.clone(),
        Some(p) => {
            let mut s: String = p.chars().take(DESCRIPTION_CHARS).collect();
            if p.chars().count() > DESCRIPTION_CHARS {
                s.push('…');
            }
            format!("{}：{}", doc.meta.title, s.replace('\t', " "))
        }
    }
}

/// The root `<div>` and everything in it.
fn article(doc: &Document, mode: HtmlMode, out: &mut String) {
    let _ = writeln!(out, "<div class=\"{ROOT_CLASS}\" lang=\"{}\">", doc.meta.language);
    if mode == HtmlMode::Fragment {
        out.push_str("<style>\n");
        out.push_str(stylesheet(HtmlMode::Fragment));
        out.push_str("</style>\n");
    }
    if !doc.title.is_empty() {
        out.push_str("<h1>");
        for (i, line) in doc.title.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            text(out, line);
        }
        out.push_str("</h1>\n");
    }
    let mut section: Option<&str> = None;
    let mut tables = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text: t, .. } => {
                let h = (level + 1).clamp(2, 6);
                if *level <= 1 {
                    section = Some(t);
                }
                let _ = write!(out, "<h{h}>");
                text(out, t);
                let _ = writeln!(out, "</h{h}>");
            }
            Block::Paragraph { lines } => {
                out.push_str("<p>");
                for (i, runs) in lines.iter().enumerate() {
                    if i > 0 {
                        out.push_str("<br>");
                    }
                    for r in runs {
                        match r.style {
                            RunStyle::Body => text(out, &r.text),
                            RunStyle::Bold => {
                                out.push_str("<strong>");
                                text(out, &r.text);
                                out.push_str("</strong>");
                            }
                            // A run-in heading: in its level's type (see the stylesheet),
                            // read back by `import` through its class.
                            RunStyle::Heading(level) => {
                                let _ = write!(out, "<span class=\"{RUN_IN_CLASS} {RUN_IN_CLASS}-{level}\">");
                                text(out, &r.text);
                                out.push_str("</span>");
                            }
                        }
                    }
                }
                out.push_str("</p>\n");
            }
            Block::Table(t) => {
                tables += 1;
                table::write(out, t, tables, section);
            }
        }
    }
    if let Some(s) = &doc.signoff {
        signoff(out, s, doc);
    }
    out.push_str("</div>\n");
}

/// The sign-off: the agency and the date, right-aligned with the right indents of the
/// model's rule ([`SignOff::lines`]); a long agency wraps in the browser, not at the print's
/// line ends.
fn signoff(out: &mut String, s: &SignOff, doc: &Document) {
    let lines = s.lines();
    let (first, last) = match (lines.first(), lines.last()) {
        (Some(f), Some(l)) => (f.right_half_chars, l.right_half_chars),
        _ => (4, 8),
    };
    let d = doc.meta.date;
    out.push_str("<footer>\n");
    let _ = write!(out, "<p style=\"padding-right:{}em\">", em_half(first));
    text(out, &s.agency);
    let _ = write!(
        out,
        "</p>\n<p style=\"padding-right:{}em\"><time datetime=\"{:04}-{:02}-{:02}\">",
        em_half(last),
        d.year,
        d.month,
        d.day
    );
    text(out, &s.date);
    out.push_str("</time></p>\n</footer>\n");
}

/// Half characters as em, e.g. `9.5`.
fn em_half(half: i64) -> String {
    let half = half.max(0);
    if half % 2 == 0 {
        (half / 2).to_string()
    } else {
        format!("{}.5", half / 2)
    }
}

/// A number with at most three decimals, no trailing zeros.
pub(super) fn css_num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Text content, escaped; a tab is a space, and a run of spaces keeps its width.
pub(super) fn text(out: &mut String, s: &str) {
    let mut prev_space = false;
    for c in s.chars() {
        let space = matches!(c, ' ' | '\t');
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ if space && prev_space => out.push('\u{a0}'),
            _ if space => out.push(' '),
            _ => out.push(c),
        }
        prev_space = space;
    }
}

/// An attribute value (inside double quotes), escaped.
fn attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_spaces_keep_their_width() {
        let mut s = String::new();
        text(&mut s, "a<b>&c  d\te");
        assert_eq!(s, "a&lt;b&gt;&amp;c \u{a0}d e");
        let mut s = String::new();
        attr(&mut s, "say \"<x>\" & go");
        assert_eq!(s, "say &quot;&lt;x&gt;&quot; &amp; go");
    }

    #[test]
    fn half_characters_print_as_em() {
        assert_eq!(em_half(4), "2");
        assert_eq!(em_half(19), "9.5");
        assert_eq!(em_half(-3), "0");
    }
}
