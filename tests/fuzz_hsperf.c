/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the hsperfdata reader (hsperf.h).  The first input
 * byte picks what the rest is:
 *   0  (offset, byte) patches, 3 bytes each (a 2-byte offset, little
 *      endian), on the real JVM's file of tests/fixture/hsperf, so that the
 *      fuzzer reaches past the prologue's checks into every entry;
 *   1  (offset, word) patches, 6 bytes each (a 4-byte word), on the same
 *      file: lengths, offsets and counts of the attacker's choosing;
 *   2  the bytes alone as the file;
 *   3  the bytes as a file name, for hsperf_pid_from_name(), and as a
 *      path, for hsperf_pid_from_path().
 * The file goes into a buffer of exactly its size and the entries and text
 * into arrays of exactly the size hsperf.h says suffice, so ASan sees any
 * read or write past them; what comes back is checked (names non-empty and
 * NUL-terminated within the text, strings as long as they say, a text
 * buffer of the file's size never full).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsperf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char golden[32768];
static size_t golden_size;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FILE *f = fopen(HSPERF_FIXTURE, "rb");
	if (!f) {
		perror(HSPERF_FIXTURE);
		abort();
	}
	golden_size = fread(golden, 1, sizeof golden, f);
	fclose(f);
	return 0;
}

static void check(const unsigned char *b, size_t size)
{
	size_t cap = HSPERF_MAX_ENTRIES(size), n = 99;
	struct hsperf_entry *e = malloc(cap * sizeof *e);
	char *text = malloc(size ? size : 1);
	char why[200];
	struct hsperf_info info;
	if (!e || !text)
		abort();
	why[0] = '\0';
	enum hsperf_status st =
	    hsperf_parse(b, size, e, cap, &n, text, size, &info, why, sizeof why);
	if (st != HSPERF_OK && (n != 0 || why[0] == '\0'))
		abort(); /* a refusal says why and gives nothing */
	if (strstr(why, "text buffer is full") || strstr(why, "more than the"))
		abort(); /* the sizes hsperf.h promises were not enough */
	for (size_t i = 0; i < n; i++) {
		const char *end = text + size;
		if (e[i].name < text || e[i].name >= end ||
		    !memchr(e[i].name, 0, (size_t)(end - e[i].name)) || e[i].name[0] == '\0')
			abort();
		if (e[i].is_string && strlen(e[i].str) != e[i].str_len)
			abort();
		if (e[i].kind < HSPERF_CONSTANT || e[i].kind > HSPERF_GAUGE ||
		    strcmp(hsperf_unit_name(e[i].unit), "?") == 0)
			abort();
	}
	volatile double s = hsperf_ticks_seconds(n ? e[0].value : 0, hsperf_frequency(e, n));
	(void)s;
	free(e);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0] % 4;
	data++;
	size--;
	if (mode == 2) {
		unsigned char *b = malloc(size ? size : 1);
		if (!b)
			abort();
		memcpy(b, data, size);
		check(b, size);
		free(b);
		return 0;
	}
	if (mode == 3) {
		char name[16];
		size_t k = size < sizeof name - 1 ? size : sizeof name - 1;
		memcpy(name, data, k);
		name[k] = '\0';
		int32_t pid;
		if (hsperf_pid_from_name(name, &pid) && pid < 1)
			abort();
		/* and as a path: a pid, and a user without a '/' */
		char path[96], user[40];
		k = size < sizeof path - 1 ? size : sizeof path - 1;
		memcpy(path, data, k);
		path[k] = '\0';
		if (hsperf_pid_from_path(path, &pid, user, sizeof user) &&
		    (pid < 1 || strchr(user, '/') || !user[0]))
			abort();
		return 0;
	}
	unsigned char *b = malloc(golden_size);
	if (!b)
		abort();
	memcpy(b, golden, golden_size);
	size_t step = mode == 0 ? 3 : 6;
	for (size_t i = 0; i + step <= size; i += step) {
		size_t off = (size_t)(data[i] | data[i + 1] << 8) % golden_size;
		size_t w = mode == 0 ? 1 : 4;
		if (off + w <= golden_size)
			memcpy(b + off, data + i + 2, w);
	}
	check(b, golden_size);
	free(b);
	return 0;
}
