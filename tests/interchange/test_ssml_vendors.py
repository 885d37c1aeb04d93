"""SSML as Azure, Polly and Google document it (issue 14.6): verbatim shapes parse, vendor voices map to local
voices, and every vendor tag is honoured or warned about by name."""

import json

import pytest

from studio.cli import main
from studio.interchange.detect import sniff
from studio.interchange.ssml import looks_like_ssml, parse

AZURE = """<?xml version="1.0" encoding="UTF-8"?>
<!-- from the Azure docs -->
<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xmlns:mstts="https://www.w3.org/2001/mstts"
       xml:lang="en-US">
    <voice name="en-US-AvaNeural">
        <mstts:express-as style="cheerful" styledegree="2">
            That'd be just amazing!
        </mstts:express-as>
        <mstts:silence type="Sentenceboundary" value="200ms"/>
        <prosody contour="(0%,+20Hz) (60%,-2st) (100%,+10%)">Were you the only person in the room?</prosody>
        <break strength="strong"/>
        <say-as interpret-as="characters">ABC</say-as> and <sub alias="World Wide Web Consortium">W3C</sub>.
    </voice>
    <voice name="en-US-AndrewNeural">
        <mstts:express-as style="sad" role="OlderAdultMale">I see.</mstts:express-as>
        <lang xml:lang="es-MX">¿Dónde está la biblioteca?</lang>
    </voice>
</speak>
"""
POLLY = """<speak>
    Sometimes it can be useful to <amazon:effect name="whispered">whisper</amazon:effect>.
    <amazon:domain name="news">Hello from the news desk.</amazon:domain>
    <amazon:emotion name="excited" intensity="high">We won!</amazon:emotion> <amazon:breath/> Really.
</speak>"""
GOOGLE = """<speak>
  <par>
    <media xml:id="question" begin="0.5s"><speak>Who invented the Internet?</speak></media>
    <media begin="question.end+0.2s"><audio src="https://example.com/boing.ogg"/></media>
  </par>
  <p><s>It came <say-as interpret-as="ordinal">1</say-as> in <say-as interpret-as="date" format="yyyymmdd">1960-09-24</say-as>.</s></p>
</speak>"""


def test_an_xml_declaration_comment_or_doctype_still_reads_as_ssml():
    assert looks_like_ssml(AZURE) and sniff("voices.xml", AZURE) == "ssml" and sniff("any.txt", AZURE) == "ssml"
    assert not looks_like_ssml("<?xml version='1.0'?><html/>") and not looks_like_ssml("speak to me")


def test_azure_express_as_silence_contour_say_as_sub_and_lang():
    sentences, warnings = parse(AZURE)
    texts = [s.text.strip() for s in sentences]
    assert texts[0] == "That'd be just amazing!" and sentences[0].emotion.name == "happy"
    assert sentences[0].emotion.intensity == 2.0
    assert sentences[1].gap_before == pytest.approx(0.2)  # mstts:silence Sentenceboundary
    contour = [w.pitch_st for w in sentences[1].words]
    assert contour[0] > 0 > contour[4] and contour[-1] > 0  # (0%,+20Hz) (60%,-2st) (100%,+10%)
    assert texts[2] == "A B C and World Wide Web Consortium." and sentences[2].gap_before == pytest.approx(0.7)
    assert sentences[3].emotion.name == "sad" and any('role="OlderAdultMale"' in w for w in warnings)
    assert sentences[4].language == "es" and sentences[0].language == "en"


def test_polly_prefixes_parse_undeclared_and_map_to_emotions():
    sentences, warnings = parse(POLLY)
    by_text = {s.text.strip(" ."): s for s in sentences}
    assert by_text["whisper"].emotion.name == "whisper"
    assert by_text["We won!"].emotion.name == "happy" and by_text["We won!"].emotion.intensity == 1.5
    assert by_text["Really"].gap_before == pytest.approx(0.3)  # <amazon:breath/>
    assert any('<amazon:domain name="news">' in w for w in warnings)


def test_google_media_is_spoken_and_its_timing_and_audio_are_warned_about():
    sentences, warnings = parse(GOOGLE)
    texts = [s.text.strip() for s in sentences]
    assert texts[0] == "Who invented the Internet?" and texts[1].startswith("It came first in 1960-09-24")
    assert any("<media> timing" in w for w in warnings) and any("<audio>" in w for w in warnings)


def test_vendor_voices_map_to_local_voices_and_unmapped_ones_fall_back_with_a_warning(tmp_path, capsys):
    from studio.core.project_io import load

    (tmp_path / "azure.xml").write_text(AZURE, encoding="utf-8")
    assert main(["new", str(tmp_path / "azure.xml"), "-o", str(tmp_path / "p.json"), "--voice", "embedded",
                 "--voice-map", "en-US-AvaNeural=en-us+f2"]) == 0
    err = capsys.readouterr().err
    assert '"en-US-AndrewNeural" is not mapped' in err and "--voice-map en-US-AndrewNeural=" in err
    project = load(tmp_path / "p.json")
    tracks = {t.name: t for t in project.tracks}
    assert tracks["en-US-AvaNeural"].mix.as_dict() == {"en-us+f2": 1.0}
    assert tracks["en-US-AndrewNeural"].voice.backbone == "embedded"
    assert project.voice_map == {"en-US-AvaNeural": "en-us+f2"}  # the mapping is a project setting
    spanish = [t for t in project.tracks if t.language == "es"]
    assert spanish and spanish[0].mix.as_dict() == {"es": 1.0}  # the embedded Spanish voice speaks it
    # --voice still overrides the default for every unmapped name.
    assert main(["say", str(tmp_path / "azure.xml"), "-o", str(tmp_path / "a.wav"), "--voice", "en+f3",
                 "--alignment", str(tmp_path / "a.json")]) == 0
    words = [w["text"] for s in json.loads((tmp_path / "a.json").read_text())["segments"] for w in s["words"]]
    assert words[:4] == ["That'd", "be", "just", "amazing"] and "Consortium" in words
