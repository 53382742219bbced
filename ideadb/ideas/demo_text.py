"""Deterministic generator of realistic Vietnamese demo ideas (text, place, unit, authors).

Pure Python with no database: ``generate_ideas(count, seed)`` yields plain dicts whose keys
are the idea fields of API.md plus ``district_code``/``unit_code`` (reference-data codes that
the loader maps to ids) and the legal application's ``owner``, ``conditions`` and
``confidential``. The same seed always gives the same ideas, and the first N ideas do not
depend on how many are asked for.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

from ideadb.ideas import demo_topics as data
from ideadb.units import reference

DEFAULT_SEED = 2021
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
YEAR_WEIGHTS = (12, 14, 17, 18, 19, 20)

_RANGE = re.compile(r"\{(\d+)-(\d+)\}")


@cache
def _compile(template: str) -> tuple[tuple[str, int, int], ...]:
    """Split "từ {6-9} ngày" into (literal, lo, hi) parts; hi < 0 marks the final literal."""
    parts: list[tuple[str, int, int]] = []
    pos = 0
    for match in _RANGE.finditer(template):
        parts.append((template[pos : match.start()], int(match[1]), int(match[2])))
        pos = match.end()
    parts.append((template[pos:], 0, -1))
    return tuple(parts)


def _number(value: int) -> str:
    """1500 -> "1.500" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plain_name(name: str) -> str:
    """ "Xã Nam Mẫu" -> "Nam Mẫu"."""
    for prefix in ("Thị trấn ", "Phường ", "Xã "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _in_sentence(name: str) -> str:
    """ "Xã Nam Mẫu" -> "xã Nam Mẫu", as written inside a sentence."""
    for prefix in ("Thị trấn ", "Phường ", "Xã "):
        if name.startswith(prefix):
            return prefix.lower() + name[len(prefix) :]
    return name


class _Units:
    """Reference-data units grouped the way the generator picks them."""

    def __init__(self) -> None:
        self.name: dict[str, str] = {}
        self.kind: dict[str, str] = {}
        self.district_of: dict[str, str | None] = {}
        self.local: dict[tuple[str, str], list[str]] = {}  # (district, kind) -> codes
        self.provincial: dict[str, list[str]] = {}  # kind -> codes
        for code, name, communes in reference.DISTRICTS:
            self._add(code, name, "district", code)
            for ccode, cname in communes:
                self._add(ccode, cname, "commune", code)
        for code, name in reference.MEMBER_ORGS:
            self._add(code, name, "member_org", None)
        for code, name, kind, parent in reference.OTHER_UNITS:
            self._add(code, name, kind, parent)

    def _add(self, code: str, name: str, kind: str, district: str | None) -> None:
        self.name[code] = name
        self.kind[code] = kind
        self.district_of[code] = district
        if district is None:
            self.provincial.setdefault(kind, []).append(code)
        else:
            self.local.setdefault((district, kind), []).append(code)

    def candidates(self, kinds: tuple[str, ...], district: str) -> list[str]:
        found: list[str] = []
        for kind in kinds:
            if kind.startswith("org:"):
                found.append(kind[4:])
            elif kind == "member_org":
                found.extend(self.provincial.get("member_org", []))
            else:
                local = self.local.get((district, kind), [])
                found.extend(local or self.provincial.get(kind, []))
        return found


_UNITS = _Units()
_INSTITUTION_KINDS = frozenset({"school", "hospital", "agency", "enterprise", "cooperative"})
_TOPICS_BY_AREA: dict[str, list[data.Topic]] = {}
for _topic in data.TOPICS:
    _TOPICS_BY_AREA.setdefault(_topic.area, []).append(_topic)
_AREAS = tuple(data.AREA_WEIGHTS)
_AREA_WEIGHTS = tuple(data.AREA_WEIGHTS.values())
_DISTRICTS = tuple(data.PLACES)


class _Writer:
    """One idea's worth of choices; every random draw goes through ``self.rng``."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.random = rng.random

    def fill(self, template: str, **slots: str) -> str:
        rand = self.random
        out = []
        for literal, lo, hi in _compile(template):
            out.append(literal)
            if hi >= 0:
                out.append(_number(lo + int(rand() * (hi - lo + 1))))
        text = "".join(out)
        return text.format(**slots) if slots and "{" in text else text

    def pick(self, options):
        return options[int(self.random() * len(options))]

    def weighted(self, options, cumulative):
        return options[bisect.bisect(cumulative, self.random() * cumulative[-1])]

    def sample(self, options, k: int) -> list:
        return self.rng.sample(options, k) if k < len(options) else list(options)

    def person(self, district: str, used: set[str]) -> str:
        ethnic = self.weighted(data.ETHNIC_ORDER, _ETHNIC_CUMULATIVE[district])
        surnames, male_mid, male_given, female_mid, female_given = data.NAMES[ethnic]
        name = ""
        for _ in range(20):
            if self.random() < 0.5:
                name = f"{self.pick(surnames)} {self.pick(male_mid)} {self.pick(male_given)}"
            else:
                name = f"{self.pick(surnames)} {self.pick(female_mid)} {self.pick(female_given)}"
            if name not in used:
                break
        used.add(name)
        return name

    def shares(self, n: int) -> list[int]:
        if n == 1:
            return [100]
        if n == 3 and self.random() < 0.12:
            return [34, 33, 33]
        # Twenty blocks of 5 %: each author at least 10 %, the first authors usually more.
        blocks = [2] * n
        cumulative = list(itertools.accumulate(n - i + (2 if i == 0 else 0) for i in range(n)))
        positions = range(n)
        for _ in range(20 - 2 * n):
            blocks[self.weighted(positions, cumulative)] += 1
        return sorted((5 * b for b in blocks), reverse=True)


def _cumulative(weights) -> list[int]:
    return list(itertools.accumulate(weights))


_ETHNIC_CUMULATIVE = {d: _cumulative(w) for d, w in data.ETHNIC_MIX.items()}
_AREA_CUMULATIVE = _cumulative(_AREA_WEIGHTS)
_YEAR_CUMULATIVE = _cumulative(YEAR_WEIGHTS)
_AUTHOR_COUNTS = (1, 2, 3, 4, 5)
_AUTHOR_CUMULATIVE = _cumulative((34, 30, 22, 10, 4))
# Workplace templates that name a place; the others are literal names of one unit.
_WORKPLACES = {t.key: tuple(w for w in t.workplaces if "{" in w) for t in data.TOPICS}
_COUNTING_WORDS = frozenset({"thủ tục"})  # "cho 20 thủ tục", otherwise "tại 20 hộ"


def _applied_from(w: _Writer, year: int) -> date | None:
    if w.random() < 0.14:
        return None
    start = date(year - 1, 1, 1)
    span = (date(year, 10, 31) - start).days
    return start + timedelta(days=int(w.random() * span))


def generate_ideas(count: int, seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """Yield ``count`` ideas; titles are unique within one run."""
    rng = random.Random(seed)
    titles: set[str] = set()
    writer = _Writer(rng)
    for index in range(count):
        yield _one_idea(writer, index, titles)


def _joined(items: list[str]) -> str:
    """ "a", "b", "c" -> "a, b và c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def _one_idea(w: _Writer, index: int, titles: set[str]) -> dict[str, Any]:
    pick = w.pick
    area = w.weighted(_AREAS, _AREA_CUMULATIVE)
    topic: data.Topic = pick(_TOPICS_BY_AREA[area])
    district = pick(topic.districts or _DISTRICTS)
    year = w.weighted(YEARS, _YEAR_CUMULATIVE)
    unit_code = pick(_UNITS.candidates(topic.kinds, district))
    unit_kind = _UNITS.kind[unit_code]
    unit_name = _UNITS.name[unit_code]
    district_full, district_short, communes = data.PLACES[district]

    commune_full = _in_sentence(unit_name) if unit_kind == "commune" else pick(communes)
    commune = _plain_name(_cap(commune_full))
    village = pick(data.VILLAGES)
    hamlet = "bản" if w.random() < 0.4 else "thôn"
    slots = {
        "commune": commune,
        "commune_full": commune_full,
        "district": district_short,
        "district_full": district_full,
        "village": village,
    }
    if unit_kind in _INSTITUTION_KINDS and w.random() < 0.7:
        where = unit_name
    else:
        where = pick(
            (
                f"{commune_full}, {district_full}",
                f"{hamlet} {village}, {commune_full}",
                commune_full,
                district_full,
            )
        )

    solutions = [s for s in topic.solutions if not s.districts or district in s.districts]
    solution = pick(solutions)
    goal = topic.goals[pick(solution.goals)]
    people = pick(topic.people)

    title = ""
    for attempt in range(12):
        if attempt:
            solution = pick(solutions)
            goal = topic.goals[pick(solution.goals)]
            where = pick(
                (
                    f"{hamlet} {pick(data.VILLAGES)}, {commune_full}",
                    f"{pick(communes)}, {district_full}",
                    unit_name,
                )
            )
        phrase = solution.phrase
        at = "ở" if " tại " in phrase or " tại " in goal else "tại"
        choice = int(w.random() * 8)
        if choice == 0:
            title = f"{_cap(phrase)} {at} {where}"
        elif choice == 1:
            title = f"{_cap(phrase)} nhằm {goal}"
        elif choice == 2:
            title = f"Giải pháp {phrase} ở {district_full}"
        elif choice == 3 and " cho " not in phrase:
            title = f"{_cap(phrase)} cho {people} ở {commune_full}"
        elif choice == 4:
            title = f"Sáng kiến {phrase} nhằm {goal} {at} {where}"
        elif choice == 5:
            title = f"Mô hình {phrase} {at} {hamlet} {village}, {commune_full}"
        elif choice == 6:
            title = f"{_cap(goal)} qua việc {phrase}"
        else:
            title = f"{_cap(goal)} {at} {where} bằng cách {phrase}"
        if attempt >= 8:
            title = f"{title} (giai đoạn {year}–{year + 2})"
        if attempt == 11:
            title = f"{title}, lần {index + 1}"
        if title not in titles:
            break
    titles.add(title)
    phrase = solution.phrase
    at = "ở" if " tại " in phrase else "tại"

    applied = _applied_from(w, year)
    problems = [w.fill(topic.problems[i]) for i in solution.problems]
    results = [w.fill(topic.results[i]) for i in w.sample(solution.results, 3)]
    unit_word, lo, hi = topic.scale
    count = lo + int(w.random() * (hi - lo + 1))
    scale = f"{'cho' if unit_word in _COUNTING_WORDS else 'tại'} {_number(count)} {unit_word}"

    choice = int(w.random() * 4)
    if choice == 0:
        context = f"Tại {where}, {problems[0]}."
    elif choice == 1:
        context = f"Qua theo dõi thực tế ở {where} cho thấy {problems[0]}."
    elif choice == 2:
        context = f"Trước năm {year}, tại {where}, {problems[0]}."
    else:
        context = f"Những năm gần đây, {people} ở {commune_full} gặp khó khăn vì {problems[0]}."
    if len(problems) > 1:
        context += " " + pick(("Bên cạnh đó, ", "Ngoài ra, ", "Mặt khác, ")) + problems[1] + "."
    choice = int(w.random() * 3)
    if choice == 0:
        proposal = f"Để khắc phục tình trạng trên, nhóm tác giả đã {phrase}."
    elif choice == 1:
        proposal = f"Từ thực tế đó, tác giả đề xuất giải pháp {phrase}."
    else:
        proposal = (
            f"Giải pháp được đưa ra là {phrase}, phù hợp với điều kiện của {people} ở địa phương."
        )
    proposal += f" Cụ thể, {w.fill(solution.how)}."
    if applied is not None:
        trial = pick(("áp dụng thử", "triển khai", "áp dụng"))
        proposal += (
            f" Giải pháp được {trial} từ tháng {applied.month:02d}/{applied.year}"
            f" {scale} của {pick((commune_full, district_full))}."
        )
        outcome = f"Kết quả cho thấy {_joined(results)}."
        summary = f"{_cap(phrase)} {at} {where}. Sau khi áp dụng, {results[0]}."
    else:
        proposal += f" Ý tưởng dự kiến được áp dụng thử {scale} trong năm {year + 1}."
        outcome = f"Theo tính toán của nhóm tác giả, nếu được áp dụng, {results[0]}."
        summary = f"{_cap(phrase)} {at} {where}. Dự kiến khi áp dụng, {results[0]}."
    description = f"{context}\n\n{proposal}\n\n{outcome}"

    if solution.novelty:
        clause = topic.novelty[pick(solution.novelty)]
        choice = int(w.random() * 4)
        if choice == 0:
            novelty = f"Điểm mới của giải pháp là {clause}."
        elif choice == 1:
            novelty = (
                f"Trước đây tại {commune_full} chưa có đơn vị, cá nhân nào áp dụng cách làm "
                f"này. Điểm mới: {clause}."
            )
        elif choice == 2:
            novelty = f"Giải pháp lần đầu được áp dụng {at} {where}; điểm mới là {clause}."
        else:
            novelty = f"So với cách làm trước đây, điểm khác biệt là {clause}."
    elif w.random() < 0.5:
        novelty = (
            f"Trước đây {at} {where} chưa có ai {phrase}; đây là cách làm mới, phù hợp với "
            "điều kiện của địa phương."
        )
    else:
        novelty = (
            f"Việc {phrase} lần đầu được thực hiện {at} {where}, khác với cách làm theo kinh "
            "nghiệm trước đây."
        )

    socials = w.sample(data.SOCIAL_BENEFITS[area], 2)
    economic = results[-1]
    if area == "san_xuat_kinh_doanh":
        benefits = f"Về kinh tế, {economic}. Về xã hội, {socials[0]}; {socials[1]}."
    else:
        benefits = f"{_cap(economic)}. Ngoài ra, {socials[0]}, {socials[1]}."

    conditions = ""
    if w.random() < 0.75:
        conditions = _cap(w.fill(pick(topic.conditions + data.GENERIC_CONDITIONS[area]))) + "."
    confidential = ""
    if topic.confidential and w.random() < 0.3:
        confidential = pick(topic.confidential) + "."
    owner = unit_name if unit_kind in ("enterprise", "cooperative") and w.random() < 0.6 else ""

    templates = _WORKPLACES[topic.key]
    if unit_kind == "commune":
        own = tuple(t for t in templates if "{commune" in t or "{village" in t) or templates
    elif unit_kind == "district":
        own = tuple(t for t in templates if "{district" in t) or templates
    else:
        own = ()
    if not own or (unit_kind not in ("commune", "district") and w.random() < 0.8):
        workplace = unit_name
    else:
        workplace = w.fill(pick(own), **slots)
    n_authors = w.weighted(_AUTHOR_COUNTS, _AUTHOR_CUMULATIVE)
    used: set[str] = set()
    authors: list[dict[str, Any]] = []
    for share in w.shares(n_authors):
        place = workplace
        if authors and templates and w.random() < 0.3:
            place = w.fill(pick(templates), **slots)
        authors.append({"name": w.person(district, used), "unit": place, "share": share})

    idea = {
        "title": title,
        "summary": summary,
        "description": description,
        "novelty": novelty,
        "benefits": benefits,
        "area": area,
        "year": year,
        "district_code": district,
        "unit_code": unit_code,
        "applied_from": applied,
        "authors": authors,
        "publish_consent": w.random() < 0.72,
        "owner": owner,
        "conditions": conditions,
        "confidential": confidential,
        "topic": topic.key,
    }
    for key in ("title", "summary", "description", "novelty", "benefits", "conditions"):
        idea[key] = unicodedata.normalize("NFC", idea[key])
    return idea
