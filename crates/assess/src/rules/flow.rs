//! Toxic flow: one agent holding the three tools a prompt injection needs to
//! steal data (untrusted input, private data, a way out).

use super::{Ctx, Hit, HitBuilder, Rule};
use warden_model::{Agent, Category, Severity, Tool};

pub static TOXIC_FLOW: Rule = Rule {
    id: "toxic-flow",
    category: Category::PromptInjection,
    severity: Severity::High,
    title: "Agent combines untrusted input, private data and a way out",
    what: "For each agent, classifies the enumerated tools of all its enabled servers: tools \
           that read untrusted content (web fetch and browsing, email, issues, chat), tools \
           that read private data (files, databases, repositories, memory, secrets), and \
           tools that can send data out (send, post, upload, push, create an issue or comment, \
           or fetch a URL). When one agent holds all three, it flags a prompt-injection \
           exposure naming one tool of each kind.",
    why: "This is the combination a prompt injection needs: instructions arrive in content \
          the agent reads, the agent reads the private data it is told to, and sends it where \
          it is told to. No single server is at fault, so per-server review misses it.",
    fix: "Split the capabilities across agents or profiles (a browsing agent without file or \
          database access), require confirmation for the outbound tool (`warden hook` policy \
          or the client's permission rules), and restrict what the reading tools can reach.",
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Untrusted,
    Private,
    Out,
}

fn words(t: &Tool) -> Vec<String> {
    super::tools::name_words(&t.name)
}

fn any(w: &[String], set: &[&str]) -> bool {
    w.iter().any(|x| set.contains(&x.as_str()))
}

const READ_VERBS: &[&str] = &[
    "get", "list", "read", "search", "fetch", "view", "show", "find", "query", "open", "load",
];

fn roles(t: &Tool) -> Vec<Role> {
    let w = words(t);
    let desc = t.description.as_deref().unwrap_or("").to_ascii_lowercase();
    let mut r = Vec::new();
    let web = any(
        &w,
        &[
            "fetch",
            "browse",
            "browser",
            "navigate",
            "scrape",
            "crawl",
            "web",
            "url",
            "http",
            "download",
            "rss",
            "puppeteer",
            "playwright",
        ],
    ) || desc.contains("fetches a url")
        || desc.contains("from the internet")
        || desc.contains("web page");
    let external_msgs = any(&w, READ_VERBS)
        && any(
            &w,
            &[
                "issue", "issues", "email", "emails", "mail", "inbox", "message", "messages",
                "comment", "comments", "pr", "pull", "ticket", "tickets", "channel", "thread",
                "tweet", "tweets", "post", "posts",
            ],
        );
    if web || external_msgs {
        r.push(Role::Untrusted);
    }
    let private = (any(&w, READ_VERBS) || any(&w, &["tree", "cat"]))
        && any(
            &w,
            &[
                "file",
                "files",
                "directory",
                "dir",
                "text",
                "media",
                "document",
                "documents",
                "doc",
                "docs",
                "drive",
                "graph",
                "nodes",
                "memory",
                "memories",
                "note",
                "notes",
                "secret",
                "secrets",
                "credential",
                "credentials",
                "password",
                "passwords",
                "env",
                "calendar",
                "contacts",
                "table",
                "tables",
                "record",
                "records",
                "rows",
                "contents",
                "repository",
                "repo",
            ],
        )
        || any(&w, &["sql", "query", "select"])
        || (any(&w, &["git"]) && any(&w, &["log", "diff", "show", "status"]));
    if private {
        r.push(Role::Private);
    }
    let out = any(
        &w,
        &[
            "send", "post", "publish", "upload", "push", "tweet", "share", "forward", "reply",
            "notify", "webhook", "request", "curl", "email",
        ],
    ) && !any(&w, &["get", "list", "read", "search"])
        || (any(&w, &["create", "add", "open", "comment"])
            && any(
                &w,
                &[
                    "issue", "comment", "pr", "pull", "message", "gist", "email", "post", "page",
                ],
            ))
        || web;
    if out {
        r.push(Role::Out);
    }
    r
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let mut clients: Vec<&str> = ctx.inv.servers.iter().map(|s| s.client.as_str()).collect();
    clients.sort();
    clients.dedup();
    for client in clients {
        // (server, tool, roles)
        let mut tools: Vec<(&str, &Tool, Vec<Role>)> = Vec::new();
        for s in ctx
            .inv
            .servers
            .iter()
            .filter(|s| s.client == client && s.enabled)
        {
            if let Some(snap) = ctx.snapshot(s) {
                for t in &snap.tools {
                    let r = roles(t);
                    if !r.is_empty() {
                        tools.push((s.name.as_str(), t, r));
                    }
                }
            }
        }
        let pick = |role: Role, not: &[&Tool]| {
            tools
                .iter()
                .filter(|(_, t, r)| r.contains(&role) && !not.iter().any(|n| std::ptr::eq(*n, *t)))
                // Prefer a tool with a single role: it names the capability plainly.
                .min_by_key(|(_, _, r)| r.len())
        };
        let Some(p) = pick(Role::Private, &[]) else {
            continue;
        };
        let Some(u) = pick(Role::Untrusted, &[p.1]) else {
            continue;
        };
        let Some(o) = pick(Role::Out, &[p.1]) else {
            continue;
        };
        let agent = ctx
            .inv
            .agents
            .iter()
            .find(|a| a.id == client)
            .cloned()
            .unwrap_or_else(|| super::placeholder_agent(client));
        let path = agent
            .config_files
            .first()
            .cloned()
            .or_else(|| {
                ctx.inv
                    .servers
                    .iter()
                    .find(|s| s.client == client)
                    .map(|s| s.source.clone())
            })
            .unwrap_or_default();
        let name = |x: &(&str, &Tool, Vec<Role>)| format!("{}/{}", x.0, x.1.name);
        out.push(agent_hit(&agent, &path, &name(u), &name(p), &name(o)));
    }
}

fn agent_hit(a: &Agent, path: &str, u: &str, p: &str, o: &str) -> Hit {
    HitBuilder::agent(&TOXIC_FLOW, a, path, format!("{} can be steered to leak data: {u} reads untrusted content, {p} reads private data, {o} sends it out", a.name))
        .preview(format!("untrusted: {u}; private: {p}; out: {o}"))
        .build()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn toxic_flow_positive_names_three_tools() {
        let f = fixture("flow/trifecta");
        let t = with_rule(&f, "toxic-flow");
        assert_eq!(t.len(), 1, "{f:#?}");
        assert_eq!(t[0].category.as_str(), "prompt-injection");
        assert_eq!(t[0].client.as_deref(), Some("claude-code"));
        assert!(t[0].server.is_none());
        let p = &t[0].evidence.preview;
        assert!(p.contains("untrusted: fetch/fetch"), "{p}");
        assert!(p.contains("private: filesystem/read_text_file"), "{p}");
        assert!(p.contains("out: slack/slack_post_message"), "{p}");
    }

    #[test]
    fn toxic_flow_negative_split_across_agents() {
        // The same three servers, but the private-data one belongs to another
        // agent and the outbound one is disabled.
        let f = fixture("flow/split");
        assert!(with_rule(&f, "toxic-flow").is_empty(), "{f:#?}");
    }
}
