/* SPDX-License-Identifier: MIT */
/* The detail view's event log: the first observation is the baseline;
 * later ones are diffed. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "watchlog.h"

static void test_baseline_then_events(void **state)
{
	(void)state;
	static struct watchlog w;
	watchlog_init(&w);
	struct ipcstat st = { .shmid = 5, .key = 0x2537, .size = 4096, .nattch = 2, .lpid = 10 };
	struct shmtop_snapshot snap = { .writer_pid = 10, .writer_start = 99,
					.state = SHMTOP_STATE_RUNNING, .writers = 1 };
	struct model_input in = { .state = MODEL_LIVE, .stat = &st, .snap = &snap,
				  .writer_alive = true };
	assert_int_equal(watchlog_update(&w, &in, 1), 0); /* not news */
	assert_int_equal(events_count(&w.ring), 0);
	st.nattch = 3;
	st.lpid = 77;
	assert_int_equal(watchlog_update(&w, &in, 2), 1);
	assert_int_equal(events_get(&w.ring, 0)->kind, EVENT_ATTACH);
	assert_int_equal(events_get(&w.ring, 0)->pid, 77);
	snap.state = SHMTOP_STATE_PAUSED;
	assert_int_equal(watchlog_update(&w, &in, 3), 1);
	assert_int_equal(events_get(&w.ring, 1)->kind, EVENT_PAUSE);
	/* removed: the monitor keeps the stat with dest */
	st.dest = true;
	st.key = 0;
	in.state = MODEL_REMOVED;
	watchlog_update(&w, &in, 4);
	assert_int_equal(events_get(&w.ring, events_count(&w.ring) - 1)->kind, EVENT_REMOVED);
	/* a new segment on the key */
	struct ipcstat st2 = { .shmid = 6, .key = 0x2537, .size = 4096, .nattch = 1 };
	in.stat = &st2;
	in.state = MODEL_LIVE;
	watchlog_update(&w, &in, 5);
	/* recreated, then the writer (still paused) on it */
	bool recreated = false;
	for (size_t i = 0; i < events_count(&w.ring); i++)
		recreated |= events_get(&w.ring, i)->kind == EVENT_RECREATED;
	assert_true(recreated);
}

static void test_obs(void **state)
{
	(void)state;
	struct ipcstat st = { .shmid = 5 };
	struct model_input in = { .state = MODEL_WAITING };
	struct events_obs o;
	watchlog_obs(&in, &o);
	assert_false(o.present);
	in.state = MODEL_FOREIGN;
	in.stat = &st;
	watchlog_obs(&in, &o);
	assert_true(o.present && !o.have_writer);
	assert_int_equal(o.st.shmid, 5);
	in.state = MODEL_REMOVED; /* let go without dest: gone */
	watchlog_obs(&in, &o);
	assert_false(o.present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_then_events),
		cmocka_unit_test(test_obs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
