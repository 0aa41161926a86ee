"""Clean text extracted from PDFs and cut it into passages that follow paragraphs.

PDF text comes hard-wrapped: one line per printed line, words hyphenated at line ends,
running headers and page numbers mixed in. ``clean_pages`` repairs that and rebuilds
paragraphs (one per line, separated by blank lines); ``split_passages`` groups
paragraphs into passages of roughly 80-300 words for search.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# --- characters -------------------------------------------------------------------------

# NFKC only where it is harmless: the Latin ligatures and odd spaces. NFKC everywhere
# would also turn "²" into "2" and "½" into "1⁄2".
_CHAR_FIXES = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
_CHAR_FIXES.update(
    {
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
        "\u200b": "", "\ufeff": "", "\ufffd": "",
        "\u2028": "\n", "\u2029": "\n\n", "\r\n": "\n", "\r": "\n", "\t": " ",
    }
)
_CHAR_FIX_RE = re.compile("|".join(sorted(map(re.escape, _CHAR_FIXES), key=len, reverse=True)))
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")  # glyphs of broken fonts: no meaning
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SOFT_HYPHEN = "\u00ad"


def _fix_characters(text: str) -> str:
    text = unicodedata.normalize("NFC", text)  # accents as one code point, as typed
    text = _CHAR_FIX_RE.sub(lambda m: _CHAR_FIXES[m.group(0)], text)
    text = _PRIVATE_USE_RE.sub("", text)
    return _CONTROL_RE.sub(" ", text)


# --- headers, footers, page numbers -------------------------------------------------------

_EDGE_LINES = 2  # headers and footers live in the first and last two lines of a page
_PAGE_NUMBER_RE = re.compile(
    r"^[-–—(\[]?\s*(?:page|pag|pág|p|seite|s|página|pagina|sivu|σελίδα|σελ|strona|str|sida|blz)?\.?\s*"
    r"(\d{1,4})(?:\s*(?:/|of|von|de|di|sur|z|av|van|από)\s*\d{1,4})?\s*[-–—)\]]?$",
    re.IGNORECASE,
)


def _edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the first and last non-empty lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _line_key(line: str) -> str:
    """Compare header lines whatever their page number or spacing."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines found at the edge of at least 60% of pages (3 pages or more)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_line_key(lines[i]) for i in _edge_indexes(lines)})
    needed = max(2, math.ceil(0.6 * len(pages)))
    return {key for key, count in counts.items() if count >= needed and key}


def _page_number_offset(pages: list[list[str]]) -> int | None:
    """The usual gap between printed page numbers and page positions, if numbers are seen.

    A bare number at a page edge is taken for a page number only when it follows the
    pages' order: a slide's "4" (four cities) stays.
    """
    offsets: Counter[int] = Counter()
    for position, lines in enumerate(pages, start=1):
        found = {
            int(match.group(1)) - position
            for i in _edge_indexes(lines)
            if (match := _PAGE_NUMBER_RE.match(lines[i].strip()))
        }
        offsets.update(found)
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    # Most pages must agree: two numbered steps that happen to sit at page edges in
    # order ("4" on page 1, "5" on page 2) are not page numbers.
    needed = max(min(2, len(pages)), math.ceil(0.6 * len(pages)))
    return offset if count >= needed else None


def _strip_headers(pages: list[list[str]]) -> list[list[str]]:
    repeated = _repeated_edge_lines(pages)
    offset = _page_number_offset(pages)
    cleaned = []
    for position, lines in enumerate(pages, start=1):
        drop = set()
        for i in _edge_indexes(lines):
            match = _PAGE_NUMBER_RE.match(lines[i].strip())
            if _line_key(lines[i]) in repeated:
                drop.add(i)
            elif match and offset is not None and int(match.group(1)) - position == offset:
                drop.add(i)
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


