//! Claude-style server entries from arbitrary JSON: never a panic, project
//! entries start unapproved, and the serialized ServerDef does not depend on
//! env or header values (so it cannot leak them).
#![no_main]
use libfuzzer_sys::fuzz_target;
use warden_discover::entry::{parse_list, Origin, HTTP};
use warden_model::Scope;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = warden_discover::parse::parse_jsonc(text) else {
        return;
    };
    let origin = Origin {
        client: "claude-code",
        scope: Scope::Project,
        source: "/f".into(),
        project: None,
    };
    let mut errors = Vec::new();
    for s in parse_list(&v, "mcpServers", &origin, HTTP, &mut errors) {
        assert!(!s.approved, "project entries start unapproved");
        let mut other = s.clone();
        for v in other.env.values_mut().chain(other.headers.values_mut()) {
            *v = "changed".into();
        }
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            serde_json::to_string(&other).unwrap(),
            "env/header values reach the output"
        );
    }
});
