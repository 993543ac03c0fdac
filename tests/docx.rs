//! DOCX export, through the public API: load → resolve → export::docx::write.

mod common;

use std::path::{Path, PathBuf};

use nianbao::export::docx::{self, DocxOptions};

/// The resolved document of an example.
fn document(path: &Path) -> nianbao::model::Document {
    let bytes = std::fs::read(path).expect("read example");
    let (checked, diags) = nianbao::load(&bytes, nianbao::validate::Options::default());
    let checked = checked.unwrap_or_else(|| panic!("{}: {diags:?}", path.display()));
    nianbao::model::resolve(&checked)
}

fn out_dir() -> PathBuf {
    let d = common::root().join("target").join("docx-test");
    std::fs::create_dir_all(&d).expect("out dir");
    d
}

#[test]
fn dump() {
    for ex in common::examples() {
        let doc = document(&ex);
        let bytes = docx::write(&doc, &DocxOptions::default()).expect("docx");
        let stem = ex.file_stem().unwrap().to_string_lossy().to_string();
        std::fs::write(out_dir().join(format!("{stem}.docx")), &bytes).unwrap();
        eprintln!("{stem}: {} bytes", bytes.len());
    }
}
