"""The gravity models analysts declare in analysis/gravity_models.yml, validated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SPEC_PATH = Path(__file__).with_name("gravity_models.yml")
BASE_TERMS = ("ln_population_origin", "ln_population_destination", "ln_distance_km")
FIXED_EFFECTS = ("year",)
VALUE_ERROR = re.compile(r"^Value error, ")


class GravitySpecError(ValueError):
    """A model declaration that cannot be estimated; the message names the file and entry."""


def indicator_terms(indicator_code: str) -> tuple[str, str]:
    return f"ln_pct_{indicator_code}_origin", f"ln_pct_{indicator_code}_destination"


def all_terms(indicator_codes) -> list[str]:
    """Every term a model may use, in the order of fct_gravity_sample's columns."""
    return [*BASE_TERMS, *(t for code in sorted(indicator_codes) for t in indicator_terms(code))]


class GravityModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)
    years: Literal["all"] | list[int]
    frame_rule: Literal["own_frame"]
    terms: list[str]
    indicators: list[str] = []
    indicator_selection: Literal["all", "available"]
    indicator_lag_years: int = Field(ge=0)
    fixed_effects: list[str]
    exclude_flagged_years: bool
    flagged_year_min_disagreement_share: float = Field(ge=0, le=1)

    @field_validator("terms")
    @classmethod
    def _known_terms(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if term not in BASE_TERMS:
                raise ValueError(f"unknown term {term!r}: use any of {list(BASE_TERMS)}")
        return terms

    @field_validator("fixed_effects")
    @classmethod
    def _known_fixed_effects(cls, effects: list[str]) -> list[str]:
        for effect in effects:
            if effect not in FIXED_EFFECTS:
                raise ValueError(
                    f"unknown fixed effect {effect!r}: use any of {list(FIXED_EFFECTS)}"
                )
        return effects


def load_models(
    known_indicators, path: Path = SPEC_PATH, text: str | None = None
) -> list[GravityModel]:
    """Parse and validate the declarations; every error names the file, the model and the entry."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8") if text is None else text)
    entries = raw.get("models") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise GravitySpecError(f"{path}: expected a non-empty list under 'models:'")
    models, seen = [], set()
    for position, entry in enumerate(entries, start=1):
        name = entry.get("model_id", f"#{position}") if isinstance(entry, dict) else f"#{position}"
        where = f"{path}: model {name}"
        try:
            model = GravityModel.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                ".".join(str(p) for p in err["loc"]) + ": " + VALUE_ERROR.sub("", err["msg"])
                for err in exc.errors()
            )
            raise GravitySpecError(f"{where}: {problems}") from None
        unknown = [code for code in model.indicators if code not in set(known_indicators)]
        if unknown:
            raise GravitySpecError(
                f"{where}: indicators: unknown indicator {unknown[0]!r} "
                f"(seed indicators has {sorted(known_indicators)})"
            )
        if not model.terms and not model.indicators:
            raise GravitySpecError(f"{where}: no regressor (terms and indicators are empty)")
        if model.model_id in seen:
            raise GravitySpecError(f"{where}: model_id declared twice")
        seen.add(model.model_id)
        models.append(model)
    return models
