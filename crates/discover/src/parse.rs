//! Parsers for the config formats clients use, all into `serde_json::Value`
//! so client modules read one shape. Errors are one line with a position and
//! never quote the file's content (it may hold secrets).

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON; comments and trailing commas are accepted too, since VS Code,
    /// Zed and opencode write them and a lenient reader misses nothing.
    Json,
    Toml,
    Yaml,
}

impl Format {
    /// The format a file name implies (`.toml`, `.yaml`/`.yml`, else JSON).
    pub fn from_path(p: &std::path::Path) -> Format {
        match p.extension().and_then(|e| e.to_str()) {
            Some("toml") => Format::Toml,
            Some("yaml") | Some("yml") => Format::Yaml,
            _ => Format::Json,
        }
    }
}

pub fn parse(text: &str, format: Format) -> Result<Value, String> {
    match format {
        Format::Json => parse_jsonc(text),
        Format::Toml => parse_toml(text),
        Format::Yaml => parse_yaml(text),
    }
}

/// JSON with `//` and `/* */` comments and trailing commas.
pub fn parse_jsonc(text: &str) -> Result<Value, String> {
    let clean = strip_jsonc(text);
    serde_json::from_str(&clean).map_err(|e| {
        format!(
            "invalid JSON at line {} column {}: {}",
            e.line(),
            e.column(),
            json_reason(&e)
        )
    })
}

