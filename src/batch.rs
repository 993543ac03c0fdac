//! Batch re-export: many reports, one process, all cores.
//!
//! [`collect`] turns the inputs (files and folders) into [`Job`]s, each with the path of its
//! outputs relative to the output folder (`region3/county3/r00003` for
//! `IN/region3/county3/r00003.json`). [`Shard::contains`] picks a deterministic part of them.
//! [`run`] renders the jobs on a pool of scoped threads that share one [`FontBook`], writes
//! every output with [`output::write_atomic`] as soon as it is made, and hands each finished
//! [`Record`] to an observer (the command line prints it).
//!
//! Contracts:
//! - Nothing is ever written outside the output folder except the `--report` file the caller
//!   names; no output may replace an input (such a report fails).
//! - Every file appears under its final name complete or not at all; a killed run leaves only
//!   temporaries ([`output::TEMP_PREFIX`]), which the next run removes.
//! - Memory is bounded by the number of threads, not the number of reports: outputs are
//!   dropped once written, and the `--report` file is streamed (its records in input order).
//!   Only the list of jobs and the manifest (about 200 bytes a report) grow with the archive.
//! - The manifest (`OUT_DIR/.nianbao-manifest.json`, one per shard) records for each written
//!   report its input's size and modification time, its outputs, the nianbao version, a
//!   fingerprint of the font files and one of the render options; `skip_unchanged` skips a
//!   report only when all of them still match and its outputs are at least as new as its input.
//!
//! The library never prints: everything is returned or handed to the observer.

use crate::diag::{Diagnostic, Severity};
use crate::output;
use crate::render::{render, RenderError, RenderOptions};
use crate::text::fonts::FontBook;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The nianbao version recorded in the manifest and the report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The manifest's file name in the output folder (sharded runs add `-K-of-N`).
pub const MANIFEST: &str = ".nianbao-manifest.json";

/// How often a long run saves its manifest, so a killed run loses little incremental state.
const CHECKPOINT: Duration = Duration::from_secs(10);

/// In a sharded run other shards may be writing to the same output folder: only temporaries
/// older than this are taken for leftovers.
const SHARED_TEMP_AGE: Duration = Duration::from_secs(600);

/// FNV-1a, 64 bits: a stable hash (same value on every platform and version), used for
/// sharding and fingerprints.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.0
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Writes a field followed by a separator, so that ("ab","c") and ("a","bc") differ.
    fn field(&mut self, bytes: &[u8]) {
        self.write(bytes);
        self.write(&[0xff]);
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Shard `K` of `N` (1 ≤ K ≤ N): the jobs whose relative output path hashes (FNV-1a) to
/// `K − 1` modulo `N`. The choice depends on the job's own path only, so adding reports to an
/// archive never moves the others to another shard, and the N shards partition the jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// Parses `K/N`, e.g. `3/8`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("expected K/N with 1 ≤ K ≤ N (e.g. 1/4), found `{s}`");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the job with this relative output path belongs to the shard.
    pub fn contains(&self, rel: &str) -> bool {
        fnv1a64(rel.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// One report to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The input file as named (a folder input joined with the path found under it).
    pub input: PathBuf,
    /// The outputs' path relative to the output folder, without extension, `/`-separated:
    /// the input's path relative to its input folder, or the file's stem for a file input.
    pub rel: String,
    /// Why this job cannot be done (input missing, name taken): it fails without rendering.
    pub problem: Option<String>,
}

impl Job {
    /// The output path of one format (`ext` is `pdf` or `docx`).
    pub fn output(&self, out_dir: &Path, ext: &str) -> PathBuf {
        out_dir.join(format!("{}.{ext}", self.rel))
    }
}

/// Expands inputs into jobs, in order: each input in turn; a folder's reports (`*.json`,
/// any case, recursively; names starting with `.` and links to folders are not followed)
/// sorted by path. A path that cannot be read becomes a job with a problem. Two inputs that
/// would write the same output: the first wins, the later one gets a problem (the same file
/// named twice is done once). The output folder, if it lies inside an input folder, is not
/// searched.
pub fn collect(inputs: &[PathBuf], out_dir: &Path) -> Vec<Job> {
    let out_canon = fs::canonicalize(out_dir).ok();
    let mut found = Vec::new();
    for input in inputs {
        match fs::metadata(input) {
            Err(e) => found.push(Job {
                input: input.clone(),
                rel: stem(input),
                problem: Some(format!("failed to read {} ({e})", input.display())),
            }),
            Ok(m) if m.is_dir() => walk(input, input, out_canon.as_deref(), &mut found),
            Ok(_) => found.push(Job {
                input: input.clone(),
                rel: stem(input),
                problem: None,
            }),
        }
    }
    let mut by_rel: HashMap<String, usize> = HashMap::new();
    let mut jobs: Vec<Job> = Vec::with_capacity(found.len());
    for mut job in found {
        if let Some(&first) = by_rel.get(&job.rel) {
            let prev: &Job = &jobs[first];
            if same_file(&prev.input, &job.input) {
                continue;
            }
            job.problem.get_or_insert_with(|| {
                format!(
                    "its outputs {}.* would replace those of {}; rename one, or run them separately",
                    job.rel,
                    prev.input.display()
                )
            });
        } else {
            by_rel.insert(job.rel.clone(), jobs.len());
        }
        jobs.push(job);
    }
    jobs
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .or(p.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "report".into())
}

fn walk(root: &Path, dir: &Path, skip: Option<&Path>, out: &mut Vec<Job>) {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Job {
                input: dir.to_path_buf(),
                rel: rel_of(root, dir),
                problem: Some(format!("failed to read the folder {} ({e})", dir.display())),
            });
            return;
        }
    };
    let mut entries: Vec<(String, PathBuf, bool)> = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let is_dir = match e.file_type() {
            Ok(t) if t.is_symlink() => {
                // Links to files are followed, links to folders are not (no cycles).
                match fs::metadata(&path) {
                    Ok(m) if m.is_file() => false,
                    _ => continue,
                }
            }
            Ok(t) => t.is_dir(),
            Err(_) => continue,
        };
        entries.push((name, path, is_dir));
    }
    entries.sort();
    for (name, path, is_dir) in entries {
        if is_dir {
            if skip.is_some_and(|s| fs::canonicalize(&path).is_ok_and(|c| c == s)) {
                continue;
            }
            walk(root, &path, skip, out);
        } else if Path::new(&name)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            out.push(Job {
                rel: rel_of(root, &path),
                input: path,
                problem: None,
            });
        }
    }
}

