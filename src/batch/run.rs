//! Running the jobs: a pool of scoped worker threads sharing one font book.

use super::collect::Job;
use super::manifest::{fonts_fingerprint, options_fingerprint, stamp, Journal, Manifest, ManifestEntry};
use super::report::{Record, ReportWriter, Status, Summary};
use super::{Shard, VERSION};
use crate::diag::Diagnostic;
use crate::error::{Class, Error};
use crate::output;
use crate::render::{render, RenderError, RenderOptions};
use crate::text::fonts::FontBook;
use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// In a sharded run other shards, maybe on other machines, may be writing to the same output
/// folder: only temporaries older than this are taken for leftovers.
const SHARED_TEMP_AGE: Duration = Duration::from_secs(600);

/// The most worker threads a run starts, whatever `jobs` asks for.
pub const MAX_THREADS: usize = 1024;

/// How to run a batch.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The output folder; created when missing.
    pub out_dir: PathBuf,
    /// Formats and checks, as for one report.
    pub render: RenderOptions,
    /// Worker threads (at least 1, at most [`MAX_THREADS`]; more than the number of jobs is
    /// not used). When the system refuses a thread, the run goes on with those it has.
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
    /// Set (by a signal handler) to the number of a signal that asks the run to stop: no new
    /// report is started, the ones being rendered are finished, and the run ends as usual
    /// (manifest, report file), with [`Summary::interrupted`] set.
    pub interrupt: Option<Arc<AtomicUsize>>,
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
    manifest: Mutex<(Manifest, Journal)>,
    /// A failure to write the journal (reported once in the summary).
    journal_error: Mutex<Option<Error>>,
    stop: AtomicBool,
    next: AtomicUsize,
    /// The written reports' series entries, by relative path, for the year-to-year checks.
    series: Mutex<Vec<(String, crate::crosscheck::series::Entry)>>,
}

impl Ctx<'_> {
    /// The signal that interrupted the run, if any.
    fn interrupted(&self) -> Option<i32> {
        let sig = self.opts.interrupt.as_ref()?.load(Ordering::SeqCst);
        (sig != 0).then(|| i32::try_from(sig).unwrap_or(i32::MAX))
    }

    /// Records in the manifest (and its journal, at once) that a report was written or
    /// dropped.
    fn note(&self, rel: &str, entry: Option<ManifestEntry>) {
        let mut m = self.manifest.lock().unwrap_or_else(|e| e.into_inner());
        let (manifest, journal) = &mut *m;
        let res = journal.record(rel, entry.as_ref());
        match entry {
            Some(e) => manifest.reports.insert(rel.to_string(), e),
            None => manifest.reports.remove(rel),
        };
        drop(m);
        if let Err(e) = res {
            self.journal_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    }
}

