import GilBenchSimulator
/// The Python programs `gilbench python` runs on a real interpreter: the slides' own code.
///
/// Written to a temporary file and run as `python gilbench_programs.py EXPERIMENT N [INTERVAL|-] [TREE]`;
/// the tutorial's experiments are `coroutines` (two countdowns of N as generators, slide 160's
/// round-robin scheduler) and `pipeline-MODEL-PATTERN N SIZE` (MODEL: threads, processes or
/// coroutines; PATTERN: stream or request-reply; N messages of SIZE bytes); the server workload's
/// twins are `server-MODEL CONNECTIONS - SIZE WORK CPU_THREADS WORKERS` (MODEL: threads, events,
/// coroutines, asyncio or processes), which print `port <N>` first and serve gilbench's client
/// process (`gilbench load-client`) until it has ended every connection.
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


# The server workload's real twins (issue 24): a request/reply server on 127.0.0.1 that gilbench's
# client process (gilbench load-client) loads over `connections` TCP connections. A request is
# `size` bytes, the first 8 its number (struct '=q', native-endian); the server runs the per-request
# loop `while w > 0: w -= 1` for `work` iterations and answers 8 bytes, the number + 1. It prints
# `port <N>` (flushed) once it listens, serves until the client has ended every connection, and
# reports its processes' peak resident set (KiB: its own VmHWM, its workers' ru_maxrss). One program per
# model, each named after the simulator model it is compared with: threads, events, coroutines,
# asyncio (compared with coroutines) and processes.
EVENT_READ = 1
EVENT_WRITE = 2


def request_work(w):
    # The interpreted per-request loop, as the simulator's server program runs it.
    while w > 0:
        w -= 1


def answers_for(pending, size, work):
    # Every whole request in `pending` (a bytearray, consumed), answered in order.
    import struct
    out = []
    while len(pending) >= size:
        number = struct.unpack_from('=q', bytes(pending[:8]))[0]
        del pending[:size]
        request_work(work)
        out.append(struct.pack('=q', number + 1))
    return b''.join(out)


def would_block(error):
    import errno
    return error.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)


def receive_some(sock):
    # A non-blocking recv: the bytes read, b'' at the end of the connection (or a reset), None when
    # nothing is there yet.
    import errno
    import socket
    try:
        return sock.recv(65536)
    except socket.error as e:
        if would_block(e):
            return None
        if e.errno in (errno.ECONNRESET, errno.EPIPE):
            return b''
        raise


def send_some(sock, data):
    # A non-blocking send: bytes sent, 0 when the socket's buffer is full.
    import socket
    try:
        return sock.send(data)
    except socket.error as e:
        if would_block(e):
            return 0
        raise


def no_delay(sock):
    import socket
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class EpollSelector(object):
    # The part of Python 3's selectors.EpollSelector the twins use, on select.epoll, for Python 2.7
    # (which has no selectors module): register, modify, unregister, select.
    class Key(object):
        def __init__(self, fileobj, fd, events, data):
            self.fileobj, self.fd, self.events, self.data = fileobj, fd, events, data

    def __init__(self):
        import select
        self.epoll = select.epoll()
        self.keys = {}
        self.bits = {EVENT_READ: select.EPOLLIN, EVENT_WRITE: select.EPOLLOUT}
        self.failed = select.EPOLLERR | select.EPOLLHUP

    def mask(self, events):
        return (self.bits[EVENT_READ] if events & EVENT_READ else 0) | (self.bits[EVENT_WRITE] if events & EVENT_WRITE else 0)

    def register(self, fileobj, events, data=None):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        self.epoll.register(fd, self.mask(events))
        self.keys[fd] = EpollSelector.Key(fileobj, fd, events, data)

    def modify(self, fileobj, events, data=None):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        self.epoll.modify(fd, self.mask(events))
        self.keys[fd] = EpollSelector.Key(fileobj, fd, events, data)

    def unregister(self, fileobj):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        self.epoll.unregister(fd)
        del self.keys[fd]

    def select(self, timeout=None):
        ready = []
        for fd, bits in self.epoll.poll(-1 if timeout is None else timeout):
            key = self.keys.get(fd)
            if key is None:
                continue
            events = 0
            if bits & (self.bits[EVENT_READ] | self.failed):
                events |= EVENT_READ
            if bits & (self.bits[EVENT_WRITE] | self.failed):
                events |= EVENT_WRITE
            ready.append((key, events & key.events or events))
        return ready


