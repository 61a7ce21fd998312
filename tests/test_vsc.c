/* SPDX-License-Identifier: MIT */
/*
 * The VSM index and VSC reader (src/view/vsc.h) on a real varnishd's
 * files: tests/fixture/varnish holds both sets' _.index and the segment
 * files of MGT, MAIN, SMA.s0, SMA.Transient, VBE.boot.default and LCK.sma
 * with their StatDocs, copied from the -n folder of Debian 12's varnishd
 * 7.1.1 after 4 requests, and varnishstat.txt, `varnishstat -1 -j` of the
 * same counters just after (name, flag, format, value: the same).  Then hostile
 * copies made here: indexes with bad fields, names escaping the folder,
 * misaligned offsets, segments outside their cluster; StatDocs cut
 * everywhere, JSON malformed, deep, huge, with controls in names;
 * counters past their segment or misaligned: each refused with its
 * reason.  Each segment is a heap block of its exact size, so a read past
 * it is an AddressSanitizer error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vsc.h"

static char why[256];

static char *slurp(const char *set, const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s/%s", VSC_FIXTURES, set, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *b = malloc(65536);
	assert_non_null(b);
	*len = fread(b, 1, 65536, fp);
	fclose(fp);
	return b;
}

static struct vsc_seg mgt_segs[64], child_segs[64];
static struct vsc_index mgt = { .segs = mgt_segs, .cap = 64 };
static struct vsc_index child = { .segs = child_segs, .cap = 64 };

static void parse_index(const char *set, struct vsc_index *ix)
{
	size_t len;
	char *t = slurp(set, "_.index", &len);
	assert_non_null(t);
	assert_int_equal(vsc_index_parse(t, len, ix, why, sizeof why), VSC_OK);
	free(t);
}

/* The bytes of segment g, in a heap block of its exact length (NULL when
 * the fixture does not hold its file). */
static unsigned char *seg_of(const char *set, const struct vsc_seg *g)
{
	size_t len;
	char *f = slurp(set, g->file, &len);
	if (!f)
		return NULL;
	assert_true(g->off + g->len <= len);
	unsigned char *b = malloc(g->len);
	assert_non_null(b);
	memcpy(b, f + g->off, g->len);
	free(f);
	return b;
}

static void test_index(void **state)
{
	(void)state;
	parse_index("_.vsm_mgt", &mgt);
	assert_int_equal(mgt.pid, 19748);
	assert_int_equal(mgt.birth, 1796656188);
	assert_int_equal(mgt.n, 6);
	assert_string_equal(mgt.segs[1].file, "_.StatDoc.b24feba89dd085ee");
	assert_string_equal(mgt.segs[1].cls, "StatDoc");
	assert_string_equal(mgt.segs[1].ident, "555b60ad6fa0");
	assert_int_equal(mgt.segs[1].len, 1704);
	assert_string_equal(mgt.segs[2].ident, "MGT");
	assert_string_equal(mgt.segs[4].cls, "Params");
	assert_string_equal(mgt.segs[4].ident, "");
	parse_index("_.vsm_child", &child);
	assert_int_equal(child.n, 38);
	const struct vsc_seg *c = &child.segs[35], *v = &child.segs[37];
	assert_string_equal(c->file, "_.VSC_cluster.0100378a37d7bdac");
	assert_string_equal(c->cls, "");
	assert_int_equal(c->len, 4096);
	assert_string_equal(v->file, c->file);
	assert_int_equal(v->off, 16);
	assert_int_equal(v->len, 184);
	assert_string_equal(v->ident, "VBE.boot.default");
}

struct want {
	char name[VSC_NAME_MAX];
	char flag, format;
	uint64_t value;
};

