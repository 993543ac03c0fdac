//! `nianbao import`, through the real binary: the published samples (tables exact), GBK
//! pages, pages from a different CMS, the official Word template, bad inputs, folders, and
//! the round trip render --docx → import for every example.

mod common;

use common::{examples, leaves, nianbao, root, round_trip_equal, temp_dir};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures/import").join(rel)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs `import` and returns (exit code, stdout JSON if any, stderr).
fn import(args: &[&str]) -> (i32, Option<Value>, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = nianbao(&all);
    let json = serde_json::from_slice(&out.stdout).ok();
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("read json")).expect("json")
}

/// The fields the expected JSON gives, compared exactly (tables cell by cell).
fn assert_matches(name: &str, got: &Value, want: &Value) {
    for key in [
        "format",
        "year",
        "agency",
        "title",
        "date",
        "proactive",
        "requests",
        "review_litigation",
    ] {
        let w = &want[key];
        if w.is_null() {
            continue;
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        leaves(&got[key], key, &mut a);
        leaves(w, key, &mut b);
        let diffs: Vec<String> = b
            .iter()
            .filter(|(p, v)| a.iter().find(|(q, _)| q == p).map(|(_, x)| x) != Some(v))
            .map(|(p, v)| {
                let g = a.iter().find(|(q, _)| q == p).map(|(_, x)| x.to_string());
                format!("{p}: got {g:?}, want {v}")
            })
            .collect();
        assert!(
            diffs.is_empty(),
            "{name}: {} differences:\n{}",
            diffs.len(),
            diffs.join("\n")
        );
        assert_eq!(a.len(), b.len(), "{name}: {key} has extra cells");
    }
}

/// The agency when the extract does not print a title (the README of the samples says so).
fn agency_for(stem: &str) -> Option<&'static str> {
    match stem {
        "2023_pingtan-xingzhengshenpiju" => Some("平潭综合实验区行政审批局"),
        "2025_pingtan-zongheshiyanqu" => Some("平潭综合实验区"),
        _ => None,
    }
}

#[test]
fn every_published_sample_imports_to_its_expected_json() {
    let mut n = 0;
    for e in std::fs::read_dir(fixture("html")).expect("samples").flatten() {
        let path = e.path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let want = read_json(&fixture(&format!("expected/{stem}.json")));
        let mut args = vec![s(&path)];
        if let Some(a) = agency_for(&stem) {
            args.extend(["--agency", a]);
        }
        let (code, got, err) = import(&args);
        assert_eq!(code, 0, "{stem}: {err}");
        let got = got.unwrap_or_else(|| panic!("{stem}: no JSON on stdout"));
        assert_matches(&stem, &got, &want);
        // Keys the sample does not print are not invented.
        for key in ["title", "date"] {
            if want[key].is_null() {
                assert!(got[key].is_null(), "{stem}: {key} invented: {}", got[key]);
            }
        }
        // Prose is there: the overview and the other two sections.
        for sec in ["overview", "problems", "other"] {
            let blocks = got["sections"][sec].as_array().expect("section array");
            assert!(!blocks.is_empty(), "{stem}: section {sec} is empty");
        }
        // No importer warnings: every cell was placed.
        assert!(!err.contains("[import-"), "{stem}: {err}");
        n += 1;
    }
    assert_eq!(n, 6);
}

