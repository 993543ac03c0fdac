//! The `nianbao` command line: parses arguments, calls the library, prints diagnostics,
//! sets the exit status (0 success, warnings allowed; 1 input rejected; 2 operational failure).

mod batch_cli;
mod fonts_cli;
mod import_cli;
mod init_cli;
mod render_cli;
mod validate_cli;

use render_cli::{render_one, RenderArgs};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use nianbao::diag::{Diagnostic, Severity};
use nianbao::error::{Class, Error};
use nianbao::validate::Options;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_STATUS: &str = "EXIT STATUS:
    0  success (warnings allowed); also when standard output is closed early (`| head`)
    1  input rejected: at least one report has an error; no output file was written for it
    2  operational failure: a file missing or unreadable, an output not writable, fonts
       unusable, bad arguments, or a bug (with --diagnostics json each says its class:
       input, output, font, argument or internal)
  130  batch interrupted by Ctrl-C (SIGINT; 143 for SIGTERM); the reports started were finished";

/// Prints a line on standard error. A closed or broken standard error is ignored: there is
/// nowhere left to say anything, and the exit status still tells.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

#[derive(Parser)]
#[command(name = "nianbao", version, about = "政府信息公开工作年度报告: validate JSON reports and typeset them to GB/T 9704 PDF and DOCX", after_help = EXIT_STATUS)]
struct Cli {
    /// How diagnostics are printed on standard error: `human`, or `json` (one JSON object per line)
    #[arg(long, global = true, value_enum, default_value_t = DiagFormat::Human)]
    diagnostics: DiagFormat,
    /// Print only problems (errors and warnings): no `ok:` lines, notes, progress or summaries
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiagFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    #[value(name = "2019")]
    F2019,
    #[value(name = "2021")]
    F2021,
}

#[derive(Subcommand)]
enum Command {
    /// Check reports against the statute's schema and identities; folders are searched
    /// recursively for *.json (checked in parallel, with a summary); `-` reads standard input
    #[command(after_help = EXIT_STATUS)]
    Validate {
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// Archive mode: identity failures (I-1…I-4) are warnings, numbers are kept as published
        #[arg(long)]
        as_published: bool,
        /// Cross-check findings (X-…: prose against tables, year against year) are errors
        #[arg(long)]
        strict: bool,
        /// Any warning makes the exit status 1 (for pipelines)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Check an archive year against year: each agency's 上年结转 against last year's
    /// 结转下年度, 现行有效件数, missing and duplicate years (folders searched for *.json)
    #[command(after_help = EXIT_STATUS)]
    CheckSeries {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Findings are errors (X-in-force stays a warning)
        #[arg(long)]
        strict: bool,
    },
    /// Print a complete skeleton report (every key, all zeros) that validates as it is, or
    /// next year's report begun from last year's (--from)
    #[command(after_help = init_cli::INIT_HELP)]
    Init(init_cli::InitArgs),
    /// Print the JSON Schema (draft 2020-12) of the input contract
    Schema,
    /// Typeset a report to PDF, DOCX and/or HTML (PDF and DOCX when no format is named)
    #[command(after_help = EXIT_STATUS)]
    Render {
        /// The report (JSON); `-` reads standard input
        file: PathBuf,
        /// The output, as with -o (`render report.json out/report.pdf`, in typst's order)
        #[arg(value_name = "OUTPUT", conflicts_with = "output")]
        out: Option<PathBuf>,
        /// Output file or folder (a path ending in / or an existing folder); `-` writes the
        /// single requested format to standard output (not to a terminal). Default: beside
        /// the input, same stem
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Typeset many reports (folders, files, or a list on standard input) into a mirrored tree
    #[command(after_help = batch_cli::BATCH_HELP)]
    Batch(batch_cli::BatchArgs),
    /// Convert published reports (HTML pages, Word .docx) into JSON in the input contract
    #[command(after_help = import_cli::IMPORT_HELP)]
    Import(import_cli::ImportArgs),
    /// List the font that serves each role, its file and where it was found; with --check,
    /// the characters of a report that no font has
    #[command(after_help = fonts_cli::FONTS_HELP)]
    Fonts(fonts_cli::FontsArgs),
    /// Print a shell completion script (`nianbao completions bash > ~/.local/share/bash-completion/completions/nianbao`)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output
    #[command(hide = true)]
    Manpage,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return ExitCode::from(argument_error(e)),
    };
    let code = match cli.command {
        Command::Validate {
            files,
            as_published,
            strict,
            deny_warnings,
        } => validate(
            &files,
            Options { as_published, strict },
            deny_warnings,
            cli.diagnostics,
            cli.quiet,
        ),
        Command::CheckSeries { inputs, strict } => check_series(&inputs, strict, cli.diagnostics),
        Command::Init(args) => init_cli::run(&args, cli.diagnostics),
        Command::Schema => print_json(&nianbao::schema::json_schema()),
        Command::Render {
            file,
            out,
            output,
            render,
        } => render_one(&file, output.or(out).as_deref(), &render, cli.diagnostics, cli.quiet),
        Command::Batch(args) => batch_cli::run(&args, cli.diagnostics, cli.quiet),
        Command::Import(args) => import_cli::run(&args, cli.diagnostics),
        Command::Fonts(args) => fonts_cli::run(&args, cli.diagnostics, cli.quiet),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "nianbao", &mut out);
            write_stdout(&out)
        }
        Command::Manpage => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => write_stdout(&out),
                Err(e) => {
                    say!("error: failed to write the manual page ({e})");
                    2
                }
            }
        }
    };
    ExitCode::from(code)
}

