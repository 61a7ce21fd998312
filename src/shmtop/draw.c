/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's look.  draw_screen() either paints every part after an
 * erase() (the first frame, a new layout, help), or, given the model drawn
 * last time, repaints only the parts whose text changed: a row, a field, a
 * process, a graph column, the marker.  Either way only stdscr changes, and
 * doupdate() sends the cells that differ; the partial path also saves curses
 * the work of comparing rows that cannot have changed.
 */
#include "draw.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "bigtext.h"
#include "format.h"

void draw_colors(void)
{
	use_default_colors();
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_GRAPH, COLOR_CYAN, -1);
	init_pair(PAIR_OTHER, COLOR_MAGENTA, -1);
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

/* Text at (y, x), at most n bytes (one cell each: ASCII), cut at the right
 * edge; never the screen's last cell,
 * whose write scrolls some terminals and, on a one-column screen, makes
 * ncurses 6.4 read outside its line (see tui.c). */
static void put_n(int y, int x, const char *text, int n, attr_t a)
{
	int room = COLS - x - (y == LINES - 1);
	if (n > room)
		n = room;
	if (n <= 0 || y < 0 || y >= LINES)
		return;
	attrset((int)(a));
	mvaddnstr(y, x, text, n);
	attrset((int)(A_NORMAL));
}

static void put(int y, int x, const char *text, attr_t a)
{
	put_n(y, x, text, COLS, a);
}

/* Blank row y from column x to the end. */
static void blank(int y, int x)
{
	if (y < 0 || y >= LINES)
		return;
	move(y, x);
	clrtoeol();
}

