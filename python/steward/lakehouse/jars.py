"""The Delta Lake jars: fetched once from Maven Central into a cache, checked by hash.

PyPI's `delta-spark` ships only Python; the JVM side comes from Maven Central. Set-up
fetches the two jars once (`steward setup`); every later run reads them from the cache
and never touches the network.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from steward.errors import EnvironmentProblem

DELTA_VERSION = "4.4.0"
MAVEN_REPOSITORY = "https://repo.maven.apache.org/maven2"


@dataclass(frozen=True)
class Jar:
    group: str
    artifact: str
    version: str
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    def url(self, repository: str) -> str:
        group_path = self.group.replace(".", "/")
        return f"{repository}/{group_path}/{self.artifact}/{self.version}/{self.file_name}"


# delta-spark 4.4.0 is built for Spark 4.2 / Scala 2.13; the hashes pin what we tested.
DELTA_JARS: tuple[Jar, ...] = (
    Jar(
        "io.delta",
        "delta-spark_2.13",
        DELTA_VERSION,
        "27d4fd8b1f879535c573ed1c718177d6a27f24d3e626ba02e216369725721ead",
    ),
    Jar(
        "io.delta",
        "delta-storage",
        DELTA_VERSION,
        "c46735481fa8e326b0957be02b4420cbcab4b325bb08009b7f2045a95133f1cc",
    ),
)


# The PostgreSQL JDBC driver: the cluster's shared Hive metastore lives in PostgreSQL.
POSTGRES_JDBC = Jar(
    "org.postgresql",
    "postgresql",
    "42.7.14",
    "73914527305a40cce504b0d3d90b23caf565136912d607ae8ae7c5895512332c",
)

# Hive's function registry (loaded when a Thrift Server session closes on a handler thread
# that has no Hive client yet) names a class of hive-llap-common, which Spark 4's jars no
# longer ship: without it such a close fails with NoClassDefFoundError
# LlapSigner$Signable and dbt reports the model as failed (SPARK-51041 adds it for
# Spark's own tests).
HIVE_LLAP_COMMON = Jar(
    "org.apache.hive",
    "hive-llap-common",
    "2.3.10",
    "34b9c057b4460b9930746ad663be14aee8a5b3676eeff62129301745072152d7",
)

THRIFT_SERVER_JARS: tuple[Jar, ...] = (*DELTA_JARS, HIVE_LLAP_COMMON)
"""What a Thrift Server needs beyond pyspark's own jars."""

ALL_JARS: tuple[Jar, ...] = (*THRIFT_SERVER_JARS, POSTGRES_JDBC)
"""Everything `steward setup` fetches."""


def default_cache_dir(project_dir: Path) -> Path:
    override = os.environ.get("STEWARD_JAR_CACHE")
    return Path(override) if override else project_dir / ".cache" / "jars"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_jars(cache_dir: Path) -> list[Path]:
    """The jar files, or an EnvironmentProblem that says how to fetch them."""
    paths = [cache_dir / jar.file_name for jar in DELTA_JARS]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        raise EnvironmentProblem(
            f"the Delta jars {', '.join(missing)} are not in the cache; "
            "run `make setup` (or `steward setup`) once to fetch them",
            path=cache_dir,
        )
    return paths


def thrift_server_jars(cache_dir: Path) -> list[Path]:
    """The jars of a Thrift Server on the embedded metastore (Delta's, Hive's LLAP classes)."""
    return [*cached_jars(cache_dir), cached_jar(cache_dir, HIVE_LLAP_COMMON)]


def cached_jar(cache_dir: Path, jar: Jar) -> Path:
    """One cached jar, or an EnvironmentProblem that says how to fetch it."""
    path = cache_dir / jar.file_name
    if not path.is_file():
        raise EnvironmentProblem(
            f"the jar {jar.file_name} is not in the cache; "
            "run `make setup` (or `steward setup`) once to fetch it",
            path=cache_dir,
        )
    return path


def fetch(
    cache_dir: Path,
    repository: str | None = None,
    quiet: bool = False,
    wanted: tuple[Jar, ...] = ALL_JARS,
) -> list[Path]:
    """Download the jars that are missing or corrupt; verify every one by its hash."""
    repository = (
        repository or os.environ.get("STEWARD_MAVEN_REPOSITORY") or MAVEN_REPOSITORY
    ).rstrip("/")
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for jar in wanted:
        target = cache_dir / jar.file_name
        if target.is_file() and _sha256(target) == jar.sha256:
            paths.append(target)
            continue
        url = jar.url(repository)
        if not quiet:
            print(f"fetching {url}", file=sys.stderr)
        handle, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=f".{jar.file_name}.")
        tmp = Path(tmp_name)
        try:
            with (
                os.fdopen(handle, "wb") as out,
                urllib.request.urlopen(url, timeout=120) as response,
            ):
                while block := response.read(1 << 20):
                    out.write(block)
            actual = _sha256(tmp)
            if actual != jar.sha256:
                raise EnvironmentProblem(
                    f"{url} has SHA-256 {actual}, expected {jar.sha256}; "
                    "check STEWARD_MAVEN_REPOSITORY points at a faithful Maven Central mirror"
                )
            tmp.replace(target)
        except (urllib.error.URLError, OSError) as exc:
            raise EnvironmentProblem(
                f"could not fetch {url}: {exc}; set STEWARD_MAVEN_REPOSITORY to a reachable "
                "Maven Central mirror, or copy the jar into the cache by hand",
                path=cache_dir,
            ) from exc
        finally:
            tmp.unlink(missing_ok=True)
        paths.append(target)
    return paths
