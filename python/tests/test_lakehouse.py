"""Java and the Delta jars: what set-up checks, and the one-line errors it gives."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.errors import EnvironmentProblem
from steward.lakehouse import jars
from steward.lakehouse.java import check_java, java_executable, parse_java_major
from steward.lakehouse.thrift import spark_home

from .conftest import PROJECT_DIR


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ("no version here", None),
    ],
)
def test_parse_java_major(output: str, major: int | None) -> None:
    assert parse_java_major(output) == major


def fake_java(tmp_path: Path, version_line: str) -> Path:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return home


def test_old_java_is_one_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(fake_java(tmp_path, 'openjdk version "11.0.2"')))
    with pytest.raises(EnvironmentProblem, match=r"is Java 11; the embedded Spark needs Java 17"):
        check_java()


def test_missing_java_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    assert main(["setup", "--project-dir", str(PROJECT_DIR)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "Java is not installed" in err[0] and "Java 17" in err[0]


def test_the_machine_java_passes() -> None:
    assert check_java() >= 17


HIVE_FUNCTIONS = """
public class HiveFunctions {
    public static void main(String[] args) throws Exception {
        Class.forName("org.apache.hadoop.hive.ql.exec.FunctionRegistry");
        System.out.println("loaded");
    }
}
"""


def test_a_thrift_server_class_path_loads_hive_function_registry(tmp_path: Path) -> None:
    """A Thrift Server session that closes on a fresh handler thread loads Hive's function
    registry; on pyspark's jars alone that fails (NoClassDefFoundError LlapSigner$Signable)
    and dbt reports the model it was building as failed."""
    java = java_executable()
    assert java is not None
    source = tmp_path / "HiveFunctions.java"
    source.write_text(HIVE_FUNCTIONS)
    server_jars = jars.thrift_server_jars(jars.default_cache_dir(PROJECT_DIR))
    class_path = os.pathsep.join([str(spark_home() / "jars" / "*"), *map(str, server_jars)])
    opens = [
        f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in ("java.lang", "java.net", "java.util")
    ]
    result = subprocess.run(
        [java, *opens, "-cp", class_path, str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "loaded", result.stderr[-2000:]


def maven_mirror(tmp_path: Path, corrupt: bool = False) -> Path:
    """A Maven-layout folder holding the cached jars (served through file:// URLs)."""
    cache = jars.default_cache_dir(PROJECT_DIR)
    repository = tmp_path / "repository"
    for jar in jars.ALL_JARS:
        target = Path(jar.url(str(repository)))
        target.parent.mkdir(parents=True)
        shutil.copy(cache / jar.file_name, target)
        if corrupt:
            target.write_bytes(target.read_bytes()[:-1] + b"x")
    return repository


def test_fetch_verifies_and_caches(tmp_path: Path) -> None:
    repository = maven_mirror(tmp_path)
    cache = tmp_path / "cache"
    paths = jars.fetch(cache, repository=repository.as_uri(), quiet=True)
    assert [p.name for p in paths] == [jar.file_name for jar in jars.ALL_JARS]
    assert jars.cached_jars(cache) == paths[: len(jars.DELTA_JARS)]
    assert jars.thrift_server_jars(cache) == paths[: len(jars.THRIFT_SERVER_JARS)]
    assert (
        jars.cached_jar(cache, jars.POSTGRES_JDBC) == paths[jars.ALL_JARS.index(jars.POSTGRES_JDBC)]
    )
    shutil.rmtree(repository)  # a second fetch finds everything cached: no download
    assert jars.fetch(cache, repository=repository.as_uri(), quiet=True) == paths


def test_fetch_refuses_a_jar_with_the_wrong_hash(tmp_path: Path) -> None:
    repository = maven_mirror(tmp_path, corrupt=True)
    cache = tmp_path / "cache"
    with pytest.raises(EnvironmentProblem, match="SHA-256"):
        jars.fetch(cache, repository=repository.as_uri(), quiet=True)
    assert not any(cache.iterdir())  # nothing half-written


def test_missing_jars_say_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="make setup"):
        jars.cached_jars(tmp_path)
