/* SPDX-License-Identifier: MIT */
#include "resetbox.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"

#define VIEWERS_SHOWN 6

void resetbox_build(const struct model_input *in, const char *value, struct objlist_view_box *b)
{
	memset(b, 0, sizeof *b);
	b->removable = true; /* y resets */
	pid_t writer = in->content ? in->content->status.pid : 0;
	snprintf(b->line[b->n++], sizeof b->line[0], "Reset the count to 0?");
	snprintf(b->line[b->n++], sizeof b->line[0], "now %s, writer pid %d",
		 value[0] ? value : "?", (int)writer);
	size_t viewers = 0;
	const struct attached *a = in->att;
	for (size_t i = 0; a && i < a->n; i++)
		if (a->procs[i].pid != writer && a->procs[i].pid != in->self_pid)
			viewers++;
	if (!a)
		snprintf(b->line[b->n++], sizeof b->line[0], "other viewers: not scanned yet");
	else
		snprintf(b->line[b->n++], sizeof b->line[0], "other viewers attached: %zu%s",
			 viewers, viewers ? ", who see it too:" : "");
	size_t shown = 0;
	for (size_t i = 0; a && i < a->n && b->n < OBJLIST_VIEW_BOX_LINES - 1; i++) {
		const struct attached_proc *p = &a->procs[i];
		if (p->pid == writer || p->pid == in->self_pid)
			continue;
		if (shown++ == VIEWERS_SHOWN) {
			snprintf(b->line[b->n++], sizeof b->line[0], "  and %zu more",
				 viewers - VIEWERS_SHOWN);
			break;
		}
		char cmd[4 * 48 + 8];
		escape_text(p->command, strnlen(p->command, sizeof p->command), ESCAPE_LOCALE, 48,
			    cmd, sizeof cmd);
		char user[4 * 16 + 8];
		escape_text(p->user, strnlen(p->user, sizeof p->user), ESCAPE_LOCALE, 16, user,
			    sizeof user);
		int k =
		    snprintf(b->line[b->n], sizeof b->line[0], "  %7d %-10s ", (int)p->pid, user);
		if (k > 0 && (size_t)k < sizeof b->line[0])
			snprintf(b->line[b->n] + k, sizeof b->line[0] - (size_t)k, "%.*s",
				 (int)(sizeof b->line[0] - (size_t)k - 1), cmd);
		b->n++;
	}
	snprintf(b->line[b->n++], sizeof b->line[0], "y reset, any other key cancels");
}
