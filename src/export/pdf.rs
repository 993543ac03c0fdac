//! PDF export: draws laid-out [`Pages`] with krilla. No layout decision is made here.
//!
//! Fonts are embedded as subsets with `/ToUnicode` maps (text extracts cleanly); bold runs
//! are synthesised by filling and stroking the outlines; metadata and dates come from the
//! document, never the clock; by default the file is PDF/A-2b. Same input, same bytes.

use crate::layout::{Item, Pages};
use crate::model::Document;
use crate::style::{PAGE_HEIGHT, PAGE_WIDTH};
use crate::text::fonts::FontBook;
use crate::units::Length;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};
use std::fmt;

/// PDF writer options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfOptions {
    /// Write PDF/A-2b (archival). On by default.
    pub pdfa: bool,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions { pdfa: true }
    }
}

/// Why a PDF could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfError(pub String);

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for PdfError {}

/// The stroke width, in ems, that makes synthesised bold look like a bold face.
const BOLD_STROKE_EM: f32 = 0.03;

fn pt(l: Length) -> f32 {
    l.to_pt()
}

/// Writes the pages as a PDF. Fails when a font cannot be embedded or the PDF/A check fails.
pub fn write(doc: &Document, pages: &Pages, fonts: &FontBook, opts: PdfOptions) -> Result<Vec<u8>, PdfError> {
    let mut settings = SerializeSettings::default();
    if opts.pdfa {
        settings.configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_B)
            .finish()
            .map_err(|e| PdfError(format!("failed to configure PDF/A ({e:?})")))?;
    }
    let mut pdf = PdfDocument::new_with(settings);
    let mut krilla_fonts: Vec<Option<Font>> = vec![None; fonts.faces.len()];
    let black = || -> krilla::paint::Paint { rgb::Color::new(0, 0, 0).into() };
    for page in &pages.pages {
        let mut p = pdf.start_page_with(
            PageSettings::from_wh(pt(PAGE_WIDTH), pt(PAGE_HEIGHT)).ok_or_else(|| PdfError("bad page size".into()))?,
        );
        let mut s = p.surface();
        for item in &page.items {
            match item {
                Item::Fill { x, y, w, h, rgb: c } => {
                    let Some(rect) = Rect::from_xywh(pt(*x), pt(*y), pt(*w), pt(*h)) else {
                        continue;
                    };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    let Some(path) = pb.finish() else { continue };
                    s.set_stroke(None);
                    s.set_fill(Some(Fill {
                        paint: rgb::Color::new(c[0], c[1], c[2]).into(),
                        ..Fill::default()
                    }));
                    s.draw_path(&path);
                }
                Item::Rule { x1, y1, x2, y2, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(pt(*x1), pt(*y1));
                    pb.line_to(pt(*x2), pt(*y2));
                    let Some(path) = pb.finish() else { continue };
                    s.set_fill(None);
                    s.set_stroke(Some(Stroke {
                        paint: black(),
                        width: pt(*width),
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                }
                Item::Text(run) => {
                    let font = match &krilla_fonts[run.face] {
                        Some(f) => f.clone(),
                        None => {
                            let face = &fonts.faces[run.face];
                            let f = Font::new(face.data.clone().into(), face.index)
                                .ok_or_else(|| PdfError(format!("failed to embed font {}", face.path.display())))?;
                            krilla_fonts[run.face] = Some(f.clone());
                            f
                        }
                    };
                    let size = pt(run.size);
                    let glyphs: Vec<KrillaGlyph> = run
                        .glyphs
                        .iter()
                        .map(|g| KrillaGlyph {
                            glyph_id: GlyphId::new(u32::from(g.glyph)),
                            text_range: g.range.clone(),
                            x_advance: pt(g.advance) / size,
                            x_offset: 0.0,
                            y_offset: 0.0,
                            y_advance: 0.0,
                            location: None,
                        })
                        .collect();
                    s.set_fill(Some(Fill {
                        paint: black(),
                        opacity: NormalizedF32::ONE,
                        ..Fill::default()
                    }));
                    s.set_stroke(run.bold.then(|| Stroke {
                        paint: black(),
                        width: size * BOLD_STROKE_EM,
                        ..Stroke::default()
                    }));
                    s.draw_glyphs(
                        Point::from_xy(pt(run.x), pt(run.baseline)),
                        &glyphs,
                        font,
                        &run.text,
                        size,
                        false,
                    );
                }
            }
        }
        s.finish();
        p.finish();
    }
    let mut outline = Outline::new();
    let mut entries = pages.outline.iter();
    if let Some(title) = entries.next() {
        let dest = |page: usize, y: Length| XyzDestination::new(page, Point::from_xy(0.0, pt(y)));
        let mut root = OutlineNode::new(title.text.clone(), dest(title.page, Length::ZERO)).with_open(true);
        for e in entries {
            root.push_child(OutlineNode::new(e.text.clone(), dest(e.page, e.y)));
        }
        outline.push_child(root);
    }
    pdf.set_outline(outline);
    let m = &doc.meta;
    let date = DateTime::new(m.date.year.clamp(0, 9999) as u16)
        .month(m.date.month)
        .day(m.date.day);
    pdf.set_metadata(
        Metadata::new()
            .title(m.title.clone())
            .authors(vec![m.author.clone()])
            .description(m.subject.clone())
            .keywords(m.keywords.clone())
            .language(m.language.to_string())
            .creator(format!("nianbao {}", env!("CARGO_PKG_VERSION")))
            .creation_date(date),
    );
    pdf.finish()
        .map_err(|e| PdfError(format!("failed to write the PDF ({e:?})")))
}
