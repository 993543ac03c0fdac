//! Reading a report: bytes → [`Report`], with every problem reported at once.
//!
//! The contract is `spec/input.md` (summarised in the README and in `nianbao schema`).
//! JSON syntax errors are located by line:column; shape and type errors by JSON path (with
//! line:column); unknown fields get a "did you mean" hint, and a field of the other statute
//! format says so. Duplicate keys are errors. A leading UTF-8 BOM is accepted.

use crate::diag::{Diagnostic, Locus};
use crate::template::{CellKind, Format, Template};
use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;
use std::collections::BTreeMap;

/// The largest count or total accepted (|signed counts| likewise): 10¹² − 1.
pub const MAX_COUNT: i64 = 999_999_999_999;
/// The most significant digits an amount may have.
pub const MAX_AMOUNT_DIGITS: usize = 24;

/// A run of paragraph text, bold or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// A block of prose: a body paragraph (with bold runs) or a heading on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Run>),
    /// `level` is 2, 3 or 4 (level 1 headings come from the template).
    Heading {
        level: u8,
        text: String,
    },
}

/// A calendar date (成文日期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// A statistics cell as written in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Not written: a count is 0, a total is computed.
    Absent,
    /// Written as `null`: printed empty (archive reports).
    Null,
    /// A count, signed count or total.
    Int(i64),
    /// An amount, kept exactly as written (e.g. `"96171.60"`).
    Amount(String),
    /// Written, but rejected by an error diagnostic; printed empty.
    Invalid,
}

/// A report as read from JSON, before the identities are checked.
#[derive(Debug, Clone)]
pub struct Report {
    pub format: Format,
    pub year: i64,
    pub agency: String,
    /// A stable id of the agency (e.g. its 统一社会信用代码), which makes reports of one agency
    /// a series even when its name changes.
    pub agency_id: Option<String>,
    /// The title as written: the elements of a `title` array, a `title` string as one
    /// element, or the default's two parts `[agency, "{year}年政府信息公开工作年度报告"]`.
    pub title: Vec<String>,
    /// Whether `title` was an array: each element is then one printed line (see
    /// [`crate::model::title::title_lines`]).
    pub title_lines_given: bool,
    pub date: Option<Date>,
    pub preamble: Vec<Block>,
    /// Prose sections by key (`overview`, `problems`, `other`).
    pub sections: BTreeMap<String, Vec<Block>>,
    /// Every value key of the format's template.
    pub cells: BTreeMap<String, Cell>,
}

/// The largest input read, in bytes (32 MiB; a real report is well under 1 MiB, and a
/// paragraph of several megabytes still fits). Past it, [`parse`] refuses the input with the
/// rule `too-large`, and [`read_limited`] stops reading.
pub const MAX_INPUT_BYTES: usize = 32 << 20;

/// Reads at most [`MAX_INPUT_BYTES`] + 1 bytes: enough for [`parse`] to tell that an input is
/// too large, without reading a huge file or an endless stream into memory.
pub fn read_limited(r: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut buf = Vec::new();
    r.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The encoding bytes that are not UTF-8 look like: UTF-16 (a byte-order mark, or the zero
/// bytes of ASCII text in UTF-16), or GB18030/GBK (every non-ASCII byte in a GB18030 two- or
/// four-byte sequence).
fn guess_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE") {
        return Some("UTF-16LE");
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Some("UTF-16BE");
    }
    let head = &bytes[..bytes.len().min(4096)];
    let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if half > 0 && zeros(1) * 3 >= half && zeros(0) * 10 < half {
        return Some("UTF-16LE");
    }
    if half > 0 && zeros(0) * 3 >= half && zeros(1) * 10 < half {
        return Some("UTF-16BE");
    }
    let mut i = 0;
    let mut multibyte = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        if (0x81..=0xFE).contains(&b) && matches!(at(1), 0x40..=0x7E | 0x80..=0xFE) {
            i += 2;
        } else if (0x81..=0xFE).contains(&b)
            && at(1).is_ascii_digit()
            && (0x81..=0xFE).contains(&at(2))
            && at(3).is_ascii_digit()
        {
            i += 4;
        } else {
            return None;
        }
        multibyte = true;
    }
    multibyte.then_some("GB18030 (GBK)")
}

