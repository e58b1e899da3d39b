"""What every chat platform shares about interacting with people, in platform-neutral values.

- `idempotency`: a request carried out once, its key claimed inside the change's own unit of
  work (`Command.idempotency_key`).
- `forms`: the forms people fill (milestone new and edit, check-in, comment, reminder settings,
  vacation) as fields with kinds, initial values, choices and limits; validation answering field
  errors keyed by field name; and `apply_*` use cases that carry a submitted form out in one unit
  of work.

A platform renders a `forms.Form` in its own widgets (a Slack modal, a Teams task module, a
prompt in the shell), reads a submission back into `{field name: raw value}`, and hands it to
the core; field errors come back keyed by the same names.
"""
