/* SPDX-License-Identifier: MIT */
#include "setup_screen.h"

#include <curses.h>
#include <stdio.h>

#include "fnbar.h"
#include "objlist_columns.h"

#define NAME_CELLS 16 /* a row's name, padded */

enum setup_action setup_screen_key(const struct setup *s, int ch, enum setup_key *k)
{
	switch (ch) {
	case 3: return SETUP_QUIT;
	case KEY_UP:
	case 'k': *k = SETUP_KEY_UP; return SETUP_KEY;
	case KEY_DOWN:
	case 'j': *k = SETUP_KEY_DOWN; return SETUP_KEY;
	case KEY_RIGHT:
	case ' ':
	case '\n':
	case '\r':
	case KEY_ENTER:
	case '+': *k = SETUP_KEY_NEXT; return SETUP_KEY;
	case KEY_LEFT:
	case '-': *k = SETUP_KEY_PREV; return SETUP_KEY;
	case KEY_F(7):
	case '[': *k = SETUP_KEY_MOVE_UP; return SETUP_KEY;
	case KEY_F(8):
	case ']': *k = SETUP_KEY_MOVE_DOWN; return SETUP_KEY;
	case 27:
		if (s->checklist) {
			*k = SETUP_KEY_CLOSE;
			return SETUP_KEY;
		}
		return SETUP_BACK;
	case 'q':
	case 'Q':
	case KEY_F(2):
	case KEY_F(10): return SETUP_BACK;
	case '?':
	case 'h':
	case 'H':
	case KEY_F(1): return SETUP_HELP;
	}
	return SETUP_NONE;
}

static const char *const help_lines[] = {
	"Up Down j k      select a setting",
	"Right Space Enter  its next value; Left the one before",
	"Columns: Enter opens the list's columns:",
	"  Space shows or hides one, F7 F8 [ ] move it,",
	"  Esc or Left closes them",
	"Esc q F2 F10     back to the screen it came from",
	"each change applies at once and is kept in",
	"  shmtoprc when shmtop quits (not with --no-config)",
	"F1 ? h           this help (any key closes it)",
};

/* Line y: text at x, cut to the screen, the rest of the row blank. */
static void line_at(int y, int x, const char *text, attr_t a)
{
	if (y >= LINES - 1 || x >= COLS)
		return;
	attrset((int)a);
	mvaddnstr(y, x, text, COLS - x);
	attrset((int)A_NORMAL);
}

static void draw_rows(const struct setup *s)
{
	for (int r = 0; r < SETUP_NROWS; r++) {
		char v[320], text[360];
		snprintf(text, sizeof text, " %-*s %s ", NAME_CELLS,
			 setup_row_name((enum setup_row)r),
			 setup_row_value(s, (enum setup_row)r, v, sizeof v));
		line_at(2 + r, 0, text, (enum setup_row)r == s->sel ? A_REVERSE : A_NORMAL);
	}
}

/* The checklist, scrolled to keep its selected line shown. */
static void draw_checklist(const struct setup *s)
{
	line_at(2, 0, " Columns of the list (shown top to bottom as left to right)", A_BOLD);
	int room = LINES - 1 - 3, top = 0;
	if (room < 1)
		return;
	if ((int)s->col_sel >= room)
		top = (int)s->col_sel - room + 1;
	for (int i = top; i < OBJLIST_VIEW_NCOLS && i - top < room; i++) {
		const struct objlist_column *c =
		    &objlist_columns[objlist_view_col_column(s->col[i])];
		char text[200];
		snprintf(text, sizeof text, " [%c] %-10s %s ", s->on[i] ? 'x' : ' ', c->title,
			 c->help);
		line_at(3 + i - top, 0, text, (size_t)i == s->col_sel ? A_REVERSE : A_NORMAL);
	}
}

void setup_screen_draw(const struct setup *s, const struct draw_style *st, bool help)
{
	erase();
	line_at(0, 0, "shmtop setup", A_BOLD);
	if (s->checklist)
		draw_checklist(s);
	else
		draw_rows(s);
	struct fnbar b = { 0 };
	fnbar_add(&b, "F1", "Help");
	if (s->checklist) {
		fnbar_add(&b, "Space", "Show/Hide");
		fnbar_add(&b, "F7", "MoveUp");
		fnbar_add(&b, "F8", "MoveDn");
		fnbar_add(&b, "Esc", "Done");
	} else {
		fnbar_add(&b, "Space", "Change");
		fnbar_add(&b, "Esc", "Done");
	}
	fnbar_add(&b, "F10", "Done");
	draw_fnbar(LINES - 1, 0, &b);
	if (help)
		draw_help_box(" shmtop help: setup ", help_lines,
			      (int)(sizeof help_lines / sizeof help_lines[0]), st);
}
