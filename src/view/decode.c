/* SPDX-License-Identifier: MIT */
/* The decoders, walked in order (decode.h). */
#include "decode.h"

#include <stdio.h>

/* In this order: each says NOT_THIS at once to the others' bytes, and
 * without a reason to bytes that are not its kind at all, so that the
 * reason shown for a foreign segment is the decoder's that came closest. */
static const struct decoder *const decoders[] = { &decode_v3, &decode_text, &decode_v2,
						  &decode_hsperf, &decode_mmv };

/* What is decoded: an object's bytes, or a folder (dirfd >= 0). */
struct input {
	const void *seg;
	size_t size;
	int dirfd;
};

static enum decode_status run(const struct decoder *d, const struct input *in,
			      const struct decode_want *w, struct content *c, char *why,
			      size_t whylen)
{
	return in->dirfd >= 0 ? d->decode_dir(in->dirfd, w, c, why, whylen)
			      : d->decode(in->seg, in->size, w, c, why, whylen);
}

/* By c->dec when it reads this kind of input and takes it, else the first
 * of list[0, n) that does not say NOT_THIS. */
static enum decode_status walk(const struct decoder *const *list, size_t n, const struct input *in,
			       const struct decode_want *w, struct content *c, char *why,
			       size_t whylen)
{
	if (c->dec && (in->dirfd >= 0 ? c->dec->decode_dir != NULL : c->dec->decode != NULL)) {
		enum decode_status ds = run(c->dec, in, w, c, why, whylen);
		if (ds != DECODE_NOT_THIS)
			return ds;
	}
	if (c->dec)
		content_free(c); /* another format now: the walk starts afresh */
	char first[256] = "", r[256];
	for (size_t i = 0; i < n; i++) {
		r[0] = '\0';
		enum decode_status ds = run(list[i], in, w, c, r, sizeof r);
		if (ds != DECODE_NOT_THIS) {
			c->dec = list[i];
			snprintf(why, whylen, "%s", r);
			return ds;
		}
		if (!first[0])
			snprintf(first, sizeof first, "%s", r);
	}
	snprintf(why, whylen, "%s", first);
	return DECODE_NOT_THIS;
}

enum decode_status decode_object(const void *seg, size_t size, const struct decode_want *w,
				 struct content *c, char *why, size_t whylen)
{
	struct input in = { seg, size, -1 };
	return walk(decoders, sizeof decoders / sizeof *decoders, &in, w, c, why, whylen);
}

/* The folder formats, each NOT_THIS without a reason to a folder not its kind. */
static const struct decoder *const folder_decoders[] = { &decode_promdir, &decode_vsm };

enum decode_status decode_folder(int dirfd, const struct decode_want *w, struct content *c,
				 char *why, size_t whylen)
{
	if (dirfd < 0) {
		snprintf(why, whylen, "no folder to read");
		return DECODE_ERROR;
	}
	struct input in = { NULL, 0, dirfd };
	return walk(folder_decoders, sizeof folder_decoders / sizeof *folder_decoders, &in, w, c,
		    why, whylen);
}

/* The formats by their magic first: a text counter's digits and NUL are
 * the first bytes of others too (a prometheus .db file whose used is 48
 * starts "0\0"). */
static const struct decoder *const sniffed[] = { &decode_v3,  &decode_v2,      &decode_hsperf,
						 &decode_mmv, &decode_promdir, &decode_vsm,
						 &decode_text };

const char *decode_format_of(const unsigned char *head, size_t n, uint64_t size)
{
	if (size == 0 || n == 0)
		return "empty";
	if (n > DECODE_HEAD)
		n = DECODE_HEAD;
	for (size_t i = 0; i < sizeof sniffed / sizeof *sniffed; i++)
		if (sniffed[i]->sniff(head, n))
			return sniffed[i]->id;
	return "data";
}
