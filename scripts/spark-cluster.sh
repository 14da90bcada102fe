#!/usr/bin/env bash
# A real Spark standalone cluster on loopback, from the pyspark package's own
# distribution in the venv (its bin/spark-class and sbin/spark-daemon.sh; pip's
# pyspark has no start-master.sh), with Java from Debian: one master and two
# workers (each its own JVM), for the Spark job's tests and for trying
# `python -m budget_audit.spark --master URL` by hand.
#
#   bash scripts/spark-cluster.sh start [STATE]   prints the master URL (spark://127.0.0.1:PORT)
#   bash scripts/spark-cluster.sh stop [STATE]    stops the workers and the master it started
#   bash scripts/spark-cluster.sh status [STATE]  the master URL and whether each daemon runs
#
# STATE (default build-spark/cluster) holds the pid files, the daemons' logs,
# the workers' scratch space and `master-url`. Everything listens on 127.0.0.1
# only, on free ports chosen at start. Environment: VENV (default .venv, made
# by scripts/python-env.sh), SPARK_WORKERS (2), SPARK_WORKER_CORES (1 each),
# SPARK_WORKER_MEMORY (1g each). Java: openjdk-17-jre-headless is installed
# with apt when no java is on PATH (as root, as scripts/install-deps.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="${1:-}"
state="${2:-build-spark/cluster}"
venv="${VENV:-.venv}"
workers="${SPARK_WORKERS:-2}"

usage() { echo "usage: $0 start|stop|status [STATE]" >&2; exit 2; }
[[ "$cmd" == start || "$cmd" == stop || "$cmd" == status ]] || usage

ensure_java() {
  if command -v java >/dev/null 2>&1; then return 0; fi
  echo "spark-cluster: no java on PATH; installing openjdk-17-jre-headless" >&2
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
  command -v java >/dev/null 2>&1
}

spark_home() {
  "$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mkdir -p "$state"
state="$(cd "$state" && pwd)"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "spark-cluster: no venv at $venv (bash scripts/python-env.sh makes it)" >&2
  exit 1
fi
export SPARK_HOME="$(spark_home)"
export SPARK_PID_DIR="$state/pids" SPARK_LOG_DIR="$state/logs" SPARK_IDENT_STRING="budget-audit"
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=localhost SPARK_MASTER_HOST=127.0.0.1
export SPARK_CONF_DIR="$state/conf"
# Python on the executors (the job itself runs SQL only; this is for anything else).
export PYSPARK_PYTHON="$(cd "$venv" && pwd)/bin/python"
mkdir -p "$SPARK_PID_DIR" "$SPARK_LOG_DIR" "$SPARK_CONF_DIR"
daemon="$SPARK_HOME/sbin/spark-daemon.sh"
master_class=org.apache.spark.deploy.master.Master
worker_class=org.apache.spark.deploy.worker.Worker

running() {  # CLASS INSTANCE: the daemon's pid file names a live process
  local pidfile="$SPARK_PID_DIR/spark-$SPARK_IDENT_STRING-$1-$2.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

case "$cmd" in
  start)
    ensure_java || { echo "spark-cluster: java could not be installed" >&2; exit 1; }
    if running "$master_class" 1; then
      echo "spark-cluster: already running (stop it first)" >&2
      cat "$state/master-url"
      exit 0
    fi
    port="$(free_port)"
    ui="$(free_port)"
    "$daemon" start "$master_class" 1 --host 127.0.0.1 --port "$port" --webui-port "$ui" >/dev/null
    url="spark://127.0.0.1:$port"
    # Wait for the master to listen before the workers register.
    for _ in $(seq 1 360); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      running "$master_class" 1 || { echo "spark-cluster: the master died; its log:" >&2;
                                     tail -n 30 "$SPARK_LOG_DIR"/*Master*.out >&2; exit 1; }
      sleep 0.5
    done
    for i in $(seq 1 "$workers"); do
      mkdir -p "$state/work/$i"
      "$daemon" start "$worker_class" "$i" --host 127.0.0.1 --port "$(free_port)" \
        --webui-port "$(free_port)" --cores "${SPARK_WORKER_CORES:-1}" \
        --memory "${SPARK_WORKER_MEMORY:-1g}" --work-dir "$state/work/$i" "$url" >/dev/null
    done
    # Wait until every worker has registered with the master (JVMs start
    # slowly on a loaded machine: up to 3 minutes).
    for _ in $(seq 1 360); do
      n="$(cat "$SPARK_LOG_DIR"/*Master*.out 2>/dev/null | grep -c "Registering worker" || true)"
      [[ "$n" -ge "$workers" ]] && break
      sleep 0.5
    done
    if [[ "${n:-0}" -lt "$workers" ]]; then
      echo "spark-cluster: only ${n:-0} of $workers workers registered; logs in $SPARK_LOG_DIR" >&2
      exit 1
    fi
    echo "$url" > "$state/master-url"
    echo "$url"
    ;;
  stop)
    pids=()
    for f in "$SPARK_PID_DIR"/*.pid; do [[ -f "$f" ]] && pids+=("$(cat "$f")"); done
    for i in $(seq "$workers" -1 1); do
      running "$worker_class" "$i" && "$daemon" stop "$worker_class" "$i" >/dev/null || true
    done
    running "$master_class" 1 && "$daemon" stop "$master_class" 1 >/dev/null || true
    # spark-daemon.sh signals and returns: wait (up to 30 s) until the JVMs have exited.
    for _ in $(seq 1 60); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [[ $alive -eq 0 ]] && break
      sleep 0.5
    done
    rm -f "$state/master-url"
    ;;
  status)
    [[ -f "$state/master-url" ]] && cat "$state/master-url"
    for i in 1; do running "$master_class" $i && echo "master: running" || echo "master: stopped"; done
    for i in $(seq 1 "$workers"); do
      running "$worker_class" "$i" && echo "worker $i: running" || echo "worker $i: stopped"
    done
    ;;
esac
