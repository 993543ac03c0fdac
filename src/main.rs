//! The `nianbao` command line: parses arguments, calls the library, prints diagnostics,
//! sets the exit status (0 success, warnings allowed; 1 input rejected; 2 operational failure).

mod batch_cli;
mod import_cli;

use clap::{Parser, Subcommand, ValueEnum};
use nianbao::diag::{Diagnostic, Severity};
use nianbao::error::{Class, Error};
use nianbao::template::Format;
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
    /// Check reports against the statute's schema and identities; `-` reads standard input
    #[command(after_help = EXIT_STATUS)]
    Validate {
        #[arg(required = true)]
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
    /// Print a complete skeleton report (every key, all zeros) that validates as it is
    Init {
        /// The statute format; default by --year (2019 for 2019–2020, else 2021), 2021 without
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        #[arg(long)]
        year: Option<i64>,
        #[arg(long)]
        agency: Option<String>,
    },
    /// Print the JSON Schema (draft 2020-12) of the input contract
    Schema,
    /// Typeset a report to PDF, DOCX and/or HTML (PDF and DOCX when no format is named)
    #[command(after_help = EXIT_STATUS)]
    Render {
        /// The report (JSON); `-` reads standard input
        file: PathBuf,
        /// Output file or folder (a path ending in / or an existing folder); `-` writes the
        /// single requested format to standard output. Default: beside the input, same stem
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
}

/// `--pdf-standard` values.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StandardArg {
    /// PDF/A-2a and PDF/UA-1 together (the default when the text allows it)
    #[value(name = "a2a-ua1")]
    A2aUa1,
    /// PDF/A-2a: archival, tagged
    A2a,
    /// PDF/A-2u: archival, Unicode text
    A2u,
    /// PDF/A-2b: archival, appearance only
    A2b,
    /// PDF/UA-1: accessible
    Ua1,
    /// Plain PDF 1.7 (still tagged)
    None,
}

/// What `--embed-fonts` embeds.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EmbedArg {
    /// Subsets of only the characters the report prints
    Subset,
    /// The whole fonts
    Full,
}

/// Said once by `render` when it writes a DOCX without embedded fonts.
const NO_EMBED_NOTE: &str = "note: the DOCX names the official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312); on a machine without them Word and WPS substitute similar fonts and LibreOffice its defaults, so lines and pages may break differently; --embed-fonts embeds subsets of the bundled fonts with only the characters used (well under 1 MB), so it looks the same everywhere";

/// Options shared by `render` and `batch`.
#[derive(clap::Args, Clone)]
struct RenderArgs {
    /// Write PDF
    #[arg(long)]
    pdf: bool,
    /// Write DOCX
    #[arg(long)]
    docx: bool,
    /// Write HTML: one self-contained page for the government portal (no script, no external
    /// resource)
    #[arg(long)]
    html: bool,
    /// Write HTML as a fragment: only the report's <div> with its scoped styles, to paste into
    /// a CMS editor's source view (written as .html)
    #[arg(long, conflicts_with = "html")]
    html_fragment: bool,
    /// Archive mode: identity failures (I-1…I-4) are warnings, numbers are kept as published
    #[arg(long)]
    as_published: bool,
    /// The standards the PDF claims (every PDF is tagged): a2a-ua1, a2a, a2u, a2b, ua1, none;
    /// default: a2a-ua1, or a2b when the text holds a private-use character (with a warning)
    #[arg(long, value_enum, value_name = "STANDARD")]
    pdf_standard: Option<StandardArg>,
    /// Write plain PDF: the same as --pdf-standard none
    #[arg(long, conflicts_with = "pdf_standard")]
    no_pdfa: bool,
    /// The bundled fonts folder (default: found beside the program, or $NIANBAO_FONTS)
    #[arg(long, value_name = "DIR")]
    fonts: Option<PathBuf>,
    /// A folder searched for fonts named with --font (repeatable)
    #[arg(long, value_name = "DIR")]
    font_dir: Vec<PathBuf>,
    /// Replace a role's font: ROLE=NAME or ROLE=FILE; roles: title, body, heading1, heading2,
    /// song, latin; names are matched against the fonts' name tables, Chinese names included
    #[arg(long, value_name = "ROLE=FONT")]
    font: Vec<nianbao::text::fonts::RoleOverride>,
    /// Embed the fonts in the DOCX (obfuscated, as Word does), so that it shows the bundled
    /// fonts where the official ones are missing: `--embed-fonts` (or `=subset`) embeds only
    /// the characters used (well under 1 MB), `--embed-fonts=full` the whole fonts (about 13 MB)
    #[arg(long, value_enum, value_name = "WHAT", num_args = 0..=1, require_equals = true, default_missing_value = "subset")]
    embed_fonts: Option<EmbedArg>,
    /// Say which font served each role and which characters fell back to another font
    #[arg(short, long)]
    verbose: bool,
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
        } => validate(&files, Options { as_published, strict }, deny_warnings, cli.diagnostics),
        Command::CheckSeries { inputs, strict } => check_series(&inputs, strict, cli.diagnostics),
        Command::Init { format, year, agency } => {
            let f = match format {
                Some(FormatArg::F2019) => Format::F2019,
                Some(FormatArg::F2021) => Format::F2021,
                None => year.map_or(Format::F2021, Format::for_year),
            };
            if let Some(y) = year {
                if !(2008..=2100).contains(&y) {
                    let e = Error::new(Class::Argument, "--year must be between 2008 and 2100");
                    print_operational("init", &e, cli.diagnostics);
                    return ExitCode::from(2);
                }
            }
            print_json(&nianbao::init::skeleton(f, year, agency.as_deref()))
        }
        Command::Schema => print_json(&nianbao::schema::json_schema()),
        Command::Render { file, output, render } => render_one(&file, output.as_deref(), &render, cli.diagnostics),
        Command::Batch(args) => batch_cli::run(&args, cli.diagnostics),
        Command::Import(args) => import_cli::run(&args, cli.diagnostics),
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

