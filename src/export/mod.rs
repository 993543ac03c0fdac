//! The writers. Only `pdf` sees krilla; only `docx` sees docx-rs; `html` is written by hand.

pub mod docx;
pub mod html;
pub mod pdf;
