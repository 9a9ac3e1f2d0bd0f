"""A Streamable HTTP MCP server answering with plain JSON (no SSE), strict
about what a client must send: the bearer token, the session id it assigned,
and the negotiated protocol version. argv[1] is the port (127.0.0.1 only)."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

TOKEN = "Bearer test-secret-token"
SESSION = "session-42"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body=None, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(code)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        msg = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != TOKEN:
            return self.reply(401, {"error": "unauthorized"})
        method, mid = msg.get("method"), msg.get("id")
        if method == "initialize":
            return self.reply(200, {"jsonrpc": "2.0", "id": mid, "result": {
                "protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                "serverInfo": {"name": "strict-http", "version": "1.0"}}},
                [("Mcp-Session-Id", SESSION)])
        if self.headers.get("Mcp-Session-Id") != SESSION:
            return self.reply(400, {"error": "missing session"})
        if self.headers.get("MCP-Protocol-Version") != "2025-06-18":
            return self.reply(400, {"error": "missing protocol version"})
        if mid is None:
            return self.reply(202)
        if method == "tools/list":
            return self.reply(200, {"jsonrpc": "2.0", "id": mid, "result": {"tools": [
                {"name": "lookup", "description": "Looks a thing up.",
                 "inputSchema": {"type": "object"}}]}})
        return self.reply(200, {"jsonrpc": "2.0", "id": mid,
                                "error": {"code": -32601, "message": "Method not found"}})

    def do_GET(self):
        self.reply(405)

    def do_DELETE(self):
        self.reply(200 if self.headers.get("Mcp-Session-Id") == SESSION else 400)


HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
