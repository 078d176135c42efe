"""The recipes' input and output models: the same field names in the builder's forms and the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.forms import StoredText
from core.recipes import Step

EXAMPLE_STEPS = [{"tool": "encode", "options": {"mode": "decode", "format": "base64"}}]
EXAMPLE = {"json_schema_extra": {"examples": [{"input": "aGVsbG8=", "steps": EXAMPLE_STEPS}]}}


class RunInput(BaseModel):
    model_config = ConfigDict(**EXAMPLE)

    input: str = Field(default="", description="The text step 1 takes.")
    steps: list[Any] = Field(description="The steps: {tool, operation, options, take, each_line}, at most 20.")


class SavedRunInput(BaseModel):
    input: str = Field(default="", description="The text step 1 takes.")


class StepOut(BaseModel):
    tool: str
    operation: str = ""
    output: str | None = Field(description="The step's output; null for the step that failed.")
    error: str | None = Field(description="Why the step failed; null when it did not.")
    ms: float | None = Field(description="Milliseconds the step took.")


class RunOut(BaseModel):
    output: str
    steps: list[StepOut]


class RecipeInput(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Base64 decode", "steps": EXAMPLE_STEPS}]})

    name: StoredText = Field(min_length=1, max_length=200, description="The recipe's name, 1-200 characters.")
    steps: list[Any] = Field(description="The steps, at most 20.")
    public: bool = Field(default=False, description="Anyone with the link may run it (default: only you).")


class RecipeEdit(BaseModel):
    name: StoredText | None = Field(default=None, min_length=1, max_length=200)
    steps: list[Any] | None = None
    public: bool | None = None


class RecipeOut(BaseModel):
    slug: str
    name: str
    steps: list[dict[str, Any]] = Field(description="The steps, each with only what differs from the defaults.")
    public: bool
    url: str = Field(description="The recipe's page: where it is run (by anyone, when public).")
    api_url: str = Field(description='POST {"input": …} here to run it.')
    created_at: datetime
    updated_at: datetime


class RecipeList(BaseModel):
    recipes: list[RecipeOut]


def recipe_out(recipe: dict) -> RecipeOut:
    fields = {k: recipe[k] for k in ("slug", "name", "steps", "public", "created_at", "updated_at")}
    slug = recipe["slug"]
    return RecipeOut(**fields, url=f"/tools/recipes/r/{slug}", api_url=f"/api/recipes/{slug}/run")


def steps_json(steps: list[Step]) -> list[dict]:
    """Steps as stored and shown: only what differs from the defaults."""
    return [step.model_dump(exclude_defaults=True) | {"tool": step.tool} for step in steps]
