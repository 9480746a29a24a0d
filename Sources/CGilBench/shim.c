#include "CGilBench.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <linux/perf_event.h>
#include <time.h>

#ifndef SYS_perf_event_open
#  if defined(__x86_64__)
#    define SYS_perf_event_open 298
#  elif defined(__aarch64__)
#    define SYS_perf_event_open 241
#  endif
#endif
#ifndef PTRACE_GET_SYSCALL_INFO
#  define PTRACE_GET_SYSCALL_INFO 0x420e
#endif

int gb_set_affinity(const int32_t *cpus, int32_t count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int32_t i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) return -EINVAL;
        CPU_SET(cpus[i], &set);
    }
    if (sched_setaffinity(0, sizeof(set), &set) != 0) return -errno;
    return 0;
}

int gb_get_affinity(int32_t *out, int32_t capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -errno;
    int32_t n = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && n < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) out[n++] = cpu;
    }
    return n;
}

int32_t gb_gettid(void) { return (int32_t)syscall(SYS_gettid); }

sem_t *gb_sem_create(unsigned int value) {
    sem_t *sem = malloc(sizeof(sem_t));
    if (sem == NULL) return NULL;
    if (sem_init(sem, 0, value) != 0) {
        free(sem);
        return NULL;
    }
    return sem;
}

void gb_sem_destroy(sem_t *sem) {
    if (sem == NULL) return;
    sem_destroy(sem);
    free(sem);
}

int gb_sem_wait(sem_t *sem) {
    // As CPython 2.7's PyThread_acquire_lock: sem_wait, retried while EINTR.
    int status;
    do {
        status = sem_wait(sem);
    } while (status != 0 && errno == EINTR);
    return status == 0 ? 0 : -errno;
}

int gb_sem_trywait(sem_t *sem) { return sem_trywait(sem) == 0 ? 0 : -errno; }

int gb_sem_post(sem_t *sem) { return sem_post(sem) == 0 ? 0 : -errno; }

uint64_t gb_churn(uint64_t iterations) {
    uint64_t i;
    for (i = 0; i < iterations; i++) {
        __asm__ volatile("" : "+r"(i) : : "memory");
    }
    return i;
}

uint64_t gb_spin(uint64_t iterations) {
    // xorshift64 (Marsaglia, "Xorshift RNGs", 2003): each step reads the previous one's result, so the
    // loop is a chain the compiler can neither vectorise nor skip, and the caller keeps the result.
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (uint64_t i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

// MARK: System-call counting

int gb_perf_tracepoint_open(uint64_t tracepoint_id, int group_fd) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.config = tracepoint_id;
    attr.disabled = group_fd == -1;  // members follow the leader
    attr.inherit = 1;                // threads and processes created after opening
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

int gb_perf_control(int fd, gb_perf_control_op op, const char *filter) {
    int status;
    switch (op) {
    case GB_PERF_ENABLE: status = ioctl(fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP); break;
    case GB_PERF_DISABLE: status = ioctl(fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP); break;
    case GB_PERF_SET_FILTER: status = ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter); break;
    default: return -EINVAL;
    }
    return status < 0 ? -errno : 0;
}

int gb_perf_sampler_open(uint64_t tracepoint_id, int pid, int cpu, int inherit) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.config = tracepoint_id;
    attr.sample_period = 1;
    attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
    attr.inherit = inherit != 0;
    attr.use_clockid = 1;
    attr.clockid = CLOCK_MONOTONIC;
    long fd = syscall(SYS_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

int gb_perf_set_output(int fd, int target) { return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, target) < 0 ? -errno : 0; }

void gb_perf_ring_area(const void *page, uint64_t *offset, uint64_t *size) {
    const struct perf_event_mmap_page *p = page;
    *offset = p->data_offset;
    *size = p->data_size;
}

uint64_t gb_perf_ring_head(const void *page) {
    return __atomic_load_n(&((const struct perf_event_mmap_page *)page)->data_head, __ATOMIC_ACQUIRE);
}

void gb_perf_ring_set_tail(void *page, uint64_t tail) {
    __atomic_store_n(&((struct perf_event_mmap_page *)page)->data_tail, tail, __ATOMIC_RELEASE);
}

void gb_syscall_marker(long code) { (void)syscall(GB_MARKER_SYSCALL, GB_MARKER_MAGIC, code); }

// The parent's side of a spawn: the close-on-exec `report` pipe closes without data when the child's
// exec succeeded (then 0), or carries the errno of what failed before it (then the child is reaped with
// waitpid's `wait_options`, and that errno is returned; ECHILD if it was 0). Closes `report`.
static int gb_await_exec(int report, pid_t child, int wait_options) {
    int error = 0;
    ssize_t n;
    do {
        n = read(report, &error, sizeof(error));
    } while (n < 0 && errno == EINTR);
    close(report);
    if (n != (ssize_t)sizeof(error)) return 0;
    int status;
    while (waitpid(child, &status, wait_options) < 0 && errno == EINTR) {}
    return error != 0 ? error : ECHILD;
}

int gb_spawn_traced(const char *path, char *const argv[], int keep_fd) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int error = errno;
        close(report[0]);
        close(report[1]);
        return -error;
    }
    if (pid == 0) {
        // Child: async-signal-safe calls only, then exec or _exit.
        int error = 0;
        if (keep_fd >= 0 && fcntl(keep_fd, F_SETFD, 0) != 0) error = errno;
        if (error == 0 && ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) error = errno;
        if (error == 0) {
            execv(path, argv);
            error = errno;
        }
        ssize_t ignored = write(report[1], &error, sizeof(error));
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int error = gb_await_exec(report[0], pid, __WALL);
    return error != 0 ? -error : pid;
}

