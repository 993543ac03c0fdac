//! The font book: which font serves each [`Role`], loaded once and shared (also across
//! threads), with per-character fallback.
//!
//! Defaults come from the bundled `fonts/` folder (see `fonts/README.md`). A user replaces a
//! role with `--font ROLE=NAME`, where NAME is a file path or a family, full or PostScript
//! name (Chinese names included) found in `--font-dir` folders or `fonts/`. Every face is
//! checked once when loaded: a truncated or unparsable file is refused with its path.

use crate::style::Role;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The bundled default of each role: the fonts folder's file names, first choice first.
pub const DEFAULTS: &[(Role, &[&str])] = &[
    (Role::Title, &["NotoSerifCJKsc-Bold.ttf"]),
    (Role::Body, &["FandolFang-Regular.ttf"]),
    (Role::Heading1, &["NotoSansCJKsc-Medium.ttf"]),
    (Role::Heading2, &["NianbaoKai-Light.ttf"]),
    (Role::Song, &["NotoSerifCJKsc-Regular.ttf"]),
    (Role::Latin, &["LiberationSerif-Regular.ttf"]),
];

/// The characters a role's font must have, checked when it is loaded: hanzi for the CJK
/// roles, digits for the Latin role.
pub fn probe_chars(role: Role) -> &'static str {
    match role {
        Role::Latin => "0123456789",
        _ => "政府信息公开工作年度报告",
    }
}

/// The last resort for a character no role font has: 宋体 covers all of 通用规范汉字表.
const FALLBACK_FILE: &str = "NotoSerifCJKsc-Regular.ttf";

/// A problem loading fonts: always names the file or the name asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontError(pub String);

impl fmt::Display for FontError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for FontError {}

/// One loaded face.
#[derive(Clone)]
pub struct Face {
    pub data: Arc<Vec<u8>>,
    pub index: u32,
    pub path: PathBuf,
    /// The family name (English record, else the first).
    pub family: String,
    pub units_per_em: u16,
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Face({} #{} {})", self.family, self.index, self.path.display())
    }
}

impl Face {
    /// Opens face `index` of a font file and checks it: the table directory lies inside the
    /// file, and it has a character map and horizontal metrics.
    pub fn open(path: &Path, index: u32) -> Result<Face, FontError> {
        let data =
            std::fs::read(path).map_err(|e| FontError(format!("failed to read font {} ({e})", path.display())))?;
        Face::from_bytes(Arc::new(data), index, path)
    }

    pub fn from_bytes(data: Arc<Vec<u8>>, index: u32, path: &Path) -> Result<Face, FontError> {
        let bad = |why: String| FontError(format!("font {} is unusable ({why})", path.display()));
        let font = FontRef::from_index(&data, index).map_err(|e| bad(e.to_string()))?;
        for rec in font.table_directory().table_records() {
            let end = rec.offset() as usize + rec.length() as usize;
            if end > data.len() {
                return Err(bad(format!(
                    "table {} ends past the end of the file; truncated?",
                    rec.tag()
                )));
            }
        }
        if font.cmap().is_err() || font.hmtx().is_err() || font.head().is_err() {
            return Err(bad("no cmap, hmtx or head table".into()));
        }
        let family =
            name_of(&font, skrifa::string::StringId::FAMILY_NAME).unwrap_or_else(|| path.display().to_string());
        let units_per_em = font.head().map(|h| h.units_per_em()).unwrap_or(1000).max(16);
        Ok(Face {
            data,
            index,
            path: path.to_path_buf(),
            family,
            units_per_em,
        })
    }

