/*
 * kafka-mock-broker: a long-running launcher around librdkafka's mock cluster
 * (rdkafka_mock.h, librdkafka >= 2.0) for local runs and tests.
 *
 *   kafka-mock-broker [--brokers N] [--topics FILE] [--bootstrap-file PATH]
 *                     [--control-port PORT] [--port-base PORT]
 *
 * - Creates a mock cluster of N brokers (ids 1..N) on 127.0.0.1.
 * - Creates every topic listed in FILE ("name partitions [key=value...] [local-only]"
 *   per line, '#' comments; the configs and the flag are ignored here).
 * - Writes the bootstrap string to PATH (atomically) and to stdout.
 * - Serves a line-based control protocol on 127.0.0.1:PORT (see usage()).
 * - Exits cleanly (status 0) on SIGTERM / SIGINT.
 *
 * Broker ports: librdkafka 2.0.2's mock has no API to choose listen ports, it
 * binds 127.0.0.1:0 (kernel-chosen). With --port-base P (> 0) this program
 * interposes bind(2) while the cluster is being created and maps those
 * port-0 loopback binds to P, P+1, ..., so brokers listen on fixed ports.
 * --port-base 0 (the default) keeps the kernel's random ports.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_CLIENTS 64
#define LINE_MAX_LEN 1024
#define MAX_TOPIC_LEN 249
#define MAX_ERR_COUNT 100000

/* ---------- bind(2) interposition for fixed broker ports ---------- */

static volatile int g_remap_active = 0;
static int g_remap_next_port = 0;

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
        if (g_remap_active && addr && addr->sa_family == AF_INET &&
            len >= (socklen_t)sizeof(struct sockaddr_in)) {
                const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
                if (in->sin_port == 0 &&
                    in->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
                        struct sockaddr_in fixed = *in;
                        fixed.sin_port = htons((uint16_t)g_remap_next_port++);
                        return (int)syscall(SYS_bind, fd,
                                            (const struct sockaddr *)&fixed,
                                            sizeof(fixed));
                }
        }
        return (int)syscall(SYS_bind, fd, addr, len);
}

/* ---------- helpers ---------- */

static void die(const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, "kafka-mock-broker: fatal: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n");
        exit(1);
}

static void logmsg(const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, "kafka-mock-broker: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n");
        fflush(stderr);
}

/* Parses a whole decimal integer in [min,max]; returns 0 on success. */
static int parse_long(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

static int valid_topic_name(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > MAX_TOPIC_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
                return 0;
        for (; *s; s++)
                if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' ||
                      *s == '-'))
                        return 0;
        return 1;
}

/* Kafka error code by number ("6") or by name ("NOT_LEADER_FOR_PARTITION"). */
static int parse_errcode(const char *s, rd_kafka_resp_err_t *out) {
        long v;
        const struct rd_kafka_err_desc *descs;
        size_t cnt, i;
        if (parse_long(s, -200, 1000, &v) == 0) {
                *out = (rd_kafka_resp_err_t)v;
                return 0;
        }
        rd_kafka_get_err_descs(&descs, &cnt);
        for (i = 0; i < cnt; i++)
                if (descs[i].name && !strcasecmp(descs[i].name, s)) {
                        *out = descs[i].code;
                        return 0;
                }
        return -1;
}

static const struct {
        const char *name;
        int key;
} api_names[] = {
    {"Produce", 0},        {"Fetch", 1},          {"ListOffsets", 2},
    {"Metadata", 3},       {"OffsetCommit", 8},   {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},   {"Heartbeat", 12},
    {"LeaveGroup", 13},    {"SyncGroup", 14},     {"DescribeGroups", 15},
    {"ListGroups", 16},    {"ApiVersions", 18},   {"CreateTopics", 19},
    {"DeleteTopics", 20},  {"InitProducerId", 22}, {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25}, {"EndTxn", 26},      {"TxnOffsetCommit", 28},
};

static int parse_apikey(const char *s, int16_t *out) {
        long v;
        size_t i;
        if (parse_long(s, 0, 32767, &v) == 0) {
                *out = (int16_t)v;
                return 0;
        }
        for (i = 0; i < sizeof(api_names) / sizeof(api_names[0]); i++)
                if (!strcasecmp(api_names[i].name, s)) {
                        *out = (int16_t)api_names[i].key;
                        return 0;
                }
        return -1;
}

/* ---------- topics file ---------- */

struct topic_spec {
        char name[MAX_TOPIC_LEN + 1];
        int partitions;
};

