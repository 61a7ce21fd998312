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
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shmtop/clock.h"

/* A key no other test run uses at the same time: per process and slot. */
static inline key_t test_key(unsigned slot)
{
	return (key_t)(0x5a000000u | ((unsigned)getpid() & 0xfffffu) << 4 | (slot & 0xfu));
}

/* Remove the segment on key, if any, and the writer lock's semaphore set
 * on it that a killed writer leaves. */
static inline void test_remove_key(key_t key)
{
	int id = shmget(key, 0, 0);
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	id = semget(key, 0, 0);
	if (id >= 0)
		semctl(id, 0, IPC_RMID);
}

/* cmocka group teardown: remove every test_key() segment of this process,
 * so that a failed test leaves nothing behind. */
static inline int test_cleanup_keys(void **state)
{
	(void)state;
	for (unsigned slot = 0; slot < 16; slot++)
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

/* Exit code of a writer run to completion with args, and its stderr. */
static inline int run_writer(const char *const *args, char *err, size_t errlen)
{
	struct child c = spawn_writer(args);
	read_line(c.err, err, errlen, 5000);
	int st = wait_exit(c.pid, 5000);
	close(c.out);
	close(c.err);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
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
