"""Outgoing webhooks over HTTP: the signed sender (`sender`), its address guard (`guard`) and
Standard Webhooks signatures and secrets (`signing`)."""
