/* SPDX-License-Identifier: MIT */
/*
 * The full-screen viewer: curses set-up and tear-down, the main loop and
 * the keys.  The segment side is the monitor's; drawing is draw.c's.
 */
#ifndef SHMTOP_TUI_H
#define SHMTOP_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "monitor.h"
#include "options.h"
#include "settings.h"

/* Run until a quit key, *quit set by a signal, or the terminal goes away.
 * The signals in *wake (SIGINT, SIGTERM, SIGHUP, SIGWINCH) must be blocked
 * by the caller; they are let in only while the loop sleeps.  Returns 0, or
 * -1 with a one-line reason in why (the terminal already restored).  The
 * settings the keys and the setup screen change (the list's sort and
 * direction, the delay, the graph's mode, colour, mouse, and the columns
 * when the setup screen changed them) are left in *end as the run ends
 * them.  The terminal reports the mouse only with o->mouse (--mouse,
 * mouse=on) or once the setup screen turns it on. */
int tui_run(monitor *mon, const struct options *o, bool utf8, bool color,
	    volatile sig_atomic_t *quit, const sigset_t *wake, struct settings *end, char *why,
	    size_t whylen);

#endif
