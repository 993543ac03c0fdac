//! An installed nianbao: the binary copied out of its build finds the bundled fonts beside
//! itself, in `../share/nianbao/fonts`, in `$NIANBAO_FONTS`, in the user's data folder, or in
//! its source tree only when installed by `cargo install`; when they are nowhere, a font
//! error (exit 2) names every place looked, not the input. And `scripts/dist.sh` builds an
//! archive that works as unpacked.

mod common;

use common::{root, temp_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Copies the built binary to `dir/rel` (a copy, as a user would: not a link into the build).
fn install_binary(dir: &Path, rel: &str) -> PathBuf {
    let to = dir.join(rel);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_nianbao"), &to).expect("copy the binary");
    to
}

/// Copies the bundled fonts folder to `to`.
fn install_fonts(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(root().join("fonts")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "ttf") {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Runs an installed binary in a clean environment: no `$NIANBAO_FONTS` (unless given), and a
/// home and data folder of its own, so that the machine's own installation is not seen.
fn run(bin: &Path, home: &Path, env: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut c = Command::new(bin);
    c.args(args)
        .env_remove("NIANBAO_FONTS")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run the installed binary")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `nianbao fonts` names the folder and how it was found; a render works.
fn works(bin: &Path, home: &Path, env: &[(&str, &Path)], folder: &Path, how: &str) {
    let o = run(bin, home, env, &["fonts"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let listing = text(&o.stdout);
    let first = listing.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("fonts folder: {} ({how})", folder.display()),
        "{listing}"
    );
    let out = home.join("out.pdf");
    let example = root().join("examples/huaian-2024.json");
    let o = run(bin, home, env, &["render", s(&example), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn a_copied_binary_finds_fonts_beside_it_in_share_in_the_environment_and_the_data_folder() {
    let t = temp_dir("install-places");
    // fonts/ beside the executable.
    let beside = t.join("beside");
    let bin = install_binary(&beside, "nianbao");
    install_fonts(&beside.join("fonts"));
    works(&bin, &beside, &[], &beside.join("fonts"), "beside the executable");
    // PREFIX/bin/nianbao with PREFIX/share/nianbao/fonts.
    let prefix = t.join("prefix");
    let bin = install_binary(&prefix, "bin/nianbao");
    install_fonts(&prefix.join("share/nianbao/fonts"));
    works(
        &bin,
        &prefix,
        &[],
        &prefix.join("share/nianbao/fonts"),
        "the installation's share folder",
    );
    // $NIANBAO_FONTS, the binary alone.
    let alone = t.join("alone");
    let bin = install_binary(&alone, "nianbao");
    let fonts = root().join("fonts");
    works(&bin, &alone, &[("NIANBAO_FONTS", &fonts)], &fonts, "$NIANBAO_FONTS");
    // The user's data folder ($XDG_DATA_HOME/nianbao/fonts on Linux).
    install_fonts(&alone.join("data/nianbao/fonts"));
    works(
        &bin,
        &alone,
        &[],
        &alone.join("data/nianbao/fonts"),
        "the user's data folder",
    );
    // `cargo install --path .`: ROOT/bin/nianbao beside ROOT/.crates2.json uses the source
    // tree it was built from (cargo installs no data files).
    let cargo_root = t.join("cargo");
    let bin = install_binary(&cargo_root, "bin/nianbao");
    std::fs::write(cargo_root.join(".crates2.json"), "{\"installs\":{}}").unwrap();
    works(
        &bin,
        &cargo_root,
        &[],
        &root().join("fonts"),
        "the source tree it was built from",
    );
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn fonts_nowhere_is_a_font_error_naming_every_place_and_not_the_input() {
    let t = temp_dir("install-none");
    let bin = install_binary(&t, "bin/nianbao");
    let example = root().join("examples/huaian-2024.json");
    let out = t.join("out.pdf");
    let o = run(&bin, &t, &[], &["render", s(&example), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("fonts: error: the bundled fonts folder was not found; looked in: $NIANBAO_FONTS (not set); "),
        "{err}"
    );
    let places = [
        format!(
            "{} (beside the executable: no such folder)",
            t.join("bin/fonts").display()
        ),
        format!(
            "{} (the installation's share folder: no such folder)",
            t.join("share/nianbao/fonts").display()
        ),
        format!(
            "{} (the user's data folder: no such folder)",
            t.join("data/nianbao/fonts").display()
        ),
        format!(
            "{} (the source tree it was built from: not used: this program is not run from that build)",
            root().join("fonts").display()
        ),
    ];
    for p in &places {
        assert!(err.contains(p.as_str()), "missing `{p}` in {err}");
    }
    assert!(!err.contains("huaian-2024"), "not reported against the input: {err}");
    assert!(!out.exists(), "nothing written");
    // Under --diagnostics json: class font, about the fonts, not the input.
    let o = run(
        &bin,
        &t,
        &[],
        &["--diagnostics", "json", "render", s(&example), "-o", s(&out)],
    );
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(text(&o.stderr).trim()).expect("one JSON line");
    assert_eq!(
        (v["class"].as_str(), v["file"].as_str()),
        (Some("font"), Some("fonts")),
        "{v}"
    );
    // The same from batch and fonts; validate does not need the fonts and still works.
    let o = run(&bin, &t, &[], &["batch", s(&example), "-o", s(&t.join("o"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("looked in: "), "{}", text(&o.stderr));
    let o = run(&bin, &t, &[], &["fonts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("looked in: "));
    assert_eq!(run(&bin, &t, &[], &["validate", s(&example)]).status.code(), Some(0));
    // A folder named by the user that does not hold the fonts is the only place looked.
    let o = run(&bin, &t, &[("NIANBAO_FONTS", &t)], &["fonts"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "looked in: $NIANBAO_FONTS = {} (no NotoSerifCJKsc-Regular.ttf there)",
            t.display()
        )),
        "{err}"
    );
    assert!(!err.contains("beside the executable"), "{err}");
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn the_dist_archive_unpacks_into_a_working_installation() {
    let t = temp_dir("install-dist");
    let o = Command::new("bash")
        .arg(root().join("scripts/dist.sh"))
        .arg(t.join("dist"))
        .env("NIANBAO_BIN", env!("CARGO_BIN_EXE_nianbao"))
        .env("NIANBAO_TARGET", "test")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run scripts/dist.sh");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let archive = t.join("dist/nianbao-0.1.0-test.tar.gz");
    assert_eq!(text(&o.stdout).trim(), archive.display().to_string());
    let unpacked = t.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let o = common::tool("tar", &["-xzf", s(&archive), "-C", s(&unpacked)]);
    assert!(o.status.success());
    let prefix = unpacked.join("nianbao-0.1.0-test");
    for f in [
        "bin/nianbao",
        "share/nianbao/fonts/NotoSerifCJKsc-Regular.ttf",
        "share/nianbao/fonts/OFL-NotoCJK.txt",
        "share/doc/nianbao/LICENSE",
        "share/doc/nianbao/COPYING-Fandol.txt",
        "share/doc/nianbao/README.md",
        "share/bash-completion/completions/nianbao",
        "share/zsh/site-functions/_nianbao",
        "share/fish/vendor_completions.d/nianbao.fish",
    ] {
        assert!(prefix.join(f).is_file(), "{f} missing from the archive");
    }
    let man = std::fs::read_to_string(prefix.join("share/man/man1/nianbao.1")).unwrap();
    assert!(man.contains(".TH nianbao 1"));
    works(
        &prefix.join("bin/nianbao"),
        &t,
        &[],
        &prefix.join("share/nianbao/fonts"),
        "the installation's share folder",
    );
    // Reproducible: the same archive again, byte for byte.
    let first = std::fs::read(&archive).unwrap();
    let o = Command::new("bash")
        .arg(root().join("scripts/dist.sh"))
        .arg(t.join("dist"))
        .env("NIANBAO_BIN", env!("CARGO_BIN_EXE_nianbao"))
        .env("NIANBAO_TARGET", "test")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        std::fs::read(&archive).unwrap() == first,
        "the archive differs between two runs"
    );
    let _ = std::fs::remove_dir_all(&t);
}
