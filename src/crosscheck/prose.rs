//! Prose ↔ tables: the numbers the prose states about quantities a table holds, checked
//! against those cells. Precision before recall: a number is a finding only when it equals no
//! alternative reading of its sentence (see `templates/crosscheck.json`).

use super::numbers::{normalise, value};
use super::rules::{rules, Rule};
use crate::diag::{Diagnostic, Locus, Severity};
use crate::input::{Block, Report};
use crate::template::Template;
use crate::validate::{Checked, Value};
use std::collections::BTreeSet;

/// Units that make a matched number something else than a count of cases (「5个工作日」).
const NOT_A_COUNT: &[&str] = &["工作日", "小时", "天", "日", "月", "年", "%", "万", "亿"];

/// One prose paragraph: its JSON path and text.
struct Paragraph {
    path: String,
    text: String,
}

fn paragraphs(report: &Report) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut push = |path: String, blocks: &[Block]| {
        for (i, b) in blocks.iter().enumerate() {
            if let Block::Paragraph(runs) = b {
                // A paragraph after a run-in heading is the object's `text`.
                let run_in = runs
                    .first()
                    .is_some_and(|r| matches!(r.style, crate::model::RunStyle::Heading(_)));
                out.push(Paragraph {
                    path: if run_in {
                        format!("{path}[{i}].text")
                    } else {
                        format!("{path}[{i}]")
                    },
                    text: runs.iter().map(|r| r.text.as_str()).collect(),
                });
            }
        }
    };
    push("$.preamble".into(), &report.preamble);
    for (key, blocks) in &report.sections {
        push(format!("$.sections.{key}"), blocks);
    }
    out
}

/// Sentences of a paragraph, as written (for quoting).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['。', '；', '！', '？', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The value of one alternative (a sum of cells), None when a cell is not in this format or
/// holds no integer.
fn sum(template: &Template, checked: &Checked, keys: &[String]) -> Option<i64> {
    let mut total = 0i64;
    for key in keys {
        let expanded: Vec<&String> = match key.split_once('*') {
            None => template
                .keys()
                .get_key_value(key.as_str())
                .map(|(k, _)| k)
                .into_iter()
                .collect(),
            Some((head, tail)) => template
                .keys()
                .keys()
                .filter(|k| {
                    k.starts_with(head) && k.ends_with(tail) && !k[head.len()..].trim_end_matches(tail).contains('.')
                })
                .collect(),
        };
        if expanded.is_empty() {
            return None;
        }
        for k in expanded {
            match checked.values.get(k.as_str()) {
                Some(Value::Int(v)) => total = total.checked_add(*v)?,
                _ => return None,
            }
        }
    }
    Some(total)
}