/// A command line clap refuses: usage text and exit 2, or under `--diagnostics json` one
/// JSON line of class `argument` (exit 2). `--help` and `--version` print as usual (exit 0).
fn argument_error(e: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return 0;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().enumerate().any(|(i, a)| {
        a == "--diagnostics=json" || (a == "--diagnostics" && args.get(i + 1).is_some_and(|v| v == "json"))
    });
    if json {
        let text = e.render().to_string();
        let message = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("invalid arguments")
            .trim_start_matches("error: ")
            .to_string();
        print_operational("arguments", &Error::new(Class::Argument, message), DiagFormat::Json);
    } else {
        let _ = e.print();
    }
    2
}

/// Prints a JSON document on standard output. Standard output closed early by its reader
/// (`nianbao schema | head -1`) is not a failure: nothing more is wanted (exit 0).
fn print_json(v: &serde_json::Value) -> u8 {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    write_stdout(format!("{text}\n").as_bytes())
}

/// Writes bytes on standard output: 0, also when the reader has gone (broken pipe, as
/// ripgrep does); 2 with a message for any other failure.
fn write_stdout(bytes: &[u8]) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            say!("error: failed to write standard output ({e})");
            2
        }
    }
}

/// Reads a file, or standard input for `-` (no more than the input limit and one byte).
fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    if path.as_os_str() == "-" {
        nianbao::input::read_limited(std::io::stdin().lock())
            .map_err(|e| Error::new(Class::Input, format!("failed to read standard input ({e})")))
    } else {
        std::fs::File::open(path)
            .and_then(nianbao::input::read_limited)
            .map_err(|e| Error::io(Class::Input, "read", path, &e))
    }
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// `validate`: every report's diagnostics (folders searched for *.json, the reports checked
/// in parallel and printed in order), a line `ok: FILE (2021 format, N warnings)` on standard
/// output for each report named on the command line without errors, then the series among
/// them, and a summary line when there were several reports or a folder (not with `quiet`).
fn validate(files: &[PathBuf], opts: Options, deny_warnings: bool, how: DiagFormat, quiet: bool) -> u8 {
    let t0 = std::time::Instant::now();
    let (inputs, folders) = validate_cli::expand(files);
    let mut worst = 0;
    let mut tally = validate_cli::Tally::default();
    let mut series = Vec::new();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let work = |i: usize| {
        let input: &validate_cli::Input = &inputs[i];
        match &input.problem {
            Some(p) => Err(p.clone()),
            None => read_input(&input.path).map(|bytes| {
                let (checked, diags) = nianbao::load_checking_glyphs(&bytes, opts);
                (bytes, checked, diags)
            }),
        }
    };
    nianbao::batch::map_ordered(inputs.len(), threads, &|| false, &work, &mut |i, result| {
        let input = &inputs[i];
        let name = display_name(&input.path);
        let loaded = result.unwrap_or_else(|what| {
            Err(Error::new(
                Class::Internal,
                format!("internal error (a bug in nianbao: {what})"),
            ))
        });
        let (bytes, checked, diags) = match loaded {
            Ok(x) => x,
            Err(e) => {
                print_operational(&name, &e, how);
                worst = worst.max(2);
                tally.failed += 1;
                return;
            }
        };
        print_diagnostics(&name, Some(&bytes), &diags, how);
        let warnings = diags.iter().filter(|d| d.severity == Severity::Warning).count();
        tally.warnings += warnings;
        if nianbao::diag::has_errors(&diags) || (deny_warnings && warnings > 0) {
            print_count(&name, &diags, how);
            worst = worst.max(1);
            tally.rejected += 1;
        } else {
            tally.ok += 1;
            if let (Some(c), DiagFormat::Human, true, false) = (&checked, how, input.named, quiet) {
                let plural = if warnings == 1 { "" } else { "s" };
                println!("ok: {name} ({} format, {warnings} warning{plural})", c.report.format);
            }
        }
        series.extend(checked.map(|c| (name, nianbao::crosscheck::series::Entry::of(&c))));
    });
    let series_worst = print_series(&series, opts.strict || deny_warnings, how);
    if !quiet && how == DiagFormat::Human && (folders || inputs.len() > 1) {
        say!("{}", tally.line(t0.elapsed()));
    }
    worst.max(series_worst)
}

