//! nianbao: 政府信息公开工作年度报告 from JSON to GB/T 9704 PDF and DOCX, and to HTML.
//!
//! # Steps
//! 1. [`input::parse`]: bytes → [`input::Report`], every problem found at once as
//!    [`diag::Diagnostic`]s with JSON paths.
//! 2. [`validate::check`]: the report against its [`template::Template`] (the statute's
//!    format as data, from `templates/`): totals computed, identities I-1…I-4 checked.
//! 3. [`load`] runs steps 1 and 2 and the prose cross-checks ([`crosscheck`]), and says
//!    whether the report may be rendered.
//! 4. [`model::resolve`]: checked report → [`model::Document`], the format-neutral document
//!    (blocks, runs, tables with spans and column widths) that both backends print.
//! 5. [`layout::layout`]: document + [`text::fonts::FontBook`] → [`layout::Pages`] (glyph runs,
//!    rules, fills on GB/T 9704 pages), drawn by [`export::pdf::write`] (krilla).
//! 6. [`export::docx::write`]: document → DOCX (Word re-flows text itself, so it is built from
//!    the document, not from pages); [`export::html::write`]: document → HTML for the portal
//!    (a page or a CMS fragment; no fonts needed).
//! 7. [`render::render`] runs the whole job for one report in memory; [`batch`] runs it over
//!    archives on all cores, writing through [`output::write_atomic`].
//!
//! 8. [`next_year::next_year`] begins next year's report from last year's (`init --from`), by
//!    the year-to-year rules that [`crosscheck::series`] checks ([`template::carry`]).
//!
//! The library never prints and never exits; the `nianbao` binary does both.

pub mod batch;
pub mod chars;
pub mod crosscheck;
pub mod diag;
pub mod error;
pub mod export;
pub mod import;
pub mod init;
pub mod input;
pub mod layout;
pub mod model;
pub mod next_year;
pub mod output;
pub mod render;
pub mod schema;
pub mod style;
pub mod template;
pub mod text;
pub mod units;
pub mod validate;

use diag::Diagnostic;

/// Reads and checks a report. Returns the checked report (None when its shape could not be
/// read) and every diagnostic. The report may be rendered only when no diagnostic is an error.
/// Control characters in strings are errors here (see [`chars`]).
pub fn load(bytes: &[u8], opts: validate::Options) -> (Option<validate::Checked>, Vec<Diagnostic>) {
    let (report, mut diags) = input::parse(bytes);
    let control = chars::control_characters(bytes);
    if !control.is_empty() {
        diags.extend(control);
        // Merge into reading order; diagnostics without a position stay at the end.
        diags.sort_by_key(|d| match &d.locus {
            diag::Locus::Source { line, column } => (*line, *column),
            diag::Locus::Path {
                line: Some(l),
                column: Some(c),
                ..
            } => (*l, *c),
            _ => (usize::MAX, 0),
        });
    }
    let checked = report.map(|r| validate::check(r, opts, &mut diags));
    if let Some(c) = &checked {
        validate::name_cells(c.report.format.template(), &mut diags);
    }
    if let Some(c) = &checked {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok();
        crosscheck::prose::check(c, text, opts.strict, &mut diags);
    }
    (checked, diags)
}

/// [`load`], and a `missing-glyph` warning for each string holding a character that no
/// font has, neither the bundled fonts nor the machine's ([`chars::missing_glyphs`]): what
/// `nianbao validate` reports.
pub fn load_checking_glyphs(bytes: &[u8], opts: validate::Options) -> (Option<validate::Checked>, Vec<Diagnostic>) {
    let (checked, mut diags) = load(bytes, opts);
    if checked.is_some() {
        diags.extend(chars::missing_glyphs(bytes));
    }
    (checked, diags)
}
