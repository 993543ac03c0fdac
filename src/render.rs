//! The whole job for one report: check it, resolve it, lay it out and write the requested
//! formats, in memory. Callers decide where the bytes go.

use crate::diag::{has_errors, Diagnostic, Locus};
use crate::error::{Class, Error};
use crate::export::docx::{DocxOptions, EmbeddedFont, EmbeddedFonts};
use crate::export::pdf::PdfOptions;
use crate::text::fonts::{Face, FontBook, FontConfig};
use crate::validate;
use std::collections::{BTreeMap, BTreeSet};

/// What to produce.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub pdf: bool,
    pub docx: bool,
    /// HTML, as a whole document or a fragment; None for no HTML.
    pub html: Option<crate::export::html::HtmlMode>,
    pub check: validate::Options,
    pub pdf_options: PdfOptions,
    pub docx_options: crate::export::docx::DocxOptions,
    /// PDF layout options (autospace); keep `docx_options.autospace` the same.
    pub layout: crate::layout::Options,
}

/// The outputs of one report.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub pdf: Option<Vec<u8>>,
    pub docx: Option<Vec<u8>>,
    /// The HTML page or fragment, as [`RenderOptions::html`] asked.
    pub html: Option<Vec<u8>>,
    /// PDF page count (0 when no PDF was made).
    pub pages: usize,
    /// Each character another font than its role's own had to serve, and that font (a
    /// bundled font or one of the machine's).
    pub fallbacks: BTreeMap<char, Face>,
    /// Characters no font has, printed as placeholders.
    pub missing: BTreeSet<char>,
    /// What the year-to-year checks need of this report.
    pub series: Option<crate::crosscheck::series::Entry>,
}

/// Whether and how the DOCX embeds its fonts (`--embed-fonts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Embedding {
    /// Nothing embedded: the styles name the official fonts.
    #[default]
    None,
    /// Subsets with only the characters the document prints (well under 1 MB).
    Subset,
    /// The whole fonts (about 13 MB with the bundled fonts).
    Full,
}

/// DOCX font options from the user's font configuration: a replaced role names the user's
/// font (its family name when it was given as a file), the others the official names; unless
/// `embed` is [`Embedding::None`], each role's font from `book` is embedded. Fails (a
/// [`Class::Font`] error) when a font cannot be read or embedded, or `book` has no font for a
/// role.
pub fn docx_options(config: &FontConfig, book: &FontBook, embed: Embedding) -> Result<DocxOptions, Error> {
    let mut opts = DocxOptions::default();
    for o in &config.overrides {
        let p = std::path::Path::new(&o.font);
        let name = if p.is_file() {
            Face::open(p, 0).map_err(|e| Error::at(Class::Font, p, e.0))?.family
        } else {
            o.font.clone()
        };
        opts.fonts.insert(o.role, name);
    }
    if embed != Embedding::None {
        let mut by_role = std::collections::BTreeMap::new();
        for role in crate::style::Role::ALL {
            let face = book
                .chains
                .get(&role)
                .and_then(|c| c.first())
                .and_then(|&i| book.faces.get(i))
                .ok_or_else(|| Error::new(Class::Font, format!("no font is loaded for the role {}", role.name())))?;
            let f = EmbeddedFont::from_ttf(face.data.as_slice()).map_err(|e| {
                Error::at(
                    Class::Font,
                    &face.path,
                    format!("failed to embed {} ({e})", face.path.display()),
                )
            })?;
            by_role.insert(role, f);
        }
        opts.embed_fonts = Some(EmbeddedFonts {
            by_role,
            subset: embed == Embedding::Subset,
        });
    }
    Ok(opts)
}

/// Why a report produced no output.
#[derive(Debug)]
pub enum RenderError {
    /// The input was rejected; the diagnostics say why.
    Rejected,
    /// A writer failed (PDF/A check, zip) on a valid report: an operational failure, of
    /// class [`Class::Internal`].
    Failed(Error),
}

