/* SPDX-License-Identifier: MIT */
/*
 * The view model: everything the dashboard shows, as text, computed from
 * what the object holds (content.h, whatever format wrote it), an IPC_STAT
 * copy and the view's settings.  The curses code and batch output only print it.  It is a
 * plain value of fixed size: building it allocates nothing.
 */
#ifndef SHMTOP_MODEL_H
#define SHMTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attached.h"
#include "clock.h"
#include "content.h"
#include "countertable.h"
#include "graph.h"
#include "ipcobj.h"
#include "ipcstat.h"
#include "objlist.h"
#include "record.h"
#include "spark.h"

/* A live writer whose heartbeat is older than this, beyond the gap its
 * status allows (beat_gap_ns: a version 3 publisher beats once a period,
 * a text counter changes once a period), is shown as stalled. */
#define MODEL_STALL_NS (2 * NS_PER_SEC)

static inline int64_t model_stall_ns(const struct content_status *s)
{
	return MODEL_STALL_NS + s->beat_gap_ns;
}

enum model_state {
	MODEL_WAITING,  /* no segment on the key */
	MODEL_REMOVED,  /* the segment watched was removed; waiting for a new one */
	MODEL_DENIED,   /* a segment is there, but this user may not read it */
	MODEL_FOREIGN,  /* the segment on the key is not a shmwriter record */
	MODEL_STARTING, /* the record is still being made */
	MODEL_DAMAGED,  /* a shmwriter header, but the payload fails validation; see why */
	MODEL_ERROR,    /* any other failure; see why */
	MODEL_LIVE,     /* a validated snapshot */
};

enum model_health {
	HEALTH_NONE, /* no writer known */
	HEALTH_RUNNING,
	HEALTH_PAUSED,
	HEALTH_STOPPED, /* exited cleanly */
	HEALTH_STALLED, /* alive, but no heartbeat for MODEL_STALL_NS, or stuck
			 * in the middle of an update */
	HEALTH_DEAD,    /* gone without marking the record stopped */
};

enum model_tone { TONE_NORMAL, TONE_GOOD, TONE_WARN, TONE_BAD };

/* What the model is built from.  Pointers may be NULL where noted; none is
 * kept after model_build() returns. */
struct model_input {
	key_t key;
	enum model_state state;
	const char *why;               /* reason for state, or a warning; NULL or "" */
	int removed_shmid;             /* with MODEL_REMOVED */
	bool by_shmid;                 /* watching one segment by shmid (-i), not a key */
	int shmid;                     /* ... that one */
	const struct content *content; /* the last good copy of what it holds, or NULL */
	const struct ipcstat *stat;    /* or NULL */
	const char *owner, *creator;   /* "user:group" for stat, or NULL */
	const struct attached *att;    /* attached processes, or NULL: not scanned */
	pid_t self_pid;                /* this viewer's pid: its own attach is marked; 0: none */
	bool self_attached;            /* this viewer has the segment attached (one of nattch) */
	bool writer_alive;             /* proc_alive() of content's writer */
	const char *writer_comm;       /* or NULL */
	bool busy;                     /* content was copied field by field while
					* the writer held the record mid-update */
	char writer_pstate;            /* its /proc state letter ('T' stopped), or 0 */
	bool control_ok;               /* may send commands */
	const char *control_why;       /* why not, or NULL */
	int64_t now_mono;              /* CLOCK_MONOTONIC, for ages */
	/* The processes a scan of /proc found blocked on a futex in the
	 * segment (waits_scanned: one ran): nwaits found, the first
	 * IPCOBJ_WAITS in waits, pid ascending. */
	bool waits_scanned;
	const struct objlist_wait *waits;
	size_t nwaits;
	int64_t now_wall_ns; /* CLOCK_REALTIME, for how long they have waited */
	enum spark_mode spark_mode;
	bool utf8;
	size_t spark_width; /* cells, at most MODEL_SPARK_MAX */
	int delay_tenths;
	const char *notice; /* a message from the UI, or NULL */
	const char *filter; /* the counters table shows the names holding it (model_shown()),
			     * NULL or "": all */
};

#define MODEL_FIELDS 13
#define MODEL_TABLE_ROWS 48 /* counters table rows shown at most */
#define MODEL_TABLE_COLS 512
/* How the viewer's own attach is marked: after its lpid, before its command
 * in the attached processes. */
#define MODEL_SELF_MARK "(this viewer)"
#define MODEL_SPARK_MAX 512

