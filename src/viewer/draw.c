/*
 * The dashboard's look.  Rows are drawn top to bottom through goto_row(),
 * which blanks each row once before it is drawn (and every row skipped), so
 * no stale text survives a change of state and nothing is cleared twice.
 */
#include "draw.h"

#include <curses.h>
#include <string.h>

#include "shmtop/bigtext.h"

enum { PAIR_GOOD = 1, PAIR_WARN, PAIR_BAD, PAIR_SPARK };

void draw_colors(void)
{
	use_default_colors();
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_SPARK, COLOR_CYAN, -1);
}

static int next_row;

/* Blank the rows from next_row up to y, and move to the start of row y. */
static void goto_row(int y)
{
	for (; next_row <= y && next_row < LINES; next_row++) {
		move(next_row, 0);
		clrtoeol();
	}
	if (y < LINES)
		move(y, 0);
}

static attr_t tone_attr(enum model_tone t, const struct draw_style *s)
{
	if (!s->color)
		return t == TONE_NORMAL ? A_NORMAL : A_BOLD;
	switch (t) {
	case TONE_GOOD: return COLOR_PAIR(PAIR_GOOD) | A_BOLD;
	case TONE_WARN: return COLOR_PAIR(PAIR_WARN) | A_BOLD;
	case TONE_BAD: return COLOR_PAIR(PAIR_BAD) | A_BOLD;
	default: return A_NORMAL;
	}
}

/* ASCII text at (y, x), cut at the right edge. */
static void put(int y, int x, const char *text, attr_t a)
{
	int room = COLS - x;
	if (room <= 0)
		return;
	attrset((int)(a));
	mvaddnstr(y, x, text, room);
	attrset((int)(A_NORMAL));
}

static void rule(int y, const char *title, const struct draw_style *s)
{
	if (s->utf8)
		mvhline(y, 0, ACS_HLINE, COLS);
	else
		mvhline(y, 0, '-', COLS);
	if (title && *title) {
		put(y, 2, " ", A_NORMAL);
		put(y, 3, title, A_BOLD);
		put(y, 3 + (int)strlen(title), " ", A_NORMAL);
	}
}

static void draw_title(const struct view_model *m, const struct draw_style *s)
{
	goto_row(0);
	attrset((int)(A_REVERSE));
	mvhline(0, 0, ' ', COLS);
	put(0, 1, m->title, A_REVERSE | A_BOLD);
	int bx = COLS - (int)strlen(m->badge) - 2;
	if (bx > (int)strlen(m->title) + 2)
		put(0, bx, m->badge, A_REVERSE | tone_attr(m->tone, s));
}

static void draw_value(const struct view_model *m, const struct layout *l,
		       const struct draw_style *s)
{
	if (!m->have_value) {
		goto_row(l->value_y);
		put(l->value_y, 0, m->message, tone_attr(m->tone, s));
		return;
	}
	if (l->big) {
		char row[256];
		for (unsigned r = 0; r < BIGTEXT_ROWS; r++) {
			int y = l->value_y + (int)r;
			goto_row(y);
			attrset((int)(A_BOLD));
			mvaddstr(y, 0, bigtext_row(m->value, r, s->utf8, row, sizeof row));
			attrset((int)(A_NORMAL));
			if (y == l->details_y)
				put(y, l->details_x, m->details, A_NORMAL);
		}
		return;
	}
	goto_row(l->value_y);
	put(l->value_y, 0, m->value, A_BOLD);
	put(l->details_y, l->details_x, m->details, A_NORMAL);
}

static void draw_status(const struct view_model *m, const struct layout *l,
			const struct draw_style *s)
{
	goto_row(l->writer_y);
	put(l->writer_y, 0, m->writer, A_NORMAL);
	goto_row(l->control_y);
	if (m->notice[0])
		put(l->control_y, 0, m->notice, A_BOLD);
	else if (m->have_value && m->message[0])
		put(l->control_y, 0, m->message, tone_attr(TONE_WARN, s));
	else
		put(l->control_y, 0, m->control, m->control_ok ? A_NORMAL : A_DIM);
}