    pub fn font_ref(&self) -> FontRef<'_> {
        FontRef::from_index(&self.data, self.index).expect("checked when loaded")
    }

    /// The glyph of a character, `None` when the face does not map it (or maps it to .notdef).
    pub fn glyph_of(&self, ch: char) -> Option<GlyphId> {
        let gid = self.font_ref().charmap().map(ch)?;
        (gid != GlyphId::NOTDEF).then_some(gid)
    }

    /// Whether the face has an outline for `gid` that can be drawn: its glyph data parses.
    fn draws(&self, gid: GlyphId) -> bool {
        use skrifa::outline::{DrawSettings, OutlinePen};
        struct Count(usize);
        impl OutlinePen for Count {
            fn move_to(&mut self, _: f32, _: f32) {
                self.0 += 1;
            }
            fn line_to(&mut self, _: f32, _: f32) {
                self.0 += 1;
            }
            fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {
                self.0 += 1;
            }
            fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {
                self.0 += 1;
            }
            fn close(&mut self) {}
        }
        let font = self.font_ref();
        let Some(glyph) = font.outline_glyphs().get(gid) else {
            return false;
        };
        let mut pen = Count(0);
        glyph
            .draw(
                DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
                &mut pen,
            )
            .is_ok()
            && pen.0 > 0
    }

    /// Whether the face can print `ch`: mapped, and its outline draws (colour-bitmap-only
    /// fonts such as emoji fonts cannot be embedded as outlines and do not count).
    pub fn prints(&self, ch: char) -> bool {
        self.glyph_of(ch).is_some_and(|g| self.draws(g))
    }

    /// Refuses a face that cannot serve `role`: it must have a drawable glyph for each of the
    /// role's probe characters ([`probe_chars`]), e.g. hanzi for the body font.
    pub fn check_role(&self, role: Role) -> Result<(), FontError> {
        let probe = probe_chars(role);
        let absent: Vec<char> = probe.chars().filter(|&c| self.glyph_of(c).is_none()).collect();
        if !absent.is_empty() {
            let s: String = absent.iter().collect();
            return Err(FontError(format!(
                "font {} ({}) cannot serve the {} role: it has no glyph for {s}",
                self.path.display(),
                self.family,
                role.name()
            )));
        }
        let broken: Vec<char> = probe
            .chars()
            .filter(|&c| self.glyph_of(c).is_some_and(|g| !self.draws(g)))
            .collect();
        if !broken.is_empty() {
            let s: String = broken.iter().collect();
            return Err(FontError(format!(
                "font {} ({}) is unusable: the outlines of {s} cannot be read (corrupt glyph data?)",
                self.path.display(),
                self.family
            )));
        }
        Ok(())
    }
}

fn name_of(font: &FontRef, id: skrifa::string::StringId) -> Option<String> {
    font.localized_strings(id)
        .english_or_first()
        .map(|s| s.chars().collect())
}

/// Every name a face answers to: family, full, PostScript and typographic family names in
/// all languages.
fn names_of(font: &FontRef) -> Vec<String> {
    use skrifa::string::StringId;
    let mut out = Vec::new();
    for id in [
        StringId::FAMILY_NAME,
        StringId::FULL_NAME,
        StringId::POSTSCRIPT_NAME,
        StringId::TYPOGRAPHIC_FAMILY_NAME,
    ] {
        for s in font.localized_strings(id) {
            out.push(s.chars().collect::<String>());
        }
    }
    out
}

/// A user's replacement for a role: a file path or a font name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleOverride {
    pub role: Role,
    pub font: String,
}

impl std::str::FromStr for RoleOverride {
    type Err = String;
    /// Parses `ROLE=FONT`, e.g. `body=仿宋_GB2312`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (role, font) = s
            .split_once('=')
            .ok_or_else(|| format!("expected ROLE=FONT, found `{s}`"))?;
        let role = Role::from_name(role.trim()).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            format!("unknown role `{role}` (roles: {})", names.join(", "))
        })?;
        if font.trim().is_empty() {
            return Err("the font name is empty".into());
        }
        Ok(RoleOverride {
            role,
            font: font.trim().to_string(),
        })
    }
}

/// Where fonts come from and which roles the user replaced.
#[derive(Debug, Clone, Default)]
pub struct FontConfig {
    /// The folder of the bundled fonts (`--fonts`); `None` finds it (see [`super::fontdir`]).
    pub bundled: Option<PathBuf>,
    /// Extra folders searched for fonts named in overrides.
    pub dirs: Vec<PathBuf>,
    pub overrides: Vec<RoleOverride>,
}

/// The bundled fonts folder as [`super::fontdir::locate`] finds it without `--fonts`.
pub fn bundled_dir() -> Option<PathBuf> {
    super::fontdir::locate(None).ok().map(|p| p.dir)
}

/// Fonts by role, ready for layout. Cheap to share: clone the `Arc`.
#[derive(Debug, Clone)]
pub struct FontBook {
    pub faces: Vec<Face>,
    /// For each role, the faces to try in order (the role's own, then the fallback).
    pub chains: BTreeMap<Role, Vec<usize>>,
    /// The bundled fonts folder and how it was found (`None` for [`FontBook::empty`]).
    pub bundled: Option<super::fontdir::Place>,
}