def make_selector():
    # selectors' default (epoll on Linux) on Python 3.4+, select.epoll itself on 2.7.
    try:
        import selectors
        return selectors.DefaultSelector()
    except ImportError:
        return EpollSelector()


def server_threads(listener, connections, size, work):
    # A thread per connection, each blocking in recv with the GIL released (Modules/socketmodule.c,
    # sock_recv: Py_BEGIN_ALLOW_THREADS around recv()), then sendall.
    def serve(conn):
        pending = bytearray()
        try:
            while True:
                data = receive_some(conn)
                if not data:
                    break
                pending += data
                out = answers_for(pending, size, work)
                if out:
                    conn.sendall(out)
        finally:
            conn.close()

    threads = []
    for i in xrange(connections):
        conn, address = listener.accept()
        no_delay(conn)
        t = threading.Thread(target=serve, args=(conn,))
        t.daemon = True
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return len(threads)


class Dispatcher(object):
    # asyncore's dispatcher in a few lines, for where asyncore is gone (Python 3.12+) and for the
    # worker processes: the loop calls handle_read and handle_write when the socket is ready.
    def __init__(self, loop, sock, size, work):
        self.loop, self.sock, self.size, self.work = loop, sock, size, work
        self.pending = bytearray()
        self.out = b''
        self.events = EVENT_READ
        loop.selector.register(sock, EVENT_READ, self)

    def handle_read(self):
        data = receive_some(self.sock)
        if data is None:
            return
        if not data:
            self.handle_close()
            return
        self.pending += data
        out = answers_for(self.pending, self.size, self.work)
        if out:
            self.out += out
            self.handle_write()

    def handle_write(self):
        if self.out:
            self.out = self.out[send_some(self.sock, self.out):]
        wanted = EVENT_READ | (EVENT_WRITE if self.out else 0)
        if wanted != self.events:
            self.events = wanted
            self.loop.selector.modify(self.sock, wanted, self)

    def handle_close(self):
        self.loop.selector.unregister(self.sock)
        self.sock.close()
        self.sock = None
        self.loop.ended += 1
        if self.loop.on_end is not None:
            self.loop.on_end()


class Acceptor(object):
    # The listening socket's handler: accepts what is waiting (another worker may have taken it),
    # at most `limit` connections in all, then stops listening.
    def __init__(self, loop, listener, size, work, limit):
        self.loop, self.listener, self.size, self.work, self.limit = loop, listener, size, work, limit
        listener.setblocking(False)
        loop.selector.register(listener, EVENT_READ, self)

    def handle_read(self):
        import socket
        while self.limit is None or self.loop.accepted < self.limit:
            try:
                conn, address = self.listener.accept()
            except socket.error as e:
                if would_block(e):
                    return
                raise
            conn.setblocking(False)
            no_delay(conn)
            self.loop.accepted += 1
            Dispatcher(self.loop, conn, self.size, self.work)
        self.loop.selector.unregister(self.listener)


class HandlerLoop(object):
    # One thread: select over every socket, then each ready one's handler.
    def __init__(self):
        self.selector = make_selector()
        self.accepted = 0
        self.ended = 0
        self.stopped = False
        self.on_end = None

    def run(self, done):
        while not done():
            for key, events in self.selector.select():
                handler = key.data
                if events & EVENT_READ:
                    handler.handle_read()
                if events & EVENT_WRITE and getattr(handler, 'sock', None) is not None:
                    handler.handle_write()


def server_events(listener, connections, size, work, extra):
    # Slides 153-156: one thread, every socket turned into events by poll(); asyncore's dispatcher
    # where the interpreter has asyncore (2.7, 3.6-3.11; Lib/asyncore.py, loop(use_poll=True):
    # poll2 builds a poll object over every socket at each turn, then readwrite() calls
    # handle_read/handle_write), else the same handlers over selectors (3.12+, asyncore removed).
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            import asyncore
    except ImportError:
        asyncore = None
    if asyncore is None:
        extra['server_loop'] = 'selectors'
        loop = HandlerLoop()
        Acceptor(loop, listener, size, work, connections)
        loop.run(lambda: loop.ended >= connections)
        return loop.accepted
    extra['server_loop'] = 'asyncore'
    sockets = {}
    state = {'accepted': 0}

    class Handler(asyncore.dispatcher_with_send):
        def __init__(self, sock):
            asyncore.dispatcher_with_send.__init__(self, sock, map=sockets)
            self.pending = bytearray()

        def handle_read(self):
            data = self.recv(65536)
            if data:
                self.pending += data
                out = answers_for(self.pending, size, work)
                if out:
                    self.send(out)

        def handle_close(self):
            self.close()

    class Server(asyncore.dispatcher):
        def __init__(self):
            asyncore.dispatcher.__init__(self, listener, map=sockets)
            # Listening already (asyncore's own listen() would say so).
            self.accepting = True

        def handle_accept(self):
            pair = self.accept()
            if pair is None:
                return
            no_delay(pair[0])
            Handler(pair[0])
            state['accepted'] += 1
            if state['accepted'] >= connections:
                self.close()

    Server()
    asyncore.loop(timeout=30.0, use_poll=True, map=sockets)
    return state['accepted']


