/* SPDX-License-Identifier: MIT */
/*
 * scanwaits: the claims of one objlist_scan() (objlist_wait.h), a line
 * each: "PID OP KIND DEV INO SEMNUM SEMOP OFFSET", for e2e_blocked.sh to
 * check the waiters of objects the list may have no row for (a POSIX
 * queue, before the mqueue kind is collected).  Exit 1 if the scan fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "objlist.h"
#include "objlist_wait.h"

int main(void)
{
	struct objlist s;
	memset(&s, 0, sizeof s);
	if (objlist_scan(&s)) {
		perror("scanwaits: objlist_scan");
		return 1;
	}
	for (size_t i = 0; i < s.nwseen; i++) {
		const struct objlist_wait *w = &s.wseen[i].w;
		printf("%d %s %s %" PRIu64 " %" PRIu64 " %d %d %" PRIu64 "\n", (int)w->pid,
		       objlist_wait_op_name(w->op), objlist_kind_name(w->kind), w->dev, w->ino,
		       w->semnum, w->semop, w->offset);
	}
	objlist_free(&s);
	return 0;
}
