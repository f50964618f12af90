"""Only the build step that ships config/ inside the wheel; everything else is in pyproject.toml.

The reference data stays in config/ at the top of the repository (part of the design); a wheel
carries a copy as sfoflow/_config/, which sfoflow/config_dir.py prefers when it is there. An
editable install copies nothing and reads the repository's folder.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithConfig(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / "sfoflow" / "_config"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / "config", target)


setup(cmdclass={"build_py": BuildPyWithConfig})
