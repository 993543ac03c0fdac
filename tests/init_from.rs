//! `nianbao init --from LAST.json` (issue 10 point 2): next year's report begun from last
//! year's, through the binary, from the real examples.

mod common;

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const COLUMNS: [&str; 7] = ["natural", "commercial", "research", "social", "legal", "other", "total"];

fn example(name: &str) -> PathBuf {
    common::root().join("examples").join(name)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `init --from` and returns the report printed (the run must succeed) and stderr.
fn init_from(last: &Path, more: &[&str]) -> (Value, String) {
    let mut args = vec!["init", "--from", last.to_str().unwrap()];
    args.extend_from_slice(more);
    let o = common::nianbao(&args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    let report = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}"));
    (report, stderr(&o))
}

/// The `--diagnostics json` lines of a run: (rule, key or path of the locus).
fn json_rules(o: &Output) -> Vec<(String, String)> {
    stderr(o)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l} ({e})"));
            let place = v["locus"]["key"].as_str().or(v["locus"]["path"].as_str()).unwrap_or("");
            (v["rule"].as_str().unwrap().to_string(), place.to_string())
        })
        .collect()
}

/// `validate` of a report: (exit status, the rules of its diagnostics other than the
/// `empty-section` reminders). Those are checked here: exactly one at each section that the
/// report leaves empty (`[]`, paragraphs not kept and no heading to keep).
fn validate(dir: &Path, report: &Value) -> (i32, Vec<String>) {
    let p = write_json(dir, "next.json", report);
    let o = common::nianbao(&["validate", p.to_str().unwrap(), "--diagnostics", "json"]);
    let all = json_rules(&o);
    let mut reminded: Vec<String> = all
        .iter()
        .filter(|(r, _)| r == "empty-section")
        .map(|(_, p)| p.clone())
        .collect();
    let mut empty: Vec<String> = report["sections"]
        .as_object()
        .expect("sections")
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(|a| a.is_empty()))
        .map(|(k, _)| format!("$.sections.{k}"))
        .collect();
    reminded.sort();
    empty.sort();
    assert_eq!(reminded, empty, "{}", stderr(&o));
    let rules = all
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| r != "empty-section")
        .collect();
    (o.status.code().unwrap(), rules)
}