fn json_reason(e: &serde_json::Error) -> String {
    // serde_json's Display appends " at line L column C"; keep the reason only.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Blanks out comments and trailing commas, keeping every newline and byte
/// offset so parse errors still point at the right line and column. Works on
/// bytes: the ASCII delimiters it looks for never occur inside a multi-byte
/// UTF-8 sequence, and everything else is copied unchanged.
pub fn strip_jsonc(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            (i, in_str) = string_step(b, i);
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                let end = (i + 2).min(b.len());
                for o in &mut out[start..end] {
                    if *o != b'\n' {
                        *o = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Second pass on the comment-free text: a comma followed only by
    // whitespace and a closing bracket is dropped.
    let mut in_str = false;
    let mut i = 0;
    while i < out.len() {
        let c = out[i];
        if in_str {
            (i, in_str) = string_step(&out, i);
            continue;
        } else if c == b'"' {
            in_str = true;
        } else if c == b',' {
            let mut j = i + 1;
            while j < out.len() && out[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < out.len() && (out[j] == b'}' || out[j] == b']') {
                out[i] = b' ';
            }
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by ASCII spaces, and never inside a
    // multi-byte sequence, so the result is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// One step inside a JSON string at `b[i]`: the next index (an escape skips
/// the escaped byte) and whether the scan is still inside the string.
fn string_step(b: &[u8], i: usize) -> (usize, bool) {
    match b[i] {
        b'\\' => (i + 2, true),
        b'"' => (i + 1, false),
        _ => (i + 1, true),
    }
}

pub fn parse_toml(text: &str) -> Result<Value, String> {
    match text.parse::<toml::Table>() {
        Ok(t) => Ok(toml_to_json(toml::Value::Table(t))),
        Err(e) => {
            let pos = e
                .span()
                .map(|s| {
                    let (l, c) = line_col(text, s.start);
                    format!(" at line {l} column {c}")
                })
                .unwrap_or_default();
            // `message()` is the reason alone; Display would quote the line.
            Err(format!("invalid TOML{pos}: {}", e.message().trim()))
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&c| c != b'\n').count() + 1;
    (line, col)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

pub fn parse_yaml(text: &str) -> Result<Value, String> {
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
        Ok(v) => Ok(yaml_to_json(v)),
        Err(e) => {
            let pos = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            let msg = e.to_string();
            let reason = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Err(format!("invalid YAML{pos}: {reason}"))
        }
    }
}

fn yaml_to_json(v: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                // JSON keys are strings; YAML scalars keys are stringified,
                // complex keys (never used by clients) are dropped.
                let key = match k {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".into(),
                    _ => continue,
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let t = "{\n // a comment with \"quotes\"\n \"a\": \"http://x//y\", /* block\n */ \"b\": [1, 2,],\n}\n";
        assert_eq!(
            parse_jsonc(t).unwrap(),
            json!({"a": "http://x//y", "b": [1, 2]})
        );
        assert_eq!(parse_jsonc(r#"{"s": "a,}"}"#).unwrap(), json!({"s": "a,}"}));
        assert_eq!(
            parse_jsonc(r#"{"s": "\\", "t": 1,}"#).unwrap(),
            json!({"s": "\\", "t": 1})
        );
    }

    #[test]
    fn errors_have_position_and_no_content() {
        let e = parse_jsonc("{\n \"token\": \"ghp_secretvalue\"\n \"x\": 1}").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(!e.contains("ghp_"), "{e}");
        let e = parse_toml("a = 1\ntoken = \"ghp_secretvalue\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains("ghp_"), "{e}");
        let e = parse_yaml("a: [1\nb: ghp_secretvalue\n").unwrap_err();
        assert!(e.starts_with("invalid YAML"), "{e}");
    }

    #[test]
    fn toml_and_yaml_become_json() {
        let v = parse_toml(
            "[mcp_servers.x]\ncommand = \"npx\"\nargs = [\"-y\"]\nwhen = 1979-05-27T07:32:00Z\n",
        )
        .unwrap();
        assert_eq!(v["mcp_servers"]["x"]["command"], "npx");
        assert_eq!(v["mcp_servers"]["x"]["when"], "1979-05-27T07:32:00Z");
        let v = parse_yaml("mcpServers:\n  - name: a\n    command: b\n1: x\n").unwrap();
        assert_eq!(v["mcpServers"][0]["name"], "a");
        assert_eq!(v["1"], "x");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let n = 100_000;
        assert!(parse_jsonc(&format!("{}{}", "[".repeat(n), "]".repeat(n))).is_err());
        assert!(parse_yaml(&format!("{}{}", "[".repeat(n), "]".repeat(n))).is_err());
        assert!(parse_toml(&format!("a = {}{}", "[".repeat(n), "]".repeat(n))).is_err());
    }

    /// A stable-toolchain stand-in for the fuzz targets: mutated real configs
    /// through every parser and the entry parser, never a panic.
    #[test]
    fn mutated_configs_never_panic() {
        let seeds = [
            "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\"], \"env\": {\"K\": \"v\"}}}} // c",
            "[mcp_servers.x]\ncommand = \"npx\"\nargs = [\"-y\", \"p\"]\n[projects.\"/p\"]\ntrust_level = \"trusted\"\n",
            "mcpServers:\n  - name: a\n    command: uvx\n    args: [x, y]\nextensions:\n  f: {cmd: c, envs: {A: b}}\n",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let o = crate::entry::origin("claude-code", warden_model::Scope::User);
        for _ in 0..3000 {
            let seed = seeds[(next() % 3) as usize].as_bytes();
            let mut b = seed.to_vec();
            for _ in 0..(next() % 6 + 1) {
                let i = (next() as usize) % (b.len() + 1);
                const BYTES: &[u8] = b"{}[],:\"\\/*\n -=#'";
                let byte = BYTES[(next() % BYTES.len() as u64) as usize];
                match next() % 3 {
                    0 if i < b.len() => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ if i < b.len() => {
                        b.remove(i);
                    }
                    _ => {}
                }
            }
            let Ok(text) = std::str::from_utf8(&b) else {
                continue;
            };
            for f in [Format::Json, Format::Toml, Format::Yaml] {
                if let Ok(v) = parse(text, f) {
                    let mut errs = Vec::new();
                    for key in ["mcpServers", "mcp_servers", "extensions"] {
                        if let Some(m) = v.get(key) {
                            crate::entry::parse_list(m, key, &o, crate::entry::HTTP, &mut errs);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for t in ["\"", "/*", "{\"a\\", "//", ",", "[,]"] {
            let _ = parse_jsonc(t);
        }
    }
}