/* Every counter of the fixture's segments, against varnishstat's. */
static void test_counters(void **state)
{
	(void)state;
	size_t len;
	char *vs = slurp(".", "varnishstat.txt", &len);
	assert_non_null(vs);
	vs = realloc(vs, len + 1);
	vs[len] = '\0';
	struct want *w = calloc(400, sizeof *w);
	size_t nw = 0;
	for (char *l = strtok(vs, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned long long v;
		assert_int_equal(
		    sscanf(l, "%191s %c %c %llu", w[nw].name, &w[nw].flag, &w[nw].format, &v), 4);
		w[nw++].value = v;
	}
	assert_int_equal(nw, 190);
	free(vs);
	size_t k = 0;
	const char *sets[2] = { "_.vsm_mgt", "_.vsm_child" };
	struct vsc_index *ixs[2] = { &mgt, &child };
	for (int si = 0; si < 2; si++) {
		struct vsc_index *ix = ixs[si];
		parse_index(sets[si], ix);
		for (size_t i = 0; i < ix->n; i++) {
			if (strcmp(ix->segs[i].cls, "Stat") != 0)
				continue;
			unsigned char *st = seg_of(sets[si], &ix->segs[i]);
			if (!st)
				continue;
			uint64_t id;
			int32_t ready;
			assert_true(vsc_head(st, ix->segs[i].len, &id, &ready));
			assert_int_equal(ready, 1);
			char hex[24];
			snprintf(hex, sizeof hex, "%llx", (unsigned long long)id);
			size_t d = 0;
			while (d < ix->n && strcmp(ix->segs[d].ident, hex) != 0)
				d++;
			assert_true(d < ix->n);
			unsigned char *doc = seg_of(sets[si], &ix->segs[d]);
			assert_non_null(doc);
			struct vsc_doc dd;
			assert_int_equal(vsc_doc_alloc(&dd, ix->segs[d].len), 0);
			assert_int_equal(vsc_doc_parse(doc, ix->segs[d].len, &dd, why, sizeof why),
					 VSC_OK);
			assert_int_equal(dd.id, id);
			struct vsc_counter out[200];
			size_t n;
			assert_int_equal(vsc_stat_parse(st, ix->segs[i].len, ix->segs[i].ident, &dd,
							out, 200, &n, why, sizeof why),
					 VSC_OK);
			for (size_t j = 0; j < n; j++, k++) {
				assert_true(k < nw);
				assert_string_equal(out[j].name, w[k].name);
				assert_int_equal(out[j].e->type, w[k].flag);
				assert_int_equal(out[j].e->format, w[k].format);
				assert_non_null(out[j].e->oneliner);
				/* varnishstat read them within the same second */
				assert_int_equal(out[j].value, w[k].value);
			}
			if (strcmp(ix->segs[i].ident, "MAIN") == 0) {
				assert_string_equal(dd.name, "main");
				assert_string_equal(dd.oneliner, "Main counters");
				assert_int_equal(dd.order, 10);
				assert_int_equal(n, 144);
				assert_string_equal(out[0].name, "MAIN.summs");
				assert_int_equal(out[0].e->level, VSC_DEBUG);
			}
			vsc_doc_free(&dd);
			free(doc);
			free(st);
		}
	}
	assert_int_equal(k, nw);
	free(w);
}

static enum vsc_status index_of(const char *text)
{
	static struct vsc_seg segs[8];
	struct vsc_index ix = { .segs = segs, .cap = 8 };
	size_t len = strlen(text);
	char *b = malloc(len + 1);
	memcpy(b, text, len + 1);
	enum vsc_status st = vsc_index_parse(b, len, &ix, why, sizeof why);
	free(b);
	return st;
}

#define HEAD "# 42 1700000000\n"
#define CL "+ _.VSC_cluster.00ff 0 4096  \n"

/* Indexes that are not to be read, each refused with its reason. */
static void test_index_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *text, *reason;
	} bad[] = {
		{ "+ _.Stat.1 0 80 Stat MAIN\n", "line 1: not \"# PID BIRTH\"" },
		{ "# 42\n", "line 1" },
		{ "# 0 1700000000\n", "line 1" },
		{ "# 042 1700000000\n", "line 1" },
		{ "# 99999999999 1\n", "line 1" },
		{ HEAD "# 43 1700000001\n", "line 2: not a \"+\" or \"-\" line" },
		{ HEAD "* _.Stat.1 0 80 Stat MAIN\n", "first byte 0x2a" },
		{ HEAD "+ ../../etc/passwd 0 80 Stat MAIN\n", "not one component" },
		{ HEAD "+ _./etc 0 80 Stat MAIN\n", "not one component" },
		{ HEAD "+ _.. 0 80 Stat MAIN\n", "not one component" },
		{ HEAD "+ _.index 0 80 Stat MAIN\n", "not one component" },
		{ HEAD "+ /etc/shadow 0 80 Stat MAIN\n", "not one component" },
		{ HEAD "+ _.a\x1b[2J 0 80 Stat MAIN\n", "not one component" },
		{ HEAD "+ _.Stat.1 0 80 Stat MA\x1b]0;x\x07IN\n", "byte 0x1b" },
		{ HEAD "+ _.Stat.1 0 80 St\x9bt MAIN\n", "byte 0x9b" },
		{ HEAD "+ _.Stat.1 0 80 Stat MAIN extra\n", "6 fields" },
		{ HEAD "+ _.Stat.1 0 80 Stat\n", "6 fields" },
		{ HEAD "+ _.Stat.1  0 80 Stat MAIN\n", "6 fields" },
		{ HEAD "+ _.Stat.1 4 80 Stat MAIN\n", "offset a multiple of 8" },
		{ HEAD "+ _.Stat.1 0 0 Stat MAIN\n", "length not 0" },
		{ HEAD "+ _.Stat.1 0 -80 Stat MAIN\n", "not a decimal" },
		{ HEAD "+ _.Stat.1 0 080 Stat MAIN\n", "not a decimal" },
		{ HEAD "+ _.Stat.1 0 99999999999999999999 Stat MAIN\n", "not a decimal" },
		{ HEAD "+ _.Stat.1 8 18446744073709551615 Stat MAIN\n", "length not 0" },
		{ HEAD "+ _.Stat.1 16 80 Stat MAIN\n", "not inside a cluster listed before" },
		{ HEAD CL "+ _.VSC_cluster.00ff 4024 80 Stat VBE\n", "not inside a cluster" },
		{ HEAD CL "+ _.VSC_cluster.00ff 8 80 Stat VBE\n", "not inside a cluster" },
		{ HEAD CL "+ _.VSC_cluster.00ff 16 80 Stat A\n+ _.VSC_cluster.00ff 88 80 Stat B\n",
		  "line 4: _.VSC_cluster.00ff at 88 overlaps A at 16" },
		{ HEAD CL CL, "listed twice" },
		{ HEAD "+ _.Stat.1 0 80 Stat MAIN\n+ _.Stat.1 0 80 Stat MAIN\n", "overlaps" },
		{ HEAD "+ _.c 8 4096  \n", "a cluster with an ident or an offset" },
		{ HEAD "+ _.c 0 4096  x\n", "a cluster with an ident" },
		{ HEAD "- _.Stat.1 0 80 Stat MAIN\n", "removes _.Stat.1 at 0, not listed" },
		{ HEAD "+ _.Stat.1 0 80 Stat MAIN\n- _.Stat.1 0 88 Stat MAIN\n", "not listed" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum vsc_status st = index_of(bad[i].text);
		if (st != VSC_DAMAGED || !strstr(why, bad[i].reason))
			fail_msg("index %zu: status %d, \"%s\", want \"%s\"", i, st, why,
				 bad[i].reason);
	}
	/* a NUL inside the text given */
	static struct vsc_seg segs[8];
	struct vsc_index ix = { .segs = segs, .cap = 8 };
	static const char nul[] = HEAD "+ _.Stat.1 0 80 Stat MA\0N\n";
	assert_int_equal(vsc_index_parse(nul, sizeof nul - 1, &ix, why, sizeof why), VSC_DAMAGED);
	assert_string_equal(why, "a NUL byte in the index");
	/* a long line */
	char longl[700];
	snprintf(longl, sizeof longl, HEAD "+ _.Stat.1 0 80 Stat %0600d\n", 1);
	assert_int_equal(index_of(longl), VSC_DAMAGED);
	assert_non_null(strstr(why, "longer than 512 bytes"));
	/* more segments than room */
	char many[2000] = HEAD;
	for (int i = 0; i < 9; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "+ _.Stat.%d 0 80 Stat S%d\n", i, i);
	assert_int_equal(index_of(many), VSC_ERROR);
	assert_string_equal(why, "more than 8 segments");
	/* what is fine: a removal, a cluster's segments, a line being written */
	static const char fine[] = HEAD CL "+ _.VSC_cluster.00ff 16 80 Stat A\n"
					   "+ _.S.1 0 8 Arg -i\n- _.S.1 0 8 Arg -i\n"
					   "+ _.VSC_cluster.00ff 96 80 Stat B\n+ _.S.2 0 8";
	assert_int_equal(vsc_index_parse(fine, sizeof fine - 1, &ix, why, sizeof why), VSC_OK);
	assert_int_equal(ix.n, 3);
	assert_string_equal(ix.segs[2].ident, "B");
	assert_int_equal(index_of(""), VSC_NOT_READY);
	assert_int_equal(index_of("# 42 17"), VSC_NOT_READY);
	assert_true(vsc_file_name_ok("_.Stat.ff8d661c2e86a5ad"));
	assert_false(vsc_file_name_ok("_."));
	assert_false(vsc_file_name_ok("Stat.1"));
	assert_false(vsc_file_name_ok("_.a..b"));
}

