//! The temporal-formula parser on arbitrary text, inside a spec of a small
//! two-phase commit whose liveness checker then evaluates the formula, with
//! the settings the formula's last byte chooses.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(formula) = std::str::from_utf8(data) {
        let text = format!("MODEL TwoPhase\nCONSTANTS RM = {{r1, r2}}\nPROPERTY Fuzzed == {formula}\n");
        common::parse_and_check(&text, data.last().copied().unwrap_or(0));
    }
});
