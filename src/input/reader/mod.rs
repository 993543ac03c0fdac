//! The reader proper: the JSON tree of a report → [`Report`], one diagnostic per problem, each
//! at its JSON path.

use super::decimal::{Decimal, Whole};
use super::keyboard::{number_hint, Want};
use super::*;
use crate::template::{CellKind, Template};
use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;

mod blocks;
mod cells;

use cells::{CellsOut, KeyNode};

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

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Reads the report from the parsed JSON `root` of `text`, adding to `diags`.
pub(super) fn read(text: &str, root: &Value, diags: Vec<Diagnostic>) -> (Option<Report>, Vec<Diagnostic>) {
    let mut r = Reader {
        text,
        lines: line_starts(text),
        diags,
        misspelt: Vec::new(),
    };
    let report = r.report(root);
    (report, r.diags)
}

struct Reader<'t> {
    text: &'t str,
    lines: Vec<usize>,
    diags: Vec<Diagnostic>,
    /// Unknown keys with a near known name: (index of the `unknown-field` diagnostic, the
    /// name it resembles).
    misspelt: Vec<(usize, String)>,
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

    /// A type error where a number belongs; a string that holds the number (`"56件"`, `"２"`,
    /// `"2025"`) gets a hint naming the slip and the value to write.
    fn number_type_err(&mut self, path: &str, v: &Value, expected: &str, want: Want) {
        match v {
            Value::StringLit(s) if number_hint(&s.value, want).is_some() => {
                let locus = self.at(path, v);
                let hint = number_hint(&s.value, want).unwrap_or_default();
                self.err(
                    "type",
                    locus,
                    format!("expected {expected}, found {}", describe(v)),
                    hint,
                );
            }
            _ => self.type_err(path, v, expected),
        }
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
                        Some(s) => {
                            self.misspelt.push((self.diags.len(), s.to_string()));
                            format!("did you mean `{s}`?")
                        }
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
                            if matches!(v, Value::Array(a) if a.elements.is_empty()) {
                                let locus = self.at(&p, *v);
                                self.diags.push(
                                    Diagnostic::warning(
                                        "empty-section",
                                        locus,
                                        format!("the section `{key}` is empty"),
                                    )
                                    .with_hint("write 「无」 if there is nothing to report: [\"无\"]"),
                                );
                            }
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
                "add \"sections\": {\"overview\": [\"…\"], \"problems\": [\"…\"], \"other\": [\"…\"]} (write [\"无\"] where there is nothing to report)",
            ),
        }

        let tree = KeyNode::of_format(format);
        let other = Format::ALL.into_iter().find(|&x| x != format).expect("two formats");
        let other_tree = KeyNode::of_format(other);
        let mut cells: BTreeMap<String, Cell> = template.keys().keys().map(|k| (k.clone(), Cell::Absent)).collect();
        let in_identities = template
            .identities
            .iter()
            .flat_map(|id| id.instances())
            .flat_map(|(_, l, r)| l.into_iter().chain(r))
            .collect();
        let mut out = CellsOut {
            cells: &mut cells,
            positions: BTreeMap::new(),
            in_identities,
        };
        for table in &template.tables {
            let p = child("$", &table.id);
            match f.get(table.id.as_str()) {
                Some(v) => {
                    let node = tree.get(&table.id).expect("template table has keys");
                    self.cells(v, &p, &[table.id.as_str()], node, other_tree, other, &mut out);
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
        let positions = out.positions;
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
            positions,
        })
    }

    /// An integer in `min..=max`: a number whose value is whole (2021, 2021.0, 2.021e3).
    fn int(&mut self, v: &Value, path: &str, min: i64, max: i64) -> Option<i64> {
        let Value::NumberLit(n) = v else {
            self.number_type_err(path, v, "an integer", if min < 0 { Want::Signed } else { Want::Whole });
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
        if s.value == super::DATE_PLACEHOLDER {
            let locus = self.at("$.date", v);
            self.diags.push(
                Diagnostic::warning(
                    "date-placeholder",
                    locus,
                    format!(
                        "the date is still the placeholder `{}` that `nianbao init` wrote",
                        s.value
                    ),
                )
                .with_hint("write the 成文日期 as \"YYYY-MM-DD\", e.g. \"2026-01-20\"; until then no date is printed"),
            );
            return None;
        }
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
}

pub(super) fn child(path: &str, name: &str) -> String {
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
