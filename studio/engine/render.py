"""Rendering a segment of a project: snapshot it as a request and hand it to its voice's backbone."""

from __future__ import annotations

from studio.core.model import Project, Segment

from .backbone import RenderResult, request_for
from .voices import VoiceRegistry


def render_segment(project: Project, segment: Segment, voices: VoiceRegistry) -> RenderResult:
    backbone = voices.backbone(project.track(segment.track_id).voice)
    return backbone.render(request_for(project, segment, backbone))
