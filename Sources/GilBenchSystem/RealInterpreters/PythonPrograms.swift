import GilBenchSimulator
/// The Python programs `gilbench python` runs on a real interpreter: the slides' own code.
///
/// Written to a temporary file and run as `python gilbench_programs.py EXPERIMENT N [INTERVAL|-] [TREE]`;
/// the tutorial's experiments are `coroutines` (two countdowns of N as generators, slide 160's
/// round-robin scheduler) and `pipeline-MODEL-PATTERN N SIZE` (MODEL: threads, processes or
/// coroutines; PATTERN: stream or request-reply; N messages of SIZE bytes).
/// Works unchanged on Python 2.6+ and 3.x; prints one line, `GILBENCH-RESULT` and a JSON object
/// (keys sorted), that ``TwinMeasurement`` decodes.
public enum PythonPrograms {
    public static let fileName = "gilbench_programs.py"

    public static let source = #"""
# gilbench's Python programs: the slides' own code, run by `gilbench python` on a real interpreter.
# Works unchanged on Python 2.6+ and 3.x. gilbench measures the process from outside (wall and CPU time,
# context switches, system calls); this script only runs the experiment and prints one result line,
# a JSON object with its keys sorted:
#   GILBENCH-RESULT {"impl": "<name>", "region_s": <seconds>, "version": "<x.y.z>", ...}
from __future__ import print_function
import json
import os
import sys
import threading
import time

try:
    xrange
except NameError:
    xrange = range


def count(n):
    # Slide 80.
    while n > 0:
        n -= 1


def count_twice(n):
    count(n)
    count(n)


x = 0


def increment(times):
    # Slide 43: x = x + 1 on a global, not atomic.
    global x
    for i in xrange(times):
        x = x + 1


def decrement(times):
    global x
    for i in xrange(times):
        x = x - 1


x_lock = threading.Lock()


def increment_locked(times):
    # Slide 43 with the fix: a lock around each update, so x always ends at 0.
    global x
    for i in xrange(times):
        with x_lock:
            x = x + 1


def decrement_locked(times):
    global x
    for i in xrange(times):
        with x_lock:
            x = x - 1


def hash_file(path, chunk_size=8192):
    # Slide 147: SHA-512 of one file, read in 8192-byte chunks.
    import hashlib
    digest = hashlib.sha512()
    f = open(path, 'rb')
    try:
        while True:
            chunk = f.read(chunk_size)
            if not chunk:
                break
            digest.update(chunk)
    finally:
        f.close()
    return digest.hexdigest()


def files_under(tree):
    found = []
    for directory, subdirectories, names in os.walk(tree):
        subdirectories.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                found.append(path)
    return found


def set_interval(value):
    # Python 3.2+: switch interval in seconds; Python 2: check interval in ticks.
    if hasattr(sys, 'setswitchinterval'):
        sys.setswitchinterval(float(value))
        return 'switch_interval_s'
    sys.setcheckinterval(int(value))
    return 'check_interval'


def countdown_task(n):
    # Slide 160: the countdown as a generator task, yielding once per iteration.
    while n > 0:
        yield
        n -= 1


def round_robin(tasks):
    # Slide 160: a task queue, next() on each task in turn until every one has finished.
    from collections import deque
    queue = deque(tasks)
    while queue:
        t = queue.popleft()
        try:
            next(t)
            queue.append(t)
        except StopIteration:
            pass


# A message's stamp: the monotonic clock where there is one (Python 3.3+; CLOCK_MONOTONIC, the same
# in every process of the machine, as gilbench's stamps), else the wall clock.
clock = getattr(time, 'monotonic', time.time)


def latency_fields(latencies, messages, elapsed):
    # What gilbench's pipeline workload reports: messages per second and the latency percentiles
    # (time from put or send to get or receive, per message), as gilbench's histogram reads them.
    ordered = sorted(latencies)
    def percentile(p):
        if not ordered:
            return 0.0
        rank = int(p / 100.0 * len(ordered) + 0.5)
        return ordered[min(max(rank, 1), len(ordered)) - 1] * 1e6
    return {'messages': messages, 'messages_per_s': round(messages / elapsed if elapsed > 0 else 0.0, 3),
            'message_latency_p50_us': round(percentile(50), 3), 'message_latency_p99_us': round(percentile(99), 3)}


def produce_messages(send, wait_for_reply, messages, payload):
    # The producer: send each message stamped, and wait for its answer when asked to.
    for i in xrange(messages):
        send((clock(), payload))
        if wait_for_reply is not None:
            wait_for_reply()


def consume_messages(receive, answer, messages, latencies):
    # The consumer (an actor when answer is given): receive each message, note its latency, add up
    # its bytes, and answer with it.
    total = 0
    for i in xrange(messages):
        stamp, data = receive()
        latencies.append(clock() - stamp)
        total += len(data)
        if answer is not None:
            answer((stamp, data))
    return total


def pipeline_threads(messages, payload, reply):
    # Slides 72-76: a producer thread and a consumer thread (an actor for request-reply) through
    # Queue.Queue (queue.Queue on Python 3).
    try:
        import queue as queue_module
    except ImportError:
        import Queue as queue_module
    requests = queue_module.Queue()
    replies = queue_module.Queue()
    latencies = []
    consumer = threading.Thread(
        target=consume_messages, args=(requests.get, replies.put if reply else None, messages, latencies))
    consumer.start()
    start = clock()
    produce_messages(requests.put, replies.get if reply else None, messages, payload)
    consumer.join()
    return latency_fields(latencies, messages, clock() - start)


def pipe_consumer(conn, messages, reply):
    # The consumer process of pipeline_processes: says it is ready, receives, answers if asked,
    # and sends its latencies back at the end.
    conn.send('ready')
    latencies = []
    consume_messages(conn.recv, conn.send if reply else None, messages, latencies)
    conn.send(latencies)
    conn.close()


def pipeline_processes(messages, payload, reply):
    # Slides 113-125 and 136-145: a consumer process fed through multiprocessing.Pipe, every
    # message pickled and unpickled.
    import multiprocessing
    mine, theirs = multiprocessing.Pipe()
    consumer = multiprocessing.Process(target=pipe_consumer, args=(theirs, messages, reply))
    consumer.start()
    mine.recv()
    start = clock()
    produce_messages(mine.send, mine.recv if reply else None, messages, payload)
    latencies = mine.recv()
    elapsed = clock() - start
    consumer.join()
    return latency_fields(latencies, messages, elapsed)


def consumer_coroutine(latencies, reply):
    # Slides 157-163: a consumer fed by send(); for request-reply it yields back what it received.
    msg = None
    while True:
        msg = (yield (msg if reply else None))
        latencies.append(clock() - msg[0])


def pipeline_coroutines(messages, payload, reply):
    latencies = []
    consumer = consumer_coroutine(latencies, reply)
    next(consumer)
    start = clock()
    # For request-reply, send() returns the consumer's answer: nothing more to wait for.
    produce_messages(consumer.send, None, messages, payload)
    return latency_fields(latencies, messages, clock() - start)


PIPELINES = {'threads': pipeline_threads, 'processes': pipeline_processes, 'coroutines': pipeline_coroutines}


def gil_library():
    # The file the running interpreter's GIL code lives in, for gilbench's uprobes: the libpython*.so
    # mapped into this process (/proc/self/maps), else the executable itself (a static build).
    try:
        f = open('/proc/self/maps')
        try:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and os.path.basename(parts[5]).startswith('libpython'):
                    return parts[5]
        finally:
            f.close()
    except (IOError, OSError):
        pass
    return os.path.realpath(sys.executable)


def gil_state():
    # Whether this interpreter has a GIL, and whether it is a free-threaded build. Jython has none:
    # Python threads are JVM threads and run at once. A free-threaded CPython (PEP 703, built with
    # --disable-gil, 3.13+) says so with Py_GIL_DISABLED, and sys._is_gil_enabled() tells whether
    # the GIL is off in this process (PYTHON_GIL=1 or an extension that needs one turns it back on).
    if sys.platform.startswith('java'):
        return False, False
    free_threaded = False
    try:
        import sysconfig
        free_threaded = bool(sysconfig.get_config_var('Py_GIL_DISABLED'))
    except ImportError:
        pass
    if hasattr(sys, '_is_gil_enabled'):
        return bool(sys._is_gil_enabled()), free_threaded
    return not free_threaded, free_threaded


def missing_modules():
    # The modules some twins need that this interpreter lacks: Jython has no multiprocessing (it
    # cannot fork a JVM) and no ctypes.
    missing = []
    for name in ('multiprocessing', 'ctypes'):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    return missing


def long_instruction(n):
    # Slide 90: one instruction that runs long. On 2.x `-1 in xrange(n)` is one COMPARE_OP whose C
    # loop (PySequence_Contains through xrange's iterator) never returns to the eval loop. On 3.x
    # `-1 in range(n)` is O(1) (range_contains), so the twin is one CALL of the builtin sum over
    # range(n): builtin_sum's C loop (Python/bltinmodule.c) adds machine integers without looking at
    # the eval breaker, so the GIL cannot be dropped before the call returns.
    if sys.version_info[0] < 3:
        return -1 in xrange(n)
    return sum(range(n))


def long_tick(n, extra):
    # A waiter blocks (GIL released, as in I/O) until the long instruction is about to start, then
    # needs the GIL back: its delay is the rest of the instruction, whatever the check/switch interval.
    ready = threading.Event()
    go = threading.Event()
    times = {}