int gb_ptrace(int request, int pid, unsigned long data) {
    return ptrace((enum __ptrace_request)request, pid, NULL, (void *)data) < 0 ? -errno : 0;
}

int gb_ptrace_syscall_stop(int pid, gb_syscall_stop *out) {
    struct __ptrace_syscall_info info;
    memset(&info, 0, sizeof(info));
    memset(out, 0, sizeof(*out));
    if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) < 0) return -errno;
    out->op = info.op;
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        out->nr = (int64_t)info.entry.nr;
        out->arg0 = info.entry.args[0];
        out->arg1 = info.entry.args[1];
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
        out->rval = info.exit.rval;
        out->is_error = info.exit.is_error;
    }
    return 0;
}

// MARK: Worker processes

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int gb_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : -errno; }

// Makes `fd` the descriptor `target`, without close-on-exec, so that it survives execv.
static int gb_bind_fd(int fd, int target) {
    if (fd == target) {
        int flags = fcntl(fd, F_GETFD);
        if (flags == -1) return -1;
        return fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) == -1 ? -1 : 0;
    }
    return dup2(fd, target) == -1 ? -1 : 0;  // dup2 clears FD_CLOEXEC on the new descriptor
}

/// In a freshly forked child: every signal back to its default disposition and unblocked, death
/// with the parent (or now, if it already died), and the two pipes bound to standard input and
/// output. Async-signal-safe calls only. Returns 0, or -1 with errno set.
static int gb_child_setup(pid_t parent, int stdin_fd, int stdout_fd) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int signo = 1; signo < NSIG; signo++) {
        if (signo == SIGKILL || signo == SIGSTOP) continue;
        (void)sigaction(signo, &dfl, NULL);  // EINVAL for the few numbers glibc reserves
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) return -1;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
    if (getppid() != parent) _exit(127);
    if (gb_bind_fd(stdin_fd, STDIN_FILENO) != 0) return -1;
    if (gb_bind_fd(stdout_fd, STDOUT_FILENO) != 0) return -1;
    return 0;
}

/// fork() with every signal blocked, so that the child runs no handler of ours before it resets
/// them; the parent restores `old` once fork returns.
static pid_t gb_fork_signals_blocked(sigset_t *old) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, old);
    return fork();
}

int gb_spawn(const char *path, char *const argv[], int stdin_fd, int stdout_fd, pid_t *pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;
    pid_t parent = getpid();

    sigset_t old;
    pid_t child = gb_fork_signals_blocked(&old);
    if (child == 0) {
        // Child: async-signal-safe calls only (sigaction, prctl, dup2, fcntl, execv, write, _exit).
        int error = 0;
        if (gb_child_setup(parent, stdin_fd, stdout_fd) != 0) goto fail;
        // Nothing else of the parent's survives exec (the report pipe is close-on-exec already).
#ifdef SYS_close_range
        (void)syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
#endif
        execv(path, argv);
    fail:
        error = errno;
        while (write(report[1], &error, sizeof(error)) < 0 && errno == EINTR) {}
        _exit(127);
    }
    int forkError = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return -forkError;
    }
    int error = gb_await_exec(report[0], child, 0);
    if (error != 0) return -error;
    *pid = child;
    return 0;
}

int gb_fork_worker(int stdin_fd, int stdout_fd, pid_t *pid) {
    pid_t parent = getpid();
    sigset_t old;
    pid_t child = gb_fork_signals_blocked(&old);
    if (child == 0) {
        if (gb_child_setup(parent, stdin_fd, stdout_fd) != 0) _exit(127);
        // The child keeps only its two pipes and standard error: other workers' pipes left open
        // here would hide the end of their input from them.
#ifdef SYS_close_range
        if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) _exit(127);
#else
        for (int fd = 3; fd < 65536; fd++) (void)close(fd);
#endif
        return 1;
    }
    int forkError = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (child < 0) return -forkError;
    *pid = child;
    return 0;
}

int gb_exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

int gb_term_signal(int status) { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }

void gb_ignore_sigpipe(void) {
    struct sigaction ignore;
    memset(&ignore, 0, sizeof(ignore));
    ignore.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &ignore, NULL);
}
