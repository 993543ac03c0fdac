//! Writing output files safely: every file is written to a temporary name in its own folder
//! and renamed into place, so a reader (or a killed process) never sees a partial file under
//! the final name.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix of temporary files; [`clean_temporaries`] removes leftovers with it.
pub const TEMP_PREFIX: &str = ".nianbao-tmp-";

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename). Creates the parent
/// folder. Fails with a message naming the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("failed to create folder {} ({e})", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("failed to write {} ({e})", path.display())
    })
}

/// Removes temporary files left in a folder tree by an interrupted run. Returns how many.
pub fn clean_temporaries(root: &Path) -> usize {
    let mut n = 0;
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(p);
            } else if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) && std::fs::remove_file(&p).is_ok() {
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_cleans_leftovers() {
        let dir = std::env::temp_dir().join(format!("nianbao-out-{}", std::process::id()));
        let p = dir.join("sub/a.pdf");
        write_atomic(&p, b"abc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        std::fs::write(dir.join(format!("sub/{TEMP_PREFIX}1-x.pdf")), b"partial").unwrap();
        assert_eq!(clean_temporaries(&dir), 1);
        assert!(p.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
