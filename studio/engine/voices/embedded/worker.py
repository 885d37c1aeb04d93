"""A fork server that gives every espeak-ng synthesis a pristine library state.

espeak-ng keeps state between utterances inside one process (the glottal phase of its wave generator, and the
C library's rand() for noise), so synthesizing one text twice in a row gives outputs that differ by a few
samples. This process initialises espeak once, then forks a child for every request: each child starts from the
same memory image, seeds rand() identically, synthesizes one text and exits. Same request, same samples, and a
crash inside espeak takes down one child instead of the editor.

Protocol on stdin/stdout: 4-byte big-endian length + JSON request; the answer is 4-byte length + JSON header,
then the int16 audio bytes the header announces.
"""

from __future__ import annotations

import ctypes
import json
import os
import struct
import sys
from dataclasses import asdict


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        b = os.read(fd, n)
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _answer(fd: int, header: dict, payload: bytes = b"") -> None:
    blob = json.dumps(header).encode("utf-8")
    _write_all(fd, struct.pack(">I", len(blob)) + blob + payload)


def serve() -> None:
    from studio.engine.voices.embedded.espeak import Espeak, ProsodySettings

    infd, outfd = sys.stdin.fileno(), sys.stdout.fileno()
    try:
        engine = Espeak.get()
    except Exception as exc:  # noqa: BLE001 - reported to the client as one sentence
        _answer(outfd, {"error": str(exc)})
        return
    libc = ctypes.CDLL(None)
    _answer(outfd, {"ready": True, "sample_rate": engine.sample_rate})
    while True:
        head = _read_exact(infd, 4)
        if head is None:
            return
        body = _read_exact(infd, struct.unpack(">I", head)[0])
        if body is None:
            return
        req = json.loads(body)
        pid = os.fork()
        if pid == 0:  # child: synthesize once from the pristine image, answer, and leave without cleanup
            try:
                libc.srand(1)
                if "phonemize" in req:
                    _answer(outfd, {"clauses": [engine.phonemize(t, req["voice"]) for t in req["phonemize"]]})
                    os._exit(0)
                synth = engine.synthesize(req["text"], req["voice"], ProsodySettings(**req["prosody"]), req["ssml"])
                header = {"sample_rate": synth.sample_rate, "n": int(len(synth.audio)),
                          "words": [asdict(w) for w in synth.words], "phonemes": [asdict(p) for p in synth.phonemes]}
                _answer(outfd, header, synth.audio.astype("<i2").tobytes())
            except Exception as exc:  # noqa: BLE001
                _answer(outfd, {"error": str(exc)})
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            _answer(outfd, {"error": "espeak-ng crashed on this text; simplify unusual characters and try again."})


if __name__ == "__main__":
    serve()
