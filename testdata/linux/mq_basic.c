/*
 * mq_basic: mq_open(2) creation, names, attributes, and mq_getsetattr(2).
 *
 * mq_open(3): "Each message queue is identified by a name of the form
 *   /somename; that is, a null-terminated string of up to NAME_MAX (i.e., 255)
 *   characters consisting of an initial slash, followed by one or more
 *   characters, none of which are slashes." The raw system call takes the name
 *   without its leading slash (the C library strips it); see rt.h mq_name().
 * mq_open(3) errors: EEXIST "Both O_CREAT and O_EXCL were specified in oflag,
 *   but a queue with this name already exists." ENOENT "The O_CREAT flag was
 *   not specified in oflag, and no queue with this name exists." EACCES "name
 *   contained more than one slash." ENAMETOOLONG "name was too long." EINVAL
 *   "O_CREAT was specified in oflag, and attr was not NULL, but
 *   attr->mq_maxmsg or attr->mq_msqsize was invalid. Both of these fields must
 *   be greater than zero. In a process that is unprivileged (does not have the
 *   CAP_SYS_RESOURCE capability), attr->mq_maxmsg must be less than or equal to
 *   the msg_max limit, and attr->mq_msgsize must be less than or equal to the
 *   msgsize_max limit." EACCES "The queue exists, but the caller does not have
 *   permission to open it in the specified mode."
 * mq_open(3): "If attr is NULL, then the queue is created with
 *   implementation-defined default attributes" (mq_overview(7): msg_default
 *   10, msgsize_default 8192). "If O_CREAT is specified in oflag [for an
 *   existing queue] ... attr [is] ignored".
 * mq_getattr(3): mq_flags (0 or O_NONBLOCK), mq_maxmsg, mq_msgsize,
 *   mq_curmsgs; "The only attribute that can be modified is the setting of
 *   the O_NONBLOCK flag in mq_flags. The other fields in newattr are
 *   ignored." mq_setattr returns the old attributes in oldattr.
 * mq_unlink(3) ENOENT: "There is no message queue with the given name."
 *
 * The limit checks for an unprivileged process run in a child at uid 65534:
 * the recording host's root has no CAP_SYS_RESOURCE (README.md), and a
 * privileged process's limits (HARD_MSGMAX, HARD_MSGSIZEMAX) are not recorded.
 */
#include "rt/rt.h"

static const char NAME[] = "/ipcsim-mq-basic";
static const char NAME2[] = "/ipcsim-mq-basic2";
static char longname[300];

static void show_attr(const char *label, int fd)
{
	struct mq_attr a;
	memset(&a, 0xff, sizeof a);
	long r = sys_mq_getsetattr(fd, 0, &a);
	print(label);
	print(": ");
	if (r < 0) {
		print_dec(r);
		print("\n");
		return;
	}
	print("flags ");
	print_hex(a.mq_flags);
	print(" maxmsg ");
	print_dec(a.mq_maxmsg);
	print(" msgsize ");
	print_dec(a.mq_msgsize);
	print(" curmsgs ");
	print_dec(a.mq_curmsgs);
	print("\n");
}

static long create(const char *slashed, long maxmsg, long msgsize)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = maxmsg;
	a.mq_msgsize = msgsize;
	return sys_mq_open(mq_name(slashed), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
}

