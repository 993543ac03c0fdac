//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example reports, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// Runs the real binary.
pub fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao")
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Runs an external tool, failing the test with a setup hint when it is missing.
pub fn tool(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{cmd}` is needed by this test ({e}); run `bash .ci/setup` first"))
}

/// Compares text with a golden file; `NIANBAO_BLESS=1` rewrites the golden file instead.
pub fn golden(path: &Path, actual: &str) {
    if std::env::var_os("NIANBAO_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        std::fs::write(path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with NIANBAO_BLESS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  - {a}\n  + {b}", i + 1))
            .collect();
        panic!(
            "{} differs from the layout ({} vs {} lines):\n{}\nrun with NIANBAO_BLESS=1 if the change is intended",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// Every leaf of a JSON object as (dotted path, value); arrays are compared whole.
pub fn leaves(v: &serde_json::Value, prefix: &str, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(x, &p, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// An imported report equals the one it was made from: every value `orig` gives (amounts as
/// strings where the import has them so), except the keys in `skip`, and nothing more than
/// computed totals and zeros for counts `orig` omits.
pub fn round_trip_equal(name: &str, orig: &serde_json::Value, got: &serde_json::Value, skip: &[&str]) {
    use serde_json::Value;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    leaves(orig, "", &mut a);
    leaves(got, "", &mut b);
    for (p, v) in &a {
        if skip.contains(&p.as_str()) {
            continue;
        }
        let g = b.iter().find(|(q, _)| q == p).map(|(_, x)| x.clone());
        let v = match v {
            Value::Number(n) if g.as_ref().is_some_and(Value::is_string) => Value::String(n.to_string()),
            other => other.clone(),
        };
        assert_eq!(g.as_ref(), Some(&v), "{name}: {p}");
    }
    for (p, v) in &b {
        if !a.iter().any(|(q, _)| q == p) {
            assert!(
                p.ends_with(".total") || v.as_i64() == Some(0) || p == "format" || p == "title",
                "{name}: {p} = {v} is not in the original"
            );
        }
    }
}
