"""The real processes of docs/production.md, started for a test: gunicorn, celery worker and
beat, redis-server, and an SMTP server (aiosmtpd) that records what it accepts."""

import asyncio
import contextlib
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "integration-tests-secret"


def service_env(database_url: str, broker_url: str, mail_port: int | None = None, **extra: str) -> dict:
    """The environment of every shop process (docs/production.md), tuned so recovery takes seconds."""
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "STORE_ENV": "development",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url,
        "MAIL_SERVER": "127.0.0.1" if mail_port else "",
        "MAIL_PORT": str(mail_port or 25),
        "MAIL_TIMEOUT": "5",
        "OUTBOX_RELAY_INTERVAL_SECONDS": "1",
        "OUTBOX_RELAY_GRACE_SECONDS": "1",
        "OUTBOX_CLAIM_LEASE_SECONDS": "4",
        # Many shoppers log in from 127.0.0.1 in a few seconds.
        "LOGIN_RATE_LIMIT": "1000/minute",
        "API_TOKEN_RATE_LIMIT": "1000/minute",
        "API_TOKEN_ADDRESS_RATE_LIMIT": "1000/minute",
        "API_ORDER_RATE_LIMIT": "1000/minute",
    }
    env.pop("TEST_DATABASE_URL", None)
    return {**env, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str, interval: float = 0.2):
    """Poll `condition` until it returns something truthy; fail saying `what` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class Process:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        def seen():
            if not self.running:
                raise AssertionError(f"{self.name} exited:\n{self.output()[-3000:]}")
            return text in self.output()

        wait_until(seen, timeout, f"{self.name} to print {text!r}")

    def children(self) -> list[int]:
        """The ids of this process's child processes (e.g. a celery worker's pool)."""
        path = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup, no goodbye to the broker."""
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def terminate(self) -> None:
        """Ask the process group to shut down (SIGTERM), without waiting."""
        if self.running:
            self._signal_group(signal.SIGTERM)

    def stop(self, timeout: float = 10) -> None:
        if not self.running:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)


class Launcher:
    """Starts the shop's processes with one environment; stops them all at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[Process] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Process:
        process = Process(name, argv, env, self.log_dir)
        self.processes.append(process)
        return process

    def web(self, env: dict[str, str], name: str = "web", workers: int = 3, wait: bool = True) -> "WebServer":
        port = free_port()
        argv = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(workers)]
        argv += ["-b", f"127.0.0.1:{port}"]
        argv += ["--timeout", "60", "--graceful-timeout", "5", "wsgi:app"]
        server = WebServer(self.start(name, argv, env), f"http://127.0.0.1:{port}")
        if wait:
            server.wait_ready()
        return server

    def worker(self, env: dict[str, str], name: str = "worker", concurrency: int = 2, wait: bool = True):
        argv = [sys.executable, "-m", "celery", "-A", "wsgi:celery_app", "worker", "--loglevel=INFO"]
        argv += [f"--concurrency={concurrency}", f"--hostname={name}@%h"]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        process = self.start(name, argv, env)
        if wait:
            process.wait_for_output(" ready.")
        return process

    def beat(self, env: dict[str, str], name: str = "beat", wait: bool = True) -> Process:
        schedule = self.log_dir / f"{name}-schedule"
        argv = [sys.executable, "-m", "celery", "-A", "wsgi:celery_app", "beat", "--loglevel=INFO"]
        argv += [f"--schedule={schedule}", "--max-interval=1"]
        process = self.start(name, argv, env)
        if wait:
            process.wait_for_output("beat: Starting")
        return process

    def shop(self, env: dict[str, str], worker_concurrency: int = 2) -> "Shop":
        """Production's topology (docs/production.md): gunicorn, a celery worker and beat, at once."""
        shop = Shop(
            self.web(env, wait=False),
            self.worker(env, concurrency=worker_concurrency, wait=False),
            self.beat(env, wait=False),
        )
        shop.web.wait_ready()
        shop.worker.wait_for_output(" ready.")
        shop.beat.wait_for_output("beat: Starting")
        return shop

    def redis(self, port: int, name: str = "redis") -> "RedisServer":
        argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.log_dir)]
        server = RedisServer(self.start(name, argv, dict(os.environ)), port)
        wait_until(server.answers, 15, f"redis-server on port {port}")
        return server

    def stop_all(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"----- {p.name}\n{p.output()[-4000:]}" for p in self.processes)


@dataclass
class WebServer:
    process: Process
    url: str

    def wait_ready(self) -> None:
        def answers():
            if not self.process.running:
                raise AssertionError(f"gunicorn exited:\n{self.process.output()[-3000:]}")
            try:
                return requests.get(self.url + "/", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, 30, f"gunicorn at {self.url}")


@dataclass
class Shop:
    web: WebServer
    worker: Process
    beat: Process


@dataclass
class RedisServer:
    process: Process
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False


@dataclass(frozen=True)
class AcceptedMail:
    to: tuple[str, ...]
    subject: str


class Mailbox:
    """An aiosmtpd handler that records every message it accepts (answered 250).

    With `hold` set it keeps the sender waiting in DATA until `release`; a held
    message is never accepted (its sender is killed meanwhile in the tests).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._accepted: list[AcceptedMail] = []
        self.hold = False
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "421 The held message is not accepted"
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self._accepted.append(AcceptedMail(tuple(envelope.rcpt_tos), str(message["Subject"])))
        return "250 Message accepted for delivery"

    @property
    def accepted(self) -> list[AcceptedMail]:
        with self._lock:
            return list(self._accepted)

    def subjects(self) -> list[str]:
        return sorted(mail.subject for mail in self.accepted)

    def wait_for(self, count: int, timeout: float = 30) -> list[AcceptedMail]:
        wait_until(lambda: len(self.accepted) >= count, timeout, f"{count} email(s) at the SMTP server")
        return self.accepted


class SmtpServer:
    """An SMTP server on a fixed loopback port that can be stopped (refusing) and started again."""

    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self.mailbox.release.set()
            self._controller.stop()
            self._controller = None
