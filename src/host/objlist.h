/* SPDX-License-Identifier: MIT */
/*
 * The object list: one snapshot of every shared memory object on the host,
 * of every kind, with who holds each one.
 *
 *   kind     what it is                         where it is found
 *   sysv     a SysV segment                     /proc/sysvipc/shm
 *   posix    a named POSIX object               a file in /dev/shm
 *   sem      a POSIX semaphore                  /dev/shm/sem.NAME
 *   memfd    anonymous shared memory            /memfd:NAME in maps and fds
 *   deleted  a /dev/shm object unlinked but     /dev/shm/NAME (deleted) in
 *            still mapped or open               maps and fds
 *   file     a regular file mapped shared       maps, and the known places of
 *            (a JVM's hsperfdata, PCP MMV, ...)  counter files (objlist_files.h)
 *   sysv-sem a SysV semaphore set               /proc/sysvipc/sem
 *   sysv-msg a SysV message queue               /proc/sysvipc/msg
 *   mqueue   a POSIX message queue              the mqueue file system, and
 *                                               holders' fds
 *
 * An object is known by its device and inode as /proc/PID/maps gives them,
 * so two holders of one memfd are one object (a SysV segment's inode is its
 * shmid).  Its holders are the processes that map it (read-write or
 * read-only) and those that only hold a file descriptor to it: either keeps
 * its memory alive.
 *
 * Collecting is cheap: /proc/sysvipc/shm and a directory read of /dev/shm,
 * every tick if need be.  Finding holders is not: objlist_scan() reads
 * /proc/PID/maps and /proc/PID/fd of every process, so a screen runs it at a
 * slower period or on a key, and says when it last ran; collect joins the
 * objects with the last scan.  memfd and deleted objects are known only
 * from a scan.
 *
 * Nothing here attaches a segment unless OBJLIST_RECORDS asks for it:
 * watching changes nothing (lpid, atime, dtime stay the admin's evidence).
 *
 * objlist_table.h writes an object list out; the list screen (objlist_view.h) shows it.
 */
#ifndef SHMTOP_OBJLIST_H
#define SHMTOP_OBJLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"
#include "sysvdev.h"
#include "sysvipc.h"

#define OBJLIST_DEVSHM_DIR "/dev/shm"

enum objlist_kind {
	OBJLIST_SYSV,
	OBJLIST_POSIX,
	OBJLIST_SEM,
	OBJLIST_MEMFD,
	OBJLIST_DELETED,
	OBJLIST_FILE,
	OBJLIST_SYSV_SEM,
	OBJLIST_SYSV_MSG,
	OBJLIST_MQUEUE,
	OBJLIST_NKINDS
};

/* "sysv", "posix", "sem", "memfd", "deleted", "file", "sysv-sem", "sysv-msg",
 * "mqueue". */
const char *objlist_kind_name(enum objlist_kind k);

/* A comma list of kind names (any case: "sysv,memfd") into kinds, 1 << kind
 * each.  0, or -1 with a one-line reason in why (an empty or unknown name). */
int objlist_kinds_parse(const char *list, unsigned *kinds, char *why, size_t whylen);

/* A process holding an object. */
struct objlist_holder {
	pid_t pid;
	uid_t uid;        /* the process's owner (of /proc/PID) */
	char comm[16];    /* /proc/PID/comm */
	unsigned maps_rw; /* its read-write mappings of the object */
	unsigned maps_ro; /* its read-only mappings */
	unsigned fds;     /* its file descriptors open on the object */
};

#define OBJLIST_NAME_MAX 256 /* NAME_MAX + 1 */

/* What a process blocked on an IPC object is waiting for, as its
 * /proc/PID/syscall says (objlist_scan()). */
enum objlist_wait_op {
	OBJLIST_WAIT_SEM,    /* semop(), semtimedop(): a set (sysv-sem) */
	OBJLIST_WAIT_MSGRCV, /* msgrcv(): a message on a queue (sysv-msg) */
	OBJLIST_WAIT_MSGSND, /* msgsnd(): room on a full queue (sysv-msg) */
	OBJLIST_WAIT_MQRCV,  /* mq_timedreceive(): a message (mqueue) */
	OBJLIST_WAIT_MQSND,  /* mq_timedsend(): room (mqueue) */
	OBJLIST_WAIT_FUTEX,  /* futex() on a word in a shared mapping of an object */
};

