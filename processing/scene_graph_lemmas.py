"""Word classes and lemmas from fine-grained Penn tags, for the few words a scene graph outputs.

Why not spaCy's own `attribute_ruler` + `lemmatizer` pipes: they cost about a third of the pipeline's
CPU time on short captions, yet a graph needs the lemmas of a handful of heads and verbs only. We run
the tagger and parser, and lemmatise on demand with the *same* rule tables the pipeline's lemmatizer
uses (`lemma_rules`, `lemma_exc`, `lemma_index`), cached per (word, tag).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
VERB_TAGS = {"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"}
ADJECTIVE_TAGS = {"JJ", "JJR", "JJS"}
ADVERB_TAGS = {"RB", "RBR", "RBS", "WRB"}
# finite verbs: "is", "are", "was" (a tense of their own, unlike base forms and participles)
FINITE_VERB_TAGS = {"VBZ", "VBP", "VBD"}
PRONOUN_TAGS = {"PRP", "PRP$", "WP", "WP$", "EX"}

# Tags whose word already is its lemma (spaCy's `is_base_form` does the same via morphology).
_BASE_FORM_TAGS = {"NN", "NNP", "VB", "VBP", "JJ"}
_TAG_TO_TABLE = {
    "NNS": "noun",
    "NNPS": "noun",
    "VBD": "verb",
    "VBG": "verb",
    "VBN": "verb",
    "VBZ": "verb",
    "JJR": "adj",
    "JJS": "adj",
}
_BE_FORMS = {"be", "is", "are", "am", "was", "were", "been", "being", "'s", "'re", "'m"}
_HAVE_FORMS = {"have", "has", "had", "having", "'ve", "'d"}


class TagLemmatizer:
    """Rule lemmatisation keyed by Penn tag, reading the tables of a spaCy `lemmatizer` pipe."""

    def __init__(self, lookups: Any = None):
        self._index, self._exceptions, self._rules = {}, {}, {}
        if lookups is not None:
            # The tables hold lists (57k nouns); membership is tested per rule, so make them sets.
            index = lookups.get_table("lemma_index", {})
            self._index = {table: set(index.get(table, ())) for table in ("noun", "verb", "adj", "adv")}
            self._exceptions = lookups.get_table("lemma_exc", {})
            self._rules = lookups.get_table("lemma_rules", {})
        self.lemma = lru_cache(maxsize=65536)(self._lemma)
        self.noun_lemma = lru_cache(maxsize=65536)(self._noun_lemma)  # ~17 calls per caption, few distinct words
        self.is_word = lru_cache(maxsize=65536)(self._is_word)

    def _lemma(self, word: str, tag: str) -> str:
        lower = word.lower()
        if lower in _BE_FORMS and tag in VERB_TAGS:
            return "be"
        if lower in _HAVE_FORMS and tag in VERB_TAGS:
            return "have"
        table = _TAG_TO_TABLE.get(tag)
        if tag in _BASE_FORM_TAGS or table is None:
            return lower
        return self._rule_lemma(lower, table)

    def _rule_lemma(self, lower: str, table: str) -> str:
        # Same precedence as spacy.pipeline.Lemmatizer.rule_lemmatize: exceptions, then rule outputs
        # found in the index (the last matching rule wins), then out-of-vocabulary rule outputs.
        exceptions = self._exceptions.get(table, {}).get(lower)
        if exceptions:
            return exceptions[0]
        index = self._index.get(table, ())
        if table == "noun" and lower.endswith("ies") and lower[:-1] in index:
            return lower[:-1]  # cookies -> cookie, not "cooky" (puppies still -> puppy)
        in_index, out_of_vocabulary = [], []
        for old, new in self._rules.get(table, ()):
            if lower.endswith(old):
                form = lower[: len(lower) - len(old)] + new
                if not form:
                    continue
                if form in index:
                    in_index.insert(0, form)
                elif not form.isalpha():
                    in_index.append(form)
                else:
                    out_of_vocabulary.append(form)
        if len(in_index) > 1:
            return _pick_silent_e(in_index)
        if not in_index and table == "verb" and len(out_of_vocabulary) > 1 and _VOWELS & set(lower[:-3]):
            return self._unknown_verb_stem(out_of_vocabulary)
        forms = in_index or out_of_vocabulary
        return forms[0] if forms else lower

    def _unknown_verb_stem(self, forms: list[str]) -> str:
        """A verb spaCy does not know ("kiteboarding", "texting", "parasailing") by English spelling, not by the last
        matching rule, which gave "kiteboarde", "texte", "parasaile"; a doubled last letter of a known verb goes
        ("eatting" -> eat). FACTUAL train's graphs write the plain stem ("parasail above", "text on"). A stem without a
        vowel keeps the old reading ("sking" -> ske, which the mined predicates spell "ski"). Re-parsing train.csv:
        6 gold triples gained, none lost."""
        stem = _pick_silent_e(forms)
        if (
            len(stem) > 3
            and stem[-1] == stem[-2]
            and stem[-1] not in _VOWELS
            and stem[:-1] in self._index.get("verb", ())
        ):
            return stem[:-1]
        return stem

    def is_verb(self, word: str, tag: str) -> bool:
        """Whether the word, read with this verb tag, is an English verb (spaCy's `lemma_index`)."""
        return self._lemma(word, tag) in self._index.get("verb", ())

    def is_noun_not_adverb(self, word: str) -> bool:
        """Whether the word is an English noun and neither adjective nor adverb ("hydrant", not "back" or "half")."""
        lower = word.lower()
        return self.is_noun_only(lower) and lower not in self._index.get("adv", ())

    def is_noun_only(self, word: str) -> bool:
        """Whether the word is an English noun and no adjective ("skater", not "white" or "female")."""
        lower = word.lower()
        return lower in self._index.get("noun", ()) and lower not in self._index.get("adj", ())

    def _is_word(self, word: str) -> bool:
        """Whether a lower-case word is an English lemma or inflected form (spaCy's `lemma_index`, `lemma_exc`)."""
        return any(word in index for index in self._index.values()) or any(
            word in exceptions for exceptions in self._exceptions.values()
        )

    def _noun_lemma(self, word: str) -> str:
        """Lemma of a word the tagger mis-tagged but that stands in a noun slot ("geese" as JJ)."""
        lower = word.lower()
        if lower in self._exceptions.get("noun", {}) or lower.endswith("s"):
            return self._rule_lemma(lower, "noun")
        return lower


_VOWELS = set("aeiou")


def _pick_silent_e(forms: list[str]) -> str:
    """Choose between "rid"/"ride", "star"/"stare", "swing"/"swinge" for "-ing"/"-ed" forms.

    spaCy's rule lemmatizer lets the last matching rule win and says riding -> "rid". English spelling
    decides instead: a short stem ending consonant-vowel-consonant doubles its last letter before
    "-ing" ("ridding"), so an undoubled "riding" comes from "ride"; a cluster ("swing") takes no "e".
    """
    stems = [form for form in forms if form + "e" in forms]
    if not stems:
        return forms[0]
    stem = stems[0]
    short_final_syllable = (
        len(stem) >= 3
        and stem[-1] not in _VOWELS
        and stem[-1] not in "wxy"
        and stem[-2] in _VOWELS
        and stem[-3] not in _VOWELS
    )
    return stem + "e" if short_final_syllable else stem
