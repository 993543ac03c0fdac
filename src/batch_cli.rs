//! `nianbao batch`: the command-line side of [`nianbao::batch`]: arguments, the progress
//! bar, printing each report's problems, and the summary line.

use crate::render_cli::RenderArgs;
use crate::{print_diagnostics, print_operational, say, DiagFormat};
use nianbao::batch::{self, Record, Shard, Status};
use nianbao::error::{Class, Error};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex};

pub const BATCH_HELP: &str = "OUTPUTS:
  A report found in a folder IN (searched recursively for *.json) is written to OUT_DIR under
  its path relative to IN: IN/region3/county3/r00003.json gives OUT_DIR/region3/county3/r00003.pdf
  and .docx (and .html with --html or --html-fragment). A report named as a file is written to
  OUT_DIR/<stem>.pdf and .docx; files listed on standard input (-) keep their paths under the
  longest folder holding them all, and --base DIR names every file input by its path under
  DIR. Every file is
  written under a temporary name and renamed into place; leftovers of a killed run are removed
  by the next run. OUT_DIR/.nianbao-manifest.json records what was written (--skip-unchanged).

--check:
  Validate every report as the batch would, in parallel, and write nothing (no OUT_DIR, no
  manifest); -o is optional. Exit status as below.

PRINTED:
  The diagnostics of each rejected report and the error of each failed one (warnings of written
  reports with -v); a progress bar on a terminal; a summary line at the end (not with --quiet).