def server_coroutines(listener, connections, size, work):
    # Slide 163: each connection a generator that yields what it waits for (its socket readable, or
    # writable), resumed by an event loop over selectors (epoll) when the socket is ready.
    from collections import deque
    import socket
    selector = make_selector()
    ready = deque()
    waiting = {}
    state = {'accepted': 0, 'ended': 0}

    def forget(sock):
        if sock.fileno() in waiting:
            selector.unregister(sock)
            del waiting[sock.fileno()]

    def acceptor():
        listener.setblocking(False)
        while state['accepted'] < connections:
            yield EVENT_READ, listener
            try:
                conn, address = listener.accept()
            except socket.error as e:
                if would_block(e):
                    continue
                raise
            conn.setblocking(False)
            no_delay(conn)
            state['accepted'] += 1
            ready.append(serve(conn))
        forget(listener)

    def serve(conn):
        pending = bytearray()
        try:
            while True:
                yield EVENT_READ, conn
                data = receive_some(conn)
                if data is None:
                    continue
                if not data:
                    break
                pending += data
                out = answers_for(pending, size, work)
                while out:
                    out = out[send_some(conn, out):]
                    if out:
                        yield EVENT_WRITE, conn
        finally:
            forget(conn)
            conn.close()
            state['ended'] += 1

    def step(task):
        # Resumes `task` until it waits, and waits for what it asked for.
        try:
            events, sock = next(task)
        except StopIteration:
            return
        fd = sock.fileno()
        if fd not in waiting:
            selector.register(sock, events, task)
        elif waiting[fd] != events:
            selector.modify(sock, events, task)
        waiting[fd] = events

    ready.append(acceptor())
    while state['ended'] < connections:
        while ready:
            step(ready.popleft())
        if state['ended'] >= connections:
            break
        for key, events in selector.select():
            step(key.data)
    return state['accepted']


ASYNCIO_SERVER = '''
def server_asyncio(listener, connections, size, work, backlog):
    # asyncio's streams (3.x): a coroutine per connection, `await reader.readexactly(size)`, resumed
    # by asyncio's event loop (selectors, epoll) when its socket is ready.
    import asyncio
    state = {'ended': 0}
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    done = loop.create_future()

    async def serve(reader, writer):
        try:
            while True:
                try:
                    request = await reader.readexactly(size)
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                writer.write(answers_for(bytearray(request), size, work))
                await writer.drain()
        finally:
            writer.close()
            state['ended'] += 1
            if state['ended'] >= connections and not done.done():
                done.set_result(None)

    async def main():
        server = await asyncio.start_server(serve, sock=listener, backlog=backlog)
        await done
        server.close()
        await server.wait_closed()

    loop.run_until_complete(main())
    loop.close()
    return connections
'''


def start_spinners(count):
    # As the convoy's CPU-bound threads: while not stop: n -= 1. Returns the function that stops
    # and joins them.
    stop = [False]

    def spin():
        n = 0
        while not stop[0]:
            n -= 1

    spinners = [threading.Thread(target=spin) for i in range(count)]
    for t in spinners:
        t.start()

    def stop_all():
        stop[0] = True
        for t in spinners:
            t.join()
    return stop_all


