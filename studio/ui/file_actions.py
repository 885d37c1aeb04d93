"""File handling for the main window: new, open, import (in the background), save, Save As, export, recent files,
recovery, and the "save changes?" prompt before anything would throw unsaved work away. A mixin, so that
main_window.py only wires panels together."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from studio.core.analysis import prepare
from studio.core.errors import UserError
from studio.core.project_io import is_project_file

from studio.ui.autosave import discard, find_recoveries

PROJECT_FILTER = "Speech Studio projects (*.studio.json *.json);;All files (*)"
PROJECT_SUFFIX = ".studio.json"
SCRIPT_SUFFIXES = (".txt", ".ssml", ".srt", ".vtt")
IMPORT_FILTER = "Scripts and subtitles (*.txt *.ssml *.srt *.vtt);;All files (*)"
MAX_RECENT = 8


class FileActions:
    def maybe_save(self, action: str) -> bool:
        """Before closing, opening or starting anew: ask to save unsaved changes. False means stay put."""
        if self.document.undo_stack.isClean():
            return True
        name = self.document.path.name if self.document.path else "this untitled project"
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"Save the changes to {name} before {action}?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.setObjectName("unsaved-prompt")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_project(self) -> bool:
        if not self.maybe_save("starting a new project"):
            return False
        self.document.new()
        self.show_info("New project: paste a script (Ctrl+Shift+V) or add a line (Shift+Enter).")
        return True

    def open_path(self, path: Path) -> bool:
        path = Path(path)
        if path.suffix.lower() in SCRIPT_SUFFIXES and not is_project_file(path):
            return self.import_script(path)
        try:
            self.document.open(path)
        except UserError as exc:
            self.show_error(str(exc))
            return False
        self._remember(path)
        self.show_info(f"Opened {path.name}: {len(self.document.project.segments)} segments.")
        return True

    def import_script(self, path: Path, background: bool = True) -> bool:
        """Read a script, subtitles or SSML into a new project, by content (production.inputs: subtitle cleaning,
        speaker labels, vendor SSML, languages). The voice analyses it on a worker thread, with progress in the
        status bar; the project appears when it is done. Returns False if it could not start."""
        from studio.core.script import split_sentences
        from studio.production.inputs import load, read
        from studio.ui.background import Job

        if self.import_job is not None and self.import_job.running:
            self.show_info("An import is still running; wait for it to finish.")
            return False
        try:
            source = read(path)  # read and recognised once, for the casting dialog and the import alike
        except UserError as exc:
            self.show_error(str(exc))
            return False
        options = self.confirm_casting(source)
        if options is None:
            self.show_info(f"Import of {path.name} cancelled; the project is unchanged.")
            return False
        analyzer = self.document.analyzer
        self.import_notes: list[str] = []
        cast = set(options.cast) | set(options.voice_map)
        # A speaker cast in the dialog keeps that voice; any other gets the one the preferences name for it, before
        # its lines are analysed.
        options.prefer = lambda name: None if name in cast else self.script_actions.voice_for_speaker(name)

        def work(job: Job):
            # Progress counts analysed lines against the sentences of the text (an estimate for subtitles).
            counted = _Counting(analyzer, self.document.voices, job, len(split_sentences(source.text)))
            return load(source, options, counted, self.import_notes).project

        job = Job(work, errors=(UserError, ValueError), parent=self)
        self.import_job = job
        job.progress.connect(self._show_busy)
        job.finished.connect(lambda project: self._imported(path, project))
        job.failed.connect(self._import_failed)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.show()
        self.show_info(f"Importing {path.name}…")
        job.start()
        if not background:
            while job.running:
                from PySide6.QtWidgets import QApplication
                QApplication.processEvents()
                job.thread.join(0.02)
            from PySide6.QtWidgets import QApplication
            QApplication.processEvents()
        return True

    def confirm_casting(self, source):
        """The import's Options: where the file brings several speakers, the casting dialog shows each with the
        voice it would get and lets the user change it. None when the user cancels. Reading the speakers needs
        no voice, so it is quick enough for the GUI thread; the analysis itself runs in the background."""
        from studio.production.casting import proposed_casting
        from studio.production.inputs import Options, speakers_of

        from studio.ui.casting_dialog import CastingDialog

        try:
            kind, names = speakers_of(source.path, source.text, Options(), source.kind)
        except Exception:  # noqa: BLE001 - a file that cannot be read is reported by the import, in one sentence
            return Options()
        if len(names) < 2:
            return Options()
        dialog = CastingDialog(source.path.name, proposed_casting(names, vendor=kind == "ssml"), self)
        if dialog.exec() != CastingDialog.Accepted:
            return None
        if kind == "ssml":  # SSML names vendor voices: a voice map, as --voice-map does, kept in the project
            return Options(voice_map=dialog.choices())
        return Options(cast=dialog.choices())  # as --cast: remembered per speaker name after the import

    def _show_busy(self, done: int, total: int, what: str) -> None:
        self.busy_bar.setRange(0, max(total, 1))
        self.busy_bar.setValue(done)

    def _imported(self, path: Path, project) -> None:
        self.busy_bar.hide()
        self.document.replace(project)
        notes = " ".join(n if n.endswith(".") else n + "." for n in getattr(self, "import_notes", []))
        self.show_info(f"Imported {path.name}: {len(project.segments)} segments. Save it as a project. {notes}"
                       .strip())

    def _import_failed(self, message: str) -> None:
        self.busy_bar.hide()
        self.show_error(message)

    def ask_open(self) -> None:
        if not self.maybe_save("opening another project"):
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if path:
            self.open_path(Path(path))

    def ask_import(self) -> None:
        if not self.maybe_save("importing a script"):
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import script", "", IMPORT_FILTER)
        if path:
            self.import_script(Path(path))

    def show_export(self) -> None:
        from studio.ui.export_dialog import ExportDialog

        if self.export_dialog is not None and self.export_dialog.busy:
            self.export_dialog.raise_()
            return
        self.export_dialog = ExportDialog(self, self.script.selected_segment_ids(), self.settings)
        self.export_dialog.done.connect(lambda files: self.show_info(f"Exported {len(files)} files."))
        self.export_dialog.show()

    def save(self) -> bool:
        if self.document.path is None:
            return self.ask_save_as()
        return self._save_to(self.document.path)

    def ask_save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save project", "", PROJECT_FILTER)
        return bool(path) and self._save_to(with_project_suffix(Path(path)))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except OSError as exc:
            self.show_error(f"Could not save {path.name} ({exc.strerror or exc}); your work is still open, "
                            "try another folder.")
            return False
        self._remember(path)
        self.show_info(f"Saved {path.name}.")
        return True

    def _remember(self, path: Path) -> None:
        recent = [p for p in (self.settings.value("recent", []) or []) if p != str(path)]
        self.settings.setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.value("recent", []) or []:
            self.recent_menu.addAction(Path(p).name,
                                       lambda p=p: self.maybe_save("opening another project") and self.open_path(Path(p)))

    def offer_recovery(self, ask) -> bool:
        """If an earlier session ended without saving, ask (ask(text) -> bool) whether to open its work."""
        import datetime

        from studio.core.project_io import ProjectFileError, load

        for recovery in find_recoveries(self.autosave.folder):
            if recovery.project_file == self.autosave.file:
                continue
            when = datetime.datetime.fromtimestamp(recovery.saved_at).strftime("%Y-%m-%d %H:%M")
            name = Path(recovery.original).name if recovery.original else "an untitled project"
            if ask(f"Speech Studio closed without saving {name} (last autosave {when}). Recover that work?"):
                try:
                    project = load(recovery.project_file)
                except ProjectFileError as exc:
                    self.show_error(f"The recovery file could not be read: {exc}")
                    discard(recovery)
                    return False
                self.document.replace(project, Path(recovery.original) if recovery.original else None)
                discard(recovery)
                self.show_info(f"Recovered unsaved work on {name}; save it to keep it.")
                return True
            discard(recovery)
        return False


def with_project_suffix(path: Path) -> Path:
    """Save As gives a project its extension, so that it is known as a project everywhere."""
    return path if path.name.lower().endswith(".json") else path.with_name(path.name + PROJECT_SUFFIX)


class _Counting:
    """The voice registry as an import sees it: analyses go through the editor's analyzer (with the lexicon) and
    are counted for the progress bar; everything else is the registry's."""

    def __init__(self, inner, voices, job, total: int):
        self.inner, self.voices, self.job, self.total, self.done = inner, voices, job, total, 0

    def analyze(self, text, voice, mix):
        words = self.inner.analyze(text, voice, mix)
        self.done += 1
        if self.total:
            self.job.report(min(self.done, self.total), self.total, "")
        return words

    def prepare(self, items) -> None:
        """Lines analysed ahead in batches where the voice runs on a GPU, through the lexicon (core.analysis)."""
        prepare(self.inner, items)

    def __getattr__(self, name):
        return getattr(self.voices, name)
