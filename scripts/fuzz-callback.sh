#!/usr/bin/env bash
# Fuzz the WeCom callback decoding with libFuzzer and AddressSanitizer: a drill, not a CI step.
#
#   scripts/fuzz-callback.sh [SECONDS]      # default 300
#
# Builds scripts/fuzz-callback (WeComAdapter's Callback/ and Crypto/ sources with swift-crypto, no
# server) in release with -sanitize=fuzzer,address, then runs it for SECONDS on 2 cores' worth of one
# job, from the seeds in scripts/fuzz-callback/corpus (Tencent's V1 sample in each of the five entry
# modes, see Sources/FuzzCallback/main.swift). Inputs that crash land in
# scripts/fuzz-callback/.build/artifacts/; the corpus it grew in scripts/fuzz-callback/.build/corpus/.
# Prints executions, coverage and crashes at the end; exits non-zero when a crash was found.
set -euo pipefail
cd "$(dirname "$0")/fuzz-callback"

seconds="${1:-300}"
swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -parse-as-library 2>&1 | tail -n 3

work=.build/corpus
artifacts=.build/artifacts
mkdir -p "$work" "$artifacts"
log=.build/fuzz.log

# LeakSanitizer is off: Swift packs pointers into enum payloads (Foundation's Data among them), which
# it cannot see, so it reports globals as leaks. A real leak shows as RSS over -rss_limit_mb instead
# (Foundation's XMLParser, which leaked on every parse error, lost 200 MB in a 90 s run).
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export SWIFT_BACKTRACE="enable=no"
set +e
.build/release/FuzzCallback "$work" corpus \
    -dict=callback.dict -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
status=$?
set -e

tail -n 25 "$log"
crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "fuzz-callback: ${seconds}s, exit ${status}, findings in ${artifacts}: ${crashes}"
exit "$status"
