/*
 * The viewer's loop.  One ppoll() on the terminal with a timeout to the next
 * tick is the only place it sleeps; signals are blocked everywhere else and
 * only set flags, so a SIGHUP or SIGTERM is seen at once and never lost.
 * Each tick polls the monitor and builds a new model into the spare of two
 * buffers; draw_screen() compares it with the model drawn last time and
 * rewrites only what changed, and doupdate() sends only the cells that did.
 * Nothing is allocated per tick.
 */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "shmtop/clock.h"
#include "shmtop/layout.h"

#define NOTICE_NS (5 * NS_PER_SEC)
#define ACK_POLL_NS (20 * NS_PER_MS) /* re-read soon after a command */

struct tui {
	monitor *mon;
	struct draw_style style;
	int delay;                 /* tenths */
	enum spark_mode mode;
	bool help;
	char notice[200];
	int64_t notice_until;
	enum shmtop_command pending; /* the command waiting for its ack */
	bool waiting;
	uint32_t ticket;
	struct model_input in;
	struct view_model models[2];
	struct view_model *model, *drawn; /* the newest; the one on screen (or NULL) */
	struct layout layout, drawn_layout;
	bool drawn_help;
	struct graph_scale scale;         /* the graph's, kept while it fits */
	bool have_scale;
	enum spark_mode scale_mode;
	int scale_shmid;
};

static const int delays[] = { 1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 600 };

static void notice(struct tui *t, const char *text)
{
	snprintf(t->notice, sizeof t->notice, "%s", text);
	t->notice_until = clock_mono_ns() + NOTICE_NS;
}

/* Must everything be drawn again, rather than what changed? */
static bool full_redraw(const struct tui *t)
{
	const struct view_model *m = t->model, *p = t->drawn;
	return !p || t->help || t->drawn_help ||
	       memcmp(&t->layout, &t->drawn_layout, sizeof t->layout) != 0 ||
	       m->state != p->state || m->have_value != p->have_value || m->nfields != p->nfields ||
	       m->have_procs != p->have_procs || m->graph.width != p->graph.width ||
	       m->graph.height != p->graph.height;
}

static void render(struct tui *t)
{
	int64_t now = clock_mono_ns();
	if (t->waiting && monitor_acked(t->mon, t->ticket)) {
		t->waiting = false;
		notice(t, t->pending == SHMTOP_CMD_RESET ? "reset acknowledged: count restarted at 0"
			  : t->pending == SHMTOP_CMD_PAUSE ? "pause acknowledged: writer PAUSED"
							   : "resume acknowledged: writer running");
	}
	monitor_input(t->mon, &t->in);
	t->in.now_mono = now;
	t->in.spark_mode = t->mode;
	t->in.utf8 = t->style.utf8;
	t->in.spark_width = 0; /* the graph replaces the one-line sparkline */
	t->in.delay_tenths = t->delay;
	t->in.notice = now < t->notice_until ? t->notice : NULL;

	t->model = t->drawn == &t->models[0] ? &t->models[1] : &t->models[0];
	struct view_model *m = t->model;
	model_build(m, &t->in);
	int nprocs = m->have_procs ? (int)(m->nprocs + m->procs_more) : m->have_value ? 0 : -1;
	layout_compute(COLS, LINES, strlen(m->value), strlen(m->details), m->nfields, nprocs,
		       &t->layout);
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

	draw_screen(m, full_redraw(t) ? NULL : t->drawn, &t->layout, &t->style, t->help);
	t->drawn = m;
	t->drawn_layout = t->layout;
	t->drawn_help = t->help;
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
		notice(t, t->model->control[0] ? t->model->control : "controls disabled: no writer");
		return;
	}
	if (monitor_send(t->mon, cmd, &t->ticket) < 0) {
		notice(t, "controls disabled: no control segment");
		return;
	}
	t->pending = cmd;
	t->waiting = true;
	notice(t, asked);
}

static void set_delay(struct tui *t, int dir)
{
	int n = (int)(sizeof delays / sizeof delays[0]), i = 0;
	while (i < n - 1 && delays[i] < t->delay)
		i++;
	if (dir > 0 && delays[i] <= t->delay && i < n - 1)
		i++;
	else if (dir < 0 && i > 0)
		i--;
	t->delay = delays[i];
	char msg[64];
	snprintf(msg, sizeof msg, "refresh every %d.%d s", t->delay / 10, t->delay % 10);
	notice(t, msg);
}

