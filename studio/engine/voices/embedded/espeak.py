"""A small ctypes binding to libespeak-ng that returns audio together with real word and phoneme events.

The espeak-ng command line only prints phonemes, not their timing; the C library reports every phoneme and word
with its sample position while it synthesizes. Synchronous mode (no audio device) hands us the int16 samples in
the same callback, so one call yields both the waveform and its alignment.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import json
import os
import struct
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass

import numpy as np

from studio.core.paths import ROOT

# espeak_AUDIO_OUTPUT / options / event types / flags, from speak_lib.h (espeak-ng 1.51).
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
INITIALIZE_DONT_EXIT = 0x8000
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5
EVENT_MSG_TERMINATED = 6
EVENT_PHONEME = 7
CHARS_UTF8 = 1
SSML = 0x10
PHONEMES = 0x100  # read [[...]] as espeak phoneme mnemonics (the pronunciation lexicon sends IPA this way)
POS_CHARACTER = 1
PARAM_RATE = 1
PARAM_VOLUME = 2
PARAM_PITCH = 3
PARAM_RANGE = 4
PARAM_WORDGAP = 7
PHONEMES_IPA = 0x02


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class EspeakUnavailable(RuntimeError):
    """libespeak-ng could not be loaded or initialised."""


@dataclass(frozen=True)
class WordEvent:
    text_position: int  # 0-based character offset into the input
    length: int  # in characters
    sample: int


@dataclass(frozen=True)
class PhonemeEvent:
    ipa: str
    sample: int


@dataclass(frozen=True)
class Synthesis:
    audio: np.ndarray  # int16, mono
    sample_rate: int
    words: tuple[WordEvent, ...]
    phonemes: tuple[PhonemeEvent, ...]


@dataclass(frozen=True)
class ProsodySettings:
    """espeak's own prosody parameters, in its units (rate in words per minute, pitch and range 0-100)."""

    rate: int = 175
    pitch: int = 50
    range: int = 50
    volume: int = 100
    wordgap: int = 0  # extra pause between words, in units of 10 ms at normal speed


class _VoiceInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_void_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


@dataclass(frozen=True)
class VoiceEntry:
    """One voice of espeak-ng's own list: its file identifier ("roa/fr") and (priority, language) pairs."""
    identifier: str
    languages: tuple[tuple[int, str], ...]


def _languages(ptr: int) -> tuple[tuple[int, str], ...]:
    """espeak_VOICE.languages: (priority byte, NUL-terminated language) pairs, ended by a zero byte."""
    out, pos = [], ptr
    while pos:
        prio = ctypes.c_ubyte.from_address(pos).value
        if prio == 0:
            break
        lang = ctypes.string_at(pos + 1)
        out.append((prio, lang.decode("ascii", "replace").lower()))
        pos += 1 + len(lang) + 1
    return tuple(out)


def pick_voice(name: str, voices: list[VoiceEntry]) -> str | None:
    """The voice of `voices` for a language-named voice ("fr-fr+f2", "ta", "pt-br"): the one whose languages
    hold the name, else its language ("fr"), else a regional form of it ("fr-be"), by espeak's own priority;
    mbrola voices (which need separate data) are never picked. Its identifier keeps the variant ("roa/fr+f2")."""
    base, plus, variant = name.partition("+")
    base = base.lower()
    lang = base.split("-")[0]
    best = None
    for v in voices:
        if v.identifier.startswith("mb/"):
            continue
        for prio, code in v.languages:
            rank = 0 if code == base else 1 if code == lang else 2 if code.startswith(lang + "-") else None
            if rank is not None and (best is None or (rank, prio) < best[0]):
                best = ((rank, prio), v.identifier)
    return None if best is None else best[1] + plus + variant


