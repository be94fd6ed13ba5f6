"""The script format, version 1, declared once: the loader checks scripts against it, and the JSON Schema
and the reference's key tables are made from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SPEECH_ENGINES = ("pyttsx3", "piper")
"""The speech engines: `guide/voice/engines/` has a module for each."""
ENGINES = ("auto", *SPEECH_ENGINES)
"""What a voice's `engine` may name: `auto` picks the best of the speech engines installed."""
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""A BCP 47 language tag as scripts, clients and --language give it: `en`, `es-419`, `de-CH`."""


def primary_language(tag: str) -> str:
    """The language of a tag, without its region or script: `es` for `es-419`."""
    return tag.split("-")[0].lower()


RATE_RANGE = (60, 250)
PITCH_RANGE = (-12.0, 12.0)
BELLS = ("bowl", "chime", "soft")
BEDS = ("brown-noise", "pink-noise", "ocean-waves")
CUES = ("voice", "tone", "none")
KEEP = ("always", "usually", "sometimes", "longer")
"""When a step or section is in the session (`keep:`), from what stays at every length to what comes in only
at longer ones; `guide.script.model.Keep` holds them in this order."""
MAX_PAUSE_MS = 3_600_000
MAX_TEXT_CHARS = 2000
"""The longest text a key may hold, placeholders filled: a spoken line of about 350 words."""
MAX_STEPS = 20_000
"""The most steps a script may make once `affirm`, `breathe` and `include` are unfolded."""
MAX_SESSION_MS = 12 * 3_600_000
"""The longest a session may last."""
DEFAULT_RATE = 110
"""Words per minute: calm narration runs at about 100-120."""
DEFAULT_GAP_MS = 1000
DEFAULT_AFFIRM_PAUSE_MS = 5000
BELL_STRIKE_MS = 2000
"""How long a bell holds the timeline before the next step starts; the rest of it rings on underneath."""


@dataclass(frozen=True)
class Field:
    """One key: the kind of value it takes, whether it must be there, and what it means."""

    kind: str
    doc: str
    required: bool = False


@dataclass(frozen=True)
class StepKind:
    """A kind of step: the value of its kind key, and the options that may stand beside it."""

    value: Field
    options: dict[str, Field] = field(default_factory=dict)


VOICE = {
    "engine": Field("engine", "auto (the best engine installed), pyttsx3 or piper."),
    "name": Field("voice_name", "The engine's voice id; null picks the engine's default for the script's language."),
    "rate": Field("rate", "Words per minute, 60 to 250."),
    "pitch": Field("pitch", "Semitones up (+3) or down (-2) from the voice's own pitch, where the engine can."),
    "volume": Field("fraction", "Loudness of the voice, 0 to 1."),
}

AMBIENCE = {
    "sound": Field("bed", "A built-in bed (brown-noise, pink-noise, ocean-waves) or a sound file to loop."),
    "volume": Field("decibels", "Level relative to the voice, such as -24dB (the default)."),
    "fade": Field("duration", "How long the bed fades in at the start and out at the end (default 8s)."),
}

BREATHING = {
    "in": Field("seconds", "Seconds to breathe in.", required=True),
    "hold": Field("seconds", "Seconds to hold the breath after breathing in (default 0)."),
    "out": Field("seconds", "Seconds to breathe out.", required=True),
    "rest": Field("seconds", "Seconds to rest after breathing out (default 0)."),
    "cycles": Field("count", "How many breaths (default 1)."),
}

KEEP_OPTION = {
    "keep": Field(
        "keep",
        "When this is in the session: always (the default), usually, sometimes (left out first when the length "
        "asks for less), or longer (in only when the length asks for more than the rest can give).",
    )
}
"""An option of every kind of step, and of a section."""

STEPS = {
    "say": StepKind(
        Field("text", "A line spoken aloud, then the script's gap."),
        {"voice": Field("voice_choice", "A profile from voices:, or a voice mapping, for this line."), **KEEP_OPTION},
    ),
    "pause": StepKind(Field("duration", "A fixed silence."), dict(KEEP_OPTION)),
    "silence": StepKind(
        Field("duration", "Open practice time; stretches or shrinks to meet the script's duration."), dict(KEEP_OPTION)
    ),
    "bell": StepKind(
        Field("bell", "A built-in bell (bowl, chime, soft) or a sound file; it rings on under what follows."),
        {"volume": Field("decibels", "Level of the bell, such as -6dB."), **KEEP_OPTION},
    ),
    "breathe": StepKind(
        Field("breathing", "Paced breathing; each phase starts on time."),
        {
            "cue": Field("cue", "voice (spoken cues, the default), tone (a soft rising and falling tone) or none."),
            **KEEP_OPTION,
        },
    ),
    "affirm": StepKind(
        Field("texts", "Statements, each spoken and followed by a pause, repeat times over."),
        {
            "pause": Field("duration", "Silence after each statement (default 5s)."),
            "repeat": Field("count", "How many times each statement is said (default 1)."),
            "voice": Field("voice_choice", "A profile from voices:, or a voice mapping, for the statements."),
            **KEEP_OPTION,
        },
    ),
    "include": StepKind(
        Field("file", "The steps of another file: a list of steps, or a mapping with steps:."), dict(KEEP_OPTION)
    ),
    "sound": StepKind(
        Field("file", "A recorded clip (WAV, MP3, OGG or FLAC), such as the practitioner's own voice."),
        {"volume": Field("decibels", "Level of the clip, such as -3dB."), **KEEP_OPTION},
    ),
}

SECTION = {
    "title": Field("text", "The section's title: a chapter of the session.", required=True),
    "steps": Field("steps", "What happens in the section, in order.", required=True),
    **KEEP_OPTION,
}

TOP_LEVEL = {
    "title": Field("text", "Shown in the player, written to tags.", required=True),
    "author": Field("text", "Written to tags (artist)."),
    "description": Field("text", "One line on what the session is for; shown by guide list, written to tags."),
    "language": Field("language", "A language tag such as en or en-GB; picks the default voice (default en)."),
    "duration": Field("duration", "Target total length; every silence step stretches or shrinks to meet it."),
    "content_note": Field("text", "Printed before playback, written to the export's description."),
    "cover": Field("file", "A PNG or JPEG image beside the script: the cover art of exported files (not WAV)."),
    "voice": Field("voice", "The script's default voice."),
    "voices": Field("voices", "Named voice profiles that a step picks with voice:; each inherits from voice."),
    "gap": Field("duration", "Silence after each spoken line unless a pause or silence follows (default 1s)."),
    "variables": Field("variables", "Defaults for {name} placeholders; --var and --vars override them."),
    "ambience": Field("ambience", "A background bed under the whole session."),
    "sections": Field("sections", "The body of the session, in order.", required=True),
    "closing": Field("steps", "The grounding exit: played at the end, and jumped to on an early exit."),
    "reflect": Field("texts", "Journaling prompts shown after the session."),
}

INCLUDED = {"steps": Field("steps", "The steps this file adds where it is included.", required=True)}

CLIENT = {
    "client": Field("client_id", "The client's id: letters, digits, -, _ and .; it names the file.", required=True),
    "variables": Field("variables", "Values for the script's {name} placeholders, for this client."),
    "voice": Field("voice", "Voice settings for every line of this client's session, such as {rate: 100}."),
    "duration": Field("duration", "Target length of this client's session."),
    "language": Field(
        "language", "The language of this client's session, such as es: a built-in session in it, and its voice."
    ),
}
"""An entry of a clients file, for `guide export --clients`."""
