//! The command line through the real binary: `validate` (files, standard input, several files,
//! exit codes, both diagnostic modes), `init`, `schema` (checked with the Python `jsonschema`
//! package from `.ci/venv`, which `bash .ci/setup` creates) and the bundled examples.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::{assert_contains, fixture, fixture_text, json_lines, root, run, str_field, temp_file, validate, Input};

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Runs `nianbao ARGS` and parses its standard output as JSON (exit 0 required).
fn stdout_json(args: &[&str]) -> Value {
    let r = run(args, None);
    assert_eq!(r.code, 0, "nianbao {args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("nianbao {args:?} prints JSON: {e}"))
}

#[test]
fn every_example_validates() {
    let examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(examples.len(), 4, "{examples:?}");
    for p in &examples {
        let r = run(&["validate", path_str(p)], None);
        assert_eq!(r.code, 0, "{}:\n{}", p.display(), r.stderr);
        assert!(!r.stderr.contains("error["), "{}", r.stderr);
    }
}

#[test]
fn validate_reads_standard_input() {
    let text = support::fixture_text("valid-2021.json");
    let r = run(&["validate", "-"], Some(text.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let bad = support::fixture_text("I-4.json");
    let r = run(&["validate", "-"], Some(bad.as_bytes()));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("<stdin>:38:71: error[I-4]: 表四 行政复议 总计: "),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_file_is_an_operational_failure() {
    let missing = root().join("tests/fixtures/input/no-such-report.json");
    let r = run(&["validate", path_str(&missing)], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_contains(&r.stderr, "no-such-report.json: error: failed to read");
    let r = run(&["validate", "--diagnostics", "json", path_str(&missing)], None);
    assert_eq!(r.code, 2);
    let d = &json_lines(&r.stderr)[0];
    assert_eq!(
        (d["severity"].as_str(), d["rule"].as_str()),
        (Some("error"), Some("io"))
    );
    assert_eq!(d["file"].as_str(), Some(path_str(&missing)));
}

#[test]
fn a_folder_is_searched_for_reports_checked_in_parallel_with_one_summary() {
    // A tree: two good reports (one nested), one rejected, one unreadable (not UTF-8 is
    // rejected; a file that cannot be opened is unreadable), and names that are skipped.
    let dir = std::env::temp_dir().join(format!("nianbao-cli-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let put = |rel: &str, bytes: &[u8]| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    };
    put("a/valid.json", fixture_text("valid-2021.json").as_bytes());
    put("a/b/c/warned.json", fixture_text("null-cell.json").as_bytes());
    let rejected = put("z/I-4.json", fixture_text("I-4.json").as_bytes());
    put(".hidden/skipped.json", b"not json");
    put("a/notes.txt", b"not a report");
    let r = run(&["validate", path_str(&dir)], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Reports found in a folder print only their problems, in path order, then one summary.
    assert_eq!(r.stdout, "", "no ok: lines for reports found in a folder");
    let head = format!("{}:", rejected.display());
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with(&head) && l.contains(": error[I-4]: ")),
        "{}",
        r.stderr
    );
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("validate: 3 reports, 2 ok, 1 rejected, 0 unreadable; 1 warning in "),
        "{last}"
    );
    let warned_at = r.stderr.find("warned.json").unwrap();
    assert!(
        warned_at < r.stderr.find("I-4.json").unwrap(),
        "path order:\n{}",
        r.stderr
    );
    // The same output every time, whatever the threads finish first.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("validate: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for _ in 0..3 {
        assert_eq!(
            strip(&run(&["validate", path_str(&dir)], None).stderr),
            strip(&r.stderr)
        );
    }
    // A file named beside the folder still gets its ok line; -q drops it and the summary.
    let valid = fixture("valid-2021.json");
    let r = run(&["validate", path_str(&valid), path_str(&dir.join("a"))], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("ok: {} (2021 format, 0 warnings)\n", valid.display()));
    assert_contains(
        &r.stderr,
        "validate: 3 reports, 3 ok, 0 rejected, 0 unreadable; 1 warning in ",
    );
    let q = run(&["validate", "-q", path_str(&valid), path_str(&dir.join("a"))], None);
    assert_eq!((q.code, q.stdout.as_str()), (0, ""));
    assert!(!q.stderr.contains("validate: "), "{}", q.stderr);
    // One file alone: no summary line.
    assert!(!run(&["validate", path_str(&valid)], None).stderr.contains("validate: "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn several_files_exit_with_the_worst_code_and_each_is_named() {
    let valid = fixture("valid-2021.json");
    let warned = fixture("null-cell.json");
    let rejected = fixture("I-4.json");
    let missing = fixture("no-such-report.json");
    let code = |files: &[&Path]| {
        let mut args = vec!["validate"];
        args.extend(files.iter().map(|p| path_str(p)));
        run(&args, None)
    };
    assert_eq!(code(&[&valid, &warned]).code, 0);
    let r = code(&[&warned, &rejected, &valid]);
    assert_eq!(r.code, 1);
    assert_contains(&r.stderr, &format!("{}:20:18: warning[null-cell]: ", warned.display()));
    assert_contains(&r.stderr, &format!("{}:38:71: error[I-4]: ", rejected.display()));
    assert_contains(
        &r.stderr,
        &format!("error: 1 error, 0 warnings in {}\n", rejected.display()),
    );
    // A missing file does not stop the others from being checked.
    let r = code(&[&missing, &rejected, &valid]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &format!("{}:38:71: error[I-4]: ", rejected.display()));
    assert_eq!(code(&[&rejected, &missing]).code, 2);
}

#[test]
fn json_diagnostics_are_one_object_per_line_with_every_field() {
    let o = validate(Input::Fixture("every-problem.json"), &[]);
    assert_eq!(o.json.len(), 6, "{}", o.human);
    assert_eq!(o.human.lines().filter(|l| l.contains(": error[")).count(), 6);
    for d in &o.json {
        for field in ["severity", "rule", "message", "hint", "file", "location"] {
            assert!(!str_field(d, field).is_empty(), "empty `{field}` in {d}");
        }
        assert!(str_field(d, "file").ends_with("every-problem.json"), "{d}");
        assert!(d["locus"]["kind"].is_string(), "{d}");
    }
    let path = o.has("error", "range", "$.proactive.licensing.decisions (18:32)");
    let expected =
        serde_json::json!({"kind": "path", "path": "$.proactive.licensing.decisions", "line": 18, "column": 32});
    assert_eq!(path["locus"], expected);
    let cell = o.has("error", "I-4", "表四 行政复议 总计");
    assert_eq!(cell["locus"]["kind"], "cell");
    assert_eq!(cell["locus"]["key"], "review_litigation.review.total");
    assert_eq!(cell["locus"]["table"], "表四");
}

#[test]
fn the_diagnostics_flag_may_stand_before_or_after_the_subcommand() {
    let file = fixture("every-problem.json");
    let before = run(&["--diagnostics", "json", "validate", path_str(&file)], None);
    let after = run(&["validate", path_str(&file), "--diagnostics", "json"], None);
    assert_eq!(before.code, 1);
    assert_eq!(before.stderr, after.stderr);
    assert_eq!(json_lines(&before.stderr).len(), 6);
    let human = run(&["validate", path_str(&file), "--diagnostics", "human"], None);
    assert_eq!(human.stderr, run(&["validate", path_str(&file)], None).stderr);
    assert_eq!(
        run(&["--diagnostics", "xml", "validate", path_str(&file)], None).code,
        2
    );
}

#[test]
fn help_documents_the_exit_codes() {
    for args in [&["--help"][..], &["validate", "--help"]] {
        let r = run(args, None);
        assert_eq!(r.code, 0);
        for line in ["0  success", "1  input rejected", "2  operational failure"] {
            assert_contains(&r.stdout, line);
        }
    }
}

/// The `init` commands tested: both formats, with and without --year and --agency.
const INIT: [&[&str]; 4] = [
    &["init", "--format", "2019"],
    &["init", "--format", "2021"],
    &[
        "init",
        "--format",
        "2019",
        "--year",
        "2019",
        "--agency",
        "某市人民防空办公室",
    ],
    &[
        "init",
        "--format",
        "2021",
        "--year",
        "2023",
        "--agency",
        "某县人民政府办公室",
    ],
];

/// The skeletons `init` prints, with the arguments that produced them.
fn skeletons() -> Vec<(&'static [&'static str], Value)> {
    INIT.iter().map(|a| (*a, stdout_json(a))).collect()
}

/// A skeleton validates as it is; its only diagnostics are the date placeholder and the
/// reminders that its prose sections are still empty (`[]`), one per section, at its key.
#[test]
fn init_skeletons_validate_with_only_the_date_placeholder_and_empty_section_reminders() {
    for (args, skeleton) in skeletons() {
        assert_eq!(skeleton["date"], "YYYY-MM-DD", "{args:?}");
        let sections: Vec<&String> = skeleton["sections"].as_object().expect("sections").keys().collect();
        let check = |text: &str, dated: bool| {
            let o = validate(Input::Stdin(text.as_bytes()), &[]);
            assert_eq!(o.code, 0, "{args:?}:\n{}", o.human);
            let placeholders = o.json.iter().filter(|d| d["rule"] == "date-placeholder").count();
            assert_eq!(placeholders, usize::from(!dated), "{args:?}:\n{}", o.human);
            assert_eq!(o.json.len(), sections.len() + placeholders, "{args:?}:\n{}", o.human);
            for k in &sections {
                o.warns(
                    "empty-section",
                    &format!("$.sections.{k} ({}:{})", line_of(text, k), col_of(text, k)),
                );
            }
        };
        check(&serde_json::to_string_pretty(&skeleton).unwrap(), false);
        // Once the clerk writes the date, only the empty sections are left to say.
        let mut dated = skeleton.clone();
        dated["date"] = serde_json::json!(format!("{}-01-20", skeleton["year"].as_i64().unwrap() + 1));
        check(&serde_json::to_string_pretty(&dated).unwrap(), true);
    }
}

/// The line and column of the value of `"key": ` in `text` (the first one).
fn position_of(text: &str, key: &str) -> (usize, usize) {
    let needle = format!("\"{key}\": ");
    let at = text.find(&needle).expect("key in text") + needle.len();
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().expect("line").chars().count() + 1;
    (line, column)
}

fn line_of(text: &str, key: &str) -> usize {
    position_of(text, key).0
}

fn col_of(text: &str, key: &str) -> usize {
    position_of(text, key).1
}

#[test]
fn init_skeletons_hold_every_template_key() {
    for (args, skeleton) in skeletons() {
        let format = args[2];
        assert_eq!(skeleton["format"], format);
        let keys = support::template_keys(format);
        assert!(keys.len() > 190, "{format}: {} keys", keys.len());
        let missing: Vec<&String> = keys.iter().filter(|k| !support::has_path(&skeleton, k)).collect();
        assert!(missing.is_empty(), "{args:?} lacks {missing:?}");
    }
}

#[test]
fn init_takes_the_year_and_agency() {
    let s = stdout_json(INIT[3]);
    assert_eq!(
        (s["year"].as_i64(), s["agency"].as_str()),
        (Some(2023), Some("某县人民政府办公室"))
    );
    assert_eq!(s["title"][1], "2023年政府信息公开工作年度报告");
    let r = run(&["init", "--format", "2021", "--year", "2007"], None);
    assert_ne!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert_ne!(run(&["init", "--format", "2020"], None).code, 0);
}

/// The Python of `.ci/venv`; fails (never skips) when `bash .ci/setup` has not been run.
fn venv_python() -> PathBuf {
    let python = root().join(".ci/venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run bash .ci/setup (it installs jsonschema for the schema tests)",
        python.display()
    );
    python
}

/// Runs `tests/tools/check_schema.py SCHEMA FILES...`; returns (exit code, stdout).
fn check_schema(files: &[PathBuf]) -> (i32, String) {
    let schema = temp_file("schema.json", &run(&["schema"], None).stdout);
    let out = std::process::Command::new(venv_python())
        .arg(root().join("tests/tools/check_schema.py"))
        .arg(&schema)
        .args(files)
        .output()
        .expect("run check_schema.py");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "check_schema.py: {stderr}");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
    )
}

#[test]
fn schema_is_draft_2020_12_json() {
    let s = stdout_json(&["schema"]);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["type"], "object");
    assert_eq!(s["additionalProperties"], false);
}

#[test]
fn schema_accepts_the_examples_the_skeletons_and_the_clean_fixtures() {
    let mut files: Vec<PathBuf> = ["huaian-2024", "pingtan-2019", "pingtan-2021", "zibo-2020"]
        .iter()
        .map(|n| root().join(format!("examples/{n}.json")))
        .collect();
    for (i, (_, skeleton)) in skeletons().iter().enumerate() {
        files.push(temp_file(&format!("skeleton-{i}.json"), &skeleton.to_string()));
    }
    files.extend(["valid-2019.json", "valid-2021.json", "null-cell.json"].map(fixture));
    let (code, out) = check_schema(&files);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.ends_with(": valid")).count(),
        files.len(),
        "{out}"
    );
}

#[test]
fn schema_rejects_unknown_fields_wrong_types_and_the_other_formats_keys() {
    let cases = [
        (
            "unknown-field.json",
            "$.requests.carried_over: Additional properties are not allowed ('comercial'",
        ),
        ("type.json", "$.proactive.licensing.decisions: '4472' is not of type"),
        (
            "wrong-format-field.json",
            "$.proactive: Additional properties are not allowed ('other_services'",
        ),
        (
            "range.json",
            "$.proactive.penalty.decisions: -398 is less than the minimum of 0",
        ),
    ];
    for (name, error) in cases {
        let (code, out) = check_schema(&[fixture(name)]);
        assert_eq!(code, 1, "{name}: {out}");
        assert_contains(&out, error);
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every property declared under `properties` (except the conditions of `if`), as
/// (JSON pointer, its schema).
fn declared_properties<'v>(schema: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
    match schema {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "properties" {
                    for (name, p) in v.as_object().expect("properties is an object") {
                        out.push((format!("{at}/properties/{name}"), p));
                    }
                }
                if k != "if" {
                    declared_properties(v, format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| declared_properties(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_schema_property_has_a_chinese_description() {
    let schema = stdout_json(&["schema"]);
    let mut props = Vec::new();
    declared_properties(&schema, String::new(), &mut props);
    let leaves = props.iter().filter(|(_, p)| p.get("properties").is_none()).count();
    // Both formats' cells (二, 三, 四) plus the top-level fields.
    assert!(leaves > 400, "only {leaves} leaf properties found");
    let bad: Vec<&String> = props
        .iter()
        .filter(|(_, p)| !p["description"].as_str().is_some_and(has_cjk))
        .map(|(at, _)| at)
        .collect();
    assert!(bad.is_empty(), "without a Chinese description: {bad:?}");
    let cell = &schema["else"]["properties"]["requests"]["properties"]["results"]["properties"]["total"]["properties"];
    assert_contains(
        cell["natural"]["description"].as_str().unwrap(),
        "表三 （七）总计 × 自然人",
    );
}

#[test]
fn validate_says_ok_and_deny_warnings_turns_warnings_into_status_1() {
    let clean = support::fixture_text("valid-2021.json");
    let r = run(&["validate", "-"], Some(clean.as_bytes()));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "ok: <stdin> (2021 format, 0 warnings)\n")
    );
    let warned = support::fixture_text("null-cell.json");
    let r = run(&["validate", "-"], Some(warned.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("ok: <stdin> (") && r.stdout.contains(" warning"),
        "{}",
        r.stdout
    );
    let r = run(&["validate", "--deny-warnings", "-"], Some(warned.as_bytes()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no ok line for a denied warning: {}", r.stdout);
    let r = run(&["validate", "--deny-warnings", "-"], Some(clean.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn init_defaults_its_format_by_year() {
    assert_eq!(stdout_json(&["init", "--year", "2020"])["format"], "2019");
    assert_eq!(stdout_json(&["init", "--year", "2024"])["format"], "2021");
    assert_eq!(stdout_json(&["init"])["format"], "2021");
}
