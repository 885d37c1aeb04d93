"""Symbols read as a person reads them: "#1" is "number 1", "50%" is "50 percent", "$20.50" is "20 dollars 50".

Voices read symbols one by one ("hash one", "dollar twenty point five zero"); a reader says what they mean in
context. Numbers themselves are left to the voice, which reads them in its language.
"""

from __future__ import annotations

import re

# Per language: and, percent, number, hashtag, at, and the currency words (singular, plural, cents).
WORDS = {
    "en": {"and": "and", "percent": "percent", "number": "number", "hashtag": "hashtag", "at": "at",
           "$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("pound", "pounds"), "¥": ("yen", "yen"),
           "cents": "cents"},
    "es": {"and": "y", "percent": "por ciento", "number": "número", "hashtag": "hashtag", "at": "arroba",
           "$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras"), "¥": ("yen", "yenes"),
           "cents": "céntimos"},
    "de": {"and": "und", "percent": "Prozent", "number": "Nummer", "hashtag": "Hashtag", "at": "at",
           "$": ("Dollar", "Dollar"), "€": ("Euro", "Euro"), "£": ("Pfund", "Pfund"), "¥": ("Yen", "Yen"),
           "cents": "Cent"},
    "fr": {"and": "et", "percent": "pour cent", "number": "numéro", "hashtag": "hashtag", "at": "arobase",
           "$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("livre", "livres"), "¥": ("yen", "yens"),
           "cents": "centimes"},
    "it": {"and": "e", "percent": "per cento", "number": "numero", "hashtag": "hashtag", "at": "chiocciola",
           "$": ("dollaro", "dollari"), "€": ("euro", "euro"), "£": ("sterlina", "sterline"), "¥": ("yen", "yen"),
           "cents": "centesimi"},
    "pt": {"and": "e", "percent": "por cento", "number": "número", "hashtag": "hashtag", "at": "arroba",
           "$": ("dólar", "dólares"), "€": ("euro", "euros"), "£": ("libra", "libras"), "¥": ("iene", "ienes"),
           "cents": "centavos"},
}
_SCALE = r"(?:\s+(million|billion|thousand|trillion|millones|mil|Millionen|Milliarden|millions|milliards))?"
_AMOUNT = r"(\d{1,3}(?:[,.]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?![\d])"
_MONEY = re.compile(r"([$€£¥])\s?" + _AMOUNT + _SCALE)
_MONEY_AFTER = re.compile(_AMOUNT + r"\s?([€$£¥])")


def read_symbols(text: str, language: str = "en") -> str:
    """`text` with & % # @ and currency symbols written out as words of `language` (English where the language
    has no table; the voice then reads what is left)."""
    w = WORDS.get(language, WORDS["en"])

    def money(m: re.Match) -> str:
        symbol, amount, cents, scale = m.groups()
        singular, plural = w[symbol]
        unit = singular if amount in ("1",) and not scale else plural
        out = f"{amount} {scale} {unit}" if scale else f"{amount} {unit}"
        if cents and cents != "00":
            out += (f" {w['and']} {int(cents)} {w['cents']}" if language == "en" else
                    f" con {int(cents)}" if language == "es" else f" {int(cents)}")
        return out

    text = _MONEY.sub(money, text)
    text = _MONEY_AFTER.sub(lambda m: f"{m.group(1)}" + (f" {w[m.group(3)][1]} {int(m.group(2))}" if m.group(2)
                                                         else f" {w[m.group(3)][1]}"), text)
    text = re.sub(r"(\d)\s?%", lambda m: f"{m.group(1)} {w['percent']}", text)
    text = re.sub(r"(?<![\w&])#(\d)", lambda m: f"{w['number']} {m.group(1)}", text)
    text = re.sub(r"(?<![\w&])#(\w)", lambda m: f"{w['hashtag']} {m.group(1)}", text)
    text = re.sub(r"(?<=\w)&(?=\w)", f" {w['and']} ", text)
    text = re.sub(r"(?<!\S)&(?!\S)", w["and"], text)
    text = re.sub(r"(?<!\S)@(\w)", lambda m: f"{w['at']} {m.group(1)}", text)
    return text
