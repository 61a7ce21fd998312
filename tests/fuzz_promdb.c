/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the prometheus_client reader (src/view/promdb.h).
 * The first input byte picks what the rest is:
 *   0  (offset: 2 bytes, byte) patches on a file of tests/fixture/prom
 *      the library wrote (the second byte picks which), so that the fuzzer
 *      reaches past the first checks;
 *   1  the bytes alone as the file.
 * The file is a heap block of its exact size (a read past it is an ASan
 * error), parsed at an aligned address and at an unaligned one (the same
 * result); what the reader accepts is used whole, every string's length,
 * then aggregated with the fixture's counter file under each kind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promdb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "counter_32690.db", "gauge_all_32691.db", "histogram_32690.db",
				     "summary_32691.db" };
static unsigned char *fixture[4];
static size_t fixture_len[4];
static struct promdb_file counter;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < 4; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", PROM_FIXTURES, names[i]);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			abort();
		fixture[i] = malloc(65536);
		fixture_len[i] = fread(fixture[i], 1, 65536, fp);
		fclose(fp);
	}
	char why[200];
	if (promdb_alloc(&counter, fixture_len[0]) < 0 ||
	    promdb_parse(fixture[0], fixture_len[0], &counter, why, sizeof why) != PROMDB_OK)
		abort();
	return 0;
}

static size_t used(const struct promdb_file *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n_entries; i++) {
		const struct promdb_entry *e = &f->entries[i];
		n += strlen(e->metric) + strlen(e->name) + strlen(e->help) + e->offset % 8;
		for (size_t k = 0; k < e->n_labels; k++)
			n += strlen(e->labels[k].name) + strlen(e->labels[k].value);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 2;
	data++;
	size--;
	unsigned char *b;
	size_t len;
	if (mode == 0) {
		int which = size > 0 ? data[0] % 4 : 0;
		if (size > 0) {
			data++;
			size--;
		}
		len = fixture_len[which];
		b = malloc(len);
		memcpy(b, fixture[which], len);
		for (size_t i = 0; i + 3 <= size; i += 3)
			b[(data[i] | (size_t)data[i + 1] << 8) % len] = data[i + 2];
	} else {
		len = size;
		b = malloc(len ? len : 1);
		memcpy(b, data, len);
	}
	unsigned char *odd = malloc(len + 1);
	memcpy(odd + 1, b, len);
	struct promdb_file f, g;
	char why[256], why2[256];
	if (promdb_alloc(&f, len) < 0 || promdb_alloc(&g, len) < 0)
		abort();
	enum promdb_status s = promdb_parse(b, len, &f, why, sizeof why);
	if (promdb_parse(odd + 1, len, &g, why2, sizeof why2) != s || strcmp(why, why2))
		abort(); /* the address changes nothing */
	if (s == PROMDB_OK) {
		if (used(&f) == SIZE_MAX || f.n_entries != g.n_entries)
			abort();
		for (int kind = 0; kind < 4; kind++) {
			struct promdb_input in[2] = {
				{ .name = { (enum promdb_kind)kind,
					    (enum promdb_mode)(len % PROMDB_MODES), 7 },
				  .alive = len % 2,
				  .file = &f },
				{ .name = { PROMDB_COUNTER, PROMDB_ALL, 8 },
				  .alive = true,
				  .file = &counter },
			};
			struct promdb_aggregate a;
			if (promdb_aggregate(in, 2, kind == 1, &a) < 0)
				abort();
			if (a.n_samples > 2 * (f.n_entries + counter.n_entries))
				abort();
			size_t n = 0;
			for (size_t i = 0; i < a.n_samples; i++)
				n += strlen(a.samples[i].name) + strlen(a.samples[i].suffix) +
				     (a.samples[i].add_value ? strlen(a.samples[i].add_value) : 0);
			if (n == SIZE_MAX)
				abort();
			promdb_aggregate_free(&a);
		}
	} else if (!why[0]) {
		abort(); /* every refusal says why */
	}
	promdb_free(&f);
	promdb_free(&g);
	free(odd);
	free(b);
	return 0;
}
