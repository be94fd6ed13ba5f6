"""The performance figures of issue 9, each a ratio of two times (or sizes) measured in the same run.

Run from the repository: .venv/bin/python benchmarks/run.py   (a few minutes; prints a table)

Machines here are shared and noisy, so nothing is compared with a fixed time: each figure sets the
program against the unavoidable work (synthesizing the words, encoding the audio) or against itself. Each
time is the best of a few runs, as `timeit` takes it: a slower run measures the machine's other work."""

from __future__ import annotations

import compileall
import importlib.metadata
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import guide
from guide.script.library import builtin_sessions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pulse import null_sink_server  # noqa: E402  (the tests' PulseAudio server with a silent sink)
from terminal import Terminal  # noqa: E402  (the tests' pseudo-terminal)

from guide.play.player import GOING_TO_CLOSE, OFFER_CLOSING, WAITING_FOR  # noqa: E402

HERE = Path(__file__).resolve().parent
LONG = HERE / "long-session.yaml"
BUILT_IN = "letter-to-your-younger-self"
PIPER_SESSION = "sit-with-your-younger-self"
"""The built-in session the neural voice's export is measured on: its 45 lines."""
PACED_S = 30
"""How long the real-time plays run: past the loading of the voice and the first lines."""
"""A built-in session 20 minutes long."""
RUNS = 5
"""Runs of each timing whose best is taken."""
NO_PULSE = {"PULSE_SERVER": "unix:/nonexistent/pulse"}
"""miniaudio tries PulseAudio first: a server that does not answer sends it to the ALSA sink set up."""
KEY_DELAYS_S = (0.0, 0.3, 1.0, 2.0, 4.0)
"""When, after the title shows, q and then g are pressed in the key latency runs: across the loading of the voice."""
ASOUND_CAPTURE = (
    'pcm.!default {{ type file slave.pcm "null" file "{capture}" format "raw" }}\npcm.null {{ type null }}\n'
)


Row = tuple[str, str, str, str]
"""A figure, its ratio, its target, and what was measured."""


