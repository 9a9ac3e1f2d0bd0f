//! Glob matching for permission patterns: `*` (within a path segment),
//! `**` (across segments), `?` (one character). Iterative with backtracking:
//! linear-ish on real inputs and never recursive, so hostile input can't blow the stack.

/// Match `text` against `pat`. With `slash_sensitive`, `*` and `?` do not
/// cross `/` (file paths); otherwise `*` matches anything (commands, names).
pub fn glob_match(pat: &str, text: &str, slash_sensitive: bool) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Backtrack points: (pattern index after the star, text index, star crosses '/').
    let mut star: Option<(usize, usize, bool)> = None;
    // The last star that crosses `/`: the fallback when a later `*` is stuck at a `/`.
    let mut dstar: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            let double = pi + 1 < p.len() && p[pi + 1] == '*';
            let mut next = pi + if double { 2 } else { 1 };
            // `**/` also matches zero directories.
            if double && next < p.len() && p[next] == '/' {
                next += 1;
            }
            let crosses = double || !slash_sensitive;
            star = Some((next, ti, crosses));
            if crosses {
                dstar = Some((next, ti));
            }
            pi = next;
            continue;
        }
        if pi < p.len() && (p[pi] == t[ti] || (p[pi] == '?' && !(slash_sensitive && t[ti] == '/')))
        {
            pi += 1;
            ti += 1;
            continue;
        }
        match star {
            Some((sp, st, crosses)) if crosses || t[st] != '/' => {
                star = Some((sp, st + 1, crosses));
                pi = sp;
                ti = st + 1;
            }
            _ => match dstar {
                Some((sp, st)) => {
                    dstar = Some((sp, st + 1));
                    star = Some((sp, st + 1, true));
                    pi = sp;
                    ti = st + 1;
                }
                None => return false,
            },
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn stars_and_segments() {
        assert!(glob_match("*.env", ".env", true));
        assert!(glob_match("*.env", "prod.env", true));
        assert!(!glob_match("*.env", "a/prod.env", true));
        assert!(glob_match("**/*.env", "a/b/prod.env", true));
        assert!(glob_match("**/*.env", "prod.env", true));
        assert!(glob_match("src/**", "src/a/b.rs", true));
        assert!(!glob_match("src/**", "lib/a.rs", true));
        assert!(glob_match(
            "mcp__github__*",
            "mcp__github__create_issue",
            false
        ));
        assert!(!glob_match("mcp__github__*", "mcp__gitlab__x", false));
        assert!(glob_match("rm -rf *", "rm -rf /tmp/x", false));
        assert!(glob_match("a?c", "abc", true));
        assert!(!glob_match("a?c", "a/c", true));
        assert!(!glob_match("abc", "abcd", true));
    }

    #[test]
    fn hostile_pattern_terminates() {
        let p = "*a*a*a*a*a*a*a*a*a*b";
        let t = "a".repeat(5000);
        assert!(!glob_match(p, &t, false));
    }
}
