//! Inputs → jobs: files and folders expanded in a stable order, each with the path of its
//! outputs relative to the output folder.

use crate::error::{Class, Error};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One report to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The input file as named (a folder input joined with the path found under it).
    pub input: PathBuf,
    /// The outputs' path relative to the output folder, without extension, `/`-separated:
    /// the input's path relative to its input folder, or the file's stem for a file input.
    pub rel: String,
    /// Why this job cannot be done (input missing, name taken): it fails without rendering.
    pub problem: Option<Error>,
}

impl Job {
    /// The output path of one format (`ext` is `pdf` or `docx`).
    pub fn output(&self, out_dir: &Path, ext: &str) -> PathBuf {
        out_dir.join(format!("{}.{ext}", self.rel))
    }
}

/// Expands inputs into jobs, in order: each input in turn; a folder's reports (`*.json`,
/// any case, recursively; names starting with `.` and links to folders are not followed)
/// sorted by path. A path that cannot be read becomes a job with a problem. Two inputs that
/// would write the same output: the first wins, the later one gets a problem (the same file
/// named twice is done once). The output folder, if it lies inside an input folder, is not
/// searched. A file input's outputs are named by its stem (see [`collect_based`]).
pub fn collect(inputs: &[PathBuf], out_dir: &Path) -> Vec<Job> {
    let based: Vec<(PathBuf, Option<PathBuf>)> = inputs.iter().map(|p| (p.clone(), None)).collect();
    collect_based(&based, out_dir)
}

/// [`collect`], where each input may come with a base folder: a file input with a base is
/// named by its path relative to the base (`base/a/b/r.json` → `a/b/r`), one outside its
/// base gets a problem; without a base, by its stem. Folder inputs are always named relative
/// to themselves.
pub fn collect_based(inputs: &[(PathBuf, Option<PathBuf>)], out_dir: &Path) -> Vec<Job> {
    let out_canon = fs::canonicalize(out_dir).ok();
    let mut found = Vec::new();
    for (input, base) in inputs {
        match fs::metadata(input) {
            Err(e) => found.push(Job {
                input: input.clone(),
                rel: stem(input),
                problem: Some(Error::io(Class::Input, "read", input, &e)),
            }),
            Ok(m) if m.is_dir() => walk(input, input, out_canon.as_deref(), &mut found),
            Ok(_) => {
                let (rel, problem) = match base {
                    None => (stem(input), None),
                    Some(b) => match relative_to(b, input) {
                        Some(rel) => (rel, None),
                        None => (
                            stem(input),
                            Some(Error::at(
                                Class::Input,
                                input,
                                format!("{} is not inside the base folder {}", input.display(), b.display()),
                            )),
                        ),
                    },
                };
                found.push(Job {
                    input: input.clone(),
                    rel,
                    problem,
                })
            }
        }
    }
    let mut by_rel: HashMap<String, usize> = HashMap::new();
    let mut jobs: Vec<Job> = Vec::with_capacity(found.len());
    for mut job in found {
        if let Some(&first) = by_rel.get(&job.rel) {
            let prev: &Job = &jobs[first];
            if same_file(&prev.input, &job.input) {
                continue;
            }
            job.problem.get_or_insert_with(|| {
                Error::new(
                    Class::Output,
                    format!(
                        "its outputs {}.* would replace those of {}; rename one, or run them separately",
                        job.rel,
                        prev.input.display()
                    ),
                )
            });
        } else {
            by_rel.insert(job.rel.clone(), jobs.len());
        }
        jobs.push(job);
    }
    jobs
}

/// `path` made absolute (against the current folder) and without `.` and `..` components,
/// lexically: links are not resolved, so that the names the user gave are kept.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The output name of `file` under `base`: its path relative to `base`, without extension,
/// `/`-separated; `None` when it does not lie inside `base`.
fn relative_to(base: &Path, file: &Path) -> Option<String> {
    let (base, file) = (absolute(base), absolute(file));
    file.strip_prefix(&base).ok()?;
    Some(rel_of(&base, &file))
}

/// The longest folder that holds every one of `files` (compared lexically, after making them
/// absolute): the default base of a list of files read from standard input. `None` for no
/// files.
pub fn common_dir(files: &[PathBuf]) -> Option<PathBuf> {
    let mut dirs = files
        .iter()
        .map(|f| absolute(f).parent().map(Path::to_path_buf).unwrap_or_default());
    let mut common = dirs.next()?;
    for d in dirs {
        while !d.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    Some(common)
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .or(p.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "report".into())
}

fn walk(root: &Path, dir: &Path, skip: Option<&Path>, out: &mut Vec<Job>) {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Job {
                input: dir.to_path_buf(),
                rel: rel_of(root, dir),
                problem: Some(Error::io(Class::Input, "read the folder", dir, &e)),
            });
            return;
        }
    };
    let mut entries: Vec<(String, PathBuf, bool)> = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let is_dir = match e.file_type() {
            Ok(t) if t.is_symlink() => {
                // Links to files are followed, links to folders are not (no cycles).
                match fs::metadata(&path) {
                    Ok(m) if m.is_file() => false,
                    _ => continue,
                }
            }
            Ok(t) => t.is_dir(),
            Err(_) => continue,
        };
        entries.push((name, path, is_dir));
    }
    entries.sort();
    for (name, path, is_dir) in entries {
        if is_dir {
            if skip.is_some_and(|s| fs::canonicalize(&path).is_ok_and(|c| c == s)) {
                continue;
            }
            walk(root, &path, skip, out);
        } else if Path::new(&name)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            out.push(Job {
                rel: rel_of(root, &path),
                input: path,
                problem: None,
            });
        }
    }
}

/// `path` relative to `root`, without extension, components joined by `/`.
fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        stem(path)
    } else {
        parts.join("/")
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_drop_the_extension_and_use_slashes() {
        assert_eq!(rel_of(Path::new("in"), Path::new("in/a/b/r1.json")), "a/b/r1");
        assert_eq!(stem(Path::new("x/y/r2.json")), "r2");
    }

    #[test]
    fn a_list_is_named_under_its_common_folder() {
        let files = [
            PathBuf::from("arc/a/x/r1.json"),
            PathBuf::from("./arc/a/y/../z/r2.json"),
        ];
        let base = common_dir(&files).unwrap();
        assert!(base.ends_with("arc/a"), "{}", base.display());
        assert_eq!(relative_to(&base, &files[0]).as_deref(), Some("x/r1"));
        assert_eq!(relative_to(&base, &files[1]).as_deref(), Some("z/r2"));
        assert_eq!(relative_to(Path::new("arc/b"), &files[0]), None);
        // One file: its own folder, so the name is its stem.
        let one = common_dir(&files[..1]).unwrap();
        assert_eq!(relative_to(&one, &files[0]).as_deref(), Some("r1"));
        assert_eq!(common_dir(&[]), None);
    }
}
