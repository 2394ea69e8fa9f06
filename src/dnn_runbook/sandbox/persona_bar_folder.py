"""A Persona Bar folder given at run time: DNN's own shell, served instead of the sandbox's.

``Sandbox.start(persona_bar_dir=DIR)`` (``dnn-runbook sandbox --persona-bar DIR``) serves the
files under ``/DesktopModules/admin/Dnn.PersonaBar/`` from ``DIR``, a copy of that folder
from a DNN install, so that the page objects can be tried on the shell a real site runs. The
About panel's module (``modules/Dnn.Licensing/``) stays the sandbox's, since Evoq's is closed
source and needs Evoq's server; the site page, the bar's services and the licensing API stay
the sandbox's too.

Files are found as IIS finds them: each part of the path in any letter case (DNN's scripts
ask for ``modules/`` and ``Modules/`` alike, and a copy taken from Windows keeps Windows'
case). What IIS never serves as a file (``.resx``, ``.ascx``, ``.cs``, ``.config``, ...)
is not served either, and nothing outside ``DIR`` is reachable, symbolic links included.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from dnn_runbook.exceptions import SandboxError

#: File types that ASP.NET's request filtering refuses to serve (``web.config``'s
#: ``hiddenSegments`` and ``fileExtensions`` defaults, as far as a Persona Bar folder holds
#: them: resource files, user controls, code, compiled resources, configuration).
REFUSED_SUFFIXES = frozenset(
    {".resx", ".resources", ".ascx", ".aspx", ".asax", ".cs", ".config", ".dll", ".pdb"}
)


def checked_dir(path: Path) -> Path:
    """``path`` resolved, once it is known to be a Persona Bar folder.

    Raises:
        SandboxError: ``path`` is not a directory, or holds no ``index.html``.
    """
    resolved = path.expanduser().resolve()
    if not resolved.is_dir():
        raise SandboxError(
            f"persona_bar_dir must be a directory (a copy of DesktopModules/admin/Dnn.PersonaBar "
            f"from a DNN install), got {str(path)!r}, which is not one."
        )
    if not (resolved / "index.html").is_file():
        raise SandboxError(
            f"persona_bar_dir must hold the Persona Bar's index.html (a copy of "
            f"DesktopModules/admin/Dnn.PersonaBar from a DNN install), but {str(path)!r} has "
            "none; give the folder that contains index.html, scripts/ and css/."
        )
    return resolved


class PersonaBarFolder:
    """The files of one Persona Bar folder, looked up as IIS would look them up."""

    def __init__(self, root: Path) -> None:
        self.root = checked_dir(root)

    def find(self, relative: str) -> Path | None:
        """The file at ``relative`` (a URL path below the folder), or ``None``.

        ``None`` for a path that leaves the folder (``..``, an absolute path, a symbolic link
        pointing out), names a directory, or has a type IIS does not serve.
        """
        if "\x00" in relative:
            return None
        parts = PurePosixPath(relative.replace("\\", "/")).parts
        if not parts or any(part in ("", ".", "..") or part.startswith("/") for part in parts):
            return None
        if PurePosixPath(parts[-1]).suffix.casefold() in REFUSED_SUFFIXES:
            return None
        current = self.root
        for part in parts:
            child = _child(current, part)
            if child is None:
                return None
            current = child
        target = current.resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        return target


def _child(directory: Path, name: str) -> Path | None:
    """``directory / name``, in the name's case or, failing that, in any case."""
    exact = directory / name
    if exact.exists():
        return exact
    if not directory.is_dir():
        return None
    folded = name.casefold()
    return next((entry for entry in directory.iterdir() if entry.name.casefold() == folded), None)
