//! Importing many files: collecting inputs (folders searched recursively for pages and Word
//! files), converting each (import, then validation as published), writing each JSON
//! atomically, on several threads, in a stable order of results.

use super::{import, Overrides, EXTENSIONS};
use crate::diag::{has_errors, Diagnostic};
use crate::error::{Class, Error};
use crate::validate::Options;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One file to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The input as named; `-` is standard input (read by the caller).
    pub input: PathBuf,
    /// The output path relative to the output folder, without extension, `/`-separated:
    /// the path under its input folder, or the stem of a file input.
    pub rel: String,
    /// Why the job cannot be done (unreadable path, an output name taken).
    pub problem: Option<String>,
}

/// Expands inputs into jobs in order: a file as itself; a folder's `.html`, `.htm`,
/// `.shtml` and `.docx` files (any case, recursively, hidden names skipped) sorted by path.
/// Two inputs that would write the same output: the later one gets a problem.
pub fn collect(inputs: &[PathBuf]) -> Vec<Job> {
    let mut found = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            found.push(Job {
                input: input.clone(),
                rel: "stdin".into(),
                problem: None,
            });
            continue;
        }
        match std::fs::metadata(input) {
            Err(e) => found.push(Job {
                input: input.clone(),
                rel: stem(input),
                problem: Some(format!("failed to read {} ({e})", input.display())),
            }),
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                walk(input, &mut files);
                files.sort();
                for f in files {
                    let rel = f
                        .strip_prefix(input)
                        .unwrap_or(&f)
                        .with_extension("")
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    found.push(Job {
                        input: f,
                        rel,
                        problem: None,
                    });
                }
            }
            Ok(_) => found.push(Job {
                input: input.clone(),
                rel: stem(input),
                problem: None,
            }),
        }
    }
    let mut seen: std::collections::HashMap<String, PathBuf> = Default::default();
    for job in &mut found {
        match seen.get(&job.rel) {
            Some(first) if job.problem.is_none() => {
                job.problem = Some(format!(
                    "its output {}.json would replace that of {}; rename one, or import them separately",
                    job.rel,
                    first.display()
                ));
            }
            _ => {
                seen.entry(job.rel.clone()).or_insert_with(|| job.input.clone());
            }
        }
    }
    found
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "report".into())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(_) => {
                let ext = p.extension().map(|x| x.to_string_lossy().to_ascii_lowercase());
                if ext.is_some_and(|x| EXTENSIONS.contains(&x.as_str())) {
                    out.push(p);
                }
            }
            Err(_) => {}
        }
    }
}

/// The result of one file.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 0 imported (warnings allowed), 1 rejected (not a report, unreadable, or the imported
    /// report has errors), 2 operational failure (input unreadable, output not writable).
    pub status: u8,
    pub notes: Vec<String>,
    /// The importer's diagnostics, then validation's (as published).
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file failed, when it did without diagnostics: an `input` error for a file that
    /// is no report or cannot be read, an `output` error for a JSON file not written.
    pub error: Option<Error>,
    /// The JSON text, when the import succeeded.
    pub json: Option<String>,
}

/// Imports one file's bytes and validates the result as published (a report's own
/// arithmetic mistakes are warnings). Errors leave `json` empty.
pub fn convert(bytes: &[u8], name: &str, over: &Overrides) -> Outcome {
    match import(bytes, name, over) {
        Err(e) => Outcome {
            status: 1,
            notes: Vec::new(),
            diagnostics: Vec::new(),
            error: Some(Error::new(Class::Input, e.to_string())),
            json: None,
        },
        Ok(imp) => {
            let mut diagnostics = imp.diagnostics;
            let text = serde_json::to_string_pretty(&imp.json).unwrap_or_default() + "\n";
            if !has_errors(&diagnostics) {
                let (_, more) = crate::load(
                    text.as_bytes(),
                    Options {
                        as_published: true,
                        ..Default::default()
                    },
                );
                diagnostics.extend(more);
            }
            let bad = has_errors(&diagnostics);
            Outcome {
                status: u8::from(bad),
                notes: imp.notes,
                diagnostics,
                error: None,
                json: (!bad).then_some(text),
            }
        }
    }
}

/// Imports every job into `out_dir/<rel>.json` on `threads` threads. `done` is called
/// once per job, in job order, with the job's outcome (the JSON is dropped once written).
/// Returns the worst status.
pub fn run(
    jobs: &[Job],
    out_dir: &Path,
    over: &Overrides,
    threads: usize,
    done: &(dyn Fn(&Job, &Outcome) + Sync),
) -> u8 {
    let next = AtomicUsize::new(0);
    let results: Mutex<(usize, Vec<Option<Outcome>>)> = Mutex::new((0, vec![None; jobs.len()]));
    let worst = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let mut out = one(job, out_dir, over);
                out.json = None;
                worst.fetch_max(usize::from(out.status), Ordering::Relaxed);
                // Report finished jobs in order, as soon as all before them are done.
                let Ok(mut guard) = results.lock() else { break };
                guard.1[i] = Some(out);
                while guard.0 < jobs.len() {
                    let k = guard.0;
                    let Some(o) = guard.1[k].take() else { break };
                    done(&jobs[k], &o);
                    guard.0 += 1;
                }
            });
        }
    });
    worst.load(Ordering::Relaxed) as u8
}

fn one(job: &Job, out_dir: &Path, over: &Overrides) -> Outcome {
    let fail = |status: u8, e: Error| Outcome {
        status,
        notes: Vec::new(),
        diagnostics: Vec::new(),
        error: Some(e),
        json: None,
    };
    if let Some(p) = &job.problem {
        return fail(2, Error::new(Class::Input, p.clone()));
    }
    let bytes = match std::fs::File::open(&job.input).and_then(crate::input::read_limited) {
        Ok(b) => b,
        Err(e) => return fail(2, Error::io(Class::Input, "read", &job.input, &e)),
    };
    let mut out = convert(&bytes, &job.input.to_string_lossy(), over);
    if let Some(text) = &out.json {
        let path = out_dir.join(format!("{}.json", job.rel));
        if let Err(e) = crate::output::write_atomic(&path, text.as_bytes()) {
            out.status = 2;
            out.error = Some(e);
        }
    }
    out
}
