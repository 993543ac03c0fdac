//! Replays every file of `fuzz/corpus/<target>/` through the fuzz targets' bodies
//! (`fuzz/targets.rs`) on stable Rust, so CI checks the fuzzers' findings and seeds without
//! cargo-fuzz or nightly. A crash found by fuzzing is added to the corpus as a regression case.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} ({e})", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus {} is empty", dir.display());
    files
}

#[test]
fn parse_validate_corpus() {
    for f in corpus("parse_validate") {
        let data = std::fs::read(&f).expect("read");
        if std::panic::catch_unwind(|| targets::parse_validate(&data)).is_err() {
            panic!("fuzz case {} fails", f.display());
        }
    }
}
#[test]
fn render_corpus() {
    for f in corpus("render") {
        let data = std::fs::read(&f).expect("read");
        if std::panic::catch_unwind(|| targets::render_report(&data)).is_err() {
            panic!("fuzz case {} fails", f.display());
        }
    }
}
