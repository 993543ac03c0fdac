//! The DOCX writer through the public API (`load` → `model::resolve` → `export::docx::write`):
//! the package read back with the zip crate and quick-xml, python-docx, openxml-audit and
//! LibreOffice.
//!
//! The external-tool tests fail (they do not skip) when a tool is missing: run
//! `bash .ci/setup` to install them.

mod common;

use common::{examples, root, temp_dir};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nianbao::export::docx::{self, DocxError, DocxOptions};
use nianbao::model::{Align, Block, CellRole, Document, Table, TableCell, TableRow};
use nianbao::style::Role;
use nianbao::units::Length;
use quick_xml::events::Event;

// ---------------------------------------------------------------------------------------------
// Helpers

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn checked(bytes: &[u8]) -> nianbao::validate::Checked {
    let (checked, diags) = nianbao::load(bytes, nianbao::validate::Options::default());
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == nianbao::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked.expect("a checked report")
}

fn document(path: &Path) -> Document {
    let bytes = std::fs::read(path).expect("read example");
    nianbao::model::resolve(&checked(&bytes))
}

/// An example with a `date` added, so that it has a sign-off.
fn with_date(path: &Path, date: &str) -> Document {
    let src = std::fs::read_to_string(path).expect("read example");
    let mut v: serde_json::Value = serde_json::from_str(&src).expect("example is JSON");
    v["date"] = serde_json::Value::String(date.into());
    let doc = nianbao::model::resolve(&checked(v.to_string().as_bytes()));
    assert!(doc.signoff.is_some());
    doc
}

fn write(doc: &Document) -> Vec<u8> {
    docx::write(doc, &DocxOptions::default()).expect("docx written")
}

/// The package's entries, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("entry bytes");
            (f.name().to_string(), b)
        })
        .collect()
}

fn part(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let b = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(b.1.clone()).expect("UTF-8 part")
}

/// A read-back XML element, text unescaped.
#[derive(Debug, Clone, Default)]
struct X {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<X>,
    /// Concatenated character data directly inside this element.
    text: String,
}

impl X {
    fn parse(src: &str) -> X {
        let mut r = quick_xml::Reader::from_str(src);
        let mut stack = vec![X::default()];
        loop {
            match r.read_event().expect("well-formed XML") {
                Event::Start(s) => stack.push(X::open(&s, r.decoder())),
                Event::Empty(s) => {
                    let e = X::open(&s, r.decoder());
                    stack.last_mut().expect("parent").children.push(e);
                }
                Event::End(_) => {
                    let e = stack.pop().expect("open element");
                    stack.last_mut().expect("parent").children.push(e);
                }
                Event::Text(t) => {
                    let s = t.decode().expect("text").into_owned();
                    stack.last_mut().expect("parent").text.push_str(&s);
                }
                Event::GeneralRef(g) => {
                    let s = match &*g.decode().expect("ref") {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    };
                    stack.last_mut().expect("parent").text.push_str(s);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "balanced XML");
        stack.pop().expect("root").children.pop().expect("a root element")
    }

    fn open(s: &quick_xml::events::BytesStart<'_>, decoder: quick_xml::encoding::Decoder) -> X {
        X {
            name: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
            attrs: s
                .attributes()
                .map(|a| {
                    let a = a.expect("attribute");
                    (
                        String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                        a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
                            .expect("attribute value")
                            .into_owned(),
                    )
                })
                .collect(),
            ..X::default()
        }
    }

    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }

    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a X> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn kid<'a>(&'a self, name: &'a str) -> Option<&'a X> {
        self.kids(name).next()
    }

    /// Every descendant (pre-order) with this name.
    fn all<'a>(&'a self, name: &str) -> Vec<&'a X> {
        let mut out = Vec::new();
        self.walk(name, &mut out);
        out
    }

    fn walk<'a>(&'a self, name: &str, out: &mut Vec<&'a X>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.walk(name, out);
        }
    }

    /// The text of all `w:t` below, concatenated.
    fn text(&self) -> String {
        self.all("w:t").iter().map(|t| t.text.as_str()).collect()
    }

    /// `w:val` of a child property (`w:pStyle`, `w:gridSpan`, …).
    fn val<'a>(&'a self, prop: &'a str) -> Option<&'a str> {
        self.kid(prop).and_then(|p| p.attr("w:val"))
    }
}

fn body(entries: &[(String, Vec<u8>)]) -> X {
    let d = X::parse(&part(entries, "word/document.xml"));
    d.kid("w:body").expect("w:body").clone()
}

fn style_of(p: &X) -> Option<String> {
    p.kid("w:pPr").and_then(|pp| pp.val("w:pStyle")).map(str::to_string)
}

/// Runs an external tool; a missing tool fails the test with the setup hint.
fn tool(cmd: &str, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(cmd);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("`{cmd}` is needed by this test ({e}); run `bash .ci/setup` first"));
    out
}

fn venv_bin(name: &str) -> PathBuf {
    let p = root().join(".ci/venv/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing; run `bash .ci/setup` first (it installs openxml-audit and python-docx)",
        p.display()
    );
    p
}

/// Writes the DOCX of every example (plus one with a sign-off) into `dir`.
fn write_all(dir: &Path) -> Vec<(PathBuf, Document)> {
    let mut out = Vec::new();
    for ex in examples() {
        let doc = document(&ex);
        let path = dir.join(format!("{}.docx", stem(&ex)));
        std::fs::write(&path, write(&doc)).expect("write docx");
        out.push((path, doc));
    }
    let first = &examples()[0];
    let doc = with_date(first, "2021-01-20");
    let path = dir.join(format!("{}-signed.docx", stem(first)));
    std::fs::write(&path, write(&doc)).expect("write docx");
    out.push((path, doc));
    out
}

