"""Renderers: what is stored, written out for people and programs.

``opendata``: JSON documents, CSV files and an xlsx workbook of the stored sheets.
"""
