"""A local Spark Thrift Server: the shared cluster's stand-in for development and CI.

The `cluster` target of profiles/profiles.yml talks to a Spark Thrift Server (HiveServer2
protocol, dbt-spark's `method: thrift`). pyspark ships the server's classes but no
`start-thriftserver.sh`, so this module starts it with pyspark's own `spark-submit`, with
Delta Lake and a lakehouse folder of its own (warehouse, Derby metastore, temporary
files and the server's log), listening on the loopback interface only.

    with running_thrift_server(Path(".lakehouse-cluster"), 10000, jars) as server:
        ...  # STEWARD_THRIFT_HOST=server.host, STEWARD_THRIFT_PORT=server.port

The server has no authentication (HiveServer2 `NONE`): it must never listen on anything
but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from steward.errors import EnvironmentProblem, UserError
from steward.lakehouse.java import check_java

HOST = "127.0.0.1"
MAIN_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
DEFAULT_STARTUP_TIMEOUT = 180.0
DEFAULT_STOP_GRACE = 30.0
DEFAULT_DRIVER_MEMORY = "2g"
PROBE_USER = "steward"
LOG_NAME = "thriftserver.log"


@dataclass(frozen=True)
class ThriftServer:
    """A running server: where it listens, its process and its log."""

    host: str
    port: int
    pid: int
    log: Path
    lakehouse: Path
    process: subprocess.Popen[bytes] = field(repr=False, compare=False)
    log_offset: int = field(default=0, repr=False, compare=False)  # where this run's log starts

    def environment(self) -> dict[str, str]:
        """The variables the `cluster` target of profiles/profiles.yml reads."""
        return {"STEWARD_THRIFT_HOST": self.host, "STEWARD_THRIFT_PORT": str(self.port)}

    def is_running(self) -> bool:
        return self.process.poll() is None


def spark_home() -> Path:
    """The pyspark package folder: it holds bin/spark-submit and the jars."""
    try:
        import pyspark
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise EnvironmentProblem("pyspark is not installed; reinstall steward") from exc
    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-submit").is_file():
        raise EnvironmentProblem("pyspark has no bin/spark-submit", path=home)
    return home


def free_port(host: str = HOST) -> int:
    """A TCP port on `host` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _system_property(name: str, value: object) -> str:
    """`-Dname=value` for --driver-java-options, which spark-submit splits on blanks."""
    text = str(value)
    return f'-D{name}="{text}"' if any(c.isspace() for c in text) else f"-D{name}={text}"


def server_command(
    lakehouse: Path,
    port: int,
    jars: Sequence[Path],
    log4j: Path | None = None,
    driver_memory: str = DEFAULT_DRIVER_MEMORY,
    *,
    master: str = "local[2]",
    conf_overrides: Mapping[str, str] | None = None,
) -> list[str]:
    """The `spark-submit` command line of a server on HOST:`port` over `lakehouse`.

    `master` is where its work runs (`local[2]` in its own JVM, or `spark://127.0.0.1:P`
    for a standalone cluster); `conf_overrides` replace or add Spark settings (a shared
    metastore instead of the Derby one in `lakehouse`, the event log).
    """
    lakehouse = lakehouse.resolve()
    tmp = lakehouse / "tmp"
    jar_paths = [Path(jar).resolve() for jar in jars]
    java_options = [
        _system_property("java.io.tmpdir", tmp),  # Hive's session resources, operation logs
        _system_property("derby.system.home", lakehouse),
        _system_property("derby.stream.error.file", lakehouse / "derby.log"),
    ]
    if log4j is not None:
        java_options.append(_system_property("log4j2.configurationFile", log4j.resolve()))
    conf = {
        "spark.app.name": "steward-thrift-server",
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.warehouse.dir": str(lakehouse / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={lakehouse / 'metastore_db'};create=true"
        ),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # The driver's RPC and block manager listen on loopback too, not on every interface.
        "spark.driver.host": HOST,
        "spark.driver.bindAddress": HOST,
        "spark.local.dir": str(tmp),
        "spark.databricks.delta.snapshotPartitions": "2",
        "spark.databricks.delta.schema.autoMerge.enabled": "false",
        # As on the local target: a table folder left by a killed run must not block the next.
        "spark.sql.legacy.allowNonEmptyLocationInCTAS": "true",
    }
    conf.update(conf_overrides or {})
    command = [
        str(spark_home() / "bin" / "spark-submit"),
        "--class",
        MAIN_CLASS,
        "--master",
        master,
        "--driver-memory",
        driver_memory,
        "--driver-java-options",
        " ".join(java_options),
        "--jars",
        ",".join(str(path) for path in jar_paths),
        # --jars alone is not enough: the server's SQL sessions resolve `using delta` through
        # a class loader that does not see them (DATA_SOURCE_NOT_FOUND); the driver's class
        # path does.
        "--driver-class-path",
        os.pathsep.join(str(path) for path in jar_paths),
    ]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    command += [
        "--hiveconf",
        f"hive.server2.thrift.port={port}",
        "--hiveconf",
        f"hive.server2.thrift.bind.host={HOST}",
        "spark-internal",
    ]
    return command


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM when the process that started it dies, even by kill -9.

    (Strictly: when the thread that started it ends, so start it from the main thread or a
    thread that lives as long as the server.)
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _launch(
    command: Sequence[str], lakehouse: Path, log: Path, *, detached: bool = False
) -> subprocess.Popen[bytes]:
    """Start `command` in its own process group, its output appended to `log`.

    A `detached` process outlives the one that started it (`steward cluster up`); any other
    gets SIGTERM when its parent dies.
    """
    env = dict(os.environ)
    home = spark_home()
    env["SPARK_HOME"] = str(home)  # never another Spark's scripts or jars
    env["SPARK_LOCAL_IP"] = HOST
    for name in ("PYSPARK_SUBMIT_ARGS", "SPARK_CONF_DIR"):
        env.pop(name, None)
    # Appended, not truncated: a second server started on the same folder by mistake must
    # not wipe the first one's log.
    with log.open("ab") as out:
        out.write(f"==== steward: {' '.join(command)}\n".encode())
        out.flush()
        return subprocess.Popen(
            list(command),
            cwd=lakehouse,  # anything written relative to the working folder stays here
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, not by Ctrl-C
            preexec_fn=(
                _die_with_parent if sys.platform.startswith("linux") and not detached else None
            ),
        )


