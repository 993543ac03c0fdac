//! The `--skip-unchanged` manifest: what each written report was made from.

use super::{Fnv, Shard};
use crate::error::{Class, Error};
use crate::output;
use crate::render::RenderOptions;
use crate::text::fonts::FontBook;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The manifest's file name in the output folder (sharded runs add `-K-of-N`).
pub const MANIFEST: &str = ".nianbao-manifest.json";

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
pub(crate) fn stamp(m: &fs::Metadata) -> (u64, u64) {
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

    /// The journal beside a manifest (`….journal` for `….json`): one JSON line per report
    /// finished since the manifest was last written.
    pub fn journal_path(manifest: &Path) -> PathBuf {
        manifest.with_extension("journal")
    }

    /// Reads a manifest and replays its journal over it, so that what a killed run finished
    /// counts. A missing or unreadable manifest is empty (everything is re-rendered); a torn
    /// or unreadable journal line (the run was killed while writing it) is ignored.
    pub fn load(path: &Path) -> Manifest {
        let mut m: Manifest = fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        if let Ok(journal) = fs::read(Self::journal_path(path)) {
            for line in journal.split(|&b| b == b'\n') {
                let Ok(j) = serde_json::from_slice::<JournalLine>(line) else {
                    continue;
                };
                match j.entry {
                    Some(e) => m.reports.insert(j.rel, e),
                    None => m.reports.remove(&j.rel),
                };
            }
        }
        m
    }

    /// Writes the manifest (atomically) and then removes its journal, whose lines it holds.
    pub(crate) fn save(&self, path: &Path) -> Result<(), Error> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::at(Class::Internal, path, e.to_string()))?;
        bytes.push(b'\n');
        output::write_atomic(path, &bytes)?;
        let journal = Self::journal_path(path);
        match fs::remove_file(&journal) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(Class::Output, "remove", &journal, &e)),
            _ => Ok(()),
        }
    }
}

/// One line of the journal: a report written (`entry`) or dropped (no `entry`).
#[derive(Serialize, Deserialize)]
struct JournalLine {
    rel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entry: Option<ManifestEntry>,
}

/// The append-only journal of a running batch: each finished report is appended as one
/// line with one `write` call as soon as its outputs are in place, so that a run killed at
/// any moment (even with `kill -9`) loses at most the reports being finished at that moment.
/// The manifest is compacted from it at the end of the run.
pub(crate) struct Journal {
    path: PathBuf,
    file: Option<fs::File>,
}

impl Journal {
    /// Opens (creates) the journal of a manifest for appending.
    pub(crate) fn open(manifest: &Path) -> Result<Journal, Error> {
        let path = Manifest::journal_path(manifest);
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(Class::Output, "open the journal", &path, &e))?;
        Ok(Journal { path, file: Some(file) })
    }

    /// A journal that records nothing (it could not be opened; the error was reported).
    pub(crate) fn none() -> Journal {
        Journal {
            path: PathBuf::new(),
            file: None,
        }
    }

    /// Appends that a report was written (`Some`) or dropped (`None`). After a failure the
    /// journal stops recording and the failure is returned once.
    pub(crate) fn record(&mut self, rel: &str, entry: Option<&ManifestEntry>) -> Result<(), Error> {
        let Some(f) = self.file.as_mut() else { return Ok(()) };
        let line = JournalLine {
            rel: rel.to_string(),
            entry: entry.cloned(),
        };
        let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
        bytes.push(b'\n');
        f.write_all(&bytes).map_err(|e| {
            self.file = None;
            Error::io(Class::Output, "append to", &self.path, &e)
        })
    }
}
