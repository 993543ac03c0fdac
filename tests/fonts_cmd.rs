//! `nianbao fonts` through the real binary: the font of every role with its file and where it
//! was found (bundled, --font-dir, --font), as text and as JSON; `--check REPORT` lists the
//! characters no font has (exit 1) and those only the machine's fonts serve.

mod common;

use common::{nianbao, root, temp_dir};
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn every_role_is_listed_with_its_family_file_and_origin() {
    let o = nianbao(&["fonts"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "{out}");
    assert!(
        lines[0].starts_with("fonts folder: ") && lines[0].ends_with(")"),
        "{out}"
    );
    let fonts = root().join("fonts");
    for (line, (role, family, file)) in lines[1..].iter().zip([
        ("title", "Noto Serif CJK SC", "NotoSerifCJKsc-Bold.ttf"),
        ("body", "FandolFang R", "FandolFang-Regular.ttf"),
        ("heading1", "Noto Sans CJK SC Medium", "NotoSansCJKsc-Medium.ttf"),
        ("heading2", "Nianbao Kai Light", "NianbaoKai-Light.ttf"),
        ("song", "Noto Serif CJK SC", "NotoSerifCJKsc-Regular.ttf"),
        ("latin", "Liberation Serif", "LiberationSerif-Regular.ttf"),
    ]) {
        let words: Vec<&str> = line.split("  ").map(str::trim).filter(|w| !w.is_empty()).collect();
        assert_eq!(words, [role, family, s(&fonts.join(file)), "(bundled)"], "{line}");
    }
}

#[test]
fn a_replaced_role_says_where_its_font_came_from() {
    let t = temp_dir("fonts-cmd-origin");
    let kai = t.join("dir/Kai.ttf");
    std::fs::create_dir_all(kai.parent().unwrap()).unwrap();
    std::fs::copy(root().join("fonts/NianbaoKai-Light.ttf"), &kai).unwrap();
    let file = t.join("Fang.ttf");
    std::fs::copy(root().join("fonts/FandolFang-Regular.ttf"), &file).unwrap();
    let o = nianbao(&[
        "fonts",
        "--font-dir",
        s(&t.join("dir")),
        "--font",
        "heading2=年报楷体",
        "--font",
        &format!("body={}", file.display()),
        "--diagnostics",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    let role = |name: &str| {
        v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(role("heading2")["path"], s(&kai));
    assert_eq!(role("heading2")["source"]["kind"], "font-dir");
    assert_eq!(role("heading2")["family"], "Nianbao Kai Light");
    assert_eq!(role("body")["path"], s(&file));
    assert_eq!(role("body")["source"]["kind"], "file");
    assert_eq!(
        role("title")["source"],
        serde_json::json!({"kind": "bundled", "origin": "source-tree"})
    );
    assert_eq!(v["folder"]["origin"], "source-tree");
    // A name no font has is a font error (exit 2).
    let o = nianbao(&["fonts", "--font", "body=仿宋_GB2312"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).starts_with("fonts: error: "), "{}", text(&o.stderr));
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn check_names_the_characters_no_font_has_and_where_they_are() {
    let t = temp_dir("fonts-cmd-check");
    // U+E000 (private use) is in no font; ✓ only in a machine font (.ci/setup installs
    // Symbola); 政 in the bundled ones.
    let report = t.join("r.json");
    std::fs::write(
        &report,
        "{\"agency\": \"某局\",\n \"preamble\": [\"政务\u{E000}公开 ✓\"]}",
    )
    .unwrap();
    let o = nianbao(&["fonts", "--check", s(&report)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!("check {}: 8 distinct characters", report.display())),
        "{out}"
    );
    assert!(
        out.contains("  no font has 1 character: \u{E000} (U+E000) (printed as boxes)"),
        "{out}"
    );
    let system = out
        .lines()
        .find(|l| l.starts_with("  from the system font "))
        .expect(&out);
    assert!(system.ends_with(": ✓"), "{system}");
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "{}:2:15: warning[missing-glyph]: $.preamble[0]:",
            report.display()
        )),
        "{err}"
    );
    // -q: only the problem.
    let o = nianbao(&["fonts", "-q", "--check", s(&report)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stdout),
        "  no font has 1 character: \u{E000} (U+E000) (printed as boxes)\n"
    );
    // JSON: the check in the document.
    let o = nianbao(&["--diagnostics", "json", "fonts", "--check", s(&report)]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["check"]["missing"], "\u{E000}");
    assert_eq!(v["check"]["characters"], 8);
    // Every example is covered.
    for ex in common::examples() {
        let o = nianbao(&["fonts", "--check", s(&ex)]);
        assert_eq!(o.status.code(), Some(0), "{}", ex.display());
        assert!(text(&o.stdout).contains("every character has a font"));
    }
    // Not JSON: the reader's diagnostics, exit 1; missing: exit 2.
    std::fs::write(t.join("bad.json"), "{\"agency\": ").unwrap();
    assert_eq!(
        nianbao(&["fonts", "--check", s(&t.join("bad.json"))]).status.code(),
        Some(1)
    );
    assert_eq!(
        nianbao(&["fonts", "--check", s(&t.join("none.json"))]).status.code(),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(&t);
}
