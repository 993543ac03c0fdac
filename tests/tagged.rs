//! The tagged, accessible PDF through the binary: the tag tree of every example as poppler
//! reads it (`pdfinfo -struct`), the claimed standards (`--pdf-standard`), and qpdf's check.

mod common;

use common::*;
use nianbao::model::{Block, CellRole, Document};
use nianbao::validate::Options;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn document(path: &Path) -> Document {
    let (checked, diags) = nianbao::load(
        &std::fs::read(path).unwrap(),
        Options {
            as_published: true,
            ..Default::default()
        },
    );
    assert!(!nianbao::diag::has_errors(&diags), "{diags:?}");
    nianbao::model::resolve(&checked.expect("report"))
}

fn render(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "render",
        input.to_str().unwrap(),
        "--pdf",
        "--as-published",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    nianbao(&args)
}

fn text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One structure element of `pdfinfo -struct`: its depth, type, and the attribute lines
/// below it.
#[derive(Debug)]
struct Elem {
    depth: usize,
    kind: String,
    id: Option<String>,
    attrs: Vec<String>,
}

fn structure(pdf: &Path) -> Vec<Elem> {
    let out = text(&tool("pdfinfo", &["-struct", pdf.to_str().unwrap()]));
    let mut elems: Vec<Elem> = Vec::new();
    for line in out.lines().skip_while(|l| !l.starts_with("Document")) {
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if t.starts_with('/') {
            if let Some(e) = elems.last_mut() {
                e.attrs.push(t.to_string());
            }
            continue;
        }
        let kind = t.split([' ', ':']).next().unwrap_or("").to_string();
        let id = t
            .split_once('<')
            .and_then(|(_, r)| r.split_once('>'))
            .map(|(id, _)| id.to_string());
        elems.push(Elem {
            depth,
            kind,
            id,
            attrs: Vec::new(),
        });
    }
    elems
}

#[test]
fn every_example_is_tagged_with_headings_paragraphs_and_tables_with_real_headers() {
    let dir = temp_dir("tagged");
    for ex in examples() {
        let name = ex.file_stem().unwrap().to_string_lossy().into_owned();
        let pdf = dir.join(format!("{name}.pdf"));
        let o = render(&ex, &pdf, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let p = pdf.to_str().unwrap();
        let info = text(&tool("pdfinfo", &[p]));
        assert!(info.contains("Tagged:          yes"), "{name}: {info}");
        let meta = text(&tool("pdfinfo", &["-meta", p]));
        for claim in [
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>A</pdfaid:conformance>",
            "<pdfuaid:part>1</pdfuaid:part>",
            "<rdf:li>zh-CN</rdf:li>",
        ] {
            assert!(meta.contains(claim), "{name}: the metadata lacks {claim}");
        }
        assert!(tool("qpdf", &["--check", p]).status.success(), "{name}: qpdf --check");

        let doc = document(&ex);
        let elems = structure(&pdf);
        let top: Vec<&Elem> = elems.iter().filter(|e| e.depth == 2).collect();
        assert_eq!(top[0].kind, "H1", "{name}: the title comes first, as H1");
        let sections = doc
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Heading { level: 1, .. }))
            .count();
        assert_eq!(
            top.iter().filter(|e| e.kind == "H2").count(),
            sections,
            "{name}: one H2 per section"
        );
        let paragraphs = doc
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Paragraph { .. }))
            .count();
        let signoff = usize::from(doc.signoff.is_some());
        assert_eq!(
            top.iter().filter(|e| e.kind == "P").count(),
            paragraphs + signoff,
            "{name}: paragraphs"
        );
        assert_eq!(
            top.iter().filter(|e| e.kind == "Table").count(),
            doc.tables().count(),
            "{name}: tables"
        );

        // Header cells and data cells as the model has them (blank cells too).
        let cells: Vec<_> = doc
            .tables()
            .flat_map(|t| t.rows.iter().flat_map(|r| &r.cells))
            .collect();
        let th = cells
            .iter()
            .filter(|c| matches!(c.role, CellRole::Header | CellRole::Group | CellRole::Label))
            .count();
        let td = cells.len() - th;
        let ths: Vec<&Elem> = elems.iter().filter(|e| e.kind == "TH").collect();
        let tds: Vec<&Elem> = elems.iter().filter(|e| e.kind == "TD").collect();
        assert_eq!((ths.len(), tds.len()), (th, td), "{name}: TH and TD cells");
        assert!(
            elems.iter().filter(|e| e.kind == "TR").count() >= doc.tables().map(|t| t.rows.len()).min().unwrap_or(0)
        );
        for e in &ths {
            assert!(e.id.is_some(), "{name}: a TH has an id: {e:?}");
            assert!(
                e.attrs.iter().any(|a| a == "/Scope /Column" || a == "/Scope /Row"),
                "{name}: scope: {e:?}"
            );
        }
        let ids: BTreeSet<&str> = ths.iter().filter_map(|e| e.id.as_deref()).collect();
        // The first row's TDs are the blank corner of table 三, heading nothing, headed by nothing.
        let mut tr = 0;
        let mut corner = 0;
        let mut body_tds: Vec<&Elem> = Vec::new();
        for e in &elems {
            match e.kind.as_str() {
                "Table" => tr = 0,
                "TR" => tr += 1,
                "TD" if tr == 1 => corner += 1,
                "TD" => body_tds.push(e),
                _ => {}
            }
        }
        assert!(corner <= 1, "{name}: {corner} TDs in a first row");
        for e in &body_tds {
            let headers = e
                .attrs
                .iter()
                .find(|a| a.starts_with("/Headers"))
                .unwrap_or_else(|| panic!("{name}: a TD without headers: {e:?}"));
            let named: Vec<&str> = headers.split(['(', ')']).skip(1).step_by(2).collect();
            assert!(!named.is_empty(), "{name}: {headers}");
            for id in &named {
                assert!(ids.contains(id), "{name}: {id} names no TH");
            }
            // A column header (an earlier row) and, beside it, a header of its own row.
            let row = |id: &str| {
                id.split_once('r')
                    .and_then(|(_, r)| r.split_once('c'))
                    .map(|(r, _)| r.parse::<usize>().unwrap())
            };
            let rows: BTreeSet<usize> = named.iter().filter_map(|id| row(id)).collect();
            assert!(
                rows.len() >= 2 || named.len() >= 2,
                "{name}: a data cell has row and column headers: {headers}"
            );
        }
        assert!(
            elems.iter().any(|e| e.attrs.iter().any(|a| a.starts_with("/ColSpan"))),
            "{name}: spans"
        );
        assert!(
            elems.iter().any(|e| e.attrs.iter().any(|a| a.starts_with("/RowSpan"))),
            "{name}: row spans"
        );

        // Page numbers are artifacts: in the page text, not in the structure's.
        let page_text = text(&tool("pdftotext", &[p, "-"]));
        assert!(
            page_text.contains("—1—") || page_text.contains("— 1 —"),
            "{name}: a page number is printed"
        );
        let struct_text = text(&tool("pdfinfo", &["-struct-text", p]));
        assert!(
            !struct_text.contains("—1—") && !struct_text.contains("— 1 —"),
            "{name}: page numbers are artifacts"
        );
        assert!(
            struct_text.contains(&doc.title.concat()),
            "{name}: the title is in the structure"
        );
    }
}

