"""Milestones: the tree, progress and roll-up, comments, criteria, queries and cards.
"""
