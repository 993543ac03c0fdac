//! Regression tests for issue 14 part A (items 2–8), through the real binary: an interrupted
//! batch keeps its `--skip-unchanged` state (kill -9) or stops cleanly (SIGINT, exit 130);
//! `--report` temporaries do not leak; special output paths (`/dev/stdout`, a FIFO, an
//! extension that contradicts the format); a closed standard output; reachable panics; and
//! the class of every failure under `--diagnostics json`.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const EXAMPLES: [&str; 4] = ["zibo-2020", "pingtan-2019", "pingtan-2021", "huaian-2024"];

/// Above Linux's largest possible pid (2²²): no process has it.
const DEAD_PID: u32 = 5_000_000;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_nianbao")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("examples").join(format!("{name}.json"))).expect("example")
}

/// `n` reports in a nested tree under `dir/in`.
fn archive(dir: &Path, n: usize) -> PathBuf {
    for i in 0..n {
        let p = dir.join(format!("in/region{}/r{i:05}.json", i % 4));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, example(EXAMPLES[i % 4])).unwrap();
    }
    dir.join("in")
}

/// Every file under a folder, `/`-separated and relative to it.
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
                out.insert(p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// Reports whose PDF and DOCX are both under their final names.
fn complete_reports(out: &Path) -> usize {
    let all = files(out);
    all.iter()
        .filter_map(|f| f.strip_suffix(".pdf"))
        .filter(|stem| all.contains(&format!("{stem}.docx")))
        .count()
}

fn spawn_batch(args: &[&str]) -> Child {
    Command::new(bin())
        .arg("batch")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nianbao")
}

/// Waits until at least `n` outputs (PDF or DOCX) are under their final names.
fn wait_for_outputs(out: &Path, n: usize) {
    let t0 = Instant::now();
    while files(out)
        .iter()
        .filter(|f| f.ends_with(".pdf") || f.ends_with(".docx"))
        .count()
        < n
    {
        assert!(t0.elapsed() < Duration::from_secs(120), "no output appeared");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON lines of standard error.
fn json_lines(o: &Output) -> Vec<Value> {
    stderr(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn report(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn skipped_unchanged(rep: &Value) -> usize {
    rep["reports"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "skipped" && r["reason"] == "unchanged")
        .count()
}

// ---- A2: an interrupted batch keeps its --skip-unchanged state ----

#[test]
fn a_batch_killed_with_sigkill_keeps_what_it_finished_for_skip_unchanged() {
    let t = common::temp_dir("harden-kill9");
    let input = archive(&t, 48);
    let out = t.join("out");
    let mut child = spawn_batch(&[s(&input), "-o", s(&out), "--jobs", "2", "--skip-unchanged"]);
    wait_for_outputs(&out, 12);
    child.kill().unwrap(); // SIGKILL: no chance to write the manifest
    child.wait().unwrap();
    let done = complete_reports(&out);
    assert!(done < 48, "the batch finished before it was killed");
    assert!(
        out.join(".nianbao-manifest.journal").is_file(),
        "no journal: {:?}",
        files(&out)
    );
    let rep = t.join("run.json");
    let o = common::nianbao(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--jobs",
        "2",
        "--skip-unchanged",
        "--report",
        s(&rep),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let skipped = skipped_unchanged(&report(&rep));
    // Every report finished before the kill is skipped, except those (at most one a worker)
    // whose outputs were in place but not yet in the journal.
    assert!(
        skipped <= done && skipped + 2 >= done && skipped > 0,
        "{skipped} skipped of {done} done"
    );
    assert_eq!(
        report(&rep)["summary"]["written"].as_u64().unwrap() as usize,
        48 - skipped
    );
    // The journal was compacted into the manifest.
    let after = files(&out);
    assert!(after.contains(".nianbao-manifest.json"), "{after:?}");
    assert!(!after.contains(".nianbao-manifest.journal"), "{after:?}");
    assert!(!after.iter().any(|f| f.contains(".nianbao-tmp-")), "{after:?}");
    let o = common::nianbao(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--skip-unchanged",
        "--report",
        s(&rep),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(skipped_unchanged(&report(&rep)), 48);
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn sigint_stops_a_batch_cleanly_with_status_130() {
    let t = common::temp_dir("harden-sigint");
    let input = archive(&t, 64);
    let out = t.join("out");
    let rep_dir = t.join("reports");
    let rep = rep_dir.join("run.json");
    let child = spawn_batch(&[
        s(&input),
        "-o",
        s(&out),
        "--jobs",
        "2",
        "--skip-unchanged",
        "--report",
        s(&rep),
    ]);
    wait_for_outputs(&out, 4);
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 130, "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted by SIGINT"), "{}", stderr(&o));
    // The report is written, with the interrupted state: every report is in it, the ones
    // never started as skipped with reason "interrupted".
    let r = report(&rep);
    assert_eq!(r["summary"]["interrupted"], true, "{r}");
    assert_eq!(r["summary"]["exit_status"], 130);
    let records = r["reports"].as_array().unwrap();
    assert_eq!(records.len(), 64);
    let written = records.iter().filter(|x| x["status"] == "written").count();
    let interrupted = records.iter().filter(|x| x["reason"] == "interrupted").count();
    assert!(
        written > 0 && interrupted > 0,
        "{written} written, {interrupted} interrupted"
    );
    assert_eq!(written + interrupted, 64);
    assert_eq!(r["summary"]["not_started"].as_u64().unwrap() as usize, interrupted);
    // Every written report is complete; nothing half-written, no temporary, no journal.
    assert_eq!(complete_reports(&out), written);
    for d in [&out, &rep_dir] {
        assert!(!files(d).iter().any(|f| f.contains(".nianbao-tmp-")), "{:?}", files(d));
    }
    assert!(!out.join(".nianbao-manifest.journal").exists());
    // The manifest holds what was written: a rerun skips exactly those.
    let o = common::nianbao(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--skip-unchanged",
        "--report",
        s(&rep),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(skipped_unchanged(&report(&rep)), written);
    let _ = std::fs::remove_dir_all(&t);
}

// ---- A3: --report temporaries do not leak ----

#[test]
fn leftover_report_temporaries_of_dead_runs_are_removed_and_live_ones_spared() {
    let t = common::temp_dir("harden-reptmp");
    let input = archive(&t, 1);
    let rep_dir = t.join("elsewhere");
    std::fs::create_dir_all(&rep_dir).unwrap();
    let dead = rep_dir.join(format!(".nianbao-tmp-{DEAD_PID}-run.json"));
    let live = rep_dir.join(".nianbao-tmp-1-run.json"); // pid 1 runs: a concurrent run's
    let other = rep_dir.join(format!(".nianbao-tmp-{DEAD_PID}-other.json")); // not ours
    for p in [&dead, &live, &other] {
        std::fs::write(p, b"{\"partial").unwrap();
    }
    let rep = rep_dir.join("run.json");
    let o = common::nianbao(&[
        "batch",
        s(&input),
        "-o",
        s(&t.join("out")),
        "--docx",
        "--report",
        s(&rep),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!dead.exists(), "the dead run's temporary leaked");
    assert!(live.exists() && other.exists());
    assert_eq!(report(&rep)["summary"]["temporaries_removed"], 1);
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn render_removes_the_leftover_temporaries_of_its_output() {
    let t = common::temp_dir("harden-rendertmp");
    let dead = t.join(format!(".nianbao-tmp-{DEAD_PID}-r.docx"));
    let live = t.join(".nianbao-tmp-1-r.docx");
    for p in [&dead, &live] {
        std::fs::write(p, b"partial").unwrap();
    }
    let o = common::nianbao(&["render", &zibo(), "--docx", "-o", s(&t.join("r.docx"))]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!dead.exists() && live.exists() && t.join("r.docx").is_file());
    let _ = std::fs::remove_dir_all(&t);
}

// ---- A4: special output paths ----

fn zibo() -> String {
    s(&common::root().join("examples/zibo-2020.json")).to_string()
}

#[test]
fn dev_stdout_is_written_to_not_replaced() {
    let o = common::nianbao(&["render", &zibo(), "-o", "/dev/stdout", "--pdf"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(o.stdout.starts_with(b"%PDF-"), "{} bytes on stdout", o.stdout.len());
    assert!(!Path::new("/dev/stdout.pdf").exists());
    // Two formats cannot share one stream.
    let o = common::nianbao(&["render", &zibo(), "-o", "/dev/stdout"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("takes one format"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn a_named_pipe_is_written_into_not_replaced() {
    let t = common::temp_dir("harden-fifo");
    let fifo = t.join("out.pdf");
    assert!(common::tool("mkfifo", &[s(&fifo)]).status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            std::fs::File::open(&fifo).unwrap().read_to_end(&mut buf).unwrap();
            buf
        })
    };
    // The format comes from the extension, as for a file.
    let o = common::nianbao(&["render", &zibo(), "-o", s(&fifo)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let got = reader.join().unwrap();
    assert!(got.starts_with(b"%PDF-"), "{} bytes through the pipe", got.len());
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(!t.join("out.docx").exists());
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn an_extension_that_contradicts_the_format_is_an_argument_error() {
    let t = common::temp_dir("harden-ext");
    for (name, flag) in [("x.docx", "--pdf"), ("y.pdf", "--docx")] {
        let o = common::nianbao(&["--diagnostics", "json", "render", &zibo(), "-o", s(&t.join(name)), flag]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        let lines = json_lines(&o);
        let last = lines.last().unwrap();
        assert_eq!(last["class"], "argument", "{last}");
        assert!(last["message"].as_str().unwrap().contains(name), "{last}");
    }
    // An empty -o is no path (it used to write `.pdf` in the working folder).
    let o = common::nianbao(&["render", &zibo(), "-o", ""]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(files(&t), BTreeSet::new(), "nothing may be written");
    let _ = std::fs::remove_dir_all(&t);
}

// ---- A5: a closed standard output ----

/// Runs with standard output a pipe whose reader is gone before anything is written.
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_standard_output_ends_quietly_with_status_0() {
    // The schema (about 200 KB) and a PDF are larger than a pipe's buffer: the write fails.
    let zibo = zibo();
    for args in [
        vec!["schema"],
        vec!["init", "--format", "2021"],
        vec!["render", zibo.as_str(), "--pdf", "-o", "-"],
        vec!["render", zibo.as_str(), "--pdf", "-o", "/dev/stdout"],
    ] {
        let o = with_closed_stdout(&args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
}

// ---- A7: reachable panics ----

#[test]
fn a_huge_jobs_count_runs_with_the_threads_the_system_gives() {
    let t = common::temp_dir("harden-jobs");
    std::fs::create_dir_all(t.join("in")).unwrap();
    for i in 0..100 {
        std::fs::write(t.join(format!("in/r{i:03}.json")), b"{}").unwrap();
    }
    // As an unprivileged user limited to 20 processes (threads count), the system refuses
    // most of the 100 worker threads asked for; the batch goes on with those it got.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&t, std::fs::Permissions::from_mode(0o777)).unwrap();
    let cmd = format!(
        "ulimit -u 20 && exec '{}' batch '{}' -o '{}' --docx --jobs 100000000",
        bin(),
        s(&t.join("in")),
        s(&t.join("out"))
    );
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", &cmd])
        .output()
        .expect("setpriv (util-linux) is needed by this test");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("100 reports, 0 written, 100 rejected"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn a_pdf_with_an_empty_font_book_is_a_font_error_not_a_panic() {
    use nianbao::render::{render, RenderError, RenderOptions};
    let opts = RenderOptions {
        pdf: true,
        ..Default::default()
    };
    let mut diags = Vec::new();
    let r = render(
        &example("zibo-2020"),
        &nianbao::text::fonts::FontBook::empty(),
        &opts,
        &mut diags,
    );
    match r {
        Err(RenderError::Failed(e)) => assert_eq!(e.class, nianbao::error::Class::Font, "{e}"),
        other => panic!("expected a font error, got {:?}", other.map(|o| o.pages)),
    }
}

#[test]
fn the_place_of_an_unknown_key_is_its_json_path() {
    let t = nianbao::template::Format::F2021.template();
    let l = nianbao::validate::locus(t, "requests.no_such.key");
    assert_eq!(l.to_string(), "$.requests.no_such.key");
}

// ---- A8: every failure says its class ----

#[test]
fn every_failure_under_json_diagnostics_has_a_class() {
    let t = common::temp_dir("harden-class");
    let zibo = zibo();
    // input: a missing file (exit 2) and a rejected report (exit 1).
    let o = common::nianbao(&["--diagnostics", "json", "validate", s(&t.join("nope.json"))]);
    assert_eq!(code(&o), 2);
    assert_eq!(json_lines(&o)[0]["class"], "input");
    std::fs::write(t.join("bad.json"), b"{\"year\": 2021,").unwrap();
    let o = common::nianbao(&["--diagnostics", "json", "validate", s(&t.join("bad.json"))]);
    assert_eq!(code(&o), 1);
    assert!(json_lines(&o).iter().all(|l| l["class"] == "input"));
    // output: the output folder is a file.
    std::fs::write(t.join("file"), b"").unwrap();
    let o = common::nianbao(&[
        "--diagnostics",
        "json",
        "render",
        &zibo,
        "--docx",
        "-o",
        s(&t.join("file/sub/x.docx")),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let last = json_lines(&o).pop().unwrap();
    assert_eq!(last["class"], "output", "{last}");
    assert!(last["path"].as_str().unwrap().contains("file"), "{last}");
    // font: a font folder without the fonts, named as the path that failed, not the report.
    let o = common::nianbao(&[
        "--diagnostics",
        "json",
        "render",
        &zibo,
        "--pdf",
        "--fonts",
        s(&t),
        "-o",
        s(&t.join("x.pdf")),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let last = json_lines(&o).pop().unwrap();
    assert_eq!(last["class"], "font", "{last}");
    let o = common::nianbao(&[
        "--diagnostics",
        "json",
        "batch",
        &zibo,
        "-o",
        s(&t.join("o")),
        "--fonts",
        s(&t),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(json_lines(&o)[0]["class"], "font", "{}", stderr(&o));
    // argument: clap's errors are JSON lines too, in either position of the flag.
    for args in [
        vec!["--diagnostics", "json", "render", "--bogus"],
        vec!["render", "--diagnostics=json", "--bogus", "x.json"],
        vec!["--diagnostics", "json", "batch", "x.json", "-o", "o", "--jobs", "0"],
    ] {
        let o = common::nianbao(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        let lines = json_lines(&o);
        assert_eq!(lines.len(), 1, "{args:?}: {}", stderr(&o));
        assert_eq!(lines[0]["class"], "argument");
        assert_eq!(lines[0]["severity"], "error");
    }
    // Without --diagnostics json an argument error stays clap's usage text.
    let o = common::nianbao(&["render", "--bogus"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("Usage:"), "{}", stderr(&o));
    // --report records say the class of a failed report.
    let rep = t.join("run.json");
    let o = common::nianbao(&[
        "batch",
        s(&t.join("nope.json")),
        "-o",
        s(&t.join("o")),
        "--docx",
        "--report",
        s(&rep),
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(report(&rep)["reports"][0]["class"], "input");
    let _ = std::fs::remove_dir_all(&t);
}

// ---- A6: what the schema accepts, validate accepts ----

/// huaian-2024 with one value written as raw JSON text.
fn with_raw(path: &[&str], raw: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&example("huaian-2024")).unwrap();
    let mut node = &mut v;
    for p in path {
        node = &mut node[*p];
    }
    *node = "__RAW__".into();
    serde_json::to_string_pretty(&v)
        .unwrap()
        .replacen("\"__RAW__\"", raw, 1)
        .into_bytes()
}

#[test]
fn a_whole_count_written_with_a_fraction_and_an_exponent_amount_are_accepted() {
    let t = common::temp_dir("harden-numbers");
    let count = t.join("count.json");
    std::fs::write(&count, with_raw(&["proactive", "coercion", "decisions"], "88283.0")).unwrap();
    let o = common::nianbao(&["validate", s(&count), "--as-published"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let fraction = t.join("fraction.json");
    std::fs::write(&fraction, with_raw(&["proactive", "coercion", "decisions"], "88283.5")).unwrap();
    let o = common::nianbao(&["validate", s(&fraction), "--as-published"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("$.proactive.coercion.decisions"), "{}", stderr(&o));
    // An amount in exponent notation prints written out.
    let amount = t.join("amount.json");
    std::fs::write(&amount, with_raw(&["proactive", "fees", "amount"], "9.617165e4")).unwrap();
    let docx = t.join("amount.docx");
    let o = common::nianbao(&["render", s(&amount), "--docx", "-o", s(&docx)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains(">96171.65<"), "the amount is not printed as 96171.65");
    assert!(!xml.contains("e4<"));
    let _ = std::fs::remove_dir_all(&t);
}