/// Checks and renders one report. Diagnostics (also warnings of a successful render, such as
/// characters no font has) are appended to `diags`. No output is produced when any
/// diagnostic is an error. A PDF needs a font for every role: with a book that lacks one
/// (e.g. [`FontBook::empty`]) it fails with a [`Class::Font`] error instead of laying out.
pub fn render(
    bytes: &[u8],
    fonts: &FontBook,
    opts: &RenderOptions,
    diags: &mut Vec<Diagnostic>,
) -> Result<Rendered, RenderError> {
    let (checked, d) = crate::load(bytes, opts.check);
    diags.extend(d);
    let checked = match checked {
        Some(c) if !has_errors(diags) => c,
        _ => return Err(RenderError::Rejected),
    };
    let doc = crate::model::resolve(&checked);
    let mut out = Rendered {
        series: Some(crate::crosscheck::series::Entry::of(&checked)),
        ..Rendered::default()
    };
    if opts.pdf {
        if let Some(role) = crate::style::Role::ALL.into_iter().find(|r| {
            fonts
                .chains
                .get(r)
                .is_none_or(|c| c.iter().all(|&i| i >= fonts.faces.len()))
        }) {
            return Err(RenderError::Failed(Error::new(
                Class::Font,
                format!(
                    "no font is loaded for the role {} (a PDF needs every role)",
                    role.name()
                ),
            )));
        }
        // Characters no font of the book has are looked for in the machine's fonts.
        let fonts = fonts.with_system_fallbacks(doc.chars());
        let pages = crate::layout::layout_with(&doc, &fonts, opts.layout);
        let located = crate::chars::locate_missing(bytes, &pages.fonts.missing);
        if located.is_empty() && !pages.fonts.missing.is_empty() {
            let list: String = pages.fonts.missing.iter().collect();
            diags.push(
                Diagnostic::warning(
                    "missing-glyph",
                    Locus::Input,
                    format!("no font on this machine has {list}; printed as boxes"),
                )
                .with_hint("install a font that has it, or name one with --font ROLE=FONT"),
            );
        }
        diags.extend(located);
        let standard = opts.pdf_options.standard;
        if let Some(c) = crate::export::pdf::PdfStandard::private_use_char(&doc) {
            if standard.forbids_private_use() {
                return Err(RenderError::Failed(Error::new(
                    Class::Argument,
                    format!(
                        "the report's text holds the private-use character U+{:04X}, which PDF/A-2a, PDF/A-2u and PDF/UA-1 forbid: use --pdf-standard a2b or none",
                        c as u32
                    ),
                )));
            }
            if standard == crate::export::pdf::PdfStandard::Best {
                diags.push(Diagnostic::warning(
                    "pdf-standard",
                    Locus::Input,
                    format!(
                        "the text holds the private-use character U+{:04X}, which PDF/A-2a and PDF/UA-1 forbid: the PDF is PDF/A-2b (still tagged)",
                        c as u32
                    ),
                ));
            }
        }
        out.pdf = Some(
            crate::export::pdf::write(&doc, &pages, &fonts, opts.pdf_options).map_err(|e| {
                // A face krilla cannot embed is the font's fault; any other writer failure on a
                // valid report is a bug.
                let class = if e.0.starts_with("failed to embed font") {
                    Class::Font
                } else {
                    Class::Internal
                };
                RenderError::Failed(Error::new(class, e.0))
            })?,
        );
        out.pages = pages.pages.len();
        out.fallbacks = pages
            .fonts
            .fallbacks
            .iter()
            .map(|(&c, &f)| (c, fonts.faces[f].clone()))
            .collect();
        out.missing = pages.fonts.missing;
    }
    if opts.docx {
        out.docx = Some(crate::export::docx::write(&doc, &opts.docx_options).map_err(|e| {
            RenderError::Failed(Error::new(Class::Internal, format!("failed to write the DOCX ({e})")))
        })?);
    }
    if let Some(mode) = opts.html {
        out.html = Some(crate::export::html::write(&doc, mode));
    }
    Ok(out)
}
