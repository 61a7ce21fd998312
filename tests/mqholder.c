/* SPDX-License-Identifier: MIT */
/*
 * mqholder: a POSIX message queue user for the tests (issue 25).
 *
 *   mqholder [-c] [-u] [-m MAXMSG] [-s MSGSIZE] [-p MODE] [-n N] [-r] NAME
 *
 * Opens the queue NAME ("/NAME", as mq_open() takes it; -c creates it,
 * with MAXMSG messages of MSGSIZE bytes and MODE, octal), sends N messages
 * of MSGSIZE bytes ("m" then its number, padded with '.'), then prints
 * "ready PID QSIZE" (the bytes on the queue, mq_getattr()'s messages times
 * their size) and holds it open until killed, or with -r blocks in
 * mq_receive() on it.  -u unlinks the name once it is open (the queue then
 * lives only through the fd).
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct mq_attr a = { .mq_maxmsg = 8, .mq_msgsize = 64 };
	int create = 0, unlink_it = 0, receive = 0, opt;
	long n = 0;
	mode_t mode = 0600;
	while ((opt = getopt(argc, argv, "cum:s:p:n:r")) != -1) {
		switch (opt) {
		case 'c': create = 1; break;
		case 'u': unlink_it = 1; break;
		case 'm': a.mq_maxmsg = strtol(optarg, NULL, 10); break;
		case 's': a.mq_msgsize = strtol(optarg, NULL, 10); break;
		case 'p': mode = (mode_t)strtol(optarg, NULL, 8); break;
		case 'n': n = strtol(optarg, NULL, 10); break;
		case 'r': receive = 1; break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: mqholder [-c] [-u] [-m MAXMSG] [-s MSGSIZE] [-p MODE] "
				"[-n N] [-r] NAME\n");
		return 2;
	}
	const char *name = argv[optind];
	mqd_t q =
	    create ? mq_open(name, O_CREAT | O_EXCL | O_RDWR, mode, &a) : mq_open(name, O_RDWR);
	if (q == (mqd_t)-1) {
		fprintf(stderr, "mqholder: mq_open %s: %s\n", name, strerror(errno));
		return 1;
	}
	if (mq_getattr(q, &a)) {
		perror("mqholder: mq_getattr");
		return 1;
	}
	char *msg = calloc(1, (size_t)a.mq_msgsize + 1);
	if (!msg)
		return 1;
	for (long i = 0; i < n; i++) {
		memset(msg, '.', (size_t)a.mq_msgsize);
		int len = snprintf(msg, (size_t)a.mq_msgsize + 1, "m%ld", i);
		if (len < a.mq_msgsize)
			msg[len] = '.';
		if (mq_send(q, msg, (size_t)a.mq_msgsize, 0)) {
			perror("mqholder: mq_send");
			return 1;
		}
	}
	if (unlink_it && mq_unlink(name)) {
		perror("mqholder: mq_unlink");
		return 1;
	}
	mq_getattr(q, &a);
	printf("ready %ld %ld\n", (long)getpid(), a.mq_curmsgs * a.mq_msgsize);
	fflush(stdout);
	if (receive)
		for (;;)
			if (mq_receive(q, msg, (size_t)a.mq_msgsize, NULL) < 0 && errno != EINTR)
				return 1;
	for (;;)
		pause();
}
