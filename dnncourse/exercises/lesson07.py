"""Lesson 07's exercises (see the lesson's last section)."""

CHECKS: dict = {}
