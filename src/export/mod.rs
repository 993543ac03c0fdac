//! The writers. Only `pdf` sees krilla; only `docx` sees docx-rs.

pub mod docx;
pub mod pdf;
