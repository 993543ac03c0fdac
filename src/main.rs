//! The `nianbao` command line: parses arguments, calls the library, prints diagnostics,
//! sets the exit status (0 success, warnings allowed; 1 input rejected; 2 operational failure).

mod batch_cli;
mod import_cli;

use clap::{Parser, Subcommand, ValueEnum};
use nianbao::diag::{Diagnostic, Severity};
use nianbao::template::Format;
use nianbao::validate::Options;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_STATUS: &str = "EXIT STATUS:
  0  success (warnings allowed)
  1  input rejected: at least one report has an error; no output file was written for it
  2  operational failure: a file missing or unreadable, an output not writable, fonts unusable";

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
    },
    /// Print a complete skeleton report (every key, all zeros) that validates as it is
    Init {
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long)]
        year: Option<i64>,
        #[arg(long)]
        agency: Option<String>,
    },
    /// Print the JSON Schema (draft 2020-12) of the input contract
    Schema,
    /// Typeset a report to PDF and/or DOCX (both when neither --pdf nor --docx is given)
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

/// Options shared by `render` and `batch`.
#[derive(clap::Args, Clone)]
struct RenderArgs {
    /// Write PDF
    #[arg(long)]
    pdf: bool,
    /// Write DOCX
    #[arg(long)]
    docx: bool,
    /// Archive mode: identity failures (I-1…I-4) are warnings, numbers are kept as published
    #[arg(long)]
    as_published: bool,
    /// Write plain PDF instead of PDF/A-2b
    #[arg(long)]
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
    /// Embed the fonts in the DOCX (obfuscated, as Word does; about 13 MB), so that it shows
    /// the bundled fonts where the official ones are missing
    #[arg(long)]
    embed_fonts: bool,
    /// Say which font served each role and which characters fell back to another font
    #[arg(short, long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate { files, as_published } => validate(&files, Options { as_published }, cli.diagnostics),
        Command::Init { format, year, agency } => {
            let f = match format {
                FormatArg::F2019 => Format::F2019,
                FormatArg::F2021 => Format::F2021,
            };
            if let Some(y) = year {
                if !(2008..=2100).contains(&y) {
                    eprintln!("error: --year must be between 2008 and 2100");
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

fn print_json(v: &serde_json::Value) -> u8 {
    let mut out = std::io::stdout().lock();
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    match writeln!(out, "{text}") {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: failed to write standard output ({e})");
            2
        }
    }
}

/// Reads a file, or standard input for `-`.
fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("failed to read standard input ({e})"))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| format!("failed to read {} ({e})", path.display()))
    }
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn validate(files: &[PathBuf], opts: Options, how: DiagFormat) -> u8 {
    let mut worst = 0;
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
        let (_, diags) = nianbao::load(&bytes, opts);
        print_diagnostics(&name, &diags, how);
        if nianbao::diag::has_errors(&diags) {
            worst = worst.max(1);
        }
    }
    worst
}

fn print_operational(file: &str, message: &str, how: DiagFormat) {
    match how {
        DiagFormat::Human => eprintln!("{file}: error: {message}"),
        DiagFormat::Json => eprintln!(
            "{}",
            serde_json::json!({"file": file, "severity": "error", "rule": "io", "locus": {"kind": "input"},
                "location": "input", "message": message, "hint": "check the path and its permissions"})
        ),
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
                v["location"] = d.locus.to_string().into();
                writeln!(err, "{v}")
            }
        };
    }
}

impl RenderArgs {
    fn font_config(&self) -> nianbao::text::fonts::FontConfig {
        nianbao::text::fonts::FontConfig {
            bundled: self.fonts.clone(),
            dirs: self.font_dir.clone(),
            overrides: self.font.clone(),
        }
    }

    /// Loads the fonts the job needs (none for a plain DOCX) and builds the render options.
    fn prepare(
        &self,
        pdf: bool,
        docx: bool,
    ) -> Result<(nianbao::text::fonts::FontBook, nianbao::render::RenderOptions), String> {
        let config = self.font_config();
        let embed = docx && self.embed_fonts;
        let fonts = if pdf || embed {
            nianbao::text::fonts::FontBook::load(&config).map_err(|e| e.0)?
        } else {
            nianbao::text::fonts::FontBook::empty()
        };
        let docx_options = nianbao::render::docx_options(&config, &fonts, embed)?;
        let opts = nianbao::render::RenderOptions {
            pdf,
            docx,
            check: Options {
                as_published: self.as_published,
            },
            pdf_options: nianbao::export::pdf::PdfOptions { pdfa: !self.no_pdfa },
            docx_options,
        };
        Ok((fonts, opts))
    }
}