struct model_field {
	const char *label; /* a string literal */
	char value[48];
};

struct view_model {
	enum model_state state;
	enum model_health health;
	enum model_tone tone; /* of the badge */
	char title[64];       /* "shmtop  key 0x00002537  shmid 2" */
	char badge[16];       /* "RUNNING", "PAUSED", "WAITING", ... */
	char message[320];    /* the state explained, when not plainly live */
	bool have_value;
	char value[VALUE_CHARS + 16];  /* the count ("42", "-7", "0.25"), or a text's first cells */
	bool value_text;               /* value is a text counter's text: no big digits */
	char details[96];              /* "rate 1.00/s  changed 0.3s ago  resets 0" */
	char help[MODEL_HELP_MAX * 4]; /* the selected counter's help, escaped; "": none */
	double rate;                   /* model_rate() of the history; NAN: none */
	int64_t age_ns;                /* since the count last changed */
	char writer[160];              /* "writer pid 42 (shmwriter) alive, running, every 1s" */
	char writer_short[112];        /* the same without the command, for narrow screens */
	bool control_ok;
	char control[200]; /* which commands work, or why none do */
	char notice[200];
	const char *fields_title; /* the fields' rule (a literal); NULL: "segment (IPC_STAT)" */
	size_t nfields;           /* most important first */
	struct model_field fields[MODEL_FIELDS];
	char spark_title[96]; /* "history: value  min 3  max 120" */
	char spark[SPARK_BYTES(MODEL_SPARK_MAX)];
	char footer[128];

	/* Attached processes (only with model_procs()). */
	bool have_procs;
	bool procs_warn;       /* the count found differs from nattch */
	char procs_title[200]; /* "attached: 2 processes, nattch 2" */
	char procs_head[64];   /* column headings */
	size_t nprocs;
	size_t procs_more; /* found but not listed */
	char procs[ATTACHED_MAX][128];

	/* The history graph (only with model_graph()). */
	struct graph graph;
	char graph_title[128]; /* "history: value  min 3  max 120  1 column = 1 sample" */
	char graph_top[GRAPH_LABEL_W + 1], graph_mid[GRAPH_LABEL_W + 1],
	    graph_base[GRAPH_LABEL_W + 1];

	/* The counters table of a record with more than one counter (only with
	 * model_table()): a title, the column heads, then the rows shown. */
	size_t ncounters;      /* counters in the record (0: version 2, or none) */
	char selected[96];     /* the selected counter's name, escaped */
	char table_title[160]; /* "counters: 12  selected 3/12", "counters: 4 of 12 ..." */
	char table_head[MODEL_TABLE_COLS];
	size_t table_rows;                  /* rows in table[] */
	size_t table_first;                 /* of the counters shown, the one on table[0] */
	size_t table_idx[MODEL_TABLE_ROWS]; /* the counter on each row (its index) */
	int table_sel;                      /* row of table[] selected, -1: none shown */
	size_t table_mark;          /* bytes of the selected row marked: "> " and the name */
	enum spark_mode table_mode; /* of the sparklines drawn */
	struct countertable_kept table_kept[MODEL_TABLE_ROWS]; /* each row's */
	char table[MODEL_TABLE_ROWS][MODEL_TABLE_COLS];
};

/* The one rate every output shows (the heading, the counters table, -b,
 * --json's rate and counters[].rate) for samples h (n, oldest first) of
 * the record in describes, whose health is health: the change per second
 * over the recent window (spark_rate() of the samples of the last
 * SPARK_RATE_WINDOW + 1 periods and MODEL_STALL_NS), so 0 once the values
 * stop (paused, stalled, stopped, dead, or none), and NAN (none: "-" on
 * screen, null in JSON) while running with fewer than two samples in that
 * window.  Pure. */
double model_rate(enum model_health health, const struct model_input *in,
		  const struct shmtop_sample *h, size_t n, enum value_type type);

/* Counter c's value as the screen and batch output show it: the number
 * in full (value_format()), or a text counter's text escaped for the
 * terminal; "0" with no counter.  Returns buf. */
const char *model_value_text(const struct model_counter *c, char *buf, size_t len);

/* Build m from in (the attached processes panel: the processes blocked on
 * a futex in the segment first, then the attached).  Pure, apart from
 * reading the local time zone. */
void model_build(struct view_model *m, const struct model_input *in);

/* Add the history graph to m, built by model_build() from the same in:
 * width x height cells, keeping the scale prev (NULL: a fresh one). */
