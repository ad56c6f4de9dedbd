"""Channels that fill themselves: sources, rules, the gap filler, awareness days and trends."""