/* A process blocked on an object, as a scan found it.  The object is named
 * as rows name it (kind, dev, ino: a set's semid or a queue's msqid in ino;
 * a futex's object by its mapping's identity, a SysV segment's shmid in
 * ino), and only when it is one of the viewer's: a syscall argument is an
 * id in the process's IPC namespace, so a waiter of another namespace, or
 * one on an id /proc/sysvipc does not list, is not a waiter of any row. */
struct objlist_wait {
	pid_t pid;
	uid_t uid;     /* the process's owner */
	char comm[16]; /* /proc/PID/comm */
	enum objlist_wait_op op;
	enum objlist_kind kind;
	uint64_t dev, ino;
	int semnum, semop; /* OBJLIST_WAIT_SEM: the first operation's semaphore and
			    * sem_op when it could be read (root), else -1 and 0 */
	uint64_t offset;   /* OBJLIST_WAIT_FUTEX: the word's offset in the object */
	int64_t since_ns;  /* the first scan that saw it waiting so (CLOCK_REALTIME):
			    * it has waited at least since then */
};

/* Where a posix or sem row's name is.  Only a direct entry of the viewer's
 * /dev/shm, on /dev/shm's own device, is removable by name: a path seen in
 * a process's maps or fds is that process's, and names another file when
 * it lives in another mount namespace (its own /dev/shm, bind mounts) or
 * goes through a sub-folder (a symlink swapped in for it). */
enum objlist_place {
	OBJLIST_IN_DEVSHM,    /* an entry of the viewer's /dev/shm (or not a named kind) */
	OBJLIST_OTHER_MNTNS,  /* seen only in processes of another mount namespace */
	OBJLIST_SUBFOLDER,    /* below a sub-folder of /dev/shm */
	OBJLIST_OTHER_DEVICE, /* an entry of /dev/shm on another device (a mount on it) */
	OBJLIST_NOT_LISTED,   /* seen in a process, not in /dev/shm (gone since the scan) */
};

/* Why a row in place p is not removable by name ("seen in another mount
 * namespace", ...), or NULL for OBJLIST_IN_DEVSHM. */
const char *objlist_place_why(enum objlist_place p);

struct objlist_row {
	enum objlist_kind kind;
	/* posix, sem, deleted: the name in /dev/shm; memfd: the name given to
	 * memfd_create() (after "memfd:"); file: its absolute path, followed
	 * by " (deleted)" when the file was unlinked while mapped (maps said
	 * so); sysv: "".  The kernel's bytes: may hold spaces, newlines or
	 * invalid UTF-8, never NUL, and '/' only in a file's path. */
	char name[OBJLIST_NAME_MAX];
	uint64_t dev, ino;  /* identity as maps show it; sysv: ino is the shmid, dev 0;
			     * sysv-sem, sysv-msg: ino is the semid or msqid, dev 0 */
	uint64_t ipcns;     /* sysv: 0 for a segment of the viewer's IPC namespace; for one
			     * only its holders' maps show, in another namespace (a
			     * container's), that namespace (/proc/PID/ns/ipc's inode):
			     * its shmid means nothing here, so it cannot be removed
			     * or opened from here */
	uint64_t size;      /* bytes; sysv-msg: the bytes on the queue (cbytes); sysv-sem 0 */
	uint64_t resident;  /* bytes in memory: sysv rss, others st_blocks * 512 */
	uint64_t swap;      /* sysv: bytes swapped out; others 0 */
	bool have_resident; /* sysv without the kernel's rss column: false */
	uid_t uid;
	gid_t gid;
	unsigned mode;            /* permission bits (mode & 0777) */
	int64_t mtime;            /* last change, seconds: sysv ctime, others st_mtime */
	struct sysvipc_shm shm;   /* sysv: the segment; zero for other kinds */
	struct sysvipc_ipc ipc;   /* sysv-sem, sysv-msg: the set or queue; zero for others */
	bool lock_orphan;         /* sysv-sem, OBJLIST_ORPHANS: a writer's lock (writerlock.h)
				   * whose segment is gone, not held: an orphan */
	size_t holder0, nholders; /* its holders: holders[holder0 .. holder0 + nholders) of
				   * the object list, pid ascending; 0 before any scan */
	size_t wait0, nwaits;     /* the processes blocked on it: waits[wait0 .. wait0 +
				   * nwaits) of the object list, pid ascending */
	bool orphan;              /* see OBJLIST_ORPHANS */
	bool holders_unknown;     /* a scan found no holder, but could not read every
				   * process (scan_hidden, as a user other than root):
				   * held or not, nobody knows (a posix object, a
				   * semaphore, or a sysv segment with nattch > 0);
				   * never an orphan */
	enum objlist_place place; /* posix and sem: removable by name only in
				   * OBJLIST_IN_DEVSHM; mqueue: OBJLIST_IN_DEVSHM for an
				   * entry of the viewer's mqueue mount (mqueue_dir),
				   * OBJLIST_NOT_LISTED for a queue known only from fds */
	bool have_qsize;          /* mqueue: size is QSIZE, read from its file (the mount's
				   * entry, or a holder's fd) */
	char owner[32];           /* user name of uid, or the uid */
	char command[64];         /* sysv: /proc/CPID/comm of the creator, "" if it is gone */
	bool command_read;        /* command is looked up (OBJLIST_COMMAND, objlist_commands()) */
	bool is_record;           /* snap holds a validated shmwriter record */
	bool writer_alive;        /* with is_record: proc_alive() of its writer */
	bool named;               /* a file of files_path (shmtop PATH) */
	bool folder;              /* file: a folder (shmtop DIR of a format kept in
				   * several files), name its path */
	const char *format;       /* OBJLIST_FORMATS: what s->format_of() made of its
				   * first bytes, "?" when they could not be read;
				   * NULL: not looked at (a semaphore, memfd, deleted
				   * object or folder; a SysV segment without
				   * OBJLIST_RECORDS) */
	struct shmtop_snapshot snap;
};

