//! `nianbao import`: arguments, reading inputs, printing notes and diagnostics, exit status.

use super::{print_diagnostics, print_operational, say, DiagFormat, FormatArg};
use nianbao::error::{Class, Error};
use nianbao::import::files::{self, Job, Outcome};
use nianbao::import::Overrides;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) const IMPORT_HELP: &str =
    "Reads published reports (HTML pages in UTF-8, GB18030/GBK or Big5; Word .docx files) and
writes them as JSON in the input contract, then validates the JSON as published (--as-published
semantics) and prints the diagnostics. Folders are searched recursively for .html .htm .shtml
.docx and need -o DIR; the JSON goes to DIR/<path under the folder>.json.

EXIT STATUS:
  0  every file imported (warnings allowed)
  1  at least one file rejected: not a report (no 政府信息公开工作年度报告 tables found), an
     unreadable or encrypted .docx, or the imported report has errors (e.g. no year); nothing
     was written for it
  2  operational failure: an input missing or unreadable, an output not writable, bad arguments";

#[derive(clap::Args)]
pub(crate) struct ImportArgs {
    /// Files or folders to import; `-` reads standard input (HTML or .docx, sniffed)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output: a file for a single input, or a folder (a path ending in /, an existing folder,
    /// or any path when a folder or several inputs are given). Default: standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The statute format, when the tables' labels should not decide
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The reported year (2008–2100), when the title does not give it
    #[arg(long)]
    year: Option<i64>,
    /// The reporting agency, when the title does not give it
    #[arg(long)]
    agency: Option<String>,
    /// Write a JSON record of every file (input, output, status, notes, diagnostics) to FILE
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Files imported at once (default: twice the number of cores)
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Also print the notes (which clue decided the format, year, agency, title, date)
    #[arg(short, long)]
    verbose: bool,
}

pub(crate) fn run(args: &ImportArgs, how: DiagFormat) -> u8 {
    if let Some(y) = args.year {
        if !(2008..=2100).contains(&y) {
            say!("error: --year must be between 2008 and 2100");
            return 2;
        }
    }
    let over = Overrides {
        format: args.format.map(|f| match f {
            FormatArg::F2019 => nianbao::template::Format::F2019,
            FormatArg::F2021 => nianbao::template::Format::F2021,
        }),
        year: args.year,
        agency: args.agency.clone(),
    };
    let single = args.inputs.len() == 1 && (args.inputs[0].as_os_str() == "-" || args.inputs[0].is_file());
    let out_is_dir = args
        .output
        .as_ref()
        .is_some_and(|o| o.to_string_lossy().ends_with('/') || o.is_dir());
    if single && !out_is_dir {
        return one_file(&args.inputs[0], args.output.as_deref(), &over, args, how);
    }
    if single && args.inputs[0].as_os_str() == "-" {
        let out = args.output.as_deref().map(|d| d.join("stdin.json"));
        return one_file(&args.inputs[0], out.as_deref(), &over, args, how);
    }
    let Some(out_dir) = args.output.as_deref() else {
        say!("error: a folder or several inputs need -o DIR (the JSON files mirror the inputs' paths there)");
        return 2;
    };
    if args.inputs.iter().any(|i| i.as_os_str() == "-") {
        say!("error: standard input (-) can only be imported alone");
        return 2;
    }
    let jobs = files::collect(&args.inputs);
    // Twice the cores by default: each file ends in an fsync (atomic write), and a thread
    // waiting for the disk leaves its core to another.
    let threads = args
        .jobs
        .unwrap_or_else(|| 2 * std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let records = std::sync::Mutex::new(Vec::new());
    let done = |job: &Job, o: &Outcome| {
        let name = job.input.display().to_string();
        print_outcome(&name, o, args.verbose, how);
        if args.report.is_some() {
            if let Ok(mut r) = records.lock() {
                r.push(record(&name, Some(&out_dir.join(format!("{}.json", job.rel))), o));
            }
        }
    };
    let worst = files::run(&jobs, out_dir, &over, threads, &done);
    let worst = worst.max(write_report(args, records.into_inner().unwrap_or_default()));
    if jobs.is_empty() {
        say!("import: no .html, .htm, .shtml or .docx files found");
    }
    worst
}

fn one_file(input: &Path, output: Option<&Path>, over: &Overrides, args: &ImportArgs, how: DiagFormat) -> u8 {
    let stdin = input.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        input.display().to_string()
    };
    let bytes = match crate::read_input(input) {
        Ok(b) => b,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let mut o = files::convert(&bytes, &name, over);
    if let Some(text) = o.json.take() {
        let written = match output {
            Some(p) if p.as_os_str() != "-" => nianbao::output::write_atomic(p, text.as_bytes()),
            _ => match std::io::stdout().lock().write_all(text.as_bytes()) {
                // The reader went away (`| head`): nothing more is wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| Error::new(Class::Output, format!("failed to write standard output ({e})"))),
            },
        };
        if let Err(e) = written {
            o.status = 2;
            o.error = Some(e);
        }
    }
    print_outcome(&name, &o, args.verbose, how);
    let rec = record(&name, output.filter(|p| p.as_os_str() != "-"), &o);
    o.status.max(write_report(args, vec![rec]))
}

fn print_outcome(name: &str, o: &Outcome, verbose: bool, how: DiagFormat) {
    if verbose {
        for n in &o.notes {
            say!("{name}: note: {n}");
        }
    }
    print_diagnostics(name, None, &o.diagnostics, how);
    if let Some(e) = &o.error {
        match (how, o.status) {
            (DiagFormat::Human, _) => say!("{name}: error: {e}"),
            // A file that is not a report, or an unreadable .docx: the input is rejected.
            (DiagFormat::Json, 1) => say!(
                "{}",
                serde_json::json!({"file": name, "severity": "error", "rule": "import", "locus": {"kind": "input"},
                    "location": "input", "message": e.message, "class": e.class})
            ),
            (DiagFormat::Json, _) => print_operational(name, e, how),
        }
    }
}

fn record(name: &str, output: Option<&Path>, o: &Outcome) -> serde_json::Value {
    let status = match o.status {
        0 => "imported",
        1 => "rejected",
        _ => "failed",
    };
    serde_json::json!({
        "input": name,
        "output": (o.status == 0).then(|| output.map(|p| p.display().to_string())).flatten(),
        "status": status,
        "error": o.error.as_ref().map(|e| e.message.clone()),
        "notes": o.notes,
        "diagnostics": o.diagnostics,
    })
}

fn write_report(args: &ImportArgs, records: Vec<serde_json::Value>) -> u8 {
    let Some(path) = &args.report else { return 0 };
    let count = |s: &str| records.iter().filter(|r| r["status"] == s).count();
    let summary = serde_json::json!({
        "files": records.len(),
        "imported": count("imported"),
        "rejected": count("rejected"),
        "failed": count("failed"),
        "records": records,
    });
    let text = serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n";
    match nianbao::output::write_atomic(path, text.as_bytes()) {
        Ok(()) => 0,
        Err(e) => {
            say!("error: {e}");
            2
        }
    }
}
