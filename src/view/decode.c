/* SPDX-License-Identifier: MIT */
/* The decoders, walked in order (decode.h). */
#include "decode.h"

#include <stdio.h>

/* In this order: each says NOT_THIS at once to the others' bytes, and
 * without a reason to bytes that are not its kind at all, so that the
 * reason shown for a foreign segment is the decoder's that came closest. */
static const struct decoder *const decoders[] = { &decode_v3, &decode_text, &decode_v2,
						  &decode_hsperf, &decode_mmv };

enum decode_status decode_object(const void *seg, size_t size, const struct decode_want *w,
				 struct content *c, char *why, size_t whylen)
{
	if (c->dec && c->dec->decode) {
		enum decode_status ds = c->dec->decode(seg, size, w, c, why, whylen);
		if (ds != DECODE_NOT_THIS)
			return ds;
	}
	if (c->dec)
		content_free(c); /* another format now: the walk starts afresh */
	char first[256] = "", r[256];
	for (size_t i = 0; i < sizeof decoders / sizeof *decoders; i++) {
		r[0] = '\0';
		enum decode_status ds = decoders[i]->decode(seg, size, w, c, r, sizeof r);
		if (ds != DECODE_NOT_THIS) {
			c->dec = decoders[i];
			snprintf(why, whylen, "%s", r);
			return ds;
		}
		if (!first[0])
			snprintf(first, sizeof first, "%s", r);
	}
	snprintf(why, whylen, "%s", first);
	return DECODE_NOT_THIS;
}

/* The folder formats, each NOT_THIS without a reason to a folder not its kind. */
static const struct decoder *const folder_decoders[] = { &decode_promdir, &decode_vsm };

enum decode_status decode_folder(int dirfd, const struct decode_want *w, struct content *c,
				 char *why, size_t whylen)
{
	if (c->dec && c->dec->decode_dir) {
		enum decode_status ds = c->dec->decode_dir(dirfd, w, c, why, whylen);
		if (ds != DECODE_NOT_THIS)
			return ds;
	}
	if (c->dec)
		content_free(c);
	char first[256] = "", r[256];
	for (size_t i = 0; i < sizeof folder_decoders / sizeof *folder_decoders; i++) {
		r[0] = '\0';
		enum decode_status ds = folder_decoders[i]->decode_dir(dirfd, w, c, r, sizeof r);
		if (ds != DECODE_NOT_THIS) {
			c->dec = folder_decoders[i];
			snprintf(why, whylen, "%s", r);
			return ds;
		}
		if (!first[0])
			snprintf(first, sizeof first, "%s", r);
	}
	snprintf(why, whylen, "%s", first);
	return DECODE_NOT_THIS;
}
