"""Speaks something other than MCP on stdout, then stays up."""
import sys
import time

for i in range(200):
    sys.stdout.write(f"HTTP/1.1 200 OK <html>not json {i}</html>\n")
sys.stdout.flush()
while True:
    time.sleep(1)
