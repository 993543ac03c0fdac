//! The year-to-year rules as data, loaded from `templates/carry.json`: which cell of this
//! year's report follows from last year's (二、上年结转 from 四、结转下年度继续办理, 2021
//! 现行有效件数, 2019 上一年项目数量). One place for both users: the series checks
//! ([`crate::crosscheck::series`]) compare consecutive years with them, and `init --from`
//! ([`crate::next_year`]) fills next year's report from them.

use super::{Format, KeyCell};
use serde::Deserialize;
use std::collections::BTreeSet;

/// One rule: `this(Y) = Σ last(Y−1) + Σ plus(Y) − Σ minus(Y)`, instantiated once for each
/// item of `for_each` by replacing `{}` in every term.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The rule id of the series findings, e.g. `X-carry`.
    pub id: String,
    /// The rule in words, with the statute's labels.
    pub statement: String,
    pub for_each: Vec<String>,
    /// This year's cell.
    pub this: String,
    /// Last year's cells, summed.
    pub last: Vec<String>,
    /// This year's cells added.
    #[serde(default)]
    pub plus: Vec<String>,
    /// This year's cells subtracted.
    #[serde(default)]
    pub minus: Vec<String>,
    /// This year's cell that `init --from` sets to the carried value too, so that the year's
    /// identities hold while nothing else is entered (四、结转下年度 = 二、上年结转 keeps I-1).
    #[serde(default)]
    pub balance: Option<String>,
    /// Whether `--strict` makes a finding an error (false: a notice that stays a warning).
    pub strict: bool,
    /// What to do about a finding.
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)]
    comment: String,
    rules: Vec<Rule>,
}

/// One rule for one item of its `for_each`, keys written out.
#[derive(Debug, Clone)]
pub struct Instance<'a> {
    pub rule: &'a Rule,
    pub this: String,
    pub last: Vec<String>,
    pub plus: Vec<String>,
    pub minus: Vec<String>,
    pub balance: Option<String>,
}

/// How an instance fits last year's format and this year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Every key is a cell of the format it is read from: the rule holds between the years.
    Both,
    /// This year's cells exist, but last year's format lacks a term (2019 → 2021: 现行有效件数).
    NoSource,
    /// Last year's cells exist, but this year's format lacks the cell (2019 → 2021: 上一年项目数量).
    NoTarget,
    /// Neither year's format has the rule's cells.
    Neither,
}

impl Rule {
    /// Every instance of the rule, in `for_each` order.
    pub fn instances(&self) -> impl Iterator<Item = Instance<'_>> + '_ {
        self.for_each.iter().map(move |item| {
            let sub = |terms: &[String]| terms.iter().map(|t| t.replace("{}", item)).collect();
            Instance {
                rule: self,
                this: self.this.replace("{}", item),
                last: sub(&self.last),
                plus: sub(&self.plus),
                minus: sub(&self.minus),
                balance: self.balance.as_ref().map(|b| b.replace("{}", item)),
            }
        })
    }
}

impl Instance<'_> {
    /// This year's keys: the cell, the terms added and subtracted, and the balance.
    pub fn this_year_keys(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.this)
            .chain(&self.plus)
            .chain(&self.minus)
            .chain(&self.balance)
    }

    /// Whether the instance holds between a report in format `last` and the next in `this`.
    pub fn fit(&self, last: Format, this: Format) -> Fit {
        let now = this.template().keys();
        let before = last.template().keys();
        let target = self.this_year_keys().all(|k| now.contains_key(k));
        let source = self.last.iter().all(|k| before.contains_key(k));
        match (source, target) {
            (true, true) => Fit::Both,
            (false, true) => Fit::NoSource,
            (true, false) => Fit::NoTarget,
            (false, false) => Fit::Neither,
        }
    }
}

/// The bundled rules (`templates/carry.json`), checked at first use: every key is a cell of
/// at least one format's template, and every rule has items.
pub fn rules() -> &'static [Rule] {
    use std::sync::OnceLock;
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    // The bundled file is checked by the test suite; a failure here is a build defect.
    RULES.get_or_init(|| from_json(include_str!("../../templates/carry.json")).expect("bundled carry rules are valid"))
}

/// Every key any rule reads, in either year.
pub fn keys() -> BTreeSet<String> {
    rules()
        .iter()
        .flat_map(Rule::instances)
        .flat_map(|i| {
            let mut v: Vec<String> = i.this_year_keys().cloned().collect();
            v.extend(i.last);
            v
        })
        .collect()
}

/// A cell of `format` named by the part of its printed labels that differs from `reference`'s:
/// its column in the same row (现行有效件数), its row in the same column (四、结转下年度继续办理),
/// else both.
pub fn name_against(format: Format, key: &str, reference: &KeyCell) -> String {
    let Some(kc) = format.template().keys().get(key) else {
        return key.to_string();
    };
    if kc.row_label == reference.row_label && !kc.col_label.is_empty() {
        kc.col_label.clone()
    } else if kc.col_label == reference.col_label && !kc.row_label.is_empty() {
        kc.row_label.clone()
    } else if kc.row_label.is_empty() {
        kc.col_label.clone()
    } else {
        format!("{} × {}", kc.row_label, kc.col_label)
    }
}

fn from_json(src: &str) -> Result<Vec<Rule>, String> {
    let file: File = serde_json::from_str(src).map_err(|e| format!("carry rules: {e}"))?;
    for rule in &file.rules {
        if rule.for_each.is_empty() || rule.last.is_empty() {
            return Err(format!("carry rule {}: needs items and last year's terms", rule.id));
        }
        for i in rule.instances() {
            let this_keys: Vec<&String> = i.this_year_keys().collect();
            for k in this_keys.into_iter().chain(&i.last) {
                if !Format::ALL.iter().any(|f| f.template().keys().contains_key(k)) {
                    return Err(format!("carry rule {}: {k} is no cell of any format", rule.id));
                }
            }
        }
    }
    Ok(file.rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_load_and_name_cells() {
        let ids: Vec<&str> = rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["X-carry", "X-in-force", "X-previous"]);
        assert!(keys().contains("requests.carried_forward.legal"));
    }

    #[test]
    fn a_key_of_no_format_is_refused() {
        let src = include_str!("../../templates/carry.json").replace("proactive.{}.in_force", "proactive.{}.in_forse");
        assert!(from_json(&src).unwrap_err().contains("no cell of any format"));
    }

    #[test]
    fn rules_fit_the_format_pairs_as_the_statute_says() {
        let fits = |id: &str, last: Format, this: Format| -> Vec<Fit> {
            let rule = rules().iter().find(|r| r.id == id).unwrap();
            rule.instances().map(|i| i.fit(last, this)).collect()
        };
        use Format::{F2019, F2021};
        // 二、上年结转 ← 四、结转下年度: every column, across the format change too.
        for (a, b) in [(F2019, F2019), (F2019, F2021), (F2021, F2021), (F2021, F2019)] {
            assert!(fits("X-carry", a, b).iter().all(|f| *f == Fit::Both));
        }
        assert_eq!(fits("X-in-force", F2021, F2021), [Fit::Both; 2]);
        assert_eq!(fits("X-in-force", F2019, F2021), [Fit::NoSource; 2]);
        assert_eq!(fits("X-in-force", F2019, F2019), [Fit::Neither; 2]);
        assert_eq!(fits("X-previous", F2019, F2019), [Fit::Both; 5]);
        assert_eq!(fits("X-previous", F2019, F2021), [Fit::NoTarget; 5]);
        assert_eq!(fits("X-previous", F2021, F2019), [Fit::NoSource; 5]);
    }
}
