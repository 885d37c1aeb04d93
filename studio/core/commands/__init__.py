"""Every change to a document is one of these commands, grouped by what it changes on a small base (base.py):
phonemes, lines, tracks and the project. `from studio.core.commands import X` reaches all of them."""

from studio.core.commands.base import Command, Macro, SetField
from studio.core.commands.lines import (AddSegment, EditText, MoveSegment, RemoveSegment, SetSegmentField,
                                        SetWordEmotion, dismiss_flag, edit_text, set_emotion, set_line_controls,
                                        set_segment_mix, set_segment_seed, set_segment_slot, set_segment_start,
                                        set_silence)
from studio.core.commands.phonemes import SetPhonemes, reset_phonemes, shift_phonemes
from studio.core.commands.project import (SetEmotionPreset, SetLexiconEntry, SetLibraryMix, SetProjectAttr,
                                          SetVideoOffset, add_marker, move_marker, nearest_marker, next_marker,
                                          remove_marker, rename_marker, set_pauses, set_reference_audio,
                                          set_reference_video)
from studio.core.commands.tracks import (AddTrack, RemoveTrack, SetTrackField, rename_track, set_track_gain,
                                         set_track_muted, set_track_mix, set_track_voice)

__all__ = [
    "Command", "Macro", "SetField",
    "SetPhonemes", "reset_phonemes", "shift_phonemes",
    "AddSegment", "EditText", "MoveSegment", "RemoveSegment", "SetSegmentField", "SetWordEmotion", "edit_text",
    "dismiss_flag", "set_emotion", "set_line_controls", "set_segment_mix", "set_segment_seed", "set_segment_slot",
    "set_segment_start", "set_silence",
    "AddTrack", "RemoveTrack", "SetTrackField", "rename_track", "set_track_gain", "set_track_muted", "set_track_mix",
    "set_track_voice",
    "SetEmotionPreset", "SetLexiconEntry", "SetLibraryMix", "SetProjectAttr", "SetVideoOffset", "add_marker",
    "move_marker", "nearest_marker", "next_marker", "remove_marker", "rename_marker", "set_pauses",
    "set_reference_audio", "set_reference_video",
]
