#!/usr/bin/env python3
# Writes instatui's graphics query, times the first byte and the DA1 answer (end).
import os, sys, time, termios, tty, select
through_tmux = len(sys.argv) > 2 and sys.argv[2] == "tmux"
q = "\x1b[>0q" + "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\" + "\x1b[16t" + "\x1b[14t" + "\x1b]11;?\x1b\\" + "\x1b[c"
if through_tmux:
    q = "\x1bPtmux;" + q.replace("\x1b", "\x1b\x1b") + "\x1b\\"
fd = sys.stdin.fileno()
old = termios.tcgetattr(fd)
tty.setraw(fd)
out = []
try:
    for run in range(20):
        t0 = time.perf_counter()
        os.write(1, q.encode())
        first = None; buf = b""
        while True:
            r, _, _ = select.select([fd], [], [], 3.0)
            if not r: break
            b = os.read(fd, 4096)
            if first is None: first = time.perf_counter() - t0
            buf += b
            # DA1 answer: ESC [ ? ... c
            import re
            if re.search(rb"\x1b\[\?[0-9;]*c", buf): break
        end = time.perf_counter() - t0
        out.append((first, end, buf))
        time.sleep(0.05)
finally:
    termios.tcsetattr(fd, termios.TCSADRAIN, old)
with open(sys.argv[1], "w") as f:
    for first, end, buf in out:
        f.write(f"{(first or -1)*1000:.2f} {end*1000:.2f} {buf!r}\n")
