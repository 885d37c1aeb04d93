from studio.core.video_sync import DRIFT_MS, Step, follow, video_position_ms


def test_offset_is_the_video_time_of_project_zero():
    assert video_position_ms(0.0, 12.5) == 12500
    assert video_position_ms(3.2, 0.0) == 3200
    assert video_position_ms(1.0, -0.25) == 750


def test_stopped_editor_seeks_the_video_to_the_playhead_and_keeps_it_paused():
    assert follow(False, 2.0, 1.0, video_playing=False, video_ms=0, duration_ms=60_000) == Step(seek_ms=3000)
    assert follow(False, 2.0, 1.0, video_playing=False, video_ms=3000, duration_ms=60_000) == Step()


def test_playback_stopping_pauses_the_video_where_the_playhead_is():
    assert follow(False, 2.0, 0.0, video_playing=True, video_ms=1990, duration_ms=60_000) == Step(2000, False)


def test_playing_starts_the_video_and_seeks_only_past_the_drift_allowance():
    assert follow(True, 5.0, 0.0, video_playing=False, video_ms=0, duration_ms=60_000) == Step(5000, True)
    small = 5000 + DRIFT_MS - 10
    assert follow(True, 5.0, 0.0, video_playing=True, video_ms=small, duration_ms=60_000) == Step()
    assert follow(True, 5.0, 0.0, video_playing=True, video_ms=5000 + 200, duration_ms=60_000) == Step(5000, None)


def test_outside_the_video_it_holds_the_first_or_last_frame_paused():
    assert follow(True, 0.5, -2.0, video_playing=False, video_ms=0, duration_ms=60_000) == Step()
    assert follow(True, 0.5, -2.0, video_playing=True, video_ms=40, duration_ms=60_000) == Step(0, False)
    assert follow(True, 70.0, 0.0, video_playing=True, video_ms=59_000, duration_ms=60_000) == Step(59_999, False)


def test_an_unknown_duration_does_not_clamp():
    assert follow(False, 90.0, 0.0, video_playing=False, video_ms=0, duration_ms=0) == Step(90_000)
