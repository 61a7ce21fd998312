/* SPDX-License-Identifier: MIT */
/* The monitor on version 3 records (libshmtop's named counters), on real
 * segments made by the library's publisher: the counters and their
 * history, the selection kept by name across a new publisher, commands
 * applied and refused, a record of another version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

#include <cmocka.h>

#include "clock.h"
#include "monitor.h"
#include "report.h"
#include "shmtop/shmtop.h"
#include "testutil.h"

static struct model_input poll_input(monitor *m)
{
	struct model_input in;
	memset(&in, 0, sizeof in);
	monitor_poll(m);
	monitor_input(m, &in);
	return in;
}

static shmtop_publisher *publish(key_t key, unsigned accept, const char *const *names, size_t n,
				 struct shmtop_counter *c)
{
	char why[256];
	struct shmtop_options o = {
		.key = key, .accept = accept, .period_ns = 2 * NS_PER_MS, .remove_on_close = true
	};
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	if (!p)
		fail_msg("shmtop_open: %s", why);
	for (size_t i = 0; i < n; i++)
		if (shmtop_declare(p, names[i], i == 2 ? SHMTOP_GAUGE : SHMTOP_COUNTER,
				   i == 2 ? "ms" : "", &c[i], why, sizeof why))
			fail_msg("declare %s: %s", names[i], why);
	assert_true(shmtop_step(p) >= 0);
	return p;
}

/* Steps until n more history rows are written (period 2 ms). */
static void samples(shmtop_publisher *p, int n)
{
	for (int i = 0; i < n; i++) {
		nanosleep(&(struct timespec){ 0, 3 * NS_PER_MS }, NULL);
		assert_true(shmtop_step(p) >= 0);
	}
}

static size_t find(const struct model_input *in, const char *name)
{
	for (size_t i = 0; i < in->content->nctr; i++)
		if (strcmp(in->content->ctr[i].name, name) == 0)
			return i;
	fail_msg("no counter %s", name);
	return 0;
}

static void test_counters(void **state)
{
	(void)state;
	key_t key = test_key(40);
	const char *names[] = { "requests", "bytes", "level" };
	struct shmtop_counter c[3];
	shmtop_publisher *p = publish(key, SHMTOP_ACCEPT_ALL, names, 3, c);
	monitor *m = monitor_new(key);
	assert_non_null(m);
	for (int s = 0; s < 5; s++) {
		shmtop_add(c[0], 1);
		shmtop_add(c[1], 100);
		shmtop_set(c[2], 7 + (uint64_t)s);
		samples(p, 1);
	}
	struct model_input in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_true(in.content->named);
	assert_int_equal(in.content->nctr, 3);
	assert_string_equal(in.content->ctr[0].name, "requests");
	assert_string_equal(in.content->ctr[1].name, "bytes");
	assert_string_equal(in.content->ctr[2].name, "level");
	assert_string_equal(in.content->ctr[2].unit, "ms");
	assert_int_equal(in.content->ctr[0].kind, MODEL_COUNTER);
	assert_int_equal(in.content->ctr[2].kind, MODEL_GAUGE);
	assert_int_equal(in.content->ctr[0].value, 5);
	assert_int_equal(in.content->ctr[1].value, 500);
	assert_int_equal(in.content->ctr[2].value, 11);
	assert_true(in.content->ctr[1].nspark >= 4);
	assert_int_equal(in.content->ctr[1].spark[in.content->ctr[1].nspark - 1].value, 500);
	assert_int_equal(in.content->status.accept, SHMTOP_CMD_ALL_BITS);
	/* the selected counter (the first) is the snapshot's count */
	assert_int_equal(in.content->selected, 0);
	assert_non_null(in.content);
	assert_int_equal(content_selected(in.content)->value, 5);
	assert_true(in.content->nhist >= 4);
	assert_int_equal(in.content->hist[in.content->nhist - 1].value, 5);
	assert_true(in.control_ok);

	/* Down: the next counter, with its own history */
	monitor_select(m, 1);
	in = poll_input(m);
	assert_int_equal(in.content->selected, 1);
	assert_int_equal(content_selected(in.content)->value, 500);
	assert_int_equal(in.content->hist[in.content->nhist - 1].value, 500);
	monitor_select(m, 5); /* clamped to the last */
	in = poll_input(m);
	assert_int_equal(in.content->selected, 2);
	monitor_select(m, -1);
	in = poll_input(m);
	assert_int_equal(in.content->selected, 1);

	/* JSON lists every counter */
	static struct view_model vm;
	char buf[8192];
	in.now_mono = clock_mono_ns();
	model_build(&vm, &in);
	report_json(&vm, &in, buf, sizeof buf);
	assert_non_null(strstr(buf, "{\"name\":\"requests\",\"kind\":\"counter\",\"unit\":\"\","
				    "\"value\":5,"));
	assert_non_null(strstr(buf, "{\"name\":\"level\",\"kind\":\"gauge\",\"unit\":\"ms\","
				    "\"value\":11,"));

	/* A new publisher on the key, counters in another order: the selection
	 * stays on "bytes" by name */
	shmtop_close(p);
	in = poll_input(m);
	assert_true(in.state == MODEL_REMOVED || in.state == MODEL_WAITING);
	const char *names2[] = { "zeta", "alpha", "gauge", "bytes" };
	struct shmtop_counter c2[4];
	p = publish(key, SHMTOP_ACCEPT_ALL, names2, 4, c2);
	shmtop_add(c2[3], 42);
	samples(p, 1);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_int_equal(in.content->nctr, 4);
	assert_int_equal(in.content->selected, find(&in, "bytes"));
	assert_int_equal(in.content->selected, 3);
	assert_int_equal(content_selected(in.content)->value, 42);
	shmtop_close(p);
	monitor_free(m);
}

