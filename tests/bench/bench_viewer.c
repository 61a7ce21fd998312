/* SPDX-License-Identifier: MIT */
/*
 * bench_viewer: what it costs to watch, shmtop side by side with its peers.
 *
 * A pty harness of our own runs each full-screen program as a terminal
 * would: openpty(), the window size set with TIOCSWINSZ before the child
 * starts, TERM=xterm-256color, LANG=C.UTF-8, HOME in a scratch directory (so
 * htop, top and btop read and write no real configuration).  One poll() loop
 * drains every master continuously, so no program ever blocks on a full pty.
 * Each byte also goes through a small terminal model: it tracks the cursor
 * and the cells (enough to say which screen row the bytes were spent on and
 * what that row shows), and answers the queries a program may send (cursor
 * position, device attributes, status, window size, colours, modes, version).
 *
 * For each program, against a real shmwriter at 1 Hz on a key of our own
 * (from the tests' allocator, testutil.h), at 120x40, one after the other:
 *   - start-up bytes and time to the first full frame: everything written
 *     from fork until output first pauses for 50 ms with text on at least 3
 *     rows of the screen (capped at 3 s);
 *   - after 0.5 s more, a window of --duration seconds (default 20):
 *     steady bytes/s to the terminal, updates/s (bursts of output separated
 *     by 20 ms or more), and CPU as % of one core.  CPU is utime+stime of
 *     the process: the "stat" column is /proc/PID/stat's utime + stime (plus
 *     cutime + cstime, the children it reaped, which is where `watch` spends
 *     its time), in 10 ms clock ticks; the "CPU" column is the same
 *     utime+stime read to the nanosecond through the process's CPU clock
 *     (clock_getcpuclockid), plus the same children's share;
 *   - peak RSS: VmHWM from /proc/PID/status at the end of the window.
 * Then htop -d 10 and shmtop on screen at once, in 3 rounds of half the
 * window: htop's bytes and CPU follow what the host's processes do (its list
 * re-sorts, its columns change), so each round's ratio is taken over the
 * same seconds for both.  Then the ratios issue 6 targets, each marked met
 * or not met: bytes/s and CPU from the median round, RSS against
 * `htop -d 10` and CPU at -d 1 against `htop -d 1`; and for shmtop the
 * screen rows its steady bytes went to.  The writer's history is first
 * filled past the widest graph by a fast writer that the 1 Hz one takes
 * over, and the peers run before shmtop, so that shmtop is measured in its
 * steady state (full graph, steady rate), not while its history fills.
 *
 * Key press to screen: shmtop is sent `p` 20 times (pause, resume, ...);
 * the time from the write of the key to the arrival of the word PAUSED (or
 * RUNNING) in the printable text of the output stream, p50 and p99.
 *
 * How the cost grows: shmtop's bytes/s and CPU with 1, 10 and 100 helper
 * processes that attach the segment read-only and sleep, and with 10 and
 * 1,000 other (IPC_PRIVATE, 4 KiB) segments on the host, both in the
 * single-segment view and in the object list (-a); then a writer at
 * `-i 0`, its updates/s (count deltas read from the segment) with 0, 1 and 4
 * shmtop viewers on it.
 *
 * Finally the main figures as an SVG bar chart (bench-viewer.svg in the
 * build folder by default), written with fprintf.  `bench_viewer --
 * COMMAND...` measures any one full-screen program with the same harness;
 * `bench_viewer --rounds N -- CMD1... --and CMD2...` measures up to 4 on
 * screen at once over the same seconds, N times (bench_watch's way).
 *
 * --smoke (bench_smoke's run): every step above, with a 1 s window for
 * every measurement, 0.1 s to settle, 1 side-by-side round and 4 key presses.
 *
 * Timings are never asserted.  Exit status 1 only when something is broken:
 * shmtop or the writer cannot start, a pty dies under shmtop, a key press
 * does not reach the writer.  A peer that is not installed or cannot run here
 * is skipped with a note.  Every process, segment and file made is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include "bench.h"

#ifndef SHMTOP_PATH
#error "SHMTOP_PATH must name the shmtop binary"
#endif
#ifndef BENCH_SVG_PATH
#define BENCH_SVG_PATH "bench-viewer.svg"
#endif

#define MAX_COLS 300
#define MAX_ROWS 100
#define QUIET_NS (50 * NS_PER_MS)     /* a gap that ends the first frame */
#define FRAME_CAP_NS (3 * NS_PER_SEC) /* ...or this long after the start */
#define BURST_GAP_NS (20 * NS_PER_MS) /* a gap that starts a new update */
#define SETTLE_NS (500 * NS_PER_MS)   /* after the first frame, before the window */
#define SMOKE_SETTLE_NS (100 * NS_PER_MS)
#define STOP_NS (3 * NS_PER_SEC) /* SIGTERM to SIGKILL */
#define KEY_TIMEOUT_NS (3 * NS_PER_SEC)
#define KEY_PRESSES 20
#define SMOKE_KEY_PRESSES 4
#define MAX_TERMS 8
#define MAX_HELPERS 100
#define MAX_SEGMENTS 1000

/* ---- the terminal model ------------------------------------------------ */

enum vt_state {
	VT_GROUND,
	VT_ESC,
	VT_ESC_INTER,
	VT_CSI,
	VT_OSC,
	VT_OSC_ESC,
	VT_STR, /* DCS, APC, PM, SOS: up to ST */
	VT_STR_ESC,
};

/* A program on a pty we own, and what it has written. */
struct term {
	char label[40];
	pid_t pid;
	int master; /* -1 once closed */
	bool eof;   /* read() said every slave fd is gone */
	bool reaped;
	int status;
	clockid_t cpu_clock;
	bool have_clock;
	int cols, rows;
	int64_t t_spawn, t_last, now;
	uint64_t bytes;
	/* the first frame */
	bool framed, frame_capped;
	uint64_t frame_bytes;
	int64_t frame_ns;
	/* the steady window */
	bool counting;
	uint64_t bursts;
	uint64_t row_bytes[MAX_ROWS];
	/* the screen, roughly: cursor and cells (UTF-8, up to 4 bytes each) */
	int row, col, saved_row, saved_col;
	char (*cells)[4];
	int cell_row, cell_col; /* the cell a multi-byte character is going to */
	bool cell_open;
	unsigned char last_char;        /* for REP */
	bool g0_dec, g1_dec, shift_out; /* DEC line drawing in G0 / G1, G1 active */
	char esc_inter;
	uint64_t text_bytes; /* printable bytes, while counting */
	enum vt_state st;
	bool dcs;
	char seq[80];
	size_t seqlen;
	unsigned pending; /* bytes not yet charged to a row */
	/* a word to look for in the printable text */
	char tail[32];
	size_t taillen;
	const char *want;
	int64_t found_at;
	unsigned queries;
	FILE *trace;
};

static void term_reply(struct term *t, const char *s)
{
	size_t n = strlen(s);
	if (t->master >= 0 && write(t->master, s, n) == (ssize_t)n)
		t->queries++;
}

static char *cell(struct term *t, int row, int col)
{
	return t->cells[row * t->cols + col];
}

static void clamp_cursor(struct term *t)
{
	t->row = t->row < 0 ? 0 : t->row >= t->rows ? t->rows - 1 : t->row;
	t->col = t->col < 0 ? 0 : t->col > t->cols ? t->cols : t->col;
}

static void erase(struct term *t, int row, int from, int to)
{
	for (int c = from < 0 ? 0 : from; c < to && c < t->cols; c++)
		memset(cell(t, row, c), 0, 4);
}

/* Charge the bytes of what just ended to the row the cursor is on now: a
 * cursor move counts for the row it moves to. */
static void charge(struct term *t)
{
	if (t->counting)
		t->row_bytes[t->row] += t->pending;
	t->pending = 0;
}

