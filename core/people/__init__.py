"""People and workspaces: joining, profiles, roles, plans.
"""