/// `validate`: every file's diagnostics, a line `ok: FILE (2021 format, N warnings)` on
/// standard output for each report without errors, then the series among them.
fn validate(files: &[PathBuf], opts: Options, deny_warnings: bool, how: DiagFormat) -> u8 {
    let mut worst = 0;
    let mut series = Vec::new();
    for path in files {
        let name = display_name(path);
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                print_operational(&name, &e, how);
                worst = worst.max(2);
                continue;
            }
        };
        let (checked, diags) = nianbao::load_checking_glyphs(&bytes, opts);
        print_diagnostics(&name, &diags, how);
        let warnings = diags.iter().filter(|d| d.severity == Severity::Warning).count();
        if nianbao::diag::has_errors(&diags) || (deny_warnings && warnings > 0) {
            worst = worst.max(1);
        } else if let (Some(c), DiagFormat::Human) = (&checked, how) {
            let plural = if warnings == 1 { "" } else { "s" };
            println!("ok: {name} ({} format, {warnings} warning{plural})", c.report.format);
        }
        series.extend(checked.map(|c| (name, nianbao::crosscheck::series::Entry::of(&c))));
    }
    let series_worst = print_series(&series, opts.strict || deny_warnings, how);
    worst.max(series_worst)
}

/// Year-to-year findings over the reports read; returns 1 when one is an error.
fn print_series(reports: &[(String, nianbao::crosscheck::series::Entry)], strict: bool, how: DiagFormat) -> u8 {
    let mut worst = 0;
    for f in nianbao::crosscheck::series::check(reports, strict) {
        print_diagnostics(&f.file, std::slice::from_ref(&f.diagnostic), how);
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
                print_diagnostics(&name, &d, how);
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

fn print_diagnostics(file: &str, diags: &[Diagnostic], how: DiagFormat) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = match how {
            DiagFormat::Human => {
                let sev = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let hint = d.hint.as_deref().map(|h| format!("\n  hint: {h}")).unwrap_or_default();
                writeln!(err, "{file}: {sev}[{}]: {}: {}{hint}", d.rule, d.locus, d.message)
            }
            DiagFormat::Json => {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                v["file"] = file.into();
                v["class"] = Class::Input.name().into();
                v["location"] = d.locus.to_string().into();
                writeln!(err, "{v}")
            }
        };
    }
}

impl RenderArgs {
    fn pdf_standard(&self) -> nianbao::export::pdf::PdfStandard {
        use nianbao::export::pdf::PdfStandard as S;
        match (self.pdf_standard, self.no_pdfa) {
            (_, true) | (Some(StandardArg::None), _) => S::None,
            (None, false) => S::Best,
            (Some(StandardArg::A2aUa1), _) => S::A2aUa1,
            (Some(StandardArg::A2a), _) => S::A2a,
            (Some(StandardArg::A2u), _) => S::A2u,
            (Some(StandardArg::A2b), _) => S::A2b,
            (Some(StandardArg::Ua1), _) => S::Ua1,
        }
    }

    fn font_config(&self) -> nianbao::text::fonts::FontConfig {
        nianbao::text::fonts::FontConfig {
            bundled: self.fonts.clone(),
            dirs: self.font_dir.clone(),
            overrides: self.font.clone(),
        }
    }

