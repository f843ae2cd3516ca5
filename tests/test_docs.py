"""The newcomer's documentation keeps up with the code: every setting is in README's settings table and in
``.env.example``; every command and option of the command line (and of the simulator it starts) is in README's
command-line section."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from saleor_asc_app.cli import main
from saleor_asc_app.settings import Settings
from saleor_asc_app.simulator.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()


def section(title: str) -> str:
    """README's ``## <title>`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


SETTINGS = sorted(f"ASC_{name.upper()}" for name in Settings.model_fields)


@pytest.mark.parametrize("variable", SETTINGS)
def test_every_setting_is_in_the_readme_table(variable: str) -> None:
    rows = [line for line in section("Settings").splitlines() if line.startswith("|")]
    assert any(re.search(rf"`{variable}`", row) for row in rows), f"{variable} is missing from README's settings table"


@pytest.mark.parametrize("variable", SETTINGS)
def test_every_setting_is_in_env_example(variable: str) -> None:
    assert re.search(rf"^#? ?{variable}=", ENV_EXAMPLE, re.MULTILINE), f"{variable} is missing from .env.example"


def cli_words() -> list[str]:
    """``<command>`` and ``<command> --option`` for every command and option of ``saleor-asc-app``."""
    words = [opt for param in main.params for opt in param.opts if opt.startswith("--") and opt != "--help"]
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        words.append(name)
        for param in command.params:
            if isinstance(param, click.Option):
                words += [f"{name} {opt}" for opt in param.opts if opt.startswith("--") and opt != "--help"]
    for action in build_parser()._actions:
        words += [f"simulator {opt}" for opt in action.option_strings if opt.startswith("--") and opt != "--help"]
    return words


@pytest.mark.parametrize("word", cli_words())
def test_every_command_and_option_is_in_the_readme(word: str) -> None:
    text = section("Command line")
    command, _, option = word.partition(" ")
    if command.startswith("--"):  # an option of saleor-asc-app itself
        assert f"saleor-asc-app {command}" in text, f"`saleor-asc-app {command}` is missing from README"
        return
    assert f"saleor-asc-app {command}" in text, f"the `{command}` command is missing from README's command line"
    if option:
        paragraph = next((p for p in text.split("\n- ") if p.startswith(f"`{command}`")), "")
        assert f"`{option}" in paragraph, f"`{command} {option}` is missing from README's `{command}` item"