def server_processes(listener, connections, size, work, workers, cpu_threads, extra):
    # Pre-forked workers (os.fork after listen, as a pre-forking server does), each with its own
    # interpreter and GIL, each running the handler loop over the connections it accepts from the
    # shared listening socket, with `cpu_threads` CPU-bound threads beside it in its interpreter (as
    # the simulator's workers run them: the convoy in each worker). Each ended connection is a byte
    # on a pipe to the parent; once all have ended the parent closes the stop pipe, and each worker,
    # seeing its end, exits. A worker sees the stop pipe end also when the parent dies, so none
    # outlives it.
    import resource
    import traceback
    ended_r, ended_w = os.pipe()
    stop_r, stop_w = os.pipe()
    pids = []
    for k in range(workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(ended_r)
                os.close(stop_w)
                loop = HandlerLoop()

                class Stop(object):
                    def handle_read(self):
                        loop.stopped = True
                        loop.selector.unregister(stop_r)

                loop.selector.register(stop_r, EVENT_READ, Stop())
                loop.on_end = lambda: os.write(ended_w, b'x')
                Acceptor(loop, listener, size, work, None)
                stop_spinners = start_spinners(cpu_threads)
                try:
                    loop.run(lambda: loop.stopped)
                finally:
                    stop_spinners()
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stderr.flush()
            os._exit(code)
        pids.append(pid)
    os.close(stop_r)
    os.close(ended_w)
    listener.close()
    extra['worker_processes'] = workers
    return ended_r, stop_w, pids


def reap_workers(ended_r, stop_w, pids, connections):
    # Waits for `connections` ends, stops the workers and reaps them (os.wait4): their peak resident
    # sets summed (ru_maxrss: a forked worker's own address space, the pages it shares with this
    # process since the fork included), and the workers that failed.
    ended = 0
    while ended < connections:
        data = os.read(ended_r, 4096)
        if not data:
            break
        ended += len(data)
    os.close(stop_w)
    os.close(ended_r)
    rss = 0
    failed = []
    for pid in pids:
        reaped, status, usage = os.wait4(pid, 0)
        rss += usage.ru_maxrss
        if status != 0:
            failed.append('worker %d exited with status %d' % (pid, status))
    if ended < connections:
        failed.append('%d of %d connections ended' % (ended, connections))
    return rss, failed


def peak_rss_kib():
    # This process's peak resident set since it started the interpreter: VmHWM of /proc/self/status,
    # its address space's own high-water mark. getrusage's ru_maxrss would not do: Linux carries the
    # peak of the address space exec replaced into it (fs/exec.c, exec_mmap: setmax_mm_hiwater_rss),
    # and that one is gilbench's, forked to start this interpreter.
    try:
        f = open('/proc/self/status')
        try:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
        finally:
            f.close()
    except (IOError, OSError, ValueError):
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def server(model, connections, size, work, cpu_threads, workers, extra):
    # Listens, says where, starts the CPU-bound threads, serves, reports.
    import resource
    import socket
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', 0))
    backlog = max(min(connections, socket.SOMAXCONN), 128)
    listener.listen(backlog)
    print('port %d' % listener.getsockname()[1])
    sys.stdout.flush()
    reaping = None
    if model == 'processes':
        # The workers run the CPU-bound threads; the parent only waits for them.
        reaping = server_processes(listener, connections, size, work, workers, cpu_threads, extra)
        stop_spinners = start_spinners(0)
    else:
        stop_spinners = start_spinners(cpu_threads)
    rss = 0
    try:
        if model == 'threads':
            served = server_threads(listener, connections, size, work)
        elif model == 'events':
            served = server_events(listener, connections, size, work, extra)
        elif model == 'coroutines':
            extra['server_loop'] = 'selectors' if not isinstance(make_selector(), EpollSelector) else 'epoll'
            served = server_coroutines(listener, connections, size, work)
        elif model == 'asyncio':
            if sys.version_info[0] < 3:
                raise RuntimeError('asyncio needs Python 3')
            namespace = dict(globals())
            # eval of a compiled module, not exec: Jython 2.7 parses exec(...) in a function with
            # nested functions as an unqualified exec statement and refuses the whole file.
            eval(compile(ASYNCIO_SERVER, '<asyncio server>', 'exec'), namespace)
            served = namespace['server_asyncio'](listener, connections, size, work, backlog)
        elif model == 'processes':
            rss, failed = reap_workers(reaping[0], reaping[1], reaping[2], connections)
            if failed:
                raise RuntimeError('the worker processes failed: ' + '; '.join(failed))
            served = connections
        else:
            raise RuntimeError('unknown server model %r' % model)
    finally:
        stop_spinners()
        try:
            listener.close()
        except Exception:
            pass
    extra['connections_served'] = served
    extra['rss_kib'] = rss + peak_rss_kib()


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
    elif experiment.startswith('server-'):
        # server-MODEL CONNECTIONS - SIZE WORK CPU_THREADS WORKERS (issue 24): serves gilbench's
        # client process until it has ended every connection.
        server(experiment[len('server-'):], n, int(argv[4]), int(argv[5]), int(argv[6]), int(argv[7]), extra)
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
