//! HTML pages → [`Source`]: decoding (BOM, `<meta charset>`, detection), parsing with
//! html5ever (through `scraper`), finding the article in a whole page, and turning it into
//! paragraphs and resolved table grids.

use super::source::{Block, Para, Source, Table};
use super::text::{clean_markup_debris, is_report_table_text};
use scraper::{ElementRef, Html, Node};

/// The text encoding of a page and the clue that decided it.
pub(crate) fn decode(bytes: &[u8]) -> (String, String) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), format!("{} (byte order mark)", enc.name()));
    }
    let declared = meta_charset(bytes);
    let utf8 = std::str::from_utf8(bytes).ok();
    match (declared, utf8) {
        (Some(enc), Some(s)) if enc != encoding_rs::UTF_8 && !s.is_ascii() => {
            // Long CJK text in GBK or Big5 is practically never valid UTF-8: the declaration
            // is stale (a page re-saved as UTF-8 by the CMS).
            return (
                s.to_string(),
                format!("UTF-8 (the page declares {}, but its bytes are UTF-8)", enc.name()),
            );
        }
        (Some(enc), _) => {
            let (text, _, errors) = enc.decode(bytes);
            if !errors {
                return (text.into_owned(), format!("{} (declared in the page)", enc.name()));
            }
        }
        (None, Some(s)) => return (s.to_string(), "UTF-8 (valid as UTF-8)".into()),
        (None, None) => {}
    }
    // Nearly valid UTF-8 (a crawled page with a broken byte or a cut-off end) is UTF-8:
    // a legacy encoding would make far more sequences invalid.
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    let lossy = String::from_utf8_lossy(bytes);
    let bad = lossy.matches('\u{fffd}').count();
    if non_ascii > 0 && bad * 200 <= non_ascii && declared.is_none() {
        return (
            lossy.into_owned(),
            format!("UTF-8 ({bad} invalid byte sequence(s) replaced)"),
        );
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    let why = match declared {
        Some(d) => format!(
            "{} (detected; the page declares {}, which does not decode it)",
            enc.name(),
            d.name()
        ),
        None => format!("{} (detected)", enc.name()),
    };
    (text.into_owned(), why)
}

/// The encoding a `<meta charset=…>` or `<meta http-equiv content="…charset=…">` in the
/// first 4 KiB declares (the HTML standard's prescan looks at 1 KiB; pages with long
/// comments put it later). UTF-16 declarations are ignored, as the standard says.
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        from = i;
        while i < lower.len() && matches!(lower[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < lower.len() && matches!(lower[i], b' ' | b'"' | b'\'') {
            i += 1;
        }
        let end = lower[i..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
            .map_or(lower.len(), |p| i + p);
        if let Some(enc) = encoding_rs::Encoding::for_label(&lower[i..end]) {
            if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                return Some(encoding_rs::UTF_8);
            }
            return Some(enc);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Elements whose content is never part of the report.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "head", "nav", "header", "footer", "select", "option", "button", "iframe", "svg",
    "template", "textarea", "object", "input",
];

/// Elements that end the paragraph before them and start a new one after them.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "center",
    "dd",
    "dt",
    "dl",
    "address",
    "pre",
    "main",
    "aside",
    "body",
    "hr",
    "caption",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "tr",
    "td",
    "th",
];

/// Parses a page (or an extract of one) into a [`Source`]. When the page holds report
/// tables, only the article around them is read: the smallest element holding all of them,
/// widened until it also holds the first section heading's words (from `overview_words`).
pub(crate) fn read(text: &str, overview_words: &[String]) -> Source {
    let doc = Html::parse_document(text);
    let meta_title = page_title(&doc);
    let ours = nianbao_root(&doc);
    let root = ours
        .or_else(|| find_article(&doc, overview_words))
        .unwrap_or_else(|| doc.root_element());
    let mut w = Walker {
        ours: ours.is_some(),
        ..Walker::default()
    };
    w.walk(root, false);
    w.flush();
    Source {
        blocks: w.blocks,
        meta_title,
        attachments: attachments(&doc),
    }
}

/// The root of nianbao's own HTML export (`render --html`, or its fragment pasted into a
/// portal page): the first element with the class [`crate::export::html::ROOT_CLASS`].
fn nianbao_root(doc: &Html) -> Option<ElementRef<'_>> {
    doc.root_element().descendants().filter_map(ElementRef::wrap).find(|e| {
        e.value()
            .attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == crate::export::html::ROOT_CLASS))
    })
}