struct objlist_totals {
	size_t objects;
	uint64_t bytes;    /* sum of sizes */
	uint64_t resident; /* sum of resident bytes */
};

/* Count an object of size and resident bytes in t; a sum that would pass
 * UINT64_MAX stops there and sets *saturated (sysvipc_sum()). */
void objlist_add_total(struct objlist_totals *t, uint64_t size, uint64_t resident, bool *saturated);

/* One holder of one object, as a scan found it in a process's maps and
 * fds: joining scans with the cheap reads is objlist_collect()'s
 * business.  name is as objlist_scan_ref's, kept by the object list (seen_names). */
struct objlist_seen {
	enum objlist_kind kind; /* sysv, memfd, mqueue, or posix for any /dev/shm object
				 * (collect tells posix, sem and deleted apart) */
	uint64_t dev, ino;      /* sysv: dev the process's IPC namespace (the inode of
				 * /proc/PID/ns/ipc), ino the shmid */
	key_t key;              /* sysv: the key its maps name */
	const char *name;
	bool deleted;            /* its path said " (deleted)" */
	bool have_stat;          /* the fields below are from fstat (an fd, or a
				  * map_files entry as root) */
	uint64_t size, resident; /* without have_stat: the mapping's extent, resident 0 */
	uid_t uid;
	gid_t gid;
	unsigned mode;
	int64_t mtime;
	bool have_qsize; /* mqueue: size is QSIZE, read through the fd */
	uint64_t mntns;  /* the process's mount namespace (/proc/PID/ns/mnt's inode), 0
			  * if it may not be read */
	struct objlist_holder h;
};

#define OBJLIST_WAIT_GROUPS 32 /* a waiter's supplementary groups kept (Groups:) */

/* A process a scan found blocked on an object: a claim, until collect has
 * checked it against the rows (objlist_wait_join(), objlist_wait.h).  It
 * is a waiter only if the process was asleep (S or D, not traced) while
 * its syscall line was read twice the same; for a SysV id, if it is of the
 * viewer's IPC namespace and /proc/sysvipc lists it; for a set or a queue,
 * if the kernel's ipcperms() would let it (CAP_IPC_OWNER; else mode's
 * owner bits for an euid of uid or cuid, group bits for an fsgid or group
 * of gid or cgid, the others' bits otherwise; read for semop() and
 * msgrcv(), write for msgsnd() and a semop() that alters).  w's kind is
 * OBJLIST_SYSV (a futex in a segment, ino its shmid), OBJLIST_SYSV_SEM,
 * OBJLIST_SYSV_MSG, OBJLIST_MQUEUE, or OBJLIST_POSIX for an object known
 * by its device and inode (a futex in a mapping of a /dev/shm object, a
 * memfd or a file); SysV ids with dev 0. */