/// Parses a report. Returns the report when its shape could be read (possibly with errors in
/// the diagnostics, e.g. a bad count), and every diagnostic found. Never panics on input.
/// Input over [`MAX_INPUT_BYTES`] is refused unread (rule `too-large`); bytes that are not
/// UTF-8 are refused naming the encoding they look like (rule `utf8`).
pub fn parse(bytes: &[u8]) -> (Option<Report>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if bytes.len() > MAX_INPUT_BYTES {
        diags.push(
            Diagnostic::error(
                "too-large",
                Locus::Input,
                format!("the input is larger than {} MiB", MAX_INPUT_BYTES >> 20),
            )
            .with_hint("a report is a few hundred kilobytes; check that this is the right file"),
        );
        return (None, diags);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf16 = guess_encoding(bytes).filter(|e| e.starts_with("UTF-16"));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if utf16.is_none() => t,
        result => {
            let valid = result.err().map_or(0, |e| e.valid_up_to());
            let upto = &bytes[..valid];
            let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
            let col_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&upto[col_start..]).chars().count() + 1;
            let (message, hint) = match utf16.or_else(|| guess_encoding(bytes)) {
                Some(enc) => (
                    format!("the input is not valid UTF-8; it looks like {enc}"),
                    format!(
                        "save the file as UTF-8, e.g. iconv -f {} -t UTF-8 in.json > out.json{}",
                        enc.split(' ').next().unwrap_or(enc),
                        if enc.starts_with("GB") {
                            " (GB18030 also reads GBK files)"
                        } else {
                            ""
                        }
                    ),
                ),
                None => (
                    "the input is not valid UTF-8".to_string(),
                    "save the file as UTF-8 (GBK/GB18030 files must be converted first)".to_string(),
                ),
            };
            let locus = if utf16.is_some() {
                Locus::Input
            } else {
                Locus::Source { line, column }
            };
            diags.push(Diagnostic::error("utf8", locus, message).with_hint(hint));
            return (None, diags);
        }
    };
    let strict = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = match jsonc_parser::parse_to_ast(text, &Default::default(), &strict) {
        Ok(p) => p,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "json-syntax",
                    Locus::Source {
                        line: e.line_display(),
                        column: e.column_display(),
                    },
                    format!("invalid JSON ({})", e.kind().to_string().to_lowercase()),
                )
                .with_hint("fix the JSON syntax at this position; a JSON linter shows it too"),
            );
            return (None, diags);
        }
    };
    let Some(root) = parsed.value else {
        diags.push(
            Diagnostic::error("json-syntax", Locus::Input, "the input is empty")
                .with_hint("run `nianbao init` for a skeleton"),
        );
        return (None, diags);
    };
    let mut r = Reader {
        text,
        lines: line_starts(text),
        diags,
    };
    let report = r.report(&root);
    let mut diags = r.diags;
    // Report in reading order; diagnostics without a position keep their place at the end.
    diags.sort_by_key(|d| match &d.locus {
        Locus::Source { line, column } => (*line, *column),
        Locus::Path {
            line: Some(l),
            column: Some(c),
            ..
        } => (*l, *c),
        _ => (usize::MAX, 0),
    });
    (report, diags)
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

const TOP_FIELDS: &[&str] = &[
    "$schema",
    "format",
    "year",
    "agency",
    "agency_id",
    "title",
    "date",
    "preamble",
    "sections",
    "proactive",
    "requests",
    "review_litigation",
];

/// A tree of the table keys of one format: branches are objects, leaves are cells.
enum KeyNode {
    Leaf(String, CellKind),
    Branch(BTreeMap<String, KeyNode>),
}

impl KeyNode {
    fn of(template: &Template) -> BTreeMap<String, KeyNode> {
        let mut root = BTreeMap::new();
        for (key, kc) in template.keys() {
            let parts: Vec<&str> = key.split('.').collect();
            let mut node = &mut root;
            for p in &parts[..parts.len() - 1] {
                let next = node
                    .entry(p.to_string())
                    .or_insert_with(|| KeyNode::Branch(BTreeMap::new()));
                node = match next {
                    KeyNode::Branch(m) => m,
                    KeyNode::Leaf(..) => unreachable!("a template key is a prefix of another"),
                };
            }
            node.insert(parts[parts.len() - 1].to_string(), KeyNode::Leaf(key.clone(), kc.kind));
        }
        root
    }

