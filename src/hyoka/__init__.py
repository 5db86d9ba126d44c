"""hyoka (評価): public program evaluation sheets — author, check, store, publish, analyse."""

__version__ = "0.1.0"