/// Year-to-year findings over the reports read; returns 1 when one is an error.
fn print_series(reports: &[(String, nianbao::crosscheck::series::Entry)], strict: bool, how: DiagFormat) -> u8 {
    let mut worst = 0;
    for f in nianbao::crosscheck::series::check(reports, strict) {
        print_diagnostics(&f.file, None, std::slice::from_ref(&f.diagnostic), how);
        if f.diagnostic.severity == Severity::Error {
            worst = 1;
        }
    }
    worst
}

/// `check-series`: reads every report (as published), then checks the series only.
fn check_series(inputs: &[PathBuf], strict: bool, how: DiagFormat) -> u8 {
    let opts = Options {
        as_published: true,
        strict: false,
    };
    let mut worst = 0;
    let mut reports = Vec::new();
    for job in nianbao::batch::collect(inputs, Path::new("")) {
        let name = display_name(&job.input);
        if let Some(p) = job.problem {
            print_operational(&name, &p, how);
            worst = 2;
            continue;
        }
        let bytes = match read_input(&job.input) {
            Ok(b) => b,
            Err(e) => {
                print_operational(&name, &e, how);
                worst = 2;
                continue;
            }
        };
        match nianbao::load(&bytes, opts) {
            (Some(c), d) if !nianbao::diag::has_errors(&d) => {
                reports.push((name, nianbao::crosscheck::series::Entry::of(&c)))
            }
            (_, d) => {
                print_diagnostics(&name, Some(&bytes), &d, how);
                print_count(&name, &d, how);
                worst = worst.max(1);
            }
        }
    }
    worst.max(print_series(&reports, strict, how))
}

/// Prints an operational failure of the report (or run) `file`. In JSON: `class` says what
/// failed, `path` the file that failed when known; `rule` is `io` for an input or output
/// that could not be read or written, else the class.
fn print_operational(file: &str, e: &Error, how: DiagFormat) {
    match how {
        DiagFormat::Human => say!("{file}: error: {}", e.message),
        DiagFormat::Json => {
            let rule = match e.class {
                Class::Input | Class::Output => "io",
                c => c.name(),
            };
            let mut v = serde_json::json!({"file": file, "severity": "error", "class": e.class, "rule": rule,
                "locus": {"kind": "input"}, "location": "input", "message": e.message, "hint": e.class.hint()});
            if let Some(p) = &e.path {
                v["path"] = p.to_string_lossy().into();
                v["location"] = p.to_string_lossy().into();
            }
            say!("{v}");
        }
    }
}

/// Prints the diagnostics of the report `file`. Human: each in the compiler grammar
/// (`file:line:col: error[rule]: …`) with, when `source` (the input's bytes) is given, the
/// source line and a caret; coloured on a terminal unless `NO_COLOR` is set. JSON: one object
/// per line with `severity`, `class`, `rule`, `locus`, `location`, `message`, `hint`, `notes`,
/// `related`, `file`, and `line`, `column`, `json_path`, `cell` where known.
fn print_diagnostics(file: &str, source: Option<&[u8]>, diags: &[Diagnostic], how: DiagFormat) {
    use nianbao::diag::render;
    let mut err = std::io::stderr().lock();
    let colour = how == DiagFormat::Human && render::colour_stderr();
    let src = source.and_then(render::Source::of);
    for d in diags {
        let _ = match how {
            DiagFormat::Human => write!(err, "{}", render::human(file, src.as_ref(), d, colour)),
            DiagFormat::Json => writeln!(err, "{}", diagnostic_json(file, d)),
        };
    }
}

/// One diagnostic as the JSON object `--diagnostics json` prints.
fn diagnostic_json(file: &str, d: &Diagnostic) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    v["file"] = file.into();
    v["class"] = Class::Input.name().into();
    v["location"] = d.locus.to_string().into();
    if let Some(p) = d.locus.pos() {
        v["line"] = p.line.into();
        v["column"] = p.column.into();
    }
    if let Some(p) = d.locus.json_path() {
        v["json_path"] = p.into();
    }
    if let Some(c) = d.locus.cell().or_else(|| d.cell.clone()) {
        v["cell"] = c.into();
    }
    if !d.related.is_empty() {
        v["related"] = d.related.iter().map(place_json).collect();
    }
    v
}

/// A place that takes part in a diagnostic: `cell`, `json_path`, `line`, `column` as known.
fn place_json(l: &nianbao::diag::Locus) -> serde_json::Value {
    let mut v = serde_json::json!({"location": l.to_string()});
    if let Some(c) = l.cell() {
        v["cell"] = c.into();
    }
    if let Some(p) = l.json_path() {
        v["json_path"] = p.into();
    }
    if let Some(p) = l.pos() {
        v["line"] = p.line.into();
        v["column"] = p.column.into();
    }
    v
}

/// After a rejected report's diagnostics (human output): `error: 3 errors, 1 warning in FILE`.
fn print_count(file: &str, diags: &[Diagnostic], how: DiagFormat) {
    if how == DiagFormat::Human {
        let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
        let colour = nianbao::diag::render::colour_stderr();
        let line = nianbao::diag::render::count_line(file, errors, diags.len() - errors, colour);
        let _ = write!(std::io::stderr().lock(), "{line}");
    }
}