    fn get<'a>(root: &'a BTreeMap<String, KeyNode>, path: &[&str]) -> Option<&'a KeyNode> {
        let (first, rest) = path.split_first()?;
        let mut node = root.get(*first)?;
        for p in rest {
            node = match node {
                KeyNode::Branch(m) => m.get(*p)?,
                KeyNode::Leaf(..) => return None,
            };
        }
        Some(node)
    }
}

struct Reader<'t> {
    text: &'t str,
    lines: Vec<usize>,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn at(&self, path: &str, node: &impl Ranged) -> Locus {
        let start = node.start();
        let line = self.lines.partition_point(|&s| s <= start);
        let ls = self.lines[line - 1];
        let column = self.text.get(ls..start).map_or(1, |s| s.chars().count() + 1);
        Locus::Path {
            path: path.to_string(),
            line: Some(line),
            column: Some(column),
        }
    }

    fn err(&mut self, rule: &'static str, locus: Locus, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.push(Diagnostic::error(rule, locus, msg).with_hint(hint));
    }

    fn type_err(&mut self, path: &str, v: &Value, expected: &str) {
        let locus = self.at(path, v);
        self.err(
            "type",
            locus,
            format!("expected {expected}, found {}", describe(v)),
            format!("write {expected} here"),
        );
    }

    /// The properties of an object, after reporting duplicate keys (the first one counts)
    /// and unknown ones.
    fn fields<'v, 'a>(
        &mut self,
        path: &str,
        obj: &'v Object<'a>,
        known: &[&str],
        other_format: &dyn Fn(&str) -> Option<Format>,
    ) -> BTreeMap<&'v str, &'v Value<'a>> {
        let mut out = BTreeMap::new();
        for prop in &obj.properties {
            let name = prop.name.as_str();
            let p = child(path, name);
            if out.contains_key(name) {
                let locus = self.at(&p, &prop.name);
                self.err(
                    "duplicate-key",
                    locus,
                    format!("duplicate key `{name}`"),
                    "remove one of them; JSON readers disagree about which one wins",
                );
                continue;
            }
            if !known.contains(&name) {
                let locus = self.at(&p, &prop.name);
                if let Some(f) = other_format(name) {
                    self.err(
                        "wrong-format-field",
                        locus,
                        format!("`{name}` belongs to the {f} format, not to this report's format"),
                        "set `format` to the statute format the report follows, or remove the field",
                    );
                } else {
                    let hint = match suggest(name, known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("known fields here: {}", known.join(", ")),
                    };
                    self.err("unknown-field", locus, format!("unknown field `{name}`"), hint);
                }
                continue;
            }
            out.insert(name, &prop.value);
        }
        out
    }

    fn report(&mut self, root: &Value) -> Option<Report> {
        let Value::Object(obj) = root else {
            self.type_err("$", root, "an object");
            return None;
        };
        let f = self.fields("$", obj, TOP_FIELDS, &|_| None);
        if let Some(v) = f.get("$schema").filter(|v| !matches!(v, Value::StringLit(_))) {
            self.type_err(&child("$", "$schema"), v, "a string (the schema's address)");
        }

        let year = match f.get("year") {
            Some(v) => self.int(v, "$.year", 2008, 2100),
            None => {
                self.err(
                    "missing-field",
                    Locus::Path {
                        path: "$.year".into(),
                        line: None,
                        column: None,
                    },
                    "missing field `year`",
                    "add the reported year, e.g. \"year\": 2024",
                );
                None
            }
        };
        let format = match f.get("format") {
            None => year.map(Format::for_year).unwrap_or(Format::F2021),
            Some(Value::StringLit(s)) if Format::parse(&s.value).is_some() => {
                let fmt = Format::parse(&s.value).expect("checked");
                if let Some(y) = year {
                    if Format::for_year(y) != fmt {
                        let locus = self.at("$.format", *f.get("format").expect("present"));
                        self.diags.push(
                            Diagnostic::warning(
                                "format-year",
                                locus,
                                format!(
                                    "format {fmt} is not the statute's format for {y} reports ({})",
                                    Format::for_year(y)
                                ),
                            )
                            .with_hint(
                                "the 2019 试行 format applies to 2019 and 2020 reports, the 2021 format from 2021 on",
                            ),
                        );
                    }
                }
                fmt
            }
            Some(v) => {
                let locus = self.at("$.format", *v);
                self.err(
                    "format",
                    locus,
                    format!("unknown format {}", describe(v)),
                    "write \"2019\" (2019 试行 format) or \"2021\"",
                );
                year.map(Format::for_year).unwrap_or(Format::F2021)
            }
        };
        let template = format.template();

        let agency = self.required_text(&f, "agency").unwrap_or_default();
        let agency_id = match f.get("agency_id") {
            None => None,
            Some(Value::StringLit(s)) => {
                Some(self.nonempty(&s.value, "$.agency_id", f.get("agency_id").expect("present")))
            }
            Some(v) => {
                self.type_err("$.agency_id", v, "a string (e.g. a 统一社会信用代码)");
                None
            }
        };
        let title_lines_given = matches!(f.get("title"), Some(Value::Array(_)));
        let title = match f.get("title") {
            None => vec![
                agency.clone(),
                format!("{}年政府信息公开工作年度报告", year.unwrap_or_default()),
            ],
            Some(Value::StringLit(s)) => {
                vec![self.nonempty(&s.value, "$.title", f.get("title").expect("present"))]
            }
            Some(Value::Array(a)) if !a.elements.is_empty() => a
                .elements
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let p = format!("$.title[{i}]");
                    match v {
                        Value::StringLit(s) => self.nonempty(&s.value, &p, v),
                        _ => {
                            self.type_err(&p, v, "a string");
                            String::new()
                        }
                    }
                })
                .collect(),
            Some(v) => {
                self.type_err("$.title", v, "a string or a non-empty array of strings");
                Vec::new()
            }
        };
        let date = f.get("date").and_then(|v| self.date(v));
        if let (Some(d), Some(y)) = (date, year) {
            if i64::from(d.year) <= y {
                let locus = self.at("$.date", *f.get("date").expect("present"));
                self.diags.push(
                    Diagnostic::warning(
                        "date-before-year",
                        locus,
                        format!(
                            "the date {}-{:02}-{:02} lies before the end of the reported year {y}",
                            d.year, d.month, d.day
                        ),
                    )
                    .with_hint("成文日期 is usually in January or February of the following year"),
                );
            }
        }
        let preamble = match f.get("preamble") {
            Some(v) => self.blocks(v, "$.preamble"),
            None => Vec::new(),
        };

        let mut sections = BTreeMap::new();
        let prose: Vec<&str> = template.prose_keys().collect();
        match f.get("sections") {
            Some(Value::Object(o)) => {
                let sf = self.fields("$.sections", o, &prose, &|_| None);
                for key in &prose {
                    let p = child("$.sections", key);
                    match sf.get(key) {
                        Some(v) => {
                            let b = self.blocks(v, &p);
                            sections.insert(key.to_string(), b);
                        }
                        None => {
                            let locus = self.at("$.sections", *f.get("sections").expect("present"));
                            self.err(
                                "missing-field",
                                locus,
                                format!("missing section `{key}`"),
                                format!("add \"{key}\": [\"…\"] (write [\"无\"] if there is nothing to report)"),
                            );
                        }
                    }
                }
            }
            Some(v) => self.type_err("$.sections", v, "an object"),
            None => self.err(
                "missing-field",
                Locus::Path {
                    path: "$.sections".into(),
                    line: None,
                    column: None,
                },
                "missing field `sections`",
                "add \"sections\": {\"overview\": [], \"problems\": [], \"other\": []}",
            ),
        }

        let tree = KeyNode::of(template);
        let other = Format::ALL.into_iter().find(|&x| x != format).expect("two formats");
        let other_tree = KeyNode::of(other.template());
        let mut cells: BTreeMap<String, Cell> = template.keys().keys().map(|k| (k.clone(), Cell::Absent)).collect();
        for table in &template.tables {
            let p = child("$", &table.id);
            match f.get(table.id.as_str()) {
                Some(v) => {
                    let node = tree.get(&table.id).expect("template table has keys");
                    self.cells(v, &p, &[table.id.as_str()], node, &other_tree, other, &mut cells);
                }
                None => self.err(
                    "missing-field",
                    Locus::Path {
                        path: p,
                        line: None,
                        column: None,
                    },
                    format!("missing table `{}` ({})", table.id, table.name),
                    "add it; `nianbao init` prints every key with zeros",
                ),
            }
        }
        Some(Report {
            format,
            year: year.unwrap_or_default(),
            agency,
            agency_id,
            title,
            title_lines_given,
            date,
            preamble,
            sections,
            cells,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn cells(
        &mut self,
        v: &Value,
        path: &str,
        key: &[&str],
        node: &KeyNode,
        other_tree: &BTreeMap<String, KeyNode>,
        other: Format,
        out: &mut BTreeMap<String, Cell>,
    ) {
        match node {
            KeyNode::Leaf(full, kind) => {
                let cell = self.cell(v, path, *kind);
                out.insert(full.clone(), cell);
            }
            KeyNode::Branch(children) => {
                let Value::Object(obj) = v else {
                    self.type_err(path, v, "an object");
                    return;
                };
                let known: Vec<&str> = children.keys().map(String::as_str).collect();
                let in_other = |name: &str| {
                    let mut p = key.to_vec();
                    p.push(name);
                    KeyNode::get(other_tree, &p).map(|_| other)
                };
                let fields = self.fields(path, obj, &known, &in_other);
                for (name, value) in fields {
                    let mut k = key.to_vec();
                    k.push(name);
                    self.cells(value, &child(path, name), &k, &children[name], other_tree, other, out);
                }
            }
        }
    }

    fn cell(&mut self, v: &Value, path: &str, kind: CellKind) -> Cell {
        match (v, kind) {
            (Value::NullKeyword(_), _) => Cell::Null,
            (Value::NumberLit(n), CellKind::Count | CellKind::Total | CellKind::Signed) => {
                let (min, what) = if kind == CellKind::Signed {
                    (-MAX_COUNT, "an integer")
                } else {
                    (0, "a non-negative integer")
                };
                // A count is a number whose value is whole, however it is written (88283,
                // 88283.0, 8.8283e4), as JSON Schema's `integer` says.
                match Decimal::parse(n.value).map(|d| d.integer(MAX_COUNT)) {
                    Some(Whole::Int(i)) if (min..=MAX_COUNT).contains(&i) => Cell::Int(i),
                    Some(Whole::Int(_) | Whole::Huge) => {
                        let locus = self.at(path, v);
                        self.err(
                            "range",
                            locus,
                            format!("{} is out of range ({min} … {MAX_COUNT})", n.value),
                            format!("write {what} of at most 12 digits"),
                        );
                        Cell::Invalid
                    }
                    _ => {
                        let locus = self.at(path, v);
                        self.err(
                            "type",
                            locus,
                            format!("expected {what}, found {}", n.value),
                            "counts are whole numbers of items: no fraction",
                        );
                        Cell::Invalid
                    }
                }
            }
            (Value::NumberLit(n), CellKind::Amount) => match Decimal::parse(n.value).and_then(|d| d.plain()) {
                Some(plain) => self.amount(&plain, path, v),
                // A huge or tiny exponent: far more digits than an amount may have.
                None => {
                    let locus = self.at(path, v);
                    self.err(
                        "range",
                        locus,
                        format!("`{}` has more than {MAX_AMOUNT_DIGITS} digits", n.value),
                        "check the unit of the amount",
                    );
                    Cell::Invalid
                }
            },
            (Value::StringLit(s), CellKind::Amount) => self.amount(&s.value, path, v),
            (_, CellKind::Amount) => {
                self.type_err(path, v, "a decimal number or a string holding one");
                Cell::Invalid
            }
            (_, CellKind::Signed) => {
                self.type_err(path, v, "an integer (may be negative)");
                Cell::Invalid
            }
            (_, _) => {
                self.type_err(path, v, "a non-negative integer or null");
                Cell::Invalid
            }
        }
    }

    fn amount(&mut self, s: &str, path: &str, v: &Value) -> Cell {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits_ok = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        let ok = digits_ok(int) && (frac.is_empty() && !s.ends_with('.') || digits_ok(frac));
        if !ok {
            let locus = self.at(path, v);
            self.err(
                "type",
                locus,
                format!("`{s}` is not a non-negative decimal number"),
                "write digits with at most one decimal point, e.g. \"96171.6\" (no unit, no thousands separator)",
            );
            return Cell::Invalid;
        }
        if int.len() + frac.len() > MAX_AMOUNT_DIGITS {
            let locus = self.at(path, v);
            self.err(
                "range",
                locus,
                format!("`{s}` has more than {MAX_AMOUNT_DIGITS} digits"),
                "check the unit of the amount",
            );
            return Cell::Invalid;
        }
        Cell::Amount(s.to_string())
    }

    /// An integer in `min..=max`: a number whose value is whole (2021, 2021.0, 2.021e3).
    fn int(&mut self, v: &Value, path: &str, min: i64, max: i64) -> Option<i64> {
        let Value::NumberLit(n) = v else {
            self.type_err(path, v, "an integer");
            return None;
        };
        match Decimal::parse(n.value).map(|d| d.integer(max.max(-min))) {
            Some(Whole::Int(i)) if (min..=max).contains(&i) => Some(i),
            Some(Whole::Int(_) | Whole::Huge) => {
                let locus = self.at(path, v);
                self.err(
                    "range",
                    locus,
                    format!("{} is out of range ({min} … {max})", n.value),
                    format!("write a whole number from {min} to {max}"),
                );
                None
            }
            _ => {
                self.type_err(path, v, "an integer");
                None
            }
        }
    }

    fn nonempty(&mut self, s: &str, path: &str, v: &Value) -> String {
        if s.trim().is_empty() {
            let locus = self.at(path, v);
            self.err("empty-text", locus, "the text is empty", "write the text as printed");
        }
        s.to_string()
    }

    fn required_text(&mut self, f: &BTreeMap<&str, &Value>, name: &str) -> Option<String> {
        let p = child("$", name);
        match f.get(name) {
            Some(Value::StringLit(s)) => Some(self.nonempty(&s.value, &p, f.get(name).expect("present"))),
            Some(v) => {
                self.type_err(&p, v, "a string");
                None
            }
            None => {
                self.err(
                    "missing-field",
                    Locus::Path {
                        path: p,
                        line: None,
                        column: None,
                    },
                    format!("missing field `{name}`"),
                    format!("add \"{name}\": \"…\""),
                );
                None
            }
        }
    }

    fn date(&mut self, v: &Value) -> Option<Date> {
        let Value::StringLit(s) = v else {
            self.type_err("$.date", v, "a date string \"YYYY-MM-DD\"");
            return None;
        };
        let parsed = parse_date(&s.value);
        if parsed.is_none() {
            let locus = self.at("$.date", v);
            self.err(
                "date",
                locus,
                format!("`{}` is not a calendar date", s.value),
                "write the date as \"YYYY-MM-DD\", e.g. \"2021-01-20\"",
            );
        }
        parsed
    }

    fn blocks(&mut self, v: &Value, path: &str) -> Vec<Block> {
        let Value::Array(a) = v else {
            self.type_err(path, v, "an array of paragraphs");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, el) in a.elements.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match el {
                Value::StringLit(s) => match parse_runs(&s.value) {
                    Ok(runs) if runs.iter().any(|r| !r.text.trim().is_empty()) => out.push(Block::Paragraph(runs)),
                    Ok(_) => {
                        let locus = self.at(&p, el);
                        self.err(
                            "empty-text",
                            locus,
                            "the paragraph is empty",
                            "remove it, or write \"无\"",
                        );
                    }
                    Err(msg) => {
                        let locus = self.at(&p, el);
                        self.err(
                            "markup",
                            locus,
                            msg,
                            "bold runs are written **like this**; a lone ** has no partner",
                        );
                    }
                },
                Value::Object(o) => {
                    let f = self.fields(&p, o, &["heading", "level"], &|_| None);
                    let level = match f.get("level") {
                        Some(lv) => self.int(lv, &child(&p, "level"), 2, 4).unwrap_or(2) as u8,
                        None => 2,
                    };
                    match f.get("heading") {
                        Some(Value::StringLit(s)) => {
                            let text =
                                self.nonempty(&s.value, &child(&p, "heading"), f.get("heading").expect("present"));
                            out.push(Block::Heading { level, text });
                        }
                        Some(h) => self.type_err(&child(&p, "heading"), h, "a string"),
                        None => {
                            let locus = self.at(&p, el);
                            self.err(
                                "missing-field",
                                locus,
                                "a heading block needs `heading`",
                                "write {\"heading\": \"（一）…\", \"level\": 2}",
                            );
                        }
                    }
                }
                _ => self.type_err(&p, el, "a paragraph string or a {\"heading\": …} object"),
            }
        }
        out
    }
}

