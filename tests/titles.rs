//! Titles and the sign-off as a typesetter sets them (issue 9), through the binary: title
//! lines never shorter than three characters and never broken inside a word of the jieba
//! segmenter, in the PDF and the DOCX alike.

mod common;
mod docx_support;

use common::*;
use docx_support::{body, part, style_of, unzip, X};
use std::path::{Path, PathBuf};

/// huaian-2024 with `title` (and optionally `agency`, `date`) replaced, written to `dir`.
fn report(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let src = std::fs::read_to_string(root().join("examples/huaian-2024.json")).expect("example");
    let mut v: serde_json::Value = serde_json::from_str(&src).expect("JSON");
    edit(&mut v);
    let p = dir.join(format!("{name}.json"));
    std::fs::write(&p, v.to_string()).expect("write input");
    p
}

fn render(input: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let out = nianbao(&["render", input.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
    (dir.join(format!("{stem}.pdf")), dir.join(format!("{stem}.docx")))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The title lines of page 1 of a PDF: the first text lines, until they make up `title`.
fn pdf_title_lines(pdf: &Path, title: &str) -> Vec<String> {
    let o = tool("pdftotext", &["-raw", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = Vec::new();
    let mut have = String::new();
    for l in text.lines().map(squeeze).filter(|l| !l.is_empty()) {
        if have.len() >= title.len() {
            break;
        }
        have.push_str(&l);
        lines.push(l);
    }
    assert_eq!(have, title, "the PDF's first lines are the title: {lines:?}");
    lines
}

/// The title lines of a DOCX: the runs of its first paragraph (style Title), split at `w:br`.
fn docx_title_lines(docx: &Path) -> Vec<String> {
    let entries = unzip(&std::fs::read(docx).expect("docx"));
    let _ = part(&entries, "word/document.xml");
    let body = body(&entries);
    let p: &X = body.kids("w:p").next().expect("a paragraph");
    assert_eq!(style_of(p).as_deref(), Some("Title"));
    let mut lines = vec![String::new()];
    for r in p.kids("w:r") {
        if r.kid("w:br").is_some() {
            lines.push(String::new());
        }
        lines.last_mut().unwrap().push_str(&r.text());
    }
    lines
}

/// Byte offsets between the words jieba finds in `text` (HMM on, as nianbao cuts).
fn word_bounds(text: &str) -> Vec<usize> {
    static J: std::sync::OnceLock<jieba_rs::Jieba> = std::sync::OnceLock::new();
    J.get_or_init(jieba_rs::Jieba::new)
        .cut(text, true)
        .iter()
        .map(|t| t.byte_end)
        .collect()
}

fn check_lines(what: &str, title: &str, lines: &[String]) {
    assert_eq!(lines.concat(), title, "{what}");
    let bounds = word_bounds(title);
    let mut at = 0;
    for (i, l) in lines.iter().enumerate() {
        assert!(
            l.chars().count() >= 3,
            "{what}: line {} 「{l}」 is shorter than 3 characters: {lines:?}",
            i + 1
        );
        at += l.len();
        if i + 1 < lines.len() {
            assert!(
                bounds.contains(&at),
                "{what}: the break after 「{l}」 is inside a word: {lines:?}"
            );
        }
    }
}

#[test]
fn titles_break_at_words_into_lines_of_three_characters_or_more() {
    let dir = temp_dir("titles");
    // Titles of 10, 20, 30 and 45 characters, real reports' titles, a long agency, 52
    // characters, and 3.
    let cases: [(&str, usize); 10] = [
        ("淮安市财政局年度报告", 1),
        ("淮安市洪泽区人民政府政务公开工作年度报告", 1),
        ("淮安市洪泽区人民政府办公室2024年政府信息公开工作年度报告", 2),
        (
            "江苏省淮安市洪泽区人民政府办公室关于全区政务公开标准化的2024年政府信息公开工作年度报告",
            3,
        ),
        ("2024年上海市科委政府信息公开工作年度报告", 2),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", 2),
        ("淮安市洪泽区人民政府2024年政府信息公开工作年度报告", 2),
        (
            "上海市规划和自然资源局国土空间规划研究中心2024年政府信息公开工作年度报告",
            2,
        ),
        (
            "江苏省淮安市洪泽区人民政府办公室关于全区政务公开标准化规范化建设情况的2024年政府信息公开工作年度报告",
            3,
        ),
        ("国务院", 1),
    ];
    let lengths: Vec<usize> = cases[..4].iter().map(|(t, _)| t.chars().count()).collect();
    assert_eq!(lengths, [10, 20, 30, 45]);
    for (i, (title, n)) in cases.iter().enumerate() {
        let input = report(&dir, &format!("t{i}"), |v| v["title"] = (*title).into());
        let (pdf, docx) = render(&input, &dir);
        let from_pdf = pdf_title_lines(&pdf, title);
        check_lines(&format!("PDF {title}"), title, &from_pdf);
        assert_eq!(from_pdf.len(), *n, "{title}: {from_pdf:?}");
        let from_docx = docx_title_lines(&docx);
        assert_eq!(from_docx, from_pdf, "the DOCX has the PDF's title lines");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lone_characters_are_gone_and_seams_are_preferred() {
    let dir = temp_dir("titles-seams");
    for (title, want) in [
        (
            "2024年上海市科委政府信息公开工作年度报告",
            ["2024年上海市科委", "政府信息公开工作年度报告"],
        ),
        (
            "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
            ["淮安市洪泽区人民政府2024年", "政府信息公开工作年度报告"],
        ),
    ] {
        let input = report(&dir, "seam", |v| v["title"] = title.into());
        let (pdf, _) = render(&input, &dir);
        assert_eq!(pdf_title_lines(&pdf, title), want);
    }
    // The default title (agency and year) is broken by the same rule.
    let input = report(&dir, "default", |v| {
        v.as_object_mut().unwrap().remove("title");
        v["agency"] = "淮安市洪泽区人民政府".into();
    });
    let (pdf, docx) = render(&input, &dir);
    let title = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告";
    assert_eq!(
        pdf_title_lines(&pdf, title),
        ["淮安市洪泽区人民政府2024年", "政府信息公开工作年度报告"]
    );
    assert_eq!(
        docx_title_lines(&docx),
        ["淮安市洪泽区人民政府2024年", "政府信息公开工作年度报告"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_title_array_is_kept_line_for_line() {
    let dir = temp_dir("titles-array");
    let lines = ["淮安市", "人民政府2024年政府信息公开工作年度报告"];
    let input = report(&dir, "array", |v| v["title"] = serde_json::json!(lines));
    let (pdf, docx) = render(&input, &dir);
    assert_eq!(pdf_title_lines(&pdf, &lines.concat()), lines);
    assert_eq!(docx_title_lines(&docx), lines);
    // An element longer than a line is itself broken by the rule.
    let long = [
        "上海市规划和自然资源局国土空间规划研究中心",
        "2024年政府信息公开工作年度报告",
    ];
    let input = report(&dir, "array-long", |v| v["title"] = serde_json::json!(long));
    let (pdf, _) = render(&input, &dir);
    let got = pdf_title_lines(&pdf, &long.concat());
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[2], long[1]);
    check_lines("array", long[0], &got[..2]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The right indent (twips) of a paragraph.
fn right_indent(p: &X) -> i64 {
    p.kid("w:pPr")
        .and_then(|pp| pp.kid("w:ind"))
        .and_then(|i| i.attr("w:right"))
        .expect("right indent")
        .parse()
        .expect("number")
}

/// The text of each page of a PDF, whitespace removed.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let o = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    String::from_utf8_lossy(&o.stdout)
        .split('\u{c}')
        .map(|p| p.to_string())
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// LibreOffice's PDF of a DOCX.
fn soffice_pdf(docx: &Path, dir: &Path) -> PathBuf {
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    let o = tool(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dir.to_str().unwrap(),
            docx.to_str().unwrap(),
        ],
    );
    let pdf = docx.with_extension("pdf");
    assert!(
        pdf.exists(),
        "soffice made no PDF: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    pdf
}

#[test]
fn a_33_character_agency_wraps_at_a_word_and_the_docx_date_stays_whole() {
    let dir = temp_dir("signoff-long");
    let agency = "江苏省淮安市洪泽区人民政府办公室政务公开与信息化建设领导小组办公室";
    assert_eq!(agency.chars().count(), 33);
    let input = report(&dir, "long", |v| {
        v["agency"] = agency.into();
        v["date"] = "2025-01-20".into();
    });
    let (pdf, docx) = render(&input, &dir);
    // DOCX: the agency in lines of at most 26 characters broken between words, each 右空二字
    // (two grid characters, 632 twips), the date 右空四字 (1,263 twips), not 8,370.
    let entries = unzip(&std::fs::read(&docx).expect("docx"));
    let paras: Vec<X> = body(&entries).kids("w:p").cloned().collect();
    let signed: Vec<&X> = paras
        .iter()
        .filter(|p| style_of(p).as_deref() == Some("SignOff"))
        .collect();
    let texts: Vec<String> = signed.iter().map(|p| p.text()).collect();
    assert_eq!(texts.last().map(String::as_str), Some("2025年1月20日"));
    let agency_lines = &texts[..texts.len() - 1];
    assert!(agency_lines.len() >= 2, "{texts:?}");
    check_lines("sign-off", agency, agency_lines);
    assert!(agency_lines.iter().all(|l| l.chars().count() <= 26), "{texts:?}");
    for p in &signed[..signed.len() - 1] {
        assert_eq!(right_indent(p), 632, "agency 右空二字");
    }
    assert_eq!(right_indent(signed[signed.len() - 1]), 1263, "date 右空四字");
    // The PDF has the same lines.
    let pages = pdf_pages(&pdf);
    let last = squeeze(pages.last().unwrap());
    assert!(last.contains(&agency_lines.concat()), "{last}");
    for l in agency_lines {
        assert!(pages.last().unwrap().lines().any(|x| squeeze(x) == *l), "PDF line {l}");
    }
    // LibreOffice sets the date on one line.
    let lo = soffice_pdf(&docx, &dir);
    let lo_pages = pdf_pages(&lo);
    assert!(
        lo_pages.last().unwrap().lines().any(|x| squeeze(x) == "2025年1月20日"),
        "{}",
        lo_pages.last().unwrap()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// huaian-2024 with a sign-off, section 六 holding `n` one-line paragraphs and then a
/// paragraph of three lines: as `n` goes from 0 to 21 the text ends on every line of a page.
fn ending_at(dir: &Path, n: usize) -> PathBuf {
    report(dir, &format!("end{n:02}"), |v| {
        v["date"] = "2025-01-20".into();
        let mut other: Vec<serde_json::Value> = (0..n)
            .map(|i| format!("第{}段填充文字用于移动落款的位置。", i + 1).into())
            .collect();
        other.push("本段为正文的最后一段，共三行。".repeat(5).into());
        v["sections"]["other"] = other.into();
    })
}

/// Lines of a page of `pdftotext -layout` text that are neither the sign-off nor the page
/// number.
fn body_lines_with_signoff(page: &str, agency: &str) -> Option<usize> {
    let lines: Vec<String> = page.lines().map(squeeze).filter(|l| !l.is_empty()).collect();
    if !lines.iter().any(|l| l == "2025年1月20日") {
        return None;
    }
    Some(
        lines
            .iter()
            .filter(|l| *l != agency && *l != "2025年1月20日" && !(l.starts_with('—') && l.ends_with('—')))
            .count(),
    )
}

#[test]
fn the_sign_off_is_never_alone_on_a_page_in_the_pdf() {
    let dir = temp_dir("signoff-pdf");
    let mut positions = std::collections::BTreeSet::new();
    for n in 0..22 {
        let input = ending_at(&dir, n);
        let out = nianbao(&["render", input.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--pdf"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let pages = pdf_pages(&input.with_extension("pdf"));
        let with: Vec<usize> = pages
            .iter()
            .filter_map(|p| body_lines_with_signoff(p, "淮安市人民政府"))
            .collect();
        assert_eq!(with.len(), 1, "n = {n}: one page holds the date");
        assert!(with[0] >= 2, "n = {n}: the sign-off page holds {} body lines", with[0]);
        // Where the sign-off's page starts, to show every position was tried.
        positions.insert((pages.len(), with[0]));
    }
    assert!(positions.len() > 10, "{positions:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sign_off_is_never_alone_on_a_page_in_the_docx_as_libreoffice_sets_it() {
    let dir = temp_dir("signoff-docx");
    let mut docs = Vec::new();
    for n in 0..22 {
        let input = ending_at(&dir, n);
        let out = nianbao(&["render", input.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--docx"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        docs.push(input.with_extension("docx"));
    }
    // One LibreOffice run converts them all.
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    let mut args: Vec<&str> = vec![
        &profile,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        dir.to_str().unwrap(),
    ];
    args.extend(docs.iter().map(|d| d.to_str().unwrap()));
    let o = tool("soffice", &args);
    let mut last_lines = std::collections::BTreeSet::new();
    for (n, d) in docs.iter().enumerate() {
        let pdf = d.with_extension("pdf");
        assert!(
            pdf.exists(),
            "n = {n}: no PDF from soffice: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let pages = pdf_pages(&pdf);
        let with: Vec<usize> = pages
            .iter()
            .filter_map(|p| body_lines_with_signoff(p, "淮安市人民政府"))
            .collect();
        assert_eq!(with.len(), 1, "n = {n}: one page holds the date");
        assert!(
            with[0] >= 2,
            "n = {n}: LibreOffice's sign-off page holds {} body lines",
            with[0]
        );
        last_lines.insert(with[0]);
    }
    assert!(
        last_lines.len() > 10,
        "the text ended on many lines of a page: {last_lines:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
