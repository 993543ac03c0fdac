//! `nianbao schema`: the input contract as JSON Schema (draft 2020-12), generated from the
//! templates so that it can never disagree with them. Every field has a Chinese description:
//! for a cell, its printed place (「表三 （七）总计 × 自然人」).

use crate::input::{MAX_AMOUNT_DIGITS, MAX_COUNT};
use crate::template::{CellKind, Format, Template};
use crate::validate::locus;
use serde_json::{json, Map, Value};

/// The JSON Schema of the input contract, both formats.
pub fn json_schema() -> Value {
    let blocks = json!({
        "type": "array",
        "description": "段落列表：字符串为正文段落（**…** 为加粗），对象为小标题（有 text 时为段首小标题）",
        "items": {"anyOf": [
            {"type": "string", "minLength": 1, "pattern": "\\S", "description": "正文段落；**…** 标记加粗的段首语"},
            {"type": "object", "description": "小标题：无 text 时单独成行；有 text 时为段首小标题（如「（一）主动公开情况。」用该层级字体排在段首，其后正文接排）", "additionalProperties": false, "required": ["heading"],
             "properties": {
                "heading": {"type": "string", "minLength": 1, "pattern": "\\S", "description": "标题文字，含序号，如「（一）主动公开情况」"},
                "level": {"enum": [2, 3, 4], "default": 2, "description": "层级：2 楷体「（一）」，3 仿宋加粗「1.」，4 仿宋「（1）」"},
                "text": {"type": "string", "minLength": 1, "pattern": "\\S", "description": "段首小标题之后的正文（与标题同一段落，仿宋；**…** 为加粗；\\n 为换行）"}
             }}
        ]}
    });
    let t19 = Format::F2019.template();
    let sections: Map<String, Value> = t19
        .sections
        .iter()
        .filter_map(|s| {
            s.prose
                .as_ref()
                .map(|k| (k.clone(), with_description(blocks.clone(), &s.heading)))
        })
        .collect();
    let mut properties = Map::new();
    properties.insert(
        "$schema".into(),
        json!({"type": "string", "description": "本 JSON Schema 的地址（编辑器用，nianbao 忽略）"}),
    );
    properties.insert("format".into(), json!({"enum": ["2019", "2021"], "description": "报告格式：\"2019\" 为 2019 年试行格式（国办公开办函〔2019〕60号），\"2021\" 为 2021 年格式（国办公开办函〔2021〕30号）。缺省时 2020 年及以前为 2019，之后为 2021"}));
    properties.insert(
        "year".into(),
        json!({"type": "integer", "minimum": 2008, "maximum": 2100, "description": "报告年度"}),
    );
    properties.insert(
        "agency".into(),
        json!({"type": "string", "minLength": 1, "pattern": "\\S", "description": "报告机关名称（落款、元数据作者）"}),
    );
    properties.insert(
        "agency_id".into(),
        json!({"type": "string", "minLength": 1, "description": "机关的稳定标识（如统一社会信用代码），用于跨年度核对；可选"}),
    );
    properties.insert("title".into(), json!({"description": "标题，每个字符串为一行；缺省为「机关名称」「某年政府信息公开工作年度报告」两行",
        "anyOf": [{"type": "string", "minLength": 1, "pattern": "\\S"}, {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1, "pattern": "\\S"}}]}));
    properties.insert("date".into(), json!({"type": "string", "pattern": format!("^([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|{})$", crate::input::DATE_PLACEHOLDER), "description": "成文日期 YYYY-MM-DD：落款日期及文档元数据日期；nianbao init 写入的占位符 \"YYYY-MM-DD\" 须改为实际日期（未改时警告 date-placeholder，不打印落款日期）"}));
    properties.insert(
        "preamble".into(),
        with_description(blocks.clone(), "「一、总体情况」之前的导语段落"),
    );
    properties.insert(
        "sections".into(),
        json!({"type": "object", "description": "正文三个文字部分（标题由模板给出）", "additionalProperties": false,
        "required": ["overview", "problems", "other"], "properties": sections}),
    );
    for table in &t19.tables {
        properties.insert(table.id.clone(), json!({"description": table.name}));
    }
    let by_format = |f: Format| -> Value {
        let t = f.template();
        let props: Map<String, Value> = t
            .tables
            .iter()
            .map(|tb| (tb.id.clone(), table_schema(t, &tb.id)))
            .collect();
        json!({"properties": props})
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://nianbao.invalid/schema/report.json",
        "title": "政府信息公开工作年度报告",
        "description": "nianbao 的输入：一份政府信息公开工作年度报告（JSON）",
        "type": "object",
        "additionalProperties": false,
        "required": ["year", "agency", "sections", "proactive", "requests", "review_litigation"],
        "properties": properties,
        "if": {"anyOf": [
            {"required": ["format"], "properties": {"format": {"const": "2019"}}},
            {"not": {"required": ["format"]}, "properties": {"year": {"maximum": 2020}}}
        ]},
        "then": by_format(Format::F2019),
        "else": by_format(Format::F2021)
    })
}

