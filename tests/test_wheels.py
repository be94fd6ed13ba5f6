"""Every system installs from wheels alone: the dependencies, with the neural extra, resolved by uv for Windows,
macOS and Linux on each CPython the program supports, with building from source forbidden."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {
    "x86_64-pc-windows-msvc": "Windows amd64",
    "aarch64-apple-darwin": "macOS arm64",
    "x86_64-apple-darwin": "macOS x86_64",
    "x86_64-manylinux_2_28": "Linux x86_64",
}
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
MACOS_TARGET = "14.0"
"""The oldest macOS the wheels are resolved for: onnxruntime's arm64 wheels need macOS 14 (Sonoma, 2023)."""


def requirements(tmp_path: Path) -> Path:
    """The project's dependencies and its neural extra, markers and all, as a requirements file."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = tmp_path / "requirements.in"
    listed.write_text("\n".join([*project["dependencies"], *project["optional-dependencies"]["neural"]]) + "\n")
    return listed


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_dependency_installs_from_a_wheel(platform, python, tmp_path):
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert uv is not None, "uv is in the test extra"
    # With no interpreter of that version here, uv would first try to download one: a wait on the network only.
    command = [uv, "pip", "compile", "--quiet", "--no-python-downloads", "--python-platform", platform]
    command += ["--python-version", python]
    command += ["--only-binary", ":all:", "--no-header", str(requirements(tmp_path))]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MACOSX_DEPLOYMENT_TARGET": MACOS_TARGET},
    )
    assert result.returncode == 0, f"{PLATFORMS[platform]}, CPython {python}: {result.stderr}"
    resolved = {line.split("==")[0].lower() for line in result.stdout.splitlines() if "==" in line}
    assert {"miniaudio", "imageio-ffmpeg", "numpy"} <= resolved
    intel_mac_314 = platform == "x86_64-apple-darwin" and python == "3.14"
    # Where onnxruntime has no wheel, the natural voice steps aside and everything else still installs.
    assert ("piper-tts" in resolved) != intel_mac_314
