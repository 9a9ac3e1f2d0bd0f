//! Remote transports: Streamable HTTP (2025-03-26 and later) and legacy SSE
//! (2024-11-05), over a blocking HTTP client (one thread per server anyway).

use crate::error::{sanitize, ErrorKind};
use crate::rpc::{answer_server_request, Incoming, Transport, TransportError};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Bound on any one response body or SSE event: hostile servers can stream forever.
const MAX_BODY: u64 = 16 << 20;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A redirect would carry the config's headers (often credentials)
        // somewhere the user did not configure: report it instead.
        .max_redirects(0)
        .user_agent(concat!("warden/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn remaining(deadline: Instant) -> Result<Duration, TransportError> {
    let d = deadline.saturating_duration_since(Instant::now());
    if d.is_zero() {
        Err(TransportError::Timeout)
    } else {
        Ok(d)
    }
}

fn http_error(e: ureq::Error) -> TransportError {
    match e {
        ureq::Error::Timeout(_) => TransportError::Timeout,
        e => TransportError::Fatal(ErrorKind::Http(sanitize(&e.to_string(), 200))),
    }
}

fn status_error(resp: &mut ureq::http::Response<ureq::Body>) -> TransportError {
    let status = resp.status();
    let body = resp
        .body_mut()
        .with_config()
        .limit(4096)
        .lossy_utf8(true)
        .read_to_string()
        .unwrap_or_default();
    let mut msg = format!(
        "status {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    let body = sanitize(&body, 160);
    if !body.is_empty() {
        msg.push_str(&format!(": {body}"));
    }
    TransportError::Fatal(ErrorKind::Http(msg.trim_end().to_string()))
}

/// One Server-Sent Event.
#[derive(Debug, Default, PartialEq)]
struct SseEvent {
    event: String,
    data: String,
}

/// Reads events one at a time from an `text/event-stream` body.
struct SseReader<R> {
    r: BufReader<R>,
}

impl<R: Read> SseReader<R> {
    fn new(r: R) -> Self {
        SseReader {
            r: BufReader::new(r),
        }
    }

    /// The next event; `Ok(None)` at the end of the stream.
    fn next_event(&mut self) -> std::io::Result<Option<SseEvent>> {
        let mut ev = SseEvent::default();
        let mut has_data = false;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = self
                .r
                .by_ref()
                .take(MAX_BODY)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(has_data.then_some(ev));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            if text.is_empty() {
                if has_data {
                    return Ok(Some(ev));
                }
                ev = SseEvent::default();
                continue;
            }
            let (field, value) = match text.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (text, ""),
            };
            match field {
                "event" => ev.event = value.to_string(),
                "data" => {
                    if has_data {
                        ev.data.push('\n');
                    }
                    if ev.data.len() + value.len() > MAX_BODY as usize {
                        return Err(std::io::Error::other("SSE event too large"));
                    }
                    ev.data.push_str(value);
                    has_data = true;
                }
                _ => {} // id, retry, comments
            }
        }
    }
}

fn parse_message(data: &str) -> Incoming {
    match serde_json::from_str::<Value>(data) {
        Ok(v) => Incoming::Message(v),
        Err(_) => Incoming::Garbage(sanitize(data, 120)),
    }
}

/// A JSON POST bounded by `deadline`: Content-Type, then the `fixed`
/// headers, then the server's configured ones.
fn json_post(
    agent: &ureq::Agent,
    url: &str,
    deadline: Instant,
    fixed: &[(&str, &str)],
    headers: &BTreeMap<String, String>,
) -> Result<ureq::RequestBuilder<ureq::typestate::WithBody>, TransportError> {
    let mut req = agent
        .post(url)
        .config()
        .timeout_global(Some(remaining(deadline)?))
        .build()
        .header("Content-Type", "application/json");
    for (k, v) in fixed.iter().copied() {
        req = req.header(k, v);
    }
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    Ok(req)
}

/// Streamable HTTP: every message is a POST to one URL; the answer comes back
/// as JSON or as an SSE stream on that POST.
pub(crate) struct StreamableHttp {
    agent: ureq::Agent,
    url: String,
    headers: BTreeMap<String, String>,
    session_id: Option<String>,
    protocol_version: Option<String>,
    queue: VecDeque<Incoming>,
}

impl StreamableHttp {
    pub(crate) fn new(url: &str, headers: &BTreeMap<String, String>) -> Self {
        StreamableHttp {
            agent: agent(),
            url: url.to_string(),
            headers: headers.clone(),
            session_id: None,
            protocol_version: None,
            queue: VecDeque::new(),
        }
    }

    /// True once `initialize` succeeded (a protocol version was negotiated).
    pub(crate) fn initialized(&self) -> bool {
        self.protocol_version.is_some()
    }