/* Every cut of a real index parses to a prefix of its segments, or is
 * refused with a reason: never more, never a crash. */
static void test_index_truncated(void **state)
{
	(void)state;
	size_t len;
	char *t = slurp("_.vsm_child", "_.index", &len);
	assert_non_null(t);
	static struct vsc_seg segs[64];
	for (size_t cut = 0; cut <= len; cut++) {
		char *b = malloc(cut + 1);
		memcpy(b, t, cut);
		struct vsc_index ix = { .segs = segs, .cap = 64 };
		enum vsc_status st = vsc_index_parse(b, cut, &ix, why, sizeof why);
		size_t lines = 0;
		for (size_t i = 0; i < cut; i++)
			lines += b[i] == '\n';
		if (lines == 0)
			assert_int_equal(st, VSC_NOT_READY);
		else {
			assert_int_equal(st, VSC_OK);
			assert_int_equal(ix.n, lines - 1);
		}
		free(b);
	}
	free(t);
}

/* A StatDoc segment around json: ready, body offset 24, id 0xabc. */
static unsigned char *mkdoc(const char *json, size_t *len)
{
	size_t jl = strlen(json);
	*len = VSC_HEAD_SIZE + jl + 1;
	unsigned char *b = calloc(1, *len);
	int32_t ready = 1;
	uint64_t off = VSC_HEAD_SIZE, id = 0xabc;
	memcpy(b, &ready, 4);
	memcpy(b + 8, &off, 8);
	memcpy(b + 16, &id, 8);
	memcpy(b + VSC_HEAD_SIZE, json, jl);
	return b;
}

