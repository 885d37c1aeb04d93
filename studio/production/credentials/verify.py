"""Reading a file's content credentials back: none, valid, or altered since signing; who signed and whether that
signer is on a trust list; and what the manifest declares."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from studio.production.credentials.manifest import COMPOSITE, LABEL, SYNTHETIC

NONE, VALID, ALTERED, UNREADABLE = "no credentials", "valid", "altered since signing", "unreadable"
# Failures that say nothing about the file: a local or unlisted CA, and revocation checks that need a network.
NOT_TAMPERING = {"signingCredential.untrusted", "signingCredential.ocsp.skipped", "signingCredential.ocsp.unknown"}
EXIT = {VALID: 0, ALTERED: 1, NONE: 2, UNREADABLE: 2}


@dataclass
class Verdict:
    path: str
    status: str
    reason: str = ""
    signer: str = ""
    issuer: str = ""
    trusted: bool = False
    source_type: str = ""
    declared: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]

    def lines(self) -> list[str]:
        out = [f"{self.path}: {self.status}" + (f" ({self.reason})" if self.reason else "")]
        if self.status in (NONE, UNREADABLE):
            return out
        trust = "trusted" if self.trusted else "not trusted (its certificate is on no trust list)"
        out.append(f"  signed by: {self.signer or 'unknown'}" + (f", issued by {self.issuer}" if self.issuer else "")
                   + f"; {trust}")
        kind = {SYNTHETIC: "synthetic (made by a trained model)",
                COMPOSITE: "synthetic, composite with recorded human performance"}.get(self.source_type,
                                                                                      self.source_type or "-")
        out.append(f"  declares: {kind}")
        d = self.declared
        if d.get("part"):
            out.append(f"  what: {d['part']}" + (f" of '{d['project_title']}'" if d.get("project_title") else ""))
        if d.get("created"):
            out.append(f"  made: {d['created']}")
        for v in d.get("voices", []):
            speakers = ", ".join(f"{s['name']} {s['weight']:.0%}" for s in v.get("speakers", []))
            model = f" of {v['model']}" if v.get("model") else ""
            out.append(f"  voice: {v.get('name')}{model} ({v.get('kind')}"
                       f"{': ' + speakers if v.get('kind') == 'mix' else ''}), licence {v.get('license')}")
            out += [f"    {ln}" for ln in v.get("licence_lines", [])]
        if d.get("guidance"):
            out.append(f"  guidance: {d['guidance']}")
        if d.get("guide_recording"):
            out.append(f"  guide recording (named by the project's choice): {d['guide_recording']}")
        for p in self.problems:
            out.append(f"  problem: {p}")
        return out


def verify(path: str | Path) -> Verdict:
    import c2pa

    shown = str(path)
    if not Path(path).is_file():
        return Verdict(shown, UNREADABLE, "there is no such file")
    try:
        reader = c2pa.Reader(str(path))
    except c2pa.C2paError as exc:
        text = str(exc)
        if "ManifestNotFound" in type(exc).__name__ or "ManifestNotFound" in text or "no JUMBF" in text:
            return Verdict(shown, NONE, "the file carries no C2PA manifest")
        if "NotSupported" in type(exc).__name__ or "type is unsupported" in text.lower():
            return Verdict(shown, UNREADABLE, "not a format that carries content credentials")
        return Verdict(shown, ALTERED, f"the manifest is broken: {text.strip()}")
    except OSError as exc:
        return Verdict(shown, UNREADABLE, exc.strerror or str(exc))
    try:
        store = json.loads(reader.json())
    finally:
        reader.close()
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    failures = [s for s in store.get("validation_results", {}).get("activeManifest", {}).get("failure", [])]
    if not failures:
        failures = store.get("validation_status", [])
    codes = {f.get("code", "") for f in failures}
    problems = [f"{f.get('code')}: {f.get('explanation', '')}" for f in failures
                if f.get("code") not in NOT_TAMPERING]
    sig = active.get("signature_info", {})
    v = Verdict(shown, ALTERED if problems or not active else VALID, signer=sig.get("common_name", ""),
                issuer=sig.get("issuer", ""), trusted="signingCredential.untrusted" not in codes and bool(active),
                problems=problems)
    if any("dataHash.mismatch" in c for c in codes):
        v.reason = "the audio was changed after it was signed"
    elif problems:
        v.reason = "the manifest does not check out"
    for a in active.get("assertions", []):
        if a.get("label", "").startswith("c2pa.actions"):
            for act in a.get("data", {}).get("actions", []):
                if act.get("action") == "c2pa.created":
                    v.source_type = act.get("digitalSourceType", "")
        elif a.get("label") == LABEL:
            v.declared = a.get("data", {})
    return v
