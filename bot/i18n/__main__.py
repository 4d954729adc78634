"""The translators' command: ``python -m bot.i18n update | add CODE | check [CODE…]`` (bot/i18n/README.md).

update  regenerate bot/i18n/messages.pot from the code and merge it into every locales/<code>.po
add     start locales/<code>.po for a new language from the template (then translate it)
check   list what keeps each catalogue (or the ones named) from being complete and within Telegram's limits
"""

from __future__ import annotations

import argparse
import sys

from bot.i18n import template
from bot.i18n.catalogues import LOCALES
from bot.i18n.checks import problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.i18n", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="regenerate messages.pot from the code and merge it into every catalogue")
    add = commands.add_parser("add", help="start a catalogue for a new language")
    add.add_argument("code", help="CLDR locale code: uk, pt_BR, zh_Hant (what Telegram sends, with _ for -)")
    check = commands.add_parser("check", help="list missing, fuzzy, mismatched or too long translations")
    check.add_argument("codes", nargs="*", help="languages to check (default: every catalogue)")
    args = parser.parse_args(argv)

    fresh = template.extract()
    if args.command == "update":
        template.TEMPLATE.write_bytes(template.template_text(fresh))
        print(f"{template.TEMPLATE.relative_to(template.ROOT)}: {len(fresh)} messages")
        for path in template.update(fresh):
            print(f"updated {path.relative_to(template.ROOT)}")
        return 0
    if args.command == "add":
        path = template.add(fresh, args.code)
        print(f"wrote {path.relative_to(template.ROOT)}: translate every msgstr, then run python -m bot.i18n check {args.code}")
        return 0
    status = 0
    if not template.TEMPLATE.exists() or template.TEMPLATE.read_bytes() != template.template_text(fresh):
        print("bot/i18n/messages.pot is not up to date with the code: run python -m bot.i18n update")
        status = 1
    codes = args.codes or sorted(path.stem for path in LOCALES.glob("*.po"))
    for code in codes:
        path = LOCALES / f"{code}.po"
        if not path.exists():
            print(f"{code}: no catalogue {path.relative_to(template.ROOT)} (python -m bot.i18n add {code})")
            status = 1
            continue
        found = problems(template.read(path), fresh)
        print(f"{code}: {len(fresh) - len({problem.message for problem in found})} of {len(fresh)} messages ready")
        for problem in found:
            print(f"  {problem}")
        status = status or int(bool(found))
    return status


if __name__ == "__main__":
    sys.exit(main())