static void draw_fields(const struct view_model *m, const struct layout *l,
			const struct draw_style *s)
{
	goto_row(l->info_sep_y);
	rule(l->info_sep_y, "segment (IPC_STAT)", s);
	size_t shown = (size_t)(l->info_rows * l->info_cols);
	for (int r = 0; r < l->info_rows; r++) {
		int y = l->info_y + r;
		goto_row(y);
		for (int c = 0; c < l->info_cols; c++) {
			size_t i = (size_t)(r * l->info_cols + c);
			if (i >= m->nfields || i >= shown)
				break;
			int x = c * l->info_colw;
			char cell[80];
			int w = l->info_colw - 1 < (int)sizeof cell ? l->info_colw - 1 : (int)sizeof cell - 1;
			snprintf(cell, (size_t)w + 1, "%-8s %s", m->fields[i].label, m->fields[i].value);
			put(y, x, cell, A_NORMAL);
			attrset((int)(A_BOLD));
			mvaddnstr(y, x, m->fields[i].label, w);
			attrset((int)(A_NORMAL));
		}
	}
}

static void draw_spark(const struct view_model *m, const struct layout *l,
		       const struct draw_style *s)
{
	goto_row(l->spark_sep_y);
	rule(l->spark_sep_y, m->spark_title, s);
	goto_row(l->spark_y);
	attrset((int)(s->color ? COLOR_PAIR(PAIR_SPARK) : A_NORMAL));
	mvaddstr(l->spark_y, 0, m->spark);
	attrset((int)(A_NORMAL));
}

static const char *const help_lines[] = {
	"p         pause / resume the writer",
	"r         reset the count to 0",
	"c         clear the history shown",
	"d         history of value or rate",
	"+ / -     slower / faster refresh",
	"? h F1    this help",
	"q Esc F10 quit (also Ctrl-C)",
	"Ctrl-Z    suspend; fg resumes",
	"",
	"any other key closes this help",
};

static void draw_help(const struct draw_style *s)
{
	int n = (int)(sizeof help_lines / sizeof help_lines[0]);
	int w = 40, h = n + 2;
	int x = (COLS - w) / 2, y = (LINES - h) / 2;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	for (int r = 0; r < h && y + r < LINES; r++) {
		move(y + r, x);
		for (int c = 0; c < w && x + c < COLS; c++)
			addch(' ');
	}
	chtype hl = s->utf8 ? ACS_HLINE : '-', vl = s->utf8 ? ACS_VLINE : '|';
	mvhline(y, x, hl, w);
	mvhline(y + h - 1, x, hl, w);
	mvvline(y, x, vl, h);
	mvvline(y, x + w - 1, vl, h);
	mvaddch(y, x, s->utf8 ? ACS_ULCORNER : '+');
	mvaddch(y, x + w - 1, s->utf8 ? ACS_URCORNER : '+');
	mvaddch(y + h - 1, x, s->utf8 ? ACS_LLCORNER : '+');
	mvaddch(y + h - 1, x + w - 1, s->utf8 ? ACS_LRCORNER : '+');
	put(y, x + 2, " shmtop help ", A_BOLD);
	for (int i = 0; i < n && y + 1 + i < LINES; i++)
		put(y + 1 + i, x + 2, help_lines[i], A_NORMAL);
}

void draw_screen(const struct view_model *m, const struct layout *l,
		 const struct draw_style *s, bool help)
{
	next_row = 0;
	if (l->too_small) {
		/* "terminal too small: need 40×10", on two lines if need be */
		char msg[64];
		layout_too_small(s->utf8, msg, sizeof msg);
		char *need = strstr(msg, " need");
		bool split = need && (int)strlen(msg) > COLS;
		if (split)
			*need++ = '\0';
		const char *lines[2] = { msg, split ? need : NULL };
		for (int i = 0; i < 2 && lines[i]; i++) {
			int y = LINES / 2 - (split ? 1 : 0) + i;
			int x = (COLS - (int)strlen(lines[i])) / 2;
			goto_row(y);
			attrset((int)(A_BOLD));
			mvaddstr(y, x < 0 ? 0 : x, lines[i]);
			attrset((int)(A_NORMAL));
		}
		goto_row(LINES);
		return;
	}
	draw_title(m, s);
	draw_value(m, l, s);
	draw_status(m, l, s);
	draw_fields(m, l, s);
	draw_spark(m, l, s);
	goto_row(l->footer_y);
	attrset((int)(A_DIM));
	mvaddnstr(l->footer_y, 0, m->footer, COLS - 1); /* never the last cell: no scroll */
	attrset((int)(A_NORMAL));
	goto_row(LINES);
	if (help)
		draw_help(s);
}
