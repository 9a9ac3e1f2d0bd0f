//! `${VAR}` and `${VAR:-default}` in a server's config, as Claude Code and
//! others expand them: a config names the variables it wants explicitly.

/// Expand `${VAR}` / `${VAR:-default}` with `lookup`; anything else is kept.
pub(crate) fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if valid {
            match lookup(name).filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(&v),
                None => out.push_str(default.unwrap_or("")),
            }
        } else {
            out.push_str(&rest[start..start + 2 + end + 1]);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Expansion from Warden's own environment.
pub(crate) fn expand_env(s: &str) -> String {
    expand(s, &|k| std::env::var(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_names_and_defaults_only() {
        let look = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(expand("${HOME}/x", &look), "/h/x");
        assert_eq!(expand("${NOPE:-d}", &look), "d");
        assert_eq!(expand("${NOPE}", &look), "");
        assert_eq!(
            expand("$HOME ${bad name} ${open", &look),
            "$HOME ${bad name} ${open"
        );
    }
}
