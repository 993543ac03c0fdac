//! Operational errors: what failed (its [`Class`]), which file when one is known, and why.
//!
//! Problems *in* a report are [`crate::diag::Diagnostic`]s; an [`Error`] is everything else
//! that stops a report or a run: an input that cannot be read, an output that cannot be
//! written, fonts that cannot be used, bad arguments, or a bug.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// What failed. `--diagnostics json` prints it as `class`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// The input: unreadable, or rejected (diagnostics).
    Input,
    /// An output file or folder: not writable, in the way, or outside where it may be.
    Output,
    /// A font: missing, unreadable, unusable.
    Font,
    /// The command line: an unknown option, a bad value, options that contradict each other.
    Argument,
    /// A bug in nianbao (a caught panic, a writer that failed on valid data).
    Internal,
}

impl Class {
    /// The class as printed (`input`, `output`, `font`, `argument`, `internal`).
    pub fn name(self) -> &'static str {
        match self {
            Class::Input => "input",
            Class::Output => "output",
            Class::Font => "font",
            Class::Argument => "argument",
            Class::Internal => "internal",
        }
    }

    /// What the user can do about a failure of this class.
    pub fn hint(self) -> &'static str {
        match self {
            Class::Input => "check the path and its permissions",
            Class::Output => "check that the output path is writable, has space and is not in the way",
            Class::Font => "check --fonts, --font-dir and --font, or $NIANBAO_FONTS",
            Class::Argument => "see `nianbao --help`",
            Class::Internal => "this is a bug in nianbao: please report it with the input",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An operational failure. The message names the file when there is one; `path` gives it
/// to programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub class: Class,
    /// The file or folder that failed, when one is known.
    pub path: Option<PathBuf>,
    /// Lowercase, no trailing period, e.g. `failed to write out/a.pdf (No space left on device)`.
    pub message: String,
}

impl Error {
    pub fn new(class: Class, message: impl Into<String>) -> Error {
        Error {
            class,
            path: None,
            message: message.into(),
        }
    }

    /// An error about a file; the message should name it.
    pub fn at(class: Class, path: &Path, message: impl Into<String>) -> Error {
        Error {
            class,
            path: Some(path.to_path_buf()),
            message: message.into(),
        }
    }

    /// `failed to {what} {path} ({e})`.
    pub fn io(class: Class, what: &str, path: &Path, e: &std::io::Error) -> Error {
        Error::at(class, path, format!("failed to {what} {} ({e})", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for String {
    fn from(e: Error) -> String {
        e.message
    }
}
