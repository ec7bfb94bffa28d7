#!/usr/bin/env bash
# The accelerator path on a GPU machine, in one go (under 10 minutes):
#   1. what JAX sees, and the scan and Python epoch loops agreeing on that device (pytest);
#   2. training throughput (benchmarks/train.py --json), CNN and FCN, L = 32 and 64, batches
#      256 and 4096, both epoch loops;
#   3. the paper configuration (workflow/configs/paper.yaml), or the subset given in
#      PAPER_CONFIG (Snakemake --config overrides), through profiles/gpu-workstation with
#      GPU_JOBS jobs sharing the GPU, stopped after PAPER_SECONDS; its summary, figures and the
#      time of every job.
#   4. the plan of that run before it (isingml plan), the model against the measured per-job
#      times after it (benchmarks/plan_check.py), each sampling job's stages from its log, and
#      concurrent sampling jobs from a cold and from a compiled Numba cache
#      (benchmarks/concurrency.py).
# Everything lands in OUT (default gpu_check/): train_gpu.json, check.log, summary.{csv,md},
# plan.txt, jobs.tsv (seconds and peak RSS per job), stages.tsv, plan_check.txt,
# concurrency.txt and paper.tar.gz (results/, without the shards).
#
#   benchmarks/gpu_check.sh [OUT]
#
# Works without installing isingml (PYTHONPATH=src) against the machine's own jax/flax/optax/
# numba/h5py; Snakemake and its dependencies may come as wheels in .whl/ (no network there).
# On a CPU-only machine the same script runs on the CPU (set PAPER_CONFIG to something small).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-gpu_check}")
mkdir -p "$OUT"
LOG="$OUT/check.log"
PAPER_SECONDS=${PAPER_SECONDS:-330}
GPU_JOBS=${GPU_JOBS:-4}
CORES=${CORES:-$(nproc)}
PAPER_CONFIG=${PAPER_CONFIG:-}
TRAIN_SIZES=${TRAIN_SIZES:-32 64}      # a CPU try: TRAIN_SIZES=16 TRAIN_BATCHES=64 TRAIN_STEPS=4
TRAIN_BATCHES=${TRAIN_BATCHES:-256 4096}
TRAIN_STEPS=${TRAIN_STEPS:-40}
export PYTHONUNBUFFERED=1
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
if ls .whl/*.whl >/dev/null 2>&1 && ! python3 -c "import snakemake" 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl && export PYTHONPATH="$PYTHONPATH:/tmp/site"
    # pydantic (snakemake's) needs typing_extensions >= 4.14; put a newer one first if needed
    if ls .whl/extra/*.whl >/dev/null 2>&1 \
        && ! python3 -c "from typing_extensions import Sentinel" 2>/dev/null; then
        python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
            --target /tmp/site-first .whl/extra/*.whl \
            && export PYTHONPATH="/tmp/site-first:$PYTHONPATH"
    fi
fi
# the rules call `isingml`: a launcher for the source tree
mkdir -p /tmp/isingml-bin
printf '#!/bin/sh\nexec python3 -m isingml "$@"\n' > /tmp/isingml-bin/isingml
chmod +x /tmp/isingml-bin/isingml
export PATH="/tmp/isingml-bin:$PATH"

step() { echo "== $(date +%T) $*" | tee -a "$LOG"; }

step "devices"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
  python3 -c "import jax, flax, optax, numba; print('jax', jax.__version__, 'flax', flax.__version__, 'optax', optax.__version__, 'numba', numba.__version__); print(jax.devices())"
} 2>&1 | tee -a "$LOG"
CARD=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)

step "the epoch loops agree on this device (pytest)"
python3 -m pytest -q -p no:cacheprovider tests/test_networks.py -k "epoch_loop or symmetries" \
    2>&1 | tail -5 | tee -a "$LOG"

step "training throughput"
# shellcheck disable=SC2086
python3 benchmarks/train.py --models cnn fcn --sizes $TRAIN_SIZES --batches $TRAIN_BATCHES \
    --loops scan python --channels 4 8 --channels 8 16 --steps "$TRAIN_STEPS" --repeats 3 \
    --json "$OUT/train_gpu.json" --device-name "${CARD:-none}" 2>&1 | tee -a "$LOG"

step "concurrent sampling jobs, cold and compiled Numba cache"
python3 benchmarks/concurrency.py --jobs "$CORES" --L 64 --T 2.275 --samples 2000 \
    2>&1 | tee "$OUT/concurrency.txt" | tee -a "$LOG"

step "the plan of the paper run"
python3 -m isingml plan --configfile workflow/configs/paper.yaml --cores "$CORES" --gpus 1 \
    2>&1 | tee "$OUT/plan.txt" | tee -a "$LOG"

step "paper configuration ${PAPER_CONFIG:-(whole)}: $CORES cores, $GPU_JOBS GPU jobs at once, ${PAPER_SECONDS} s at most"
WORK=/tmp/isingml-paper
rm -rf "$WORK" && mkdir -p "$WORK"
START=$(date +%s)
# shellcheck disable=SC2086
timeout --kill-after=30 "$PAPER_SECONDS" python3 -m snakemake --snakefile "$PWD/Snakefile" --directory "$WORK" \
    --configfile workflow/configs/paper.yaml ${PAPER_CONFIG:+--config $PAPER_CONFIG} \
    --profile profiles/gpu-workstation --cores "$CORES" --resources gpu="$GPU_JOBS" \
    --quiet rules >> "$LOG" 2>&1
STATUS=$?
# (--kill-after: on the CPU try of 2026-11-30 Snakemake lingered with no job left 5 minutes
# after the TERM at the limit, which on a lent machine would spend its device time)
step "paper run ended with status $STATUS after $(( $(date +%s) - START )) s (124/137: stopped at the limit)"
python3 - "$WORK" "$OUT/jobs.tsv" <<'EOF' 2>&1 | tee -a "$LOG"
import sys
from pathlib import Path
work, out = Path(sys.argv[1]), Path(sys.argv[2])
rows = []
for tsv in sorted((work / "results/benchmarks").rglob("*.tsv")):
    lines = tsv.read_text().splitlines()
    if len(lines) > 1:
        f = lines[1].split()
        rows.append((str(tsv.relative_to(work / "results/benchmarks")), float(f[0]), float(f[2])))
out.write_text("job\tseconds\tmax_rss_mb\n" + "".join(f"{j}\t{s:.1f}\t{r:.0f}\n" for j, s, r in rows))
stages = []
for log in sorted((work / "results/logs/simulate").rglob("*.log")):
    for line in log.read_text().splitlines():
        if "stages (s):" in line:
            parts = line.split("stages (s):")[1].split()
            stages.append((str(log.relative_to(work / "results/logs")), dict(zip(parts[::2], parts[1::2]))))
names = ["imports", "kernels", "plan", "sampling", "finish"]
(out.parent / "stages.tsv").write_text("job\t" + "\t".join(names) + "\n" + "".join(
    j + "\t" + "\t".join(d.get(n, "") for n in names) + "\n" for j, d in stages))
by = {}
for job, s, _ in rows:
    kind = job.split("/")[0] + ("/" + job.split("/")[1] if job.startswith("simulate") else "")
    by.setdefault(kind, []).append(s)
for kind, ss in sorted(by.items()):
    print(f"{kind:<24} {len(ss):>4} jobs {sum(ss):>9.0f} s in all, longest {max(ss):.0f} s")
EOF
python3 benchmarks/plan_check.py --dir "$WORK" --configfile workflow/configs/paper.yaml \
    > "$OUT/plan_check.txt" 2>&1; tail -12 "$OUT/plan_check.txt" | tee -a "$LOG"
for f in summary.csv summary.md; do
    [ -f "$WORK/results/$f" ] && cp "$WORK/results/$f" "$OUT/$f" && cat "$WORK/results/$f" >> "$LOG"
done
tar czf "$OUT/paper.tar.gz" -C "$WORK" --exclude=results/.jax-cache --exclude=results/models \
    --exclude=results/features --exclude=results/predictions results 2>/dev/null
step "done: $(ls "$OUT" | tr '\n' ' ')"
