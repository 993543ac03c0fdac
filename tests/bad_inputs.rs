//! The bad-input corpus (issue 14, B3 and B4), through the real binary: every case with the
//! exit status it must give and the places its diagnostics must name (`rule` and `location`
//! of `--diagnostics json`). The small cases are files in `tests/fixtures/bad/` (made from
//! `tests/fixtures/input/valid-2021.json`); the large ones are generated here.

mod common;

use serde_json::Value;
use std::path::Path;

/// One corpus case: the exit status, and the (rule, location) pairs its errors must include.
struct Case {
    file: &'static str,
    exit: i32,
    errors: &'static [(&'static str, &'static str)],
}

const CORPUS: &[Case] = &[
    Case {
        file: "empty.json",
        exit: 1,
        errors: &[("json-syntax", "input")],
    },
    Case {
        file: "whitespace.json",
        exit: 1,
        errors: &[("json-syntax", "input")],
    },
    Case {
        file: "truncated.json",
        exit: 1,
        errors: &[("json-syntax", "24:28")],
    },
    // Not UTF-8: the first bad byte, and the encoding it looks like in the message.
    Case {
        file: "gb18030.json",
        exit: 1,
        errors: &[("utf8", "4:15")],
    },
    Case {
        file: "utf16le-bom.json",
        exit: 1,
        errors: &[("utf8", "input")],
    },
    Case {
        file: "utf16be.json",
        exit: 1,
        errors: &[("utf8", "input")],
    },
    // Every problem at once.
    Case {
        file: "wrong-types.json",
        exit: 1,
        errors: &[
            ("type", "$.year (3:11)"),
            ("type", "$.agency (4:13)"),
            ("type", "$.sections (9:15)"),
            ("type", "$.requests.new.natural (36:18)"),
        ],
    },
    Case {
        file: "duplicate-keys.json",
        exit: 1,
        errors: &[("duplicate-key", "$.year (4:3)")],
    },
    Case {
        file: "too-large-numbers.json",
        exit: 1,
        errors: &[
            ("range", "$.year (3:11)"),
            ("range", "$.proactive.fees.amount (45:17)"),
            ("range", "$.requests.new.natural (50:18)"),
        ],
    },
    // An agency is text, never a path: valid, and see below for where the outputs go.
    Case {
        file: "agency-dotdot.json",
        exit: 0,
        errors: &[],
    },
    Case {
        file: "agency-slash.json",
        exit: 0,
        errors: &[],
    },
];

fn bad(name: &str) -> std::path::PathBuf {
    common::root().join("tests/fixtures/bad").join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Runs `validate --diagnostics json`; returns the exit status and the error lines.
fn validate(path: &Path) -> (i32, Vec<Value>) {
    let o = common::nianbao(&["--diagnostics", "json", "validate", s(path)]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|v: &Value| v["severity"] == "error")
        .collect();
    (o.status.code().unwrap_or(-1), lines)
}

#[test]
fn every_bad_input_gives_its_exit_status_and_names_its_places() {
    for case in CORPUS {
        let (code, errors) = validate(&bad(case.file));
        assert_eq!(code, case.exit, "{}: {errors:?}", case.file);
        if case.exit == 0 {
            assert!(errors.is_empty(), "{}: {errors:?}", case.file);
        }
        for (rule, location) in case.errors {
            assert!(
                errors.iter().any(|e| e["rule"] == *rule && e["location"] == *location),
                "{}: no {rule} error at {location} in {errors:#?}",
                case.file
            );
        }
        assert!(
            errors.iter().all(|e| e["class"] == "input"),
            "{}: {errors:?}",
            case.file
        );
    }
}

#[test]
fn a_non_utf8_input_says_which_encoding_it_looks_like() {
    for (file, encoding) in [
        ("gb18030.json", "GB18030"),
        ("utf16le-bom.json", "UTF-16LE"),
        ("utf16be.json", "UTF-16BE"),
    ] {
        let (_, errors) = validate(&bad(file));
        let message = errors[0]["message"].as_str().unwrap();
        assert!(message.contains(&format!("looks like {encoding}")), "{file}: {message}");
        assert!(errors[0]["hint"].as_str().unwrap().contains("iconv -f"), "{file}");
    }
}

#[test]
fn an_agency_holding_a_path_never_decides_where_outputs_go() {
    let t = common::temp_dir("bad-agency");
    let out = t.join("out");
    for file in ["agency-dotdot.json", "agency-slash.json"] {
        let o = common::nianbao(&["render", s(&bad(file)), "--docx", "-o", &format!("{}/", s(&out))]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["agency-dotdot.docx", "agency-slash.docx"]);
    assert_eq!(std::fs::read_dir(&t).unwrap().count(), 1, "only out/ was created");
    let _ = std::fs::remove_dir_all(&t);
}

/// valid-2021.json with its preamble replaced.
fn with_preamble(paragraphs: Vec<String>) -> Vec<u8> {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("tests/fixtures/input/valid-2021.json")).unwrap(),
    )
    .unwrap();
    v["preamble"] = paragraphs.into();
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn a_paragraph_of_megabytes_and_thousands_of_paragraphs_are_valid() {
    let t = common::temp_dir("bad-large");
    let huge = t.join("huge-paragraph.json");
    std::fs::write(&huge, with_preamble(vec!["字".repeat(1_500_000)])).unwrap(); // 4.5 MB
    let many = t.join("many-paragraphs.json");
    std::fs::write(&many, with_preamble((0..5000).map(|i| format!("第{i}段。")).collect())).unwrap();
    for p in [&huge, &many] {
        let (code, errors) = validate(p);
        assert_eq!(code, 0, "{}: {errors:?}", p.display());
    }
    let o = common::nianbao(&["render", s(&many), "--docx", "-o", s(&t.join("many.docx"))]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn an_input_over_the_size_limit_is_refused_with_a_clear_error() {
    let t = common::temp_dir("bad-limit");
    let max = nianbao::input::MAX_INPUT_BYTES;
    // Exactly at the limit is read (and is valid JSON); one byte more is refused unread.
    let mut at_limit = with_preamble(vec!["x".into()]);
    at_limit.resize(max, b' ');
    let p = t.join("at-limit.json");
    std::fs::write(&p, &at_limit).unwrap();
    assert_eq!(validate(&p).0, 0);
    at_limit.push(b' ');
    std::fs::write(&p, &at_limit).unwrap();
    let (code, errors) = validate(&p);
    assert_eq!(code, 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["rule"], "too-large");
    assert_eq!(errors[0]["location"], "input");
    assert!(errors[0]["message"].as_str().unwrap().contains("32 MiB"), "{errors:?}");
    let _ = std::fs::remove_dir_all(&t);
}