/* The UTF-8 glyph of a DEC special graphics character (line drawing). */
static void dec_graphic(char *c, unsigned char b)
{
	static const char *const glyphs[] = {
		"\u25c6", "\u2592", "?",      "?",      "?",      "?",      "\u00b0", "\u00b1",
		"?",      "?",      "\u2518", "\u2510", "\u250c", "\u2514", "\u253c", "\u23ba",
		"\u23bb", "\u2500", "\u23bc", "\u23bd", "\u251c", "\u2524", "\u2534", "\u252c",
		"\u2502", "\u2264", "\u2265", "\u03c0", "\u2260", "\u00a3", "\u00b7",
	};
	const char *g = glyphs[b - 0x60];
	if (g[0] != '?')
		memcpy(c, g, strlen(g) < 4 ? strlen(g) : 4);
}

static void put_char(struct term *t, unsigned char b)
{
	if (t->counting)
		t->text_bytes++;
	if ((b & 0xc0) == 0x80) { /* a UTF-8 continuation byte */
		if (t->cell_open) {
			char *c = cell(t, t->cell_row, t->cell_col);
			char *end = memchr(c, 0, 4);
			if (end)
				*end = (char)b;
		}
	} else {
		if (t->col >= t->cols) { /* deferred autowrap */
			t->col = 0;
			if (t->row < t->rows - 1)
				t->row++;
		}
		char *c = cell(t, t->row, t->col);
		memset(c, 0, 4);
		c[0] = (char)b;
		if ((t->shift_out ? t->g1_dec : t->g0_dec) && b >= 0x60 && b <= 0x7e)
			dec_graphic(c, b);
		t->cell_open = b >= 0xc0;
		t->cell_row = t->row;
		t->cell_col = t->col;
		t->last_char = b;
		t->col++;
	}
	if (t->taillen == sizeof t->tail) {
		memmove(t->tail, t->tail + sizeof t->tail / 2, sizeof t->tail / 2);
		t->taillen = sizeof t->tail / 2;
	}
	t->tail[t->taillen++] = (char)b;
	if (t->want && !t->found_at) {
		size_t wl = strlen(t->want);
		if (t->taillen >= wl && memcmp(t->tail + t->taillen - wl, t->want, wl) == 0)
			t->found_at = t->now;
	}
}

static void control(struct term *t, unsigned char b)
{
	switch (b) {
	case '\r': t->col = 0; break;
	case '\n':
	case '\v':
	case '\f':
		if (t->row < t->rows - 1)
			t->row++;
		break;
	case '\b':
		if (t->col > 0)
			t->col--;
		break;
	case '\t': t->col = (t->col / 8 + 1) * 8; break;
	case 0x0e: t->shift_out = true; break;
	case 0x0f: t->shift_out = false; break;
	default: break;
	}
	clamp_cursor(t);
}

static void csi(struct term *t, unsigned char final)
{
	char reply[96];
	const char *s = t->seq;
	char priv = 0, inter = 0;
	int p[8] = { 0 }, np = 0;
	if (*s && strchr("<=>?", *s))
		priv = *s++;
	if (*s)
		np = 1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (np <= 8 && p[np - 1] < 100000)
				p[np - 1] = p[np - 1] * 10 + (*s - '0');
		} else if (*s == ';' || *s == ':') {
			np++;
		} else if (*s >= 0x20 && *s <= 0x2f) {
			inter = *s;
		}
	}
#define P(i, d) (np > (i) && (i) < 8 && p[i] ? p[i] : (d))
	if (priv == '>') {
		if (final == 'c')
			term_reply(t, "\033[>1;10;0c"); /* DA2: a VT220 */
		else if (final == 'q')
			term_reply(t, "\033P>|bench_viewer\033\\"); /* XTVERSION */
		return;
	}
	if (priv == '?') {
		if (final == 'n' && P(0, 0) == 6) {
			snprintf(reply, sizeof reply, "\033[?%d;%d;1R", t->row + 1, t->col + 1);
			term_reply(t, reply);
		} else if (final == 'p' && inter == '$') {
			snprintf(reply, sizeof reply, "\033[?%d;0$y", P(0, 0)); /* mode unknown */
			term_reply(t, reply);
		}
		return;
	}
	if (priv)
		return;
	switch (final) {
	case 'H':
	case 'f':
		t->row = P(0, 1) - 1;
		t->col = P(1, 1) - 1;
		break;
	case 'A': t->row -= P(0, 1); break;
	case 'B':
	case 'e': t->row += P(0, 1); break;
	case 'C':
	case 'a': t->col += P(0, 1); break;
	case 'D': t->col -= P(0, 1); break;
	case 'E':
		t->row += P(0, 1);
		t->col = 0;
		break;
	case 'F':
		t->row -= P(0, 1);
		t->col = 0;
		break;
	case 'G':
	case '`': t->col = P(0, 1) - 1; break;
	case 'd': t->row = P(0, 1) - 1; break;
	case 'b':
		for (int i = 0; i < P(0, 1) && i < t->cols; i++)
			if (t->last_char < 0x80)
				put_char(t, t->last_char);
		break;
	case 'X': erase(t, t->row, t->col, t->col + P(0, 1)); break;
	case 'K':
		if (P(0, 0) == 0)
			erase(t, t->row, t->col, t->cols);
		else if (P(0, 0) == 1)
			erase(t, t->row, 0, t->col + 1);
		else
			erase(t, t->row, 0, t->cols);
		break;
	case 'J':
		for (int r = 0; r < t->rows; r++)
			if (P(0, 0) >= 2 || (P(0, 0) == 0 && r > t->row) ||
			    (P(0, 0) == 1 && r < t->row))
				erase(t, r, 0, t->cols);
		if (P(0, 0) == 0)
			erase(t, t->row, t->col, t->cols);
		else if (P(0, 0) == 1)
			erase(t, t->row, 0, t->col + 1);
		break;
	case 'n':
		if (P(0, 0) == 6) {
			snprintf(reply, sizeof reply, "\033[%d;%dR", t->row + 1, t->col + 1);
			term_reply(t, reply);
		} else if (P(0, 0) == 5) {
			term_reply(t, "\033[0n");
		}
		break;
	case 'c':
		if (!inter && P(0, 0) == 0)
			term_reply(t, "\033[?62;22c"); /* DA1: VT220 with ANSI colour */
		break;
	case 't':
		if (P(0, 0) == 18)
			snprintf(reply, sizeof reply, "\033[8;%d;%dt", t->rows, t->cols);
		else if (P(0, 0) == 14)
			snprintf(reply, sizeof reply, "\033[4;%d;%dt", t->rows * 16, t->cols * 8);
		else if (P(0, 0) == 16)
			snprintf(reply, sizeof reply, "\033[6;16;8t");
		else
			break;
		term_reply(t, reply);
		break;
	case 'p':
		if (inter == '$') {
			snprintf(reply, sizeof reply, "\033[%d;0$y", P(0, 0));
			term_reply(t, reply);
		}
		break;
	default: break;
	}
#undef P
	clamp_cursor(t);
}

static void osc(struct term *t)
{
	char reply[96];
	int n;
	if (strcmp(t->seq, "10;?") == 0)
		term_reply(t, "\033]10;rgb:d0d0/d0d0/d0d0\033\\");
	else if (strcmp(t->seq, "11;?") == 0)
		term_reply(t, "\033]11;rgb:0000/0000/0000\033\\");
	else if (strcmp(t->seq, "12;?") == 0)
		term_reply(t, "\033]12;rgb:d0d0/d0d0/d0d0\033\\");
	else if (sscanf(t->seq, "4;%d;?", &n) == 1 && n >= 0 && n < 256) {
		snprintf(reply, sizeof reply, "\033]4;%d;rgb:8080/8080/8080\033\\", n);
		term_reply(t, reply);
	}
}

static void seq_add(struct term *t, unsigned char b)
{
	if (t->seqlen + 1 < sizeof t->seq)
		t->seq[t->seqlen++] = (char)b;
	t->seq[t->seqlen] = '\0';
}

static void seq_start(struct term *t, enum vt_state st)
{
	t->st = st;
	t->seqlen = 0;
	t->seq[0] = '\0';
}

