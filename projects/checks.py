"""Start-up checks of the lifecycle: every app a transition needs has attached its step."""

from django.core.checks import Error, register

from . import workflow


@register()
def check_transition_steps(app_configs, **kwargs) -> list[Error]:
    return [
        Error(
            f"the “{action}” transition needs a step from the {app!r} app, and none is registered",
            hint=f"call projects.workflow.register_step({action!r}, app_label={app!r}, …) "
            f"from {app}'s AppConfig.ready()",
            id="projects.E001",
        )
        for action, app in workflow.missing_steps()
    ]
