/* SPDX-License-Identifier: MIT */
/*
 * The viewer's loop.  One ppoll() on the terminal (and the list's scanner,
 * whose scans of /proc run in a thread) with a timeout to the next tick is
 * the only place it sleeps; signals are blocked everywhere else and
 * only set flags, so a SIGHUP or SIGTERM is seen at once and never lost.
 * Each tick polls the monitor and builds a new model into the spare of two
 * buffers; draw_screen() compares it with the model drawn last time and
 * rewrites only what changed, and doupdate() sends only the cells that did.
 * Nothing is allocated per tick.
 */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "decode.h"
#include "draw.h"
#include "drawlog.h"
#include "events.h"
#include "layout.h"
#include "objlist_screen.h"
#include "objlist_view.h"
#include "objmon.h"
#include "preview.h"
#include "resetbox.h"
#include "setup.h"
#include "setup_screen.h"

#define NOTICE_NS (5 * NS_PER_SEC)
#define ACK_POLL_NS NS_PER_MS /* re-read this soon after a command, */
#define ACK_POLLS 20          /* at most this many times until the ack */
/* The mouse events shmtop asks for when the mouse is on: button 1 (a
 * click acts on its release) and the wheel */
#define MOUSE_EVENTS (BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED)

struct tui {
	monitor *mon;
	struct draw_style style;
	int delay; /* tenths */
	enum spark_mode mode;
	bool mouse;    /* the mouse wanted: tui_apply_mouse() asks the terminal for it */
	bool mouse_on; /* the terminal reports the mouse */
	bool help;
	char notice[200];
	int64_t notice_until;
	enum shmtop_command pending; /* the command waiting for its ack */
	bool waiting;
	int ack_polls; /* quick re-reads left while waiting */
	uint32_t ticket;
	struct model_input in;
	struct view_model models[2];
	struct view_model *model, *drawn; /* the newest; the one on screen (or NULL) */
	struct layout layout, drawn_layout;
	bool drawn_help;
	struct graph_scale scale; /* the graph's, kept while it fits */
	bool have_scale;
	enum spark_mode scale_mode;
	int scale_shmid;

	/* The object list (objlist_screen.c), and the detail view's panels
	 * below the dashboard (drawlog.c): the preview and the event log. */
	const struct mode *cur; /* the screen that is up */
	const struct mode *top; /* the one shmtop started on: q quits there, goes back elsewhere */
	bool confirming;        /* the reset's box is up */
	struct objlist_view_box box;
	monitor *base_mon; /* the -k key's; mon is another when opened from the list */
	struct objlist_state list;
	struct objlist_drawn objlist_drawn;
	struct events_log log;
	struct preview preview;
	bool have_preview;
	uint64_t preview_off; /* a foreign segment's: the window PgUp/PgDn move */
	struct drawlog_drawn panel_drawn;
	int table_h; /* rows of the panels given to the counters table */
	objmon *obj; /* obj_mode shows this object (not a SysV segment) instead of mon */
	struct model_object obj_in;
	char filter[OBJLIST_STATE_FILTER_MAX]; /* the counters table's ('/'); "" all */
	bool filtering;                        /* its line is open */
	char filter_line[OBJLIST_STATE_FILTER_MAX * 4 + 48];

	/* The setup screen (F2), over the screen it came from, which keeps
	 * ticking under it; the settings it changes that the rest keep. */
	struct setup setup;
	const struct mode *setup_from;
	bool color;           /* colour wanted (style.color: and the terminal has it) */
	bool colors_ready;    /* start_color() and the pairs done */
	bool columns_changed; /* list.pick is the setup screen's */
};

/* A mouse event: a click of button 1 at x, y (wheel 0), or a notch of the
 * wheel (-1 up, 1 down) with the pointer at x, y. */
struct click {
	int x, y, wheel;
};

/* A screen: the object list, a segment's dashboard (seg_mode), an
 * object's (obj_mode) or the setup screen (setup_mode).  The help is an
 * overlay of each. */
struct mode {
	void (*enter)(struct tui *t); /* after switch_to() has closed the screen that was up */
	void (*tick)(struct tui *t);  /* read what the screen shows */
	void (*draw)(struct tui *t);  /* the frame, into stdscr */
	bool (*key)(struct tui *t, int ch, int64_t *next_poll);                  /* true to quit */
	bool (*mouse)(struct tui *t, const struct click *c, int64_t *next_poll); /* true to quit */
	int (*fd)(const struct tui *t); /* ppoll() also wakes on it: ready means tick; or NULL */
	/* The dashboards': dash_draw() and dash_key() call them. */
	void (*build)(struct tui *t, struct view_model *m); /* model, layout, graph */
	void (*panels)(struct tui *t, const struct view_model *m, bool full); /* below it */
	bool (*own_key)(struct tui *t, int ch, int64_t *next_poll); /* true if it took ch */
};

static const struct mode list_mode, seg_mode, obj_mode, setup_mode;

static void notice(struct tui *t, const char *text)
{
	snprintf(t->notice, sizeof t->notice, "%s", text);
	t->notice_until = clock_mono_ns() + NOTICE_NS;
}

