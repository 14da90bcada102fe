/* A C program compiled with the flags pkg-config gives for budget_audit:
 * opens a log, appends a JSON line, closes it, reads it back through the
 * Arrow C stream. Exits 0 when all is as expected. */
#include <budget_audit/c.h>

#include <stdio.h>
#include <string.h>

static int fail(const char* what, int code, char* msg) {
  fprintf(stderr, "consumer_c: %s: %s: %s\n", what, ba_code_name(code), msg ? msg : "");
  ba_free(msg);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char dir[4096];
  snprintf(dir, sizeof dir, "%.4000s/log", argv[1]);
  char* msg = NULL;
  ba_log* log = NULL;
  int code = ba_log_open(dir, NULL, &log, &msg);
  if (code != BA_OK) return fail("open", code, msg);
  const char* line = "{\"timestamp\": \"2026-05-30T06:15:00+02:00\", \"energy_cost_kwh\": 0.5}";
  ba_append_result r;
  code = ba_log_append_json(log, line, strlen(line), &r, &msg);
  if (code != BA_OK || r.seq != 1) return fail("append", code, msg);
  code = ba_log_close(log, &msg);
  if (code != BA_OK) return fail("close", code, msg);

  ba_snapshot* snap = NULL;
  code = ba_snapshot_open(dir, &snap, &msg);
  if (code != BA_OK) return fail("snapshot", code, msg);
  struct ArrowArrayStream stream;
  ba_scan_options o;
  memset(&o, 0, sizeof o);
  o.columns = BA_COL_ENERGY_COST_KWH;
  code = ba_snapshot_arrow_stream(snap, &o, 0, &stream, &msg);
  ba_snapshot_close(snap);
  if (code != BA_OK) return fail("stream", code, msg);
  struct ArrowArray a;
  int ok = stream.get_next(&stream, &a) == 0 && a.release != NULL && a.length == 1 && a.n_children == 1 &&
           ((const double*)a.children[0]->buffers[1])[0] == 0.5;
  if (a.release) a.release(&a);
  stream.release(&stream);
  if (!ok) return fail("the stream's value", BA_INTERNAL, NULL);
  printf("consumer_c: ok\n");
  return 0;
}