def server_warehouse(host: str, port: int, timeout: float = 10.0) -> str:
    """Open a HiveServer2 session on host:port, run `select 1`; the server's warehouse folder.

    Every socket operation is bounded by `timeout` seconds (PyHive's own `hive.connect`
    waits forever on a port that accepts but never answers). Raises OSError
    (ConnectionRefusedError when nothing listens), thrift's TTransportException or PyHive's
    errors.
    """
    import thrift_sasl
    from pyhive import hive
    from thrift.transport.TSocket import TSocket

    # A plain connect first: refused is the common case while the server starts, and
    # thrift would log every refusal as an error.
    with socket.create_connection((host, port), timeout=timeout):
        pass
    transport_socket = TSocket(host, port)
    transport_socket.setTimeout(timeout * 1000)
    transport = thrift_sasl.TSaslClientTransport(
        lambda: hive.get_installed_sasl(
            host=host, sasl_auth="PLAIN", username=PROBE_USER, password="x"
        ),
        "PLAIN",
        transport_socket,
    )
    connection = hive.connect(thrift_transport=transport, username=PROBE_USER)
    try:
        cursor = connection.cursor()
        cursor.execute("select 1")
        cursor.fetchall()
        cursor.execute("set spark.sql.warehouse.dir")
        return str(cursor.fetchall()[0][1])
    finally:
        connection.close()


def check_server(host: str, port: int, timeout: float = 10.0) -> None:
    """A one-line UserError unless a Spark Thrift Server takes a session on host:port in time.

    Meant as the pre-flight check of `--target cluster`: dbt-spark itself fails fast when
    nothing listens, but hangs without limit on a port that accepts and never answers.
    """
    where = f"{host}:{port}"
    hint = "start one (`steward thrift-server`) or set STEWARD_THRIFT_HOST / STEWARD_THRIFT_PORT"
    try:
        server_warehouse(host, port, timeout)
    except ConnectionRefusedError as exc:
        raise UserError(f"no Spark Thrift Server on {where} (connection refused); {hint}") from exc
    except Exception as exc:
        # thrift wraps a socket timeout in TTransportException("read timeout")
        if isinstance(exc, TimeoutError) or "timed out" in str(exc) or "timeout" in str(exc):
            raise UserError(
                f"{where} did not answer as a Spark Thrift Server within {timeout:.0f} s; {hint}"
            ) from exc
        raise UserError(
            f"{where} is not a Spark Thrift Server that takes sessions "
            f"({type(exc).__name__}: {str(exc)[:200]}); {hint}"
        ) from exc


def _serves(server: ThriftServer, timeout: float) -> bool:
    """True once `server` takes a session; an error if another server holds its port."""
    try:
        served = server_warehouse(server.host, server.port, timeout)
    except Exception:
        return False
    served = served.removeprefix("file:").rstrip("/")
    if served != str(server.lakehouse / "warehouse"):
        raise UserError(
            f"another server answers on {server.host}:{server.port} (its warehouse is "
            f"{served}); stop it or pick another port"
        )
    return True


_DERBY_IN_USE = "Another instance of Derby may have already booted the database"


