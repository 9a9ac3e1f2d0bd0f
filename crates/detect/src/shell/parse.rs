//! A shell command parser good enough to judge what a command will run:
//! quotes and escapes, lists and pipelines, subshells, `$(...)` and
//! backticks, process substitution, heredocs and here-strings, `VAR=x`
//! prefixes, wrapper commands (`sudo`, `env`, `xargs`, ...), and code run by
//! another interpreter (`bash -c`, `eval`, `ssh host cmd`, `find -exec`,
//! `python -c "os.system(...)"`). It never expands variables or globs.
//!
//! Work is bounded: input is cut at [`MAX_LEN`], nesting at [`MAX_DEPTH`],
//! output at [`MAX_COMMANDS`]; anything cut is reported by [`Parsed`].

use std::ops::Range;

/// Longest command analysed, in bytes.
pub const MAX_LEN: usize = 64 * 1024;
/// Deepest nesting of `$(...)`, `bash -c`, `eval` and the like.
pub const MAX_DEPTH: usize = 8;
/// Most simple commands kept from one input.
pub const MAX_COMMANDS: usize = 2000;

/// One redirection: `2>/dev/null` is `fd: Some(2), op: ">", target: "/dev/null"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Redirect {
    pub fd: Option<u32>,
    /// `<`, `>`, `>>`, `>|`, `<>`, `&>`, `&>>`, `>&`, `<&`, `<<`, `<<-`, `<<<`.
    pub op: String,
    /// File, fd number, heredoc delimiter or here-string word (unquoted).
    pub target: String,
}

/// One command the shell would run, with wrappers peeled off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// Program and arguments, unquoted, after `VAR=x` prefixes and wrappers
    /// (`sudo`, `env`, `nohup`, `time`, `nice`, `timeout`, `xargs`, ...).
    pub argv: Vec<String>,
    /// Byte range in the input string. For commands found inside a string
    /// argument (`bash -c '...'`), the range of that argument.
    pub span: Range<usize>,
    pub redirects: Vec<Redirect>,
    /// True when this command's stdout feeds the next stage of a pipeline.
    pub pipes_to_next: bool,
    /// Index (in the returned list) of the command whose stdout is this one's stdin.
    pub pipe_source: Option<usize>,
    /// `VAR=value` words before the program (including `env VAR=value`).
    pub assignments: Vec<String>,
    /// Wrapper programs peeled off, outermost first (`sudo`, `xargs`).
    pub wrappers: Vec<String>,
    /// Text known to arrive on stdin: heredoc body, here-string, or the
    /// arguments of an `echo`/`printf` piped in.
    pub stdin: Option<String>,
    /// How it was reached when not written at top level: `$(...)`, `bash -c`,
    /// `eval`, `ssh`, `find -exec`, `python -c`, `heredoc`, ...
    pub via: Option<String>,
    /// Nesting depth (0 at top level).
    pub depth: usize,
}

impl SimpleCommand {
    /// Program name without directory (`/usr/bin/rm` gives `rm`), or "".
    pub fn program(&self) -> &str {
        self.argv.first().map(|a| basename(a)).unwrap_or("")
    }
}

/// Parser output: the commands plus whether anything was cut.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub commands: Vec<SimpleCommand>,
    /// Input longer than [`MAX_LEN`], deeper than [`MAX_DEPTH`] or more
    /// than [`MAX_COMMANDS`] commands: the rest was not analysed.
    pub truncated: bool,
}

pub(crate) fn basename(p: &str) -> &str {
    let b = p.rsplit(['/', '\\']).next().unwrap_or(p);
    b.strip_suffix(".exe").unwrap_or(b)
}

/// Parse `cmd` into simple commands (bounded; never panics).
pub fn parse_bounded(cmd: &str) -> Parsed {
    let mut end = cmd.len().min(MAX_LEN);
    while !cmd.is_char_boundary(end) {
        end -= 1;
    }
    let mut ctx = Ctx {
        out: Vec::new(),
        truncated: end < cmd.len(),
        steps: 0,
    };
    parse_into(&mut ctx, &cmd[..end], Spans::Exact(0), 0, None);
    propagate_stdin(&mut ctx.out);
    // `echo 'rm -rf /' | sh`: a shell reading a known stdin runs it.
    let n = ctx.out.len();
    for i in 0..n {
        let c = &ctx.out[i];
        if c.pipe_source.is_some()
            && c.depth < MAX_DEPTH
            && is_shell(c.program())
            && script_arg(&c.argv).is_none()
        {
            if let Some(script) = c.stdin.clone() {
                let (span, depth) = (c.span.clone(), c.depth);
                parse_into(
                    &mut ctx,
                    &script,
                    Spans::Fixed(span),
                    depth + 1,
                    Some("stdin"),
                );
            }
        }
    }
    Parsed {
        commands: ctx.out,
        truncated: ctx.truncated,
    }
}

struct Ctx {
    out: Vec<SimpleCommand>,
    truncated: bool,
    steps: usize,
}

impl Ctx {
    fn full(&mut self) -> bool {
        if self.out.len() >= MAX_COMMANDS || self.steps > 4 * MAX_LEN {
            self.truncated = true;
            return true;
        }
        false
    }
}

/// How local offsets map back to the caller's input.
#[derive(Clone)]
enum Spans {
    /// The text is a substring of the input starting at this offset.
    Exact(usize),
    /// The text was derived (unquoted, joined): report this whole range.
    Fixed(Range<usize>),
}

