//! The JSON Schema (`nianbao schema`) and `validate` accept exactly the same documents, as
//! far as shape and types go (issue 14, A6): a property test over random documents, built
//! from every field with right and wrong types, numbers written every way JSON allows
//! (`88283.0`, `8.8283e4`, `-0`, `1e12`), keys of both formats and unknown keys.
//!
//! Out of its scope, because a JSON Schema cannot see them, and so never generated: the
//! identities (checked with `--as-published`, where they are warnings), a date that matches
//! `YYYY-MM-DD` but is no calendar date, `**` bold markup, control characters, duplicate keys,
//! numbers beyond a double's precision (more than 15 significant digits), and a number amount
//! whose digits, written out, exceed 24 (`1e-30`): the schema only bounds its value.
//! The schema is checked with the `jsonschema` crate, in process.

use nianbao::diag::has_errors;
use nianbao::template::{CellKind, Format};
use nianbao::validate::Options;
use proptest::prelude::*;
use std::sync::OnceLock;

/// A JSON document under construction: raw literals at the leaves, so that numbers keep
/// the exact spelling being tested.
#[derive(Debug, Clone)]
enum Node {
    Raw(String),
    Obj(Vec<(String, Node)>),
}

impl Node {
    fn text(&self) -> String {
        match self {
            Node::Raw(r) => r.clone(),
            Node::Obj(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap(), v.text()))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// Inserts a leaf at a dotted path; skipped when the path is taken or runs into a leaf
    /// (keys of the two formats may overlap), so that no key is duplicated.
    fn insert(&mut self, path: &[&str], value: &str) {
        let Node::Obj(fields) = self else { return };
        let (first, rest) = path.split_first().unwrap();
        match fields.iter_mut().find(|(k, _)| k == first) {
            Some((_, child)) if !rest.is_empty() => child.insert(rest, value),
            Some(_) => {}
            None if rest.is_empty() => fields.push((first.to_string(), Node::Raw(value.into()))),
            None => {
                let mut child = Node::Obj(Vec::new());
                child.insert(rest, value);
                fields.push((first.to_string(), child));
            }
        }
    }
}

fn literals(xs: &[&str]) -> impl Strategy<Value = String> {
    prop::sample::select(xs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

/// Mostly a value from `good`, sometimes anything from `any`: most documents stay valid, so
/// that acceptance is tested as well as refusal.
fn mostly(good: &[&str], any: &[&str]) -> BoxedStrategy<String> {
    prop_oneof![30 => literals(good), 1 => literals(any)].boxed()
}

/// Cell values valid for every kind of cell (count, total, signed count, amount).
const GOOD_CELLS: &[&str] = &[
    "0",
    "1",
    "88283",
    "88283.0",
    "8.8283e4",
    "1E+3",
    "-0",
    "999999999999",
    "null",
];

/// Cell values: counts, totals, signed counts and amounts, right and wrong.
const CELLS: &[&str] = &[
    "0",
    "1",
    "88283",
    "88283.0",
    "8.8283e4",
    "1E+3",
    "-0",
    "-5",
    "-5.0",
    "1.5",
    "999999999999",
    "999999999999.0",
    "1000000000000",
    "1e12",
    "-999999999999",
    "-1e12",
    "null",
    "true",
    "[]",
    "{}",
    "\"12\"",
    "\"96171.60\"",
    "\"abc\"",
    "\"\"",
    "\"1.\"",
    "\".5\"",
    "\"-1\"",
    "\"123456789012345678901234\"",
    "\"1234567890123456789012345\"",
    "\"1234567890123.45678901234\"",
    "\"1234567890123.456789012345\"",
    "9.61716e4",
    "96171.60",
    "0.5",
    "1.5e-3",
    "1.23e23",
    "1e24",
    "2.5E-5",
];

/// Prose blocks, right and wrong.
const BLOCKS: &[&str] = &[
    "\"段落。\"",
    "\"**加粗。**正文\"",
    "\"\"",
    "\"  \"",
    "{\"heading\": \"（一）标题\"}",
    "{\"heading\": \"1.标题\", \"level\": 3}",
    "{\"heading\": \"标题\", \"level\": 2.0}",
    "{\"heading\": \"标题\", \"level\": 4e0}",
    "{\"heading\": \"标题\", \"level\": 5}",
    "{\"heading\": \"标题\", \"level\": \"2\"}",
    "{\"heading\": \"\"}",
    "{\"level\": 2}",
    "{\"heading\": 5}",
    "{\"heading\": \"标题\", \"extra\": 1}",
    "{\"heading\": \"（一）标题。\", \"level\": 2, \"text\": \"正文。\"}",
    "{\"heading\": \"1.标题。\", \"level\": 3, \"text\": \"**加粗。**正文\"}",
    "{\"heading\": \"标题\", \"text\": \"\"}",
    "{\"heading\": \"标题\", \"text\": \"  \"}",
    "{\"heading\": \"标题\", \"text\": 5}",
    "{\"text\": \"正文\"}",
    "5",
    "null",
];

fn blocks() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => prop::collection::vec(mostly(&BLOCKS[..2], BLOCKS), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => literals(&["\"段落\"", "{}", "null"]),
    ]
}

fn sections() -> impl Strategy<Value = String> {
    let key = |k: &'static str| prop::option::weighted(0.97, blocks()).prop_map(move |b| b.map(|b| (k, b)));
    prop_oneof![
        30 => (key("overview"), key("problems"), key("other"), prop::option::weighted(0.03, blocks())).prop_map(|(a, b, c, extra)| {
            let mut fields: Vec<String> = [a, b, c]
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("\"{k}\": {v}"))
                .collect();
            if let Some(e) = extra {
                fields.push(format!("\"overveiw\": {e}"));
            }
            format!("{{{}}}", fields.join(", "))
        }),
        1 => literals(&["[]", "null", "\"overview\""]),
    ]
}

/// The cell keys of a table in a format, and in both formats with an unknown one (a report
/// may carry the other format's keys, or a misspelt one).
/// A cell key and its kind.
type Key = (String, CellKind);

fn table_keys(format: Format, table: &str) -> (Vec<Key>, Vec<Key>) {
    let of = |f: Format| -> Vec<Key> {
        let mut keys = Vec::new();
        for (k, kc) in f.template().keys() {
            if k.starts_with(&format!("{table}.")) {
                // Amounts are few: drawn as often as a dozen counts.
                let n = if kc.kind == CellKind::Amount { 12 } else { 1 };
                keys.extend(std::iter::repeat_n((k.clone(), kc.kind), n));
            }
        }
        keys
    };
    let own = of(format);
    let mut all: Vec<Key> = Format::ALL.into_iter().flat_map(of).collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup();
    all.push((format!("{table}.no_such_row.natural"), CellKind::Count));
    (own, all)
}

/// Amounts written every way, right and wrong.
const AMOUNTS: &[&str] = &[
    "0",
    "-0",
    "null",
    "\"96171.60\"",
    "96171.60",
    "9.61716e4",
    "0.5",
    "1.5e-3",
    "2.5E-5",
    "1.23e23",
    "\"123456789012345678901234\"",
    "\"1234567890123.45678901234\"",
    "1e24",
    "\"1234567890123456789012345\"",
    "\"1234567890123.456789012345\"",
    "-5",
    "\"-1\"",
    "\"abc\"",
    "\"1.\"",
    "\".5\"",
    "true",
];

/// A cell's value, by the kind of the cell: amounts are tested harder (half of them from
/// the edge cases), counts mostly valid.
fn value(kind: CellKind) -> BoxedStrategy<String> {
    match kind {
        CellKind::Amount => prop_oneof![3 => literals(AMOUNTS), 1 => literals(CELLS)].boxed(),
        _ => prop_oneof![8 => literals(GOOD_CELLS), 1 => literals(CELLS)].boxed(),
    }
}

fn table(format: Format, name: &'static str) -> BoxedStrategy<String> {
    let (own, all) = table_keys(format, name);
    let key = prop_oneof![40 => prop::sample::select(own), 1 => prop::sample::select(all)];
    let cell = key.prop_flat_map(|(k, kind)| (Just(k), value(kind)));
    prop_oneof![
        40 => prop::collection::vec(cell, 0..8).prop_map(move |cells| {
            let mut root = Node::Obj(Vec::new());
            for (k, lit) in cells {
                let path: Vec<&str> = k.split('.').skip(1).collect();
                root.insert(&path, &lit);
            }
            root.text()
        }),
        1 => literals(&["null", "[]", "0"]),
    ]
    .boxed()
}

/// A whole document of a format: each top-level field present or not, mostly with a right
/// value, sometimes a wrong one.
fn document() -> impl Strategy<Value = String> {
    prop::sample::select(Format::ALL.to_vec()).prop_flat_map(document_of)
}

fn document_of(format: Format) -> impl Strategy<Value = String> {
    let field = |k: &'static str, s: BoxedStrategy<String>, p: f64| {
        prop::option::weighted(p, s).prop_map(move |v| v.map(|v| format!("{}: {v}", serde_json::to_string(k).unwrap())))
    };
    let (years, format_field): (&[&str], &[&str]) = match format {
        Format::F2019 => (&["2019", "2020", "2020.0", "2.02e3"], &["\"2019\""]),
        Format::F2021 => (&["2021", "2024", "2.021e3", "2100"], &["\"2021\""]),
    };
    let head = (
        field(
            "$schema",
            mostly(&["\"https://nianbao.invalid/schema/report.json\""], &["5", "null"]),
            0.2,
        ),
        field(
            "format",
            mostly(format_field, &["\"2019\"", "\"2021\"", "\"2020\"", "2021", "null"]),
            0.5,
        ),
        field(
            "year",
            mostly(
                years,
                &["2019", "2021", "2007", "2101", "2020.5", "\"2021\"", "null", "1e4"],
            ),
            0.99,
        ),
        field(
            "agency",
            mostly(&["\"某市人民政府办公室\""], &["\" \"", "\"\"", "5", "null"]),
            0.99,
        ),
        field(
            "title",
            mostly(
                &["\"标题\"", "[\"某市\", \"年度报告\"]"],
                &["[]", "[5]", "\"\"", "[\" \"]", "7"],
            ),
            0.3,
        ),
        field(
            "date",
            mostly(&["\"2021-01-20\""], &["\"2021-1-20\"", "20210120", "\"2021/01/20\""]),
            0.3,
        ),
    );
    let body = (
        field("preamble", blocks().boxed(), 0.4),
        field("sections", sections().boxed(), 0.99),
        field("proactive", table(format, "proactive"), 0.99),
        field("requests", table(format, "requests"), 0.99),
        field("review_litigation", table(format, "review_litigation"), 0.99),
        field("agencey", literals(&["\"x\""]).boxed(), 0.02),
    );
    (head, body).prop_map(|((a, b, c, d, e, f), (g, h, i, j, k, l))| {
        let fields: Vec<String> = [a, b, c, d, e, f, g, h, i, j, k, l].into_iter().flatten().collect();
        format!("{{{}}}", fields.join(",\n"))
    })
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| jsonschema::validator_for(&nianbao::schema::json_schema()).expect("the schema compiles"))
}

