"""The deliverables of a project of any length, in blocks: stems and mix are summed, levelled, limited, measured
and written block by block, so memory follows the speech, never the timeline (two lines ten hours apart cost
two lines, not ten hours of silence).

Loudness needs the whole mix before the first sample can be written, so a render makes passes over the blocks:
1. the mix's integrated loudness (BS.1770, streamed: the K-weighting filters carry their state from block to
   block and only the mean square of every 400 ms gating block is kept, a few floats a second), which gives
   the gain to the target; this is exactly pyloudnorm's figure, not an estimate on a decimated copy;
2. with a target, the true peak after the limiter, which gives the last static trim;
3. the files: each block of each stem and of the mix with the gain and the limiter curve applied, written with
   soundfile in blocks and measured (loudness and true peak) as it goes.
The limiter is local (a look-ahead of 5 ms, oversampling filters of a few hundred samples), so each block is
computed with a margin of context on both sides and cropped: the curve is the same whichever block computes it.
"""

from __future__ import annotations

import bisect
import errno
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from studio.core.model import MAX_TIMELINE_S, Project

from studio.engine.output import loudness
from studio.engine.output.mixdown import Placed
from studio.engine.errors import OutputError

BLOCK = 1 << 19  # samples per block: about 11 s at 48 kHz, 2 MiB per float32 array
MARGIN = 8192  # context on each side of a block for the limiter's look-ahead and the oversampling filters
WAV_LIMIT_BYTES = 2**32 - 2**20  # a plain WAV counts its bytes in 32 bits; beyond, RF64 is written


@dataclass(frozen=True)
class _Entry:
    offset: int
    end: int
    placed: Placed


