//! The prose rules of `templates/crosscheck.json`, compiled once.

use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// How `{N}` is written in the rules' patterns: Arabic digits (with separators) or a
/// Chinese numeral.
const NUMBER: &str = "(?P<n>[0-9]+(?:,[0-9]{3})*|[零〇一二两三四五六七八九十百千万]+)";

/// A stated share right after a match: 「，占33.9%」, 「占比为5%」.
pub(crate) const SHARE: &str =
    r"^[，,]?(?:占|约占)(?:比|总数|总量|全部)?(?:的)?(?:比例为|比例|比重为?|为)?(?P<p>[0-9]+(?:\.[0-9]+)?)%";

#[derive(Deserialize)]
struct RawRules {
    unclear_scope: Vec<String>,
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    family: String,
    what: String,
    sentence_has: Vec<String>,
    patterns: Vec<String>,
    match_excludes: Vec<String>,
    #[serde(default)]
    cells: Vec<Vec<String>>,
    #[serde(default)]
    share_of: Option<Vec<String>>,
    /// Keyword → alternatives whose keys hold `{}`, filled from the pattern's named group.
    #[serde(default)]
    context: BTreeMap<String, Vec<Vec<String>>>,
}

/// One compiled rule.
pub(crate) struct Rule {
    pub id: String,
    pub family: String,
    pub what: String,
    pub sentence_has: Vec<String>,
    pub patterns: Vec<Regex>,
    pub match_excludes: Vec<String>,
    /// Alternatives: the number must equal the sum of one of them.
    pub cells: Vec<Vec<String>>,
    pub share_of: Option<Vec<String>>,
    pub context: BTreeMap<String, Vec<Vec<String>>>,
}

pub(crate) struct Rules {
    pub unclear_scope: Vec<String>,
    pub rules: Vec<Rule>,
    pub share: Regex,
}

/// The bundled rules. The file is checked by the unit tests; a broken file is a build defect.
pub(crate) fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        load(include_str!("../../templates/crosscheck.json")).expect("templates/crosscheck.json is valid")
    })
}

fn load(src: &str) -> Result<Rules, String> {
    let raw: RawRules = serde_json::from_str(src).map_err(|e| e.to_string())?;
    let mut rules = Vec::new();
    for r in raw.rules {
        let patterns = r
            .patterns
            .iter()
            .map(|p| Regex::new(&p.replace("{N}", NUMBER)).map_err(|e| format!("{}: {e}", r.id)))
            .collect::<Result<Vec<_>, _>>()?;
        if r.cells.is_empty() && r.context.is_empty() {
            return Err(format!("{}: neither cells nor context", r.id));
        }
        rules.push(Rule {
            id: r.id,
            family: r.family,
            what: r.what,
            sentence_has: r.sentence_has,
            patterns,
            match_excludes: r.match_excludes,
            cells: r.cells,
            share_of: r.share_of,
            context: r.context,
        });
    }
    Ok(Rules {
        unclear_scope: raw.unclear_scope,
        rules,
        share: Regex::new(SHARE).map_err(|e| e.to_string())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Format;

    #[test]
    fn bundled_rules_load_and_name_real_keys() {
        let r = rules();
        assert!(r.rules.len() >= 15);
        let keys: Vec<String> = [Format::F2019, Format::F2021]
            .iter()
            .flat_map(|f| f.template().keys().keys().cloned())
            .collect();
        for rule in &r.rules {
            let alts = rule.cells.iter().chain(rule.context.values().flatten());
            for key in alts.flatten().chain(rule.share_of.iter().flatten()) {
                let probe = key.replace("{}", "upheld");
                let (head, tail) = probe.split_once('*').unwrap_or((&probe, ""));
                assert!(
                    keys.iter().any(|k| k.starts_with(head) && k.ends_with(tail)),
                    "{}: {key} names no cell",
                    rule.id
                );
            }
        }
    }
}
