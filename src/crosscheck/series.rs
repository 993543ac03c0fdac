//! One year against the next: reports of the same agency (same `agency_id`, else the same
//! normalised `agency`) must carry their pending applications over, and the 2021 format's
//! 现行有效件数 should follow from last year's.

use crate::diag::{Diagnostic, Locus, Severity};
use crate::template::carry::{self, Fit, Instance, Rule};
use crate::template::Format;
use crate::validate::{Checked, Value};
use std::collections::BTreeMap;

/// What the series checks need of one report: its agency, year, format and the cells the
/// year-to-year rules read ([`carry::keys`]: a few dozen integers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    key: String,
    agency: String,
    year: i64,
    format: Format,
    values: BTreeMap<String, i64>,
    /// Where those cells' keys are written in the report, for diagnostics that point.
    positions: BTreeMap<String, crate::diag::Pos>,
}

impl Entry {
    /// The part of a checked report the series checks read.
    pub fn of(c: &Checked) -> Entry {
        let wanted = carry::keys();
        Entry {
            key: agency_key(c),
            agency: c.report.agency.clone(),
            year: c.report.year,
            format: c.report.format,
            values: c
                .values
                .iter()
                .filter(|(k, _)| wanted.contains(k.as_str()))
                .filter_map(|(k, v)| match v {
                    Value::Int(i) => Some((k.clone(), *i)),
                    _ => None,
                })
                .collect(),
            positions: c
                .report
                .positions
                .iter()
                .filter(|(k, _)| wanted.contains(k.as_str()))
                .map(|(k, p)| (k.clone(), *p))
                .collect(),
        }
    }
}

/// A finding about one report of a series; `file` names the report it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesFinding {
    pub file: String,
    pub diagnostic: Diagnostic,
}

/// The key that makes two reports the same agency's: the `agency_id` when given, else the
/// agency with whitespace and punctuation removed and full-width letters folded.
pub fn agency_key(c: &Checked) -> String {
    if let Some(id) = &c.report.agency_id {
        return format!("id:{}", id.trim().to_uppercase());
    }
    let name: String = super::numbers::normalise(&c.report.agency)
        .chars()
        .filter(|ch| !ch.is_ascii_punctuation() && !matches!(ch, '（' | '）' | '·' | '、'))
        .collect();
    format!("name:{name}")
}

fn int(c: &Entry, key: &str) -> Option<i64> {
    c.values.get(key).copied()
}

fn cell_locus(c: &Entry, key: &str) -> Locus {
    crate::validate::locus_at(c.format.template(), key, &c.positions)
}

/// Checks every agency's consecutive years among `reports` (file name, checked report).
/// Findings are warnings: the year-to-year rules of `templates/carry.json` (X-carry, an error
/// when `strict`; X-in-force and X-previous, notices that stay warnings, since revisions and
/// recounts legitimately break them), X-series-gap, X-series-duplicate.
pub fn check(reports: &[(String, Entry)], strict: bool) -> Vec<SeriesFinding> {
    let mut by_agency: BTreeMap<&str, Vec<(i64, &str, &Entry)>> = BTreeMap::new();
    for (file, c) in reports {
        by_agency.entry(&c.key).or_default().push((c.year, file.as_str(), c));
    }
    let mut out = Vec::new();
    for series in by_agency.values_mut() {
        series.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for w in series.windows(2) {
            let ((y0, f0, c0), (y1, f1, c1)) = (w[0], w[1]);
            let agency = &c1.agency;
            if y0 == y1 {
                out.push(SeriesFinding {
                    file: f1.to_string(),
                    diagnostic: Diagnostic::warning(
                        "X-series-duplicate",
                        Locus::Input,
                        format!("{f0} and {f1} are both {agency}'s report for {y1}"),
                    )
                    .with_hint("keep one report per agency and year in the series"),
                });
                continue;
            }
            if y1 > y0 + 1 {
                let missing: Vec<String> = (y0 + 1..y1).map(|y| y.to_string()).collect();
                out.push(SeriesFinding {
                    file: f1.to_string(),
                    diagnostic: Diagnostic::warning(
                        "X-series-gap",
                        Locus::Input,
                        format!(
                            "{agency}'s series has no report for {} (between {f0} and {f1})",
                            missing.join(", ")
                        ),
                    )
                    .with_hint("add the missing years to check their carry-over"),
                });
                continue;
            }
            for inst in carry::rules().iter().flat_map(Rule::instances) {
                if inst.fit(c0.format, c1.format) != Fit::Both {
                    continue;
                }
                if let Some(d) = follows(&inst, (y0, f0, c0), (y1, c1), strict) {
                    out.push(SeriesFinding {
                        file: f1.to_string(),
                        diagnostic: d,
                    });
                }
            }
        }
    }
    out
}

