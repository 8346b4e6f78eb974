"""Practice (/practice): fresh problems of the assignment's kind from a seed, marked with the misconception named.

- problems: a problem's statement, worked solution, the score and the quiz sheets' files (pure)
- session: which problem is shown, the answers typed and the score, in session state (Streamlit)
"""
