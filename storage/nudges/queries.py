"""The SQL of the nudges' sweep and delivery queue, written for both SQLite and PostgreSQL.

`{windows}`, `{people}`, `{records}` ... are JSON record sets (`storage.nudges.sql.records`):
one parameter each. Every candidate query is a superset the core narrows down exactly.
"""

from __future__ import annotations

from typing import Any

from core.nudges.deliveries import NewNudge

OPEN = "m.deleted_at IS NULL AND m.status NOT IN ('done', 'cancelled')"

# The minute a person's daily nudges go out: their cadence's time (theirs, the team's, 09:00),
# moved to the start of their working day when it falls outside their working hours.
DAILY_MINUTE = """
CASE WHEN COALESCE(pp.minute, tp.checkin_minute, {default_minute}) >= u.work_starts_min
      AND COALESCE(pp.minute, tp.checkin_minute, {default_minute})
          < CASE WHEN u.work_ends_min >= 1439 THEN 1440 ELSE u.work_ends_min END
     THEN COALESCE(pp.minute, tp.checkin_minute, {default_minute})
     ELSE u.work_starts_min END
"""

# Escalated, and its owner has not said anything since: its requests are paused.
PAUSED = """
(s.escalated_at IS NOT NULL AND s.last_asked_at IS NOT NULL
 AND COALESCE(m.last_update_at, m.created_at) <= s.last_asked_at)
"""

# The person `u` owns an open milestone on their own cadence that is not paused.
ASKABLE = """
    SELECT 1 FROM milestones m
    LEFT JOIN nudge_milestone_cadences c ON c.milestone_id = m.id
    LEFT JOIN nudge_ask_states s ON s.milestone_id = m.id
    WHERE m.tenant_id = u.tenant_id AND m.owner_id = u.id AND """ + OPEN + """
      AND c.id IS NULL AND NOT """ + PAUSED + """
"""

PEOPLE_DUE = """
SELECT u.id AS user_id, u.tenant_id, u.timezone, u.working_days, u.work_starts_min,
       u.work_ends_min, w.day, tp.id AS team_id,
       tp.checkin_weekday, tp.checkin_minute, tp.every_weeks, tp.anchor_week, tp.deadline_days,
       tp.overdue_every, tp.digest_weekday, tp.digest_minute,
       pp.weekday AS p_weekday, pp.minute AS p_minute, pp.every_weeks AS p_every_weeks,
       pp.anchor_week AS p_anchor_week,
       -- Worth asking only on what may be their check-in day (the cadence's weekday, or any
       -- day when that one is not worked); then one index probe, stopping at the first match.
       CASE WHEN COALESCE(pp.weekday, tp.checkin_weekday, 0) = w.weekday
                 OR NOT {works_cadence_day}
            THEN EXISTS (""" + ASKABLE + """)
            ELSE false END AS askable
FROM {windows}
JOIN users u ON u.timezone = w.zone
LEFT JOIN nudge_team_policies tp ON tp.tenant_id = u.tenant_id
LEFT JOIN nudge_person_policies pp ON pp.user_id = u.id
WHERE {works}
  AND """ + DAILY_MINUTE + """ BETWEEN w.lo AND w.hi
  AND NOT EXISTS (SELECT 1 FROM nudge_people np
                  WHERE np.user_id = u.id AND np.swept_on >= w.day)
  AND NOT EXISTS (SELECT 1 FROM nudge_vacations v
                  WHERE v.user_id = u.id AND v.starts <= w.day AND v.ends >= w.day)
  -- a daily pass that claimed the day's check-in is done for the day (its claim is its mark)
  AND NOT EXISTS (SELECT 1 FROM nudge_deliveries d
                  WHERE d.tenant_id = u.tenant_id AND d.user_id = u.id AND d.channel = ''
                    AND d.kind = 'checkin' AND d.milestone_id = 0
                    AND d.period = CAST(w.day AS TEXT) AND d.detail = 'pass'){scope}
"""

