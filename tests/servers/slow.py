"""Takes argv[1] seconds to start (like a server fetched by npx or uvx, or
one that connects to its backend first), then serves one tool."""
import sys
import time

from mcplib import serve, tool

time.sleep(float(sys.argv[1]))
serve([tool("ready", "Answers once started.", {}, {"readOnlyHint": True})], name="slow")
