from __future__ import annotations

from pathlib import Path

from summit.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")

    missing = [
        name for name in Settings.model_fields if f"`SUMMIT_{name.upper()}`" not in documented
    ]

    assert missing == []


def test_readme_opens_with_two_one_line_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = quick_start.split("```sh\n")[1:]
    commands = [block.split("```", 1)[0].strip() for block in blocks]

    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert commands[0].endswith("summit demo")


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    second = readme.split("```sh\n")[2].split("```", 1)[0].strip()

    assert f'QUICKSTART_TEST="{second}"' in ci


def test_the_data_model_names_every_table() -> None:
    from summit.tables import metadata

    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")

    assert sorted(name for name in metadata.tables if f"`{name}`" not in text) == []