#[test]
fn a_fragment_without_title_needs_the_agency_and_says_so() {
    let (code, got, err) = import(&[s(&fixture("html/2023_pingtan-xingzhengshenpiju.html"))]);
    assert_eq!(code, 1, "{err}");
    assert!(got.is_none());
    assert!(
        err.contains("error[import-agency]") && err.contains("--agency"),
        "{err}"
    );
    // The year came from the statistics period, and -v says so.
    let (code, _, err) = import(&[
        "-v",
        "--agency",
        "X局",
        s(&fixture("html/2023_pingtan-xingzhengshenpiju.html")),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note: year 2023: from the statistics period"), "{err}");
    assert!(err.contains("note: format 2021: from the tables' labels"), "{err}");
}

#[test]
fn the_sign_off_gives_the_date_and_the_prose_keeps_headings_and_lead_ins() {
    let (code, got, err) = import(&[s(&fixture("html/2019_pingtan-caizhengjinrongju.html"))]);
    assert_eq!(code, 0, "{err}");
    let got = got.unwrap();
    let overview = got["sections"]["overview"].as_array().unwrap();
    assert!(overview
        .iter()
        .any(|b| b["heading"] == "（一）主动公开政府信息的数量" && b["level"] == 2));
    assert!(overview.iter().any(|b| b["heading"] == "1.门户网站" && b["level"] == 3));
    let other = got["sections"]["other"].as_array().unwrap();
    let all: String = other.iter().filter_map(Value::as_str).collect();
    assert!(
        !all.contains("2020年1月2日"),
        "the sign-off stays out of the prose: {all}"
    );
    // 版记 「…2020年1月26日印发」 (a wrong year) is not taken for the date.
    let (_, got, _) = import(&[s(&fixture("html/2020_pingtan-jingjifazhanju.html"))]);
    assert_eq!(got.unwrap()["date"], "2021-01-26");
}

#[test]
fn gbk_pages_decode_by_detection_and_by_http_equiv() {
    let want = read_json(&fixture("expected/2019_pingtan-caizhengjinrongju.json"));
    let (code, got, err) = import(&["-v", s(&fixture("synthetic/czj-2019-gbk.html"))]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("encoding: GBK (detected)"), "{err}");
    assert_matches("czj gbk", &got.unwrap(), &want);
    let want = read_json(&fixture("synthetic/other-cms-2021.expected.json"));
    let (code, got, err) = import(&["-v", s(&fixture("synthetic/other-cms-2021-gbk.html"))]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("encoding: GBK (declared in the page)"), "{err}");
    assert_eq!(got.unwrap(), want);
}

#[test]
fn a_traditional_character_page_in_big5_is_detected_and_matches_the_labels() {
    // The 2021 synthetic page as a portal's 繁體 version (「行政規範性文件」, 「結果維持」), Big5,
    // no charset declaration.
    let want = read_json(&fixture("synthetic/other-cms-2021.expected.json"));
    let (code, got, err) = import(&["-v", s(&fixture("synthetic/other-cms-2021-big5.html"))]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("encoding: Big5 (detected)"), "{err}");
    let got = got.unwrap();
    for key in ["format", "year", "date", "proactive", "requests", "review_litigation"] {
        assert_eq!(got[key], want[key], "{key}");
    }
    // Text stays as printed.
    assert_eq!(got["agency"], "示例市統計局");
    assert_eq!(got["sections"]["problems"][0], "政策解讀形式單一。");
}

#[test]
fn a_page_from_another_cms_imports_exactly() {
    // <th> headers, merged label cells written out in every row, table 三 split in two
    // <table>s, full-width digits, thousands separators, 「12.5万元」, a ghost column in 四,
    // the title in an <h1> beside the content, nav/footer/script around it.
    let want = read_json(&fixture("synthetic/other-cms-2021.expected.json"));
    let (code, got, err) = import(&[s(&fixture("synthetic/other-cms-2021.html"))]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(got.unwrap(), want);
}

#[test]
fn a_2019_page_in_a_third_style_imports_exactly() {
    // Year first in the title, a document number, a breadcrumb and an information line,
    // a negative 本年增/减, 「120件」, 「1,234,567.80元」, table 四 with a row label the form does
    // not print, a date in Chinese numerals, 「【打印本页】【关闭窗口】」 after the sign-off.
    let want = read_json(&fixture("synthetic/other-cms-2019.expected.json"));
    let (code, got, err) = import(&[s(&fixture("synthetic/other-cms-2019.html"))]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(got.unwrap(), want);
}

#[test]
fn omitted_cells_and_a_ghost_column_with_content_are_placed_by_their_headers() {
    // The row 1.属于国家秘密 loses its last two cells; the row 一、本年新收 gains a cell 「注」.
    let page = std::fs::read_to_string(fixture("synthetic/other-cms-2019.html")).unwrap();
    let rows: Vec<String> = page
        .split("<tr>")
        .map(|r| {
            if r.contains("1.属于国家秘密") {
                let tds: Vec<&str> = r.split("<td").collect();
                format!("{}</tr>\n", tds[..tds.len() - 2].join("<td"))
            } else if r.contains("一、本年新收") {
                r.replace("</tr>", "<td>注</td></tr>")
            } else {
                r.to_string()
            }
        })
        .collect();
    let dir = temp_dir("import-headers");
    let p = dir.join("p.html");
    std::fs::write(&p, rows.join("<tr>")).unwrap();
    let (code, got, err) = import(&[s(&p)]);
    assert_eq!(code, 0, "{err}");
    let got = got.unwrap();
    let want = read_json(&fixture("synthetic/other-cms-2019.expected.json"));
    assert_eq!(got["requests"]["new"], want["requests"]["new"]);
    let secret = &got["requests"]["results"]["withheld"]["state_secret"];
    assert_eq!(
        (&secret["natural"], &secret["legal"]),
        (&Value::from(0), &Value::from(0))
    );
    assert_eq!((&secret["other"], &secret["total"]), (&Value::Null, &Value::Null));
    assert!(
        err.contains("warning[import-cell]: 表三 （三）不予公开 1.属于国家秘密 × 总计")
            && err.contains("has no cell under this column"),
        "{err}"
    );
}

#[test]
fn a_page_whose_cells_cannot_be_read_gets_nulls_and_diagnostics_naming_them() {
    let page = std::fs::read_to_string(fixture("synthetic/other-cms-2021.html")).unwrap();
    // 行政处罚's value becomes text; the 3.其他 row loses a cell.
    let page = page.replacen("<td colspan=\"3\">678</td>", "<td colspan=\"3\">约六百</td>", 1);
    assert!(page.contains("约六百"));
    let dir = temp_dir("import-bad-cell");
    let p = dir.join("bad.html");
    std::fs::write(&p, page).unwrap();
    let (code, got, err) = import(&[s(&p)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(got.unwrap()["proactive"]["penalty"]["decisions"], Value::Null);
    assert!(
        err.contains("warning[import-cell]: 表二 行政处罚 × 本年处理决定数量")
            && err.contains("「约六百」 is not a number"),
        "{err}"
    );
}

#[test]
fn the_official_word_template_imports_to_a_skeleton_that_validates() {
    let tpl = fixture("docx/template-2021.docx");
    let (code, _, err) = import(&[s(&tpl)]);
    assert_eq!(code, 1, "no year in the template: {err}");
    assert!(err.contains("--year"), "{err}");
    let dir = temp_dir("import-template");
    let out = dir.join("skeleton.json");
    let (code, _, err) = import(&[s(&tpl), "--year", "2024", "--agency", "某某局", "-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let v = read_json(&out);
    assert_eq!(v["format"], "2021");
    // Blank cells (empty, or holding U+3000) are null, never 0.
    assert_eq!(v["proactive"]["rules"]["issued"], Value::Null);
    assert_eq!(v["requests"]["new"]["natural"], Value::Null);
    let val = nianbao(&["validate", s(&out)]);
    assert_eq!(val.status.code(), Some(0), "{}", String::from_utf8_lossy(&val.stderr));
}

#[test]
fn a_template_filled_in_word_imports_every_cell_in_its_place() {
    // make_filled.py numbered the blank value cells 1, 2, 3… in reading order, so the
    // imported values in the template's printed key order must be exactly that sequence.
    let (code, got, err) = import(&[s(&fixture("docx/filled-2021.docx"))]);
    assert_eq!(code, 0, "{err}");
    let got = got.unwrap();
    assert_eq!(
        (&got["year"], &got["agency"], &got["date"]),
        (
            &Value::from(2024),
            &Value::from("某某市某某局"),
            &Value::from("2025-01-20")
        )
    );
    assert_eq!(got["sections"]["other"][0], "本年度未收取信息处理费。");
    let t = nianbao::template::Format::F2021.template();
    let keys = t.keys_in_order();
    assert_eq!(keys.len(), 200);
    for (i, key) in keys.iter().enumerate() {
        let n = i as i64 + 1;
        let want = if n % 7 == 0 { 1000 + n % 100 } else { n };
        let mut at = &got;
        for part in key.split('.') {
            at = &at[part];
        }
        let want = if t.keys()[*key].kind == nianbao::template::CellKind::Amount {
            Value::from(want.to_string())
        } else {
            Value::from(want)
        };
        assert_eq!(at, &want, "{key}");
    }
}

#[test]
fn render_docx_then_import_gives_back_every_example() {
    let dir = temp_dir("import-round-trip");
    for ex in examples() {
        let stem = ex.file_stem().unwrap().to_string_lossy().into_owned();
        let out = nianbao(&["render", s(&ex), "--docx", "-o", s(&dir.join(""))]);
        assert_eq!(out.status.code(), Some(0), "{stem}: render");
        let docx = dir.join(format!("{stem}.docx"));
        let (code, got, err) = import(&[s(&docx)]);
        assert_eq!(code, 0, "{stem}: {err}");
        let mut got = got.unwrap();
        let orig = read_json(&ex);
        // The DOCX carries the title as printed, one line per line of the title rule (an
        // element longer than a line comes back as its printed lines): the same text.
        let joined = |v: &Value| -> String {
            v["title"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        assert_eq!(joined(&got), joined(&orig), "{stem}: title text");
        got["title"] = orig["title"].clone();
        round_trip_equal(&stem, &orig, &got, &["$schema"]);
        // The imported totals are the computed ones: strict validation passes.
        let back = dir.join(format!("{stem}.back.json"));
        std::fs::write(&back, serde_json::to_vec(&got).unwrap()).unwrap();
        let val = nianbao(&["validate", s(&back)]);
        assert_eq!(
            val.status.code(),
            Some(0),
            "{stem}: {}",
            String::from_utf8_lossy(&val.stderr)
        );
    }
}

#[test]
fn a_folder_converts_in_one_call_and_a_bad_file_does_not_stop_the_rest() {
    let dir = temp_dir("import-folder");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("2019")).unwrap();
    for stem in ["2019_pingtan-caizhengjinrongju", "2019_pingtan-zongheshiyanqu"] {
        std::fs::copy(
            fixture(&format!("html/{stem}.html")),
            input.join(format!("2019/{stem}.html")),
        )
        .unwrap();
    }
    std::fs::copy(fixture("html/2024_pingtan-zongheshiyanqu.html"), input.join("zone.HTM")).unwrap();
    std::fs::write(input.join("news.shtml"), "<html><body><p>新闻</p></body></html>").unwrap();
    std::fs::write(input.join("notes.txt"), "not imported").unwrap();
    let out = dir.join("out");
    let report = dir.join("report.json");
    let (code, _, err) = import(&[s(&input), "-o", s(&out), "--jobs", "2", "--report", s(&report)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("news.shtml: error: no 政府信息公开工作年度报告 tables found"),
        "{err}"
    );
    for rel in [
        "2019/2019_pingtan-caizhengjinrongju.json",
        "2019/2019_pingtan-zongheshiyanqu.json",
        "zone.json",
    ] {
        assert!(out.join(rel).is_file(), "{rel} written");
    }
    assert!(!out.join("news.json").exists(), "nothing written for a failed import");
    let names: Vec<String> = walk(&out);
    assert!(names.iter().all(|n| !n.contains(".nianbao-tmp-")), "{names:?}");
    let r = read_json(&report);
    assert_eq!(
        (r["files"].as_u64(), r["imported"].as_u64(), r["rejected"].as_u64()),
        (Some(4), Some(3), Some(1))
    );
    let want = read_json(&fixture("expected/2024_pingtan-zongheshiyanqu.json"));
    assert_matches("zone.json", &read_json(&out.join("zone.json")), &want);
}

fn walk(d: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(d).unwrap().flatten() {
        if e.path().is_dir() {
            v.extend(walk(&e.path()));
        } else {
            v.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    v
}

#[test]
fn stdin_is_sniffed_as_html_or_docx() {
    use std::process::{Command, Stdio};
    let run_with = |bytes: Vec<u8>, more: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["import", "-", "--year", "2024", "--agency", "某局"])
            .args(more)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        child.wait_with_output().unwrap()
    };
    let run = |bytes: Vec<u8>| run_with(bytes, &[]);
    let out = run(std::fs::read(fixture("docx/template-2021.docx")).unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(std::fs::read(fixture("html/2024_pingtan-zongheshiyanqu.html")).unwrap());
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["year"], 2024);
    let dir = temp_dir("import-stdin");
    let out = run_with(
        std::fs::read(fixture("html/2024_pingtan-zongheshiyanqu.html")).unwrap(),
        &["-o", &format!("{}/", dir.display())],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read_json(&dir.join("stdin.json"))["year"], 2024);
}

#[test]
fn bad_inputs_are_rejected_with_the_reason_and_nothing_is_written() {
    let dir = temp_dir("import-bad");
    let png = dir.join("picture.html");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0").unwrap();
    let news = dir.join("news.html");
    std::fs::write(
        &news,
        "<html><head><title>新闻</title></head><body><table><tr><td>a</td><td>b</td></tr></table></body></html>",
    )
    .unwrap();
    let empty_docx = dir.join("plain.docx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&empty_docx).unwrap());
    z.start_file("word/document.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"#).unwrap();
    z.finish().unwrap();
    for p in [&png, &news, &empty_docx] {
        let out = dir.join("out.json");
        let (code, got, err) = import(&[s(p), "-o", s(&out)]);
        assert_eq!(code, 1, "{}: {err}", p.display());
        assert!(got.is_none());
        assert!(err.contains("no 政府信息公开工作年度报告 tables found"), "{err}");
        assert!(!out.exists());
    }
    // A page whose report is only an attachment says where to look.
    let attached = dir.join("attached.html");
    std::fs::write(
        &attached,
        "<div class=TRS_Editor><p>平潭综合实验区公安局2020年政府信息公开工作年度报告</p></div>\
         <a href=\"./P020240708585830864986.doc\">附件</a>",
    )
    .unwrap();
    let (code, _, err) = import(&[s(&attached)]);
    assert_eq!(code, 1);
    assert!(
        err.contains("tables found; the page links to an attachment (./P020240708585830864986.doc)"),
        "{err}"
    );
    // A table that only shares a heading with table 四 is not a report.
    let lookalike = dir.join("lookalike.html");
    std::fs::write(
        &lookalike,
        "<table><tr><td>行政复议</td><td>行政诉讼</td></tr><tr><td>3</td><td>4</td></tr></table>",
    )
    .unwrap();
    let (code, _, err) = import(&[s(&lookalike)]);
    assert_eq!(code, 1);
    assert!(err.contains("no 政府信息公开工作年度报告 tables found"), "{err}");
    // Machine-readable: one JSON object on stderr.
    let out = nianbao(&["--diagnostics", "json", "import", s(&news)]);
    let line: Value = serde_json::from_slice(&out.stderr).expect("one JSON object");
    assert_eq!(
        (line["rule"].as_str(), line["severity"].as_str()),
        (Some("import"), Some("error"))
    );
    let corrupt = dir.join("corrupt.docx");
    std::fs::write(&corrupt, b"PK\x03\x04 this is not really a zip").unwrap();
    let (code, _, err) = import(&[s(&corrupt)]);
    assert_eq!(code, 1);
    assert!(err.contains("not a readable .docx"), "{err}");
    let encrypted = dir.join("secret.docx");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 504));
    std::fs::write(&encrypted, ole).unwrap();
    let (code, _, err) = import(&[s(&encrypted)]);
    assert_eq!(code, 1);
    assert!(err.contains("encrypted"), "{err}");
    let (code, _, err) = import(&[s(&dir.join("missing.html"))]);
    assert_eq!(code, 2, "{err}");
}
