//! Cross-checks beyond the statute's sums, for reviewers: the prose against the tables
//! ([`prose::check`], rules as data in `templates/crosscheck.json`) and one year against the
//! next ([`series::check`]). Every finding is a warning with a rule id `X-…` (an error with
//! `strict`), so that the statute's own errors keep their meaning.

mod numbers;
pub mod prose;
mod rules;
pub mod series;
