"""What every chat platform shares about interacting with people, in platform-neutral values.

- `idempotency`: a request carried out once, its key claimed inside the change's own unit of
  work (`Command.idempotency_key`).
- `form_specs`, `reminder_form_specs`: the forms people fill (milestone new and edit, check-in,
  comment, vacation, reminder settings) as fields with kinds, labels, initial values, choices
  and limits; `form_opening` fills them for who opens them;
- `form_reading`, `validation`, `reminder_forms`: a submission read and checked, field errors
  keyed by the same field names;
- `form_commands`: a submission as one command (`forms`, `reminder_forms`), carried out in one
  unit of work (`form_submissions`, `reminder_submissions`).

A platform renders a `form_specs.Form` in its own widgets (a Slack modal, a Teams task module, a
prompt in the shell), reads a submission back into `{field name: raw value}`, and hands it to
the core; field errors come back keyed by the same names.
"""