INTERRUPTED:
  Ctrl-C (SIGINT) or SIGTERM starts no new report; the reports being rendered are finished,
  the manifest, the summary and --report are written (the reports not started are skipped,
  reason \"interrupted\"), and the exit status is 130 (143 for SIGTERM). A second signal ends
  at once. Even after kill -9, --skip-unchanged skips what was finished: each report is
  recorded in OUT_DIR/.nianbao-manifest.journal as soon as it is written.

EXIT STATUS (the worst seen):
    0  every report written (warnings allowed) or skipped as unchanged
    1  at least one report rejected (errors in the input); the others were written
    2  operational failure: an input unreadable, an output not writable, fonts unusable
  130  interrupted (SIGINT; 143 for SIGTERM)";

/// Arguments of `nianbao batch`.
#[derive(clap::Args)]
pub struct BatchArgs {
    /// Reports: files, folders (searched recursively for *.json, in sorted order), or `-` to
    /// read a list of paths from standard input, one per line
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// The output folder (created when missing); outputs mirror the inputs' paths
    #[arg(short, long, value_name = "OUT_DIR", required_unless_present = "check")]
    output: Option<PathBuf>,
    /// Only validate every report as the batch would (its identities, its fonts, two inputs
    /// with the same outputs), in parallel; write nothing: no outputs, manifest or --report
    #[arg(long, conflicts_with_all = ["skip_unchanged", "report"])]
    check: bool,
    /// Name the outputs of file inputs by their path relative to DIR (DIR/a/b/r.json →
    /// OUT_DIR/a/b/r.pdf). Default for a list on standard input: the longest folder holding
    /// all its files; for files on the command line: their stems
    #[arg(long, value_name = "DIR")]
    base: Option<PathBuf>,
    #[command(flatten)]
    render: RenderArgs,
    /// Reports rendered at once (default: all cores)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// Start no new report after the first one rejected or failed
    #[arg(long)]
    fail_fast: bool,
    /// Write a JSON record of every report (input, outputs, status, diagnostics, time) to FILE
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Skip reports whose outputs are newer than their input and were made by the same
    /// nianbao version, fonts and options (see OUT_DIR/.nianbao-manifest.json)
    #[arg(long)]
    skip_unchanged: bool,
    /// Process only shard K of N: the reports whose relative path hashes to K−1 modulo N (the
    /// same reports in every run, whatever is added to the archive)
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
}

/// Runs `nianbao batch`; returns the exit status.
pub fn run(args: &BatchArgs, how: DiagFormat, quiet: bool) -> u8 {
    let t0 = std::time::Instant::now();
    // Each input with the base its outputs are named under (None: a file's stem).
    let mut inputs: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut read_stdin = false;
    for i in &args.inputs {
        if i.as_os_str() != "-" {
            inputs.push((i.clone(), args.base.clone()));
        } else if !read_stdin {
            read_stdin = true;
            let mut listed = Vec::new();
            for line in std::io::stdin().lock().lines() {
                match line {
                    Ok(l) => {
                        let l = l.trim_end_matches('\r');
                        if !l.trim().is_empty() {
                            listed.push(PathBuf::from(l));
                        }
                    }
                    Err(e) => {
                        let e = Error::new(Class::Input, format!("failed to read the list of reports ({e})"));
                        print_operational("<stdin>", &e, how);
                        return 2;
                    }
                }
            }
            let files: Vec<PathBuf> = listed.iter().filter(|p| !p.is_dir()).cloned().collect();
            let base = args.base.clone().or_else(|| batch::common_dir(&files));
            inputs.extend(listed.into_iter().map(|p| (p, base.clone())));
        }
    }
    let out_dir = args.output.clone().unwrap_or_default();
    let mut jobs = batch::collect_based(&inputs, &out_dir);
    if let Some(s) = args.shard {
        jobs.retain(|j| s.contains(&j.rel));
    }
    if args.check {
        return check(&jobs, args, how, quiet, t0);
    }
    let html = args.render.html || args.render.html_fragment;
    let (mut pdf, mut docx) = (args.render.pdf, args.render.docx);
    if !pdf && !docx && !html {
        (pdf, docx) = (true, true);
    }
    let (fonts, render) = match args.render.prepare(pdf, docx, html) {
        Ok(x) => x,
        Err(e) => {
            print_operational("fonts", &e, how);
            return 2;
        }
    };
    let opts = batch::Options {
        out_dir: out_dir.clone(),
        render,
        jobs: args
            .jobs
            .map(|j| j as usize)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        fail_fast: args.fail_fast,
        skip_unchanged: args.skip_unchanged,
        shard: args.shard,
        report: args.report.clone(),
        interrupt: Some(on_signals()),
    };
    let bar = progress_bar(jobs.len(), quiet);
    let print_lock = Mutex::new(());
    let verbose = args.render.verbose;
    let observe = |r: &Record| {
        let _guard = print_lock.lock().unwrap_or_else(|e| e.into_inner());
        bar.suspend(|| print_record(r, verbose, how));
        if matches!(r.status, Status::Rejected | Status::Failed) {
            bar.set_message(format!("last problem: {}", r.input.display()));
        }
        bar.inc(1);
        if bar.position().is_multiple_of(TRIM_EVERY) {
            release_free_memory();
        }
    };
    let result = batch::run(&jobs, &fonts, &opts, &observe);
    bar.finish_and_clear();
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            print_operational(&out_dir.display().to_string(), &e, how);
            return 2;
        }
    };
    for e in &summary.errors {
        print_operational(&out_dir.display().to_string(), e, how);
    }
    // Year-to-year findings are warnings: printed with -v, as written reports' warnings are,
    // and always in the --report file.
    if verbose {
        for f in &summary.series {
            print_diagnostics(&f.file, None, std::slice::from_ref(&f.diagnostic), how);
        }
    }
    if let Some(sig) = summary.interrupted {
        let name = if sig == signal_hook::consts::SIGINT {
            "SIGINT"
        } else {
            "SIGTERM"
        };
        if how == DiagFormat::Human {
            say!(
                "batch: interrupted by {name}: {} not started",
                count(summary.not_started, "report")
            );
        }
    }
    if !quiet {
        let secs = t0.elapsed().as_secs_f64();
        match how {
            DiagFormat::Human => {
                let mut line = format!(
                    "batch: {}, {} written, {} rejected, {} failed, {} skipped",
                    count(summary.reports, "report"),
                    summary.written,
                    summary.rejected,
                    summary.failed,
                    summary.skipped
                );
                if summary.not_started > 0 {
                    let why = if summary.interrupted.is_some() {
                        "interrupted"
                    } else {
                        "--fail-fast"
                    };
                    line += &format!(", {} not started ({why})", summary.not_started);
                }
                let done = summary.written + summary.rejected + summary.failed;
                line += &format!(
                    " in {secs:.1} s ({:.0} reports/s); {}",
                    done as f64 / secs.max(1e-9),
                    count(summary.warnings, "warning")
                );
                if summary.temporaries_removed > 0 {
                    line += &format!("; {} leftover temporary files removed", summary.temporaries_removed);
                }
                say!("{line}");
            }
            DiagFormat::Json => say!("{}", serde_json::json!({ "summary": summary.to_json() })),
        }
    }
    summary.exit_code()
}