void model_graph(struct view_model *m, const struct model_input *in, size_t width, unsigned height,
		 const struct graph_scale *prev);

/* The counters table rows wanted for in: 0 with one counter or none (the
 * screen is then as for a version 2 record), else a title, the heads and
 * a row per counter. */
int model_table_want(const struct model_input *in);

/* Fill m's counters table for width cells and rows rows (title and heads
 * included), the window keeping the selected counter in view. */
void model_table(struct view_model *m, const struct model_input *in, int width, int rows);

/* Is counter c shown under filter (its name holds it, ASCII letters in
 * any case; NULL or "": every counter)?  Pure. */
bool model_shown(const struct model_counter *c, const char *filter);

/* The step monitor_select() takes to move step counters among those
 * filter shows from c's selected one (0: stay), clamped to the first and
 * last shown; from a selection not shown, to the first shown.  0 with
 * none shown.  Pure. */
int model_shown_step(const struct content *c, const char *filter, int step);

/* The step monitor_select() takes to select the counter on row row of the
 * table (table[row], as drawn below the column names: a mouse click's);
 * 0 when no counter is there, it is the selected one, or no selection is
 * shown.  Pure. */
int model_table_click(const struct view_model *m, int row);

/* model_table(), each row keeping what it showed in prev (the model drawn
 * last time; NULL: none): its sparkline's scale while the values fit it,
 * its rate while within a band (countertable_kept), so that a sample
 * changes two cells of a sparkline, not the row, and a steady rate stays. */
void model_table_kept(struct view_model *m, const struct model_input *in, int width, int rows,
		      const struct view_model *prev);

/* What the viewer says once the command it sent (SHMTOP_CMD_PAUSE, _RESUME
 * or _RESET, control.h) is acknowledged: applied, or refused by the program
 * ("reset refused by the program"). */
const char *model_command_notice(int cmd, bool refused);

/* model_command_notice() for the object in describes (NULL: one unnamed
 * count), into buf: a reset of named counters (version 3) says
 * what it did to them ("count restarted at 0", a gauge "set to 0", or
 * "16 counters reset to 0"), not the version 2 record's count. */
const char *model_command_notice_for(int cmd, bool refused, const struct model_input *in, char *buf,
				     size_t len);

/* The detail view of an object that is not a SysV segment: a POSIX object
 * in /dev/shm, a memfd, or a deleted object still held (an object list row).
 * None of the pointers is kept. */
struct model_object {
	const struct objlist_row *row;        /* as last seen (never NULL) */
	bool present;                         /* still there at the last look */
	const struct objlist_holder *holders; /* the row's holders, pid ascending */
	size_t nholders;
	bool scanned;        /* holders known: a scan of /proc has run */
	int64_t scan_ns;     /* when (CLOCK_REALTIME) */
	int64_t now_wall_ns; /* CLOCK_REALTIME, for the scan's age */
	pid_t self_pid;      /* this viewer: its own line is marked */
	const char *devshm;  /* the directory of posix objects ("/dev/shm") */
	int delay_tenths;
	const char *notice; /* a message from the UI, or NULL */
	/* What its bytes hold, decoded as a segment's (state, why, content,
	 * now_mono and the view's settings; content NULL: nothing decoded,
	 * why says why unless state is MODEL_FOREIGN with why "" or NULL). */
	struct model_input held;
	/* A semaphore set or message queue: its last look (its fields,
	 * waiters and last operators), or NULL for other kinds. */
	const struct ipcobj *ipc;
	/* Other kinds: the processes blocked on a futex in it (with scanned),
	 * nwaits found, the first IPCOBJ_WAITS in waits, pid ascending. */
	const struct objlist_wait *waits;
	size_t nwaits;
};

/* Build m, the same dashboard a foreign segment gets, for an object: a
 * title and badge (its kind), what it is, its metadata as fields (kind,
 * name, size, resident, owner, perms, mtime, device, inode, holders,
 * orphan, scanned), its holders as the processes panel ("rw", "ro", "fd"
 * for a holder with only a descriptor, "+fd" for one with both) after the
 * processes blocked on a futex in it ("waits", the offset, since when),
 * and the footer.  A name is shown by escape_text()'s rule, so the screen keeps
 * its columns.  Looks up user and group names. */
void model_build_object(struct view_model *m, const struct model_object *in);

/* The badge text for a state and health ("WAITING", "PAUSED", ...). */
const char *model_badge(enum model_state state, enum model_health health);

#endif
