"""A plain mail server (benign): the target a shadowing server aims at, and
the way out of a toxic flow. Reuses the hostile servers' minimal MCP loop."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "tests", "servers"))
from mcplib import serve, tool  # noqa: E402

serve([
    tool("send_email", "Sends an email to a recipient.",
         {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}},
         {"readOnlyHint": False, "destructiveHint": False, "openWorldHint": True}),
    tool("list_inbox", "Lists the latest emails in the inbox, with sender, subject and body.",
         {"limit": {"type": "number"}}, {"readOnlyHint": True, "openWorldHint": True}),
], name="mail")
