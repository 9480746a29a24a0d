// CGilBench: the few things Swift cannot call directly on Linux.
// One prefixed function per C facility; each returns 0 or -errno unless stated.
#ifndef CGILBENCH_H
#define CGILBENCH_H

#include <stdint.h>
#include <stddef.h>
#include <semaphore.h>
#include <sys/types.h>
#include <sys/resource.h>
// The server workload's client process (Sources/GilBenchSystem/ServerLoad): Glibc's Swift module
// leaves these two headers out, so their types and functions come through this module, as swift-nio's
// CNIOLinux includes <sys/epoll.h>.
#include <sys/epoll.h>
#include <sys/timerfd.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: CPU affinity

/// Pins the calling thread (and the threads it creates later) to the given CPUs.
/// The corresponding C function is sched_setaffinity(0, ...). Returns 0 or -errno.
int gb_set_affinity(const int32_t *cpus, int32_t count);

/// Writes the CPUs the calling thread may run on into `out` (at most `capacity`).
/// Returns how many were written, or -errno.
int gb_get_affinity(int32_t *out, int32_t capacity);

/// The kernel's thread id of the caller (gettid).
int32_t gb_gettid(void);

// MARK: POSIX unnamed semaphores (what CPython 2 used on Linux: USE_SEMAPHORES)

/// Allocates and initialises a process-private semaphore with the given value. NULL on failure.
sem_t *gb_sem_create(unsigned int value);
void gb_sem_destroy(sem_t *sem);
/// sem_wait retried on EINTR. Returns 0 or -errno.
int gb_sem_wait(sem_t *sem);
/// sem_trywait. Returns 0, or -EAGAIN when the semaphore is zero.
int gb_sem_trywait(sem_t *sem);
/// sem_post. Returns 0 or -errno.
int gb_sem_post(sem_t *sem);

// MARK: Worker processes

/// Creates a pipe whose two ends are close-on-exec (pipe2(O_CLOEXEC)). Returns 0 or -errno.
int gb_pipe_cloexec(int fds[2]);

/// Starts `path` with `argv` (NULL-terminated) in a new process whose standard input is `stdin_fd`
/// and standard output `stdout_fd`; standard error is inherited. Every other descriptor of the
/// parent is closed in the child (close-on-exec), every signal handler and the signal mask are reset,
/// and the child is killed with SIGKILL if the parent dies (PR_SET_PDEATHSIG), so a worker never
/// outlives gilbench.
///
/// fork + execv as swift-subprocess's process_shims.c: the child calls only async-signal-safe
/// functions and reports a failure before exec through a close-on-exec pipe, then leaves with _exit.
/// On success stores the child's pid in `pid` and returns 0; returns -errno of the failing step
/// otherwise (the child, if any, has been reaped).
int gb_spawn(const char *path, char *const argv[], int stdin_fd, int stdout_fd, pid_t *pid);

/// Forks a child that keeps only `stdin_fd` and `stdout_fd` (as its standard input and output) and
/// standard error, with default signal handling, and dies with its parent; it does not exec.
/// Returns 1 in the child (which must end with _exit), 0 in the parent with `*pid` set, or
/// -errno when fork fails.
int gb_fork_worker(int stdin_fd, int stdout_fd, pid_t *pid);

/// The exit code when `status` says the process exited, else -1 (WIFEXITED / WEXITSTATUS).
int gb_exit_code(int status);
/// The signal that ended the process when `status` says so, else 0 (WIFSIGNALED / WTERMSIG).
int gb_term_signal(int status);

/// Ignores SIGPIPE in this process, so that writing to a worker that died returns EPIPE instead of
/// killing gilbench. Idempotent.
void gb_ignore_sigpipe(void);

// MARK: Native work that the optimizer cannot delete

/// Spins `iterations` times through a loop the compiler must keep (an empty asm barrier per
/// iteration). Stands for a C extension function such as slide 100's churn(n).
uint64_t gb_churn(uint64_t iterations);

/// `iterations` steps of xorshift64 (three shifts and three exclusive ors, each step on the last's
/// result), returning the final state: pure arithmetic in registers, no memory traffic and no system
/// call, for the `spin` workload that measures the machine's own parallel ceiling.
uint64_t gb_spin(uint64_t iterations);

