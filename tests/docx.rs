//! The DOCX writer through the public API (`load` → `model::resolve` → `export::docx::write`):
//! the package read back in Rust with the zip crate and quick-xml. The external readers
//! (python-docx, openxml-audit, LibreOffice) are in `docx_readers.rs`.

mod common;
mod docx_support;

use common::examples;
use docx_support::*;
use std::collections::BTreeMap;

use nianbao::export::docx::{self, DocxError, DocxOptions};
use nianbao::model::{Align, Block, CellRole, Document, Table, TableCell, TableRow};
use nianbao::style::Role;
use nianbao::units::Length;

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
        // The title: one paragraph, a line break between the model's lines; then one empty
        // body line.
        assert_eq!(styled[0], ("Title".to_string(), doc.title.concat()), "{name}: title");
        assert_eq!(paras[0].all("w:br").len(), doc.title.len() - 1, "{name}: title lines");
        assert_eq!(styled[1], ("Body".to_string(), String::new()));
        // Every block in order.
        let mut it = styled[2..].iter();
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
                    bold_runs += lines
                        .iter()
                        .flatten()
                        .filter(|r| r.style == nianbao::model::RunStyle::Bold && !r.text.is_empty())
                        .count();
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
    assert_eq!(by_id["Body"].kid("w:rPr").and_then(|r| r.val("w:spacing")), Some("-7"));
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
