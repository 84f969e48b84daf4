"""Java: pyspark 4.2 needs Java 17 or newer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from steward.errors import EnvironmentProblem

MINIMUM_JAVA = 17


def java_executable() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file():
            return str(candidate)
    return shutil.which("java")


def parse_java_major(version_output: str) -> int | None:
    """The major version from `java -version` output (`"17.0.15"`, `"1.8.0_392"`)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):  # 1.8 -> 8
        major = int(match.group(2))
    return major


def check_java() -> int:
    """The Java major version, or an EnvironmentProblem saying what to install."""
    java = java_executable()
    if java is None:
        raise EnvironmentProblem(
            f"Java is not installed (no `java` on PATH, JAVA_HOME unset); the embedded Spark "
            f"needs Java {MINIMUM_JAVA} or newer: install it, "
            "e.g. `apt-get install openjdk-17-jre-headless`"
        )
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentProblem(f"could not run `{java} -version`: {exc}") from exc
    major = parse_java_major(result.stderr + result.stdout)
    if major is None:
        raise EnvironmentProblem(f"could not read the Java version from `{java} -version`")
    if major < MINIMUM_JAVA:
        raise EnvironmentProblem(
            f"{java} is Java {major}; the embedded Spark needs Java {MINIMUM_JAVA} or newer: "
            "install it and put it first on PATH or set JAVA_HOME"
        )
    return major