    /// Loads the fonts the job needs (none for a plain DOCX or HTML) and builds the render
    /// options.
    fn prepare(
        &self,
        pdf: bool,
        docx: bool,
        html: bool,
    ) -> Result<(nianbao::text::fonts::FontBook, nianbao::render::RenderOptions), Error> {
        let config = self.font_config();
        let embed = match self.embed_fonts {
            _ if !docx => nianbao::render::Embedding::None,
            None => nianbao::render::Embedding::None,
            Some(EmbedArg::Subset) => nianbao::render::Embedding::Subset,
            Some(EmbedArg::Full) => nianbao::render::Embedding::Full,
        };
        let fonts = if pdf || embed != nianbao::render::Embedding::None {
            nianbao::text::fonts::FontBook::load(&config).map_err(|e| Error::new(Class::Font, e.0))?
        } else {
            nianbao::text::fonts::FontBook::empty()
        };
        let docx_options = nianbao::render::docx_options(&config, &fonts, embed)?;
        let html = html.then_some(if self.html_fragment {
            nianbao::export::html::HtmlMode::Fragment
        } else {
            nianbao::export::html::HtmlMode::Document
        });
        let opts = nianbao::render::RenderOptions {
            pdf,
            docx,
            html,
            check: Options {
                as_published: self.as_published,
                ..Default::default()
            },
            pdf_options: nianbao::export::pdf::PdfOptions {
                standard: self.pdf_standard(),
            },
            docx_options,
        };
        Ok((fonts, opts))
    }
}

/// An output format of `render` and `batch`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OutFormat {
    Pdf,
    Docx,
    Html,
}

impl OutFormat {
    const ALL: [OutFormat; 3] = [OutFormat::Pdf, OutFormat::Docx, OutFormat::Html];

    fn ext(self) -> &'static str {
        match self {
            OutFormat::Pdf => "pdf",
            OutFormat::Docx => "docx",
            OutFormat::Html => "html",
        }
    }

    fn name(self) -> &'static str {
        match self {
            OutFormat::Pdf => "PDF",
            OutFormat::Docx => "DOCX",
            OutFormat::Html => "HTML",
        }
    }

    /// The format an `-o` extension names (`.htm` is HTML too).
    fn of_extension(ext: &str) -> Option<OutFormat> {
        match ext {
            "pdf" => Some(OutFormat::Pdf),
            "docx" => Some(OutFormat::Docx),
            "html" | "htm" => Some(OutFormat::Html),
            _ => None,
        }
    }
}

/// The formats asked for on the command line, in [`OutFormat::ALL`] order.
fn wanted(args: &RenderArgs) -> Vec<OutFormat> {
    let html = args.html || args.html_fragment;
    OutFormat::ALL
        .into_iter()
        .zip([args.pdf, args.docx, html])
        .filter_map(|(f, on)| on.then_some(f))
        .collect()
}

/// Where each requested format goes.
enum Target {
    /// Standard output: exactly one format.
    Stdout(OutFormat),
    /// A character device or named pipe (`/dev/stdout`, a FIFO): one format, written into it.
    Stream(PathBuf, OutFormat),
    Files(Vec<(OutFormat, PathBuf)>),
}

