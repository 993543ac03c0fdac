//! DOCX export: an editable Word document of the resolved report, in the GB/T 9704 layout.
//!
//! The only module that sees docx-rs. Steps:
//! 1. `content::build`: the body (title, headings, paragraphs, tables, sign-off) and the
//!    odd/even page-number footers with docx-rs, on an A4 section with the 22 × 28 grid.
//! 2. docx-rs's `build()` gives the XML parts; document.xml and the footers go through
//!    `xml`: schema order (ECMA-376), `w:tblHeader` on header rows, paragraph ids dropped
//!    (docx-rs numbers them from a thread-local counter).
//! 3. The other parts are written here: styles (`styles`), settings, font table, theme,
//!    core/app properties, content types and relationships (`parts`).
//! 4. `package`: a zip with deflated entries in a fixed order and 1980-01-01 timestamps,
//!    so the same document gives the same bytes.
//!
//! # Fonts
//! Styles name the official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体, Times
//! New Roman) or the caller's, per [`Role`]. Where a font is missing, the font table decides
//! what replaces it: each entry has the PANOSE number, GB2312 character set, family and pitch
//! of the official font of its role (what Word and WPS match on, so a missing 仿宋_GB2312
//! becomes Windows' 仿宋) and `w:altName` naming nianbao's bundled font for the role.
//! LibreOffice ignores both and asks fontconfig; it shows the bundled fonts when fontconfig
//! aliases the official names to them (see `tests/tools/docx-fonts.conf.in`), or when the
//! fonts are embedded: with [`DocxOptions::embed_fonts`], the given TrueType fonts are
//! embedded whole, obfuscated as ECMA-376 Part 1 §17.8.1 prescribes, and the styles name
//! them (Word and LibreOffice match embedded fonts by their own family name).
//!
//! # Where the DOCX differs from the PDF
//! - Merged row labels split by a page break are not repeated on the continuation page
//!   (Word has no such feature; the PDF repeats them).
//! - The text after a table starts right below it; the PDF moves it to the next grid line.
//! - Line breaks are Word's (or LibreOffice's): 禁则, the line-end compression of 「；：」
//!   and closing brackets and the line-start compression of opening ones are theirs
//!   (`doNotCompress` does not ask Word and WPS for the latter two; LibreOffice 7.4 does
//!   neither). Adjacent-punctuation
//!   compression is written out (`content::prose_runs`: the first mark of a pair at 51 %
//!   width), and a line-end 「，。、」 hangs as in the PDF.

mod content;
mod fonts;
mod package;
mod parts;
mod styles;
mod subset;
mod xml;

use std::collections::{BTreeMap, BTreeSet};

pub use fonts::{bundled_family, EmbeddedFont};

use crate::model::Document;
use crate::style::{self, Role};
use crate::units::Length;

/// Table rules in eighths of a point (0.5 pt).
const RULE_EIGHTHS: usize = (style::RULE_WIDTH.0 * 8 / 12_700) as usize;

/// Fonts to embed, by role. A role without an entry keeps its name from
/// [`DocxOptions::fonts`] and is not embedded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddedFonts {
    pub by_role: BTreeMap<Role, EmbeddedFont>,
    /// Embed only the glyphs of the characters the document prints (as Word's "embed only
    /// the characters used"): a few hundred KB instead of several MB a font. Off: the fonts
    /// are embedded whole, so that edits can use any character they have.
    pub subset: bool,
}

/// How the DOCX is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxOptions {
    /// The font name each role's style names. Missing or empty entries fall back to the
    /// role's [`Role::official_name`].
    pub fonts: BTreeMap<Role, String>,
    /// Fonts to embed (`--embed-fonts`). `None`: nothing is embedded and no font file is read.
    pub embed_fonts: Option<EmbeddedFonts>,
    /// Autospace between CJK and Latin text or digits (`w:autoSpaceDE`/`w:autoSpaceDN`),
    /// as the PDF's [`crate::layout::Options::autospace`]; on by default.
    pub autospace: bool,
}

