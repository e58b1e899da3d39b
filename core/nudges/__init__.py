"""Nudges: check-ins, deadline alerts, escalation, digests, sweep and delivery.
"""