/* Pause is applied and acknowledged; a command the program does not
 * accept is acknowledged as refused. */
static void test_commands(void **state)
{
	(void)state;
	key_t key = test_key(41);
	const char *names[] = { "a", "b" };
	struct shmtop_counter c[2];
	shmtop_publisher *p = publish(key, SHMTOP_ACCEPT_PAUSE, names, 2, c);
	monitor *m = monitor_new(key);
	struct model_input in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_true(in.control_ok);
	assert_int_equal(in.content->status.accept, SHMTOP_CMD_PAUSE_BIT);

	uint32_t t;
	assert_int_equal(monitor_send(m, SHMTOP_CMD_PAUSE, &t), 0);
	assert_true(shmtop_step(p) >= 0);
	in = poll_input(m);
	assert_true(monitor_acked(m, t));
	assert_false(monitor_refused(m, t, SHMTOP_CMD_PAUSE));
	assert_int_equal(in.content->status.state, SHMTOP_STATE_PAUSED);
	assert_true(shmtop_paused(p));

	assert_int_equal(monitor_send(m, SHMTOP_CMD_RESET, &t), 0);
	assert_true(shmtop_step(p) >= 0);
	in = poll_input(m);
	assert_true(monitor_acked(m, t));
	assert_true(monitor_refused(m, t, SHMTOP_CMD_RESET));
	assert_string_equal(model_command_notice(SHMTOP_CMD_RESET, true),
			    "reset refused by the program");

	assert_int_equal(monitor_send(m, SHMTOP_CMD_RESUME, &t), 0);
	assert_true(shmtop_step(p) >= 0);
	in = poll_input(m);
	assert_true(monitor_acked(m, t));
	assert_false(monitor_refused(m, t, SHMTOP_CMD_RESUME));
	assert_int_equal(in.content->status.state, SHMTOP_STATE_RUNNING);
	shmtop_close(p);
	monitor_free(m);
}

/* A publisher that closes without removing its segment: STOPPED, its last
 * values kept, no commands offered. */
static void test_stopped(void **state)
{
	(void)state;
	key_t key = test_key(43);
	char why[256];
	struct shmtop_options o = { .key = key, .accept = SHMTOP_ACCEPT_ALL };
	shmtop_publisher *p = shmtop_open(&o, why, sizeof why);
	assert_non_null(p);
	struct shmtop_counter a, b;
	assert_int_equal(shmtop_declare(p, "a", SHMTOP_COUNTER, "", &a, why, sizeof why), 0);
	assert_int_equal(shmtop_declare(p, "b", SHMTOP_COUNTER, "", &b, why, sizeof why), 0);
	shmtop_add(b, 77);
	int id = shmtop_shmid(p);
	shmtop_close(p);
	monitor *m = monitor_new(key);
	struct model_input in = poll_input(m);
	assert_int_equal(in.state, MODEL_LIVE);
	assert_int_equal(in.content->nctr, 2);
	assert_int_equal(in.content->ctr[1].value, 77);
	assert_int_equal(in.content->status.state, SHMTOP_STATE_STOPPED);
	static struct view_model vm;
	in.now_mono = clock_mono_ns();
	model_build(&vm, &in);
	assert_int_equal(vm.health, HEALTH_STOPPED);
	assert_false(vm.control_ok);
	assert_null(strstr(vm.footer, "r reset"));
	monitor_free(m);
	shmctl(id, IPC_RMID, NULL);
}

/* A record of a version this viewer does not read is said as such, never
 * "damaged"; a version 3 header that does not check is. */
static void test_other_versions(void **state)
{
	(void)state;
	key_t key = test_key(42);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	assert_true(id >= 0);
	struct shmtop_record3 *r = shmat(id, NULL, 0);
	assert_true(r != (void *)-1);
	atomic_store(&r->version, 4u);
	atomic_store(&r->endian, SHMTOP_ENDIAN);
	atomic_store(&r->magic, SHMTOP_MAGIC);
	monitor *m = monitor_new(key);
	struct model_input in = poll_input(m);
	assert_int_equal(in.state, MODEL_FOREIGN);
	assert_non_null(strstr(in.why, "a version 4 shmtop record"));
	assert_null(strstr(in.why, "damaged"));
	monitor_free(m);

	/* version 3, but its header is nonsense: a one-line reason */
	atomic_store(&r->version, 3u);
	atomic_store(&r->capacity, 999999u);
	m = monitor_new(key);
	in = poll_input(m);
	assert_int_equal(in.state, MODEL_DAMAGED);
	assert_true(in.why && *in.why);
	assert_null(strchr(in.why, '\n'));
	assert_null(in.content);
	monitor_free(m);
	shmdt(r);
	shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_other_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
