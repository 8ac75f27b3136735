# Sourced by every bench/run* (never run by itself): how a benchmark builds and what every one shares.
#
#   . "$(dirname "$0")/lib.sh"              # cd's to the repository root; KILN_BENCH_COMMAND names the command line
#   bench_install eventing                   # Kiln's modules and what they need, tests skipped, into bench/target/m2;
#                                            # then bench/support (BenchRun, SteadyState, Summary) beside them
#   bench_mvn -f bench/eventing/pom.xml package
#   java -cp "...:$BENCH_SUPPORT_JAR" ...    # the benchmark calls BenchRun.begin(name, args) first thing
#
# Kiln's snapshots go into the benchmarks' own local repository (bench/target/m2), with ~/.m2 read behind it
# (maven.repo.local.tail, read-only): a benchmark never installs into ~/.m2, where other builds would pick them up.
# The rules the Java side applies (idle check, --busy-ok, the seed, steady state, min/median/max) are BenchRun's:
# bench/support/src/main/java/dev/kiln/bench/support/BenchRun.java, and docs/benchmarks.md ("The rules").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export KILN_BENCH_COMMAND="bench/$(basename "$0")${*:+ $*}"
BENCH_M2="$PWD/bench/target/m2"
BENCH_SUPPORT_JAR="$PWD/bench/support/target/bench-support.jar"

# ./mvnw against the benchmarks' repository, quiet.
bench_mvn() {
  ./mvnw -B -ntp -q "-Dmaven.repo.local=$BENCH_M2" "-Dmaven.repo.local.tail=$HOME/.m2/repository" "$@"
}

# bench_install MODULE[,MODULE...]: Kiln's modules (-am: and what they need) and bench/support, tests skipped.
bench_install() {
  bench_mvn install -pl "$1" -am -DskipTests
  bench_mvn -f bench/support/pom.xml install
}

bench_need() {
  command -v "$1" >/dev/null || { echo "$1 is missing: apt-get install $2" >&2; exit 2; }
}
