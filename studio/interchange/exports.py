"""Timing exports for audio and video tools: Audacity labels, Praat TextGrid, OpenTimelineIO, and SSML.

All of them read the same placed segments as the alignment JSON, so every file agrees on every time.
"""

from __future__ import annotations

from pathlib import Path

from studio.core.emotion import PRESETS
from studio.core.model import Project

from .alignment import PlacedSegment, segment_entry


def timecode(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}-{ms // 60000 % 60:02d}-{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_")
    return cleaned or "track"


def entries(placed: list[PlacedSegment], rate: int) -> list[dict]:
    return [segment_entry(p, rate) for p in placed]


def write_labels(path: str | Path, placed: list[PlacedSegment], rate: int) -> None:
    """Audacity label track: start, end and text per segment, tab-separated."""
    lines = [f"{e['start']:.6f}\t{e['end']:.6f}\t{e['track']}: {e['text']}" for e in entries(placed, rate)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_textgrid(path: str | Path, placed: list[PlacedSegment], rate: int, duration: float) -> None:
    """A Praat TextGrid with a word tier and a phoneme tier per track (tracks may overlap in time)."""
    from praatio import textgrid

    tg = textgrid.Textgrid()
    by_track: dict[str, list[dict]] = {}
    for e in entries(placed, rate):
        by_track.setdefault(e["track"], []).append(e)
    for track, segs in by_track.items():
        words = [(w["start"], w["end"], w["text"]) for e in segs for w in e["words"] if w["end"] > w["start"]]
        phones = [(p["start"], p["end"], p["symbol"]) for e in segs for w in e["words"] for p in w["phonemes"]
                  if p["end"] > p["start"]]
        tg.addTier(textgrid.IntervalTier(f"{track} words", words, 0, duration))
        tg.addTier(textgrid.IntervalTier(f"{track} phonemes", phones, 0, duration))
    tg.save(str(path), format="long_textgrid", includeBlankSpaces=True)


def write_otio(path: str | Path, placed: list[PlacedSegment], rate: int, clip_files: dict[str, str],
               stem_files: dict[str, str], duration: float, title: str) -> None:
    """An OpenTimelineIO timeline: per track, its segment clips at their times (gaps between), and the stems."""
    import opentimelineio as otio

    def rt(seconds: float) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(round(seconds * rate), rate)

    timeline = otio.schema.Timeline(name=title or "Speech Studio")
    by_track: dict[str, list[tuple[dict, PlacedSegment]]] = {}
    for p in placed:
        by_track.setdefault(p.track, []).append((segment_entry(p, rate), p))
    for track_name, items in by_track.items():
        track = otio.schema.Track(name=f"{track_name} (lines)", kind=otio.schema.TrackKind.Audio)
        cursor = 0.0
        for e, p in sorted(items, key=lambda x: x[0]["start"]):
            if e["start"] > cursor:
                track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0), rt(e["start"] - cursor))))
            clip_len = e["end"] - e["start"]
            ref = otio.schema.ExternalReference(target_url=clip_files[p.segment.id])
            lead = (p.boundaries[0]) / rate  # the clip file starts at its first phoneme
            ref.available_range = otio.opentime.TimeRange(rt(0), rt(clip_len))
            track.append(otio.schema.Clip(name=e["text"][:60], media_reference=ref,
                                          source_range=otio.opentime.TimeRange(rt(0), rt(clip_len)),
                                          metadata={"speech_studio": {"segment": p.segment.id, "lead_s": lead}}))
            cursor = e["end"]
        timeline.tracks.append(track)
    for track_name, url in stem_files.items():
        stem = otio.schema.Track(name=f"{track_name} (stem)", kind=otio.schema.TrackKind.Audio)
        ref = otio.schema.ExternalReference(target_url=url,
                                            available_range=otio.opentime.TimeRange(rt(0), rt(duration)))
        stem.append(otio.schema.Clip(name=f"{track_name} stem", media_reference=ref,
                                     source_range=otio.opentime.TimeRange(rt(0), rt(duration))))
        timeline.tracks.append(stem)
    otio.adapters.write_to_file(timeline, str(path))


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def project_to_ssml(project: Project) -> str:
    """The project's edits as SSML: per segment its voice (or mix) and emotion, per word the mean of its
    phonemes' pitch, duration and energy edits. Word-level and lossy: per-phoneme detail, pause lengths and
    custom presets do not survive (docs/ssml.md)."""
    styles = {v: k for k, v in {"cheerful": "happy", "sad": "sad", "angry": "angry", "calm": "calm",
                                "fearful": "fearful", "surprised": "surprised", "whispering": "whisper"}.items()}
    out = ['<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" '
           'xmlns:mstts="https://www.w3.org/2001/mstts">']
    for seg in project.segments:
        mix = project.effective_mix(seg)
        name = mix.weights[0][0] if len(mix.weights) == 1 else "mix:" + ",".join(f"{n}={w:.3f}" for n, w in mix.weights)
        body = []
        for word in seg.words:
            if word.is_pause or not word.text:
                continue
            n = len(word.phonemes)
            st = sum(p.pitch_st for p in word.phonemes) / n
            dur = sum(p.duration_scale for p in word.phonemes) / n
            db = sum(p.energy_db for p in word.phonemes) / n
            attrs = []
            if abs(st) > 1e-3:
                attrs.append(f'pitch="{st:+.1f}st"')
            if abs(dur - 1) > 1e-3:
                attrs.append(f'rate="{100 / dur:.0f}%"')
            if abs(db) > 1e-3:
                attrs.append(f'volume="{db:+.1f}dB"')
            body.append(f"<prosody {' '.join(attrs)}>{_xml(word.text)}</prosody>" if attrs else _xml(word.text))
        text = " ".join(body)
        if seg.emotion.name != "neutral" and seg.emotion.name in PRESETS and seg.emotion.intensity > 0:
            text = (f'<mstts:express-as style="{styles.get(seg.emotion.name, seg.emotion.name)}" '
                    f'styledegree="{seg.emotion.intensity:.2f}">{text}</mstts:express-as>')
        out.append(f'  <voice name="{_xml(name)}"><s>{text}</s></voice>')
    out.append("</speak>")
    return "\n".join(out) + "\n"
