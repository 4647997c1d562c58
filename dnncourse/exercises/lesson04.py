"""Lesson 04's exercises (see the lesson's last section)."""

CHECKS: dict = {}