struct objlist_wait_seen {
	struct objlist_wait w;
	uint64_t ipcns;     /* the process's IPC namespace (/proc/PID/ns/ipc's inode) */
	uint64_t starttime; /* its start time (procstat.h): (pid, starttime) is the process */
	uid_t euid;         /* /proc/PID/status Uid: (effective) */
	gid_t fsgid;        /* Gid: (file system: the kernel's in_group_p() checks it) */
	bool ipc_owner;     /* CapEff: holds CAP_IPC_OWNER */
	unsigned ngroups;   /* groups[0 .. ngroups): its first OBJLIST_WAIT_GROUPS groups */
	gid_t groups[OBJLIST_WAIT_GROUPS];
};

struct pairs_names;

struct objlist {
	struct objlist_row *rows; /* caller's array of max rows */
	size_t max;
	bool grow;    /* rows is malloc'd (or NULL, max 0) and collect grows it
		       * (realloc, max updated) rather than truncate: one pass
		       * however many objects there are; the caller frees rows */
	size_t n;     /* rows filled */
	size_t total; /* objects found, of every kind (> n if truncated) */
	bool truncated;
	struct sysvipc_result res; /* the SysV part; res.totals cover the whole host */
	struct sysvipc_limits limits;
	uint64_t page_size;
	int64_t wall_ns;        /* when it was taken (CLOCK_REALTIME) */
	enum sysvipc_sort sort; /* as objlist_sort() left it */
	bool reverse;
	struct record_budget budget; /* retry time of the records' reads (OBJLIST_RECORDS):
				      * RECORD_BUDGET_NS at each collect, for its reads and
				      * an output's after it */

	struct objlist_totals kinds[OBJLIST_NKINDS]; /* over every object found */
	struct objlist_totals orphans;
	bool saturated;   /* a sum of kinds, orphans or res.totals stopped at UINT64_MAX:
			   * one that says UINT64_MAX is at least that */
	bool have_devshm; /* statvfs of /dev/shm worked */
	uint64_t devshm_size, devshm_used; /* bytes */

	/* The last scan of /proc (objlist_scan()), kept from one collect to
	 * the next; owned by the object list (objlist_free()). */
	struct objlist_seen *seen;
	size_t nseen;
	bool scanned;       /* a scan has run: holders and orphans of posix objects are known */
	int64_t scan_ns;    /* when it ran (CLOCK_REALTIME) */
	size_t scan_procs;  /* processes it read */
	uint64_t own_ipcns; /* the viewer's IPC namespace */
	uint64_t own_mntns; /* the viewer's mount namespace */
	size_t scan_hidden; /* processes whose maps or fds it may not read (another
			     * user's, as non-root; pid 1 in some sandboxes): what they
			     * hold is unknown, so a screen says how many there are
			     * beside the orphans */

	/* Mappings and fds the scan left out: it keeps at most scan_max
	 * (object, process) pairs (pairs.h); past them, objects only a scan
	 * finds are missing and the holders of the others incomplete, so a
	 * screen says so, and no posix object is taken for an orphan. */
	size_t scan_dropped;
	struct pairs_names *seen_names; /* the names seen points at (pairs.h) */
	bool scan_running; /* a screen's next scan is under way in its thread (objlist_scanner.h) */
	/* The holders of the rows, in row order (rebuilt by every collect). */
	struct objlist_holder *holders;
	size_t nholders, maxholders;
	/* The processes the last scan found blocked on an object of the
	 * viewer's IPC namespace, by object (kind, dev, ino) then pid; rows
	 * point into it (wait0, nwaits).  Owned by the object list, moved by
	 * objlist_take_scan(). */
	struct objlist_wait *waits;
	size_t nwaits;
	size_t blocked; /* processes among them ("N processes blocked on IPC") */
	/* What the last scan found blocked, before collect checks each claim
	 * (objlist_wait.h): by object, then pid; owned by the object list,
	 * moved by objlist_take_scan() with the rest of the scan. */
	struct objlist_wait_seen *wseen;
	size_t nwseen;

	/* The viewer's mqueue mount (objlist_mqueue.h), found by each collect
	 * with OBJLIST_MQUEUE: have_mqueue false when none is mounted (queues
	 * are then known only from their holders' fds). */
	bool have_mqueue;
	bool mqueue_proven; /* a queue there is the one mq_open() opens */
	char mqueue_dir[256];
	uint64_t mqueue_dev;
	const char *mountinfo_path; /* NULL: /proc/self/mountinfo */

