/* SPDX-License-Identifier: MIT */
/*
 * The scan of /proc in a thread of its own, so that a screen answers keys
 * while it runs (a host whose processes hold hundreds of thousands of
 * mappings takes seconds to scan).  The thread only reads /proc, with
 * objlist_scan(), into an object list of its own; everything else stays
 * on the screen's thread: it asks for a scan (objlist_scanner_start()), learns
 * that one is done when objlist_scanner_fd() becomes readable (an eventfd, for
 * the poll() it already sleeps in), and takes the result into its own
 * object list (objlist_scanner_take()) before the collect that joins it.  While a
 * scan runs the screen keeps the previous one.
 *
 * The thread blocks every signal.  objlist_scanner_free() stops a scan under way
 * at its next process (object list's scan_cancel) and joins the thread.
 */
#ifndef SHMTOP_OBJLIST_SCANNER_H
#define SHMTOP_OBJLIST_SCANNER_H

#include <stdbool.h>

#include "objlist.h"

typedef struct objlist_scanner objlist_scanner;

/* A scanner of proc_dir (NULL: /proc), its thread started and idle; NULL
 * with errno if it cannot be made. */
objlist_scanner *objlist_scanner_new(const char *proc_dir);

/* Stop it, join its thread and free it and its result.  NULL: nothing. */
void objlist_scanner_free(objlist_scanner *sc);

/* Readable while a finished scan waits to be taken. */
int objlist_scanner_fd(const objlist_scanner *sc);

/* Is a scan asked for, running, or finished and not taken yet? */
bool objlist_scanner_busy(objlist_scanner *sc);

/* Ask for a scan; false (nothing done) while objlist_scanner_busy(). */
bool objlist_scanner_start(objlist_scanner *sc);

/* Take a finished scan into s (objlist_take_scan()): 1, or 0 if none is
 * finished, or -1 with errno if it failed (s keeps its last). */
int objlist_scanner_take(objlist_scanner *sc, struct objlist *s);

#endif
