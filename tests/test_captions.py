"""Captions and transcripts: valid files, one cue per sentence, each starting when its words are heard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from measure import decode, first_sound_after, prepared

from guide.rendering.steps import spoken_line
from guide.rendering.timeline import CueKind
from guide.script.loader import load_script
from guide.script.sentences import sentences
from guide.script.values import format_clock

SPOKEN_SCRIPT = """\
title: Spoken
content_note: You can stop at any time.
sections:
  - title: Arriving
    steps:
      - pause: 1s
      - say: Welcome. Find a way of sitting that feels supported. There is no hurry at all.
      - pause: 2s
      - say: "Notice the floor beneath you. Is it warm, or cool? Either is fine."
      - breathe: {in: 3, out: 4}
  - title: Resting
    steps:
      - say: Rest here for a moment... You are doing well.
      - silence: 5s
closing:
  - say: Come back to the room. Open your eyes when you are ready.
"""
ONSET_TOLERANCE_MS = 100
VTT_TIME = r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)"
SRT_TIME = VTT_TIME.replace(r"\.", ",")


def _ms(match: tuple[str, ...]) -> int:
    hours, minutes, seconds, millis = map(int, match)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def parse_cues(text: str, time_pattern: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cue of a WebVTT or SRT file, checking each block's form on the way."""
    blocks = text.strip().split("\n\n")
    cues = []
    for number, block in enumerate(blocks, 1):
        lines = block.split("\n")
        assert lines[0] == str(number), block
        times = re.fullmatch(rf"{time_pattern} --> {time_pattern}", lines[1])
        assert times, block
        assert len(lines) == 3 and lines[2].strip(), block
        cues.append((_ms(times.groups()[:4]), _ms(times.groups()[4:]), lines[2]))
    return cues


@pytest.fixture
def spoken(write_script):
    script = write_script(SPOKEN_SCRIPT)
    return script, prepared(load_script(script))


def test_webvtt_has_one_cue_per_sentence_each_starting_as_its_words_are_heard(run_guide, spoken, tmp_path):
    script, session = spoken
    out = tmp_path / "spoken.wav"
    result = run_guide("export", str(script), "-o", str(out), "--captions", "vtt")
    assert result.returncode == 0, result.stderr
    text = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n")
    cues = parse_cues(text.removeprefix("WEBVTT\n\n"), VTT_TIME)

    spoken_steps = [c for c in session.timeline.cues if spoken_line(c.step) is not None]
    expected = [s for c in spoken_steps for s in sentences(spoken_line(c.step).text)]
    assert [words for _, _, words in cues] == expected
    assert expected[:3] == ["Welcome.", "Find a way of sitting that feels supported.", "There is no hurry at all."]
    for (start, end, _), (next_start, _, _) in zip(cues, cues[1:] + [(10**9, 0, "")], strict=True):
        assert start < end <= next_start, "cues must move forward and never overlap"

    # Each line's first sentence starts exactly where the plan puts the line.
    starts = {start for start, _, _ in cues}
    assert {c.start_ms for c in spoken_steps} <= starts
    # And every sentence starts when its words are heard, the ones inside a line included.
    samples = decode(out)
    previous_end = 0
    for start, end, words in cues:
        heard = first_sound_after(samples, max(previous_end + 1, start - 300))
        assert heard == pytest.approx(start, abs=ONSET_TOLERANCE_MS), words
        previous_end = end
    assert cues[-1][1] <= session.timeline.length_ms


def test_srt_captions_and_a_transcript_come_with_an_mp3(run_guide, spoken, tmp_path):
    script, session = spoken
    out = tmp_path / "spoken.mp3"
    result = run_guide("export", str(script), "-o", str(out), "--captions", "srt", "--transcript")
    assert result.returncode == 0, result.stderr
    cues = parse_cues(out.with_suffix(".srt").read_text(encoding="utf-8"), SRT_TIME)
    assert cues[0][2] == "Welcome."
    first_line = next(c for c in session.timeline.cues if c.kind is CueKind.SAY)
    assert cues[0][0] == first_line.start_ms

    transcript = out.with_suffix(".txt").read_text(encoding="utf-8")
    assert transcript.startswith("Spoken\n")
    assert "You can stop at any time." in transcript
    resting = session.timeline.chapters[1]
    assert f"\n\nResting ({format_clock(resting.start_ms)})\n\n" in transcript
    assert re.search(r"^\s+0:0\d  Welcome\. Find a way of sitting", transcript, re.MULTILINE)
    assert re.search(r"^\s+\d:\d\d  \[silence, 5s\]$", transcript, re.MULTILINE)
    assert re.search(r"^\s+\d:\d\d  \[breathing, 7s\]$", transcript, re.MULTILINE)
    assert "Come back to the room." in transcript


def test_captions_are_not_left_behind_when_the_export_fails(run_guide, write_script, tmp_path):
    out = tmp_path / "short.mp3"
    result = run_guide(
        "export", str(write_script(SPOKEN_SCRIPT)), "-o", str(out), "--captions", "vtt", "--duration", "2s"
    )
    assert result.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.yaml"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("One. Two? Three!", ["One.", "Two?", "Three!"]),
        ('She said "rest." Then silence.', ['She said "rest."', "Then silence."]),
        ("Slowly... and again.", ["Slowly... and again."]),
        ("Slowly... Again.", ["Slowly...", "Again."]),
        ("No full stop", ["No full stop"]),
        ("3.5 breaths, then rest.", ["3.5 breaths, then rest."]),
    ],
)
def test_a_line_splits_into_sentences_after_their_closing_marks(line, expected):
    assert sentences(line) == expected


def test_captions_escape_what_webvtt_reserves(write_script, tmp_path):
    from guide.output.captions import Caption, to_webvtt

    text = to_webvtt([Caption(0, 1500, "You & me <now> --> later", 0)])
    assert text == "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nYou &amp; me &lt;now&gt; --&gt; later\n"


def test_cover_must_be_an_image_beside_the_script(guide, write_script, tmp_path):
    (tmp_path / "cover.png").write_text("not a picture")
    script = write_script(SPOKEN_SCRIPT.replace("content_note:", "cover: cover.png\ncontent_note:"))
    result = guide("check", str(script))
    assert result.returncode == 3
    assert f"{script}:2:8: cover: cover.png is not a PNG or JPEG image" in result.stderr
    missing = write_script(SPOKEN_SCRIPT.replace("content_note:", "cover: art/none.jpg\ncontent_note:"))
    result = guide("check", str(missing))
    assert result.returncode == 3
    assert "2:8: cover: art/none.jpg: no such file beside the script" in result.stderr


def test_a_cover_path_cannot_leave_the_scripts_folder(write_script, tmp_path):
    from guide.errors import ScriptError

    outside = Path(tmp_path.parent / "outside.png")
    script = write_script(SPOKEN_SCRIPT.replace("content_note:", f"cover: ../{outside.name}\ncontent_note:"))
    with pytest.raises(ScriptError, match="the path leaves the script's folder"):
        load_script(script)
