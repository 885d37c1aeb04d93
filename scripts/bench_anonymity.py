"""VoicePrivacy-style report: re-voice speech with a voice of the cast and measure privacy and utility.

    python scripts/bench_anonymity.py [--sentences 20] [--voice Hibari] [--mix A=w,B=w] [--speakers A,B]
        [--json docs/bench_anonymity.json] [--markdown OUT.md] [--arctic-only] [--from-json REPORT.json]

Speakers. Stand-in "original speakers" (STAND_INS, --speakers) are cast voices other than the anonymizing one
and embedded espeak-ng voices, each reading N Harvard sentences (scripts/bench_intelligibility.py), plus the one
real human recording, CMU ARCTIC a0007 (assets/speech/), reported on its own (one utterance gives no EER) and
also re-voiced by the --arctic-also voices for comparison.

Anonymization. Every original utterance guides (engine/guide/plan.py: forced alignment, durations, F0 relative to the
speaker's median, relative energy) one shared voice, ANON_VOICE (in ANON_MIX, if given), speaking the same
sentence: the output keeps what was said and how, in that voice. The first version mixed the neural voice with
espeak-ng voices, which the recogniser barely follows (89 % WER); the cast's neural-quality voices replace them.
An utterance that cannot be aligned is counted and left out.

Privacy: the EER of the GE2E verifier (engine/privacy/verifier.py) over trials of different sentences:
- ignorant attacker: enrolment on an original utterance, test on an anonymized one;
- lazy-informed attacker: enrolment on an anonymized utterance (same voice), test on an anonymized one.
Same-speaker trials pair one speaker's utterances; different-speaker trials pair two speakers'.
Utility: PocketSphinx WER of the anonymized speech against the sentence's text, next to the unmixed neural
voice's WER and the anonymizing voice's own unguided WER on the same sentences; F0 correlation (Praat,
semitones, voiced in both) between each original and its anonymized version over time-aligned frames; per-word
duration error against the aligned original.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

# The anonymizing voice: a voice of the cast and the mix of speakers it speaks (None: the voice alone).
ANON_VOICE = "Hibari"
ANON_MIX: dict | None = None
# The stand-in "original speakers": the cast voices other than the anonymizing one, and one embedded voice.
STAND_INS = ("Joe", "Mara", "Theo", "en-us+m3")
NEURAL_VOICE = "Joe"  # the unmixed neural voice, the utility baseline
ARCTIC = ROOT / "assets" / "speech" / "arctic_a0007.wav"
ARCTIC_TEXT = "And you always want to see it in the superlative degree."


def anonymize(text, guide_audio, guide_rate, registry):
    """(output RenderResult, plan, segment) of ANON_VOICE (in ANON_MIX) speaking `text` guided by the recording."""
    from studio.core.model import SpeakerMix
    from studio.engine.guide import plan as guide
    from studio.engine.render.pipeline import render_segment
    from studio.production.speak import build, set_mix

    project = build(text, ANON_VOICE, registry, [])
    if ANON_MIX:
        set_mix(project, SpeakerMix.of(ANON_MIX), registry)
    seg = project.segments[0]
    guide.guide_command(project, [seg.id], guide_audio, guide_rate, registry).redo(project)
    plan = guide.plan_segments([seg], guide_audio, guide_rate)[0]
    return render_segment(project, seg, registry), plan, seg


def duration_errors(seg, plan, out):
    errs, i, aligned = [], 0, iter(plan.words)
    for w in seg.words:
        n = len(w.phonemes)
        if w.text:
            a = next(aligned)
            said = (out.boundaries[i + n] - out.boundaries[i]) / out.sample_rate
            errs.append(abs(said - (a.end - a.start)) / max(a.end - a.start, 1e-3))
        i += n
    return errs


def arctic_rows(also: str, registry, decoder) -> tuple[dict, list[dict]]:
    """The real recording re-voiced by ANON_VOICE (in ANON_MIX), and by each voice of `also` (alone)."""
    global ANON_VOICE, ANON_MIX
    from studio.engine.guide import plan as guide
    from studio.engine.privacy import verifier
    from studio.engine.guide.alignment import read_recording
    from studio.engine.guide.recognition import transcribe, word_errors

    rec, rec_rate = read_recording(ARCTIC)
    rec_emb = verifier.embed(rec, rec_rate)
    n = len(ARCTIC_TEXT.split())
    rec_wer = word_errors(ARCTIC_TEXT, transcribe(rec, rec_rate, decoder))[0] / n

    def one() -> dict:
        out, plan, seg = anonymize(ARCTIC_TEXT, rec, rec_rate, registry)
        g, o = guide.anchors(plan, out.boundaries, out.sample_rate)
        return {"voice": ANON_VOICE, "mix": ANON_MIX,
                "similarity_to_recording": verifier.similarity(verifier.embed(out.audio, out.sample_rate), rec_emb),
                "threshold": verifier.calibration().threshold, "recording_wer": rec_wer,
                "wer": word_errors(ARCTIC_TEXT, transcribe(out.audio, out.sample_rate, decoder))[0] / n,
                "f0_correlation": guide.f0_correlation(rec, rec_rate, g, out.audio, out.sample_rate, o)[0],
                "word_duration_error_max": max(duration_errors(seg, plan, out))}

    main_row, others = one(), []
    kept = ANON_VOICE, ANON_MIX
    for voice in [v for v in also.split(",") if v and v != ANON_VOICE]:
        ANON_VOICE, ANON_MIX = voice, None
        others.append(one())
    ANON_VOICE, ANON_MIX = kept
    return main_row, others


def eer_of(enrol: dict, test: dict, verifier) -> tuple[float, int, int]:
    """EER over trials (enrolment utterance, test utterance) of different sentences."""
    same, diff = [], []
    for a in enrol:
        for b in test:
            for i, e in enrol[a].items():
                for j, t in test[b].items():
                    if i != j:
                        (same if a == b else diff).append(verifier.similarity(e, t))
    eer, _ = verifier.equal_error_rate(same, diff)
    return eer, len(same), len(diff)


def main() -> int:
    global ANON_VOICE, ANON_MIX
    os.environ.setdefault("STUDIO_MODELS", os.path.join(tempfile.gettempdir(), "speech-studio-test-models"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=20)
    ap.add_argument("--speakers", default=",".join(STAND_INS),
                    help="comma-separated stand-in speakers: cast voices or embedded voice ids (default: %(default)s)")
    ap.add_argument("--voice", default=ANON_VOICE, help="the anonymizing voice (default: %(default)s)")
    ap.add_argument("--mix", help="the anonymizing voice's mix, A=w,B=w (default: the voice alone)")
    ap.add_argument("--arctic-also", default="Mara", help="other voices that re-voice the ARCTIC recording, for "
                    "comparison (default: %(default)s; empty for none)")
    ap.add_argument("--arctic-only", action="store_true", help="measure only the ARCTIC recording and update --json")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--from-json", type=Path, help="only write --markdown from a report this script wrote")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    if args.from_json:
        (args.markdown.write_text if args.markdown else print)(markdown(json.loads(args.from_json.read_text())))
        return 0
    import numpy as np
    from bench_intelligibility import SENTENCES

    from studio.engine.privacy import anonymity, verifier
    from studio.engine.guide import plan as guide
    from studio.engine.errors import AlignmentError
    from studio.engine.voices.embedded.voice import SPEAKERS, EmbeddedVoice
    from studio.engine.guide.recognition import _decoder, transcribe, word_errors
    from studio.engine.render.pipeline import render_segment
    from studio.engine.voices.registry import VoiceRegistry
    from studio.production.speak import build

    ANON_VOICE = args.voice
    if args.mix:
        ANON_MIX = {k: float(v) for k, v in (part.split("=") for part in args.mix.split(","))}
    t0 = time.time()
    registry = VoiceRegistry()
    embedded = EmbeddedVoice()
    embedded_ids = {s.id for s in SPEAKERS}
    decoder = _decoder()
    sentences = SENTENCES[: args.sentences]
    speakers = args.speakers.split(",")
    cal = verifier.calibration()
    if args.arctic_only:  # the real recording only, into a report this script wrote (its stand-in rows kept)
        report = json.loads(args.json.read_text())
        report["arctic"], report["arctic_also"] = arctic_rows(args.arctic_also, registry, decoder)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
        if args.markdown:
            args.markdown.write_text(markdown(report))
        return 0

    def speak(name, text):
        """A stand-in speaker's plain reading: an embedded voice by its speaker id, else a voice of the cast."""
        if name in embedded_ids:
            return anonymity.mix_renderer(embedded, text)(((name, 1.0),))
        project = build(text, name, registry, [])
        out = render_segment(project, project.segments[0], registry)
        return out.audio, out.sample_rate

    def wer_of(voice):
        err = n_words = 0
        for text in sentences:
            e, n = word_errors(text, transcribe(*speak(voice, text), decoder))
            err, n_words = err + e, n_words + n
        return err / n_words

    # Utility baselines on the same sentences: the unmixed neural voice (the issue's), and the anonymizing voice
    # itself unguided (what the guide costs on top of the voice chosen).
    base_wer = wer_of(NEURAL_VOICE)
    anon_plain_wer = wer_of(ANON_VOICE) if not ANON_MIX else None

    orig_emb, anon_emb, rows, failures = {}, {}, [], []
    for name in speakers:
        orig_emb[name], anon_emb[name] = {}, {}
        errs = words = 0
        corrs, durs, sims, orig_errs = [], [], [], 0
        for i, text in enumerate(sentences):
            audio, rate = speak(name, text)
            e, _ = word_errors(text, transcribe(audio, rate, decoder))
            orig_errs += e
            orig_emb[name][i] = verifier.embed(audio, rate)
            try:
                out, plan, seg = anonymize(text, audio, rate, registry)
            except AlignmentError as exc:
                failures.append({"speaker": name, "sentence": text, "reason": str(exc)})
                continue
            anon_emb[name][i] = verifier.embed(out.audio, out.sample_rate)
            sims.append(verifier.similarity(anon_emb[name][i], orig_emb[name][i]))
            e, n = word_errors(text, transcribe(out.audio, out.sample_rate, decoder))
            errs, words = errs + e, words + n
            g, o = guide.anchors(plan, out.boundaries, out.sample_rate)
            r, _ = guide.f0_correlation(audio, rate, g, out.audio, out.sample_rate, o)
            if r == r:
                corrs.append(r)
            durs.extend(duration_errors(seg, plan, out))
        n_ref = sum(len(t.split()) for t in sentences)
        rows.append({"speaker": name, "aligned": len(anon_emb[name]), "sentences": len(sentences),
                     "original_wer": orig_errs / n_ref, "anonymized_wer": errs / words if words else None,
                     "f0_correlation_median": float(np.median(corrs)) if corrs else None,
                     "word_duration_error_median": float(np.median(durs)) if durs else None,
                     "similarity_to_original_median": float(np.median(sims)) if sims else None})
        print(json.dumps(rows[-1]), flush=True)

    ignorant = eer_of(orig_emb, anon_emb, verifier)
    lazy = eer_of(anon_emb, anon_emb, verifier)
    original = eer_of(orig_emb, orig_emb, verifier)

    arctic, arctic_also = arctic_rows(args.arctic_also, registry, decoder)
    done = [r for r in rows if r["anonymized_wer"] is not None]
    anon_wer = sum(r["anonymized_wer"] * r["aligned"] for r in done) / max(sum(r["aligned"] for r in done), 1)
    report = {
        "voice": ANON_VOICE, "mix": ANON_MIX, "sentences": len(sentences), "speakers": speakers,
        "privacy": {"eer_original_vs_original": original[0], "eer_ignorant": ignorant[0], "eer_lazy_informed": lazy[0],
                    "trials_ignorant": {"same": ignorant[1], "different": ignorant[2]},
                    "trials_lazy_informed": {"same": lazy[1], "different": lazy[2]}},
        "utility": {"neural_unmixed_wer": base_wer, "anonymizing_voice_unguided_wer": anon_plain_wer,
                    "anonymized_wer_mean_over_speakers": anon_wer},
        "rows": rows, "arctic": arctic, "arctic_also": arctic_also, "alignment_failures": failures, "calibration": cal.method,
        "threshold": cal.threshold, "seconds": round(time.time() - t0),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
    }
    print(json.dumps({k: v for k, v in report.items() if k not in ("rows", "alignment_failures")}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    if args.markdown:
        args.markdown.write_text(markdown(report))
    return 0


def markdown(r: dict) -> str:
    def pct(v):
        return "–" if v is None else f"{100 * v:.1f} %"

    def num(v, f="{:.2f}"):
        return "–" if v is None else f.format(v)

    p, u = r["privacy"], r["utility"]
    lines = ["| speaker (stand-in) | aligned | WER original | WER anonymized | F0 corr. (median) | word duration "
             "error (median) | GE2E sim. to original (median) |", "|---|---|---|---|---|---|---|"]
    for row in r["rows"]:
        lines.append(f"| {row['speaker']} | {row['aligned']}/{row['sentences']} | {pct(row['original_wer'])} | "
                     f"{pct(row['anonymized_wer'])} | {num(row['f0_correlation_median'])} | "
                     f"{pct(row['word_duration_error_median'])} | {num(row['similarity_to_original_median'], '{:.3f}')} |")
    lines += ["", "| measure | value | target |", "|---|---|---|",
              f"| EER, originals against originals (the verifier's own accuracy here) | "
              f"{pct(p['eer_original_vs_original'])} | |",
              f"| EER, ignorant attacker ({p['trials_ignorant']['same']} same / "
              f"{p['trials_ignorant']['different']} different trials) | {pct(p['eer_ignorant'])} | ≥ 40 % |",
              f"| EER, lazy-informed attacker | {pct(p['eer_lazy_informed'])} | |",
              f"| WER, unmixed neural voice (Joe) | {pct(u['neural_unmixed_wer'])} | |",
              f"| WER, the anonymizing voice ({r.get('voice', 'mix')}) unguided | "
              f"{pct(u.get('anonymizing_voice_unguided_wer'))} | |",
              f"| WER, anonymized (mean over speakers) | {pct(u['anonymized_wer_mean_over_speakers'])} | "
              f"≤ neural + 10 points |"]
    for a in [r["arctic"]] + r.get("arctic_also", []):
        who = f"ARCTIC a0007 → {a.get('voice', r.get('voice', 'the mix'))}"
        lines += [f"| {who}: GE2E similarity of the output to the recording | {a['similarity_to_recording']:.3f} | "
                  f"< {a['threshold']:.3f} (calibrated) |",
                  f"| {who}: F0 correlation | {a['f0_correlation']:.2f} | ≥ 0.7 |",
                  f"| {who}: largest per-word duration error | {pct(a['word_duration_error_max'])} | ≤ 20 % |",
                  f"| {who}: WER recording / output | {pct(a['recording_wer'])} / {pct(a['wer'])} | |"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