/* Must everything be drawn again, rather than what changed? */
static bool full_redraw(const struct tui *t)
{
	const struct view_model *m = t->model, *p = t->drawn;
	return !p || t->help || t->drawn_help || t->confirming ||
	       memcmp(&t->layout, &t->drawn_layout, sizeof t->layout) != 0 ||
	       m->state != p->state || m->have_value != p->have_value || m->nfields != p->nfields ||
	       m->have_procs != p->have_procs || m->ncounters != p->ncounters ||
	       m->graph.width != p->graph.width || m->graph.height != p->graph.height;
}

/* Name the key to the list in the footer, and what q does when the list
 * opened this view. */
static void footer_keys(const struct tui *t, struct view_model *m)
{
	char *q = strstr(m->footer, "q quit");
	if (q && (t->mon != t->base_mon || t->cur == &obj_mode || t->top == &list_mode))
		memcpy(q, "q back", 6);
	size_t n = strlen(m->footer);
	snprintf(m->footer + n, sizeof m->footer - n, "%s", "  Tab list");
	if (strlen(m->footer) >= sizeof m->footer - 1)
		m->footer[n] = '\0'; /* no room: leave it as it was */
}

/* Lay the screen out for m, the panels getting the rows the dashboard can
 * spare: the one layout of the frame; then name the keys in its footer. */
static void lay_out(struct tui *t, struct view_model *m)
{
	const struct model_input *held = t->cur == &obj_mode ? &t->obj_in.held : &t->in;
	int table = model_table_want(held);
	/* a preview beside no value, as a foreign segment's */
	bool preview = t->have_preview && !(t->cur == &obj_mode && held->content);
	const struct layout_input in = {
		.cols = COLS,
		.rows = LINES,
		.value_len = strlen(m->value),
		.details_len = strlen(m->details),
		.nfields = m->nfields,
		.nprocs = m->have_procs   ? (int)(m->nprocs + m->procs_more)
			  : m->have_value ? 0
					  : -1,
		.text_rows = draw_text_rows(m, &t->style, COLS),
		.panel_want = table + drawlog_want(t->have_preview ? (int)t->preview.nlines : 0),
		/* the graph keeps its rows from the event log (up to half
		 * the screen, but a few log lines), not from a foreign
		 * segment's preview or a counters table */
		.graph_min = preview ? 1
			     : table ? 4
				     : layout_graph_keep(LINES),
		/* the counters table before the IPC_STAT fields and processes,
		 * up to half the screen */
		.panel_first = table < LINES / 2 ? table : LINES / 2,
	};
	layout_compute(&in, &t->layout);
	/* the counters table first in the panels, the event log below it when
	 * there is room for one */
	t->table_h = table < t->layout.panel_h ? table : t->layout.panel_h;
	if (table && t->layout.panel_h - t->table_h < LAYOUT_PANEL_MIN_ROWS)
		t->table_h = t->layout.panel_h;
	footer_keys(t, m);
}

/* The detail view of an object that is not a SysV segment: the same
 * dashboard, with what its bytes hold when a decoder takes them (value,
 * graph, counters table), else no value and an empty history. */
static void obj_build(struct tui *t, struct view_model *m)
{
	objmon_input(t->obj, &t->obj_in);
	t->obj_in.delay_tenths = t->delay;
	t->obj_in.notice = clock_mono_ns() < t->notice_until ? t->notice : NULL;
	if (t->filtering)
		t->obj_in.notice =
		    objlist_view_filter_line(t->filter, t->filter_line, sizeof t->filter_line);
	struct model_input *held = &t->obj_in.held;
	held->filter = t->filter;
	held->spark_mode = t->mode;
	held->utf8 = t->style.utf8;
	held->spark_width = 0; /* the graph replaces the one-line sparkline */
	model_build_object(m, &t->obj_in);
	lay_out(t, m);
	bool keep = t->have_scale && t->scale_mode == t->mode && t->scale_shmid == -2;
	if (!t->layout.too_small)
		model_graph(m, held, (size_t)t->layout.graph_w, (unsigned)t->layout.graph_h,
			    keep ? &t->scale : NULL);
	t->scale = m->graph.scale;
	t->have_scale = m->graph.scale.span > 0.0;
	t->scale_mode = t->mode;
	t->scale_shmid = -2; /* an object's, no segment's */
	if (!held->content)
		snprintf(m->graph_title, sizeof m->graph_title,
			 "history: none (not a shmwriter record)");
	if (!t->layout.too_small && t->table_h > 0)
		model_table_kept(m, held, COLS - 1, t->table_h, t->drawn);
}

static void obj_panels(struct tui *t, const struct view_model *m, bool full)
{
	if (t->table_h > 0 && !t->layout.too_small)
		draw_counters(m, full ? NULL : t->drawn, t->layout.panel_y, t->table_h, &t->style);
	int log_h = t->layout.panel_h - t->table_h;
	if (log_h > 0)
		drawlog_draw(t->layout.panel_y + t->table_h, log_h,
			     t->have_preview ? &t->preview : NULL, objmon_events(t->obj), &t->style,
			     &t->panel_drawn);
}

