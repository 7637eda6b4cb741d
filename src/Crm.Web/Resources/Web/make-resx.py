"""Writes Ui.de.resx from ui-de.txt (English TAB German, one pair a line) and lists the T["…"]
texts of the views that have no German yet. Run from src/Crm.Web: python3 Resources/Web/make-resx.py"""
import glob, re, sys
from xml.sax.saxutils import escape
pairs = {}
for line in open("Resources/Web/ui-de.txt", encoding="utf-8"):
    line = line.rstrip("\n")
    if line:
        english, german = line.split("\t")
        pairs[english] = german
out = ['<?xml version="1.0" encoding="utf-8"?>', "<root>",
       '  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>',
       '  <resheader name="version"><value>2.0</value></resheader>',
       '  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>',
       '  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>']
for english in sorted(pairs):
    out.append(f'  <data name="{escape(english, {chr(34): "&quot;"})}" xml:space="preserve"><value>{escape(pairs[english])}</value></data>')
out.append("</root>")
open("Resources/Web/Ui.de.resx", "w", encoding="utf-8").write("\n".join(out) + "\n")
used = set()
for view in glob.glob("Features/**/*.cshtml", recursive=True):
    used |= set(re.findall(r'T\["([^"]+)"', open(view, encoding="utf-8").read()))
missing = sorted(used - set(pairs))
print("untranslated:", missing if missing else "none")
