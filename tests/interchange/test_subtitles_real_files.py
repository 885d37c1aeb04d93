"""Subtitle files as real repositories have them (issue 24, items 1-6): WebVTT character references and inline
markup, a label alone on a cue's first line, refused labels, non-speech lines inside a cue, malformed times."""


import pytest

from studio.interchange.subtitles import (LYRICS, SOUND, SPEECH, SubtitleError, arrange, read_subtitles,
                                          write_srt, write_vtt)

ENTITIES = """WEBVTT

1
00:00:01.000 --> 00:00:03.000
Q&amp;A: 3 &lt; 4 &gt; 2,&nbsp;caf&#233; &#x263A; &quot;ok&quot;
"""


def test_vtt_character_references_are_decoded_for_speech():
    [cue] = read_subtitles("talk.vtt", ENTITIES)
    assert cue.text == 'Q&A: 3 < 4 > 2, café \u263a "ok"'
    assert "amp" not in cue.text and "&#" not in cue.text and "nbsp" not in cue.text


def test_decoded_text_is_written_back_escaped_and_reads_back_the_same(tmp_path):
    [cue] = read_subtitles("talk.vtt", ENTITIES)
    write_vtt(tmp_path / "out.vtt", [(cue.start, cue.end, "", cue.display)])
    write_srt(tmp_path / "out.srt", [(cue.start, cue.end, "", cue.display)])
    raw = (tmp_path / "out.vtt").read_text(encoding="utf-8")
    assert "Q&amp;A" in raw and "&lt;" in raw and "&amp;amp;" not in raw
    again = read_subtitles("out.vtt", raw)
    assert again[0].text == cue.text
    assert read_subtitles("out.srt", (tmp_path / "out.srt").read_text(encoding="utf-8"))[0].text == cue.text


KARAOKE = """WEBVTT

00:00:05.000 --> 00:00:09.000
<v Anna>Never drink liquid nitrogen.</v>
<v Bob>It will <00:00:07.000>perforate <b>your</b> stomach.</v>

00:00:10.000 --> 00:00:12.000
<v.loud Carol Ann>Wait<c.yellow> here</c>.
"""


def test_vtt_timestamp_tags_are_timing_and_each_voice_span_is_a_turn():
    cues = read_subtitles("k.vtt", KARAOKE)
    assert [(c.speaker, c.text) for c in cues] == [("Anna", "Never drink liquid nitrogen."),
                                                   ("Bob", "It will perforate your stomach."),
                                                   ("Carol Ann", "Wait here.")]
    assert not any("00:" in c.display or "<" in c.display for c in cues)
    anna, bob = cues[0], cues[1]
    assert anna.start == 5.0 and anna.end == pytest.approx(bob.start) and bob.end == 9.0


@pytest.mark.parametrize("name, text", [
    ("a.srt", "1\n00:00:01,000 --> 00:00:03,000\nTOM: Hello there.\n\n2\n00:00:04,000 --> 00:00:06,000\n"
              "MARIA:\nWhere were you?\n"),
    ("a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nTOM: Hello there.\n\n00:00:04.000 --> 00:00:06.000\n"
              "MARIA:\nWhere were you?\n"),
    ("b.srt", "1\n00:00:01,000 --> 00:00:03,000\n- TOM: Hello there.\n\n2\n00:00:04,000 --> 00:00:06,000\n"
              "- MARIA:\nWhere were you?\n"),
])
def test_a_label_alone_on_the_first_line_names_the_turn(name, text):
    cues = read_subtitles(name, text)
    assert [(c.speaker, c.text) for c in cues] == [("TOM", "Hello there."), ("MARIA", "Where were you?")]


def test_a_refused_label_does_not_split_the_cue():
    text = ("1\n00:00:01,000 --> 00:00:04,000\nANNA: The plan is simple.\n\n"
            "2\n00:00:05,000 --> 00:00:09,000\nI told him the rule.\nRule one: never lie to me.\n\n"
            "3\n00:00:10,000 --> 00:00:12,000\nRemember this\nnote: it matters.\n")
    cues = read_subtitles("a.srt", text)
    assert len(cues) == 3
    assert cues[1].text == "I told him the rule. Rule one: never lie to me." and cues[1].speaker == "ANNA"
    assert (cues[1].start, cues[1].end) == (5.0, 9.0)
    assert cues[2].text == "Remember this note: it matters."


