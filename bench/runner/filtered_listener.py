#!/usr/bin/env python3
"""A loopback port that behaves like a firewalled one: it listens with a full backlog that is
never accepted, so the kernel drops further SYNs and a client's connect waits until its own
deadline. Prints the port, then holds until stdin closes."""
import socket
import sys

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
fillers = []
# Fill the accept queue (backlog 0 still admits one; take a few to be sure).
for _ in range(4):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(s)
print(port, flush=True)
sys.stdin.read()
