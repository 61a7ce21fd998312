/* SPDX-License-Identifier: MIT */
/*
 * The scanner's thread and its hand-over (objlist_scanner.h).  One mutex guards
 * the state; the thread owns the result's object list while it scans, the
 * caller once the state says done.  The eventfd counts finished scans not
 * yet taken (0 or 1), so the caller's poll() sees one at once.
 */
#include "objlist_scanner.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

enum state { IDLE, ASKED, RUNNING, DONE };

struct objlist_scanner {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	enum state state;
	bool quit;
	_Atomic bool cancel; /* the scan's scan_cancel */
	int rc, err;         /* the finished scan's */
	int efd;
	struct objlist result; /* only its scan's fields are used */
};

static void *run(void *arg)
{
	objlist_scanner *sc = arg;
	pthread_mutex_lock(&sc->lock);
	for (;;) {
		while (!sc->quit && sc->state != ASKED)
			pthread_cond_wait(&sc->wake, &sc->lock);
		if (sc->quit)
			break;
		sc->state = RUNNING;
		pthread_mutex_unlock(&sc->lock);
		int rc = objlist_scan(&sc->result);
		int err = errno;
		pthread_mutex_lock(&sc->lock);
		sc->rc = rc;
		sc->err = err;
		sc->state = DONE;
		uint64_t one = 1;
		(void)!write(sc->efd, &one, sizeof one); /* the counter never nears its limit */
	}
	pthread_mutex_unlock(&sc->lock);
	return NULL;
}

objlist_scanner *objlist_scanner_new(const char *proc_dir)
{
	objlist_scanner *sc = calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	sc->result.proc_dir = proc_dir;
	sc->result.scan_cancel = &sc->cancel;
	sc->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sc->efd < 0) {
		free(sc);
		return NULL;
	}
	pthread_mutex_init(&sc->lock, NULL);
	pthread_cond_init(&sc->wake, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int e = pthread_create(&sc->thread, NULL, run, sc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		pthread_cond_destroy(&sc->wake);
		pthread_mutex_destroy(&sc->lock);
		close(sc->efd);
		free(sc);
		errno = e;
		return NULL;
	}
	return sc;
}

void objlist_scanner_free(objlist_scanner *sc)
{
	if (!sc)
		return;
	atomic_store(&sc->cancel, true);
	pthread_mutex_lock(&sc->lock);
	sc->quit = true;
	pthread_cond_signal(&sc->wake);
	pthread_mutex_unlock(&sc->lock);
	pthread_join(sc->thread, NULL);
	pthread_cond_destroy(&sc->wake);
	pthread_mutex_destroy(&sc->lock);
	close(sc->efd);
	objlist_free(&sc->result);
	free(sc);
}

int objlist_scanner_fd(const objlist_scanner *sc)
{
	return sc->efd;
}

bool objlist_scanner_busy(objlist_scanner *sc)
{
	pthread_mutex_lock(&sc->lock);
	bool busy = sc->state != IDLE;
	pthread_mutex_unlock(&sc->lock);
	return busy;
}

bool objlist_scanner_start(objlist_scanner *sc)
{
	pthread_mutex_lock(&sc->lock);
	bool idle = sc->state == IDLE;
	if (idle) {
		sc->state = ASKED;
		pthread_cond_signal(&sc->wake);
	}
	pthread_mutex_unlock(&sc->lock);
	return idle;
}

int objlist_scanner_take(objlist_scanner *sc, struct objlist *s)
{
	pthread_mutex_lock(&sc->lock);
	if (sc->state != DONE) {
		pthread_mutex_unlock(&sc->lock);
		return 0;
	}
	uint64_t n;
	(void)!read(sc->efd, &n, sizeof n); /* back to 0: not readable */
	sc->state = IDLE;
	int rc = sc->rc, err = sc->err;
	if (rc == 0)
		objlist_take_scan(s, &sc->result);
	pthread_mutex_unlock(&sc->lock);
	if (rc < 0) {
		errno = err;
		return -1;
	}
	return 1;
}
