"""The one base class of every error a user fixes.

Each such error carries one plain sentence that says what is wrong and what to do. The CLI prints it and exits, the
editor shows it in a message box; neither shows a traceback. Errors of this kind are raised in every layer, so the
base lives here, at the bottom, where every layer can see it. Subclasses that were ValueErrors before keep that base
too, so older `except ValueError` sites still catch them.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; str(error) is one sentence for them."""
