from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from config import checks  # noqa: F401 - registers Accord's deployment checks

        from . import db, permissions

        post_migrate.connect(permissions.forget_permission_ids, dispatch_uid="accord-perm-ids")
        post_migrate.connect(db.reinstall_after_migrate, sender=self, dispatch_uid="accord-list")
