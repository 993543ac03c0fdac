//! DOCX export (in progress).
