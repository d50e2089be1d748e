#!/usr/bin/env bash
# A real Spark standalone cluster on one multi-GPU host: a master and one worker per GPU, each
# worker offering exactly one GPU (a resources file with that GPU's address), so each executor runs
# in its own JVM on its own GPU. Then runs a job against it and stops the cluster.
#
# It needs a Java runtime and a folder of jars holding Spark, longscan (core, gpu, spark, examples)
# and their dependencies — for example the bundle that ../shared/gpu/bundle.sh stages on a GPU
# machine (BUNDLE=/tmp/gpu-bundle, with jre/ and jars/), or a Spark distribution plus the longscan
# jars (then set JAVA_HOME and JARS).
#
# usage: scripts/spark-gpu-cluster.sh K [--cores-per-worker C] [--memory-per-worker M] -- JOB ARGS
#   K                      workers (= executors = GPUs used): GPUs 0 .. K-1
#   JOB ARGS               arguments of dev.longscan.examples.Main (e.g. long-series --steps ...)
# The job runs as the driver, in this shell, with --master spark://127.0.0.1:PORT appended.
# Environment: BUNDLE (default /tmp/gpu-bundle), JAVA_HOME (default $BUNDLE/jre), JARS (default
# $BUNDLE/jars), WORK (default /tmp/longscan-cluster), PORT (default 7077), DRIVER_MEMORY (8g),
# MEMORY_PER_WORKER (24g), EXTRA_CONF (more -Dspark.x=y for the driver), EXECUTOR_JAVA_OPTIONS
# (more executor JVM options). Logs go to $WORK/logs.
# Keep NVLink multicast off on shared multi-GPU hosts (nothing here uses NCCL).
set -euo pipefail
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1

k=${1:?usage: spark-gpu-cluster.sh K [--cores-per-worker C] [--memory-per-worker M] -- JOB ARGS}
shift
cores=$(( $(nproc) / k )); ((cores > 16)) && cores=16
mem=${MEMORY_PER_WORKER:-24g}
while (($#)); do
  case "$1" in
    --cores-per-worker) cores=$2; shift 2 ;;
    --memory-per-worker) mem=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "spark-gpu-cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
(($#)) || { echo "spark-gpu-cluster.sh: no job arguments after --" >&2; exit 2; }
[[ $mem =~ ^[0-9]+g$ ]] || { echo "spark-gpu-cluster.sh: expected the memory per worker as" \
  "whole gigabytes such as 24g, found '$mem'" >&2; exit 2; }
[[ $cores =~ ^[1-9][0-9]*$ ]] || { echo "spark-gpu-cluster.sh: expected the cores per worker as" \
  "a positive integer, found '$cores'" >&2; exit 2; }

bundle=${BUNDLE:-/tmp/gpu-bundle}
export JAVA_HOME=${JAVA_HOME:-$bundle/jre}
jars=${JARS:-$bundle/jars}
work=${WORK:-/tmp/longscan-cluster}
port=${PORT:-7077}
java=$JAVA_HOME/bin/java
[[ -x $java ]] || { echo "no java at $java (set JAVA_HOME)" >&2; exit 2; }
[[ -d $jars ]] || { echo "no jars folder at $jars (set JARS)" >&2; exit 2; }

# A minimal SPARK_HOME: workers build executor class paths from $SPARK_HOME/jars.
rm -rf "$work"; mkdir -p "$work/home/conf" "$work/logs"
ln -s "$(cd "$jars" && pwd)" "$work/home/jars"
export SPARK_HOME=$work/home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
cp="$SPARK_HOME/jars/*"
# The daemons log at INFO to their own files (this script waits for their INFO lines), whatever
# log4j2 configuration the jars carry.
cat > "$work/home/conf/log4j2.properties" <<'LOG'
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n
LOG
daemon_log="-Dlog4j2.configurationFile=$work/home/conf/log4j2.properties"

# Spark 4.1 starts executors with --add-modules=jdk.incubator.vector; a trimmed runtime (jlink)
# may lack that module, and then every executor dies at boot. The workers then launch executors
# through a wrapper that drops the flag.
if ! "$java" --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector'; then
  mkdir -p "$work/java-home/bin"
  cat > "$work/java-home/bin/java" <<WRAP
#!/usr/bin/env bash
args=()
for a in "\$@"; do [[ \$a == --add-modules=jdk.incubator.vector ]] || args+=("\$a"); done
exec "$java" "\${args[@]}"
WRAP
  chmod +x "$work/java-home/bin/java"
  worker_java_home=$work/java-home
else
  worker_java_home=$JAVA_HOME
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$java" -Xmx1g $opens $daemon_log -cp "$cp" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port 0 > "$work/logs/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q "I have been elected leader\|Starting Spark master" "$work/logs/master.log" && break; sleep 1; done

for ((g = 0; g < k; g++)); do
  wd=$work/worker-$g; mkdir -p "$wd"
  printf '[{"id":{"componentName":"spark.worker","resourceName":"gpu"},"addresses":["%d"]}]\n' "$g" > "$wd/resources.json"
  JAVA_HOME=$worker_java_home "$java" -Xmx1g $opens $daemon_log -cp "$cp" \
    -Dspark.worker.resource.gpu.amount=1 -Dspark.worker.resourcesFile="$wd/resources.json" \
    org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$mem" \
    --work-dir "$wd" --webui-port 0 "spark://127.0.0.1:$port" > "$work/logs/worker-$g.log" 2>&1 &
  pids+=($!)
done
for ((g = 0; g < k; g++)); do
  for _ in $(seq 1 60); do grep -q "Successfully registered with master" "$work/logs/worker-$g.log" && break; sleep 1; done
  grep -q "Successfully registered with master" "$work/logs/worker-$g.log" \
    || { echo "worker $g did not register; its log:" >&2; tail -30 "$work/logs/worker-$g.log" >&2; exit 3; }
done
echo "cluster: master spark://127.0.0.1:$port, $k worker(s) x $cores cores, one GPU each"

# The driver. Each executor takes a whole worker (all its cores, its one GPU); tasks share that GPU.
# Executor JVMs are sized to their cores (-XX:ActiveProcessorCount): otherwise each of K JVMs on
# this host sizes its GC threads and longscan's GPU staging threads to every core of the host.
task_gpu=$(awk -v c="$cores" 'BEGIN { printf "%.6f", 1.0 / c }')
# shellcheck disable=SC2086
"$java" -Xmx${DRIVER_MEMORY:-8g} $opens -cp "$cp" \
  -Dspark.executor.cores="$cores" -Dspark.executor.memory="$(( ${mem%g} - 2 ))g" \
  -Dspark.executor.resource.gpu.amount=1 -Dspark.task.resource.gpu.amount="$task_gpu" \
  -Dspark.cores.max=$((k * cores)) -Dspark.driver.host=127.0.0.1 \
  "-Dspark.executor.extraJavaOptions=-XX:ActiveProcessorCount=$cores ${EXECUTOR_JAVA_OPTIONS:-}" \
  ${EXTRA_CONF:-} \
  dev.longscan.examples.Main "$@" --master "spark://127.0.0.1:$port"
