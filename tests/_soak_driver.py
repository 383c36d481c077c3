"""Fault-injection driver for tests/test_concurrency.py (run as a separate process).

It imports kbworkbook once and then ``fork``s writer processes, so hundreds of writers start in
milliseconds. Modes (argv: mode, workspace, count, seed); prints one JSON line:

``soak``        per round two writers save into the same questionnaire (disjoint items,
                a unique token per save in the item's comment, an acknowledgement written to a
                pipe *after* each save returned); each writer is SIGKILLed at a random
                moment 0–30 ms after the round started. Reports every acknowledged save,
                so the test can check none is lost.
``assessments`` two writers each start ``count`` new assessments with a clock frozen at one
                second; reports the ids they were told.
``plans``       two writers each save ``count`` different action plans, clock frozen at one
                second; reports the file names they were told.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sys
import time
import traceback

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from kbworkbook.plan import Action, ActionPlan, save_action_plan  # noqa: E402
from kbworkbook.store import AnswerStore  # noqa: E402

Q = "sechs_faktoren"
FROZEN = dt.datetime(2026, 1, 15, 10, 30, 0)


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def _fork(work) -> int:  # type: ignore[no-untyped-def]
    pid = os.fork()
    if pid == 0:  # child: never return into the driver
        code = 1
        try:
            work()
            code = 0
        except BaseException:  # noqa: BLE001 - reported through the exit code
            traceback.print_exc()
        finally:
            os._exit(code)
    return pid


def soak(workspace: str, rounds: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    store = AnswerStore(workspace)
    keys = store.catalogue(Q).item_keys  # loaded once, inherited by every fork
    lanes = {"A": keys[0::2], "B": keys[1::2]}
    kills = normal_exits = failures = 0
    acks: list[list[object]] = []
    started = time.perf_counter()
    for round_ in range(rounds):
        read_fd, write_fd = os.pipe()

        def writer(lane: str, round_: int = round_, write_fd: int = write_fd) -> None:
            items = lanes[lane]
            for n in range(400):
                item = items[n % len(items)]
                store.update(Q, answers={item: n % 5 + 1}, comments={item: f"{lane}:{round_}:{n}"})
                os.write(write_fd, f"{item} {round_} {n}\n".encode())

        forked = time.perf_counter()
        pids = [_fork(lambda lane=lane: writer(lane)) for lane in lanes]
        os.close(write_fd)
        deadlines = sorted((forked + rng.uniform(0.0, 0.03), pid) for pid in pids)
        for deadline, pid in deadlines:
            time.sleep(max(0.0, deadline - time.perf_counter()))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            _, status = os.waitpid(pid, 0)
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                kills += 1
            elif os.waitstatus_to_exitcode(status) == 0:
                normal_exits += 1
            else:
                failures += 1
        for line in _read_all(read_fd).splitlines():
            item, r, n = line.split()
            acks.append([item, int(r), int(n)])
    folder = store.folder(Q)
    temp_files = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    return {"rounds": rounds, "kills": kills, "normal_exits": normal_exits,
            "failures": failures, "acks": acks,
            "temp_files_left_by_kills": len(temp_files),
            "seconds": round(time.perf_counter() - started, 2)}


def _two_writers(work) -> list[str]:  # type: ignore[no-untyped-def]
    read_fd, write_fd = os.pipe()
    pids = [_fork(lambda who=who: work(who, write_fd)) for who in ("A", "B")]
    os.close(write_fd)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"writer failed with status {status}")
    return _read_all(read_fd).split()


def assessments(workspace: str, count: int) -> dict[str, object]:
    store = AnswerStore(workspace, now=lambda: FROZEN)
    store.catalogue(Q)

    def work(_who: str, write_fd: int) -> None:
        for _ in range(count):
            os.write(write_fd, f"{store.new_assessment(Q).id}\n".encode())

    return {"ids": _two_writers(work)}


def plans(workspace: str, count: int) -> dict[str, object]:
    def work(who: str, write_fd: int) -> None:
        for n in range(count):
            plan = ActionPlan((Action(f"Maßnahme {who}{n}", owner=who),))
            saved = save_action_plan(workspace, plan, now=FROZEN)
            assert saved.path is not None
            os.write(write_fd, f"{saved.path.name}|{who}{n}\n".encode())

    return {"saved": _two_writers(work)}


if __name__ == "__main__":
    mode, workspace, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    if mode == "soak":
        result = soak(workspace, count, seed)
    elif mode == "assessments":
        result = assessments(workspace, count)
    else:
        result = plans(workspace, count)
    print(json.dumps(result))
