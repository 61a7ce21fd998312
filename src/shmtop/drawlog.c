/* SPDX-License-Identifier: MIT */
/*
 * Each row of the panels is a text; a rule row starts with RULE_MARK, which
 * never appears in text (the preview escapes control bytes), and is drawn
 * as a line with its title in it.
 */
#include "drawlog.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define RULE_MARK '\001'
#define EVENTS_RULE "events (newest last)"

int drawlog_want(int preview_lines)
{
	return (preview_lines > 0 ? preview_lines + 1 : 0) + LOGPANEL_ROWS;
}

static void draw_row(int y, const char *t, const struct draw_style *s)
{
	move(y, 0);
	clrtoeol();
	if (*t != RULE_MARK) {
		mvaddnstr(y, 0, t, COLS);
		return;
	}
	draw_hline(y, 0, COLS, s);
	if (COLS > 6) {
		mvaddstr(y, 2, " ");
		attrset((int)A_BOLD);
		addnstr(t + 1, COLS - 6);
		attrset((int)A_NORMAL);
		addstr(" ");
	}
}

void drawlog_draw(int y, int h, const struct preview *pv, const struct events_ring *r,
		  const struct draw_style *s, struct drawlog_drawn *d)
{
	if (h > LOGPANEL_ROWS)
		h = LOGPANEL_ROWS;
	if (!d->valid || d->y != y || d->h != h) {
		d->valid = true;
		d->y = y;
		d->h = h;
		for (int i = 0; i < LOGPANEL_ROWS; i++)
			snprintf(d->text[i], LOGPANEL_COLS, "%c", '\002'); /* matches no row */
	}
	char row[LOGPANEL_COLS];
	int at = 0;
	if (pv && h >= 2) {
		int n = (int)pv->nlines;
		int room = h - 1 - (h > 4 ? 3 : 0); /* keep some for the event log */
		if (room < 1)
			room = 1;
		if (n > room)
			n = room;
		for (int i = -1; i < n && at < h; i++, at++) {
			if (i < 0)
				snprintf(row, sizeof row, "%c%s", RULE_MARK, pv->title);
			else
				snprintf(row, sizeof row, "  %s", pv->lines[i]);
			if (strcmp(row, d->text[at]) != 0) {
				draw_row(y + at, row, s);
				snprintf(d->text[at], LOGPANEL_COLS, "%s", row);
			}
		}
	}
	if (at < h) {
		size_t count = events_count(r), shown = (size_t)(h - at - 1);
		size_t first = count > shown ? count - shown : 0;
		for (int i = -1; at < h; i++, at++) {
			size_t e = first + (size_t)i;
			if (i < 0)
				snprintf(row, sizeof row, "%c%s", RULE_MARK, EVENTS_RULE);
			else if (e < count)
				events_format(events_get(r, e), row, sizeof row);
			else if (i == 0)
				snprintf(row, sizeof row, "  (none yet)");
			else
				row[0] = '\0';
			if (strcmp(row, d->text[at]) != 0) {
				draw_row(y + at, row, s);
				snprintf(d->text[at], LOGPANEL_COLS, "%s", row);
			}
		}
	}
}
