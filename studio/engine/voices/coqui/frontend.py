"""What Coqui models share before and after the network: text to tokens, speaker conditioning, mel to audio."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from studio.core.analysis import AnalysisError

from studio.engine.voices.coqui.loading import ModelFolder, build_vocoder
from studio.engine.voices.tokens import WordGroups, group_tokens

_STRIP = ".,;:!?¡¿\"'«»“”()[]—…"


@dataclass(frozen=True)
class Tokens:
    ids: tuple[int, ...]
    phoneme_text: str
    words: tuple[WordGroups, ...]


def piper_phonemes(text: str, voice: str) -> str:
    """Phonemes the way Piper makes them: whole clauses through espeak-ng, each clause's punctuation mark after
    its phonemes (with a space after a comma, colon or semicolon, and between sentences), decomposed to NFD."""
    from studio.engine.voices.embedded.espeak import EspeakProcess

    parts = []
    # `[[...]]` holds IPA from the pronunciation lexicon: it goes into the sequence as it is, not through espeak.
    for i, chunk in enumerate(re.split(r"\[\[(.*?)\]\]", text)):
        if i % 2:
            parts.append(unicodedata.normalize("NFD", "".join(chunk.split())))
            continue
        if not chunk.strip():
            continue
        for ipa, mark in EspeakProcess.get().phonemize(chunk, voice):
            if not ipa.strip() and not mark:
                continue
            parts.append(unicodedata.normalize("NFD", ipa.strip()) + mark)
    return " ".join(parts)


def is_piper(model) -> bool:
    return type(model.tokenizer.characters).__name__ == "PiperCharacters"


def tokenize(model, text: str, language: str | None = None) -> Tokens:
    """Token ids exactly as Coqui's TTSTokenizer.text_to_ids makes them, plus the phoneme groups of each word.

    A converted Piper voice is phonemized as Piper does it (piper_phonemes): Coqui's phonemizer splits the text
    at punctuation first, which misreads "$20.50" or "10:30".
    """
    tokenizer = model.tokenizer
    if is_piper(model):
        phon = piper_phonemes(text, language or tokenizer.phonemizer.language)
    else:
        cleaned = tokenizer.text_cleaner(text, lang=language) if tokenizer.text_cleaner is not None else text
        phon = tokenizer.phonemizer.phonemize(cleaned, separator="", language=language) if tokenizer.phonemizer \
            else cleaned
    # encode() silently drops characters outside the vocabulary; drop them first so characters and tokens align.
    vocab = set(tokenizer.characters.vocab)
    phon = "".join(ch for ch in phon if ch in vocab)
    if not phon.strip():
        raise AnalysisError("This model found nothing it can pronounce in the text.")
    ids = tokenizer.encode(phon)
    if tokenizer.add_blank:
        ids = tokenizer.intersperse_blank_char(ids)
    if tokenizer.use_eos_bos:
        ids = tokenizer.pad_with_bos_eos(ids)
    if is_piper(model):
        groups = _piper_words(text, phon, tokenizer, language or tokenizer.phonemizer.language)
    else:
        written = [w.strip(_STRIP) for w in text.split() if w.strip(_STRIP)]
        groups = group_tokens(phon, tokenizer.add_blank, tokenizer.use_eos_bos, written)
    return Tokens(tuple(ids), phon, tuple(groups))


def _piper_words(text: str, phon: str, tokenizer, voice: str) -> list[WordGroups]:
    """Phoneme groups under the written words (core.words), each word phonemized alone to find its phonemes."""
    from studio.core.words import word_tokens

    from studio.engine.voices.embedded.espeak import EspeakProcess
    from studio.engine.voices.word_labels import assign

    tokens = word_tokens(text)
    spoken = group_tokens(phon, tokenizer.add_blank, tokenizer.use_eos_bos, None)
    raw = [t.raw for t in tokens]
    # Lexicon IPA ([[...]]) is its own phonemes; everything else asks espeak, all words in one request.
    asked = [r for r in raw if not r.startswith("[[")]
    answers = iter(EspeakProcess.get().phonemize_many(asked, voice)) if asked else iter(())
    ipa = [r.strip("[]") if r.startswith("[[") else " ".join(c[0] for c in next(answers)) for r in raw]
    return assign(spoken, [t.text for t in tokens], ipa)


def speaker_names(model) -> list[str]:
    manager = getattr(model, "speaker_manager", None)
    if manager is None or not getattr(manager, "name_to_id", None):
        return []
    return list(manager.name_to_id)


def mixed_conditioning(model, mix: tuple[tuple[str, float], ...], normalize_d_vector: bool):
    """The speaker vector g ([1, C, 1]) for a weighted mix of the model's speakers, or None for one-voice models.

    Speaker-embedding models interpolate rows of their embedding table; d-vector models interpolate d-vectors
    (and Coqui normalizes d-vectors where the model expects unit length). A one-speaker mix gives exactly the
    vector Coqui would use for that speaker.
    """
    import torch

    names = speaker_names(model)
    if not names:
        return None
    weights = [(n, w) for n, w in mix if n in model.speaker_manager.name_to_id] or [(names[0], 1.0)]
    total = sum(w for _, w in weights)
    if getattr(model, "emb_g", None) is not None and not getattr(model.args, "use_d_vector_file", False):
        rows = torch.stack([model.emb_g.weight[model.speaker_manager.name_to_id[n]] for n, _ in weights])
    else:
        rows = torch.stack([torch.as_tensor(model.speaker_manager.get_mean_embedding(n), dtype=torch.float32)
                            for n, _ in weights]).to(model.device)
    w = torch.tensor([x / total for _, x in weights], dtype=rows.dtype, device=rows.device).unsqueeze(1)
    g = (rows * w).sum(0, keepdim=True)
    if normalize_d_vector and getattr(model.args, "use_d_vector_file", False):
        g = torch.nn.functional.normalize(g)
    return g.unsqueeze(-1)


class Vocoder:
    """Mel frames to audio the way Coqui's Synthesizer does it: re-normalize for the vocoder, resample the mel
    when the rates differ, run the generator. Without a vocoder, Griffin-Lim, and the render says so."""

    def __init__(self, tts_model, tts_config, folder: ModelFolder | None, trusted: bool = False):
        self.tts_model, self.tts_config = tts_model, tts_config
        self.generator = self.config = self.ap = None
        if folder is not None:
            from TTS.utils.audio import AudioProcessor

            self.generator, self.config = build_vocoder(folder, trusted)
            self.ap = AudioProcessor(self.config.audio)

    @property
    def griffin_lim(self) -> bool:
        return self.generator is None

    @property
    def sample_rate(self) -> int:
        return int(self.config.audio["sample_rate"] if self.config else self.tts_config.audio["sample_rate"])

    @property
    def samples_per_frame(self) -> float:
        return self.tts_config.audio["hop_length"] * self.sample_rate / self.tts_config.audio["sample_rate"]

    @property
    def offset_samples(self) -> int:
        """Samples of lead-in before frame 0: GAN generators pad their input by `inference_padding` frames."""
        if self.generator is None:
            return 0
        return int(getattr(self.generator, "inference_padding", 0)) * int(self.config.audio["hop_length"])

    def to(self, device) -> None:
        if self.generator is not None:
            self.generator.to(device)

    def __call__(self, mel) -> np.ndarray:
        """`mel` is the model's output for one utterance, a [T, C] tensor."""
        import torch

        if self.generator is None:
            from TTS.tts.utils.synthesis import inv_spectrogram

            return np.asarray(inv_spectrogram(mel.detach().cpu().numpy(), self.tts_model.ap, self.tts_config),
                              dtype=np.float32)
        from TTS.vocoder.utils.generic_utils import interpolate_vocoder_input

        spec = mel.detach().cpu().numpy()
        spec = self.tts_model.ap.denormalize(spec.T).T
        vocoder_input = self.ap.normalize(spec.T)
        scale = self.config["audio"]["sample_rate"] / self.tts_model.ap.sample_rate
        if scale != 1:
            vocoder_input = interpolate_vocoder_input([1, scale], vocoder_input)
        else:
            vocoder_input = torch.tensor(vocoder_input).unsqueeze(0)
        device = next(self.generator.parameters()).device
        with torch.inference_mode():
            wav = self.generator.inference(vocoder_input.to(device))
        return wav.detach().cpu().numpy().squeeze().astype(np.float32)