class Espeak:
    """Process-wide espeak-ng engine. The library keeps global state, so every call holds one lock."""

    _instance: "Espeak | None" = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self._lib = ctypes.CDLL(name)
        except OSError as exc:
            raise EspeakUnavailable(
                "The espeak-ng library is not installed; run 'sudo apt-get install espeak-ng' and start again."
            ) from exc
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_Callback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceInfo))
        rate = lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, None,
            INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT,
        )
        if rate <= 0:
            raise EspeakUnavailable("espeak-ng failed to start; check that espeak-ng-data is installed.")
        self.sample_rate = int(rate)
        self._lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int, int, bytes]] = []
        # Keep a reference to the callback object: ctypes does not, and a collected callback crashes espeak.
        self._callback = _Callback(self._on_synth)
        lib.espeak_SetSynthCallback(self._callback)
        self._resolved: dict[str, str] = {}

    def voices(self) -> list[VoiceEntry]:
        """espeak-ng's own list of voices (espeak_ListVoices), as installed."""
        listed = self._lib.espeak_ListVoices(None)
        out, i = [], 0
        while listed and listed[i]:
            v = listed[i].contents
            out.append(VoiceEntry((v.identifier or b"").decode("utf-8", "replace"), _languages(v.languages)))
            i += 1
        return out

    def _set_voice(self, voice: str) -> None:
        """Select `voice` by name, or, where espeak-ng has no voice of that name (voice files are named
        differently across versions: "fr-fr" is "fr" in one and "roa/fr" in another), by the language it names,
        from espeak-ng's own voice list. Called with the lock held."""
        name = self._resolved.get(voice, voice)
        if self._lib.espeak_SetVoiceByName(name.encode("utf-8")) == 0:
            return
        found = pick_voice(voice, self.voices())
        if found is None or self._lib.espeak_SetVoiceByName(found.encode("utf-8")) != 0:
            raise ValueError(f"espeak-ng has no voice named '{voice}'; pick one from 'studio voices'.")
        self._resolved[voice] = found

    @classmethod
    def get(cls) -> "Espeak":
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _on_synth(self, wav, numsamples, events) -> int:
        if numsamples > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            ev = events[i]
            raw = bytes(ev.id.string).split(b"\0", 1)[0] if ev.type == EVENT_PHONEME else b""
            self._events.append((ev.type, ev.text_position, ev.length, ev.sample, raw))
            i += 1
        return 0  # 0 = continue synthesis

    def synthesize(self, text: str, voice: str, prosody: ProsodySettings = ProsodySettings(),
                   ssml: bool = False) -> Synthesis:
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            self._set_voice(voice)
            for param, value in ((PARAM_RATE, prosody.rate), (PARAM_PITCH, prosody.pitch),
                                 (PARAM_RANGE, prosody.range), (PARAM_VOLUME, prosody.volume),
                                 (PARAM_WORDGAP, prosody.wordgap)):
                self._lib.espeak_SetParameter(param, int(value), 0)
            self._chunks, self._events = [], []
            flags = CHARS_UTF8 | PHONEMES | (SSML if ssml else 0)
            err = self._lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, flags, None, None)
            if err != 0:
                raise RuntimeError(f"espeak-ng could not synthesize this text (error {err}).")
            chunks, events = self._chunks, self._events
            self._chunks, self._events = [], []
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        words, phonemes = [], []
        for etype, pos, length, sample, raw in events:
            if etype == EVENT_WORD:
                # espeak counts characters from 1.
                words.append(WordEvent(text_position=pos - 1, length=length, sample=sample))
            elif etype == EVENT_PHONEME:
                phonemes.append(PhonemeEvent(ipa=raw.decode("utf-8", "replace"), sample=sample))
        return Synthesis(audio=audio, sample_rate=self.sample_rate, words=tuple(words), phonemes=tuple(phonemes))


    def phonemize(self, text: str, voice: str) -> list[tuple[str, str]]:
        """(IPA, terminator) of each clause espeak finds in `text`, in order; the terminator is the clause's
        closing punctuation mark (".", ",", "?", "!", ":", ";") or "".

        This is how Piper phonemizes: whole clauses go to espeak, so it reads "$20.50", "10:30" or "Dr." as
        words. espeak-ng 1.51 has no espeak_TextToPhonemesWithTerminator, so the terminator is read off the text
        espeak consumed for the clause (which ends one character into the next clause: espeak reads ahead).
        """
        data = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
        base = ctypes.addressof(data)
        ptr = ctypes.c_void_p(base)
        out: list[tuple[str, str]] = []
        with self._lock:
            self._set_voice(voice)
            while ptr.value:
                start = ptr.value - base
                ipa = self._lib.espeak_TextToPhonemes(ctypes.byref(ptr), CHARS_UTF8 | PHONEMES, PHONEMES_IPA) or b""
                end = (ptr.value - base) if ptr.value else len(data.raw) - 1
                clause = data.raw[start:end].decode("utf-8", "replace")
                clause = clause[:-1] if ptr.value else clause  # drop the read-ahead character
                tail = clause.rstrip("\0 \t\n").rstrip("\"'”’)»]").rstrip()
                mark = tail[-1] if tail and tail[-1] in ".,?!:;" else ""
                out.append((ipa.decode("utf-8", "replace"), mark))
        return out