#[test]
fn carry_over_follows_last_years_carry_forward_per_column() {
    let dir = common::temp_dir("from-carry");
    // 淮安 2024 as published: 103 natural-person applications carried forward, 现行有效 11 and
    // 66. Two more columns are given applications, so that every column is seen to move.
    let mut last = read_json(&example("huaian-2024.json"));
    last["requests"]["carried_forward"]["commercial"] = json!(5);
    last["requests"]["carried_forward"]["legal"] = json!(2);
    last["requests"]["carried_forward"]["total"] = json!(110);
    let last_path = write_json(&dir, "huaian-2024.json", &last);
    let (next, notes) = init_from(&last_path, &[]);
    assert_eq!(notes, "", "nothing to note for a 2021 report followed by a 2021 report");
    assert_eq!(
        (next["format"].as_str(), next["year"].as_i64()),
        (Some("2021"), Some(2025))
    );
    assert_eq!(next["agency"], "淮安市人民政府");
    assert_eq!(
        next["title"],
        json!(["淮安市人民政府", "2025年政府信息公开工作年度报告"])
    );
    assert_eq!(next["date"], "YYYY-MM-DD");
    for col in COLUMNS {
        let carried = &last["requests"]["carried_forward"][col];
        assert_eq!(&next["requests"]["carried_over"][col], carried, "二、上年结转 × {col}");
        // 四 starts equal to 二, so that I-1 holds before the year's figures are entered.
        assert_eq!(&next["requests"]["carried_forward"][col], carried, "四 × {col}");
        assert_eq!(next["requests"]["new"][col], 0);
        assert_eq!(next["requests"]["results"]["total"][col], 0);
    }
    assert_eq!(
        next["proactive"]["rules"],
        json!({"issued": 0, "repealed": 0, "in_force": 11})
    );
    assert_eq!(
        next["proactive"]["normative_documents"],
        json!({"issued": 0, "repealed": 0, "in_force": 66})
    );
    assert_eq!(next["proactive"]["penalty"]["decisions"], 0);
    assert_eq!(next["proactive"]["fees"]["amount"], "0");
    assert_eq!(next["review_litigation"]["review"]["total"], 0);

    // The output validates with the date placeholder as its only warning…
    assert_eq!(validate(&dir, &next), (0, vec!["date-placeholder".to_string()]));
    // …and follows last year's by the rules check-series checks: no finding between the two.
    let series = dir.join("series");
    std::fs::create_dir_all(&series).unwrap();
    write_json(&series, "2024.json", &last);
    let mut dated = next.clone();
    dated["date"] = json!("2026-01-20");
    write_json(&series, "2025.json", &dated);
    let o = common::nianbao(&["check-series", "--strict", series.to_str().unwrap()]);
    assert!(o.status.success() && stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn a_2019_format_report_becomes_a_2021_one_with_a_note_for_each_cell_without_counterpart() {
    let dir = common::temp_dir("from-convert");
    // 淄博 2020 (the 2019 format), with one application carried forward by a law firm.
    let mut last = read_json(&example("zibo-2020.json"));
    last["requests"]["carried_forward"]["legal"] = json!(1);
    last["requests"]["carried_forward"]["total"] = json!(1);
    let last_path = write_json(&dir, "zibo-2020.json", &last);
    let (next, _) = init_from(&last_path, &[]);
    assert_eq!(
        (next["format"].as_str(), next["year"].as_i64()),
        (Some("2021"), Some(2021))
    );
    assert_eq!(next["requests"]["carried_over"]["legal"], 1);
    assert_eq!(next["requests"]["carried_over"]["total"], 1);
    // The 2021 format's cells, not the 2019 format's.
    assert_eq!(next["requests"]["results"]["other"]["unpaid_fees"]["total"], 0);
    assert!(next["proactive"].get("procurement").is_none());
    assert!(next["proactive"]["licensing"].get("previous").is_none());
    assert_eq!(validate(&dir, &next), (0, vec!["date-placeholder".to_string()]));

    let o = common::nianbao(&["init", "--from", last_path.to_str().unwrap(), "--diagnostics", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let mut expected: Vec<(String, String)> = ["rules", "normative_documents"]
        .iter()
        .map(|r| ("no-counterpart".to_string(), format!("proactive.{r}.in_force")))
        .collect();
    for row in ["licensing", "other_services", "penalty", "coercion", "fees"] {
        expected.push(("no-counterpart".into(), format!("proactive.{row}.previous")));
    }
    assert_eq!(json_rules(&o), expected);
    let human = common::nianbao(&["init", "--from", last_path.to_str().unwrap()]);
    let text = stderr(&human);
    assert!(
        text.contains("warning[no-counterpart]: 表二 规章 × 现行有效件数: last year's report, in the 2019 format, has no counterpart"),
        "{text}"
    );
    assert!(text.contains("= help: write the figure for the end of 2021"), "{text}");
}

#[test]
fn an_empty_cell_of_last_year_carries_nothing_and_is_named() {
    let dir = common::temp_dir("from-null");
    let mut last = read_json(&example("huaian-2024.json"));
    last["requests"]["carried_forward"]["natural"] = Value::Null;
    let path = write_json(&dir, "n.json", &last);
    let (next, notes) = init_from(&path, &["--diagnostics", "json"]);
    assert_eq!(next["requests"]["carried_over"]["natural"], 0);
    assert_eq!(next["requests"]["carried_over"]["total"], 0);
    let lines: Vec<Value> = notes.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The empty cell, and the printed total 103 that the new total (computed: 0) cannot follow.
    let rules: Vec<&str> = lines.iter().map(|l| l["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["from-empty-cell", "X-carry"], "{notes}");
    assert_eq!(lines[1]["locus"]["key"], "requests.carried_over.total");
    assert_eq!(lines[0]["locus"]["key"], "requests.carried_over.natural");
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no count follows from last year's 四、结转下年度继续办理 (empty)"),
        "{notes}"
    );
    assert_eq!(validate(&dir, &next), (0, vec!["date-placeholder".to_string()]));
}

#[test]
fn a_2019_format_report_stays_in_its_format_for_2020_and_carries_the_item_counts() {
    let dir = common::temp_dir("from-2019");
    let mut last = read_json(&example("pingtan-2019.json"));
    last["proactive"]["penalty"]["change"] = json!(-18);
    let last_path = write_json(&dir, "pingtan-2019.json", &last);
    let (next, notes) = init_from(&last_path, &[]);
    assert_eq!(notes, "");
    assert_eq!(
        (next["format"].as_str(), next["year"].as_i64()),
        (Some("2019"), Some(2020))
    );
    // 上一年项目数量(2020) = 上一年项目数量(2019) + 本年增/减(2019).
    assert_eq!(
        next["proactive"]["licensing"],
        json!({"previous": 396, "change": 0, "decisions": 0})
    );
    assert_eq!(next["proactive"]["penalty"]["previous"], 2648 - 18);
    assert_eq!(next["proactive"]["fees"], json!({"previous": 35, "change": 0}));
    // The title's year moves on, its lines kept.
    assert_eq!(
        next["title"],
        json!(["平潭综合实验区2020年", "政府信息公开工作年度报告"])
    );
    assert_eq!(validate(&dir, &next), (0, vec!["date-placeholder".to_string()]));
}

#[test]
fn prose_keeps_its_headings_and_its_paragraphs_only_with_keep_prose() {
    let last_path = example("pingtan-2019.json");
    let last = read_json(&last_path);
    let (next, _) = init_from(&last_path, &[]);
    let headings = |blocks: &Value| -> Vec<Value> {
        blocks
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b.is_object())
            .cloned()
            .collect()
    };
    let overview = next["sections"]["overview"].as_array().unwrap();
    assert!(overview.len() >= 4, "{overview:?}");
    assert_eq!(overview, &headings(&last["sections"]["overview"]));
    assert_eq!(overview[0], json!({"heading": "（一）基本情况", "level": 2}));
    assert_eq!(next["sections"]["problems"], json!([]));
    assert_eq!(next["preamble"], json!([]));

    let (kept, _) = init_from(&last_path, &["--keep-prose"]);
    assert_eq!(kept["sections"], last["sections"]);
    assert_eq!(kept["preamble"], last["preamble"]);
    // Bold lead-ins survive as written.
    let huaian = example("huaian-2024.json");
    let (kept, _) = init_from(&huaian, &["--keep-prose"]);
    assert_eq!(kept["sections"], read_json(&huaian)["sections"]);
    // A run-in heading is a heading: kept as one of its level without --keep-prose.
    let (next, _) = init_from(&huaian, &[]);
    let written = read_json(&huaian);
    let run_in: Vec<&Value> = written["sections"]["overview"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b.get("text").is_some())
        .map(|b| &b["heading"])
        .collect();
    assert!(run_in.len() >= 5, "huaian uses run-in headings: {run_in:?}");
    let kept_headings: Vec<&Value> = next["sections"]["overview"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert!(b.get("text").is_none(), "paragraph text kept without --keep-prose: {b}");
            &b["heading"]
        })
        .collect();
    assert_eq!(kept_headings, run_in);

    let o = common::nianbao(&["init", "--keep-prose"]);
    assert_eq!(o.status.code(), Some(2), "--keep-prose needs --from");
    assert!(o.stdout.is_empty());
}

#[test]
fn the_year_defaults_to_the_next_and_may_be_given() {
    let last = example("huaian-2024.json");
    let (next, _) = init_from(&last, &[]);
    assert_eq!(next["year"], 2025);
    // A later year: the report is made, and the missing year is named.
    let (later, notes) = init_from(&last, &["--year", "2027"]);
    assert_eq!(later["year"], 2027);
    assert_eq!(later["title"][1], "2027年政府信息公开工作年度报告");
    assert!(
        notes.contains("warning[X-series-gap]") && notes.contains("no report for 2025, 2026"),
        "{notes}"
    );
    // A year not after last year's is refused, nothing printed.
    for y in ["2024", "2020"] {
        let o = common::nianbao(&["init", "--from", last.to_str().unwrap(), "--year", y]);
        assert_eq!(o.status.code(), Some(2), "{y}");
        assert!(o.stdout.is_empty());
        assert!(
            stderr(&o).contains("is not after the year of last year's report (2024)"),
            "{}",
            stderr(&o)
        );
    }
    // --format overrides the year's format.
    let (old, _) = init_from(&last, &["--format", "2019"]);
    assert_eq!(
        (old["format"].as_str(), old["year"].as_i64()),
        (Some("2019"), Some(2025))
    );
    assert_eq!(old["requests"]["carried_over"]["natural"], 103);
}

#[test]
fn a_title_without_the_year_is_kept_and_noted_and_a_new_agency_name_replaces_the_old() {
    let dir = common::temp_dir("from-title");
    let mut last = read_json(&example("huaian-2024.json"));
    last["title"] = json!("淮安市人民政府政务公开年报");
    let path = write_json(&dir, "t.json", &last);
    let (next, notes) = init_from(&path, &[]);
    assert_eq!(next["title"], "淮安市人民政府政务公开年报");
    assert!(
        notes.contains("warning[title-year]: $.title: last year's title does not name 「2024年」"),
        "{notes}"
    );
    let (renamed, _) = init_from(&example("huaian-2024.json"), &["--agency", "淮安市人民政府办公室"]);
    assert_eq!(renamed["agency"], "淮安市人民政府办公室");
    assert_eq!(
        renamed["title"],
        json!(["淮安市人民政府办公室", "2025年政府信息公开工作年度报告"])
    );
}

#[test]
fn standard_input_is_read_for_a_dash() {
    let bytes = std::fs::read(example("huaian-2024.json")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["init", "--from", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let next: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(next["requests"]["carried_over"]["natural"], 103);
}

#[test]
fn an_invalid_last_report_is_refused_naming_every_place_and_printing_nothing() {
    let dir = common::temp_dir("from-bad");
    let mut last = read_json(&example("huaian-2024.json"));
    last["requests"]["new"]["natual"] = last["requests"]["new"]["natural"].take();
    last["review_litigation"]["review"]["upheld"] = json!("２");
    let path = write_json(&dir, "bad.json", &last);
    let o = common::nianbao(&["init", "--from", path.to_str().unwrap(), "--diagnostics", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let places: Vec<String> = json_rules(&o).into_iter().map(|(_, p)| p).collect();
    for p in ["$.requests.new.natual", "$.review_litigation.review.upheld"] {
        assert!(places.iter().any(|x| x == p), "{p} not named: {}", stderr(&o));
    }
    let human = common::nianbao(&["init", "--from", path.to_str().unwrap()]);
    assert_eq!(human.status.code(), Some(1));
    assert!(human.stdout.is_empty());
    assert!(
        stderr(&human).contains(": error[unknown-field]: $.requests.new.natual"),
        "{}",
        stderr(&human)
    );

    // Not JSON at all; an unreadable file (exit 2).
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"format\": \"2021\",").unwrap();
    let o = common::nianbao(&["init", "--from", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        o.stdout.is_empty() && stderr(&o).contains("broken.json:") && stderr(&o).contains(": error["),
        "{}",
        stderr(&o)
    );
    let o = common::nianbao(&["init", "--from", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty() && stderr(&o).contains("missing.json: error: failed to read"));
}

#[test]
fn the_date_placeholder_warns_until_replaced_and_prints_no_date() {
    let dir = common::temp_dir("from-date");
    let (next, _) = init_from(&example("pingtan-2021.json"), &[]);
    let p = write_json(&dir, "next.json", &next);
    let o = common::nianbao(&["validate", p.to_str().unwrap()]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("warning[date-placeholder]: $.date:"), "{e}");
    let o = common::nianbao(&["validate", "--deny-warnings", p.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the placeholder is a warning --deny-warnings refuses"
    );
    // It renders meanwhile (without a sign-off date).
    let docx = dir.join("next.docx");
    let o = common::nianbao(&["render", p.to_str().unwrap(), "--docx", "-o", docx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(docx.exists());
}
