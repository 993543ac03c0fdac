//! What a run reports: one [`Record`] per report, the [`Summary`], and the `--report` file.

use super::VERSION;
use crate::diag::{Diagnostic, Severity};
use crate::error::{Class, Error};
use crate::output;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// Not rendered: up to date (`unchanged`), not started after a failure (`fail-fast`) or
    /// after a signal (`interrupted`).
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
    /// The operational failure of a failed report.
    pub error: Option<Error>,
    /// Why a skipped report was skipped: `unchanged`, `fail-fast` or `interrupted`.
    pub reason: Option<&'static str>,
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
                v["class"] = Class::Input.name().into();
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
        if let Some(e) = &self.error {
            v["error"] = e.message.clone().into();
            v["class"] = e.class.name().into();
        }
        if let Some(r) = self.reason {
            v["reason"] = r.into();
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
    /// Never started because of `fail_fast` or a signal.
    pub not_started: usize,
    /// Warnings of all reports.
    pub warnings: usize,
    /// Leftover temporaries removed from the output folder at the start.
    pub temporaries_removed: usize,
    /// Failures of the run itself after it started (manifest or report not written).
    pub errors: Vec<Error>,
    /// Year-to-year findings among the reports rendered in this run (warnings).
    pub series: Vec<crate::crosscheck::series::SeriesFinding>,
    /// The signal (SIGINT 2, SIGTERM 15) that stopped the run early, if one did.
    pub interrupted: Option<i32>,
    pub elapsed: Duration,
}

impl Summary {
    /// The exit status: 128 + the signal when interrupted (130 for SIGINT), else 2 when
    /// anything failed operationally, else 1 when a report was rejected, else 0.
    pub fn exit_code(&self) -> u8 {
        if let Some(sig) = self.interrupted {
            128u8.saturating_add(u8::try_from(sig).unwrap_or(0))
        } else if self.failed > 0 || !self.errors.is_empty() {
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
            "errors": self.errors.iter().map(|e| serde_json::json!({"class": e.class, "message": e.message})).collect::<Vec<_>>(),
            "series": self.series.iter().map(|f| {
                let mut v = serde_json::to_value(&f.diagnostic).unwrap_or_default();
                v["file"] = f.file.clone().into();
                v["location"] = f.diagnostic.locus.to_string().into();
                v
            }).collect::<Vec<_>>(),
            "interrupted": self.interrupted.is_some(),
            "seconds": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "exit_status": self.exit_code(),
        })
    }
}

/// The `--report` file, streamed to a temporary beside it and renamed into place at the end.
/// Records are written in job order: a record that finishes early waits (in memory) for the
/// ones before it, so at most about one record per worker waits at a time.
pub(crate) struct ReportWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<fs::File>,
    next: usize,
    waiting: BTreeMap<usize, serde_json::Value>,
    error: Option<String>,
}

impl ReportWriter {
    /// Starts the report file: its temporary (`.nianbao-tmp-<pid>-<name>` beside it) is
    /// created, after removing the leftovers of killed runs there (as `sweep` allows).
    pub(crate) fn start(
        path: &Path,
        inputs: &HashSet<PathBuf>,
        out_canon: &Path,
        sweep: output::Sweep,
    ) -> Result<(ReportWriter, usize), Error> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| Error::io(Class::Output, "create folder", dir, &e))?;
        if fs::canonicalize(path).is_ok_and(|c| inputs.contains(&c)) {
            return Err(Error::at(
                Class::Output,
                path,
                format!("refusing to overwrite the input {} with the report", path.display()),
            ));
        }
        let removed = output::clean_temporaries_of(path, sweep);
        let tmp = output::temporary_of(path);
        let file = fs::File::create(&tmp).map_err(|e| Error::io(Class::Output, "write", path, &e))?;
        let mut out = BufWriter::new(file);
        let head = format!(
            "{{\n  \"nianbao\": {},\n  \"out_dir\": {},\n  \"reports\": [",
            serde_json::Value::from(VERSION),
            serde_json::Value::from(out_canon.to_string_lossy().into_owned())
        );
        let error = out.write_all(head.as_bytes()).err().map(|e| e.to_string());
        Ok((
            ReportWriter {
                path: path.to_path_buf(),
                tmp,
                out,
                next: 0,
                waiting: BTreeMap::new(),
                error,
            },
            removed,
        ))
    }

    pub(crate) fn push(&mut self, r: &Record) {
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

    pub(crate) fn finish(mut self, summary: &Summary) -> Result<(), Error> {
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
            Error::io(Class::Output, "write", &self.path, &e)
        })
    }
}
