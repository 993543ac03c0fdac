//! Writing output files safely: every file is written to a temporary name in its own folder
//! and renamed into place, so a reader (or a killed process) never sees a partial file under
//! the final name. Streams (character devices such as `/dev/stdout`, named pipes) are written
//! directly instead: they cannot be replaced, and renaming over them would destroy them.

use crate::error::{Class, Error};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The prefix of temporary files: `.nianbao-tmp-<pid>-<final name>`. [`clean_temporaries`]
/// removes leftovers with it.
pub const TEMP_PREFIX: &str = ".nianbao-tmp-";

/// A temporary of a process that still runs is taken for a leftover only after this long
/// without a change (its pid was reused by another program).
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(24 * 3600);

/// The temporary name of `path` for this process.
pub fn temporary_of(path: &Path) -> PathBuf {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()))
}

fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename). Creates the parent
/// folder. Fails with an [`Class::Output`] error naming the path; no temporary is left.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(Class::Output, "create folder", dir, &e))?;
    let tmp = temporary_of(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(Class::Output, "write", path, &e)
    })
}

/// Whether `path` is a stream to be written directly rather than replaced: an existing
/// character or block device, named pipe or socket (following links: `/dev/stdout` leads to
/// the terminal or pipe of standard output), or any existing path under `/dev/` or
/// `/proc/` (`/dev/stdout` of a process whose output is redirected to a file).
pub fn is_stream(path: &Path) -> bool {
    let Ok(m) = std::fs::metadata(path) else {
        return false;
    };
    if m.is_dir() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_char_device() || t.is_block_device() || t.is_fifo() || t.is_socket() {
            return true;
        }
    }
    path.starts_with("/dev") || path.starts_with("/proc")
}

/// Whether `path` is a terminal (`/dev/tty`, `/dev/stdout` when standard output is one): a
/// character device that, opened for writing, is a terminal. Never opens a FIFO (which would
/// wait for a reader).
pub fn is_terminal(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::io::IsTerminal;
        use std::os::unix::fs::FileTypeExt;
        let char_device = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device());
        char_device
            && std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .is_ok_and(|f| f.is_terminal())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Writes `bytes` into an existing stream ([`is_stream`]): opened for appending, never
/// created, truncated or replaced. The I/O error is returned as it is, so that the caller can
/// tell a reader that went away (`BrokenPipe`) from a failure.
pub fn write_stream(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
}

/// Which leftover temporaries a clean-up removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    /// The folder is this machine's: a temporary is a leftover when the process named in it
    /// no longer runs (or is this one, which has written nothing yet), or when it has not
    /// changed for [`STALE_TEMP_AGE`]. Temporaries of other running nianbao processes (a
    /// concurrent run writing to the same folder) are spared.
    Local,
    /// Other machines may be writing to the folder (shared storage): only temporaries that
    /// have not changed for this long are leftovers.
    OlderThan(Duration),
}

impl Sweep {
    fn is_leftover(self, name: &str, meta: &std::fs::Metadata) -> bool {
        let age = meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or(Duration::ZERO);
        match self {
            Sweep::OlderThan(limit) => age >= limit,
            Sweep::Local => {
                let pid = name
                    .strip_prefix(TEMP_PREFIX)
                    .and_then(|rest| rest.split_once('-'))
                    .and_then(|(pid, _)| pid.parse::<u32>().ok());
                match pid {
                    Some(p) if p == std::process::id() => true,
                    Some(p) if process_runs(p) => age >= STALE_TEMP_AGE,
                    _ => true,
                }
            }
        }
    }
}

/// Whether a process with this id runs on this machine. Where that cannot be known (no
/// `/proc`), every process is assumed to run.
fn process_runs(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Removes temporary files left in a folder tree by interrupted runs. Returns how many.
pub fn clean_temporaries(root: &Path, sweep: Sweep) -> usize {
    let mut n = 0;
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(t) = e.file_type() else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            if t.is_dir() {
                stack.push(e.path());
            } else if name.starts_with(TEMP_PREFIX)
                && e.metadata().is_ok_and(|m| sweep.is_leftover(&name, &m))
                && std::fs::remove_file(e.path()).is_ok()
            {
                n += 1;
            }
        }
    }
    n
}

/// Removes the leftover temporaries of one file (`.nianbao-tmp-<pid>-<its name>` beside
/// it), such as a `--report` file streamed by a run that was killed. Returns how many.
pub fn clean_temporaries_of(path: &Path, sweep: Sweep) -> usize {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let Ok(rd) = std::fs::read_dir(parent_dir(path)) else {
        return 0;
    };
    let mut n = 0;
    for e in rd.flatten() {
        let entry = e.file_name().to_string_lossy().into_owned();
        let ours = entry
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(pid, rest)| rest == name && pid.bytes().all(|b| b.is_ascii_digit()));
        if ours
            && e.file_type().is_ok_and(|t| t.is_file())
            && e.metadata().is_ok_and(|m| sweep.is_leftover(&entry, &m))
            && std::fs::remove_file(e.path()).is_ok()
        {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Above Linux's largest possible pid (2²²): no process has it.
    const DEAD_PID: u32 = 5_000_000;

    #[test]
    fn writes_atomically_and_cleans_leftovers() {
        let dir = std::env::temp_dir().join(format!("nianbao-out-{}", std::process::id()));
        let p = dir.join("sub/a.pdf");
        write_atomic(&p, b"abc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        std::fs::write(dir.join(format!("sub/{TEMP_PREFIX}{DEAD_PID}-x.pdf")), b"partial").unwrap();
        // A running process's temporary (pid 1 always runs) is spared.
        let live = dir.join(format!("sub/{TEMP_PREFIX}1-y.pdf"));
        std::fs::write(&live, b"being written").unwrap();
        assert_eq!(clean_temporaries(&dir, Sweep::Local), 1);
        assert!(p.exists() && live.exists());
        assert_eq!(clean_temporaries(&dir, Sweep::OlderThan(Duration::from_secs(600))), 0);
        assert_eq!(clean_temporaries(&dir, Sweep::OlderThan(Duration::ZERO)), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn streams_are_devices_and_pipes_not_files() {
        assert!(is_stream(Path::new("/dev/null")));
        assert!(!is_stream(Path::new("/nonexistent/x.pdf")));
        assert!(!is_stream(&std::env::temp_dir()));
    }
}
