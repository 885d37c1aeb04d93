"""Production: what speaks a whole script (text, SSML, subtitles, projects) and writes the deliverables.

It sits above both engine (voices, rendering) and interchange (file formats), so that the arrows keep pointing
down: production -> engine -> core and production -> interchange -> core. Nothing below imports it.
"""
