/* SPDX-License-Identifier: MIT */
/*
 * A varnishd's -n folder (decode.h, vsc.h): the counters `varnishstat -1`
 * lists, named as it names them (MAIN.client_req, VBE.boot.default.req),
 * the manager's set (_.vsm_mgt) then the worker's (_.vsm_child), each in
 * its index's order, with the values it shows (a gauge above INT64_MAX
 * is 0); segments not ready or hidden are skipped as it skips them.  Type
 * counter is a counter, gauge and bitmap gauges (a bitmap's value is its
 * bits as one number, as varnishstat -1 prints it, unit "bitmap"); the
 * unit is the format's ("bytes", "seconds" for a duration, none for an
 * integer), the help the element's oneliner.  The writer is the worker's
 * pid from its index (the manager's while there is no worker); the index's
 * birth is a wall clock, not the start time status.start means, which is
 * 0.  Heartbeat and period are as seen (seen.h).  A folder without
 * _.vsm_mgt and _.vsm_child is NOT_THIS; one without its manager's index
 * (varnishd stopped, or starting) EMPTY; a file vsc_set_read() refuses
 * DAMAGED, one that shrank while read BUSY, each with the reason.
 * c->files: the indexes and segment files read, and their bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "seen.h"
#include "vsc.h"

static const char *const set_name[2] = { "_.vsm_mgt", "_.vsm_child" };

/* What the decoder keeps of one folder between reads. */
struct vsm {
	struct vsc_set set[2];
	struct seen seen;
};

static void vsm_release(struct content *c)
{
	struct vsm *p = c->priv;
	if (!p)
		return;
	for (int i = 0; i < 2; i++)
		vsc_set_free(&p->set[i]);
	seen_free(&p->seen);
	free(p);
	c->priv = NULL;
}

static void item(struct seen_item *k, const struct vsc_counter *v)
{
	const struct vsc_elem *e = v->e;
	seen_copy(k->name, sizeof k->name, v->name);
	seen_copy(k->unit, sizeof k->unit,
		  e->format == VSC_F_BYTES      ? "bytes"
		  : e->format == VSC_F_DURATION ? "seconds"
		  : e->format == VSC_F_BITMAP   ? "bitmap"
						: "");
	seen_copy(k->help, sizeof k->help, e->oneliner ? e->oneliner : "");
	k->kind = e->type == VSC_COUNTER ? MODEL_COUNTER : MODEL_GAUGE;
	k->type = VALUE_UINT;
	k->value = v->value;
}

static enum decode_status status_of(enum vsc_status st)
{
	switch (st) {
	case VSC_OK: return DECODE_OK;
	case VSC_NOT_READY: return DECODE_EMPTY;
	case VSC_BUSY: return DECODE_BUSY;
	case VSC_ERROR: return DECODE_ERROR;
	default: return DECODE_DAMAGED;
	}
}

/* Set i's folder, or -1: *err its errno. */
static int open_set(int dirfd, int i, int *err)
{
	int fd = openat(dirfd, set_name[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*err = fd < 0 ? errno : 0;
	return fd;
}

static enum decode_status vsm_decode(int dirfd, const struct decode_want *w, struct content *c,
				     char *why, size_t whylen)
{
	int err[2], sfd[2] = { open_set(dirfd, 0, &err[0]), open_set(dirfd, 1, &err[1]) };
	bool absent[2];
	for (int i = 0; i < 2; i++)
		absent[i] = sfd[i] < 0 && err[i] == ENOENT;
	if (absent[0] && absent[1]) {
		why[0] = '\0';
		return DECODE_NOT_THIS;
	}
	if (!c->priv) {
		c->priv = calloc(1, sizeof(struct vsm));
		c->format = decode_vsm.name;
		c->named = true;
		c->status =
		    (struct content_status){ .state = SHMTOP_STATE_RUNNING, .control_id = -1 };
	}
	struct vsm *p = c->priv;
	if (!p) {
		for (int k = 0; k < 2; k++)
			if (sfd[k] >= 0)
				close(sfd[k]);
		snprintf(why, whylen, "out of memory");
		return DECODE_ERROR;
	}
	enum vsc_status st = VSC_OK;
	char sub[256] = "";
	int i = 0;
	for (; i < 2 && st == VSC_OK; i++) {
		if (sfd[i] >= 0) {
			sub[0] = '/';
			st = vsc_set_read(&p->set[i], sfd[i], sub + 1, sizeof sub - 1);
		} else if (absent[i]) {
			st = VSC_NOT_READY;
			snprintf(sub, sizeof sub, ": no such folder");
		} else {
			st = VSC_DAMAGED; /* a link, a file, a folder not ours to read */
			snprintf(sub, sizeof sub, ": %s",
				 err[i] == ENOTDIR || err[i] == ELOOP ? "not a folder (or a link)"
								      : strerror(err[i]));
		}
		/* a worker's folder without its index: the worker not (yet) there */
		if (st == VSC_NOT_READY) {
			vsc_set_free(&p->set[i]);
			if (i == 1)
				st = VSC_OK;
		}
	}
	for (int k = 0; k < 2; k++)
		if (sfd[k] >= 0)
			close(sfd[k]);
	if (st != VSC_OK) {
		snprintf(why, whylen, "%s%s", set_name[i - 1], sub);
		return status_of(st);
	}
	size_t n = p->set[0].nctr + p->set[1].nctr;
	if (seen_reserve(&p->seen, n)) {
		snprintf(why, whylen, "out of memory for %zu counters", n);
		return DECODE_ERROR;
	}
	struct seen_item *k = p->seen.item;
	c->files = (struct content_files){ 0 };
	for (int j = 0; j < 2; j++) {
		const struct vsc_set *s = &p->set[j];
		for (size_t x = 0; x < s->nctr; x++)
			item(k++, &s->ctr[x]);
		c->files.files += s->files;
		c->files.bytes += s->bytes;
	}
	p->seen.n = n;
	if (seen_take(&p->seen, c, w)) {
		snprintf(why, whylen, "out of memory for %zu counters", n);
		return DECODE_ERROR;
	}
	const struct vsc_set *writer = p->set[1].ix.pid ? &p->set[1] : &p->set[0];
	c->status.known = writer->ix.pid > 0;
	c->status.pid = (pid_t)writer->ix.pid;
	c->status.start = 0;
	return DECODE_OK;
}

/* One of its files: a set's _.index. */
static bool vsm_sniff(const unsigned char *head, size_t n)
{
	return vsc_index_head((const char *)head, n);
}

const struct decoder decode_vsm = { "Varnish VSM", "varnishd", "varnishd", NULL,
				    vsm_release,   vsm_decode, "varnish",  vsm_sniff };
