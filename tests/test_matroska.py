"""The stream the encoder is fed: ffmpeg reads back every sample, tag and chapter written into it."""

import json
import subprocess

import numpy as np

from guide.output.matroska import clusters, header
from guide.rendering.timeline import Chapter
from guide.sound.pcm import SAMPLE_RATE


def test_ffmpeg_reads_back_the_samples_tags_and_chapters_exactly(tmp_path):
    rng = np.random.default_rng(7)
    chunks = [rng.integers(-32768, 32767, n, dtype=np.int16) for n in (11025, 11025, 11025, 3001)]
    tags = {"title": "Meeting the Little One", "comment": "Stop whenever you like; = and ; are kept."}
    chapters = [Chapter("Arriving", 0, 1000), Chapter("Résting", 1000, 1636)]
    stream = tmp_path / "session.mkv"
    stream.write_bytes(header(SAMPLE_RATE, tags, chapters) + b"".join(clusters(chunks)))

    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "matroska", "-i", str(stream), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert decoded == np.concatenate(chunks).astype("<i2").tobytes()
    probed = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_chapters", "-show_streams", str(stream)],
            capture_output=True,
            check=True,
        ).stdout
    )
    assert {key: probed["format"]["tags"][key] for key in tags} == tags
    found = [(c["tags"]["title"], float(c["start_time"]), float(c["end_time"])) for c in probed["chapters"]]
    assert found == [("Arriving", 0.0, 1.0), ("Résting", 1.0, 1.636)]
    (audio,) = probed["streams"]
    assert (audio["codec_name"], int(audio["sample_rate"]), audio["channels"]) == ("pcm_s16le", SAMPLE_RATE, 1)
    assert "language" not in audio.get("tags", {})