/// What an element of nianbao's own markup is, as a paragraph style of the [`Source`]:
/// `<h1>` the title, `<h3>`–`<h5>` headings of levels 2–4, `<p>` a body paragraph (never
/// taken for a heading by its numbering), and everything in the report's `<footer>` the
/// sign-off. None for any other element.
fn own_style(name: &str) -> Option<&'static str> {
    match name {
        "footer" => Some("signoff"),
        "h1" => Some("title"),
        "h3" => Some("heading2"),
        "h4" => Some("heading3"),
        "h5" => Some("heading4"),
        "p" => Some("body"),
        _ => None,
    }
}

/// The targets of links to attached documents, in page order, each once.
fn attachments(doc: &Html) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for node in doc.root_element().descendants() {
        let Some(el) = node.value().as_element() else { continue };
        if el.name() != "a" {
            continue;
        }
        let Some(href) = el.attr("href") else { continue };
        let path = href.split(['?', '#']).next().unwrap_or_default().to_ascii_lowercase();
        let doc_like = [".doc", ".docx", ".pdf", ".wps", ".ofd"]
            .iter()
            .any(|e| path.ends_with(e));
        if doc_like && !out.iter().any(|h| h == href) {
            out.push(href.to_string());
        }
    }
    out
}

/// `<meta name="ArticleTitle">`, else `<title>` cut at the site-name separator.
fn page_title(doc: &Html) -> Option<String> {
    let mut title = None;
    let mut article = None;
    for node in doc.root_element().descendants() {
        let Some(el) = node.value().as_element() else { continue };
        match el.name() {
            "meta" => {
                let name = el.attr("name").unwrap_or_default();
                if name.eq_ignore_ascii_case("ArticleTitle") {
                    article = el.attr("content").map(str::to_string);
                }
            }
            "title" if title.is_none() => {
                title = ElementRef::wrap(node).map(|e| e.text().collect::<String>());
            }
            _ => {}
        }
    }
    let pick = article.filter(|t| !t.trim().is_empty()).or_else(|| {
        title.map(|t| {
            t.split(['_', '|', '｜'])
                .find(|part| part.contains("报告"))
                .unwrap_or(&t)
                .split(" - ")
                .next()
                .unwrap_or_default()
                .to_string()
        })
    })?;
    let pick: String = pick.split_whitespace().collect::<Vec<_>>().join(" ");
    (!pick.is_empty()).then_some(pick)
}

/// The element that holds the article: the lowest common ancestor of the report tables,
/// widened to the first ancestor whose text holds the overview heading's words.
fn find_article<'a>(doc: &'a Html, overview_words: &[String]) -> Option<ElementRef<'a>> {
    let mut chains: Vec<Vec<_>> = Vec::new();
    for node in doc.root_element().descendants() {
        let Some(el) = ElementRef::wrap(node) else { continue };
        if el.value().name() != "table" || el.descendants().skip(1).any(|d| is_tag(&d, "table")) {
            continue;
        }
        let text: String = el.text().collect();
        if is_report_table_text(&text) {
            let mut chain: Vec<_> = el.ancestors().map(|a| a.id()).collect();
            chain.reverse();
            chains.push(chain);
        }
    }
    let first = chains.first()?;
    let mut depth = first.len();
    for c in &chains[1..] {
        depth = depth.min(first.iter().zip(c).take_while(|(a, b)| a == b).count());
    }
    // Walk up from the common ancestor until the overview heading is inside.
    let mut at = depth;
    while at > 0 {
        let id = first[at - 1];
        let el = doc.tree.get(id).and_then(ElementRef::wrap)?;
        let name = el.value().name();
        if name == "body" || name == "html" {
            return Some(el);
        }
        let text: String = el.text().collect::<String>().split_whitespace().collect();
        if overview_words.iter().any(|w| text.contains(w.as_str())) {
            return Some(with_title_before(el));
        }
        at -= 1;
    }
    None
}

