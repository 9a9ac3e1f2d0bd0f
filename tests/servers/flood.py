"""Floods the client with pings and never reads its answers: a client that
answers every request on a blocking pipe would hang once the pipe fills."""
import json
import sys
import time

sys.stdin.readline()  # initialize
for i in range(5000):
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": f"p{i}", "method": "ping"}) + "\n")
sys.stdout.flush()
while True:
    time.sleep(1)
