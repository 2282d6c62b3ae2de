"""The transactional outbox on PostgreSQL: a commit's domain events, delivered to the workers at least once.

One word per step, the same in every layer:
- store (`store.py`): the unit of work writes each commit's domain events as outbox rows in that commit,
  and the commit notifies the `planner_outbox` channel (delivered only if it commits);
- relay (`relay.py`): each worker LISTENs and hands the stored rows to SAQ (adapters/saq/outbox.py) as soon
  as a commit notifies; the minute's sweep hands over whatever no relay did;
- deliver (`progress.py`, entrypoints/worker/outbox_tasks.py): a worker task runs the reactions of
  application/handlers.py on one row, then marks it processed; processed rows are purged after a week.
`codec.py` turns domain events into the rows' JSON and back.
"""