SDH = """1
00:00:01,000 --> 00:00:05,000
♪ Hey, hey, the road goes on ♪
Where did you park the car?

2
00:00:06,000 --> 00:00:09,000
[DOOR SLAMS]
- TOM: Who's there?

3
00:00:10,000 --> 00:00:12,000
♪ la la la ♪
[APPLAUSE]

4
00:00:13,000 --> 00:00:15,000
(sighs)
"""


def test_non_speech_lines_leave_the_whole_cue_to_the_speech():
    spoken, shown = arrange(read_subtitles("sdh.srt", SDH))
    car = next(c for c in spoken if "car" in c.text)
    assert (car.start, car.end) == (1.0, 5.0)  # the skipped lyric line takes none of the slot
    assert "♪" in car.display  # and is still shown with it
    who = next(c for c in spoken if c.speaker == "TOM")
    assert (who.start, who.end) == (6.0, 9.0) and who.display.startswith("[DOOR SLAMS]")
    assert all(c.end > c.start for c in spoken + shown)  # no cue of no length in the exported subtitles
    assert [(c.start, c.end, c.kind) for c in shown] == [(10.0, 12.0, LYRICS), (13.0, 15.0, SOUND)]
    assert "[APPLAUSE]" in shown[0].display


def test_spoken_lyrics_share_the_cue_with_the_speech():
    spoken, shown = arrange(read_subtitles("sdh.srt", SDH), speak_lyrics=True)
    first = [c for c in spoken if c.number == 1]
    assert [c.kind for c in first] == [LYRICS, SPEECH]
    assert first[0].start == 1.0 and first[0].end == pytest.approx(first[1].start) and first[1].end == 5.0


@pytest.mark.parametrize("name, text, line, reads", [
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:03,000 --> 00:00:04,5O0\nYo.\n", 6, "4,5O0"),
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:03,000 => 00:00:04,000\nYo.\n", 6, "=>"),
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:0l,000 --> 00:00:04,000\nYo.\n", 6, "0l,000"),
    ("a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\n00:00:03.000 --> 00:00:04.5O0\nYo.\n", 6, "4.5O0"),
    ("a.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nHi.\n\n2\n00:00:03.000 -> 00:00:04.000\nYo.\n", 8,
     "->"),
])
def test_malformed_timestamps_name_the_line_and_what_it_reads(name, text, line, reads):
    with pytest.raises(SubtitleError) as err:
        read_subtitles(name, text)
    assert f"line {line}" in str(err.value) and reads in str(err.value)


def test_repeated_cue_numbers_become_positions():
    text = "".join(f"0\n00:00:0{i},000 --> 00:00:0{i},900\nLine {i}.\n\n" for i in range(1, 5))
    assert [c.number for c in read_subtitles("zero.srt", text)] == [1, 2, 3, 4]
    text = "".join(f"{n}\n00:00:0{i},000 --> 00:00:0{i},900\nLine {i}.\n\n" for i, n in enumerate((3, 7, 9), 1))
    assert [c.number for c in read_subtitles("kept.srt", text)] == [3, 7, 9]


@pytest.mark.parametrize("timing, start", [("00:00:01:500 --> 00:00:02:500", 1.5), ("0:0:1,5 --> 0:0:2,5", 1.005),
                                           ("00:00:01 --> 00:00:02", 1.0),
                                           ("00:00:01,500-->00:00:02,500 X1:10 X2:20", 1.5)])
def test_time_forms_the_srt_library_reads_are_still_read(timing, start):
    [cue] = read_subtitles("ok.srt", f"\ufeff1\r\n{timing}\r\nHello.\r\n")
    assert cue.start == pytest.approx(start) and cue.text == "Hello."


def test_short_time_fields_as_teams_writes_them():
    text = ("WEBVTT\n\n0:0:0.0 --> 0:0:1.570\n<v Ana Ruiz>Can you hear me?</v>\n\n"
            "0:0:1.810 --> 0:0:3.130\n<v Ben Okafor>Yes, loud and clear.</v>\n")
    cues = read_subtitles("meeting.vtt", text)
    assert [(c.speaker, c.start, c.end) for c in cues] == [("Ana Ruiz", 0.0, 1.57), ("Ben Okafor", 1.81, 3.13)]
