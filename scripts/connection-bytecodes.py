#!/usr/bin/env python3
# Counts the bytecodes CPython 3.12+ runs in multiprocessing Connection.send and Connection.recv
# (Lib/multiprocessing/connection.py: send, _check_closed, _check_writable, ForkingPickler.dumps,
# _send_bytes, _send; recv, _check_readable, _recv_bytes, _recv), by check-point class, with
# sys.monitoring; net of the "base" line (the caller). The counts of ConnectionCosts come from it:
#   python3.13 scripts/connection-bytecodes.py
# (CPython 2.7 runs them in C: Modules/_multiprocessing/connection.h, no bytecode.)
import sys, dis, collections, multiprocessing, time
from multiprocessing.connection import Pipe
CALLS = set(['CALL', 'CALL_FUNCTION_EX', 'CALL_KW'])
FAST = set(['LOAD_FAST', 'LOAD_CONST', 'STORE_FAST', 'POP_TOP', 'NOP', 'SWAP', 'COPY', 'PUSH_NULL', 'TO_BOOL',
            'POP_JUMP_IF_FALSE', 'POP_JUMP_IF_TRUE', 'POP_JUMP_IF_NONE', 'POP_JUMP_IF_NOT_NONE', 'JUMP_FORWARD',
            'RETURN_VALUE', 'RETURN_CONST', 'EXTENDED_ARG', 'BEFORE_WITH', 'RESUME', 'LOAD_FAST_LOAD_FAST',
            'STORE_FAST_LOAD_FAST', 'STORE_FAST_STORE_FAST', 'LOAD_FAST_CHECK', 'POP_EXCEPT', 'RERAISE', 'UNPACK_SEQUENCE'])
def klass(n): return 'C' if n in CALLS else ('F' if n in FAST else 'A')
mon = sys.monitoring; mon.use_tool_id(3, 'c')
counts = collections.Counter(); frames = collections.Counter()
mon.register_callback(3, mon.events.INSTRUCTION, lambda code, off: counts.update(klass(dis.opname[code.co_code[off]])))
mon.register_callback(3, mon.events.PY_START, lambda code, off: frames.update([code.co_name]))
a, b = Pipe()
def measure(name, f):
    counts.clear(); frames.clear()
    mon.set_events(3, mon.events.INSTRUCTION | mon.events.PY_START); f(); mon.set_events(3, 0)
    print(name, sum(counts.values()), dict(counts), sum(frames.values()), dict(frames))
for size in (64, 65536):
    msg = (time.monotonic(), b'x' * size)
    a.send(msg); b.recv()
    measure('base %d' % size, lambda: None)
    measure('send %d' % size, lambda: a.send(msg))
    measure('recv %d' % size, lambda: b.recv())
