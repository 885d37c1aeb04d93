"""Keys and status in the editor: Ctrl+P (Pronunciation of a word…) offers the word of the phonemes selected on
the timeline; the status bar counts the project shown, not the one before."""

from tests.ui.helpers import answer_next_dialog


def _offered(window) -> str:
    seen = []

    def handler(dialog):
        seen.append(dialog.textValue())
        dialog.reject()
    answer_next_dialog(handler)
    window.ask_pronunciation()
    return seen[0]


def test_ctrl_p_offers_the_word_selected_on_the_timeline(window):
    seg = window.document.project.segments[0]
    spoken = [i for i, w in enumerate(seg.words) if w.text and w.phonemes]
    index = spoken[2]
    window.timeline.select_word(0, index)
    assert _offered(window) == seg.words[index].text


def test_a_new_project_does_not_keep_the_last_projects_render_counts(window):
    assert window.render_state.text().startswith("ready ")
    assert window.new_project()
    assert window.render_state.text() == "no lines"