/// Widens the article to its parent (up to three times) while the elements just before it
/// hold the title (「…政府信息公开…报告」 in a short text): many CMSes print the title in an
/// `<h1>` beside the content block.
fn with_title_before(mut el: ElementRef<'_>) -> ElementRef<'_> {
    for _ in 0..3 {
        let Some(parent) = el.parent().and_then(ElementRef::wrap) else {
            break;
        };
        if matches!(parent.value().name(), "body" | "html") {
            break;
        }
        let before: String = el
            .prev_siblings()
            .filter_map(ElementRef::wrap)
            .filter(|e| !SKIP.contains(&e.value().name()))
            .flat_map(|e| e.text())
            .collect();
        let n = super::text::norm(&before);
        if n.contains("政府信息公开") && n.contains("报告") && n.chars().count() <= 400 {
            el = parent;
        } else {
            break;
        }
    }
    el
}

fn is_tag(node: &ego_node::NodeRef<'_>, tag: &str) -> bool {
    node.value().as_element().is_some_and(|e| e.name() == tag)
}

/// The ego-tree node type, named through scraper's own re-exports.
mod ego_node {
    pub(super) type NodeRef<'a> = <scraper::ElementRef<'a> as std::ops::Deref>::Target;
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    para: Para,
    tables: usize,
    /// Reading nianbao's own markup ([`nianbao_root`]): elements carry their meaning
    /// ([`own_style`]), the report's `<footer>` (the sign-off) is content, and a `<br>` inside
    /// a paragraph is a line break of that paragraph.
    ours: bool,
    /// The style of the block being read (nianbao's markup only).
    style: Option<&'static str>,
}

impl Walker {
    fn flush(&mut self) {
        let mut p = std::mem::take(&mut self.para);
        for r in &mut p.runs {
            r.text = clean_markup_debris(&r.text);
        }
        p.runs.retain(|r| !r.text.is_empty());
        p.style = self.style.map(str::to_string);
        if p.runs.iter().any(|r| !r.text.trim().is_empty()) {
            self.blocks.push(Block::Para(p));
        }
    }

    fn walk(&mut self, el: ElementRef<'_>, bold: bool) {
        let name = el.value().name();
        let style = style_of(el);
        let own_content = self.ours && matches!(name, "footer" | "header");
        if (SKIP.contains(&name) && !own_content) || is_hidden(el, &style) {
            return;
        }
        if name == "br" {
            if self.ours && self.style.is_some_and(|s| s != "title") {
                self.para.push("\n", bold);
            } else {
                self.flush();
            }
            return;
        }
        if name == "table" {
            self.flush();
            self.table(el, bold);
            return;
        }
        if let Some(level) = self.run_in_level(el) {
            let heading: String = el.text().map(collapse).collect();
            self.para.run_in = Some((level, heading));
            return;
        }
        let bold = weight(el, &style).unwrap_or(bold);
        let block = BLOCK.contains(&name);
        if block {
            self.flush();
        }
        let outer = self.style;
        if self.ours && (block || name == "footer") && outer != Some("signoff") {
            self.style = own_style(name);
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    let s = collapse(t);
                    self.para.push(&s, bold);
                }
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.walk(e, bold);
                    }
                }
                _ => {}
            }
        }
        if block {
            self.flush();
        }
        self.style = outer;
    }

    /// The level of a run-in heading of nianbao's markup (a `<span>` of the class
    /// [`crate::export::html::RUN_IN_CLASS`]`-N` at the start of a body paragraph); None for
    /// anything else, which is then read as ordinary text.
    fn run_in_level(&self, el: ElementRef<'_>) -> Option<u8> {
        if !self.ours || el.value().name() != "span" || self.style != Some("body") {
            return None;
        }
        if self.para.run_in.is_some() || self.para.runs.iter().any(|r| !r.text.trim().is_empty()) {
            return None;
        }
        let class = el.value().attr("class")?;
        let prefix = format!("{}-", crate::export::html::RUN_IN_CLASS);
        class
            .split_ascii_whitespace()
            .find_map(|c| c.strip_prefix(prefix.as_str()))
            .and_then(|l| l.parse::<u8>().ok())
            .filter(|l| (2..=4).contains(l))
    }

    /// A data table becomes a grid; a layout table (one holding tables, or one column
    /// only) is read as the paragraphs and tables inside it.
    fn table(&mut self, el: ElementRef<'_>, bold: bool) {
        let rows = table_rows(el);
        let nested = el.descendants().skip(1).any(|d| is_tag(&d, "table"));
        let one_column = rows.iter().all(|r| r.len() <= 1);
        if nested || one_column {
            for row in rows {
                for cell in row {
                    self.walk(cell, bold);
                    self.flush();
                }
            }
            return;
        }
        self.tables += 1;
        let mut t = Table::new(self.tables);
        for (r, row) in rows.iter().enumerate() {
            let mut c = 0;
            for (i, cell) in row.iter().enumerate() {
                let span = |a: &str| {
                    cell.value()
                        .attr(a)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                };
                let text = clean_markup_debris(&cell_text(*cell));
                let origin = format!("table {}, row {}, cell {}", self.tables, r + 1, i + 1);
                c = t.place(r, c, text, span("rowspan"), span("colspan"), origin);
            }
        }
        self.blocks.push(Block::Table(t));
    }
}