/// The Word cells a model row must produce: (grid column, gridSpan, vMerge, text).
fn expected_row(t: &Table, r: usize) -> Vec<(usize, usize, Option<&'static str>, String)> {
    let cols = t.widths.len();
    let mut owner: Vec<Option<(usize, &TableCell)>> = vec![None; cols];
    for (r0, row) in t.rows.iter().enumerate().take(r + 1) {
        for c in &row.cells {
            if r0 + c.row_span > r {
                for o in owner.iter_mut().skip(c.col).take(c.col_span) {
                    *o = Some((r0, c));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut col = 0;
    while col < cols {
        match owner[col] {
            None => {
                out.push((col, 1, None, String::new()));
                col += 1;
            }
            Some((r0, c)) => {
                let vm = match (c.row_span > 1, r0 == r) {
                    (false, _) => None,
                    (true, true) => Some("restart"),
                    (true, false) => Some("continue"),
                };
                let text = if r0 == r { c.text.clone() } else { String::new() };
                out.push((col, c.col_span, vm, text));
                col += c.col_span;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The package, read back in Rust

#[test]
fn tables_hold_every_label_and_number_with_the_statutes_merges() {
    for ex in examples() {
        let name = stem(&ex);
        let bytes = std::fs::read(&ex).expect("read");
        let checked = checked(&bytes);
        let doc = nianbao::model::resolve(&checked);
        let entries = unzip(&write(&doc));
        let body = body(&entries);
        let tbls: Vec<&X> = body.kids("w:tbl").collect();
        let models: Vec<&Table> = doc.tables().collect();
        assert_eq!(tbls.len(), models.len(), "{name}: table count");
        let template = checked.report.format.template();
        for (k, (tbl, t)) in tbls.iter().zip(&models).enumerate() {
            let what = format!("{name} {}", t.name);
            // The grid: the model's widths in twips, 8844 in all.
            let grid: Vec<i64> = tbl
                .kid("w:tblGrid")
                .expect("tblGrid")
                .kids("w:gridCol")
                .map(|g| g.attr("w:w").expect("w:w").parse().expect("number"))
                .collect();
            let widths: Vec<i64> = t.widths.iter().map(|w| w.to_twips()).collect();
            assert_eq!(grid, widths, "{what}: grid");
            assert_eq!(grid.iter().sum::<i64>(), 8844, "{what}: full width");

            let rows: Vec<&X> = tbl.kids("w:tr").collect();
            assert_eq!(rows.len(), t.rows.len(), "{what}: rows");
            let (mut spans, mut restarts, mut continues) = (0, 0, 0);
            let mut texts = Vec::new();
            for (r, tr) in rows.iter().enumerate() {
                let tr_pr = tr.kid("w:trPr").unwrap_or_else(|| panic!("{what} row {r}: no trPr"));
                assert!(tr_pr.kid("w:cantSplit").is_some(), "{what} row {r}: cantSplit");
                assert_eq!(
                    tr_pr.kid("w:tblHeader").is_some(),
                    r < t.header_rows,
                    "{what} row {r}: tblHeader"
                );
                let want = expected_row(t, r);
                let tcs: Vec<&X> = tr.kids("w:tc").collect();
                assert_eq!(tcs.len(), want.len(), "{what} row {r}: cells");
                let mut col = 0;
                for (tc, (wcol, span, vm, text)) in tcs.iter().zip(&want) {
                    let pr = tc.kid("w:tcPr").expect("tcPr");
                    let got_span: usize = pr.val("w:gridSpan").map_or(1, |v| v.parse().expect("number"));
                    let got_vm = pr.kid("w:vMerge").map(|v| v.attr("w:val").unwrap_or("continue"));
                    assert_eq!(col, *wcol, "{what} row {r}: column");
                    assert_eq!(got_span, *span, "{what} row {r} col {col}: gridSpan");
                    assert_eq!(got_vm, *vm, "{what} row {r} col {col}: vMerge");
                    assert_eq!(&tc.text(), text, "{what} row {r} col {col}: text");
                    assert_eq!(pr.val("w:vAlign"), Some("center"), "{what}: vertical centring");
                    let borders = pr.kid("w:tcBorders").expect("tcBorders");
                    for side in ["w:top", "w:left", "w:bottom", "w:right"] {
                        let b = borders.kid(side).expect("border");
                        assert_eq!((b.attr("w:val"), b.attr("w:sz")), (Some("single"), Some("4")));
                    }
                    for p in tc.kids("w:p") {
                        assert_eq!(style_of(p).as_deref(), Some("TableText"), "{what}: cell style");
                    }
                    spans += usize::from(got_span > 1);
                    restarts += usize::from(got_vm == Some("restart"));
                    continues += usize::from(got_vm == Some("continue"));
                    texts.push(tc.text());
                    col += got_span;
                }
                assert_eq!(col, grid.len(), "{what} row {r}: cells cover the grid");
            }
            // Merge counts straight from the model.
            let cells = || t.rows.iter().flat_map(|r| &r.cells);
            let want_spans: usize = t
                .rows
                .iter()
                .enumerate()
                .map(|(r, _)| expected_row(t, r).iter().filter(|c| c.1 > 1).count())
                .sum();
            assert_eq!(spans, want_spans, "{what}: gridSpan count");
            assert_eq!(
                restarts,
                cells().filter(|c| c.row_span > 1).count(),
                "{what}: vMerge restarts"
            );
            assert_eq!(
                continues,
                cells().map(|c| c.row_span.saturating_sub(1)).sum::<usize>(),
                "{what}: vMerge continues"
            );
            // Every label of the template's table, and every value, in this table.
            let tt = &template.tables[k];
            for cell in tt.rows.iter().flat_map(|r| &r.cells) {
                if let Some(label) = &cell.text {
                    assert!(texts.contains(label), "{what}: label {label} missing");
                }
                if let Some(key) = &cell.key {
                    let v = checked.values.get(key).map(|v| v.text()).unwrap_or_default();
                    assert!(texts.contains(&v), "{what}: value {v:?} of {key} missing");
                }
            }
            // Shaded cells carry their fill.
            let shaded = cells().filter(|c| c.shade.is_some()).count();
            let fills = tbl.all("w:shd").len();
            assert_eq!(fills, shaded, "{what}: shading");
        }
    }
}

#[test]
fn paragraphs_are_styled_and_carry_the_text() {
    for ex in examples() {
        let name = stem(&ex);
        let doc = document(&ex);
        let entries = unzip(&write(&doc));
        let doc_xml = part(&entries, "word/document.xml");
        assert!(!doc_xml.contains("w:rFonts"), "{name}: no direct fonts in the body");
        assert!(!doc_xml.contains("w14:paraId"), "{name}: paragraph ids stripped");
        let body = body(&entries);
        let paras: Vec<&X> = body.kids("w:p").collect();
        let styled: Vec<(String, String)> = paras
            .iter()
            .map(|p| (style_of(p).unwrap_or_default(), p.text()))
            .collect();
        // Title lines, then one empty body line.
        for (i, line) in doc.title.iter().enumerate() {
            assert_eq!(styled[i], ("Title".to_string(), line.clone()), "{name}: title line {i}");
        }
        assert_eq!(styled[doc.title.len()], ("Body".to_string(), String::new()));
        // Every block in order.
        let mut it = styled[doc.title.len() + 1..].iter();
        let mut bold_runs = 0;
        for b in &doc.blocks {
            match b {
                Block::Heading { level, text, .. } => {
                    let want = format!("Heading{}", (*level).clamp(1, 4));
                    assert_eq!(it.next(), Some(&(want, text.clone())), "{name}: heading");
                }
                Block::Paragraph { lines } => {
                    let text: Vec<String> = lines
                        .iter()
                        .map(|l| l.iter().map(|r| r.text.as_str()).collect())
                        .collect();
                    assert_eq!(
                        it.next(),
                        Some(&("Body".to_string(), text.join("\n"))),
                        "{name}: paragraph"
                    );
                    bold_runs += lines.iter().flatten().filter(|r| r.bold && !r.text.is_empty()).count();
                }
                Block::Table(_) => {}
            }
        }
        assert!(
            it.next().is_none(),
            "{name}: no extra paragraphs (no sign-off in the examples)"
        );
        // Bold lead-ins are bold runs, and nothing else is bold.
        let bold = body
            .all("w:r")
            .iter()
            .filter(|r| r.kid("w:rPr").is_some_and(|p| p.kid("w:b").is_some()))
            .count();
        assert_eq!(bold, bold_runs, "{name}: bold runs");
        // The six sections are level-1 headings.
        let h1 = styled.iter().filter(|(s, _)| s == "Heading1").count();
        assert_eq!(h1, 6, "{name}: section headings");
    }
}

#[test]
fn styles_name_fonts_explicitly_and_set_the_gbt9704_page() {
    let doc = document(&examples()[0]);
    let entries = unzip(&write(&doc));
    let styles_xml = part(&entries, "word/styles.xml");
    assert!(!styles_xml.contains("Theme"), "no theme fonts anywhere in styles.xml");
    let styles = X::parse(&styles_xml);
    // docDefaults name fonts explicitly too.
    let defaults = styles.kid("w:docDefaults").expect("docDefaults");
    let rf = defaults.all("w:rFonts");
    assert_eq!(rf.len(), 1);
    assert_eq!(rf[0].attr("w:eastAsia"), Some("仿宋_GB2312"));

    let by_id: BTreeMap<String, &X> = styles
        .kids("w:style")
        .map(|s| (s.attr("w:styleId").expect("id").to_string(), s))
        .collect();
    let want = [
        ("Title", "方正小标宋简体", "44"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        ("Heading3", "仿宋_GB2312", "32"),
        ("Heading4", "仿宋_GB2312", "32"),
        ("Body", "仿宋_GB2312", "32"),
        ("TableText", "宋体", "21"),
        ("SignOff", "仿宋_GB2312", "32"),
        ("PageNumber", "宋体", "28"),
    ];
    for (id, font, size) in want {
        let s = by_id.get(id).unwrap_or_else(|| panic!("style {id}"));
        assert_eq!(s.attr("w:type"), Some("paragraph"));
        let rpr = s.kid("w:rPr").expect("rPr");
        let f = rpr.kid("w:rFonts").expect("rFonts");
        assert_eq!(f.attr("w:eastAsia"), Some(font), "{id}");
        for slot in ["w:ascii", "w:hAnsi", "w:cs"] {
            assert!(f.attr(slot).is_some_and(|v| !v.is_empty()), "{id}: {slot}");
        }
        assert_eq!(rpr.val("w:sz"), Some(size), "{id}: size");
    }
    let ppr = |id: &str| by_id[id].kid("w:pPr").expect("pPr").clone();
    let body_ppr = ppr("Body");
    let ind = body_ppr.kid("w:ind").expect("ind");
    assert_eq!(ind.attr("w:firstLineChars"), Some("200"));
    assert_eq!(ind.attr("w:firstLine"), Some("632"));
    let sp = body_ppr.kid("w:spacing").expect("spacing");
    assert_eq!((sp.attr("w:line"), sp.attr("w:lineRule")), (Some("579"), Some("exact")));
    assert_eq!(body_ppr.val("w:jc"), Some("both"));
    // Prose sets the grid itself: exact lines, 28 characters by condensing half a point.
    assert_eq!(body_ppr.val("w:snapToGrid"), Some("0"));
    assert_eq!(by_id["Body"].kid("w:rPr").and_then(|r| r.val("w:spacing")), Some("-10"));
    assert_eq!(ppr("Title").val("w:jc"), Some("center"));
    assert_eq!(ppr("Heading1").val("w:outlineLvl"), Some("0"));
    assert!(by_id["Heading3"].kid("w:rPr").and_then(|r| r.kid("w:b")).is_some());
    let table = ppr("TableText");
    assert_eq!(table.val("w:snapToGrid"), Some("0"));
    assert_eq!(table.val("w:jc"), Some("center"));
    assert_eq!(ppr("SignOff").val("w:jc"), Some("right"));

    // The section: A4, 37/35/28/26 mm, the 22 × 28 grid, odd and even footers.
    let b = body(&entries);
    let sect = b.kid("w:sectPr").expect("sectPr");
    let pg = sect.kid("w:pgSz").expect("pgSz");
    assert_eq!((pg.attr("w:w"), pg.attr("w:h")), (Some("11906"), Some("16838")));
    let m = sect.kid("w:pgMar").expect("pgMar");
    let mar: Vec<&str> = ["w:top", "w:bottom", "w:left", "w:right", "w:footer"]
        .iter()
        .map(|k| m.attr(k).expect("margin"))
        .collect();
    assert_eq!(mar, ["2098", "1984", "1587", "1474", "1307"]);
    let grid = sect.kid("w:docGrid").expect("docGrid");
    assert_eq!(grid.attr("w:type"), Some("linesAndChars"));
    assert_eq!(grid.attr("w:linePitch"), Some("579"));
    assert_eq!(grid.attr("w:charSpace"), Some("-848"));
    let refs: Vec<(&str, &str)> = sect
        .kids("w:footerReference")
        .map(|f| (f.attr("w:type").expect("type"), f.attr("r:id").expect("id")))
        .collect();
    assert_eq!(refs.len(), 2);
    let rels = X::parse(&part(&entries, "word/_rels/document.xml.rels"));
    for (ty, id) in refs {
        let target = rels
            .kids("Relationship")
            .find(|r| r.attr("Id") == Some(id))
            .and_then(|r| r.attr("Target"))
            .unwrap_or_else(|| panic!("relationship {id}"));
        let want = if ty == "default" { "footer1.xml" } else { "footer2.xml" };
        assert_eq!(target, want);
    }
    assert!(part(&entries, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
}

#[test]
fn font_table_makes_substitution_deterministic_and_names_can_be_overridden() {
    let doc = document(&examples()[0]);
    let entries = unzip(&write(&doc));
    let fonts = X::parse(&part(&entries, "word/fontTable.xml"));
    let by_name: BTreeMap<&str, &X> = fonts
        .kids("w:font")
        .map(|f| (f.attr("w:name").expect("name"), f))
        .collect();
    for (name, alt) in [
        ("仿宋_GB2312", "FandolFang R"),
        ("方正小标宋简体", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC Medium"),
        ("楷体_GB2312", "Nianbao Kai"),
        ("宋体", "Noto Serif CJK SC"),
    ] {
        let f = by_name.get(name).unwrap_or_else(|| panic!("font {name}"));
        assert_eq!(f.val("w:altName"), Some(alt), "{name}");
        assert_eq!(f.val("w:charset"), Some("86"), "{name}");
        assert!(f.val("w:panose1").is_some_and(|p| p.len() == 20), "{name}");
        assert!(f.val("w:family").is_some() && f.val("w:pitch").is_some(), "{name}");
    }
    assert_eq!(by_name["Times New Roman"].val("w:altName"), Some("Liberation Serif"));

    let mut opts = DocxOptions::default();
    opts.fonts.insert(Role::Body, "方正仿宋_GBK".into());
    let entries = unzip(&docx::write(&doc, &opts).expect("docx"));
    let styles = part(&entries, "word/styles.xml");
    assert!(styles.contains(r#"w:eastAsia="方正仿宋_GBK""#));
    assert!(!styles.contains("仿宋_GB2312"));
    assert!(part(&entries, "word/fontTable.xml")
        .contains(r#"<w:font w:name="方正仿宋_GBK"><w:altName w:val="FandolFang R"/>"#));
}

#[test]
fn footers_hold_page_fields_odd_right_even_left() {
    let doc = document(&examples()[0]);
    let entries = unzip(&write(&doc));
    for (file, jc, ind_attr) in [
        ("word/footer1.xml", "right", "w:right"),
        ("word/footer2.xml", "left", "w:left"),
    ] {
        let ftr = X::parse(&part(&entries, file));
        let p = ftr.kid("w:p").expect("paragraph");
        let ppr = p.kid("w:pPr").expect("pPr");
        assert_eq!(ppr.val("w:pStyle"), Some("PageNumber"), "{file}");
        assert_eq!(ppr.val("w:jc"), Some(jc), "{file}");
        assert_eq!(ppr.kid("w:ind").and_then(|i| i.attr(ind_attr)), Some("280"), "{file}");
        let chars: Vec<String> = p
            .all("w:fldChar")
            .iter()
            .map(|f| f.attr("w:fldCharType").expect("type").to_string())
            .collect();
        assert_eq!(chars, ["begin", "separate", "end"], "{file}");
        let instr = p.all("w:instrText");
        assert_eq!(instr.len(), 1);
        assert_eq!(instr[0].text, " PAGE ");
        assert_eq!(instr[0].attr("xml:space"), Some("preserve"));
        assert_eq!(p.text(), "— 1 —", "{file}");
    }
}

#[test]
fn core_properties_come_from_the_input() {
    for ex in examples() {
        let doc = document(&ex);
        let entries = unzip(&write(&doc));
        let core = X::parse(&part(&entries, "docProps/core.xml"));
        let get = |k: &str| core.kid(k).map(|e| e.text.clone()).unwrap_or_default();
        assert_eq!(get("dc:title"), doc.meta.title);
        assert_eq!(get("dc:creator"), doc.meta.author);
        assert_eq!(get("dc:subject"), "政府信息公开工作年度报告");
        assert_eq!(get("dc:language"), "zh-CN");
        let kw = get("cp:keywords");
        for k in &doc.meta.keywords {
            assert!(kw.contains(k.as_str()), "keyword {k}");
        }
        let d = doc.meta.date;
        let ts = format!("{:04}-{:02}-{:02}T00:00:00Z", d.year, d.month, d.day);
        assert_eq!(get("dcterms:created"), ts);
        assert_eq!(get("dcterms:modified"), ts);
    }
}

#[test]
fn package_is_complete_small_and_deterministic() {
    for ex in examples() {
        let name = stem(&ex);
        let doc = document(&ex);
        let a = write(&doc);
        let b = write(&doc);
        assert!(a == b, "{name}: two writes in one process differ");
        assert!(a.len() <= 40 * 1024, "{name}: {} bytes, over 40 KB", a.len());

        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).expect("zip");
        for i in 0..z.len() {
            let f = z.by_index(i).expect("entry");
            assert_eq!(f.compression(), zip::CompressionMethod::Deflated, "{}", f.name());
            let t = f.last_modified().expect("timestamp");
            assert_eq!((t.year(), t.month(), t.day(), t.hour(), t.minute()), (1980, 1, 1, 0, 0));
        }
        let entries = unzip(&a);
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], "[Content_Types].xml", "{name}: content types first");
        for want in [
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/fontTable.xml",
            "word/theme/theme1.xml",
            "word/footer1.xml",
            "word/footer2.xml",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.contains(&want), "{name}: {want} missing");
        }
        // Every XML part (other than the content types) has an override, and every
        // relationship target exists.
        let ct = part(&entries, "[Content_Types].xml");
        for n in names.iter().filter(|n| n.ends_with(".xml") && !n.starts_with('[')) {
            assert!(
                ct.contains(&format!("PartName=\"/{n}\"")),
                "{name}: no content type for {n}"
            );
        }
        for (rels, base) in [("_rels/.rels", ""), ("word/_rels/document.xml.rels", "word/")] {
            for r in X::parse(&part(&entries, rels)).kids("Relationship") {
                let target = format!("{base}{}", r.attr("Target").expect("target"));
                assert!(names.contains(&target.as_str()), "{name}: {target} missing");
            }
        }
    }
    // A second, different document in the same process does not disturb the first.
    let exs = examples();
    let first = document(&exs[0]);
    let once = write(&first);
    let _ = write(&document(&exs[exs.len() - 1]));
    assert!(once == write(&first), "output depends on what was written before");
}

#[test]
fn signoff_sits_right_with_the_date_four_characters_in() {
    let doc = with_date(&examples()[0], "2021-01-20");
    let entries = unzip(&write(&doc));
    let body = body(&entries);
    let paras: Vec<&X> = body.kids("w:p").collect();
    let n = paras.len();
    let (agency, date) = (paras[n - 2], paras[n - 1]);
    let s = doc.signoff.as_ref().expect("sign-off");
    assert_eq!(agency.text(), s.agency);
    assert_eq!(date.text(), "2021年1月20日");
    for p in [agency, date] {
        assert_eq!(style_of(p).as_deref(), Some("SignOff"));
    }
    // The date: 右空四字 (four grid characters of 315.86 twips) unless the agency is long.
    let right = |p: &X| -> i64 {
        p.kid("w:pPr")
            .and_then(|pp| pp.kid("w:ind"))
            .and_then(|i| i.attr("w:right"))
            .expect("right indent")
            .parse()
            .expect("number")
    };
    let agency_chars = s.agency.chars().count();
    if agency_chars <= 7 {
        assert_eq!(right(date), 1263, "date four characters from the edge");
        assert!(right(agency) >= 1263 - 316, "agency centred over the date");
    }
    // One empty line before the sign-off.
    assert_eq!(paras[n - 3].text(), "");
    let core = X::parse(&part(&entries, "docProps/core.xml"));
    assert_eq!(
        core.kid("dcterms:created").map(|e| e.text.as_str()),
        Some("2021-01-20T00:00:00Z")
    );
}

/// A model table the resolver never makes: gaps, odd spans.
fn odd_table(cells: Vec<Vec<(usize, usize, usize, &str)>>) -> Document {
    let mut doc = document(&examples()[0]);
    let table = Table {
        id: "odd".into(),
        name: "表X".into(),
        widths: vec![Length::twips(2948); 3],
        header_rows: 1,
        rows: cells
            .into_iter()
            .map(|row| TableRow {
                cells: row
                    .into_iter()
                    .map(|(col, row_span, col_span, text)| TableCell {
                        col,
                        row_span,
                        col_span,
                        text: text.into(),
                        role: CellRole::Header,
                        align: Align::Right,
                        shade: None,
                    })
                    .collect(),
            })
            .collect(),
    };
    doc.blocks = vec![Block::Table(table)];
    doc
}

#[test]
fn odd_inputs_give_valid_tables_or_clear_errors() {
    // Gaps become empty cells; zero spans count as one.
    let doc = odd_table(vec![vec![(0, 2, 1, "a"), (2, 1, 1, "c")], vec![(1, 0, 0, "d")]]);
    let entries = unzip(&write(&doc));
    let b = body(&entries);
    let rows: Vec<&X> = b.all("w:tr");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.kids("w:tc").count() == 3));
    // Overlaps and cells past the grid are errors, not panics.
    let doc = odd_table(vec![vec![(0, 1, 2, "a"), (1, 1, 1, "b")]]);
    let e = docx::write(&doc, &DocxOptions::default()).expect_err("overlap");
    assert!(matches!(e, DocxError::Table { .. }));
    assert!(e.to_string().starts_with("failed to write 表X"), "{e}");
    let doc = odd_table(vec![vec![(2, 1, 5, "a")]]);
    assert!(docx::write(&doc, &DocxOptions::default()).is_err());
    // Text XML cannot carry is dropped, markup characters are escaped.
    let mut doc = document(&examples()[0]);
    doc.title = vec!["A&B <标题> \u{1}\"引\"".into()];
    doc.blocks.clear();
    doc.signoff = None;
    let entries = unzip(&write(&doc));
    let b = body(&entries);
    assert_eq!(b.kids("w:p").next().map(X::text).as_deref(), Some("A&B <标题> \"引\""));
    // An empty document is still a document.
    let mut doc = document(&examples()[0]);
    doc.title.clear();
    doc.blocks.clear();
    doc.signoff = None;
    let entries = unzip(&write(&doc));
    assert!(body(&entries).kid("w:sectPr").is_some());
}

#[test]
fn docx_files_stay_small() {
    // Speed is measured by `cargo bench` (benches/render.rs), not asserted here.
    for e in examples() {
        let len = write(&document(&e)).len();
        assert!(len <= 40 * 1024, "{}: {len} bytes", stem(&e));
    }
}

// ---------------------------------------------------------------------------------------------
// External readers: openxml-audit, python-docx, LibreOffice

#[test]
fn openxml_audit_finds_no_violation() {
    let audit = venv_bin("openxml-audit");
    let dir = temp_dir("audit");
    for (path, _) in write_all(&dir) {
        let out = tool(
            audit.to_str().expect("path"),
            &["-f", "microsoft365", "-o", "json", path.to_str().expect("path")],
            &[],
        );
        let report = String::from_utf8_lossy(&out.stdout);
        let v: serde_json::Value = serde_json::from_str(&report)
            .unwrap_or_else(|e| panic!("openxml-audit output is not JSON ({e}): {report}"));
        let r = &v[0];
        assert_eq!(
            r["error_count"].as_u64(),
            Some(0),
            "{}: openxml-audit -f microsoft365 reports violations:\n{}",
            path.display(),
            serde_json::to_string_pretty(&r["errors"]).unwrap_or_default()
        );
        assert_eq!(r["valid"].as_bool(), Some(true), "{}", path.display());
    }
}

#[test]
fn python_docx_reads_the_same_document() {
    let python = venv_bin("python");
    let dir = temp_dir("python-docx");
    let written = write_all(&dir);
    let mut args = vec![root().join("tests/tools/docx_read.py").to_string_lossy().into_owned()];
    args.extend(written.iter().map(|(p, _)| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool(python.to_str().expect("path"), &args, &[]);
    assert!(
        out.status.success(),
        "python-docx failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), written.len());
    for (line, (path, doc)) in lines.iter().zip(&written) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let what = path.display();
        assert_eq!(v["core"]["title"].as_str(), Some(doc.meta.title.as_str()), "{what}");
        assert_eq!(v["core"]["author"].as_str(), Some(doc.meta.author.as_str()), "{what}");
        assert_eq!(v["section"]["odd_and_even"].as_bool(), Some(true), "{what}");
        assert_eq!(v["section"]["page_width"].as_i64(), Some(11906 * 635), "{what}");
        assert_eq!(v["footers"]["odd"][0].as_str(), Some("— 1 —"), "{what}");
        assert_eq!(v["footers"]["even"][0].as_str(), Some("— 1 —"), "{what}");
        let paras = v["paragraphs"].as_array().expect("paragraphs");
        assert_eq!(paras[0]["style"].as_str(), Some("Title"), "{what}");
        let headings = paras
            .iter()
            .filter(|p| p["style"].as_str() == Some("Heading 1"))
            .count();
        assert_eq!(headings, 6, "{what}");
        let tables = v["tables"].as_array().expect("tables");
        let models: Vec<&Table> = doc.tables().collect();
        assert_eq!(tables.len(), models.len(), "{what}");
        for (t, m) in tables.iter().zip(models) {
            assert_eq!(t["columns"].as_u64(), Some(m.widths.len() as u64), "{what} {}", m.name);
            let rows = t["rows"].as_array().expect("rows");
            assert_eq!(rows.len(), m.rows.len(), "{what} {}", m.name);
            for (r, (row, mrow)) in rows.iter().zip(&m.rows).enumerate() {
                assert_eq!(
                    row["header"].as_bool(),
                    Some(r < m.header_rows),
                    "{what} {} row {r}",
                    m.name
                );
                let cells: Vec<&str> = row["cells"]
                    .as_array()
                    .expect("cells")
                    .iter()
                    .filter_map(|c| c.as_str())
                    .collect();
                for c in &mrow.cells {
                    assert!(
                        cells.contains(&c.text.as_str()),
                        "{what} {} row {r}: {:?}",
                        m.name,
                        c.text
                    );
                }
            }
        }
    }
}

/// Writes the fontconfig file binding the official names to the bundled fonts.
fn fonts_conf(dir: &Path) -> PathBuf {
    let template = std::fs::read_to_string(root().join("tests/tools/docx-fonts.conf.in")).expect("fonts.conf template");
    let conf = template
        .replace("@FONTS_DIR@", &root().join("fonts").to_string_lossy())
        .replace("@CACHE_DIR@", &dir.join("fontconfig-cache").to_string_lossy());
    let path = dir.join("fonts.conf");
    std::fs::write(&path, conf).expect("write fonts.conf");
    path
}

/// Converts DOCX files to PDF with LibreOffice (headless, a private profile).
fn soffice_to_pdf(files: &[PathBuf], out: &Path, fonts_conf: &Path) {
    let home = out.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut args = vec![
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        out.to_str().expect("path"),
    ];
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    args.extend(names.iter().map(String::as_str));
    let o = tool("soffice", &args, &[("HOME", &home), ("FONTCONFIG_FILE", fonts_conf)]);
    assert!(
        o.status.success(),
        "soffice failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Text without whitespace and hyphens (pdftotext drops a hyphen that ends a line).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// The words of one PDF page with their boxes: (xMin, yMin, xMax, text), in points from the
/// top left.
fn words(pdf: &Path, page: usize) -> Vec<(f64, f64, f64, String)> {
    let p = page.to_string();
    let o = tool(
        "pdftotext",
        &["-f", &p, "-l", &p, "-bbox", pdf.to_str().expect("path"), "-"],
        &[],
    );
    let html = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |l: &str, k: &str| -> f64 {
        l.split(&format!("{k}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l
                .split('>')
                .nth(1)
                .and_then(|r| r.split('<').next())
                .unwrap_or_default();
            (attr(l, "xMin"), attr(l, "yMin"), attr(l, "xMax"), text.to_string())
        })
        .collect()
}

/// Whether the tokens appear, in order and adjacent, on one line of the text.
fn on_one_line(text: &str, tokens: &[&str]) -> bool {
    text.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.windows(tokens.len()).any(|w| w == tokens)
    })
}

#[test]
fn libreoffice_renders_every_paragraph_and_number_with_the_bundled_fonts() {
    let dir = temp_dir("libreoffice");
    let written = write_all(&dir);
    let conf = fonts_conf(&dir);
    let files: Vec<PathBuf> = written.iter().map(|(p, _)| p.clone()).collect();
    soffice_to_pdf(&files, &dir, &conf);

    // nianbao's own PDFs, for the page count.
    let pdf_dir = dir.join("nianbao");
    std::fs::create_dir_all(&pdf_dir).expect("dir");
    for ex in examples() {
        let o = tool(
            env!("CARGO_BIN_EXE_nianbao"),
            &[
                "render",
                "--pdf",
                "--fonts",
                root().join("fonts").to_str().expect("path"),
                "-o",
                &format!("{}/", pdf_dir.display()),
                ex.to_str().expect("path"),
            ],
            &[],
        );
        assert!(
            o.status.success(),
            "nianbao render failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    let pages = |pdf: &Path| -> usize {
        let o = tool("pdfinfo", &[pdf.to_str().expect("path")], &[]);
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap_or(0)))
            .unwrap_or(0)
    };

    for (docx_path, doc) in &written {
        let name = stem(docx_path);
        let pdf = dir.join(format!("{name}.pdf"));
        assert!(pdf.exists(), "LibreOffice wrote no {}", pdf.display());
        let o = tool("pdftotext", &["-layout", pdf.to_str().expect("path"), "-"], &[]);
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        // The running text (reading order, not layout) without the page-number lines
        // between pages: wrapped cell labels come out whole.
        let o = tool("pdftotext", &[pdf.to_str().expect("path"), "-"], &[]);
        let flat: String = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !(l.trim().starts_with('—') && l.trim().ends_with('—') && l.trim().chars().count() < 12))
            .map(squeeze)
            .collect();
        for line in &doc.title {
            assert!(flat.contains(&squeeze(line)), "{name}: title {line}");
        }
        for b in &doc.blocks {
            match b {
                Block::Heading { text: t, .. } => assert!(flat.contains(&squeeze(t)), "{name}: heading {t}"),
                Block::Paragraph { lines } => {
                    let t: String = lines.iter().flatten().map(|r| r.text.as_str()).collect();
                    assert!(flat.contains(&squeeze(&t)), "{name}: paragraph {t}");
                }
                Block::Table(t) => {
                    for row in &t.rows {
                        let values: Vec<&str> = row
                            .cells
                            .iter()
                            .filter(|c| c.role == CellRole::Value && !c.text.is_empty())
                            .map(|c| c.text.as_str())
                            .collect();
                        if !values.is_empty() {
                            assert!(
                                on_one_line(&text, &values),
                                "{name} {}: numbers {values:?} not on one line",
                                t.name
                            );
                        }
                        // Labels that fit one line of their cell come out whole (wrapped ones
                        // interleave with their neighbours in the extracted text).
                        for c in row.cells.iter().filter(|c| c.role != CellRole::Value) {
                            let width: Length = t.widths.iter().skip(c.col).take(c.col_span).copied().sum();
                            let room = (width - nianbao::style::CELL_PAD_X * 2).0 / nianbao::style::TABLE.size.0;
                            if (c.text.chars().count() as i64) <= room {
                                assert!(flat.contains(&squeeze(&c.text)), "{name} {}: label {}", t.name, c.text);
                            }
                        }
                    }
                }
            }
        }
        if let Some(s) = &doc.signoff {
            assert!(flat.contains(&squeeze(&s.date)), "{name}: sign-off date");
        }
        // A page number on every page: odd ones end one character (14 pt) in from the 版心's
        // right edge, even ones start one character in from its left edge, the line's top
        // 7 mm below the 版心.
        let n = pages(&pdf);
        let pt = |l: Length| f64::from(l.to_pt());
        let (left, right) = (
            pt(nianbao::style::MARGIN_LEFT),
            pt(nianbao::style::MARGIN_LEFT + nianbao::style::TEXT_WIDTH),
        );
        let top = pt(nianbao::style::MARGIN_TOP + nianbao::style::TEXT_HEIGHT + nianbao::style::FOLIO_GAP);
        for p in 1..=n {
            let folio: Vec<(f64, f64, f64, String)> = words(&pdf, p).into_iter().filter(|w| w.1 > top - 20.0).collect();
            let text: String = folio.iter().map(|w| w.3.as_str()).collect();
            assert_eq!(text, format!("—{p}—"), "{name}: page {p}'s number");
            let (x0, x1) = (folio[0].0, folio[folio.len() - 1].2);
            if p % 2 == 1 {
                assert!(
                    (x1 - (right - 14.0)).abs() < 3.0,
                    "{name}: page {p}'s number ends at {x1:.1} pt"
                );
            } else {
                assert!(
                    (x0 - (left + 14.0)).abs() < 3.0,
                    "{name}: page {p}'s number starts at {x0:.1} pt"
                );
            }
            assert!(
                (folio[0].1 - top).abs() < 4.0,
                "{name}: page {p}'s number at {:.1} pt, want {top:.1}",
                folio[0].1
            );
        }
        // Within one page of nianbao's own PDF.
        let own = pdf_dir.join(format!("{name}.pdf"));
        if own.exists() {
            let m = pages(&own);
            assert!(n.abs_diff(m) <= 1, "{name}: LibreOffice {n} pages, nianbao {m}");
        }
        // The bundled fonts served every role; no fallback font (DejaVu …) was needed.
        let o = tool("pdffonts", &[pdf.to_str().expect("path")], &[]);
        let fonts = String::from_utf8_lossy(&o.stdout).into_owned();
        let used: Vec<&str> = fonts
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .map(|f| f.split_once('+').map_or(f, |(_, n)| n))
            .collect();
        let bundled = [
            "FandolFang-Regular",
            "NotoSerifCJKsc-Bold",
            "NotoSansCJKsc-Medium",
            "NianbaoKai-Light",
            "NotoSerifCJKsc-Regular",
            "LiberationSerif",
            "LiberationSerif-Bold",
        ];
        for f in &used {
            assert!(
                bundled.contains(f),
                "{name}: LibreOffice used {f}, not a bundled font:\n{fonts}"
            );
        }
        let mut need = vec![
            "FandolFang-Regular",
            "NotoSerifCJKsc-Bold",
            "NotoSansCJKsc-Medium",
            "NotoSerifCJKsc-Regular",
        ];
        if doc.blocks.iter().any(|b| matches!(b, Block::Heading { level: 2, .. })) {
            need.push("NianbaoKai-Light");
        }
        for f in need {
            assert!(used.contains(&f), "{name}: {f} not used:\n{fonts}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Embedded fonts (`--embed-fonts`)

/// The bundled fonts, read as the CLI would, one per role.
fn bundled_embeds() -> docx::EmbeddedFonts {
    let file = |role: Role| match role {
        Role::Title => "NotoSerifCJKsc-Bold.ttf",
        Role::Body => "FandolFang-Regular.ttf",
        Role::Heading1 => "NotoSansCJKsc-Medium.ttf",
        Role::Heading2 => "NianbaoKai-Light.ttf",
        Role::Song => "NotoSerifCJKsc-Regular.ttf",
        Role::Latin => "LiberationSerif-Regular.ttf",
    };
    let by_role = Role::ALL
        .into_iter()
        .map(|role| {
            let bytes = std::fs::read(root().join("fonts").join(file(role))).expect("bundled font");
            (role, docx::EmbeddedFont::from_ttf(bytes).expect("embeddable"))
        })
        .collect();
    docx::EmbeddedFonts { by_role }
}

/// Undoes the ECMA-376 obfuscation of an embedded font part.
fn deobfuscate(data: &[u8], key: &str) -> Vec<u8> {
    let hex: Vec<u8> = key
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_digit(16).expect("hex digit") as u8)
        .collect();
    let k: Vec<u8> = (0..16).rev().map(|j| hex[2 * j] << 4 | hex[2 * j + 1]).collect();
    let mut out = data.to_vec();
    for (i, b) in out.iter_mut().take(32).enumerate() {
        *b ^= k[i % 16];
    }
    out
}

#[test]
fn embedded_fonts_are_obfuscated_named_by_the_styles_and_used_by_libreoffice() {
    let embeds = bundled_embeds();
    let families: BTreeMap<Role, (String, bool)> = embeds
        .by_role
        .iter()
        .map(|(r, f)| (*r, (f.family.clone(), f.bold)))
        .collect();
    assert_eq!(families[&Role::Body].0, "FandolFang R");
    assert_eq!(families[&Role::Title], ("Noto Serif CJK SC".to_string(), true));
    assert_eq!(families[&Role::Song], ("Noto Serif CJK SC".to_string(), false));

    let ex = &examples()[0];
    let doc = document(ex);
    let opts = DocxOptions {
        embed_fonts: Some(embeds.clone()),
        ..DocxOptions::default()
    };
    let bytes = docx::write(&doc, &opts).expect("docx with fonts");
    assert!(
        bytes == docx::write(&doc, &opts).expect("again"),
        "embedding is deterministic"
    );
    let entries = unzip(&bytes);

    // Styles name the embedded families; the title, served by a bold face, is bold.
    let styles = part(&entries, "word/styles.xml");
    assert!(styles.contains(r#"w:eastAsia="FandolFang R""#));
    assert!(!styles.contains("仿宋_GB2312"));
    assert!(part(&entries, "word/settings.xml").contains("<w:embedTrueTypeFonts/>"));

    // Each distinct face once, obfuscated with its key, and the original bytes recoverable.
    let table = X::parse(&part(&entries, "word/fontTable.xml"));
    let rels = X::parse(&part(&entries, "word/_rels/fontTable.xml.rels"));
    let mut parts = 0;
    for font in table.kids("w:font") {
        for (tag, bold) in [("w:embedRegular", false), ("w:embedBold", true)] {
            let Some(e) = font.kid(tag) else { continue };
            parts += 1;
            let name = font.attr("w:name").expect("name");
            let key = e.attr("w:fontKey").expect("fontKey");
            assert_eq!(key.len(), 38, "{name}: GUID key");
            let rid = e.attr("r:id").expect("r:id");
            let target = rels
                .kids("Relationship")
                .find(|r| r.attr("Id") == Some(rid))
                .and_then(|r| r.attr("Target"))
                .expect("font relationship");
            let data = entries
                .iter()
                .find(|(n, _)| *n == format!("word/{target}"))
                .map(|(_, b)| b.clone())
                .expect("font part");
            let original = embeds
                .by_role
                .values()
                .find(|f| f.family == name && f.bold == bold)
                .expect("an embedded face");
            assert!(data != *original.data, "{name}: obfuscated");
            assert!(deobfuscate(&data, key) == *original.data, "{name}: recoverable");
        }
    }
    assert_eq!(parts, 6, "six distinct faces");
    assert!(part(&entries, "[Content_Types].xml").contains(r#"Extension="odttf""#));

    // openxml-audit accepts it.
    let dir = temp_dir("embedded");
    let path = dir.join("embedded.docx");
    std::fs::write(&path, &bytes).expect("write");
    let out = tool(
        venv_bin("openxml-audit").to_str().expect("path"),
        &["-f", "microsoft365", "-o", "json", path.to_str().expect("path")],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v[0]["error_count"].as_u64(), Some(0), "{}", v[0]["errors"]);

    // LibreOffice, given no font but the system's (no bundled folder, no aliases), renders
    // the body with the embedded fonts.
    let conf = dir.join("system-only.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n  <cachedir>{}</cachedir>\n</fontconfig>\n",
            dir.join("fontconfig-cache").display()
        ),
    )
    .expect("fonts.conf");
    soffice_to_pdf(&[path], &dir, &conf);
    let pdf = dir.join("embedded.pdf");
    let o = tool("pdffonts", &[pdf.to_str().expect("path")], &[]);
    let fonts = String::from_utf8_lossy(&o.stdout).into_owned();
    for want in [
        "FandolFang-Regular",
        "NotoSerifCJKsc-Bold",
        "NotoSansCJKsc-Medium",
        "NotoSerifCJKsc-Regular",
    ] {
        assert!(
            fonts.contains(want),
            "LibreOffice did not use the embedded {want}:\n{fonts}"
        );
    }
    let o = tool("pdftotext", &[pdf.to_str().expect("path"), "-"], &[]);
    let text = squeeze(&String::from_utf8_lossy(&o.stdout));
    assert!(text.contains(&squeeze(&doc.title.concat())));
}

/// The CLI passes the font options to the DOCX: a role given as a file names its family, and
/// `--embed-fonts` embeds every role's font.
#[test]
fn cli_font_options_reach_the_docx() {
    let dir = temp_dir("cli-fonts");
    let out = dir.join("r.docx");
    let ex = root().join("examples/zibo-2020.json");
    let run = |extra: &[&str]| {
        let mut args = vec!["render", ex.to_str().unwrap(), "--docx", "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        unzip(&std::fs::read(&out).unwrap())
    };
    let noto = root().join("fonts/NotoSerifCJKsc-Regular.ttf");
    let entries = run(&[
        "--font",
        &format!("body={}", noto.display()),
        "--font",
        "heading1=方正黑体_GBK",
    ]);
    let styles = part(&entries, "word/styles.xml");
    assert!(
        styles.contains("w:eastAsia=\"Noto Serif CJK SC\""),
        "body names the file's family"
    );
    assert!(
        styles.contains("w:eastAsia=\"方正黑体_GBK\""),
        "a name is written as given"
    );
    assert!(
        !entries.iter().any(|(n, _)| n.ends_with(".odttf")),
        "nothing embedded by default"
    );
    let entries = run(&["--embed-fonts"]);
    let embedded = entries.iter().filter(|(n, _)| n.ends_with(".odttf")).count();
    assert!(embedded >= 5, "every role's font is embedded ({embedded})");
    assert!(part(&entries, "word/fontTable.xml").contains("w:embedRegular"));
}