fn meta(pdf: &Path) -> String {
    text(&tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]))
}

#[test]
fn pdf_standard_chooses_the_claims_and_no_pdfa_stays_an_alias() {
    let dir = temp_dir("pdf-standard");
    let ex = root().join("examples/zibo-2020.json");
    let cases: [(&[&str], &[&str], &[&str]); 7] = [
        (
            &["--pdf-standard", "a2a-ua1"],
            &["<pdfaid:conformance>A", "<pdfuaid:part>1"],
            &[],
        ),
        (
            &["--pdf-standard", "a2a"],
            &["<pdfaid:conformance>A"],
            &["pdfuaid:part>"],
        ),
        (
            &["--pdf-standard", "a2u"],
            &["<pdfaid:conformance>U"],
            &["pdfuaid:part>"],
        ),
        (
            &["--pdf-standard", "a2b"],
            &["<pdfaid:conformance>B"],
            &["pdfuaid:part>"],
        ),
        (&["--pdf-standard", "ua1"], &["<pdfuaid:part>1"], &["pdfaid:part>"]),
        (&["--pdf-standard", "none"], &[], &["pdfaid:part>", "pdfuaid:part>"]),
        (&["--no-pdfa"], &[], &["pdfaid:part>", "pdfuaid:part>"]),
    ];
    for (i, (args, has, lacks)) in cases.iter().enumerate() {
        let pdf: PathBuf = dir.join(format!("{i}.pdf"));
        let o = render(&ex, &pdf, args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        let m = meta(&pdf);
        for h in *has {
            assert!(m.contains(h), "{args:?}: lacks {h}");
        }
        for l in *lacks {
            assert!(!m.contains(l), "{args:?}: claims {l}");
        }
        let info = text(&tool("pdfinfo", &[pdf.to_str().unwrap()]));
        assert!(info.contains("Tagged:          yes"), "{args:?}: every PDF is tagged");
    }
    let o = render(&ex, &dir.join("bad.pdf"), &["--pdf-standard", "a3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join("bad.pdf").exists());
}

/// A private-use character (which PDF/A-2a, A-2u and UA-1 forbid) makes the default PDF/A-2b
/// with a warning; asking for a standard that forbids it is refused (exit 2, no file).
#[test]
fn a_private_use_character_lowers_the_default_to_a2b() {
    let dir = temp_dir("pdf-pua");
    let src = std::fs::read_to_string(root().join("examples/zibo-2020.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&src).unwrap();
    v["preamble"] = serde_json::json!(["甲\u{E000}乙"]);
    let input = dir.join("pua.json");
    std::fs::write(&input, serde_json::to_string(&v).unwrap()).unwrap();
    let pdf = dir.join("pua.pdf");
    let o = render(&input, &pdf, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning[pdf-standard]"));
    let m = meta(&pdf);
    assert!(
        m.contains("<pdfaid:conformance>B") && !m.contains("pdfuaid:part>"),
        "{m}"
    );
    let refused = dir.join("refused.pdf");
    let o = render(&input, &refused, &["--pdf-standard", "ua1"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("U+E000"));
    assert!(!refused.exists());
}
