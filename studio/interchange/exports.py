"""Timing exports for audio and video tools: Audacity labels, Praat TextGrid, OpenTimelineIO, and SSML.

All of them read the same placed segments as the alignment JSON, so every file agrees on every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.core.emotion import PRESETS
from studio.core.lexicon import is_ipa
from studio.core.model import Project

from studio.interchange.alignment import PlacedSegment, segment_entry


def timecode(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}-{ms // 60000 % 60:02d}-{ms // 1000 % 60:02d}.{ms % 1000:03d}"


MAX_NAME_CHARS = 60  # file systems allow 255 bytes a name; a name of 60 characters stays under it in any script


def safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_")
    return cleaned[:MAX_NAME_CHARS].strip("_") or "track"


def _unique(names: list[str], fmt: str) -> list[str]:
    """Each name, with a number added to the second and later of equal ones (case-insensitive: file systems)."""
    used: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 2
        while candidate.lower() in used:
            candidate, n = fmt.format(name=name, n=n), n + 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


def track_names(project) -> dict[str, str]:
    """{track id: a file-safe name}, unique and short: the stems' file names."""
    names = _unique([safe_name(t.name) for t in project.tracks], "{name}_{n}")
    return {t.id: name for t, name in zip(project.tracks, names)}


def track_labels(project) -> dict[str, str]:
    """{track id: its name as shown in timing files}, unique: two tracks both named "Anna" are "Anna" and
    "Anna (2)", so that TextGrid tiers, timeline tracks and subtitles keep them apart. Whitespace and control
    characters become single spaces and the name is cut to a length that every tool shows whole."""
    names = [" ".join("".join(c if c.isprintable() else " " for c in t.name).split())[:MAX_NAME_CHARS] or "Track"
             for t in project.tracks]
    labels = _unique(names, "{name} ({n})")
    return {t.id: label for t, label in zip(project.tracks, labels)}


def entries(placed: list[PlacedSegment], rate: int) -> list[dict]:
    return [segment_entry(p, rate) for p in placed]


