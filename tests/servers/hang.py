"""Never answers; starts a child process first, which must be killed with it.

argv[1], if given, is a file the child's pid is written to.
"""
import subprocess
import sys
import time

child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        f.write(str(child.pid))
sys.stderr.write("hang: waiting forever\n")
sys.stderr.flush()
while True:
    time.sleep(1)
