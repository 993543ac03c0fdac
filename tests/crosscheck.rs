//! Cross-checks through the binary: real sentences from the examples and the published
//! Pingtan reports (tests/fixtures/crosscheck/), checked unchanged (no finding) and with one
//! number changed (the finding, with its JSON path and line); year-to-year pairs.

mod common;

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures/crosscheck").join(name)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Validates `text` written to a temporary file, with extra arguments.
fn validate_text(name: &str, text: &str, args: &[&str]) -> std::process::Output {
    let dir = common::temp_dir(&format!("xc-{name}"));
    let file = dir.join(format!("{name}.json"));
    std::fs::write(&file, text).expect("write");
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    all.push(file.to_str().unwrap());
    common::nianbao(&all)
}

#[test]
fn the_examples_and_the_published_reports_have_no_prose_finding() {
    let mut files = common::examples();
    files.push(fixture("2023_pingtan-xingzhengshenpiju.json"));
    for f in std::fs::read_dir(fixture("zone")).unwrap() {
        files.push(f.unwrap().path());
    }
    for f in files {
        let o = common::nianbao(&["validate", "--as-published", f.to_str().unwrap()]);
        let err = stderr(&o);
        let prose: Vec<&str> = err
            .lines()
            .filter(|l| l.contains("[X-") && !l.contains("X-series") && !l.contains("X-in-force"))
            .collect();
        assert!(prose.is_empty(), "{}: {prose:?}", f.display());
        assert!(o.status.success(), "{}: {err}", f.display());
    }
}

/// (file, sentence fragment as published, the same with one number changed, rule expected)
const CHANGED: &[(&str, &str, &str, &str)] = &[
    (
        "examples/huaian-2024.json",
        "受理政府信息公开申请3119件",
        "受理政府信息公开申请3191件",
        "X-received",
    ),
    ("examples/huaian-2024.json", "答复3050件", "答复3005件", "X-answered"),
    (
        "examples/huaian-2024.json",
        "上年度结转申请34件",
        "上年度结转申请43件",
        "X-carried-over",
    ),
    (
        "examples/huaian-2024.json",
        "另有103件顺延",
        "另有130件顺延",
        "X-carried-forward",
    ),
    (
        "examples/huaian-2024.json",
        "行政复议351件",
        "行政复议315件",
        "X-review",
    ),
    (
        "examples/huaian-2024.json",
        "行政诉讼46件",
        "行政诉讼64件",
        "X-litigation",
    ),
    (
        "examples/huaian-2024.json",
        "行政诉讼46件，其中结果维持25件",
        "行政诉讼46件，其中结果维持52件",
        "X-review-result",
    ),
    (
        "examples/huaian-2024.json",
        "新增公开市政府规章1件",
        "新增公开市政府规章2件",
        "X-rules-issued",
    ),
    (
        "examples/pingtan-2021.json",
        "共收到70件申请",
        "共收到71件申请",
        "X-received",
    ),
    ("examples/pingtan-2021.json", "办结69件", "办结66件", "X-answered"),
    (
        "examples/pingtan-2021.json",
        "1件结转下年度",
        "2件结转下年度",
        "X-carried-forward",
    ),
    (
        "examples/zibo-2020.json",
        "共收到 2 件政府信息公开申请",
        "共收到 两 件政府信息公开申请",
        "",
    ),
    (
        "examples/zibo-2020.json",
        "共收到 2 件政府信息公开申请",
        "共收到 十二 件政府信息公开申请",
        "X-received",
    ),
    (
        "tests/fixtures/crosscheck/2023_pingtan-xingzhengshenpiju.json",
        "及时规范答复7件",
        "及时规范答复6件",
        "X-answered",
    ),
    (
        "tests/fixtures/crosscheck/2023_pingtan-xingzhengshenpiju.json",
        "行政诉讼1起",
        "行政诉讼2起",
        "X-litigation",
    ),
    (
        "tests/fixtures/crosscheck/2023_pingtan-xingzhengshenpiju.json",
        "现行有效的规范性文件16件",
        "现行有效的规范性文件18件",
        "X-normative-in-force",
    ),
    (
        "tests/fixtures/crosscheck/2023_pingtan-xingzhengshenpiju.json",
        "制定规范性文件5件",
        "制定规范性文件3件",
        "X-normative-issued",
    ),
    (
        "tests/fixtures/crosscheck/zone/2024_pingtan-zongheshiyanqu.json",
        "制发行政规范性文件62件",
        "制发行政规范性文件26件",
        "X-normative-issued",
    ),
    (
        "tests/fixtures/crosscheck/zone/2024_pingtan-zongheshiyanqu.json",
        "办理政府信息公开申请218件",
        "办理政府信息公开申请281件",
        "X-handled",
    ),
    (
        "tests/fixtures/crosscheck/zone/2025_pingtan-zongheshiyanqu.json",
        "结转至2026年6件",
        "结转至2026年9件",
        "X-carried-forward",
    ),
    (
        "tests/fixtures/crosscheck/zone/2025_pingtan-zongheshiyanqu.json",
        "行政复议36起",
        "行政复议63起",
        "X-review",
    ),
];

