"""The one text grammar: lines -> Command objects (parse, options, help).
"""
