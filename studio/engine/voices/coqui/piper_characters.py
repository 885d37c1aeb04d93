"""The token vocabulary of a Piper voice, as a Coqui characters class.

Coqui's own character classes build their vocabulary as pad, eos, bos, blank, characters, punctuation, so no
configuration of them gives Piper's ids (where "_" is 0, "^" is 1, "$" is 2 and the rest follow the voice's
phoneme map). This class takes the vocabulary verbatim, in id order, from the config's `characters` string.
With Coqui's `add_blank` and `enable_eos_bos_chars`, the tokenizer then builds exactly Piper's sequence
`^ _ p1 _ p2 … pn _ $`. Coqui imports this class by the path written in the model's config.json.
"""

from __future__ import annotations

from TTS.tts.utils.text.characters import BaseCharacters

PAD, BOS, EOS = "_", "^", "$"


class PiperCharacters(BaseCharacters):
    def __init__(self, characters: str = "", punctuations: str = "", pad: str | None = PAD,
                 eos: str | None = EOS, bos: str | None = BOS, blank: str | None = PAD, **_ignored) -> None:
        super().__init__(characters, punctuations, pad, eos, bos, blank, is_unique=False, is_sorted=False)

    def _create_vocab(self) -> None:
        # The characters string is the whole vocabulary in id order; nothing is added or reordered.
        self.vocab = list(self.characters)

    @staticmethod
    def init_from_config(config):
        chars = config.characters
        return PiperCharacters(chars["characters"], "", chars["pad"], chars["eos"], chars["bos"],
                               chars["blank"]), config
