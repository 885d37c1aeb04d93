"""What the casting dialog shows before an import: the speakers of a file and the voice each would get."""

from pathlib import Path

from studio.production.casting import proposed_casting
from studio.production.inputs import Options, speakers_of


def test_speakers_of_each_kind(tmp_path):
    srt = tmp_path / "a.srt"
    text = "1\n00:00:01,000 --> 00:00:02,000\nANNA: Hi.\n\n2\n00:00:03,000 --> 00:00:04,000\n[door slams]\n\n" \
           "3\n00:00:05,000 --> 00:00:06,000\nBEN: Hello.\n"
    assert speakers_of(srt, text, Options()) == ("srt", ["ANNA", "BEN"])
    script = "ANNA: Hi.\nBEN: Hello.\nANNA: Bye.\n"
    assert speakers_of(Path("a.txt"), script, Options()) == ("text", ["ANNA", "BEN"])
    ssml = ('<speak><voice name="en-US-AvaNeural">Hi.</voice><voice name="en-US-AndrewNeural">Hello.</voice>'
            '<voice name="mix:a=0.5,b=0.5">Mixed.</voice></speak>')
    assert speakers_of(Path("a.ssml"), ssml, Options()) == ("ssml", ["en-US-AvaNeural", "en-US-AndrewNeural"])
    assert speakers_of(Path("a.txt"), "Just narration. Two sentences.", Options()) == ("text", [])


def test_proposal_follows_the_cast_and_remembered_choices():
    from studio.core.voice_library import remember_casting
    from studio.engine.voices.cast import cast

    names = [v.name for v in cast()]
    assert proposed_casting(["A", "B"]) == {"A": names[0], "B": names[1]}
    remember_casting({"B": names[0]})
    assert proposed_casting(["A", "B"]) == {"A": names[0], "B": names[0]}  # as remembered, even if shared
    many = proposed_casting([f"S{i}" for i in range(len(names) + 1)])
    assert list(many.values())[: len(names)] == names and list(many.values())[-1] == names[0]


def test_vendor_voices_are_proposed_a_cast_voice_of_their_register():
    """Ava is a woman's voice and Andrew a man's: the casting dialog offers them cast voices to match, whatever
    order the SSML names them in. A character's name in a script is not guessed from."""
    from studio.engine.voices.cast import cast

    register = {v.name: v.register for v in cast()}
    for names in (["en-US-AvaNeural", "en-US-AndrewNeural"], ["en-US-AndrewNeural", "en-US-AvaNeural"]):
        proposal = proposed_casting(names, vendor=True)
        assert register[proposal["en-US-AvaNeural"]] == "female"
        assert register[proposal["en-US-AndrewNeural"]] == "male"
        assert len(set(proposal.values())) == 2
    plain = proposed_casting(["Emma", "Jenny"])  # script characters: the cast in order, as before
    assert list(plain.values()) == [v.name for v in cast()][:2]
