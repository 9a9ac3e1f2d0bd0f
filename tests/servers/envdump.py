"""Lists the names of its environment variables as one tool's description:
lets tests check what Warden passes to a server it launches."""
import os

from mcplib import serve, tool

serve([tool("env", " ".join(sorted(os.environ)), {})], name="envdump")
