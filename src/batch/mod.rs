//! Batch re-export: many reports, one process, all cores.
//!
//! [`collect`] turns the inputs (files and folders) into [`Job`]s, each with the path of its
//! outputs relative to the output folder (`region3/county3/r00003` for
//! `IN/region3/county3/r00003.json`). [`Shard::contains`] picks a deterministic part of them.
//! [`run`] renders the jobs on a pool of scoped threads that share one [`FontBook`], writes
//! every output with [`output::write_atomic`] as soon as it is made, and hands each finished
//! [`Record`] to an observer (the command line prints it).
//!
//! Contracts:
//! - Nothing is ever written outside the output folder except the `--report` file the caller
//!   names; no output may replace an input (such a report fails).
//! - Every file appears under its final name complete or not at all; a killed run leaves only
//!   temporaries ([`output::TEMP_PREFIX`]), which the next run removes.
//! - Memory is bounded by the number of threads, not the number of reports: outputs are
//!   dropped once written, and the `--report` file is streamed (its records in input order).
//!   Only the list of jobs and the manifest (about 200 bytes a report) grow with the archive.
//! - The manifest (`OUT_DIR/.nianbao-manifest.json`, one per shard) records for each written
//!   report its input's size and modification time, its outputs, the nianbao version, a
//!   fingerprint of the font files and one of the render options; `skip_unchanged` skips a
//!   report only when all of them still match and its outputs are at least as new as its input.
//!   Each written report is appended to the manifest's journal (`….journal`, one line, one
//!   `write`) as soon as its outputs are in place, and the journal is compacted into the
//!   manifest at the end: a run killed at any moment loses only the reports being finished.
//! - A run asked to stop ([`Options::interrupt`], set by the caller's signal handler) starts
//!   no new report, finishes the ones started, and ends as usual: manifest, report file, and
//!   [`Summary::interrupted`].
//! - Failures are [`crate::error::Error`]s with their class (input, output, font, internal).
//!
//! The library never prints: everything is returned or handed to the observer.

mod collect;
mod manifest;
mod pool;
mod report;
mod run;

pub use collect::{collect, collect_based, common_dir, Job};
pub use manifest::{fonts_fingerprint, options_fingerprint, Manifest, ManifestEntry, MANIFEST};
pub use pool::map_ordered;
pub use report::{Record, Status, Summary};
pub use run::{run, Options, MAX_THREADS};

/// The nianbao version recorded in the manifest and the report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// FNV-1a, 64 bits: a stable hash (same value on every platform and version), used for
/// sharding and fingerprints.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.0
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Writes a field followed by a separator, so that ("ab","c") and ("a","bc") differ.
    fn field(&mut self, bytes: &[u8]) {
        self.write(bytes);
        self.write(&[0xff]);
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Shard `K` of `N` (1 ≤ K ≤ N): the jobs whose relative output path hashes (FNV-1a) to
/// `K − 1` modulo `N`. The choice depends on the job's own path only, so adding reports to an
/// archive never moves the others to another shard, and the N shards partition the jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// Parses `K/N`, e.g. `3/8`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("expected K/N with 1 ≤ K ≤ N (e.g. 1/4), found `{s}`");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the job with this relative output path belongs to the shard.
    pub fn contains(&self, rel: &str) -> bool {
        fnv1a64(rel.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, count: 3 });
        for bad in ["0/3", "4/3", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..200 {
            let rel = format!("region{}/county{}/r{i:05}", i % 7, i % 3);
            assert_eq!(shards.iter().filter(|s| s.contains(&rel)).count(), 1);
        }
    }
}
