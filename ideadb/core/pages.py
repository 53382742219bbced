"""Pages that belong to no single feature: the home page."""

from flask import render_template


def home():
    return render_template("home.html")