    fn post(
        &self,
        msg: &Value,
        deadline: Instant,
    ) -> Result<ureq::http::Response<ureq::Body>, TransportError> {
        let mut req = json_post(
            &self.agent,
            &self.url,
            deadline,
            &[("Accept", "application/json, text/event-stream")],
            &self.headers,
        )?;
        if let Some(s) = &self.session_id {
            req = req.header("Mcp-Session-Id", s.as_str());
        }
        if let Some(p) = &self.protocol_version {
            req = req.header("MCP-Protocol-Version", p.as_str());
        }
        req.send(serde_json::to_vec(msg).unwrap_or_default())
            .map_err(http_error)
    }
}

impl Transport for StreamableHttp {
    fn send(&mut self, msg: &Value, deadline: Instant) -> Result<(), TransportError> {
        let mut resp = self.post(msg, deadline)?;
        if !resp.status().is_success() {
            return Err(status_error(&mut resp));
        }
        if let Some(s) = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            self.session_id = Some(s.to_string());
        }
        let is_request = msg.get("method").is_some() && msg.get("id").is_some();
        let ctype = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ctype.starts_with("text/event-stream") {
            // Read until the answer to this request; the server may send its
            // own requests first and wait for our answers.
            let id = msg.get("id").cloned();
            let mut sse = SseReader::new(resp.into_body().into_reader());
            loop {
                let ev = match sse.next_event() {
                    Ok(Some(ev)) => ev,
                    Ok(None) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                        return Err(TransportError::Timeout)
                    }
                    Err(e) => {
                        return Err(TransportError::Fatal(ErrorKind::Http(sanitize(
                            &e.to_string(),
                            200,
                        ))))
                    }
                };
                if !(ev.event.is_empty() || ev.event == "message") {
                    continue;
                }
                let incoming = parse_message(&ev.data);
                if let Incoming::Message(v) = &incoming {
                    if let Some(answer) = answer_server_request(v) {
                        let mut r = self.post(&answer, deadline)?;
                        let _ = r.body_mut().with_config().limit(4096).read_to_vec();
                        continue;
                    }
                    let done = v.get("method").is_none() && v.get("id") == id.as_ref();
                    self.queue.push_back(incoming);
                    if done {
                        break;
                    }
                } else {
                    self.queue.push_back(incoming);
                }
            }
        } else if is_request || resp.status().as_u16() == 200 {
            let body = resp
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .lossy_utf8(true)
                .read_to_string()
                .map_err(http_error)?;
            if !body.trim().is_empty() {
                self.queue.push_back(parse_message(body.trim()));
            }
        }
        // The negotiated version goes on every request after `initialize`.
        if msg.get("method").and_then(Value::as_str) == Some("initialize") {
            for m in &self.queue {
                if let Incoming::Message(v) = m {
                    if let Some(p) = v.pointer("/result/protocolVersion").and_then(Value::as_str) {
                        self.protocol_version = Some(p.to_string());
                    }
                }
            }
        }
        Ok(())
    }

    fn recv(&mut self, _deadline: Instant) -> Result<Incoming, TransportError> {
        self.queue.pop_front().ok_or_else(|| {
            TransportError::Closed("the HTTP response carried no JSON-RPC answer".into())
        })
    }
}

impl Drop for StreamableHttp {
    fn drop(&mut self) {
        // End the session politely (the spec's DELETE); best effort, short.
        if let Some(s) = &self.session_id {
            let mut req = self
                .agent
                .delete(&self.url)
                .config()
                .timeout_global(Some(Duration::from_millis(500)))
                .build()
                .header("Mcp-Session-Id", s.as_str());
            for (k, v) in &self.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            let _ = req.call();
        }
    }
}

enum SseItem {
    Endpoint(String),
    Message(Incoming),
    End(String),
}

/// Legacy SSE: a GET stream whose first `endpoint` event names the URL to
/// POST messages to; answers come back on the stream.
pub(crate) struct LegacySse {
    agent: ureq::Agent,
    headers: BTreeMap<String, String>,
    endpoint: String,
    events: Receiver<SseItem>,
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let start = url.find("://").map(|i| i + 3).unwrap_or(0);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map(|i| start + i)
        .unwrap_or(url.len());
    &url[..end]
}

/// Resolve the `endpoint` event's URL against the stream's URL. Only the same
/// origin is accepted: the POSTs carry the config's headers.
fn resolve_endpoint(base: &str, endpoint: &str) -> Result<String, String> {
    let endpoint = endpoint.trim();
    let full = if endpoint.contains("://") {
        endpoint.to_string()
    } else if endpoint.starts_with('/') {
        format!("{}{endpoint}", origin(base))
    } else {
        let path_end = base.find(['?', '#']).unwrap_or(base.len());
        let dir = &base[..path_end];
        let dir = &dir[..dir.rfind('/').map(|i| i + 1).unwrap_or(dir.len())];
        format!("{dir}{endpoint}")
    };
    if !origin(&full).eq_ignore_ascii_case(origin(base)) {
        return Err(format!(
            "the server's endpoint `{}` is on another origin than `{}`",
            sanitize(&warden_model::redact_url(&full), 120),
            warden_model::redact_url(origin(base))
        ));
    }
    Ok(full)
}

