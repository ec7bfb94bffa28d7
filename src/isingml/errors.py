"""The one exception type for problems a user can cause and fix.

A ``UserError`` is reported by the ``isingml`` command as one line naming the file, key or
value and what to do about it, without a traceback (``isingml -v`` adds it). Any other exception
is a bug and keeps its traceback. ``UserError`` derives from ``ValueError`` so that library
callers may catch either.
"""


class UserError(ValueError):
    """Bad input: a missing or corrupt file, an argument out of range, data that do not fit."""
