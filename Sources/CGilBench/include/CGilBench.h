// CGilBench: the few things Swift cannot call directly on Linux.
// One prefixed function per C facility; each returns 0 or -errno unless stated.
#ifndef CGILBENCH_H
#define CGILBENCH_H

#include <stdint.h>
#include <stddef.h>
#include <semaphore.h>
#include <sys/types.h>

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

// MARK: Native work that the optimizer cannot delete

/// Spins `iterations` times through a loop the compiler must keep (an empty asm barrier per
/// iteration). Stands for a C extension function such as slide 100's churn(n).
uint64_t gb_churn(uint64_t iterations);

/// A compiler barrier on a value: keeps `value` alive and its computation in place.
static inline void gb_keep(int64_t value) { __asm__ volatile("" : : "r"(value) : "memory"); }

#ifdef __cplusplus
}
#endif
#endif
