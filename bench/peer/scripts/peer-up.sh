#!/usr/bin/env bash
# Starts Knative's Kafka broker receiver and dispatcher (built by peer-build.sh) outside Kubernetes, against an existing
# Kafka and one HTTP subscriber, configured as the control plane would: the data-plane ConfigMap's properties files
# (read from the peer's own config/broker/100-config-kafka-broker-data-plane.yaml) and two contract files (JSON
# protobuf, proto/contract.proto): the receiver's Broker resource (ingress /bench/default -> topic) and the dispatcher's
# Consumer resource (one Trigger, no filter, reply to the original topic), as trigger v2 + the consumer reconciler
# write them.
#   peer-up.sh <peer-src-dir> <state-dir> <bootstrap-servers> <subscriber-url>
# The topic knative-broker-bench-default must exist (the control plane creates it; give it 10 partitions, its
# default.topic.partitions). Prints PEER_INGRESS=<url> once the receiver answers and the dispatcher has its partitions;
# the pids are in <state-dir>/{receiver,dispatcher}.pid, the logs beside them.
# Env: PEER_JAVA_HOME (JDK >= 21), PEER_RECEIVER_OPTS / PEER_DISPATCHER_OPTS (extra JVM flags, e.g. -Xmx),
#      PEER_PRODUCER_OVERRIDES (producer properties that replace the ConfigMap's, e.g. "enable.idempotence=true linger.ms=1"
#      to align the receiver's producer with Kiln's).
set -euo pipefail
src=$(cd "$1" && pwd); mkdir -p "$2"; state=$(cd "$2" && pwd); bootstrap=$3; subscriber=$4
here=$(cd "$(dirname "$0")" && pwd)
java=${PEER_JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}/bin/java
dp=$src/data-plane
mkdir -p "$state/config" "$state/observability" "$state/features" "$state/receiver-contract" "$state/dispatcher-contract"

# The ConfigMap's data keys (2-space indent), not its _example block (4-space indent).
python3 - "$dp/config/broker/100-config-kafka-broker-data-plane.yaml" "$state/config" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
for key in ['producer', 'consumer', 'webclient', 'httpserver']:
    name = 'config-kafka-broker-%s.properties' % key
    m = re.search(r'^  ' + re.escape(name) + r': \|\n((?:    .*\n|[ \t]*\n)*)', src, re.M)
    if not m:
        sys.exit('no %s in %s' % (name, sys.argv[1]))
    lines = m.group(1).rstrip('\n').split('\n')
    open(sys.argv[2] + '/' + name, 'w').write(''.join((l[4:] if l.startswith('    ') else '') + '\n' for l in lines))
PY
# No control plane initialises the Trigger's consumer group offsets here (the ConsumerGroup reconciler does it before
# the Trigger is Ready), so a fresh group starts at the beginning of the topic instead of at "latest".
sed -i 's/^auto.offset.reset=.*/auto.offset.reset=earliest/' "$state/config/config-kafka-broker-consumer.properties"
for kv in ${PEER_PRODUCER_OVERRIDES:-}; do
  sed -i "/^${kv%%=*}=/d" "$state/config/config-kafka-broker-producer.properties"
  echo "$kv" >> "$state/config/config-kafka-broker-producer.properties"
done

sed "s|@BOOTSTRAP@|$bootstrap|" "$here/contract-receiver.json.tmpl" > "$state/receiver-contract/data"
sed -e "s|@BOOTSTRAP@|$bootstrap|" -e "s|@SUBSCRIBER@|$subscriber|" "$here/contract-dispatcher.json.tmpl" \
  > "$state/dispatcher-contract/data"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); tls_port=$(free_port)   # the TLS port is parsed but not bound without a certificate

common=(PRODUCER_CONFIG_FILE_PATH="$state/config/config-kafka-broker-producer.properties"
  METRICS_PUBLISH_QUANTILES=false METRICS_JVM_ENABLED=false CONFIG_OBSERVABILITY_PATH="$state/observability"
  HTTP2_DISABLE=true WAIT_STARTUP_SECONDS=8 SERVICE_NAMESPACE=knative-eventing)
# An empty observability directory means metrics protocol "none" (no metrics server on :9090) and no tracing.
env "${common[@]}" SERVICE_NAME=kafka-broker-receiver INGRESS_PORT="$port" INGRESS_TLS_PORT="$tls_port" \
  HTTPSERVER_CONFIG_FILE_PATH="$state/config/config-kafka-broker-httpserver.properties" \
  DATA_PLANE_CONFIG_FILE_PATH="$state/receiver-contract/data" \
  LIVENESS_PROBE_PATH=/healthz READINESS_PROBE_PATH=/readyz CONFIG_FEATURES_PATH="$state/features" \
  nohup "$java" -XX:+CrashOnOutOfMemoryError ${PEER_RECEIVER_OPTS:-} -Dlogback.configurationFile="$here/logback.xml" \
  -jar "$dp/receiver-loom/target/receiver-loom-1.0-SNAPSHOT.jar" > "$state/receiver.log" 2>&1 &
echo $! > "$state/receiver.pid"
env "${common[@]}" SERVICE_NAME=kafka-broker-dispatcher \
  CONSUMER_CONFIG_FILE_PATH="$state/config/config-kafka-broker-consumer.properties" \
  WEBCLIENT_CONFIG_FILE_PATH="$state/config/config-kafka-broker-webclient.properties" \
  DATA_PLANE_CONFIG_FILE_PATH="$state/dispatcher-contract/data" EGRESSES_INITIAL_CAPACITY=20 INSTANCE_ID=local-0 \
  nohup "$java" -XX:+CrashOnOutOfMemoryError ${PEER_DISPATCHER_OPTS:-} -Dlogback.configurationFile="$here/logback.xml" \
  -jar "$dp/dispatcher-loom/target/dispatcher-loom-1.0-SNAPSHOT.jar" > "$state/dispatcher.log" 2>&1 &
echo $! > "$state/dispatcher.pid"

for _ in $(seq 120); do
  for c in receiver dispatcher; do
    kill -0 "$(cat "$state/$c.pid")" 2>/dev/null || { echo "the $c exited; see $state/$c.log" >&2; exit 1; }
  done
  if grep -q '"Reconciled contract generation' "$state/receiver.log" \
     && curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" \
     && grep -q 'Received assign partitions' "$state/dispatcher.log"; then
    echo "PEER_INGRESS=http://127.0.0.1:$port/bench/default"
    exit 0
  fi
  sleep 1
done
echo "the peer did not become ready in 120 s; see $state/*.log" >&2
exit 1
