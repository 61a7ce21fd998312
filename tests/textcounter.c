/* SPDX-License-Identifier: MIT */
/* The classic example's counter, for the text counter's tests: textcounter
 * KEY makes a 1024-byte segment on KEY (mode 0600) and writes n++ into it
 * as decimal text, sprintf(shm, "%d", n++), every second until killed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: textcounter KEY\n");
		return 2;
	}
	int id = shmget((key_t)strtol(argv[1], NULL, 0), 1024, IPC_CREAT | 0600);
	char *shm = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
	if (shm == (void *)-1) {
		perror("textcounter");
		return 1;
	}
	for (int n = 0;; sleep(1))
		sprintf(shm, "%d", n++);
}