#[test]
fn a_changed_number_in_a_real_sentence_is_found() {
    for (i, (file, from, to, rule)) in CHANGED.iter().enumerate() {
        let text = std::fs::read_to_string(common::root().join(file)).unwrap();
        assert!(text.contains(from), "{file} no longer holds 「{from}」");
        let changed = text.replacen(from, to, 1);
        let line = changed[..changed.find(to).unwrap()].matches('\n').count() + 1;
        let o = validate_text(&format!("c{i}"), &changed, &["--as-published"]);
        let err = stderr(&o);
        let found: Vec<&str> = err.lines().filter(|l| l.contains("[X-")).collect();
        if rule.is_empty() {
            assert!(found.is_empty(), "{file} 「{to}」: {found:?}");
            continue;
        }
        assert_eq!(found.len(), 1, "{file} 「{to}」: {err}");
        assert!(
            found[0].contains(&format!("warning[{rule}]")),
            "{file} 「{to}」: {}",
            found[0]
        );
        assert!(
            found[0].contains(&format!(":{line}:")),
            "{file} 「{to}」 is on line {line}: {}",
            found[0]
        );
        assert!(
            found[0].contains("$.sections.") || found[0].contains("$.preamble"),
            "{}",
            found[0]
        );
        assert!(o.status.success(), "a finding is a warning: {err}");
    }
}

#[test]
fn strict_makes_findings_errors_in_json_diagnostics() {
    let text = std::fs::read_to_string(common::root().join("examples/huaian-2024.json")).unwrap();
    let changed = text.replacen("答复3050件", "答复3005件", 1);
    let o = validate_text("strict", &changed, &["--strict", "--diagnostics", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let finding: serde_json::Value = stderr(&o)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["rule"] == "X-answered")
        .expect("an X-answered diagnostic");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["locus"]["kind"], "path");
    assert!(finding["locus"]["line"].as_u64().is_some());
    assert!(finding["message"].as_str().unwrap().contains("= 3050"));
}

fn write_series(dir: &Path, edits: &[(&str, &str, &str)]) {
    for f in std::fs::read_dir(fixture("zone")).unwrap() {
        let f = f.unwrap().path();
        let mut text = std::fs::read_to_string(&f).unwrap();
        for (name, from, to) in edits {
            if f.file_name().unwrap().to_str().unwrap().starts_with(name) {
                text = text.replacen(from, to, 1);
            }
        }
        std::fs::write(dir.join(f.file_name().unwrap()), text).unwrap();
    }
}

