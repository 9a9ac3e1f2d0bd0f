//! `warden scan --format cyclonedx`: the inventory as a CycloneDX 1.6 AI bill
//! of materials. Agents and MCP servers are components (servers with a
//! package URL when they run an npm, PyPI or container package), each
//! server's tools are services, and findings are vulnerabilities affecting
//! the server or agent they are about. Secrets never appear: args and URLs
//! pass through the model's redaction, env and header values are not read.

use crate::output::Report;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use warden_assess::{launch, Launch};
use warden_model::{fingerprint, redact_args, redact_url, Finding};

/// A tool description is the server's text: bounded, and stripped of
/// invisible characters so the BOM shows what a reviewer can see.
fn clean(text: &str, max: usize) -> String {
    let t = warden_detect::unicode::strip_hidden(text);
    let t: String = t
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if t.chars().count() > max {
        let mut s: String = t.chars().take(max).collect();
        s.push('…');
        s
    } else {
        t
    }
}

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({"name": format!("warden:{name}"), "value": value.into()})
}

/// A UUID-shaped serial number, unique per run.
fn serial() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let hex = fingerprint(&format!("{nanos}:{}", std::process::id()));
    let h = &hex["sha256:".len()..];
    // Version 4 / variant 1 bits, so validators that check them accept it.
    format!(
        "urn:uuid:{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Build the BOM as JSON.
pub fn bom(report: &Report) -> Value {
    let mut components = Vec::new();
    let mut services = Vec::new();
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut refs: HashSet<String> = HashSet::new();
    let mut unique = |r: String| -> String {
        let mut r2 = r.clone();
        let mut n = 2;
        while !refs.insert(r2.clone()) {
            r2 = format!("{r}#{n}");
            n += 1;
        }
        r2
    };

    // Agents: every discovered agent, and every client id servers name.
    let mut agent_ref: BTreeMap<String, String> = BTreeMap::new();
    for a in &report.agents {
        let r = unique(format!("agent:{}", a.id));
        let mut c = Map::new();
        c.insert("type".into(), json!("application"));
        c.insert("bom-ref".into(), json!(r));
        c.insert("name".into(), json!(a.name));
        if let Some(v) = &a.version {
            c.insert("version".into(), json!(v));
        }
        let mut props = vec![prop("kind", "agent"), prop("client", a.id.clone())];
        if let Some(b) = &a.binary {
            props.push(prop("binary", b.clone()));
        }
        if a.shadow {
            props.push(prop("shadow", "true"));
        }
        for f in &a.config_files {
            props.push(prop("config-file", f.clone()));
        }
        c.insert("properties".into(), json!(props));
        components.push(Value::Object(c));
        agent_ref.insert(a.id.clone(), r);
    }
    for s in &report.servers {
        if !agent_ref.contains_key(&s.def.client) {
            let r = unique(format!("agent:{}", s.def.client));
            components.push(json!({
                "type": "application",
                "bom-ref": r,
                "name": s.def.client,
                "properties": [prop("kind", "agent"), prop("client", s.def.client.clone())],
            }));
            agent_ref.insert(s.def.client.clone(), r);
        }
    }

    // Servers, and their tools as services.
    let mut server_ref: Vec<(String, String, String, String)> = Vec::new(); // (client, name, source, ref)
    for s in &report.servers {
        let d = &s.def;
        let r = unique(format!("server:{}", d.key()));
        let mut c = Map::new();
        c.insert("type".into(), json!("application"));
        c.insert("bom-ref".into(), json!(r));
        c.insert("name".into(), json!(d.name));
        let mut props = vec![
            prop("kind", "mcp-server"),
            prop("client", d.client.clone()),
            prop("scope", d.scope.as_str()),
            prop("source", d.source.clone()),
            prop("transport", d.transport.as_str()),
            prop("enabled", d.enabled.to_string()),
            prop("approved", d.approved.to_string()),
        ];
        if let Some(cmd) = &d.command {
            let mut parts = vec![cmd.clone()];
            parts.extend(redact_args(&d.args));
            props.push(prop("command", parts.join(" ")));
        }
        if let Some(u) = &d.url {
            props.push(prop("url", redact_url(u)));
        }
        if d.shadow {
            props.push(prop("shadow", "true"));
        }
        match launch(d) {
            Launch::Package(p) => {
                c.insert("group".into(), json!(p.ecosystem.as_str()));
                if let Some(v) = p.version.as_ref().or(p.digest.as_ref()) {
                    c.insert("version".into(), json!(v));
                }
                if p.off_registry.is_none() {
                    c.insert("purl".into(), json!(p.purl()));
                }
                props.push(prop("package", p.spec()));
            }
            Launch::Local { path, .. } => props.push(prop("local-path", path)),
            _ => {}
        }
        c.insert("properties".into(), json!(props));
        if let Some(info) = &s.server_info {
            if let Some(v) = info.get("version").and_then(Value::as_str) {
                c.entry("version").or_insert(json!(v));
            }
        }
        components.push(Value::Object(c));
        deps.entry(agent_ref[&d.client].clone())
            .or_default()
            .push(r.clone());
        server_ref.push((
            d.client.clone(),
            d.name.clone(),
            d.source.clone(),
            r.clone(),
        ));

        for t in s.tools.iter().flatten() {
            let tr = unique(format!("tool:{}/{}", d.key(), t.name));
            let mut svc = Map::new();
            svc.insert("bom-ref".into(), json!(tr));
            svc.insert("name".into(), json!(clean(&t.name, 200)));
            if let Some(desc) = &t.description {
                svc.insert("description".into(), json!(clean(desc, 2000)));
            }
            if let Some(u) = &d.url {
                svc.insert("endpoints".into(), json!([redact_url(u)]));
            }
            let mut tprops = vec![prop("kind", "mcp-tool"), prop("server", d.key())];
            if !t.hash.is_empty() {
                tprops.push(prop("tool-hash", t.hash.clone()));
            }
            for h in ["readOnlyHint", "destructiveHint", "openWorldHint"] {
                if let Some(b) = t.hint(h) {
                    tprops.push(prop(h, b.to_string()));
                }
            }
            svc.insert("properties".into(), json!(tprops));
            services.push(Value::Object(svc));
            deps.entry(r.clone()).or_default().push(tr);
        }
    }

    let vulns: Vec<Value> = report
        .findings
        .iter()
        .filter_map(|f| vulnerability(f, &server_ref, &agent_ref))
        .collect();

    let mut bom = Map::new();
    bom.insert("bomFormat".into(), json!("CycloneDX"));
    bom.insert("specVersion".into(), json!("1.6"));
    bom.insert("serialNumber".into(), json!(serial()));
    bom.insert("version".into(), json!(1));
    bom.insert(
        "metadata".into(),
        json!({
            "timestamp": warden_model::now_rfc3339_millis(),
            "tools": {"components": [{
                "type": "application",
                "name": "warden",
                "version": env!("CARGO_PKG_VERSION"),
                "description": "Security for AI agents and MCP servers",
            }]},
            "properties": [prop("bom-kind", "ai-agent-inventory")],
        }),
    );
    bom.insert("components".into(), json!(components));
    if !services.is_empty() {
        bom.insert("services".into(), json!(services));
    }
    let dependencies: Vec<Value> = deps
        .into_iter()
        .map(|(r, mut on)| {
            on.sort();
            on.dedup();
            json!({"ref": r, "dependsOn": on})
        })
        .collect();
    if !dependencies.is_empty() {
        bom.insert("dependencies".into(), json!(dependencies));
    }
    if !vulns.is_empty() {
        bom.insert("vulnerabilities".into(), json!(vulns));
    }
    Value::Object(bom)
}

/// A finding as a vulnerability of the server or agent it is about; None
/// when it is about neither (nothing in the BOM to attach it to).
fn vulnerability(
    f: &Finding,
    servers: &[(String, String, String, String)],
    agents: &BTreeMap<String, String>,
) -> Option<Value> {
    let client = f.client.as_deref();
    let target = match &f.server {
        Some(name) => servers
            .iter()
            .find(|(c, n, src, _)| {
                Some(c.as_str()) == client && n == name && *src == f.location.path
            })
            .or_else(|| {
                servers
                    .iter()
                    .find(|(c, n, _, _)| Some(c.as_str()) == client && n == name)
            })
            .map(|(_, _, _, r)| r.clone()),
        None => client.and_then(|c| agents.get(c).cloned()),
    }?;
    let mut props = vec![
        prop("rule", f.rule.clone()),
        prop("category", f.category.as_str()),
        prop("location", f.location.path.clone()),
    ];
    if let Some(field) = &f.location.field {
        props.push(prop("field", field.clone()));
    }
    if let Some(fp) = &f.evidence.fingerprint {
        props.push(prop("fingerprint", fp.clone()));
    }
    Some(json!({
        "bom-ref": format!("finding:{}", f.id),
        "id": f.id,
        "source": {"name": "Warden"},
        "ratings": [{"source": {"name": "Warden"}, "severity": f.severity.as_str(), "method": "other"}],
        "description": f.title,
        "detail": f.evidence.preview,
        "recommendation": f.remediation,
        "affects": [{"ref": target}],
        "properties": props,
    }))
}

pub fn write(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &bom(report))?;
    writeln!(out)?;
    Ok(())
}