/// The rows of a table (through `thead`/`tbody`/`tfoot`), each as its `td`/`th` cells;
/// rows of nested tables are not included.
fn table_rows<'a>(table: ElementRef<'a>) -> Vec<Vec<ElementRef<'a>>> {
    let mut rows = Vec::new();
    let push_row = |tr: ElementRef<'a>, rows: &mut Vec<Vec<ElementRef<'a>>>| {
        let cells: Vec<ElementRef<'a>> = tr
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "td" | "th"))
            .collect();
        rows.push(cells);
    };
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => push_row(child, &mut rows),
            "thead" | "tbody" | "tfoot" => {
                for tr in child.children().filter_map(ElementRef::wrap) {
                    if tr.value().name() == "tr" {
                        push_row(tr, &mut rows);
                    }
                }
            }
            _ => {}
        }
    }
    rows
}

/// A cell's text: every text node inside, in order, whitespace collapsed; `<br>` and
/// paragraph breaks join without separator (labels are broken over lines at random).
fn cell_text(cell: ElementRef<'_>) -> String {
    fn collect(el: ElementRef<'_>, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => out.push_str(&collapse(t)),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        if !SKIP.contains(&e.value().name()) && !is_hidden(e, &style_of(e)) {
                            collect(e, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    collect(cell, &mut out);
    out
}

/// HTML whitespace rules for Chinese text: a run of ASCII whitespace holding a line break
/// is source formatting and disappears; any other run becomes one space.
fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut run = String::new();
    let flush_run = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            if !run.contains(['\n', '\r']) {
                out.push(' ');
            }
            run.clear();
        }
    };
    for ch in t.chars() {
        if matches!(ch, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            run.push(ch);
        } else {
            flush_run(&mut run, &mut out);
            out.push(ch);
        }
    }
    flush_run(&mut run, &mut out);
    out
}

/// The `style` attribute in lower case without spaces; empty (no allocation) when absent.
fn style_of(el: ElementRef<'_>) -> String {
    match el.value().attr("style") {
        Some(s) if !s.is_empty() => s.chars().filter(|c| *c != ' ').flat_map(|c| c.to_lowercase()).collect(),
        _ => String::new(),
    }
}

