"""The Streamlit dashboard's shared pieces: plain builders (figures, worked steps, tables, sentences about
numbers: testable without a browser) and the widgets every page uses. Numbers come from `backprop`; nothing
here computes a gradient. The lab, practice and the instructor's side have folders of their own (dashboard/lab,
dashboard/practice, dashboard/classroom).

PURE lists the modules that import no Streamlit, directly or through another module: what they build can be
tested and reused without a running app (tests/dashboard/test_house.py holds them to it).
"""

PURE = (
    "dashboard.claims",
    "dashboard.codeout.notebooks",
    "dashboard.codeout.scripts",
    "dashboard.demos",
    "dashboard.diagram",
    "dashboard.exports",
    "dashboard.figures",
    "dashboard.marking",
    "dashboard.numbers",
    "dashboard.parsing",
    "dashboard.presenting",
    "dashboard.steps",
    "dashboard.tables",
    "dashboard.urlstate",
    "dashboard.lab.animation",
    "dashboard.lab.at_epoch",
    "dashboard.lab.confusion",
    "dashboard.lab.controls",
    "dashboard.lab.data",
    "dashboard.lab.handoff",
    "dashboard.lab.lessons",
    "dashboard.lab.plots",
    "dashboard.practice.problems",
    "dashboard.classroom.sheets",
    "dashboard.classroom.lms",
    "dashboard.classroom.handout",
    "dashboard.classroom.store",
    "dashboard.classroom.answers",
)
