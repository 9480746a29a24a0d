#!/usr/bin/env python
# Splits the cost of one switch of slide 160's scheduler (`t = queue.popleft(); next(t);
# queue.append(t)`, gilbench_programs.py `round_robin`) into its parts on this interpreter, to see
# which part makes CPython 3.11+ cheaper than 2.7 (DocC *Queues, messages and coroutines*):
#   python2.7 scripts/coroutine-switch-costs.py; python3.13 scripts/coroutine-switch-costs.py
# Each loop below runs N times inside `while i > 0: ... i -= 1`; the rounds alternate the loops and
# each figure is the median over the rounds, in ns per time round, minus the empty loop's:
#   len(x)             a call of a builtin with one argument (the cost of calling, for comparison)
#   next(g)            the same call of the builtin next on a generator that yields at once
#                      (`while 1: yield`): the call plus the generator's resumption and its yield
#   resumption         next(g) minus len(x): what resuming the generator adds to a builtin's call
#                      (2.7: gen_send_ex and a PyEval_EvalFrameEx run; 3.11+: gen_send_ex2 and a
#                      _PyEval_EvalFrameDefault run, as both reach it from builtin_next, a C caller)
#   popleft+append     `t = q.popleft(); q.append(t)` on a deque (the scheduler's two method calls)
#   scheduler switch   the scheduler's whole switch, try/except included
import sys, time
from collections import deque

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7


def gen():
    while 1:
        yield


def empty(n):
    i = n
    while i > 0:
        i -= 1


def call_len(n):
    x = [1]
    i = n
    while i > 0:
        len(x)
        i -= 1


def call_next(n):
    g = gen()
    i = n
    while i > 0:
        next(g)
        i -= 1


def methods(n):
    q = deque([1])
    i = n
    while i > 0:
        t = q.popleft()
        q.append(t)
        i -= 1


def switch(n):
    q = deque([gen()])
    i = n
    while i > 0:
        t = q.popleft()
        try:
            next(t)
            q.append(t)
        except StopIteration:
            pass
        i -= 1


LOOPS = [empty, call_len, call_next, methods, switch]
times = dict((f.__name__, []) for f in LOOPS)
for r in range(ROUNDS):
    for f in LOOPS:
        start = time.time()
        f(N)
        times[f.__name__].append((time.time() - start) / N * 1e9)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


m = dict((name, median(values)) for name, values in times.items())
print('%s %s, N=%d, median of %d rounds, ns per time round' % (
    sys.implementation.name if hasattr(sys, 'implementation') else 'cpython',
    '.'.join(str(v) for v in sys.version_info[:3]), N, ROUNDS))
print('%-18s %7.1f' % ('empty loop', m['empty']))
for label, value in [('len(x)', m['call_len'] - m['empty']),
                     ('next(g)', m['call_next'] - m['empty']),
                     ('resumption', m['call_next'] - m['call_len']),
                     ('popleft+append', m['methods'] - m['empty']),
                     ('scheduler switch', m['switch'] - m['empty'])]:
    print('%-18s %7.1f' % (label, value))
