#!/usr/bin/env bash
# Stops what peer-up.sh started (by the pids it recorded).  peer-down.sh <state-dir>
set -uo pipefail
for c in receiver dispatcher; do
  [ -f "$1/$c.pid" ] && kill "$(cat "$1/$c.pid")" 2>/dev/null
done
exit 0
