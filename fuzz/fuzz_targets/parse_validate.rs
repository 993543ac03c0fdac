//! Raw bytes → parse → validate. See `fuzz/targets.rs` for the promises checked.
#![no_main]

#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::parse_validate(data));
