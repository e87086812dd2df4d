"""The benchmark's figures, as printed: a line per phase, a table per run, and their median."""

import os
import platform
import statistics
from dataclasses import dataclass, field

from bench.loadgen import Measure

TARGETS = {
    "checkout": ("ratio >= 0.35 and p99 <= 50 ms", lambda r: r.ratio >= 0.35 and r.http.p99_ms <= 50),
    "flash sale": ("ratio >= 0.40, zero oversell", lambda r: r.ratio >= 0.40 and r.correct),
    "product list": ("ratio >= 0.5 of /healthz", lambda r: r.ratio >= 0.5),
}


@dataclass
class PhaseResult:
    name: str
    ceiling_label: str
    ceiling: Measure
    http: Measure
    correct: bool = True
    notes: list[str] = field(default_factory=list)
    locks: dict = field(default_factory=dict)  # the HTTP side's row lock times (bench/locktiming.py)
    median_ratio: float | None = None  # set on the median of several runs

    @property
    def ratio(self) -> float:
        if self.median_ratio is not None:
            return self.median_ratio
        return self.http.rate / self.ceiling.rate if self.ceiling.rate else 0.0


def print_phase(result: PhaseResult, seconds: float) -> None:
    c, h = result.ceiling, result.http
    print(
        f"  {result.name:<13} ceiling {c.rate:8.1f}/s p50 {c.p50_ms:6.1f} ms p99 {c.p99_ms:6.1f} ms | "
        f"HTTP {h.rate:8.1f}/s p50 {h.p50_ms:6.1f} ms p99 {h.p99_ms:6.1f} ms | ratio {result.ratio:.2f} "
        f"({seconds:.0f} s)"
    )
    for label, measure in ((result.ceiling_label, c), ("HTTP", h)):
        spent = ", ".join(f"{name} {ms:.2f}" for name, ms in measure.cpu_ms.items())
        print(f"    CPU ms per answer, {label}: {spent}")
    if result.locks:
        print(f"    {lock_line(result.locks)}")
    for note in result.notes:
        print(f"    {note}")


def lock_line(locks: dict) -> str:
    return (
        f"row locks held: p50 {locks['held_p50_ms']:.2f} ms, p95 {locks['held_p95_ms']:.2f} ms "
        f"(max {locks['held_max_ms']:.1f} ms; waited for: p50 {locks['waited_p50_ms']:.2f} ms, "
        f"p95 {locks['waited_p95_ms']:.2f} ms; {locks['transactions']} order transactions)"
    )


def median_result(runs: list[list[PhaseResult]]) -> list[PhaseResult]:
    """Per phase, the median of each figure over the runs."""
    merged = []
    for phase_runs in zip(*runs, strict=True):

        def med(side, name, phase_runs=phase_runs):
            return statistics.median(getattr(getattr(r, side), name) for r in phase_runs)

        first = phase_runs[0]
        ceiling = Measure(med("ceiling", "rate"), med("ceiling", "p50_ms"), med("ceiling", "p99_ms"))
        http = Measure(med("http", "rate"), med("http", "p50_ms"), med("http", "p99_ms"))
        result = PhaseResult(
            first.name, first.ceiling_label, ceiling, http, all(r.correct for r in phase_runs)
        )
        result.median_ratio = statistics.median(r.ratio for r in phase_runs)
        if first.locks:
            result.locks = {
                name: statistics.median(r.locks[name] for r in phase_runs) for name in first.locks
            }
        merged.append(result)
    return merged


def print_table(results: list[PhaseResult], title: str) -> None:
    print(f"\n{title}")
    print(
        "| phase | ceiling /s | ceiling p50 / p99 ms | HTTP /s | HTTP p50 / p99 ms | ratio | target | met |"
    )
    print("|" + "---|" * 8)
    for r in results:
        description, met = TARGETS[r.name]
        ratio = f"{r.ratio:.2f}"
        print(
            f"| {r.name} | {r.ceiling.rate:.0f} ({r.ceiling_label}) "
            f"| {r.ceiling.p50_ms:.1f} / {r.ceiling.p99_ms:.1f} "
            f"| {r.http.rate:.0f} | {r.http.p50_ms:.1f} / {r.http.p99_ms:.1f} | {ratio} | {description} "
            f"| {'yes' if met(r) else 'NO'} |"
        )
    for r in results:
        if r.locks:
            print(f"{r.name}, HTTP: {lock_line(r.locks)}")


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"
