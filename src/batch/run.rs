//! Running the jobs: a pool of scoped worker threads sharing one font book.

use super::collect::Job;
use super::manifest::{fonts_fingerprint, options_fingerprint, stamp, Manifest, ManifestEntry};
use super::report::{Record, ReportWriter, Status, Summary};
use super::{Shard, VERSION};
use crate::diag::Diagnostic;
use crate::output;
use crate::render::{render, RenderError, RenderOptions};
use crate::text::fonts::FontBook;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// How often a long run saves its manifest, so a killed run loses little incremental state.
const CHECKPOINT: Duration = Duration::from_secs(10);

/// In a sharded run other shards may be writing to the same output folder: only temporaries
/// older than this are taken for leftovers.
const SHARED_TEMP_AGE: Duration = Duration::from_secs(600);

/// How to run a batch.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The output folder; created when missing.
    pub out_dir: PathBuf,
    /// Formats and checks, as for one report.
    pub render: RenderOptions,
    /// Worker threads (at least 1; more than the number of jobs is not used).
    pub jobs: usize,
    /// Start no new report after the first one rejected or failed.
    pub fail_fast: bool,
    /// Skip reports whose outputs are up to date according to the manifest.
    pub skip_unchanged: bool,
    /// The shard being run, if any: names the manifest, and makes the clean-up of leftover
    /// temporaries spare fresh ones (other shards may be writing to the same folder).
    pub shard: Option<Shard>,
    /// Where to write the machine-readable record of the run (atomically, at the end).
    pub report: Option<PathBuf>,
}

/// Shared state of a running batch.
struct Ctx<'a> {
    jobs: &'a [Job],
    fonts: &'a FontBook,
    opts: &'a Options,
    out_canon: PathBuf,
    inputs: HashSet<PathBuf>,
    fonts_fp: String,
    options_fp: String,
    manifest: Mutex<(Manifest, Instant)>,
    manifest_path: PathBuf,
    stop: AtomicBool,
    next: AtomicUsize,
}

/// Renders the jobs and writes their outputs under `opts.out_dir`, on `opts.jobs` threads
/// sharing `fonts`. At the start, removes leftover temporaries from the output folder. Calls
/// `observe` once per finished report (from the worker threads, in completion order), then
/// saves the manifest and writes the report file. Fails before rendering anything when the
/// output folder cannot be created or the report file cannot be started; later failures of
/// the run itself are in [`Summary::errors`]. A report's failure never stops the others,
/// unless `opts.fail_fast`.
pub fn run(
    jobs: &[Job],
    fonts: &FontBook,
    opts: &Options,
    observe: &(dyn Fn(&Record) + Sync),
) -> Result<Summary, String> {
    let t0 = Instant::now();
    fs::create_dir_all(&opts.out_dir)
        .map_err(|e| format!("failed to create the output folder {} ({e})", opts.out_dir.display()))?;
    let out_canon = fs::canonicalize(&opts.out_dir)
        .map_err(|e| format!("failed to open the output folder {} ({e})", opts.out_dir.display()))?;
    let temporaries_removed = match opts.shard {
        None => output::clean_temporaries(&opts.out_dir),
        Some(_) => clean_old_temporaries(&opts.out_dir, SHARED_TEMP_AGE),
    };
    let inputs: HashSet<PathBuf> = jobs.iter().filter_map(|j| fs::canonicalize(&j.input).ok()).collect();
    let mut report = match &opts.report {
        Some(p) => Some(ReportWriter::start(p, &inputs, &out_canon)?),
        None => None,
    };
    let manifest_path = Manifest::path(&opts.out_dir, opts.shard);
    let mut manifest = Manifest::load(&manifest_path);
    manifest.nianbao = VERSION.into();
    let ctx = Ctx {
        jobs,
        fonts,
        opts,
        out_canon,
        inputs,
        fonts_fp: fonts_fingerprint(fonts),
        options_fp: options_fingerprint(&opts.render),
        manifest: Mutex::new((manifest, Instant::now())),
        manifest_path,
        stop: AtomicBool::new(false),
        next: AtomicUsize::new(0),
    };
    let summary = Mutex::new(Summary {
        reports: jobs.len(),
        temporaries_removed,
        ..Default::default()
    });
    let sink = Mutex::new(report.as_mut());
    let threads = opts.jobs.max(1).min(jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (ctx, summary, sink) = (&ctx, &summary, &sink);
            std::thread::Builder::new()
                .name("nianbao-batch".into())
                .stack_size(8 << 20)
                .spawn_scoped(s, move || worker(ctx, summary, sink, observe))
                .expect("spawn a worker thread");
        }
    });
    let mut summary = summary.into_inner().unwrap_or_else(|e| e.into_inner());
    let started = ctx.next.load(Ordering::SeqCst).min(jobs.len());
    summary.not_started = jobs.len() - started;
    let (manifest, _) = ctx.manifest.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Err(e) = manifest.save(&ctx.manifest_path) {
        summary.errors.push(e);
    }
    summary.elapsed = t0.elapsed();
    if let Some(mut r) = report {
        for (i, job) in jobs.iter().enumerate().skip(started) {
            r.push(&Record {
                index: i,
                input: job.input.clone(),
                rel: job.rel.clone(),
                outputs: Vec::new(),
                status: Status::Skipped,
                diagnostics: Vec::new(),
                message: Some("fail-fast".into()),
                elapsed: Duration::ZERO,
            });
        }
        let mut final_summary = summary.clone();
        final_summary.elapsed = t0.elapsed();
        if let Err(e) = r.finish(&final_summary) {
            summary.errors.push(e);
        }
    }
    Ok(summary)
}

