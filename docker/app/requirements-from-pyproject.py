"""Print the build requirements and dependencies named in pyproject.toml.

The image installs them in a layer of their own, before the source is copied,
so that a change to the code reuses the installed dependencies.
"""
import sys
import tomllib

with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)

print("\n".join(project["build-system"]["requires"] + project["project"]["dependencies"]))
