#!/usr/bin/env bash
# Build the frozen one-folder program and try it as a handler would, from another folder.
#
#   bash packaging/smoke.sh [OUTDIR]        (default: build/smoke; needs ".[dev]")
#
# 1. pyinstaller build_installer.spec -> OUTDIR/dist/Casusregister/
# 2. the console program: --version, init, import of the example, export evaluation,
#    export signals --format html, verify (each must exit 0 and write what it says)
# 3. the windowed program, offscreen, on the demo register: it must still run after a
#    few seconds and leave no traceback in its log
# 4. start times (median of 3) and the folder size, printed and written to
#    OUTDIR/smoke-result.txt (docs/BENCHMARKS.md keeps the last figures)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/build/smoke}" && cd "${1:-$ROOT/build/smoke}" && pwd)"
DIST="$OUT/dist"
APP="$DIST/Casusregister"
EXAMPLE="$ROOT/tests/data/interchange-2025-small.json"
export QT_QPA_PLATFORM=offscreen

now() { python3 -c 'import time; print(f"{time.time():.3f}")'; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }
fail() { echo "smoke: FOUT: $*" >&2; exit 1; }
step() { echo "smoke: $*"; }

step "bouwen met PyInstaller (build_installer.spec)"
t0=$(now)
(cd "$ROOT" && pyinstaller --noconfirm --log-level WARN --distpath "$DIST" \
    --workpath "$OUT/work" build_installer.spec) >"$OUT/pyinstaller.log" 2>&1 \
    || { tail -30 "$OUT/pyinstaller.log" >&2; fail "PyInstaller faalde (zie $OUT/pyinstaller.log)"; }
build_s=$(elapsed "$t0" "$(now)")
CLI="$APP/casusregister-cli"
GUI="$APP/Casusregister"
[ -x "$CLI" ] && [ -x "$GUI" ] || fail "de twee programma's staan niet naast elkaar in $APP"
[ -f "$APP/_internal/app/resources/holidays.toml" ] || fail "resources ontbreken in de map"
[ -f "$APP/_internal/app/demo/phrases.toml" ] || fail "de zinnen van het demoregister ontbreken"
find "$APP/_internal" -name 'qtbase_nl.qm' | grep -q . || fail "qtbase_nl.qm ontbreekt"
size_mb=$(du -sm "$APP" | cut -f1)

# Everything the programs write goes into a scratch folder, never the user's own.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config"
export CASUSREGISTER_PASSPHRASE="smoke-wachtwoordzin-2025"
cd "$WORK"

run_cli() {
    local out
    out=$("$CLI" "$@" 2>"$WORK/stderr") || { cat "$WORK/stderr" >&2; fail "casusregister-cli $*"; }
    if grep -q Traceback "$WORK/stderr"; then cat "$WORK/stderr" >&2; fail "traceback: $*"; fi
    printf '%s\n' "$out"
}

step "consoleprogramma"
run_cli --version | grep -q "^casusregister " || fail "--version"
run_cli init --db register.db --device SMK --handler Smoke | grep -q "Register aangemaakt" \
    || fail "init"
run_cli import --db register.db "$EXAMPLE" | grep -q "44 casussen en 12 signalen" || fail "import"
run_cli export evaluation --db register.db --from 2025-01-01 --to 2025-12-31 \
    --out evaluatie.xlsx >/dev/null
[ "$(head -c 2 evaluatie.xlsx)" = "PK" ] || fail "evaluatie.xlsx is geen werkmap"
mkdir ksms
run_cli export signals --db register.db --out ksms --format html >/dev/null
[ "$(find ksms -name 'signaal-*.html' | wc -l)" -eq 12 ] || fail "export signals: 12 formulieren"
run_cli verify --db register.db | grep -q "Register in orde" || fail "verify"
if "$CLI" export signals --db register.db --out bestaat-niet 2>"$WORK/stderr" >/dev/null; then
    fail "een export naar een map die niet bestaat werd niet geweigerd"
fi
grep -q "bestaat niet" "$WORK/stderr" && [ ! -e bestaat-niet ] || fail "weigering zonder map"

step "vensterprogramma, offscreen, op het demoregister"
run_cli demo --db demo.db >/dev/null
"$GUI" --demo --db demo.db >"$WORK/gui.out" 2>&1 &
gui_pid=$!
sleep 5
kill -0 "$gui_pid" 2>/dev/null || { cat "$WORK/gui.out" >&2; fail "het venster stopte binnen 5 s"; }
kill "$gui_pid"
wait "$gui_pid" 2>/dev/null || true
if grep -rqs Traceback "$WORK/gui.out" "$XDG_STATE_HOME"; then
    cat "$WORK/gui.out" >&2; fail "traceback van het vensterprogramma"
fi

step "starttijden (mediaan van 3)"
cli_times=()
gui_times=()
for _ in 1 2 3; do
    t0=$(now); "$CLI" --version >/dev/null; cli_times+=("$(elapsed "$t0" "$(now)")")
    rm -f probe.txt
    t0=$(now)
    CASUSREGISTER_START_PROBE="$WORK/probe.txt" timeout 60 "$GUI" --demo --db demo.db \
        >/dev/null 2>&1 || fail "het vensterprogramma met meetpunt"
    [ -s probe.txt ] || fail "het vensterprogramma toonde geen venster"
    gui_times+=("$(elapsed "$t0" "$(cut -f1 probe.txt)")")
done
cli_s=$(median "${cli_times[@]}")
gui_s=$(median "${gui_times[@]}")
window=$(cut -f2 probe.txt)

{
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "platform: $(uname -sm), $(nproc) cores"
    echo "build_seconds: $build_s"
    echo "folder_mb: $size_mb"
    echo "cli_version_start_seconds: $cli_s (${cli_times[*]})"
    echo "gui_first_window_seconds: $gui_s (${gui_times[*]}; window: $window)"
    echo "result: ok"
} | tee "$OUT/smoke-result.txt"
