"""The document model and everything that is pure data. No Qt, no torch, no TTS: a test holds this line."""

from studio.core.model import (EMOTIONS, PAUSE, Emotion, Phoneme, Project, Segment, SpeakerMix, Track, VoiceRef, Word,
                               new_id)

__all__ = ["EMOTIONS", "PAUSE", "Emotion", "Phoneme", "Project", "Segment", "SpeakerMix", "Track", "VoiceRef",
           "Word", "new_id"]