# --- words broken at line ends ------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_BROKEN_END_RE = re.compile(r"(\S*?)(\w+)-$")  # "...integra-", "2025-" (no space around "-")
_OPEN_URL_RE = re.compile(r"(?:^|\s)(?:https?://|www\.)\S*[/_=&?#]$")  # an address cut short
_LOWER_START_RE = re.compile(r"^([^\W\d_]+)")
# Coordinated compounds: "levnads- och arbetsvillkor", "Kultur- und Akademikervereine".
_CONJUNCTIONS = {
    "and", "or", "und", "oder", "bzw", "och", "eller", "et", "ou", "y", "o", "e", "ed", "od",
    "en", "of", "i", "og", "ja", "tai", "lub", "oraz", "και", "ή", "als", "sowie", "as",
}
# Prefixes that usually keep their hyphen: "anti-rumour", "non-discrimination".
_KEPT_PREFIXES = {
    "anti", "non", "self", "ex", "co", "pre", "post", "pro", "semi", "quasi", "neo",
    "multi", "cross", "well", "mid", "e", "euro", "eu", "socio", "intra",
}


def _vocabulary(pages: list[list[str]]) -> set[str]:
    """Every whole word of the document in lower case, hyphenated compounds included.

    The halves of words broken at line ends are left out: "integra" and "tion" must
    not count as evidence that "integra-tion" is made of two words.
    """
    words: set[str] = set()
    lines = [line for page in pages for line in page]
    for i, line in enumerate(lines):
        found = [m.group(0) for m in _WORD_RE.finditer(line.lower())]
        if found and _BROKEN_END_RE.search(line):
            found.pop()
        if found and i > 0 and _BROKEN_END_RE.search(lines[i - 1]) and line[:1].isalpha():
            found.pop(0)
        for compound in found:
            words.add(compound)
            words.update(compound.split("-"))
    return words


def _keeps_hyphen(before: str, fragment: str, after: str, vocabulary: set[str]) -> bool:
    """Whether "fragment-" + "after" is a real compound rather than one word cut in two.

    ``before`` is what precedes the fragment in the same token ("Saint-Jean-de-la-"):
    a URL or an existing compound keeps its hyphens.
    """
    first, second = fragment.lower(), after.lower()
    if "/" in before or "@" in before or "www." in before.lower() or "-" in before:
        return True
    if f"{first}-{second}" in vocabulary:
        return True
    if first + second in vocabulary:
        return False
    if first in _KEPT_PREFIXES:
        return True
    # Two words that stand alone elsewhere: "gender-sensitive", not "develop-ment".
    return len(first) >= 3 and len(second) >= 3 and first in vocabulary and second in vocabulary


def _rejoin(line: str, next_line: str, vocabulary: set[str]) -> tuple[str, str] | None:
    """Move the rest of a word broken at the end of ``line`` up from ``next_line``."""
    token, _, rest = next_line.lstrip().partition(" ")
    if line.endswith(_SOFT_HYPHEN):  # the typesetter said so: always one word
        return line[:-1] + token, rest
    if not token:
        return None
    if _OPEN_URL_RE.search(line):
        return line + token, rest  # ".../nous/" + "aide-aux-personnes/...": one address
    broken = _BROKEN_END_RE.search(line)  # no space after "-": "levnads- och" stays
    if not broken:
        return None
    start = _LOWER_START_RE.match(token)
    if not start or not token[0].islower():
        # "Self-\nEmpowerment", "Nikaia-\nRentis", "2020-\n2022": one token, hyphen kept.
        return (line + token, rest) if token[0].isupper() or token[0].isdigit() else None
    before, fragment = broken.group(1), broken.group(2)
    if not fragment.isalpha():
        return line + token, rest  # "B2-\nlevel": digits make it a code, keep the hyphen
    if start.group(1).lower() in _CONJUNCTIONS or (fragment.isupper() and len(fragment) > 1):
        return None  # "Kultur- und", "EU-level": a real hyphen before a line break
    if _keeps_hyphen(before, fragment, start.group(1), vocabulary):
        return line + token, rest
    return line[:-1] + token, rest


def _rejoin_lines(lines: list[str], vocabulary: set[str]) -> list[str]:
    lines = list(lines)
    emptied = set()  # a line whose only word moved up is gone, not a paragraph break
    for i in range(len(lines) - 1):
        joined = _rejoin(lines[i], lines[i + 1], vocabulary)
        if joined:
            lines[i], lines[i + 1] = joined
            if not lines[i + 1].strip():
                emptied.add(i + 1)
    return [line for i, line in enumerate(lines) if i not in emptied]