static bool same(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Lines and corners.  In UTF-8 the Unicode box characters themselves, never
 * the DEC alternate charset: that costs an escape each way per run and some
 * terminals ignore it in UTF-8 mode.  In other locales ACS, which terminfo's
 * acsc degrades to ASCII where the terminal has no line drawing; with
 * --ascii plain ASCII. */
enum line { LINE_H, LINE_V, LINE_RTEE, LINE_UL, LINE_UR, LINE_LL, LINE_LR };

static void line_cell(int y, int x, enum line g, const struct draw_style *s)
{
	static const char *const box[] = {
		[LINE_H] = "\u2500",  [LINE_V] = "\u2502",  [LINE_RTEE] = "\u2524",
		[LINE_UL] = "\u250c", [LINE_UR] = "\u2510", [LINE_LL] = "\u2514",
		[LINE_LR] = "\u2518",
	};
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (s->utf8) {
		mvaddstr(y, x, box[g]);
		return;
	}
	if (!s->acs) {
		mvaddch(y, x, g == LINE_H ? '-' : g == LINE_V ? '|' : '+');
		return;
	}
	chtype c = ACS_HLINE;
	switch (g) {
	case LINE_H: c = ACS_HLINE; break;
	case LINE_V: c = ACS_VLINE; break;
	case LINE_RTEE: c = ACS_RTEE; break;
	case LINE_UL: c = ACS_ULCORNER; break;
	case LINE_UR: c = ACS_URCORNER; break;
	case LINE_LL: c = ACS_LLCORNER; break;
	case LINE_LR: c = ACS_LRCORNER; break;
	}
	mvaddch(y, x, c);
}

/* n cells of g from (y, x), rightwards (LINE_H) or downwards. */
static void line_run(int y, int x, int n, enum line g, const struct draw_style *s)
{
	for (int i = 0; i < n; i++)
		line_cell(g == LINE_H ? y : y + i, g == LINE_H ? x + i : x, g, s);
}

static void rule_line(int y, int x, int n, const struct draw_style *s)
{
	line_run(y, x, n, LINE_H, s);
}

void draw_hline(int y, int x, int n, const struct draw_style *s)
{
	line_run(y, x, n, LINE_H, s);
}

static void rule(int y, const char *title, attr_t a, const struct draw_style *s)
{
	if (y < 0)
		return;
	rule_line(y, 0, COLS, s);
	if (title && *title) {
		put(y, 2, " ", A_NORMAL);
		put(y, 3, title, A_BOLD | a);
		put(y, 3 + (int)strlen(title), " ", A_NORMAL);
	}
}

static void draw_title(const struct view_model *m, const struct view_model *p,
		       const struct draw_style *s)
{
	if (p && same(m->title, p->title) && same(m->badge, p->badge) && m->tone == p->tone)
		return;
	attrset((int)(A_REVERSE));
	mvhline(0, 0, ' ', COLS);
	/* The badge always; the title gives way: first its "shmtop  ", then
	 * its end. */
	int bx = COLS - (int)strlen(m->badge) - 2;
	if (bx < 0)
		bx = 0;
	const char *title = m->title;
	int room = bx - 2;
	if ((int)strlen(title) > room && strncmp(title, "shmtop  ", 8) == 0)
		title += 8;
	if (room > 0) {
		attrset((int)(A_REVERSE | A_BOLD));
		mvaddnstr(0, 1, title, room);
	}
	put(0, bx, m->badge, A_REVERSE | tone_attr(m->tone, s));
}

/* text word-wrapped onto rows y .. y + rows - 1, each blanked first. */
static void put_wrapped(int y, int rows, const char *text, attr_t a)
{
	size_t start[DRAW_TEXT_ROWS_MAX], len[DRAW_TEXT_ROWS_MAX];
	if (rows > DRAW_TEXT_ROWS_MAX)
		rows = DRAW_TEXT_ROWS_MAX;
	if (rows < 1 || COLS < 1)
		return;
	size_t n = format_wrap(text, (size_t)COLS, (size_t)rows, start, len);
	for (int r = 0; r < rows; r++) {
		blank(y + r, 0);
		if ((size_t)r >= n || y + r >= LINES)
			continue;
		attrset((int)(a));
		mvaddnstr(y + r, 0, text + start[r], (int)len[r]);
		attrset((int)(A_NORMAL));
	}
}

static void draw_value(const struct view_model *m, const struct view_model *p,
		       const struct layout *l, const struct draw_style *s)
{
	if (!m->have_value) {
		if (p && same(m->message, p->message) && m->tone == p->tone)
			return;
		put_wrapped(l->value_y, l->value_h, m->message, tone_attr(m->tone, s));
		return;
	}
	bool value = !p || !same(m->value, p->value);
	bool details = !p || !same(m->details, p->details);
	if (!l->big || m->value_text) {
		if (!value && !details)
			return;
		blank(l->value_y, 0);
		put(l->value_y, 0, m->value, A_BOLD);
		put(l->details_y, l->details_x, m->details, A_NORMAL);
		return;
	}
	if (value) {
		char row[256];
		/* Block glyphs are as heavy as they get; bold would only add an
		 * attribute change each way on every row. */
		for (unsigned r = 0; r < BIGTEXT_ROWS; r++)
			put(l->value_y + (int)r, 0,
			    bigtext_row(m->value, r, s->utf8, row, sizeof row),
			    s->utf8 ? A_NORMAL : A_BOLD);
	}
	if (details) {
		blank(l->details_y, l->details_x);
		put(l->details_y, l->details_x, m->details, A_NORMAL);
	}
	/* the selected counter's help on the row below, beside the digits */
	if (!p || !same(m->help, p->help)) {
		blank(l->details_y + 1, l->details_x);
		put(l->details_y + 1, l->details_x, m->help, A_DIM);
	}
}

/* What the control row shows: a notice, a warning, or the controls. */
static const char *control_text(const struct view_model *m, const struct draw_style *s, attr_t *a)
{
	if (m->notice[0]) {
		*a = A_BOLD;
		return m->notice;
	}
	if (m->have_value && m->message[0]) {
		*a = tone_attr(TONE_WARN, s);
		return m->message;
	}
	*a = m->control_ok ? A_NORMAL : A_DIM;
	return m->control;
}

static void draw_status(const struct view_model *m, const struct view_model *p,
			const struct layout *l, const struct draw_style *s)
{
	if (!p || !same(m->writer, p->writer)) {
		/* narrow: the short form, which keeps the state words */
		blank(l->writer_y, 0);
		put(l->writer_y, 0, (int)strlen(m->writer) > COLS ? m->writer_short : m->writer,
		    A_NORMAL);
	}
	attr_t a, pa = 0;
	const char *t = control_text(m, s, &a);
	if (!p || !same(t, control_text(p, s, &pa)) || a != pa)
		put_wrapped(l->control_y, l->control_h, t, a);
}

static void draw_fields(const struct view_model *m, const struct view_model *p,
			const struct layout *l, const struct draw_style *s)
{
	if (!p)
		rule(l->info_sep_y, m->fields_title ? m->fields_title : "segment (IPC_STAT)",
		     A_NORMAL, s);
	size_t shown = (size_t)(l->info_rows * l->info_cols);
	for (size_t i = 0; i < m->nfields && i < shown; i++) {
		if (p && i < p->nfields && same(m->fields[i].value, p->fields[i].value))
			continue;
		int y = l->info_y + (int)i / l->info_cols;
		int x = (int)i % l->info_cols * l->info_colw;
		char cell[96];
		int w =
		    l->info_colw - 1 < (int)sizeof cell ? l->info_colw - 1 : (int)sizeof cell - 1;
		if (w < 0)
			w = 0;
		int n = snprintf(cell, (size_t)w + 1, "%-8s %s", m->fields[i].label,
				 m->fields[i].value);
		for (; n >= 0 && n < w; n++) /* pad: a shorter value leaves nothing behind */
			cell[n] = ' ';
		cell[w] = '\0';
		put(y, x, cell, A_NORMAL);
		attrset((int)(A_BOLD));
		mvaddnstr(y, x, m->fields[i].label, w);
		attrset((int)(A_NORMAL));
	}
}

/* The text of process row r (0 = first process) of a panel with `rows`
 * process rows: the last one says how many more there are, if any. */
static const char *proc_row(const struct view_model *m, int r, int rows, char *buf, size_t len)
{
	size_t more = m->nprocs + m->procs_more - (size_t)rows;
	if (r == rows - 1 && m->nprocs + m->procs_more > (size_t)rows) {
		snprintf(buf, len, "%7s and %zu more", "...", more + 1);
		return buf;
	}
	if ((size_t)r < m->nprocs)
		return m->procs[r];
	return r == 0 ? "      - none found" : "";
}

static void draw_procs(const struct view_model *m, const struct view_model *p,
		       const struct layout *l, const struct draw_style *s)
{
	if (l->procs_sep_y < 0)
		return;
	if (!p || !same(m->procs_title, p->procs_title) || m->procs_warn != p->procs_warn) {
		blank(l->procs_sep_y, 0);
		rule(l->procs_sep_y, m->have_procs ? m->procs_title : "attached: not scanned",
		     m->procs_warn ? tone_attr(TONE_WARN, s) : A_NORMAL, s);
	}
	if (!p)
		put(l->procs_y, 0, m->procs_head, A_BOLD);
	int rows = l->procs_rows - 1;
	char a[64], b[64];
	for (int r = 0; r < rows; r++) {
		const char *t = m->have_procs ? proc_row(m, r, rows, a, sizeof a) : "";
		if (p && same(t, p->have_procs ? proc_row(p, r, rows, b, sizeof b) : ""))
			continue;
		blank(l->procs_y + 1 + r, 0);
		put(l->procs_y + 1 + r, 0, t, A_NORMAL);
	}
}

static void draw_column(const struct graph *g, const struct layout *l, size_t c,
			const struct draw_style *s)
{
	for (int r = 0; r < l->graph_h; r++)
		mvaddstr(l->graph_y + r, l->graph_x + (int)c,
			 graph_cell(g->level[c], (unsigned)(l->graph_h - 1 - r), s->utf8));
}

/* The axis below the graph, or its cell under column c. */
static void axis_cell(const struct layout *l, size_t c, const struct draw_style *s)
{
	line_cell(l->axis_y, l->graph_x + (int)c, LINE_H, s);
}

static void marker(const struct graph *g, const struct layout *l, const struct draw_style *s)
{
	if (g->have_cursor)
		mvaddstr(l->axis_y, l->graph_x + (int)g->cursor, s->utf8 ? "\u25b2" : "^");
}

static void draw_graph(const struct view_model *m, const struct view_model *p,
		       const struct layout *l, const struct draw_style *s)
{
	const struct graph *g = &m->graph, *pg = p ? &p->graph : NULL;
	if (!p || !same(m->graph_title, p->graph_title)) {
		/* not bold: min and max change with most samples, and every
		 * attribute change costs bytes each way */
		blank(l->graph_sep_y, 0);
		rule(l->graph_sep_y, "", A_NORMAL, s);
		put(l->graph_sep_y, 2, " ", A_NORMAL);
		put(l->graph_sep_y, 3, m->graph_title, A_NORMAL);
		put(l->graph_sep_y, 3 + (int)strlen(m->graph_title), " ", A_NORMAL);
	}
	bool labels = !p || !same(m->graph_top, p->graph_top) ||
		      !same(m->graph_mid, p->graph_mid) || !same(m->graph_base, p->graph_base);
	if (labels) {
		int mid = l->graph_h >= 5 ? l->graph_h / 2 : -1;
		for (int r = 0; r < l->graph_h; r++) {
			const char *t = r == 0                ? m->graph_top
					: r == l->graph_h - 1 ? m->graph_base
					: r == mid            ? m->graph_mid
							      : "";
			char lab[GRAPH_LABEL_W + 2];
			snprintf(lab, sizeof lab, "%*s", GRAPH_LABEL_W, t);
			put(l->graph_y + r, 0, lab, A_NORMAL);
			line_cell(l->graph_y + r, GRAPH_LABEL_W, *t ? LINE_RTEE : LINE_V, s);
		}
	}
	attrset((int)(s->color ? COLOR_PAIR(PAIR_GRAPH) : A_NORMAL));
	for (size_t c = 0; c < g->width; c++)
		if (!pg || g->level[c] != pg->level[c])
			draw_column(g, l, c, s);
	/* The axis and marker plain: moving the marker then needs no
	 * attribute changes on the wire. */
	attrset((int)(A_NORMAL));
	if (l->axis_y >= 0) {
		if (!p) {
			line_cell(l->axis_y, GRAPH_LABEL_W, LINE_LL, s);
			for (size_t c = 0; c < g->width; c++)
				axis_cell(l, c, s);
			marker(g, l, s);
		} else if (pg->have_cursor != g->have_cursor || pg->cursor != g->cursor) {
			if (pg->have_cursor)
				axis_cell(l, pg->cursor, s);
			marker(g, l, s);
		}
	}
	attrset((int)(A_NORMAL));
}

static const char *const help_lines[] = {
	"F1 ? h     this help (any key closes it)",
	"F2         setup: sort, delay, graph, colour, mouse",
	"p          pause / resume a shmwriter",
	"r          reset its count to 0 (asks first)",
	"j k Up Dn  select a counter; / F4 filter them",
	"c          clear the history shown",
	"d          history of value or rate",
	"a          rescan holders (attached)",
	"PgUp PgDn  the preview's bytes",
	"+ / -      slower / faster refresh",
	"Tab        all shared memory on the host",
	"q F10      quit; back to the list when",
	"           opened from it (also Esc, Left)",
	"Esc        back, or closes what is open",
	"Ctrl-C     quit   Ctrl-Z suspend   Ctrl-L repaint",
	"states: RUNNING, PAUSED, STALLED (no beat),",
	"  STOPPED (writer gone), FOREIGN (no record),",
	"  WAITING (no segment yet)",
	"HOLDS: rw/ro mapped read-write/read-only,",
	"  x2 mapped twice, fd holds a descriptor",
	"the graph: one column per sample, written",
	"  where the marker is",
};

void draw_help_box(const char *title, const char *const *lines, int n, const struct draw_style *s)
{
	int longest = (int)strlen(title);
	for (int i = 0; i < n; i++)
		if ((int)strlen(lines[i]) > longest)
			longest = (int)strlen(lines[i]);
	int w = longest + 4, h = n + 2; /* a border and a space each side */
	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	if (w < 2 || h < 2)
		return;
	int x = (COLS - w) / 2, y = (LINES - h) / 2;
	attrset((int)A_NORMAL);
	for (int r = 0; r < h; r++) {
		move(y + r, x);
		for (int c = 0; c < w; c++)
			addch(' ');
	}
	line_run(y, x, w, LINE_H, s);
	line_run(y + h - 1, x, w, LINE_H, s);
	line_run(y, x, h, LINE_V, s);
	line_run(y, x + w - 1, h, LINE_V, s);
	line_cell(y, x, LINE_UL, s);
	line_cell(y, x + w - 1, LINE_UR, s);
	line_cell(y + h - 1, x, LINE_LL, s);
	line_cell(y + h - 1, x + w - 1, LINE_LR, s);
	put_n(y, x + 2, title, w - 4, A_BOLD);
	for (int i = 0; i < n && i < h - 2; i++)
		put_n(y + 1 + i, x + 2, lines[i], w - 4, A_NORMAL);
}

void draw_fnbar(int y, int x, const struct fnbar *b)
{
	int w = COLS - 1 - x; /* never the last cell */
	move(y, x);
	for (size_t i = 0; i < b->n; i++) {
		if (!fnbar_shown(b, i, w))
			continue;
		int cx = getcurx(stdscr);
		if (cx > x)
			addch(' ');
		attrset((int)A_REVERSE);
		addstr(b->item[i].key);
		attrset((int)A_NORMAL);
		addstr(b->item[i].label);
	}
	attrset((int)A_NORMAL);
}

void draw_footer_bar(const char *footer, struct fnbar *b)
{
	b->n = 0;
	fnbar_add(b, "F1", "Help");
	const char *quit = "Quit";
	for (const char *p = footer; *p;) {
		while (*p == ' ')
			p++;
		const char *end = strstr(p, "  ");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *sp = memchr(p, ' ', n);
		if (n && sp) {
			char key[8], label[24];
			snprintf(key, sizeof key, "%.*s", (int)(sp - p), p);
			snprintf(label, sizeof label, "%.*s", (int)(n - (size_t)(sp - p) - 1),
				 sp + 1);
			if (label[0] >= 'a' && label[0] <= 'z')
				label[0] = (char)(label[0] - 'a' + 'A');
			if (strcmp(key, "q") == 0)
				quit = strcmp(label, "Back") == 0 ? "Back" : "Quit";
			else if (strcmp(key, "?") != 0)
				fnbar_add(b, key, label);
		}
		p += n;
	}
	fnbar_add(b, "F2", "Setup"); /* the first to go where there is no room */
	fnbar_add(b, "F10", quit);
}

static void draw_too_small(const struct draw_style *s)
{
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
		put(y, x < 0 ? 0 : x, lines[i], A_BOLD);
	}
}

