#!/usr/bin/env bash
# Shared by scripts/run and scripts/test: install Azurite from the committed lock file and start it.
# Usage: source scripts/azurite.sh; azurite_install; azurite_start <blobPort> <queuePort> <tablePort> [--location DIR | --inMemoryPersistence]
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

azurite_install() {
  if [ ! -x "$repo_root/node_modules/.bin/azurite" ]; then
    echo "Installing Azurite from package-lock.json (npm ci)..." >&2
    (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Prints three free loopback TCP ports.
free_ports() {
  node -e '
    const net = require("net");
    const take = () => new Promise(r => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
    (async () => { const ps = new Set(); while (ps.size < 3) ps.add(await take()); console.log([...ps].join(" ")); })();'
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-
}

# Starts Azurite in the background; sets AZURITE_PID. Extra args are passed through.
azurite_start() {
  local blob=$1 queue=$2 table=$3
  shift 3
  "$repo_root/node_modules/.bin/azurite" --silent --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "$@" &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if port_open "$blob" && port_open "$queue" && port_open "$table"; then
      return 0
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite exited during start-up." >&2
      return 1
    fi
    sleep 0.2
  done
  echo "Azurite did not start listening within 20 s." >&2
  return 1
}

# Stops the Azurite started above. Azurite closes its services on SIGTERM but its process can linger afterwards
# (seen with --location: open timers keep Node alive), so after 10 s it is killed: never an orphan.
azurite_stop() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$AZURITE_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
}

connection_string() {
  local blob=$1 queue=$2 table=$3
  printf 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1;QueueEndpoint=http://127.0.0.1:%s/devstoreaccount1;TableEndpoint=http://127.0.0.1:%s/devstoreaccount1;' "$blob" "$queue" "$table"
}
