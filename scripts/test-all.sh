#!/usr/bin/env bash
# README command 2 and CI: install, build with -Werror, run every test; build again with
# ASan+UBSan and run every test; check formatting.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
# What of ctest -V reaches the log: CUnit's run summaries, each e2e script's closing line, the
# fuzz replays, ctest's own lines, and every failure.
summary='^[0-9]+: (Run Summary|  +(suites|tests|asserts) )|^[0-9]+: .*(checks, [0-9]+ failed|inputs ran|passed, [0-9]+ failed|SKIP)|^ *[0-9]+/[0-9]+ Test|tests passed|tests failed|The following|^\s+[0-9]+ - |FAIL|ERROR|Sanitizer'

echo "== build (-Werror) =="
cmake -S . -B build -DTLSA_WERROR=ON -DTLSA_BUILD_PLUGIN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
# CI always builds the plugin: its tests would otherwise skip silently.
[ -f build/plugin/tlsaudit.so ] || { echo "the Wireshark plugin was not built"; exit 1; }
echo "== tests =="
ctest --test-dir build --output-on-failure -V -j "$jobs" 2>&1 | tee build/ctest.log | grep -E "$summary" || true
grep -q '100% tests passed' build/ctest.log || { echo "tests failed"; exit 1; }

echo "== build (ASan+UBSan) =="
cmake -S . -B build-asan -DTLSA_WERROR=ON -DTLSA_SANITIZE=ON -DTLSA_BUILD_PLUGIN=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests under sanitizers =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -V -j "$jobs" 2>&1 | tee build-asan/ctest.log | grep -E "$summary" || true
grep -q '100% tests passed' build-asan/ctest.log || { echo "sanitizer tests failed"; exit 1; }

echo "== clang-format =="
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror
echo "all checks passed"
