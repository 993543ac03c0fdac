//! Cross-checks beyond the statute's sums, for reviewers: the prose against the tables
//! ([`prose::check`], rules as data in `templates/crosscheck.json`) and one year against the
//! next ([`series::check`]). Every finding is a warning with a rule id `X-…` (an error with
//! `strict`), so that the statute's own errors keep their meaning.

mod numbers;
pub mod prose;
mod rules;
pub mod series;

/// A skeleton report with some cells set and its totals computed, loaded as published: the
/// cross-check unit tests' fixture.
#[cfg(test)]
pub(crate) fn test_report(
    format: crate::template::Format,
    year: i64,
    agency: &str,
    prose: &[&str],
    cells: &[(&str, i64)],
) -> crate::validate::Checked {
    let mut r = crate::init::skeleton(format, Some(year), Some(agency));
    r["sections"]["overview"] = serde_json::json!(prose);
    for (k, v) in cells {
        let mut node = &mut r;
        for part in k.split('.') {
            node = &mut node[part];
        }
        *node = serde_json::json!(v);
    }
    crate::init::strip_totals(&mut r);
    let bytes = serde_json::to_vec(&r).expect("a skeleton serialises");
    let opts = crate::validate::Options {
        as_published: true,
        ..Default::default()
    };
    let (checked, diags) = crate::load(&bytes, opts);
    assert!(!crate::diag::has_errors(&diags), "{diags:?}");
    checked.expect("the report reads")
}
