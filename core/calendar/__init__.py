"""Calendars: the model, commands, feeds and the sync use cases (out, in, repair, push) behind the
CalendarGateway port.
"""
