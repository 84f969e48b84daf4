"""A PostgreSQL server for the cluster's shared Hive metastore, on 127.0.0.1 only.

Spark's embedded metastore is Derby in one folder, which one JVM may open at a time: two
Spark applications (the Thrift Server and a notebook, or two Thrift Servers) cannot share
it. A metastore in PostgreSQL can be shared, and it survives restarts of every Spark
process. This module runs Debian's `postgresql` server binaries (`initdb`, `pg_ctl`) on a
data folder of the cluster's own, listening on the loopback interface and a Unix socket in
that folder, with `trust` authentication for the one local user `steward`.

PostgreSQL refuses to run as root; when steward runs as root (a CI container), the server
runs as the `postgres` user that Debian's package creates, and only its data folder is
handed to that user. Where that user cannot reach the cluster's folder (a parent folder
closed to others, as pytest's temporary folders are), the data live in
/var/tmp/steward-postgres/<a hash of the cluster's folder> instead (`data_folder`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from steward.errors import EnvironmentProblem, UserError

HOST = "127.0.0.1"
USER = "steward"
DATABASE = "metastore"
SERVICE_USER = "postgres"
INSTALL_HINT = (
    "install Debian's PostgreSQL server (`apt-get install postgresql`; `make setup` does it)"
)


def bin_dir() -> Path:
    """The folder of `initdb` and `pg_ctl` (Debian keeps them out of PATH)."""
    override = os.environ.get("STEWARD_PG_BIN")
    candidates = [Path(override)] if override else []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)
        )
        candidates += [p / "bin" for p in reversed(versions)]
    for folder in candidates:
        if (folder / "pg_ctl").is_file() and (folder / "initdb").is_file():
            return folder
    raise EnvironmentProblem(f"no PostgreSQL server (initdb, pg_ctl) found; {INSTALL_HINT}")


def _reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can reach `path` (every existing parent +x)."""
    for folder in [path, *path.parents]:
        if folder.exists() and not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def data_folder(cluster_folder: Path) -> Path:
    """Where the server of the cluster in `cluster_folder` keeps its data (see the module)."""
    preferred = cluster_folder / "postgres"
    if os.geteuid() != 0 or _reachable_by_others(cluster_folder):
        return preferred
    digest = hashlib.sha256(str(cluster_folder.resolve()).encode()).hexdigest()[:16]
    return Path("/var/tmp/steward-postgres") / digest


def _as_service_user() -> list[str]:
    """The command prefix that runs a server binary as a non-root user."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise EnvironmentProblem("running as root needs `runuser` to start PostgreSQL")
    try:
        import pwd

        pwd.getpwnam(SERVICE_USER)
    except KeyError as exc:
        raise EnvironmentProblem(
            f"running as root, PostgreSQL needs the `{SERVICE_USER}` user; {INSTALL_HINT}"
        ) from exc
    return [runuser, "-u", SERVICE_USER, "--"]


def _hand_over(folder: Path) -> None:
    """Give `folder` (and what is in it) to the service user when running as root."""
    if os.geteuid() != 0:
        return
    import pwd

    entry = pwd.getpwnam(SERVICE_USER)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)


@dataclass(frozen=True)
class Postgres:
    """A server over `folder` (data/, the socket, postgres.log) on HOST:`port`."""

    folder: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    @property
    def jdbc_url(self) -> str:
        return f"jdbc:postgresql://{HOST}:{self.port}/{DATABASE}"

    def _run(
        self, tool: str, *args: str, timeout: float = 120.0
    ) -> subprocess.CompletedProcess[str]:
        command = [*_as_service_user(), str(bin_dir() / tool), *args]
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    def initialise(self) -> bool:
        """Create the data folder once; True if it was created now."""
        if (self.data_dir / "PG_VERSION").is_file():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        _hand_over(self.folder)
        done = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        )
        if done.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)  # never a half-made data folder
            raise EnvironmentProblem(
                f"initdb failed: {_last_line(done.stderr or done.stdout)}", path=self.data_dir
            )
        return True

    def is_running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").is_file():
            return False
        return self._run("pg_ctl", "-D", str(self.data_dir), "status").returncode == 0

    def pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self, timeout: float = 60.0) -> None:
        """Start the server (initialising it first if needed) and create the metastore database."""
        self.initialise()
        if not self.is_running():
            _hand_over(self.folder)
            options = f"-h {HOST} -p {self.port} -k {self.folder}"
            done = self._run(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout)),
                "start",
                timeout=timeout + 10,
            )
            if done.returncode != 0:
                raise UserError(
                    f"PostgreSQL did not start on {HOST}:{self.port}: "
                    f"{_last_line(self._log_tail() or done.stderr or done.stdout)}; "
                    f"see {self.log}"
                )
        self.ensure_database()

    def ensure_database(self) -> None:
        psql = bin_dir() / "psql"
        if not psql.is_file():
            found = shutil.which("psql")
            if found is None:
                raise EnvironmentProblem(f"no psql client found; {INSTALL_HINT}")
            psql = Path(found)
        base = [str(psql), "-h", HOST, "-p", str(self.port), "-U", USER, "-d", "postgres", "-tA"]
        deadline = time.monotonic() + 30
        while True:
            exists = subprocess.run(
                [*base, "-c", f"select 1 from pg_database where datname = '{DATABASE}'"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            if exists.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if exists.returncode != 0:
            raise UserError(
                f"PostgreSQL on {HOST}:{self.port} does not take connections: "
                f"{_last_line(exists.stderr)}; see {self.log}"
            )
        if exists.stdout.strip() == "1":
            return
        created = subprocess.run(
            [*base, "-c", f"create database {DATABASE}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if created.returncode != 0:
            raise UserError(
                f"could not create the metastore database: {_last_line(created.stderr)}"
            )

    def stop(self, timeout: float = 60.0) -> None:
        if not self.is_running():
            return
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-m",
            "fast",
            "-w",
            "-t",
            str(int(timeout)),
            "stop",
            timeout=timeout + 10,
        )

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def metastore_conf(server: Postgres) -> dict[str, str]:
    """The Spark settings of a Hive metastore in `server` (the JDBC driver jar on the class path)."""
    return {
        "spark.hadoop.javax.jdo.option.ConnectionURL": server.jdbc_url,
        "spark.hadoop.javax.jdo.option.ConnectionDriverName": "org.postgresql.Driver",
        "spark.hadoop.javax.jdo.option.ConnectionUserName": USER,
        "spark.hadoop.javax.jdo.option.ConnectionPassword": "",
        # Hive's tables are created by the first Spark that needs them; later ones find
        # them. Without foreign keys: DataNucleus adds those with ALTER TABLE from a second
        # connection while the first holds the referenced table in its transaction, and
        # PostgreSQL then waits forever (a CREATE TABLE hangs). The metastore's own code
        # keeps the references consistent.
        "spark.hadoop.datanucleus.schema.autoCreateTables": "true",
        "spark.hadoop.datanucleus.schema.autoCreateColumns": "true",
        "spark.hadoop.datanucleus.schema.autoCreateConstraints": "false",
        "spark.hadoop.hive.metastore.schema.verification": "false",
    }
