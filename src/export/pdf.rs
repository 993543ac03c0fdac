//! PDF export: draws laid-out [`Pages`] with krilla. No layout decision is made here.
//!
//! Fonts are embedded as subsets with `/ToUnicode` maps (text extracts cleanly); bold runs
//! are synthesised by filling and stroking the outlines; metadata and dates come from the
//! document, never the clock. Same input, same bytes.
//!
//! The PDF is tagged: each item is marked as the layout's [`Mark`] says (title and headings
//! H1–H5, paragraphs P, table cells TH/TD in TR in Table, with scope, spans and headers;
//! rules, fills, page numbers and repeated header rows as artifacts), the document language
//! comes from the metadata, and the outline holds the title and the six sections. By default
//! the file claims PDF/A-2a and PDF/UA-1 together, both checked by krilla's validators
//! (PDF/A-2b when the text holds a private-use character; see [`PdfStandard::Best`]).

use crate::layout::{HeaderScope, Item, Mark, Pages};
use crate::model::Document;
use crate::style::{PAGE_HEIGHT, PAGE_WIDTH};
use crate::text::fonts::FontBook;
use crate::units::Length;
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, TableHeaderScope, Tag, TagGroup, TagId, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};
use std::collections::BTreeMap;
use std::fmt;
use std::num::{NonZeroU16, NonZeroU32};

/// The standards a PDF claims, each checked by krilla's validator before the file is written.
/// Every PDF is tagged whatever the choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PdfStandard {
    /// The strongest the document admits ([`PdfStandard::resolve`]): PDF/A-2a with PDF/UA-1,
    /// or PDF/A-2b when its text holds a private-use character (which A-2a, A-2u and UA-1
    /// forbid, as krilla checks them). The default.
    #[default]
    Best,
    /// Plain PDF 1.7, no claim.
    None,
    /// PDF/A-2b: archival, visual appearance only.
    A2b,
    /// PDF/A-2u: A-2b plus Unicode for all text.
    A2u,
    /// PDF/A-2a: A-2u plus a tagged logical structure and language.
    A2a,
    /// PDF/UA-1: accessible (tagged, titled, language, table headers).
    Ua1,
    /// PDF/A-2a and PDF/UA-1 together.
    A2aUa1,
}

/// Whether a character is in a Unicode private use area.
fn private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

impl PdfStandard {
    /// Whether the standard forbids text in the private use areas (krilla checks it).
    pub fn forbids_private_use(self) -> bool {
        matches!(
            self,
            PdfStandard::A2u | PdfStandard::A2a | PdfStandard::Ua1 | PdfStandard::A2aUa1
        )
    }

    /// The standard to write `doc` with: [`PdfStandard::Best`] becomes A-2a + UA-1, or A-2b
    /// when the document's text holds a private-use character; the others stay.
    pub fn resolve(self, doc: &Document) -> PdfStandard {
        match self {
            PdfStandard::Best if Self::private_use_char(doc).is_some() => PdfStandard::A2b,
            PdfStandard::Best => PdfStandard::A2aUa1,
            s => s,
        }
    }

    /// The first private-use character of the document's text, if any.
    pub fn private_use_char(doc: &Document) -> Option<char> {
        doc.chars().find(|&c| private_use(c))
    }
}

/// PDF writer options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PdfOptions {
    /// The standards claimed ([`PdfStandard::Best`] by default).
    pub standard: PdfStandard,
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
    let mut settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let (archival, accessible) = match opts.standard.resolve(doc) {
        PdfStandard::None | PdfStandard::Best => (None, false),
        PdfStandard::A2b => (Some(Archival::A2_B), false),
        PdfStandard::A2u => (Some(Archival::A2_U), false),
        PdfStandard::A2a => (Some(Archival::A2_A), false),
        PdfStandard::Ua1 => (None, true),
        PdfStandard::A2aUa1 => (Some(Archival::A2_A), true),
    };
    if archival.is_some() || accessible {
        let mut b = ConfigurationBuilder::new();
        if let Some(a) = archival {
            b = b.with_archival_validator(a);
        }
        if accessible {
            b = b.with_accessibility_validator(Accessibility::UA1);
        }
        settings.configuration = b
            .finish()
            .map_err(|e| PdfError(format!("failed to configure the PDF standard ({e:?})")))?;
    }
    let mut pdf = PdfDocument::new_with(settings);
    let mut structure = Structure::default();
    let mut krilla_fonts: Vec<Option<Font>> = vec![None; fonts.faces.len()];
    let black = || -> krilla::paint::Paint { rgb::Color::new(0, 0, 0).into() };
    for page in &pages.pages {
        let mut p = pdf.start_page_with(
            PageSettings::from_wh(pt(PAGE_WIDTH), pt(PAGE_HEIGHT)).ok_or_else(|| PdfError("bad page size".into()))?,
        );
        let mut s = p.surface();
        let mut open: Option<&Mark> = None;
        let mut blanks = page.blanks.iter().peekable();
        for (i, (item, mark)) in page.items.iter().zip(&page.marks).enumerate() {
            while let Some((_, blank)) = blanks.next_if(|(at, _)| *at <= i) {
                // A blank cell: an empty marked-content sequence gives it its element.
                if open.take().is_some() {
                    s.end_tagged();
                }
                structure.start(&mut s, blank);
                s.end_tagged();
            }
            if open != Some(mark) {
                if open.is_some() {
                    s.end_tagged();
                }
                structure.start(&mut s, mark);
                open = Some(mark);
            }
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
        if open.is_some() {
            s.end_tagged();
        }
        for (_, blank) in blanks {
            structure.start(&mut s, blank);
            s.end_tagged();
        }
        s.finish();
        p.finish();
    }
    pdf.set_tag_tree(structure.tree(doc));
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

/// A structure element of the tag tree, in the layout's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Title,
    Block(usize),
    Cell { block: usize, row: usize, col: usize },
    SignOff,
}

