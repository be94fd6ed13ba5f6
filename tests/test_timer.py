"""The unguided timer: bells exactly on their times, silence between them, a bed or a spoken frame if asked."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from measure import decode, played, probe

from guide.rendering.planning import plan
from guide.rendering.timeline import CueKind
from guide.script.model import Say
from guide.script.timer import Timer, timer_script
from guide.sound.pcm import SAMPLE_RATE

ONSET_THRESHOLD = 16
"""About -66 dBFS: where a bell's strike begins, even the first one, which the session fades in over."""
BOWL_RING_S = 9


def onsets(samples: np.ndarray, quiet_s: float = 1.0) -> list[float]:
    """The times in seconds at which a sound begins after at least `quiet_s` of digital near-silence."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > ONSET_THRESHOLD)
    starts = [loud[0]] + [b for a, b in zip(loud, loud[1:], strict=False) if b - a > quiet_s * SAMPLE_RATE]
    return [start / SAMPLE_RATE for start in starts]


def exported(guide, tmp_path: Path, *args: str) -> np.ndarray:
    out = tmp_path / "sit.wav"
    result = guide("timer", *args, "-o", str(out))
    assert result.returncode == 0, result.stderr
    return decode(out)


def test_the_bells_land_on_their_times_with_digital_silence_between(guide, tmp_path):
    heard = exported(guide, tmp_path, "3m", "--interval", "1m")
    expected = [0, 60, 120, 180, 184, 188]
    # The closing strikes ring into one another: only the first of them follows silence.
    found = onsets(heard)
    assert found[:4] == pytest.approx(expected[:4], abs=0.020)
    closing = heard[180 * SAMPLE_RATE :]
    for strike in expected[3:]:
        at = round((strike - 180) * SAMPLE_RATE)
        before, after = closing[at - 400 : at - 10].astype(np.int32), closing[at : at + 400].astype(np.int32)
        assert np.abs(after).max() > 2 * np.abs(before).max(initial=1), f"a strike at {strike}s"
    for start, end in zip(expected[:3], expected[1:4], strict=True):
        between = heard[round((start + BOWL_RING_S + 0.1) * SAMPLE_RATE) : round((end - 0.001) * SAMPLE_RATE)]
        assert len(between) > 40 * SAMPLE_RATE and not between.any(), "digital silence between the bells"
    assert len(heard) / SAMPLE_RATE == pytest.approx(188 + BOWL_RING_S, abs=0.1), "the last strike rings out"


def test_a_bed_plays_under_the_sit_and_the_bells_keep_their_times(guide, tmp_path):
    heard = exported(guide, tmp_path, "2m", "--interval", "1m", "--ambience", "brown-noise", "--bell", "chime")
    quiet_stretch = heard[20 * SAMPLE_RATE : 50 * SAMPLE_RATE]
    assert np.abs(quiet_stretch).min() >= 0 and np.sqrt(np.mean(quiet_stretch.astype(float) ** 2)) > 30
    timeline = plan(timer_script(Timer(120_000, 60_000, "chime", "brown-noise")), lambda step: 3 * SAMPLE_RATE)
    assert [c.start_ms for c in timeline.cues if c.kind is CueKind.BELL] == [0, 60_000, 120_000, 124_000, 128_000]


def test_a_guided_sit_opens_and_closes_in_words_and_times_its_bells_from_the_first(guide, tmp_path):
    script = timer_script(Timer(120_000, 60_000, guided=True))
    timeline = plan(script, lambda step: 2000 if step.__class__.__name__ == "Bell" else 3000)
    sit = [c for c in timeline.cues if c.kind is CueKind.BELL and c.chapter > 0]
    assert [c.start_ms - sit[0].start_ms for c in sit[:3]] == [0, 60_000, 120_000]
    assert [c.start_ms - sit[0].start_ms for c in sit[2:5]] == [120_000, 124_000, 128_000], "three at the end"
    said = [c for c in timeline.cues if c.kind is CueKind.SAY]
    assert said[0].start_ms < sit[0].start_ms and said[-1].start_ms > sit[4].start_ms, "words before and after"
    assert [c.title for c in timeline.chapters] == ["Arriving", "Sitting, 1 of 2", "Sitting, 2 of 2", "Closing"]
    heard = exported(guide, tmp_path, "2m", "--interval", "1m", "--guided")
    first_bell = sit[0].start_ms / 1000
    assert len(heard) / SAMPLE_RATE > 120 + first_bell, "the opening comes before the sit"


def test_a_guided_sit_speaks_and_names_its_parts_in_the_language_asked_or_the_locales(guide, tmp_path):
    out = tmp_path / "sit.mp3"
    ran = guide("timer", "2m", "--interval", "1m", "--guided", "--language", "de", "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    probed = probe(out)
    assert [c["tags"]["title"] for c in probed["chapters"]] == [
        "Ankommen",
        "Sitzen, 1 von 2",
        "Sitzen, 2 von 2",
        "Abschluss",
    ]
    assert (probed["format"]["tags"]["title"], probed["format"]["tags"]["language"]) == ("Timer, 2m", "ger")
    script = timer_script(Timer(120_000, guided=True, language="de"))
    opening = " ".join(step.text for step in script.sections[0].steps if isinstance(step, Say))
    assert "Du kannst die Augen schließen" in opening, "the German opening, in the German voice"
    assert script.language == "de"
    by_locale = guide("timer", "2m", "-o", str(tmp_path / "fr.mp3"), locale_language="fr-BE")
    assert by_locale.returncode == 0, by_locale.stderr
    assert probe(tmp_path / "fr.mp3")["format"]["tags"]["title"] == "Minuteur, 2m"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["10m", "--language", "tlh"], "guide: tlh: the built-in sessions are in de, en, es, fr, not this language"),
        (["30s"], "guide: 30s: a timer lasts from 1m to 4h"),
        (["4h1m"], "guide: 4h1m: a timer lasts from 1m to 4h"),
        (["10m", "--interval", "10m"], "guide: --interval 10m: the interval must be shorter than the sit (10m)"),
        (["10m", "--interval", "5s"], "guide: --interval 5s: a bell needs 10s to ring out before the next"),
        (["soon"], "Invalid value for 'LENGTH': expected a duration such as 5s or 1m30s"),
        (["10m", "--bell", "gong"], "Invalid value for '--bell': 'gong' is not one of 'bowl', 'chime', 'soft'"),
    ],
)
def test_a_timer_it_cannot_make_is_exit_2_saying_what_to_change(guide, tmp_path, args, message):
    result = guide("timer", *args, "-o", str(tmp_path / "sit.wav"))
    assert result.returncode == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_timer_plays_through_the_player_exactly_as_it_exports(run_guide, alsa_capture, tmp_path):
    env, capture = alsa_capture
    out = tmp_path / "sit.wav"
    assert run_guide("timer", "1m", "-o", str(out)).returncode == 0
    timed = run_guide("timer", "1m", "--quiet", env=env)
    assert timed.returncode == 0, timed.stderr
    with wave.open(str(out), "rb") as written:
        frames = written.readframes(written.getnframes())
    assert played(capture, len(frames) // 2).tobytes() == frames