impl Spans {
    fn map(&self, r: Range<usize>) -> Range<usize> {
        match self {
            Spans::Exact(b) => b + r.start..b + r.end,
            Spans::Fixed(f) => f.clone(),
        }
    }
    fn inner(&self, r: Range<usize>) -> Spans {
        match self {
            Spans::Exact(b) => Spans::Exact(b + r.start),
            Spans::Fixed(f) => Spans::Fixed(f.clone()),
        }
    }
}

fn parse_into(ctx: &mut Ctx, src: &str, spans: Spans, depth: usize, via: Option<&str>) {
    if depth > MAX_DEPTH {
        ctx.truncated = true;
        return;
    }
    let mut p = P { s: src, i: 0 };
    parse_list(ctx, &mut p, &spans, depth, via, false);
}

struct P<'a> {
    s: &'a str,
    i: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }
    fn at(&self, k: usize) -> Option<u8> {
        self.s.as_bytes().get(self.i + k).copied()
    }
    fn starts(&self, pat: &str) -> bool {
        self.s.as_bytes()[self.i..].starts_with(pat.as_bytes())
    }
    /// Next full char (the parser only stops on ASCII, so `i` stays on boundaries).
    fn next_char(&mut self) -> Option<char> {
        let c = self.s[self.i..].chars().next()?;
        self.i += c.len_utf8();
        Some(c)
    }
}

/// A command being built.
#[derive(Default)]
struct Builder {
    words: Vec<(String, Range<usize>)>,
    assignments: Vec<String>,
    redirects: Vec<Redirect>,
    /// Heredocs opened by this command: (delimiter, strip tabs).
    heredocs: Vec<(String, bool)>,
    herestring: Option<String>,
    start: Option<usize>,
    end: usize,
}

impl Builder {
    fn touch(&mut self, r: &Range<usize>) {
        self.start.get_or_insert(r.start);
        self.end = self.end.max(r.end);
    }
}

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac",
    "in", "[[", "]]",
];

/// Parse commands until end of input or an unmatched `)` (when `in_paren`).
fn parse_list(
    ctx: &mut Ctx,
    p: &mut P,
    spans: &Spans,
    depth: usize,
    via: Option<&str>,
    in_paren: bool,
) {
    let mut b = Builder::default();
    // Index of the previous pipeline stage, when it pipes into the next command.
    let mut pipe_from: Option<usize> = None;
    // Heredocs waiting for the next newline: (command index, delimiter, strip tabs).
    let mut pending: Vec<(Option<usize>, String, bool)> = Vec::new();
    // Ends the command being built; `pipes` when it feeds the next one.
    macro_rules! end_command {
        ($pipes:expr) => {
            finish(
                ctx,
                &mut b,
                spans,
                depth,
                via,
                pipe_from.take(),
                $pipes,
                &mut pending,
            )
        };
    }
    loop {
        ctx.steps += 1;
        if ctx.full() {
            return;
        }
        let Some(c) = p.peek() else { break };
        match c {
            b' ' | b'\t' | b'\r' => p.i += 1,
            b'\\' if p.at(1) == Some(b'\n') => p.i += 2,
            b'#' if b.words.is_empty()
                || p.i == 0
                || matches!(p.s.as_bytes()[p.i - 1], b' ' | b'\t' | b'\n' | b';') =>
            {
                while let Some(c) = p.peek() {
                    if c == b'\n' {
                        break;
                    }
                    p.i += 1;
                }
            }
            b'\n' => {
                p.i += 1;
                end_command!(false);
                read_heredocs(ctx, p, spans, depth, &mut pending);
            }
            b'&' if p.at(1) == Some(b'>') => read_redirect(ctx, p, &mut b, spans, depth, None),
            b';' | b'&' | b'|' => {
                // `;` `;;` `&` `&&` `||` end a command; `|` and `|&` pipe it
                // into the next one.
                let next = p.at(1);
                let pipes = c == b'|' && next != Some(b'|');
                let doubled = matches!(
                    (c, next),
                    (b';', Some(b';')) | (b'&', Some(b'&')) | (b'|', Some(b'|' | b'&'))
                );
                p.i += if doubled { 2 } else { 1 };
                let idx = end_command!(pipes);
                if pipes {
                    pipe_from = idx;
                }
            }
            b'(' if b.words.is_empty() => {
                p.i += 1;
                if depth + 1 > MAX_DEPTH {
                    ctx.truncated = true;
                    skip_parens(p);
                } else {
                    parse_list(ctx, p, spans, depth + 1, via.or(Some("( )")), true);
                }
            }
            b'(' => {
                // `name() { ...; }`: a function definition; the name is not a command.
                p.i += 1;
                if p.peek() == Some(b')') {
                    p.i += 1;
                }
                b = Builder::default();
            }
            b')' => {
                p.i += 1;
                if in_paren {
                    end_command!(false);
                    return;
                }
            }
            b'<' if p.at(1) == Some(b'(') => read_word_into(ctx, p, &mut b, spans, depth),
            b'>' if p.at(1) == Some(b'(') => read_word_into(ctx, p, &mut b, spans, depth),
            b'<' | b'>' => read_redirect(ctx, p, &mut b, spans, depth, None),
            b'0'..=b'9' if fd_redirect_len(p).is_some() => {
                let n = fd_redirect_len(p).unwrap_or(0);
                let fd = p.s[p.i..p.i + n].parse().ok();
                p.i += n;
                read_redirect(ctx, p, &mut b, spans, depth, fd);
            }
            _ => read_word_into(ctx, p, &mut b, spans, depth),
        }
    }
    end_command!(false);
    read_heredocs(ctx, p, spans, depth, &mut pending);
}