/// The structure elements met so far, in reading order, each with its marked content.
#[derive(Default)]
struct Structure {
    order: Vec<(Key, Mark)>,
    content: BTreeMap<Key, Vec<Identifier>>,
}

impl Structure {
    /// Starts the marked-content section of an item of `mark` on the surface.
    fn start(&mut self, s: &mut Surface<'_>, mark: &Mark) {
        let key = match mark {
            Mark::Decoration => {
                s.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
                return;
            }
            Mark::Pagination => {
                s.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::PageNumber)));
                return;
            }
            Mark::Title => Key::Title,
            Mark::Heading { block, .. } | Mark::Paragraph { block } => Key::Block(*block),
            Mark::Cell { block, cell } => Key::Cell {
                block: *block,
                row: cell.row,
                col: cell.col,
            },
            Mark::SignOff => Key::SignOff,
        };
        let id = s.start_tagged(ContentTag::Span(SpanTag::empty()));
        let ids = self.content.entry(key).or_insert_with(|| {
            self.order.push((key, mark.clone()));
            Vec::new()
        });
        ids.push(id);
    }

    /// The tag tree: the title H1, headings H2–H5, paragraphs P, tables with their rows and
    /// cells, the sign-off P; in reading order.
    fn tree(mut self, doc: &Document) -> TagTree {
        let th_id = |block: usize, row: usize, col: usize| TagId::from(format!("t{block}r{row}c{col}").into_bytes());
        // Header cells that hold content (an empty one has no element to point at).
        let present: Vec<Key> = self.order.iter().map(|(k, _)| *k).collect();
        let mut tree = TagTree::new();
        // The table being assembled: its block and its rows' cells.
        let mut table: Option<(usize, BTreeMap<usize, Vec<Node>>)> = None;
        let flush = |table: &mut Option<(usize, BTreeMap<usize, Vec<Node>>)>, tree: &mut TagTree| {
            if let Some((_, rows)) = table.take() {
                let trs: Vec<Node> = rows
                    .into_values()
                    .map(|cells| TagGroup::with_children(Tag::TR, cells).into())
                    .collect();
                tree.push(TagGroup::with_children(Tag::Table, trs));
            }
        };
        for (key, mark) in std::mem::take(&mut self.order) {
            let ids: Vec<Node> = self
                .content
                .remove(&key)
                .unwrap_or_default()
                .into_iter()
                .map(Node::from)
                .collect();
            if let Mark::Cell { block, cell } = &mark {
                if table.as_ref().is_some_and(|(b, _)| b != block) {
                    flush(&mut table, &mut tree);
                }
                let rows = &mut table.get_or_insert_with(|| (*block, BTreeMap::new())).1;
                let span = |n: usize| NonZeroU32::new(u32::try_from(n).unwrap_or(1)).filter(|n| n.get() > 1);
                let group = match cell.header {
                    Some(scope) => TagGroup::with_children(
                        Tag::TH(match scope {
                            HeaderScope::Column => TableHeaderScope::Column,
                            HeaderScope::Row => TableHeaderScope::Row,
                        })
                        .with_id(Some(th_id(*block, cell.row, cell.col)))
                        .with_row_span(span(cell.row_span))
                        .with_col_span(span(cell.col_span)),
                        ids,
                    ),
                    None => {
                        let headers: Vec<TagId> = cell
                            .headers
                            .iter()
                            .filter(|&&(row, col)| {
                                present.contains(&Key::Cell {
                                    block: *block,
                                    row,
                                    col,
                                })
                            })
                            .map(|&(row, col)| th_id(*block, row, col))
                            .collect();
                        TagGroup::with_children(
                            Tag::TD
                                .with_headers((!headers.is_empty()).then_some(headers))
                                .with_row_span(span(cell.row_span))
                                .with_col_span(span(cell.col_span)),
                            ids,
                        )
                    }
                };
                rows.entry(cell.row).or_default().push(group.into());
                continue;
            }
            flush(&mut table, &mut tree);
            let level = |n: u8| NonZeroU16::new(u16::from(n)).unwrap_or(NonZeroU16::MIN);
            let group = match mark {
                Mark::Title => TagGroup::with_children(Tag::Hn(level(1), Some(doc.title.concat())), ids),
                Mark::Heading { block, level: l } => {
                    let text = match doc.blocks.get(block) {
                        Some(crate::model::Block::Heading { text, .. }) => Some(text.clone()),
                        _ => None,
                    };
                    TagGroup::with_children(Tag::Hn(level(l.saturating_add(1)), text), ids)
                }
                _ => TagGroup::with_children(Tag::P, ids),
            };
            tree.push(group);
        }
        flush(&mut table, &mut tree);
        tree
    }
}