/// A JSON number literal as an exact decimal: `digits` × 10^`exp`, never through a float.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    /// The digits as written (before the exponent), without the decimal point.
    digits: String,
    /// How many of `digits` stand before the decimal point once the exponent is applied
    /// (may be negative or larger than `digits.len()`).
    point: i64,
}

/// The whole value of a number, when it has one.
#[derive(Debug, PartialEq, Eq)]
enum Whole {
    Int(i64),
    /// Whole, but larger in magnitude than the limit asked for.
    Huge,
    /// Not whole (a fraction).
    Fraction,
}

/// The largest exponent taken literally; beyond it a number is "huge" or "tiny" anyway.
const MAX_EXPONENT: i64 = 1 << 40;

impl Decimal {
    /// Parses a JSON number literal (as the strict JSON reader let it through).
    fn parse(lit: &str) -> Option<Decimal> {
        let (negative, rest) = match lit.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, lit),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, "0"),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        let (exp_negative, exp_digits) = match exponent.as_bytes().first() {
            Some(b'-') => (true, &exponent[1..]),
            Some(b'+') => (false, &exponent[1..]),
            _ => (false, exponent),
        };
        if exp_digits.is_empty() || !all_digits(exp_digits) {
            return None;
        }
        let magnitude = exp_digits
            .trim_start_matches('0')
            .parse::<i64>()
            .unwrap_or(if exp_digits.trim_start_matches('0').is_empty() {
                0
            } else {
                MAX_EXPONENT
            })
            .min(MAX_EXPONENT);
        let exp = if exp_negative { -magnitude } else { magnitude };
        Some(Decimal {
            negative,
            digits: format!("{int}{frac}"),
            point: int.len() as i64 + exp,
        })
    }

    fn is_zero(&self) -> bool {
        self.digits.bytes().all(|b| b == b'0')
    }

    /// The value as an integer when it is whole: `Huge` beyond `limit` in magnitude.
    fn integer(&self, limit: i64) -> Whole {
        if self.is_zero() {
            return Whole::Int(0);
        }
        let significant = self.digits.trim_end_matches('0');
        // Digits after the point must all be zeros.
        if (significant.len() as i64) > self.point {
            return Whole::Fraction;
        }
        let lead = significant.len() - significant.trim_start_matches('0').len();
        let width = self.point - lead as i64;
        if width > 18 {
            return Whole::Huge;
        }
        let mut value: i64 = 0;
        for i in 0..self.point {
            let d = self
                .digits
                .as_bytes()
                .get(i as usize)
                .map_or(0, |b| i64::from(b - b'0'));
            value = value * 10 + d;
        }
        if value > limit {
            return Whole::Huge;
        }
        Whole::Int(if self.negative { -value } else { value })
    }

    /// The number written out without exponent, keeping the digits as written
    /// (`9.61716e4` → `96171.6`, `1.50e1` → `15.0`, `-0` → `0`); `None` when that would take
    /// far more digits than an amount may have. A negative number keeps its sign.
    fn plain(&self) -> Option<String> {
        let limit = 4 * MAX_AMOUNT_DIGITS as i64;
        if self.point > limit || self.point < -limit {
            return None;
        }
        let digits = &self.digits;
        let (int, frac) = if self.point <= 0 {
            (
                String::from("0"),
                format!("{}{digits}", "0".repeat((-self.point) as usize)),
            )
        } else if self.point as usize >= digits.len() {
            (
                format!("{digits}{}", "0".repeat(self.point as usize - digits.len())),
                String::new(),
            )
        } else {
            let (i, f) = digits.split_at(self.point as usize);
            (i.to_string(), f.to_string())
        };
        let int = match int.trim_start_matches('0') {
            "" => "0",
            t => t,
        };
        let sign = if self.negative && !self.is_zero() { "-" } else { "" };
        Some(if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        })
    }
}

