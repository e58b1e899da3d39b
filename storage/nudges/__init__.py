"""Storage of nudges: their own tortoise app (`storage.nudges.models`) and the repository that
implements `core.nudges.ports.NudgeRepository`, reached as `tx.nudges`."""
