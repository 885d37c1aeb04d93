"""Languages of text: BCP 47 tags reduced to the primary language, and the language a script implies.

Text in a non-Latin script names its language by itself ("从前有座山" is Chinese whatever the file says); Latin-
script text takes the language the user or the file gives (--lang, xml:lang, a "film.es.srt" name).
"""

from __future__ import annotations

import re
import unicodedata

# pysbd's sentence segmenters, by language code.
PYSBD_LANGUAGES = {"en", "hi", "mr", "zh", "es", "am", "ar", "hy", "bg", "ur", "ru", "pl", "fa", "nl", "da", "fr",
                   "my", "el", "it", "ja", "de", "kk", "sk"}
_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")


def primary(tag: str | None, default: str = "en") -> str:
    """'en-US' -> 'en', 'zh_Hans' -> 'zh', 'cmn' -> 'zh'; anything unreadable gives `default`."""
    if not tag or not _TAG.match(tag.strip()):
        return default
    lang = re.split(r"[-_]", tag.strip().lower())[0]
    return {"cmn": "zh", "iw": "he", "ji": "yi", "in": "id"}.get(lang, lang)


def is_language_tag(tag: str) -> bool:
    return bool(_TAG.match(tag or ""))


# ISO 639-1: the two-letter language codes (the old iw, ji and in included). A three-letter primary subtag is
# taken on trust (ISO 639-3 has thousands).
ISO_639_1 = set("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo
es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki
kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr
nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th
ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu iw ji in
""".split())


def known_language(tag: str) -> bool:
    """A well-formed tag whose language exists: "en-US", "fr", "cmn-Hans" yes; "english", "xx-YY", "e1" no."""
    if not is_language_tag((tag or "").strip()):
        return False
    lang = re.split(r"[-_]", tag.strip().lower())[0]
    return lang in ISO_639_1 or (len(lang) == 3 and lang.isalpha())


# Unicode script (from the character name) -> language, for scripts that belong to one language in practice.
_SCRIPTS = (("CJK UNIFIED", "zh"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"), ("CYRILLIC", "ru"),
            ("GREEK", "el"), ("ARABIC", "ar"), ("HEBREW", "he"), ("DEVANAGARI", "hi"), ("THAI", "th"),
            ("BENGALI", "bn"), ("TAMIL", "ta"), ("GEORGIAN", "ka"), ("ARMENIAN", "hy"), ("ETHIOPIC", "am"))


def script_language(text: str) -> str | None:
    """The language a non-Latin script implies, when most letters of `text` are in it; None for Latin text."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        name = unicodedata.name(ch, "")
        for key, lang in _SCRIPTS:
            if name.startswith(key):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts or not letters:
        return None
    if counts.get("ja") and counts.get("zh"):  # kanji with kana is Japanese
        counts["ja"] += counts.pop("zh")
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    return lang if n * 2 > letters else None


def language_from_filename(name: str) -> str | None:
    """'film.es.srt' -> 'es', 'episode.de-DE.vtt' -> 'de'; None without such a tag."""
    parts = name.split(".")
    if len(parts) >= 3 and is_language_tag(parts[-2]) and len(parts[-2]) <= 8:
        return primary(parts[-2])
    return None
