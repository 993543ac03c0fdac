//! Where the bundled fonts folder is.
//!
//! Looked for in this order; the first folder holding the bundled fonts wins:
//! 1. `--fonts DIR` (the caller's [`super::fonts::FontConfig::bundled`]) or, without it,
//!    `$NIANBAO_FONTS`: a folder named by the user is the only place looked at;
//! 2. `fonts/` beside the executable (an unpacked archive, a copied binary);
//! 3. `../share/nianbao/fonts` relative to the executable's folder (`/usr/local/bin/nianbao`
//!    → `/usr/local/share/nianbao/fonts`, the layout of `scripts/dist.sh`);
//! 4. `fonts/` in the platform's data folder (`directories`: `~/.local/share/nianbao/fonts` on
//!    Linux, `~/Library/Application Support/nianbao/fonts` on macOS,
//!    `%APPDATA%\nianbao\data\fonts` on Windows);
//! 5. `fonts/` of the source tree the program was built from, only when the program runs from
//!    that build (`cargo run`, `target/release/nianbao`, the tests) or was installed from it by
//!    `cargo install --path .`: a binary copied elsewhere behaves as on any other machine.
//!
//! When none holds the fonts, [`NotFound`] names every place looked at and why each failed.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The file whose presence marks a bundled fonts folder (the fallback face every role ends
/// with).
pub const MARKER: &str = "NotoSerifCJKsc-Regular.ttf";

/// The environment variable naming the fonts folder.
pub const ENV: &str = "NIANBAO_FONTS";

/// How a candidate folder was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// `--fonts DIR`.
    Option,
    /// `$NIANBAO_FONTS`.
    Env,
    /// `fonts/` beside the executable.
    BesideExe,
    /// `../share/nianbao/fonts` from the executable's folder.
    Share,
    /// The platform's data folder.
    DataDir,
    /// The source tree the program was built from.
    SourceTree,
}

impl Origin {
    /// How the place is described to the user, e.g. `beside the executable`.
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Option => "--fonts",
            Origin::Env => "$NIANBAO_FONTS",
            Origin::BesideExe => "beside the executable",
            Origin::Share => "the installation's share folder",
            Origin::DataDir => "the user's data folder",
            Origin::SourceTree => "the source tree it was built from",
        }
    }
}

/// A fonts folder and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub dir: PathBuf,
    pub origin: Origin,
}

/// Why a place did not serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Miss {
    /// An environment variable that is not set (the place has no path).
    NotSet,
    /// No such folder.
    NoFolder,
    /// The folder exists but does not hold the bundled fonts ([`MARKER`]).
    NoFonts,
    /// The source tree exists, but the program does not run from its build.
    NotThisBuild,
    /// The platform gives no data folder (no home folder).
    Unknown,
}

impl Miss {
    fn describe(&self) -> String {
        match self {
            Miss::NotSet => "not set".into(),
            Miss::NoFolder => "no such folder".into(),
            Miss::NoFonts => format!("no {MARKER} there"),
            Miss::NotThisBuild => "not used: this program is not run from that build".into(),
            Miss::Unknown => "unknown (no home folder)".into(),
        }
    }
}

/// The bundled fonts folder was found nowhere: every place looked at, in order, and why it
/// did not serve. A font error (exit 2), not a problem of any input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotFound {
    pub looked: Vec<(Option<Place>, Origin, Miss)>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the bundled fonts folder was not found; looked in: ")?;
        for (i, (place, origin, miss)) in self.looked.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match (place, origin) {
                (Some(p), Origin::Option | Origin::Env) => {
                    write!(f, "{} = {} ({})", origin.describe(), p.dir.display(), miss.describe())?
                }
                (Some(p), _) => write!(f, "{} ({}: {})", p.dir.display(), origin.describe(), miss.describe())?,
                (None, _) => write!(f, "{} ({})", origin.describe(), miss.describe())?,
            }
        }
        write!(
            f,
            ". Put the fonts/ folder of the nianbao release beside the program, set {ENV}, or pass --fonts DIR"
        )
    }
}

impl std::error::Error for NotFound {}

/// Whether `dir` holds the bundled fonts.
fn holds_fonts(dir: &Path) -> Result<(), Miss> {
    if !dir.is_dir() {
        Err(Miss::NoFolder)
    } else if !dir.join(MARKER).is_file() {
        Err(Miss::NoFonts)
    } else {
        Ok(())
    }
}

