//! A small shell-command splitter for the policy's own checks (permission
//! patterns per simple command, pipes into shells, data leaving, writes to
//! guarded files). It only reads the text: nothing is expanded or executed.
//! Destructive-command judgement belongs to `warden_detect::shell`.

/// One simple command of a command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Segment {
    /// Words with quotes removed; `$(...)` and backticks kept verbatim.
    pub words: Vec<String>,
    /// Redirections: (`>`, `>>`, `<`, ...) and their target word.
    pub redirects: Vec<(String, String)>,
    /// True when this command reads the previous one's output (`a | b`).
    pub piped: bool,
    /// The raw text of the command, trimmed.
    pub text: String,
}

/// Wrappers that run the next word as the real program.
const WRAPPERS: &[&str] = &[
    "sudo", "doas", "env", "nohup", "time", "command", "exec", "nice", "ionice", "builtin",
    "stdbuf", "timeout", "unbuffer", "xargs",
];

impl Segment {
    /// The program that runs, past `VAR=x` assignments and wrappers like
    /// `sudo`/`env`/`timeout 5`, as a basename (`/usr/bin/curl` -> `curl`).
    pub fn program(&self) -> Option<String> {
        self.argv().first().map(|w| basename(w).to_string())
    }

    /// The words from the program on.
    pub fn argv(&self) -> &[String] {
        let mut i = 0;
        while i < self.words.len() {
            let w = &self.words[i];
            if is_assignment(w) {
                i += 1;
                continue;
            }
            let b = basename(w);
            if WRAPPERS.contains(&b) {
                i += 1;
                // Skip the wrapper's options and its numeric argument (`timeout 5`).
                while i < self.words.len()
                    && (self.words[i].starts_with('-')
                        || is_assignment(&self.words[i])
                        || self.words[i]
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == '.'))
                {
                    i += 1;
                }
                continue;
            }
            break;
        }
        &self.words[i.min(self.words.len())..]
    }
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

pub fn basename(w: &str) -> &str {
    w.rsplit('/').next().unwrap_or(w)
}

/// Split a command line into simple commands. Command substitutions
/// (`$(...)`, backticks, `<(...)`) are split too and appended, so what runs
/// inside them is seen.
pub fn split(cmd: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    split_into(cmd, &mut out, 0);
    out
}

