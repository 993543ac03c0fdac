//! Every real character renders (issue 14 A1), control characters are refused, a character
//! no font has is a warning and a placeholder, and broken fonts are refused at load (B5).
//! All through the binary; the PDF read back with pdftotext and qpdf, the DOCX with zip.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A 2021 skeleton report with `text` in the agency, a heading and a paragraph of 总体情况.
fn report_with(text: &str) -> Value {
    let out = nianbao(&["init", "--format", "2021", "--year", "2021"]);
    assert!(out.status.success());
    let mut r: Value = serde_json::from_slice(&out.stdout).expect("skeleton");
    r["agency"] = json!(format!("某{text}局"));
    r["date"] = json!("2022-01-20");
    r["sections"]["overview"] = json!([
        {"heading": format!("（一）标题{text}"), "level": 2},
        format!("甲{text}乙，本年度工作正常开展。"),
    ]);
    r["sections"]["problems"] = json!(["无"]);
    r["sections"]["other"] = json!(["无"]);
    r
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

/// The PDF's text; the spaces pdftotext reads into the autospace gaps between Chinese and
/// Latin letters or digits are left out (none of the cases holds a space).
fn pdftotext(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(out.stdout).unwrap().replace(' ', "")
}

fn qpdf_check(pdf: &Path) {
    let out = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "qpdf --check {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stdout)
    );
}

fn document_xml(docx: &Path) -> String {
    let f = std::fs::File::open(docx).unwrap();
    let mut z = zip::ZipArchive::new(f).expect("a zip file");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut s).unwrap();
    s
}

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const CASES: &[(&str, &str)] = &[
    ("yen", "¥"),
    ("sup2", "12.5万m²"),
    ("euro", "€"),
    ("check", "✓"),
    ("sqm", "㎡"),
    ("extb", "𠮷"),
    ("emoji", "😀"),
    ("pua", "\u{E000}"),
];

