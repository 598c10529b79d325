/*
 * json-top.h: the one piece of JSON the forwarder reads itself: a top-level string member of
 * the network configuration ("cniVersion" for answers it prints alone, "agentSocket" for where
 * to connect). Everything else in the config is the agent's business. Included once, by
 * ipnet-cni.c, so its functions are static.
 */
#ifndef IPNET_JSON_TOP_H
#define IPNET_JSON_TOP_H

#include <stddef.h>
#include <string.h>

struct scan { const char *p, *end; };

static void ws(struct scan *s) {
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) s->p++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads a string at s->p ('"'). Decodes into out (if non-NULL, cap incl. NUL); returns
 * 0 ok, 1 ok but did not fit (or has a surrogate escape), -1 malformed. */
static int read_string(struct scan *s, char *out, size_t cap) {
  size_t n = 0;
  int overflow = 0;
  s->p++;
  while (s->p < s->end && *s->p != '"') {
    unsigned c = (unsigned char)*s->p++;
    if (c == '\\') {
      if (s->p >= s->end) return -1;
      char e = *s->p++;
      switch (e) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'u': {
          if (s->end - s->p < 4) return -1;
          c = 0;
          for (int i = 0; i < 4; i++) {
            int h = hexval(*s->p++);
            if (h < 0) return -1;
            c = (c << 4) | (unsigned)h;
          }
          if (c >= 0x80) overflow = 1; /* non-ASCII escapes are not needed for paths or versions */
          break;
        }
        default: c = (unsigned char)e; break;
      }
    }
    if (out) {
      if (n + 1 < cap) out[n++] = (char)c;
      else overflow = 1;
    }
  }
  if (s->p >= s->end) return -1;
  s->p++;
  if (out) out[n] = 0;
  return overflow;
}

static int skip_value(struct scan *s) {
  ws(s);
  if (s->p >= s->end) return -1;
  if (*s->p == '"') return read_string(s, NULL, 0) < 0 ? -1 : 0;
  if (*s->p == '{' || *s->p == '[') {
    int depth = 0;
    while (s->p < s->end) {
      char c = *s->p;
      if (c == '"') {
        if (read_string(s, NULL, 0) < 0) return -1;
        continue;
      }
      if (c == '{' || c == '[') depth++;
      if (c == '}' || c == ']') depth--;
      s->p++;
      if (depth == 0) return 0;
    }
    return -1;
  }
  while (s->p < s->end && !strchr(",}] \t\r\n", *s->p)) s->p++;
  return 0;
}

/* 1: found a string value that fits, 0: absent/not a string/too long, -1: malformed. */
static int top_string(const char *buf, size_t len, const char *key, char *out, size_t cap) {
  struct scan s = {buf, buf + len};
  char name[64];
  ws(&s);
  if (s.p >= s.end || *s.p != '{') return -1;
  s.p++;
  ws(&s);
  if (s.p < s.end && *s.p == '}') return 0;
  while (s.p < s.end) {
    ws(&s);
    if (s.p >= s.end || *s.p != '"') return -1;
    int r = read_string(&s, name, sizeof name);
    if (r < 0) return -1;
    ws(&s);
    if (s.p >= s.end || *s.p != ':') return -1;
    s.p++;
    ws(&s);
    if (r == 0 && strcmp(name, key) == 0 && s.p < s.end && *s.p == '"') {
      return read_string(&s, out, cap) == 0 ? 1 : 0;
    }
    if (skip_value(&s) < 0) return -1;
    ws(&s);
    if (s.p < s.end && *s.p == ',') { s.p++; continue; }
    if (s.p < s.end && *s.p == '}') return 0;
    return -1;
  }
  return -1;
}

#endif