static void vt_byte(struct term *t, unsigned char b)
{
	t->pending++;
	switch (t->st) {
	case VT_GROUND:
		if (b == 0x1b) {
			t->st = VT_ESC;
			return;
		}
		if (b < 0x20 || b == 0x7f)
			control(t, b);
		else
			put_char(t, b);
		break;
	case VT_ESC:
		switch (b) {
		case '[': seq_start(t, VT_CSI); return;
		case ']': seq_start(t, VT_OSC); return;
		case 'P':
			seq_start(t, VT_STR);
			t->dcs = true;
			return;
		case '_':
		case '^':
		case 'X':
			seq_start(t, VT_STR);
			t->dcs = false;
			return;
		case '7':
			t->saved_row = t->row;
			t->saved_col = t->col;
			break;
		case '8':
			t->row = t->saved_row;
			t->col = t->saved_col;
			break;
		case 'D':
			if (t->row < t->rows - 1)
				t->row++;
			break;
		case 'E':
			if (t->row < t->rows - 1)
				t->row++;
			t->col = 0;
			break;
		case 'M':
			if (t->row > 0)
				t->row--;
			break;
		case 'c':
			memset(t->cells, 0, (size_t)t->rows * (size_t)t->cols * sizeof *t->cells);
			t->row = t->col = 0;
			break;
		default:
			if (b >= 0x20 && b <= 0x2f) {
				t->st = VT_ESC_INTER;
				t->esc_inter = (char)b;
				return;
			}
			break;
		}
		t->st = VT_GROUND;
		break;
	case VT_ESC_INTER:
		if (b >= 0x20 && b <= 0x2f)
			return;
		if (t->esc_inter == '(')
			t->g0_dec = b == '0';
		else if (t->esc_inter == ')')
			t->g1_dec = b == '0';
		t->st = VT_GROUND;
		break;
	case VT_CSI:
		if (b >= 0x40 && b <= 0x7e) {
			t->st = VT_GROUND;
			csi(t, b);
		} else if (b >= 0x20 && b <= 0x3f) {
			seq_add(t, b);
			return;
		} else if (b == 0x1b) {
			t->st = VT_ESC;
			return;
		} else if (b == 0x18 || b == 0x1a) {
			t->st = VT_GROUND;
		} else if (b < 0x20) {
			control(t, b); /* executed inside the sequence, as a VT does */
			return;
		} else {
			return;
		}
		break;
	case VT_OSC:
		if (b == 0x07) {
			t->st = VT_GROUND;
			osc(t);
			break;
		}
		if (b == 0x1b)
			t->st = VT_OSC_ESC;
		else
			seq_add(t, b);
		return;
	case VT_OSC_ESC:
		t->st = VT_GROUND;
		if (b == '\\')
			osc(t);
		break;
	case VT_STR:
		if (b == 0x1b)
			t->st = VT_STR_ESC;
		else if (t->dcs)
			seq_add(t, b);
		return;
	case VT_STR_ESC:
		t->st = VT_GROUND;
		if (b == '\\' && t->dcs && strncmp(t->seq, "+q", 2) == 0)
			term_reply(t, "\033P0+r\033\\"); /* XTGETTCAP: not known */
		break;
	}
	charge(t);
}

/* The text of a row, trailing blanks dropped, at most width cells. */
static const char *row_text(struct term *t, int row, int width, char *buf, size_t len)
{
	size_t n = 0, keep = 0;
	for (int c = 0; c < t->cols && c < width; c++) {
		const char *ch = cell(t, row, c);
		size_t l = ch[0] ? strnlen(ch, 4) : 1;
		if (n + l + 1 > len)
			break;
		memcpy(buf + n, ch[0] ? ch : " ", l);
		n += l;
		if (ch[0] && ch[0] != ' ')
			keep = n;
	}
	buf[keep] = '\0';
	return buf;
}

/* ---- processes on ptys ------------------------------------------------- */

