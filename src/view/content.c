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

void content_reselect(struct content *c)
{
	if (c->selected < c->nctr && strcmp(c->ctr[c->selected].name, c->selected_name) == 0)
		return;
	c->selected = 0;
	for (size_t i = 0; i < c->nctr; i++)
		if (strcmp(c->ctr[i].name, c->selected_name) == 0) {
			c->selected = i;
			break;
		}
	if (c->nctr)
		memcpy(c->selected_name, c->ctr[c->selected].name, sizeof c->selected_name);
}

void content_select(struct content *c, size_t i)
{
	if (c->nctr == 0)
		return;
	c->selected = i < c->nctr ? i : c->nctr - 1;
	memcpy(c->selected_name, c->ctr[c->selected].name, sizeof c->selected_name);
	c->hist_floor = 0;
	c->nhist = 0;
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