/* A segment's dashboard: its value, graph, counters table and event log. */
static void seg_build(struct tui *t, struct view_model *m)
{
	int64_t now = clock_mono_ns();
	monitor_input(t->mon, &t->in);
	t->in.now_mono = now;
	t->in.spark_mode = t->mode;
	t->in.utf8 = t->style.utf8;
	t->in.spark_width = 0; /* the graph replaces the one-line sparkline */
	t->in.delay_tenths = t->delay;
	t->in.notice = now < t->notice_until ? t->notice : NULL;
	if (t->filtering)
		t->in.notice =
		    objlist_view_filter_line(t->filter, t->filter_line, sizeof t->filter_line);
	t->in.filter = t->filter;
	model_build(m, &t->in);
	lay_out(t, m);
	/* The scale carries over only for the same series. */
	int shmid = t->in.stat ? t->in.stat->shmid : -1;
	bool keep = t->have_scale && t->scale_mode == t->mode && t->scale_shmid == shmid;
	if (!t->layout.too_small)
		model_graph(m, &t->in, (size_t)t->layout.graph_w, (unsigned)t->layout.graph_h,
			    keep ? &t->scale : NULL);
	t->scale = m->graph.scale;
	t->have_scale = m->graph.scale.span > 0.0;
	t->scale_mode = t->mode;
	t->scale_shmid = shmid;
	if (!t->layout.too_small && t->table_h > 0)
		model_table_kept(m, &t->in, COLS - 1, t->table_h, t->drawn);
}

static void seg_panels(struct tui *t, const struct view_model *m, bool full)
{
	if (t->table_h > 0 && !t->layout.too_small)
		draw_counters(m, full ? NULL : t->drawn, t->layout.panel_y, t->table_h, &t->style);
	int log_h = t->layout.panel_h - t->table_h;
	if (log_h > 0)
		drawlog_draw(t->layout.panel_y + t->table_h, log_h,
			     t->have_preview ? &t->preview : NULL, &t->log.ring, &t->style,
			     &t->panel_drawn);
}

/* A dashboard's frame: the command's ack, the mode's model into the spare
 * buffer, the dashboard (or its help) and the mode's panels below it. */
static void dash_draw(struct tui *t)
{
	if (t->waiting && monitor_acked(t->mon, t->ticket)) {
		t->waiting = false;
		char said[sizeof t->notice];
		bool refused = monitor_refused(t->mon, t->ticket, t->pending);
		if (refused)
			events_log_sent(&t->log, (int)t->pending, true);
		notice(t, model_command_notice_for((int)t->pending, refused, &t->in, said,
						   sizeof said));
	}
	t->model = t->drawn == &t->models[0] ? &t->models[1] : &t->models[0];
	struct view_model *m = t->model;
	t->cur->build(t, m);
	bool full = full_redraw(t);
	if (full)
		t->panel_drawn.valid = false; /* draw_screen() erases */
	draw_screen(m, full ? NULL : t->drawn, &t->layout, &t->style, t->help);
	if (!t->help)
		t->cur->panels(t, m, full);
	if (t->confirming && !t->help)
		objlist_screen_box(&t->box);
	t->drawn = m;
	t->drawn_layout = t->layout;
	t->drawn_help = t->help;
}

static void list_mode_draw(struct tui *t)
{
	objlist_screen_draw(&t->list, &t->objlist_drawn, &t->style, t->top == &list_mode);
	if (t->help)
		objlist_screen_draw_help(&t->style);
}

