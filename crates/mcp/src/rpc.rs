//! JSON-RPC 2.0 over any MCP transport: requests matched to responses by id,
//! server-to-client requests answered, notifications ignored.

use crate::error::{sanitize, ErrorKind};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// What a transport hands up: a JSON-RPC message, or a line that is not one.
pub(crate) enum Incoming {
    Message(Value),
    /// Printable preview of output that is not JSON-RPC.
    Garbage(String),
}

pub(crate) enum TransportError {
    Timeout,
    /// The peer went away (process exited, stream ended); the text says how.
    Closed(String),
    Fatal(ErrorKind),
}

pub(crate) trait Transport {
    fn send(&mut self, msg: &Value, deadline: Instant) -> Result<(), TransportError>;
    fn recv(&mut self, deadline: Instant) -> Result<Incoming, TransportError>;
}

/// More output than this that is not JSON-RPC, and the peer is not an MCP server.
const MAX_GARBAGE: usize = 20;
/// Requests from the server answered in one session. Enumeration needs a
/// few at most; a flood is hostile, and answering it without end could fill
/// a pipe the server does not read (and block the write).
const MAX_SERVER_REQUESTS: usize = 100;

/// The answer Warden gives a server's own request during enumeration: Warden
/// offers no capabilities, so only `ping` and an empty `roots/list` succeed.
pub(crate) fn answer_server_request(msg: &Value) -> Option<Value> {
    let method = msg.get("method")?.as_str()?;
    let id = msg.get("id")?.clone();
    Some(match method {
        "ping" => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
        "roots/list" => json!({"jsonrpc": "2.0", "id": id, "result": {"roots": []}}),
        _ => json!({"jsonrpc": "2.0", "id": id,
                    "error": {"code": -32601, "message": format!("method not found: {method}")}}),
    })
}

/// A JSON-RPC message is an object carrying a method (request or
/// notification) or an id with a result or error (response).
fn is_jsonrpc(v: &Value) -> bool {
    v.is_object()
        && (v.get("method").is_some_and(Value::is_string)
            || (v.get("id").is_some() && (v.get("result").is_some() || v.get("error").is_some())))
}

pub(crate) struct Session<T: Transport> {
    pub(crate) transport: T,
    next_id: i64,
    deadline: Instant,
    timeout: Duration,
    garbage: usize,
    first_garbage: Option<String>,
    server_requests: usize,
    /// A batch (JSON array) arrives as one item; its members wait here.
    pending: std::collections::VecDeque<Value>,
}

impl<T: Transport> Session<T> {
    /// `deadline` ends the whole exchange; `timeout` is what error messages say.
    pub(crate) fn with_deadline(transport: T, deadline: Instant, timeout: Duration) -> Self {
        Session {
            transport,
            next_id: 0,
            deadline,
            timeout,
            garbage: 0,
            first_garbage: None,
            server_requests: 0,
            pending: Default::default(),
        }
    }

    fn garbage_note(&self) -> Option<String> {
        self.first_garbage
            .as_ref()
            .map(|g| format!("it wrote output that is not JSON-RPC: `{g}`"))
    }

    fn map_err(&self, e: TransportError, method: &str) -> ErrorKind {
        match e {
            TransportError::Timeout => ErrorKind::Timeout {
                waiting_for: method.to_string(),
                after: self.timeout,
                note: self.garbage_note(),
            },
            TransportError::Closed(detail) => ErrorKind::Closed {
                detail: match self.garbage_note() {
                    Some(n) => format!("{detail}; {n}"),
                    None => detail,
                },
                waiting_for: method.to_string(),
            },
            TransportError::Fatal(k) => k,
        }
    }

    fn next_message(&mut self, method: &str) -> Result<Value, ErrorKind> {
        loop {
            if let Some(v) = self.pending.pop_front() {
                if is_jsonrpc(&v) {
                    return Ok(v);
                }
                self.note_garbage(sanitize(&v.to_string(), 120))?;
                continue;
            }
            match self.transport.recv(self.deadline) {
                Ok(Incoming::Message(Value::Array(batch))) => self.pending.extend(batch),
                Ok(Incoming::Message(v)) => self.pending.push_back(v),
                Ok(Incoming::Garbage(g)) => self.note_garbage(g)?,
                Err(e) => return Err(self.map_err(e, method)),
            }
        }
    }