def failure_detail(log_text: str) -> str:
    """The most telling line of a failed start, for the one-line message ('' if none).

    The root cause of a Java exception is its last `Caused by:`; otherwise the first line
    that reports an error (the JVM's own, e.g. `Invalid maximum heap size`, or log4j's ERROR).
    """
    if _DERBY_IN_USE in log_text:
        return (
            "its metastore is in use by another Spark (a second server or a local build on "
            "the same lakehouse folder); stop that one or use another folder"
        )
    lines = [line.strip() for line in log_text.splitlines() if line.strip()]
    causes = [line for line in lines if line.startswith("Caused by:")]
    if causes:
        return causes[-1].removeprefix("Caused by:").strip()[:300]
    for line in lines:
        if line.startswith(("at ", "...", "====")):
            continue
        lowered = line.lower()
        if any(word in lowered for word in ("error", "exception", "invalid")):
            return line[:300]
    return ""


def _read_log(server: ThriftServer) -> str:
    try:
        with server.log.open("rb") as handle:
            handle.seek(server.log_offset)
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def wait_until_ready(server: ThriftServer, timeout: float = DEFAULT_STARTUP_TIMEOUT) -> None:
    """Block until the server accepts a session, or raise a one-line UserError."""
    deadline = time.monotonic() + timeout
    while True:
        code = server.process.poll()
        if code is not None:
            detail = failure_detail(_read_log(server))
            raise UserError(
                f"the Spark Thrift Server exited with code {code} before it accepted "
                f"sessions{': ' + detail if detail else ''}; see its log {server.log}"
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise UserError(
                f"the Spark Thrift Server did not accept a session on {server.host}:{server.port} "
                f"within {timeout:.0f} s; see its log {server.log}"
            )
        if _serves(server, timeout=max(1.0, min(remaining, 30.0))):
            return
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))


def start_thrift_server(
    lakehouse_dir: Path,
    port: int,
    jars: Sequence[Path],
    *,
    log4j: Path | None = None,
    driver_memory: str = DEFAULT_DRIVER_MEMORY,
    timeout: float = DEFAULT_STARTUP_TIMEOUT,
    master: str = "local[2]",
    conf_overrides: Mapping[str, str] | None = None,
    detached: bool = False,
) -> ThriftServer:
    """Start a server over `lakehouse_dir` on HOST:`port` and wait until it takes sessions.

    The caller must `stop_thrift_server` it; `running_thrift_server` does that for a block.
    """
    if not 1 <= port <= 65535:
        raise UserError(f"port must be between 1 and 65535, got {port}")
    missing = [str(jar) for jar in jars if not Path(jar).is_file()]
    if missing:
        raise EnvironmentProblem(
            f"Delta jars not found: {', '.join(missing)}; run `steward setup` once to fetch them"
        )
    check_java()
    if port_in_use(port):
        raise UserError(f"port {port} on {HOST} is already in use; pick another with --port")
    lakehouse = lakehouse_dir.resolve()
    (lakehouse / "tmp").mkdir(parents=True, exist_ok=True)
    log = lakehouse / LOG_NAME
    log_offset = log.stat().st_size if log.is_file() else 0
    command = server_command(
        lakehouse,
        port,
        jars,
        log4j=log4j,
        driver_memory=driver_memory,
        master=master,
        conf_overrides=conf_overrides,
    )
    process = _launch(command, lakehouse, log, detached=detached)
    server = ThriftServer(
        host=HOST,
        port=port,
        pid=process.pid,
        log=log,
        lakehouse=lakehouse,
        process=process,
        log_offset=log_offset,
    )
    try:
        wait_until_ready(server, timeout)
    except BaseException:  # also Ctrl-C while waiting: never leave a server behind
        stop_thrift_server(server)
        raise
    return server


def stop_thrift_server(server: ThriftServer, grace: float = DEFAULT_STOP_GRACE) -> int | None:
    """SIGTERM the server's process group, SIGKILL it after `grace` seconds; its exit code."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


@contextlib.contextmanager
def running_thrift_server(
    lakehouse_dir: Path,
    port: int,
    jars: Sequence[Path],
    *,
    log4j: Path | None = None,
    driver_memory: str = DEFAULT_DRIVER_MEMORY,
    timeout: float = DEFAULT_STARTUP_TIMEOUT,
    conf_overrides: Mapping[str, str] | None = None,
) -> Iterator[ThriftServer]:
    """A server for the block: started and ready on entry, stopped on exit."""
    server = start_thrift_server(
        lakehouse_dir,
        port,
        jars,
        log4j=log4j,
        driver_memory=driver_memory,
        timeout=timeout,
        conf_overrides=conf_overrides,
    )
    try:
        yield server
    finally:
        stop_thrift_server(server)
