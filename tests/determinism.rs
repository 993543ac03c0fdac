//! Determinism across machines: the examples render to the bytes whose SHA-256 is committed
//! in `tests/golden/sha256.txt`. A change of those bytes is deliberate: rewrite the file with
//! `NIANBAO_BLESS=1 cargo test --release --test determinism` and say why in the commit.

mod common;

#[test]
fn examples_render_to_the_committed_bytes() {
    let dir = common::temp_dir("determinism");
    let mut lines = Vec::new();
    for example in common::examples() {
        let o = common::nianbao(&["render", example.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stem = example.file_stem().unwrap().to_string_lossy().into_owned();
        for ext in ["pdf", "docx"] {
            let file = dir.join(format!("{stem}.{ext}"));
            let sum = common::tool("sha256sum", &[file.to_str().unwrap()]);
            let hex = String::from_utf8_lossy(&sum.stdout)
                .split_whitespace()
                .next()
                .expect("sha256sum prints the digest")
                .to_string();
            lines.push(format!("{hex}  {stem}.{ext}"));
        }
    }
    let actual = lines.join("\n") + "\n";
    common::golden(&common::root().join("tests/golden/sha256.txt"), &actual);
}
