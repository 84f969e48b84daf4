"""A Spark standalone cluster on 127.0.0.1: master, workers, Thrift Server, shared metastore.

`steward cluster up` starts, in one folder (default `.lakehouse-cluster/`):

- PostgreSQL (Debian's server binaries) holding the Hive metastore, so the metastore
  survives restarts and several Spark applications can share it;
- a Spark standalone master and N workers (pyspark's own `spark-class`);
- a Spark Thrift Server whose work runs on that master's executors (not `local[*]`), with
  Delta Lake, the warehouse in the folder and Spark's event log in `eventlog/`.

Every process listens on the loopback interface only and is detached (it outlives the
command that started it); `cluster.json` in the folder records what runs where (pid, the
process's start time, address, log) so `status` and `down` find them again. Nothing
authenticates on loopback: this stands in for a shared cluster on one machine, it is not
one to expose.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from steward.errors import UserError
from steward.lakehouse import thrift
from steward.lakehouse.java import check_java
from steward.lakehouse.postgres import Postgres, data_folder, metastore_conf

HOST = thrift.HOST
STATE_FILE = "cluster.json"
DEFAULT_FOLDER = Path(".lakehouse-cluster")
DEFAULT_THRIFT_PORT = 10000
DEFAULT_MASTER_PORT = 7077
DEFAULT_MASTER_UI_PORT = 8080
DEFAULT_POSTGRES_PORT = 15432
DEFAULT_WORKERS = 2
DEFAULT_WORKER_CORES = 1
DEFAULT_WORKER_MEMORY = "2g"
DEFAULT_EXECUTOR_MEMORY = "1536m"
STOP_GRACE = 30.0


@dataclass(frozen=True)
class Process:
    """One detached process of the cluster."""

    name: str
    pid: int
    address: str
    log: str
    started_at: str
    proc_start: int | None = None  # /proc/<pid>/stat start time: guards against pid reuse
    command: tuple[str, ...] = ()  # how it was started: `up` restarts it this way if it died

    def is_running(self) -> bool:
        return _alive(self.pid, self.proc_start)


@dataclass(frozen=True)
class ClusterState:
    """What `up` started, as recorded in cluster.json."""

    folder: str
    started_at: str
    master_url: str
    master_ui: str
    thrift_host: str
    thrift_port: int
    postgres_port: int
    event_log: str
    workers: int
    processes: list[Process] = field(default_factory=list)
    postgres_folder: str = ""
    guard_registry: str = ""
    """The engine guard's registry file the Thrift Server reads; empty: no guard."""

    def environment(self) -> dict[str, str]:
        """The variables the `cluster` target of profiles/profiles.yml reads."""
        return {
            "STEWARD_THRIFT_HOST": self.thrift_host,
            "STEWARD_THRIFT_PORT": str(self.thrift_port),
        }

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClusterState:
        values = dict(data)
        values["processes"] = [
            Process(**{**p, "command": tuple(p.get("command", ()))})
            for p in data.get("processes", [])
        ]
        return cls(**values)


def cluster_jars(project_dir: Path) -> list[Path]:
    """The cluster's Thrift Server jars: a Thrift Server's and the PostgreSQL JDBC driver."""
    from steward.lakehouse import jars

    cache = jars.default_cache_dir(project_dir)
    return [*jars.thrift_server_jars(cache), jars.cached_jar(cache, jars.POSTGRES_JDBC)]


def free_ports() -> dict[str, int]:
    """A free loopback port for each listening part, as `up`'s keyword arguments."""
    return {
        "thrift_port": thrift.free_port(),
        "master_port": thrift.free_port(),
        "master_ui_port": thrift.free_port(),
        "postgres_port": thrift.free_port(),
    }


def _proc_start(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold blanks; fields after its closing parenthesis
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[19])  # field 22: start time in clock ticks since boot


def _alive(pid: int, proc_start: int | None = None) -> bool:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own child that ended
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat[stat.rindex(")") + 2 :].split()[0]
    if state in ("Z", "X"):
        return False
    return proc_start is None or _proc_start(pid) == proc_start


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def state_path(folder: Path) -> Path:
    return folder / STATE_FILE


def read_state(folder: Path) -> ClusterState | None:
    path = state_path(folder)
    if not path.is_file():
        return None
    try:
        return ClusterState.from_json(json.loads(path.read_text()))
    except (ValueError, TypeError, KeyError) as exc:
        raise UserError(
            f"is not a cluster state file steward wrote ({exc}); stop what it started by "
            "hand and delete it",
            path=path,
        ) from exc


def _write_state(folder: Path, state: ClusterState) -> None:
    path = state_path(folder)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state.to_json(), indent=2) + "\n")
    tmp.replace(path)