/// `path` relative to `root`, without extension, components joined by `/`.
fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        stem(path)
    } else {
        parts.join("/")
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

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

/// What happened to one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every requested output was written (warnings allowed).
    Written,
    /// The input has errors; nothing was written for it.
    Rejected,
    /// An operational failure: input unreadable, output not writable, a writer failed.
    Failed,
    /// Not rendered: up to date (`unchanged`) or not started after a failure (`fail-fast`).
    Skipped,
}

/// The outcome of one report, handed to the observer as soon as it is known.
#[derive(Debug, Clone)]
pub struct Record {
    /// The job's position in the list given to [`run`].
    pub index: usize,
    pub input: PathBuf,
    pub rel: String,
    /// The files written (or, when skipped as unchanged, the files kept).
    pub outputs: Vec<PathBuf>,
    pub status: Status,
    /// The report's diagnostics (also the warnings of a written report).
    pub diagnostics: Vec<Diagnostic>,
    /// The operational failure of a failed report; why a skipped report was skipped.
    pub message: Option<String>,
    pub elapsed: Duration,
}

impl Record {
    /// How many diagnostics are warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// The record as written to the `--report` file.
    pub fn to_json(&self) -> serde_json::Value {
        let diagnostics: Vec<serde_json::Value> = self
            .diagnostics
            .iter()
            .map(|d| {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                v["location"] = d.locus.to_string().into();
                v
            })
            .collect();
        let mut v = serde_json::json!({
            "input": self.input.to_string_lossy(),
            "outputs": self.outputs.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
            "status": self.status,
            "warnings": self.warnings(),
            "diagnostics": diagnostics,
            "ms": self.elapsed.as_millis() as u64,
        });
        if let Some(m) = &self.message {
            v[if self.status == Status::Skipped {
                "reason"
            } else {
                "error"
            }] = m.clone().into();
        }
        v
    }
}

/// The counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Jobs given to [`run`].
    pub reports: usize,
    pub written: usize,
    pub rejected: usize,
    pub failed: usize,
    /// Skipped as unchanged.
    pub skipped: usize,
    /// Never started because of `fail_fast`.
    pub not_started: usize,
    /// Warnings of all reports.
    pub warnings: usize,
    /// Leftover temporaries removed from the output folder at the start.
    pub temporaries_removed: usize,
    /// Failures of the run itself after it started (manifest or report not written).
    pub errors: Vec<String>,
    pub elapsed: Duration,
}

impl Summary {
    /// The exit status: 2 when anything failed operationally, else 1 when a report was
    /// rejected, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.failed > 0 || !self.errors.is_empty() {
            2
        } else if self.rejected > 0 {
            1
        } else {
            0
        }
    }

    /// Reports rendered (written, rejected or failed) per second.
    pub fn rate(&self) -> f64 {
        let done = (self.written + self.rejected + self.failed) as f64;
        done / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "reports": self.reports,
            "written": self.written,
            "rejected": self.rejected,
            "failed": self.failed,
            "skipped": self.skipped,
            "not_started": self.not_started,
            "warnings": self.warnings,
            "temporaries_removed": self.temporaries_removed,
            "errors": self.errors,
            "seconds": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "exit_status": self.exit_code(),
        })
    }
}

/// A fingerprint of the fonts a book was loaded from: each face's path, face index, file
/// size and modification time, and the role chains. Cheap (no font bytes are read).
pub fn fonts_fingerprint(fonts: &FontBook) -> String {
    let mut h = Fnv::default();
    for f in &fonts.faces {
        h.field(f.path.to_string_lossy().as_bytes());
        h.field(&f.index.to_le_bytes());
        let (size, mtime) = fs::metadata(&f.path).map(|m| stamp(&m)).unwrap_or((0, 0));
        h.field(&size.to_le_bytes());
        h.field(&mtime.to_le_bytes());
    }
    h.field(format!("{:?}", fonts.chains).as_bytes());
    h.hex()
}

