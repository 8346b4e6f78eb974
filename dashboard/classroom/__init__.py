"""The instructor's side of a course (/teach): the instructor key, quiz sheets with their answer keys, and (with
class sessions) what a class answers. Nothing here is reachable from a student's page without the key.

- access: the instructor key (from the environment, the secrets file, or made at start and logged) and the
  lockout after wrong keys (Streamlit)
- sheets: quiz sheets, answer keys and answers tables for N variants of a practice problem (pure)
"""