impl Default for DocxOptions {
    /// The official font names, nothing embedded.
    fn default() -> DocxOptions {
        DocxOptions {
            fonts: Role::ALL
                .into_iter()
                .map(|r| (r, r.official_name().to_string()))
                .collect(),
            embed_fonts: None,
            autospace: true,
        }
    }
}

/// Why no DOCX was written. Messages are lowercase, without a trailing period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocxError {
    /// A table's cells do not fit its grid (cells outside it, or overlapping).
    Table { table: String, message: String },
    /// A font given for embedding cannot be embedded.
    Font(String),
    /// docx-rs produced XML that could not be read back.
    Xml(String),
    /// The zip package could not be written.
    Package(String),
}

impl std::fmt::Display for DocxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocxError::Table { table, message } => write!(f, "failed to write {table} as a Word table ({message})"),
            DocxError::Font(m) => write!(f, "failed to embed a font ({m})"),
            DocxError::Xml(m) => write!(f, "failed to normalise the DOCX parts ({m})"),
            DocxError::Package(m) => write!(f, "failed to write the DOCX package ({m})"),
        }
    }
}

impl std::error::Error for DocxError {}

/// Page geometry in twips, derived from [`crate::style`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Geometry {
    page_width: i64,
    page_height: i64,
    margin_top: i64,
    margin_bottom: i64,
    margin_left: i64,
    margin_right: i64,
    header: i64,
    /// Page bottom to the bottom of the footer's line: the line's top sits
    /// [`style::FOLIO_GAP`] below the 版心.
    footer: i64,
    /// The grid's line pitch, rounded down so that 22 lines fit the 版心 (579 = 28.95 pt).
    line_pitch_twips: i64,
    /// `w:charSpace`: the character pitch minus the body size, in 1/4096 pt
    /// (156 mm / 28 − 16 pt ≈ −0.207 pt → −848).
    char_space: i64,
    /// Two grid characters.
    first_line_twips: i64,
    /// How much the prose styles condense each character (twips) so that a character is
    /// as wide as the PDF's grid pitch (156 mm / 28 ≈ 15.79 pt) where Word and LibreOffice
    /// set it: 28 fill the line, and a line-end 「，。、」 hangs after them (Word's default;
    /// LibreOffice without `w:overflowPunct`) as in the PDF. LibreOffice 7.4 sets the
    /// 16 pt face about 0.08 pt wider than 16 pt, so 16.08 pt − 15.79 pt → 6 twips, and one
    /// more for the digits' share: measured with `tests/tools/line_agreement.py` on the
    /// examples, 7 twips agree best with the PDF (10, which left room for a half-width
    /// mark before hanging existed, agreed least).
    condense_twips: i64,
    /// The page number's line: exactly its type size.
    folio_line_twips: i64,
}

fn geometry() -> Geometry {
    let folio_line = style::FOLIO.size;
    Geometry {
        page_width: style::PAGE_WIDTH.to_twips(),
        page_height: style::PAGE_HEIGHT.to_twips(),
        margin_top: style::MARGIN_TOP.to_twips(),
        margin_bottom: style::MARGIN_BOTTOM.to_twips(),
        margin_left: style::MARGIN_LEFT.to_twips(),
        margin_right: style::MARGIN_RIGHT.to_twips(),
        header: Length::mm(15).to_twips(),
        footer: (style::MARGIN_BOTTOM - style::FOLIO_GAP - folio_line).to_twips(),
        line_pitch_twips: style::TEXT_HEIGHT.0 / style::LINES_PER_PAGE / 635,
        char_space: {
            let num = (style::CHAR_PITCH.0 - style::BODY.size.0) * 4096;
            // Rounded to the nearest integer, halves away from zero.
            (num + num.signum() * 12_700 / 2) / 12_700
        },
        first_line_twips: (style::CHAR_PITCH * style::BODY.indent_chars).to_twips(),
        condense_twips: {
            // LibreOffice's 16 pt face: 16.08 pt (in EMU-like units: 1 pt = 12700).
            let rendered = style::BODY.size.0 + 12_700 * 8 / 100;
            let over = rendered - style::CHAR_PITCH.0;
            (over + 634).div_euclid(635) + 1
        },
        folio_line_twips: folio_line.to_twips(),
    }
}

