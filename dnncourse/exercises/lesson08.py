"""Lesson 08's exercises (see the lesson's last section)."""

CHECKS: dict = {}
