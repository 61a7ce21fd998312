/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the tests: unique keys, segments, and shmwriter as
 * a child process.  Header-only, so each test program stays one file.
 */
#ifndef SHMTOP_TESTUTIL_H
#define SHMTOP_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

/*
 * Keys: one allocator for every test run, here for the C tests and in
 * e2e_lib.sh (the same scheme) for the scripts.  A run claims a block of 256
 * keys, TEST_KEY_PREFIX | block << 8 with block 0..65535 (starting at a
 * random one), by creating a marker segment on the block's first key with
 * IPC_CREAT | IPC_EXCL.  The kernel lets only one creator win, so two runs
 * (of this suite, or of the suite from another clone, or a test program and
 * a script) never share a block, whatever their pids; a block where another
 * key already holds a segment (left by a run that was killed, or another
 * program's) is given back and another tried.  The marker is removed when
 * the claiming process exits; a run killed with -9 leaves its block marked,
 * and later runs skip it.  test_key(slot) is key 1 + slot of the block.
 *
 * The block is claimed before main() (a constructor), so processes the test
 * forks use the same keys; only the claiming process removes the marker.
 */
#define TEST_KEY_PREFIX 0x73000000u
#define TEST_KEY_SLOTS 255u /* keys 1..255 of the block; 0 is the marker */

struct test_key_block {
	key_t base;
	int marker; /* the marker segment's shmid, or -1 */
	pid_t owner;
};

static inline struct test_key_block *test_key_block(void)
{
	static struct test_key_block b = { 0, -1, 0 };
	return &b;
}

static inline void test_key_release(void)
{
	struct test_key_block *b = test_key_block();
	if (b->marker >= 0 && getpid() == b->owner) {
		shmctl(b->marker, IPC_RMID, NULL);
		b->marker = -1;
	}
}

/* No segment on any key of the block but the marker. */
static inline int test_key_block_unused(key_t base)
{
	for (unsigned i = 1; i <= TEST_KEY_SLOTS; i++)
		if (shmget(base + (key_t)i, 0, 0) >= 0 || errno != ENOENT)
			return 0;
	return 1;
}

__attribute__((constructor)) static void test_key_claim(void)
{
	struct test_key_block *b = test_key_block();
	unsigned start = (unsigned)getpid() * 2654435761u ^ (unsigned)clock_mono_ns();
	for (unsigned i = 0; i < 0x10000u; i++) {
		key_t base = (key_t)(TEST_KEY_PREFIX | ((start + i) & 0xffffu) << 8);
		int id = shmget(base, 64, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0)
			continue; /* another run's block */
		if (!test_key_block_unused(base)) {
			shmctl(id, IPC_RMID, NULL);
			continue;
		}
		*b = (struct test_key_block){ base, id, getpid() };
		atexit(test_key_release);
		return;
	}
	fprintf(stderr, "testutil: no free block of test keys\n");
	abort();
}

/* This run's key for slot (0..254); no other run uses it meanwhile. */
static inline key_t test_key(unsigned slot)
{
	return test_key_block()->base + 1 + (key_t)(slot % TEST_KEY_SLOTS);
}

/* Remove the segment on key, if any, the semaphore set on it (the writer
 * lock a killed writer leaves, or a test's) and the message queue. */
static inline void test_remove_key(key_t key)
{
	int id = shmget(key, 0, 0);
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	id = semget(key, 0, 0);
	if (id >= 0)
		semctl(id, 0, IPC_RMID);
	id = msgget(key, 0);
	if (id >= 0)
		msgctl(id, IPC_RMID, NULL);
}

/* cmocka group teardown: remove every test_key() segment of this process,
 * so that a failed test leaves nothing behind. */
static inline int test_cleanup_keys(void **state)
{
	(void)state;
	for (unsigned slot = 0; slot < TEST_KEY_SLOTS; slot++)
		test_remove_key(test_key(slot));
	return 0;
}

/* A child running SHMWRITER_PATH with args (NULL-terminated, without argv[0]);
 * its stdout and stderr come back through pipes. */
struct child {
	pid_t pid;
	int out, err;
};

static inline struct child spawn_writer(const char *const *args)
{
	struct child c = { -1, -1, -1 };
	int o[2], e[2];
	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC))
		return c;
	c.pid = fork();
	if (c.pid == 0) {
		char *argv[32] = { (char *)(uintptr_t) "shmwriter" };
		for (int i = 0; args[i] && i < 30; i++)
			argv[i + 1] = (char *)(uintptr_t)args[i]; /* execv's old signature */
		dup2(o[1], 1);
		dup2(e[1], 2);
		execv(SHMWRITER_PATH, argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	c.out = o[0];
	c.err = e[0];
	return c;
}

/* Read from fd until a newline or EOF or timeout; returns the length. */
static inline size_t read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	size_t n = 0;
	int64_t deadline = clock_mono_ns() + timeout_ms * NS_PER_MS;
	while (n + 1 < len) {
		int left = (int)((deadline - clock_mono_ns()) / NS_PER_MS);
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t r = read(fd, buf + n, 1);
		if (r <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return n;
}

/* Wait for pid, at most timeout_ms; its exit status as from waitpid, or -1
 * after killing it for overrunning. */
static inline int wait_exit(pid_t pid, int timeout_ms)
{
	int64_t deadline = clock_mono_ns() + timeout_ms * NS_PER_MS;
	int status;
	while (clock_mono_ns() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&(struct timespec){ .tv_nsec = 2 * 1000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Exit code of pid, waited for at most timeout_ms; -1 if it did not exit
 * (killed by a signal, or for overrunning). */
static inline int exit_code(pid_t pid, int timeout_ms)
{
	int st = wait_exit(pid, timeout_ms);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Exit code of a writer run to completion with args, and its stderr. */
static inline int run_writer(const char *const *args, char *err, size_t errlen)
{
	struct child c = spawn_writer(args);
	read_line(c.err, err, errlen, 5000);
	int code = exit_code(c.pid, 5000);
	close(c.out);
	close(c.err);
	return code;
}

/* Attach the segment on key read-only; NULL if there is none. */
static inline void *attach_key(key_t key, int shmflg)
{
	int id = shmget(key, 0, 0);
	if (id < 0)
		return NULL;
	void *p = shmat(id, NULL, shmflg);
	return p == (void *)-1 ? NULL : p;
}

static inline void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L },
		  NULL);
}

#endif