fn worker(
    ctx: &Ctx,
    summary: &Mutex<Summary>,
    sink: &Mutex<Option<&mut ReportWriter>>,
    observe: &(dyn Fn(&Record) + Sync),
) {
    loop {
        if ctx.stop.load(Ordering::SeqCst) {
            return;
        }
        let i = ctx.next.fetch_add(1, Ordering::SeqCst);
        if i >= ctx.jobs.len() {
            return;
        }
        let t = Instant::now();
        let job = &ctx.jobs[i];
        let (status, outputs, diagnostics, message) =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(ctx, job))) {
                Ok(r) => r,
                Err(p) => {
                    let what = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    (
                        Status::Failed,
                        Vec::new(),
                        Vec::new(),
                        Some(format!("internal error (a bug in nianbao: {what})")),
                    )
                }
            };
        if ctx.opts.fail_fast && matches!(status, Status::Rejected | Status::Failed) {
            ctx.stop.store(true, Ordering::SeqCst);
        }
        let record = Record {
            index: i,
            input: job.input.clone(),
            rel: job.rel.clone(),
            outputs,
            status,
            diagnostics,
            message,
            elapsed: t.elapsed(),
        };
        {
            let mut s = summary.lock().unwrap_or_else(|e| e.into_inner());
            match status {
                Status::Written => s.written += 1,
                Status::Rejected => s.rejected += 1,
                Status::Failed => s.failed += 1,
                Status::Skipped => s.skipped += 1,
            }
            s.warnings += record.warnings();
        }
        observe(&record);
        if let Some(r) = sink.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            r.push(&record);
        }
    }
}

type Outcome = (Status, Vec<PathBuf>, Vec<Diagnostic>, Option<String>);

