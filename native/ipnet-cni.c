/*
 * ipnet-cni: the CNI plugin kubelet executes for every pod. It is deliberately a thin C
 * forwarder (a Node process alone costs ~90 ms): it copies the CNI_* variables and stdin into
 * one frame, sends it to the ipnet agent's unix socket and prints the agent's answer with the
 * agent's exit status. All CNI rules (validation, version negotiation, result format) live in
 * the agent (src/cni/). The forwarder itself only answers what must work without the agent:
 * VERSION, an oversized stdin, and "agent unreachable" (DEL then succeeds, STATUS says 50,
 * everything else says 11 = try again later).
 *
 * Frame (see src/cni/framing.ts): "IPN1" u32be(len) { "NAME=VALUE\0"... "\0" stdin }
 * Answer: u32be(len) exit-byte stdout[len-1]
 *
 * Socket: $IPNET_CNI_SOCKET, else the config's top-level "agentSocket", else
 * /var/run/ipnet/cni.sock. Reply timeout: $IPNET_CNI_TIMEOUT_MS (default 120000).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "json-top.h"

#define MAX_STDIN (1024 * 1024)
#define MAX_ANSWER (16 * 1024 * 1024)
#define DEFAULT_SOCKET "/var/run/ipnet/cni.sock"
#define CONNECT_TIMEOUT_MS 2000
#define DEFAULT_REPLY_TIMEOUT_MS 120000

static const char *const SUPPORTED[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};
static const char *const FORWARDED[] = {"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS",
                                        "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"};
static char out_version[16] = "1.1.0";

static int is_supported(const char *v) {
  for (size_t i = 0; i < sizeof SUPPORTED / sizeof *SUPPORTED; i++)
    if (strcmp(v, SUPPORTED[i]) == 0) return 1;
  return 0;
}

static void put_json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

static int cni_error(int code, const char *msg, const char *details) {
  printf("{\n    \"cniVersion\": \"%s\",\n    \"code\": %d,\n    \"msg\": ", out_version, code);
  put_json_string(msg);
  printf(",\n    \"details\": ");
  put_json_string(details);
  printf("\n}");
  fflush(stdout);
  return 1;
}

/* ---- socket I/O with a deadline ---- */

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, long long deadline) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) return 0;
    struct pollfd p = {fd, ev, 0};
    int r = poll(&p, 1, (int)left);
    if (r > 0) return 1;
    if (r < 0 && errno != EINTR) return -1;
  }
}

/* 0 connected; -1 with errno set */
static int connect_unix(int fd, const struct sockaddr_un *sa) {
  long long deadline = now_ms() + CONNECT_TIMEOUT_MS;
  for (;;) {
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0) return 0;
    if (errno == EINTR) continue;
    if (errno != EAGAIN || now_ms() >= deadline) return -1; /* EAGAIN: backlog full, retry */
    struct timespec nap = {0, 2 * 1000 * 1000};
    nanosleep(&nap, NULL);
  }
}

static int unreachable(const char *cmd, const char *path, int err) {
  char details[600];
  snprintf(details, sizeof details, "connect %s: %s", path, strerror(err));
  fprintf(stderr, "ipnet-cni: agent unreachable: %s\n", details);
  if (cmd && strcmp(cmd, "DEL") == 0) return 0; /* nothing the agent holds can be freed now; it resyncs at start */
  if (cmd && strcmp(cmd, "STATUS") == 0) return cni_error(50, "ipnet agent is not reachable", details);
  return cni_error(11, "ipnet agent is not reachable, try again later", details);
}

