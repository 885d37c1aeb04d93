"""Subtitles as real files have them (issue 14.4, 14.5, 14.7): SDH sound descriptions, lyrics, tags, speaker
dashes, every label form, continuation cues, and errors that name the line."""

import pytest

from studio.interchange.subtitles import LYRICS, SOUND, SPEECH, SubtitleError, read_subtitles

SDH = """1
00:00:01,000 --> 00:00:03,000
[MUSIC PLAYING]

2
00:00:03,500 --> 00:00:06,000
<i>>> NARRATOR: It was a dark night.</i>

3
00:00:06,500 --> 00:00:08,000
- TOM: Where are you?
- I'm here.

4
00:00:08,500 --> 00:00:10,000
(sighs) Just remember: stay close.

5
00:00:10,500 --> 00:00:12,000
♪ Twinkle, twinkle, little star ♪

6
00:00:12,500 --> 00:00:14,000
(ANA) I know. [door slams]

7
00:00:14,500 --> 00:00:16,000
[BOB] Who's there?

8
00:00:16,500 --> 00:00:18,000
{\\an8}and then we ran.
"""


@pytest.fixture(scope="module")
def cues():
    return read_subtitles("film.srt", SDH)


def test_sound_descriptions_are_not_spoken_but_kept_for_display(cues):
    music = cues[0]
    assert music.kind == SOUND and music.text == "" and music.display == "[MUSIC PLAYING]" and music.sounds == 1
    sighs = next(c for c in cues if c.number == 4)
    assert sighs.text == "Just remember: stay close." and sighs.display.startswith("(sighs)")
    slam = next(c for c in cues if c.number == 6)
    assert slam.text == "I know." and "[door slams]" in slam.display
    assert sum(c.sounds for c in cues) == 3


def test_lyrics_and_tags(cues):
    song = next(c for c in cues if c.number == 5)
    assert song.kind == LYRICS and song.text == "Twinkle, twinkle, little star" and "♪" in song.display
    assert all("<i>" not in c.text and "{" not in c.text for c in cues)


def test_every_label_form_and_continuation(cues):
    speech = [(c.number, c.speaker, c.text) for c in cues if c.kind == SPEECH]
    assert speech == [
        (2, "NARRATOR", "It was a dark night."),
        (3, "TOM", "Where are you?"),
        (3, "NARRATOR", "I'm here."),  # an unnamed dash turn: the other speaker answers
        (4, "NARRATOR", "Just remember: stay close."),  # "Just remember:" is no speaker; NARRATOR goes on
        (6, "ANA", "I know."),
        (7, "BOB", "Who's there?"),
        (8, "BOB", "and then we ran."),  # an unlabeled continuation keeps the speaker who was talking
    ]


def test_a_cue_with_two_turns_shares_its_time_by_what_each_says(cues):
    tom, reply = [c for c in cues if c.number == 3]
    assert tom.start == 6.5 and reply.end == 8.0 and tom.end == pytest.approx(reply.start)
    assert 6.5 < tom.end < 8.0


def test_speakers_option_confirms_and_renames_labels():
    text = "1\n00:00:01,000 --> 00:00:02,000\nTOM: Hi.\n\n2\n00:00:03,000 --> 00:00:04,000\nNote: this is read.\n"
    cues = read_subtitles("x.srt", text, speakers=["TOM=Tom Hardy"])
    assert [(c.speaker, c.text) for c in cues] == [("Tom Hardy", "Hi."), ("Tom Hardy", "Note: this is read.")]


def test_vtt_voice_tags_classes_and_notes():
    text = ("WEBVTT\n\nNOTE made by hand\n\n00:01.000 --> 00:02.000 align:start\n<v Mara><i>Hello</i> there.\n\n"
            "cue-2\n00:00:02.500 --> 00:00:04.000\n<c.yellow>[laughs]</c> Hi Mara.\n")
    cues = read_subtitles("x.vtt", text)
    assert [(c.speaker, c.text, c.number) for c in cues] == [("Mara", "Hello there.", 1), ("Mara", "Hi Mara.", 2)]


@pytest.mark.parametrize("name, text, phrase", [
    ("bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:03,000 -> 00:00:04,000\nYo.\n", "line 6"),
    ("bad.srt", "1\nnot a timestamp\nhello\n", "line 1"),
    ("back.srt", "1\n00:00:05,000 --> 00:00:04,000\nHi.\n", "line 2: cue 1 ends"),
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\n00:00:03.000 -> 00:00:04.000\nYo.\n", "line 6"),
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\nHi.\n", "line 3"),
    ("nohead.vtt", "00:00:01.000 --> 00:00:02.000\nHi.\n", "line 1"),
])
def test_errors_name_the_line_and_never_paste_the_file(name, text, phrase):
    long_tail = "".join(f"\n\n{i}\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},500\nfiller line {i}"
                        for i in range(10, 400))
    with pytest.raises(SubtitleError) as err:
        read_subtitles(name, text + long_tail if name.endswith(".srt") else text)
    message = str(err.value)
    assert phrase in message and name in message
    assert len(message) < 300 and "filler line 20" not in message