/// The output paths of `render`. An `-o` extension (`.pdf`, `.docx`, `.html`) chooses the
/// format when none is named, and contradicting the named formats is an argument error; a
/// stream takes exactly one format. No format named and no extension: PDF and DOCX.
fn targets(input: &Path, output: Option<&Path>, want: &[OutFormat]) -> Result<Target, Error> {
    let stdin = input.as_os_str() == "-";
    let stem = if stdin {
        "report".to_string()
    } else {
        input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into())
    };
    let mut formats = want.to_vec();
    let argument = |m: String| Error::new(Class::Argument, m);
    let one = |formats: &[OutFormat]| match formats {
        [f] => Some(*f),
        _ => None,
    };
    // `-o` naming one format by its extension: that exact path (`r.htm` stays `r.htm`).
    let mut exact: Option<PathBuf> = None;
    let base: PathBuf = match output {
        Some(o) if o.as_os_str().is_empty() => return Err(argument("-o needs a path".into())),
        Some(o) if o.as_os_str() == "-" => {
            return match one(&formats) {
                Some(f) => Ok(Target::Stdout(f)),
                None => Err(argument(
                    "-o - writes one format to standard output: add one of --pdf, --docx, --html".into(),
                )),
            };
        }
        Some(o) if o.to_string_lossy().ends_with('/') || o.is_dir() => o.join(&stem),
        Some(o) => {
            let ext = o.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            let named = ext.as_deref().and_then(OutFormat::of_extension);
            if let Some(f) = named {
                if let Some(other) = formats.iter().find(|&&w| w != f) {
                    return Err(argument(format!(
                        "-o {} names a {}, but --{} asks for a {}: name a folder, or a path without extension for several formats",
                        o.display(),
                        f.name(),
                        other.ext(),
                        other.name()
                    )));
                }
                formats = vec![f];
            }
            if nianbao::output::is_stream(o) {
                return match one(&formats) {
                    Some(f) => Ok(Target::Stream(o.to_path_buf(), f)),
                    None => Err(argument(format!(
                        "{} is a stream (a device or a pipe): it takes one format; add one of --pdf, --docx, --html",
                        o.display()
                    ))),
                };
            }
            if named.is_some() {
                exact = Some(o.to_path_buf());
            }
            o.to_path_buf()
        }
        None if stdin => {
            return Err(argument(
                "a report read from standard input needs -o FILE, -o DIR/ or -o -".into(),
            ))
        }
        None => input.with_file_name(&stem),
    };
    if formats.is_empty() {
        formats = vec![OutFormat::Pdf, OutFormat::Docx];
    }
    let with = |ext: &str| {
        let mut p = base.clone().into_os_string();
        p.push(".");
        p.push(ext);
        PathBuf::from(p)
    };
    let files: Vec<(OutFormat, PathBuf)> = formats
        .into_iter()
        .map(|f| (f, exact.clone().unwrap_or_else(|| with(f.ext()))))
        .collect();
    for (_, p) in &files {
        if !stdin && same_file(p, input) {
            return Err(Error::at(
                Class::Output,
                p,
                format!("refusing to overwrite the input {}", input.display()),
            ));
        }
        if nianbao::output::is_stream(p) {
            return Err(argument(format!(
                "{} is a stream (a device or a pipe): name it with -o and one of --pdf, --docx, --html",
                p.display()
            )));
        }
    }
    Ok(Target::Files(files))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn render_one(input: &Path, output: Option<&Path>, args: &RenderArgs, how: DiagFormat) -> u8 {
    let name = display_name(input);
    let target = match targets(input, output, &wanted(args)) {
        Ok(t) => t,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let formats: Vec<OutFormat> = match &target {
        Target::Stdout(f) | Target::Stream(_, f) => vec![*f],
        Target::Files(files) => files.iter().map(|(f, _)| *f).collect(),
    };
    let has = |f: OutFormat| formats.contains(&f);
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let (fonts, opts) = match args.prepare(has(OutFormat::Pdf), has(OutFormat::Docx), has(OutFormat::Html)) {
        Ok(x) => x,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let mut diags = Vec::new();
    let result = nianbao::render::render(&bytes, &fonts, &opts, &mut diags);
    print_diagnostics(&name, &diags, how);
    let mut out = match result {
        Ok(o) => o,
        Err(nianbao::render::RenderError::Rejected) => return 1,
        Err(nianbao::render::RenderError::Failed(e)) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    if args.verbose && has(OutFormat::Pdf) {
        print_font_use(&fonts, &out);
    }
    if out.docx.is_some() && args.embed_fonts.is_none() && how == DiagFormat::Human {
        say!("{NO_EMBED_NOTE}");
    }
    let mut take = |f: OutFormat| {
        match f {
            OutFormat::Pdf => out.pdf.take(),
            OutFormat::Docx => out.docx.take(),
            OutFormat::Html => out.html.take(),
        }
        .unwrap_or_default()
    };
    let written = match target {
        Target::Stdout(f) => return write_stdout(&take(f)),
        Target::Stream(p, f) => match nianbao::output::write_stream(&p, &take(f)) {
            // The reader of a pipe went away: as for standard output, nothing more is wanted.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| Error::io(Class::Output, "write", &p, &e)),
        },
        Target::Files(files) => files.into_iter().try_for_each(|(f, p)| {
            let b = take(f);
            // Temporaries of this file left by a killed run (whose process is gone).
            nianbao::output::clean_temporaries_of(&p, nianbao::output::Sweep::Local);
            nianbao::output::write_atomic(&p, &b)?;
            if args.verbose {
                say!("wrote {} ({} bytes)", p.display(), b.len());
            }
            Ok(())
        }),
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            print_operational(&name, &e, how);
            2
        }
    }
}

fn print_font_use(fonts: &nianbao::text::fonts::FontBook, out: &nianbao::render::Rendered) {
    for role in nianbao::style::Role::ALL {
        let chain: Vec<String> = fonts
            .chains
            .get(&role)
            .into_iter()
            .flatten()
            .filter_map(|&i| fonts.faces.get(i))
            .map(|f| format!("{} ({})", f.family, f.path.display()))
            .collect();
        say!("font {}: {}", role.name(), chain.join(" → "));
    }
    let mut by_face: std::collections::BTreeMap<String, String> = Default::default();
    for (ch, face) in &out.fallbacks {
        by_face
            .entry(format!("{} ({})", face.family, face.path.display()))
            .or_default()
            .push(*ch);
    }
    for (face, chars) in by_face {
        say!("fallback to {face}: {chars}");
    }
    if !out.missing.is_empty() {
        say!(
            "no font has: {} (printed as boxes)",
            out.missing.iter().collect::<String>()
        );
    }
}
