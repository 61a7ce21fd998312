/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the VSM index and VSC reader (src/view/vsc.h).
 * The first input byte picks what the rest is:
 *   0  (offset: 2 bytes, byte) patches on the StatDoc of the real MAIN
 *      counters (tests/fixture/varnish), then its Stat read with it;
 *   1  the same on the VBE.boot.default StatDoc (second byte even) or
 *      its Stat (odd), read together;
 *   2  the bytes after a StatDoc header (ready, body offset 24): the JSON
 *      reader on anything;
 *   3  the bytes alone as an _.index;
 *   4  (offset, byte) patches on the real worker's _.index;
 *   5  the same patches written over the worker's _.index of a copy of
 *      the fixture's folder, read whole by the Varnish VSM decoder
 *      (decode_folder()): every counter's name, unit and help used, a
 *      refusal with its reason.
 * Every input is a heap block of its exact size (a read past it is an
 * ASan error); what the reader accepts is then used whole: every name,
 * oneliner and docs string, every counter's value.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "vsc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct blob {
	unsigned char *b;
	size_t len;
};

static struct blob child_index, main_doc, main_stat, vbe_doc, vbe_stat;
static char copy_dir[64]; /* the fixture's folder, copied */

static void remove_copy(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", copy_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_vsc: %s not removed\n", copy_dir);
}

static struct blob slurp(const char *name, uint64_t off, uint64_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/_.vsm_child/%s", VSC_FIXTURES, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		abort();
	unsigned char *f = malloc(65536);
	size_t got = fread(f, 1, 65536, fp);
	fclose(fp);
	if (len == 0)
		len = got - off;
	if (off + len > got)
		abort();
	struct blob b = { malloc(len), (size_t)len };
	memcpy(b.b, f + off, len);
	free(f);
	return b;
}

/* The Stat segment ident and its StatDoc, from the fixture's index. */
static void pick(const struct vsc_index *ix, const char *ident, struct blob *doc, struct blob *stat)
{
	for (size_t i = 0; i < ix->n; i++) {
		const struct vsc_seg *g = &ix->segs[i];
		if (strcmp(g->ident, ident) != 0)
			continue;
		*stat = slurp(g->file, g->off, g->len);
		uint64_t id;
		int32_t ready;
		char hex[24];
		if (!vsc_head(stat->b, stat->len, &id, &ready))
			abort();
		snprintf(hex, sizeof hex, "%llx", (unsigned long long)id);
		for (size_t k = 0; k < ix->n; k++)
			if (strcmp(ix->segs[k].ident, hex) == 0) {
				*doc = slurp(ix->segs[k].file, ix->segs[k].off, ix->segs[k].len);
				return;
			}
	}
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static struct vsc_seg segs[64];
	struct vsc_index ix = { .segs = segs, .cap = 64 };
	child_index = slurp("_.index", 0, 0);
	if (vsc_index_parse((const char *)child_index.b, child_index.len, &ix, NULL, 0) != VSC_OK)
		abort();
	pick(&ix, "MAIN", &main_doc, &main_stat);
	pick(&ix, "VBE.boot.default", &vbe_doc, &vbe_stat);
	snprintf(copy_dir, sizeof copy_dir, "/tmp/fuzz_vsc.XXXXXX");
	char cmd[1024];
	if (!mkdtemp(copy_dir))
		abort();
	atexit(remove_copy);
	snprintf(cmd, sizeof cmd, "cp -r %s/_.vsm_mgt %s/_.vsm_child %s/", VSC_FIXTURES,
		 VSC_FIXTURES, copy_dir);
	if (system(cmd) != 0)
		abort();
	return 0;
}

/* The decoder over the copy with the index t. */
static void read_folder(const struct blob *t)
{
	char path[128];
	snprintf(path, sizeof path, "%s/_.vsm_child/_.index", copy_dir);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(t->b, 1, t->len, fp) != t->len || fclose(fp) != 0)
		abort();
	int fd = open(copy_dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		abort();
	struct content c = { 0 };
	struct decode_want w = { .now_mono = 1, .now_wall = 1 };
	char why[256] = "";
	enum decode_status ds = decode_folder(fd, &w, &c, why, sizeof why);
	close(fd);
	if (ds == DECODE_OK) {
		size_t n = 0;
		for (size_t i = 0; i < c.nctr; i++)
			n += strlen(c.ctr[i].name) + strlen(c.ctr[i].unit) + strlen(c.ctr[i].help);
		if (n == 1)
			abort(); /* only to use it */
	} else if (ds != DECODE_EMPTY && !why[0]) {
		abort(); /* every refusal says why */
	}
	content_free(&c);
}

