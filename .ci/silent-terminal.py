#!/usr/bin/env python3
# Runs instatui twice in one session of a pty that never answers; prints the log's "pictures" lines.
import os, pty, sys, time, select, glob, shutil, tempfile
bin_, images = sys.argv[1], sys.argv[2]
home = tempfile.mkdtemp()
env = {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "HOME": home,
       "XDG_DATA_HOME": home + "/data", "XDG_CONFIG_HOME": home + "/config", "XDG_CACHE_HOME": home + "/cache",
       "XDG_RUNTIME_DIR": home, "INSTATUI_LOG": "info", "INSTATUI_DEMO_LOG_DIR": home + "/log"}
pid, fd = pty.fork()
if pid == 0:
    os.execve("/bin/sh", ["sh", "-c", f"{bin_} --demo --images {images}; {bin_} --demo --images {images}"], env)
def pump(t):
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: os.read(fd, 65536)
            except OSError: return
for _ in range(2):
    pump(4); os.write(fd, b"\x03"); pump(2)
os.waitpid(pid, 0)
for f in glob.glob(home + "/**/*.log*", recursive=True):
    for line in open(f, errors="replace"):
        if "pictures" in line: print(line.strip()[:200])
shutil.rmtree(home)
