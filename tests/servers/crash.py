"""Crashes on start with an explanation on stderr. Given QUOTES_API_KEY, it
prints the key in its error, as careless servers do: Warden must mask it."""
import os
import sys

sys.stderr.write("starting quotes server v1.2\n")
key = os.environ.get("QUOTES_API_KEY")
if key:
    sys.stderr.write(f"fatal: the quotes API rejected key {key}\n")
else:
    sys.stderr.write("fatal: QUOTES_API_KEY is not set\n")
sys.exit(3)
