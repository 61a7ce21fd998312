/* SPDX-License-Identifier: MIT */
/*
 * The confirmation of a writer's reset ('r' on a segment's view), in the
 * object list's box (struct objlist_view_box, drawn by the same code as a
 * removal's): the count that goes back to 0 and the viewers that see it
 * go, the attached processes other than the writer and this viewer.
 */
#ifndef SHMTOP_RESETBOX_H
#define SHMTOP_RESETBOX_H

#include "model.h"
#include "objlist_view.h"

/* The box for a reset of value (the count shown, digits) of in's writer;
 * in->att's processes but the writer's and in->self_pid are the viewers.
 * Pure but for the locale. */
void resetbox_build(const struct model_input *in, const char *value, struct objlist_view_box *b);

#endif
