#!/usr/bin/env bash
# StoreDesk's load drill (issue 11): StoreDesk's release build and the Python peer (Flask + wechatpy +
# gunicorn, SQLite WAL synchronous=NORMAL) side by side under the same WeCom-encrypted callbacks, at
# saturation, at 1,000 messages/s for a minute and with redeliveries only (the ack path alone), with a
# fast fake WeCom API; prints a table.
# A drill, not a CI step: about 8 minutes once built (a first build of both takes ~15 minutes on 2 cores).
#
#   scripts/load/run.sh                       # both servers, both phases
#   scripts/load/run.sh --targets storedesk   # any option of the generator (--help lists them)
#   scripts/load/run.sh --targets storedesk --phases kill,apifail
#       # the fault phases, StoreDesk only, about 3 minutes each: SIGKILL and restart every 10 s, or the
#       # WeCom API failing for 40 s, at 300 messages/s with WeCom's callback retries; then an audit of
#       # StoreDesk's database against what the fake WeCom API delivered (--kill-every, --api-fault-mix …)
#
# STOREDESK_BIN=path uses that binary; otherwise the last commit (git archive HEAD, so edits in the
# working tree do not matter) is built in release under $SNAPSHOT (default /tmp/sd-snap) once.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
snapshot="${SNAPSHOT:-/tmp/sd-snap}"

config="$root/Config"
if [[ -z "${STOREDESK_BIN:-}" ]]; then
    config="$snapshot/Config"
    STOREDESK_BIN="$snapshot/.build/release/BotServer"
    if [[ ! -x "$STOREDESK_BIN" || "${REBUILD:-0}" == 1 ]]; then
        rm -rf "$snapshot" && mkdir -p "$snapshot"
        git -C "$root" archive HEAD | tar -x -C "$snapshot"
        (cd "$snapshot" && swift build -c release --product BotServer 2>&1 | tail -n 3)
    fi
fi

# The peer's packages, from PyPI (Flask and wechatpy may already be there); not when only StoreDesk runs.
storedesk_only=0
previous=""
for argument in "$@"; do
    [[ "$argument" == "--targets=storedesk" || ( "$previous" == "--targets" && "$argument" == "storedesk" ) ]] && storedesk_only=1
    previous="$argument"
done
if [[ "$storedesk_only" == 0 ]]; then
    python3 -c 'import flask, wechatpy, gunicorn' 2>/dev/null || pip install --quiet flask wechatpy gunicorn cryptography
fi

swift build -c release --package-path "$root/Benchmarks" 2>&1 | tail -n 1
exec "$root/Benchmarks/.build/release/loadtest" \
    --storedesk "$STOREDESK_BIN" --config "$config" --peer-directory "$root/scripts/load" "$@"
