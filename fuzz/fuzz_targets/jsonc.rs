//! JSONC: the comment/trailing-comma stripper keeps every byte position and
//! strict JSON parses the same with or without it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use warden_discover::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let stripped = parse::strip_jsonc(text);
    assert_eq!(stripped.len(), text.len());
    assert_eq!(stripped.matches('\n').count(), text.matches('\n').count());
    let lenient = parse::parse_jsonc(text);
    if let Ok(strict) = serde_json::from_str::<serde_json::Value>(text) {
        assert_eq!(lenient.as_ref().ok(), Some(&strict));
    }
});