def _rejoin_across_pages(pages: list[list[str]], vocabulary: set[str]) -> None:
    """A word cut at the bottom of a page is completed at the top of the next."""
    for page, following in zip(pages, pages[1:]):
        last = max((i for i, line in enumerate(page) if line.strip()), default=None)
        first = next((i for i, line in enumerate(following) if line.strip()), None)
        if last is None or first is None:
            continue
        joined = _rejoin(page[last], following[first], vocabulary)
        if joined:
            page[last], following[first] = joined


# --- paragraphs -------------------------------------------------------------------------

_BULLET_RE = re.compile(r"^(?:[-–—•▪◦●■□▸►*·]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_SENTENCE_END_RE = re.compile(r"[.!?;:…][\"'”’»)\]]*$")


def _wrap_width(pages: list[list[str]]) -> int:
    """How long a full printed line is: a high percentile of line lengths."""
    lengths = sorted(len(line) for lines in pages for line in lines if line)
    if not lengths:
        return 0
    return max(30, lengths[int(0.9 * (len(lengths) - 1))])


def _ends_paragraph(line: str, next_line: str, after: str, width: int) -> bool:
    """Decide, from a line's end and the next lines' starts, whether a paragraph ends."""
    if not line or not next_line or _BULLET_RE.match(next_line):
        return True
    starts_lower = next_line[0].islower()
    if _SENTENCE_END_RE.search(line) and not starts_lower:
        return True
    # A short line ends a paragraph, or is a heading / slide line of its own.
    short = len(line) < 0.7 * width and not line.endswith((",", "-", "–"))
    if short and not starts_lower and not _open_ending(line):
        return True
    return _is_heading(next_line, after, width) and not _open_ending(line)


def _is_heading(line: str, next_line: str, width: int) -> bool:
    """A short capitalised line without final punctuation, before a new start."""
    if len(line) >= 0.6 * width or not (line[0].isupper() or line[0].isdigit()):
        return False
    if re.search(r"[.,;:!?]$", line):
        return False
    return not next_line or not next_line[0].islower()


def _open_ending(line: str) -> bool:
    """A line ending in a short lower-case word ("of the") goes on, whatever follows."""
    last = line.rsplit(" ", 1)[-1]
    return last.islower() and len(last) <= 3


def _paragraphs(lines: list[str], width: int) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if line:
            current.append(line)
        next_line = lines[i + 1] if i + 1 < len(lines) else ""
        after = lines[i + 2] if i + 2 < len(lines) else ""
        if current and _ends_paragraph(line, next_line, after, width):
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def clean_pages(pages: list[str]) -> list[str]:
    """Repair extracted text; one string per page, paragraphs separated by blank lines.

    Fixes ligatures and odd spaces, drops running headers/footers and page numbers,
    rejoins words hyphenated across lines (keeping real compounds such as
    "anti-segregation"), and unwraps hard-wrapped lines into paragraphs. Pages keep
    their positions (an empty page stays an empty string).
    """
    # Trailing spaces stay until words are rejoined: "levnads- " ends with a real hyphen.
    split = [_fix_characters(page).split("\n") for page in pages]
    split = _strip_headers(split)
    vocabulary = _vocabulary(split)
    split = [_rejoin_lines(lines, vocabulary) for lines in split]
    _rejoin_across_pages(split, vocabulary)
    normalised = [[" ".join(line.replace(_SOFT_HYPHEN, "").split()) for line in lines] for lines in split]
    width = _wrap_width(normalised)
    return ["\n\n".join(_paragraphs(lines, width)) for lines in normalised]


# --- passages ---------------------------------------------------------------------------


@dataclass
class _Block:
    """Words of one or more paragraphs, each word with its 1-based page."""

    words: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)  # word indexes that start a paragraph

    def extend(self, other: _Block) -> None:
        offset = len(self.words)
        if self.words:
            self.breaks.add(offset)
        self.breaks.update(offset + i for i in other.breaks)
        self.words += other.words
        self.pages += other.pages

    def slice(self, start: int, end: int) -> _Block:
        breaks = {i - start for i in self.breaks if start < i < end}
        return _Block(self.words[start:end], self.pages[start:end], breaks)

    def text(self) -> str:
        return "".join(("\n" if i in self.breaks else " ") + w for i, w in enumerate(self.words)).strip()


