/* SPDX-License-Identifier: MIT */
/*
 * The setup screen (F2), as htop's Setup but small, without curses: the
 * settings of settings.h as rows with their current values, a selection,
 * and what each key does to them.  Up/Down select a row; Right, Space and
 * Enter step its value forward, Left back: the sort through the list's
 * columns, the direction, the delay through the steps of + and -, the
 * graph's value or rate, colour and mouse on or off.  The columns row opens
 * a checklist of every screen column of the list: Space toggles one (one
 * stays), F7/F8 move it up or down, Esc or Left closes it.  The screen
 * (src/shmtop/setup_screen.c) maps the keys and draws; the viewer applies
 * what changed at once.
 */
#ifndef SHMTOP_SETUP_H
#define SHMTOP_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "objlist_view.h"
#include "sysvipc.h"

enum setup_row {
	SETUP_SORT,
	SETUP_ORDER,
	SETUP_DELAY,
	SETUP_GRAPH,
	SETUP_COLUMNS,
	SETUP_COLOR,
	SETUP_MOUSE,
	SETUP_NROWS
};

/* The values the screen changes. */
struct setup_values {
	enum sysvipc_sort sort;
	bool reverse; /* descending: biggest first */
	int delay;    /* tenths */
	bool graph_rate;
	struct objlist_view_pick pick; /* the list's columns (n 0: the default) */
	bool color;
	bool mouse;
};

/* What a key does on the screen. */
enum setup_key {
	SETUP_KEY_UP,
	SETUP_KEY_DOWN,
	SETUP_KEY_NEXT,      /* Right, Space, Enter: the next value; toggles a column */
	SETUP_KEY_PREV,      /* Left: the value before; closes the checklist */
	SETUP_KEY_MOVE_UP,   /* F7, [: the checklist's column one up */
	SETUP_KEY_MOVE_DOWN, /* F8, ]: one down */
	SETUP_KEY_CLOSE,     /* Esc in the checklist */
};

struct setup {
	struct setup_values v;
	enum setup_row sel;
	bool checklist; /* the columns' checklist is open */
	size_t col_sel; /* its selected line */
	/* the checklist's lines: the picked columns in their order, then the
	 * others in the screen's */
	enum objlist_view_col col[OBJLIST_VIEW_NCOLS];
	bool on[OBJLIST_VIEW_NCOLS];
};

/* Open the screen on v, the first row selected. */
void setup_init(struct setup *s, const struct setup_values *v);

/* Act on key k; returns the SETTING_* bits (settings.h) of the values it
 * changed, 0 for none. */
unsigned setup_key(struct setup *s, enum setup_key k);

/* Row r's name ("Sort column"). */
const char *setup_row_name(enum setup_row r);

/* Row r's value as the screen shows it ("SIZE", "descending (biggest
 * first)", "0.5 s", "KEY,ID,SIZE"), into buf; returns buf. */
char *setup_row_value(const struct setup *s, enum setup_row r, char *buf, size_t len);

/* The delay after d (tenths) one step up (dir > 0) or down: + and -'s
 * steps, 0.1 s to 60 s. */
int setup_delay_step(int d, int dir);

#endif