/// A compiler barrier on a value: keeps `value` alive and its computation in place.
static inline void gb_keep(int64_t value) { __asm__ volatile("" : : "r"(value) : "memory"); }

/// A hint to the CPU that the caller is spinning (x86 `pause`, arm64 `yield`): it saves power and
/// lets the sibling hyper-thread run while a thread waits a few microseconds for a flag.
static inline void gb_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ volatile("yield" ::: "memory");
#else
    __asm__ volatile("" ::: "memory");
#endif
}


// MARK: System-call counting (issue 3). See Sources/GilBench/Syscalls/.

/// Opens a counting perf event for the tracepoint `tracepoint_id` (an id read from tracefs) on the
/// calling thread and every thread or process it creates afterwards (pid 0, cpu -1, inherit), close-on-exec.
/// A leader (`group_fd` -1) starts disabled; members (`group_fd` the leader) start and stop with it.
/// The corresponding C function is perf_event_open(2). Returns the descriptor or -errno.
int gb_perf_tracepoint_open(uint64_t tracepoint_id, int group_fd);

/// The perf event controls gilbench uses (ioctl requests on a perf event descriptor).
typedef enum {
    GB_PERF_ENABLE = 0,      ///< PERF_EVENT_IOC_ENABLE, for the leader's whole group.
    GB_PERF_DISABLE = 1,     ///< PERF_EVENT_IOC_DISABLE, for the leader's whole group.
    GB_PERF_SET_FILTER = 2,  ///< PERF_EVENT_IOC_SET_FILTER with `filter` (a tracepoint filter, "ret < 0").
} gb_perf_control_op;

/// Controls a perf event. The corresponding C function is ioctl(2). Returns 0 or -errno.
int gb_perf_control(int fd, gb_perf_control_op op, const char *filter);

/// Opens a sampling perf event for the tracepoint `tracepoint_id` (a uprobe defined in tracefs): every hit
/// is a sample holding the thread ids, the CLOCK_MONOTONIC time and the trace event's raw record
/// (PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW, period 1), on task `pid` (0: the calling thread)
/// and CPU `cpu`, enabled, close-on-exec; `inherit` follows the threads and processes it creates
/// afterwards (the kernel maps an inherited event's buffer only per CPU, never with cpu -1).
/// The corresponding C function is perf_event_open(2). Returns the descriptor or -errno.
int gb_perf_sampler_open(uint64_t tracepoint_id, int pid, int cpu, int inherit);

/// Sends `fd`'s samples to `target`'s ring buffer (same CPU). PERF_EVENT_IOC_SET_OUTPUT. Returns 0 or -errno.
int gb_perf_set_output(int fd, int target);

/// Where the data area of a mapped perf ring buffer starts and how long it is (the first page's
/// data_offset and data_size).
void gb_perf_ring_area(const void *page, uint64_t *offset, uint64_t *size);
/// The ring's data_head, read with acquire order (perf_event_mmap_page's rule for readers).
uint64_t gb_perf_ring_head(const void *page);
/// Stores the ring's data_tail with release order: the kernel may overwrite up to it.
void gb_perf_ring_set_tail(void *page, uint64_t tail);

/// The number a traced child passes to mark its measured region: not a system call on any Linux
/// architecture (the kernel answers ENOSYS), recognised by gilbench's ptrace tracer at syscall entry.
#define GB_MARKER_SYSCALL 0x6762
/// The first argument of a marker, so that a stray call of that number is not taken for one.
#define GB_MARKER_MAGIC 0x67696c62656e6368L

/// Makes the marker call `syscall(GB_MARKER_SYSCALL, GB_MARKER_MAGIC, code)`: code 1 starts the measured
/// region, 2 ends it. Untraced, it only costs one failed system call (ENOSYS).
void gb_syscall_marker(long code);

/// Forks a child that asks to be traced (PTRACE_TRACEME) and executes `path` with `argv`, keeping
/// `keep_fd` open across exec (-1: none). The child reports a failure (ptrace refused, exec failed)
/// through a close-on-exec pipe before it exits with 127. The parent sees the child stopped with
/// SIGTRAP after exec. Returns the child's pid, or -errno of the first failure (the child's or fork's).
/// The child calls only async-signal-safe functions, as swift-subprocess's process_shims.c.
int gb_spawn_traced(const char *path, char *const argv[], int keep_fd);