#define E_A                                                                                        \
	"\"a\":{\"type\":\"counter\",\"ctype\":\"uint64_t\",\"level\":\"info\","                   \
	"\"oneliner\":\"A\",\"format\":\"integer\",\"index\":0,\"name\":\"a\",\"docs\":\"\"}"
#define E_B                                                                                        \
	"\"b\":{\"type\":\"gauge\",\"ctype\":\"uint64_t\",\"level\":\"debug\","                    \
	"\"oneliner\":\"B \\u00e9\\ud83d\\ude00\\\"\\\\\\/\",\"format\":\"bytes\","                \
	"\"index\":8,\"name\":\"b\",\"docs\":\"x\\ny\\t\",\"group\":\"g\"}"
static const char good_doc[] =
    "{\"version\":\"1\",\"name\":\"t\",\"oneliner\":\"T\","
    "\"order\":1,\"docs\":\"\",\"elements\":2,\"elem\":{" E_A "," E_B "}}";

static struct vsc_doc doc;

static enum vsc_status doc_of(const char *json)
{
	size_t len;
	unsigned char *b = mkdoc(json, &len);
	vsc_doc_free(&doc);
	assert_int_equal(vsc_doc_alloc(&doc, len), 0);
	enum vsc_status st = vsc_doc_parse(b, len, &doc, why, sizeof why);
	free(b);
	return st;
}

