//! Helpers shared by the DOCX tests (`docx.rs`, `docx_readers.rs`): documents from the
//! examples, the package unzipped and its XML read back, external tools.
#![allow(dead_code)]

use super::common::{examples, root};
use nianbao::export::docx::{self, DocxOptions};
use nianbao::model::{Document, Table, TableCell};
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
// ---------------------------------------------------------------------------------------------
// Helpers

pub fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn checked(bytes: &[u8]) -> nianbao::validate::Checked {
    let (checked, diags) = nianbao::load(bytes, nianbao::validate::Options::default());
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == nianbao::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked.expect("a checked report")
}

pub fn document(path: &Path) -> Document {
    let bytes = std::fs::read(path).expect("read example");
    nianbao::model::resolve(&checked(&bytes))
}

/// An example with a `date` added, so that it has a sign-off.
pub fn with_date(path: &Path, date: &str) -> Document {
    let src = std::fs::read_to_string(path).expect("read example");
    let mut v: serde_json::Value = serde_json::from_str(&src).expect("example is JSON");
    v["date"] = serde_json::Value::String(date.into());
    let doc = nianbao::model::resolve(&checked(v.to_string().as_bytes()));
    assert!(doc.signoff.is_some());
    doc
}

pub fn write(doc: &Document) -> Vec<u8> {
    docx::write(doc, &DocxOptions::default()).expect("docx written")
}

/// The package's entries, in order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("entry bytes");
            (f.name().to_string(), b)
        })
        .collect()
}

pub fn part(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let b = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(b.1.clone()).expect("UTF-8 part")
}

/// A read-back XML element, text unescaped.
#[derive(Debug, Clone, Default)]
pub struct X {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub children: Vec<X>,
    /// Concatenated character data directly inside this element.
    pub text: String,
}

impl X {
    pub fn parse(src: &str) -> X {
        let mut r = quick_xml::Reader::from_str(src);
        let mut stack = vec![X::default()];
        loop {
            match r.read_event().expect("well-formed XML") {
                Event::Start(s) => stack.push(X::open(&s, r.decoder())),
                Event::Empty(s) => {
                    let e = X::open(&s, r.decoder());
                    stack.last_mut().expect("parent").children.push(e);
                }
                Event::End(_) => {
                    let e = stack.pop().expect("open element");
                    stack.last_mut().expect("parent").children.push(e);
                }
                Event::Text(t) => {
                    let s = t.decode().expect("text").into_owned();
                    stack.last_mut().expect("parent").text.push_str(&s);
                }
                Event::GeneralRef(g) => {
                    let s = match &*g.decode().expect("ref") {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    };
                    stack.last_mut().expect("parent").text.push_str(s);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "balanced XML");
        stack.pop().expect("root").children.pop().expect("a root element")
    }

    pub fn open(s: &quick_xml::events::BytesStart<'_>, decoder: quick_xml::encoding::Decoder) -> X {
        X {
            name: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
            attrs: s
                .attributes()
                .map(|a| {
                    let a = a.expect("attribute");
                    (
                        String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                        a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
                            .expect("attribute value")
                            .into_owned(),
                    )
                })
                .collect(),
            ..X::default()
        }
    }

    pub fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }

    pub fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a X> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn kid<'a>(&'a self, name: &'a str) -> Option<&'a X> {
        self.kids(name).next()
    }

    /// Every descendant (pre-order) with this name.
    pub fn all<'a>(&'a self, name: &str) -> Vec<&'a X> {
        let mut out = Vec::new();
        self.walk(name, &mut out);
        out
    }

    pub fn walk<'a>(&'a self, name: &str, out: &mut Vec<&'a X>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.walk(name, out);
        }
    }

    /// The text of all `w:t` below, concatenated.
    pub fn text(&self) -> String {
        self.all("w:t").iter().map(|t| t.text.as_str()).collect()
    }

    /// `w:val` of a child property (`w:pStyle`, `w:gridSpan`, …).
    pub fn val<'a>(&'a self, prop: &'a str) -> Option<&'a str> {
        self.kid(prop).and_then(|p| p.attr("w:val"))
    }
}

pub fn body(entries: &[(String, Vec<u8>)]) -> X {
    let d = X::parse(&part(entries, "word/document.xml"));
    d.kid("w:body").expect("w:body").clone()
}

pub fn style_of(p: &X) -> Option<String> {
    p.kid("w:pPr").and_then(|pp| pp.val("w:pStyle")).map(str::to_string)
}

/// Runs an external tool; a missing tool fails the test with the setup hint.
pub fn tool(cmd: &str, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(cmd);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("`{cmd}` is needed by this test ({e}); run `bash .ci/setup` first"));
    out
}

pub fn venv_bin(name: &str) -> PathBuf {
    let p = root().join(".ci/venv/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing; run `bash .ci/setup` first (it installs openxml-audit and python-docx)",
        p.display()
    );
    p
}

/// Writes the DOCX of every example (plus one with a sign-off) into `dir`.
pub fn write_all(dir: &Path) -> Vec<(PathBuf, Document)> {
    let mut out = Vec::new();
    for ex in examples() {
        let doc = document(&ex);
        let path = dir.join(format!("{}.docx", stem(&ex)));
        std::fs::write(&path, write(&doc)).expect("write docx");
        out.push((path, doc));
    }
    let first = &examples()[0];
    let doc = with_date(first, "2021-01-20");
    let path = dir.join(format!("{}-signed.docx", stem(first)));
    std::fs::write(&path, write(&doc)).expect("write docx");
    out.push((path, doc));
    out
}

/// The Word cells a model row must produce: (grid column, gridSpan, vMerge, text).
pub fn expected_row(t: &Table, r: usize) -> Vec<(usize, usize, Option<&'static str>, String)> {
    let cols = t.widths.len();
    let mut owner: Vec<Option<(usize, &TableCell)>> = vec![None; cols];
    for (r0, row) in t.rows.iter().enumerate().take(r + 1) {
        for c in &row.cells {
            if r0 + c.row_span > r {
                for o in owner.iter_mut().skip(c.col).take(c.col_span) {
                    *o = Some((r0, c));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut col = 0;
    while col < cols {
        match owner[col] {
            None => {
                out.push((col, 1, None, String::new()));
                col += 1;
            }
            Some((r0, c)) => {
                let vm = match (c.row_span > 1, r0 == r) {
                    (false, _) => None,
                    (true, true) => Some("restart"),
                    (true, false) => Some("continue"),
                };
                let text = if r0 == r { c.text.clone() } else { String::new() };
                out.push((col, c.col_span, vm, text));
                col += c.col_span;
            }
        }
    }
    out
}