/// The places looked at when neither `--fonts` nor `$NIANBAO_FONTS` names one, in order;
/// `None` for a place the platform cannot name.
fn candidates() -> Vec<(Option<PathBuf>, Origin)> {
    let exe = std::env::current_exe().ok().and_then(|e| e.canonicalize().ok());
    let exe_dir = exe.as_deref().and_then(Path::parent);
    vec![
        (exe_dir.map(|d| d.join("fonts")), Origin::BesideExe),
        (
            exe_dir.and_then(Path::parent).map(|d| d.join("share/nianbao/fonts")),
            Origin::Share,
        ),
        (
            directories::ProjectDirs::from("", "", "nianbao").map(|p| p.data_dir().join("fonts")),
            Origin::DataDir,
        ),
        (Some(source_fonts()), Origin::SourceTree),
    ]
}

/// `fonts/` of the source tree this program was built from.
fn source_fonts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts")
}

/// Whether the program runs from the build of its source tree: the executable lies inside
/// the source tree (or the target folder the build named), or in the `bin/` folder of a
/// `cargo install` root (which holds `.crates2.json`).
fn runs_from_its_build() -> bool {
    let Some(exe) = std::env::current_exe().ok().and_then(|e| e.canonicalize().ok()) else {
        return false;
    };
    let roots = [Some(env!("CARGO_MANIFEST_DIR")), option_env!("CARGO_TARGET_DIR")];
    let inside = roots
        .into_iter()
        .flatten()
        .filter_map(|r| Path::new(r).canonicalize().ok())
        .any(|r| exe.starts_with(r));
    let installed = exe
        .parent()
        .filter(|bin| bin.file_name().is_some_and(|n| n == "bin"))
        .and_then(Path::parent)
        .is_some_and(|root| root.join(".crates2.json").is_file());
    inside || installed
}

/// Finds the bundled fonts folder (see the module doc). `explicit` is `--fonts DIR`.
pub fn locate(explicit: Option<&Path>) -> Result<Place, NotFound> {
    let named = match explicit {
        Some(d) => Some((d.to_path_buf(), Origin::Option)),
        None => std::env::var_os(ENV)
            .filter(|v| !v.is_empty())
            .map(|v| (PathBuf::from(v), Origin::Env)),
    };
    if let Some((dir, origin)) = named {
        let place = Place { dir, origin };
        return match holds_fonts(&place.dir) {
            Ok(()) => Ok(place),
            Err(miss) => Err(NotFound {
                looked: vec![(Some(place), origin, miss)],
            }),
        };
    }
    let mut looked = vec![(None, Origin::Env, Miss::NotSet)];
    for (dir, origin) in candidates() {
        let Some(dir) = dir else {
            looked.push((None, origin, Miss::Unknown));
            continue;
        };
        let place = Place { dir, origin };
        let found = match holds_fonts(&place.dir) {
            Ok(()) if origin == Origin::SourceTree && !runs_from_its_build() => Err(Miss::NotThisBuild),
            r => r,
        };
        match found {
            Ok(()) => return Ok(place),
            Err(miss) => looked.push((Some(place), origin, miss)),
        }
    }
    Err(NotFound { looked })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_folder_is_the_only_place_looked() {
        let e = locate(Some(Path::new("/nonexistent/fonts"))).unwrap_err();
        assert_eq!(e.looked.len(), 1);
        let text = e.to_string();
        assert!(text.contains("--fonts = /nonexistent/fonts (no such folder)"), "{text}");
        let here = locate(Some(&source_fonts())).unwrap();
        assert_eq!(here.origin, Origin::Option);
    }

    #[test]
    fn the_unit_tests_find_the_source_tree() {
        // The test binary runs from the build of its source tree (unless the machine has the
        // fonts installed in a place looked at first).
        let data = directories::ProjectDirs::from("", "", "nianbao").map(|p| p.data_dir().join("fonts"));
        if std::env::var_os(ENV).is_none() && !data.is_some_and(|d| d.join(MARKER).is_file()) {
            assert_eq!(
                locate(None).unwrap(),
                Place {
                    dir: source_fonts(),
                    origin: Origin::SourceTree
                }
            );
        }
    }
}