/// Where each requested format goes.
enum Target {
    Stdout,
    Files {
        pdf: Option<PathBuf>,
        docx: Option<PathBuf>,
    },
}

fn targets(input: &Path, output: Option<&Path>, want_pdf: bool, want_docx: bool) -> Result<Target, String> {
    let stdin = input.as_os_str() == "-";
    let stem = if stdin {
        "report".to_string()
    } else {
        input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into())
    };
    let (mut pdf, mut docx) = (want_pdf, want_docx);
    let base: PathBuf = match output {
        Some(o) if o.as_os_str() == "-" => {
            if pdf == docx {
                return Err("-o - writes one format to standard output: add --pdf or --docx".into());
            }
            return Ok(Target::Stdout);
        }
        Some(o) if o.to_string_lossy().ends_with('/') || o.is_dir() => o.join(&stem),
        Some(o) => {
            let ext = o.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            if !pdf && !docx {
                match ext.as_deref() {
                    Some("pdf") => pdf = true,
                    Some("docx") => docx = true,
                    _ => {}
                }
            }
            match ext.as_deref() {
                Some("pdf" | "docx") => o.with_extension(""),
                _ => o.to_path_buf(),
            }
        }
        None if stdin => return Err("a report read from standard input needs -o FILE, -o DIR/ or -o -".into()),
        None => input.with_file_name(&stem),
    };
    if !pdf && !docx {
        pdf = true;
        docx = true;
    }
    let with = |ext: &str| {
        let mut p = base.clone().into_os_string();
        p.push(".");
        p.push(ext);
        PathBuf::from(p)
    };
    let t = Target::Files {
        pdf: pdf.then(|| with("pdf")),
        docx: docx.then(|| with("docx")),
    };
    if let Target::Files { pdf, docx } = &t {
        for p in pdf.iter().chain(docx.iter()) {
            if !stdin && same_file(p, input) {
                return Err(format!("refusing to overwrite the input {}", input.display()));
            }
        }
    }
    Ok(t)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn render_one(input: &Path, output: Option<&Path>, args: &RenderArgs, how: DiagFormat) -> u8 {
    let name = display_name(input);
    let target = match targets(input, output, args.pdf, args.docx) {
        Ok(t) => t,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let (pdf, docx) = match &target {
        Target::Stdout => (args.pdf, args.docx),
        Target::Files { pdf, docx } => (pdf.is_some(), docx.is_some()),
    };
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let (fonts, opts) = match args.prepare(pdf, docx) {
        Ok(x) => x,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let mut diags = Vec::new();
    let result = nianbao::render::render(&bytes, &fonts, &opts, &mut diags);
    print_diagnostics(&name, &diags, how);
    let out = match result {
        Ok(o) => o,
        Err(nianbao::render::RenderError::Rejected) => return 1,
        Err(nianbao::render::RenderError::Failed(e)) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    if args.verbose && pdf {
        print_font_use(&fonts, &out.font_use);
    }
    let written = match target {
        Target::Stdout => {
            let data = out.pdf.or(out.docx).unwrap_or_default();
            std::io::stdout()
                .lock()
                .write_all(&data)
                .map_err(|e| format!("failed to write standard output ({e})"))
        }
        Target::Files { pdf, docx } => [(pdf, out.pdf), (docx, out.docx)]
            .into_iter()
            .filter_map(|(p, b)| Some((p?, b?)))
            .try_for_each(|(p, b)| {
                nianbao::output::write_atomic(&p, &b)?;
                if args.verbose {
                    eprintln!("wrote {} ({} bytes)", p.display(), b.len());
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

fn print_font_use(fonts: &nianbao::text::fonts::FontBook, used: &nianbao::layout::FontUse) {
    for role in nianbao::style::Role::ALL {
        let chain: Vec<String> = fonts.chains[&role]
            .iter()
            .map(|&i| format!("{} ({})", fonts.faces[i].family, fonts.faces[i].path.display()))
            .collect();
        eprintln!("font {}: {}", role.name(), chain.join(" → "));
    }
    let mut by_face: std::collections::BTreeMap<usize, String> = Default::default();
    for (ch, face) in &used.fallbacks {
        by_face.entry(*face).or_default().push(*ch);
    }
    for (face, chars) in by_face {
        eprintln!("fallback to {}: {chars}", fonts.faces[face].family);
    }
}