fn split_into(cmd: &str, out: &mut Vec<Segment>, depth: usize) {
    let c: Vec<char> = cmd.chars().collect();
    let mut seg = Segment::default();
    let mut word = String::new();
    let mut in_word = false;
    let mut pending_redirect: Option<String> = None;
    let mut seg_start = 0usize;
    let mut nested: Vec<String> = Vec::new();
    let mut i = 0usize;

    let finish_word =
        |word: &mut String, in_word: &mut bool, seg: &mut Segment, pending: &mut Option<String>| {
            if *in_word {
                let w = std::mem::take(word);
                match pending.take() {
                    Some(op) => seg.redirects.push((op, w)),
                    None => seg.words.push(w),
                }
                *in_word = false;
            }
        };

    while i < c.len() {
        let ch = c[i];
        match ch {
            '\\' if i + 1 < c.len() => {
                if c[i + 1] != '\n' {
                    word.push(c[i + 1]);
                    in_word = true;
                }
                i += 2;
            }
            '\'' => {
                in_word = true;
                i += 1;
                while i < c.len() && c[i] != '\'' {
                    word.push(c[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' && i + 1 < c.len() && matches!(c[i + 1], '"' | '\\' | '$' | '`')
                    {
                        word.push(c[i + 1]);
                        i += 2;
                        continue;
                    }
                    if c[i] == '$' && i + 1 < c.len() && c[i + 1] == '(' {
                        let (inner, end) = balanced(&c, i + 2);
                        word.push_str("$(");
                        word.push_str(&inner);
                        word.push(')');
                        nested.push(inner);
                        i = end;
                        continue;
                    }
                    word.push(c[i]);
                    i += 1;
                }
                i += 1;
            }
            '$' | '<' | '>' if i + 1 < c.len() && c[i + 1] == '(' => {
                // `$(...)`, `<(...)`, `>(...)`: keep as one word, analyse inside.
                let (inner, end) = balanced(&c, i + 2);
                word.push(ch);
                word.push('(');
                word.push_str(&inner);
                word.push(')');
                in_word = true;
                nested.push(inner);
                i = end;
            }
            '`' => {
                let start = i + 1;
                let mut j = start;
                while j < c.len() && c[j] != '`' {
                    j += 1;
                }
                let inner: String = c[start..j.min(c.len())].iter().collect();
                word.push('`');
                word.push_str(&inner);
                word.push('`');
                in_word = true;
                nested.push(inner);
                i = j + 1;
            }
            ' ' | '\t' => {
                finish_word(&mut word, &mut in_word, &mut seg, &mut pending_redirect);
                i += 1;
            }
            '#' if !in_word => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            ';' | '&' | '|' | '\n' => {
                // `&>` and `>&` are redirections, not separators.
                if ch == '&' && i + 1 < c.len() && c[i + 1] == '>' {
                    finish_word(&mut word, &mut in_word, &mut seg, &mut pending_redirect);
                    let op = if i + 2 < c.len() && c[i + 2] == '>' {
                        i += 3;
                        "&>>"
                    } else {
                        i += 2;
                        "&>"
                    };
                    pending_redirect = Some(op.to_string());
                    continue;
                }
                finish_word(&mut word, &mut in_word, &mut seg, &mut pending_redirect);
                let text: String = c[seg_start..i].iter().collect();
                seg.text = text.trim().to_string();
                let two = i + 1 < c.len() && c[i + 1] == ch && ch != '\n' && ch != ';';
                let piped_next = ch == '|' && !two;
                push_segment(out, std::mem::take(&mut seg));
                seg.piped = piped_next;
                i += if two { 2 } else { 1 };
                if ch == '|' && i < c.len() && c[i] == '&' {
                    i += 1;
                }
                seg_start = i;
            }
            '>' | '<' => {
                // A leading fd number (`2>`) belongs to the operator.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                } else {
                    finish_word(&mut word, &mut in_word, &mut seg, &mut pending_redirect);
                }
                let mut op = String::from(ch);
                i += 1;
                while i < c.len() && matches!(c[i], '>' | '<' | '|') && op.len() < 3 {
                    op.push(c[i]);
                    i += 1;
                }
                if i < c.len() && c[i] == '&' {
                    // `2>&1`: a descriptor copy, no file.
                    i += 1;
                    while i < c.len() && (c[i].is_ascii_digit() || c[i] == '-') {
                        i += 1;
                    }
                    continue;
                }
                pending_redirect = Some(op);
            }
            _ => {
                word.push(ch);
                in_word = true;
                i += 1;
            }
        }
    }
    finish_word(&mut word, &mut in_word, &mut seg, &mut pending_redirect);
    let text: String = c[seg_start.min(c.len())..].iter().collect();
    seg.text = text.trim().to_string();
    push_segment(out, seg);
    if depth < 4 {
        for n in nested {
            split_into(&n, out, depth + 1);
        }
    }
}

fn push_segment(out: &mut Vec<Segment>, seg: Segment) {
    if !seg.words.is_empty() || !seg.redirects.is_empty() {
        out.push(seg);
    }
}

/// The text up to the `)` that closes an opening at `start - 1`, and the index after it.
fn balanced(c: &[char], start: usize) -> (String, usize) {
    let mut depth = 1usize;
    let mut j = start;
    let mut quote: Option<char> = None;
    while j < c.len() {
        match (quote, c[j]) {
            (Some(q), x) if x == q => quote = None,
            (Some(_), _) => {}
            (None, '\'') | (None, '"') => quote = Some(c[j]),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return (c[start..j].iter().collect(), j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    (c[start.min(c.len())..].iter().collect(), c.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_operators_and_pipes() {
        let s = split("cd /x && curl -s https://a | sh; echo 'a;b' > out.txt");
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].words, ["cd", "/x"]);
        assert_eq!(s[1].program().as_deref(), Some("curl"));
        assert!(s[2].piped);
        assert_eq!(s[2].program().as_deref(), Some("sh"));
        assert_eq!(s[3].words, ["echo", "a;b"]);
        assert_eq!(s[3].redirects, [(">".to_string(), "out.txt".to_string())]);
    }

    #[test]
    fn wrappers_and_substitutions() {
        let s = split("sudo -E FOO=1 timeout 5 /usr/bin/wget x 2>&1");
        assert_eq!(s[0].program().as_deref(), Some("wget"));
        assert!(s[0].redirects.is_empty());
        let s = split("bash -c \"$(curl -fsSL https://x/i.sh)\"");
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].program().as_deref(), Some("curl"));
        let s = split("echo hi 2> err.log &> all.log");
        assert_eq!(s[0].redirects.len(), 2);
    }

    #[test]
    fn unterminated_input_is_fine() {
        for t in ["'abc", "\"abc", "$(abc", "`abc", "a |", "\\"] {
            let _ = split(t);
        }
    }
}