/// The font each role's style names, and what is embedded.
#[derive(Debug, Clone)]
struct FontPlan {
    names: BTreeMap<Role, String>,
    /// Roles served by an embedded bold face (their styles are bold).
    bold: BTreeSet<Role>,
    /// Distinct embedded faces, by (family, bold), in role order.
    embeds: Vec<EmbeddedFont>,
}

impl FontPlan {
    fn new(opts: &DocxOptions) -> FontPlan {
        let mut names = BTreeMap::new();
        let mut bold = BTreeSet::new();
        let mut embeds: Vec<EmbeddedFont> = Vec::new();
        for role in Role::ALL {
            let embedded = opts.embed_fonts.as_ref().and_then(|e| e.by_role.get(&role));
            let name = match embedded {
                Some(f) => {
                    if f.bold {
                        bold.insert(role);
                    }
                    if !embeds.iter().any(|e| e.family == f.family && e.bold == f.bold) {
                        embeds.push(f.clone());
                    }
                    f.family.clone()
                }
                None => opts
                    .fonts
                    .get(&role)
                    .map(|n| n.trim())
                    .filter(|n| !n.is_empty())
                    .unwrap_or(role.official_name())
                    .to_string(),
            };
            names.insert(role, name);
        }
        FontPlan { names, bold, embeds }
    }

    /// The font name for a role.
    fn name(&self, role: Role) -> &str {
        self.names
            .get(&role)
            .map(String::as_str)
            .unwrap_or(role.official_name())
    }

    /// Whether the role's font is an embedded bold face.
    fn bold_face(&self, role: Role) -> bool {
        self.bold.contains(&role)
    }

    /// Each distinct font name once, with the first role (in [`Role::ALL`] order) using it.
    fn entries(&self) -> Vec<(&str, Role)> {
        let mut out: Vec<(&str, Role)> = Vec::new();
        for role in Role::ALL {
            let n = self.name(role);
            if !out.iter().any(|(m, _)| *m == n) {
                out.push((n, role));
            }
        }
        out
    }
}

/// Normalises a docx-rs part: tidy, `w:tblHeader` on the first `header_rows[k]` rows of the
/// k-th table, `xml:space="preserve"` on field instructions, schema order.
fn normalise(part: &[u8], header_rows: &[usize]) -> Result<Vec<u8>, DocxError> {
    let mut root = xml::parse(part).map_err(|e| DocxError::Xml(e.0))?;
    xml::tidy(&mut root).map_err(|e| DocxError::Xml(e.0))?;
    let mut k = 0;
    xml::for_each_named(&mut root, "w:tbl", &mut |tbl| {
        let n = header_rows.get(k).copied().unwrap_or(0);
        k += 1;
        for tr in tbl.elems_mut("w:tr").take(n) {
            let tr_pr = tr.child_or_insert("w:trPr", true);
            if !tr_pr.has_child("w:tblHeader") {
                tr_pr.children.push(xml::Node::Elem(xml::Elem::new("w:tblHeader")));
            }
        }
    });
    let mut bad = None;
    xml::for_each_named(&mut root, "w:instrText", &mut |e| match e.attrs() {
        Ok(mut attrs) if !attrs.iter().any(|(k, _)| k == b"xml:space") => {
            attrs.push((b"xml:space".to_vec(), b"preserve".to_vec()));
            e.set_attrs(&attrs);
        }
        Ok(_) => {}
        Err(err) => bad = Some(err),
    });
    if let Some(e) = bad {
        return Err(DocxError::Xml(e.0));
    }
    xml::reorder(&mut root);
    Ok(xml::to_bytes(&root))
}