/// A progress bar on a terminal (not when `quiet`), else a hidden one.
fn progress_bar(len: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::with_draw_target(Some(len as u64), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{wide_bar} {pos}/{len} reports · {per_sec:1} · ETA {eta} · {msg}")
    {
        b.set_style(style.progress_chars("=> "));
    }
    b
}

/// `batch --check`: validates the jobs in parallel (printed in input order) and writes
/// nothing. Rejected reports are printed with their diagnostics, unreadable ones with their
/// error, the warnings of valid ones with -v; then a summary line (not when `quiet`).
fn check(jobs: &[batch::Job], args: &BatchArgs, how: DiagFormat, quiet: bool, t0: std::time::Instant) -> u8 {
    let opts = nianbao::validate::Options {
        as_published: args.render.as_published,
        strict: false,
    };
    // Fonts named on the command line are the ones the batch would use: load them once and
    // check each report's characters against them (else the bundled set, read only when a
    // report needs it, as `validate` does).
    let config = args.render.font_config();
    let custom = config.bundled.is_some() || !config.dirs.is_empty() || !config.overrides.is_empty();
    let book = match custom.then(|| nianbao::text::fonts::FontBook::load(&config)) {
        None => None,
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            print_operational("fonts", &Error::new(Class::Font, e.0), how);
            return 2;
        }
    };
    let interrupt = on_signals();
    let stop_now = AtomicBool::new(false);
    let stop = || {
        stop_now.load(std::sync::atomic::Ordering::SeqCst) || interrupt.load(std::sync::atomic::Ordering::SeqCst) != 0
    };
    let work = |i: usize| -> Result<_, Error> {
        let job = &jobs[i];
        if let Some(p) = &job.problem {
            return Err(p.clone());
        }
        let bytes = std::fs::File::open(&job.input)
            .and_then(nianbao::input::read_limited)
            .map_err(|e| Error::io(Class::Input, "read", &job.input, &e))?;
        let (checked, mut diags) = nianbao::load(&bytes, opts);
        if checked.is_some() {
            diags.extend(match &book {
                Some(b) => nianbao::chars::missing_glyphs_with(&bytes, b),
                None => nianbao::chars::missing_glyphs(&bytes),
            });
        }
        Ok(diags)
    };
    let bar = progress_bar(jobs.len(), quiet);
    let (mut valid, mut rejected, mut failed, mut warnings, mut worst) = (0, 0, 0, 0, 0u8);
    let threads = args
        .jobs
        .map(|j| j as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let not_started = batch::map_ordered(jobs.len(), threads, &stop, &work, &mut |i, result| {
        let name = jobs[i].input.display().to_string();
        let result = result.unwrap_or_else(|what| {
            Err(Error::new(
                Class::Internal,
                format!("internal error (a bug in nianbao: {what})"),
            ))
        });
        bar.suspend(|| match result {
            Ok(diags) if nianbao::diag::has_errors(&diags) => {
                // Read again for the excerpts: only rejected reports pay for it.
                let source = std::fs::read(&jobs[i].input).ok();
                print_diagnostics(&name, source.as_deref(), &diags, how);
                rejected += 1;
                warnings += diags
                    .iter()
                    .filter(|d| d.severity == nianbao::diag::Severity::Warning)
                    .count();
                worst = worst.max(1);
            }
            Ok(diags) => {
                if args.render.verbose {
                    let source = std::fs::read(&jobs[i].input).ok();
                    print_diagnostics(&name, source.as_deref(), &diags, how);
                }
                valid += 1;
                warnings += diags.len();
            }
            Err(e) => {
                print_operational(&name, &e, how);
                failed += 1;
                worst = 2;
            }
        });
        if worst > 0 && args.fail_fast {
            stop_now.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    let signal = interrupt.load(std::sync::atomic::Ordering::SeqCst);
    if !quiet {
        let secs = t0.elapsed().as_secs_f64();
        match how {
            DiagFormat::Human => {
                let mut line = format!(
                    "batch --check: {}, {valid} valid, {rejected} rejected, {failed} failed",
                    count(jobs.len(), "report")
                );
                if !not_started.is_empty() {
                    let why = if signal != 0 { "interrupted" } else { "--fail-fast" };
                    line += &format!(", {} not started ({why})", not_started.len());
                }
                line += &format!(" in {secs:.1} s; {}; nothing written", count(warnings, "warning"));
                say!("{line}");
            }
            DiagFormat::Json => say!(
                "{}",
                serde_json::json!({ "summary": {"reports": jobs.len(), "valid": valid, "rejected": rejected,
                    "failed": failed, "not_started": not_started.len(), "warnings": warnings, "check": true,
                    "seconds": secs} })
            ),
        }
    }
    if signal != 0 {
        return u8::try_from(128 + signal).unwrap_or(130);
    }
    worst
}

/// Prints what a finished report needs to say: the diagnostics of a rejected report, the
/// error of a failed one, and with `verbose` the warnings and files of a written one.
fn print_record(r: &Record, verbose: bool, how: DiagFormat) {
    let name = r.input.display().to_string();
    match r.status {
        Status::Rejected => {
            // The excerpts come from the file as it is now (read again only for human output;
            // a file changed since is shown as it is, and positions past its end lose the excerpt).
            let source = match how {
                DiagFormat::Human => std::fs::File::open(&r.input)
                    .and_then(nianbao::input::read_limited)
                    .ok(),
                DiagFormat::Json => None,
            };
            print_diagnostics(&name, source.as_deref(), &r.diagnostics, how)
        }
        Status::Failed => {
            print_diagnostics(&name, None, &r.diagnostics, how);
            let e = r
                .error
                .clone()
                .unwrap_or_else(|| Error::new(Class::Internal, "failed without an error"));
            print_operational(&name, &e, how);
        }
        Status::Written if verbose => {
            print_diagnostics(&name, None, &r.diagnostics, how);
            if how == DiagFormat::Human {
                for p in &r.outputs {
                    say!("wrote {}", p.display());
                }
            }
        }
        Status::Written | Status::Skipped => {}
    }
}

/// Makes SIGINT and SIGTERM ask the batch to stop (the returned flag takes the signal's
/// number); a second signal ends the process at once with status 128 + its number.
fn on_signals() -> Arc<AtomicUsize> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let interrupt = Arc::new(AtomicUsize::new(0));
    let again = Arc::new(AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        // Registration fails only for forbidden signals; without it, the default applies.
        let _ = signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&again));
        let _ = signal_hook::flag::register(sig, Arc::clone(&again));
        let _ = signal_hook::flag::register_usize(sig, Arc::clone(&interrupt), sig as usize);
    }
    interrupt
}

/// How many reports between two [`release_free_memory`] calls.
const TRIM_EVERY: u64 = 64;

/// Gives memory freed by finished reports back to the system. glibc's malloc raises its mmap
/// threshold after the first large buffers are freed, so later PDF buffers come from the heap
/// and its free pages are kept: without this, resident memory of a PDF + DOCX batch grows by
/// about 7 KB a report (126 MB after 10,000 reports); with it, 44 MB → 55 MB (the manifest). A fixed mmap
/// threshold would also keep it flat, but costs about 8 ms of page faults a report.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free pages of the allocator's own heaps to the
        // system; it is thread-safe and has no preconditions.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// 「1 report」, 「2 reports」.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