class Timeline:
    """The stems and the mix of placed segments as blocks on demand. Every stem spans the project plus a short
    tail (as engine.mixdown.stems); a muted track is silent; a track's gain applies."""

    def __init__(self, project: Project, placed: dict[str, Placed], rate: int, tail_s: float = 0.5):
        self.rate = rate
        end = max((p.offset + max(p.length, p.boundaries[-1]) for p in placed.values()), default=0)
        self.length = end + int(tail_s * rate)
        if self.length > MAX_TIMELINE_S * rate:
            raise OutputError(f"The timeline lasts {self.length / rate / 3600:.0f} hours, more than the "
                              f"{MAX_TIMELINE_S // 3600} a project may; check the start times of its lines.")
        self.track_ids = [t.id for t in project.tracks]
        self.gain = {t.id: 0.0 if t.muted else 10 ** (t.gain_db / 20) for t in project.tracks}
        self._entries: dict[str, list[_Entry]] = {t: [] for t in self.track_ids}
        for seg in project.segments:
            p = placed.get(seg.id)
            if p is not None and seg.track_id in self._entries:
                self._entries[seg.track_id].append(_Entry(p.offset, p.offset + p.length, p))
        self._starts, self._longest = {}, {}
        for t, entries in self._entries.items():
            entries.sort(key=lambda e: e.offset)
            self._starts[t] = [e.offset for e in entries]
            self._longest[t] = max((e.end - e.offset for e in entries), default=0)
        self._audio: dict[str, np.ndarray] = {}  # resampled audio of the segments near the last block asked for
        self._ends: dict[str, int] = {}

    def _segment_audio(self, e: _Entry, a: int) -> np.ndarray:
        key = e.placed.segment_id
        audio = self._audio.get(key)
        if audio is None:
            audio = self._audio[key] = e.placed.audio
            # Keep only what later blocks can still need (blocks move forward; a block's margin looks back).
            for k in [k for k, v in self._audio.items() if k != key and self._ends[k] < a - 2 * MARGIN]:
                del self._audio[k]
            if len(self._audio) > 256:  # random access (line files): never let the cache itself grow
                self._audio = {key: audio}
        self._ends[key] = e.end
        return audio

    def track_block(self, track_id: str, a: int, b: int) -> np.ndarray:
        """Samples a..b of a track's stem (zeros outside the project), with the track's gain."""
        out = np.zeros(b - a, np.float32)
        entries, starts = self._entries[track_id], self._starts[track_id]
        lo = bisect.bisect_left(starts, a - self._longest[track_id])
        hi = bisect.bisect_left(starts, b)
        for e in entries[lo:hi]:
            if e.end <= a:
                continue
            audio = self._segment_audio(e, a)
            x0, x1 = max(a, e.offset), min(b, e.offset + len(audio))
            if x1 > x0:
                out[x0 - a:x1 - a] += audio[x0 - e.offset:x1 - e.offset]
        g = self.gain[track_id]
        return out if g == 1.0 else out * np.float32(g)

    def silent(self, a: int, b: int) -> bool:
        """Whether no segment sounds in a..b: such a block needs no limiter, no oversampling, no filtering."""
        for t in self.track_ids:
            starts = self._starts[t]
            lo = bisect.bisect_left(starts, a - self._longest[t])
            hi = bisect.bisect_left(starts, b)
            if any(e.end > a for e in self._entries[t][lo:hi]) and self.gain[t] != 0.0:
                return False
        return True

    def blocks(self, a: int, b: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
        stems = {t: self.track_block(t, a, b) for t in self.track_ids}
        mix = np.zeros(b - a, np.float32)
        for s in stems.values():
            mix += s
        return stems, mix

    def spans(self) -> Iterator[tuple[int, int]]:
        for a in range(0, self.length, BLOCK):
            yield a, min(self.length, a + BLOCK)


class StreamLoudness:
    """BS.1770-4 integrated loudness fed in blocks; equal to pyloudnorm.Meter(rate).integrated_loudness of the
    whole signal (same K-weighting filters, same gating-block bounds), up to float summation order."""

    BLOCK_S, STEP = 0.4, 0.25

    def __init__(self, rate: int, length: int):
        import pyloudnorm
        from scipy.signal import lfilter_zi

        self.rate, self.length, self.pos = rate, length, 0
        meter = pyloudnorm.Meter(rate)
        self._filters = [(f.passband_gain, f.b, f.a) for f in meter._filters.values()]
        self._state = [lfilter_zi(b, a) * 0.0 for _, b, a in self._filters]
        t = length / rate
        n = int(np.round((t - self.BLOCK_S) / (self.BLOCK_S * self.STEP))) + 1 if length >= self.BLOCK_S * rate else 0
        self._lo = [int(self.BLOCK_S * (j * self.STEP) * rate) for j in range(n)]
        self._hi = [int(self.BLOCK_S * (j * self.STEP + 1) * rate) for j in range(n)]
        # Sums of squares between consecutive bounds; each gating block is a run of them.
        self._cuts = sorted(set(self._lo) | set(self._hi) | {0})
        self._sums = np.zeros(len(self._cuts), np.float64)

    def add(self, block: np.ndarray) -> None:
        from scipy.signal import lfilter

        x = np.asarray(block, np.float64)
        if not np.any(x) and not any(np.any(z) for z in self._state):
            self.pos += len(x)  # silence into filters at rest: nothing to filter, nothing to add
            return
        for i, (gain, b, a) in enumerate(self._filters):
            y, self._state[i] = lfilter(b, a, x, zi=self._state[i])
            x = gain * y
        a0, a1 = self.pos, self.pos + len(x)
        self.pos = a1
        if not self._cuts:
            return
        sq = np.square(x)
        i = max(0, bisect.bisect_right(self._cuts, a0) - 1)
        while i < len(self._cuts) and self._cuts[i] < a1:
            lo = max(a0, self._cuts[i])
            hi = min(a1, self._cuts[i + 1]) if i + 1 < len(self._cuts) else a1
            if hi > lo:
                self._sums[i] += float(sq[lo - a0:hi - a0].sum())
            i += 1

    def integrated(self) -> float:
        if not self._lo:
            return -math.inf
        index = {c: k for k, c in enumerate(self._cuts)}
        csum = np.concatenate([[0.0], np.cumsum(self._sums)])
        z = np.array([(csum[index[h]] - csum[index[lo]]) for lo, h in zip(self._lo, self._hi)])
        z /= self.BLOCK_S * self.rate
        with np.errstate(divide="ignore"):
            lk = -0.691 + 10 * np.log10(z)
        gated = z[lk >= -70.0]
        if not len(gated):
            return -math.inf
        relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
        gated = z[(lk > relative) & (lk > -70.0)]
        if not len(gated) or gated.mean() <= 0:
            return -math.inf
        return float(-0.691 + 10 * np.log10(gated.mean()))


def _block_peak(extended: np.ndarray, rate: int, lead: int, n: int) -> float:
    """The true peak (linear) of samples lead..lead+n of a block given with context on both sides."""
    if n <= 0 or not np.any(extended[lead:lead + n]):
        return 0.0
    return float(loudness._oversampled_peaks(extended, rate)[lead:lead + n].max())


class Master:
    """The gain to the loudness target and the limiter curve of a timeline, found in streaming passes."""

    def __init__(self, timeline: Timeline, target_lufs: float | None,
                 ceiling_db: float = loudness.TRUE_PEAK_CEILING_DB, check: Callable[[], None] = lambda: None):
        self.timeline, self.target, self.ceiling_db = timeline, target_lufs, ceiling_db
        self.gain_db, self.trim, self.measured_lufs = 0.0, 1.0, -math.inf
        if target_lufs is None:
            return
        rate = timeline.rate
        meter = StreamLoudness(rate, timeline.length)
        for a, b in timeline.spans():
            check()
            meter.add(np.zeros(b - a, np.float32) if timeline.silent(a, b) else timeline.blocks(a, b)[1])
        self.measured_lufs = meter.integrated()
        self.gain_db = target_lufs - self.measured_lufs if math.isfinite(self.measured_lufs) else 0.0
        # The limiter's smoothing can leave an oversampled peak a hair over; a last static trim closes it.
        top = 0.0
        for a, b in timeline.spans():
            check()
            if timeline.silent(a - 2 * MARGIN, b + 2 * MARGIN):
                continue
            _, mix, curve = self._extended(a, b)
            top = max(top, _block_peak(mix * curve, rate, MARGIN, b - a))
        over = (20 * math.log10(top) if top > 0 else -math.inf) - ceiling_db
        if over > 0:
            self.trim = 10 ** (-(over + 0.05) / 20)

    def _extended(self, a: int, b: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Stems and mix of a-MARGIN..b+MARGIN with the loudness gain, and the limiter curve over them (computed
        on twice the margin, so that the part returned is the same as from any other block)."""
        g = np.float32(10 ** (self.gain_db / 20))
        if self.timeline.silent(a - 2 * MARGIN, b + 2 * MARGIN):  # hours between lines cost no DSP
            n = b - a + 2 * MARGIN
            return ({t: np.zeros(n, np.float32) for t in self.timeline.track_ids}, np.zeros(n, np.float32),
                    np.ones(n, np.float32))
        stems, mix = self.timeline.blocks(a - 2 * MARGIN, b + 2 * MARGIN)
        if self.target is None:
            curve = np.ones(len(mix), np.float32)
        else:
            curve = loudness.limiter_gain(mix * g, self.timeline.rate, self.ceiling_db)
        inner = slice(MARGIN, len(mix) - MARGIN)
        return ({k: v[inner] * g for k, v in stems.items()}, mix[inner] * g,
                curve[inner] * np.float32(self.trim))

    def curve(self, a: int, b: int) -> np.ndarray:
        """The total gain (loudness gain times limiter) on samples a..b: what a line file cut from the stems
        gets, so that it sounds as it does in them."""
        g = np.float32(10 ** (self.gain_db / 20))
        if self.target is None:
            return np.full(b - a, g, np.float32)
        _, _, curve = self._extended(a, b)
        return curve[MARGIN:MARGIN + (b - a)] * g

    def blocks(self, check: Callable[[], None] = lambda: None
               ) -> Iterator[tuple[int, int, dict[str, np.ndarray], np.ndarray]]:
        """(a, b, {track id: stem samples}, mix samples) with margins of MARGIN samples on both sides, levelled
        and limited; the samples a..b are [MARGIN:-MARGIN]."""
        for a, b in self.timeline.spans():
            check()
            stems, mix, curve = self._extended(a, b)
            yield a, b, {k: v * curve for k, v in stems.items()}, mix * curve


class _Sink:
    """One WAV file written in blocks into a temporary sibling, measured as it goes, renamed when complete."""

    def __init__(self, path: Path, rate: int, subtype: str, length: int):
        import soundfile as sf

        self.path, self.rate = path, rate
        width = {"PCM_16": 2, "PCM_24": 3, "FLOAT": 4, "PCM_32": 4}.get(subtype, 4)
        fmt = "RF64" if length * width > WAV_LIMIT_BYTES else "WAV"
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self.file = sf.SoundFile(self.tmp, "w", samplerate=rate, channels=1, subtype=subtype, format=fmt)
        self.meter = StreamLoudness(rate, length)
        self.peak = 0.0
        self.samples = 0

    def write(self, extended: np.ndarray, n: int) -> None:
        block = np.clip(np.nan_to_num(extended[MARGIN:MARGIN + n]), -1.0, 1.0)
        self.file.write(block)
        self.samples += n
        self.meter.add(block)
        self.peak = max(self.peak, _block_peak(extended, self.rate, MARGIN, n))

    def finish(self) -> loudness.Measured:
        self.file.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)
        return loudness.Measured(self.meter.integrated(), 20 * math.log10(self.peak) if self.peak > 0 else -math.inf)

    def abandon(self) -> None:
        try:
            self.file.close()
        except Exception:  # noqa: BLE001 - closing a file on a full disk fails too; the temp file goes anyway
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def write_files(master: Master, stem_paths: dict[str, Path], mix_path: Path | None, subtype: str,
                check: Callable[[], None] = lambda: None) -> dict[Path, loudness.Measured]:
    """Write each stem (by track id) and the mix in one pass over the blocks; returns each file's loudness and
    true peak. Every file appears whole under its name or not at all (a full disk leaves no partial file)."""
    import soundfile as sf

    timeline = master.timeline
    sinks: dict[str | None, _Sink] = {}
    try:
        for track_id, path in stem_paths.items():
            sinks[track_id] = _Sink(path, timeline.rate, subtype, timeline.length)
        if mix_path is not None:
            sinks[None] = _Sink(mix_path, timeline.rate, subtype, timeline.length)
        for a, b, stems, mix in master.blocks(check):
            for key, sink in sinks.items():
                sink.write(mix if key is None else stems[key], b - a)
        return {sink.path: sink.finish() for sink in sinks.values()}
    except sf.LibsndfileError as exc:  # a full disk reaches us as libsndfile's error, not an OSError
        for sink in sinks.values():
            sink.abandon()
        raise OSError(errno.EIO, f"libsndfile could not write a WAV file ({exc})") from None
    except BaseException:
        for sink in sinks.values():
            sink.abandon()
        raise
