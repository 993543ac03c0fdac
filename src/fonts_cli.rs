//! `nianbao fonts`: which font serves each role and where it was found, and with `--check`
//! the characters of a report that no font has. The data comes from
//! [`nianbao::text::inventory`]; this file only prints it.

use crate::render_cli::FontArgs;
use crate::{display_name, print_diagnostics, print_json, print_operational, read_input, DiagFormat};
use nianbao::error::{Class, Error};
use nianbao::text::fonts::FontBook;
use nianbao::text::inventory;
use std::path::PathBuf;

pub(crate) const FONTS_HELP: &str = "PRINTED (standard output):
  the bundled fonts folder and how it was found, then one line per role: the role, the font's
  family, its file, and where it came from (bundled, --font-dir, --font, system). With
  --check REPORT: how many distinct characters the report's strings hold, those served only
  by one of the machine's fonts, and those no font has (each string that holds one is named
  with a missing-glyph warning on standard error). With --diagnostics json: one JSON document.

WHERE THE BUNDLED FONTS ARE LOOKED FOR (the first that holds them wins):
  --fonts DIR, else $NIANBAO_FONTS (then the only place looked); fonts/ beside the program;
  ../share/nianbao/fonts from the program's folder; fonts/ in the user's data folder
  (~/.local/share/nianbao on Linux); the source tree the program was built from, when run
  from that build or installed from it with `cargo install --path .`.

EXIT STATUS:
    0  the fonts load (and, with --check, every character has a font)
    1  --check: some character has no font, or the report is not JSON
    2  the fonts cannot be loaded (the error names every place looked), or the report
       cannot be read";

/// Arguments of `nianbao fonts`.
#[derive(clap::Args)]
pub(crate) struct FontsArgs {
    /// A report whose characters are checked against the fonts (`-` reads standard input)
    #[arg(long, value_name = "REPORT")]
    check: Option<PathBuf>,
    #[command(flatten)]
    fonts: FontArgs,
}

/// Runs `nianbao fonts`; returns the exit status.
pub(crate) fn run(args: &FontsArgs, how: DiagFormat, quiet: bool) -> u8 {
    let config = args.fonts.config();
    let book = match FontBook::load(&config) {
        Ok(b) => b,
        Err(e) => {
            print_operational("fonts", &Error::new(Class::Font, e.0), how);
            return 2;
        }
    };
    let roles = inventory::roles(&book, &config);
    let checked = match &args.check {
        None => None,
        Some(path) => {
            let name = display_name(path);
            let bytes = match read_input(path) {
                Ok(b) => b,
                Err(e) => {
                    print_operational(&name, &e, how);
                    return 2;
                }
            };
            match inventory::coverage(&bytes, &book) {
                Ok(c) => Some((name, c, bytes)),
                Err(diags) => {
                    print_diagnostics(&name, Some(&bytes), &diags, how);
                    return 1;
                }
            }
        }
    };
    let status = u8::from(checked.as_ref().is_some_and(|(_, c, _)| !c.missing.is_empty()));
    if how == DiagFormat::Json {
        let mut doc = serde_json::json!({ "folder": book.bundled, "roles": roles });
        if let Some((name, c, bytes)) = &checked {
            print_diagnostics(name, Some(bytes), &c.places, how);
            doc["check"] = serde_json::json!({
                "file": name,
                "characters": c.characters,
                "system": c.system.iter().map(|(face, chars)| (face.clone(), serde_json::Value::from(chars.iter().collect::<String>()))).collect::<serde_json::Map<_, _>>(),
                "missing": c.missing.iter().collect::<String>(),
            });
        }
        return status.max(print_json(&doc));
    }
    let mut out = String::new();
    if !quiet {
        if let Some(p) = &book.bundled {
            out += &format!("fonts folder: {} ({})\n", p.dir.display(), p.origin.describe());
        }
        let width = roles.iter().map(|r| r.family.chars().count()).max().unwrap_or(0);
        for r in &roles {
            let face = if r.index > 0 {
                format!("{} #{}", r.path.display(), r.index)
            } else {
                r.path.display().to_string()
            };
            out += &format!(
                "{:<9} {:<width$}  {face}  ({})\n",
                r.role,
                r.family,
                r.source.describe()
            );
        }
    }
    if let Some((name, c, bytes)) = &checked {
        print_diagnostics(name, Some(bytes), &c.places, how);
        if !quiet {
            out += &format!("check {name}: {} distinct characters\n", c.characters);
            for (face, chars) in &c.system {
                let chars: String = chars.iter().collect();
                out += &format!("  from the system font {face}: {chars}\n");
            }
        }
        if c.missing.is_empty() {
            if !quiet {
                out += "  every character has a font\n";
            }
        } else {
            let listed: Vec<String> = c
                .missing
                .iter()
                .map(|&ch| format!("{ch} (U+{:04X})", ch as u32))
                .collect();
            out += &format!(
                "  no font has {}: {} (printed as boxes)\n",
                crate::batch_cli::count(c.missing.len(), "character"),
                listed.join(", ")
            );
        }
    }
    if out.is_empty() {
        return status;
    }
    status.max(crate::write_stdout(out.as_bytes()))
}