fn is_hidden(el: ElementRef<'_>, style: &str) -> bool {
    el.value().attr("hidden").is_some() || style.contains("display:none")
}

/// Whether the element sets bold (Some(true)), sets normal weight (Some(false)), or
/// leaves the weight as inherited (None).
fn weight(el: ElementRef<'_>, style: &str) -> Option<bool> {
    if matches!(el.value().name(), "b" | "strong") {
        return Some(true);
    }
    let pos = style.find("font-weight:")?;
    let v = &style[pos + "font-weight:".len()..];
    let v = v.split(';').next().unwrap_or_default().replace("!important", "");
    match v.as_str() {
        "bold" | "bolder" => Some(true),
        "normal" | "lighter" => Some(false),
        n => n.parse::<u32>().ok().map(|w| w >= 600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big5_and_gbk_are_detected_without_a_declaration() {
        let text = "<p>臺北市政府資訊公開年度報告，統計期間自民國一百零九年一月一日起。行政複議與訴訟情形說明。</p>";
        let (big5, _, _) = encoding_rs::BIG5.encode(text);
        let (back, how) = decode(&big5);
        assert_eq!(back, text);
        assert!(how.starts_with("Big5"), "{how}");
        let text = "<p>平潭综合实验区政府信息公开工作年度报告，本年新收政府信息公开申请数量。</p>";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (back, how) = decode(&gbk);
        assert_eq!(back, text);
        assert!(how.starts_with("GBK"), "{how}");
    }

    #[test]
    fn the_declared_charset_and_a_bom_win() {
        let page =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\"></head></html>";
        assert_eq!(meta_charset(page), Some(encoding_rs::GBK));
        assert_eq!(meta_charset(b"<meta charset='big5'>"), Some(encoding_rs::BIG5));
        assert_eq!(meta_charset(b"<p>no declaration</p>"), None);
        let (text, how) = decode("\u{feff}<p>年报</p>".as_bytes());
        assert_eq!(text, "<p>年报</p>");
        assert!(how.contains("byte order mark"));
    }

    #[test]
    fn nearly_valid_utf8_stays_utf8() {
        let mut page = "<p>本年新收政府信息公开申请数量，本年度办理结果，结转下年度继续办理。</p>"
            .repeat(20)
            .into_bytes();
        page[40] = 0xff;
        let (text, how) = decode(&page);
        assert!(how.starts_with("UTF-8 (") && how.contains("invalid"), "{how}");
        assert!(text.contains("本年度办理结果"));
    }

    #[test]
    fn a_stale_declaration_loses_to_the_bytes() {
        let page = "<meta charset=\"gbk\"><p>平潭综合实验区政府信息公开工作年度报告</p>";
        let (text, how) = decode(page.as_bytes());
        assert_eq!(text, page);
        assert!(how.contains("declares GBK, but its bytes are UTF-8"), "{how}");
        let page = "<meta charset=\"utf-8\"><p>本年新收政府信息公开申请数量，本年度办理结果。</p>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let (text, how) = decode(&gbk);
        assert_eq!(text, page);
        assert!(how.starts_with("GBK (detected; the page declares UTF-8"), "{how}");
    }

    #[test]
    fn a_layout_table_is_read_through_and_spans_make_the_grid() {
        let page = "<table><tr><td><p>标题</p><table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>\
                    <tr><td>1</td><td>2</td></tr></table></td></tr></table>";
        let src = read(page, &[]);
        let tables: Vec<&Table> = src
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Para(_) => None,
            })
            .collect();
        assert_eq!(tables.len(), 1, "the outer layout table is not a data table");
        let t = tables[0];
        let texts: Vec<(String, usize)> = t.row_cells(1).iter().map(|c| (c.text.clone(), c.col)).collect();
        assert_eq!(texts, [("A".to_string(), 0), ("1".into(), 1), ("2".into(), 2)]);
        assert!(matches!(&src.blocks[0], Block::Para(p) if p.text() == "标题"));
    }
}
