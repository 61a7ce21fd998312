/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the MMV reader (src/view/mmv.h).  The first input
 * byte picks what the rest is:
 *   0  (offset: 2 bytes, byte) patches on tests/fixture/mmv/v1.mmv, a file
 *      libpcp_mmv wrote, so that the fuzzer reaches past the first checks;
 *   1  the same on v2.mmv (second byte even) or v3.mmv (odd, with labels);
 *   2  the bytes alone as the file.
 * The file is a heap block of its exact size (a read past it is an ASan
 * error); what the reader accepts is then used whole: every name as
 * metric[instance], units, every string's length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *fixture[3];
static size_t fixture_len[3];

static void load(int i, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", MMV_FIXTURES, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		abort();
	fixture[i] = malloc(65536);
	fixture_len[i] = fread(fixture[i], 1, 65536, fp);
	fclose(fp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	load(0, "v1.mmv");
	load(1, "v2.mmv");
	load(2, "v3.mmv");
	return 0;
}

static size_t used(const char *s)
{
	return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 3;
	data++;
	size--;
	unsigned char *b;
	size_t len;
	if (mode < 2) {
		int which = mode == 0 ? 0 : 1 + (size > 0 && (data[0] & 1));
		if (mode == 1 && size > 0) {
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
	struct mmv_file f;
	char why[256], name[600], units[64];
	if (mmv_alloc(&f, len) < 0)
		abort();
	if (mmv_parse(b, len, &f, why, sizeof why) == MMV_OK) {
		size_t n = 0;
		for (size_t i = 0; i < f.n_values; i++) {
			const struct mmv_value *v = &f.values[i];
			const struct mmv_metric *m = &f.metrics[v->metric];
			mmv_value_name(&f, v, name, sizeof name);
			mmv_units_str(m->units, units, sizeof units);
			n += strlen(name) + strlen(units) + used(m->oneline) + used(m->help) +
			     used(v->string) + strlen(mmv_type_name(m->type)) +
			     strlen(mmv_sem_name(m->sem));
		}
		for (size_t i = 0; i < f.n_indoms; i++)
			n += used(f.indoms[i].oneline) + used(f.indoms[i].help);
		for (size_t i = 0; i < f.n_labels; i++)
			n += used(f.labels[i].payload);
		if (n == SIZE_MAX)
			abort();
	} else if (!why[0]) {
		abort(); /* every refusal says why */
	}
	mmv_free(&f);
	free(b);
	return 0;
}