/// The ptrace requests and options the tracer uses (values from <sys/ptrace.h>, which Swift does not see).
enum { GB_PTRACE_SYSCALL = 24, GB_PTRACE_SETOPTIONS = 0x4200 };
/// PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL.
#define GB_PTRACE_TRACE_OPTIONS 0x10000fUL

/// A ptrace request with an integer `data` (PTRACE_SETOPTIONS, PTRACE_SYSCALL with a signal, ...).
/// The corresponding C function is ptrace(2). Returns 0 or -errno.
int gb_ptrace(int request, int pid, unsigned long data);

/// What a thread stopped at a system call is doing (PTRACE_GET_SYSCALL_INFO, Linux 5.3+).
typedef struct {
    int32_t op;        ///< 1 entry, 2 exit, 0 neither.
    int32_t is_error;  ///< At exit: the call failed.
    int64_t nr;        ///< At entry: the call's number on this architecture.
    uint64_t arg0;     ///< At entry: the first argument.
    uint64_t arg1;     ///< At entry: the second argument.
    int64_t rval;      ///< At exit: the return value (-errno when is_error).
} gb_syscall_stop;

/// Reads the system-call stop of a traced, stopped thread. Returns 0 or -errno.
int gb_ptrace_syscall_stop(int pid, gb_syscall_stop *out);

// MARK: OpenSSL's SHA-512 (optional hashing core). See Sources/CGilBench/openssl_sha512.c.

/// Loads the system's libcrypto (libcrypto.so.3, else libcrypto.so) once, at run time: gilbench does
/// not link it. Returns 0, or -1 with `*error` set to a static message (dlerror's text).
int gb_openssl_load(const char **error);

/// A SHA-512 context of the loaded libcrypto (EVP_MD_CTX), or NULL. Call gb_openssl_load first.
void *gb_openssl_sha512_new(void);
/// Starts a new digest in `context`. Returns 1 on success, as OpenSSL does.
int gb_openssl_sha512_init(void *context);
int gb_openssl_sha512_update(void *context, const void *data, size_t count);
/// Writes the 64-byte digest to `digest`. Returns 1 on success.
int gb_openssl_sha512_final(void *context, unsigned char *digest);
void gb_openssl_sha512_free(void *context);

// MARK: libffi, as ctypes calls a foreign function (optional). See Sources/CGilBench/ctypes_ffi.c.

/// The three libffi symbols a ctypes call uses, from a library opened with dlopen (never closed).
typedef struct {
    void *prep_cif;     ///< ffi_prep_cif
    void *call;         ///< ffi_call
    void *type_uint64;  ///< &ffi_type_uint64 (ctypes.c_uint64's ffi_type)
} gb_ffi_library;

/// One foreign call's state, what `_ctypes_callproc` and `_call_function_pointer` keep on the C
/// stack: the ffi_cif (opaque here: 32 bytes on x86-64, a few more on arm64), the argument-type
/// and argument-address arrays, the argument's value and the result buffer.
typedef struct {
    uint64_t cif[8];
    void *argument_types[1];
    void *argument_values[1];
    uint64_t argument;
    uint64_t result;
} gb_foreign_call;

/// Opens libffi `name` (e.g. "libffi.so.8") and finds its symbols. Returns 0, or -1 with `*error`
/// set to a static message (dlerror's text) and `*library` zeroed.
int gb_ffi_open(const char *name, gb_ffi_library *library, const char **error);

/// ctypes' work before a call of `uint64_t f(uint64_t)`, done with the GIL held: the argument and
/// its type into the arrays, then ffi_prep_cif. Returns 0, or -1 when ffi_prep_cif fails.
int gb_ffi_prepare_u64(const gb_ffi_library *library, gb_foreign_call *call, uint64_t argument);

/// ffi_call of `function` with the prepared call (ctypes runs it with the GIL released); returns the result.
uint64_t gb_ffi_call(const gb_ffi_library *library, gb_foreign_call *call, void *function);

#ifdef __cplusplus
}
#endif
#endif
