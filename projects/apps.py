from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import (  # noqa: F401 - checks registers on import
            checks,
            log_events,
            panels,
            permissions,
            services,
            views,
            workflow,
        )

        workflow.register_step(
            "submit", app_label="projects", order=0, run=services.submission_step
        )
        panels.register_panel(
            "actions",
            slot="side",
            order=10,
            template="projects/_actions.html",
            context=views.actions_panel,
        )
        panels.register_panel(
            "returned",
            slot="top",
            order=5,
            template="projects/_returned.html",
            context=views.returned_panel,
        )
        log_events.register()
        post_migrate.connect(permissions.forget_permission_ids, dispatch_uid="accord-perm-ids")
