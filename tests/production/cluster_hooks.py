"""Faults for the batch tests, called in the render actors before each line's render (actors.LineRenderer.hook).
They are pickled by value (see test_cluster_batch), so the actors need not import the tests package."""

import os


class CountCalls:
    """Appends one byte per model call to a file: the count across every actor process."""

    def __init__(self, path):
        self.path = str(path)

    def __call__(self, request):
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)


class DieOnce(CountCalls):
    """The first render anywhere kills its actor's process (the marker file is claimed by exactly one)."""

    def __init__(self, path, marker):
        super().__init__(path)
        self.marker = str(marker)

    def __call__(self, request):
        super().__call__(request)
        try:
            os.unlink(self.marker)
        except FileNotFoundError:
            return
        os._exit(1)


class FailOn(CountCalls):
    """Every render of a line holding `word` raises, as a model error would."""

    def __init__(self, path, word):
        super().__init__(path)
        self.word = word

    def __call__(self, request):
        super().__call__(request)
        if self.word in request.text.lower():
            raise RuntimeError(f"the model cannot say '{self.word}'")