    def waiter():
        ready.set()
        go.wait()
        times['got'] = time.time()

    t = threading.Thread(target=waiter)
    t.start()
    ready.wait()
    time.sleep(0.01)  # the waiter is now blocked in go.wait()
    started = time.time()
    go.set()
    long_instruction(n)
    finished = time.time()
    t.join()
    extra['long_tick_us'] = round((finished - started) * 1e6, 1)
    extra['latency_us'] = round((times['got'] - started) * 1e6, 1)


def load_churn(library):
    # Slides 99-104: a C extension's churn(n). Called through ctypes, which releases the GIL around
    # every foreign call (Modules/_ctypes/callproc.c, _call_function_pointer: Py_BEGIN_ALLOW_THREADS
    # unless the library was loaded with PyDLL), as an extension does with Py_BEGIN_ALLOW_THREADS.
    import ctypes
    churn = ctypes.CDLL(library).churn
    churn.argtypes = [ctypes.c_uint64]
    churn.restype = ctypes.c_uint64
    return churn


def call_churn(churn, calls, n):
    while calls > 0:
        churn(n)
        calls -= 1


def convoy(port, requests, cpu_threads):
    # Beazley 2010 (bpo-7946): one thread answers gilbench's requests (8-byte integers x, answered
    # with x + 1) over a loopback TCP connection, alone or beside CPU-bound threads; gilbench, the
    # client, times each answer. recv and sendall release the GIL (Modules/socketmodule.c,
    # Py_BEGIN_ALLOW_THREADS), so every answer needs the GIL back from a spinning thread.
    import socket
    import struct
    stop = [False]