/// Length of the digits in `2>` / `10<` at the cursor, if a redirect follows.
fn fd_redirect_len(p: &P) -> Option<usize> {
    let rest = &p.s.as_bytes()[p.i..];
    let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if n > 0 && n < 4 && matches!(rest.get(n), Some(b'<') | Some(b'>')) {
        // Only at a word start: `a2>x` is the word `a2` then a redirect.
        if p.i == 0
            || matches!(
                p.s.as_bytes()[p.i - 1],
                b' ' | b'\t' | b'\n' | b';' | b'|' | b'&'
            )
        {
            return Some(n);
        }
    }
    None
}

fn skip_parens(p: &mut P) {
    skip_balanced(p, b'(', b')');
}

/// Skips past the `close` that matches an already consumed `open` (or to the end).
fn skip_balanced(p: &mut P, open: u8, close: u8) {
    let mut level = 1usize;
    while let Some(c) = p.peek() {
        p.i += 1;
        if c == open {
            level += 1;
        } else if c == close {
            level -= 1;
            if level == 0 {
                return;
            }
        }
    }
}

fn read_redirect(
    ctx: &mut Ctx,
    p: &mut P,
    b: &mut Builder,
    spans: &Spans,
    depth: usize,
    fd: Option<u32>,
) {
    const OPS: &[&str] = &[
        "<<<", "<<-", "&>>", "<<", ">>", ">|", "<>", "&>", ">&", "<&", "<", ">",
    ];
    let start = p.i;
    let op = OPS.iter().find(|o| p.starts(o)).copied().unwrap_or(">");
    p.i += op.len();
    while matches!(p.peek(), Some(b' ') | Some(b'\t')) {
        p.i += 1;
    }
    let target = match read_word(ctx, p, spans, depth) {
        Some((w, r)) => {
            b.touch(&spans.map(start..r.end));
            w
        }
        None => String::new(),
    };
    match op {
        "<<" | "<<-" => b.heredocs.push((target.clone(), op == "<<-")),
        "<<<" => b.herestring = Some(target.clone()),
        _ => {}
    }
    b.redirects.push(Redirect {
        fd,
        op: op.to_string(),
        target,
    });
}

fn read_word_into(ctx: &mut Ctx, p: &mut P, b: &mut Builder, spans: &Spans, depth: usize) {
    let Some((w, r)) = read_word(ctx, p, spans, depth) else {
        // Not a word start we understand: skip one char so we always advance.
        p.next_char();
        return;
    };
    let mapped = spans.map(r);
    if b.words.is_empty() {
        if is_assignment(&w) {
            b.assignments.push(w);
            b.touch(&mapped);
            return;
        }
        if KEYWORDS.contains(&w.as_str()) {
            return;
        }
    }
    b.touch(&mapped);
    b.words.push((w, mapped));
}

pub(crate) fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            let name = name.strip_suffix('+').unwrap_or(name);
            !name.is_empty()
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        None => false,
    }
}

/// One shell word at the cursor, unquoted, and its local range. Commands
/// inside it (`$(...)`, backticks, `<(...)`) are parsed into `ctx`.
fn read_word(
    ctx: &mut Ctx,
    p: &mut P,
    spans: &Spans,
    depth: usize,
) -> Option<(String, Range<usize>)> {
    let start = p.i;
    let mut w = String::new();
    loop {
        ctx.steps += 1;
        let Some(c) = p.peek() else { break };
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b')' => break,
            b'(' => break,
            b'<' | b'>' if p.at(1) == Some(b'(') => {
                let s = p.i;
                p.i += 2;
                nested_paren(ctx, p, spans, depth, "<( )");
                w.push_str(&p.s[s..p.i]);
            }
            b'<' | b'>' => break,
            b'\'' => {
                p.i += 1;
                let s = p.i;
                while let Some(c) = p.peek() {
                    if c == b'\'' {
                        break;
                    }
                    p.i += 1;
                }
                w.push_str(&p.s[s..p.i]);
                if p.peek().is_some() {
                    p.i += 1;
                }
            }
            b'"' => {
                p.i += 1;
                loop {
                    ctx.steps += 1;
                    let Some(c) = p.peek() else { break };
                    match c {
                        b'"' => {
                            p.i += 1;
                            break;
                        }
                        b'\\' if matches!(p.at(1), Some(b'$' | b'`' | b'"' | b'\\')) => {
                            p.i += 1;
                            w.extend(p.next_char());
                        }
                        b'\\' if p.at(1) == Some(b'\n') => p.i += 2,
                        b'$' | b'`' => dollar_or_backtick(ctx, p, spans, depth, &mut w),
                        _ => w.extend(p.next_char()),
                    }
                }
            }
            b'\\' => {
                p.i += 1;
                if p.peek() == Some(b'\n') {
                    p.i += 1;
                } else {
                    w.extend(p.next_char());
                }
            }
            b'$' if p.at(1) == Some(b'\'') => {
                // ANSI-C quoting: $'...' with backslash escapes.
                p.i += 2;
                while let Some(c) = p.peek() {
                    match c {
                        b'\'' => {
                            p.i += 1;
                            break;
                        }
                        b'\\' => {
                            p.i += 1;
                            match p.next_char() {
                                Some('n') => w.push('\n'),
                                Some('t') => w.push('\t'),
                                Some(o) => w.push(o),
                                None => {}
                            }
                        }
                        _ => w.extend(p.next_char()),
                    }
                }
            }
            b'$' | b'`' => dollar_or_backtick(ctx, p, spans, depth, &mut w),
            _ => w.extend(p.next_char()),
        }
    }
    (p.i > start).then_some((w, start..p.i))
}