int main(void) {
  const char *cmd = getenv("CNI_COMMAND");
  char *in = malloc(MAX_STDIN + 1);
  size_t n = 0;
  int too_big = 0;
  if (!in) return cni_error(5, "out of memory", "");
  if (!isatty(0)) {
    for (;;) {
      ssize_t r = read(0, in + n, MAX_STDIN + 1 - n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      n += (size_t)r;
      if (n > MAX_STDIN) { too_big = 1; break; }
    }
  }
  char v[16];
  if (!too_big && top_string(in, n, "cniVersion", v, sizeof v) == 1 && is_supported(v)) strcpy(out_version, v);
  if (too_big) return cni_error(7, "invalid network configuration: larger than 1048576 bytes", "stdin exceeds the 1 MiB limit");
  if (cmd && strcmp(cmd, "VERSION") == 0) {
    printf("{\n    \"cniVersion\": \"%s\",\n    \"supportedVersions\": [", out_version);
    for (size_t i = 0; i < sizeof SUPPORTED / sizeof *SUPPORTED; i++) printf("%s\"%s\"", i ? ", " : "", SUPPORTED[i]);
    printf("]\n}");
    return 0;
  }

  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  const char *envsock = getenv("IPNET_CNI_SOCKET");
  if (envsock && *envsock) {
    if (strlen(envsock) >= sizeof path) return cni_error(7, "invalid network configuration: agent socket path too long", envsock);
    strcpy(path, envsock);
  } else if (top_string(in, n, "agentSocket", path, sizeof path) != 1) {
    strcpy(path, DEFAULT_SOCKET);
  }
  long long timeout = DEFAULT_REPLY_TIMEOUT_MS;
  const char *t = getenv("IPNET_CNI_TIMEOUT_MS");
  if (t && atoll(t) > 0) timeout = atoll(t);

  size_t cap = 8 + 1 + n;
  for (size_t i = 0; i < sizeof FORWARDED / sizeof *FORWARDED; i++) {
    const char *val = getenv(FORWARDED[i]);
    if (val) cap += strlen(FORWARDED[i]) + strlen(val) + 2;
  }
  char *frame = malloc(cap);
  if (!frame) return cni_error(5, "out of memory", "");
  size_t off = 8;
  for (size_t i = 0; i < sizeof FORWARDED / sizeof *FORWARDED; i++) {
    const char *val = getenv(FORWARDED[i]);
    if (val) off += (size_t)sprintf(frame + off, "%s=%s", FORWARDED[i], val) + 1;
  }
  frame[off++] = 0;
  memcpy(frame + off, in, n);
  off += n;
  uint32_t plen = (uint32_t)(off - 8);
  memcpy(frame, "IPN1", 4);
  frame[4] = (char)(plen >> 24); frame[5] = (char)(plen >> 16); frame[6] = (char)(plen >> 8); frame[7] = (char)plen;

  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return cni_error(5, "failed to create a unix socket", strerror(errno));
  if (connect_unix(fd, &sa) < 0) return unreachable(cmd, path, errno);

  long long deadline = now_ms() + timeout;
  char details[600];
  snprintf(details, sizeof details, "no complete answer from %s within %lld ms", path, timeout);
  for (size_t sent = 0; sent < off;) {
    ssize_t w = send(fd, frame + sent, off - sent, MSG_NOSIGNAL);
    if (w > 0) { sent += (size_t)w; continue; }
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (wait_fd(fd, POLLOUT, deadline) <= 0) return cni_error(11, "timed out sending the request to the ipnet agent", details);
      continue;
    }
    /* connected, then hung up (EPIPE, ECONNRESET): the agent was there and may have taken part
       of the request, so even a DEL is not known to be done; kubelet retries on 11 */
    return cni_error(11, "the ipnet agent closed the connection before taking the request", strerror(errno));
  }

  unsigned char head[4];
  char *answer = NULL;
  size_t got = 0, want = 4;
  for (;;) {
    char *dst = got < 4 ? (char *)head + got : answer + (got - 4);
    ssize_t r = recv(fd, dst, want - got, 0);
    if (r > 0) {
      got += (size_t)r;
      if (got == 4 && !answer) {
        uint32_t len = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
        if (len < 1 || len > MAX_ANSWER) return cni_error(11, "malformed answer from the ipnet agent", path);
        answer = malloc(len);
        if (!answer) return cni_error(5, "out of memory", "");
        want = 4 + len;
      }
      if (got == want && answer) break;
      continue;
    }
    if (r == 0) return cni_error(11, "the ipnet agent closed the connection before answering", path);
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return cni_error(11, "failed to read the ipnet agent's answer", strerror(errno));
    if (wait_fd(fd, POLLIN, deadline) <= 0) return cni_error(11, "timed out waiting for the ipnet agent", details);
  }
  fwrite(answer + 1, 1, want - 5, stdout);
  fflush(stdout);
  return (unsigned char)answer[0];
}