/// Writes the document as a DOCX package.
///
/// Deterministic: the same document and options give the same bytes, in any process and
/// any number of times. Reads no file (fonts to embed come in [`DocxOptions::embed_fonts`])
/// and no clock (dates come from [`crate::model::Meta::date`]).
///
/// Fails only on a table whose cells do not fit its grid, or on output docx-rs or the zip
/// writer cannot produce; never panics.
pub fn write(doc: &Document, opts: &DocxOptions) -> Result<Vec<u8>, DocxError> {
    let subsetted;
    let opts = match &opts.embed_fonts {
        Some(e) if e.subset => {
            subsetted = subset_fonts(doc, opts, e)?;
            &subsetted
        }
        _ => opts,
    };
    let subsets = opts.embed_fonts.as_ref().is_some_and(|e| e.subset);
    let plan = FontPlan::new(opts);
    let (docx, header_rows) = content::build(doc)?;
    let built = docx.build();
    let document = normalise(&built.document, &header_rows)?;
    let mut footers = Vec::with_capacity(2);
    for f in &built.footers {
        footers.push(normalise(f, &[])?);
    }
    if footers.len() != 2 {
        return Err(DocxError::Xml(format!(
            "expected 2 footers from docx-rs, got {}",
            footers.len()
        )));
    }

    let embeds: Vec<parts::EmbedRef<'_>> = plan
        .embeds
        .iter()
        .enumerate()
        .map(|(i, f)| parts::EmbedRef {
            family: &f.family,
            bold: f.bold,
            rid: format!("rIdFont{}", i + 1),
            key: fonts::font_key(f),
            subsetted: subsets,
        })
        .collect();

    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), parts::content_types(embeds.len())),
        ("_rels/.rels".into(), parts::package_rels()),
        ("docProps/core.xml".into(), parts::core(&doc.meta)),
        ("docProps/app.xml".into(), parts::app()),
        ("word/document.xml".into(), document),
        ("word/_rels/document.xml.rels".into(), parts::document_rels()),
        ("word/styles.xml".into(), styles::styles_xml(&plan, opts.autospace)),
        ("word/settings.xml".into(), parts::settings(!embeds.is_empty(), subsets)),
        ("word/fontTable.xml".into(), parts::font_table(&plan, &embeds)),
        ("word/theme/theme1.xml".into(), parts::theme(&plan)),
    ];
    let mut footers = footers.into_iter();
    for name in ["word/footer1.xml", "word/footer2.xml"] {
        entries.push((name.into(), footers.next().unwrap_or_default()));
    }
    if !embeds.is_empty() {
        entries.push(("word/_rels/fontTable.xml.rels".into(), parts::font_table_rels(&embeds)));
        for (i, (f, e)) in plan.embeds.iter().zip(&embeds).enumerate() {
            entries.push((
                format!("word/fonts/font{}.odttf", i + 1),
                fonts::obfuscate(&f.data, &e.key),
            ));
        }
    }
    package::zip(&entries).map_err(DocxError::Package)
}

/// The characters each role's font prints in the DOCX, as the styles assign them: the
/// title's, each heading level's (run-in headings included), the body's (paragraphs and
/// sign-off), the tables' and the
/// page numbers'. The Latin font, which serves the Latin letters and digits of several
/// styles, gets every character (it keeps only those it has).
fn role_chars(doc: &Document) -> BTreeMap<Role, BTreeSet<char>> {
    use crate::model::Block;
    let mut by: BTreeMap<Role, BTreeSet<char>> = BTreeMap::new();
    let mut add = |role: Role, text: &str| by.entry(role).or_default().extend(text.chars());
    for t in &doc.title {
        add(style::TITLE.role, t);
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text, .. } => add(style::heading(*level).role, text),
            // A run-in heading prints in its level's font, every other run in the body's.
            Block::Paragraph { lines } => lines
                .iter()
                .flatten()
                .for_each(|r| add(r.style.text_style(style::BODY).role, &r.text)),
            Block::Table(t) => t
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .for_each(|c| add(style::TABLE.role, &c.text)),
        }
    }
    if let Some(s) = &doc.signoff {
        add(style::BODY.role, &s.agency);
        add(style::BODY.role, &s.date);
    }
    add(style::FOLIO.role, "— 0123456789 —");
    let all: BTreeSet<char> = by.values().flatten().copied().collect();
    by.insert(Role::Latin, all);
    by
}