/// How an alternative is named in a message: 「表三 （七）总计 × 总计」, sums joined by ＋.
fn describe(template: &Template, keys: &[String]) -> String {
    keys.iter()
        .map(|k| {
            let probe = k.replace('*', "");
            match template.keys().get(k.as_str()) {
                Some(_) => crate::validate::locus(template, k).to_string(),
                None => format!("the rows {probe}"),
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// How far back the row keyword (复议, 诉讼) of a result count is looked for, in bytes: a
/// clause or two, so that a sentence of any length costs linear time.
const CONTEXT_BYTES: usize = 240;

/// The text up to `end`, at most [`CONTEXT_BYTES`] of it, cut at a character boundary.
fn before(text: &str, end: usize) -> &str {
    let mut start = end.saturating_sub(CONTEXT_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..end]
}

/// A match of one rule in one sentence.
struct Hit {
    number: i64,
    end: usize,
    alternatives: Vec<Vec<String>>,
}

fn hits(rule: &Rule, norm: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    if !rule.sentence_has.iter().all(|w| norm.contains(w.as_str())) {
        return out;
    }
    for re in &rule.patterns {
        for caps in re.captures_iter(norm) {
            let (Some(m), Some(n)) = (caps.get(0), caps.name("n")) else {
                continue;
            };
            if rule.match_excludes.iter().any(|x| m.as_str().contains(x.as_str())) {
                continue;
            }
            if NOT_A_COUNT.iter().any(|u| norm[m.end()..].starts_with(u)) {
                continue;
            }
            let Some(number) = value(n.as_str()) else { continue };
            let alternatives = if rule.context.is_empty() {
                rule.cells.clone()
            } else {
                // The column comes from the named group, the row from the nearest keyword
                // before the match (「行政复议…其中结果维持72件」).
                let Some(column) = ["upheld", "corrected", "other", "pending"]
                    .into_iter()
                    .find(|g| caps.name(g).is_some())
                else {
                    continue;
                };
                let nearest = rule
                    .context
                    .iter()
                    .filter_map(|(kw, alts)| before(norm, m.start()).rfind(kw.as_str()).map(|at| (at, alts)))
                    .max_by_key(|(at, _)| *at);
                let Some((_, alts)) = nearest else { continue };
                alts.iter()
                    .map(|alt| alt.iter().map(|k| k.replace("{}", column)).collect())
                    .collect()
            };
            out.push(Hit {
                number,
                end: m.end(),
                alternatives,
            });
        }
    }
    out
}

/// Checks every prose paragraph of `checked` against its tables. `source` is the JSON text
/// the report was read from, used only to give findings a line:column. Findings are warnings
/// (errors when `strict`), with rule ids `X-…` and `X-share`.
pub fn check(checked: &Checked, source: Option<&str>, strict: bool, diags: &mut Vec<Diagnostic>) {
    let template = checked.report.format.template();
    let rules = rules();
    let mut found = Vec::new();
    for p in paragraphs(&checked.report) {
        // One finding per rule, sentence and number, whichever pattern found it.
        let mut seen = BTreeSet::new();
        for (n, sentence) in sentences(&p.text).enumerate() {
            let norm = normalise(sentence);
            let unclear = rules.unclear_scope.iter().any(|m| norm.contains(m.as_str()));
            for rule in &rules.rules {
                for hit in hits(rule, &norm) {
                    let mut alternatives = hit.alternatives.clone();
                    if unclear {
                        for other in rules.rules.iter().filter(|r| r.family == rule.family) {
                            alternatives.extend(other.cells.iter().cloned());
                        }
                        let mut once = BTreeSet::new();
                        alternatives.retain(|a| once.insert(a.clone()));
                    }
                    let values: Vec<(&Vec<String>, i64)> = alternatives
                        .iter()
                        .filter_map(|a| sum(template, checked, a).map(|v| (a, v)))
                        .collect();
                    let Some((first, first_value)) = values.first().copied() else {
                        continue;
                    };
                    if !seen.insert((rule.id.as_str(), n, hit.number)) {
                        continue;
                    }
                    if !values.iter().any(|(_, v)| *v == hit.number) {
                        let others: Vec<String> = values[1..]
                            .iter()
                            .map(|(a, v)| format!("{} = {v}", describe(template, a)))
                            .collect();
                        let mut msg = format!(
                            "the prose says {} for {} 「{}」, but {} = {first_value}",
                            hit.number,
                            rule.what,
                            sentence,
                            describe(template, first)
                        );
                        if !others.is_empty() {
                            let scope = if unclear {
                                "; the sentence's scope is unclear, and no cell of its kind matches either"
                            } else {
                                ""
                            };
                            msg.push_str(&format!(" (nor {}{scope})", others.join(", ")));
                        }
                        found.push((
                            rule.id.as_str(),
                            p.path.clone(),
                            msg,
                            "correct the sentence or the table; the table is what the statute counts",
                        ));
                        continue;
                    }
                    if let (Some(base), Some(caps)) = (&rule.share_of, rules.share.captures(&norm[hit.end..])) {
                        let Some(base) = sum(template, checked, base) else {
                            continue;
                        };
                        let stated = &caps["p"];
                        let Ok(p_stated) = stated.parse::<f64>() else { continue };
                        if base == 0 {
                            continue;
                        }
                        let decimals = stated.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
                        let actual = hit.number as f64 * 100.0 / base as f64;
                        // Rounded or truncated to the stated precision.
                        if (actual - p_stated).abs() >= 10f64.powi(-decimals) {
                            found.push((
                                "X-share",
                                p.path.clone(),
                                format!(
                                    "the prose says {} is {stated}% 「{sentence}」, but {}/{base} = {actual:.2}%",
                                    rule.what, hit.number
                                ),
                                "correct the percentage; it is the share of 本年度办理结果 总计",
                            ));
                        }
                    }
                }
            }
        }
    }
    if found.is_empty() {
        return;
    }
    let strings = source.map(crate::chars::strings).unwrap_or_default();
    for (rule, path, msg, hint) in found {
        let (line, column) = strings
            .iter()
            .find(|s| s.path == path)
            .map(|s| (s.line, s.column))
            .unzip();
        let locus = Locus::Path { path, line, column };
        let mut d = Diagnostic::warning(rule, locus, msg).with_hint(hint);
        if strict {
            d.severity = Severity::Error;
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(prose: &[&str], cells: &[(&str, i64)]) -> Checked {
        super::super::test_report(crate::template::Format::F2021, 2024, "某区某局", prose, cells)
    }

    fn findings(prose: &[&str], cells: &[(&str, i64)]) -> Vec<Diagnostic> {
        let c = report(prose, cells);
        let mut d = Vec::new();
        check(&c, None, false, &mut d);
        d
    }

    const HUAIAN: &str = "2024年，全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复），均在法定期限内予以答复。";

    #[test]
    fn a_consistent_sentence_has_no_finding() {
        let cells = [
            ("requests.new.natural", 3119),
            ("requests.carried_over.natural", 34),
            ("requests.results.disclosed.natural", 3050),
            ("requests.carried_forward.natural", 103),
        ];
        assert!(findings(&[HUAIAN], &cells).is_empty());
    }

    #[test]
    fn a_contradicting_number_is_found_with_its_cell() {
        let cells = [("requests.new.natural", 95), ("requests.results.disclosed.natural", 95)];
        let d = findings(&["本年度受理政府信息公开申请17件，均已按时答复。"], &cells);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "X-received");
        assert!(
            d[0].message.contains("17") && d[0].message.contains("= 95"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn chinese_numerals_are_read() {
        let cells = [("requests.new.natural", 17), ("requests.results.disclosed.natural", 17)];
        assert!(findings(&["本年度收到政府信息公开申请十七件。"], &cells).is_empty());
        let d = findings(&["本年度收到政府信息公开申请两件。"], &cells);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn review_results_take_their_row_from_the_sentence() {
        let cells = [
            ("review_litigation.review.upheld", 72),
            ("review_litigation.litigation_direct.upheld", 13),
            ("review_litigation.litigation_after_review.upheld", 12),
        ];
        let prose = ["政府信息公开行政复议72件，其中结果维持72件；政府信息公开行政诉讼25件，其中结果维持25件。"];
        assert!(findings(&prose, &cells).is_empty());
        let wrong = ["政府信息公开行政诉讼25件，其中结果维持24件。"];
        let d = findings(&wrong, &cells);
        assert_eq!(
            d.iter().map(|d| d.rule).collect::<Vec<_>>(),
            ["X-review-result"],
            "{d:?}"
        );
    }

    #[test]
    fn numbers_no_table_holds_are_left_alone() {
        let prose = ["主动公开政府信息799条，召开会议6次，申请人可在5个工作日内补正。"];
        assert!(findings(&prose, &[]).is_empty());
    }

    #[test]
    fn unclear_scope_is_a_finding_only_when_nothing_matches() {
        let cells = [
            ("requests.new.natural", 10),
            ("requests.carried_over.natural", 2),
            ("requests.results.disclosed.natural", 12),
        ];
        // 「全区」 in a department's report: 12 is 新收 + 结转, also a plausible reading.
        assert!(findings(&["全区共收到政府信息公开申请12件。"], &cells).is_empty());
        assert_eq!(findings(&["全区共收到政府信息公开申请40件。"], &cells).len(), 1);
    }

    #[test]
    fn shares_are_checked_within_rounding() {
        let cells = [
            ("requests.new.natural", 59),
            ("requests.results.disclosed.natural", 20),
            ("requests.results.partial.natural", 39),
        ];
        assert!(findings(&["办结的申请中，予以公开20件，占33.9%。"], &cells).is_empty());
        let d = findings(&["办结的申请中，予以公开20件，占43.9%。"], &cells);
        assert_eq!(d.iter().map(|d| d.rule).collect::<Vec<_>>(), ["X-share"]);
    }

    #[test]
    fn findings_point_at_the_paragraph() {
        let c = report(&["本年度受理政府信息公开申请17件。"], &[("requests.new.natural", 5)]);
        let text =
            "{\n  \"sections\": {\n    \"overview\": [\n      \"本年度受理政府信息公开申请17件。\"\n    ]\n  }\n}";
        let mut d = Vec::new();
        check(&c, Some(text), true, &mut d);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(
            d[0].locus,
            Locus::Path {
                path: "$.sections.overview[0]".into(),
                line: Some(4),
                column: Some(7)
            }
        );
    }
}