/* Draw the mode's frame and send it. */
static void render(struct tui *t)
{
	t->cur->draw(t);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Draw everything again at the next render (a resize, help, Ctrl-L). */
static void invalidate(struct tui *t)
{
	t->drawn = NULL;
}

static void command(struct tui *t, enum shmtop_command cmd, const char *asked)
{
	if (!t->model->control_ok) {
		notice(t,
		       t->model->control[0] ? t->model->control : "controls disabled: no writer");
		return;
	}
	if (monitor_send(t->mon, cmd, &t->ticket) < 0) {
		notice(t, "controls disabled: no control segment");
		return;
	}
	events_log_sent(&t->log, (int)cmd, false);
	t->pending = cmd;
	t->waiting = true;
	t->ack_polls = ACK_POLLS;
	notice(t, asked);
}

static void set_delay(struct tui *t, int dir)
{
	t->delay = setup_delay_step(t->delay, dir);
	char msg[64];
	snprintf(msg, sizeof msg, "refresh every %d.%d s", t->delay / 10, t->delay % 10);
	notice(t, msg);
}

/* After each poll of the detail view's monitor: the event log, and the
 * preview of a segment that is not a shmwriter record. */
static void observe(struct tui *t)
{
	struct model_input in = { 0 };
	monitor_input(t->mon, &in);
	events_log_update(&t->log, &in, clock_wall_ns());
	size_t size;
	const void *data = monitor_bytes(t->mon, &size);
	t->have_preview = data && in.state == MODEL_FOREIGN;
	if (!t->have_preview)
		return;
	/* another process may be writing them: copy once, then look */
	unsigned char buf[PREVIEW_MAX];
	t->preview_off = preview_step(t->preview_off, 0, size);
	const volatile unsigned char *p = (const unsigned char *)data + t->preview_off;
	size_t left = size - (size_t)t->preview_off, n = left < sizeof buf ? left : sizeof buf;
	for (size_t i = 0; i < n; i++)
		buf[i] = p[i];
	preview_format(buf, n, t->preview_off, size, COLS > 4 ? (size_t)COLS - 3 : 1, &t->preview);
}

/* Put mode to up on monitor mon (the -k key's, or one opened from the
 * list, which it then owns) and object obj (obj_mode's, or NULL): what the
 * screen that was up opened is closed, to->enter() starts the new one and
 * it is read now. */
static void switch_to(struct tui *t, const struct mode *to, monitor *mon, objmon *obj,
		      int64_t *next_poll)
{
	if (t->mon != t->base_mon && t->mon != mon)
		monitor_free(t->mon);
	objmon_free(t->obj);
	t->obj = obj;
	t->mon = mon;
	t->cur = to;
	to->enter(t);
	*next_poll = clock_mono_ns();
}

/* A dashboard starts afresh: no command waiting, no scale, preview,
 * notice or events, everything drawn again. */
static void dash_enter(struct tui *t)
{
	t->waiting = false;
	t->confirming = false;
	t->have_scale = false;
	t->have_preview = false;
	t->preview_off = 0;
	t->notice_until = 0;
	t->filter[0] = '\0';
	t->filtering = false;
	events_log_init(&t->log);
	invalidate(t);
}

static void list_enter(struct tui *t)
{
	t->help = false;
	t->confirming = false;
	t->objlist_drawn.valid = false;
}

/* Show the detail view of row r of object list s, an object that is not a
 * SysV segment (a POSIX object, a memfd, a deleted object, a file, a SysV
 * semaphore set or message queue, a POSIX message queue): its metadata,
 * holders (a set's or queue's waiters and last operators, an mqueue's
 * waiters and holders), event log and, for a POSIX object,
 * a preview of its first bytes.  The list's Enter on such a row comes here.  0, or -1 (out of
 * memory, or a SysV row: open those with monitor_new()). */
static int open_object(struct tui *t, const struct objlist *s, const struct objlist_row *r,
		       int64_t *next_poll)
{
	objmon *o = objmon_new(s, r);
	if (!o)
		return -1;
	switch_to(t, &obj_mode, t->mon, o, next_poll);
	return 0;
}

static void tui_apply_mouse(struct tui *t);

/* Colour as t->color says, the pairs made the first time it is on. */
static void apply_color(struct tui *t)
{
	if (t->color && !t->colors_ready && has_colors() && start_color() == OK) {
		draw_colors();
		t->colors_ready = true;
	}
	t->style.color = t->color && t->colors_ready;
}

/* Open the setup screen over the one that is up, on the values in use. */
static void open_setup(struct tui *t)
{
	const struct setup_values v = {
		.sort = t->list.sort,
		.reverse = t->list.reverse,
		.delay = t->delay,
		.graph_rate = t->mode == SPARK_RATE,
		.pick = t->list.pick,
		.color = t->color,
		.mouse = t->mouse,
	};
	setup_init(&t->setup, &v);
	t->setup_from = t->cur;
	t->cur = &setup_mode;
	t->help = false;
}

/* Back to the screen the setup screen came from, drawn anew. */
static void close_setup(struct tui *t)
{
	t->cur = t->setup_from;
	t->help = false;
	t->objlist_drawn.valid = false;
	invalidate(t);
}

/* What the setup screen changed (SETTING_* bits), applied at once. */
static void apply_setup(struct tui *t, unsigned changed, int64_t *next_poll)
{
	const struct setup_values *v = &t->setup.v;
	if (changed & (SETTING_SORT | SETTING_ORDER))
		objlist_state_set_sort(&t->list, v->sort, v->reverse);
	if (changed & SETTING_DELAY) {
		t->delay = v->delay;
		*next_poll = clock_mono_ns() + t->delay * 100 * NS_PER_MS;
	}
	if (changed & SETTING_GRAPH) {
		t->mode = v->graph_rate ? SPARK_RATE : SPARK_VALUE;
		t->have_scale = false;
	}
	if (changed & SETTING_COLUMNS) {
		t->list.pick = v->pick;
		t->columns_changed = true;
	}
	if (changed & SETTING_COLOR) {
		t->color = v->color;
		apply_color(t);
	}
	if (changed & SETTING_MOUSE) {
		t->mouse = v->mouse;
		tui_apply_mouse(t);
	}
}

static void setup_draw(struct tui *t)
{
	setup_screen_draw(&t->setup, &t->style, t->help);
}

/* A key on the setup screen; true to quit (Ctrl-C). */
static bool setup_keys(struct tui *t, int ch, int64_t *next_poll)
{
	enum setup_key k;
	if (ch == KEY_RESIZE)
		return false;
	if (t->help) { /* any key closes the help */
		t->help = false;
		return ch == 3;
	}
	switch (setup_screen_key(&t->setup, ch, &k)) {
	case SETUP_KEY: apply_setup(t, setup_key(&t->setup, k), next_poll); break;
	case SETUP_BACK: close_setup(t); break;
	case SETUP_HELP: t->help = true; break;
	case SETUP_QUIT: return true;
	case SETUP_NONE: break;
	}
	return false;
}

static void setup_tick(struct tui *t)
{
	t->setup_from->tick(t);
}

static int setup_fd(const struct tui *t)
{
	return t->setup_from->fd ? t->setup_from->fd(t) : -1;
}

/* The row the list's selection is on, or NULL. */
static const struct objlist_row *list_selection(const struct objlist_state *l)
{
	return objlist_state_selected(l); /* view.sel counts the rows the filter shows */
}

/* A key on the object list; returns true to quit. */
static bool list_keys(struct tui *t, int ch, int64_t *next_poll)
{
	key_t k;
	int id;
	if (t->help && ch != KEY_RESIZE) { /* any key closes the help */
		t->help = false;
		t->objlist_drawn.valid = false;
		return ch == 3;
	}
	switch (objlist_screen_key(&t->list, ch, &k, &id)) {
	case OBJLIST_QUIT:
		if (ch == 3 || t->top == &list_mode)
			return true;
		switch_to(t, &seg_mode, t->base_mon, NULL, next_poll);
		break;
	case OBJLIST_ESC:
		if (t->top != &list_mode)
			switch_to(t, &seg_mode, t->base_mon, NULL, next_poll);
		else
			snprintf(t->list.status, sizeof t->list.status,
				 "Esc: nothing to clear (q or F10 quits)");
		break;
	case OBJLIST_HELP:
		t->help = true;
		t->objlist_drawn.valid = false;
		break;
	case OBJLIST_SETUP: open_setup(t); break;
	case OBJLIST_BACK: switch_to(t, &seg_mode, t->base_mon, NULL, next_poll); break;
	case OBJLIST_OPEN: {
		const struct objlist_row *r = list_selection(&t->list);
		if (r && r->kind != OBJLIST_SYSV) {
			open_object(t, &t->list.snap, r, next_poll);
			break;
		}
		/* a key is followed through re-creation; key 0 (private, or
		 * removed) only names its one segment */
		monitor *mon = k ? monitor_new(k) : monitor_new_shmid(id);
		if (mon)
			switch_to(t, &seg_mode, mon, NULL, next_poll);
		break;
	}
	case OBJLIST_REPAINT:
		if (ch == 12)
			clearok(curscr, TRUE);
		t->objlist_drawn.valid = false;
		break;
	case OBJLIST_NONE: break;
	}
	return false;
}

/* Select the counter step rows on, in the segment or object shown. */
static void select_counter(struct tui *t, int step)
{
	if (t->cur == &obj_mode)
		objmon_select(t->obj, step);
	else
		monitor_select(t->mon, step);
	t->have_scale = false; /* another series */
}

/* Select the counter step on among those the filter shows (0: a shown
 * one, the selected if it is). */
static void select_shown(struct tui *t, int step)
{
	const struct content *c = t->cur == &obj_mode ? t->obj_in.held.content : t->in.content;
	int to = model_shown_step(c, t->filter, step);
	if (to)
		select_counter(t, to);
}

/* A key on a dashboard (a segment's or an object's); returns true to quit.
 * Back to the list, quit and help come first, then the mode's own keys,
 * then the keys both share. */
static bool dash_key(struct tui *t, int ch, int64_t *next_poll)
{
	/* from the list, or the list is the first screen: q, Esc, Left go back to it */
	bool back = t->mon != t->base_mon || t->cur == &obj_mode || t->top == &list_mode;
	if (ch == 3)
		return true;
	if (ch == KEY_RESIZE) {
		invalidate(t);
		return false;
	}
	if (t->confirming) { /* y resets, any other key cancels */
		t->confirming = false;
		invalidate(t);
		if (ch == 'y' || ch == 'Y') {
			command(t, SHMTOP_CMD_RESET, "reset requested");
			*next_poll = clock_mono_ns() + ACK_POLL_NS;
		} else
			notice(t, "reset cancelled");
		return false;
	}
	if (t->help) { /* any key closes the help */
		t->help = false;
		return false;
	}
	if (t->filtering && objlist_state_edit_key(t->filter, sizeof t->filter, &t->filtering,
						   ch == KEY_ENTER       ? '\r'
						   : ch == KEY_BACKSPACE ? 127
									 : ch)) {
		select_shown(t, 0);
		return false;
	}
	switch (ch) {
	case '/':
	case KEY_F(4): /* narrow the counters table */
		if (t->model->ncounters > 1)
			t->filtering = true;
		else
			notice(t, "no counters table to filter");
		return false;
	case '\t': switch_to(t, &list_mode, t->base_mon, NULL, next_poll); return false;
	case 'q':
	case 'Q':
	case 27:
	case KEY_LEFT:
	case KEY_F(10):
		if (ch == 27 && t->filter[0]) { /* Esc clears the filter first */
			t->filter[0] = '\0';
			return false;
		}
		if (back) { /* back to the list it was opened from */
			switch_to(t, &list_mode, t->base_mon, NULL, next_poll);
			return false;
		}
		if (ch == 27) {
			notice(t, "Esc: nothing to go back to (q or F10 quits)");
			return false;
		}
		if (ch != KEY_LEFT)
			return true;
		break;
	case '?':
	case 'h':
	case 'H':
	case KEY_F(1): t->help = true; return false;
	case KEY_F(2): open_setup(t); return false;
	}
	if (t->cur->own_key(t, ch, next_poll))
		return false;
	switch (ch) {
	case 'c':
	case 'C':
		if (t->cur == &obj_mode)
			objmon_clear_history(t->obj);
		else
			monitor_clear_history(t->mon);
		notice(t, "history cleared");
		break;
	case KEY_UP:
	case 'k':
	case KEY_DOWN:
	case 'j': select_shown(t, ch == KEY_UP || ch == 'k' ? -1 : 1); break;
	case 'p':
	case 'P':
		if (t->model->health == HEALTH_PAUSED)
			command(t, SHMTOP_CMD_RESUME, "resume requested");
		else
			command(t, SHMTOP_CMD_PAUSE, "pause requested");
		*next_poll = clock_mono_ns() + ACK_POLL_NS;
		break;
	case 'r':
	case 'R':
		if (!t->model->control_ok) {
			command(t, SHMTOP_CMD_RESET, "reset requested"); /* says why not */
			break;
		}
		resetbox_build(&t->in, t->model->value, &t->box);
		t->confirming = true;
		break;
	case 'd':
	case 'D': t->mode = t->mode == SPARK_VALUE ? SPARK_RATE : SPARK_VALUE; break;
	case '+':
	case '=':
		set_delay(t, 1);
		*next_poll = clock_mono_ns() + t->delay * 100 * NS_PER_MS;
		break;
	case '-':
	case '_':
		set_delay(t, -1);
		*next_poll = clock_mono_ns() + t->delay * 100 * NS_PER_MS;
		break;
	case 12: /* Ctrl-L: repaint everything */
		clearok(curscr, TRUE);
		invalidate(t);
		break;
	default: {
		const char *name = keyname(ch);
		char msg[96];
		snprintf(msg, sizeof msg, "key %s does nothing here (F1 lists the keys)",
			 name ? name : "?");
		notice(t, msg);
	}
	}
	return false;
}

/* A segment's own keys: rescan its processes, move a foreign segment's
 * preview. */
static bool seg_key(struct tui *t, int ch, int64_t *next_poll)
{
	switch (ch) {
	case 'a':
	case 'A':
		monitor_rescan(t->mon);
		notice(t, "attached processes: rescanning /proc");
		*next_poll = clock_mono_ns();
		return true;
	case KEY_NPAGE:
	case KEY_PPAGE: { /* a foreign segment's preview: its next or last window */
		size_t size;
		if (!t->have_preview || !monitor_bytes(t->mon, &size))
			return false;
		t->preview_off = preview_step(t->preview_off, ch == KEY_NPAGE ? 1 : -1, size);
		observe(t);
		return true;
	}
	}
	return false;
}

/* An object's own keys: rescan its holders, move its preview's window. */
static bool obj_key(struct tui *t, int ch, int64_t *next_poll)
{
	if (ch == KEY_NPAGE || ch == KEY_PPAGE) {
		objmon_scroll(t->obj, ch == KEY_NPAGE ? 1 : -1);
		objmon_preview(t->obj, COLS > 4 ? (size_t)COLS - 3 : 1, &t->preview);
		return true;
	}
	if (ch != 'a' && ch != 'A')
		return false;
	objmon_rescan(t->obj);
	notice(t, "holders: rescanning /proc");
	*next_poll = clock_mono_ns();
	return true;
}

/* Turn the terminal's mouse reporting on or off as t->mouse says: on, a
 * click of button 1 and the wheel, each reported at once (no clicks
 * resolved from presses and releases, no double clicks); off, as at the
 * start, the terminal keeps its mouse for copy and paste. */
static void tui_apply_mouse(struct tui *t)
{
	if (t->mouse == t->mouse_on)
		return; /* off from the start: nothing is sent to the terminal */
	mousemask(t->mouse ? MOUSE_EVENTS : 0, NULL);
	mouseinterval(0);
	t->mouse_on = t->mouse;
}

/* KEY_MOUSE: the event to the screen's handler, when the mouse is on. */
static bool mouse_event(struct tui *t, int64_t *next_poll)
{
	MEVENT e;
	if (getmouse(&e) != OK || !t->mouse)
		return false;
	struct click c = { e.x, e.y, 0 };
	if (e.bstate & BUTTON4_PRESSED)
		c.wheel = -1;
	else if (e.bstate & BUTTON5_PRESSED)
		c.wheel = 1;
	else if (!(e.bstate & BUTTON1_RELEASED))
		return false;
	return t->cur->mouse(t, &c, next_poll);
}

/* The list's mouse: a click closes the help, the sort menu or the removal
 * box (never a yes: only y removes); else objlist_screen_mouse(). */
static bool list_mouse(struct tui *t, const struct click *c, int64_t *next_poll)
{
	if (t->help || t->list.confirming || t->list.menu)
		return !c->wheel && list_keys(t, KEY_MOUSE, next_poll);
	int ch = objlist_screen_mouse(&t->list, c->x, c->y, c->wheel, t->top == &list_mode);
	return ch >= 0 && list_keys(t, ch, next_poll);
}

/* A dashboard's mouse: a click closes the help or cancels the reset's box
 * (never a yes); on the bar does its key; on a row of the counters table
 * selects that counter, and the wheel moves the selection a counter a
 * notch, as j and k. */
static bool dash_mouse(struct tui *t, const struct click *c, int64_t *next_poll)
{
	if (t->help || t->confirming)
		return !c->wheel && dash_key(t, KEY_MOUSE, next_poll);
	const struct view_model *m = t->drawn ? t->drawn : t->model;
	if (t->layout.too_small)
		return false;
	if (!c->wheel && c->y == t->layout.footer_y) {
		struct fnbar b;
		draw_footer_bar(m->footer, &b);
		int i = fnbar_at(&b, COLS - 1, c->x);
		return i >= 0 && dash_key(t, fnbar_key_code(b.item[i].key, KEY_F0), next_poll);
	}
	if (t->table_h <= 0 || c->y < t->layout.panel_y || c->y >= t->layout.panel_y + t->table_h)
		return false;
	if (c->wheel) {
		select_shown(t, c->wheel);
		return false;
	}
	int step = model_table_click(m, c->y - t->layout.panel_y - 2);
	if (step)
		select_counter(t, step);
	return false;
}

static void list_tick(struct tui *t)
{
	objlist_screen_refresh(&t->list);
}

static int list_fd(const struct tui *t)
{
	return objlist_state_scan_fd(&t->list);
}

static void seg_tick(struct tui *t)
{
	monitor_waiters(t->mon); /* the screen shows them: batch output does not scan */
	monitor_poll(t->mon);
	observe(t);
}

static void obj_tick(struct tui *t)
{
	objmon_poll(t->obj);
	objmon_preview(t->obj, COLS > 4 ? (size_t)COLS - 3 : 1, &t->preview);
	t->have_preview = !objmon_ipc(t->obj); /* a set or queue has no bytes */
}

static const struct mode list_mode = {
	.enter = list_enter,
	.tick = list_tick,
	.draw = list_mode_draw,
	.key = list_keys,
	.mouse = list_mouse,
	.fd = list_fd,
};

static const struct mode seg_mode = {
	.enter = dash_enter,
	.tick = seg_tick,
	.draw = dash_draw,
	.key = dash_key,
	.mouse = dash_mouse,
	.build = seg_build,
	.panels = seg_panels,
	.own_key = seg_key,
};

static const struct mode obj_mode = {
	.enter = dash_enter,
	.tick = obj_tick,
	.draw = dash_draw,
	.key = dash_key,
	.mouse = dash_mouse,
	.build = obj_build,
	.panels = obj_panels,
	.own_key = obj_key,
};

static const struct mode setup_mode = {
	.tick = setup_tick,
	.draw = setup_draw,
	.key = setup_keys,
	.fd = setup_fd,
};

static int setup(char *why, size_t whylen)
{
	if (!newterm(NULL, stdout, stdin)) {
		const char *term = getenv("TERM");
		snprintf(why, whylen, "cannot use terminal type '%s'; try -b for batch output",
			 term ? term : "");
		return -1;
	}
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE); /* the cursor is hidden: no move to park it after each update */
	return 0;
}

