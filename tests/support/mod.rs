//! Helpers for the input-contract tests (`cli.rs`, `rules.rs`, `templates.rs`): run the real
//! binary on fixtures or standard input, and read its diagnostics in both output modes.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `tests/fixtures/input/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/input").join(name)
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// A fixture with some texts replaced; each `from` must occur exactly once, so that a fixture
/// edit that breaks the variant fails loudly instead of silently testing the original.
pub fn variant(name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = fixture_text(name);
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {name}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the real binary with `args`, feeding `stdin` (empty when None).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nianbao");
    let mut pipe = child.stdin.take().expect("stdin");
    // A run that does not read its standard input may close it early: that is not a failure.
    let _ = pipe.write_all(stdin.unwrap_or_default());
    drop(pipe);
    let out = child.wait_with_output().expect("wait for nianbao");
    Run {
        code: out.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The diagnostics of one input, read in both modes: `human` is the plain stderr, `json` the
/// parsed objects of `--diagnostics json`.
pub struct Outcome {
    pub code: i32,
    pub human: String,
    pub json: Vec<Value>,
}

/// Where `nianbao validate` reads its input from.
pub enum Input<'a> {
    /// A fixture file name.
    Fixture(&'a str),
    /// Bytes fed to `nianbao validate -`.
    Stdin(&'a [u8]),
}

/// Validates one input twice (human and JSON diagnostics) with the extra `flags`, checking
/// that both runs agree on the exit code.
pub fn validate(input: Input, flags: &[&str]) -> Outcome {
    let path;
    let (file, stdin) = match input {
        Input::Fixture(name) => {
            path = fixture(name).display().to_string();
            (path.as_str(), None)
        }
        Input::Stdin(bytes) => ("-", Some(bytes)),
    };
    let mut args = vec!["validate", file];
    args.extend_from_slice(flags);
    let human = run(&args, stdin);
    args.extend_from_slice(&["--diagnostics", "json"]);
    let json = run(&args, stdin);
    assert_eq!(
        human.code, json.code,
        "both diagnostic modes exit alike:\n{}",
        human.stderr
    );
    Outcome {
        code: human.code,
        human: human.stderr,
        json: json_lines(&json.stderr),
    }
}

pub fn validate_fixture(name: &str) -> Outcome {
    validate(Input::Fixture(name), &[])
}

pub fn validate_text(text: &str) -> Outcome {
    validate(Input::Stdin(text.as_bytes()), &[])
}

/// Parses `--diagnostics json` output: one JSON object per line, nothing else.
pub fn json_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {l}"));
            assert!(v.is_object(), "not an object: {l}");
            v
        })
        .collect()
}

pub fn str_field<'v>(d: &'v Value, name: &str) -> &'v str {
    d[name]
        .as_str()
        .unwrap_or_else(|| panic!("diagnostic without string `{name}`: {d}"))
}

impl Outcome {
    /// Asserts the exit code, showing the diagnostics when it differs.
    pub fn exits(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code; stderr:\n{}", self.human);
        self
    }

    /// Asserts exit 0 and no diagnostic at all.
    pub fn clean(&self) -> &Self {
        assert!(self.human.is_empty(), "expected no diagnostics, got:\n{}", self.human);
        assert!(self.json.is_empty());
        self.exits(0)
    }

    /// The rule ids reported, with severity, as `error[rule]`.
    pub fn rules(&self) -> BTreeSet<String> {
        self.json
            .iter()
            .map(|d| format!("{}[{}]", str_field(d, "severity"), str_field(d, "rule")))
            .collect()
    }

    /// Asserts that a diagnostic `severity[rule]` is reported at `location` (its JSON
    /// `location`: `$.path (line:col)`, `line:col`, a printed cell, `input`) in both modes,
    /// and returns its JSON object. The human line is `FILE:LINE:COL: severity[rule]: WHERE: …`
    /// (`FILE: …` without a position; WHERE the JSON path or printed cell, when there is one).
    pub fn has(&self, severity: &str, rule: &str, location: &str) -> &Value {
        let d = self
            .json
            .iter()
            .find(|d| {
                str_field(d, "severity") == severity
                    && str_field(d, "rule") == rule
                    && str_field(d, "location") == location
            })
            .unwrap_or_else(|| panic!("no JSON diagnostic {severity}[{rule}] at {location}:\n{}", self.human));
        let head = human_head(d);
        assert!(
            self.human.lines().any(|l| l.contains(&head)),
            "no `{head}` in stderr:\n{}",
            self.human
        );
        d
    }

    /// Asserts an error `rule` at `location` and exit 1; returns the diagnostic.
    pub fn rejects(&self, rule: &str, location: &str) -> &Value {
        self.exits(1);
        self.has("error", rule, location)
    }

    /// Asserts a warning `rule` at `location` and exit 0; returns the diagnostic.
    pub fn warns(&self, rule: &str, location: &str) -> &Value {
        self.exits(0);
        self.has("warning", rule, location)
    }

    /// Asserts that no diagnostic of `rule` is reported.
    pub fn lacks(&self, rule: &str) -> &Self {
        assert!(
            self.json.iter().all(|d| str_field(d, "rule") != rule),
            "unexpected {rule}:\n{}",
            self.human
        );
        self
    }
}

/// The human header a JSON diagnostic is printed with, from `:LINE:COL: ` (or `: `) on:
/// `:12:7: error[I-2]: 表三 … × 总计: `, `:24:24: error[type]: $.requests.new.natural (表三 … × 自然人): `.
pub fn human_head(d: &Value) -> String {
    let at = match (d["line"].as_u64(), d["column"].as_u64()) {
        (Some(l), Some(c)) => format!(":{l}:{c}: "),
        _ => ": ".to_string(),
    };
    let place = match d["locus"]["kind"].as_str() {
        Some("path") => match d["cell"].as_str() {
            Some(cell) => format!("{} ({cell}): ", str_field(d, "json_path")),
            None => format!("{}: ", str_field(d, "json_path")),
        },
        Some("cell") => format!("{}: ", str_field(d, "cell")),
        _ => String::new(),
    };
    format!("{at}{}[{}]: {place}", str_field(d, "severity"), str_field(d, "rule"))
}

/// Asserts that `text` contains `part`, showing `text` otherwise.
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "expected `{part}` in:\n{text}");
}

/// Every `"key"` value in a template file, found by walking its JSON (independently of the
/// library's own template reader).
pub fn template_keys(format: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join(format!("templates/{format}.json"))).expect("template");
    let v: Value = serde_json::from_str(&text).expect("template JSON");
    let mut keys = BTreeSet::new();
    collect_strings(&v, "key", &mut keys);
    keys
}

/// Every string value of the members named `name`, anywhere in `v`.
pub fn collect_strings(v: &Value, name: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match x {
                    Value::String(s) if k == name => {
                        out.insert(s.clone());
                    }
                    _ => collect_strings(x, name, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, name, out)),
        _ => {}
    }
}

/// Whether the value has `path` (dot-separated member names) as nested objects.
pub fn has_path(v: &Value, path: &str) -> bool {
    path.split('.').try_fold(v, |node, p| node.get(p)).is_some()
}

/// Writes `text` to a fresh file under the cargo test temp folder and returns its path; the
/// name is made unique, so that tests running in parallel never share a file.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nianbao-input-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write temp file");
    path
}
