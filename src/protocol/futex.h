/* SPDX-License-Identifier: MIT */
/*
 * Shared (not process-private) futex wait and wake on a 32-bit word that may
 * live in any mapping, read-only ones included for waiting.
 */
#ifndef SHMTOP_FUTEX_H
#define SHMTOP_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>

/* Sleep while *word == expected, at most timeout_ns (< 0: no limit).
 * Returns at once if the word differs; may wake spuriously or on a signal:
 * the caller re-checks. */
void futex_wait(const _Atomic uint32_t *word, uint32_t expected, int64_t timeout_ns);

/* Wake every waiter on word. */
void futex_wake(_Atomic uint32_t *word);

#endif