MILESTONES_DUE = """
SELECT c.tenant_id, m.owner_id, c.milestone_id, c.weekday, c.minute, c.every_weeks,
       c.anchor_week, w.day, u.timezone, u.working_days, u.work_starts_min, u.work_ends_min
FROM nudge_milestone_cadences c
JOIN milestones m ON m.id = c.milestone_id
JOIN users u ON u.id = m.owner_id
JOIN {windows} ON w.zone = u.timezone
LEFT JOIN nudge_ask_states s ON s.milestone_id = m.id
WHERE """ + OPEN + """ AND NOT """ + PAUSED + """
  AND CASE WHEN c.minute >= u.work_starts_min
            AND c.minute < CASE WHEN u.work_ends_min >= 1439 THEN 1440 ELSE u.work_ends_min END
           THEN c.minute ELSE u.work_starts_min END BETWEEN w.lo AND w.hi{scope}
"""

TEAMS_DUE = """
SELECT t.id AS tenant_id, t.timezone, w.day,
       tp.checkin_weekday, tp.checkin_minute, tp.every_weeks, tp.anchor_week, tp.deadline_days,
       tp.overdue_every, tp.digest_weekday, tp.digest_minute
FROM tenants t
JOIN {windows} ON w.zone = t.timezone
LEFT JOIN nudge_team_policies tp ON tp.tenant_id = t.id
WHERE (tp.id IS NULL OR tp.digest_weekday IS NOT NULL)
  AND COALESCE(tp.digest_weekday, {default_weekday}) = w.weekday
  AND COALESCE(tp.digest_minute, {default_minute}) BETWEEN w.lo AND w.hi{scope}
"""

MILESTONE_COLUMNS = """m.id, m.tenant_id, m.number, m.kind, m.title, m.owner_id, m.parent_id,
m.status, m.progress, m.priority, m.due_date, m.created_at, m.last_update_at, m.completed_at,
m.channel"""
MILESTONE_SELECT = f"SELECT {MILESTONE_COLUMNS} FROM milestones m"

# Driven by the due dates (index on tenant and due date), not by the people: of the tens of
# milestones each person owns, only those due soon or overdue are read.
OPEN_DUE = MILESTONE_SELECT + """
JOIN {people} ON m.tenant_id = p.tenant_id AND m.owner_id = p.user_id
WHERE {tenants} AND m.due_date IS NOT NULL AND m.due_date <= ? AND """ + OPEN + """
"""

WATCHED_OVERDUE = "SELECT mm.user_id AS watcher_id, " + MILESTONE_COLUMNS + """
FROM milestones m
JOIN milestone_members mm ON mm.milestone_id = m.id AND mm.role = 'watcher'
JOIN {people} ON p.tenant_id = mm.tenant_id AND p.user_id = mm.user_id
WHERE {tenants} AND m.due_date IS NOT NULL AND m.due_date < ? AND """ + OPEN + """
  AND NOT EXISTS (
      SELECT 1 FROM nudge_deliveries d
      WHERE d.tenant_id = m.tenant_id AND d.user_id = mm.user_id AND d.channel = ''
        AND d.kind = 'overdue_watch' AND d.milestone_id = m.id
        AND d.period = CAST(m.due_date AS TEXT))
"""

DIGEST_CHANNELS = """
SELECT DISTINCT m.tenant_id, m.channel FROM milestones m
WHERE {tenants} AND m.channel IS NOT NULL AND m.channel <> '' AND m.deleted_at IS NULL
  AND (m.status NOT IN ('done', 'cancelled') OR (m.status = 'done' AND m.completed_at >= ?))
ORDER BY m.tenant_id, m.channel
"""

CLAIM_COLUMNS = (("tenant_id", "int"), ("user_id", "int"), ("channel", "text"), ("kind", "text"),
                 ("milestone_id", "int"), ("period", "text"), ("detail", "text"),
                 ("not_before", "ts"))
KEY = "tenant_id, user_id, channel, kind, milestone_id, period"
CLAIM_CONFLICT = {"postgres": f"({KEY})", "sqlite": ""}

