"""Emotions as prosody and voice-quality transforms, with their documented presets.

Each preset says what the emotion does at intensity 1 to pitch level and range, tempo, loudness, pauses and voice
quality. Intensity scales every change linearly from neutral (0) through the preset (1) to an exaggeration (2).
The numbers and their sources are in docs/emotion.md; users may edit presets and save their own in the project.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class EmotionPreset:
    pitch_st: float = 0.0  # shift of the pitch level, semitones
    range_factor: float = 1.0  # scale of pitch movement around the speaker's median (1 = unchanged)
    tempo: float = 1.0  # speaking rate factor (>1 faster); durations are divided by it
    energy_db: float = 0.0  # loudness change
    pause_factor: float = 1.0  # pause durations are multiplied by it
    breathiness: float = 0.0  # 0..1, mixes aperiodicity toward noise
    tilt_db_per_octave: float = 0.0  # spectral tilt; negative = softer, darker voice; positive = tenser, brighter
    whisper: float = 0.0  # 0..1; at 1 the voice is fully unvoiced

    def scaled(self, intensity: float) -> "EmotionPreset":
        """The preset at an intensity: additive values scale linearly, factors scale in the log domain."""
        k = float(intensity)

        def factor(v: float) -> float:
            return math.exp(math.log(max(v, 1e-3)) * k)

        return EmotionPreset(
            pitch_st=self.pitch_st * k, range_factor=factor(self.range_factor), tempo=factor(self.tempo),
            energy_db=self.energy_db * k, pause_factor=factor(self.pause_factor),
            breathiness=min(1.0, self.breathiness * k), tilt_db_per_octave=self.tilt_db_per_octave * k,
            whisper=min(1.0, self.whisper * k))

    @property
    def is_neutral(self) -> bool:
        return self == EmotionPreset()

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @staticmethod
    def from_dict(d: dict) -> "EmotionPreset":
        known = {f.name for f in fields(EmotionPreset)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown preset field(s): {', '.join(sorted(unknown))}")
        values = {}
        for k, v in d.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"preset field '{k}' must be a finite number")
            values[k] = float(v)
        preset = EmotionPreset(**values)
        for name, (lo, hi) in PRESET_BOUNDS.items():
            if not lo <= getattr(preset, name) <= hi:
                raise ValueError(f"preset field '{name}' must lie in {lo}..{hi}")
        return preset


PRESET_BOUNDS = {"pitch_st": (-12, 12), "range_factor": (0.2, 3), "tempo": (0.5, 2), "energy_db": (-18, 12),
                 "pause_factor": (0.2, 4), "breathiness": (0, 1), "tilt_db_per_octave": (-6, 6), "whisper": (0, 1)}

# At intensity 1; directions after Murray & Arnott (1993) and Scherer (2003), sizes after Burkhardt & Sendlmeier
# (2000) and Schröder (2001). See docs/emotion.md.
PRESETS: dict[str, EmotionPreset] = {
    "neutral": EmotionPreset(),
    "happy": EmotionPreset(pitch_st=3.0, range_factor=1.4, tempo=1.12, energy_db=2.0, pause_factor=0.85,
                           tilt_db_per_octave=1.0),
    "sad": EmotionPreset(pitch_st=-2.0, range_factor=0.65, tempo=0.85, energy_db=-3.0, pause_factor=1.4,
                         breathiness=0.15, tilt_db_per_octave=-1.5),
    "angry": EmotionPreset(pitch_st=2.0, range_factor=1.5, tempo=1.08, energy_db=4.0, pause_factor=0.8,
                           tilt_db_per_octave=2.5),
    "calm": EmotionPreset(pitch_st=-1.0, range_factor=0.8, tempo=0.92, energy_db=-2.0, pause_factor=1.2,
                          breathiness=0.05, tilt_db_per_octave=-1.0),
    "surprised": EmotionPreset(pitch_st=4.0, range_factor=1.6, tempo=1.05, energy_db=2.0, pause_factor=0.9,
                               tilt_db_per_octave=1.0),
    "fearful": EmotionPreset(pitch_st=3.5, range_factor=1.25, tempo=1.15, energy_db=0.0, pause_factor=0.9,
                             breathiness=0.25, tilt_db_per_octave=-0.5),
    "whisper": EmotionPreset(energy_db=-6.0, tempo=0.95, breathiness=1.0, whisper=1.0, tilt_db_per_octave=1.0),
}


def resolve(name: str, custom: dict[str, EmotionPreset] | None = None) -> EmotionPreset:
    """The preset for an emotion name: the project's own first, then the built-in ones."""
    if custom and name in custom:
        return custom[name]
    if name in PRESETS:
        return PRESETS[name]
    raise KeyError(f"there is no emotion preset named '{name}'")
