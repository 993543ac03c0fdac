//! Subsets of TrueType fonts for embedding in a DOCX, as Word's "embed only the characters
//! used" makes them: the glyphs of the given characters (and the glyphs they are composed
//! of), renumbered, with a new `cmap` for exactly those characters.
//!
//! The glyphs are cut by `subsetter` (krilla's subsetter, already in the tree for the PDF).
//! It writes fonts for PDF embedding only, without `cmap` and `OS/2`; Word and LibreOffice
//! need both to use a font, so the `cmap` is rebuilt from the glyph remapping (with
//! `write-fonts`, which `subsetter` depends on) and `OS/2` (embedding permission, weight,
//! metrics) is copied from the original. The result is a complete TrueType font.

use skrifa::{FontRef, MetadataProvider, Tag};
use std::collections::BTreeSet;
use subsetter::GlyphRemapper;
use write_fonts::tables::cmap::Cmap;
use write_fonts::types::GlyphId;
use write_fonts::FontBuilder;

/// Characters every subset keeps whatever the text: the spaces.
const ALWAYS: &str = " \u{3000}";

/// Tables copied whole from the original font besides what `subsetter` writes: `OS/2`
/// (Word reads the embedding permission and the weight there).
const COPIED: [&[u8; 4]; 1] = [b"OS/2"];

/// The subset of a TrueType font (`data`, face 0) for `chars`: every character of `chars`
/// the font maps keeps its glyph, all other glyphs are dropped. Fails on a font that is not
/// TrueType or that `subsetter` cannot read. Deterministic.
pub(crate) fn subset(data: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let font = FontRef::new(data).map_err(|e| format!("not a font file ({e})"))?;
    let charmap = font.charmap();
    let mut remapper = GlyphRemapper::new();
    let mut mappings: Vec<(char, u16)> = Vec::new();
    for ch in chars.iter().copied().chain(ALWAYS.chars()) {
        let Some(gid) = charmap.map(ch) else { continue };
        let Ok(old) = u16::try_from(gid.to_u32()) else { continue };
        if old == 0 {
            continue;
        }
        mappings.push((ch, remapper.remap(old)));
    }
    let cut = subsetter::subset(data, 0, &remapper).map_err(|e| format!("subsetting failed ({e})"))?;
    let cut_font = write_fonts::read::FontRef::new(&cut).map_err(|e| format!("subset unreadable ({e})"))?;
    let cmap = Cmap::from_mappings(mappings.iter().map(|&(c, g)| (c, GlyphId::new(u32::from(g)))))
        .map_err(|e| format!("cmap ({e})"))?;
    let mut builder = FontBuilder::new();
    builder.add_table(&cmap).map_err(|e| format!("cmap ({e})"))?;
    for tag in COPIED {
        if let Some(t) = font.table_data(Tag::new(tag)) {
            builder.add_raw(write_fonts::types::Tag::new(tag), t.as_bytes().to_vec());
        }
    }
    builder.copy_missing_tables(cut_font);
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fonts")
                .join(name),
        )
        .expect("bundled font")
    }

    #[test]
    fn a_subset_maps_exactly_the_characters_it_keeps_to_their_own_outlines() {
        let data = bundled("NotoSerifCJKsc-Regular.ttf");
        let chars: BTreeSet<char> = "政府信息公开年度报告A".chars().collect();
        let sub = subset(&data, &chars).expect("subset");
        assert!(sub.len() * 50 < data.len(), "{} bytes of {}", sub.len(), data.len());
        let (orig, cut) = (FontRef::new(&data).unwrap(), FontRef::new(&sub).unwrap());
        assert!(cut.table_data(Tag::new(b"OS/2")).is_some());
        assert!(cut.table_data(Tag::new(b"name")).is_some());
        let (om, cm) = (orig.charmap(), cut.charmap());
        let (ow, cw) = (
            orig.glyph_metrics(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            ),
            cut.glyph_metrics(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            ),
        );
        for ch in chars.iter().copied() {
            let (o, c) = (om.map(ch).expect("in the original"), cm.map(ch).expect("kept"));
            assert_eq!(ow.advance_width(o), cw.advance_width(c), "{ch}: same advance");
            assert_eq!(ow.bounds(o), cw.bounds(c), "{ch}: same outline box");
        }
        assert_eq!(cm.map('堃'), None, "a character not asked for is dropped");
        assert_eq!(sub, subset(&data, &chars).expect("again"), "deterministic");
    }
}