# One statement claims a whole sweep; a key claimed before (by another instance, or an earlier
# tick of the window) is left alone, and only the new ones come back.
CLAIM = """
INSERT INTO nudge_deliveries (tenant_id, user_id, channel, kind, milestone_id, period, detail,
                              status, not_before, attempts, routes_done, prepared, snoozed,
                              last_error, created_at)
SELECT x.tenant_id, x.user_id, x.channel, x.kind, x.milestone_id, x.period, x.detail,
       'pending', x.not_before, 0, '[]', false, false, '', ?
FROM {records} WHERE true
ON CONFLICT {conflict} DO NOTHING
RETURNING tenant_id, user_id, channel, kind, milestone_id, period
"""

CLAIMED = """
SELECT d.tenant_id, d.user_id, d.channel, d.kind, d.milestone_id, d.period
FROM {records}
JOIN nudge_deliveries d ON d.tenant_id = x.tenant_id AND d.user_id = x.user_id
 AND d.channel = x.channel AND d.kind = x.kind AND d.milestone_id = x.milestone_id
 AND d.period = x.period
"""


def claim_row(n: NewNudge) -> tuple[Any, ...]:
    return (n.tenant_id, n.user_id or 0, n.channel, n.kind.value, n.milestone_id or 0,
            n.period, n.detail[:80], n.not_before)


# PostgreSQL: the claim and the record of the daily passes in one statement; a pass that
# claimed its check-in is recorded by that claim.
CLAIM_DAY = """
WITH claimed AS (
    INSERT INTO nudge_deliveries (tenant_id, user_id, channel, kind, milestone_id, period,
                                  detail, status, not_before, attempts, routes_done, prepared,
                                  snoozed, last_error, created_at)
    SELECT x.tenant_id, x.user_id, x.channel, x.kind, x.milestone_id, x.period, x.detail,
           'pending', x.not_before, 0, '[]', false, false, '', ?
    FROM {records}
    ON CONFLICT (""" + KEY + """) DO NOTHING
    RETURNING user_id, kind, period, detail
), recorded AS (
    INSERT INTO nudge_people (tenant_id, user_id, swept_on)
    SELECT y.tenant_id, y.user_id, y.day FROM {passes}
    WHERE NOT EXISTS (SELECT 1 FROM claimed c
                      WHERE c.user_id = y.user_id AND c.kind = 'checkin' AND c.detail = 'pass'
                        AND c.period = CAST(y.day AS TEXT))
    ON CONFLICT (user_id) DO UPDATE SET swept_on =
        CASE WHEN excluded.swept_on > nudge_people.swept_on THEN excluded.swept_on
             ELSE nudge_people.swept_on END
)
SELECT COUNT(*) AS claimed FROM claimed
"""

MARK_SWEPT = """
INSERT INTO nudge_people (tenant_id, user_id, swept_on)
SELECT x.tenant_id, x.user_id, x.day FROM {records} {where}
ON CONFLICT (user_id) DO UPDATE SET swept_on =
    CASE WHEN excluded.swept_on > nudge_people.swept_on THEN excluded.swept_on
         ELSE nudge_people.swept_on END
"""

LEASE = """
UPDATE nudge_deliveries SET attempts = attempts + 1, not_before = ?
WHERE id IN (SELECT d.id FROM nudge_deliveries d
             WHERE d.status = 'pending' AND d.not_before <= ?{scope}
             ORDER BY d.not_before, d.id LIMIT ? {lock})
RETURNING *
"""

RESCHEDULE = """
UPDATE nudge_deliveries
SET status = 'pending', not_before = ?, attempts = 0, routes_done = '[]', prepared = false,
    snoozed = true, sent_at = NULL, last_error = ''
WHERE id = ? AND tenant_id = ?
"""

# Everything sent at the last moment something was sent to the person (a tick's batch).
LATEST_NUDGES = """
SELECT * FROM nudge_deliveries
WHERE tenant_id = ? AND user_id = ? AND status = 'sent' AND sent_at >= ?
  AND sent_at = (SELECT MAX(sent_at) FROM nudge_deliveries
                 WHERE tenant_id = ? AND user_id = ? AND status = 'sent' AND sent_at >= ?)
ORDER BY id
"""