/// A fingerprint of the render options (formats, checks, writer options).
pub fn options_fingerprint(opts: &RenderOptions) -> String {
    let mut h = Fnv::default();
    h.field(format!("{opts:?}").as_bytes());
    h.hex()
}

/// Size and modification time (ns since 1970; 0 when unknown) of a file.
fn stamp(m: &fs::Metadata) -> (u64, u64) {
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (m.len(), mtime)
}

/// One written report in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub input_size: u64,
    /// Nanoseconds since 1970.
    pub input_mtime_ns: u64,
    /// Paths relative to the output folder.
    pub outputs: Vec<String>,
    pub version: String,
    pub fonts: String,
    pub options: String,
}

/// The manifest file: relative output path (no extension) → entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub nianbao: String,
    pub reports: BTreeMap<String, ManifestEntry>,
}

impl Manifest {
    /// The manifest's path for a run (one file per shard, so shards sharing a folder never
    /// overwrite each other's).
    pub fn path(out_dir: &Path, shard: Option<Shard>) -> PathBuf {
        match shard {
            None => out_dir.join(MANIFEST),
            Some(s) => out_dir.join(format!(".nianbao-manifest-{}-of-{}.json", s.index, s.count)),
        }
    }

    /// Reads a manifest; a missing or unreadable one is empty (everything is re-rendered).
    pub fn load(path: &Path) -> Manifest {
        fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save(&self, path: &Path) -> Result<(), String> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        output::write_atomic(path, &bytes)
    }
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

/// The `--report` file, streamed to a temporary beside it and renamed into place at the end.
/// Records are written in job order: a record that finishes early waits (in memory) for the
/// ones before it, so at most about one record per worker waits at a time.
struct ReportWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<fs::File>,
    next: usize,
    waiting: BTreeMap<usize, serde_json::Value>,
    error: Option<String>,
}

impl ReportWriter {
    fn start(path: &Path, inputs: &HashSet<PathBuf>, out_canon: &Path) -> Result<ReportWriter, String> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| format!("failed to create folder {} ({e})", dir.display()))?;
        if fs::canonicalize(path).is_ok_and(|c| inputs.contains(&c)) {
            return Err(format!(
                "refusing to overwrite the input {} with the report",
                path.display()
            ));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!("{}{}-{name}", output::TEMP_PREFIX, std::process::id()));
        let file = fs::File::create(&tmp).map_err(|e| format!("failed to write {} ({e})", path.display()))?;
        let mut out = BufWriter::new(file);
        let head = format!(
            "{{\n  \"nianbao\": {},\n  \"out_dir\": {},\n  \"reports\": [",
            serde_json::Value::from(VERSION),
            serde_json::Value::from(out_canon.to_string_lossy().into_owned())
        );
        let error = out.write_all(head.as_bytes()).err().map(|e| e.to_string());
        Ok(ReportWriter {
            path: path.to_path_buf(),
            tmp,
            out,
            next: 0,
            waiting: BTreeMap::new(),
            error,
        })
    }

    fn push(&mut self, r: &Record) {
        self.waiting.insert(r.index, r.to_json());
        while let Some(v) = self.waiting.remove(&self.next) {
            let sep = if self.next == 0 { "\n    " } else { ",\n    " };
            if self.error.is_none() {
                let res = self
                    .out
                    .write_all(sep.as_bytes())
                    .and_then(|()| serde_json::to_writer(&mut self.out, &v).map_err(std::io::Error::other));
                self.error = res.err().map(|e| e.to_string());
            }
            self.next += 1;
        }
    }

    fn finish(mut self, summary: &Summary) -> Result<(), String> {
        let tail = format!(
            "{}],\n  \"summary\": {}\n}}\n",
            if self.next == 0 { "" } else { "\n  " },
            summary.to_json()
        );
        let result = match self.error.take() {
            Some(e) => Err(std::io::Error::other(e)),
            None => self
                .out
                .write_all(tail.as_bytes())
                .and_then(|()| self.out.flush())
                .and_then(|()| self.out.get_ref().sync_all())
                .and_then(|()| fs::rename(&self.tmp, &self.path)),
        };
        result.map_err(|e| {
            let _ = fs::remove_file(&self.tmp);
            format!("failed to write {} ({e})", self.path.display())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, count: 3 });
        for bad in ["0/3", "4/3", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..200 {
            let rel = format!("region{}/county{}/r{i:05}", i % 7, i % 3);
            assert_eq!(shards.iter().filter(|s| s.contains(&rel)).count(), 1);
        }
    }

    #[test]
    fn relative_paths_drop_the_extension_and_use_slashes() {
        assert_eq!(rel_of(Path::new("in"), Path::new("in/a/b/r1.json")), "a/b/r1");
        assert_eq!(stem(Path::new("x/y/r2.json")), "r2");
    }
}
