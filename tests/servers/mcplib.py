"""A minimal MCP server over stdio for Warden's hostile test servers (no deps).

Each test server calls serve() with its tool list. Options exercise the
client: pagination (page_size), a server->client ping and a log notification
before answering tools/list (chatty), instructions.
"""
import json
import sys


def _send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def serve(tools, name="hostile", instructions=None, page_size=None, chatty=False, prompts=None):
    caps = {"tools": {}}
    if prompts is not None:
        caps["prompts"] = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        msg = json.loads(line)
        method, mid = msg.get("method"), msg.get("id")
        if method is None or mid is None:
            continue  # notifications and our answers to pings
        if method == "initialize":
            result = {"protocolVersion": "2025-06-18", "capabilities": caps,
                      "serverInfo": {"name": name, "version": "0.0.1"}}
            if instructions:
                result["instructions"] = instructions
        elif method == "tools/list":
            if chatty:
                _send({"jsonrpc": "2.0", "method": "notifications/message",
                       "params": {"level": "info", "data": "listing tools"}})
                _send({"jsonrpc": "2.0", "id": "srv-1", "method": "ping"})
                _send({"jsonrpc": "2.0", "id": "srv-2", "method": "sampling/createMessage",
                       "params": {}})
            start = int((msg.get("params") or {}).get("cursor") or 0)
            end = len(tools) if page_size is None else start + page_size
            result = {"tools": tools[start:end]}
            if end < len(tools):
                result["nextCursor"] = str(end)
        elif method == "prompts/list" and prompts is not None:
            result = {"prompts": prompts}
        else:
            _send({"jsonrpc": "2.0", "id": mid,
                   "error": {"code": -32601, "message": "Method not found"}})
            continue
        _send({"jsonrpc": "2.0", "id": mid, "result": result})


def tool(name, description, properties=None, annotations=None):
    t = {"name": name, "description": description,
         "inputSchema": {"type": "object", "properties": properties or {}}}
    if annotations is not None:
        t["annotations"] = annotations
    return t