class Bench:
    """A scratch folder, an environment that pins a voice (or, for Piper, lets `auto` choose it as it does for
    a newcomer), and timed runs of the program."""

    def __init__(self, folder: Path, engine: str):
        self.folder = folder
        self.env = {key: value for key, value in os.environ.items() if key != "GUIDE_ENGINE"}
        self.env["GUIDE_DATA_DIR"] = str(folder / "data")
        if engine == "pyttsx3":
            self.env["GUIDE_ENGINE"] = engine
        self.caches = 0

    def fresh_cache(self) -> str:
        self.caches += 1
        return str(self.folder / f"cache-{self.caches}")

    def guide(self, *args: str, cache: str, env: dict[str, str] | None = None) -> tuple[float, int]:
        """Seconds a `guide` command takes, and its peak resident memory in MB."""
        command = [sys.executable, "-m", "guide", *args]
        began = time.monotonic()
        process = subprocess.Popen(
            command,
            env={**self.env, "GUIDE_CACHE_DIR": cache, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - began
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"guide {' '.join(args)} failed: {process.stderr.read().decode()[-500:]}")
        return seconds, usage.ru_maxrss // 1024

    def export(self, script: str, duration: str, cache: str, name: str = "out.mp3") -> tuple[float, int]:
        return self.guide("export", script, "-o", str(self.folder / name), "--duration", duration, cache=cache)


def timed(action: Callable[[], object]) -> float:
    began = time.monotonic()
    action()
    return time.monotonic() - began


def floor_synthesis(script: str) -> float:
    """espeak-ng speaking every line of the script, through the engine directly, in a fresh process."""
    code = (
        "import sys; from guide.script.library import find_script; from guide.script.loader import load_script; "
        "from guide.rendering.steps import spoken_lines; from guide.voice.engines import Engines; "
        f"s = load_script(find_script({script!r})); e = Engines(None).named('pyttsx3'); "
        "[e.synthesize(l.text, l.voice, s.language) for l in dict.fromkeys(spoken_lines(s))]"
    )
    return timed(lambda: subprocess.run([sys.executable, "-c", code], check=True))


def encode_alone(stream: Path, out: Path) -> float:
    """ffmpeg encoding a session to MP3 as the export has it do, and nothing else, from a file holding the
    stream. (Raw samples would make a weaker floor: ffmpeg reads them 2 KB to a packet, and spends about 14%
    more time on the same encoding.)"""
    command = ["ffmpeg", "-v", "error", "-y", "-f", "matroska", "-i", str(stream)]
    command += ["-c:a", "libmp3lame", "-b:a", "64k", str(out)]
    return timed(lambda: subprocess.run(command, check=True))


def session_streams(mp3: Path, stream: Path, shortened: Path) -> None:
    """The exported session's audio, decoded and written as the stream the export would feed ffmpeg if it
    encoded every silence, and as the stream it does feed ffmpeg, with the long silences cut: in a process of
    its own, since a child's peak memory as the kernel reports it starts from its parent's."""
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from guide.output import matroska
        from guide.output.condensing import condensed
        from guide.sound.ffmpeg import decode
        from guide.rendering.mixer import CHUNK_MS
        from guide.output.mp3 import FRAME_SAMPLES
        from guide.sound.pcm import SAMPLE_RATE, ms_to_samples

        samples, chunk = decode(Path(sys.argv[1])), ms_to_samples(CHUNK_MS)
        chunks = [samples[i : i + chunk] for i in range(0, len(samples), chunk)]
        for name, stream in ((sys.argv[2], chunks), (sys.argv[3], condensed(chunks, [], FRAME_SAMPLES, chunk))):
            with open(name, "wb") as out:
                out.write(matroska.header(SAMPLE_RATE, {}, []))
                out.writelines(matroska.clusters(stream))
        """
    )
    subprocess.run([sys.executable, "-c", code, str(mp3), str(stream), str(shortened)], check=True)


def first_sound(bench: Bench, script: str, env: dict[str, str], *args: str) -> float:
    """Seconds from starting `guide play` on a cold cache to the first sample that is not silence reaching the
    device."""
    bench.caches += 1
    capture = bench.folder / f"capture-{bench.caches}.raw"
    config = bench.folder / f"asound-{bench.caches}.conf"
    config.write_text(ASOUND_CAPTURE.format(capture=capture))
    env = {**env, "GUIDE_CACHE_DIR": bench.fresh_cache(), "ALSA_CONFIG_PATH": str(config), **NO_PULSE}
    command = [sys.executable, "-m", "guide", "play", script, "--quiet", *args]
    began = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    capture.touch()
    with open(capture, "rb") as heard:
        while not any(heard.read()):
            if process.poll() is not None:
                raise SystemExit(f"guide play {script} ended before any sound")
            time.sleep(0.002)
    seconds = time.monotonic() - began
    process.kill()
    process.wait()
    return seconds


def python_only(folder: Path) -> dict[str, str]:
    """An environment whose PATH holds Python alone: no system ffmpeg, so the bundled one encodes."""
    bin_folder = folder / "python-only"
    if not bin_folder.exists():
        bin_folder.mkdir()
        (bin_folder / "python").symlink_to(sys.executable)
    return {"PATH": str(bin_folder)}


def system_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        return "no system ffmpeg"
    first = subprocess.run([found, "-version"], capture_output=True, text=True).stdout.splitlines()[0]
    return " ".join(first.split()[:3])


def installed_sizes() -> dict[str, int]:
    """Bytes on disk of the program and of each distribution it installs with the neural extra (what
    `pip install '.[neural]'` brings), found by following their requirements in this venv."""
    from packaging.requirements import Requirement

    sizes: dict[str, int] = {}
    wanted = [("inner-guide", "neural")]
    while wanted:
        name, extra = wanted.pop()
        key = name.lower().replace("_", "-")
        if key in sizes:
            continue
        dist = importlib.metadata.distribution(name)
        sizes[key] = sum(_size(Path(str(dist.locate_file(file)))) for file in dist.files or [])
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": extra or ""}):
                wanted.append((requirement.name, ""))
    return sizes


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def clients_file(folder: Path, names: list[str]) -> Path:
    path = folder / "clients.yaml"
    path.write_text("".join(f"- client: {n}\n  variables: {{name: {n.title()}}}\n" for n in names))
    return path


def byte_compiled() -> None:
    """Byte-compile the program's modules, as installing it with pip does: run from a checkout with
    PYTHONDONTWRITEBYTECODE set, every start would compile them all again (about 60 ms)."""
    compileall.compile_dir(Path(guide.__file__).parent, quiet=1)


def espeak_rows(bench: Bench) -> list[Row]:
    """The figures of the espeak-ng voice: exports against their floors, memory, the first sound, a batch."""
    rows: list[Row] = []
    # The runs of the export and of the floor alternate, so that a machine busier for a while slows
    # both sides of a ratio alike.
    times: dict[str, list[float]] = {
        "cold": [],
        "synthesis": [],
        "encode": [],
        "warm": [],
        "sixty": [],
        "shortened": [],
    }
    stream, shortened = bench.folder / "session.mkv", bench.folder / "shortened.mkv"
    warm_cache = ""
    for _ in range(RUNS):
        cache = bench.fresh_cache()
        times["cold"].append(bench.export(BUILT_IN, "20m", cache, "cold.mp3")[0])
        times["synthesis"].append(floor_synthesis(BUILT_IN))
        if not warm_cache:
            warm_cache = cache
            session_streams(bench.folder / "cold.mp3", stream, shortened)
            bench.export(BUILT_IN, "60m", warm_cache, "sixty.mp3")  # its trim, measured once
        times["encode"].append(encode_alone(stream, bench.folder / "encoded.mp3"))
        times["warm"].append(bench.export(BUILT_IN, "20m", warm_cache, "warm.mp3")[0])
        times["sixty"].append(bench.export(BUILT_IN, "60m", warm_cache, "sixty.mp3")[0])
        times["shortened"].append(encode_alone(shortened, bench.folder / "shortened.mp3"))
    cold_s, synthesis_s, encode_s, warm_s, sixty_s, shortened_s = (min(times[k]) for k in times)
    bundled_export = ("export", BUILT_IN, "-o", str(bench.folder / "bundled.mp3"), "--duration", "20m")
    rows.append(
        (
            "cold 20-min export / floor",
            f"{cold_s / (synthesis_s + encode_s):.2f}",
            "<= 1.3",
            f"{cold_s:.1f} s / ({synthesis_s:.1f} s speech + {encode_s:.1f} s encoding)",
        )
    )

    rows.append(
        (
            "warm 20-min export / encode alone",
            f"{warm_s / encode_s:.2f}",
            "<= 1.15",
            f"{warm_s:.1f} s / {encode_s:.1f} s",
        )
    )

    rows.append(
        (
            "(warm 20-min export / encoding its shortened stream alone)",
            f"{warm_s / shortened_s:.2f}",
            "(none)",
            f"{warm_s:.1f} s / {shortened_s:.1f} s",
        )
    )

    rows.append(
        ("60-min / 20-min export time", f"{sixty_s / warm_s:.2f}", "<= 3.3", f"{sixty_s:.1f} s / {warm_s:.1f} s")
    )

    memory = {}
    long_cache = bench.fresh_cache()
    bench.export(str(LONG), "20m", long_cache)
    for minutes in (20, 60, 180):
        _, memory[minutes] = bench.export(str(LONG), f"{minutes}m", long_cache)
    rows.append(
        (
            "peak RSS, 20 / 60 / 180-min export",
            f"{memory[180] / memory[20]:.2f}",
            "180-min <= 150 MB, within 1.2 of 20-min",
            " / ".join(f"{memory[m]} MB" for m in (20, 60, 180)),
        )
    )

    starts = {minutes: first_sound(bench, BUILT_IN, bench.env, "--duration", f"{minutes}m") for minutes in (20, 60)}
    rows.append(
        (
            "first audio after guide play, 20 / 60 min",
            f"{starts[60] / starts[20]:.2f}",
            "within 0.5 s, the same at both",
            f"{starts[20]:.2f} s / {starts[60]:.2f} s",
        )
    )

    bundled_runs, system_runs = [], []
    for _ in range(RUNS):
        system_runs.append(bench.export(BUILT_IN, "20m", warm_cache, "system.mp3")[0])
        bundled_runs.append(bench.guide(*bundled_export, cache=warm_cache, env=python_only(bench.folder))[0])
    rows.append(
        (
            "warm 20-min export, bundled / system ffmpeg",
            f"{min(bundled_runs) / min(system_runs):.2f}",
            "(none)",
            f"{min(bundled_runs):.1f} s / {min(system_runs):.1f} s, imageio-ffmpeg's against {system_ffmpeg()}",
        )
    )
    sizes = installed_sizes()
    rows.append(
        (
            "installed size, with the neural extra",
            f"{sum(sizes.values()) / 1e6:.0f} MB",
            "(none)",
            ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in sorted(sizes.items(), key=lambda i: -i[1])[:5]),
        )
    )

    batch_cache = bench.fresh_cache()
    bench.export(BUILT_IN, "20m", batch_cache, "warmup.mp3")
    serial_s = sum(
        bench.guide(
            "export",
            BUILT_IN,
            "-o",
            str(bench.folder / f"serial-{n}.mp3"),
            "--var",
            f"name=Serial{n}",
            cache=batch_cache,
        )[0]
        for n in range(10)
    )
    names = [f"client{n}" for n in range(10)]
    batch_s, _ = bench.guide(
        "export",
        BUILT_IN,
        "--clients",
        str(clients_file(bench.folder, names)),
        "-o",
        str(bench.folder / "batch"),
        cache=batch_cache,
    )
    rows.append(
        (
            "10-client batch / 10 serial exports",
            f"{batch_s / serial_s:.2f}",
            "<= 0.65",
            f"{batch_s:.1f} s / {serial_s:.1f} s",
        )
    )
    return rows


SPEECH_FIRST_SENTENCE = "Something has hit hard."
"""The first sentence of when-you-are-triggered, the built-in session that opens with speech."""


def piper_rows(bench: Bench) -> list[Row]:
    """The figures of the neural voice, all on a cold cache: list and check, the first sound of every built-in,
    an export against the Piper floor, and gaps in real-time playing."""
    rows: list[Row] = []
    list_s = min(bench.guide("list", cache=bench.fresh_cache())[0] for _ in range(RUNS))
    starter = bench.folder / "starter.yaml"
    bench.guide("new", str(starter), cache=bench.fresh_cache())
    check_s = min(bench.guide("check", "--strict", str(starter), cache=bench.fresh_cache())[0] for _ in range(RUNS))
    rows.append(("cold guide list", f"{list_s:.2f} s", "within 2 s", "the 7 built-ins, nothing spoken"))
    rows.append(("cold guide check of the starter", f"{check_s:.2f} s", "within 2 s", "153 words, nothing spoken"))

    sounds = {path.stem: min(first_sound(bench, path.stem, bench.env) for _ in range(3)) for path in builtin_sessions()}
    slowest = max(sounds, key=sounds.__getitem__)
    rows.append(
        (
            "first sound after guide play, cold, slowest built-in",
            f"{sounds[slowest]:.2f} s",
            "within 0.5 s",
            f"{slowest}; " + ", ".join(f"{name[:12]} {s:.2f}" for name, s in sounds.items()),
        )
    )
    floor_s = min(first_sound_floor(SPEECH_FIRST_SENTENCE) for _ in range(3))
    rows.append(
        (
            "first sound of when-you-are-triggered / Piper's own first sentence in a new process",
            f"{sounds['when-you-are-triggered'] / floor_s:.2f}",
            "none",
            f"{sounds['when-you-are-triggered']:.2f} s / {floor_s:.2f} s: {SPEECH_FIRST_SENTENCE!r}",
        )
    )

    export_runs, floor_runs = [], []
    for _ in range(3):
        cache = bench.fresh_cache()
        export_s, _ = bench.guide("export", PIPER_SESSION, "-o", str(bench.folder / "piper.mp3"), cache=cache)
        export_runs.append(export_s / speech_seconds(bench, cache))
        floor_runs.append(piper_floor(bench))
    export_rate, floor_rate = min(export_runs), min(floor_runs)
    rows.append(
        (
            "cold export / Piper floor, per second of speech",
            f"{export_rate / floor_rate:.2f}",
            "<= 1.15",
            f"{export_rate * 1000:.1f} ms / {floor_rate * 1000:.1f} ms a second of speech ({PIPER_SESSION})",
        )
    )

    with null_sink_server(bench.folder) as paced:
        gaps = {name: paced_gaps(bench, name, paced) for name in ("when-you-are-triggered", PIPER_SESSION)}
        latencies = sorted(latency for delay in KEY_DELAYS_S for latency in key_latencies(bench, paced, delay))
    rows.append(
        (
            "q and g answered, cold Piper play: median, worst",
            f"{latencies[len(latencies) // 2] * 1000:.0f} ms, {latencies[-1] * 1000:.0f} ms",
            "within 200 ms",
            f"{len(latencies)} keys, pressed {', '.join(f'{d:g}' for d in KEY_DELAYS_S)} s after the title shows",
        )
    )
    rows.append(
        (
            f"gaps in the sound, first {PACED_S} s of a cold play in real time",
            str(sum(gaps.values())),
            "none",
            ", ".join(f"{name} {count}" for name, count in gaps.items()),
        )
    )
    return rows


def speech_seconds(bench: Bench, cache: str) -> float:
    """The seconds of speech an export made: each of its session's lines once, as its clips in the cache last."""
    code = (
        "from guide.script.library import find_script; from guide.script.loader import load_script; "
        "from guide.rendering.steps import spoken_lines; from guide.voice.voicing import known_lengths; "
        "from guide.rendering.services import Services; from guide.environment import Environment; "
        "from guide.sound.pcm import SAMPLE_RATE; from guide.voice.cache import ClipCache; "
        f"s = load_script(find_script({PIPER_SESSION!r})); sv = Services.of(Environment.from_process()); "
        "lengths, predicted = known_lengths(spoken_lines(s), s.language, sv.engines, ClipCache(sv.cache_dir)); "
        "assert predicted == 0; print(sum(lengths.values()) / SAMPLE_RATE)"
    )
    env = {**bench.env, "GUIDE_CACHE_DIR": cache}
    return float(
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    )


def piper_floor(bench: Bench) -> float:
    """Seconds the Piper floor takes a second of the speech it makes."""
    command = [sys.executable, str(HERE / "piper_floor.py"), PIPER_SESSION, str(bench.folder / "floor.mp3")]
    began = time.monotonic()
    speech_s = float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return (time.monotonic() - began) / speech_s


def first_sound_floor(sentence: str) -> float:
    """Seconds from starting a bare Python process to Piper having spoken `sentence` in it (see
    piper_first_sound.py)."""
    command = [sys.executable, str(HERE / "piper_first_sound.py"), sentence]
    began = time.monotonic()
    subprocess.run(command, capture_output=True, check=True)
    return time.monotonic() - began


def paced_gaps(bench: Bench, session: str, paced: dict[str, str]) -> int:
    """How often the sound stops for want of the next block in the first seconds of a cold play in real time,
    as the player counts it."""
    env = {**bench.env, **paced, "GUIDE_CACHE_DIR": bench.fresh_cache()}
    command = [sys.executable, "-m", "guide", "play", session, "--quiet"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(PACED_S)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    told = re.search(r"The sound stopped for a moment (once|(\d+) times)", stderr)
    return 0 if told is None else int(told.group(2) or 1)


def key_latencies(bench: Bench, paced: dict[str, str], delay_s: float) -> list[float]:
    """Seconds from pressing q to the offer of the close, and from g to the close (or the word that it comes),
    in a cold play with Piper on a pseudo-terminal, pressed `delay_s` after the title shows."""
    env = {**bench.env, **paced, "GUIDE_CACHE_DIR": bench.fresh_cache()}
    terminal = Terminal(["play", PIPER_SESSION, "--no-checkin"], env, bench.folder)
    try:
        terminal.wait_for("Sit With Your Younger Self")
        time.sleep(delay_s)
        latencies = [answered(terminal, "q", (OFFER_CLOSING,))]
        latencies.append(answered(terminal, "g", (GOING_TO_CLOSE, WAITING_FOR["g"])))
        terminal.process.send_signal(signal.SIGTERM)
        terminal.finish()
        return latencies
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
        terminal.close()


def answered(terminal: Terminal, key: str, shows: tuple[str, ...]) -> float:
    """Seconds from pressing a key to the screen showing one of `shows` after it."""
    seen = len(terminal.shown)
    began = time.monotonic()
    terminal.press(key)
    while not any(text.encode() in terminal.shown[seen:] for text in shows):
        terminal.pump()
        if time.monotonic() - began > 60:
            raise SystemExit(f"{key!r} was never answered: {terminal.shown[-300:]!r}")
    return time.monotonic() - began


TABLES = {"espeak-ng": espeak_rows, "piper": piper_rows}


def main(tables: list[str]) -> None:
    byte_compiled()
    for name in tables:
        with tempfile.TemporaryDirectory(prefix="guide-bench-") as scratch:
            bench = Bench(Path(scratch), "piper" if name == "piper" else "pyttsx3")
            machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            print(f"The {name} voice, on {machine}:")
            rows = TABLES[name](bench)
        header = ("figure", "ratio", "target", "measured")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        print()


if __name__ == "__main__":
    chosen = sys.argv[1:] or list(TABLES)
    if not set(chosen) <= set(TABLES):
        raise SystemExit(f"usage: benchmarks/run.py [{' | '.join(TABLES)} ...]")
    main(chosen)
