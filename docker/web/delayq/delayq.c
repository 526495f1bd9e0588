/*
 * chaos-delayq: the delay fault's packet holder (src/faults/delay.ts). It binds NFQUEUE queue
 * NUM, holds every packet the kernel queues for LATENCY ms plus a uniform random 0..JITTER ms
 * (from SEED), then accepts it. With no jitter the release times rise with arrival, so packets
 * leave in arrival order; only jitter reorders them.
 *
 *   chaos-delayq -q NUM -l LATENCY_MS [-j JITTER_MS] [-s SEED] [-p PIDFILE]
 *
 * One thread: a ppoll on the netlink socket with a timeout to the next release. Packets are
 * copied as metadata only (their id is all a verdict needs). The pidfile is written once the
 * queue is bound, so whoever starts it can wait for it before sending packets to the queue.
 * SIGTERM or SIGINT: every held packet (and every one still waiting on the socket) is accepted
 * at once, the pidfile removed, exit 0.
 * Exit 2: bad arguments; exit 1: netlink or system failure (message on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define QUEUE_MAXLEN 65536
#define RCVBUF_BYTES (8 * 1024 * 1024)

struct held {
	uint64_t release_ns;
	uint64_t seq;
	uint32_t id;
};

/* A binary min-heap of held packets by (release time, arrival). */
static struct held *heap;
static size_t heap_len, heap_cap;
static uint64_t arrivals;

static uint64_t latency_ns, jitter_ns, rng_state;
static volatile sig_atomic_t stopping;

