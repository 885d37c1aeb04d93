"""Content credentials (C2PA): a signed manifest inside every audio file the studio writes, saying that the audio is
synthetic, which voices made it, and breaking when the audio is changed afterwards.

identity.py makes or reads the signing identity, manifest.py says what a file declares, sign.py signs a written
file in place (atomically), verify.py reads a file's credentials back.
"""
