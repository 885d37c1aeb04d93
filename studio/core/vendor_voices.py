"""Whether a cloud vendor's voice name (SSML `<voice name=...>`) is a female or a male voice.

SSML written for Azure, Amazon Polly, IBM Watson, Google Cloud or OpenAI names its voices ("en-US-AvaNeural",
"Joanna", "en-US_MichaelV3Voice", "en-US-Neural2-C"). A script that was written for two such voices expects a
woman and a man; when no local voice is mapped to them, casting gives each the cast voice of that register
(production/casting.py). The names come from the vendors' published voice lists (English voices, 2024-2025);
a name not listed is unknown, and casting then takes the next free cast voice as before.
"""

from __future__ import annotations

import re

FEMALE, MALE = "female", "male"

# First names of the vendors' English voices (Azure neural and HD voices, Polly, Watson, OpenAI; OpenAI's
# gender-neutral "alloy" is left out).
_FEMALE_NAMES = """
    Abbie Ada Allison Amanda Amber Amy Ana Aria Ashley Asilia Ava Ayanda Bella Charlotte Clara Cora Coral
    Danielle Elizabeth Emily Emma Evelyn Heather Hollie Imani Ivy Jane Jenny Joanna Kajal Kate Kendra Kimberly Leah
    Libby Lisa Lola Luna Maisie Michelle Molly Monica Nancy Natasha Neerja Nicole Niamh Nova Olivia Phoebe Raveena
    Rosa Ruth Salli Sage Sara Serena Shimmer Sonia Yan
""".split()
_MALE_NAMES = """
    Abeo Adam Alfie Andrew Arthur Ash Ballad Brandon Brian Chilemba Christopher Connor Darren Davis Derek Duncan Dustin
    Echo Elliot Eric Ethan Fable Geraint Gregory Guy Henry Jacob James Jason Joey Justin Kai Ken Kevin Liam Luke
    Matthew Michael Mitchell Noah Oliver Onyx Oscar Patrick Prabhat Roger Russell Ryan Sam Stephen Steffan Thomas
    Tim Tony Verse Wayne William
""".split()
_GENDER = {**{n.lower(): FEMALE for n in _FEMALE_NAMES}, **{n.lower(): MALE for n in _MALE_NAMES}}

# Google Cloud's en-US voices are letters per family: en-US-Wavenet-C, en-US-Neural2-J, en-US-Studio-O.
_GOOGLE_EN_US = {
    "standard": {"A": MALE, "B": MALE, "C": FEMALE, "D": MALE, "E": FEMALE, "F": FEMALE, "G": FEMALE,
                 "H": FEMALE, "I": MALE, "J": MALE},
    "wavenet": {"A": MALE, "B": MALE, "C": FEMALE, "D": MALE, "E": FEMALE, "F": FEMALE, "G": FEMALE,
                "H": FEMALE, "I": MALE, "J": MALE},
    "neural2": {"A": MALE, "C": FEMALE, "D": MALE, "E": FEMALE, "F": FEMALE, "G": FEMALE, "H": FEMALE,
                "I": MALE, "J": MALE},
    "studio": {"O": FEMALE, "Q": MALE},
    "journey": {"D": MALE, "F": FEMALE, "O": FEMALE},
    "chirp": {"D": MALE, "F": FEMALE, "O": FEMALE},
    "news": {"K": FEMALE, "L": FEMALE, "N": MALE},
    "casual": {"K": MALE},
}
_GOOGLE = re.compile(r"^en-US-(?P<family>[A-Za-z0-9]+)(?:-HD)?-(?P<letter>[A-Z])$")
# Azure: en-US-AvaNeural, en-US-AndrewMultilingualNeural, en-US-Ava:DragonHDLatestNeural, en-GB-SoniaNeural.
_AZURE = re.compile(r"^[a-z]{2,3}-[A-Z]{2}(?:-[A-Za-z]+)?-(?P<name>[A-Z][a-z]+)")
# Watson: en-US_AllisonV3Voice, en-GB_KateV3Voice.
_WATSON = re.compile(r"^[a-z]{2}-[A-Z]{2}_(?P<name>[A-Z][a-z]+)(?:V\d)?Voice$")


def voice_gender(name: str | None) -> str | None:
    """"female", "male", or None where the name is not a vendor voice this table knows."""
    if not name:
        return None
    name = name.strip()
    by_gender = re.match(r"^(female|male)-", name)  # Google's <voice gender="female"> (interchange/ssml.py)
    if by_gender:
        return by_gender[1]
    google = _GOOGLE.match(name)
    if google:
        return _GOOGLE_EN_US.get(google["family"].lower(), {}).get(google["letter"])
    for pattern in (_WATSON, _AZURE):
        m = pattern.match(name)
        if m:
            return _GENDER.get(m["name"].lower())
    return _GENDER.get(name.lower())  # Polly and OpenAI voices are plain first names
