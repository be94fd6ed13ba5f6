"""The built-in sessions: seven practices in each of four languages, each safe by the care rules, at any length in
its range."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from measure import prepared, services, wav_samples

from guide.errors import UsageError
from guide.rendering.checker import care_warnings
from guide.rendering.mixer import Mix
from guide.rendering.planning import plan_without_speaking
from guide.rendering.timeline import CueKind
from guide.rendering.versions import versions
from guide.script.library import builtin_session, builtin_sessions, library_languages
from guide.script.loader import load_script
from guide.script.model import Duration, Keep, Say
from guide.script.overrides import with_overrides
from guide.sound.pcm import SAMPLE_RATE, SILENCE_THRESHOLD, ms_to_samples
from guide.translation import words_in
from guide.voice.cache import ClipCache
from guide.voice.engines.length_model import spoken_words

PRACTICES = {
    "sit-with-your-younger-self",
    "body-awareness",
    "reparenting-statements",
    "letter-to-your-younger-self",
    "mirror-words",
    "when-you-are-triggered",
    "glimmers-and-play",
}
pytestmark = pytest.mark.shared_clips
SESSIONS = sorted(p.stem for p in builtin_sessions())
LANGUAGES = library_languages()
EVERY_SESSION = [(language, name) for language in LANGUAGES for name in SESSIONS]
"""Every built-in session in every language it is written in."""


def session_for(name: str, duration_ms: int | None = None, language: str = "en"):
    target = Duration(duration_ms, None) if duration_ms else None
    return prepared(with_overrides(load_script(builtin_session(name, language)), duration=target))


def test_the_library_is_in_four_languages_with_one_session_for_each_practice_in_each():
    assert LANGUAGES == ["de", "en", "es", "fr"]
    for language in LANGUAGES:
        assert {p.stem for p in builtin_sessions(language)} == PRACTICES, language
        assert {load_script(p).language for p in builtin_sessions(language)} == {language}


PRESENT = {
    "en": ("here", ("today", "now")),
    "es": ("aquí", ("hoy", "ahora")),
    "de": ("hier", ("heute", "jetzt")),
    "fr": ("ici", ("aujourd'hui", "maintenant")),
}
"""The words a close says to orient the listener: here, and today or now."""
ANCHORS = {
    "en": ("feet", "hand", "sound", "breath", "ground"),
    "es": ("pies", "mano", "sonido", "respira", "suelo"),
    "de": ("füße", "hand", "geräusch", "atem", "boden"),
    "fr": ("pieds", "main", "son", "respir", "sol"),
}
"""The anchors a session offers: the feet, the hands, sounds, the breath and the ground."""


@pytest.mark.parametrize(("language", "name"), EVERY_SESSION)
def test_each_session_carries_the_care_rules(language, name):
    session = session_for(name, language=language)
    script = session.script
    assert script.content_note and script.closing and script.reflect
    assert care_warnings(script, session.timeline) == []
    spoken = " ".join(s.text.lower() for s in script.closing if isinstance(s, Say))
    here, present = PRESENT[language]
    assert here in spoken and any(word in spoken for word in present), "the close orients to the present"
    every_line = " ".join(cue.step.text.lower() for cue in session.timeline.cues if cue.kind is CueKind.SAY)
    assert len({a for a in ANCHORS[language] if a in every_line}) >= 3, "more than one anchor is offered"


LENGTHS = {name: (5, 10, 20, 45) for name in SESSIONS} | {"when-you-are-triggered": (3, 5, 10, 15)}
"""The lengths in minutes each session is made at, from its shortest to its longest."""


@pytest.mark.parametrize(("language", "name"), EVERY_SESSION)
def test_each_session_lasts_every_length_in_its_range_measured_on_its_decoded_audio(language, name, guide, tmp_path):
    # English at lengths between too; the others at the shortest and longest, and at their own length.
    lengths = LENGTHS[name] if language == "en" else (LENGTHS[name][0], None, LENGTHS[name][-1])
    own = load_script(builtin_session(name, language)).duration.ms
    for minutes in lengths:
        out = tmp_path / f"{name}-{minutes}m.wav"
        asked = ["--duration", f"{minutes}m"] if minutes else []
        result = guide("export", name, "--language", language, *asked, "-o", str(out))
        assert result.returncode == 0, result.stderr
        heard = wav_samples(out)
        assert abs(len(heard) - (minutes * 60_000 if minutes else own) * SAMPLE_RATE / 1000) <= SAMPLE_RATE / 2
        assert np.abs(heard[-30 * SAMPLE_RATE :]).max() > 1000, "the close is heard at the end"
        out.unlink()


@pytest.mark.parametrize(("language", "name"), EVERY_SESSION)
def test_each_session_checks_clean_when_strict_at_its_shortest_and_longest(language, name, guide):
    for minutes in (LENGTHS[name][0], LENGTHS[name][-1]):
        checked = guide("check", "--strict", name, "--language", language, "--duration", f"{minutes}m")
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(("language", "name"), EVERY_SESSION)
def test_at_its_shortest_a_session_leaves_out_what_its_marks_say_and_no_more(language, name):
    script = load_script(builtin_session(name, language))
    shortest = with_overrides(script, duration=Duration(LENGTHS[name][0] * 60_000, None))
    timeline, _ = plan_without_speaking(shortest, services().engines, ClipCache(services().cache_dir))
    kept = {cue.step.keep for cue in timeline.cues if cue.step is not None}
    left_out = {step.keep for step in timeline.left_out}
    assert Keep.ALWAYS in kept and Keep.ALWAYS not in left_out, "what is always in stays"
    assert Keep.LONGER not in kept, "nothing is brought in for a short session"
    # Content goes in order: once a mark's content goes, all of every mark that goes before it has gone.
    assert max(kept) < min(left_out)
    # And no more goes than the length needs: with the content of the next mark back in, it cannot be made.
    richer = min(left_out)
    if richer is not Keep.LONGER:
        # The least content that brings it back (with no `sometimes` content, that is the script as written).
        version = min((v for v in versions(shortest) if richer <= v.keep < Keep.LONGER), key=lambda v: v.keep).script
        every_step_kept = replace(
            version,
            sections=tuple(
                replace(section, steps=tuple(replace(step, keep=Keep.ALWAYS) for step in section.steps))
                for section in version.sections
            ),
        )
        with pytest.raises(UsageError, match="too short|shrink"):
            plan_without_speaking(every_step_kept, services().engines, ClipCache(services().cache_dir))


@pytest.mark.parametrize(("language", "name"), EVERY_SESSION)
def test_speech_runs_at_a_calm_pace(language, name):
    session = session_for(name, language=language)
    lines = [cue for cue in session.timeline.cues if cue.kind is CueKind.SAY]
    words = sum(spoken_words(cue.step.text) for cue in lines)
    minutes = sum(cue.length_ms for cue in lines) / 60_000
    assert 100 <= words / minutes <= 130


@pytest.mark.parametrize(("language", "name"), EVERY_SESSION)
def test_no_spoken_line_is_cut_off_or_runs_into_the_next(language, name):
    session = session_for(name, language=language)
    voice_only = {step: sound for step, sound in session.sounds.items() if isinstance(step, Say)}
    samples = np.concatenate(list(Mix(session.timeline, voice_only).chunks()))
    cues = session.timeline.cues
    for cue, following in zip(cues, [*cues[1:], None], strict=True):
        if cue.kind is not CueKind.SAY:
            continue
        end = ms_to_samples(cue.end_ms)
        tail = samples[end - ms_to_samples(30) : end]
        assert np.abs(tail).max() > 0, f"{cue.step.text!r} runs to its planned end"
        after = samples[end + 1 : ms_to_samples(following.end_ms if following else cue.end_ms)]
        if following is not None and following.kind is not CueKind.SAY:
            assert np.abs(after).max(initial=0) <= SILENCE_THRESHOLD / 32768, f"{cue.step.text!r} spills over"


@pytest.mark.parametrize("name", ["when-you-are-triggered", "mirror-words"])
def test_the_plan_guide_check_prints_is_the_plan_that_plays(name):
    path = builtin_session(name)
    played = session_for(name).timeline
    timeline, predicted = plan_without_speaking(load_script(path), services().engines, ClipCache(services().cache_dir))
    assert predicted == 0, "every line was spoken, and is timed from its clip"
    assert timeline == played


@pytest.mark.parametrize("language", LANGUAGES)
def test_list_shows_each_sessions_range_and_it_holds_every_length_promised(language, guide):
    listed = guide("list", "--language", language)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    for name in SESSIONS:
        # A session's own name, then the name its title makes in the language where that differs.
        at = next(i for i, line in enumerate(lines) if line.startswith((f"{name}  ", f"{name} · ")))
        # The range in the listing's words, which --language makes the language's.
        reach = re.escape(words_in(language).gettext("(from {shortest} to {longest} with --duration)"))
        pattern = reach.replace(re.escape("{shortest}"), r"(\S+)").replace(re.escape("{longest}"), r"(\S+)")
        shortest, longest = re.search(pattern, lines[at]).groups()
        assert _seconds(shortest) <= LENGTHS[name][0] * 60 and _seconds(longest) >= LENGTHS[name][-1] * 60, lines[at]
        title = load_script(builtin_session(name, language)).title
        assert lines[at + 1].startswith(f"  {title}: "), "each is listed with its title in the language"


def _seconds(clock: str) -> int:
    return sum(int(part) * 60**power for power, part in enumerate(reversed(clock.split(":"))))