fn process(ctx: &Ctx, job: &Job) -> Outcome {
    let fail = |m: String| (Status::Failed, Vec::new(), Vec::new(), Some(m));
    if let Some(p) = &job.problem {
        return fail(p.clone());
    }
    let opts = ctx.opts;
    let formats: Vec<&str> = [(opts.render.pdf, "pdf"), (opts.render.docx, "docx")]
        .into_iter()
        .filter_map(|(on, ext)| on.then_some(ext))
        .collect();
    let meta = match fs::metadata(&job.input) {
        Ok(m) => m,
        Err(e) => return fail(format!("failed to read {} ({e})", job.input.display())),
    };
    let (size, mtime) = stamp(&meta);
    if opts.skip_unchanged {
        if let Some(outputs) = up_to_date(ctx, job, size, mtime, &formats) {
            return (Status::Skipped, outputs, Vec::new(), Some("unchanged".into()));
        }
    }
    let bytes = match fs::read(&job.input) {
        Ok(b) => b,
        Err(e) => return fail(format!("failed to read {} ({e})", job.input.display())),
    };
    let mut diags = Vec::new();
    let rendered = match render(&bytes, ctx.fonts, &opts.render, &mut diags) {
        Ok(r) => r,
        Err(RenderError::Rejected) => {
            forget(ctx, &job.rel);
            return (Status::Rejected, Vec::new(), diags, None);
        }
        Err(RenderError::Failed(m)) => {
            forget(ctx, &job.rel);
            return (Status::Failed, Vec::new(), diags, Some(m));
        }
    };
    drop(bytes);
    let mut outputs = Vec::new();
    for (ext, data) in [("pdf", rendered.pdf), ("docx", rendered.docx)] {
        let Some(data) = data else { continue };
        let written = target(ctx, job, ext).and_then(|p| output::write_atomic(&p, &data).map(|()| p));
        drop(data);
        match written {
            Ok(p) => outputs.push(p),
            Err(m) => {
                forget(ctx, &job.rel);
                return (Status::Failed, outputs, diags, Some(m));
            }
        }
    }
    let entry = ManifestEntry {
        input_size: size,
        input_mtime_ns: mtime,
        outputs: formats.iter().map(|ext| format!("{}.{ext}", job.rel)).collect(),
        version: VERSION.into(),
        fonts: ctx.fonts_fp.clone(),
        options: ctx.options_fp.clone(),
    };
    let mut m = ctx.manifest.lock().unwrap_or_else(|e| e.into_inner());
    m.0.reports.insert(job.rel.clone(), entry);
    if m.1.elapsed() >= CHECKPOINT {
        // A failed checkpoint is retried at the next one and at the end, where it is reported.
        let _ = m.0.save(&ctx.manifest_path);
        m.1 = Instant::now();
    }
    drop(m);
    (Status::Written, outputs, diags, None)
}

/// Drops a report from the manifest (its outputs, if any, no longer match its input).
fn forget(ctx: &Ctx, rel: &str) {
    ctx.manifest
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .0
        .reports
        .remove(rel);
}

/// The outputs of a job when the manifest says they are up to date.
fn up_to_date(ctx: &Ctx, job: &Job, size: u64, mtime: u64, formats: &[&str]) -> Option<Vec<PathBuf>> {
    let entry = ctx
        .manifest
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .0
        .reports
        .get(&job.rel)
        .cloned()?;
    let expected: Vec<String> = formats.iter().map(|ext| format!("{}.{ext}", job.rel)).collect();
    let same = entry.input_size == size
        && entry.input_mtime_ns == mtime
        && entry.version == VERSION
        && entry.fonts == ctx.fonts_fp
        && entry.options == ctx.options_fp
        && entry.outputs == expected;
    if !same {
        return None;
    }
    let mut outputs = Vec::new();
    for ext in formats {
        let p = job.output(&ctx.opts.out_dir, ext);
        let m = fs::metadata(&p).ok()?;
        if !m.is_file() || stamp(&m).1 < mtime {
            return None;
        }
        outputs.push(p);
    }
    Some(outputs)
}

/// The output path of a job, checked: its folder exists and lies inside the output folder
/// (no link leads out of it), and it is not one of the inputs.
fn target(ctx: &Ctx, job: &Job, ext: &str) -> Result<PathBuf, String> {
    let path = job.output(&ctx.opts.out_dir, ext);
    let dir = path.parent().unwrap_or(&ctx.opts.out_dir);
    fs::create_dir_all(dir).map_err(|e| format!("failed to create folder {} ({e})", dir.display()))?;
    let canon_dir = fs::canonicalize(dir).map_err(|e| format!("failed to open folder {} ({e})", dir.display()))?;
    if !canon_dir.starts_with(&ctx.out_canon) {
        return Err(format!(
            "refusing to write {}: it lies outside the output folder (through a link)",
            path.display()
        ));
    }
    let canon = canon_dir.join(path.file_name().unwrap_or_default());
    if ctx.inputs.contains(&canon) {
        return Err(format!("refusing to overwrite the input {}", path.display()));
    }
    Ok(path)
}

/// Removes temporaries older than `age` (by modification time) in a folder tree.
fn clean_old_temporaries(root: &Path, age: Duration) -> usize {
    let now = SystemTime::now();
    let mut n = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(e.path());
            } else if e.file_name().to_string_lossy().starts_with(output::TEMP_PREFIX) {
                let old = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .is_some_and(|d| d >= age);
                if old && fs::remove_file(e.path()).is_ok() {
                    n += 1;
                }
            }
        }
    }
    n
}
