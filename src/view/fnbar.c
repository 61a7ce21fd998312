/* SPDX-License-Identifier: MIT */
#include "fnbar.h"

#include <stdio.h>
#include <string.h>

#include "format.h"

void fnbar_add(struct fnbar *b, const char *key, const char *label)
{
	if (b->n >= FNBAR_MAX)
		return;
	struct fnbar_item *it = &b->item[b->n++];
	snprintf(it->key, sizeof it->key, "%s", key);
	snprintf(it->label, sizeof it->label, "%s", label);
}

static int cells_of(const struct fnbar_item *it)
{
	return (int)(strlen(it->key) + strlen(it->label));
}

bool fnbar_shown(const struct fnbar *b, size_t i, int width)
{
	if (i >= b->n)
		return false;
	int last = cells_of(&b->item[b->n - 1]);
	if (i == b->n - 1)
		return last <= width;
	int used = last;
	for (size_t k = 0; k <= i; k++)
		used += cells_of(&b->item[k]) + 1;
	return used <= width;
}

char *fnbar_text(const struct fnbar *b, int width, char *buf, size_t len)
{
	size_t at = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < b->n; i++)
		if (fnbar_shown(b, i, width))
			format_append(buf, len, &at, "%s%s%s", at ? " " : "", b->item[i].key,
				      b->item[i].label);
	return buf;
}

int fnbar_at(const struct fnbar *b, int width, int x)
{
	int at = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (!fnbar_shown(b, i, width))
			continue;
		if (at)
			at++; /* the space before it */
		int end = at + cells_of(&b->item[i]);
		if (x >= at && x < end)
			return (int)i;
		at = end;
	}
	return -1;
}

int fnbar_key_code(const char *key, int key_f0)
{
	if (key[0] == 'F' && key[1] >= '1' && key[1] <= '9') {
		int n = key[1] - '0';
		if (key[2] >= '0' && key[2] <= '9' && !key[3])
			n = n * 10 + key[2] - '0';
		else if (key[2])
			return (unsigned char)key[0];
		return n <= 12 ? key_f0 + n : (unsigned char)key[0];
	}
	if (strcmp(key, "Enter") == 0)
		return '\r';
	if (strcmp(key, "Tab") == 0)
		return '\t';
	if (strcmp(key, "Esc") == 0)
		return 27;
	return key[0] ? (unsigned char)key[0] : -1;
}