/* shmtop PATH of a file: its detail view, over the list of it (a folder
 * has its list alone).  Opened as objlist_files_check() opened it. */
/* Is the folder open on fd one of a folder format (decode_folder())? */
static bool folder_format(int fd)
{
	struct content c = { 0 };
	char why[256];
	struct decode_want w = { .now_mono = clock_mono_ns(), .now_wall = clock_wall_ns() };
	bool yes = decode_folder(fd, &w, &c, why, sizeof why) != DECODE_NOT_THIS;
	content_free(&c);
	return yes;
}

/* shmtop PATH: a file's dashboard, or a folder's when a folder format
 * reads it (its path made absolute, as the scan names its files); any
 * other folder stays the list of its files. */
static void open_path(struct tui *t, const char *path, int64_t *next_poll)
{
	struct objlist_row r;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	char abs[PATH_MAX];
	bool ok = objlist_file_row(fd, path, &r) == 0;
	if (ok && r.folder)
		ok = folder_format(fd) && realpath(path, abs) &&
		     (size_t)snprintf(r.name, sizeof r.name, "%s", abs) < sizeof r.name;
	if (ok)
		open_object(t, &t->list.snap, &r, next_poll);
	close(fd);
}

int tui_run(monitor *mon, const struct options *o, bool utf8, bool color,
	    volatile sig_atomic_t *quit, const sigset_t *wake, struct settings *end, char *why,
	    size_t whylen)
{
	static struct tui t; /* large (the model); one per process */
	memset(&t, 0, sizeof t);
	t.mon = mon;
	t.base_mon = mon;
	t.cur = o->all ? &list_mode : &seg_mode;
	t.top = t.cur;
	events_log_init(&t.log);
	if (objlist_state_init(&t.list, o->sort, o->sort_reverse) < 0) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	objlist_state_set_filter(&t.list, o->filter); /* -F */
	t.list.kinds = o->kinds;                      /* -t */
	if (o->columns) /* the columns setting; a bad name: the default */
		objlist_view_pick_parse(o->columns, &t.list.pick);
	if (o->path) { /* shmtop PATH: the list of its files */
		t.list.snap.files_path = o->path;
		t.list.named_only = true;
	}
	t.model = &t.models[0];
	t.delay = o->delay_tenths;
	t.mode = o->graph_rate ? SPARK_RATE : SPARK_VALUE;
	t.style.utf8 = utf8;
	t.list.utf8 = utf8;
	t.list.me = getuid();
	t.style.acs = !utf8 && !o->ascii; /* a non-UTF-8 locale */
	t.mouse = o->mouse;
	if (setup(why, whylen) < 0) {
		objlist_state_free(&t.list);
		return -1;
	}
	t.color = color;
	apply_color(&t);
	t.mouse = o->mouse;
	tui_apply_mouse(&t);
	sigset_t open;
	sigprocmask(SIG_SETMASK, NULL, &open);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(wake, sig) == 1)
			sigdelset(&open, sig);

	long ticks = 0;
	int rc = 0;
	int64_t next_poll = 0;
	if (o->path)
		open_path(&t, o->path, &next_poll);
	bool dirty = true, quick = false; /* quick: next poll only re-reads for an ack */
	why[0] = '\0';
	while (!*quit) {
		int64_t now = clock_mono_ns();
		bool polled = false;
		if (now >= next_poll) {
			if (!quick && o->iterations && ticks++ >= o->iterations)
				break;
			quick = false;
			t.cur->tick(&t);
			/* A tick that took T (the list's collect of hundreds of
			 * thousands of objects) is not repeated within 3T: keys
			 * are read in between. */
			int64_t spent = clock_mono_ns() - now;
			next_poll = now + t.delay * 100 * NS_PER_MS;
			if (next_poll < now + 4 * spent)
				next_poll = now + 4 * spent;
			dirty = polled = true;
		}
		if (t.notice_until && now >= t.notice_until) {
			t.notice_until = 0;
			dirty = true;
		}
		if (dirty)
			render(&t);
		dirty = false;
		if (polled && t.waiting && t.ack_polls > 0) { /* render() saw no ack yet */
			t.ack_polls--;
			next_poll = clock_mono_ns() + ACK_POLL_NS;
			quick = true;
		}

		int64_t wait = next_poll - clock_mono_ns();
		if (t.notice_until && t.notice_until - now < wait)
			wait = t.notice_until - now;
		if (wait < 0)
			wait = 0;
		struct timespec ts = { (time_t)(wait / NS_PER_SEC), (long)(wait % NS_PER_SEC) };
		struct pollfd pfd[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = t.cur->fd ? t.cur->fd(&t) : -1, .events = POLLIN },
		};
		int r = ppoll(pfd, 2, &ts, &open);
		if (*quit)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (r > 0 && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) &&
		    !(pfd[0].revents & POLLIN))
			break; /* the terminal went away */
		if (r > 0 && (pfd[1].revents & POLLIN)) {
			t.cur->tick(&t); /* the list's scan has finished: show it */
			dirty = true;
		}
		if (r == 0 || (r > 0 && !pfd[0].revents))
			continue;
		int ch, keys = 0;
		bool stop = false;
		while (!stop && (ch = getch()) != ERR) {
			keys++;
			stop = ch == KEY_MOUSE ? mouse_event(&t, &next_poll)
					       : t.cur->key(&t, ch, &next_poll);
			/* Draw the new size before the next getch(): it would
			 * refresh stdscr as resizeterm() cut it, and at one
			 * column ncurses 6.4 reads before the line when it
			 * writes the last cell (PutCharLR() on a terminal
			 * with am but no smam, as screen and tmux). */
			if (!stop && ch == KEY_RESIZE)
				render(&t);
		}
		if (stop || (pfd[0].revents && keys == 0))
			break; /* a quit key, or end of file / EIO on the terminal */
		dirty = true;
	}
	endwin();
	end->sort = t.list.sort;
	end->sort_reverse = t.list.reverse;
	end->delay_tenths = t.delay;
	end->graph_rate = t.mode == SPARK_RATE;
	if (t.columns_changed)
		objlist_view_pick_text(&t.list.pick, end->columns, sizeof end->columns);
	end->color = t.color;
	end->mouse = t.mouse;
	if (t.mon != mon)
		monitor_free(t.mon);
	objmon_free(t.obj);
	objlist_state_free(&t.list);
	return rc;
}
