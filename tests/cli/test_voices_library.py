"""`studio voices` lists the designed voices the user saved to the library, after the cast."""

from studio.cli import main


def test_a_saved_design_is_listed(capsys):
    from studio.core.design import Design
    from studio.core.voice_library import save_design

    save_design(Design("en_US-joe-medium", 1.1, 1.3, 0.2, "Kim"))
    assert main(["voices"]) == 0
    lines = capsys.readouterr().out.splitlines()
    kim = next(i for i, line in enumerate(lines) if line.startswith("Kim "))
    assert " library " in lines[kim]
    assert "designed from en_US-joe-medium (timbre x1.1, pitch x1.3, breath 0.2)" in lines[kim + 1]
