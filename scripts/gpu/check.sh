#!/usr/bin/env bash
# The GPU figures of docs/performance.md, in one run on a CUDA machine (issue 17):
#   1. scripts/bench_incremental.py --device cuda for the neural voice and FastPitch + HiFiGAN (one at a time and
#      batched, with real-time factors);
#   2. a one-hour project (assets/bench/harbour_5min.txt repeated) rendered by `studio render` one segment at a time
#      and in batches, and the two mixes compared sample by sample;
#   3. `studio new` of the 5-minute script, its lines analysed one at a time and in batches;
#   4. CPU against GPU audio on three sentences.
# A lent machine with no package index gets its dependencies carried in .dev/, built here by scripts/gpu/carry.sh
# (wheels, espeak-ng .debs with a stub libpcaudio, the converted voice, the hour-long project); run from the
# repository root: `QUICK=1 bash scripts/gpu/check.sh`. Results go to $OUT (default /tmp/gpu_check).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/gpu_check}
DEVICE=${DEVICE:-cuda}
REPEAT=${REPEAT:-17}  # 17 x the 210-second script is about one hour of speech
mkdir -p "$OUT"
if [ -d .dev/whl ] && [ -z "${NO_CARRY:-}" ]; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .dev/whl/*.whl
    export PYTHONPATH=/tmp/site:$PWD/.dev/site:$PWD
    for f in .dev/deb/*.deb; do dpkg -x "$f" /; done
    # pcaudio (espeak-ng's playback) needs ALSA and PulseAudio, which the machine lacks; nothing plays here.
    cp .dev/lib/libpcaudio.so.0 /usr/lib/x86_64-linux-gnu/
    ldconfig
    espeak-ng --version || echo "espeak-ng does not run: the neural voice's front-end will fail"
fi
[ -d .dev/models ] && export STUDIO_MODELS=$PWD/.dev/models
export PYTHONPATH=${PYTHONPATH:-$PWD}
studio() { python3 -c "import sys; from studio.cli import main; sys.exit(main())" "$@"; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>/dev/null
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"

if [ -n "${QUICK:-}" ]; then
    # A short lease: the neural voice's full render one at a time and batched, then the hour-long project.
    echo "== 1. gpu_quick on $DEVICE"
    timeout 120 python3 scripts/gpu/quick.py --device "$DEVICE" --json "$OUT/quick_$DEVICE.json" 2>&1 | grep -v Warn
    SKIP_BENCH=1
fi
echo "== 1. bench_incremental on $DEVICE"
[ -z "${SKIP_BENCH:-}" ] && timeout 300 python3 scripts/bench_incremental.py --model both --device "$DEVICE" --runs "${RUNS:-3}" \
    --json "$OUT/bench_$DEVICE.json" 2>&1 | grep -v Warning | tail -60

echo "== 2. a one-hour project, studio render --device $DEVICE"
python3 - "$REPEAT" <<'PY'
import sys
text = open("assets/bench/harbour_5min.txt", encoding="utf-8").read().strip()
open("/tmp/hour.txt", "w", encoding="utf-8").write("\n\n".join([text] * int(sys.argv[1])) + "\n")
PY
if [ -f .dev/hour.studio.json.gz ]; then
    # Made ahead on the CPU (the 49 analysed sentences copied 17 times, each segment its own seed), so the
    # device's minutes go to rendering.
    gunzip -c .dev/hour.studio.json.gz > /tmp/hour.studio.json
else
    t0=$(date +%s%N); studio new /tmp/hour.txt -o /tmp/hour.studio.json --device "$DEVICE" 2>&1 | tail -2
    echo "analysis: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi
for mode in on off; do
    t0=$(date +%s%N)
    studio render /tmp/hour.studio.json -o "/tmp/hour_$mode" --device "$DEVICE" --batch $mode 2>&1 | tail -2
    echo "render --batch $mode: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
python3 - <<'PY'
import glob
import numpy as np, soundfile as sf
a, rate = sf.read(sorted(glob.glob("/tmp/hour_off/*mix*.wav"))[0], dtype="float32")
b, _ = sf.read(sorted(glob.glob("/tmp/hour_on/*mix*.wav"))[0], dtype="float32")
print(f"mix: {len(a) / rate:.1f} s of audio; one at a time vs batched: max |difference| "
      f"{float(np.max(np.abs(a - b))) if len(a) == len(b) else 'lengths differ'}")
PY

echo "== 3. studio new (the analysis of an import) of the 5-minute script, one line at a time and batched"
for mode in off on; do
    t0=$(date +%s%N)
    timeout 150 python3 -c "import sys; from studio.cli import main; sys.exit(main())" new assets/bench/harbour_5min.txt \
        -o "/tmp/new_$mode.json" --device "$DEVICE" --batch $mode 2>&1 | tail -1
    echo "new --batch $mode: $(( ($(date +%s%N) - t0) / 1000000 )) ms (the model's load included)"
done

echo "== 4. the same segments on the CPU and on $DEVICE"
python3 - "$DEVICE" <<'PY'
import sys
import numpy as np
from studio.core.model import SpeakerMix
from studio.engine.backbone import request_for
from studio.engine.render import render_request
from studio.engine.voices import NEURAL, VoiceRegistry
from studio.core.model import Project, Segment, Track, new_id
texts = ["The harbour was quiet before dawn.", "Please remember to water the garden every morning.",
         "Nobody on the quay saw the small boat arrive."]
out = {}
cpu = VoiceRegistry(device="cpu").backbone(NEURAL)
track = Track(new_id(), "N", NEURAL, SpeakerMix())
project = Project(tracks=[track])  # analysed once, so both devices render the same durations
for t in texts:
    project.segments.append(Segment(new_id(), t, track.id, cpu.analyze(t, NEURAL, SpeakerMix())))
for device in ("cpu", sys.argv[1]):
    backbone = cpu if device == "cpu" else VoiceRegistry(device=device).backbone(NEURAL)
    out[device] = [render_request(backbone, request_for(project, s, backbone)).audio for s in project.segments]
print("cpu vs", sys.argv[1], "max |difference| per segment:",
      [float(np.max(np.abs(a - b))) if len(a) == len(b) else "lengths differ" for a, b in zip(*out.values())])
PY
