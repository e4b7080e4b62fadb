#!/usr/bin/env bash
# A fuzzing campaign: every libFuzzer target for MINUTES minutes (default 30), JOBS at a time
# (default 2), each starting from the committed corpus plus what earlier campaigns found (kept in
# build-fuzz/corpus/). Crashes land in tests/fuzz/crashes/<target>/; add each one, once fixed,
# to tests/fuzz/corpus/<target>/ so the replay test keeps it fixed.
#   CC=clang cmake -S . -B build-fuzz -DTLSA_FUZZ=ON -DTLSA_BUILD_PLUGIN=OFF
#   cmake --build build-fuzz -j2 && tests/fuzz/campaign.sh [MINUTES] [TARGET...]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
minutes=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(msg extensions tls_stream cert_chain capture)
bin=$top/build-fuzz/tests/fuzz
log=$top/build-fuzz/campaign
mkdir -p "$log"

run_one() {
    local t=$1
    local work=$top/build-fuzz/corpus/$t crashes=$top/tests/fuzz/crashes/$t
    mkdir -p "$work" "$crashes"
    "$bin/fuzz_$t" "$work" "$top/tests/fuzz/corpus/$t" -dict="$top/tests/fuzz/tls.dict" \
        -max_total_time=$((minutes * 60)) -print_final_stats=1 -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$crashes/" >"$log/$t.log" 2>&1 || true
}

running=0
parallel=${JOBS:-2} # targets at once (the machine has 2 cores)
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ $running -ge "$parallel" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

printf '| target | minutes | execs/s | coverage (edges) | features | corpus | crashes |\n|---|---|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
    l=$log/$t.log
    execs=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$l" | grep -o '[0-9]*$' || echo ?)
    cov=$(grep -o 'cov: [0-9]*' "$l" | tail -1 | grep -o '[0-9]*' || echo ?)
    ft=$(grep -o 'ft: [0-9]*' "$l" | tail -1 | grep -o '[0-9]*' || echo ?)
    corp=$(ls "$top/build-fuzz/corpus/$t" | wc -l)
    crashes=$(ls "$top/tests/fuzz/crashes/$t" 2>/dev/null | wc -l)
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$minutes" "$execs" "$cov" "$ft" "$corp" "$crashes"
done
