/* SPDX-License-Identifier: MIT */
/*
 * The object list on screen (curses): the keys mapped onto
 * objlist_state.h's actions, and the drawing, rewriting only the screen
 * rows whose text or highlight changed.
 */
#ifndef SHMTOP_OBJLIST_SCREEN_H
#define SHMTOP_OBJLIST_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <sys/types.h>

#include "draw.h"
#include "objlist_state.h"

#define OBJLIST_SCREEN_ROWS 512 /* screen rows remembered for partial redraws */
#define OBJLIST_SCREEN_COLS 256

/* What was drawn, row by row, so the next frame rewrites only changes. */
struct objlist_drawn {
	bool valid;
	int cols, lines;
	bool box; /* the removal box or the sort menu was up */
	attr_t attr[OBJLIST_SCREEN_ROWS];
	char text[OBJLIST_SCREEN_ROWS][OBJLIST_SCREEN_COLS];
};

enum objlist_action {
	OBJLIST_NONE, /* handled (maybe changed) */
	OBJLIST_QUIT,
	OBJLIST_OPEN,  /* open the selected object (objlist_state_selected()): a segment by key and
		       shmid */
	OBJLIST_BACK,  /* back to the detail view (Tab) */
	OBJLIST_ESC,   /* Esc with nothing to clear: back, or a notice on the top screen */
	OBJLIST_HELP,  /* F1, ?, h: the list's help */
	OBJLIST_SETUP, /* F2: the setup screen */
	OBJLIST_REPAINT,
};

/* objlist_state_refresh() at the screen's height. */
int objlist_screen_refresh(struct objlist_state *l);

/* Act on key ch.  For OBJLIST_OPEN, *key and *shmid are the selected
 * segment's (a key of 0: private or removed, to be followed by shmid); for
 * an object of another kind *key is 0 and *shmid -1: open objlist_state_selected()
 * (view.sel counts the rows shown, not snap.rows). */
enum objlist_action objlist_screen_key(struct objlist_state *l, int ch, key_t *key, int *shmid);

/* A mouse event at cell x of screen row y on the list (the help, the
 * removal box and the sort menu not up; top: the list is the first
 * screen): wheel -1 or 1 a notch of the wheel (up, down) moving the
 * selection, else a click: on a row selects it, on the column names sorts
 * by that column (the sorted one again inverts).  Returns the key the
 * click stands for, for objlist_screen_key(): a key of the bar, Enter on
 * the row already selected; else -1 (done here, or nothing there). */
int objlist_screen_mouse(struct objlist_state *l, int x, int y, int wheel, bool top);

/* Draw l on stdscr (not refreshed); everything when d is not valid for
 * this screen size, else only the rows that differ from d, which is then
 * updated.  Looks up the creators' commands of the rows it shows. */
void objlist_screen_draw(struct objlist_state *l, struct objlist_drawn *d,
			 const struct draw_style *s, bool top);

/* A confirmation box (a removal's, a reset's), centred over the screen,
 * its first line bold. */
void objlist_screen_box(const struct objlist_view_box *b);

/* The list's help over it. */
void objlist_screen_draw_help(const struct draw_style *s);

#endif