int main(void)
{
	sys_mq_unlink(mq_name(NAME));
	sys_mq_unlink(mq_name(NAME2));

	long fd = create(NAME, 4, 64);
	say_yes("mq_open O_CREAT|O_EXCL maxmsg 4 msgsize 64", fd >= 0);
	show_attr("attr", fd);
	say_dec("O_CREAT|O_EXCL again", create(NAME, 4, 64));

	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 9;
	a.mq_msgsize = 9;
	long fd2 = sys_mq_open(mq_name(NAME), O_RDWR | O_CREAT, 0600, &a);
	say_yes("O_CREAT on an existing name opens it", fd2 >= 0);
	show_attr("attr (the new attr ignored)", fd2);
	long fd3 = sys_mq_open(mq_name(NAME), O_RDONLY, 0, 0);
	say_yes("open without O_CREAT", fd3 >= 0);
	sys_close(fd2);
	sys_close(fd3);

	say_dec("missing name without O_CREAT", sys_mq_open(mq_name(NAME2), O_RDWR, 0, 0));
	say_dec("mq_unlink of a missing name", sys_mq_unlink(mq_name(NAME2)));
	say_dec("name with a further '/'", create("/ipcsim-mq/basic", 4, 64));
	say_dec("name \"/\" alone (empty)", create("/", 4, 64));

	/* 255 characters after the slash are allowed, 256 are not */
	longname[0] = '/';
	memset(longname + 1, 'q', 256);
	longname[257] = 0;
	say_dec("name of 256 characters", create(longname, 4, 64));
	longname[256] = 0;
	long lf = create(longname, 4, 64);
	say_yes("name of 255 characters", lf >= 0);
	sys_close(lf);
	say_dec("mq_unlink it", sys_mq_unlink(mq_name(longname)));

	/* attributes */
	say_dec("maxmsg 0", create(NAME2, 0, 64));
	say_dec("msgsize 0", create(NAME2, 4, 0));
	say_dec("maxmsg -1", create(NAME2, -1, 64));
	say_dec("msgsize -1", create(NAME2, 4, -1));
	long d = sys_mq_open(mq_name(NAME2), O_RDWR | O_CREAT | O_EXCL, 0600, 0);
	say_yes("attr NULL", d >= 0);
	show_attr("default attr", d);
	sys_close(d);
	sys_mq_unlink(mq_name(NAME2));

	/* mq_getsetattr: only O_NONBLOCK changes; the old values come back */
	memset(&a, 0, sizeof a);
	a.mq_flags = O_NONBLOCK;
	a.mq_maxmsg = 100;
	a.mq_msgsize = 100;
	struct mq_attr o;
	memset(&o, 0xff, sizeof o);
	say_dec("mq_getsetattr set O_NONBLOCK", sys_mq_getsetattr(fd, &a, &o));
	say_hex("old flags", o.mq_flags);
	say_dec("old maxmsg", o.mq_maxmsg);
	show_attr("attr", fd);
	a.mq_flags = 0;
	say_dec("mq_getsetattr clear O_NONBLOCK (no oldattr)", sys_mq_getsetattr(fd, &a, 0));
	show_attr("attr", fd);
	a.mq_flags = O_NONBLOCK | 1;
	say_dec("mq_getsetattr flags other than O_NONBLOCK", sys_mq_getsetattr(fd, &a, 0));
	say_dec("mq_getsetattr on stdout (not a queue)", sys_mq_getsetattr(1, 0, &o));
	say_dec("mq_getsetattr on a closed fd", sys_mq_getsetattr(50, 0, &o));

	/* an unprivileged process: the limits and the permission bits */
	long c = sys_fork();
	if (c == 0) {
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		say_dec("child: open root's 0600 queue", sys_mq_open(mq_name(NAME), O_RDONLY, 0, 0));
		say_dec("child: maxmsg 11 (> msg_max 10)", create(NAME2, 11, 64));
		say_dec("child: msgsize 8193 (> msgsize_max 8192)", create(NAME2, 4, 8193));
		long cf = create(NAME2, 10, 8192);
		say_yes("child: maxmsg 10 msgsize 8192", cf >= 0);
		show_attr("child: attr", cf);
		sys_close(cf);
		say_dec("child: mq_unlink", sys_mq_unlink(mq_name(NAME2)));
		sys_exit_group(0);
	}
	int st;
	sys_wait4(c, &st, 0, 0);
	say_status("child", st);

	say_dec("close", sys_close(fd));
	say_dec("mq_unlink", sys_mq_unlink(mq_name(NAME)));
	say_dec("open after mq_unlink", sys_mq_open(mq_name(NAME), O_RDWR, 0, 0));
	return 0;
}
