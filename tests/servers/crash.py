"""Crashes on start with an explanation on stderr."""
import sys

sys.stderr.write("starting quotes server v1.2\n")
sys.stderr.write("fatal: QUOTES_API_KEY is not set\n")
sys.exit(3)