/* json with the first from replaced by to */
static const char *variant(const char *from, const char *to)
{
	static char buf[4096];
	const char *p = strstr(good_doc, from);
	assert_non_null(p);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - good_doc), good_doc, to, p + strlen(from));
	return buf;
}

static void test_doc(void **state)
{
	(void)state;
	assert_int_equal(doc_of(good_doc), VSC_OK);
	assert_int_equal(doc.id, 0xabc);
	assert_string_equal(doc.name, "t");
	assert_int_equal(doc.n, 2);
	assert_string_equal(doc.elem[1].name, "b");
	assert_string_equal(doc.elem[1].oneliner, "B \xc3\xa9\xf0\x9f\x98\x80\"\\/");
	assert_string_equal(doc.elem[1].docs, "x\ny\t");
	assert_int_equal(doc.elem[1].type, VSC_GAUGE);
	assert_int_equal(doc.elem[1].format, VSC_F_BYTES);
	assert_int_equal(doc.elem[1].level, VSC_DEBUG);
	assert_int_equal(doc.elem[1].index, 8);
	static const struct {
		const char *from, *to, *reason;
	} bad[] = {
		{ "{\"version\"", "{ \"version\"", "JSON byte 0x20 at 1 where '\"' was due" },
		{ "\"elements\":2", "\"elements\" : 2", "where ':' was due" },
		{ "\"order\":1", "\"order\":1,\"extra\":1", "unknown key \"extra\"" },
		{ "\"order\":1", "\"order\":1,\"order\":2", "key \"order\" twice" },
		{ "\"docs\":\"\",\"elements\"", "\"elements\"", "no \"docs\"" },
		{ "\"version\":\"1\"", "\"version\":\"2\"", "version \"2\"" },
		{ "\"version\":\"1\"", "\"version\":1", "where '\"' was due" },
		{ "\"order\":1", "\"order\":01", "not a number" },
		{ "\"order\":1", "\"order\":-1", "not a number" },
		{ "\"order\":1", "\"order\":1.5", "where '}' was due" },
		{ "\"order\":1", "\"order\":12345678901", "not a number" },
		{ "\"elements\":2", "\"elements\":4294967295",
		  "elements: 4294967295 (at most 4096)" },
		{ "\"elements\":2", "\"elements\":3", "\"elements\" 3, but 2 elements" },
		{ "\"order\":1", "\"order\":{\"a\":{\"b\":{\"c\":{}}}}", "not a number" },
		{ "\"name\":\"t\"", "\"name\":[[[[[[[[\"t\"]]]]]]]]", "where '\"' was due" },
		{ "\"docs\":\"\",\"elements\"", "\"docs\":null,\"elements\"",
		  "where '\"' was due" },
		{ "\"type\":\"counter\"", "\"type\":\"meter\"", "type \"meter\" is not one" },
		{ "\"ctype\":\"uint64_t\"", "\"ctype\":\"double\"", "ctype \"double\"" },
		{ "\"level\":\"info\"", "\"level\":\"loud\"", "level \"loud\"" },
		{ "\"format\":\"integer\"", "\"format\":\"roman\"", "format \"roman\"" },
		{ "\"index\":0", "\"index\":4", "index 4 not a multiple of 8" },
		{ "\"index\":0", "\"index\":99999999", "index: 99999999 (at most" },
		{ "\"name\":\"a\"", "\"name\":\"z\"", "element a: named \"z\"" },
		{ "\"oneliner\":\"A\",", "", "element a: no \"oneliner\"" },
		{ E_A ",", "", "\"elements\" 2, but 1 elements" },
		{ E_A, E_A "," E_A, "element a twice" },
		{ "\"a\":{", "\"\\u001b[2J\":{", "with a control or non-ASCII byte" },
		{ "\"a\":{", "\"\":{", "element name of 0 bytes" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"A\\u0000\"", "\\u0000 in a string" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"\\udc00\"", "lone low surrogate" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"\\ud800x\"", "without its low one" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"\\u12\"", "without four hex digits" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"\\x41\"", "escape \\x" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"\xc3\xa9\"", "byte 0xc3" },
		{ "\"oneliner\":\"A\"", "\"oneliner\":\"A\tB\"", "byte 0x09" },
		{ "\"g\"}}}", "\"g\"}}}x", "1 bytes after the document" },
		{ "\"g\"}}}", "\"g\"}}", "JSON ends where '}' was due" },
		{ "\"elem\":{", "\"elem\":[", "where '{' was due" },
		{ "\"counter\"", "\"co\\u001b]0;x\\u0007\"", "type \"co\" is not one" },
		{ "\"uint64_t\"", "\"\\u009b1m\"", "ctype \"\" (uint64_t)" },
		{ "\"order\"", "\"\\u001b[2J\"", "unknown key \"\"" },
		{ "\"name\":\"a\"", "\"name\":\"a\\r\"", "named \"a\"" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum vsc_status st = doc_of(variant(bad[i].from, bad[i].to));
		if (st != VSC_DAMAGED || !strstr(why, bad[i].reason))
			fail_msg("doc %zu: status %d, \"%s\", want \"%s\"", i, st, why,
				 bad[i].reason);
		for (const char *c = why; *c; c++) /* no control byte of theirs */
			assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
		assert_int_equal(doc.n, 0);
	}
	/* the header */
	size_t len;
	unsigned char *b = mkdoc(good_doc, &len);
	vsc_doc_free(&doc);
	assert_int_equal(vsc_doc_alloc(&doc, len), 0);
	static const struct {
		size_t at;
		uint64_t v;
		int width;
		enum vsc_status st;
		const char *reason;
	} head[] = {
		{ 0, 0, 4, VSC_NOT_READY, "not ready yet" },
		{ 0, 2, 4, VSC_HIDDEN, "hidden" },
		{ 0, 7, 4, VSC_DAMAGED, "ready is 7" },
		{ 8, 20, 8, VSC_DAMAGED, "body offset 20" },
		{ 8, 32, 8, VSC_DAMAGED, "where '{' was due" },
		{ 8, 1u << 30, 8, VSC_DAMAGED, "body offset 1073741824" },
		{ 8, 16, 8, VSC_DAMAGED, "body offset 16" },
	};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
		unsigned char *c = malloc(len);
		memcpy(c, b, len);
		memcpy(c + head[i].at, &head[i].v, (size_t)head[i].width);
		enum vsc_status st = vsc_doc_parse(c, len, &doc, why, sizeof why);
		if (st != head[i].st || !strstr(why, head[i].reason))
			fail_msg("head %zu: status %d, \"%s\"", i, st, why);
		free(c);
	}
	/* every cut: refused with a reason, never read past */
	for (size_t cut = 0; cut < len; cut++) {
		unsigned char *c = malloc(cut ? cut : 1);
		memcpy(c, b, cut);
		assert_int_not_equal(vsc_doc_parse(c, cut, &doc, why, sizeof why), VSC_OK);
		assert_true(why[0] != '\0');
		free(c);
	}
	/* every byte of the JSON its end: refused with a reason */
	for (size_t at = VSC_HEAD_SIZE; at < len - 1; at++) {
		unsigned char *c = malloc(len);
		memcpy(c, b, len);
		c[at] = '\0';
		assert_int_equal(vsc_doc_parse(c, len, &doc, why, sizeof why), VSC_DAMAGED);
		assert_true(why[0] != '\0');
		free(c);
	}
	free(b);
	/* room: a doc's elements beyond what its size allows are refused */
	vsc_doc_free(&doc);
	b = mkdoc(good_doc, &len);
	assert_int_equal(vsc_doc_alloc(&doc, 100), 0);
	assert_int_equal(vsc_doc_parse(b, len, &doc, why, sizeof why), VSC_ERROR);
	assert_non_null(strstr(why, "room for"));
	free(b);
	vsc_doc_free(&doc);
}

