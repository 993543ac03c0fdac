//! `nianbao init`: a complete skeleton report of a format, every key present, all zeros.

use crate::template::{CellKind, Format};
use serde_json::{json, Map, Value};

/// A skeleton report that validates as it is: every cell key of `format`'s template with 0
/// (amounts `"0"`), empty prose sections, the given year (default: the first year the format
/// applies to) and agency (default 「（机关名称）」).
pub fn skeleton(format: Format, year: Option<i64>, agency: Option<&str>) -> Value {
    let template = format.template();
    let year = year.unwrap_or(match format {
        Format::F2019 => 2020,
        Format::F2021 => 2025,
    });
    let agency = agency.unwrap_or("（机关名称）");
    let mut root = Map::new();
    root.insert("format".into(), json!(format.as_str()));
    root.insert("year".into(), json!(year));
    root.insert("agency".into(), json!(agency));
    root.insert(
        "title".into(),
        json!([agency, format!("{year}年政府信息公开工作年度报告")]),
    );
    root.insert("preamble".into(), json!([]));
    let sections: Map<String, Value> = template.prose_keys().map(|k| (k.to_string(), json!([]))).collect();
    root.insert("sections".into(), Value::Object(sections));
    // Keys in printed order: table by table, row by row.
    for table in &template.tables {
        root.insert(table.id.clone(), Value::Object(Map::new()));
        for row in &table.rows {
            for cell in &row.cells {
                let (Some(key), Some(kind)) = (&cell.key, cell.kind) else {
                    continue;
                };
                let zero = if kind == CellKind::Amount { json!("0") } else { json!(0) };
                insert_path(&mut root, key, zero);
            }
        }
    }
    Value::Object(root)
}

/// `report` (a skeleton) with `date` set to [`crate::input::DATE_PLACEHOLDER`] after its
/// title: what `nianbao init` prints, so that the clerk sees where the 成文日期 goes and
/// `validate` warns (`date-placeholder`) until it is written.
pub fn with_date_placeholder(report: Value) -> Value {
    let Value::Object(m) = report else {
        return report;
    };
    let mut out = Map::new();
    for (k, v) in m {
        let title = k == "title";
        out.insert(k, v);
        if title {
            out.insert("date".into(), json!(crate::input::DATE_PLACEHOLDER));
        }
    }
    Value::Object(out)
}

/// Sets the value at a dotted template key (`requests.new.natural`), creating the objects on
/// the way; a non-object in the way leaves the report unchanged.
pub fn insert_path(root: &mut Map<String, Value>, key: &str, value: Value) {
    let mut parts = key.split('.').peekable();
    let mut node = root;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            node.insert(p.to_string(), value);
            return;
        }
        let next = node.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
        node = match next {
            Value::Object(m) => m,
            _ => return,
        };
    }
}

/// Removes every `total` key, so that the engine computes the totals (tests and generators
/// that change single cells of a skeleton).
pub fn strip_totals(v: &mut Value) {
    if let Value::Object(m) = v {
        m.remove("total");
        m.values_mut().for_each(strip_totals);
    }
}