/// Renders the jobs and writes their outputs under `opts.out_dir`, on `opts.jobs` threads
/// sharing `fonts`. At the start, removes leftover temporaries from the output folder (and
/// those of the report file beside it). Calls `observe` once per finished report (from the
/// worker threads, in completion order); each written report is appended to the manifest's
/// journal as soon as its outputs are in place. At the end, compacts the manifest and writes
/// the report file, also when `opts.interrupt` stopped the run early. Fails before rendering
/// anything when the output folder cannot be created or the report file cannot be started;
/// later failures of the run itself are in [`Summary::errors`]. A report's failure never
/// stops the others, unless `opts.fail_fast`.
pub fn run(
    jobs: &[Job],
    fonts: &FontBook,
    opts: &Options,
    observe: &(dyn Fn(&Record) + Sync),
) -> Result<Summary, Error> {
    let t0 = Instant::now();
    fs::create_dir_all(&opts.out_dir)
        .map_err(|e| Error::io(Class::Output, "create the output folder", &opts.out_dir, &e))?;
    let out_canon = fs::canonicalize(&opts.out_dir)
        .map_err(|e| Error::io(Class::Output, "open the output folder", &opts.out_dir, &e))?;
    let sweep = match opts.shard {
        None => output::Sweep::Local,
        Some(_) => output::Sweep::OlderThan(SHARED_TEMP_AGE),
    };
    let mut temporaries_removed = output::clean_temporaries(&opts.out_dir, sweep);
    let inputs: HashSet<PathBuf> = jobs.iter().filter_map(|j| fs::canonicalize(&j.input).ok()).collect();
    let mut report = match &opts.report {
        Some(p) => {
            let (w, removed) = ReportWriter::start(p, &inputs, &out_canon, sweep)?;
            temporaries_removed += removed;
            Some(w)
        }
        None => None,
    };
    let manifest_path = Manifest::path(&opts.out_dir, opts.shard);
    let mut manifest = Manifest::load(&manifest_path);
    manifest.nianbao = VERSION.into();
    let mut errors = Vec::new();
    let journal = Journal::open(&manifest_path).unwrap_or_else(|e| {
        errors.push(e);
        Journal::none()
    });
    let ctx = Ctx {
        jobs,
        fonts,
        opts,
        out_canon,
        inputs,
        fonts_fp: fonts_fingerprint(fonts),
        options_fp: options_fingerprint(&opts.render),
        manifest: Mutex::new((manifest, journal)),
        journal_error: Mutex::new(None),
        stop: AtomicBool::new(false),
        next: AtomicUsize::new(0),
        series: Mutex::new(Vec::new()),
    };
    let summary = Mutex::new(Summary {
        reports: jobs.len(),
        temporaries_removed,
        errors,
        ..Default::default()
    });
    let sink = Mutex::new(report.as_mut());
    let threads = opts.jobs.clamp(1, MAX_THREADS).min(jobs.len().max(1));
    std::thread::scope(|s| {
        let mut spawned = 0;
        for _ in 0..threads {
            let (ctx, summary, sink) = (&ctx, &summary, &sink);
            let started = std::thread::Builder::new()
                .name("nianbao-batch".into())
                .stack_size(8 << 20)
                .spawn_scoped(s, move || worker(ctx, summary, sink, observe));
            match started {
                Ok(_) => spawned += 1,
                // The system has no more threads to give (a huge --jobs): go on with those
                // that started.
                Err(_) => break,
            }
        }
        if spawned == 0 {
            worker(&ctx, &summary, &sink, observe);
        }
    });
    let mut summary = summary.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut series = std::mem::take(&mut *ctx.series.lock().unwrap_or_else(|e| e.into_inner()));
    series.sort_by(|a, b| a.0.cmp(&b.0));
    summary.series = crate::crosscheck::series::check(&series, false);
    summary.warnings += summary.series.len();
    let started = ctx.next.load(Ordering::SeqCst).min(jobs.len());
    summary.not_started = jobs.len() - started;
    summary.interrupted = ctx.interrupted();
    if let Some(e) = ctx.journal_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        summary.errors.push(e);
    }
    let (manifest, journal) = ctx.manifest.into_inner().unwrap_or_else(|e| e.into_inner());
    drop(journal);
    if let Err(e) = manifest.save(&manifest_path) {
        summary.errors.push(e);
    }
    summary.elapsed = t0.elapsed();
    if let Some(mut r) = report {
        let reason = if summary.interrupted.is_some() {
            "interrupted"
        } else {
            "fail-fast"
        };
        for (i, job) in jobs.iter().enumerate().skip(started) {
            r.push(&Record {
                index: i,
                input: job.input.clone(),
                rel: job.rel.clone(),
                outputs: Vec::new(),
                status: Status::Skipped,
                diagnostics: Vec::new(),
                error: None,
                reason: Some(reason),
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
        if ctx.stop.load(Ordering::SeqCst) || ctx.interrupted().is_some() {
            return;
        }
        let i = ctx.next.fetch_add(1, Ordering::SeqCst);
        if i >= ctx.jobs.len() {
            return;
        }
        let t = Instant::now();
        let job = &ctx.jobs[i];
        let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(ctx, job))) {
            Ok(r) => r,
            Err(p) => {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Outcome::failed(Error::new(
                    Class::Internal,
                    format!("internal error (a bug in nianbao: {what})"),
                ))
            }
        };
        let status = outcome.status;
        if ctx.opts.fail_fast && matches!(status, Status::Rejected | Status::Failed) {
            ctx.stop.store(true, Ordering::SeqCst);
        }
        let record = Record {
            index: i,
            input: job.input.clone(),
            rel: job.rel.clone(),
            outputs: outcome.outputs,
            status,
            diagnostics: outcome.diagnostics,
            error: outcome.error,
            reason: outcome.reason,
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

/// What became of one job.
struct Outcome {
    status: Status,
    outputs: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
    error: Option<Error>,
    reason: Option<&'static str>,
}

impl Outcome {
    fn failed(e: Error) -> Outcome {
        Outcome {
            status: Status::Failed,
            outputs: Vec::new(),
            diagnostics: Vec::new(),
            error: Some(e),
            reason: None,
        }
    }
}

fn process(ctx: &Ctx, job: &Job) -> Outcome {
    if let Some(p) = &job.problem {
        return Outcome::failed(p.clone());
    }
    let opts = ctx.opts;
    let formats: Vec<&str> = [
        (opts.render.pdf, "pdf"),
        (opts.render.docx, "docx"),
        (opts.render.html.is_some(), "html"),
    ]
    .into_iter()
    .filter_map(|(on, ext)| on.then_some(ext))
    .collect();
    let meta = match fs::metadata(&job.input) {
        Ok(m) => m,
        Err(e) => return Outcome::failed(Error::io(Class::Input, "read", &job.input, &e)),
    };
    let (size, mtime) = stamp(&meta);
    if opts.skip_unchanged {
        if let Some(outputs) = up_to_date(ctx, job, size, mtime, &formats) {
            return Outcome {
                status: Status::Skipped,
                outputs,
                diagnostics: Vec::new(),
                error: None,
                reason: Some("unchanged"),
            };
        }
    }
    let bytes = match fs::File::open(&job.input).and_then(crate::input::read_limited) {
        Ok(b) => b,
        Err(e) => return Outcome::failed(Error::io(Class::Input, "read", &job.input, &e)),
    };
    let mut diags = Vec::new();
    let rendered = match render(&bytes, ctx.fonts, &opts.render, &mut diags) {
        Ok(r) => r,
        Err(RenderError::Rejected) => {
            ctx.note(&job.rel, None);
            return Outcome {
                status: Status::Rejected,
                outputs: Vec::new(),
                diagnostics: diags,
                error: None,
                reason: None,
            };
        }
        Err(RenderError::Failed(e)) => {
            ctx.note(&job.rel, None);
            return Outcome {
                diagnostics: diags,
                ..Outcome::failed(e)
            };
        }
    };
    drop(bytes);
    if let Some(entry) = rendered.series {
        let mut all = ctx.series.lock().unwrap_or_else(|e| e.into_inner());
        all.push((job.input.display().to_string(), entry));
    }
    let mut outputs = Vec::new();
    for (ext, data) in [("pdf", rendered.pdf), ("docx", rendered.docx), ("html", rendered.html)] {
        let Some(data) = data else { continue };
        let written = target(ctx, job, ext).and_then(|p| output::write_atomic(&p, &data).map(|()| p));
        drop(data);
        match written {
            Ok(p) => outputs.push(p),
            Err(e) => {
                ctx.note(&job.rel, None);
                return Outcome {
                    outputs,
                    diagnostics: diags,
                    ..Outcome::failed(e)
                };
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
    ctx.note(&job.rel, Some(entry));
    Outcome {
        status: Status::Written,
        outputs,
        diagnostics: diags,
        error: None,
        reason: None,
    }
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
fn target(ctx: &Ctx, job: &Job, ext: &str) -> Result<PathBuf, Error> {
    let path = job.output(&ctx.opts.out_dir, ext);
    let dir = path.parent().unwrap_or(&ctx.opts.out_dir);
    fs::create_dir_all(dir).map_err(|e| Error::io(Class::Output, "create folder", dir, &e))?;
    let canon_dir = fs::canonicalize(dir).map_err(|e| Error::io(Class::Output, "open folder", dir, &e))?;
    if !canon_dir.starts_with(&ctx.out_canon) {
        return Err(Error::at(
            Class::Output,
            &path,
            format!(
                "refusing to write {}: it lies outside the output folder (through a link)",
                path.display()
            ),
        ));
    }
    let canon = canon_dir.join(path.file_name().unwrap_or_default());
    if ctx.inputs.contains(&canon) {
        return Err(Error::at(
            Class::Output,
            &path,
            format!("refusing to overwrite the input {}", path.display()),
        ));
    }
    Ok(path)
}