    def spin():
        # As the simulator's io-cpu program: while not stop: n -= 1
        n = 0
        while not stop[0]:
            n -= 1

    spinners = [threading.Thread(target=spin) for i in range(cpu_threads)]
    for t in spinners:
        t.start()
    connection = socket.create_connection(('127.0.0.1', port))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while requests > 0:
            data = b''
            while len(data) < 8:
                chunk = connection.recv(8 - len(data))
                if not chunk:
                    break
                data += chunk
            if len(data) < 8:
                break
            connection.sendall(struct.pack('=q', struct.unpack('=q', data)[0] + 1))
            requests -= 1
    finally:
        stop[0] = True
        connection.close()
        for t in spinners:
            t.join()


def run_threads(target, args_list):
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def implementation():
    impl = getattr(getattr(sys, 'implementation', None), 'name', None) or 'cpython'
    if impl == 'cpython' and 'PyPy' in sys.version:
        impl = 'pypy'
    if sys.platform.startswith('java'):
        impl = 'jython'
    return impl


# The experiments a JIT interpreter runs in its own process before the measured run.
REPEATABLE = {
    'sequential': lambda n: count_twice(n),
    'sequential-worker': lambda n: run_threads(count_twice, [(n,)]),
    'threads': lambda n: run_threads(count, [(n,), (n,)]),
    'coroutines': lambda n: round_robin([countdown_task(n), countdown_task(n)]),
}


def jit_warm_up(run, n, limit=5):
    # A JIT (Jython's JVM, PyPy's tracing JIT) compiles the loop while it runs, so the first runs in
    # a process are slower and gilbench's warm-up repetitions, each a new process, cannot warm it.
    # Runs the experiment outside the region until two runs in a row agree within 5% (at most
    # `limit` runs), and returns how many ran.
    previous = None
    for k in range(1, limit + 1):
        start = clock()
        run(n)
        took = clock() - start
        if previous is not None and abs(took - previous) <= 0.05 * max(previous, 1e-9):
            return k
        previous = took
    return limit


def main(argv):
    if len(argv) < 3:
        print('usage: gilbench_programs.py EXPERIMENT N [INTERVAL] [TREE]', file=sys.stderr)
        return 2
    experiment = argv[1]
    n = int(argv[2])
    extra = {}
    if len(argv) > 3 and argv[3] != '-':
        extra['interval_kind'] = set_interval(argv[3])
    if experiment in ('processes', 'hash-pool'):
        # Imported before the region, as the slides' scripts import it at the top (5 to 8 ms).
        import multiprocessing
    if experiment in ('extension-sequential', 'extension-threads'):
        # Loaded before the region, as an extension module is imported at the top: importing ctypes
        # and opening the library take milliseconds, more than 10,000 short calls.
        churn = load_churn(argv[4])
    if implementation() in ('jython', 'pypy') and experiment in REPEATABLE:
        extra['jit_warmups'] = jit_warm_up(REPEATABLE[experiment], n)
    # The region: the experiment alone, as the slides timed it with time.time() around the calls;
    # the interpreter's start-up and imports are outside it.
    start = clock()
    if experiment == 'identify':
        extra['library'] = gil_library()
        extra['gil_enabled'], extra['free_threaded'] = gil_state()
        extra['missing_modules'] = missing_modules()
    elif experiment == 'sequential':
        count(n)
        count(n)
    elif experiment == 'sequential-worker':
        # The sequential run on one started thread, where the threaded run's counts run.
        run_threads(count_twice, [(n,)])
    elif experiment == 'threads':
        run_threads(count, [(n,), (n,)])
    elif experiment == 'processes':
        workers = [multiprocessing.Process(target=count, args=(n,)) for i in range(2)]
        for p in workers:
            p.start()
        for p in workers:
            p.join()
    elif experiment in ('race', 'race-locked'):
        up, down = (increment, decrement) if experiment == 'race' else (increment_locked, decrement_locked)
        threads = [threading.Thread(target=up, args=(n,)), threading.Thread(target=down, args=(n,))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        extra['race_final_x'] = x
    elif experiment == 'coroutines':
        round_robin([countdown_task(n), countdown_task(n)])
    elif experiment.startswith('pipeline-'):
        # pipeline-MODEL-PATTERN N SIZE: N messages of SIZE bytes (argv[4]).
        parts = experiment.split('-', 2)
        if len(parts) != 3 or parts[1] not in PIPELINES or parts[2] not in ('stream', 'request-reply'):
            print('unknown experiment %r' % experiment, file=sys.stderr)
            return 2
        size = int(argv[4]) if len(argv) > 4 else 64
        extra.update(PIPELINES[parts[1]](n, b'x' * size, parts[2] == 'request-reply'))
        extra['message_size'] = size
    elif experiment in ('extension-sequential', 'extension-threads'):
        calls = int(argv[5])
        if experiment == 'extension-sequential':
            call_churn(churn, calls, n)
            call_churn(churn, calls, n)
        else:
            run_threads(call_churn, [(churn, calls, n), (churn, calls, n)])
    elif experiment == 'convoy':
        convoy(int(argv[4]), n, int(argv[5]))
    elif experiment == 'long-tick':
        long_tick(n, extra)
    elif experiment in ('hash-sequential', 'hash-threads', 'hash-pool'):
        paths = files_under(argv[4])
        if experiment == 'hash-sequential':
            digests = [hash_file(p) for p in paths]
        elif experiment == 'hash-threads':
            # Slide 150: two threads, every other file each. hashlib releases the GIL while it hashes
            # a buffer of 2,048 bytes or more (Modules/_hashopenssl.c, HASHLIB_GIL_MINSIZE).
            digests = []
            run_threads(lambda part: digests.extend([hash_file(p) for p in part]), [(paths[0::2],), (paths[1::2],)])
        else:
            pool = multiprocessing.Pool(2)
            pending = [pool.apply_async(hash_file, (p,)) for p in paths]
            digests = [r.get() for r in pending]
            pool.close()
            pool.join()
        extra['files'] = len(digests)
        extra['bytes'] = sum([os.path.getsize(p) for p in paths])
    else:
        print('unknown experiment %r' % experiment, file=sys.stderr)
        return 2
    region = clock() - start
    impl = implementation()
    version = '.'.join([str(v) for v in sys.version_info[:3]])
    result = dict(extra)
    result.update({'impl': impl, 'version': version, 'region_s': round(region, 6),
                   'region_start_s': start, 'region_clock': 'time' if clock is time.time else 'monotonic'})
    if impl == 'pypy' and hasattr(sys, 'pypy_version_info'):
        result['pypy_version'] = '.'.join([str(v) for v in sys.pypy_version_info[:3]])
    print('GILBENCH-RESULT ' + json.dumps(result, sort_keys=True))
    sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
"""#
}
