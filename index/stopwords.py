"""Function words left out of lexical queries.

In a rank fusion a lexical hit on "and" or "der" counts as much as one on "anti-rumour";
dropping function words keeps the lexical ranking about content. Short lists suffice:
BM25's IDF handles the rest.
"""
from __future__ import annotations

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
          "våra är",
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
