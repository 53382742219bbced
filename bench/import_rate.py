"""Import rate of ``ideadb import`` for a 5,000-row .xlsx written from the demo text generator.

Run from the repository root:  python bench/import_rate.py [--rows N] [--no-cli] [--keep DIR]
Writes the workbook (the template's columns, areas and units by code, authors as
"Tên - Đơn vị (60%); ..."), then times on fresh SQLite instances:
  1. ``importer.import_ideas`` as the secretary: check + write in one transaction;
  2. the same with ``dry_run`` (check only);
  3. ``ideadb import FILE --user thuky`` in a subprocess (start-up included), unless --no-cli.
Prints rows/s for each. IDEADB_DATABASE_URL, when set, is used instead of SQLite for 1 and 2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from ideadb.ideas.demo_text import generate_ideas
    from ideadb.ideas.importer import COLUMNS

    book = Workbook(write_only=True)
    book.create_sheet("Hướng dẫn").append(["Ghi mỗi ý tưởng trên một dòng của trang tiếp theo."])
    sheet = book.create_sheet("Ý tưởng")
    sheet.append([c.header for c in COLUMNS])
    for idea in generate_ideas(rows, seed=5000):
        authors = "; ".join(f"{a['name']} - {a['unit']} ({a['share']}%)" for a in idea["authors"])
        applied = idea["applied_from"].strftime("%d/%m/%Y") if idea["applied_from"] else ""
        values = {
            "title": idea["title"],
            "summary": idea["summary"],
            "description": idea["description"],
            "novelty": idea["novelty"],
            "benefits": idea["benefits"],
            "area": idea["area"],
            "year": idea["year"],
            "unit_id": idea["unit_code"],
            "district_id": idea["district_code"],
            "authors": authors,
            "applied_from": applied,
            "publish_consent": "Có" if idea["publish_consent"] else "Không",
            "owner_name": idea["owner"],
            "application_conditions": idea["conditions"],
            "confidential_info": idea["confidential"],
        }
        sheet.append([values.get(c.field, "") for c in COLUMNS])
    book.save(path)


def fresh_app(instance: Path):
    from ideadb import create_app
    from ideadb.demo import ensure_demo_users
    from ideadb.extensions import db
    from ideadb.units.service import load_reference_data

    config = {"INSTANCE_DIR": str(instance), "SECRET_KEY": "bench"}
    if os.environ.get("IDEADB_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["IDEADB_DATABASE_URL"]
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data(db.session)
        ensure_demo_users(db.session)
    return app


def time_service(path: Path, instance: Path, *, dry_run: bool) -> tuple[float, int]:
    import sqlalchemy as sa

    from ideadb.accounts.models import User
    from ideadb.extensions import db
    from ideadb.ideas import importer

    app = fresh_app(instance)
    data = path.read_bytes()
    with app.app_context():
        secretary = db.session.scalar(sa.select(User).where(User.username == "thuky"))
        start = time.perf_counter()
        result = importer.import_ideas(db.session, secretary, path.name, data, dry_run=dry_run)
        elapsed = time.perf_counter() - start
        if result.errors:
            raise SystemExit(f"unexpected errors: {[e.as_dict() for e in result.errors[:5]]}")
        return elapsed, result.created


def time_cli(path: Path, instance: Path) -> float:
    env = dict(os.environ, IDEADB_INSTANCE_DIR=str(instance), PYTHONPATH=str(ROOT))
    env.pop("IDEADB_DATABASE_URL", None)
    run = [sys.executable, "-m", "ideadb"]
    subprocess.run([*run, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [*run, "demo", "--ideas", "0"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    start = time.perf_counter()
    subprocess.run(
        [*run, "import", str(path), "--user", "thuky"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="write the workbook here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ideadb-import-") as tmp:
        tmp_path = Path(tmp)
        path = (args.keep or tmp_path) / f"y-tuong-{args.rows}.xlsx"
        start = time.perf_counter()
        write_workbook(path, args.rows)
        size = path.stat().st_size / 1024 / 1024
        print(
            f"workbook: {args.rows} rows, {size:.1f} MB, written in {time.perf_counter() - start:.1f} s"
        )

        elapsed, created = time_service(path, tmp_path / "a", dry_run=False)
        print(
            f"import_ideas (check + write, one transaction): {created} ideas in {elapsed:.1f} s "
            f"= {created / elapsed:.0f} rows/s"
        )
        elapsed, checked = time_service(path, tmp_path / "b", dry_run=True)
        print(
            f"import_ideas dry run (check only): {checked} rows in {elapsed:.1f} s "
            f"= {checked / elapsed:.0f} rows/s"
        )
        if not args.no_cli:
            elapsed = time_cli(path, tmp_path / "c")
            print(
                f"ideadb import FILE (subprocess, start-up included): {args.rows} rows in "
                f"{elapsed:.1f} s = {args.rows / elapsed:.0f} rows/s"
            )


if __name__ == "__main__":
    main()