def _spark_class() -> str:
    return str(thrift.spark_home() / "bin" / "spark-class")


def master_page(ui: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """The master's status page as JSON (workers, cores, applications), or None."""
    try:
        with urllib.request.urlopen(f"{ui}/json/", timeout=timeout) as response:
            return dict(json.loads(response.read().decode()))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def alive_workers(ui: str) -> int:
    page = master_page(ui)
    if page is None:
        return 0
    return sum(1 for worker in page.get("workers", []) if worker.get("state") == "ALIVE")


def _wait(
    what: str, ready: Any, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            detail = thrift.failure_detail(log.read_text(errors="replace")) if log.is_file() else ""
            raise UserError(
                f"the {what} exited with code {process.returncode} before it was ready"
                f"{': ' + detail if detail else ''}; see {log}"
            )
        if time.monotonic() > deadline:
            raise UserError(f"the {what} was not ready within {timeout:.0f} s; see {log}")
        time.sleep(0.5)


def _record(
    name: str, process: subprocess.Popen[bytes], address: str, log: Path, command: Sequence[str]
) -> Process:
    return Process(
        name, process.pid, address, str(log), _now(), _proc_start(process.pid), tuple(command)
    )


def _check_ports(ports: Mapping[str, int]) -> None:
    for what, port in ports.items():
        if not 1 <= port <= 65535:
            raise UserError(f"{what} port must be between 1 and 65535, got {port}")
        if thrift.port_in_use(port):
            raise UserError(
                f"port {port} on {HOST} ({what}) is already in use; stop what holds it, or pick "
                "another port (see `steward cluster up --help`)"
            )


def up(
    folder: Path,
    jars: Sequence[Path],
    *,
    workers: int = DEFAULT_WORKERS,
    thrift_port: int = DEFAULT_THRIFT_PORT,
    master_port: int = DEFAULT_MASTER_PORT,
    master_ui_port: int = DEFAULT_MASTER_UI_PORT,
    postgres_port: int = DEFAULT_POSTGRES_PORT,
    worker_cores: int = DEFAULT_WORKER_CORES,
    worker_memory: str = DEFAULT_WORKER_MEMORY,
    executor_memory: str = DEFAULT_EXECUTOR_MEMORY,
    driver_memory: str = thrift.DEFAULT_DRIVER_MEMORY,
    log4j: Path | None = None,
    extra_conf: Mapping[str, str] | None = None,
    guard_registry: Path | None = None,
    timeout: float = thrift.DEFAULT_STARTUP_TIMEOUT,
    progress: Any = None,
) -> ClusterState:
    """Start the cluster in `folder`; everything started is stopped again if a part fails.

    `jars` are put on the Thrift Server's class path and shipped to the executors: the
    Delta jars and the PostgreSQL JDBC driver (see steward.lakehouse.jars). With
    `guard_registry` (`steward.guard.export.export_for_server`) the Thrift Server loads the
    engine guard, which takes each session's team from its user.
    """
    if workers < 1:
        raise UserError(f"--workers must be at least 1, got {workers}")
    folder = folder.resolve()
    say = progress or (lambda message: None)
    existing = read_state(folder)
    if existing is not None:
        repair(existing, timeout, say)
        return existing
    check_java()
    missing = [str(jar) for jar in jars if not Path(jar).is_file()]
    if missing:
        raise UserError(f"jars not found: {', '.join(missing)}; run `steward setup` once")
    guard_conf: dict[str, str] = {}
    if guard_registry is not None:
        from steward.guard import export

        guard_conf = export.server_conf(guard_registry)  # the jar is checked here, first
        jars = [*jars, export.JAR]
    _check_ports(
        {
            "Thrift Server": thrift_port,
            "master": master_port,
            "master web UI": master_ui_port,
            "PostgreSQL": postgres_port,
        }
    )
    for sub in ("tmp", "eventlog", "logs", "warehouse"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    started: list[Process] = []
    postgres = Postgres(data_folder(folder), postgres_port)
    master_url = f"spark://{HOST}:{master_port}"
    master_ui = f"http://{HOST}:{master_ui_port}"
    state = ClusterState(
        folder=str(folder),
        started_at=_now(),
        master_url=master_url,
        master_ui=master_ui,
        thrift_host=HOST,
        thrift_port=thrift_port,
        postgres_port=postgres_port,
        event_log=str(folder / "eventlog"),
        workers=workers,
        processes=started,
        postgres_folder=str(postgres.folder),
        guard_registry=str(guard_registry.resolve()) if guard_registry is not None else "",
    )
    try:
        say(f"PostgreSQL metastore on {HOST}:{postgres_port}")
        postgres.start()
        _write_state(folder, state)  # from here on, `down` can stop what has started

        say(f"Spark master on {master_url} (web UI {master_ui})")
        log = folder / "logs" / "master.log"
        command = [
            _spark_class(),
            "org.apache.spark.deploy.master.Master",
            "--host",
            HOST,
            "--port",
            str(master_port),
            "--webui-port",
            str(master_ui_port),
        ]
        master = thrift._launch(command, folder, log, detached=True)
        started.append(_record("master", master, master_url, log, command))
        _write_state(folder, state)
        _wait("Spark master", lambda: master_page(master_ui, 2.0) is not None, master, log, timeout)

        for number in range(1, workers + 1):
            say(f"Spark worker {number} of {workers} ({worker_cores} core, {worker_memory})")
            work = folder / "workers" / str(number)
            work.mkdir(parents=True, exist_ok=True)
            log = folder / "logs" / f"worker-{number}.log"
            command = [
                _spark_class(),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                HOST,
                "--cores",
                str(worker_cores),
                "--memory",
                worker_memory,
                "--work-dir",
                str(work),
                "--webui-port",
                "0",
                master_url,
            ]
            worker = thrift._launch(command, folder, log, detached=True)
            started.append(_record(f"worker-{number}", worker, "", log, command))
            _write_state(folder, state)
        last = started[-1]
        _wait(
            f"{workers} Spark worker(s)",
            lambda: alive_workers(master_ui) >= workers,
            _popen_of(last),
            Path(last.log),
            timeout,
        )

        say(f"Spark Thrift Server on {HOST}:{thrift_port}, work on {master_url}")
        conf = {
            **metastore_conf(postgres),
            **guard_conf,
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": (folder / "eventlog").as_uri(),
            # one plain file, as the local target's: a build reads what it gained
            "spark.eventLog.compress": "false",
            "spark.eventLog.rolling.enabled": "false",
            "spark.executor.memory": executor_memory,
            "spark.executor.cores": str(worker_cores),
            "spark.cores.max": str(worker_cores * workers),
            **(extra_conf or {}),
        }
        server = thrift.start_thrift_server(
            folder,
            thrift_port,
            jars,
            log4j=log4j,
            driver_memory=driver_memory,
            timeout=timeout,
            master=master_url,
            conf_overrides=conf,
            detached=True,
        )
        command = thrift.server_command(
            folder,
            thrift_port,
            jars,
            log4j=log4j,
            driver_memory=driver_memory,
            master=master_url,
            conf_overrides=conf,
        )
        started.append(
            Process(
                "thrift-server",
                server.pid,
                f"{HOST}:{thrift_port}",
                str(server.log),
                _now(),
                _proc_start(server.pid),
                tuple(command),
            )
        )
        _write_state(folder, state)
    except BaseException:  # also Ctrl-C: never leave half a cluster behind
        _stop_processes(started)
        postgres.stop()
        state_path(folder).unlink(missing_ok=True)
        raise
    return state


def repair(
    state: ClusterState, timeout: float = thrift.DEFAULT_STARTUP_TIMEOUT, say: Any = None
) -> list[str]:
    """Start again, as they were started, the parts of a cluster that are not running
    (a worker or the Thrift Server that died, PostgreSQL after a reboot); their names."""
    say = say or (lambda message: None)
    folder = Path(state.folder)
    restarted = []
    postgres = _postgres(state)
    if not postgres.is_running():
        say(f"PostgreSQL metastore on {HOST}:{state.postgres_port} (was down)")
        postgres.start()
        restarted.append("postgres")
    for index, process in enumerate(state.processes):
        if process.is_running():
            continue
        if not process.command:
            raise UserError(
                f"{process.name} of the cluster in {folder} is down and cluster.json does not "
                "say how it was started; run `steward cluster down`, then `steward cluster up`"
            )
        say(f"{process.name} (was down)")
        log = Path(process.log)
        popen = thrift._launch(list(process.command), folder, log, detached=True)
        state.processes[index] = dataclasses.replace(
            process, pid=popen.pid, started_at=_now(), proc_start=_proc_start(popen.pid)
        )
        _write_state(folder, state)
        if process.name == "master":
            ready: Any = lambda: master_page(state.master_ui, 2.0) is not None  # noqa: E731
        elif process.name == "thrift-server":
            ready = lambda: _takes_sessions(state)  # noqa: E731
        else:
            ready = lambda: alive_workers(state.master_ui) >= state.workers  # noqa: E731
        _wait(process.name, ready, popen, log, timeout)
        restarted.append(process.name)
    return restarted


def _takes_sessions(state: ClusterState) -> bool:
    try:
        thrift.server_warehouse(state.thrift_host, state.thrift_port, timeout=10.0)
    except Exception:
        return False
    return True


def _popen_of(process: Process) -> Any:
    """A poll()-able view of a recorded process (None while it runs, else an exit code)."""

    class _View:
        returncode: int | None = None

        def poll(self) -> int | None:
            if _alive(process.pid, process.proc_start):
                return None
            self.returncode = -1
            return self.returncode

    return _View()


def _stop_processes(processes: Sequence[Process], grace: float = STOP_GRACE) -> list[str]:
    """SIGTERM each process group (newest first), SIGKILL what outlives `grace`."""
    stopped = []
    for process in reversed(processes):
        if not process.is_running():
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while process.is_running() and time.monotonic() < deadline:
            time.sleep(0.2)
        if process.is_running():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            while process.is_running() and time.monotonic() < deadline + 10:
                time.sleep(0.2)
        stopped.append(process.name)
    return stopped


def _postgres(state: ClusterState) -> Postgres:
    folder = (
        Path(state.postgres_folder) if state.postgres_folder else Path(state.folder) / "postgres"
    )
    return Postgres(folder, state.postgres_port)


def down(folder: Path) -> list[str]:
    """Stop everything `up` started in `folder`; the names of what was running."""
    folder = folder.resolve()
    state = read_state(folder)
    if state is None:
        return []
    stopped = _stop_processes(state.processes)
    postgres = _postgres(state)
    if postgres.is_running():
        postgres.stop()
        stopped.append("postgres")
    state_path(folder).unlink(missing_ok=True)
    return stopped


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    pid: int | None
    address: str
    since: str | None
    log: str
    detail: str = ""


def status(folder: Path) -> tuple[ClusterState | None, list[ComponentStatus]]:
    """What runs of the cluster in `folder`, component by component."""
    folder = folder.resolve()
    state = read_state(folder)
    if state is None:
        return None, []
    postgres = _postgres(state)
    rows = [
        ComponentStatus(
            "postgres",
            postgres.is_running(),
            postgres.pid(),
            f"{HOST}:{state.postgres_port}",
            state.started_at,
            str(postgres.log),
            "Hive metastore (database metastore)",
        )
    ]
    workers_alive = alive_workers(state.master_ui)
    for process in state.processes:
        running = process.is_running()
        detail = ""
        if process.name == "master":
            detail = f"{workers_alive} of {state.workers} worker(s) alive; web UI {state.master_ui}"
        elif process.name == "thrift-server":
            guard = (
                f"engine guard on (registry {state.guard_registry})"
                if state.guard_registry
                else "engine guard off"
            )
            detail = f"work on {state.master_url}; event log {state.event_log}; {guard}"
        rows.append(
            ComponentStatus(
                process.name,
                running,
                process.pid,
                process.address,
                process.started_at,
                process.log,
                detail,
            )
        )
    return state, rows


def content_hashes(
    state: ClusterState, env: str, user: str = "steward-hash"
) -> dict[str, tuple[int, int]]:
    """Every bronze, silver and gold table of environment `env` on the cluster (without
    the environment prefix) -> (rows, the sum of xxhash64 of all its columns): two builds
    of the same data are equal when these are."""
    from pyhive import hive

    prefix = f"{env}_"
    connection = hive.connect(state.thrift_host, state.thrift_port, username=user)
    try:
        cursor = connection.cursor()
        cursor.execute("show schemas")
        schemas = [
            str(row[0])
            for row in cursor.fetchall()
            if str(row[0]).startswith(prefix)
            and str(row[0])[len(prefix) :].split("_", 1)[0] in ("bronze", "silver", "gold")
        ]
        out: dict[str, tuple[int, int]] = {}
        for schema in sorted(schemas):
            cursor.execute(f"show tables in {schema}")
            for row in cursor.fetchall():
                if row[2]:  # a temporary view
                    continue
                table = f"{schema}.{row[1]}"
                cursor.execute(
                    "select count(*), coalesce(sum(cast(xxhash64(*) as decimal(38, 0))), 0) "
                    f"from {table}"
                )
                count, total = cursor.fetchall()[0]
                out[table.removeprefix(prefix)] = (int(count), int(total))
        return out
    finally:
        connection.close()


@contextlib.contextmanager
def running_cluster(folder: Path, jars: Sequence[Path], **options: Any) -> Iterator[ClusterState]:
    """A cluster for the block (see `up` for the options): up on entry, down on exit."""
    state = up(folder, jars, **options)
    try:
        yield state
    finally:
        down(folder)