fn child(path: &str, name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{name}")
    } else {
        format!("{path}[{}]", serde_json::to_string(name).unwrap_or_default())
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::StringLit(s) => format!("the string {:?}", s.value),
        Value::NumberLit(n) => format!("the number {}", n.value),
        Value::BooleanLit(b) => format!("{}", b.value),
        Value::Object(_) => "an object".into(),
        Value::Array(_) => "an array".into(),
        Value::NullKeyword(_) => "null".into(),
    }
}

/// The closest known name to a misspelt one, if any is close enough.
pub fn suggest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

/// Splits `**bold**` markup into runs. Fails on an unclosed `**`.
pub fn parse_runs(s: &str) -> Result<Vec<Run>, String> {
    let parts: Vec<&str> = s.split("**").collect();
    if parts.len().is_multiple_of(2) {
        return Err("unclosed bold marker `**`".into());
    }
    Ok(parts
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Run {
            text: t.to_string(),
            bold: i % 2 == 1,
        })
        .collect())
}

/// Parses `YYYY-MM-DD` into a valid calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        .iter()
        .all(|&i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits {
        return None;
    }
    let year: i32 = s[0..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..10].parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_on_bold_markers() {
        let r = parse_runs("**扩大公开范围。**2020 年").unwrap();
        assert_eq!(
            r,
            vec![
                Run {
                    text: "扩大公开范围。".into(),
                    bold: true
                },
                Run {
                    text: "2020 年".into(),
                    bold: false
                }
            ]
        );
        assert!(parse_runs("**未闭合").is_err());
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(parse_date("2024-02-29").map(|d| d.day), Some(29));
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2021-1-20").is_none());
    }

    #[test]
    fn suggestions_find_near_misses() {
        assert_eq!(suggest("natual", &["natural", "commercial"]), Some("natural"));
        assert_eq!(suggest("zzzzzz", &["natural", "commercial"]), None);
    }

    #[test]
    fn number_literals_are_read_exactly() {
        let whole = |s: &str| Decimal::parse(s).unwrap().integer(MAX_COUNT);
        assert_eq!(whole("88283.0"), Whole::Int(88283));
        assert_eq!(whole("8.8283e4"), Whole::Int(88283));
        assert_eq!(whole("-0"), Whole::Int(0));
        assert_eq!(whole("1E+3"), Whole::Int(1000));
        assert_eq!(whole("88283.5"), Whole::Fraction);
        assert_eq!(whole("1e-1"), Whole::Fraction);
        assert_eq!(whole("1e12"), Whole::Huge);
        assert_eq!(whole("1e999999999999999999999"), Whole::Huge);
        let plain = |s: &str| Decimal::parse(s).unwrap().plain();
        assert_eq!(plain("9.61716e4").as_deref(), Some("96171.6"));
        assert_eq!(plain("96171.60").as_deref(), Some("96171.60"));
        assert_eq!(plain("1.50e1").as_deref(), Some("15.0"));
        assert_eq!(plain("1.5e-3").as_deref(), Some("0.0015"));
        assert_eq!(plain("0.05e2").as_deref(), Some("5"));
        assert_eq!(plain("-0.0").as_deref(), Some("0.0"));
        assert_eq!(plain("-2").as_deref(), Some("-2"));
        assert_eq!(plain("1e-999999999"), None);
    }

    #[test]
    fn paths_quote_odd_names() {
        assert_eq!(child("$", "year"), "$.year");
        assert_eq!(child("$", "年份"), "$[\"年份\"]");
    }
}
