"""The readers under fuzzing, and what counts as a clean answer from each.

It lives in production because it reads every layer's inputs, a model config among them (the engine's).

Every reader must either load an input or raise its own error type, whose message is one sentence. Anything
else (another exception, a hang, a file written) is a defect. Used by scripts/fuzz_readers.py (10,000+ inputs
per reader) and by a smaller sample in the test suite.
"""

from __future__ import annotations

import random

from studio.core import project_io
from studio.core.paths import DEMO_PROJECT
from studio.core.script import parse_script
from studio.engine.errors import ModelError
from studio.interchange import ssml, subtitles

SEEDS = {
    "project": None,  # filled from the demo project at run time
    "srt": "1\n00:00:01,000 --> 00:00:02,500\nANNA: Where were you?\n\n2\n00:00:03,000 --> 00:00:04,000\nOut.\n",
    "vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Anna>Where were you?\n\n00:00:03.000 --> 00:00:04.000\n"
           "BEN: Out.\n",
    "ssml": '<speak xmlns:mstts="m"><voice name="en-us">One <prosody pitch="+2st" rate="80%">two</prosody>'
            '<break time="300ms"/> <mstts:express-as style="sad" styledegree="1.2">three.</mstts:express-as>'
            '</voice></speak>',
    "script": "ANNA: Where were you last night?\nBEN: Out. Walking.\n\nNarration follows, e.g. this line.\n",
    "model_config": None,  # Coqui's own VITS config, made at run time (seed_text)
}


def seed_text(reader: str) -> str:
    """The valid input each reader's mutations start from."""
    if reader == "project":
        return DEMO_PROJECT.read_text(encoding="utf-8")
    if reader == "model_config":
        import json

        from TTS.tts.configs.vits_config import VitsConfig

        return json.dumps(VitsConfig().to_dict(), indent=1)
    return SEEDS[reader]


def read_model_config(text: str):
    """A model folder's config.json as loading reads it before building anything: nesting capped, size fields
    bounded, then Coqui's config object."""
    from studio.engine.voices.coqui import folder_checks
    from studio.engine.voices.coqui.loading import coqui_config

    data = folder_checks.parse_json(text, "config.json", "a Coqui config")
    folder_checks.check_sizes(data)
    return coqui_config(data, "config.json")


READERS = {
    "project": (project_io.loads, (project_io.ProjectFileError,)),
    "srt": (subtitles.read_srt, (subtitles.SubtitleError,)),
    "vtt": (subtitles.read_vtt, (subtitles.SubtitleError,)),
    "ssml": (ssml.parse, (ssml.SsmlError,)),
    "script": (parse_script, ()),
    "model_config": (read_model_config, (ModelError,)),
}

_SPICE = ["\x00", "\ufeff", "<", ">", "&", "&amp;", "-->", ":", "\n\n", "NaN", "1e999", "-1", '"', "{", "}", "[",
          "]", "<!ENTITY x 'y'>", "<speak>", "</speak>", "WEBVTT", "00:00:00,000", "99:99:99,999", "😀", "\u202e",
          # Issue 15's classes, so that each stays fixed: huge integers, lone surrogates (escaped and raw), a
          # 20-digit hour, nesting beyond the recursion limit, prosody that underflows, weights that overflow.
          "1" + "0" * 400, "-" + "9" * 30, "\\ud800", "\ud800", "\udfff", "99999999999999999999:00:00,000",
          "<s>" * 1200, "[" * 1200, '<prosody rate="0.0000001%">' * 30, 'mix:a=1e308,b=1e308', '"start": 1e400',
          '"phonemes": []', '"seed": ' + "9" * 40, "<?xml version='1.0'?>", "x" * 3000,
          # Hostile model configs (15.5): sizes of a billion or below zero, comments, deep nesting.
          "1e9", "1000000000", "-5", "0.5", "null", "true", "/* c */", "// c\n", "{" * 100, '"model": "fast_pitch"',
          '"hidden_channels": 1e9, ']


def mutate(text: str, rng: random.Random, rounds: int | None = None) -> str:
    """A few random edits: byte-level deletions, duplications, insertions of format-relevant tokens, swaps and
    truncation, so the fuzzer reaches both the parsers' error paths and their deeper, almost-valid ones."""
    chars = list(text)
    for _ in range(rounds or rng.randint(1, 6)):
        op = rng.random()
        pos = rng.randrange(len(chars) + 1)
        if op < 0.2 and chars:
            del chars[pos:pos + rng.randint(1, 8)]
        elif op < 0.4:
            chars[pos:pos] = list(rng.choice(_SPICE))
        elif op < 0.55 and chars:
            chars[pos:pos] = chars[max(0, pos - rng.randint(1, 40)):pos]
        elif op < 0.7 and chars:
            i = rng.randrange(len(chars))
            chars[i] = chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 0x3000)]))
        elif op < 0.8:
            chars = chars[:pos]
        else:
            chars[pos:pos] = [chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randint(1, 5))]
    return "".join(chars)


def check(reader: str, text: str) -> str:
    """'ok', or 'refused' with a one-line message; raises AssertionError for anything else."""
    parse, allowed = READERS[reader]
    try:
        parse(text)
        return "ok"
    except allowed as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback (most recent" not in message, message
        return "refused"
