//! What `nianbao fonts` shows: the font serving each role, where it came from, and which
//! characters of a report no font covers. Data only; the binary prints it.

use super::fontdir::{Origin, Place};
use super::fonts::{FontBook, FontConfig};
use crate::diag::Diagnostic;
use crate::style::Role;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a face was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// In the bundled fonts folder, itself found as `origin` says.
    Bundled { origin: Origin },
    /// In a `--font-dir` folder.
    FontDir { dir: PathBuf },
    /// A font file named with `--font ROLE=FILE`.
    File,
    /// One of the machine's fonts.
    System,
}

impl Source {
    /// How the source is described to the user: `bundled`, `--font-dir DIR`, `--font`, `system`.
    pub fn describe(&self) -> String {
        match self {
            Source::Bundled { .. } => "bundled".into(),
            Source::FontDir { dir } => format!("--font-dir {}", dir.display()),
            Source::File => "--font".into(),
            Source::System => "system".into(),
        }
    }
}

/// The face that serves a role first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleFont {
    pub role: &'static str,
    pub family: String,
    pub path: PathBuf,
    pub index: u32,
    pub source: Source,
}

/// Where the face at `path` was found.
fn source_of(path: &Path, bundled: Option<&Place>, config: &FontConfig) -> Source {
    let parent = path.parent().unwrap_or(Path::new(""));
    match bundled {
        Some(p) if parent == p.dir => Source::Bundled { origin: p.origin },
        _ => match config.dirs.iter().find(|d| path.starts_with(d)) {
            Some(d) => Source::FontDir { dir: d.clone() },
            None if config.overrides.iter().any(|o| Path::new(&o.font) == path) => Source::File,
            None => Source::System,
        },
    }
}

/// The first face of each role of `book` (loaded with `config`), in [`Role::ALL`] order.
/// Empty for a book without fonts.
pub fn roles(book: &FontBook, config: &FontConfig) -> Vec<RoleFont> {
    Role::ALL
        .iter()
        .filter_map(|&role| {
            let face = book.faces.get(*book.chains.get(&role)?.first()?)?;
            Some(RoleFont {
                role: role.name(),
                family: face.family.clone(),
                path: face.path.clone(),
                index: face.index,
                source: source_of(&face.path, book.bundled.as_ref(), config),
            })
        })
        .collect()
}

/// The characters of a report against the fonts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Distinct printable characters in the report's strings.
    pub characters: usize,
    /// Characters no bundled or user font has that one of the machine's fonts serves, by
    /// that face's family and file.
    pub system: BTreeMap<String, BTreeSet<char>>,
    /// Characters no font has, neither the book's nor the machine's: they print as boxes.
    pub missing: BTreeSet<char>,
    /// A `missing-glyph` warning at each string holding a missing character.
    pub places: Vec<Diagnostic>,
}

/// Checks every character of a report's strings against `book` and the machine's fonts.
/// `Err` holds the reader's diagnostics when the bytes are not a JSON text (nothing to
/// check).
pub fn coverage(bytes: &[u8], book: &FontBook) -> Result<Coverage, Vec<Diagnostic>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok();
    let strings = text.map(crate::chars::strings).unwrap_or_default();
    if strings.is_empty() {
        let (_, diags) = crate::input::parse(bytes);
        if crate::diag::has_errors(&diags) {
            return Err(diags);
        }
    }
    let chars: BTreeSet<char> = strings
        .iter()
        .flat_map(|s| s.text().chars())
        .filter(|&c| !c.is_whitespace() && !c.is_control() && !super::charset::ignorable(c))
        .collect();
    let outside: BTreeSet<char> = chars.iter().copied().filter(|&c| !book.has(c)).collect();
    let extended = book.with_system_fallbacks(outside.iter().copied());
    let mut system: BTreeMap<String, BTreeSet<char>> = BTreeMap::new();
    let mut missing = BTreeSet::new();
    for &c in &outside {
        match extended.faces[book.faces.len()..]
            .iter()
            .find(|f| f.glyph_of(c).is_some())
        {
            Some(f) => {
                system
                    .entry(format!("{} ({})", f.family, f.path.display()))
                    .or_default()
                    .insert(c);
            }
            None => {
                missing.insert(c);
            }
        }
    }
    let places = crate::chars::locate_missing(bytes, &missing);
    Ok(Coverage {
        characters: chars.len(),
        system,
        missing,
        places,
    })
}
