/* SPDX-License-Identifier: MIT */
/* One hostile name shows as one text on every output path: the list's
 * screen row, the object's view (model), the batch table (-a -b) and the
 * batch JSON (-a --json): the text of escape_text() (src/util/escape.h)
 * where a terminal shows it, and, in JSON, the same valid printable UTF-8
 * (é as it is, never \xc3\xa9). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"
#include "model.h"
#include "objlist_table.h"
#include "objlist_view.h"

#define HOSTILE "caf\xc3\xa9\x1b[31m\\\xff\xe2\x80\xae"

static char *batch(struct objlist *s, enum objlist_table_format fmt)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	assert_non_null(f);
	struct objlist_table_output o = { .format = fmt, .columns = "NAME", .noheadings = true };
	assert_int_equal(objlist_table_write(f, s, &o), 0);
	fclose(f);
	return text;
}

static void test_same_text_everywhere(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	char want[256];
	escape_text(HOSTILE, strlen(HOSTILE), ESCAPE_LOCALE, 200, want, sizeof want);
	assert_string_equal(want, "caf\xc3\xa9\\x1b[31m\\\\\\xff\\u202e");

	static struct objlist_row r;
	memset(&r, 0, sizeof r);
	r.kind = OBJLIST_POSIX;
	r.size = 4096;
	r.place = OBJLIST_IN_DEVSHM;
	snprintf(r.name, sizeof r.name, "%s", HOSTILE);
	snprintf(r.owner, sizeof r.owner, "root");
	struct objlist s;
	memset(&s, 0, sizeof s);
	s.rows = &r;
	s.n = s.max = s.total = 1;

	/* the list's screen */
	struct objlist_view_cols c;
	char row[512];
	objlist_view_columns(200, &c);
	assert_non_null(strstr(objlist_view_row(&c, &s, &r, row, sizeof row), want));
	/* the object's view */
	static struct view_model m;
	struct model_object in = { .row = &r, .present = true };
	model_build_object(&m, &in);
	assert_non_null(memmem(&m, sizeof m, want, strlen(want)));
	/* -a -b */
	char *text = batch(&s, OBJLIST_TABLE_TEXT);
	assert_non_null(strstr(text, want));
	free(text);
	/* -a --json: the printable part as it is, the rest JSON's escapes */
	text = batch(&s, OBJLIST_TABLE_JSON);
	assert_non_null(strstr(text, "caf\xc3\xa9"));
	assert_null(strstr(text, "\\xc3"));
	assert_null(strchr(text, '\x1b'));
	free(text);
	setlocale(LC_CTYPE, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_text_everywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
