"""Where a story's props, characters and motions come from: the user's own folders, a
service the user chose, or the embedded defaults.

Pure Python (HTTP through addon/services, files in the asset cache): `fetch` runs before the
cast stage and says, per prop, which file to import instead of the procedural prop, per cast
member, which rigged model to import instead of the built-in body, and gives the animate stage
a folder of service motions labelled with the actions they play.
Anything that cannot be had (online access off, no key, a service failing) leaves the
embedded default in place with one note saying so; nothing here raises for a service.
"""
from __future__ import annotations

import inspect
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import services
from .assets.cache import AssetCache
from .assets.library_index import LibraryIndexError, index_folder
from .screenplay import CastMember, Screenplay
from .services.files import check_file
from .stage.navigation import GAITS

log = logging.getLogger(__name__)

#: The steps a service can take over, and the providers for each (the services' registry).
STEPS = ("props", "character", "motion")
#: Text-to-motion services make clips this long at least and at most (Meshy: 2–10 s).
MOTION_S = (2.0, 10.0)


class SourcingError(ValueError):
    """The user's choice itself is wrong (an unknown step or provider): one line."""


@dataclass(frozen=True)
class ModelSource:
    """A file to build a prop or a character from: a user's model or a service's cached
    download."""
    path: Path
    origin: str                      # "folder" or the provider's name
    prompt: str = ""                 # what the service was asked for (its cache key)
    params: dict = field(default_factory=dict)
    forward: str = "-Y"
    size_m: float | None = None
    blend_object: str = ""


@dataclass
class Fetched:
    models: dict[str, ModelSource] = field(default_factory=dict)    # prop id -> file
    motion_folder: Path | None = None          # service BVH or FBX clips, labels.json
    notes: list[str] = field(default_factory=list)
    characters: dict[str, ModelSource] = field(default_factory=dict)   # cast id -> rigged file

    def to_dict(self) -> dict:
        return {"models": _sources_dict(self.models),
                "characters": _sources_dict(self.characters),
                "motion_folder": str(self.motion_folder) if self.motion_folder else None,
                "notes": self.notes}

    @classmethod
    def from_dict(cls, data: dict) -> Fetched:
        folder = data.get("motion_folder")
        return cls(_sources(data.get("models", {})), Path(folder) if folder else None,
                   list(data.get("notes", [])), _sources(data.get("characters", {})))


def _sources_dict(sources: dict[str, ModelSource]) -> dict:
    return {sid: {"file": str(m.path), "from": m.origin, "prompt": m.prompt,
                  "params": m.params, "forward": m.forward, "size_m": m.size_m,
                  "object": m.blend_object}
            for sid, m in sources.items()}


def _sources(data: dict) -> dict[str, ModelSource]:
    return {sid: ModelSource(Path(m["file"]), m["from"], m.get("prompt", ""),
                             m.get("params") or {}, m.get("forward", "-Y"), m.get("size_m"),
                             m.get("object", ""))
            for sid, m in data.items()}


def parse_choices(values: list[str]) -> dict[str, str]:
    """`["props=meshy", "motion=saymotion"]` as {step: provider}; "builtin" means none."""
    out = {}
    for value in values:
        step, _, name = value.partition("=")
        step, name = step.strip().lower(), name.strip().lower()
        if step not in STEPS or not name:
            raise SourcingError(f"--provider {value!r}: expected STEP=NAME with STEP one of "
                                f"{', '.join(STEPS)}")
        if name != "builtin":
            try:
                services.provider_for(step, name)
            except services.ServiceError as exc:
                raise SourcingError(f"--provider {value}: {exc}") from None
            out[step] = name
    return out


def prop_prompt(prop) -> str:
    """What a text-to-3D service is asked for: the story's words for the prop."""
    words = [prop.colour, prop.material, prop.description or prop.name or prop.category]
    return " ".join(w for w in words if w).strip()


#: Words for a person by sex, as (adult, child).
_PERSON = {"female": ("woman", "girl"), "male": ("man", "boy")}
#: Meshy takes prompts of up to 600 characters; a cast member's words stay well inside.
CHARACTER_PROMPT_CHARS = 400


def character_prompt(member: CastMember) -> str:
    """What a text-to-3D service is asked for: the story's description of the member ("a tall
    heavy old man"), or its body in words when the story only names it, with the garments and
    accessories the description leaves out, as one full-body figure in a T-pose."""
    said = member.description.strip()
    if not said or said.lower() == member.name.strip().lower():
        said = _person(member.body)
    worn = [w for w in (" ".join(filter(None, (g.colour, g.item))) for g in member.outfit)
            if w.lower() not in said.lower()]
    carried = [a for a in member.accessories if a.lower() not in said.lower()]
    words = [said]
    if worn:
        words.append("wearing " + ", ".join(worn))
    if carried:
        words.append("with " + ", ".join(carried))
    words.append("- one full-body character standing in a T-pose")
    return " ".join(words)[:CHARACTER_PROMPT_CHARS]


