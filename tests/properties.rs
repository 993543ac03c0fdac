//! Property tests over generated reports (proptest), through the library and the binary:
//! any valid report renders, its PDF text and its HTML's data cells hold every table number,
//! its HTML parses without errors, computed totals satisfy
//! I-1…I-4, and the same bytes come out twice and at any `--jobs`.
//!
//! The generator is the render fuzz target's (`fuzz/targets.rs`), with prose limited to
//! printable text and table 三 adjusted so that identity I-1 holds.

#[path = "../fuzz/targets.rs"]
#[allow(dead_code)]
mod targets;

mod common;

use nianbao::diag::{has_errors, Diagnostic};
use nianbao::render::{render, RenderOptions};
use nianbao::text::fonts::{FontBook, FontConfig};
use nianbao::validate::Options;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// Prose is drawn from these (the fuzz target covers all of Unicode).
const COMMON: [char; 24] = [
    '政', '府', '信', '息', '公', '开', '工', '作', '年', '度', '报', '告', '本', '机', '关', '申', '请', '办', '理',
    '情', '况', '统', '计', '数',
];

const COLUMNS: [&str; 6] = ["natural", "commercial", "research", "social", "legal", "other"];

fn fonts() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(|| FontBook::load(&FontConfig::default()).expect("bundled fonts"))
}

/// Replaces `null` cells by 0 and every prose character outside printable CJK and ASCII by
/// a CJK ideograph, so that the report is valid whatever the generator drew.
fn tame(v: &mut Value, in_prose: bool) {
    match v {
        Value::Null => *v = json!(0),
        // Up to five digits, as real reports have; a longer number wraps inside a narrow cell
        // of table 四, which pdftotext then reads as two numbers.
        Value::Number(n) if !in_prose => *v = json!(n.as_i64().unwrap_or(0) % 100_000),
        Value::String(s) if in_prose => {
            *s = s
                .chars()
                .map(|c| match c {
                    ' '..='~' | '，' | '。' => c,
                    _ => COMMON[c as usize % COMMON.len()],
                })
                .collect::<String>()
                .replace("**", "");
            if s.trim().is_empty() {
                *s = "无".into();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| tame(x, in_prose)),
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let prose = in_prose || matches!(k.as_str(), "preamble" | "sections" | "agency" | "title" | "heading");
                tame(x, prose);
            }
        }
        _ => {}
    }
}

fn sum_leaves(v: &Value, col: &str) -> i64 {
    match v {
        Value::Object(m) => match m.get(col) {
            Some(Value::Number(n)) if m.values().all(|x| !x.is_object()) => n.as_i64().unwrap_or(0),
            _ => m.values().map(|x| sum_leaves(x, col)).sum(),
        },
        _ => 0,
    }
}

/// A valid report: the generated one, tamed, with 本年新收 set so that I-1 holds per column.
fn valid_report(seed: &[u8]) -> Value {
    let mut r = targets::arbitrary_report(seed);
    tame(&mut r, false);
    let requests = r["requests"].clone();
    for col in COLUMNS {
        let results = sum_leaves(&requests["results"], col);
        let over = requests["carried_over"][col].as_i64().unwrap_or(0);
        let forward = requests["carried_forward"][col].as_i64().unwrap_or(0);
        let new = results + forward - over;
        if new >= 0 {
            r["requests"]["new"][col] = json!(new);
        } else {
            r["requests"]["new"][col] = json!(0);
            r["requests"]["carried_forward"][col] = json!(forward - new);
        }
    }
    r
}

/// Every integer cell the report gives, as printed digits.
fn given_numbers(v: &Value, out: &mut Vec<String>) {
    match v {
        // The sign of a 本年增/减 cell is printed apart from its digits.
        Value::Number(n) => out.push(n.to_string().trim_start_matches('-').to_string()),
        Value::Object(m) => m.values().for_each(|x| given_numbers(x, out)),
        _ => {}
    }
}

