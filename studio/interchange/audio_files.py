"""Writing WAV files: atomically, so that an interrupted export never leaves half a file under the real name."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int, subtype: str = "PCM_16") -> None:
    path = Path(path)
    data = np.clip(np.nan_to_num(np.asarray(audio, dtype=np.float32)), -1.0, 1.0)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    try:
        try:
            sf.write(tmp, data, sample_rate, subtype=subtype, format="WAV")
        except sf.LibsndfileError as exc:  # a full disk reaches us as libsndfile's error, not an OSError
            raise OSError(errno.ENOSPC if "space" in str(exc).lower() else errno.EIO,
                          f"libsndfile could not write it ({exc})", str(path)) from None
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
