//! A structured arbitrary report → resolve → layout → PDF and DOCX. See `fuzz/targets.rs`.
#![no_main]

#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::render_report(data));