fn opts() -> RenderOptions {
    RenderOptions {
        pdf: true,
        docx: true,
        html: Some(nianbao::export::html::HtmlMode::Document),
        check: Options::default(),
        ..Default::default()
    }
}

fn render_bytes(report: &Value) -> (Result<nianbao::render::Rendered, String>, Vec<Diagnostic>) {
    let bytes = serde_json::to_vec_pretty(report).expect("json");
    let mut diags = Vec::new();
    let r = render(&bytes, fonts(), &opts(), &mut diags).map_err(|e| format!("{e:?}"));
    (r, diags)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any valid report validates without an error (so computed totals satisfy I-1…I-4),
    /// renders to both formats, twice to the same bytes, and its PDF text holds every
    /// number of its tables.
    #[test]
    fn any_valid_report_renders_with_every_number(seed in proptest::collection::vec(any::<u8>(), 0..1500)) {
        let report = valid_report(&seed);
        let (out, diags) = render_bytes(&report);
        prop_assert!(!has_errors(&diags), "a valid report was rejected: {diags:#?}\n{report:#}");
        prop_assert!(!diags.iter().any(|d| d.rule.starts_with("I-")), "computed totals break an identity: {diags:#?}");
        let out = out.map_err(TestCaseError::fail)?;
        let again = render_bytes(&report).0.map_err(TestCaseError::fail)?;
        prop_assert!(out.pdf == again.pdf && out.docx == again.docx && out.html == again.html, "two renders differ");

        // The HTML parses without an error, and its data cells hold every number.
        let html = String::from_utf8(out.html.clone().expect("html")).expect("UTF-8");
        let page = scraper::Html::parse_document(&html);
        prop_assert!(page.errors.is_empty(), "HTML parse errors: {:?}", page.errors);
        let td = scraper::Selector::parse("tbody td").expect("selector");
        let mut cells: Vec<String> = page
            .select(&td)
            .map(|c| c.text().collect::<String>().trim_start_matches('-').to_string())
            .collect();
        let mut given = Vec::new();
        for table in ["proactive", "requests", "review_litigation"] {
            given_numbers(&report[table], &mut given);
        }
        for n in &given {
            let at = cells.iter().position(|c| c == n);
            prop_assert!(at.is_some(), "{n} is in no data cell of the HTML");
            cells.remove(at.unwrap());
        }

        let dir = common::temp_dir("prop-pdf");
        let pdf = dir.join("r.pdf");
        std::fs::write(&pdf, out.pdf.as_ref().expect("pdf")).expect("write");
        let text = common::tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
        let text = String::from_utf8_lossy(&text.stdout);
        let mut printed: Vec<&str> = text
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .filter(|t| !t.is_empty())
            .collect();
        let mut numbers = Vec::new();
        for table in ["proactive", "requests", "review_litigation"] {
            given_numbers(&report[table], &mut numbers);
        }
        for n in &numbers {
            let at = printed.iter().position(|p| p == n);
            prop_assert!(at.is_some(), "{n} is not in the PDF text ({}):\n{text}", dir.display());
            printed.remove(at.unwrap());
        }
    }
}

/// The same archive gives the same bytes at `--jobs 1` and `--jobs 2`.
#[test]
fn batch_output_does_not_depend_on_jobs() {
    let dir = common::temp_dir("prop-jobs");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    for i in 0..8u8 {
        let seed: Vec<u8> = (0..600u32)
            .map(|k| (k as u8).wrapping_mul(31).wrapping_add(i * 17))
            .collect();
        let report = valid_report(&seed);
        std::fs::write(
            input.join(format!("r{i}.json")),
            serde_json::to_vec_pretty(&report).unwrap(),
        )
        .unwrap();
    }
    let mut outs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.join(format!("out{jobs}"));
        let o = common::nianbao(&[
            "batch",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--jobs",
            jobs,
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf" || e == "docx"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        assert_eq!(files.len(), 16, "{files:?}");
        outs.push(files);
    }
    assert!(outs[0] == outs[1], "--jobs 1 and --jobs 2 wrote different bytes");
}
