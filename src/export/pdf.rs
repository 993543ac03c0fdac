//! PDF export (in progress).