impl LegacySse {
    pub(crate) fn connect(
        url: &str,
        headers: &BTreeMap<String, String>,
        deadline: Instant,
    ) -> Result<Self, ErrorKind> {
        let agent = agent();
        let mut req = agent
            .get(url)
            .config()
            .timeout_global(Some(
                deadline.saturating_duration_since(Instant::now()) + Duration::from_millis(100),
            ))
            .build()
            .header("Accept", "text/event-stream");
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let mut resp = req.call().map_err(|e| match http_error(e) {
            TransportError::Fatal(k) => k,
            _ => ErrorKind::Http("timed out opening the event stream".into()),
        })?;
        if !resp.status().is_success() {
            return Err(match status_error(&mut resp) {
                TransportError::Fatal(k) => k,
                _ => ErrorKind::Http("bad status".into()),
            });
        }
        let (tx, events) = mpsc::channel();
        let body = resp.into_body().into_reader();
        // The stream is read on its own thread so that recv can time out; the
        // request's own timeout ends the thread at the latest.
        std::thread::spawn(move || {
            let mut sse = SseReader::new(body);
            loop {
                let item = match sse.next_event() {
                    Ok(Some(ev)) if ev.event == "endpoint" => SseItem::Endpoint(ev.data),
                    Ok(Some(ev)) if ev.event.is_empty() || ev.event == "message" => {
                        SseItem::Message(parse_message(&ev.data))
                    }
                    Ok(Some(_)) => continue,
                    Ok(None) => SseItem::End("the event stream ended".into()),
                    Err(e) => SseItem::End(format!("the event stream failed: {e}")),
                };
                let end = matches!(item, SseItem::End(_));
                if tx.send(item).is_err() || end {
                    return;
                }
            }
        });
        let first = events
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .map_err(|_| ErrorKind::Timeout {
                waiting_for: "endpoint event".into(),
                after: Duration::ZERO,
                note: None,
            })?;
        let endpoint = match first {
            SseItem::Endpoint(e) => resolve_endpoint(url, &e).map_err(ErrorKind::NotMcp)?,
            SseItem::Message(_) => {
                return Err(ErrorKind::NotMcp(
                    "the event stream did not start with an `endpoint` event".into(),
                ))
            }
            SseItem::End(why) => return Err(ErrorKind::Http(why)),
        };
        Ok(LegacySse {
            agent,
            headers: headers.clone(),
            endpoint,
            events,
        })
    }
}

impl Transport for LegacySse {
    fn send(&mut self, msg: &Value, deadline: Instant) -> Result<(), TransportError> {
        let req = json_post(&self.agent, &self.endpoint, deadline, &[], &self.headers)?;
        let mut resp = req
            .send(serde_json::to_vec(msg).unwrap_or_default())
            .map_err(http_error)?;
        if !resp.status().is_success() {
            return Err(status_error(&mut resp));
        }
        let _ = resp.body_mut().with_config().limit(4096).read_to_vec();
        Ok(())
    }

    fn recv(&mut self, deadline: Instant) -> Result<Incoming, TransportError> {
        loop {
            match self
                .events
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(SseItem::Message(m)) => return Ok(m),
                Ok(SseItem::Endpoint(_)) => continue,
                Ok(SseItem::End(why)) => return Err(TransportError::Closed(why)),
                Err(RecvTimeoutError::Timeout) => return Err(TransportError::Timeout),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(TransportError::Closed("the event stream ended".into()))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_events_parse_multiline_and_ignore_comments() {
        let s =
            ": comment\nevent: endpoint\ndata: /message?sessionId=1\n\ndata: {\"a\":\ndata: 1}\n\n";
        let mut r = SseReader::new(s.as_bytes());
        let e1 = r.next_event().unwrap().unwrap();
        assert_eq!(e1.event, "endpoint");
        assert_eq!(e1.data, "/message?sessionId=1");
        let e2 = r.next_event().unwrap().unwrap();
        assert_eq!(e2.event, "");
        assert_eq!(e2.data, "{\"a\":\n1}");
        assert!(r.next_event().unwrap().is_none());
    }

    #[test]
    fn endpoint_must_stay_on_the_same_origin() {
        let base = "http://127.0.0.1:3001/sse";
        assert_eq!(
            resolve_endpoint(base, "/message?sessionId=x").unwrap(),
            "http://127.0.0.1:3001/message?sessionId=x"
        );
        assert_eq!(
            resolve_endpoint(base, "message").unwrap(),
            "http://127.0.0.1:3001/message"
        );
        assert!(resolve_endpoint(base, "http://evil.example/collect").is_err());
    }
}