class EspeakProcess:
    """Client of espeak_worker: the same `synthesize` as Espeak, deterministic and crash-isolated.

    One worker process serves the whole application; a lock keeps requests in order. A dead worker is started
    again on the next request.
    """

    _instance: "EspeakProcess | None" = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self.sample_rate = 22050

    @classmethod
    def get(cls) -> "EspeakProcess":
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
                atexit.register(cls._instance.close)
            return cls._instance

    def _start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc = subprocess.Popen([sys.executable, "-m", "studio.engine.voices.embedded.worker"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        hello = self._receive()
        if "error" in hello:
            self.close()
            raise EspeakUnavailable(hello["error"])
        self.sample_rate = int(hello["sample_rate"])

    def _receive(self) -> dict:
        out = self._proc.stdout
        head = out.read(4)
        if len(head) < 4:
            raise EspeakUnavailable("The espeak-ng worker stopped unexpectedly; try again.")
        return json.loads(out.read(struct.unpack(">I", head)[0]))

    def close(self) -> None:
        if self._proc is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=2)
            except Exception:  # noqa: BLE001 - closing is best effort
                self._proc.kill()
                self._proc.wait()
            self._proc.stdout.close()
            self._proc = None

    def _ask(self, request: bytes) -> dict:
        """Send one request and read the answer's header; the caller holds the lock."""
        for attempt in (1, 2):
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            try:
                self._proc.stdin.write(struct.pack(">I", len(request)) + request)
                self._proc.stdin.flush()
                header = self._receive()
                break
            except (BrokenPipeError, EspeakUnavailable):
                self.close()
                if attempt == 2:
                    raise
        if "error" in header:
            raise ValueError(header["error"])
        return header

    def phonemize(self, text: str, voice: str) -> list[tuple[str, str]]:
        """Espeak.phonemize, in the worker."""
        return self.phonemize_many([text], voice)[0]

    def phonemize_many(self, texts: list[str], voice: str) -> list[list[tuple[str, str]]]:
        """Espeak.phonemize of each text, in one request to the worker."""
        with self._lock:
            answer = self._ask(json.dumps({"phonemize": texts, "voice": voice}).encode())
        return [[tuple(c) for c in clauses] for clauses in answer["clauses"]]

    def synthesize(self, text: str, voice: str, prosody: ProsodySettings = ProsodySettings(),
                   ssml: bool = False) -> Synthesis:
        request = json.dumps({"text": text, "voice": voice, "prosody": asdict(prosody), "ssml": ssml}).encode()
        with self._lock:
            header = self._ask(request)
            audio = np.frombuffer(self._proc.stdout.read(2 * header["n"]), dtype="<i2").astype(np.int16)
        return Synthesis(audio=audio, sample_rate=int(header["sample_rate"]),
                         words=tuple(WordEvent(**w) for w in header["words"]),
                         phonemes=tuple(PhonemeEvent(**p) for p in header["phonemes"]))
