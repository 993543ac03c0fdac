//! `nianbao batch` through the real binary: mirrored output paths, broken reports named with
//! exit 1 while the others are written, `--fail-fast`, the `--report` file, `--skip-unchanged`,
//! `--shard`, clean-up of leftover temporaries, a list on standard input, nothing written
//! outside the output folder or over an input, and a batch killed with SIGKILL midway leaving
//! only complete files under final names.
//!
//! Fixtures are made in a temporary folder by copying `examples/*.json` into a nested tree.

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

const EXAMPLES: [&str; 4] = ["zibo-2020", "pingtan-2019", "pingtan-2021", "huaian-2024"];

fn example(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.json"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// An example whose identity I-1 fails (an error without --as-published).
fn identity_failure() -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&example("huaian-2024")).unwrap();
    let n = v["requests"]["new"]["natural"].as_i64().unwrap();
    v["requests"]["new"]["natural"] = (n + 7).into();
    serde_json::to_vec_pretty(&v).unwrap()
}

/// A fresh temporary folder, removed when dropped.
struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        let p = std::env::temp_dir().join(format!("nianbao-batch-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Ran {
    code: i32,
    stderr: String,
}

fn nianbao(args: &[&str], stdin: Option<&[u8]>) -> Ran {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nianbao");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out: Output = child.wait_with_output().unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Every file under a folder, as `/`-separated paths relative to it.
fn files(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// A complete PDF: header at the start, `%%EOF` at the end.
fn assert_complete_pdf(p: &Path) {
    let b = std::fs::read(p).unwrap();
    assert!(b.starts_with(b"%PDF-"), "{} does not start with %PDF", p.display());
    let end = b.trim_ascii_end();
    assert!(end.ends_with(b"%%EOF"), "{} does not end with %%EOF", p.display());
}

/// A complete DOCX: a zip whose central directory reads and that has the main part.
fn assert_complete_docx(p: &Path) {
    let f = std::fs::File::open(p).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap_or_else(|e| panic!("{} is not a valid zip: {e}", p.display()));
    assert!(z.by_name("word/document.xml").is_ok(), "{}", p.display());
}

fn report(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn statuses(rep: &Value) -> Vec<(String, String)> {
    rep["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let input = r["input"].as_str().unwrap().replace('\\', "/");
            (input, r["status"].as_str().unwrap().to_string())
        })
        .collect()
}

/// The examples in a nested tree, plus a JSON syntax error and an identity failure.
fn archive(t: &Tmp) -> PathBuf {
    t.put("in/a/b/zibo-2020.json", &example("zibo-2020"));
    t.put("in/c/pingtan-2019.json", &example("pingtan-2019"));
    t.put("in/c/d/pingtan-2021.json", &example("pingtan-2021"));
    t.put("in/huaian-2024.json", &example("huaian-2024"));
    t.put("in/c/broken.json", b"{\"format\": \"2021\",\n  \"year\": ");
    t.put("in/a/identity.json", &identity_failure());
    t.put("in/a/notes.txt", b"not a report");
    t.put("in/.hidden/x.json", b"{");
    t.0.join("in")
}

#[test]
fn mirrors_paths_names_broken_reports_and_writes_a_report() {
    let t = Tmp::new("mirror");
    let input = archive(&t);
    let before = files(&input);
    let out = t.0.join("out");
    let rep = t.0.join("rep/run.json");
    let r = nianbao(&["batch", s(&input), "-o", s(&out), "--report", s(&rep)], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The broken ones are named with their diagnostics; the others were written.
    let names = |file: &str, what: &str| r.stderr.lines().any(|l| l.contains(file) && l.contains(what));
    assert!(names("broken.json:", ": error[json-syntax]: "), "{}", r.stderr);
    assert!(names("identity.json:", ": error[I-1]: "), "{}", r.stderr);
    // A rejected report's diagnostics show its source line, as `validate` does.
    assert!(r.stderr.contains("2 |   \"year\": \n"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("zibo-2020.json: warning"),
        "warnings only with -v: {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("batch: 6 reports, 4 written, 2 rejected, 0 failed, 0 skipped in"),
        "{}",
        r.stderr
    );
    let written = files(&out);
    let expected: BTreeSet<String> = ["a/b/zibo-2020", "c/pingtan-2019", "c/d/pingtan-2021", "huaian-2024"]
        .iter()
        .flat_map(|s| [format!("{s}.pdf"), format!("{s}.docx")])
        .chain([".nianbao-manifest.json".to_string()])
        .collect();
    assert_eq!(written, expected);
    for f in &written {
        let p = out.join(f);
        match p.extension().and_then(|e| e.to_str()) {
            Some("pdf") => assert_complete_pdf(&p),
            Some("docx") => assert_complete_docx(&p),
            _ => {}
        }
    }
    // Nothing was written beside the inputs; the only other file is the report asked for.
    assert_eq!(files(&input), before);
    assert_eq!(files(&t.0.join("rep")), BTreeSet::from(["run.json".to_string()]));

    let v = report(&rep);
    assert_eq!(v["nianbao"], env!("CARGO_PKG_VERSION"));
    let got = statuses(&v);
    let want: Vec<(String, String)> = [
        ("a/b/zibo-2020.json", "written"),
        ("a/identity.json", "rejected"),
        ("c/broken.json", "rejected"),
        ("c/d/pingtan-2021.json", "written"),
        ("c/pingtan-2019.json", "written"),
        ("huaian-2024.json", "written"),
    ]
    .iter()
    .map(|(p, st)| (format!("{}/{p}", s(&input)), st.to_string()))
    .collect();
    assert_eq!(got, want, "in sorted input order");
    let zibo = &v["reports"][0];
    assert_eq!(zibo["warnings"], 16, "zibo-2020 has 16 null cells");
    assert_eq!(zibo["diagnostics"][0]["rule"], "null-cell");
    assert!(zibo["ms"].as_u64().is_some());
    let outs: Vec<&str> = zibo["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert_eq!(outs.len(), 2);
    assert!(
        outs[0].ends_with("a/b/zibo-2020.pdf") && outs[1].ends_with("a/b/zibo-2020.docx"),
        "{outs:?}"
    );
    let broken = &v["reports"][2];
    assert_eq!(broken["diagnostics"][0]["severity"], "error");
    assert_eq!(broken["diagnostics"][0]["rule"], "json-syntax");
    assert_eq!(broken["outputs"].as_array().unwrap().len(), 0);
    let sum = &v["summary"];
    assert_eq!(
        (&sum["reports"], &sum["written"], &sum["rejected"], &sum["exit_status"]),
        (&6.into(), &4.into(), &2.into(), &1.into())
    );
}

#[test]
fn fail_fast_starts_nothing_after_the_first_failure() {
    let t = Tmp::new("failfast");
    t.put("in/a-broken.json", b"[");
    for i in 0..6 {
        t.put(&format!("in/r{i}.json"), &example("huaian-2024"));
    }
    let out = t.0.join("out");
    let rep = t.0.join("rep.json");
    let input = t.0.join("in");
    let args = ["batch", s(&input), "-o", s(&out), "--pdf", "--jobs", "1"];
    let r = nianbao(&[&args[..], &["--fail-fast", "--report", s(&rep)]].concat(), None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("a-broken.json:") && l.contains(": error[json-syntax]: ")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("6 not started (--fail-fast)"), "{}", r.stderr);
    assert!(!files(&out).iter().any(|f| f.ends_with(".pdf")), "{:?}", files(&out));
    let v = report(&rep);
    let st: Vec<String> = statuses(&v).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        st,
        ["rejected", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped"]
    );
    assert_eq!(v["reports"][1]["reason"], "fail-fast");
    // Without --fail-fast the batch goes on.
    let r = nianbao(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(files(&out).iter().filter(|f| f.ends_with(".pdf")).count(), 6);
}

#[test]
fn skip_unchanged_skips_until_an_input_or_an_option_changes() {
    let t = Tmp::new("skip");
    for (i, name) in EXAMPLES.iter().enumerate() {
        t.put(&format!("in/g{}/{name}.json", i % 2), &example(name));
    }
    let input = t.0.join("in");
    let out = t.0.join("out");
    let rep = t.0.join("rep.json");
    let base = ["batch", s(&input), "-o", s(&out), "--pdf", "--as-published"];
    let r = nianbao(&base, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest: Value = report(&out.join(".nianbao-manifest.json"));
    let entry = &manifest["reports"]["g0/zibo-2020"];
    assert_eq!(entry["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(entry["outputs"][0], "g0/zibo-2020.pdf");
    assert!(entry["fonts"].as_str().is_some_and(|f| f.len() == 16));
    let pdf = out.join("g0/zibo-2020.pdf");
    let mtime = std::fs::metadata(&pdf).unwrap().modified().unwrap();

    let skip = [&base[..], &["--skip-unchanged", "--report", s(&rep)]].concat();
    let r = nianbao(&skip, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("0 written, 0 rejected, 0 failed, 4 skipped"),
        "{}",
        r.stderr
    );
    assert!(statuses(&report(&rep)).iter().all(|(_, st)| st == "skipped"));
    assert_eq!(report(&rep)["reports"][0]["reason"], "unchanged");
    assert_eq!(std::fs::metadata(&pdf).unwrap().modified().unwrap(), mtime);

    // Touch one input: it alone is rendered again.
    let touched = input.join("g1/pingtan-2019.json");
    let f = std::fs::File::options().write(true).open(&touched).unwrap();
    f.set_modified(SystemTime::now()).unwrap();
    drop(f);
    let r = nianbao(&skip, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 written, 0 rejected, 0 failed, 3 skipped"),
        "{}",
        r.stderr
    );
    let st = statuses(&report(&rep));
    let written: Vec<&str> = st
        .iter()
        .filter(|(_, s)| s == "written")
        .map(|(i, _)| i.as_str())
        .collect();
    assert_eq!(written.len(), 1);
    assert!(written[0].ends_with("g1/pingtan-2019.json"), "{written:?}");

    // A deleted output is made again; other options (here plain PDF) render everything.
    std::fs::remove_file(&pdf).unwrap();
    let r = nianbao(&skip, None);
    assert!(
        r.stderr.contains("1 written, 0 rejected, 0 failed, 3 skipped"),
        "{}",
        r.stderr
    );
    assert!(pdf.exists());
    let r = nianbao(&[&skip[..], &["--no-pdfa"]].concat(), None);
    assert!(
        r.stderr.contains("4 written, 0 rejected, 0 failed, 0 skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn shards_partition_the_inputs() {
    let t = Tmp::new("shard");
    let mut all = BTreeSet::new();
    for i in 0..16 {
        let name = EXAMPLES[i % 4];
        t.put(&format!("in/region{}/r{i:05}.json", i % 3), &example(name));
        all.insert(format!("region{}/r{i:05}.docx", i % 3));
    }
    let input = t.0.join("in");
    let mut seen = Vec::new();
    for k in ["1/2", "2/2"] {
        let out = t.0.join(format!("out{}", &k[..1]));
        let r = nianbao(&["batch", s(&input), "-o", s(&out), "--docx", "--shard", k, "-q"], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stderr, "", "--quiet prints nothing on success");
        let docs: BTreeSet<String> = files(&out).into_iter().filter(|f| f.ends_with(".docx")).collect();
        assert!(!docs.is_empty(), "shard {k} is empty");
        assert!(out.join(format!(".nianbao-manifest-{}-of-2.json", &k[..1])).is_file());
        seen.push(docs);
    }
    assert!(seen[0].is_disjoint(&seen[1]), "{seen:?}");
    assert_eq!(&seen[0] | &seen[1], all);
    // The same shard gets the same reports whatever else is in the archive.
    t.put("in/region9/extra.json", &example("zibo-2020"));
    let out = t.0.join("again");
    let r = nianbao(
        &["batch", s(&input), "-o", s(&out), "--docx", "--shard", "1/2", "-q"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs: BTreeSet<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".docx") && !f.starts_with("region9"))
        .collect();
    assert_eq!(docs, seen[0]);
    let r = nianbao(&["batch", s(&input), "-o", s(&out), "--shard", "3/2"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn leftover_temporaries_are_removed_and_stdin_lists_reports() {
    let t = Tmp::new("stdin");
    let a = t.put("x/one/zibo-2020.json", &example("zibo-2020"));
    let b = t.put("y/huaian-2024.json", &example("huaian-2024"));
    t.put("tree/p/pingtan-2021.json", &example("pingtan-2021"));
    let out = t.0.join("out");
    // Leftovers of processes that no longer run (no pid is above 2²² on Linux) are removed;
    // the temporary of a running process (pid 1 always runs: a concurrent run) is spared.
    let stale = [
        ".nianbao-tmp-5000000-zibo-2020.pdf",
        "p/.nianbao-tmp-5000001-pingtan-2021.docx",
    ];
    for f in stale {
        t.put(&format!("out/{f}"), b"partial");
    }
    t.put("out/.nianbao-tmp-1-other.pdf", b"being written");
    let list = format!("{}\n\n{}\r\n{}\n", s(&a), s(&b), s(&t.0.join("tree")));
    let r = nianbao(&["batch", "-", "-o", s(&out), "--docx"], Some(list.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("2 leftover temporary files removed"), "{}", r.stderr);
    let want: BTreeSet<String> = [
        ".nianbao-manifest.json",
        ".nianbao-tmp-1-other.pdf",
        // Listed files keep their paths under the folder holding them all (x/, y/).
        "x/one/zibo-2020.docx",
        "y/huaian-2024.docx",
        "p/pingtan-2021.docx",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(files(&out), want);
}

#[test]
fn never_overwrites_an_input_nor_maps_two_inputs_to_one_output() {
    let t = Tmp::new("overwrite");
    // A report whose output name is itself: refused, the input untouched.
    let odd = t.put("in/r.pdf", &example("zibo-2020"));
    let r = nianbao(&["batch", s(&odd), "-o", s(&t.0.join("in")), "--pdf"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("refusing to overwrite the input"), "{}", r.stderr);
    assert_eq!(std::fs::read(&odd).unwrap(), example("zibo-2020"));
    // Two file inputs with the same stem would write the same outputs: the second fails.
    let a = t.put("a/r.json", &example("zibo-2020"));
    let b = t.put("b/r.json", &example("huaian-2024"));
    let out = t.0.join("out");
    let r = nianbao(&["batch", s(&a), s(&b), "-o", s(&out), "--docx"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("would replace those of"), "{}", r.stderr);
    assert!(r.stderr.contains("1 written, 0 rejected, 1 failed"), "{}", r.stderr);
    // A missing input is named; the others are still written.
    let r = nianbao(
        &["batch", s(&t.0.join("nope.json")), s(&a), "-o", s(&out), "--docx"],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nope.json: error: failed to read"), "{}", r.stderr);
    assert!(out.join("r.docx").is_file());
}

#[test]
fn a_killed_batch_leaves_only_complete_files() {
    let t = Tmp::new("kill");
    for i in 0..48 {
        let name = EXAMPLES[i % 4];
        t.put(
            &format!("in/region{}/county{}/r{i:05}.json", i / 16, i % 4),
            &example(name),
        );
    }
    let input = t.0.join("in");
    let out = t.0.join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["batch", s(&input), "-o", s(&out), "--jobs", "2", "--as-published"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as the first outputs appear, while others are being written.
    let t0 = Instant::now();
    while !files(&out).iter().any(|f| f.ends_with(".pdf") || f.ends_with(".docx")) {
        assert!(t0.elapsed() < Duration::from_secs(60), "no output appeared");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(40));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let after = files(&out);
    let finals: Vec<&String> = after
        .iter()
        .filter(|f| f.ends_with(".pdf") || f.ends_with(".docx"))
        .collect();
    assert!(!finals.is_empty());
    assert!(finals.len() < 96, "the batch finished before it was killed");
    for f in &finals {
        let p = out.join(f);
        if f.ends_with(".pdf") {
            assert_complete_pdf(&p);
        } else {
            assert_complete_docx(&p);
        }
    }
    // The next run removes leftovers and completes the archive.
    let r = nianbao(
        &["batch", s(&input), "-o", s(&out), "--jobs", "2", "--as-published"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = files(&out);
    assert!(!after.iter().any(|f| f.contains(".nianbao-tmp-")), "{after:?}");
    assert_eq!(after.iter().filter(|f| f.ends_with(".pdf")).count(), 48);
    assert_eq!(after.iter().filter(|f| f.ends_with(".docx")).count(), 48);
}

#[test]
fn json_diagnostics_mode_prints_one_object_per_line() {
    let t = Tmp::new("json");
    t.put("in/good.json", &example("pingtan-2021"));
    t.put("in/bad.json", b"{}");
    let out = t.0.join("out");
    let r = nianbao(
        &[
            "--diagnostics",
            "json",
            "batch",
            s(&t.0.join("in")),
            "-o",
            s(&out),
            "--docx",
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert!(lines
        .iter()
        .any(|v| v["file"].as_str().is_some_and(|f| f.ends_with("bad.json")) && v["severity"] == "error"));
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!((&summary["written"], &summary["rejected"]), (&1.into(), &1.into()));
    assert!(out.join("good.docx").is_file());
}

#[test]
fn the_summary_counts_one_report_in_the_singular() {
    let t = Tmp::new("one");
    let input = t.put("in/zibo.json", &example("zibo-2020"));
    let out = t.0.join("out");
    let r = nianbao(&["batch", s(&input), "-o", s(&out), "--docx"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("batch: 1 report, 1 written,"), "{}", r.stderr);
}

#[test]
fn check_validates_everything_in_parallel_and_writes_nothing() {
    let t = Tmp::new("check");
    for (i, name) in EXAMPLES.iter().enumerate() {
        t.put(&format!("arc/r{i}/{name}.json"), &example(name));
    }
    let bad = t.put("arc/r9/broken.json", &identity_failure());
    let before = files(&t.0);
    let r = nianbao(&["batch", "--check", s(&t.0.join("arc")), "--jobs", "2"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let head = format!("{}:", bad.display());
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with(&head) && l.contains(": error[I-1]: ")),
        "{}",
        r.stderr
    );
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("batch --check: 5 reports, 4 valid, 1 rejected, 0 failed in ")
            && last.ends_with("; nothing written"),
        "{last}"
    );
    assert_eq!(files(&t.0), before, "nothing written, not even a manifest");
    // With -o the check still writes nothing (the folder is not even created).
    let out = t.0.join("out");
    let r = nianbao(&["batch", "--check", s(&t.0.join("arc/r0")), "-o", s(&out)], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!out.exists());
    // Two inputs that would write the same outputs are found by the check too (exit 2).
    let twin = t.put("other/zibo-2020.json", &example("zibo-2020"));
    let first = t.0.join("arc/r0/zibo-2020.json");
    let r = nianbao(&["batch", "--check", s(&first), s(&twin)], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("would replace those of"), "{}", r.stderr);
    // The fonts the batch would use are checked too: a private-use character no font has is
    // a warning (shown with -v), and a fonts folder that does not hold the fonts is a font
    // error (exit 2), named as the fonts, not as a report.
    let pua = t.put(
        "pua/r.json",
        &String::from_utf8(example("huaian-2024"))
            .unwrap()
            .replacen("\"agency\": \"", "\"agency\": \"\u{E000}", 1)
            .into_bytes(),
    );
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let r = nianbao(&["batch", "--check", "-v", s(&pua), "--fonts", s(&fonts)], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[missing-glyph]: $.agency"), "{}", r.stderr);
    let r = nianbao(&["batch", "--check", s(&pua), "--fonts", s(&t.0)], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("fonts: error: the bundled fonts folder was not found"),
        "{}",
        r.stderr
    );
    // Options that write are refused with --check; without --check, -o is required.
    assert_eq!(
        nianbao(&["batch", "--check", s(&first), "--report", "r.json"], None).code,
        2
    );
    assert_eq!(nianbao(&["batch", s(&first)], None).code, 2);
}

#[test]
fn a_list_on_standard_input_keeps_its_paths_under_their_common_folder_or_base() {
    let t = Tmp::new("base");
    // The same file name in two folders: flattened to stems they would collide.
    let a = t.put("arc/2021/county-a/report.json", &example("pingtan-2021"));
    let b = t.put("arc/2021/county-b/report.json", &example("huaian-2024"));
    let list = format!("{}\n{}\n", s(&a), s(&b));
    let out = t.0.join("out");
    let r = nianbao(&["batch", "-", "-o", s(&out), "--docx"], Some(list.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want: BTreeSet<String> = [".nianbao-manifest.json", "county-a/report.docx", "county-b/report.docx"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(files(&out), want);
    // --base names them from a higher folder; relative paths in the list work the same.
    let out2 = t.0.join("out2");
    let rel_list = "arc/2021/county-a/report.json\n./arc/2021/county-b/../county-b/report.json\n";
    let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    c.args(["batch", "-", "-o", s(&out2), "--docx", "--base", "arc"])
        .current_dir(&t.0)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(rel_list.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out2.join("2021/county-a/report.docx").is_file());
    assert!(out2.join("2021/county-b/report.docx").is_file());
    // --base applies to files on the command line too; a file outside it fails (exit 2).
    let outside = t.put("elsewhere/zibo-2020.json", &example("zibo-2020"));
    let out3 = t.0.join("out3");
    let r = nianbao(
        &[
            "batch",
            s(&a),
            s(&outside),
            "-o",
            s(&out3),
            "--docx",
            "--base",
            s(&t.0.join("arc")),
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not inside the base folder"), "{}", r.stderr);
    assert!(out3.join("2021/county-a/report.docx").is_file());
}
