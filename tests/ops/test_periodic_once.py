"""Three consumers' schedulers look at the same minute: each periodic task goes to one of them."""

import datetime as dt

from huey import crontab

from carecast.ops.periodic import OncePerPeriodSqliteHuey


def _consumers(path, count=3):
    """Queue objects of ``count`` consumers sharing one queue, as separate processes would."""
    queues = [OncePerPeriodSqliteHuey("periodic-test", filename=str(path)) for _ in range(count)]
    for queue in queues:

        @queue.periodic_task(crontab(minute="*"), name="every_minute")
        def every_minute():
            return None

        @queue.periodic_task(crontab(minute="*/10"), name="every_ten")
        def every_ten():
            return None

    return queues


def _handed_out(queues, when):
    return sorted(task.name for queue in queues for task in queue.read_periodic(when))


def test_it_hands_each_periodic_task_to_one_consumer_per_minute(tmp_path):
    queues = _consumers(tmp_path / "huey.sqlite3")
    ten = dt.datetime(2026, 12, 7, 9, 10, 5)
    assert _handed_out(queues, ten) == ["every_minute", "every_ten"]
    # The same minute, looked at again later by the slower schedulers: nothing more.
    assert _handed_out(queues, ten + dt.timedelta(seconds=50)) == []
    assert _handed_out(queues, ten + dt.timedelta(minutes=1)) == ["every_minute"]
    assert _handed_out(queues, ten + dt.timedelta(minutes=10)) == ["every_minute", "every_ten"]


def test_it_runs_every_task_in_immediate_mode(tmp_path):
    (queue,) = _consumers(tmp_path / "huey.sqlite3", count=1)
    queue.immediate = True
    when = dt.datetime(2026, 12, 7, 9, 10)
    assert len(queue.read_periodic(when)) == 2


def test_it_keeps_only_the_last_few_claims_of_each_task(tmp_path):
    queues = _consumers(tmp_path / "huey.sqlite3")
    start = dt.datetime(2026, 12, 7, 9, 0, 5)
    for minute in range(120):
        _handed_out(queues, start + dt.timedelta(minutes=minute))
    keys = [key for key in queues[0].storage.result_items() if "periodic" in key]
    # every_minute and every_ten: three claims each, and one list of claims each.
    assert len(keys) == 8, sorted(keys)
