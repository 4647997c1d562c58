"""Lesson 02's exercises (see the lesson's last section)."""

CHECKS: dict = {}
