#!/usr/bin/env python3
"""A scripted Anthropic Messages API for driving the real Claude Code CLI offline.

Usage: scripted_api.py SCRIPT.json LOG.jsonl
Prints the port it listens on (127.0.0.1) as the first line of stdout.

SCRIPT.json: {"steps": [{"name": "Bash", "input": {...}}, ...], "final": "done"}
A request that lists tools gets the next step as a streamed `tool_use` block
(step N answers the request whose conversation holds N assistant turns), then
the final text once the steps are used up. A request without tools (the CLI's
side requests) gets a plain text answer. Every request body is appended to
LOG.jsonl so tests can read what the CLI sent (tool results, hook context).
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = json.load(open(sys.argv[1]))
LOG = sys.argv[2]
LOCK = threading.Lock()


def sse(events):
    out = []
    for e in events:
        out.append("event: %s\ndata: %s\n\n" % (e["type"], json.dumps(e)))
    return "".join(out).encode()


COUNTER = [0]


def message_start(model):
    # A fresh id per response: the CLI merges streamed messages that share one.
    with LOCK:
        COUNTER[0] += 1
        n = COUNTER[0]
    return {
        "type": "message_start",
        "message": {
            "id": "msg_scripted_%d" % n, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 1},
        },
    }


def text_events(model, text):
    return [
        message_start(model),
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 5}},
        {"type": "message_stop"},
    ]


def tool_events(model, step, n):
    return [
        message_start(model),
        {"type": "content_block_start", "index": 0, "content_block": {
            "type": "tool_use", "id": "toolu_%04d" % n, "name": step["name"], "input": {}}},
        {"type": "content_block_delta", "index": 0, "delta": {
            "type": "input_json_delta", "partial_json": json.dumps(step["input"])}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
         "usage": {"output_tokens": 5}},
        {"type": "message_stop"},
    ]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "scripted"}})

    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()

    def do_POST(self):
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n)
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            req = {}
        with LOCK:
            with open(LOG, "a") as f:
                f.write(json.dumps({"path": self.path, "body": req}) + "\n")
        if "count_tokens" in self.path:
            return self.send_json(200, {"input_tokens": 10})
        if not self.path.startswith("/v1/messages"):
            return self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "scripted"}})
        model = req.get("model", "claude-scripted")
        if req.get("tools"):
            turns = sum(1 for m in req.get("messages", []) if m.get("role") == "assistant")
            steps = SCRIPT.get("steps", [])
            if turns < len(steps):
                events = tool_events(model, steps[turns], turns)
            else:
                events = text_events(model, SCRIPT.get("final", "done"))
        else:
            events = text_events(model, "ok")
        if req.get("stream"):
            body = sse(events)
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            content = [{"type": "text", "text": "ok"}]
            self.send_json(200, {
                "id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
                "content": content, "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": 10, "output_tokens": 1},
            })


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