static struct blob patched(const struct blob *from, const uint8_t *data, size_t size)
{
	struct blob b = { malloc(from->len), from->len };
	memcpy(b.b, from->b, from->len);
	for (size_t i = 0; i + 3 <= size; i += 3)
		b.b[(data[i] | (size_t)data[i + 1] << 8) % b.len] = data[i + 2];
	return b;
}

static size_t used(const char *s)
{
	return s ? strlen(s) : 0;
}

static void read_pair(const struct blob *doc, const struct blob *stat, const char *ident)
{
	struct vsc_doc d;
	char why[256];
	if (vsc_doc_alloc(&d, doc->len) < 0)
		abort();
	enum vsc_status st = vsc_doc_parse(doc->b, doc->len, &d, why, sizeof why);
	if (st == VSC_OK) {
		size_t n = used(d.name) + used(d.oneliner) + used(d.docs);
		for (size_t i = 0; i < d.n; i++)
			n += used(d.elem[i].name) + used(d.elem[i].oneliner) +
			     used(d.elem[i].docs) + strlen(vsc_type_name(d.elem[i].type)) +
			     strlen(vsc_level_name(d.elem[i].level)) +
			     strlen(vsc_format_name(d.elem[i].format));
		if (n > d.textlen * 2)
			abort();
		if (stat) {
			struct vsc_counter *out = calloc(d.n + 1, sizeof *out);
			size_t k;
			uint64_t sum = 0;
			if (vsc_stat_parse(stat->b, stat->len, ident, &d, out, d.n, &k, why,
					   sizeof why) == VSC_OK) {
				for (size_t i = 0; i < k; i++)
					sum += out[i].value + strlen(out[i].name);
				if (sum == 1)
					abort(); /* only to use it */
			} else if (!why[0]) {
				abort();
			}
			free(out);
		}
	} else if (!why[0]) {
		abort(); /* every refusal says why */
	}
	vsc_doc_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 6;
	data++;
	size--;
	if (mode == 0) {
		struct blob d = patched(&main_doc, data, size);
		read_pair(&d, &main_stat, "MAIN");
		free(d.b);
	} else if (mode == 1) {
		bool on_stat = size > 0 && (data[0] & 1);
		if (size > 0) {
			data++;
			size--;
		}
		struct blob d = on_stat ? vbe_doc : patched(&vbe_doc, data, size);
		struct blob s = on_stat ? patched(&vbe_stat, data, size) : vbe_stat;
		read_pair(&d, &s, "VBE.boot.default");
		free(on_stat ? s.b : d.b);
	} else if (mode == 2) {
		struct blob d = { malloc(VSC_HEAD_SIZE + size), VSC_HEAD_SIZE + size };
		int32_t ready = 1;
		uint64_t off = VSC_HEAD_SIZE, id = 1;
		memset(d.b, 0, VSC_HEAD_SIZE);
		memcpy(d.b, &ready, 4);
		memcpy(d.b + 8, &off, 8);
		memcpy(d.b + 16, &id, 8);
		memcpy(d.b + VSC_HEAD_SIZE, data, size);
		read_pair(&d, NULL, NULL);
		free(d.b);
	} else {
		struct blob t;
		if (mode == 5) {
			t = patched(&child_index, data, size);
			read_folder(&t);
			free(t.b);
			return 0;
		}
		if (mode == 3) {
			t.b = malloc(size ? size : 1);
			t.len = size;
			memcpy(t.b, data, size);
		} else {
			t = patched(&child_index, data, size);
		}
		static struct vsc_seg segs[64];
		struct vsc_index ix = { .segs = segs, .cap = 64 };
		char why[256];
		enum vsc_status st =
		    vsc_index_parse((const char *)t.b, t.len, &ix, why, sizeof why);
		if (st == VSC_OK) {
			for (size_t i = 0; i < ix.n; i++)
				if (!vsc_file_name_ok(ix.segs[i].file) || ix.segs[i].len == 0 ||
				    ix.segs[i].off % 8 != 0)
					abort();
		} else if (!why[0]) {
			abort();
		}
		free(t.b);
	}
	return 0;
}