/// The finding when `inst` does not hold from last year's report to this year's: this year's
/// cell against the sum it should have, both years' cells named with their values.
fn follows(inst: &Instance<'_>, last: (i64, &str, &Entry), this: (i64, &Entry), strict: bool) -> Option<Diagnostic> {
    let ((y0, f0, c0), (y1, c1)) = (last, this);
    let now = int(c1, &inst.this)?;
    let template = c1.format.template();
    let this_cell = &template.keys()[&inst.this];
    let name = |format: Format, key: &str| carry::name_against(format, key, this_cell);
    let mut expected = 0;
    let mut parts = Vec::new();
    for (keys, entry, format, sign) in [
        (&inst.last, c0, c0.format, 1),
        (&inst.plus, c1, c1.format, 1),
        (&inst.minus, c1, c1.format, -1),
    ] {
        for k in keys {
            let v = int(entry, k)?;
            expected += sign * v;
            let op = match (parts.is_empty(), sign) {
                (true, _) => "",
                (false, 1) => "+ ",
                (false, _) => "− ",
            };
            parts.push(format!("{op}{} {v}", name(format, k)));
        }
    }
    if now == expected {
        return None;
    }
    let simple = inst.last.len() == 1 && inst.plus.is_empty() && inst.minus.is_empty();
    let message = if simple {
        format!(
            "{y1} has {now}, but {y0} ({f0}) has {} ({})",
            parts[0], inst.rule.statement
        )
    } else {
        format!(
            "{y1} has {now}, but {y0} ({f0}): {} = {expected} ({})",
            parts.join(" "),
            inst.rule.statement
        )
    };
    let mut d = Diagnostic::warning(rule_id(&inst.rule.id), cell_locus(c1, &inst.this), message)
        .with_hint(inst.rule.hint.clone());
    if strict && inst.rule.strict {
        d.severity = Severity::Error;
    }
    Some(d)
}

/// The `'static` rule id of a bundled rule (diagnostics carry `&'static str`).
fn rule_id(id: &str) -> &'static str {
    match id {
        "X-carry" => "X-carry",
        "X-in-force" => "X-in-force",
        "X-previous" => "X-previous",
        _ => "X-series",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(year: i64, format: Format, agency: &str, cells: &[(&str, i64)]) -> Entry {
        Entry::of(&super::super::test_report(format, year, agency, &[], cells))
    }

    #[test]
    fn carry_over_must_match_last_years_carry_forward() {
        let a = checked(
            2024,
            Format::F2021,
            "平潭综合实验区",
            &[("requests.carried_forward.natural", 3)],
        );
        let b = checked(2025, Format::F2021, "平潭综合实验区 ", &[]);
        let f = check(&[("a.json".into(), a.clone()), ("b.json".into(), b.clone())], false);
        let rules: Vec<&str> = f.iter().map(|f| f.diagnostic.rule).collect();
        assert_eq!(rules, ["X-carry", "X-carry"], "{f:?}"); // natural and total
        assert_eq!(f[0].file, "b.json");
        let ok = checked(
            2025,
            Format::F2021,
            "平潭综合实验区",
            &[("requests.carried_over.natural", 3)],
        );
        assert!(check(&[("a".into(), a.clone()), ("b".into(), ok.clone())], false).is_empty());
    }

    #[test]
    fn the_format_change_compares_the_cells_that_correspond() {
        let a = checked(2020, Format::F2019, "某局", &[("requests.carried_forward.legal", 1)]);
        let b = checked(2021, Format::F2021, "某局", &[("requests.carried_over.legal", 2)]);
        let f = check(&[("a".into(), a.clone()), ("b".into(), b.clone())], true);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].diagnostic.severity, Severity::Error);
    }

    #[test]
    fn gaps_duplicates_and_other_agencies() {
        let a = checked(2021, Format::F2021, "某局", &[]);
        let b = checked(2023, Format::F2021, "某局", &[]);
        let c = checked(2023, Format::F2021, "某局", &[]);
        let other = checked(
            2022,
            Format::F2021,
            "另一局",
            &[("requests.carried_forward.natural", 9)],
        );
        let f = check(
            &[
                ("a".into(), a.clone()),
                ("b".into(), b.clone()),
                ("c".into(), c.clone()),
                ("o".into(), other.clone()),
            ],
            false,
        );
        let rules: Vec<&str> = f.iter().map(|f| f.diagnostic.rule).collect();
        assert_eq!(rules, ["X-series-gap", "X-series-duplicate"]);
    }

    #[test]
    fn in_force_follows_last_year_as_a_notice() {
        let a = checked(
            2024,
            Format::F2021,
            "某局",
            &[("proactive.normative_documents.in_force", 440)],
        );
        let b = checked(
            2025,
            Format::F2021,
            "某局",
            &[
                ("proactive.normative_documents.issued", 58),
                ("proactive.normative_documents.repealed", 45),
                ("proactive.normative_documents.in_force", 546),
            ],
        );
        let f = check(&[("a".into(), a.clone()), ("b".into(), b.clone())], true);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].diagnostic.rule, "X-in-force");
        assert_eq!(f[0].diagnostic.severity, Severity::Warning);
        assert!(f[0].diagnostic.message.contains("= 453"));
    }

    #[test]
    fn previous_item_counts_follow_last_years_count_and_change_as_a_notice() {
        let a = checked(
            2019,
            Format::F2019,
            "某局",
            &[("proactive.penalty.previous", 2648), ("proactive.penalty.change", -18)],
        );
        let b = checked(2020, Format::F2019, "某局", &[("proactive.penalty.previous", 2648)]);
        let f = check(&[("a".into(), a.clone()), ("b".into(), b)], true);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].diagnostic.rule, "X-previous");
        assert_eq!(f[0].diagnostic.severity, Severity::Warning);
        assert!(
            f[0].diagnostic
                .message
                .contains("上一年项目数量 2648 + 本年增/减 -18 = 2630"),
            "{f:?}"
        );
        let ok = checked(2020, Format::F2019, "某局", &[("proactive.penalty.previous", 2630)]);
        assert!(check(&[("a".into(), a), ("b".into(), ok)], true).is_empty());
    }
}
