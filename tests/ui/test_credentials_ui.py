"""The export dialog says whether content credentials are on and as whom; Preferences turn them off or name a
certificate, checked before it is kept."""

from PySide6.QtCore import Qt

from studio.production.credentials import identity
from studio.production.credentials.verify import verify
from tests.ui.helpers import answer_next_dialog


def test_export_dialog_shows_the_identity_and_signs_the_mix(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    w = window
    w.show_export()
    d = w.export_dialog
    text = d.credentials.text()
    assert text.startswith("Content credentials: on, signed by Speech Studio (") and "local identity" in text
    d.folder.setText(str(tmp_path / "out"))
    d.stems.setChecked(False)
    d.subtitles.setChecked(False)
    qtbot.mouseClick(d.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not d.busy, timeout=60000)
    assert "Exported" in d.status.text(), d.status.text()
    verdict = verify(tmp_path / "out" / "mix.wav")
    assert verdict.status == "valid" and verdict.declared["voices"]

    # Preferences: a certificate that cannot be read is one sentence and is not kept.
    def bad(dialog):
        dialog.sign_cert.setText(str(tmp_path / "missing.pem"))
        dialog.sign_key.setText(str(tmp_path / "missing.key"))
        dialog.accept()
        assert dialog.isVisible() and "cannot be read" in dialog.credentials_note.text()
        dialog.sign_cert.setText("")
        dialog.sign_key.setText("")
        dialog.sign.setChecked(False)  # then turn signing off
        dialog.accept()
    answer_next_dialog(bad)
    w.show_preferences()
    assert identity.preferences() == {"enabled": False, "cert": "", "key": ""}
    d.close()
    w.show_export()
    assert "off (turned off in the preferences)" in w.export_dialog.credentials.text()
