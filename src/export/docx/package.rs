//! The zip container: entries in the given order, deflated, dated 1980-01-01 00:00 (the zip
//! format's epoch), fixed permissions: the same parts give the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Zips `(name, bytes)` entries in order. Errors are the zip writer's, as text.
pub fn zip(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let total: usize = entries.iter().map(|(_, b)| b.len()).sum();
    let mut w = ZipWriter::new(Cursor::new(Vec::with_capacity(total / 4 + 1024)));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).map_err(|e| e.to_string())?;
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    let out = w.finish().map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