/// Which face serves a character, and how wide it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphInfo {
    pub face: usize,
    pub glyph: u16,
    /// Advance in ems.
    pub advance: f32,
}

impl FontBook {
    /// Loads the bundled defaults and the user's overrides. Fails when a font is missing,
    /// unreadable or broken, or when a name matches no font.
    pub fn load(config: &FontConfig) -> Result<FontBook, FontError> {
        let place = super::fontdir::locate(config.bundled.as_deref()).map_err(|e| FontError(e.to_string()))?;
        let dir = place.dir.clone();
        let mut faces: Vec<Face> = Vec::new();
        let mut by_path: BTreeMap<(PathBuf, u32), usize> = BTreeMap::new();
        let mut add = |faces: &mut Vec<Face>, path: PathBuf, index: u32| -> Result<usize, FontError> {
            if let Some(&i) = by_path.get(&(path.clone(), index)) {
                return Ok(i);
            }
            let face = Face::open(&path, index)?;
            faces.push(face);
            by_path.insert((path, index), faces.len() - 1);
            Ok(faces.len() - 1)
        };
        let fallback = add(&mut faces, dir.join(FALLBACK_FILE), 0)?;
        // Every bundled font, in the order of DEFAULTS: the tail of every chain, so that a
        // character any bundled font has (¥ ² € in Liberation Serif) is found.
        let mut bundled = vec![fallback];
        for (_, files) in DEFAULTS {
            for f in *files {
                let i = add(&mut faces, dir.join(f), 0)?;
                if !bundled.contains(&i) {
                    bundled.push(i);
                }
            }
        }
        let mut chains = BTreeMap::new();
        let mut catalog: Option<Vec<(PathBuf, u32, Vec<String>)>> = None;
        for (role, files) in DEFAULTS {
            let mut chain = Vec::new();
            if let Some(o) = config.overrides.iter().rev().find(|o| o.role == *role) {
                let (path, index) = resolve(&o.font, config, &dir, &mut catalog)?;
                chain.push(add(&mut faces, path, index)?);
            } else {
                for f in *files {
                    chain.push(add(&mut faces, dir.join(f), 0)?);
                }
            }
            faces[chain[0]].check_role(*role)?;
            for &b in &bundled {
                if !chain.contains(&b) {
                    chain.push(b);
                }
            }
            chains.insert(*role, chain);
        }
        Ok(FontBook {
            faces,
            chains,
            bundled: Some(place),
        })
    }

    /// A book without fonts, for work that lays out nothing (DOCX only).
    pub fn empty() -> FontBook {
        FontBook {
            faces: Vec::new(),
            chains: BTreeMap::new(),
            bundled: None,
        }
    }

    /// The face of a role that serves `ch`, falling back along the role's chain; `None` when
    /// no face has it (or the book has no fonts).
    pub fn lookup(&self, role: Role, ch: char, cache: &mut Lookup) -> Option<GlyphInfo> {
        let chain = self.chains.get(&role)?;
        chain.iter().find_map(|&f| cache.glyph(self, f, ch))
    }

    /// Whether some face of the book has `ch` (its fonts were checked when loaded).
    pub fn has(&self, ch: char) -> bool {
        self.faces.iter().any(|f| f.glyph_of(ch).is_some())
    }

    /// This book, extended with the machine's fonts for the characters of `chars` that no
    /// face of the book has (the module `text::system`): each system face found is appended to
    /// every role's chain, in order of its path. Whitespace and control characters are never
    /// looked for. The system fonts are scanned only when such a character exists.
    pub fn with_system_fallbacks(&self, chars: impl IntoIterator<Item = char>) -> FontBook {
        let mut want: Vec<char> = chars
            .into_iter()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<BTreeSet<char>>()
            .into_iter()
            .filter(|&c| !self.has(c))
            .collect();
        want.dedup();
        let mut book = self.clone();
        if want.is_empty() || book.chains.is_empty() {
            return book;
        }
        let found: BTreeSet<(PathBuf, u32)> = super::system::find(&want).into_values().collect();
        for (path, index) in found {
            if book.faces.iter().any(|f| f.path == path && f.index == index) {
                continue;
            }
            let Ok(face) = Face::open(&path, index) else { continue };
            book.faces.push(face);
            let i = book.faces.len() - 1;
            for chain in book.chains.values_mut() {
                chain.push(i);
            }
        }
        book
    }