	/* Where to read; NULL: the kernel's (/proc/sysvipc/shm, /dev/shm, /proc). */
	const char *sysvipc_path;
	const char *sysvsem_path; /* NULL: /proc/sysvipc/sem */
	const char *sysvmsg_path; /* NULL: /proc/sysvipc/msg */
	const char *devshm_dir;
	const char *proc_dir;
	const char *files_root; /* prefixed to the known places of files (tests); NULL: "" */
	const char *files_path; /* a file, or a folder of files, named by the user (shmtop
				 * PATH): its regular files are rows, marked named, whoever
				 * maps them; NULL: none */
	const struct sysvdev *sysv_devs; /* NULL: sysvdev_kernel() */
	size_t scan_max;                 /* the scan's cap on pairs; 0: PAIRS_MAX */
	const _Atomic bool *scan_cancel; /* when set, a scan gives up (-1, ECANCELED) */
	/* OBJLIST_FORMATS: the name of the format of an object of size bytes
	 * whose first n (at most OBJLIST_HEAD) are head (decode_format_of());
	 * a string that outlives the list.  NULL: no row's format is read. */
	const char *(*format_of)(const unsigned char *head, size_t n, uint64_t size);
};

#define OBJLIST_HEAD 64 /* bytes of an object format_of() is given */

/* ">=" before a sum v of s's that stopped at UINT64_MAX (s->saturated), else
 * "": what the heading and the summary put before a total. */
static inline const char *objlist_at_least(const struct objlist *s, uint64_t v)
{
	return s->saturated && v == UINT64_MAX ? ">=" : "";
}

/* What objlist_collect() reads besides /proc/sysvipc/shm. */
enum {
	OBJLIST_NAMES = 1u << 0,   /* owner names (names.h) */
	OBJLIST_COMMAND = 1u << 1, /* the creator's command, when it is still that process */
	OBJLIST_RECORDS = 1u << 2, /* read shmwriter records: attaches (SHM_RDONLY, briefly)
				    * the segments of a record's size that this user may
				    * read, which moves their nattch, atime, dtime and lpid */
	OBJLIST_LIMITS = 1u << 3,  /* the host's limits (/proc/sys/kernel/shm*); without it
				    * s->limits is left as it was */
	OBJLIST_DEVSHM = 1u << 4,  /* /dev/shm: posix and sem objects, and its statvfs */
	OBJLIST_ORPHANS = 1u << 5, /* flag orphans: a sysv segment with nattch 0, not dest,
				    * whose creator is gone (a /proc read per such segment);
				    * a posix object, semaphore or file that no process maps
				    * or holds open (known only after a scan that read every
				    * process: see scan_hidden, holders_unknown); a writer's
				    * lock set whose segment is gone (lock_orphan); a set
				    * or queue nothing has in use: no process waits on it
				    * (a set's ncount and zcount 0; a queue's waiters
				    * known from a full scan) and every process that last
				    * used it (a set's sempids, a queue's LSPID and LRPID)
				    * is gone or started after that use; never used,
				    * only when no process of its creator's user runs
				    * (root's view); a set on a segment's key goes with
				    * the segment; unknown (no read permission, a set of
				    * more than 32 semaphores) is no */
	OBJLIST_FILES = 1u << 6,   /* the files of the known places (objlist_files.h) */
	OBJLIST_FORMATS = 1u << 7, /* each row's format (s->format_of): the first
				    * OBJLIST_HEAD bytes of posix objects and files,
				    * opened as objlist_files_open_at() opens them (a
				    * file's folders each O_NOFOLLOW); with
				    * OBJLIST_RECORDS, of every SysV segment this user
				    * may read (an attach) */
	OBJLIST_SYSVSEM = 1u << 8, /* the semaphore sets (/proc/sysvipc/sem) */
	OBJLIST_SYSVMSG = 1u << 9, /* the message queues (/proc/sysvipc/msg) */
	/* the POSIX message queues of the viewer's mqueue mount (objlist_mqueue.h);
	 * a queue is a row from its holders' fds too, without it or with no
	 * mount; an orphan by the posix rule */
	OBJLIST_MQUEUES = 1u << 10,
	OBJLIST_ALL = OBJLIST_NAMES | OBJLIST_COMMAND | OBJLIST_LIMITS | OBJLIST_DEVSHM |
		      OBJLIST_ORPHANS | OBJLIST_FILES | OBJLIST_SYSVSEM | OBJLIST_SYSVMSG |
		      OBJLIST_MQUEUES,
};