#[test]
fn every_real_character_renders_and_copies_back() {
    let dir = temp_dir("chars-render");
    for (name, s) in CASES {
        let input = write_json(&dir, &format!("{name}.json"), &report_with(s));
        let out = nianbao(&["render", input.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
        let pdf = dir.join(format!("{name}.pdf"));
        let docx = dir.join(format!("{name}.docx"));
        let t = pdftotext(&pdf);
        // In the agency (sign-off), the heading and the paragraph.
        for want in [format!("某{s}局"), format!("（一）标题{s}"), format!("甲{s}乙")] {
            assert!(t.contains(&want), "{name}: pdftotext lacks {want:?}:\n{t}");
        }
        qpdf_check(&pdf);
        let xml = document_xml(&docx);
        assert!(xml.contains(&format!("甲{s}乙")), "{name}: the DOCX lacks {s}");
        assert!(xml.contains(&format!("标题{s}")), "{name}: the DOCX heading lacks {s}");
    }
}

#[test]
fn batch_renders_every_real_character() {
    let dir = temp_dir("chars-batch");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for (name, s) in CASES {
        write_json(&inputs, &format!("{name}.json"), &report_with(s));
    }
    let mut nl = report_with("");
    nl["sections"]["overview"] = json!(["第一行\n第二行"]);
    write_json(&inputs, "nl.json", &nl);
    let outdir = dir.join("out");
    let out = nianbao(&["batch", "-q", inputs.to_str().unwrap(), "-o", outdir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for (name, s) in CASES {
        let t = pdftotext(&outdir.join(format!("{name}.pdf")));
        assert!(t.contains(&format!("甲{s}乙")), "{name}: {t}");
        assert!(outdir.join(format!("{name}.docx")).is_file());
    }
    assert!(pdftotext(&outdir.join("nl.pdf")).contains("第一行\n第二行"));
}

#[test]
fn a_newline_in_a_paragraph_is_a_line_break_in_the_pdf_and_the_docx() {
    let dir = temp_dir("chars-newline");
    let mut r = report_with("");
    r["sections"]["overview"] = json!(["**要点：**第一行\n第二行", "单独一段"]);
    let input = write_json(&dir, "nl.json", &r);
    let out = nianbao(&["render", input.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = pdftotext(&dir.join("nl.pdf"));
    let lines: Vec<&str> = t.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| *l == "要点：第一行")
        .unwrap_or_else(|| panic!("no line 要点：第一行 in\n{t}"));
    assert_eq!(lines[at + 1], "第二行", "{t}");
    qpdf_check(&dir.join("nl.pdf"));
    let xml = document_xml(&dir.join("nl.docx"));
    let p = xml
        .split("</w:p>")
        .find(|p| p.contains("第一行"))
        .expect("the paragraph");
    let (before, after) = p.split_once("<w:br").expect("a <w:br/> in the paragraph");
    assert!(before.contains("第一行") && after.contains("第二行"), "{p}");
    assert!(!p.contains('\n') || !p.contains("第一行\n"), "no raw newline left: {p}");
}

#[test]
fn control_characters_are_refused_with_their_place() {
    let dir = temp_dir("chars-control");
    let mut r = report_with("");
    r["agency"] = json!("某\u{1}局");
    r["sections"]["overview"] = json!([{"heading": "（一）甲\n乙"}, "正文\u{7F}", "可以\t换\n行"]);
    let input = write_json(&dir, "ctl.json", &r);
    let out = nianbao(&["validate", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out);
    for want in [
        "error[control-character]: $.agency: ",
        "U+0001",
        "error[control-character]: $.sections.overview[0].heading: ",
        "U+000A",
        "a line break (\\n) is allowed only in a paragraph",
        "error[control-character]: $.sections.overview[1]: ",
        "U+007F",
    ] {
        assert!(e.contains(want), "missing {want:?} in\n{e}");
    }
    assert!(
        !e.contains("overview[2]"),
        "a tab and a paragraph break are allowed: {e}"
    );
    let out = nianbao(&["render", input.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!dir.join("ctl.pdf").exists() && !dir.join("ctl.docx").exists());
}

#[test]
fn a_character_no_font_has_is_a_located_warning() {
    let dir = temp_dir("chars-missing");
    let input = write_json(&dir, "pua.json", &report_with("\u{E000}"));
    let out = nianbao(&["validate", "--diagnostics", "json", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let diags: Vec<Value> = text(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paths: Vec<&str> = diags
        .iter()
        .filter(|d| d["rule"] == "missing-glyph" && d["severity"] == "warning")
        .map(|d| d["locus"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["$.agency", "$.sections.overview[0].heading", "$.sections.overview[1]"]
    );
    assert!(diags.iter().all(|d| d["locus"]["line"].as_u64().is_some()));
    // An ordinary character outside the CJK fonts' set is found in a bundled font: no warning.
    let input = write_json(&dir, "yen.json", &report_with("¥"));
    let out = nianbao(&["validate", input.to_str().unwrap()]);
    assert_eq!((out.status.code(), text(&out)), (Some(0), String::new()));
    // render says the same, at the same places.
    let out = nianbao(&[
        "render",
        dir.join("pua.json").to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let e = text(&out);
    assert!(
        e.contains("warning[missing-glyph]: $.sections.overview[1]: ") && e.contains("U+E000"),
        "{e}"
    );
}

#[test]
fn verbose_says_which_font_served_each_fallback_character() {
    let dir = temp_dir("chars-verbose");
    let input = write_json(&dir, "v.json", &report_with("¥✓\u{E000}"));
    let out = nianbao(&[
        "render",
        "-v",
        "--pdf",
        input.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let e = text(&out);
    let line = |needle: char| -> String {
        e.lines()
            .find(|l| l.starts_with("fallback to ") && l.contains(needle))
            .unwrap_or_else(|| panic!("no fallback line for {needle} in\n{e}"))
            .to_string()
    };
    assert!(line('¥').contains("LiberationSerif-Regular.ttf"), "{e}");
    // ✓ is in no bundled font: a machine font serves it (.ci/setup installs Symbola).
    let check = line('✓');
    assert!(!check.contains(&root().join("fonts").display().to_string()), "{check}");
    assert!(e.contains("no font has: \u{E000}"), "{e}");
}

#[test]
fn broken_fonts_are_refused_at_load_with_the_file_named() {
    let dir = temp_dir("chars-fonts");
    let input = write_json(&dir, "r.json", &report_with(""));
    let liberation = std::fs::read(root().join("fonts/LiberationSerif-Regular.ttf")).unwrap();
    let truncated = dir.join("truncated.ttf");
    std::fs::write(&truncated, &liberation[..liberation.len() / 3]).unwrap();
    let garbage = dir.join("garbage.ttf");
    std::fs::write(&garbage, b"\0\x01\0\0 this is not a font at all, only some bytes").unwrap();
    let missing = dir.join("missing.ttf");
    let latin = root().join("fonts/LiberationSerif-Regular.ttf");
    let cases: [(String, &Path, &str); 5] = [
        (format!("latin={}", truncated.display()), &truncated, "truncated"),
        (format!("body={}", garbage.display()), &garbage, "unusable"),
        (format!("body={}", missing.display()), &missing, "not found"),
        (format!("body={}", latin.display()), &latin, "no glyph for 政府"),
        (
            format!("heading1={}", latin.display()),
            &latin,
            "cannot serve the heading1 role",
        ),
    ];
    for (arg, file, why) in &cases {
        let out = nianbao(&[
            "render",
            input.to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
            "--font",
            arg,
        ]);
        assert_eq!(out.status.code(), Some(2), "{arg}: {}", text(&out));
        let e = text(&out);
        assert!(e.contains(&file.display().to_string()) && e.contains(why), "{arg}: {e}");
        assert!(
            !dir.join("r.pdf").exists() && !dir.join("r.docx").exists(),
            "{arg}: an output was written"
        );
    }
}