def _paragraph_blocks(pages: list[str]) -> list[_Block]:
    """Paragraphs as blocks; one cut by a page break is made whole again."""
    blocks: list[_Block] = []
    for number, page in enumerate(pages, start=1):
        for index, paragraph in enumerate(p for p in re.split(r"\n\s*\n", page) if p.strip()):
            words = paragraph.split()
            block = _Block(words, [number] * len(words))
            if index == 0 and blocks and _continues(blocks[-1], words):
                blocks[-1].words += block.words
                blocks[-1].pages += block.pages
            else:
                blocks.append(block)
    return blocks


def _continues(previous: _Block, words: list[str]) -> bool:
    """The previous page stopped mid-sentence and this one goes on in lower case."""
    return not _SENTENCE_END_RE.search(previous.words[-1]) and words[0][0].islower()


def _sentence_starts(words: list[str]) -> list[int]:
    """Indexes of words that begin a sentence (0 included)."""
    starts = [0]
    for i in range(1, len(words)):
        previous, word = words[i - 1], words[i]
        stem = previous.rstrip(".!?;…\"'”’»)]")
        is_initial = len(stem) == 1 and stem.isupper()  # "F. Heckmann"
        if _SENTENCE_END_RE.search(previous) and not previous.endswith(":") and not is_initial:
            if word[0].isupper() or word[0].isdigit() or word[0] in "\"'“‘«(-–•":
                starts.append(i)
    return starts


def _cut_long(block: _Block, max_words: int) -> list[_Block]:
    """Cut a block longer than ``max_words`` at sentence ends into balanced pieces."""
    total = len(block.words)
    if total <= max_words:
        return [block]
    target = total / math.ceil(total / max_words)
    bounds = _sentence_starts(block.words)[1:] + [total]
    pieces: list[_Block] = []
    start = end = 0
    for bound in bounds:
        if bound - start > max_words and end > start:
            pieces.append(block.slice(start, end))  # the next sentence would overflow
            start = end
        end = bound
        if end - start >= target:
            pieces.append(block.slice(start, end))
            start = end
    if start < total:
        pieces.append(block.slice(start, total))
    return [part for piece in pieces for part in _cut_words(piece, max_words)]


def _cut_words(block: _Block, max_words: int) -> list[_Block]:
    """A single sentence longer than ``max_words`` (a list of names...): cut evenly."""
    total = len(block.words)
    if total <= max_words:
        return [block]
    size = math.ceil(total / math.ceil(total / max_words))
    return [block.slice(i, min(i + size, total)) for i in range(0, total, size)]


def _pack(pieces: list[_Block], min_words: int, max_words: int) -> list[_Block]:
    """Group consecutive pieces until each group has at least ``min_words``."""
    groups: list[_Block] = []
    for piece in pieces:
        last = groups[-1] if groups else None
        if last and len(last.words) < min_words and len(last.words) + len(piece.words) <= max_words:
            last.extend(piece)
        else:
            groups.append(_Block(list(piece.words), list(piece.pages), set(piece.breaks)))
    return _merge_short(groups, min_words, max_words)


def _merge_short(groups: list[_Block], min_words: int, max_words: int) -> list[_Block]:
    """A group still too short joins a neighbour when both fit (the previous first)."""
    i = 0
    while i < len(groups) and len(groups) > 1:
        size = len(groups[i].words)
        if size >= min_words:
            i += 1
            continue
        if i > 0 and len(groups[i - 1].words) + size <= max_words:
            groups[i - 1].extend(groups.pop(i))
        elif i + 1 < len(groups) and size + len(groups[i + 1].words) <= max_words:
            groups[i].extend(groups.pop(i + 1))
        else:
            i += 1
    return groups


def split_passages(
    pages: list[str], min_words: int = 80, max_words: int = 300
) -> list[tuple[str, int, int]]:
    """Passages of about ``min_words``-``max_words`` words: (text, first page, last page).

    Expects pages from ``clean_pages`` (paragraphs separated by blank lines). Short
    paragraphs (headings, slide bullets) are grouped with their neighbours, long ones
    are cut at sentence ends, a passage may run over a page break, and a document
    with only a few words still gives one passage. Pages are 1-based.
    """
    pieces = [piece for block in _paragraph_blocks(pages) for piece in _cut_long(block, max_words)]
    groups = _pack(pieces, min_words, max_words)
    return [(group.text(), group.pages[0], group.pages[-1]) for group in groups if group.words]