static volatile sig_atomic_t interrupted;
static struct term *live[MAX_TERMS];
static pid_t helpers[MAX_HELPERS];
static int nhelpers;
static int segments[MAX_SEGMENTS];
static int nsegments;
static char scratch[64]; /* HOME for the programs */
static const char *trace_dir;
static int cols = 120, rows = 40;
static bool smoke; /* --smoke: every step, each as short as it can be */
static int64_t settle_ns = SETTLE_NS;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void child_env(void)
{
	char cfg[128];
	snprintf(cfg, sizeof cfg, "%s/.config", scratch);
	setenv("TERM", "xterm-256color", 1);
	setenv("LANG", "C.UTF-8", 1);
	setenv("HOME", scratch, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	static const char *const drop[] = { "LC_ALL",   "LC_CTYPE",  "LC_MESSAGES", "LANGUAGE",
					    "NO_COLOR", "COLUMNS",   "LINES",       "TMUX",
					    "TERMINFO", "COLORTERM", NULL };
	for (int i = 0; drop[i]; i++)
		unsetenv(drop[i]);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

static void term_free(struct term *t)
{
	for (int i = 0; i < MAX_TERMS; i++)
		if (live[i] == t)
			live[i] = NULL;
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
	if (t->trace)
		fclose(t->trace);
	t->trace = NULL;
	free(t->cells);
	t->cells = NULL;
}

/* Run argv (argv[0] looked up in PATH) on a new cols x rows pty; 0, or -1
 * with errno. */
static int term_spawn(struct term *t, const char *label, const char *const *argv)
{
	memset(t, 0, sizeof *t);
	snprintf(t->label, sizeof t->label, "%s", label);
	t->master = -1;
	t->cols = cols;
	t->rows = rows;
	t->cells = calloc((size_t)rows * (size_t)cols, sizeof *t->cells);
	if (!t->cells)
		return -1;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	int slave;
	if (openpty(&t->master, &slave, NULL, NULL, NULL) < 0) {
		free(t->cells);
		t->cells = NULL;
		return -1;
	}
	struct termios tio;
	if (tcgetattr(slave, &tio) == 0) { /* what a UTF-8 terminal emulator sets */
		tio.c_iflag |= IUTF8;
		tcsetattr(slave, TCSANOW, &tio);
	}
	ioctl(slave, TIOCSWINSZ, &ws);
	fflush(NULL);
	t->t_spawn = bench_now();
	t->pid = fork();
	if (t->pid < 0) {
		int e = errno;
		close(slave);
		term_free(t);
		errno = e;
		return -1;
	}
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(t->master);
		if (login_tty(slave) < 0)
			_exit(126);
		child_env();
		execvp(argv[0], (char **)(uintptr_t)argv); /* execvp's old signature */
		dprintf(2, "bench_viewer: cannot run %s: %s\r\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(slave);
	fcntl(t->master, F_SETFD, FD_CLOEXEC);
	fcntl(t->master, F_SETFL, fcntl(t->master, F_GETFL) | O_NONBLOCK);
	t->have_clock = clock_getcpuclockid(t->pid, &t->cpu_clock) == 0;
	for (int i = 0; i < MAX_TERMS; i++)
		if (!live[i]) {
			live[i] = t;
			break;
		}
	if (trace_dir) {
		char path[512], name[40];
		size_t j = 0;
		for (const char *s = label; *s && j + 1 < sizeof name; s++)
			name[j++] = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ? *s : '_';
		name[j] = '\0';
		snprintf(path, sizeof path, "%s/%s.%d.raw", trace_dir, name, (int)t->pid);
		t->trace = fopen(path, "we");
	}
	return 0;
}

/* Is there a frame on the screen: text on at least FRAME_ROWS rows? */
#define FRAME_ROWS 3
static bool has_frame(struct term *t)
{
	int used = 0;
	for (int r = 0; r < t->rows && used < FRAME_ROWS; r++)
		for (int c = 0; c < t->cols; c++) {
			const char *x = cell(t, r, c);
			if (x[0] && x[0] != ' ') {
				used++;
				break;
			}
		}
	return used >= FRAME_ROWS || used >= t->rows;
}

/* The first frame is over when output pauses for QUIET_NS with a frame on
 * the screen. */
static bool frame_over(struct term *t, int64_t now)
{
	return t->bytes > 0 && now - t->t_last >= QUIET_NS && has_frame(t);
}

static void mark_framed(struct term *t, bool capped)
{
	t->framed = true;
	t->frame_capped = capped;
	t->frame_bytes = t->bytes;
	t->frame_ns = (capped ? t->t_spawn + FRAME_CAP_NS : t->t_last) - t->t_spawn;
}

static void feed(struct term *t, const unsigned char *buf, size_t n, int64_t now)
{
	if (!t->framed && frame_over(t, now))
		mark_framed(t, false);
	if (t->counting && now - t->t_last >= BURST_GAP_NS)
		t->bursts++;
	t->now = now;
	t->bytes += n;
	t->t_last = now;
	if (t->trace)
		fwrite(buf, 1, n, t->trace);
	for (size_t i = 0; i < n; i++)
		vt_byte(t, buf[i]);
}

/* Drain the terms' masters until `until` (monotonic ns), until done(t[0])
 * holds, or until a signal; never blocks the programs. */
static void pump(struct term **t, int n, int64_t until, bool (*done)(const struct term *))
{
	unsigned char buf[8192];
	for (;;) {
		int64_t now = bench_now(), wait = until - now;
		struct pollfd p[MAX_TERMS];
		int map[MAX_TERMS], k = 0;
		for (int i = 0; i < n; i++) {
			if (!t[i]->framed) {
				if (frame_over(t[i], now))
					mark_framed(t[i], false);
				else if (now - t[i]->t_spawn >= FRAME_CAP_NS)
					mark_framed(t[i], true);
				else if (wait > 10 * NS_PER_MS)
					wait = 10 * NS_PER_MS;
			}
			if (t[i]->master >= 0 && !t[i]->eof) {
				p[k] = (struct pollfd){ t[i]->master, POLLIN, 0 };
				map[k++] = i;
			}
		}
		if (interrupted || now >= until || (done && n > 0 && done(t[0])))
			return;
		if (k == 0) {
			bench_sleep_ns(wait < 10 * NS_PER_MS ? wait : 10 * NS_PER_MS);
			continue;
		}
		int ms = (int)((wait + NS_PER_MS - 1) / NS_PER_MS);
		if (poll(p, (nfds_t)k, ms) <= 0)
			continue;
		now = bench_now();
		for (int j = 0; j < k; j++) {
			if (!(p[j].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			struct term *x = t[map[j]];
			ssize_t r = read(x->master, buf, sizeof buf);
			if (r > 0)
				feed(x, buf, (size_t)r, now);
			else if (r == 0 || (errno != EINTR && errno != EAGAIN))
				x->eof =
				    true; /* EIO: the program and its children closed the pty */
		}
	}
}

static bool is_framed(const struct term *t)
{
	return t->framed;
}

static bool found(const struct term *t)
{
	return t->found_at != 0 || t->eof;
}

static bool term_exited(struct term *t)
{
	if (!t->reaped && waitpid(t->pid, &t->status, WNOHANG) == t->pid)
		t->reaped = true;
	return t->reaped || t->eof;
}

/* SIGTERM the program's process group, drain until it exits, SIGKILL after
 * STOP_NS; then close the pty. */
static void term_stop(struct term *t)
{
	if (t->pid > 0 && !t->reaped) {
		kill(-t->pid, SIGTERM);
		int64_t deadline = bench_now() + STOP_NS;
		struct term *one[1] = { t };
		while (!term_exited(t) && bench_now() < deadline)
			pump(one, 1, bench_now() + 20 * NS_PER_MS, NULL);
		if (!t->reaped) {
			kill(-t->pid, SIGKILL);
			if (waitpid(t->pid, &t->status, 0) == t->pid)
				t->reaped = true;
		}
	}
	if (t->pid > 0)
		kill(-t->pid, SIGKILL); /* anything left in its group (watch's children) */
	term_free(t);
}

/* ---- what a process costs ---------------------------------------------- */

struct usage {
	int64_t t;
	uint64_t bytes, bursts;
	double cpu_s;  /* utime+stime to the ns, plus reaped children (stat) */
	double stat_s; /* utime+stime+cutime+cstime from /proc/PID/stat */
};

/* VmHWM of pid in kB; -1 if unknown. */
static long peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int usage_take(struct term *t, struct usage *u)
{
	double self, kids;
	u->t = bench_now();
	u->bytes = t->bytes;
	u->bursts = t->bursts;
	if (bench_stat_cpu(t->pid, &self, &kids) < 0)
		return -1;
	u->stat_s = self + kids;
	u->cpu_s = self + kids;
	struct timespec ts;
	if (t->have_clock && clock_gettime(t->cpu_clock, &ts) == 0)
		u->cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + kids;
	return 0;
}

struct rowcost {
	int row;
	double bps;
	char text[400];
};

struct result {
	char label[40];
	bool ran;       /* measured over the whole window */
	char note[200]; /* why not, or a remark */
	double bps, ups, cpu_pct, stat_pct, window_s;
	double text_share; /* of the steady bytes, printable text (not escapes) */
	long rss_kb;
	uint64_t startup_bytes;
	double frame_ms;
	bool frame_capped;
	unsigned queries;
	struct rowcost top[6]; /* the rows that took the most steady bytes */
	int ntop;
};

static int cmp_rowcost(const void *a, const void *b)
{
	double x = ((const struct rowcost *)a)->bps, y = ((const struct rowcost *)b)->bps;
	return (x < y) - (x > y);
}

/* The first lines a program left on its screen, for a note. */
static void screen_note(struct term *t, char *note, size_t len, const char *prefix)
{
	char line[400];
	size_t n = (size_t)snprintf(note, len, "%s", prefix);
	for (int r = 0; r < t->rows && n + 4 < len; r++) {
		if (!*row_text(t, r, 100, line, sizeof line))
			continue;
		n += (size_t)snprintf(note + n, len - n, " | %s", line);
		if (n >= len)
			break;
	}
}

static void term_result(struct term *t, const struct usage *u0, const struct usage *u1,
			struct result *r)
{
	double dt = (double)(u1->t - u0->t) / 1e9;
	r->window_s = dt;
	r->bps = (double)(u1->bytes - u0->bytes) / dt;
	r->ups = (double)(u1->bursts - u0->bursts) / dt;
	r->text_share =
	    u1->bytes > u0->bytes ? (double)t->text_bytes / (double)(u1->bytes - u0->bytes) : 0;
	r->cpu_pct = 100 * (u1->cpu_s - u0->cpu_s) / dt;
	r->stat_pct = 100 * (u1->stat_s - u0->stat_s) / dt;
	r->startup_bytes = t->frame_bytes;
	r->frame_ms = (double)t->frame_ns / 1e6;
	r->frame_capped = t->frame_capped;
	r->queries = t->queries;
	struct rowcost all[MAX_ROWS];
	for (int i = 0; i < t->rows; i++) {
		all[i].row = i;
		all[i].bps = (double)t->row_bytes[i] / dt;
		row_text(t, i, 72, all[i].text, sizeof all[i].text);
	}
	qsort(all, (size_t)t->rows, sizeof all[0], cmp_rowcost);
	r->ntop = 0;
	for (int i = 0; i < 6 && i < t->rows && all[i].bps > 0; i++)
		r->top[r->ntop++] = all[i];
}

static bool all_framed(struct term *const *t, int n)
{
	for (int i = 0; i < n; i++)
		if (!t[i]->framed)
			return false;
	return true;
}

/* Start n programs at once, wait for their first frames, then measure them
 * over the same window_ns, side by side: whatever the host does in those
 * seconds, each of them sees it.  0, or -1 (with r[i].note) if one could not
 * start or did not last. */
static int measure_set(int n, const char *const *label, const char *const *const *argv,
		       int64_t window_ns, struct result *r)
{
	struct term t[MAX_TERMS / 2], *all[MAX_TERMS / 2];
	struct usage u0[MAX_TERMS / 2], u1[MAX_TERMS / 2];
	int started = 0, rc = 0;
	for (int i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof r[i]);
		snprintf(r[i].label, sizeof r[i].label, "%s", label[i]);
	}
	for (; started < n; started++) {
		if (term_spawn(&t[started], label[started], argv[started]) < 0) {
			snprintf(r[started].note, sizeof r[started].note, "cannot start: %s",
				 strerror(errno));
			rc = -1;
			goto out;
		}
		all[started] = &t[started];
	}
	while (!interrupted && !all_framed(all, n))
		pump(all, n, bench_now() + 10 * NS_PER_MS, NULL);
	pump(all, n, bench_now() + settle_ns, NULL);
	int64_t from = bench_now(); /* u0[0].t, which the compiler cannot see set */
	for (int i = 0; i < n; i++) {
		if (interrupted || term_exited(&t[i]) || t[i].bytes == 0 ||
		    usage_take(&t[i], &u0[i]) < 0) {
			screen_note(&t[i], r[i].note, sizeof r[i].note,
				    interrupted       ? "interrupted"
				    : t[i].bytes == 0 ? "no output"
						      : "exited during start-up:");
			rc = -1;
			goto out;
		}
		t[i].counting = true;
		t[i].t_last = u0[i].t - BURST_GAP_NS; /* the window's first update starts a burst */
		if (i == 0)
			from = u0[i].t;
	}
	pump(all, n, from + window_ns, NULL);
	for (int i = 0; i < n; i++) {
		long rss = peak_rss_kb(t[i].pid);
		if (interrupted || term_exited(&t[i]) || usage_take(&t[i], &u1[i]) < 0) {
			screen_note(&t[i], r[i].note, sizeof r[i].note,
				    interrupted ? "interrupted" : "exited during the window:");
			rc = -1;
			continue;
		}
		term_result(&t[i], &u0[i], &u1[i], &r[i]);
		r[i].rss_kb = rss;
		r[i].ran = true;
	}
out:
	for (int i = 0; i < started; i++)
		term_stop(&t[i]);
	return rc;
}

/* Start argv, wait for its first frame, then measure it over window_ns. */
static int measure(const char *label, const char *const *argv, int64_t window_ns, struct result *r)
{
	return measure_set(1, &label, &argv, window_ns, r);
}

/* ---- the set-ups --------------------------------------------------------- */

static key_t viewer_key(unsigned slot)
{
	return bench_key(16 + slot);
}

/* Give key a history like that of a writer that has run for minutes: a fast
 * writer fills the ring past the widest graph, then exits and leaves the
 * segment to the next writer, which takes it over (count and history go on).
 * 0, or -1 with a message on stderr. */
static int prefill(key_t key)
{
	char k[16], line[256];
	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	test_remove_key(key);
	const char *args[] = { "-k", k, "-i", "0.004", NULL }; /* 250 samples/s */
	struct child c = spawn_writer(args);
	if (c.pid < 0 || read_line(c.out, line, sizeof line, 5000) == 0) {
		read_line(c.err, line, sizeof line, 100);
		fprintf(stderr, "shmwriter did not start: %s\n", line);
		if (c.pid > 0)
			wait_exit(c.pid, 100);
		return -1;
	}
	bench_sleep_ns(NS_PER_SEC);
	kill(c.pid, SIGTERM);
	int st = wait_exit(c.pid, 5000);
	close(c.out);
	close(c.err);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* bench_writer_run() taking over the segment already on key; says so. */
static int writer_takeover(struct bench_writer *w, key_t key, const char *interval)
{
	char line[256];
	if (bench_writer_run(w, key, interval, line, sizeof line) < 0)
		return -1;
	printf("writer: %s\n        its history pre-filled with %llu samples at 250/s\n\n", line,
	       (unsigned long long)atomic_load(&w->rec->hist_next));
	return 0;
}

/* n children that attach shmid read-only and sleep until the pipe closes. */
static int helpers_start(int shmid, int n, const struct bench_writer *w, int *release_fd)
{
	int go[2], ready[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(ready, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	for (int i = 0; i < n && nhelpers < MAX_HELPERS; i++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			close(go[1]);
			close(ready[0]);
			shmdt(w->rec); /* what fork inherited: attach once, read-only */
			shmdt(w->ctl);
			char c = shmat(shmid, NULL, SHM_RDONLY) == (void *)-1 ? 'x' : 'k';
			if (write(ready[1], &c, 1) != 1)
				_exit(1);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		helpers[nhelpers++] = pid;
	}
	close(go[0]);
	close(ready[1]);
	int ok = 0;
	char c;
	for (int i = 0; i < nhelpers; i++) {
		struct pollfd p = { ready[0], POLLIN, 0 };
		if (poll(&p, 1, 5000) <= 0 || read(ready[0], &c, 1) != 1)
			break;
		ok += c == 'k';
	}
	close(ready[0]);
	*release_fd = go[1];
	return ok;
}

static void helpers_stop(int release_fd)
{
	if (release_fd >= 0)
		close(release_fd);
	for (int i = 0; i < nhelpers; i++)
		if (wait_exit(helpers[i], 2000) < 0)
			fprintf(stderr, "helper %d had to be killed\n", (int)helpers[i]);
	nhelpers = 0;
}

static int segments_make(int n)
{
	while (nsegments < n && nsegments < MAX_SEGMENTS) {
		int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		if (id < 0)
			break;
		segments[nsegments++] = id;
	}
	return nsegments;
}

static void segments_remove(void)
{
	while (nsegments > 0)
		shmctl(segments[--nsegments], IPC_RMID, NULL);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static struct bench_writer *writers[2];

static void cleanup(void)
{
	for (int i = 0; i < MAX_TERMS; i++)
		if (live[i]) {
			kill(-live[i]->pid, SIGKILL);
			waitpid(live[i]->pid, NULL, 0);
			term_free(live[i]);
		}
	for (int i = 0; i < nhelpers; i++) {
		kill(helpers[i], SIGKILL);
		waitpid(helpers[i], NULL, 0);
	}
	nhelpers = 0;
	segments_remove();
	for (int i = 0; i < 2; i++)
		if (writers[i]) {
			bench_writer_stop(writers[i]);
			writers[i] = NULL;
		}
	if (scratch[0])
		nftw(scratch, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	scratch[0] = '\0';
}

/* ---- printing ---------------------------------------------------------- */

static const char *mb(long kb, char buf[16])
{
	if (kb < 0)
		snprintf(buf, 16, "%8s", "?");
	else
		snprintf(buf, 16, "%5.1f MB", (double)kb / 1024);
	return buf;
}

static void print_head(void)
{
	printf("  %-20s %9s %8s %7s %9s %8s %10s %12s\n", "program", "bytes/s", "updates/s",
	       "CPU %", "(stat %)", "peak RSS", "start-up B", "first frame");
}

static void print_row(const struct result *r)
{
	char a[16], b[16];
	if (!r->ran) {
		printf("  %-20s skipped: %s\n", r->label, r->note);
		return;
	}
	printf("  %-20s %9.0f %8.2f %7.3f %9.2f %8s %10s %9.0f ms%s\n", r->label, r->bps, r->ups,
	       r->cpu_pct, r->stat_pct, mb(r->rss_kb, a), bench_si((double)r->startup_bytes, b),
	       r->frame_ms, r->frame_capped ? "+" : "");
}

static void print_rows(const struct result *r)
{
	if (!r->ran)
		return;
	printf("  where %s's steady bytes go: %.1f bytes per update, %.0f %% of them text,\n"
	       "  the rest escape sequences; by screen row (bytes/s, and what the row shows):\n",
	       r->label, r->ups > 0 ? r->bps / r->ups : 0.0, 100 * r->text_share);
	for (int i = 0; i < r->ntop; i++)
		printf("    row %2d %7.1f  |%s\n", r->top[i].row + 1, r->top[i].bps,
		       r->top[i].text);
}

static const struct result *find(const struct result *res, int n, const char *label)
{
	for (int i = 0; i < n; i++)
		if (strcmp(res[i].label, label) == 0 && res[i].ran)
			return &res[i];
	return NULL;
}

static void target(const char *what, const struct result *a, double av, const struct result *b,
		   double bv, double limit, const char *unit)
{
	if (!a || !b) {
		printf("  %-34s cannot compare: %s not measured\n", what, !a ? "shmtop" : "htop");
		return;
	}
	double ratio = bv > 0 ? av / bv : av > 0 ? 1e9 : 0;
	printf("  %-34s %9.3f %-6s vs %9.3f = %6.1f %%  (target <= %3.0f %%)  %s\n", what, av, unit,
	       bv, 100 * ratio, 100 * limit, ratio <= limit ? "met" : "NOT MET");
}

/* Order pairs {htop, shmtop} by shmtop's share of htop's bytes, or CPU. */
static int cmp_bytes_ratio(const void *a, const void *b)
{
	const struct result *x = *(const struct result *const *)a,
			    *y = *(const struct result *const *)b;
	double rx = x[1].bps / x[0].bps, ry = y[1].bps / y[0].bps;
	return (rx > ry) - (rx < ry);
}

static int cmp_cpu_ratio(const void *a, const void *b)
{
	const struct result *x = *(const struct result *const *)a,
			    *y = *(const struct result *const *)b;
	double rx = x[1].cpu_pct / x[0].cpu_pct, ry = y[1].cpu_pct / y[0].cpu_pct;
	return (rx > ry) - (rx < ry);
}

static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
}

/* One horizontal bar chart panel at y; returns the y after it. */
static int svg_panel(FILE *f, int y, const char *title, const struct result *res, int n, bool cpu,
		     double target_v, const char *target_label)
{
	const int left = 190, width = 470, bar = 18, gap = 8;
	double max = target_v;
	int ran = 0;
	for (int i = 0; i < n; i++)
		if (res[i].ran) {
			ran++;
			if ((cpu ? res[i].cpu_pct : res[i].bps) > max)
				max = cpu ? res[i].cpu_pct : res[i].bps;
		}
	if (max <= 0)
		max = 1;
	fprintf(f, "<text x=\"20\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">", y + 16);
	xml(f, title);
	fprintf(f, "</text>\n");
	y += 30;
	int bottom = y + ran * (bar + gap) - gap;
	if (target_v > 0) { /* under the bars and their figures */
		double x = left + (double)width * target_v / max;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" "
			"stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n",
			x, y - 4, x, bottom + 6);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#d62728\" font-size=\"11\">", x + 4,
			bottom + 16);
		xml(f, target_label);
		fprintf(f, "</text>\n");
	}
	for (int k = 0; k < 2 * n; k++) { /* shmtop's bars first, then the peers' */
		int i = k % n;
		bool ours = strncmp(res[i].label, "shmtop", 6) == 0;
		if (!res[i].ran || (k < n) != ours)
			continue;
		double v = cpu ? res[i].cpu_pct : res[i].bps;
		double w = (double)width * v / max;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 8, y + 13);
		xml(f, res[i].label);
		fprintf(f, "</text>\n");
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
			left, y, w < 1 ? 1.0 : w, bar, ours ? "#1f77b4" : "#a0a0a0");
		fprintf(f,
			"<text x=\"%.1f\" y=\"%d\" stroke=\"#ffffff\" stroke-width=\"3\" "
			"paint-order=\"stroke\">",
			left + w + 6, y + 13);
		if (cpu)
			fprintf(f, "%.2f %%</text>\n", v);
		else
			fprintf(f, "%.0f B/s</text>\n", v);
		y += bar + gap;
	}
	return bottom + 44;
}

static int svg_write(const char *path, const struct result *res, int n, double secs)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	int ran = 0;
	for (int i = 0; i < n; i++)
		ran += res[i].ran;
	const struct result *h = find(res, n, "htop -d 10");
	int height = 40 + 2 * (66 + ran * 26) + 4; /* as svg_panel() lays it out */
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"%d\" "
		"viewBox=\"0 0 800 %d\" font-family=\"Helvetica, Arial, sans-serif\" "
		"font-size=\"13\">\n",
		height, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(f,
		"<text x=\"20\" y=\"26\" font-size=\"13\" fill=\"#444\">%dx%d, %.0f s per program, "
		"one run of tests/bench/bench_viewer, shmwriter at 1 Hz. Blue: shmtop.</text>\n",
		cols, rows, secs);
	int y = 40;
	y = svg_panel(f, y, "Bytes per second sent to the terminal", res, n, false,
		      h ? 0.25 * h->bps : 0, "target: 25 % of htop -d 10");
	y = svg_panel(f, y, "CPU, % of one core", res, n, true, h ? 0.5 * h->cpu_pct : 0,
		      "target: 50 % of htop -d 10");
	fprintf(f, "</svg>\n");
	(void)y;
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		remove(tmp);
		return -1;
	}
	return 0;
}

/* ---- the parts of the run ---------------------------------------------- */

static double pct(const int64_t *sorted, int n, double p)
{
	int i = (int)(p * (double)(n - 1) + 0.5);
	return (double)sorted[i] / 1e6;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static uint32_t writer_state(const struct bench_writer *w)
{
	struct shmtop_snapshot s;
	char why[160];
	return record_read(w->rec, sizeof *w->rec, &s, why, sizeof why) == SHMTOP_READ_OK ? s.state
											  : 0;
}

/* Press p KEY_PRESSES times (SMOKE_KEY_PRESSES with --smoke); 0, or -1 if shmtop died or a press
 * never reached the writer. */
static int key_latency(const struct bench_writer *w, const char *key)
{
	const char *argv[] = { SHMTOP_PATH, "-k", key, NULL };
	struct term t;
	int64_t ns[KEY_PRESSES];
	int got = 0, unseen = 0, unapplied = 0;
	if (term_spawn(&t, "shmtop", argv) < 0) {
		printf("  cannot start shmtop: %s\n", strerror(errno));
		return -1;
	}
	struct term *one[1] = { &t };
	pump(one, 1, t.t_spawn + FRAME_CAP_NS + NS_PER_MS, is_framed);
	pump(one, 1, bench_now() + settle_ns, NULL);
	int presses = smoke ? SMOKE_KEY_PRESSES : KEY_PRESSES;
	for (int i = 0; i < presses && !interrupted && !term_exited(&t); i++) {
		bool pause = i % 2 == 0;
		t.want = pause ? "PAUSED" : "RUNNING";
		t.found_at = 0;
		int64_t t0 = bench_now();
		if (write(t.master, "p", 1) != 1)
			break;
		pump(one, 1, t0 + KEY_TIMEOUT_NS, found);
		if (t.found_at)
			ns[got++] = t.found_at - t0;
		else
			unseen++;
		if (writer_state(w) != (pause ? SHMTOP_STATE_PAUSED : SHMTOP_STATE_RUNNING))
			unapplied++;
		/* between presses, 150-400 ms, so presses fall at every phase of a tick */
		pump(one, 1, bench_now() + (150 + (i * 53) % 250) * NS_PER_MS, NULL);
	}
	bool died = term_exited(&t);
	t.want = NULL;
	term_stop(&t);
	if (got > 0) {
		qsort(ns, (size_t)got, sizeof ns[0], cmp_i64);
		printf("  %d presses of p (pause, resume, ...): key to PAUSED/RUNNING on the "
		       "stream p50 %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms\n",
		       got, pct(ns, got, 0.5), pct(ns, got, 0.99), (double)ns[0] / 1e6,
		       (double)ns[got - 1] / 1e6);
	}
	if (unseen)
		printf("  %d presses: the word never appeared within %lld s (has the screen's "
		       "wording changed?)\n",
		       unseen, (long long)(KEY_TIMEOUT_NS / NS_PER_SEC));
	if (unapplied)
		printf("  BROKEN: %d presses did not change the writer's state\n", unapplied);
	if (died)
		printf("  BROKEN: shmtop exited during the key presses\n");
	if (writer_state(w) != SHMTOP_STATE_RUNNING)
		printf("  note: the writer was left paused\n");
	return died || unapplied ? -1 : 0;
}

/* The flat-out writer's updates/s with nview shmtop viewers on it. */
static int writer_rate(const struct bench_writer *w, const char *key, int nview, int64_t window,
		       double *rate, double *view_cpu, double *view_bps)
{
	const char *argv[] = { SHMTOP_PATH, "-k", key, NULL };
	struct term t[4], *tv[4];
	struct shmtop_snapshot s0, s1;
	char why[160], label[24];
	int rc = 0, n = 0;
	for (; n < nview; n++) {
		snprintf(label, sizeof label, "shmtop %d", n + 1);
		if (term_spawn(&t[n], label, argv) < 0) {
			rc = -1;
			break;
		}
		tv[n] = &t[n];
	}
	int64_t cap = bench_now() + FRAME_CAP_NS + NS_PER_MS;
	for (int i = 0; i < n; i++) /* each one's first frame */
		while (!t[i].framed && !interrupted && bench_now() < cap)
			pump(tv, n, bench_now() + 10 * NS_PER_MS, NULL);
	pump(tv, n, bench_now() + settle_ns, NULL);
	struct usage u0[4], u1[4];
	for (int i = 0; i < n; i++)
		if (usage_take(&t[i], &u0[i]) < 0)
			rc = -1;
	int64_t t0 = bench_now();
	if (record_read(w->rec, sizeof *w->rec, &s0, why, sizeof why) != SHMTOP_READ_OK)
		rc = -1;
	pump(tv, n, t0 + window, NULL);
	if (record_read(w->rec, sizeof *w->rec, &s1, why, sizeof why) != SHMTOP_READ_OK)
		rc = -1;
	int64_t t1 = bench_now();
	*view_cpu = *view_bps = 0;
	for (int i = 0; i < n; i++) {
		if (term_exited(&t[i]) || usage_take(&t[i], &u1[i]) < 0) {
			rc = -1;
			continue;
		}
		double dt = (double)(u1[i].t - u0[i].t) / 1e9;
		*view_cpu += 100 * (u1[i].cpu_s - u0[i].cpu_s) / dt / nview;
		*view_bps += (double)(u1[i].bytes - u0[i].bytes) / dt / nview;
	}
	for (int i = 0; i < n; i++)
		term_stop(&t[i]);
	*rate = rc == 0 ? (double)(s1.count - s0.count) / ((double)(t1 - t0) / 1e9) : 0;
	return rc;
}

/* The harness alone: the programs in command (separated by --and) on
 * screen at once, measured over the same window, nrounds times; where the
 * steady bytes went, from the last round.  0, or 1 if one did not run. */
static int harness(char **command, int64_t window, int nrounds)
{
	enum { MAX_PROGS = MAX_TERMS / 2 };
	char labels[MAX_PROGS][40];
	const char *label[MAX_PROGS];
	const char *const *progs[MAX_PROGS];
	int n = 0;
	bool start = true; /* the next word starts a program */
	for (char **a = command; *a; a++) {
		if (strcmp(*a, "--and") == 0) {
			if (start)
				break; /* an empty program */
			*a = NULL;     /* ends the previous program's argv */
			start = true;
			continue;
		}
		if (start) {
			if (n == MAX_PROGS)
				break;
			labels[n][0] = '\0';
			label[n] = labels[n];
			progs[n++] = (const char *const *)a;
			start = false;
		}
		size_t len = strlen(labels[n - 1]);
		snprintf(labels[n - 1] + len, sizeof labels[n - 1] - len, "%s%s", len ? " " : "",
			 *a);
	}
	if (start) {
		fprintf(stderr, "bench_viewer: 1 to %d programs, each after -- or --and\n",
			MAX_PROGS);
		return 2;
	}
	static struct result r[MAX_PROGS];
	int rc = 0;
	for (int round = 0; round < nrounds && !interrupted; round++) {
		if (n == 1 && nrounds == 1)
			printf("%s at %dx%d for %.0f s\n", label[0], cols, rows,
			       (double)window / 1e9);
		else
			printf("round %d of %d: %d program%s on screen at once at %dx%d for "
			       "%.0f s\n",
			       round + 1, nrounds, n, n > 1 ? "s" : "", cols, rows,
			       (double)window / 1e9);
		print_head();
		if (measure_set(n, label, progs, window, r) < 0)
			rc = 1;
		for (int i = 0; i < n; i++)
			print_row(&r[i]);
		fflush(stdout);
	}
	for (int i = 0; i < n; i++) {
		if (r[i].ran && r[i].queries)
			printf("  (%s: %u terminal queries answered)\n", r[i].label, r[i].queries);
		print_rows(&r[i]);
	}
	return interrupted ? 1 : rc;
}

static void usage_text(void)
{
	printf("Usage: bench_viewer [--duration SECONDS] [--quick] [--smoke] [--svg PATH]\n"
	       "                    [--trace DIR]\n"
	       "       bench_viewer [--duration SECONDS] [--rounds N] [--trace DIR]\n"
	       "                    -- COMMAND [ARG]... [--and COMMAND [ARG]...]...\n"
	       "  (the second form measures just COMMAND, any full-screen program, or up to\n"
	       "  %d of them on screen at once over the same seconds, N rounds)\n"
	       "  --duration S  measure each program for S seconds (default 20)\n"
	       "  --quick       5 s per program, to try things out\n"
	       "  --smoke       every step once, each 1 s, 1 round, 4 key presses (bench_smoke)\n"
	       "  --svg PATH    where to write the chart (default %s)\n"
	       "  --trace DIR   also save every program's output stream in DIR\n",
	       MAX_TERMS / 2, BENCH_SVG_PATH);
}

int main(int argc, char **argv)
{
	double secs = 20;
	int nrounds = 1;
	const char *svg = BENCH_SVG_PATH;
	char **command = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			command = argv + i + 1;
			break;
		} else if (strcmp(argv[i], "--quick") == 0) {
			secs = 5;
		} else if (strcmp(argv[i], "--smoke") == 0) {
			smoke = true;
		} else if (strcmp(argv[i], "--duration") == 0 && i + 1 < argc) {
			secs = atof(argv[++i]);
			if (!(secs >= 1 && secs <= 3600)) {
				fprintf(stderr,
					"bench_viewer: --duration takes 1 to 3600 seconds\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			nrounds = atoi(argv[++i]);
			if (nrounds < 1 || nrounds > 100) {
				fprintf(stderr, "bench_viewer: --rounds takes 1 to 100\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
			svg = argv[++i];
		} else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
			trace_dir = argv[++i];
		} else {
			usage_text();
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (smoke) {
		secs = 1;
		settle_ns = SMOKE_SETTLE_NS;
	}
	int64_t window = (int64_t)(secs * 1e9);
	int broken = 0;

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	snprintf(scratch, sizeof scratch, "/tmp/bench_viewer.XXXXXX");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);

	if (command) /* the harness alone, on any programs */
		return harness(command, window, nrounds);

	bench_header("bench_viewer: the cost of watching, shmtop side by side with its peers");
	static struct bench_writer w1, w0;
	char key[16], key0[16];
	snprintf(key, sizeof key, "0x%08x", (unsigned)viewer_key(1));
	snprintf(key0, sizeof key0, "0x%08x", (unsigned)viewer_key(2));
	w1.key = viewer_key(1); /* for cleanup(), whatever fails next */
	writers[0] = &w1;
	if (prefill(viewer_key(1)) < 0 || writer_takeover(&w1, viewer_key(1), "1") < 0)
		return 1;

	/* 1. Side by side. */
	struct prog {
		const char *label;
		const char *argv[8];
	} progs[] = {
		/* the peers first: by shmtop's turn, the rate it shows is steady */
		{ "htop -d 10", { "htop", "-d", "10", NULL } },
		{ "htop -d 1", { "htop", "-d", "1", NULL } },
		{ "top -d 1", { "top", "-d", "1", NULL } },
		{ "watch -n 1 ipcs -m", { "watch", "-n", "1", "ipcs", "-m", NULL } },
		{ "btop", { "btop", NULL } },
		{ "shmtop", { SHMTOP_PATH, "-k", key, NULL } },
		{ "shmtop -d 1", { SHMTOP_PATH, "-k", key, "-d", "1", NULL } },
	};
	enum { NPROGS = sizeof progs / sizeof progs[0], NPROGS_SHMTOP = NPROGS - 2 };
	const char *const *shmtop_argv = progs[NPROGS_SHMTOP].argv;
	struct result res[NPROGS];
	printf("1. Side by side at %dx%d, %.0f s each, shmwriter at 1 Hz on key %s\n", cols, rows,
	       secs, key);
	printf(
	    "   updates/s: bursts of output 20 ms or more apart.  CPU: utime+stime read to the\n"
	    "   ns, and (stat %%) as /proc/PID/stat's 10 ms ticks; both include reaped children.\n"
	    "   First frame: until 50 ms without output, text on 3 rows (+: none within 3 s).\n");
	print_head();
	for (int i = 0; i < NPROGS && !interrupted; i++) {
		bool ours = strncmp(progs[i].label, "shmtop", 6) == 0;
		if (!ours && !bench_in_path(progs[i].argv[0])) {
			memset(&res[i], 0, sizeof res[i]);
			snprintf(res[i].label, sizeof res[i].label, "%s", progs[i].label);
			snprintf(res[i].note, sizeof res[i].note, "not installed");
		} else if (measure(progs[i].label, progs[i].argv, window, &res[i]) < 0 && ours) {
			broken = 1;
		}
		print_row(&res[i]);
		fflush(stdout);
	}
	for (int i = 0; i < NPROGS; i++)
		if (res[i].ran && res[i].queries)
			printf("  (%s: %u terminal queries answered)\n", res[i].label,
			       res[i].queries);
	printf("\n");
	print_rows(&res[NPROGS_SHMTOP]);
	print_rows(&res[NPROGS_SHMTOP + 1]);

	const struct result *s = find(res, NPROGS, "shmtop"),
			    *s1 = find(res, NPROGS, "shmtop -d 1");
	const struct result *h10 = find(res, NPROGS, "htop -d 10"),
			    *h1 = find(res, NPROGS, "htop -d 1");
	/* htop's bytes and CPU follow what the host's processes do in those
	 * very seconds (its list re-sorts, its CPU columns change), so the
	 * ratios are taken with both programs on screen at once, in rounds,
	 * and the median round is the figure. */
	enum { ROUNDS = 3 };
	static struct result pair[ROUNDS][2];
	const struct result *by_bytes[ROUNDS], *by_cpu[ROUNDS];
	int rounds = 0, nrounds_pair = smoke ? 1 : ROUNDS;
	int64_t pair_window = smoke                         ? window
			      : window / 2 > 2 * NS_PER_SEC ? window / 2
							    : 2 * NS_PER_SEC;
	if (!interrupted && h10) {
		const char *const pair_label[2] = { "htop -d 10", "shmtop" };
		const char *const *const pair_argv[2] = { progs[0].argv, shmtop_argv };
		printf("\n  htop -d 10 and shmtop on screen at once, %d round%s of %.0f s:\n",
		       nrounds_pair, nrounds_pair > 1 ? "s" : "", (double)pair_window / 1e9);
		print_head();
		for (int i = 0; i < nrounds_pair && !interrupted; i++) {
			if (measure_set(2, pair_label, pair_argv, pair_window, pair[i]) < 0)
				broken |= !pair[i][1].ran;
			print_row(&pair[i][0]);
			print_row(&pair[i][1]);
			if (!pair[i][0].ran || !pair[i][1].ran || pair[i][0].bps <= 0 ||
			    pair[i][0].cpu_pct <= 0)
				continue;
			printf("  %-20s %8.1f%% %17.1f%%\n", "  shmtop / htop",
			       100 * pair[i][1].bps / pair[i][0].bps,
			       100 * pair[i][1].cpu_pct / pair[i][0].cpu_pct);
			by_bytes[rounds] = by_cpu[rounds] = pair[i];
			rounds++;
		}
		qsort(by_bytes, (size_t)rounds, sizeof by_bytes[0], cmp_bytes_ratio);
		qsort(by_cpu, (size_t)rounds, sizeof by_cpu[0], cmp_cpu_ratio);
	}

	printf("\n  issue 6 targets, against htop in this run:\n");
	if (rounds > 0) {
		const struct result *b = by_bytes[rounds / 2], *c = by_cpu[rounds / 2];
		target("steady bytes/s, median round", &b[1], b[1].bps, &b[0], b[0].bps, 0.25,
		       "B/s");
		target("steady CPU, median round", &c[1], c[1].cpu_pct, &c[0], c[0].cpu_pct, 0.5,
		       "%");
	} else {
		target("steady bytes/s vs htop -d 10", s, s ? s->bps : 0, h10, h10 ? h10->bps : 0,
		       0.25, "B/s");
		target("steady CPU vs htop -d 10", s, s ? s->cpu_pct : 0, h10,
		       h10 ? h10->cpu_pct : 0, 0.5, "%");
	}
	target("peak RSS vs htop -d 10", s, s ? (double)s->rss_kb / 1024 : 0, h10,
	       h10 ? (double)h10->rss_kb / 1024 : 0, 1.0, "MB");
	target("CPU at -d 1 vs htop -d 1", s1, s1 ? s1->cpu_pct : 0, h1, h1 ? h1->cpu_pct : 0, 0.25,
	       "%");
	fflush(stdout);

	/* 2. Key press to screen. */
	if (!interrupted) {
		printf("\n2. Key press to screen change, shmtop at its default delay\n");
		if (key_latency(&w1, key) < 0)
			broken = 1;
		fflush(stdout);
	}

	/* 3. How the cost grows. */
	int64_t grow_window = smoke                         ? window
			      : window / 2 > 2 * NS_PER_SEC ? window / 2
							    : 2 * NS_PER_SEC;
	int shmid = shmget(viewer_key(1), 0, 0);
	if (!interrupted) {
		printf("\n3. How shmtop's cost grows (%.0f s each)\n", (double)grow_window / 1e9);
		print_head();
	}
	static const int attach_n[] = { 1, 10, 100 };
	for (int i = 0; i < 3 && !interrupted; i++) {
		int release = -1, ok = helpers_start(shmid, attach_n[i], &w1, &release);
		struct result r;
		char label[40];
		snprintf(label, sizeof label, "%d attached", attach_n[i]);
		if (ok != attach_n[i])
			printf("  (only %d of %d helpers attached)\n", ok, attach_n[i]);
		if (measure(label, shmtop_argv, grow_window, &r) < 0)
			broken = 1;
		print_row(&r);
		helpers_stop(release);
		fflush(stdout);
	}
	/* Other segments on the host: in the single-segment view (they should
	 * cost nothing) and in the object list (-a), which reads
	 * /proc/sysvipc/shm once per tick and shows a screenful of them. */
	static const int seg_n[] = { 10, 1000 };
	const char *const list_argv[] = { SHMTOP_PATH, "-a", NULL };
	for (int i = 0; i < 2 && !interrupted; i++) {
		int made = segments_make(seg_n[i]);
		for (int view = 0; view < 2 && !interrupted; view++) {
			struct result r;
			char label[40];
			snprintf(label, sizeof label, "%d segments%s", made, view ? ", -a" : "");
			if (measure(label, view ? list_argv : shmtop_argv, grow_window, &r) < 0)
				broken = 1;
			print_row(&r);
			fflush(stdout);
		}
		segments_remove();
	}

	/* 4. The writer flat out, watched. */
	if (!interrupted) {
		int64_t ww = smoke                         ? window
			     : window / 6 > 2 * NS_PER_SEC ? 3 * NS_PER_SEC
							   : 2 * NS_PER_SEC;
		printf("\n4. shmwriter -i 0 (key %s): updates/s with shmtop viewers on it (%.0f s "
		       "each)\n",
		       key0, (double)ww / 1e9);
		writers[1] = &w0;
		if (bench_writer_start(&w0, viewer_key(2), "0") < 0) {
			broken = 1;
		} else {
			printf("  %-10s %14s %22s %24s\n", "viewers", "updates/s",
			       "CPU % per viewer", "bytes/s per viewer");
			static const int views[] = { 0, 1, 4 };
			for (int i = 0; i < 3 && !interrupted; i++) {
				double rate, vc, vb;
				char b[16];
				if (writer_rate(&w0, key0, views[i], ww, &rate, &vc, &vb) < 0)
					broken = 1;
				if (views[i])
					printf("  %-10d %14s %22.2f %24.0f\n", views[i],
					       bench_si(rate, b), vc, vb);
				else
					printf("  %-10d %14s %22s %24s\n", views[i],
					       bench_si(rate, b), "-", "-");
				fflush(stdout);
			}
			if (bench_writer_stop(&w0) < 0)
				printf("  note: the flat-out writer did not exit cleanly\n");
		}
		writers[1] = NULL;
	}

	if (!interrupted) {
		if (svg_write(svg, res, NPROGS, secs) == 0)
			printf("\nChart: %s\n", svg);
		else
			printf("\nChart: cannot write %s: %s\n", svg, strerror(errno));
	}
	if (bench_writer_stop(&w1) < 0)
		printf("note: the 1 Hz writer did not exit cleanly\n");
	writers[0] = NULL;
	if (interrupted) {
		printf("interrupted\n");
		return 1;
	}
	if (broken)
		printf(
		    "\nFAILED: something above did not work (see BROKEN / skipped shmtop rows)\n");
	return broken;
}