void draw_screen(const struct view_model *m, const struct view_model *prev, const struct layout *l,
		 const struct draw_style *s, bool help)
{
	if (!prev || help || l->too_small) {
		erase();
		prev = NULL;
	}
	if (l->too_small) {
		draw_too_small(s);
		return;
	}
	draw_title(m, prev, s);
	draw_value(m, prev, l, s);
	draw_status(m, prev, l, s);
	draw_fields(m, prev, l, s);
	draw_procs(m, prev, l, s);
	draw_graph(m, prev, l, s);
	if (!prev || !same(m->footer, prev->footer)) {
		blank(l->footer_y, 0);
		struct fnbar b;
		draw_footer_bar(m->footer, &b);
		draw_fnbar(l->footer_y, 0, &b);
	}
	if (help)
		draw_help_box(" shmtop help ", help_lines,
			      (int)(sizeof help_lines / sizeof help_lines[0]), s);
}

void draw_counters(const struct view_model *m, const struct view_model *prev, int y, int h,
		   const struct draw_style *s)
{
	if (h <= 0)
		return;
	if (prev && (prev->table_rows != m->table_rows || prev->table_sel != m->table_sel ||
		     prev->table_first != m->table_first))
		prev = NULL;
	if (!prev || !same(m->table_title, prev->table_title))
		rule(y, m->table_title, A_NORMAL, s);
	if (h > 1 && (!prev || !same(m->table_head, prev->table_head))) {
		blank(y + 1, 0);
		put_n(y + 1, 0, m->table_head, COLS, A_BOLD);
	}
	for (int r = 0; r + 2 < h; r++) {
		const char *text = (size_t)r < m->table_rows ? m->table[r] : "";
		if (prev && same(text, (size_t)r < prev->table_rows ? prev->table[r] : ""))
			continue;
		blank(y + 2 + r, 0);
		if (y + 2 + r >= LINES - 1)
			continue; /* the footer's row */
		/* a row is at most COLS - 1 cells (model_table()), and UTF-8; the
		 * selection is marked on its name only: the value, rate and
		 * sparkline that change each second stay out of the highlight,
		 * which would cost an attribute change each way every time */
		size_t mark = r == m->table_sel ? m->table_mark : 0;
		if (mark > strlen(text))
			mark = strlen(text);
		move(y + 2 + r, 0);
		if (mark) {
			attrset((int)(A_REVERSE));
			addnstr(text, (int)mark);
			attrset((int)(A_NORMAL));
		}
		addstr(text + mark);
	}
}

int draw_text_rows(const struct view_model *m, const struct draw_style *s, int cols)
{
	size_t start[DRAW_TEXT_ROWS_MAX], len[DRAW_TEXT_ROWS_MAX];
	attr_t a;
	const char *t = m->have_value ? control_text(m, s, &a) : m->message;
	if (cols < 1)
		return 1;
	return (int)format_wrap(t, (size_t)cols, DRAW_TEXT_ROWS_MAX, start, len);
}