#[test]
fn a_series_finds_gaps_in_force_notices_and_broken_carry_over() {
    // As published: 2019, 2024 and 2025 of the zone; 2020–2023 are missing, and 2025's
    // 现行有效 546 is not 2024's 440 + 58 − 45 (a notice).
    let o = common::nianbao(&["check-series", fixture("zone").to_str().unwrap()]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let rules: Vec<&str> = err.lines().filter(|l| l.contains("warning[")).collect();
    assert_eq!(rules.len(), 2, "{err}");
    assert!(rules[0].contains("X-series-gap") && rules[0].contains("2020, 2021, 2022, 2023"));
    assert!(rules[1].contains("X-in-force") && rules[1].contains("= 453"));

    // 2024 carries 3 natural-person applications forward; 2025 carries none over.
    let dir = common::temp_dir("xc-series");
    let fwd = "\"carried_forward\": {\n      \"natural\": 0";
    write_series(&dir, &[("2024", fwd, "\"carried_forward\": {\n      \"natural\": 3")]);
    let text = std::fs::read_to_string(dir.join("2024_pingtan-zongheshiyanqu.json")).unwrap();
    assert!(text.contains("\"natural\": 3"), "the fixture's layout changed");
    let text = text.replacen(
        "\"total\": 0\n    }\n  },\n  \"review_litigation\"",
        "\"total\": 3\n    }\n  },\n  \"review_litigation\"",
        1,
    );
    std::fs::write(dir.join("2024_pingtan-zongheshiyanqu.json"), text).unwrap();
    let o = common::nianbao(&["check-series", "--strict", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // At the key of the cell in the later report: `FILE:LINE:COL: error[X-carry]: CELL: …`.
    assert!(
        err.lines().any(|l| l
            .split_once("2025_pingtan-zongheshiyanqu.json:")
            .and_then(|(_, rest)| rest.split_once(": error[X-carry]: 表三 二、上年结转政府信息公开申请数量 × 自然人: "))
            .is_some_and(|(at, _)| at.split(':').all(|n| n.parse::<usize>().is_ok()) && at.contains(':'))),
        "{err}"
    );

    // validate with several files checks the series too.
    let files: Vec<String> = ["2024", "2025"]
        .iter()
        .map(|y| {
            dir.join(format!("{y}_pingtan-zongheshiyanqu.json"))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let o = common::nianbao(&["validate", "--as-published", &files[0], &files[1]]);
    assert!(stderr(&o).contains("warning[X-carry]"), "{}", stderr(&o));
}

#[test]
fn batch_checks_the_series_of_the_reports_it_renders() {
    let dir = common::temp_dir("xc-batch");
    let report = dir.join("report.json");
    let o = common::nianbao(&[
        "batch",
        fixture("zone").to_str().unwrap(),
        "-o",
        dir.join("out").to_str().unwrap(),
        "--docx",
        "--quiet",
        "-v",
        "--report",
        report.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning[X-series-gap]") && err.contains("warning[X-in-force]"),
        "{err}"
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let rules: Vec<&str> = r["summary"]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["X-series-gap", "X-in-force"]);
}

#[test]
fn import_runs_the_cross_checks_on_published_pages() {
    let page = common::root().join("tests/fixtures/import/html/2025_pingtan-zongheshiyanqu.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let o = common::nianbao(&["import", "--agency", "平潭综合实验区", page.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("[X-"), "the page as published: {}", stderr(&o));
    // The sentence's number sits in its own span, as the CMS chopped it.
    let from = "申请</span><span style=\"text-indent: 2em;\">154";
    assert!(html.contains(from), "the fixture changed");
    let dir = common::temp_dir("xc-import");
    let changed = dir.join("page.html");
    std::fs::write(&changed, html.replacen(from, &from.replace("154", "145"), 1)).unwrap();
    let o = common::nianbao(&["import", "--agency", "平潭综合实验区", changed.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning[X-received]") && err.contains("145") && err.contains("= 154"),
        "{err}"
    );
}