    /// The face that serves a role first (its own font).
    ///
    /// # Panics
    /// On a book without fonts ([`FontBook::empty`]).
    pub fn primary(&self, role: Role) -> &Face {
        &self.faces[self.chains[&role][0]]
    }
}

/// Per-thread glyph lookups with a cache; create one per layout run.
#[derive(Default)]
pub struct Lookup {
    cache: std::collections::HashMap<(usize, char), Option<(u16, f32)>>,
}

impl Lookup {
    fn glyph(&mut self, book: &FontBook, face: usize, ch: char) -> Option<GlyphInfo> {
        let v = *self.cache.entry((face, ch)).or_insert_with(|| {
            let f = &book.faces[face];
            let font = f.font_ref();
            let gid = font.charmap().map(ch)?;
            if gid == GlyphId::NOTDEF {
                return None;
            }
            let adv = font
                .glyph_metrics(Size::unscaled(), LocationRef::default())
                .advance_width(gid)?;
            Some((gid.to_u32() as u16, adv / f32::from(f.units_per_em)))
        });
        v.map(|(glyph, advance)| GlyphInfo { face, glyph, advance })
    }
}

/// Finds a font named by the user: an existing file path, or a name in the catalogue of
/// `--font-dir` folders and the bundled folder.
fn resolve(
    name: &str,
    config: &FontConfig,
    bundled: &Path,
    catalog: &mut Option<Vec<(PathBuf, u32, Vec<String>)>>,
) -> Result<(PathBuf, u32), FontError> {
    let p = Path::new(name);
    if p.is_file() {
        return Ok((p.to_path_buf(), 0));
    }
    let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if name.contains(['/', '\\']) || matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc")) {
        return Err(FontError(format!(
            "font file {name} not found{}",
            if p.exists() { " (not a file)" } else { "" }
        )));
    }
    let cat = catalog.get_or_insert_with(|| {
        let mut dirs = config.dirs.clone();
        dirs.push(bundled.to_path_buf());
        scan(&dirs)
    });
    let wanted = name.to_lowercase();
    // A family name matches every weight: prefer the regular face (its names say so, or
    // name no weight at all), then the first in path order.
    let weight_words = [
        "bold", "black", "heavy", "medium", "semibold", "light", "thin", "粗", "细",
    ];
    let regular = |names: &[String]| {
        !names.iter().skip(1).any(|n| {
            let n = n.to_lowercase();
            weight_words.iter().any(|w| n.contains(w))
        })
    };
    let matches: Vec<&(PathBuf, u32, Vec<String>)> = cat
        .iter()
        .filter(|(_, _, names)| names.iter().any(|n| n.to_lowercase() == wanted))
        .collect();
    matches
        .iter()
        .find(|(_, _, names)| regular(names))
        .or(matches.first())
        .map(|(p, i, _)| (p.clone(), *i))
        .ok_or_else(|| {
            let mut known: BTreeSet<&str> = BTreeSet::new();
            for (_, _, names) in cat.iter() {
                known.extend(names.first().map(String::as_str));
            }
            FontError(format!(
                "no font named `{name}` in {} (fonts found: {})",
                config
                    .dirs
                    .iter()
                    .chain([&bundled.to_path_buf()])
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                known.into_iter().collect::<Vec<_>>().join(", ")
            ))
        })
}