def _person(body) -> str:
    """The body's sex, age and build in words: "an old heavy man", "a girl"."""
    adult, child = _PERSON.get(body.sex, ("person", "child"))
    age = "old" if body.age_years >= 65 else "teenage" if 13 <= body.age_years < 18 else ""
    build = "" if body.build == "average" else body.build
    words = " ".join(filter(None, (age, build, child if body.age_years < 13 else adult)))
    return ("an " if words[0] in "aeiou" else "a ") + words


def fetch(screenplay: Screenplay, choices: dict[str, str], cache: AssetCache, *,
          online: bool, overrides: dict[str, dict] | None = None,
          model_folders: tuple[str, ...] = (), work_dir: Path | None = None,
          progress: Callable | None = None, cancel=None) -> Fetched:
    """Find or fetch what the story's props, characters and motions come from (see the
    module's doc).
    `overrides` are per-provider config fields from the preferences (URL, key)."""
    out = Fetched()
    _from_folders(screenplay, model_folders, out)
    want = [p for p in screenplay.props if p.id not in out.models]
    if "props" in choices and want:
        _fetch_props(want, choices["props"], cache, online, overrides or {}, out,
                     progress, cancel)
    if "character" in choices and screenplay.cast:
        _fetch_characters(screenplay.cast, choices["character"], cache, online,
                          overrides or {}, out, progress, cancel)
    if "motion" in choices and screenplay.beats:
        _fetch_motions(screenplay, choices["motion"], cache, online, overrides or {},
                       work_dir, out, progress, cancel)
    return out


def _from_folders(screenplay, folders, out: Fetched) -> None:
    for folder in folders:
        try:
            index = index_folder(folder, "model")
        except LibraryIndexError as exc:
            out.notes.append(f"model folder: {exc}")
            continue
        out.notes += [f"model folder: {w}" for w in index.warnings]
        for prop in screenplay.props:
            if prop.id in out.models:
                continue
            found = index.search(prop.name or prop.category, limit=1) \
                or index.search(prop.category, limit=1)
            if found:
                entry = found[0]
                out.models[prop.id] = ModelSource(entry.path, "folder", forward=entry.forward,
                                                  size_m=prop.size_m or entry.size_m,
                                                  blend_object=entry.object)
                out.notes.append(f"{prop.id}: your model {entry.path.name}")


def _config(name: str, online: bool, overrides: dict):
    return services.config_from_env(name, {**overrides.get(name, {}), "online": online})


def _usable(step: str, name: str, online: bool, config, out: Fetched) -> bool:
    """Whether to ask the service at all; a note says why not (offline, no key)."""
    label = services.config.DEFAULTS[name].label
    if not online:
        out.notes.append(f"{step}: online access is off, so {label} was not asked; the "
                         f"built-in {step} are used (--online, or Blender's Allow Online "
                         "Access)")
        return False
    if not config.api_key and name != "hunyuan":
        out.notes.append(f"{step}: no {label} API key (preferences or "
                         f"{' / '.join(services.config.DEFAULTS[name].key_envs)}); the "
                         f"built-in {step} are used")
        return False
    return True


def _fetch_props(props, name: str, cache: AssetCache, online: bool, overrides, out: Fetched,
                 progress, cancel) -> None:
    provider = services.provider_for("props", name)
    config = None
    for prop in props:
        prompt, params = prop_prompt(prop), {"kind": "prop"}
        cached = cache.get(name, prompt, params)
        if cached is None:
            if config is None:
                config = _config(name, online, overrides)
                if not _usable("props", name, online, config, out):
                    return
            cached = _download(name, prompt, params, cache, out, "prop", lambda tmp:
                               provider.generate_model(prompt, tmp, config, cancel=cancel,
                                                       progress=_teller(progress, name, prompt)))
            if cached is None:
                continue
        out.models[prop.id] = ModelSource(cached, name, prompt, params, size_m=prop.size_m)
        out.notes.append(f"{prop.id}: {services.config.DEFAULTS[name].label} model for "
                         f"{prompt!r}")


