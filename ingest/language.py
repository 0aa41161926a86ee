"""Language of passages and documents, with langdetect made repeatable.

langdetect draws random n-grams; with a fixed seed it gives the same answer for the
same text every time. Its module-level ``detect`` shares one lazily built factory
between threads, so this module builds its own, once, under a lock, from the profile
files in sorted order (``os.listdir`` order differs between file systems), and each
call gets a detector of its own with its own seeded random generator: answers do not
depend on threads or on what other code did with langdetect.

Detection needs text: a passage of a few dozen words is detected well, a query of two
or three words is not. Short queries must never be filtered on their detected
language — use it, at most, as a hint for ranking.
"""
from __future__ import annotations

import os
import re
import threading
from collections import defaultdict

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0  # for any code in the project that calls langdetect directly

_SEED = 0
_MIN_WORDS = 3  # fewer words of letters than this: no answer rather than a guess
_MIN_PROBABILITY = 0.5  # below this the text is mixed or unlike any profile
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_LETTER_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_NON_LETTERS_RE = re.compile(r"[\d_]+")

_factory: DetectorFactory | None = None
_factory_lock = threading.Lock()


def _get_factory() -> DetectorFactory:
    """Our own factory, built once; loading the 55 profiles takes ~0.7 s."""
    global _factory
    with _factory_lock:
        if _factory is None:
            names = sorted(n for n in os.listdir(PROFILES_DIRECTORY) if not n.startswith("."))
            profiles = []
            for name in names:
                with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as f:
                    profiles.append(f.read())
            factory = DetectorFactory()
            factory.load_json_profile(profiles)
            factory.set_seed(_SEED)
            _factory = factory
        return _factory


def _prepare(text: str) -> str:
    """Remove what carries no language: addresses, numbers."""
    return " ".join(_NON_LETTERS_RE.sub(" ", _URL_RE.sub(" ", text)).split())


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` ("en", "sv", "el"...), or None when unsure.

    None for text with fewer than three words of letters once URLs and numbers are
    removed, or when no language stands out. The same text always gives the same
    answer. Not for filtering short queries (see the module's docstring).
    """
    cleaned = _prepare(text)
    if len(_LETTER_WORD_RE.findall(cleaned)) < _MIN_WORDS:
        return None
    detector = _get_factory().create()  # a fresh detector: its random state is its own
    detector.append(cleaned)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return None
    if best.prob < _MIN_PROBABILITY:
        return None
    return best.lang.split("-")[0]  # "zh-cn" and "zh-tw" are both "zh"


def document_language(passages: list[tuple[str, str | None]]) -> str | None:
    """The language of most of the text: (passage text, its language) pairs, weighed by length.

    Passages without a language do not vote; ties go to the alphabetically first code so
    the answer does not depend on passage order.
    """
    weight: dict[str, int] = defaultdict(int)
    for text, language in passages:
        if language:
            weight[language] += len(text)
    if not weight:
        return None
    return min(weight, key=lambda code: (-weight[code], code))

