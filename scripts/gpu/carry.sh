#!/usr/bin/env bash
# Builds .dev/ (git-ignored): what scripts/gpu/check.sh needs on a lent GPU machine that has Python 3.12 with
# torch but no package index and no espeak-ng. Run here, from the repository root, before the device run; it
# travels with `carry: [".dev"]` (about 53 MB of the 64 MB allowed).
#   .dev/whl    cp312 wheels of what the render path imports and the machine lacks (torchcodec only satisfies
#               Coqui's import check; soundfile needs cffi and pycparser there)
#   .dev/site   pure-Python modules with no wheel (srt)
#   (not carried: pyworld, which has no wheel and only the DSP layer needs, for edits; the check renders none,
#   and the neural voice's analysis no longer imports it)
#   .dev/deb    espeak-ng 1.51 from Debian 12, without libpcaudio0 (replaced by .dev/lib/libpcaudio.so.0)
#   .dev/models the converted voice with float16 weights (loads into float32; half the size)
#   .dev/hour.studio.json.gz  an hour of speech: the 49 analysed sentences of assets/bench/harbour_5min.txt
#               copied 17 times, each segment its own seed so that no render is a cache hit
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
grep -qx "/.dev/" .git/info/exclude 2>/dev/null || echo "/.dev/" >> .git/info/exclude
mkdir -p .dev/whl .dev/site .dev/deb .dev/lib .dev/models
platforms=""
for p in manylinux_2_28 manylinux_2_27 manylinux_2_17 manylinux2014 manylinux_2_5 manylinux1; do
    platforms="$platforms --platform ${p}_x86_64"
done
names="OpenTimelineIO anyascii coqpit-config coqui-tts coqui-tts-trainer librosa monotonic-alignment-search
otio-aaf-adapter otio-fcp-adapter otio-fcpx-xml-adapter pooch praatio pyaaf2 pyloudnorm pysbd soundfile soxr
webvtt-py platformdirs decorator audioread praat-parselmouth cffi pycparser torchcodec"
for name in $names; do
    pin=$($PY -m pip freeze 2>/dev/null | grep -i "^$name==" || true)
    $PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp $platforms \
        -d .dev/whl "${pin:-$name}" 2>&1 | grep -v WARNING || true
done
cp "$($PY -c 'import srt; print(srt.__file__)')" .dev/site/
(cd .dev/deb && apt-get download espeak-ng espeak-ng-data libespeak-ng1 libsonic0 2>&1 | grep -v "^W:" || true)
gcc -shared -fPIC -O2 -Wl,-soname,libpcaudio.so.0 -o .dev/lib/libpcaudio.so.0 scripts/gpu/pcaudio_stub.c
$PY - <<'PY'
import copy, gzip, shutil
from pathlib import Path
import torch
from studio.engine.coqui.store import ensure
src = ensure("en_US-joe-medium")
dst = Path(".dev/models/en_US-joe-medium"); dst.mkdir(parents=True, exist_ok=True)
half = lambda o: (o.half() if isinstance(o, torch.Tensor) and o.is_floating_point()
                  else {k: half(v) for k, v in o.items()} if isinstance(o, dict) else o)
torch.save(half(torch.load(src / "model.pth", map_location="cpu", weights_only=True)), dst / "model.pth")
for name in ("config.json", "model_card.json"):
    shutil.copy(src / name, dst / name)

from studio.core.model import Project, Segment, SpeakerMix, Track, new_id
from studio.core.project_io import save
from studio.engine.voices import NEURAL, VoiceRegistry
text = Path("assets/bench/harbour_5min.txt").read_text(encoding="utf-8")
import importlib.util
spec = importlib.util.spec_from_file_location("bench", "scripts/bench_incremental.py")
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)
sentences, _ = bench.load_script(False)
backbone = VoiceRegistry().backbone(NEURAL)
track = Track(new_id(), "Narrator", NEURAL, SpeakerMix())
project = Project(tracks=[track])
analysed = [backbone.analyze(s, NEURAL, SpeakerMix()) for s in sentences]
for copy_index in range(17):
    for s, words in zip(sentences, analysed):
        project.segments.append(Segment(new_id(), s, track.id, copy.deepcopy(words),
                                        seed=1000 + len(project.segments)))
save(project, "/tmp/hour.studio.json")
Path(".dev/hour.studio.json.gz").write_bytes(gzip.compress(Path("/tmp/hour.studio.json").read_bytes()))
print(f"hour project: {len(project.segments)} segments")
PY
du -sh .dev
