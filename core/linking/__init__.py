"""One company on Slack and Teams: link codes, the merge of a joining workspace into a host
tenant, unlinking, and which platform a person who is on both is nudged on."""