def write_labels(path: str | Path, placed: list[PlacedSegment], rate: int) -> None:
    """Audacity label track: start, end and text per segment, tab-separated."""
    lines = [f"{e['start']:.6f}\t{e['end']:.6f}\t{e['track']}: {e['text']}" for e in entries(placed, rate)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def lanes(spans: list[tuple[float, float]]) -> list[int]:
    """For intervals given in time order, the lane each goes on so that no lane holds two that overlap (the
    first lane that is free by its start). Lines that overlap on one track (a cue kept on time while the line
    before it still speaks) go on a second lane instead of corrupting a tier or a track."""
    ends: list[float] = []
    out = []
    for a, b in spans:
        lane = next((i for i, e in enumerate(ends) if e <= a), len(ends))
        if lane == len(ends):
            ends.append(b)
        else:
            ends[lane] = b
        out.append(lane)
    return out


def _lane_name(base: str, lane: int) -> str:
    return base if lane == 0 else f"{base} {lane + 1}"


def _in_order(names, order: list[str] | None) -> list[str]:
    """`names` in the project's track order (`order`, the tracks' labels), the rest after in their own order."""
    rank = {name: i for i, name in enumerate(order or [])}
    return sorted(names, key=lambda n: rank.get(n, len(rank)))


def write_textgrid(path: str | Path, placed: list[PlacedSegment], rate: int, duration: float,
                   order: list[str] | None = None) -> None:
    """A Praat TextGrid with a word tier and a phoneme tier per track, in the track order `order` (the tracks'
    labels) where given (tracks may overlap in time; lines that overlap within a track get a second pair of
    tiers). Every time is a sample of the one grid divided by the rate, so neighbouring intervals meet exactly."""
    from praatio import textgrid

    tg = textgrid.Textgrid()
    by_track: dict[str, list[dict]] = {}
    for e in sorted(entries(placed, rate), key=lambda e: e["start"]):
        by_track.setdefault(e["track"], []).append(e)
    by_track = {name: by_track[name] for name in _in_order(by_track, order)}
    end = max([duration] + [e["end"] for e in entries(placed, rate)])
    for track, segs in by_track.items():
        tiers: dict[int, tuple[list, list]] = {}
        for e, lane in zip(segs, lanes([(e["start"], e["end"]) for e in segs])):
            words, phones = tiers.setdefault(lane, ([], []))
            words.extend((w["start"], w["end"], w["text"]) for w in e["words"] if w["end"] > w["start"])
            phones.extend((p["start"], p["end"], p["symbol"]) for w in e["words"] for p in w["phonemes"]
                          if p["end"] > p["start"])
        for lane in sorted(tiers):
            words, phones = tiers[lane]
            tg.addTier(textgrid.IntervalTier(_lane_name(f"{track} words", lane), words, 0, end))
            tg.addTier(textgrid.IntervalTier(_lane_name(f"{track} phonemes", lane), phones, 0, end))
    tg.save(str(path), format="long_textgrid", includeBlankSpaces=True)


@dataclass(frozen=True)
class MediaFile:
    path: Path  # absolute
    samples: int  # its length: the clip on the timeline is exactly this long


def media_url(path: Path) -> str:
    """A proper file URL (file:///...), which OTIO adapters and editors resolve wherever the .otio is opened."""
    import opentimelineio as otio

    return otio.url_utils.url_from_filepath(str(Path(path).resolve()))


def build_timeline(placed: list[PlacedSegment], rate: int, clips: dict[str, MediaFile],
                   stems: dict[str, MediaFile], title: str, folder: Path, order: list[str] | None = None):
    """An OpenTimelineIO timeline with one enabled representation: per track (in the order `order` of the
    tracks' labels, where given), its line clips at their times (gaps between; overlapping lines on a second
    track); the full-length stems follow as disabled tracks, for an editor that prefers them. Times are whole
    samples at `rate`."""
    import opentimelineio as otio

    def rt(samples: int) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(samples, rate)

    def rng(samples: int) -> otio.opentime.TimeRange:
        return otio.opentime.TimeRange(rt(0), rt(samples))

    def ref(media: MediaFile) -> otio.schema.ExternalReference:
        r = otio.schema.ExternalReference(target_url=media_url(media.path), available_range=rng(media.samples))
        r.metadata["speech_studio"] = {"relative_path": str(media.path.relative_to(folder))}
        return r

    timeline = otio.schema.Timeline(name=title or "Speech Studio", global_start_time=rt(0))
    by_track: dict[str, list[PlacedSegment]] = {}
    for p in placed:
        if p.segment.id in clips:
            by_track.setdefault(p.track, []).append(p)
    by_track = {name: by_track[name] for name in _in_order(by_track, order)}
    stems = {name: stems[name] for name in _in_order(stems, order)}
    for track_name, items in by_track.items():
        items = sorted(items, key=lambda p: p.offset + p.boundaries[0])
        spans = [(p.offset + p.boundaries[0], p.offset + p.boundaries[0] + clips[p.segment.id].samples)
                 for p in items]
        lane_of = lanes(spans)
        for lane in sorted(set(lane_of)):
            track = otio.schema.Track(name=_lane_name(f"{track_name} (lines)", lane), kind=otio.schema.TrackKind.Audio)
            cursor = 0
            for p, (a, b), ln in zip(items, spans, lane_of):
                if ln != lane:
                    continue
                if a > cursor:
                    track.append(otio.schema.Gap(source_range=rng(a - cursor)))
                media = clips[p.segment.id]
                track.append(otio.schema.Clip(name=p.segment.text[:60], media_reference=ref(media),
                                              source_range=rng(media.samples),
                                              metadata={"speech_studio": {"segment": p.segment.id}}))
                cursor = b
            timeline.tracks.append(track)
    for track_name, media in stems.items():
        stem = otio.schema.Track(name=f"{track_name} (stem)", kind=otio.schema.TrackKind.Audio)
        stem.enabled = False  # the same audio as the lines: enabled too, everything would play twice
        stem.append(otio.schema.Clip(name=f"{track_name} stem", media_reference=ref(media),
                                     source_range=rng(media.samples)))
        timeline.tracks.append(stem)
    return timeline


# Editor formats written through OpenTimelineIO's adapter plugins, when the plugin is installed:
# (file name, adapter name, what imports it).
EDITOR_FORMATS = (("timeline.xml", "fcp_xml", "Final Cut Pro 7 XML: Premiere Pro, DaVinci Resolve"),
                  ("timeline.fcpxml", "fcpx_xml", "Final Cut Pro X"),
                  ("timeline.aaf", "AAF", "Avid Media Composer, Pro Tools"))


ADAPTER_OPTIONS = {"AAF": {"use_empty_mob_ids": True}}  # our WAVs have no AAF mob ids: the writer makes new ones


def write_timelines(folder: Path, timeline, notes: list[str], fps: float = 25.0) -> list[Path]:
    """timeline.otio, plus each editor format whose adapter plugin is installed; a plugin that is missing or
    cannot write this timeline gives a note, not a failure."""
    import opentimelineio as otio

    written = [folder / "timeline.otio"]
    otio.adapters.write_to_file(timeline, str(written[0]))
    available = set(otio.adapters.available_adapter_names())
    editor = None
    for name, adapter, who in EDITOR_FORMATS:
        if adapter not in available:
            notes.append(f"{name} ({who}) was not written: install the OpenTimelineIO adapter plugin for "
                         f"{adapter}.")
            continue
        editor = editor or editor_timeline(timeline, fps)
        try:
            otio.adapters.write_to_file(editor, str(folder / name), adapter_name=adapter,
                                        **ADAPTER_OPTIONS.get(adapter, {}))
            written.append(folder / name)
        except Exception as exc:  # noqa: BLE001 - a third-party adapter may fail on any timeline
            (folder / name).unlink(missing_ok=True)
            notes.append(f"{name} ({who}) could not be written by the {adapter} adapter: {exc}.")
    return written


def editor_timeline(timeline, fps: float):
    """The timeline as editors' interchange formats need it: times in frames of the video rate (their
    timecode knows no 48000 Hz rate), only the enabled lines (some adapters ignore `enabled`), clip names
    without quotes, and an empty picture track as the primary storyline that audio lanes hang from (FCP X)."""
    import opentimelineio as otio

    copy = timeline.deepcopy()
    for i in reversed(range(len(copy.tracks))):
        if not copy.tracks[i].enabled:
            del copy.tracks[i]

    def frames(t):
        return otio.opentime.RationalTime(round(t.to_seconds() * fps), fps)

    def ranged(r):
        return otio.opentime.TimeRange(frames(r.start_time), frames(r.duration))

    for track in copy.tracks:
        for item in track:
            item.source_range = ranged(item.source_range)
            if isinstance(item, otio.schema.Clip):
                item.name = "".join(c for c in item.name if c.isalnum() or c in " .,-_") or "line"
                if item.media_reference.available_range is not None:
                    item.media_reference.available_range = ranged(item.media_reference.available_range)
    copy.global_start_time = otio.opentime.RationalTime(0, fps)
    picture = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    picture.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(frames(otio.opentime.RationalTime(0, 1)),
                                                                        frames(copy.duration()))))
    copy.tracks.insert(0, picture)
    return copy


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _with_phonemes(words: list[str], body: list[str], lexicon: dict[str, str]) -> list[str]:
    """The words' SSML with each run of words that an IPA lexicon entry says (one word or several: "New York")
    inside <phoneme alphabet="ipa">, so that the file says them as the project does."""
    entries = sorted(((k.split(), v.strip().strip("/")) for k, v in lexicon.items() if is_ipa(v)),
                     key=lambda e: -len(e[0]))
    out, i = [], 0
    while i < len(words):
        for keys, ipa in entries:
            n = len(keys)
            if [w.lower().strip(".,;:!?\"“”‘’()") for w in words[i:i + n]] == [k.lower() for k in keys]:
                out.append(f'<phoneme alphabet="ipa" ph="{_xml(ipa)}">{" ".join(body[i:i + n])}</phoneme>')
                i += n
                break
        else:
            out.append(body[i])
            i += 1
    return out


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
        said = [w for w in seg.words if not (w.is_pause or not w.text)]
        for word in said:
            n = len(word.phonemes)
            if n == 0:  # no phoneme to average over: the word is written without prosody
                body.append(_xml(word.text))
                continue
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
        text = " ".join(_with_phonemes([w.text for w in said], body, project.lexicon))
        if seg.emotion.name != "neutral" and seg.emotion.name in PRESETS and seg.emotion.intensity > 0:
            text = (f'<mstts:express-as style="{styles.get(seg.emotion.name, seg.emotion.name)}" '
                    f'styledegree="{seg.emotion.intensity:.2f}">{text}</mstts:express-as>')
        out.append(f'  <voice name="{_xml(name)}"><s>{text}</s></voice>')
    out.append("</speak>")
    return "\n".join(out) + "\n"