fn with_description(mut v: Value, d: &str) -> Value {
    v["description"] = json!(d);
    v
}

fn cell_schema(template: &Template, key: &str, kind: CellKind) -> Value {
    let where_ = locus(template, key).to_string();
    match kind {
        CellKind::Count => {
            json!({"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT, "description": format!("{where_}（件数，整数，不写小数点；null 表示空白）")})
        }
        CellKind::Total => {
            json!({"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT, "description": format!("{where_}（合计，可省略由程序计算）")})
        }
        CellKind::Signed => {
            json!({"type": ["integer", "null"], "minimum": -MAX_COUNT, "maximum": MAX_COUNT, "description": format!("{where_}（增减数，可为负）")})
        }
        // A string: digits with at most one decimal point, at most MAX_AMOUNT_DIGITS digits
        // in all. A number: any non-negative JSON number below 10^24 (exponent notation is
        // written out: 9.61716e4 prints 96171.6); its digit count, written out, cannot be
        // seen by a schema (see README: "The schema and validate").
        CellKind::Amount => json!({"anyOf": [
            {"type": "string", "pattern": format!("^[0-9]{{1,{MAX_AMOUNT_DIGITS}}}$")},
            {"type": "string", "pattern": "^[0-9]+\\.[0-9]+$", "maxLength": MAX_AMOUNT_DIGITS + 1},
            {"type": "number", "minimum": 0, "exclusiveMaximum": 1e24},
            {"type": "null"}
        ], "description": format!("{where_}（金额，按原样打印；数字形式的科学计数法按十进制展开打印）")}),
    }
}

/// The schema of one table object: nested objects down to the cells.
fn table_schema(template: &Template, id: &str) -> Value {
    let mut root = Map::new();
    for (key, kc) in template.keys().range(format!("{id}.")..format!("{id}/")) {
        let parts: Vec<&str> = key.split('.').collect();
        let mut node = &mut root;
        for p in &parts[1..parts.len() - 1] {
            let entry = node.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
            node = entry.as_object_mut().expect("branch");
        }
        node.insert(parts[parts.len() - 1].to_string(), cell_schema(template, key, kc.kind));
    }
    wrap(template, Value::Object(root), id)
}

/// A Chinese description of an input object: the printed labels common to all its cells.
fn branch_description(template: &Template, prefix: &str) -> String {
    let cells: Vec<_> = template
        .keys()
        .range(format!("{prefix}.")..format!("{prefix}/"))
        .map(|(_, kc)| kc)
        .collect();
    let Some(first) = cells.first() else {
        return String::new();
    };
    let table = &template.tables[first.table];
    if !prefix.contains('.') {
        return table.name.clone();
    }
    if cells.iter().all(|c| c.row == first.row) && !first.row_label.is_empty() {
        return first.row_label.clone();
    }
    let grid = table.grid().expect("checked template");
    let (r0, r1) = (
        cells.iter().map(|c| c.row).min().unwrap_or(0),
        cells.iter().map(|c| c.row).max().unwrap_or(0),
    );
    let c0 = cells.iter().map(|c| c.col).min().unwrap_or(0);
    // The narrowest label to the left that spans all the rows.
    let mut best: Option<(usize, &str)> = None;
    for c in 0..c0 {
        if let (Some(a), Some(b)) = (grid.origin[r0][c], grid.origin[r1][c]) {
            let cell = table.cell(a);
            if a == b && cell.key.is_none() && best.is_none_or(|(span, _)| cell.rowspan < span) {
                best = Some((cell.rowspan, cell.text.as_deref().unwrap_or("")));
            }
        }
    }
    if let Some((_, text)) = best {
        return text.to_string();
    }
    // One row without row labels (table 四): the column labels all cells share.
    let labels: Vec<Vec<&str>> = cells.iter().map(|c| c.col_label.split(' ').collect()).collect();
    let common: Vec<&str> = labels[0]
        .iter()
        .enumerate()
        .take_while(|(i, w)| labels.iter().all(|l| l.get(*i) == Some(w)))
        .map(|(_, w)| *w)
        .collect();
    common.join(" ")
}

/// Turns a nested map of cell schemas into object schemas (leaves have a `description`
/// with a `type` or `anyOf`; branches have neither).
fn wrap(template: &Template, v: Value, prefix: &str) -> Value {
    let Value::Object(m) = v else { return v };
    if m.contains_key("type") || m.contains_key("anyOf") {
        return Value::Object(m);
    }
    let props: Map<String, Value> = m
        .into_iter()
        .map(|(k, v)| (k.clone(), wrap(template, v, &format!("{prefix}.{k}"))))
        .collect();
    json!({"type": "object", "additionalProperties": false, "description": branch_description(template, prefix), "properties": props})
}
