//! `nianbao validate` over folders: the inputs expanded into reports, and the summary line.

use nianbao::error::Error;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One report to validate.
pub(crate) struct Input {
    /// The file (`-` for standard input).
    pub(crate) path: PathBuf,
    /// Named on the command line (it gets an `ok:` line), not found in a folder.
    pub(crate) named: bool,
    /// Why it cannot be read (a folder that cannot be listed), found while expanding.
    pub(crate) problem: Option<Error>,
}

/// The inputs as reports, in order: a folder becomes its `*.json` files (recursively, sorted;
/// as `batch` finds them), anything else stays as named. Also says whether a folder was given.
pub(crate) fn expand(files: &[PathBuf]) -> (Vec<Input>, bool) {
    let mut out = Vec::new();
    let mut folders = false;
    for f in files {
        if f.as_os_str() != "-" && f.is_dir() {
            folders = true;
            for job in nianbao::batch::collect(std::slice::from_ref(f), Path::new("")) {
                out.push(Input {
                    path: job.input,
                    named: false,
                    problem: job.problem,
                });
            }
        } else {
            out.push(Input {
                path: f.clone(),
                named: true,
                problem: None,
            });
        }
    }
    (out, folders)
}

/// Counts for the summary line.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) ok: usize,
    pub(crate) rejected: usize,
    pub(crate) failed: usize,
    pub(crate) warnings: usize,
}

impl Tally {
    /// `validate: 12 reports, 10 ok, 1 rejected, 1 unreadable; 3 warnings in 0.2 s`.
    pub(crate) fn line(&self, elapsed: Duration) -> String {
        let reports = self.ok + self.rejected + self.failed;
        format!(
            "validate: {}, {} ok, {} rejected, {} unreadable; {} in {:.1} s",
            crate::batch_cli::count(reports, "report"),
            self.ok,
            self.rejected,
            self.failed,
            crate::batch_cli::count(self.warnings, "warning"),
            elapsed.as_secs_f64()
        )
    }
}
