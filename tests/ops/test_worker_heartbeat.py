"""A real worker process beats; ``/healthz`` goes red once it stops (killed or stopped)."""

import datetime as dt
import time

import pytest
import time_machine

from carecast.ops.models import WorkerBeat


def _wait_for_beat(worker, timeout=60.0) -> WorkerBeat:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        beat = WorkerBeat.objects.first()
        if beat is not None:
            return beat
        assert worker.process.poll() is None, worker.log()[-3000:]
        time.sleep(0.1)
    raise AssertionError("the worker never beat:\n" + worker.log()[-3000:])


@pytest.mark.fault
def test_it_goes_red_when_the_killed_worker_stops_beating(worker, client, settings):
    settings.CARECAST_HEALTH_WORKER_STALE_SECONDS = 90
    worker.start()
    beat = _wait_for_beat(worker)
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is True
    worker.kill()  # SIGKILL: its last beat stays behind and ages
    last = WorkerBeat.objects.get(pk=beat.pk).beat_at
    with time_machine.travel(last + dt.timedelta(seconds=89), tick=False):
        assert client.get("/healthz").json()["checks"]["worker"]["ok"] is True
    with time_machine.travel(last + dt.timedelta(seconds=91), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "ok": False,
        "last_beat_seconds": 91.0,
        "alive": 0,
    }


@pytest.mark.fault
def test_it_goes_red_at_once_when_the_worker_is_stopped(worker, client):
    worker.start()
    _wait_for_beat(worker)
    worker.stop()  # SIGTERM: the worker takes its beat along
    assert not WorkerBeat.objects.exists(), worker.log()[-3000:]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["alive"] == 0