/// `$(...)`, `$((...))`, `${...}`, `$VAR` or a backtick substitution at the
/// cursor: parse the commands inside and append the raw text to `w`.
fn dollar_or_backtick(ctx: &mut Ctx, p: &mut P, spans: &Spans, depth: usize, w: &mut String) {
    let s = p.i;
    if p.peek() == Some(b'`') {
        p.i += 1;
        let inner_start = p.i;
        while let Some(c) = p.peek() {
            if c == b'\\' {
                p.i += 1;
                p.next_char();
                continue;
            }
            if c == b'`' {
                break;
            }
            p.i += 1;
        }
        let inner = &p.s[inner_start..p.i];
        if p.peek().is_some() {
            p.i += 1;
        }
        parse_into(
            ctx,
            inner,
            spans.inner(inner_start..p.i),
            depth + 1,
            Some("`...`"),
        );
        w.push_str(&p.s[s..p.i]);
        return;
    }
    // `$`
    match (p.at(1), p.at(2)) {
        (Some(b'('), Some(b'(')) => {
            p.i += 3;
            skip_parens(p);
            if p.peek() == Some(b')') {
                p.i += 1;
            }
        }
        (Some(b'('), _) => {
            p.i += 2;
            nested_paren(ctx, p, spans, depth, "$( )");
        }
        (Some(b'{'), _) => {
            p.i += 2;
            skip_balanced(p, b'{', b'}');
        }
        _ => p.i += 1,
    }
    w.push_str(&p.s[s..p.i]);
}

/// Parse a parenthesised command list whose `(` was consumed.
fn nested_paren(ctx: &mut Ctx, p: &mut P, spans: &Spans, depth: usize, via: &str) {
    if depth + 1 > MAX_DEPTH {
        ctx.truncated = true;
        skip_parens(p);
        return;
    }
    parse_list(ctx, p, spans, depth + 1, Some(via), true);
}

