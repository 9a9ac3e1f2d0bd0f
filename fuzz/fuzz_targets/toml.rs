#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = warden_discover::parse::parse_toml(text) {
            // Errors are one line (they go to stderr one per file).
            assert!(!e.contains('\n') || e.starts_with("invalid TOML"));
        }
    }
});
