//! The machine's own fonts, the last link of every fallback chain: scanned with `fontdb`
//! only when a character is missing from every bundled and user font, once per process.
//!
//! Deterministic on a given machine: candidate faces are tried in order of (path, face
//! index), and the first that prints a character serves it. Faces whose licence forbids
//! embedding (OS/2 `fsType` = 2) are never chosen, since the PDF/A file must embed them.

use super::fonts::Face;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Every system face, sorted by path and index.
fn candidates() -> &'static [(PathBuf, u32)] {
    static FACES: OnceLock<Vec<(PathBuf, u32)>> = OnceLock::new();
    FACES.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let mut out: Vec<(PathBuf, u32)> = db
            .faces()
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) => Some((p.clone(), f.index)),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    })
}

/// A face of a font file: its path and index.
type FaceRef = (PathBuf, u32);

/// Characters already looked for in this process: the face that serves each, if any.
fn found() -> &'static Mutex<HashMap<char, Option<FaceRef>>> {
    static FOUND: OnceLock<Mutex<HashMap<char, Option<FaceRef>>>> = OnceLock::new();
    FOUND.get_or_init(Default::default)
}

fn embeddable(face: &Face) -> bool {
    use skrifa::raw::TableProvider;
    face.font_ref().os2().map_or(true, |t| t.fs_type() & 0xF != 2)
}

/// For each character, the first system face (by path, then index) that prints it; a
/// character no system face has is absent from the result. Reads each font file at most
/// once per call, and remembers every answer for the rest of the process.
pub(crate) fn find(chars: &[char]) -> BTreeMap<char, (PathBuf, u32)> {
    let mut memo = found().lock().unwrap_or_else(|e| e.into_inner());
    let mut todo: Vec<char> = chars.iter().copied().filter(|c| !memo.contains_key(c)).collect();
    todo.sort_unstable();
    todo.dedup();
    if !todo.is_empty() {
        let mut data: Option<(PathBuf, Arc<Vec<u8>>)> = None;
        for (path, index) in candidates() {
            if todo.is_empty() {
                break;
            }
            let bytes = match &data {
                Some((p, d)) if p == path => d.clone(),
                _ => {
                    let Ok(d) = std::fs::read(path) else { continue };
                    let d = Arc::new(d);
                    data = Some((path.clone(), d.clone()));
                    d
                }
            };
            let Ok(face) = Face::from_bytes(bytes, *index, path) else {
                continue;
            };
            if !embeddable(&face) {
                continue;
            }
            todo.retain(|&c| {
                if face.prints(c) {
                    memo.insert(c, Some((path.clone(), *index)));
                    false
                } else {
                    true
                }
            });
        }
        for c in todo {
            memo.insert(c, None);
        }
    }
    chars
        .iter()
        .filter_map(|c| memo.get(c).cloned().flatten().map(|f| (*c, f)))
        .collect()
}
