//! The `--skip-unchanged` manifest: what each written report was made from.

use super::{Fnv, Shard};
use crate::output;
use crate::render::RenderOptions;
use crate::text::fonts::FontBook;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
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

    /// Reads a manifest; a missing or unreadable one is empty (everything is re-rendered).
    pub fn load(path: &Path) -> Manifest {
        fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub(crate) fn save(&self, path: &Path) -> Result<(), String> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        output::write_atomic(path, &bytes)
    }
}