RECEIPTS = """
SELECT r.id AS receipt_id, n.read_at, d.* FROM nudge_receipts r
JOIN nudge_deliveries d ON d.id = r.nudge_id
LEFT JOIN notifications n ON n.id = r.notification_id
WHERE r.tenant_id = ? AND r.user_id = ? AND r.id > ?{unread}
ORDER BY r.id DESC LIMIT ?
"""

OWNED_CADENCES = """
SELECT c.* FROM nudge_milestone_cadences c JOIN milestones m ON m.id = c.milestone_id
WHERE c.tenant_id = ? AND m.owner_id = ? AND """ + OPEN + """
"""

ASK_COLUMNS = (("tenant_id", "int"), ("milestone_id", "int"), ("unanswered", "int"),
               ("last_asked_at", "ts"), ("asked_on", "date"), ("escalated_at", "ts"))

SAVE_ASK_STATES = """
INSERT INTO nudge_ask_states (tenant_id, milestone_id, unanswered, last_asked_at, asked_on,
                              escalated_at)
SELECT x.tenant_id, x.milestone_id, x.unanswered, x.last_asked_at, x.asked_on, x.escalated_at
FROM {records} {where}
ON CONFLICT (milestone_id) DO UPDATE SET
    unanswered = excluded.unanswered, last_asked_at = excluded.last_asked_at,
    asked_on = excluded.asked_on, escalated_at = excluded.escalated_at
"""

DIGEST_MILESTONES = "SELECT " + MILESTONE_COLUMNS + """, t.timezone AS tenant_timezone
FROM milestones m
JOIN {channels} ON m.tenant_id = x.tenant_id AND m.channel = x.channel
JOIN tenants t ON t.id = m.tenant_id
WHERE m.deleted_at IS NULL
  AND (m.status NOT IN ('done', 'cancelled') OR (m.status = 'done' AND m.completed_at >= ?))
ORDER BY m.number
"""

DIGEST_MOVES = """
SELECT p.milestone_id, COUNT(*) AS checkins FROM progress_updates p
WHERE p.created_at >= ? AND {ids} AND p.percent IS NOT NULL
GROUP BY p.milestone_id
"""

DIGEST_BEFORE = """
SELECT latest.milestone_id, latest.percent FROM progress_updates latest
WHERE latest.id IN (SELECT MAX(p.id) FROM progress_updates p
                    WHERE {ids} AND p.created_at < ? AND p.percent IS NOT NULL
                    GROUP BY p.milestone_id)
"""

INBOX_COLUMNS = (("tenant_id", "int"), ("user_id", "int"), ("kind", "text"), ("text", "text"),
                 ("milestone_id", "int"), ("at", "ts"))

ADD_NOTIFICATIONS = """
INSERT INTO notifications (tenant_id, user_id, kind, text, milestone_id, actor_id, created_at,
                           read_at)
SELECT x.tenant_id, x.user_id, x.kind, x.text, x.milestone_id, NULL, x.at, NULL
FROM {records} WHERE true
RETURNING id, tenant_id, user_id, kind, text
"""

RECEIPT_COLUMNS = (("tenant_id", "int"), ("nudge_id", "int"), ("user_id", "int"),
                   ("notification_id", "int"))

ADD_RECEIPTS = """
INSERT INTO nudge_receipts (tenant_id, nudge_id, user_id, notification_id)
SELECT x.tenant_id, x.nudge_id, x.user_id, x.notification_id FROM {records} WHERE true
"""

SETTLE_COLUMNS = (("id", "int"), ("status", "text"), ("retry_at", "ts"), ("error", "text"),
                  ("routes", "json"))

SETTLE = """
UPDATE nudge_deliveries AS d
SET status = x.status,
    sent_at = CASE WHEN x.status = 'sent' THEN ? ELSE d.sent_at END,
    not_before = COALESCE(x.retry_at, d.not_before),
    last_error = x.error,
    routes_done = {routes}
FROM {records}
WHERE d.id = x.id
"""