/// The options with each embedded font cut down to the characters its roles print
/// ([`role_chars`]); a font serving several roles gets the characters of all of them.
fn subset_fonts(doc: &Document, opts: &DocxOptions, e: &EmbeddedFonts) -> Result<DocxOptions, DocxError> {
    let need = role_chars(doc);
    // Each distinct face (family, bold) once, with the characters of all its roles.
    let mut faces: Vec<(&EmbeddedFont, BTreeSet<char>)> = Vec::new();
    for (role, f) in &e.by_role {
        let chars = need.get(role).cloned().unwrap_or_default();
        match faces.iter_mut().find(|(g, _)| g.family == f.family && g.bold == f.bold) {
            Some((_, c)) => c.extend(chars),
            None => faces.push((f, chars)),
        }
    }
    let mut cut: Vec<EmbeddedFont> = Vec::with_capacity(faces.len());
    for (f, chars) in &faces {
        let data = subset::subset(&f.data, chars).map_err(|m| DocxError::Font(format!("{}: {m}", f.family)))?;
        cut.push(EmbeddedFont {
            data: data.into(),
            ..(*f).clone()
        });
    }
    let by_role = e
        .by_role
        .iter()
        .filter_map(|(role, f)| {
            let c = cut.iter().find(|g| g.family == f.family && g.bold == f.bold)?;
            Some((*role, c.clone()))
        })
        .collect();
    Ok(DocxOptions {
        fonts: opts.fonts.clone(),
        embed_fonts: Some(EmbeddedFonts { by_role, subset: true }),
        autospace: opts.autospace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_is_the_gbt9704_page() {
        let g = geometry();
        assert_eq!((g.page_width, g.page_height), (11906, 16838));
        assert_eq!(
            (g.margin_top, g.margin_bottom, g.margin_left, g.margin_right),
            (2098, 1984, 1587, 1474)
        );
        assert_eq!(g.line_pitch_twips, 579);
        assert!(g.line_pitch_twips * style::LINES_PER_PAGE <= style::TEXT_HEIGHT.to_twips());
        assert_eq!(g.char_space, -848);
        assert_eq!(g.first_line_twips, 632);
        assert_eq!(g.condense_twips, 7);
        // 28 condensed characters fit the line; a 29th (or a half-width mark) hangs.
        let ch = 320 - g.condense_twips;
        assert!(28 * ch <= style::TEXT_WIDTH.to_twips());
        assert!(28 * ch + ch / 2 > style::TEXT_WIDTH.to_twips());
        // 35 mm − 7 mm − 14 pt.
        assert_eq!(g.footer, 1587 - 280);
        assert_eq!(RULE_EIGHTHS, 4);
    }

    #[test]
    fn fonts_default_to_official_names_and_can_be_overridden() {
        let plan = FontPlan::new(&DocxOptions::default());
        assert_eq!(plan.name(Role::Body), "仿宋_GB2312");
        assert_eq!(plan.entries().len(), 6);
        let mut o = DocxOptions::default();
        o.fonts.insert(Role::Body, "方正仿宋_GBK".into());
        o.fonts.insert(Role::Song, " ".into());
        let plan = FontPlan::new(&o);
        assert_eq!(plan.name(Role::Body), "方正仿宋_GBK");
        assert_eq!(plan.name(Role::Song), "宋体");
    }

    #[test]
    fn header_rows_get_tbl_header_and_properties_get_ordered() {
        let src = br#"<w:document><w:body><w:tbl><w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc/></w:tr><w:tr><w:tc/></w:tr></w:tbl><w:tbl><w:tr><w:tc/></w:tr></w:tbl></w:body></w:document>"#;
        let out = String::from_utf8(normalise(src, &[1, 0]).unwrap()).unwrap();
        assert_eq!(out.matches("<w:tblHeader/>").count(), 1);
        assert!(out.contains("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"), "{out}");
    }
}
