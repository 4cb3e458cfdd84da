/*
 * udpping server | udpping client SERVER COUNT: the client sends COUNT
 * numbered datagrams to SERVER:7777 on a connected UDP socket, one at a
 * time, and waits up to 50 ms for each echo (poll); a lost datagram or
 * echo is a timeout. It prints what came back and the round trip. If no
 * server runs there, the ICMP port unreachable the host answers with
 * makes the next receive fail with ECONNREFUSED.
 *
 * Port 7777 is one that Wireshark dissects as no protocol, so a capture
 * (ipcsim run --pcap) shows the datagrams' text as data; on a well-known
 * port (5353, mDNS) it would show them as malformed packets.
 */
#include "net.h"
#include <poll.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "server")) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in a = addr("0.0.0.0", 7777);
		if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
			die("bind");
		for (;;) {
			char buf[64];
			struct sockaddr_in from;
			socklen_t len = sizeof from;
			int n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
			if (n < 0)
				die("recvfrom");
			sendto(fd, buf, n, 0, (struct sockaddr *)&from, len);
		}
	}
	if (argc < 4) {
		printf("usage: udpping server | udpping client SERVER COUNT\n");
		return 2;
	}
	struct sockaddr_in a = addr(argv[2], 7777);
	int count = atoi(argv[3]), fd = socket(AF_INET, SOCK_DGRAM, 0), lost = 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect");
	for (int i = 1; i <= count; i++) {
		char out[32], in[32];
		int n = snprintf(out, sizeof out, "ping %d", i);
		long t0 = now_ns();
		if (send(fd, out, n, 0) < 0)
			die("send");
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 50) == 0) {
			printf("client: %s: no answer in 50 ms\n", out);
			lost++;
			continue;
		}
		int r = recv(fd, in, sizeof in - 1, 0);
		if (r < 0) {
			printf("client: %s: recv: %s\n", out, strerror(errno));
			return 1;
		}
		in[r] = 0;
		printf("client: \"%s\" back in %ld us\n", in, (now_ns() - t0) / 1000);
	}
	printf("client: %d of %d lost\n", lost, count);
	return 0;
}
