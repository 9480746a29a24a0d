#!/usr/bin/env python
# Counts the bytecodes CPython runs in Queue.put and Queue.get (Lib/Queue.py and Lib/threading.py on
# 2.7, Lib/queue.py and Lib/threading.py on 3.x), by check-point class: fast (never a check point),
# attribute-class (a check point on 2.x to 3.9 only) and calls (a check point everywhere); the
# counts of QueueMethodCosts in the simulator come from this script:
#   python2.7 scripts/queue-bytecodes.py; python3.13 scripts/queue-bytecodes.py
# 3.12+ counts with sys.monitoring (every instruction executed); 2.x with a line trace and dis
# (every instruction of each line run, up to a RETURN_VALUE).
# Counts the bytecodes Queue.put and Queue.get execute, by class, on this interpreter.
import sys, dis, collections, threading, time
PY3 = sys.version_info[0] >= 3
try:
    import queue as Q
except ImportError:
    import Queue as Q
CALLS = set(['CALL', 'CALL_FUNCTION', 'CALL_FUNCTION_EX', 'CALL_METHOD', 'CALL_FUNCTION_KW', 'CALL_KW'])
FAST = set(['LOAD_FAST', 'LOAD_CONST', 'STORE_FAST', 'POP_TOP', 'DUP_TOP', 'ROT_TWO', 'ROT_THREE', 'NOP', 'SWAP', 'COPY',
            'PUSH_NULL', 'TO_BOOL', 'POP_JUMP_IF_FALSE', 'POP_JUMP_IF_TRUE', 'POP_JUMP_IF_NONE', 'POP_JUMP_IF_NOT_NONE',
            'JUMP_FORWARD', 'RETURN_VALUE', 'RETURN_CONST', 'EXTENDED_ARG', 'BEFORE_WITH', 'RESUME', 'LOAD_FAST_LOAD_FAST',
            'STORE_FAST_LOAD_FAST', 'STORE_FAST_STORE_FAST', 'LOAD_FAST_CHECK', 'POP_EXCEPT', 'RERAISE', 'JUMP_BACKWARD_NO_INTERRUPT'])
def klass(name):
    if name in CALLS: return 'C'
    if name in FAST: return 'F'
    return 'A'
counts = collections.Counter()
frames = collections.Counter()
me = [None]
if PY3:
    mon = sys.monitoring
    mon.use_tool_id(3, 'count')
    def on_instr(code, offset):
        if threading.get_ident() == me[0]:
            counts[klass(dis.opname[code.co_code[offset]])] += 1
    def on_start(code, offset):
        if threading.get_ident() == me[0]:
            frames[code.co_name] += 1
    mon.register_callback(3, mon.events.INSTRUCTION, on_instr)
    mon.register_callback(3, mon.events.PY_START, on_start)
    def start(): mon.set_events(3, mon.events.INSTRUCTION | mon.events.PY_START)
    def stop(): mon.set_events(3, 0)
else:
    import opcode
    cache = {}
    def line_ops(code):
        if code in cache: return cache[code]
        starts = list(dis.findlinestarts(code)); co = code.co_code; res = {}
        for i, (off, line) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(co)
            j = off; names = []
            while j < end:
                op = ord(co[j]); names.append(opcode.opname[op]); j += 3 if op >= opcode.HAVE_ARGUMENT else 1
            res.setdefault(line, []).extend(names)
        cache[code] = res
        return res
    def tracer(frame, event, arg):
        if threading.current_thread().ident != me[0]: return None
        if event == 'call': frames[frame.f_code.co_name] += 1
        elif event == 'line':
            names = line_ops(frame.f_code)[frame.f_lineno]
            # stop at the first return: what follows it in the line is not executed
            for n in names:
                counts[klass(n)] += 1
                if n == 'RETURN_VALUE': break
        return tracer
    def start(): sys.settrace(tracer)
    def stop(): sys.settrace(None)
base = collections.Counter(); baseframes = [0]
def measure(name, f):
    counts.clear(); frames.clear(); me[0] = threading.current_thread().ident
    start(); f(); stop()
    # minus the caller's own frame
    frames.pop('<lambda>', None); frames.pop('call', None)
    if name == 'baseline':
        base.update(counts); baseframes[0] = sum(frames.values()); return
    counts.subtract(base)
    total = sum(counts.values())
    print('%s %s: %d instructions (fast %d, attribute-class %d, calls %d), %d frames %s' % (
        sys.version.split()[0], name, total, counts['F'], counts['A'], counts['C'], sum(frames.values()) - baseframes[0], dict(frames)))
q = Q.Queue()
x = [1]
measure('baseline', lambda: x.append(1))
q.put(1); q.get()
def call(f, *a): return f(*a)
measure('put, no waiter', lambda: q.put(1))
measure('get, not empty', lambda: q.get())
# get that waits: another thread puts later
t = threading.Thread(target=lambda: (time.sleep(0.2), q.put(1))); t.start()
measure('get, waits once', lambda: q.get()); t.join()
# put that wakes a waiter: this thread puts while another waits
got = []
t = threading.Thread(target=lambda: got.append(q.get())); t.start(); time.sleep(0.2)
measure('put, wakes a waiter', lambda: q.put(1)); t.join()