static struct topic_spec *read_topics(const char *path, int *cntp) {
        FILE *fp = fopen(path, "r");
        char line[LINE_MAX_LEN];
        struct topic_spec *specs = NULL;
        int cnt = 0, cap = 0, lineno = 0;
        if (!fp)
                die("cannot open topics file %s: %s", path, strerror(errno));
        while (fgets(line, sizeof(line), fp)) {
                char *hash, *name, *parts, *extra, *save = NULL;
                long p;
                int i;
                lineno++;
                if ((hash = strchr(line, '#')))
                        *hash = '\0';
                name = strtok_r(line, " \t\r\n", &save);
                if (!name)
                        continue;
                parts = strtok_r(NULL, " \t\r\n", &save);
                if (!valid_topic_name(name))
                        die("%s:%d: invalid topic name '%s'", path, lineno,
                            name);
                if (!parts || parse_long(parts, 1, 10000, &p))
                        die("%s:%d: expected 'name partitions' with "
                            "partitions in 1..10000",
                            path, lineno);
                /* Topic configs (key=value) and the local-only flag are for
                 * real clusters' topic job; the mock keeps neither. */
                while ((extra = strtok_r(NULL, " \t\r\n", &save)))
                        if (!strchr(extra, '=') && strcmp(extra, "local-only"))
                                die("%s:%d: unexpected '%s' (after the "
                                    "partitions: key=value or local-only)",
                                    path, lineno, extra);
                for (i = 0; i < cnt; i++)
                        if (!strcmp(specs[i].name, name))
                                die("%s:%d: duplicate topic '%s'", path, lineno,
                                    name);
                if (cnt == cap) {
                        cap   = cap ? cap * 2 : 16;
                        specs = realloc(specs, sizeof(*specs) * (size_t)cap);
                        if (!specs)
                                die("out of memory");
                }
                snprintf(specs[cnt].name, sizeof(specs[cnt].name), "%s", name);
                specs[cnt].partitions = (int)p;
                cnt++;
        }
        fclose(fp);
        *cntp = cnt;
        return specs;
}

static void write_file_atomic(const char *path, const char *content) {
        char tmp[4096];
        FILE *fp;
        if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
            (int)sizeof(tmp))
                die("bootstrap file path too long");
        if (!(fp = fopen(tmp, "w")))
                die("cannot write %s: %s", tmp, strerror(errno));
        fprintf(fp, "%s\n", content);
        if (fclose(fp) != 0)
                die("cannot write %s: %s", tmp, strerror(errno));
        if (rename(tmp, path) != 0)
                die("cannot rename %s to %s: %s", tmp, path, strerror(errno));
}

/* ---------- control protocol ---------- */

struct client {
        int fd;
        size_t len;
        char buf[LINE_MAX_LEN];
};

static rd_kafka_mock_cluster_t *g_mc;
static int g_broker_cnt;

