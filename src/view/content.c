/* SPDX-License-Identifier: MIT */
#include "content.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"

int content_reserve(struct content *c, size_t n)
{
	if (n <= c->cap)
		return 0;
	struct model_counter *p = realloc(c->ctr, n * sizeof *p);
	if (!p)
		return -1;
	memset(p + c->cap, 0, (n - c->cap) * sizeof *p);
	c->ctr = p;
	c->cap = n;
	return 0;
}

const struct model_counter *content_selected(const struct content *c)
{
	return c->selected < c->nctr ? &c->ctr[c->selected] : NULL;
}

void content_free(struct content *c)
{
	if (c->dec && c->dec->release)
		c->dec->release(c);
	free(c->ctr);
	memset(c, 0, sizeof *c);
}
