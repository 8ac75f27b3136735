#!/usr/bin/env bash
# Builds Knative's Kafka broker data plane (receiver-loom and dispatcher-loom shaded jars, the images' entry points)
# from a checkout of knative-extensions/eventing-kafka-broker, with Maven Central as the only network.
#   peer-build.sh <peer-src-dir>
# Env: PEER_JAVA_HOME (a JDK >= 21; default the first JDK 25 under /usr/lib/jvm), MVNW (a Maven >= 3.9 launcher; default
#      this repository's ./mvnw), PEER_M2 (its local repository; default bench/target/peer-m2, kept apart from ~/.m2:
#      ~160 MB, about 4.5 min to fill from Maven Central).
set -euo pipefail
src=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export JAVA_HOME=${PEER_JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
mvnw=${MVNW:-$here/../../../mvnw}
# settings.xml mirrors the POM's oss.sonatype.org snapshot repository to Maven Central (unreachable here otherwise).
# The license plugin's aggregate goals are skipped: they fetch license texts from the web and rewrite
# data-plane/THIRD-PARTY.txt inside the peer's tree.
nice -n 10 "$mvnw" -B -ntp -s "$here/settings.xml" -Dmaven.repo.local="${PEER_M2:-$here/../../target/peer-m2}" \
  -f "$src/data-plane/pom.xml" -pl receiver-loom,dispatcher-loom -am package -DskipTests \
  -Dlicense.skipAggregateAddThirdParty=true -Dlicense.skipAggregateDownloadLicenses=true
ls -l "$src/data-plane/receiver-loom/target/receiver-loom-1.0-SNAPSHOT.jar" \
      "$src/data-plane/dispatcher-loom/target/dispatcher-loom-1.0-SNAPSHOT.jar"