/* The name a segment of another IPC namespace (r->ipcns) is shown by, in
 * buf: "ipc:[NS] shmid ID", the namespace and its shmid there. */
char *objlist_foreign_name(const struct objlist_row *r, char *buf, size_t len);

/* The row of the regular file or folder open on fd at path (shmtop PATH):
 * kind file, named, folder for a folder, its fields from fstat, the
 * owner's name.  0, or -1 (neither, or a path longer than a row's name). */
int objlist_file_row(int fd, const char *path, struct objlist_row *r);

/* Fill s (rows and max set by the caller; the rest zeroed before the first
 * call) with every object of the kinds flags ask for, joined with the last
 * scan: sysv, then posix and sem, then memfd and deleted from the scan,
 * then the semaphore sets and message queues (a file of them that cannot
 * be read gives none).  0, or -1 with errno if /proc/sysvipc/shm cannot be
 * read. */
int objlist_collect(struct objlist *s, unsigned flags);

/* Scan /proc/PID/maps and /proc/PID/fd of every process for shared memory
 * objects (the slow part: not every tick); the next collect joins it.
 * Processes this user may not read are skipped, and counted.  0, or -1
 * with errno (out of memory, no /proc). */
int objlist_scan(struct objlist *s);

/* Did the last scan leave holders and waiters unknown: processes it could
 * not read, as a user other than root (another user's)?  What root cannot
 * read is a sandbox's own agent (pid 1 here), not a holder hidden by
 * permissions: root's verdict stands. */
bool objlist_scan_partial(const struct objlist *s);

/* Move the result of a scan on from (the pairs and the scan_ fields) into
 * to, in place of its last; from is left unscanned.  Nothing if from has
 * not been scanned. */
void objlist_take_scan(struct objlist *to, struct objlist *from);

/* The order objlist_scan() leaves s->seen in (for qsort): sysv first,
 * then by device, inode and pid. */
int objlist_seen_compare(const void *a, const void *b);

/* Free what the object list owns (not the rows); s can be collected again. */
void objlist_free(struct objlist *s);

/* Does r contain text (as a plain substring, case-insensitive in ASCII) in
 * its key (0x%08x), shmid (a set's semid, a queue's msqid), name, owner,
 * kind or command?  "" matches all. */
bool objlist_match(const struct objlist_row *r, const char *text);

/* Does hay hold needle, ASCII letters in any case ("" is in every one)? */
bool objlist_contains(const char *hay, const char *needle);

/* Is k a semaphore set's or a message queue's kind (sysv-sem, sysv-msg)? */
static inline bool objlist_kind_ipc(enum objlist_kind k)
{
	return k == OBJLIST_SYSV_SEM || k == OBJLIST_SYSV_MSG;
}

/* Is r of one of kinds (1 << kind each, as objlist_kinds_parse() gives)?
 * 0 is every kind. */
bool objlist_kind_in(const struct objlist_row *r, unsigned kinds);

/* The row of rows[0..n) that is the same object as r (kind and identity:
 * shmid, name or device and inode), or n. */
size_t objlist_find(const struct objlist_row *rows, size_t n, const struct objlist_row *r);

/* Remove the object r names, if it is still that object: sysv by IPC_RMID
 * on its shmid if its key and ctime are still the listed ones; posix and
 * sem by unlinkat() of its name in /dev/shm (opened once, without
 * following a symlink), if the name is a direct entry there (place
 * OBJLIST_IN_DEVSHM) that is still a regular file of the listed device
 * and inode, on /dev/shm's own device; mqueue the same way in the
 * viewer's mqueue mount (an entry "NAME" of row "/NAME"); a semaphore set
 * or message queue by IPC_RMID on its id if its key and ctime are still
 * the listed ones (IPC_STAT, or /proc/sysvipc without read permission: a
 * removed id can be given to a new object).  memfd and deleted objects
 * have no name to remove.  0, or -1 with a one-line reason in why (EPERM: the owner and
 * this user's uid). */
int objlist_remove(const struct objlist *s, const struct objlist_row *r, char *why, size_t whylen);

/* Look up the creator's command of rows [from, to) not looked up yet: two
 * /proc reads a row, so a screen asks for the rows it shows, not all. */
void objlist_commands(struct objlist *s, size_t from, size_t to);

/* Sort the rows (sysvipc_sort()'s keys over every kind, stable) and
 * remember how. */
void objlist_sort(struct objlist *s, enum sysvipc_sort by, bool reverse);

#endif
