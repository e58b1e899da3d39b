"""The scoring repositories of one unit of work, as `core.scoring.recording.ScoringPorts`."""

from __future__ import annotations

from core.scoring.recording import ScoringPorts
from storage.scoped import Session
from storage.scoring.announcements import TortoiseAwardAnnouncements
from storage.scoring.ledger import TortoiseAchievements, TortoiseEventLog, TortoiseLedger
from storage.scoring.people import TortoiseChallenges, TortoiseTeams


def scoring_ports(session: Session) -> ScoringPorts:
    return ScoringPorts(challenges=TortoiseChallenges(session), teams=TortoiseTeams(session),
                        log=TortoiseEventLog(session), ledger=TortoiseLedger(session),
                        achievements=TortoiseAchievements(session),
                        announcements=TortoiseAwardAnnouncements(session))