static void on_signal(int sig) { (void)sig; stopping = 1; }

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: a seeded, reproducible stream. */
static uint64_t next_random(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int before(const struct held *a, const struct held *b)
{
	return a->release_ns < b->release_ns || (a->release_ns == b->release_ns && a->seq < b->seq);
}

static int heap_push(struct held h)
{
	if (heap_len == heap_cap) {
		size_t cap = heap_cap ? heap_cap * 2 : 1024;
		struct held *grown = realloc(heap, cap * sizeof *heap);
		if (!grown)
			return -1;
		heap = grown;
		heap_cap = cap;
	}
	size_t i = heap_len++;
	while (i > 0 && before(&h, &heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = h;
	return 0;
}

static struct held heap_pop(void)
{
	struct held top = heap[0], last = heap[--heap_len];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && before(&heap[c + 1], &heap[c]))
			c++;
		if (!before(&heap[c], &last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (heap_len > 0)
		heap[i] = last;
	return top;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
		     void *data)
{
	(void)msg;
	(void)data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	if (!ph)
		return 0;
	uint32_t id = ntohl(ph->packet_id);
	uint64_t extra = jitter_ns ? next_random() % (jitter_ns + 1) : 0;
	struct held h = { now_ns() + latency_ns + extra, arrivals++, id };
	if (heap_push(h) < 0) {
		fprintf(stderr, "chaos-delayq: out of memory holding %zu packets: accepting now\n",
			heap_len);
		nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
	}
	return 0;
}

/* Accept every held packet due by `until` (UINT64_MAX: all of them). */
static void release(struct nfq_q_handle *qh, uint64_t until)
{
	while (heap_len > 0 && heap[0].release_ns <= until) {
		struct held h = heap_pop();
		if (nfq_set_verdict(qh, h.id, NF_ACCEPT, 0, NULL) < 0)
			fprintf(stderr, "chaos-delayq: verdict for packet %u: %s\n", h.id,
				strerror(errno));
	}
}

static int parse_ms(const char *text, uint64_t *ns)
{
	char *end;
	errno = 0;
	double ms = strtod(text, &end);
	if (errno || end == text || *end || ms < 0 || ms > 3600e3)
		return -1;
	*ns = (uint64_t)(ms * 1e6);
	return 0;
}

static int usage(const char *why)
{
	fprintf(stderr, "chaos-delayq: %s\nusage: chaos-delayq -q NUM -l LATENCY_MS [-j JITTER_MS] "
			"[-s SEED] [-p PIDFILE]\n", why);
	return 2;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		fprintf(stderr, "chaos-delayq: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Queue `queue` bound: metadata only, a long queue, fail-open when full; NULL on failure. */
static struct nfq_q_handle *bind_queue(struct nfq_handle *h, int queue)
{
	struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, on_packet, NULL);
	if (!qh) {
		fprintf(stderr, "chaos-delayq: cannot bind queue %d: %s\n", queue, strerror(errno));
		return NULL;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0 || nfq_set_queue_maxlen(qh, QUEUE_MAXLEN) < 0 ||
	    nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN) < 0) {
		fprintf(stderr, "chaos-delayq: configuring queue %d: %s\n", queue, strerror(errno));
		nfq_destroy_queue(qh);
		return NULL;
	}
	nfnl_rcvbufsiz(nfq_nfnlh(h), RCVBUF_BYTES);
	return qh;
}

/*
 * Hand every queued packet message waiting on the socket to on_packet; 0 once none is left, -1
 * on a socket failure.
 */
static int receive_all(struct nfq_handle *h, int fd)
{
	char buf[4096] __attribute__((aligned));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0)
			nfq_handle_packet(h, buf, (int)n);
		else if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		else if (errno == ENOBUFS)
			fprintf(stderr, "chaos-delayq: socket buffer overrun (fail-open accepts)\n");
		else if (errno != EINTR) {
			fprintf(stderr, "chaos-delayq: recv: %s\n", strerror(errno));
			return -1;
		}
	}
}

/* Receive and hold until a signal; 0 on a clean stop, -1 on a socket failure. */
static int run(struct nfq_handle *h, struct nfq_q_handle *qh, const sigset_t *unblocked)
{
	struct pollfd pfd = { .fd = nfq_fd(h), .events = POLLIN };
	while (!stopping) {
		struct timespec wait, *timeout = NULL;
		if (heap_len > 0) {
			uint64_t now = now_ns(), due = heap[0].release_ns;
			uint64_t left = due > now ? due - now : 0;
			wait.tv_sec = (time_t)(left / 1000000000u);
			wait.tv_nsec = (long)(left % 1000000000u);
			timeout = &wait;
		}
		int ready = ppoll(&pfd, 1, timeout, unblocked);
		if (ready < 0 && errno != EINTR) {
			fprintf(stderr, "chaos-delayq: poll: %s\n", strerror(errno));
			return -1;
		}
		if (ready > 0 && receive_all(h, pfd.fd) < 0)
			return -1;
		release(qh, now_ns());
	}
	/* Packets queued but not yet read would be dropped with the queue: read them first. */
	return receive_all(h, pfd.fd);
}

int main(int argc, char **argv)
{
	int queue = -1, opt;
	const char *pidfile = NULL;
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	char *end;
	while ((opt = getopt(argc, argv, "q:l:j:s:p:")) != -1) {
		switch (opt) {
		case 'q':
			queue = (int)strtol(optarg, &end, 10);
			if (*end || queue < 0 || queue > 65535)
				return usage("-q: a queue number 0..65535");
			break;
		case 'l':
			if (parse_ms(optarg, &latency_ns) < 0)
				return usage("-l: milliseconds, 0..3600000");
			break;
		case 'j':
			if (parse_ms(optarg, &jitter_ns) < 0)
				return usage("-j: milliseconds, 0..3600000");
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*end)
				return usage("-s: an unsigned integer");
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			return usage("unknown option");
		}
	}
	if (queue < 0 || optind != argc)
		return usage("-q is required, and no other arguments");
	rng_state = seed;

	/* Signals only interrupt ppoll: no race between the stop flag and a long wait. */
	sigset_t blocked, unblocked;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	struct nfq_handle *h = nfq_open();
	if (!h) {
		fprintf(stderr, "chaos-delayq: nfq_open: %s\n", strerror(errno));
		return 1;
	}
	struct nfq_q_handle *qh = bind_queue(h, queue);
	if (!qh || (pidfile && write_pidfile(pidfile) < 0)) {
		if (qh)
			nfq_destroy_queue(qh);
		nfq_close(h);
		return 1;
	}

	int rc = run(h, qh, &unblocked);
	release(qh, UINT64_MAX);
	nfq_destroy_queue(qh);
	nfq_close(h);
	if (pidfile)
		unlink(pidfile);
	return rc < 0 ? 1 : 0;
}