fn schema_accepts(text: &str) -> bool {
    let v: serde_json::Value = serde_json::from_str(text).expect("generated JSON parses");
    validator().is_valid(&v)
}

fn validate_accepts(text: &str) -> (bool, Vec<String>) {
    let (_, diags) = nianbao::load(
        text.as_bytes(),
        Options {
            as_published: true,
            ..Default::default()
        },
    );
    let errors = diags
        .iter()
        .filter(|d| d.severity == nianbao::diag::Severity::Error)
        .map(|d| format!("{}: {}: {}", d.rule, d.locus, d.message))
        .collect();
    (!has_errors(&diags), errors)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_schema_and_validate_accept_the_same_documents(doc in document()) {
        let schema = schema_accepts(&doc);
        let (validate, errors) = validate_accepts(&doc);
        prop_assert_eq!(schema, validate, "schema {} but validate {} ({:?}) for:\n{}", schema, validate, errors, doc);
    }
}

/// The two numbers of the issue, and the other spellings of whole numbers and amounts, are
/// accepted by both; the skeletons and examples by both; fractions by neither.
#[test]
fn whole_numbers_and_exponent_amounts_pass_both() {
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}/examples/huaian-2024.json", env!("CARGO_MANIFEST_DIR"))).unwrap(),
    )
    .unwrap();
    assert!(validator().is_valid(&base));
    let text = serde_json::to_string_pretty(&base).unwrap();
    let natural = base["requests"]["new"]["natural"].as_i64().unwrap();
    let cases = [
        (format!("\"natural\": {natural}.0"), true),
        (format!("\"natural\": {natural}e0"), true),
        (format!("\"natural\": {natural}.5"), false),
    ];
    for (replacement, ok) in cases {
        let doc = text.replacen(&format!("\"natural\": {natural}"), &replacement, 1);
        assert_ne!(doc, text);
        assert_eq!(schema_accepts(&doc), ok, "{replacement}");
        assert_eq!(
            validate_accepts(&doc).0,
            ok,
            "{replacement}: {:?}",
            validate_accepts(&doc).1
        );
    }
}
