"""The engine's errors that a user fixes, on the one base (core.errors.UserError).

They live here rather than in the module that raises them first, so that low modules (folder checks, the model
store, the Piper importer) can raise them without importing the modules that orchestrate them.
"""

from __future__ import annotations

from studio.core.errors import UserError


class ModelError(UserError):
    """A model could not be found, fetched or loaded; the message is one sentence for the user."""


class UnsafeCheckpoint(ModelError):
    pass


class DeviceUnavailable(ModelError):
    """The device asked for (--device cuda) is not there: the user asked for it, so callers do not quietly speak
    with another voice instead."""


class RefusedFolder(ModelError):
    """A model folder that is damaged or hostile (folder_checks): unlike a voice that cannot be fetched, the
    user must fix it, so callers do not quietly speak with another voice instead."""


class PiperImportError(ModelError):
    """A Piper file that cannot be converted; the message names the file and what is wrong."""


class OutputError(UserError):
    """One sentence for the user: an output could not be written."""


class AlignmentError(UserError, ValueError):
    """A recording could not be read or aligned to its text; the message is one sentence for the user."""


class VerifierError(UserError, RuntimeError):
    """The verifier cannot run; the message is one sentence for the user."""
