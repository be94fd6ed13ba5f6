"""A PulseAudio server of its own with a silent sink, so that audio plays in real time on a machine with no card."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

PULSE_CONFIG = """\
load-module module-null-sink sink_name=nowhere
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
set-default-sink nowhere
"""


@contextlib.contextmanager
def null_sink_server(home: Path) -> Iterator[dict[str, str]]:
    """Start PulseAudio in `home`; yields an environment whose default ALSA device plays into its silent sink."""
    with null_sink_server_process(home) as (env, _):
        yield env


@contextlib.contextmanager
def null_sink_server_process(home: Path) -> Iterator[tuple[dict[str, str], subprocess.Popen[bytes]]]:
    """`null_sink_server`, and the server's process, for a test that ends it while a session plays."""
    socket = home / "native"
    (home / "default.pa").write_text(PULSE_CONFIG.format(socket=socket))
    (home / "asound.conf").write_text(
        f'pcm.!default {{ type pulse server "unix:{socket}" }}\nctl.!default {{ type pulse server "unix:{socket}" }}\n'
    )
    server = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "-F",
            str(home / "default.pa"),
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--log-target=stderr",
        ],
        env={**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not socket.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PulseAudio did not start")
            time.sleep(0.05)
        yield {"ALSA_CONFIG_PATH": str(home / "asound.conf"), "PULSE_SERVER": f"unix:{socket}"}, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=10)
