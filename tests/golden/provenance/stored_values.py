"""Reads the reference values a C++ test stores, so that a provenance script can compare
what it recomputes with them (tests/golden/provenance/README.md)."""
import os
import re

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def source(path):
    """The text of a file of the repository, path relative to its root."""
    with open(os.path.join(REPOSITORY, path), encoding="utf-8") as stream:
        return stream.read()


def numbers_in(text):
    """Every decimal number in text, in order, as floats."""
    return [float(n) for n in re.findall(NUMBER, text)]


def block(text, start, end):
    """The text from the first `start` to the next `end` after it (both included)."""
    first = text.index(start)
    return text[first:text.index(end, first) + len(end)]


def relative_difference(a, b):
    """|a - b| / max(|b|, 1e-300)."""
    return abs(a - b) / max(abs(b), 1e-300)
