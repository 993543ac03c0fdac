//! The fuzz targets' bodies, shared by the cargo-fuzz binaries (`fuzz/fuzz_targets/`) and by
//! the ordinary test `tests/fuzz_corpus.rs`, which replays every file of `fuzz/corpus/` on
//! stable Rust. A target panics only when nianbao breaks one of its promises: a panic inside
//! the library, an error without a diagnostic, a render of a valid report that fails.

use nianbao::diag::{has_errors, Severity};
use nianbao::render::{render, RenderOptions};
use nianbao::template::{CellKind, Format};
use nianbao::text::fonts::{FontBook, FontConfig};
use nianbao::validate::Options;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// Raw bytes → parse → validate, in both modes. Promises: no panic; a report without shape
/// errors comes back; a rejected input has at least one error diagnostic.
#[allow(dead_code)] // used by the parse_validate target only
pub fn parse_validate(data: &[u8]) {
    for as_published in [false, true] {
        let (checked, diags) = nianbao::load(
            data,
            Options {
                as_published,
                ..Default::default()
            },
        );
        if checked.is_none() {
            assert!(
                has_errors(&diags),
                "no report came back, yet no error was reported: {diags:?}"
            );
        }
        for d in &diags {
            assert!(!d.message.is_empty(), "a diagnostic without a message: {d:?}");
        }
        if as_published {
            // Archive mode turns only identity failures into warnings: it never adds errors.
            let strict = nianbao::load(
                data,
                Options {
                    as_published: false,
                    ..Default::default()
                },
            )
            .1;
            let errors = |v: &[nianbao::diag::Diagnostic]| v.iter().filter(|d| d.severity == Severity::Error).count();
            assert!(errors(&diags) <= errors(&strict));
        }
    }
}

fn fonts() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(|| FontBook::load(&FontConfig::default()).expect("the bundled fonts load"))
}

/// A small reader of fuzz bytes: every call takes what it needs and yields a default once the
/// bytes run out, so any input makes a report.
struct Bytes<'a> {
    data: &'a [u8],
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    fn coin(&mut self) -> bool {
        self.byte() & 1 == 0
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    /// A character from anywhere in Unicode, biased towards the ranges reports use.
    fn char(&mut self) -> char {
        let pick = self.byte();
        let raw = match pick % 8 {
            0..=2 => 0x4E00 + self.u32() % (0x9FFF - 0x4E00),
            3 => 0x20 + self.u32() % 0x5F,
            4 => 0x3000 + self.u32() % 0x100,
            5 => 0xFF00 + self.u32() % 0xF0,
            _ => self.u32() % 0x11_0000,
        };
        char::from_u32(raw).unwrap_or('\u{FFFD}')
    }
    fn text(&mut self, max: usize) -> String {
        let len = self.byte() as usize % (max + 1);
        (0..len).map(|_| self.char()).collect()
    }
    fn count(&mut self) -> Value {
        match self.byte() % 16 {
            0..=6 => json!(0),
            7 => Value::Null,
            8 => json!(u64::from(self.u32() % 1_000_000) * 1000),
            _ => json!(self.byte() % 100),
        }
    }
}

/// A report of a random format with every table cell drawn from `data` (totals omitted so they
/// are computed), random prose from all of Unicode, and random optional fields.
pub fn arbitrary_report(data: &[u8]) -> Value {
    let mut b = Bytes { data };
    let format = if b.coin() { Format::F2019 } else { Format::F2021 };
    let year = match format {
        Format::F2019 => 2019 + i64::from(b.byte() % 2),
        Format::F2021 => 2021 + i64::from(b.byte() % 6),
    };
    let mut agency = b.text(40);
    if agency.trim().is_empty() {
        agency = "某机关".into();
    }
    let mut report = nianbao::init::skeleton(format, Some(year), Some(&agency));
    let root = report.as_object_mut().expect("a skeleton is an object");
    if b.coin() {
        root.remove("title");
    }
    if b.coin() {
        root.insert(
            "date".into(),
            json!(format!("{}-01-{:02}", year + 1, 1 + b.byte() % 28)),
        );
    }
    let blocks = |b: &mut Bytes| -> Value {
        let n = b.byte() % 6;
        Value::Array(
            (0..n)
                .map(|_| match b.byte() % 4 {
                    0 => json!({"heading": b.text(30), "level": 2 + b.byte() % 3}),
                    1 => json!(format!("**{}**{}", b.text(10), b.text(200))),
                    _ => json!(b.text(300)),
                })
                .collect(),
        )
    };
    root.insert("preamble".into(), blocks(&mut b));
    if let Some(Value::Object(sections)) = root.get_mut("sections") {
        let keys: Vec<String> = sections.keys().cloned().collect();
        for k in keys {
            sections.insert(k, blocks(&mut b));
        }
    }
    let template = format.template();
    for table in &template.tables {
        for row in &table.rows {
            for cell in &row.cells {
                let (Some(key), Some(kind)) = (&cell.key, cell.kind) else {
                    continue;
                };
                let value = match kind {
                    CellKind::Amount => json!(format!("{}.{}", b.u32() % 100_000, b.byte() % 100)),
                    CellKind::Total => continue,
                    CellKind::Signed if b.byte().is_multiple_of(4) => json!(-i64::from(b.byte())),
                    _ => b.count(),
                };
                nianbao::init::insert_path(root, key, value);
            }
        }
    }
    nianbao::init::strip_totals(&mut report);
    report
}

/// A structured report → resolve → layout → PDF, DOCX and HTML. Promises: no panic; a report
/// that validates renders to all three formats.
#[allow(dead_code)] // used by the render target only
pub fn render_report(data: &[u8]) {
    let report = arbitrary_report(data);
    let bytes = serde_json::to_vec(&report).expect("serialise");
    let opts = RenderOptions {
        pdf: true,
        docx: true,
        html: Some(nianbao::export::html::HtmlMode::Document),
        check: Options {
            as_published: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut diags = Vec::new();
    let result = render(&bytes, fonts(), &opts, &mut diags);
    if !has_errors(&diags) {
        let out = result.unwrap_or_else(|e| panic!("a valid report failed to render: {e:?}\n{report}"));
        assert!(out.pdf.is_some_and(|p| p.starts_with(b"%PDF-")));
        assert!(out.docx.is_some_and(|d| d.starts_with(b"PK")));
        assert!(out
            .html
            .is_some_and(|h| h.starts_with(b"<!DOCTYPE html>") && std::str::from_utf8(&h).is_ok()));
    }
}