/* Act on one key; returns true to quit. */
static bool key(struct tui *t, int ch, int64_t *next_poll)
{
	switch (ch) {
	case 'q': case 'Q': case 27: case 3: case KEY_F(10):
		return true;
	case KEY_RESIZE:
		invalidate(t);
		return false;
	case '?': case 'h': case 'H': case KEY_F(1):
		t->help = !t->help;
		return false;
	}
	if (t->help) { /* any other key just closes the help */
		t->help = false;
		return false;
	}
	switch (ch) {
	case 'p': case 'P':
		if (t->model->health == HEALTH_PAUSED)
			command(t, SHMTOP_CMD_RESUME, "resume requested");
		else
			command(t, SHMTOP_CMD_PAUSE, "pause requested");
		*next_poll = clock_mono_ns() + ACK_POLL_NS;
		break;
	case 'r': case 'R':
		command(t, SHMTOP_CMD_RESET, "reset requested");
		*next_poll = clock_mono_ns() + ACK_POLL_NS;
		break;
	case 'c': case 'C':
		monitor_clear_history(t->mon);
		notice(t, "history cleared");
		break;
	case 'd': case 'D':
		t->mode = t->mode == SPARK_VALUE ? SPARK_RATE : SPARK_VALUE;
		break;
	case 'a': case 'A':
		monitor_rescan(t->mon);
		notice(t, "attached processes: rescanning /proc");
		*next_poll = clock_mono_ns();
		break;
	case '+': case '=':
		set_delay(t, 1);
		*next_poll = clock_mono_ns() + t->delay * 100 * NS_PER_MS;
		break;
	case '-': case '_':
		set_delay(t, -1);
		*next_poll = clock_mono_ns() + t->delay * 100 * NS_PER_MS;
		break;
	case 12: /* Ctrl-L: repaint everything */
		clearok(curscr, TRUE);
		invalidate(t);
		break;
	}
	return false;
}

static int setup(bool color, char *why, size_t whylen)
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
	if (color && has_colors() && start_color() == OK)
		draw_colors();
	return 0;
}

int tui_run(monitor *mon, const struct options *o, bool utf8, bool color,
	    volatile sig_atomic_t *quit, const sigset_t *wake, char *why, size_t whylen)
{
	static struct tui t; /* large (the model); one per process */
	memset(&t, 0, sizeof t);
	t.mon = mon;
	t.model = &t.models[0];
	t.delay = o->delay_tenths;
	t.style.utf8 = utf8;
	if (setup(color, why, whylen) < 0)
		return -1;
	t.style.color = color && has_colors();
	sigset_t open;
	sigprocmask(SIG_SETMASK, NULL, &open);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(wake, sig) == 1)
			sigdelset(&open, sig);

	long ticks = 0;
	int rc = 0;
	int64_t next_poll = 0;
	bool dirty = true;
	why[0] = '\0';
	while (!*quit) {
		int64_t now = clock_mono_ns();
		if (now >= next_poll) {
			if (o->iterations && ticks++ >= o->iterations)
				break;
			monitor_poll(mon);
			next_poll = now + t.delay * 100 * NS_PER_MS;
			dirty = true;
		}
		if (t.notice_until && now >= t.notice_until) {
			t.notice_until = 0;
			dirty = true;
		}
		if (dirty)
			render(&t);
		dirty = false;

		int64_t wait = next_poll - clock_mono_ns();
		if (t.notice_until && t.notice_until - now < wait)
			wait = t.notice_until - now;
		if (wait < 0)
			wait = 0;
		struct timespec ts = { (time_t)(wait / NS_PER_SEC), (long)(wait % NS_PER_SEC) };
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int r = ppoll(&pfd, 1, &ts, &open);
		if (*quit)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (r > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(pfd.revents & POLLIN))
			break; /* the terminal went away */
		if (r == 0)
			continue;
		int ch, keys = 0;
		bool stop = false;
		while (!stop && (ch = getch()) != ERR) {
			keys++;
			stop = key(&t, ch, &next_poll);
		}
		if (stop || (r > 0 && keys == 0))
			break; /* a quit key, or end of file / EIO on the terminal */
		dirty = true;
	}
	endwin();
	return rc;
}
