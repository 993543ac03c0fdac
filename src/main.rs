//! The `nianbao` command line: parses arguments, calls the library, prints diagnostics,
//! sets the exit status (0 success, warnings allowed; 1 input rejected; 2 operational failure).

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
            serde_json::json!({"file": file, "severity": "error", "rule": "io", "message": message})
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
