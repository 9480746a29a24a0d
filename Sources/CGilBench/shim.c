#include "CGilBench.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

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