/* A Stat segment of the counters a and b after good_doc. */
static void test_stat(void **state)
{
	(void)state;
	assert_int_equal(doc_of(good_doc), VSC_OK);
	size_t len = VSC_HEAD_SIZE + 16;
	_Alignas(8) unsigned char seg[VSC_HEAD_SIZE + 16 + 8];
	int32_t ready = 1;
	uint64_t off = VSC_HEAD_SIZE, id = 0xabc, a = 12345, bv = UINT64_MAX - 1;
	memset(seg, 0, sizeof seg);
	memcpy(seg, &ready, 4);
	memcpy(seg + 8, &off, 8);
	memcpy(seg + 16, &id, 8);
	memcpy(seg + 24, &a, 8);
	memcpy(seg + 32, &bv, 8);
	struct vsc_counter out[4];
	size_t n;
	assert_int_equal(vsc_stat_parse(seg, len, "T.x", &doc, out, 4, &n, why, sizeof why),
			 VSC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].name, "T.x.a");
	assert_int_equal(out[0].value, 12345);
	assert_string_equal(out[1].name, "T.x.b");
	/* a gauge above INT64_MAX: varnishstat shows 0 */
	assert_int_equal(out[1].raw, UINT64_MAX - 1);
	assert_int_equal(out[1].value, 0);
	/* a counter past the segment: refused, not read */
	unsigned char *cut = malloc(len - 8);
	memcpy(cut, seg, len - 8);
	assert_int_equal(vsc_stat_parse(cut, len - 8, "T.x", &doc, out, 4, &n, why, sizeof why),
			 VSC_DAMAGED);
	assert_string_equal(why, "T.x.b: counter at 8 past the body (8 bytes)");
	assert_int_equal(n, 0);
	free(cut);
	/* another doc's id */
	id = 0xabd;
	memcpy(seg + 16, &id, 8);
	assert_int_equal(vsc_stat_parse(seg, len, "T.x", &doc, out, 4, &n, why, sizeof why),
			 VSC_DAMAGED);
	assert_non_null(strstr(why, "doc id abd, not its StatDoc's abc"));
	id = 0xabc;
	memcpy(seg + 16, &id, 8);
	/* no room, an ident of controls */
	assert_int_equal(vsc_stat_parse(seg, len, "T.x", &doc, out, 1, &n, why, sizeof why),
			 VSC_ERROR);
	assert_int_equal(vsc_stat_parse(seg, len, "T\x1b[2J", &doc, out, 4, &n, why, sizeof why),
			 VSC_DAMAGED);
	assert_non_null(strstr(why, "not printable"));
	/* misaligned in memory: refused, no unaligned load */
	_Alignas(8) unsigned char mis[sizeof seg + 8];
	memcpy(mis + 4, seg, len);
	assert_int_equal(vsc_stat_parse(mis + 4, len, "T.x", &doc, out, 4, &n, why, sizeof why),
			 VSC_DAMAGED);
	assert_non_null(strstr(why, "not 8-byte aligned"));
	/* a body offset past the counters */
	off = 32;
	memcpy(seg + 8, &off, 8);
	assert_int_equal(vsc_stat_parse(seg, len, "T.x", &doc, out, 4, &n, why, sizeof why),
			 VSC_DAMAGED);
	assert_non_null(strstr(why, "past the body"));
	vsc_doc_free(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),         cmocka_unit_test(test_counters),
		cmocka_unit_test(test_index_hostile), cmocka_unit_test(test_index_truncated),
		cmocka_unit_test(test_doc),           cmocka_unit_test(test_stat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
