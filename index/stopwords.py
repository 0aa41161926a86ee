"""Function words: left out of lexical queries, and never offered by the term bridge.

In a rank fusion a lexical hit on "and" or "der" counts as much as one on "anti-rumour";
dropping function words keeps the lexical ranking about content. Short lists suffice for
the query side (`STOPWORDS`): BM25's IDF handles the rest, and a longer list would drop
words people mean ("new", "work", "information" are on the long English lists).

The term bridge is stricter (`FUNCTION_WORDS`): a term it adds is shown to the user as
"also searched for", so none may be a function word in any language. That list adds the
stopwords-iso lists (MIT licence, PyPI `stopwordsiso`) of the languages Praxis indexes.
"""
from __future__ import annotations

import unicodedata

_WORDS = {
    "en": "a an and are as at be been by can do does for from has have how in into is it its of on or our "
          "that the their them there these they this to was we were what when where which who why will with "
          "without you your about can't cannot not no more most other such than then so also any all",
    "de": "aber als am an auch auf aus bei bin bis das dass dem den der des die doch du durch ein eine einem "
          "einen einer eines er es für hat haben ich ihr im in ist mit nach nicht noch oder sich sie sind so "
          "über um und uns von vor war was wie wir wird zu zum zur",
    "fr": "au aux avec ce ces comment dans de des du elle en est et il ils je la le les leur leurs mais nous "
          "on ou où par pas pour qu que qui quoi sa se ses son sont sur un une vous y à été être comme",
    "es": "a al como con de del el ella en es esta este están hay la las lo los más no nos o para pero por "
          "qué que se sin son su sus un una uno y cómo dónde ser",
    "it": "a al alla alle che chi ci come con da dal dalla dei del della delle di e è gli i il in la le lo "
          "ma nel nella non o per più se si sono su sua suo tra un una uno come dove",
    "nl": "aan al als bij dat de den der die dit door een en er het hoe hun in is je met naar niet of om "
          "onze ook op over te tot uit van voor wat we wij worden zijn",
    "sv": "att av de den det som en ett för från har hur i inte jag med men och om på så till vad vi vår "
          "våra är där",
    "fi": "ei ja jos kuin kun mitä miten mutta myös ne niin on ovat se sekä että tai tämä me meidän",
    "pl": "a aby ale do dla i jak jest na nie o od po oraz się są to w we z za że czy jako które który",
    "el": "και να το τα της του των τον την η ο οι σε στο στη στην στα στους για με από που είναι δεν θα "
          "ως ή τι πώς πως μας στις τις στον ήταν ανά μια ένα ενός μιας αυτό αυτή αυτά όπως όταν επίσης",
    "pt": "a ao as com como da das de do dos e em na nas no nos o os ou para por que se um uma",
    "lv": "ar bet par un uz no vai kā ir kas lai mēs mūsu arī",
}

# FTS5 folds a final sigma to σ, so the lexical index's terms spell "τις" as "τισ": both count.
STOPWORDS: frozenset[str] = frozenset(
    form for words in _WORDS.values() for word in words.split() for form in (word, word.replace("ς", "σ"))
)


def fts_fold(word: str) -> str:
    """A word as the FTS5 tokenizer stores it (unicode61, remove_diacritics 2): lower case,
    accents off Latin letters (Greek keeps its tonos), final sigma as σ. (Here, not in
    lexical.py, because lexical imports the stopword lists folded with it.)"""
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(ch) and kept and ord(kept[-1]) < 0x250:
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)).replace("ς", "σ")


def _long_lists() -> set[str]:
    try:
        import stopwordsiso
    except ImportError:  # a declared dependency; without it the bridge falls back to the short lists
        return set()
    return {word for code in _WORDS for word in stopwordsiso.stopwords(code)}


# Both spellings: as typed (accents) and as the FTS index stores terms (folded).
FUNCTION_WORDS: frozenset[str] = frozenset(
    form for word in STOPWORDS | _long_lists() for form in (word.lower(), fts_fold(word))
)