static void reply(int fd, const char *fmt, ...) {
        char out[LINE_MAX_LEN + 64];
        va_list ap;
        int n;
        va_start(ap, fmt);
        n = vsnprintf(out, sizeof(out) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if (n > (int)sizeof(out) - 2)
                n = (int)sizeof(out) - 2;
        out[n++] = '\n';
        /* Best effort; a client that does not read its replies loses them. */
        (void)!send(fd, out, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static int broker_arg(int fd, const char *s, int32_t *id) {
        long v;
        if (parse_long(s, 1, g_broker_cnt, &v)) {
                reply(fd, "error broker id must be in 1..%d", g_broker_cnt);
                return -1;
        }
        *id = (int32_t)v;
        return 0;
}

static void reply_err(int fd, rd_kafka_resp_err_t err) {
        if (err)
                reply(fd, "error %s: %s", rd_kafka_err2name(err),
                      rd_kafka_err2str(err));
        else
                reply(fd, "ok");
}

/* Returns 1 when the client asked to close the connection. */
static int handle_command(int fd, char *line) {
        char *argv[8], *save = NULL, *tok;
        int argc = 0;
        int32_t id;
        long v;

        for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < 8;
             tok = strtok_r(NULL, " \t\r\n", &save))
                argv[argc++] = tok;
        if (argc == 0)
                return 0;
        logmsg("control: %s%s%s%s%s", argv[0], argc > 1 ? " " : "",
               argc > 1 ? argv[1] : "", argc > 2 ? " " : "",
               argc > 2 ? argv[2] : "");

#define NEED(n, usage)                                                         \
        do {                                                                   \
                if (argc != (n) + 1) {                                         \
                        reply(fd, "error usage: %s", usage);                   \
                        return 0;                                              \
                }                                                              \
        } while (0)

        if (!strcmp(argv[0], "ping")) {
                NEED(0, "ping");
                reply(fd, "ok");
        } else if (!strcmp(argv[0], "quit")) {
                reply(fd, "ok");
                return 1;
        } else if (!strcmp(argv[0], "bootstrap")) {
                NEED(0, "bootstrap");
                reply(fd, "ok %s", rd_kafka_mock_cluster_bootstraps(g_mc));
        } else if (!strcmp(argv[0], "broker-down")) {
                NEED(1, "broker-down ID");
                if (broker_arg(fd, argv[1], &id) == 0)
                        reply_err(fd, rd_kafka_mock_broker_set_down(g_mc, id));
        } else if (!strcmp(argv[0], "broker-up")) {
                NEED(1, "broker-up ID");
                if (broker_arg(fd, argv[1], &id) == 0)
                        reply_err(fd, rd_kafka_mock_broker_set_up(g_mc, id));
        } else if (!strcmp(argv[0], "rtt")) {
                NEED(2, "rtt ID MS");
                if (broker_arg(fd, argv[1], &id))
                        return 0;
                if (parse_long(argv[2], 0, 600000, &v)) {
                        reply(fd, "error MS must be in 0..600000");
                        return 0;
                }
                reply_err(fd, rd_kafka_mock_broker_set_rtt(g_mc, id, (int)v));
        } else if (!strcmp(argv[0], "request-errors")) {
                int16_t apikey;
                rd_kafka_resp_err_t code, *errs;
                long i;
                NEED(3, "request-errors APIKEY ERRCODE COUNT");
                if (parse_apikey(argv[1], &apikey)) {
                        reply(fd, "error unknown APIKEY '%s' (number or "
                                  "name such as Produce, Fetch, Metadata)",
                              argv[1]);
                        return 0;
                }
                if (parse_errcode(argv[2], &code)) {
                        reply(fd, "error unknown ERRCODE '%s' (number or "
                                  "name such as NOT_LEADER_FOR_PARTITION)",
                              argv[2]);
                        return 0;
                }
                if (parse_long(argv[3], 1, MAX_ERR_COUNT, &v)) {
                        reply(fd, "error COUNT must be in 1..%d",
                              MAX_ERR_COUNT);
                        return 0;
                }
                errs = malloc(sizeof(*errs) * (size_t)v);
                if (!errs) {
                        reply(fd, "error out of memory");
                        return 0;
                }
                for (i = 0; i < v; i++)
                        errs[i] = code;
                rd_kafka_mock_push_request_errors_array(g_mc, apikey,
                                                        (size_t)v, errs);
                free(errs);
                reply(fd, "ok");
        } else if (!strcmp(argv[0], "clear-request-errors")) {
                int16_t apikey;
                NEED(1, "clear-request-errors APIKEY");
                if (parse_apikey(argv[1], &apikey)) {
                        reply(fd, "error unknown APIKEY '%s'", argv[1]);
                        return 0;
                }
                rd_kafka_mock_clear_request_errors(g_mc, apikey);
                reply(fd, "ok");
        } else if (!strcmp(argv[0], "create-topic")) {
                NEED(2, "create-topic NAME PARTITIONS");
                if (!valid_topic_name(argv[1])) {
                        reply(fd, "error invalid topic name");
                        return 0;
                }
                if (parse_long(argv[2], 1, 10000, &v)) {
                        reply(fd, "error PARTITIONS must be in 1..10000");
                        return 0;
                }
                reply_err(fd, rd_kafka_mock_topic_create(g_mc, argv[1], (int)v,
                                                         1));
        } else if (!strcmp(argv[0], "leader")) {
                long part;
                NEED(3, "leader TOPIC PARTITION ID");
                if (parse_long(argv[2], 0, 10000, &part)) {
                        reply(fd, "error PARTITION must be in 0..10000");
                        return 0;
                }
                if (broker_arg(fd, argv[3], &id) == 0)
                        reply_err(fd, rd_kafka_mock_partition_set_leader(
                                          g_mc, argv[1], (int32_t)part, id));
        } else if (!strcmp(argv[0], "help")) {
                reply(fd,
                      "ok commands: ping | bootstrap | broker-down ID | "
                      "broker-up ID | rtt ID MS | request-errors APIKEY "
                      "ERRCODE COUNT | clear-request-errors APIKEY | "
                      "create-topic NAME PARTITIONS | leader TOPIC PARTITION "
                      "ID | quit");
        } else {
                reply(fd, "error unknown command '%s' (try: help)", argv[0]);
        }
        return 0;
#undef NEED
}

/* Fails loudly if 127.0.0.1:port cannot be bound (librdkafka would only
 * log and then abort in its clean-up path). */
static void check_port_free(int port) {
        struct sockaddr_in sin;
        int on = 1;
        int s  = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                die("socket: %s", strerror(errno));
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        memset(&sin, 0, sizeof(sin));
        sin.sin_family      = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin.sin_port        = htons((uint16_t)port);
        if (syscall(SYS_bind, s, (struct sockaddr *)&sin, sizeof(sin)) != 0)
                die("broker port 127.0.0.1:%d is not free: %s", port,
                    strerror(errno));
        close(s);
}

static int listen_control(int port) {
        struct sockaddr_in sin;
        int on = 1;
        int s  = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                die("control socket: %s", strerror(errno));
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        memset(&sin, 0, sizeof(sin));
        sin.sin_family      = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin.sin_port        = htons((uint16_t)port);
        if (syscall(SYS_bind, s, (struct sockaddr *)&sin, sizeof(sin)) != 0)
                die("cannot bind control port 127.0.0.1:%d: %s", port,
                    strerror(errno));
        if (listen(s, 16) != 0)
                die("listen on control port: %s", strerror(errno));
        return s;
}

static void serve(int listen_fd, int sig_fd) {
        struct client clients[MAX_CLIENTS];
        struct pollfd pfds[MAX_CLIENTS + 2];
        int i;

        for (i = 0; i < MAX_CLIENTS; i++)
                clients[i].fd = -1;

        for (;;) {
                int n = 0, r;
                pfds[n].fd       = sig_fd;
                pfds[n++].events = POLLIN;
                pfds[n].fd       = listen_fd;
                pfds[n++].events = POLLIN;
                for (i = 0; i < MAX_CLIENTS; i++) {
                        pfds[n].fd       = clients[i].fd; /* -1 is ignored */
                        pfds[n++].events = POLLIN;
                }
                r = poll(pfds, (nfds_t)n, -1);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        die("poll: %s", strerror(errno));
                }
                if (pfds[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
                                logmsg("received signal %u, shutting down",
                                       si.ssi_signo);
                        break;
                }
                if (pfds[1].revents & POLLIN) {
                        int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                        if (c >= 0) {
                                for (i = 0; i < MAX_CLIENTS; i++)
                                        if (clients[i].fd < 0)
                                                break;
                                if (i == MAX_CLIENTS) {
                                        reply(c, "error too many clients");
                                        close(c);
                                } else {
                                        clients[i].fd  = c;
                                        clients[i].len = 0;
                                }
                        }
                }
                for (i = 0; i < MAX_CLIENTS; i++) {
                        struct client *cl = &clients[i];
                        ssize_t got;
                        int close_it = 0;
                        char *nl;
                        if (cl->fd < 0 ||
                            !(pfds[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        got = recv(cl->fd, cl->buf + cl->len,
                                   sizeof(cl->buf) - 1 - cl->len, 0);
                        if (got <= 0) {
                                close(cl->fd);
                                cl->fd = -1;
                                continue;
                        }
                        cl->len += (size_t)got;
                        cl->buf[cl->len] = '\0';
                        while (!close_it && (nl = memchr(cl->buf, '\n', cl->len))) {
                                size_t used = (size_t)(nl - cl->buf) + 1;
                                *nl         = '\0';
                                close_it    = handle_command(cl->fd, cl->buf);
                                memmove(cl->buf, cl->buf + used, cl->len - used);
                                cl->len -= used;
                                cl->buf[cl->len] = '\0';
                        }
                        if (!close_it && cl->len >= sizeof(cl->buf) - 1) {
                                reply(cl->fd, "error line too long");
                                close_it = 1;
                        }
                        if (close_it) {
                                close(cl->fd);
                                cl->fd = -1;
                        }
                }
        }
        for (i = 0; i < MAX_CLIENTS; i++)
                if (clients[i].fd >= 0)
                        close(clients[i].fd);
}

/* ---------- main ---------- */

static void usage(FILE *fp) {
        fprintf(fp,
                "usage: kafka-mock-broker [--brokers N] [--topics FILE]\n"
                "         [--bootstrap-file PATH] [--control-port PORT] "
                "[--port-base PORT]\n"
                "  --brokers N          number of mock brokers, ids 1..N "
                "(default 3)\n"
                "  --topics FILE        lines 'name partitions "
                "[key=value...] [local-only]', '#' comments\n"
                "  --bootstrap-file P   write the bootstrap servers here\n"
                "  --control-port PORT  control protocol on 127.0.0.1:PORT "
                "(default 0: none)\n"
                "  --port-base PORT     brokers listen on PORT..PORT+N-1 "
                "(default 0: random)\n"
                "control protocol (one command per line, one reply line: "
                "'ok...' or 'error <reason>'):\n"
                "  ping | bootstrap | broker-down ID | broker-up ID | rtt ID "
                "MS\n"
                "  request-errors APIKEY ERRCODE COUNT | clear-request-errors "
                "APIKEY\n"
                "  create-topic NAME PARTITIONS | leader TOPIC PARTITION ID | "
                "help | quit\n");
}

int main(int argc, char **argv) {
        long brokers = 3, control_port = 0, port_base = 0;
        const char *topics_path = NULL, *bootstrap_path = NULL;
        struct topic_spec *topics = NULL;
        int topic_cnt = 0, i, listen_fd = -1, sig_fd;
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        const char *bootstraps;
        sigset_t mask;

        for (i = 1; i < argc; i++) {
                const char *a = argv[i];
                const char *v = i + 1 < argc ? argv[i + 1] : NULL;
                if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
                        usage(stdout);
                        return 0;
                }
                if (!v) {
                        usage(stderr);
                        die("missing value for %s", a);
                }
                if (!strcmp(a, "--brokers")) {
                        if (parse_long(v, 1, 32, &brokers))
                                die("--brokers must be in 1..32");
                } else if (!strcmp(a, "--topics")) {
                        topics_path = v;
                } else if (!strcmp(a, "--bootstrap-file")) {
                        bootstrap_path = v;
                } else if (!strcmp(a, "--control-port")) {
                        if (parse_long(v, 0, 65535, &control_port))
                                die("--control-port must be in 0..65535");
                } else if (!strcmp(a, "--port-base")) {
                        if (parse_long(v, 0, 65535, &port_base))
                                die("--port-base must be in 0..65535");
                } else {
                        usage(stderr);
                        die("unknown argument %s", a);
                }
                i++;
        }
        if (port_base > 0 && port_base + brokers - 1 > 65535)
                die("--port-base + brokers exceeds 65535");

        if (topics_path)
                topics = read_topics(topics_path, &topic_cnt);

        /* Block the signals now so every librdkafka thread inherits the
         * mask; they are read from a signalfd in serve(). */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
                die("sigprocmask: %s", strerror(errno));
        sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sig_fd < 0)
                die("signalfd: %s", strerror(errno));
        signal(SIGPIPE, SIG_IGN);

        if (control_port > 0)
                listen_fd = listen_control((int)control_port);
        for (i = 0; port_base > 0 && i < brokers; i++)
                check_port_free((int)port_base + i);

        conf = rd_kafka_conf_new();
        /* The handle only hosts the mock cluster; keep it quiet. */
        rd_kafka_conf_set(conf, "log.connection.close", "false", errstr,
                          sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk)
                die("rd_kafka_new: %s", errstr);

        g_remap_next_port = (int)port_base;
        g_remap_active    = port_base > 0;
        g_mc              = rd_kafka_mock_cluster_new(rk, (int)brokers);
        g_remap_active    = 0;
        if (!g_mc)
                die("could not create the mock cluster%s",
                    port_base > 0 ? " (are the broker ports free?)" : "");
        g_broker_cnt = (int)brokers;

        for (i = 0; i < topic_cnt; i++) {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
                    g_mc, topics[i].name, topics[i].partitions, 1);
                if (err)
                        die("creating topic %s: %s", topics[i].name,
                            rd_kafka_err2str(err));
                logmsg("created topic %s with %d partition(s)", topics[i].name,
                       topics[i].partitions);
        }
        free(topics);

        bootstraps = rd_kafka_mock_cluster_bootstraps(g_mc);
        if (bootstrap_path)
                write_file_atomic(bootstrap_path, bootstraps);
        printf("%s\n", bootstraps);
        fflush(stdout);
        logmsg("mock cluster of %ld broker(s) ready at %s; control port %ld",
               brokers, bootstraps, control_port);

        if (listen_fd >= 0) {
                serve(listen_fd, sig_fd);
                close(listen_fd);
        } else {
                struct signalfd_siginfo si;
                while (read(sig_fd, &si, sizeof(si)) < 0 && errno == EINTR)
                        ;
                logmsg("received signal %u, shutting down", si.ssi_signo);
        }

        rd_kafka_mock_cluster_destroy(g_mc);
        rd_kafka_destroy(rk);
        if (bootstrap_path)
                unlink(bootstrap_path);
        logmsg("stopped");
        return 0;
}
