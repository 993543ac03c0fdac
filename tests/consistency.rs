//! Small consistencies of the command line, through the real binary: `render IN OUT`
//! (positional output, as typst), `-q` accepted by every command, `-o -` refusing to write a
//! PDF or DOCX to a terminal, argument errors under `--diagnostics json`, shell completions
//! and the manual page.

mod common;

use common::{nianbao, root, temp_dir};
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn zibo() -> String {
    root().join("examples/zibo-2020.json").to_string_lossy().into_owned()
}

#[test]
fn render_takes_its_output_as_a_second_argument() {
    let t = temp_dir("positional");
    let o = nianbao(&["render", &zibo(), s(&t.join("r.pdf"))]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let pdf = std::fs::read(t.join("r.pdf")).expect("r.pdf written");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(!t.join("r.docx").exists(), "the extension chose the format");
    // A folder as the second argument, as with -o DIR/.
    let o = nianbao(&["render", &zibo(), &format!("{}/", t.join("dir").display()), "--docx"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(t.join("dir/zibo-2020.docx").is_file());
    // Both the argument and -o: refused (exit 2), nothing written.
    let o = nianbao(&["render", &zibo(), s(&t.join("x.pdf")), "-o", s(&t.join("y.pdf"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot be used with"), "{}", text(&o.stderr));
    assert!(!t.join("x.pdf").exists() && !t.join("y.pdf").exists());
}

#[test]
fn quiet_is_accepted_by_every_command_and_silences_all_but_problems() {
    let t = temp_dir("quiet");
    let out = t.join("o/");
    let imported = t.join("i.json");
    let cases: Vec<Vec<&str>> = vec![
        vec!["-q", "validate", "examples/huaian-2024.json"],
        vec!["validate", "--quiet", "examples/huaian-2024.json"],
        vec!["render", "-q", "examples/huaian-2024.json", "--docx", "-o", s(&out)],
        vec!["batch", "-q", "examples/huaian-2024.json", "-o", s(&out), "--docx"],
        vec!["batch", "-q", "--check", "examples/huaian-2024.json"],
        vec!["check-series", "-q", "examples/"],
        vec!["fonts", "-q"],
        vec![
            "import",
            "-q",
            "tests/fixtures/import/docx/filled-2021.docx",
            "-o",
            s(&imported),
        ],
    ];
    for args in cases {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(&args)
            .current_dir(root())
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        assert_eq!(text(&o.stdout), "", "{args:?} prints nothing on standard output");
        // What is left on standard error are problems (warnings), never notes or summaries.
        let err = text(&o.stderr);
        for chatter in [
            "ok: ",
            "note: ",
            "batch: ",
            "batch --check: ",
            "validate: ",
            "fonts folder",
        ] {
            // A diagnostic's own `= note:` line belongs to the problem, so match line starts.
            assert!(
                !err.lines().any(|l| l.starts_with(chatter)),
                "{args:?} printed `{chatter}`: {err}"
            );
        }
    }
    // Without -q, the same commands do say something.
    let o = nianbao(&["render", &zibo(), "--docx", "-o", s(&out)]);
    assert!(
        text(&o.stderr).lines().any(|l| l.starts_with("note: ")),
        "{}",
        text(&o.stderr)
    );
    // Commands that print a document print it also with -q: it is the product, not chatter.
    let o = nianbao(&["-q", "init", "--year", "2024"]);
    assert!(text(&o.stdout).contains("\"year\": 2024"));
}

/// Runs a shell command line under a pseudo-terminal (util-linux `script`), so that the
/// program's standard output is a terminal; returns the exit status and what it printed.
fn under_a_terminal(command: &str) -> (i32, String) {
    let o = common::tool("script", &["-qec", command, "/dev/null"]);
    (o.status.code().unwrap_or(-1), text(&o.stdout))
}

#[test]
fn binary_output_is_refused_on_a_terminal_but_flows_into_a_pipe() {
    let bin = env!("CARGO_BIN_EXE_nianbao");
    for (flag, what) in [("--pdf", "a PDF"), ("--docx", "a DOCX")] {
        let (code, printed) = under_a_terminal(&format!("{bin} render {} {flag} -o -", zibo()));
        assert_eq!(code, 2, "{printed}");
        assert!(
            printed.contains(&format!("refusing to write {what} to the terminal")) && printed.contains("> report.pdf"),
            "{printed}"
        );
        assert!(
            !printed.contains("%PDF") && !printed.contains("PK\u{3}\u{4}"),
            "nothing binary was written"
        );
    }
    // A device that is the terminal, named with -o, is refused the same way.
    let (code, printed) = under_a_terminal(&format!("{bin} render {} --pdf -o /dev/stdout", zibo()));
    assert_eq!(code, 2, "{printed}");
    assert!(printed.contains("refusing to write a PDF to the terminal"), "{printed}");
    // The same command with standard output piped writes the PDF.
    let (code, printed) = under_a_terminal(&format!("{bin} render {} --pdf -o - 2>/dev/null | head -c 5", zibo()));
    assert_eq!((code, printed.as_str()), (0, "%PDF-"));
    // And under --diagnostics json the refusal is one JSON line of class argument.
    let (code, printed) = under_a_terminal(&format!("{bin} --diagnostics json render {} --pdf -o -", zibo()));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(printed.trim()).expect("one JSON line");
    assert_eq!(
        (v["class"].as_str(), v["rule"].as_str()),
        (Some("argument"), Some("argument"))
    );
}

#[test]
fn argument_errors_are_json_lines_under_diagnostics_json() {
    for args in [
        vec!["--diagnostics", "json", "render"],
        vec!["fonts", "--diagnostics", "json", "--check"],
        vec!["--diagnostics=json", "completions", "tcsh"],
        vec!["--diagnostics", "json", "batch", "x.json"],
    ] {
        let o = nianbao(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        let lines: Vec<serde_json::Value> = err.lines().map(|l| serde_json::from_str(l).expect(l)).collect();
        assert_eq!(lines.len(), 1, "{args:?}: {err}");
        assert_eq!(lines[0]["class"], "argument", "{args:?}");
    }
}

#[test]
fn completions_and_the_manual_page_describe_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = nianbao(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = text(&o.stdout);
        for cmd in ["validate", "render", "batch", "fonts", "import"] {
            assert!(script.contains(cmd), "{shell} completion lacks {cmd}");
        }
    }
    let bash = text(&nianbao(&["completions", "bash"]).stdout);
    assert!(
        bash.contains("--diagnostics") && bash.contains("--pdf-standard"),
        "options complete too"
    );
    let o = nianbao(&["manpage"]);
    assert_eq!(o.status.code(), Some(0));
    let man = text(&o.stdout);
    assert!(man.contains(".TH nianbao 1"), "{}", &man[..man.len().min(300)]);
    assert!(
        man.contains("validate") && man.contains("EXIT STATUS"),
        "the manual has the commands and exit codes"
    );
}