fn read_heredocs(
    ctx: &mut Ctx,
    p: &mut P,
    spans: &Spans,
    depth: usize,
    pending: &mut Vec<(Option<usize>, String, bool)>,
) {
    for (idx, delim, strip) in pending.drain(..) {
        let body_start = p.i;
        let mut body = String::new();
        let body_end;
        loop {
            if p.i >= p.s.len() {
                body_end = p.s.len();
                break;
            }
            let line_end = p.s[p.i..].find('\n').map(|n| p.i + n).unwrap_or(p.s.len());
            let line = &p.s[p.i..line_end];
            let cmp = if strip {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if cmp.trim_end_matches('\r') == delim {
                body_end = p.i;
                p.i = (line_end + 1).min(p.s.len());
                break;
            }
            body.push_str(cmp);
            body.push('\n');
            p.i = (line_end + 1).min(p.s.len());
        }
        let Some(idx) = idx else { continue };
        let interp = is_shell(ctx.out[idx].program()) && script_arg(&ctx.out[idx].argv).is_none();
        ctx.out[idx].stdin = Some(body);
        if interp {
            parse_into(
                ctx,
                &p.s[body_start..body_end],
                spans.inner(body_start..body_end),
                depth + 1,
                Some("heredoc"),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: &mut Ctx,
    b: &mut Builder,
    spans: &Spans,
    depth: usize,
    via: Option<&str>,
    pipe_from: Option<usize>,
    pipes: bool,
    pending: &mut Vec<(Option<usize>, String, bool)>,
) -> Option<usize> {
    let b = std::mem::take(b);
    if b.words.is_empty() && b.redirects.is_empty() {
        return None;
    }
    let (argv, arg_spans): (Vec<String>, Vec<Range<usize>>) = b.words.into_iter().unzip();
    let span = b.start.unwrap_or(0)..b.end;
    let cmd = SimpleCommand {
        argv,
        span,
        redirects: b.redirects,
        pipes_to_next: pipes,
        pipe_source: pipe_from,
        assignments: b.assignments,
        wrappers: Vec::new(),
        stdin: b.herestring,
        via: via.map(str::to_string),
        depth,
    };
    let idx = emit(ctx, cmd, arg_spans, depth);
    for (d, strip) in b.heredocs {
        pending.push((idx, d, strip));
    }
    let _ = spans;
    idx
}

/// Peel wrappers, push the command, then parse what it runs indirectly.
/// Returns its index in `ctx.out`.
fn emit(
    ctx: &mut Ctx,
    mut cmd: SimpleCommand,
    mut arg_spans: Vec<Range<usize>>,
    depth: usize,
) -> Option<usize> {
    if ctx.full() {
        return None;
    }
    unwrap(&mut cmd, &mut arg_spans);
    let idx = ctx.out.len();
    ctx.out.push(cmd.clone());
    if depth < MAX_DEPTH {
        run_nested(ctx, &cmd, &arg_spans, depth);
    } else if !cmd.argv.is_empty() && nests(&cmd) {
        ctx.truncated = true;
    }
    Some(idx)
}

fn is_shell(p: &str) -> bool {
    matches!(
        p,
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "mksh" | "fish" | "busybox"
    )
}

fn is_interpreter(p: &str) -> bool {
    p.starts_with("python")
        || p.starts_with("pypy")
        || matches!(
            p,
            "node" | "nodejs" | "deno" | "bun" | "perl" | "ruby" | "php"
        )
}

fn nests(cmd: &SimpleCommand) -> bool {
    let p = cmd.program();
    is_shell(p) || is_interpreter(p) || matches!(p, "eval" | "su" | "ssh" | "find")
}

/// For `sh -c SCRIPT` / `python -c CODE` / `node -e CODE`: index of the script argument.
fn script_arg(argv: &[String]) -> Option<usize> {
    let p = basename(argv.first()?);
    let letters: &[char] = if is_shell(p) || p.starts_with("python") || p.starts_with("pypy") {
        &['c']
    } else if p == "php" {
        &['r']
    } else {
        &['e', 'p']
    };
    let mut want = false;
    for (i, a) in argv.iter().enumerate().skip(1) {
        if want && !a.starts_with('-') {
            return Some(i);
        }
        if a == "--eval" || a == "--command" {
            want = true;
            continue;
        }
        if let Some(flags) = a.strip_prefix('-') {
            if !flags.starts_with('-')
                && flags.chars().any(|c| letters.contains(&c))
                && flags.chars().all(|c| c.is_ascii_alphabetic())
            {
                // `-c` takes the next word; `-ccode` (python) carries it.
                want = true;
            }
            continue;
        }
        if !want {
            // First positional is a script file: no inline code.
            return None;
        }
    }
    None
}

fn run_nested(ctx: &mut Ctx, cmd: &SimpleCommand, arg_spans: &[Range<usize>], depth: usize) {
    let p = cmd.program().to_string();
    let argv = &cmd.argv;
    let span_of = |i: usize| arg_spans.get(i).cloned().unwrap_or(cmd.span.clone());
    if is_shell(&p) {
        if let Some(i) = script_arg(argv) {
            let via = format!("{p} -c");
            parse_into(
                ctx,
                &argv[i],
                Spans::Fixed(span_of(i)),
                depth + 1,
                Some(&via),
            );
        }
    } else if p == "eval" && argv.len() > 1 {
        let script = argv[1..].join(" ");
        parse_into(
            ctx,
            &script,
            Spans::Fixed(cmd.span.clone()),
            depth + 1,
            Some("eval"),
        );
    } else if p == "su" {
        if let Some(i) = argv
            .iter()
            .position(|a| a == "-c" || a == "--command")
            .map(|i| i + 1)
        {
            if let Some(s) = argv.get(i) {
                parse_into(ctx, s, Spans::Fixed(span_of(i)), depth + 1, Some("su -c"));
            }
        }
    } else if p == "ssh" {
        // Options that take a value; the first positional is the host.
        let mut i = 1;
        while i < argv.len() {
            let a = &argv[i];
            if a.len() == 2 && a.starts_with('-') && "BbcDEeFIiJLlmOoPpQRSWw".contains(&a[1..]) {
                i += 2;
            } else if a.starts_with('-') {
                i += 1;
            } else {
                break;
            }
        }
        if i + 1 < argv.len() {
            let script = argv[i + 1..].join(" ");
            parse_into(
                ctx,
                &script,
                Spans::Fixed(cmd.span.clone()),
                depth + 1,
                Some("ssh"),
            );
        }
    } else if p == "find" {
        let mut i = 1;
        while i < argv.len() {
            if matches!(argv[i].as_str(), "-exec" | "-execdir" | "-ok" | "-okdir") {
                let s = i + 1;
                let mut e = s;
                while e < argv.len() && argv[e] != ";" && argv[e] != "+" {
                    e += 1;
                }
                if e > s {
                    let inner = SimpleCommand {
                        argv: argv[s..e].to_vec(),
                        span: cmd.span.clone(),
                        via: Some("find -exec".into()),
                        depth: depth + 1,
                        ..Default::default()
                    };
                    let spans = arg_spans.get(s..e).map(<[_]>::to_vec).unwrap_or_default();
                    emit(ctx, inner, spans, depth + 1);
                }
                i = e;
            }
            i += 1;
        }
    } else if is_interpreter(&p) {
        if let Some(i) = script_arg(argv) {
            let via = format!("{p} code");
            for call in code_calls(&argv[i]) {
                match call {
                    CodeCall::Shell(s) => {
                        parse_into(ctx, &s, Spans::Fixed(span_of(i)), depth + 1, Some(&via))
                    }
                    CodeCall::Argv(a) => {
                        let inner = SimpleCommand {
                            argv: a,
                            span: span_of(i),
                            via: Some(via.clone()),
                            depth: depth + 1,
                            ..Default::default()
                        };
                        emit(ctx, inner, Vec::new(), depth + 1);
                    }
                }
            }
        }
    }
}

/// Peel `VAR=x`, `sudo`, `env`, `nohup`, `time`, `nice`, `timeout`,
/// `xargs`, ... off `cmd.argv`, recording them.
fn unwrap(cmd: &mut SimpleCommand, spans: &mut Vec<Range<usize>>) {
    for _ in 0..8 {
        let Some(first) = cmd.argv.first() else {
            return;
        };
        let prog = basename(first).to_string();
        // (options taking a value, options ending the wrapper's own options)
        let skip: Option<usize> = match prog.as_str() {
            "sudo" | "doas" => Some(skip_opts(
                &cmd.argv,
                &[
                    "-u",
                    "-g",
                    "-C",
                    "-D",
                    "-h",
                    "-p",
                    "-r",
                    "-t",
                    "-U",
                    "-T",
                    "--user",
                    "--group",
                    "--chdir",
                    "--prompt",
                    "--role",
                    "--type",
                    "--other-user",
                    "--host",
                    "--close-from",
                ],
                0,
            )),
            "nohup" | "builtin" | "unbuffer" | "busybox" | "command"
                if !cmd.argv.iter().skip(1).any(|a| a == "-v" || a == "-V") =>
            {
                Some(skip_opts(&cmd.argv, &[], 0))
            }
            "exec" => Some(skip_opts(&cmd.argv, &["-a"], 0)),
            "time" => Some(skip_opts(
                &cmd.argv,
                &["-f", "-o", "--format", "--output"],
                0,
            )),
            "nice" => Some(skip_opts(&cmd.argv, &["-n", "--adjustment"], 0)),
            "ionice" => Some(skip_opts(
                &cmd.argv,
                &["-c", "-n", "--class", "--classdata"],
                0,
            )),
            "timeout" => Some(skip_opts(
                &cmd.argv,
                &["-s", "-k", "--signal", "--kill-after"],
                1,
            )),
            "stdbuf" => Some(skip_opts(
                &cmd.argv,
                &["-i", "-o", "-e", "--input", "--output", "--error"],
                0,
            )),
            "xargs" => Some(skip_opts(
                &cmd.argv,
                &[
                    "-I",
                    "-L",
                    "-n",
                    "-P",
                    "-s",
                    "-d",
                    "-E",
                    "-a",
                    "--max-args",
                    "--max-procs",
                    "--delimiter",
                    "--arg-file",
                    "--replace",
                    "--eof",
                    "--max-lines",
                    "--max-chars",
                ],
                0,
            )),
            "watch" => Some(skip_opts(&cmd.argv, &["-n", "--interval", "-d"], 0)),
            "env" => {
                // `env -S "cmd args"` splits its argument into words.
                if let Some(i) = cmd
                    .argv
                    .iter()
                    .position(|a| a == "-S" || a == "--split-string")
                {
                    if let Some(s) = cmd.argv.get(i + 1).cloned() {
                        let mut v: Vec<String> = s.split_whitespace().map(str::to_string).collect();
                        v.extend(cmd.argv[i + 2..].iter().cloned());
                        let sp = spans.get(i + 1).cloned().unwrap_or(cmd.span.clone());
                        *spans = vec![sp; v.len()];
                        cmd.wrappers.push(prog);
                        cmd.argv = v;
                        continue;
                    }
                }
                let mut k = skip_opts(&cmd.argv, &["-u", "-C", "--unset", "--chdir"], 0);
                while k < cmd.argv.len() && is_assignment(&cmd.argv[k]) {
                    cmd.assignments.push(cmd.argv[k].clone());
                    k += 1;
                }
                Some(k)
            }
            _ => None,
        };
        let Some(k) = skip else { return };
        cmd.wrappers.push(prog);
        let k = k.min(cmd.argv.len());
        cmd.argv.drain(..k);
        if spans.len() >= k {
            spans.drain(..k);
        } else {
            spans.clear();
        }
        // `sudo VAR=x cmd` also takes assignments.
        while cmd.argv.first().is_some_and(|a| is_assignment(a)) {
            cmd.assignments.push(cmd.argv.remove(0));
            if !spans.is_empty() {
                spans.remove(0);
            }
        }
    }
}

/// Index of the wrapped command in `argv` (argv[0] is the wrapper): skips
/// options (those in `with_value` take the next word), `--`, then
/// `positionals` words (timeout's DURATION).
fn skip_opts(argv: &[String], with_value: &[&str], positionals: usize) -> usize {
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        if with_value.contains(&a) {
            i += 2;
        } else {
            i += 1;
        }
    }
    (i + positionals).min(argv.len())
}

/// What code run by an interpreter asks the system to run.
#[derive(Debug, PartialEq)]
enum CodeCall {
    Shell(String),
    Argv(Vec<String>),
}

/// Calls in Python/Node/Perl/Ruby/PHP code that run commands or delete
/// trees: `os.system("...")`, `subprocess.run([...])`, `shutil.rmtree(p)`,
/// `execSync("...")`, `fs.rmSync(p, {recursive: true})`, `system("...")`.
fn code_calls(code: &str) -> Vec<CodeCall> {
    const SHELL: &[&str] = &[
        "system",
        "popen",
        "getoutput",
        "getstatusoutput",
        "execSync",
        "exec",
        "shell_exec",
        "passthru",
        "run",
        "call",
        "Popen",
        "check_call",
        "check_output",
        "spawnSync",
        "spawn",
        "execFileSync",
        "execFile",
        "execa",
    ];
    const RMTREE: &[&str] = &[
        "rmtree",
        "rm_rf",
        "remove_tree",
        "rmSync",
        "rmdirSync",
        "rm_r",
    ];
    let mut out = Vec::new();
    for (i, _) in code.match_indices('(') {
        if out.len() >= 32 {
            break;
        }
        let name_start = code[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$'))
            .map(|k| k + code[k..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let name = &code[name_start..i];
        let last = name.rsplit('.').next().unwrap_or(name);
        let args = &code[i + 1..];
        if SHELL.contains(&last) {
            let (first, rest) = literal(args);
            match first {
                Some(s) => {
                    if let Some(list) = rest
                        .trim_start()
                        .strip_prefix(',')
                        .and_then(|r| list_literal(r.trim_start()))
                    {
                        let mut v = vec![s];
                        v.extend(list);
                        out.push(CodeCall::Argv(v));
                    } else {
                        out.push(CodeCall::Shell(s));
                    }
                }
                None => {
                    if let Some(list) = list_literal(args.trim_start()) {
                        if !list.is_empty() {
                            out.push(CodeCall::Argv(list));
                        }
                    }
                }
            }
        } else if RMTREE.contains(&last) {
            let call_end = args.find(')').map(|k| k + 1).unwrap_or(args.len());
            let recursive = last != "rmSync" || args[..call_end].contains("recursive");
            let target = path_expr(args);
            let mut v = vec!["rm".to_string()];
            if recursive {
                v.push("-r".into());
                v.push("-f".into());
            }
            v.push(target);
            out.push(CodeCall::Argv(v));
        }
    }
    out
}

/// A string literal at the start of `s` (after spaces, optional r/f/b
/// prefix): its value and the text after it.
fn literal(s: &str) -> (Option<String>, &str) {
    let t = s.trim_start();
    let t2 = t.trim_start_matches(['r', 'f', 'b', 'u', 'R', 'F', 'B', 'U']);
    let Some(q) = t2.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
        return (None, s);
    };
    let body = &t2[1..];
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((k, c)) = chars.next() {
        if c == '\\' {
            if let Some((_, n)) = chars.next() {
                out.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    o => o,
                });
            }
        } else if c == q {
            return (Some(out), &body[k + 1..]);
        } else {
            out.push(c);
        }
    }
    (Some(out), "")
}

/// `["rm", "-rf", x]` at the start of `s`: literals kept, other items `<expr>`.
fn list_literal(s: &str) -> Option<Vec<String>> {
    let mut rest = s.strip_prefix('[')?;
    let mut v = Vec::new();
    for _ in 0..64 {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(']') {
            let _ = r;
            return Some(v);
        }
        let (lit, after) = literal(rest);
        match lit {
            Some(l) => {
                v.push(l);
                rest = after;
            }
            None => {
                let end = rest.find([',', ']']).unwrap_or(rest.len());
                if end == 0 {
                    return Some(v);
                }
                v.push(path_expr(&rest[..end]));
                rest = &rest[end..];
            }
        }
        rest = rest.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest);
        if rest.is_empty() {
            return Some(v);
        }
    }
    Some(v)
}

/// The path an expression names, as a shell word: literals as they are,
/// home and working directory spelled `~` and `.`, anything else `<expr>`.
fn path_expr(args: &str) -> String {
    let t = args.trim_start();
    if let (Some(l), _) = literal(t) {
        return l;
    }
    let head: String = t.chars().take(60).collect();
    let compact: String = head.split_whitespace().collect();
    if compact.contains("expanduser(\"~\")")
        || compact.contains("expanduser('~')")
        || compact.starts_with("Path.home()")
        || compact.contains("environ[\"HOME\"]")
        || compact.contains("environ['HOME']")
        || compact.contains("homedir()")
        || compact.contains("getenv(\"HOME\")")
        || compact.contains("getenv('HOME')")
        || compact.starts_with("ENV[\"HOME\"]")
        || compact.starts_with("Dir.home")
    {
        return "~".into();
    }
    if compact.starts_with("os.getcwd()")
        || compact.starts_with("process.cwd()")
        || compact.starts_with("Path.cwd()")
        || compact.starts_with("Dir.pwd")
    {
        return ".".into();
    }
    "<expr>".into()
}

/// Fill `stdin` from an `echo`/`printf`/`cat <<EOF` stage piped in.
fn propagate_stdin(out: &mut [SimpleCommand]) {
    for i in 0..out.len() {
        if out[i].stdin.is_some() {
            continue;
        }
        let Some(j) = out[i].pipe_source.filter(|&j| j < i) else {
            continue;
        };
        let src = &out[j];
        let text = match src.program() {
            "echo" | "printf" => Some(
                src.argv[1..]
                    .iter()
                    .filter(|a| !matches!(a.as_str(), "-n" | "-e" | "-E" | "-ne" | "-en"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace("\\n", "\n"),
            ),
            "cat" if src.argv.len() == 1 => src.stdin.clone(),
            _ => None,
        };
        out[i].stdin = text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(cmd: &str) -> Vec<Vec<String>> {
        parse_bounded(cmd)
            .commands
            .into_iter()
            .map(|c| c.argv)
            .collect()
    }
    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn quotes_escapes_and_lists() {
        assert_eq!(
            argvs(r#"echo 'a b' "c \"d\"" e\ f"#),
            vec![v(&["echo", "a b", "c \"d\"", "e f"])]
        );
        assert_eq!(
            argvs("a; b && c || d & e"),
            vec![v(&["a"]), v(&["b"]), v(&["c"]), v(&["d"]), v(&["e"])]
        );
        let p = parse_bounded("curl -s x | sh");
        assert!(p.commands[0].pipes_to_next);
        assert_eq!(p.commands[1].pipe_source, Some(0));
        assert_eq!(p.commands[1].span, 12..14);
    }

    #[test]
    fn substitutions_and_subshells() {
        let a = argvs("echo $(rm -rf /tmp/x) `ls` (cd a && make)");
        assert!(a.contains(&v(&["rm", "-rf", "/tmp/x"])));
        assert!(a.contains(&v(&["ls"])));
        assert!(a.contains(&v(&["make"])));
        let p = parse_bounded("X=$(whoami) echo \"$(id -u)\"");
        let id = p.commands.iter().find(|c| c.argv[0] == "id").unwrap();
        assert_eq!(&"X=$(whoami) echo \"$(id -u)\""[id.span.clone()], "id -u");
        assert_eq!(
            p.commands
                .iter()
                .find(|c| c.argv[0] == "echo")
                .unwrap()
                .assignments,
            v(&["X=$(whoami)"])
        );
    }

    #[test]
    fn wrappers_are_peeled() {
        let p = parse_bounded(
            "sudo -u root env -i PATH=/bin nohup nice -n 5 timeout -s KILL 10 rm -rf /",
        );
        assert_eq!(p.commands[0].argv, v(&["rm", "-rf", "/"]));
        assert_eq!(
            p.commands[0].wrappers,
            v(&["sudo", "env", "nohup", "nice", "timeout"])
        );
        assert_eq!(p.commands[0].assignments, v(&["PATH=/bin"]));
        assert_eq!(
            argvs("find . -name '*.o' | xargs -0 rm -f")[1],
            v(&["rm", "-f"])
        );
        assert_eq!(argvs("command -v rm")[0], v(&["command", "-v", "rm"]));
    }

    #[test]
    fn interpreters_and_exec() {
        let a = argvs("bash -lc 'cd /; rm -rf ~'");
        assert!(a.contains(&v(&["rm", "-rf", "~"])), "{a:?}");
        assert!(argvs("eval \"git push --force\"").contains(&v(&["git", "push", "--force"])));
        assert!(argvs("ssh -p 22 host 'rm -rf /var/www'").contains(&v(&["rm", "-rf", "/var/www"])));
        assert!(argvs("find . -type d -exec rm -rf {} +").contains(&v(&["rm", "-rf", "{}"])));
        assert!(argvs(r#"python3 -c "import os; os.system('rm -rf /')""#)
            .contains(&v(&["rm", "-rf", "/"])));
        assert!(argvs(
            r#"python -c "import subprocess; subprocess.run(['git','reset','--hard'])""#
        )
        .contains(&v(&["git", "reset", "--hard"])));
        assert!(
            argvs(r#"python -c "import shutil,os; shutil.rmtree(os.path.expanduser('~'))""#)
                .contains(&v(&["rm", "-r", "-f", "~"]))
        );
        assert!(
            argvs(r#"node -e "require('child_process').execSync('mkfs.ext4 /dev/sda')""#)
                .contains(&v(&["mkfs.ext4", "/dev/sda"]))
        );
    }

    #[test]
    fn heredocs_and_herestrings() {
        let p = parse_bounded("psql mydb <<'EOF'\nDROP TABLE users;\nEOF\necho done");
        assert_eq!(p.commands[0].stdin.as_deref(), Some("DROP TABLE users;\n"));
        assert_eq!(p.commands[1].argv, v(&["echo", "done"]));
        let p = parse_bounded("bash <<EOF\nrm -rf ~\nEOF");
        assert!(p
            .commands
            .iter()
            .any(|c| c.argv == v(&["rm", "-rf", "~"]) && c.via.as_deref() == Some("heredoc")));
        let p = parse_bounded("redis-cli <<< FLUSHALL");
        assert_eq!(p.commands[0].stdin.as_deref(), Some("FLUSHALL"));
        let p = parse_bounded("echo 'DROP DATABASE x' | mysql -u root");
        assert_eq!(p.commands[1].stdin.as_deref(), Some("DROP DATABASE x"));
        let p = parse_bounded("cat <<EOF | sqlite3 db\nDELETE FROM t;\nEOF\n");
        assert_eq!(p.commands[1].stdin.as_deref(), Some("DELETE FROM t;\n"));
    }

    #[test]
    fn shell_reading_echoed_text_runs_it() {
        let a = argvs("echo 'rm -rf ~' | sh");
        assert!(a.contains(&v(&["rm", "-rf", "~"])), "{a:?}");
        let a = argvs("printf 'git reset --hard\\n' | bash -s");
        assert!(a.contains(&v(&["git", "reset", "--hard"])), "{a:?}");
    }

    #[test]
    fn quoting_tricks_do_not_hide_the_program() {
        for c in [
            r"\rm -rf /",
            r#""rm" -rf /"#,
            "r''m -rf /",
            "/bin/rm -rf /",
            "command rm -rf /",
            "rm -rf -- /",
        ] {
            let p = parse_bounded(c);
            assert_eq!(p.commands[0].program(), "rm", "{c}");
        }
    }

    #[test]
    fn redirects() {
        let p = parse_bounded("echo hi > /tmp/a 2>&1 >>log");
        let r = &p.commands[0].redirects;
        assert_eq!(r[0].target, "/tmp/a");
        assert_eq!(
            r[1],
            Redirect {
                fd: Some(2),
                op: ">&".into(),
                target: "1".into()
            }
        );
        assert_eq!(r[2].op, ">>");
        assert_eq!(p.commands[0].argv, v(&["echo", "hi"]));
    }

    #[test]
    fn bounded_and_never_panics() {
        let deep = format!("{}rm -rf /{}", "$(".repeat(50), ")".repeat(50));
        assert!(parse_bounded(&deep).truncated);
        let long = "a ".repeat(MAX_LEN);
        assert!(parse_bounded(&long).truncated);
        let nested = "bash -c ".repeat(30) + "x";
        let _ = parse_bounded(&nested);
        for s in [
            "'",
            "\"",
            "$(",
            "`",
            "<<",
            "a |",
            "((((",
            "))))",
            "${",
            "$'\\",
            "2>",
            "\\",
            "é$(ü",
            ":(){ :|:& };:",
            "for i in 1 2; do rm $i; done",
            "case x in a) b;; esac",
        ] {
            let _ = parse_bounded(s);
        }
    }
}
