"""`plan.json`: the resolved plan and its deployment, for other tools (schemas/plan.schema.json)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from fractions import Fraction
from typing import Any, BinaryIO

from ttuplan.deployment import Deployment, Roster
from ttuplan.model import Plan

SCHEMA_VERSION = 2  # 2: `info.basis` is a list (the Dasar list), `site_contacts` added


def to_data(value: Any) -> Any:
    """Model and deployment values as JSON data."""
    if isinstance(value, Roster):
        return {
            "posts": [
                {"phase": phase, "post": post, "members": to_data(list(members))}
                for (phase, post), members in value.posts.items()
            ],
            "holds": [
                {"phase": phase, "holder": holder, "members": to_data(list(members))}
                for (phase, holder), members in value.holds.items()
            ],
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Fields left out of equality (spans, the files read) say where the plan was
        # written, not what it says, and differ between machines.
        return {
            f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        }
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # Site, Post, Assignment
        return {k: to_data(v) for k, v in value._asdict().items() if k != "span"}
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(to_data(item) for item in value)
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, dt.datetime | dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plan_json(
    plan: Plan, deployment: Deployment, fingerprint: str, version: str, out: BinaryIO
) -> None:
    """Write plan.json into `out`, streamed (a national plan's is half a gigabyte)."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"ttuplan {version}",
        "fingerprint": fingerprint,
        "plan": to_data(plan),
        "deployment": to_data(deployment),
    }
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")
    stream.flush()
    stream.detach()