/// Every face in the font files of some folders (recursively), with its names.
fn scan(dirs: &[PathBuf]) -> Vec<(PathBuf, u32, Vec<String>)> {
    let mut files = Vec::new();
    // Popped from the end: the first folder (a --font-dir, before the bundled one) is
    // catalogued first, so that its fonts win over the bundled fonts of the same name.
    let mut stack: Vec<PathBuf> = dirs.iter().rev().cloned().collect();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("ttf" | "otf" | "ttc" | "otc")
            ) {
                files.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for p in files {
        let Ok(data) = std::fs::read(&p) else { continue };
        let Ok(file) = skrifa::raw::FileRef::new(&data) else {
            continue;
        };
        for (i, font) in file.fonts().enumerate() {
            if let Ok(font) = font {
                out.push((p.clone(), i as u32, names_of(&font)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_parse() {
        let o: RoleOverride = "body=仿宋_GB2312".parse().unwrap();
        assert_eq!((o.role, o.font.as_str()), (Role::Body, "仿宋_GB2312"));
        assert!("bodyx=仿宋"
            .parse::<RoleOverride>()
            .unwrap_err()
            .contains("unknown role"));
        assert!("body".parse::<RoleOverride>().is_err());
    }

    #[test]
    fn truncated_fonts_are_refused() {
        let dir = bundled_dir().expect("bundled fonts");
        let data = std::fs::read(dir.join("LiberationSerif-Regular.ttf")).unwrap();
        let cut = Arc::new(data[..data.len() / 2].to_vec());
        let e = Face::from_bytes(cut, 0, Path::new("cut.ttf")).unwrap_err();
        assert!(e.0.contains("cut.ttf"), "{e}");
    }

    #[test]
    fn a_face_whose_probe_glyphs_are_corrupt_is_refused() {
        let dir = bundled_dir().expect("bundled fonts");
        let mut data = std::fs::read(dir.join("LiberationSerif-Regular.ttf")).unwrap();
        let at = {
            let font = FontRef::new(&data).unwrap();
            let gid = font.charmap().map('0').unwrap();
            let start = font.loca(None).unwrap().get_raw(gid.to_u32() as usize).unwrap();
            let glyf = font
                .table_directory()
                .table_records()
                .iter()
                .find(|r| r.tag() == skrifa::raw::types::Tag::new(b"glyf"))
                .unwrap()
                .offset();
            glyf as usize + start as usize
        };
        // numberOfContours = 32767: the end points run past the glyph's data.
        data[at] = 0x7F;
        data[at + 1] = 0xFF;
        let face = Face::from_bytes(Arc::new(data), 0, Path::new("corrupt.ttf")).expect("the tables are whole");
        let e = face.check_role(Role::Latin).unwrap_err();
        assert!(e.0.contains("corrupt.ttf") && e.0.contains("cannot be read"), "{e}");
        let whole = Face::open(&dir.join("LiberationSerif-Regular.ttf"), 0).unwrap();
        assert!(whole.check_role(Role::Latin).is_ok());
        assert!(whole
            .check_role(Role::Body)
            .unwrap_err()
            .0
            .contains("no glyph for 政府"));
    }

    #[test]
    fn every_chain_ends_with_every_bundled_font() {
        let book = FontBook::load(&FontConfig::default()).unwrap();
        let mut l = Lookup::default();
        for role in Role::ALL {
            assert_eq!(book.chains[&role].len(), DEFAULTS.len(), "{role:?}");
            // Liberation Serif's ¥ serves every role.
            let g = book.lookup(role, '¥', &mut l).expect("¥ is bundled");
            assert!(book.faces[g.face].path.ends_with("LiberationSerif-Regular.ttf"));
        }
        assert!(FontBook::empty().lookup(Role::Body, '政', &mut l).is_none());
    }

    #[test]
    fn fallback_serves_characters_the_body_font_lacks() {
        let book = FontBook::load(&FontConfig::default()).unwrap();
        let mut l = Lookup::default();
        let body = book.chains[&Role::Body][0];
        let g = book.lookup(Role::Body, '仿', &mut l).unwrap();
        assert_eq!(g.face, body);
        let g = book.lookup(Role::Body, '堃', &mut l).unwrap();
        assert_ne!(g.face, body, "堃 is not in GB2312, FandolFang lacks it");
    }

    #[test]
    fn a_family_name_picks_the_regular_face() {
        let dir = bundled_dir().unwrap();
        let cfg = FontConfig {
            overrides: vec!["body=Noto Serif CJK SC".parse().unwrap()],
            ..Default::default()
        };
        let book = FontBook::load(&cfg).unwrap();
        assert_eq!(book.primary(Role::Body).path, dir.join("NotoSerifCJKsc-Regular.ttf"));
    }

    #[test]
    fn fonts_are_found_by_chinese_name() {
        let dir = bundled_dir().unwrap();
        let cfg = FontConfig {
            overrides: vec!["heading2=年报楷体".parse().unwrap()],
            ..Default::default()
        };
        let book = FontBook::load(&cfg).unwrap();
        assert_eq!(book.primary(Role::Heading2).path, dir.join("NianbaoKai-Light.ttf"));
        let cfg = FontConfig {
            overrides: vec!["body=仿宋_GB2312".parse().unwrap()],
            ..Default::default()
        };
        assert!(FontBook::load(&cfg)
            .unwrap_err()
            .0
            .contains("no font named `仿宋_GB2312`"));
    }
}
