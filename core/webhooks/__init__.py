"""Outgoing webhooks: signed deliveries of Cairn's events to the integrators' endpoints.

Pure and standard library only. The model (`endpoints`, `signing_secrets`, `events`), the
address rules (`addresses`, `urls`), the Standard Webhooks retry `schedule`, what to deliver
(`deliveries.plan_deliveries`), what to do after each attempt (`decisions.after_attempt`), the
`ports` that storage and the HTTP sender implement, and the loop that sends what is due
(`dispatch.deliver_due`).
"""