    fn note_garbage(&mut self, preview: String) -> Result<(), ErrorKind> {
        self.garbage += 1;
        self.first_garbage.get_or_insert(preview);
        if self.garbage > MAX_GARBAGE {
            return Err(ErrorKind::NotMcp(format!(
                "{} messages are not JSON-RPC, the first: `{}`",
                self.garbage,
                self.first_garbage.as_deref().unwrap_or_default()
            )));
        }
        Ok(())
    }

    pub(crate) fn notify(&mut self, method: &str) -> Result<(), ErrorKind> {
        let msg = json!({"jsonrpc": "2.0", "method": method});
        self.transport
            .send(&msg, self.deadline)
            .map_err(|e| self.map_err(e, method))
    }

    /// Send a request and wait for its response. `Err(Rpc)` carries the
    /// server's JSON-RPC error.
    pub(crate) fn request(&mut self, method: &str, params: Value) -> Result<Value, ErrorKind> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.transport
            .send(&msg, self.deadline)
            .map_err(|e| self.map_err(e, method))?;
        loop {
            let v = self.next_message(method)?;
            if v.get("method").is_some() {
                // A request from the server (answered) or a notification (ignored).
                if let Some(answer) = answer_server_request(&v) {
                    self.server_requests += 1;
                    if self.server_requests > MAX_SERVER_REQUESTS {
                        return Err(ErrorKind::NotMcp(format!(
                            "more than {MAX_SERVER_REQUESTS} requests from the server while waiting for `{method}`"
                        )));
                    }
                    self.transport
                        .send(&answer, self.deadline)
                        .map_err(|e| self.map_err(e, method))?;
                }
                continue;
            }
            if v.get("id").and_then(Value::as_i64) != Some(id) {
                continue; // a stale or foreign response
            }
            if let Some(err) = v.get("error") {
                return Err(ErrorKind::Rpc {
                    method: method.to_string(),
                    code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
                    message: sanitize(
                        err.get("message").and_then(Value::as_str).unwrap_or(""),
                        200,
                    ),
                });
            }
            return Ok(v.get("result").cloned().unwrap_or(Value::Null));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Plays back scripted incoming items and records what was sent.
    struct Script {
        incoming: VecDeque<Incoming>,
        sent: Vec<Value>,
    }

    impl Transport for Script {
        fn send(&mut self, msg: &Value, _: Instant) -> Result<(), TransportError> {
            self.sent.push(msg.clone());
            Ok(())
        }
        fn recv(&mut self, _: Instant) -> Result<Incoming, TransportError> {
            self.incoming.pop_front().ok_or(TransportError::Timeout)
        }
    }

    fn session(items: Vec<Incoming>) -> Session<Script> {
        let t = Script {
            incoming: items.into(),
            sent: vec![],
        };
        Session::with_deadline(t, Instant::now(), Duration::from_secs(1))
    }

    #[test]
    fn answers_server_requests_skips_noise_and_matches_ids() {
        let mut s = session(vec![
            Incoming::Garbage("banner".into()),
            Incoming::Message(json!({"jsonrpc": "2.0", "method": "notifications/message"})),
            Incoming::Message(json!([
                {"jsonrpc": "2.0", "id": "a", "method": "ping"},
                {"jsonrpc": "2.0", "id": 99, "result": {"stale": true}}
            ])),
            Incoming::Message(json!({"jsonrpc": "2.0", "id": "b", "method": "elicitation/create"})),
            Incoming::Message(json!({"jsonrpc": "2.0", "id": 1, "result": {"ok": true}})),
        ]);
        assert_eq!(
            s.request("tools/list", json!({})).unwrap(),
            json!({"ok": true})
        );
        let sent = &s.transport.sent;
        assert_eq!(sent[1], json!({"jsonrpc": "2.0", "id": "a", "result": {}}));
        assert_eq!(sent[2]["error"]["code"], -32601);
        assert_eq!(sent[2]["id"], "b");
    }

    #[test]
    fn errors_say_what_was_awaited() {
        let mut s = session(vec![Incoming::Message(
            json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "bad\u{1b}[31m"}}),
        )]);
        let e = s.request("tools/list", json!({})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`tools/list` failed: bad [31m (JSON-RPC error -32602)"
        );
        let e = s.request("prompts/list", json!({})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no answer to `prompts/list` within 1s"),
            "{e}"
        );
        let mut s = session(
            (0..30)
                .map(|i| Incoming::Garbage(format!("junk {i}")))
                .collect(),
        );
        let e = s.request("initialize", json!({})).unwrap_err();
        assert!(
            matches!(e, ErrorKind::NotMcp(ref m) if m.contains("junk 0")),
            "{e}"
        );
    }
}
