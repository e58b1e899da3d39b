"""The REST API (`/api/v1`): HTTP in, the core's commands and reads, JSON out.

Translates and nothing else: pydantic models validate the requests and describe them in the
OpenAPI document (`openapi.py`), every write is a core command run by `core.bus.execute`,
every read a `core.milestones.records` query; errors are RFC 9457 problem details with the
core's wording. It opens no unit of work and imports no storage.
"""
