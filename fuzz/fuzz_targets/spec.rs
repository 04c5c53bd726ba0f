//! The check-spec parser on arbitrary text, then the model it names.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        common::parse_and_check(text, data.last().copied().unwrap_or(0));
    }
});
