/* SPDX-License-Identifier: MIT */
/*
 * A function-key bar in htop's style: each item a key ("F1", "q") drawn in
 * reverse video and its label after it ("Help"), one space between items,
 * the most useful first.  fnbar_fit() says how many fit a width; the last
 * item (quit or back) is kept whatever is dropped before it.
 */
#ifndef SHMTOP_FNBAR_H
#define SHMTOP_FNBAR_H

#include <stdbool.h>
#include <stddef.h>

#define FNBAR_MAX 16

struct fnbar_item {
	char key[8];
	char label[24];
};

struct fnbar {
	size_t n;
	struct fnbar_item item[FNBAR_MAX];
};

/* Add key and its label (cut to fit) at the end; none past FNBAR_MAX. */
void fnbar_add(struct fnbar *b, const char *key, const char *label);

/* Whether item i of b is shown at width cells: the items in order while
 * they fit, the last one always (when it fits alone). */
bool fnbar_shown(const struct fnbar *b, size_t i, int width);

/* The bar's text at width ("F1Help F3Search ... F10Quit"), into buf. */
char *fnbar_text(const struct fnbar *b, int width, char *buf, size_t len);

/* The item drawn at cell x of b laid out at width as fnbar_text() lays it
 * out (x from the bar's first cell): its index, or -1 (a space between
 * items, past the end).  A mouse click there does that item's key. */
int fnbar_at(const struct fnbar *b, int width, int x);

/* The key code an item's key stands for: "F1".."F12" key_f0 + N (curses'
 * KEY_F(N)), "Enter" '\r', "Tab" '\t', "Esc" 27, any other its first byte
 * ("q", "j/k" 'j', "<>" '<'); -1 for "". */
int fnbar_key_code(const char *key, int key_f0);

#endif
