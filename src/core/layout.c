#include "shmtop/layout.h"

#include <stdio.h>
#include <string.h>

#include "shmtop/bigtext.h"

/* Rows every layout has besides the value and the info fields: title,
 * writer, control, two separators, sparkline and footer. */
#define FIXED_ROWS 7

void layout_compute(int cols, int rows, size_t value_len, size_t details_len,
		    size_t nfields, struct layout *l)
{
	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->rows = rows;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->too_small = true;
		return;
	}
	l->info_cols = cols >= 120 ? 3 : cols >= 80 ? 2 : 1;
	l->info_colw = cols / l->info_cols;
	int need_info = (int)((nfields + (size_t)l->info_cols - 1) / (size_t)l->info_cols);

	/* Big digits when they, the details beside them and every field fit. */
	int bigw = (int)bigtext_width(value_len);
	l->big = value_len > 0 && bigw + 3 + (int)details_len <= cols &&
		 FIXED_ROWS + BIGTEXT_ROWS + need_info <= rows;
	l->value_h = l->big ? BIGTEXT_ROWS : 1;
	int spare = rows - FIXED_ROWS - l->value_h - need_info;
	int gap = spare >= 2 ? 1 : 0; /* a blank row below the title and the value */

	int y = 1 + gap;
	l->value_y = y;
	l->details_y = l->big ? y + 1 : y;
	l->details_x = l->big ? bigw + 3 : (int)value_len + 2;
	y += l->value_h + gap;
	l->writer_y = y++;
	l->control_y = y++;
	l->info_sep_y = y++;
	l->info_y = y;
	l->footer_y = rows - 1;
	l->spark_y = rows - 2;
	l->spark_sep_y = rows - 3;
	l->info_rows = l->spark_sep_y - l->info_y;
	if (l->info_rows > need_info)
		l->info_rows = need_info;
	l->spark_w = cols;
}

char *layout_too_small(bool utf8, char *buf, size_t len)
{
	snprintf(buf, len, "terminal too small: need %d%s%d", LAYOUT_MIN_COLS,
		 utf8 ? "\u00d7" : "x", LAYOUT_MIN_ROWS);
	return buf;
}
