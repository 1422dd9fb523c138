"""What the dependency parser reads of a caption, and how its char offsets map back to the caption.

Web-scraped captions carry markup the parser must not read as words: HTML tags and the content of
script/style elements (browsers do not render it, HTML Living Standard §4.12.1), character references
("&amp;" is "&", Python's html.unescape), format characters (Unicode category Cf, e.g. the bidi
override U+202E: invisible, yet spaCy keeps them inside a word), control characters, lone surrogates
(spaCy cannot encode them), line breaks (a new line starts a new sentence), the abbreviation "w/", a place phrase
typed without its "of" ("in front a door"), a possessive typed without its apostrophe ("mans hat") and quoted text
inside a caption (the sign's words in 'a sign that says "stop" on a pole' are no objects; the quote becomes one
placeholder noun). The cleaned text is
parsed; every span the graph reports is mapped back so that it indexes the caption as given.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from .scene_graph import HTML_TAG_PATTERN


Span = tuple[int, int]

_SCRIPT_ELEMENT = r"<(?P<element>script|style)\b[^>]{0,200}>.*?(?:</(?P=element)\s*>|\Z)"
_CHARACTER_REFERENCE = r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
_LINE_BREAK_RUN = r"[ \t]*[\n\r\u2028\u2029][\s]*"
_BLANKED_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]"
_SENTENCE_END = ".!?;:"
_LAST_CODE_POINT = 0x10FFFF
# Note-taking abbreviations of region captions ("a plate w/ fries"); the tagger reads "w/" as a noun.
_ABBREVIATION = r"\bw/o\b|\bw/"
_ABBREVIATIONS = {"w/": "with", "w/o": "without"}
# A plus sign joining two words is "and" ("kid+mom sit on black folding chairs", "a long skirt+sweater"): spaCy keeps
# "kid+mom" one token, a node FACTUAL never writes; gold has kid and mom. FACTUAL long_dev object F1 88.79 -> 88.94,
# relation F1 53.70 -> 53.80 (5 captions); no caption of the other dev splits or the train sample has one.
_PLUS_JOIN = r"(?<=[a-z])\+(?=[a-z])"
# A place phrase typed without its "of" ("a man in front a door", "a sign on top a store", "a bench on side the
# road") or run together ("infront of", "ontop of"): spaCy then hangs the noun anywhere (appositive, root, direct
# object) and the place is lost. FACTUAL train writes the full phrase for 36 of the 37 captions with "<in front|on
# top|on side|on back|in back> <a|an|the>" and for all 5 with "infront" or "ontop".
_CLIPPED_PLACE = r"\b(?:in ?front|on ?top|on side|on back|in back)\b(?= (?:a|an|the)\b)|\binfront\b|\bontop\b"
# "along side" before an article is "alongside" typed in two words ("street lights along side the road"): spaCy reads
# "side" as the verb or the preposition's object and the place is lost ((lights, side, road)). FACTUAL train: of the
# 14 captions with "along side", 10 write `alongside`, 2 `along`, and none a node "side"; the rules already write
# `alongside` for "along side of".
_SPLIT_ALONGSIDE = r"\balong side(?= (?:a|an|the)\b)"
# A caption that opens with the camera's framing ("a close up of a cat on a bed", "closeup view of ..."): the framing
# is no thing in the scene, and spaCy reads "close" as the root noun the scene hangs off ((close, up of, cat)). FACTUAL
# train makes no node of it in any of its 6 captions with "close up" ("close up of objects on a desk" -> (objects,
# on, desk), "close up view of an african giraffe 's head" -> (giraffe, have, head)). Blanked, so offsets hold; 243
# of the 25,010 COCO Karpathy test captions open this way.
_CLOSE_UP_FRAMING = (
    r"^\s*(?:(?:this is|there is|the image is)\s+)?(?:(?:a|an|the)\s+)?(?:(?:very|extreme)\s+)?"
    r"close ?-?up(?:\s+(?:view|shot|picture|photo|photograph|image))?\s+of\b"
)
# A person's possessive typed without its apostrophe ("watch on mans wrist", "the womans coat is black"): spaCy
# reads "mans" as a plural noun or a verb, so the owner or the owned part is lost ((watch, on, man)). FACTUAL
# train: 31 of the 33 captions with "mans" or "womans" before a word write the person as owner of the next noun
# ((man, have, wrist), (watch, on, wrist)); none reads it as the verb "man". The possessive gets its apostrophe,
# unless an article or a possessive follows (the verb: "a sailor mans the boat").
_MISSING_APOSTROPHE = r"\b(?:wo)?mans(?= (?!(?:a|an|the|his|her|its|their)\b)[a-z])"
# "each other" typed as one word ("two zebras touching eachother", "fork and spoon next to eachother"): spaCy reads
# "eachother" as a verb or a noun, so no rule sees the reciprocal and the pair goes unrelated. FACTUAL train writes
# the reciprocal relation in all 7 captions with "eachother" ((zebra, touch, zebra), (fork, next to, spoon)), as it
# does for "each other".
_RUN_TOGETHER_RECIPROCAL = r"\beachother\b"
_CLIPPED_PLACE_FOLLOWER = re.compile(r" (?:a|an|the)\b", re.IGNORECASE)
# Quoted text within a caption ("the red wall says `` cola ''", '`` 2 brothers '' sign'): what a sign or shirt
# reads. FACTUAL makes no node of the quote's own words (a quoted word is a gold node or attribute in none of the
# 10 such captions of its train split); where no word or letters introduce the quote it writes a `word` node
# instead: in all 3 train captions with such a quote ((word, on, wall), (words, on, sign), (word, write on, bat)).
# So the quote becomes one placeholder noun, QUOTED_TEXT, that the rules name QUOTED_TEXT_NAME
# (scene_graph_quotes.py), or is blanked when a writing noun already names it ("the word `` nationals '' on the
# uniform" -> the word is the node). A caption that is one quote keeps its words.
QUOTED_TEXT = "text"
QUOTED_TEXT_NAME = "word"
# Nouns that name written text: a quote after one of them is that text, no second node ("the number `` 3 ''
# hanging from the ceiling" -> (number, hang from, ceiling)).
WRITING_NOUNS = frozenset(
    {"word", "words", "letter", "letters", "lettering", "text", "writing", "number", "numbers", "name", "phrase"}
)
# "it 's" after a preposition, "has" or an -ing verb is a misspelt "its" ("the horse has it 's head down", "an elephant
# touching a ball with it 's trunk"): FACTUAL train, 13 of the 14 captions with "it 's" (the other opens the
# caption: "it 's a ground with ..."). spaCy reads it as "it is" and loses the owner's part.
_ITS_AFTER = ("with", "has", "have", "in", "on", "by", "at", "from", "under", "over", "into", "inside", "of", "ing")
_MISSPELT_ITS = "(?:" + "|".join(rf"(?<={word} )" if word == "ing" else rf"(?<=\b{word} )" for word in _ITS_AFTER)
_MISSPELT_ITS += r")it ?'s(?= [a-z])"
_QUOTE_MAX_CHARS = 60
# A quote opens after no word character and closes before none: `a 12" pizza` has an inch mark, no quote.
_INLINE_QUOTE = rf"(?<!\w)(?:``|\"|\u201c)[^`\"\u201c\u201d\n]{{1,{_QUOTE_MAX_CHARS}}}?(?:''|\"|\u201d)(?!\w)"


_MAY_NEED_CLEANING = re.compile(r"[<&\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\"`+]|w/|it ?'s", re.IGNORECASE)
# Plain substrings of a clipped place phrase, a close-up framing or an apostrophe-less possessive: cheaper to test than a case-insensitive
# alternation.
_CLIPPED_PLACE_HINTS = (
    "close",
    "infront",
    "ontop",
    "front a",
    "front the",
    "top a",
    "top the",
    "side a",
    "side the",
    "back a",
    "back the",
    "mans ",
    "eachother",
)


@functools.cache
def _cleaning_pattern(with_format_characters: bool) -> re.Pattern:
    """One alternation, matched left to right; the format-character class (163 code points in
    Unicode 15) is built on the first non-ASCII caption only."""
    parts = [
        f"(?P<script>{_SCRIPT_ELEMENT})",
        f"(?P<tag>{HTML_TAG_PATTERN})",
        f"(?P<reference>{_CHARACTER_REFERENCE})",
        f"(?P<line_break>{_LINE_BREAK_RUN})",
        f"(?P<blank>{_BLANKED_CHARACTERS})",
        f"(?P<abbreviation>{_ABBREVIATION})",
        f"(?P<plus>{_PLUS_JOIN})",
        f"(?P<framing>{_CLOSE_UP_FRAMING})",
        f"(?P<place>{_CLIPPED_PLACE})",
        f"(?P<alongside>{_SPLIT_ALONGSIDE})",
        f"(?P<quote>{_INLINE_QUOTE})",
        f"(?P<its>{_MISSPELT_ITS})",
        f"(?P<possessive>{_MISSING_APOSTROPHE})",
        f"(?P<reciprocal>{_RUN_TOGETHER_RECIPROCAL})",
    ]
    if with_format_characters:
        format_characters = "".join(
            re.escape(chr(code)) for code in range(_LAST_CODE_POINT + 1) if unicodedata.category(chr(code)) == "Cf"
        )
        parts.append(f"(?P<format>[{format_characters}]+)")
    return re.compile("|".join(parts), re.IGNORECASE | re.DOTALL)


@dataclass
class CleanCaption:
    """The text to parse; `starts`/`ends` map each of its chars to the caption (None: same offsets)."""

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None
    quoted_text: tuple[int, ...] = ()  # offsets in `text` of QUOTED_TEXT placeholders

    def original_span(self, span: Span) -> Span:
        start, end = span
        if self.starts is None or end <= start:
            return start, end
        return self.starts[start], self.ends[end - 1]


def clean_caption(caption: str) -> CleanCaption:
    """Markup blanked (same length), references unescaped, format characters dropped, a line break
    turned into a sentence end, an all-capitals caption lower-cased; spans map back through
    `CleanCaption.original_span`."""
    clean = _cleaned(caption)
    lowered = _unshouted(clean.text)
    if lowered is clean.text:
        return clean
    return CleanCaption(lowered, clean.starts, clean.ends, clean.quoted_text)


def _unshouted(text: str) -> str:
    """An all-capitals caption ("THERE IS A ZEBRA EATING GRASS", 194 of the 25,010 COCO Karpathy test captions) is
    parsed in lower case: spaCy's small English tagger reads capitalised words as proper nouns. Only when lower
    case keeps every char offset, so spans still index the caption as given."""
    if text[1:].islower():
        return text  # at most one capital ("A man ..."): one C scan instead of a Python loop over every char
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 8 or sum(char.isupper() for char in letters) < 0.8 * len(letters):
        return text
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _may_have_clipped_place(caption: str) -> bool:
    lowered = caption.lower()
    for hint in _CLIPPED_PLACE_HINTS:  # a plain loop: a generator costs more than the ten tests
        if hint in lowered:
            return True
    return False


def _cleaned(caption: str) -> CleanCaption:
    is_ascii = caption.isascii()
    if is_ascii and not _MAY_NEED_CLEANING.search(caption) and not _may_have_clipped_place(caption):
        return CleanCaption(caption)  # most captions: one cheap scan instead of the full alternation
    pattern = _cleaning_pattern(with_format_characters=not is_ascii)
    pieces, starts, ends, position, shifted, quoted_text = [], [], [], 0, False, []
    for match in pattern.finditer(caption):
        replacement = _replacement(match, caption)
        if replacement == match.group():
            continue
        _keep(caption, position, match.start(), pieces, starts, ends)
        if replacement == QUOTED_TEXT:
            quoted_text.append(len(starts))
        pieces.append(replacement)
        # Every char of a replacement stands for the whole replaced text (a span never cuts "&amp;").
        starts.extend([match.start()] * len(replacement))
        ends.extend([match.end()] * len(replacement))
        shifted = shifted or len(replacement) != len(match.group())
        position = match.end()
    if not pieces:
        return CleanCaption(caption)
    _keep(caption, position, len(caption), pieces, starts, ends)
    text = "".join(pieces)
    if not shifted:
        return CleanCaption(text, quoted_text=tuple(quoted_text))
    return CleanCaption(text, starts, ends, tuple(quoted_text))


def _keep(caption: str, start: int, end: int, pieces: list, starts: list, ends: list) -> None:
    pieces.append(caption[start:end])
    starts.extend(range(start, end))
    ends.extend(range(start + 1, end + 1))


def _replacement(match: re.Match, caption: str) -> str:
    kind, matched = match.lastgroup, match.group()
    if kind == "reference":
        return _printable(html.unescape(matched))
    if kind == "format":
        return ""
    if kind == "plus":
        return " and "
    if kind == "place":
        return _full_place_phrase(matched, caption, match.end())
    if kind == "alongside":
        return "alongside"
    if kind == "reciprocal":
        return "each other"
    if kind == "its":
        return "its"
    if kind == "possessive":
        return matched[:-1] + " 's"  # "mans" -> "man 's"
    if kind == "abbreviation":
        expanded = _ABBREVIATIONS[matched.lower()]
        following = caption[match.end() : match.end() + 1]
        return expanded + " " if following.isalnum() else expanded  # "w/fries" -> "with fries"
    if kind == "quote":
        if not _has_words_outside(caption, match):
            return matched
        if not _follows_writing_noun(caption, match):
            return QUOTED_TEXT
    if kind == "line_break":  # the run takes all whitespace around the break, so neighbours are words
        previous = caption[match.start() - 1] if match.start() > 0 else ""
        ends_sentence = previous and match.end() < len(caption) and previous not in _SENTENCE_END
        return ("." if ends_sentence else " ") + " " * (len(matched) - 1)
    return " " * len(matched)  # script/style element, tag, control character, lone surrogate, close-up framing


def _full_place_phrase(matched: str, caption: str, end: int) -> str:
    """ "in front" before "a"/"an"/"the" -> "in front of"; "infront" -> "in front", "ontop" -> "on top"."""
    words = matched.lower().replace("infront", "in front").replace("ontop", "on top")
    return words + " of" if _CLIPPED_PLACE_FOLLOWER.match(caption, end) else words


def _has_words_outside(caption: str, match: re.Match) -> bool:
    outside = caption[: match.start()] + caption[match.end() :]
    return any(char.isalpha() for char in outside)


def _follows_writing_noun(caption: str, match: re.Match) -> bool:
    """ "the word `` stop ''", "lettering that says `` ecalite ''": the quote is the text a noun already names."""
    before = re.findall(r"[a-z]+", caption[: match.start()].lower())[-3:]
    return any(word in WRITING_NOUNS for word in before)


def _printable(text: str) -> str:
    """An unescaped reference may itself be a control or format character ("&#8238;")."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category in ("Cc", "Cs") else char)
    return "".join(kept)