def _fetch_characters(cast, name: str, cache: AssetCache, online: bool, overrides,
                      out: Fetched, progress, cancel) -> None:
    """Each cast member generated from its words and rigged by the same service; only the
    rigged file is cached (the unrigged model is a step on the way), keyed by the height the
    rig was asked for."""
    provider = services.provider_for("character", name)
    config = None
    for member in cast:
        prompt = character_prompt(member)
        height_m = round(float(member.body.height_m), 2)
        params = {"kind": "character", "rigged": True, "height_m": height_m}
        cached = cache.get(name, prompt, params)
        if cached is None:
            if config is None:
                config = _config(name, online, overrides)
                if not _usable("characters", name, online, config, out):
                    return
            cached = _download(name, prompt, params, cache, out, "character", lambda tmp:
                               _rigged(provider, prompt, height_m, tmp, config,
                                       _teller(progress, name, prompt), cancel))
            if cached is None:
                continue
        out.characters[member.id] = ModelSource(cached, name, prompt, params)
        out.notes.append(f"{member.id}: {services.config.DEFAULTS[name].label} rigged "
                         f"character for {prompt!r}")


def _rigged(provider, prompt: str, height_m: float, folder: Path, config, progress, cancel):
    """Generate a character, in a T-pose where the service takes a pose, and rig it (at
    `height_m` where the service takes a height)."""
    model = provider.generate_model(prompt, folder, config, progress=progress, cancel=cancel,
                                    **_taken(provider.generate_model, pose_mode="t-pose"))
    return provider.rig_model(model, folder, config, progress=progress, cancel=cancel,
                              **_taken(provider.rig_model, height_m=height_m))


def _taken(function, **options) -> dict:
    """The `options` that `function` accepts: clients differ in what a request can say."""
    accepted = inspect.signature(function).parameters
    return {k: v for k, v in options.items() if k in accepted}


def _download(name: str, prompt: str, params: dict, cache: AssetCache, out: Fetched,
              what: str, call) -> Path | None:
    """Run the service `call(folder, progress)` into a temporary folder and cache its checked
    file; on any failure a note says the built-in `what` is used, and None."""
    with tempfile.TemporaryDirectory(prefix="story-motion-") as tmp:
        try:
            result = call(Path(tmp))
            with cache.writing(name, prompt, params, result.path.suffix,
                               lambda p: check_file(p, result.format)) as temp:
                shutil.copyfile(result.path, temp)
        except (services.ServiceError, ValueError, OSError) as exc:
            out.notes.append(f"{prompt}: {services.config.DEFAULTS[name].label} failed "
                             f"({_one_line(exc)}); the built-in {what} is used")
            return None
    return cache.get(name, prompt, params)


def _teller(progress, name: str, prompt: str):
    return (lambda what, frac: progress(f"{name} {prompt}: {what}", frac)) if progress else None


def _fetch_motions(screenplay, name, cache, online, overrides, work_dir, out, progress,
                   cancel) -> None:
    """One clip per action the story uses, asked for in the words of its first beat; the
    clips go in a folder with a labels.json naming the action each plays.  Walking, running
    and the other gaits are not asked for: they follow the staged paths, which a clip made
    for a sentence cannot."""
    provider = services.provider_for("motion", name)
    actions: dict[str, object] = {}
    people = {c.id for c in screenplay.cast}
    for beat in screenplay.beats:
        if beat.actor in people:               # a prop's own beat (the ball rolls) is physics
            actions.setdefault(beat.action, beat)
    if not actions:
        return
    if work_dir is None:
        folder = Path(tempfile.mkdtemp(prefix="story-motion-motions-"))
    else:
        folder = Path(work_dir) / "service_motions"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    labels, config = {}, None
    for action, beat in actions.items():
        if action == "idle" or action in GAITS:
            continue
        prompt = beat.source.text if beat.source is not None and beat.source.text else \
            f"a person {action.replace('_', ' ')}s"
        duration = min(max(beat.duration_s, MOTION_S[0]), MOTION_S[1])
        params = {"kind": "motion", "duration_s": round(duration, 2)}
        cached = cache.get(name, prompt, params)
        if cached is None:
            if config is None:
                config = _config(name, online, overrides)
                if not _usable("motion", name, online, config, out):
                    break
            cached = _download(name, prompt, params, cache, out, "motion", lambda tmp:
                               provider.generate_motion(prompt, duration, tmp, config,
                                                        cancel=cancel,
                                                        progress=_teller(progress, name,
                                                                         prompt)))
            if cached is None or cached.suffix.lower() not in (".bvh", ".fbx"):
                continue
        target = folder / f"{name}_{action}{cached.suffix.lower()}"   # both read by animate
        shutil.copyfile(cached, target)
        labels[target.name] = [action]
        out.notes.append(f"{action}: {services.config.DEFAULTS[name].label} motion for "
                         f"{prompt!r}")
    if labels:
        (folder / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
        out.motion_folder = folder


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
